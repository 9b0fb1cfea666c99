"""Charts and colours, read from the built pages and from sco.css: each chart is drawn for a wide column
and for a phone, says what it shows, links to its table and its data, hatches what the sources date
only "by" a year, gives each status its own colour and legend entry; every colour the site adds reads
in both schemes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable
from urllib.parse import urljoin, urlparse

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT
from macros.charts import NARROW, WIDE, Box, Taken, place_label, text_width
from macros.factbase import load

FB = load(ROOT / "data", ROOT)
Page = Callable[[str], BeautifulSoup]
CHART_PAGES = ["timeline", "members", "enlargement", "figures", "economy"]
CSS = (ROOT / "docs" / "assets" / "sco.css").read_text(encoding="utf-8")


def charts(page: Page, name: str) -> list:
    found = page(name).select("article figure.sco-chart")
    assert found, f"{name} has no chart"
    return found


@pytest.mark.parametrize("name", CHART_PAGES)
def test_each_chart_is_drawn_wide_and_for_a_phone_and_says_what_it_shows(page: Page, name: str) -> None:
    """Two drawings (wide, phone), each an image named by its own title and description."""
    for figure in charts(page, name):
        svgs = figure.find_all("svg", recursive=False)
        assert [s["class"] for s in svgs] == [["sco-chart-wide"], ["sco-chart-narrow"]]
        for svg, frame in zip(svgs, (WIDE, NARROW)):
            assert svg["role"] == "img" and svg["viewbox"].startswith(f"0 0 {frame.width} ")
            title_id, desc_id = svg["aria-labelledby"].split()
            assert svg.find("title", id=title_id).get_text(strip=True)
            assert len(svg.find("desc", id=desc_id).get_text(strip=True)) > 40
            assert not svg.find("a"), "a picture's parts are not links: its table is"


@pytest.mark.parametrize("name", CHART_PAGES)
def test_each_chart_links_its_table_and_its_data(page: Page, name: str, site: Path) -> None:
    """Beside each chart: a link to the same data as a table (an element that exists) and to the CSV it draws."""
    for figure in charts(page, name):
        links = figure.figcaption.find_all("a")
        assert len(links) == 2, links
        table, data = links
        url = urljoin(f"https://x.test/{name}/", table["href"])
        target = site / urlparse(url).path.strip("/") / "index.html"
        soup = BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")
        element = soup.find(id=urlparse(url).fragment)
        assert element is not None and (element.name == "table" or element.find("table") or element.find_next("ol")), url
        csv = site / urlparse(urljoin(f"https://x.test/{name}/", data["href"])).path.strip("/")
        assert csv.suffix == ".csv" and csv.is_file() and data.has_attr("download")


def test_membership_bars_hatched_exactly_where_the_start_is_unknown(page: Page) -> None:
    """A bar is hatched (a pattern of its own colour) exactly when the sources date its status only "by" a year."""
    expected = sorted((FB.actors[m.state].name, s.from_, not s.start_known)
                      for m in FB.membership.values() for s in m.statuses)
    for svg in charts(page, "members")[0].find_all("svg"):
        patterns = {p["id"]: p.rect["class"][0] for p in svg.find_all("pattern")}
        found = []
        for bar in svg.select("rect.bar"):
            state, rest = bar.title.get_text().split(": ", 1)
            start = int(re.search(r"(\d{4})–", rest).group(1))
            hatched = "hatched" in bar["class"]
            if hatched:
                pattern = re.fullmatch(r"fill: url\(#(.+)\)", bar["style"]).group(1)
                status_class = next(c for c in bar["class"] if c.startswith("s-"))
                assert patterns[pattern] == status_class, "the hatch takes the bar's own colour"
                assert "by " in rest
            found.append((state, start, hatched))
        assert sorted(found) == expected
    assert any(h for _, _, h in expected), "the data has statuses dated only 'by' a year"


def test_membership_legend_names_every_status_drawn(page: Page) -> None:
    """Every status a bar is drawn in has a legend entry, and the hatch has one."""
    figure = charts(page, "members")[0]
    drawn = {c for bar in figure.select("svg rect.bar") for c in bar["class"] if c.startswith("s-")}
    legend = figure.select(".sco-legend li")
    classes = {c for li in legend for c in li.span["class"] if c.startswith("s-") and "hatched" not in li.span["class"]}
    assert drawn == classes
    assert any("hatched" in li.span["class"] for li in legend)
    assert "Belarus" in figure.get_text() and any(b.title.get_text().startswith("Belarus: Member") for b in figure.select("rect.bar"))


# -- colours -----------------------------------------------------------------------------------

def variables(selector: str) -> dict[str, str]:
    block = re.search(re.escape(selector) + r"\s*\{(.*?)\n\}", CSS, re.S)
    assert block, selector
    return dict(re.findall(r"(--sco-[\w-]+):\s*(#[0-9a-fA-F]{6})", block.group(1)))


LIGHT, DARK = variables(":root"), variables('[data-md-color-scheme="slate"]')
PAGE_BG = {"light": "#ffffff", "dark": "#1e2129"}  # Material's default and slate backgrounds (hue 225)
STATUSES = ["member", "observer", "dialogue-partner", "observer-or-partner", "applicant", "non-member"]


def luminance(colour: str) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_every_site_colour_has_a_light_and_a_dark_value() -> None:
    """Each colour defined for the light scheme is defined again for the dark one."""
    assert set(LIGHT) - {"--sco-chart-text"} <= set(DARK) and len(LIGHT) >= 15


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("fg,bgs,floor", [
    ("--sco-link", ["page", "--sco-box-bg", "--sco-differ-bg", "--sco-target-bg"], 4.5),
    ("--sco-chart-muted", ["page"], 4.5),
    ("--sco-differ-edge", ["--sco-differ-bg", "page"], 3),
    ("--sco-russia", ["--sco-box-bg", "page"], 3),
    ("--sco-china", ["--sco-box-bg", "page"], 3),
    *[(f"--sco-s-{s}", ["page"], 3) for s in STATUSES],
    ("--sco-dot", ["page"], 3),
    ("--sco-dot-target", ["page"], 3),
])
def test_colour_contrast(scheme: str, fg: str, bgs: list[str], floor: float) -> None:
    """Text colours reach 4.5:1 on every background they sit on; chart marks and meaningful borders 3:1."""
    colours = LIGHT if scheme == "light" else DARK
    if fg == "--sco-link" and scheme == "light":
        colours = {**colours, fg: "#4051b5"}  # Material's indigo link colour, which the light scheme keeps
    for bg in bgs:
        back = PAGE_BG[scheme] if bg == "page" else colours[bg]
        assert contrast(colours[fg], back) >= floor, f"{scheme} {fg} on {bg}: {contrast(colours[fg], back):.2f}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_each_status_has_its_own_colour(scheme: str) -> None:
    """No two membership statuses share a colour, in either scheme."""
    colours = LIGHT if scheme == "light" else DARK
    values = [colours[f"--sco-s-{s}"].lower() for s in STATUSES]
    assert len(set(values)) == len(values)


# -- label placement -----------------------------------------------------------------------------

def test_a_label_is_placed_where_it_overlaps_nothing() -> None:
    """place_label skips spots that leave the plot or touch a taken box, falls back to shorter text, and
    gives up (the table has the value) when nothing fits."""
    area = Box(0, 0, 200, 100)
    taken = Taken([Box(93, 43, 107, 57)])  # the box of a dot of radius 6 at (100, 50)
    label = place_label(100, 50, 6, ["64: Makocki (2016)", "64"], 13, area, taken, ("above", "below"))
    assert label is not None and label.text == "64: Makocki (2016)" and label.anchor == "middle" and label.y < 43
    crowded = Taken([Box(93, 43, 107, 57), Box(0, 0, 200, 38), Box(0, 62, 200, 100)])
    label = place_label(100, 50, 6, ["a long label that fits nowhere", "64"], 13, Box(0, 0, 200, 100), crowded,
                        ("above", "below", "left", "right"))
    assert label is not None and label.text == "64" and label.anchor in ("start", "end")
    assert place_label(100, 50, 6, ["64"], 13, Box(95, 45, 105, 55), Taken(), ("above",)) is None



@pytest.mark.parametrize("box, other", [
    (Box(0, 0, 10, 10), Box(12, 0, 20, 10)),        # exactly the gap apart: no overlap
    (Box(0, 0, 10, 10), Box(11.9, 0, 20, 10)),      # just inside the gap
    (Box(30, 30, 31, 31), Box(33, 33, 40, 40)),     # the gap crosses a cell border
    (Box(-50, -5, -33, 5), Box(-31.5, -5, -20, 5)),  # negative coordinates
    (Box(0, 0, 500, 4), Box(250, 5, 251, 6)),       # a box over many cells
    (Box(63.9, 0, 64, 1), Box(65.5, 0, 66, 1)),
])
def test_taken_agrees_with_testing_every_box_at_its_edges(box: Box, other: Box) -> None:
    """Taken.hits finds an overlap exactly when Box.overlaps does, at the gap's edge and across cell borders."""
    assert Taken([other]).hits(box) == box.overlaps(other)
    assert Taken([box]).hits(other) == other.overlaps(box)


def test_taken_agrees_with_testing_every_box() -> None:
    """On 4,000 random boxes added one by one, Taken.hits gives what testing each earlier box gives."""
    import random

    rng = random.Random(7)
    boxes: list[Box] = []
    taken = Taken()
    found = 0
    for _ in range(4000):
        x, y = rng.uniform(-40, 700), rng.uniform(-40, 340)
        box = Box(round(x, 1), round(y, 1), round(x + rng.uniform(0, 90), 1), round(y + rng.uniform(0, 20), 1))
        expected = any(box.overlaps(b) for b in boxes)
        assert taken.hits(box) == expected
        found += expected
        if rng.random() < 0.3:
            boxes.append(box)
            taken.add(box)
    assert 0 < found < 4000

def test_text_width_never_underestimates() -> None:
    """The estimate is at least DejaVu Sans' real advance for digits and a typical label."""
    assert text_width("2024", 14) >= 4 * 0.636 * 14
    assert text_width("Turkmenistan", 13) >= 6.9 * 13
