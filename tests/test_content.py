"""The fact base meets its promised floor, and every theme page states cited facts with data-driven elements."""

from __future__ import annotations

from collections import Counter
from typing import Callable

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, parsed_html
from macros.factbase import load

FB = load(ROOT / "data", ROOT)
THEMES = [
    "russia-china", "russia-china/money-and-arms", "russia-china/the-west", "russia-china/alliance",
    "russia-china/balance", "docking", "rats", "rats/exercises", "rats/threats", "enlargement",
    "enlargement/what-changed", "economy", "economy/banks-and-sanctions",
]


def test_theme_list_is_the_navs() -> None:
    """The theme pages tested here are exactly the pages under the nav's Themes section."""
    from bench.run import theme_pages

    assert THEMES == theme_pages()


@pytest.mark.parametrize("kind,floor", [("quotes", 100), ("facts", 90), ("events", 35), ("positions", 12)])
def test_floor_counts(kind: str, floor: int) -> None:
    """The fact base holds at least the promised number of records of each kind."""
    assert len(getattr(FB, kind)) >= floor


@pytest.mark.parametrize("source_id,floor", [
    ("ecfr-2016", 35), ("seiwert-2021", 15), ("piechowski-2024", 15), ("weitz-2014", 15), ("dejong-wouters-2015", 10),
])
def test_every_source_has_its_quotes(source_id: str, floor: int) -> None:
    """Each source contributes at least its floor of quotes."""
    assert len(FB.quotes_by_source[source_id]) >= floor


def test_ecfr_chapters_all_quoted() -> None:
    """Every ECFR chapter, introduction included, has quotes attributed to it."""
    chapters = Counter(q.chapter for q in FB.quotes_by_source["ecfr-2016"])
    assert set(chapters) == {c.id for c in FB.sources["ecfr-2016"].chapters}


@pytest.mark.parametrize("state", ["china", "russia", "kazakhstan", "kyrgyzstan", "tajikistan", "uzbekistan", "india",
                                   "pakistan", "iran", "belarus", "mongolia", "turkey", "turkmenistan"])
def test_membership_history_of_every_state_the_sources_mention(state: str) -> None:
    """Each state the sources place in or near the SCO has a membership history with citations."""
    assert state in {m.state for m in FB.membership.values()}


def test_required_figures_are_present() -> None:
    """Trade volumes and target, trade shares, the loan facility, crude volumes, ISIS departures and troops are recorded."""
    metrics = set(FB.figures_by_metric)
    for needed in ("china-russia-trade", "china-share-uzbekistan-kazakhstan-foreign-trade", "sco-ibc-special-lending-facility",
                   "russia-crude-exports-to-china", "isis-departures-kazakhstan", "cooperation-exercise-troops"):
        assert needed in metrics
    trade = FB.figures_by_metric["china-russia-trade"]
    assert any(f.kind == "target" for f in trade)
    values_2015 = {f.value for f in trade if f.period == "2015" and f.kind == "actual"}
    assert len(values_2015) >= 2, "the two 2015 trade figures of the ECFR chapters disagree and both must stand"


def test_speakers_inside_sources_are_named() -> None:
    """Quotes of Xi Jinping and of Chinese scholars name them as speakers."""
    speakers = {q.speaker for q in FB.quotes.values() if q.speaker}
    assert {"xi-jinping", "zhao-huasheng", "fu-ying", "liu-fenghua"} <= speakers


@pytest.mark.parametrize("name", THEMES)
def test_theme_page_states_cited_facts_and_data(page: Callable[[str], BeautifulSoup], name: str) -> None:
    """A theme page states at least ten cited facts (listed, or in its prose with cite_fact) and has a data-driven element."""
    soup = page(name)
    listed = soup.select("article .sco-fact[id^='fact-']")
    uncited = [f.get("id") for f in listed if not f.select("a.sco-cite")]
    assert uncited == []
    in_prose = [span for ref in soup.select("article .sco-fact-ref") if ref.select("a.sco-cite")
                for span in ref.select("span[id^='fact-']")]
    assert len({el["id"] for el in listed + in_prose}) >= 10
    elements = soup.select("article .sco-position, article .sco-timeline, article .sco-chart, article table")
    assert elements, "no comparison, timeline, chart or table"


def test_every_page_has_unique_ids(site) -> None:  # type: ignore[no-untyped-def]
    """No page repeats an element id (anchors must be unambiguous)."""
    for file in sorted(site.rglob("*.html")):
        ids = Counter(el["id"] for el in parsed_html(file).find_all(id=True))
        assert [i for i, n in ids.items() if n > 1] == [], file


def test_home_page_lists_members_as_of_newest_source(page: Callable[[str], BeautifulSoup]) -> None:
    """The home page's At a glance box names every member of the newest source's year, and says as of when."""
    from macros.render import Renderer
    from macros.citations import BuildState
    from macros.links import SiteLinks
    from macros.views import Views

    views = Views(Renderer(FB, SiteLinks(), BuildState()))
    year = int(FB.newest_source().published[:4])
    members = views.status_in(year)["member"]
    box = page("").select_one("aside.sco-glance")
    listed = next(dt for dt in box.find_all("dt") if dt.get_text(strip=True).startswith("Members"))
    assert [a.get_text() for a in listed.find_next_sibling("dd").find_all("a")] == members
    assert box.find("time")["datetime"] == FB.newest_source().published
    assert {"China", "Russia", "India", "Pakistan", "Iran"} <= set(members)
