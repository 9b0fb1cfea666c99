"""The built site says what the data says and links where it should (parsed HTML, not existence)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urljoin, urlparse

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, parsed_html
from macros.factbase import load
from macros.text import human_date

FB = load(ROOT / "data", ROOT)
Page = Callable[[str], BeautifulSoup]


def text_of(el, sep: str = "") -> str:  # type: ignore[no-untyped-def]
    """Visible text with whitespace collapsed, without heading permalinks (¶); `sep` joins text nodes."""
    parts = [s for s in el.find_all(string=True) if not s.find_parent(class_="headerlink")]
    return " ".join(sep.join(parts).split())


def test_only_abbreviations_and_heading_links_carry_a_title(site: Path) -> None:
    """In every page's article, only abbreviations and heading permalinks have a title attribute: Material's
    content.tooltips mounts a tooltip, with size and visibility watchers, on each titled element, so a title per
    record (a source page's "Link" beside each quote) adds script time to every load of a long page. That "Link"
    is named by aria-label, which starts with its visible word, and leads to its own quote."""
    others, links = [], 0
    for file in sorted(site.rglob("index.html")):
        article = parsed_html(file).find("article")
        if article is None:
            continue
        for el in article.find_all(attrs={"title": True}):
            if not (el.name == "abbr" or "headerlink" in (el.get("class") or [])):
                others.append(f"{file.relative_to(site)}: <{el.name} class={el.get('class')}> title={el['title']!r}")
        for a in article.select("a.sco-permalink"):
            links += 1
            assert a.get("aria-label", "").startswith(text_of(a) + " ") and a["href"] == "#" + a.find_parent("figure")["id"]
    assert others == [], "\n".join(others[:10])
    assert links == len(FB.quotes)  # each quote once, on its source's page


@pytest.mark.parametrize("source_id", sorted(FB.sources))
def test_source_page_lists_every_quote_with_metadata(page: Page, source_id: str) -> None:
    """A source page shows its title, a sentence saying what the page is (with its number of quotes), its date at its
    precision, licence, and every quote under a stable anchor."""
    source = FB.sources[source_id]
    soup = page(f"sources/{source_id}")
    assert text_of(soup.find("h1")) == source.title
    expected = FB.quotes_by_source[source_id]
    first = soup.select_one("div.sco-source").find(True)  # what the page is, before its details
    lead = text_of(first)
    assert first.name == "p" and lead.startswith("One of the publications this site quotes.") and f"the {len(expected)} passages" in lead
    meta = text_of(soup.find("dl", class_="sco-source-meta"), " ")
    assert human_date(source.published) in meta and source.licence in meta
    quotes = soup.select("figure.sco-source-quote")
    if source.chapters:  # grouped by chapter, in chapter order
        expected = [q for ch in source.chapters for q in expected if q.chapter == ch.id]
    assert [q["id"] for q in quotes] == [f"q-{q.id}" for q in expected]
    for fig, quote in zip(quotes, expected):
        assert text_of(fig.find("blockquote")) == "“" + " ".join(quote.text.split()) + "”"
    if source.url is None:
        assert "No confirmed web address" in meta and not soup.select("figure.sco-source-quote a.sco-original")
    else:
        assert len(soup.select("figure.sco-source-quote a.sco-original")) == len(quotes)


@pytest.mark.parametrize("source_id", sorted(FB.sources))
def test_source_page_lists_its_facts_in_a_closed_list_that_counts_them(page: Page, source_id: str) -> None:
    """A source page's last section lists every fact that cites the source, in a closed list (as the Sources list)
    whose summary gives their number, left out of search."""
    details = page(f"sources/{source_id}").select_one("details.sco-source-facts")
    expected = {f.id for f in FB.facts.values() if any(FB.quotes[q].source == source_id for q in f.cites)}
    shown = [li["id"].removeprefix("fact-") for li in details.select("li.sco-fact")]
    count = len(expected)
    assert not details.has_attr("open") and details.has_attr("data-search-exclude")
    assert text_of(details.find("summary")) == f"{count} fact{'s' if count != 1 else ''}, in date order"
    assert sorted(shown) == sorted(expected) and len(shown) == count > 0


def test_page_stamp_is_not_shown_as_the_date(page: Page) -> None:
    """The EUobserver piece shows July 2015, and explains the 2021 page stamp in a note."""
    meta = text_of(page("sources/dejong-wouters-2015").find("dl", class_="sco-source-meta"), " ")
    assert "Published July 2015 (known to the month)" in meta
    assert "21st Sep 2021" in meta and "not when it was published" in meta


def test_ecfr_quotes_are_attributed_to_chapter_authors_and_speakers(page: Page) -> None:
    """A Zhao Huasheng quote in Duchâtel's chapter names Zhao as speaker, inside Duchâtel's chapter."""
    zhao = [q for q in FB.quotes.values() if q.speaker == "zhao-huasheng"]
    assert zhao
    soup = page("sources/ecfr-2016")
    fig = soup.find(id=f"q-{zhao[0].id}")
    assert "Zhao Huasheng" in text_of(fig.find("figcaption"))
    heading = fig.find_previous("h2")
    assert text_of(heading).startswith(FB.chapters[zhao[0].chapter].title)


def test_cited_facts_carry_markers_that_resolve(page: Page) -> None:
    """On the home page every fact stated in prose has markers; each points at a Sources entry whose quote is the preview's."""
    soup = page("")
    facts = soup.select(".sco-fact-ref")
    assert facts, "the home page states no facts"
    sources = soup.find("section", class_="sco-sources")
    for fact in facts:
        markers = fact.select("a.sco-cite")
        assert markers, f"fact {fact.get('id')} has no citation"
        for marker in markers:
            ref = sources.find(id=marker["href"][1:])
            assert ref is not None and ref.find("q") is not None
            assert marker["aria-describedby"] == ref["id"]  # screen readers read the quote and its attribution


@pytest.mark.parametrize("source_id", sorted(FB.sources))
def test_source_page_shows_each_quote_text_once(page: Page, source_id: str) -> None:
    """On a source page, the Sources entry of a quote of that source links to the quote shown on the page by its
    first six words and names its people, not the publication the page is about; its markers' aria-describedby
    names the quote's text first, then the entry. Entries of other sources' quotes keep their text."""
    soup = page(f"sources/{source_id}")
    entries = soup.select("section.sco-sources ol > li")
    assert entries, f"sources/{source_id} cites no quote"
    citing: dict[str, list] = {}  # each marker under its href, read once: a search per entry took 4 s on ecfr-2016
    for marker in soup.select("a.sco-cite"):
        citing.setdefault(marker["href"], []).append(marker)
    own = other = 0
    for entry in entries:
        link = next(a for a in entry.find_all("a") if "#q-" in a["href"])
        quote_id = link["href"].split("#q-", 1)[1]
        quote, source = FB.quotes[quote_id], FB.sources[FB.quotes[quote_id].source]
        markers = citing.get(f"#{entry['id']}", [])
        by = text_of(entry.find(class_="sco-by"))
        assert markers, entry["id"]
        if quote.source == source_id:
            own += 1
            words = quote.text.split()
            assert entry.find("q") is None and "(on this page)" in text_of(entry), entry["id"]
            assert link["href"] == f"#q-{quote_id}"
            assert text_of(link) == "“" + " ".join(words[:6]) + ("…" if len(words) > 6 else "") + "”"
            shown = soup.find(id=f"qt-{quote_id}")
            assert shown.name == "blockquote" and shown.find_parent("figure")["id"] == f"q-{quote_id}"
            assert text_of(shown) == " ".join(f"“{quote.text}”".split())
            assert {m["aria-describedby"] for m in markers} == {f"qt-{quote_id} {entry['id']}"}
            chapter = next((c for c in source.chapters if c.id == quote.chapter), None)
            assert all(a in by for a in (chapter.authors if chapter else source.authors)), by
            assert source.title not in by and source.outlet not in by, by  # the page is about it
            if quote.speaker:
                assert by.startswith(f"{FB.actors[quote.speaker].name}, as quoted by "), by
        else:
            other += 1
            assert text_of(entry.find("q")) == " ".join(quote.text.split()), entry["id"]
            assert text_of(link) == "Quote in context" and not link["href"].startswith("#")
            assert {m["aria-describedby"] for m in markers} == {entry["id"]}
            assert source.title in by, entry["id"]
    assert own, f"sources/{source_id}: no entry for a quote of the page's own source"
    if source_id == "ecfr-2016":
        assert other, "the largest source page cites other sources' quotes too"


def test_sources_list_is_in_order_of_first_use(page: Page) -> None:
    """Marker numbers appear in increasing order of first use, and the list has one entry per number."""
    soup = page("timeline")
    numbers = [int(a["href"].split("-")[1]) for a in soup.select("a.sco-cite")]
    first_use = list(dict.fromkeys(numbers))
    assert first_use == list(range(1, len(first_use) + 1))
    assert len(soup.select("section.sco-sources li")) == len(first_use)


def test_sources_entries_link_to_quote_in_context_and_original(page: Page) -> None:
    """Each Sources entry links to the quote's anchor on its source page, and to the original with a text fragment."""
    soup = page("timeline")
    for li in soup.select("section.sco-sources li"):
        context = li.find("a", string="Quote in context")["href"]
        target = urljoin("https://x.test/timeline/", context)
        path, anchor = urlparse(target).path, urlparse(target).fragment
        assert page(path.strip("/")).find(id=anchor) is not None, context  # each source page parsed once, not per entry
        original = li.find("a", class_="sco-original")
        quote_id = anchor[2:]
        source = FB.sources[FB.quotes[quote_id].source]
        if source.url:
            assert original["href"].startswith(source.url + "#:~:text=")
        else:
            assert original is None


def test_text_fragment_decodes_to_the_quote() -> None:
    """A text fragment's start and end, decoded, are the first and last words of the quote."""
    from macros.text import text_fragment

    quote = next(q for q in FB.quotes.values() if q.source == "weitz-2014" and len(q.text.split()) > 20)
    url = text_fragment(FB.sources["weitz-2014"].url, quote.text)
    directive = url.split("#:~:text=", 1)[1]
    assert "-" not in directive.replace("%2D", "") and "," in directive
    start, end = (unquote(part) for part in directive.split(","))
    words = quote.text.split()
    assert start == " ".join(words[:8]) and end == " ".join(words[-8:])


def test_backlinks_land_on_the_citing_fact(page: Page, site: Path) -> None:
    """A quote cited in the home page's prose lists that page's fact in "Cited on", and the link's anchor exists."""
    home = page("")
    ref = home.select_one(".sco-fact-ref")
    fact = ref.select_one("span[id^='fact-']")
    marker = ref.select_one("a.sco-cite")
    entry = home.find(id=marker["href"][1:])
    context = entry.find("a", string="Quote in context")["href"]
    source_path, quote_anchor = context.split("#")
    source_page = page(source_path.strip("/"))
    cited_on = source_page.find(id=quote_anchor).find(class_="sco-cited-on")
    hrefs = [a["href"] for a in cited_on.find_all("a")]
    assert f"../../#{fact['id']}" in hrefs


def test_data_text_is_shown_not_executed(tmp_path: Path) -> None:
    """Template syntax, HTML and script in data appear literally in the page; nothing is evaluated."""
    from conftest import copy_project, mkdocs_build

    project = copy_project(tmp_path / "p")
    hostile = "{{ 7*7 }} {% include '/etc/passwd' %} <script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))"
    quote_id = sorted(q for q in FB.quotes if FB.quotes[q].source == "seiwert-2021")[0]
    (project / "data/facts/zz.yaml").write_text(
        "- id: zz-hostile\n  claim: " + json.dumps(hostile) + "\n  topics: [overview]\n  cites: [" + quote_id + "]\n",
        encoding="utf-8")
    (project / "docs/zz.md").write_text('# Z\n\n{{ fact("zz-hostile") }}\n', encoding="utf-8")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    html = (project / "site/zz/index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    fact = soup.find(id="fact-zz-hostile")
    assert text_of(fact).startswith(" ".join(hostile.split()))
    assert fact.find("script") is None and fact.find("img") is None and fact.find("a", href=re.compile("javascript")) is None
    assert "49" not in text_of(fact) and "root:" not in html


def test_json_schemas_are_in_sync() -> None:
    """schema/*.json equal what `make schema` would write from macros/schema.py."""
    from macros.schema import KINDS
    from macros.schema_export import schema_for

    for kind in KINDS:
        committed = json.loads((ROOT / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8"))
        assert committed == schema_for(kind), f"schema/{kind}.schema.json is stale: run make schema"


def test_glossary_is_filed_by_letter(page: Page, site: Path) -> None:
    """The glossary lists every term once, in order, under the heading of its first letter (a quotation mark before
    it aside); a row of letters at the top leads to each letter's heading, in order, and search lists terms, not
    letters."""
    soup = page("glossary")
    body = soup.select_one("div.sco-glossary")
    row = [(a.get_text(), a["href"]) for a in body.select("nav.sco-glossary-letters a")]
    letters = [(h.get_text(), "#" + h["id"]) for h in body.select("h2.sco-glossary-letter")]
    assert row == letters and len(letters) >= 15
    filed, letter = [], None
    for el in body.find_all(["h2", "h3"], recursive=False):
        if el.name == "h2":
            letter = el.get_text()
        else:
            term = FB.glossary[el["id"].removeprefix("term-")].term
            first = next(c for c in term if c.isalnum())
            assert first.upper() == letter, f"{term!r} under {letter}"
            filed.append(term.strip('"').lower())
    assert filed == sorted(filed) and len(filed) == len(FB.glossary)
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    titles = {d["title"] for d in index["docs"] if d["location"].startswith("glossary/")}
    assert not titles & {text for text, _ in letters} and len(titles) > len(FB.glossary)


@pytest.mark.parametrize("term,letter", [
    ('"Cooperation" exercises', ("C", "letter-c")), ("Ürümqi", ("U", "letter-u")), ("9/11", ("0–9", "letter-0-9")),
    ("!!!", ("#", "letter-other")), ("ABM", ("A", "letter-a")),
])
def test_glossary_letter_of_a_term(term: str, letter: tuple[str, str]) -> None:
    """A term is filed under its first letter or digit, a quotation mark and accents aside; one with neither under #."""
    from macros.views import _letter

    assert _letter(term) == letter


def test_data_page_documents_every_field_and_macro(page: Page) -> None:
    """The Data page lists every schema field of every kind and every registered macro."""
    from macros import MACROS, define_env
    from macros.dictionary import dictionary

    class Env:  # just enough of mkdocs-macros' env for define_env to register its macros
        project_dir = str(ROOT)
        conf = {"use_directory_urls": True, "extra": {}}
        variables: dict = {}

        def macro(self, fn):  # type: ignore[no-untyped-def]
            return fn

    define_env(Env())

    soup = page("data")
    for kind, entry in dictionary().items():
        table = soup.find(id=f"kind-{kind}").find_next("table")
        fields = [text_of(tr.find("td")) for tr in table.select("tbody tr")]
        assert fields == [f["field"] for f in entry["fields"]]
        assert all(f["description"] for f in entry["fields"]), f"undocumented field in {kind}"
    listed = {text_of(tr.find("td")) for tr in soup.select("table.sco-macros tbody tr")}
    assert listed == set(MACROS) and all(MACROS.values())


@pytest.mark.parametrize("kind,selector", [("facts", ".sco-fact[id] > a.sco-edit"), ("figures", "tr[id] a.sco-edit")])
def test_edit_links_open_the_yaml_line(page: Page, kind: str, selector: str) -> None:
    """Each fact's and figure's edit link opens its data file at its line, on the repository named in mkdocs.yml."""
    from mkdocs.config import load_config

    repo = load_config(str(ROOT / "mkdocs.yml"))["extra"]["repository"]
    # Theme pages state their facts in prose; each source page lists every fact drawn from it.
    names = [f"sources/{s}" for s in sorted(FB.sources)] if kind == "facts" else ["figures"]
    links = [a for name in names for a in page(name).select(selector)]
    assert len(links) >= (len(FB.facts) if kind == "facts" else len(FB.figures))
    for a in links:
        element = a.find_parent(id=True)
        record_id = element["id"].split("-", 1)[1]
        where = FB.where[(kind, record_id)]
        assert a["href"] == f"{repo}/edit/main/{where.file}#L{where.line}"
        lines = (ROOT / where.file).read_text(encoding="utf-8").splitlines()
        assert lines[where.line - 1] == f"- id: {record_id}"
