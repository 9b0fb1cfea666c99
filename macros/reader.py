"""Reader view: page text without the apparatus getting in the way.

Pure functions over a page's HTML (called from `macros/reader_hooks.py`), so tests can run them on snippets.
"""

from __future__ import annotations

import re

#: A section starts at a level-1 or level-2 heading; an abbreviation is marked at its first use in each.
_TOKENS = re.compile(r'<h[12][\s>]|<abbr title="[^"]*">([^<]*)</abbr>')


def abbreviations_at_first_use(html: str) -> str:
    """Keep `<abbr>` on the first use of each term in a section (from one h1/h2 to the next) and unwrap the rest.

    Both Python-Markdown's abbr extension (page prose) and `text.inline` (data text) mark every
    use; a dotted underline under every "SCO" on a page is noise once the reader has met it.
    """
    seen: set[str] = set()

    def one(match: re.Match[str]) -> str:
        term = match.group(1)
        if term is None:  # a heading: a new section
            seen.clear()
            return match.group(0)
        if term in seen:
            return term
        seen.add(term)
        return match.group(0)

    return _TOKENS.sub(one, html)


def is_theme_page(page: object) -> bool:
    """Whether a page sits under the nav's "Themes" section (the explainer's narrative pages)."""
    return any(getattr(section, "title", None) == "Themes" for section in getattr(page, "ancestors", []))
