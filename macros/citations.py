"""Per-build citation state: footnote numbers per page, and who cited which quote.

MkDocs converts every page's Markdown before it renders any template, so
by the time `on_post_page` runs for a source page, every citing page has
registered its citations here; the hook then fills in the "Cited on" lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Citer:
    """A place that cites a quote: a page, and the fact on it (if any)."""

    page_url: str
    page_title: str
    anchor: str
    label: str


@dataclass
class PageCitations:
    """Footnote numbering for one page, in order of first use."""

    order: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)

    def number(self, quote_id: str) -> int:
        if quote_id not in self.order:
            self.order.append(quote_id)
        return self.order.index(quote_id) + 1


@dataclass
class BuildState:
    """Everything the citation layer learns while a build renders pages."""

    pages: dict[str, PageCitations] = field(default_factory=dict)
    cited_on: dict[str, list[Citer]] = field(default_factory=dict)
    factbase: Any = None

    def page(self, url: str) -> PageCitations:
        return self.pages.setdefault(url, PageCitations())

    def record(self, quote_id: str, citer: Citer) -> None:
        citers = self.cited_on.setdefault(quote_id, [])
        if citer not in citers:
            citers.append(citer)

    def reset_page(self, url: str) -> None:
        """Forget a page's citations (a page re-rendered in `serve`)."""
        self.pages.pop(url, None)
        for quote_id in list(self.cited_on):
            self.cited_on[quote_id] = [c for c in self.cited_on[quote_id] if c.page_url != url]


#: The state of the build in progress; `define_env` replaces it at the start of each build.
CURRENT = BuildState()


def new_build() -> BuildState:
    global CURRENT
    CURRENT = BuildState()
    return CURRENT
