"""The home page answers "what is the SCO?" on its first screen, and its At a glance box and member map are
generated from the records: change a membership record and both change."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

import pytest
from bs4 import BeautifulSoup

import prose
from conftest import ROOT, copy_project, mkdocs_build
from macros.factbase import load

FB = load(ROOT / "data", ROOT)


def first_words(art, limit: int = 150) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    """The article's first `limit` words as text, and how many citation markers come before the last of them."""
    out, count, markers = [], 0, 0
    for string in art.find_all(string=True):
        if string.find_parent("a", class_="sco-cite") is not None:
            if count < limit:
                markers += 1
            continue
        for word in prose.WORD.findall(str(string)):
            if count < limit:
                out.append(word)
                count += 1
    return " ".join(out), markers


def glance_states(soup: BeautifulSoup) -> dict[str, set[str]]:
    """Status group label -> state names listed in the At a glance box."""
    box = soup.select_one("aside.sco-glance")
    return {re.sub(r"\s*\(\d+\)$", "", dt.get_text(" ", strip=True)): {a.get_text() for a in dt.find_next_sibling("dd").find_all("a")}
            for dt in box.find_all("dt") if dt.find_next_sibling("dd").find("a", href=re.compile("member-"))}


def map_states(soup: BeautifulSoup) -> dict[str, str]:
    """State name -> status class of each linked state on the member map."""
    svg = soup.select_one("figure.sco-map svg")
    return {a["aria-label"].split(":")[0]: a.find("path")["class"][0] for a in svg.find_all("a")}


def test_first_150_words_say_what_the_sco_is(page: Callable[[str], BeautifulSoup]) -> None:
    """The first 150 words name the SCO and its kind, its founding year and its member count, with a marker."""
    text, markers = first_words(prose.article(page("")))
    founded = next(e for e in FB.events.values() if e.kind == "founding" and "sco" in e.actors)
    year = FB.newest_year()
    members = sum(1 for m in FB.membership.values() for s in m.statuses
                  if s.status in ("member", "founding-member") and s.from_ <= year and (s.to is None or year < s.to))
    assert "Shanghai Cooperation Organisation" in text and "regional organisation" in text
    assert founded.date[:4] in text
    assert re.search(rf"\b{members}\b member states", text)
    assert markers >= 1


def test_glance_box_and_map_show_the_newest_statuses(page: Callable[[str], BeautifulSoup], site: Path) -> None:
    """The box lists each status group as of the newest source; the map colours and links the same states."""
    soup = page("")
    groups = glance_states(soup)
    year = FB.newest_year()
    members = {FB.actors[m.state].name for m in FB.membership.values() for s in m.statuses
               if s.status in ("member", "founding-member") and s.from_ <= year and (s.to is None or year < s.to)}
    assert groups["Members"] == members
    shown = map_states(soup)
    assert {n for n, css in shown.items() if css == "s-member"} == members
    assert {n for g in groups.values() for n in g} <= set(shown)
    members_page = BeautifulSoup((site / "members" / "index.html").read_text(encoding="utf-8"), "html.parser")
    for a in soup.select("aside.sco-glance a[href*='#member-'], figure.sco-map a"):
        assert members_page.find(id=a["href"].split("#")[1]) is not None, a["href"]
    box = soup.select_one("aside.sco-glance").get_text(" ")
    assert "Tashkent" in box and "the sources do not say where it sits" in box
    assert soup.select_one("aside.sco-glance time")["datetime"] == FB.newest_source().published


def test_map_is_drawn_without_script_or_tiles(page: Callable[[str], BeautifulSoup]) -> None:
    """The map is inline SVG paths in a figure, with a title, a description and a legend; nothing is fetched."""
    figure = page("").select_one("figure.sco-chart.sco-map")
    svg = figure.find("svg")
    assert svg.find("title").get_text() and svg.find("desc").get_text()
    assert not figure.find_all(["script", "img", "image", "use", "foreignobject"])
    assert len(svg.find_all("path")) > len(map_states(page(""))) and figure.select(".sco-legend li")


def test_changing_a_membership_record_changes_box_and_map(tmp_path: Path) -> None:
    """Turkey made a member in the newest source's year, on a copy: it joins the box's members and turns member-coloured."""
    project = copy_project(tmp_path / "p")
    path = project / "data" / "membership.yaml"
    text = path.read_text(encoding="utf-8")
    year = FB.newest_year()
    start = text.index("- id: turkey\n")
    end = text.index("\n\n", start)
    record = text[start:end].replace("      from: 2014\n", f"      from: 2014\n      to: {year}\n", 1)
    record = record.replace('  as_of: "2014-10-10"', f'  as_of: "{FB.newest_source().published}"')
    record += f"\n    - status: member\n      from: {year}\n      cites: [weitz-dushanbe-outcomes]"
    path.write_text(text[:start] + record + text[end:], encoding="utf-8")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr[-3000:]
    soup = BeautifulSoup((project / "site" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert "Turkey" in glance_states(soup)["Members"]
    assert map_states(soup)["Turkey"] == "s-member"
    count = len(glance_states(soup)["Members"])
    assert soup.select_one("aside.sco-glance dt").get_text(strip=True).endswith(f"({count})")
    assert f"{count} member states" in prose.article(soup).find(class_="admonition").get_text(" ")
