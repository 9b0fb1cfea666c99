"""Each page's table of contents lists its sections, those in the macros' HTML too (parsed HTML of the built site)."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from mkdocs.structure.toc import AnchorLink, TableOfContents

from conftest import parsed_html
from macros.pagetoc import complete
from test_site import FB, Page, text_of


def toc_of(soup: BeautifulSoup) -> list[tuple[int, str, str]]:
    """(depth, target id, text) of each entry of the page's table of contents (the sidebar's), in order; depth 1 is
    the outermost list."""
    nav = soup.select_one("[data-md-type=toc] nav.md-nav--secondary")
    if nav is None:
        return []
    return [(len(a.find_parents("ul")), a["href"].removeprefix("#"), text_of(a))
            for a in nav.select("a.md-nav__link")]


def listed_headings(article: Tag) -> list[tuple[int, str, str]]:
    """(level, id, text) of each heading after the page title that has an id and is not marked data-toc-exclude."""
    return [(int(h.name[1]), h["id"], text_of(h)) for h in article.select("h2, h3, h4, h5, h6")
            if h.get("id") and not h.has_attr("data-toc-exclude")]


def test_every_page_lists_each_heading_in_order(site: Path) -> None:
    """On every page the table of contents links to each section heading (Markdown's and the macros'), in page order,
    with its text, an h3 one level inside the h2 before it; and nothing else."""
    wrong, entries, pages = [], 0, 0
    for file in sorted(site.rglob("index.html")):
        soup = parsed_html(file)
        article = soup.find("article")
        if article is None:
            continue
        headings, toc = listed_headings(article), toc_of(soup)
        outer = min((level for level, *_ in headings), default=2)
        if [(level - outer + 1, anchor, text) for level, anchor, text in headings] != toc:
            wrong.append(f"{file.relative_to(site)}: headings {headings} but table of contents {toc}")
        entries, pages = entries + len(toc), pages + 1
    assert wrong == [], "\n".join(wrong[:5])
    assert pages > 20 and entries > 100


def _chapters(source_id: str) -> list[str]:
    return [c.title for c in FB.sources[source_id].chapters]


#: Page, and the entries its table of contents must show (depth, text) among its others, in this order.
CASES = [
    ("sources/ecfr-2016", [(1, t) for t in _chapters("ecfr-2016")]
     + [(1, "Facts drawn from this source"), (1, "Editor's notes"), (1, "Sources")]),
    ("timeline", [(1, "Every event, by year")] + [(2, y) for y in sorted({e.date[:4] for e in FB.events.values()})]
     + [(1, "Sources")]),
    ("russia-china", [(1, "What does each power want from the SCO?"), (2, FB.positions["sco-priority"].issue),
                      (1, "How far should the SCO step into a crisis?"), (2, FB.positions["crisis-involvement"].issue),
                      (1, "Sources")]),
]


@pytest.mark.parametrize("path,wanted", CASES, ids=[c[0] for c in CASES])
def test_sections_in_the_macros_html_are_listed(page: Page, path: str, wanted: list[tuple[int, str]]) -> None:
    """A source's chapters, the timeline's years, a theme's disputed issues, its Editor's notes and Sources list
    are in its table of contents, at their depth."""
    shown = [(depth, text) for depth, _, text in toc_of(page(path))]
    at = 0
    for entry in wanted:
        assert entry in shown[at:], f"{path}: {entry} not after {shown[at - 1] if at else 'the start'} in {shown}"
        at = shown.index(entry, at) + 1


@pytest.mark.parametrize("path,prefix", [("glossary", "term-"), ("changes", "change-")])
def test_one_heading_per_record_stays_out(page: Page, path: str, prefix: str) -> None:
    """The glossary's terms and the Changes page's commits, a heading each, are not listed: the list would be as long
    as the page."""
    soup = page(path)
    assert len(soup.select(f"article [id^='{prefix}'][data-toc-exclude]")) >= 5
    assert [anchor for _, anchor, _ in toc_of(soup) if anchor.startswith(prefix)] == []


def _outline(links: list[AnchorLink], depth: int = 1) -> list[tuple[int, str, str]]:
    return [entry for link in links for entry in [(depth, link.id, link.title), *_outline(link.children, depth + 1)]]


#: HTML after Markdown, the entries Markdown listed (id, title), and the table of contents `complete` makes.
UNIT = [
    ("a template's h2 between two of Markdown's",
     '<h2 id="a">A<a class="headerlink" href="#a">&para;</a></h2><h2 id="t" class="x">T &amp; <abbr title="u">U</abbr></h2>'
     '<h2 id="b">B</h2>', [("a", "A"), ("b", "B")], [(1, "a", "A"), (1, "t", "T &amp; U"), (1, "b", "B")]),
    ("an h3 nests in the h2 before it, an h2 closes it",
     '<h1 id="p">P</h1><h2 id="a">A</h2><h3 id="y">2001</h3><h3 id="z">2002</h3><h2 id="s">Sources</h2>', [("p", "P")],
     [(1, "p", "P"), (2, "a", "A"), (3, "y", "2001"), (3, "z", "2002"), (2, "s", "Sources")]),
    ("no id, or data-toc-exclude: left out",
     '<h2 id="a">A</h2><h3>No id</h3><h2 id="term-x" data-toc-exclude>X</h2>', [], [(1, "a", "A")]),
    ("Markdown's title kept (a toc label), text the template escaped kept escaped",
     '<h2 id="a">Shown</h2><h2 id="b">&lt;b&gt;</h2>', [("a", "Label")], [(1, "a", "Label"), (1, "b", "&lt;b&gt;")]),
]


@pytest.mark.parametrize("html,listed,expected", [u[1:] for u in UNIT], ids=[u[0] for u in UNIT])
def test_complete_nests_by_level_and_keeps_markdowns_titles(html: str, listed: list[tuple[str, str]],
                                                           expected: list[tuple[int, str, str]]) -> None:
    """`complete` lists each heading with an id in order, nested by level, with Markdown's title where it had one."""
    toc = TableOfContents([AnchorLink(title, anchor, 2) for anchor, title in listed])
    assert _outline(list(complete(toc, html))) == expected


def test_complete_leaves_a_complete_table_as_it_is() -> None:
    """A page whose headings Markdown all listed keeps the very table of contents it had."""
    toc = TableOfContents([AnchorLink("A", "a", 2)])
    assert complete(toc, '<h2 id="a">A</h2><h3>No id</h3>') is toc
