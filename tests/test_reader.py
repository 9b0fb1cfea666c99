"""Reader view: the Sources list is closed, links back to its markers and stays out of search; abbreviations
are marked once per section; no record slug is shown as text; each glossary term is its own search entry."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from pathlib import Path
from typing import Callable

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, parsed_html
from macros.factbase import load
from macros.reader import abbreviations_at_first_use

FB = load(ROOT / "data", ROOT)
#: The home page and the overview page of each theme.
MAIN = ["", "russia-china", "docking", "rats", "enlargement", "economy"]
#: Issue 15's budget for the search index, gzip-compressed.
SEARCH_INDEX_BUDGET = 100_000


def all_pages(site: Path) -> list[str]:
    return sorted(p.parent.relative_to(site).as_posix().replace(".", "") for p in site.rglob("index.html"))


def search_index(site: Path) -> list[dict[str, str]]:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]


@pytest.mark.parametrize("name", MAIN)
def test_sources_list_is_closed_and_links_back_to_every_marker(page: Callable[[str], BeautifulSoup], name: str) -> None:
    """The Sources list sits in a closed <details>; each entry links back to each of its markers, and only to them."""
    soup = page(name)
    section = soup.select_one("article section.sco-sources")
    details = section.find("details")
    assert details is not None and not details.has_attr("open") and details.find("summary").get_text(strip=True)
    markers = soup.select("article a.sco-cite")
    ids = [m.get("id") for m in markers]
    assert all(ids) and len(set(ids)) == len(ids), "every marker has an id of its own"
    linked = []
    for li in details.select("ol > li"):
        back = [a["href"][1:] for a in li.select(".sco-backrefs a")]
        assert back, f"{li['id']} links back to no marker"
        for target in back:
            marker = soup.find(id=target)
            assert marker is not None and "sco-cite" in marker["class"] and marker["href"] == f"#{li['id']}"
        linked += back
    assert sorted(linked) == sorted(ids), "each marker is linked back exactly once"


@pytest.mark.parametrize("name", MAIN)
def test_sources_lists_are_not_searched(site: Path, page: Callable[[str], BeautifulSoup], name: str) -> None:
    """No search entry holds the Sources heading or the text of a quote from a page's Sources list."""
    url = f"{name}/" if name else ""
    entries = [d for d in search_index(site) if d["location"].split("#")[0] == url]
    assert entries
    assert not [d for d in entries if d["location"].endswith("#sources-heading") or d["title"] == "Sources"]
    text = " ".join(d["text"] for d in entries)
    soup = BeautifulSoup(str(page(name).find("article")), "html.parser")
    quotes = [" ".join(q.get_text().split())[:60] for q in soup.select("section.sco-sources li q")]
    assert quotes
    soup.select_one("section.sco-sources").decompose()
    body = " ".join(soup.get_text(" ").split())
    quotes = [q for q in quotes if q not in body]  # a quote the page itself shows (quote()) is searched there
    assert [q for q in quotes if q in text] == []


@pytest.mark.parametrize("what,pattern", [
    ("citation markers", r"\[\d+\]"),
    ("edit links", "✎"),
    ("last-change dates", r"changed \d{1,2} [A-Z][a-z]{2} \d{4}"),
    ("chart axis labels", r"\b1996 2000 2004\b"),
])
def test_search_text_is_what_a_reader_reads(site: Path, what: str, pattern: str) -> None:
    """Search entries hold the reading text, not the apparatus around it (markers, Editor view, chart drawing)."""
    hits = [(d["location"], m.group()) for d in search_index(site) for m in re.finditer(pattern, d["text"])]
    assert hits == [], f"{what} in the search index: {hits[:5]}"


def test_search_index_within_budget(site: Path) -> None:
    """The search index stays within its gzip budget (source pages' quote lists and the schema tables are left out)."""
    size = len(gzip.compress((site / "search" / "search_index.json").read_bytes(), 9))
    assert size <= SEARCH_INDEX_BUDGET, f"search index {size:,} bytes gzip"


