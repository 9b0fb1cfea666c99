"""Membership as the pages show it: one row group (a card on phones) per state with each status's years
and citations, and "changes by year" listing only the years in which something changed. Headings
never skip a level."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Callable

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT
from macros.factbase import load
from macros.views import STATUS_LABELS

FB = load(ROOT / "data", ROOT)
Page = Callable[[str], BeautifulSoup]


def test_membership_table_has_one_group_per_state_with_years_and_citations(page: Page) -> None:
    """Each state is a <tbody id="member-STATE"> headed by its name; each status row gives the status, its
    years (in cells and, for the phone cards, in words), its citations and its note."""
    table = page("members").select_one("article table.sco-membership")
    groups = table.find_all("tbody")
    assert [g["id"] for g in groups] == [f"member-{m.state}" for m in sorted(
        FB.membership.values(), key=lambda m: (m.statuses[0].from_, FB.actors[m.state].name))]
    for group in groups:
        m = FB.membership[group["id"].removeprefix("member-")]
        head = group.find("th", scope="rowgroup")
        assert head.get_text() == FB.actors[m.state].name and int(head["rowspan"]) == len(m.statuses)
        for row, s in zip(group.find_all("tr"), m.statuses, strict=True):
            assert row.select_one(".sco-status-label").get_text() == STATUS_LABELS[s.status]
            start = row.select_one(".sco-from").get_text()
            assert start == (str(s.from_) if s.start_known else f"by {s.from_}")
            assert row.select_one(".sco-to").get_text() == (str(s.to) if s.to else "")
            years = row.select_one(".sco-years")
            assert years["aria-hidden"] == "true" and str(s.from_) in years.get_text()
            assert ("by " in years.get_text()) == (not s.start_known)
            assert (str(s.to) in years.get_text()) if s.to else "since" in years.get_text() or "by" in years.get_text()
            assert len(row.select(".sco-status a.sco-cite")) == len(s.cites)


def test_changes_by_year_lists_only_years_that_changed(page: Page) -> None:
    """One row per year in which a status began or ended, naming every state that changed then, with
    citations and the member count afterwards; no state appears in a year in which it did not change."""
    from macros.render import Page as RPage  # noqa: F401  (the views' own year arithmetic is checked below)

    changed: dict[int, set[str]] = defaultdict(set)
    for m in FB.membership.values():
        for i, s in enumerate(m.statuses):
            changed[s.from_].add(FB.actors[m.state].name)
            nxt = m.statuses[i + 1] if i + 1 < len(m.statuses) else None
            if s.to is not None and (nxt is None or nxt.from_ != s.to):
                changed[s.to].add(FB.actors[m.state].name)
    tables = [t for name in ("members", "enlargement") for t in page(name).select("article table.sco-changes")]
    assert tables and page("members").select_one("article table.sco-changes") is not None
    for table in tables:
        rows = table.tbody.find_all("tr")
        assert [int(r.th.get_text()) for r in rows] == sorted(changed)
        for row in rows:
            year = int(row.th.get_text())
            named = {n.strip() for li in row.select(".sco-change-states")
                     for n in li.get_text().replace(" and ", ", ").split(",")}
            assert named == changed[year], year
            assert all(li.select("a.sco-cite") for li in row.select(".sco-change-list li"))
            members = {FB.actors[m.state].name for m in FB.membership.values() for s in m.statuses
                       if s.status in ("member", "founding-member") and s.from_ <= year and (s.to is None or year < s.to)}
            assert int(row.select_one("td.sco-num").get_text()) == len(members)
        assert len(rows) < len(range(min(changed), max(changed) + 1)) / 2, "a row for every year is back"


def headings(soup: BeautifulSoup) -> list[int]:
    return [int(h.name[1]) for h in soup.select("article h1, article h2, article h3, article h4, article h5, article h6")]


def all_pages(site: Path) -> list[str]:
    return sorted(str(p.parent.relative_to(site)) if p.parent != site else "" for p in site.rglob("index.html"))


def test_headings_never_skip_a_level(page: Page, site: Path) -> None:
    """On every page, each heading is at most one level below the one before it (the timeline's years were h3 under h1)."""
    problems = []
    for path in all_pages(site):
        levels = headings(page(path))
        assert levels and levels[0] == 1, path
        problems += [f"{path or '/'}: h{a} then h{b}" for a, b in zip(levels, levels[1:]) if b > a + 1]
    assert problems == []
