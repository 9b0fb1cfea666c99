"""A page's table of contents, completed from its finished HTML.

Markdown's `toc` extension lists the headings written in Markdown only. The headings in the macros' HTML (a
source's chapters, the timeline's years, each disputed issue, the Editor's notes and the Sources list) reach the
page as finished HTML and were missing from it, so a reader saw, for a source of five chapters, a table of contents
of one entry. `complete` lists every heading of the page that has an id, in page order and nested by level, as
Markdown would have: a heading Markdown listed keeps its entry; another's title is its text. A heading marked
`data-toc-exclude` stays out: the glossary's terms and the Changes page's commits, one heading per record, would
make a list as long as the page.
"""

from __future__ import annotations

import re

from mkdocs.structure.toc import AnchorLink, TableOfContents

#: A heading, its attributes and its content (headings do not nest; a heading's content holds no heading).
_HEADING = re.compile(r"<h([1-6])(\s[^>]*)?>(.*?)</h\1\s*>", re.S)
_ID = re.compile(r'\sid="([^"]+)"')
_PERMALINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)
_TAG = re.compile(r"<[^>]*>")


def _flat(links: list[AnchorLink]) -> dict[str, AnchorLink]:
    """Every entry of a table of contents, by id."""
    found: dict[str, AnchorLink] = {}
    for link in links:
        found[link.id] = link
        found.update(_flat(link.children))
    return found


def complete(toc: TableOfContents, html: str) -> TableOfContents:
    """`toc` with an entry for every heading of `html` that has an id and is not marked `data-toc-exclude`."""
    listed = _flat(list(toc))
    entries: list[AnchorLink] = []
    for match in _HEADING.finditer(html):
        level, attributes, content = int(match.group(1)), match.group(2) or "", match.group(3)
        anchor = _ID.search(attributes)
        if anchor is None or "data-toc-exclude" in attributes:
            continue
        known = listed.get(anchor.group(1))
        title = known.title if known is not None else " ".join(_TAG.sub("", _PERMALINK.sub("", content)).split())
        entries.append(AnchorLink(title, anchor.group(1), level))
    if [entry.id for entry in entries] == list(listed):
        return toc  # nothing Markdown had not listed
    top: list[AnchorLink] = []
    open_: list[AnchorLink] = []  # the entries the next one may nest in, outermost first
    for entry in entries:
        while open_ and open_[-1].level >= entry.level:
            open_.pop()
        (open_[-1].children if open_ else top).append(entry)
        open_.append(entry)
    if top:
        top[0].active = True  # type: ignore[attr-defined]  # as MkDocs marks the first entry
    return TableOfContents(top)