def test_every_glossary_term_has_its_anchor_and_search_entry(site: Path, page: Callable[[str], BeautifulSoup]) -> None:
    """Each glossary term is a heading with the anchor term-ID, and a search entry of its own titled by the term;
    the heading sits directly in the list (a heading wrapped in an element of its own made the search plugin look
    back through every earlier term when leaving it: seconds at ×100)."""
    soup = page("glossary")
    entries = {d["location"]: d["title"] for d in search_index(site)}
    for term in FB.glossary.values():
        heading = soup.find(id=f"term-{term.id}")
        assert heading is not None and heading.name in ("h2", "h3"), term.id
        assert "sco-glossary" in heading.parent.get("class", []), term.id
        assert entries.get(f"glossary/#term-{term.id}", "").startswith(term.term), term.id


@pytest.mark.parametrize("html,expected", [
    ('<p><abbr title="x">SCO</abbr> and <abbr title="x">SCO</abbr></p>', '<p><abbr title="x">SCO</abbr> and SCO</p>'),
    ('<abbr title="x">SCO</abbr><h2 id="a">A</h2><abbr title="x">SCO</abbr>',
     '<abbr title="x">SCO</abbr><h2 id="a">A</h2><abbr title="x">SCO</abbr>'),
    ('<abbr title="x">SCO</abbr><h3 id="a">A</h3><abbr title="x">SCO</abbr>', '<abbr title="x">SCO</abbr><h3 id="a">A</h3>SCO'),
    ('<abbr title="x">SCO</abbr> <abbr title="y">RATS</abbr> <abbr title="y">RATS</abbr>',
     '<abbr title="x">SCO</abbr> <abbr title="y">RATS</abbr> RATS'),
])
def test_abbreviations_at_first_use(html: str, expected: str) -> None:
    """Only the first use of a term in a section (h1/h2 to the next) keeps its <abbr>."""
    assert abbreviations_at_first_use(html) == expected


def test_abbreviations_marked_once_per_section_on_every_page(site: Path) -> None:
    """On every built page, each abbreviation is marked at most once between two h1/h2 headings."""
    problems = []
    for path in all_pages(site):
        sections = [Counter()]  # abbreviations by their text, per section: a h1 or h2 starts the next one
        for el in parsed_html(site / path / "index.html").find("article").find_all(["h1", "h2", "abbr"]):
            if el.name == "abbr":
                sections[-1][el.get_text()] += 1
            else:
                sections.append(Counter())
        problems += [f"{path or 'home'} section {number}: {t} x{n}" for number, counts in enumerate(sections)
                     for t, n in counts.items() if n > 1]
    assert problems == []


def test_no_record_slug_is_shown_as_text(site: Path) -> None:
    """No page shows a quote, fact, event, figure or position id as text (ids belong in anchors and edit links)."""
    slugs = {i for kind in ("quotes", "facts", "events", "figures", "positions") for i in getattr(FB, kind) if i.count("-") >= 2}
    shown = []
    for path in all_pages(site):
        soup = BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")
        article = soup.find("article")
        for el in article.select("script, code, .sco-change-why"):  # the Changes page quotes commit messages as written
            el.decompose()
        words = set(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", article.get_text(" ")))
        shown += [f"{path or 'home'}: {s}" for s in sorted(words & slugs)]
    assert shown == []


@pytest.mark.parametrize("name", MAIN)
def test_prose_facts_carry_their_date_and_edit_link_for_editor_view(page: Callable[[str], BeautifulSoup], name: str) -> None:
    """After each sentence of prose that states facts: one edit link per fact, naming it, and its "as of" date if it has one."""
    soup = page(name)
    refs = soup.select("article span.sco-fact-ref")
    assert refs, f"{name or 'home'}: no prose sentence cites a fact"
    for ref in refs:
        facts = [a["id"][len("fact-"):] for a in ref.find_all("span", id=re.compile(r"^fact-"), recursive=False)]
        editing = ref.find_next_sibling()
        if not facts:  # the facts were anchored earlier on the page; this sentence repeats their markers
            continue
        assert editing is not None and "sco-fact-editing" in editing.get("class", []), ref
        edits = editing.select("a.sco-edit")
        labels = [a["aria-label"] for a in edits]
        for fact_id in facts:
            assert any(label.startswith(f"Edit fact {fact_id} (data/") for label in labels), (fact_id, labels)
            if FB.facts[fact_id].as_of:
                assert "(as of " in editing.get_text()
