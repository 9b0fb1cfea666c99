"""Finished HTML past Markdown.

What a macro returns as markup (fact lists, source pages, tables, charts, markers, the Sources list) is
HTML the templates have finished and escaped. Run through Markdown it was parsed twice more, by the
raw-HTML preprocessor and by `md_in_html`, only to come out unchanged; on a source page that was most of
the build's time. The page's Markdown now gets a short placeholder instead, and `expand` puts the HTML back
in `on_page_content`: after Markdown, before abbreviations are marked and before the search plugin indexes
the page, so the page, its search entries and its table of contents are what they were (tests/
test_fragments.py builds the site both ways and compares every page).

Each placeholder is read by Markdown the way the fragment itself would have been:

- a fragment that starts with a block element is held by an HTML comment, which Markdown keeps as a raw
  block at the start of a line (no paragraph around it) and as inline HTML inside a paragraph, exactly as
  it keeps a `<div>` or a `<table>`;
- any other fragment (a marker, a figure's value) is held by an empty inline element, which Markdown puts
  in a paragraph wherever it would have put the fragment.

A fragment the search index leaves out anyway (the Sources list, marked `data-search-exclude`, and the JSON-LD
`<script>`) is put back later, once the search plugin has indexed the page (`expand(..., late=True)`, from the hooks'
`on_page_context`): the search plugin parsed it only to skip it.

Placeholders cannot come from data: every string from data/ reaches a page escaped (`<` as `&lt;`).
"""

from __future__ import annotations

import re
from typing import Callable

from markdown.util import BLOCK_LEVEL_ELEMENTS

#: The elements Markdown treats as blocks (its own list, as the site's Markdown is configured).
BLOCK_ELEMENTS = frozenset(BLOCK_LEVEL_ELEMENTS)

_FIRST_TAG = re.compile(r"\s*<([a-zA-Z][a-zA-Z0-9-]*)")
#: The three placeholders: a block fragment's, a late one's (group 1 says which), and an inline fragment's.
_PLACEHOLDER = re.compile(r'<!--sco-fragment(-late)?:(\d+)-->|<sco-fragment n="(\d+)"></sco-fragment>')

#: Set to false to send fragments through Markdown as before (the equivalence test's other build).
ENABLED = True


class Fragments:
    """The fragments of the page being rendered, in the order its macros returned them."""

    def __init__(self) -> None:
        self._fragments: list[str] = []
        self._put_back: set[int] = set()

    def hold(self, html: str, late: bool = False) -> str:
        """A placeholder for `html`, to be replaced by `expand` once Markdown has converted the page; a `late`
        one (a block the search index leaves out) only by `expand(..., late=True)`, after indexing."""
        if not ENABLED:
            return html
        n = len(self._fragments)
        self._fragments.append(str(html))
        if late:
            return f"<!--sco-fragment-late:{n}-->"
        first = _FIRST_TAG.match(html)
        if first and first.group(1).lower() in BLOCK_ELEMENTS:
            return f"<!--sco-fragment:{n}-->"
        return f'<sco-fragment n="{n}"></sco-fragment>'

    def expand(self, text: str, late: bool = False, finish: Callable[[str], str] | None = None) -> str:
        """`text` (the page's Markdown or its HTML) with the placeholders of one kind (late or not) replaced by
        their fragments, each passed through `finish` first if given."""
        if "sco-fragment" not in text:
            return text

        def back(match: re.Match[str]) -> str:
            if bool(match.group(1)) != late:
                return match.group()
            n = int(match.group(2) or match.group(3))
            self._put_back.add(n)
            return finish(self._fragments[n]) if finish else self._fragments[n]

        return _PLACEHOLDER.sub(back, text)

    def inlined(self, markdown: str) -> str:
        """`markdown` with every fragment in place and nothing recorded: the page as plain Markdown would hold it
        (the benchmark's pre-rendered site)."""
        return _PLACEHOLDER.sub(lambda m: self._fragments[int(m.group(2) or m.group(3))], markdown)

    def missing(self) -> int:
        """How many fragments were never put back: their placeholders went where no fragment can go (inside
        Markdown code, which escapes them), so the page would show a placeholder instead (the build fails)."""
        return len(self._fragments) - len(self._put_back)
