"""Per-build citation state: footnote numbers per page, and who cited which quote.

MkDocs converts every page's Markdown before it renders any template, so
by the time `on_post_page` runs for a source page, every citing page has
registered its citations here; the hook then fills in the "Cited on" lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .fragments import Fragments


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
    numbers: dict[str, int] = field(default_factory=dict)
    uses: list[int] = field(default_factory=lambda: [0])  # markers placed per number (index 0 unused)

    def number(self, quote_id: str) -> int:
        """The quote's footnote number on this page (constant time: pages can cite thousands)."""
        if quote_id not in self.numbers:
            self.order.append(quote_id)
            self.numbers[quote_id] = len(self.order)
            self.uses.append(0)
        return self.numbers[quote_id]

    def use(self, n: int) -> int:
        """Count one more marker [n] placed in the page; returns its rank (1, 2, ...), part of its id."""
        self.uses[n] += 1
        return self.uses[n]


@dataclass
class BuildState:
    """Everything the citation layer learns while a build renders pages."""

    pages: dict[str, PageCitations] = field(default_factory=dict)
    cited_on: dict[str, dict[Citer, None]] = field(default_factory=dict)
    factbase: Any = None
    # the open-data layer (changelog.py, dataset.py, changes.py): read once per build
    history: Any = None
    dataset: Any = None
    offline_zip: Any = None  # a current offline copy to publish with the site (Path), if any
    dataset_pages: set[str] = field(default_factory=set)  # pages that describe the dataset in full
    size_pages: dict[str, None] = field(default_factory=dict)  # output files whose download sizes to fill in
    record_pages: dict[str, str] = field(default_factory=dict)  # anchor -> first page showing it
    fragments: dict[str, Fragments] = field(default_factory=dict)  # page url -> its finished HTML

    def page(self, url: str) -> PageCitations:
        return self.pages.setdefault(url, PageCitations())

    def record(self, quote_id: str, citer: Citer) -> None:
        citers = self.cited_on.setdefault(quote_id, {})
        citers.setdefault(citer, None)  # an ordered set

    def reset_page(self, url: str) -> None:
        """Forget a page's citations (a page re-rendered in `serve`)."""
        page = self.pages.pop(url, None)
        if page is None:
            return
        for quote_id in page.order:
            citers = self.cited_on.get(quote_id, {})
            for citer in [c for c in citers if c.page_url == url]:
                del citers[citer]


#: The state of the build in progress; `define_env` replaces it at the start of each build.
CURRENT = BuildState()


def new_build() -> BuildState:
    global CURRENT
    CURRENT = BuildState()
    return CURRENT
