"""Every built page is valid HTML by the W3C Nu Html Checker, and front matter reaches <head> intact.

The checker (`vnu-jar` from npm, pinned in package-lock.json; run with Debian's Java) checks
the online and the offline build in one run. Errors in the project's own markup must be
zero. Errors in Material's markup are listed below by message, each with its reason, and
recognised only on Material's own elements: a new message of either kind fails the test.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import ROOT, mkdocs_build, parsed_html

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = shutil.which("java")

#: Errors in Material 9.8.1's own templates, by the checker's message: not the project's to fix.
MATERIAL: dict[str, str] = {
    "Bad value “” for attribute “tabindex” on element “label”: The empty string is not a valid integer.":
        "Material's nav-item partial writes tabindex=\"\" on the labels of navigation sections.",
    "Attribute “autocomplete” is only allowed when the input type is “color”, “date”, “datetime-local”, “email”, "
    "“hidden”, “month”, “number”, “password”, “range”, “search”, “tel”, “text”, “time”, “url”, or “week”.":
        "Material sets autocomplete=off on its checkbox toggles (drawer, search, nav) so browsers do not restore them.",
    "The value of the “for” attribute of the “label” element must be the ID of a non-hidden form control.":
        "Material's table-of-contents title is a label for its hidden __toc toggle.",
}
#: What marks an error's extract as Material's markup: its class and id prefixes.
MATERIAL_MARKUP = re.compile(r'class="md-|id="__')

#: Lines for the test summary (filled by the checker run).
REPORT: list[str] = []

pytestmark = pytest.mark.skipif(JAVA is None or not VNU.exists(), reason="`make test` installs Java and vnu-jar")


def vnu(*folders: Path) -> list[dict[str, object]]:
    """The checker's error messages for every HTML file under `folders`."""
    # One short run: the JVM's first-tier compiler alone and its serial collector (the same messages, byte for byte;
    # 8-10 -> 4 CPU-s and 5.1 -> 3.5 s for both builds), with the thread stack the checker asks for (>= 512k).
    out = subprocess.run([JAVA, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss8m", "-jar", str(VNU),
                          "--errors-only", "--skip-non-html", "--format", "json", *map(str, folders)],
                         capture_output=True, text=True, timeout=600)
    return json.loads(out.stderr)["messages"]


def classify(messages: list[dict[str, object]]) -> tuple[list[dict[str, object]], Counter[str]]:
    """(the project's errors, Material's known errors counted by message)."""
    ours, material = [], Counter()
    for m in messages:
        message, extract = str(m.get("message", "")), str(m.get("extract", ""))
        if message in MATERIAL and MATERIAL_MARKUP.search(extract):
            material[message] += 1
        else:
            ours.append(m)
    return ours, material


@pytest.fixture(scope="module")
def checked(site: Path, offline_site: Path) -> tuple[int, list[dict[str, object]], Counter[str]]:
    pages = sum(1 for folder in (site, offline_site) for _ in folder.rglob("*.html"))
    ours, material = classify(vnu(site, offline_site))
    REPORT.append(f"Nu Html Checker: {pages} pages checked (online and offline builds); "
                  f"{len(ours)} errors from the project's markup; Material's known errors:")
    REPORT.extend(f"  {n} x {message}" for message, n in sorted(material.items()))
    return pages, ours, material


def test_no_errors_in_our_markup(checked: tuple[int, list[dict[str, object]], Counter[str]]) -> None:
    """The checker finds no error in the project's markup on any page of either build."""
    pages, ours, _ = checked
    assert pages > 40
    shown = [f"{m.get('url')}:{m.get('lastLine')}: {m.get('message')} [{str(m.get('extract', '')).strip()[:80]}]"
             for m in ours[:20]]
    assert not shown, "\n".join(shown)


def test_material_errors_are_only_the_known_ones(checked: tuple[int, list[dict[str, object]], Counter[str]]) -> None:
    """Material's own errors are exactly the listed messages (each seen, so the list stays current)."""
    _, _, material = checked
    assert set(material) == set(MATERIAL)


def test_classify_separates_ours_from_materials() -> None:
    """A listed message on our own element counts as ours; on Material's element, as Material's."""
    message = next(iter(MATERIAL))
    ours, material = classify([
        {"message": message, "extract": '<label class="md-nav__link" for="__nav_2" tabindex="">'},
        {"message": message, "extract": '<label class="sco-thing" tabindex="">'},
        {"message": "Element “div” not allowed as child of element “figure” in this context.", "extract": "<div>"},
    ])
    assert material == Counter({message: 1})
    assert [m["extract"] for m in ours] == ['<label class="sco-thing" tabindex="">', "<div>"]


def front_matter(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---", 2)[1]) if text.startswith("---") else {}


def head(file: Path) -> BeautifulSoup:
    return parsed_html(file).head


DESCRIBED = sorted(p.relative_to(ROOT / "docs") for p in (ROOT / "docs").rglob("*.md")
                   if "description" in front_matter(p))


def built(site: Path, src: Path) -> Path:
    stem = src.with_suffix("")
    return site / (stem.parent if stem.name == "index" else stem) / "index.html"


@pytest.mark.parametrize("src", DESCRIBED, ids=str)
def test_descriptions_reach_the_head_intact(site: Path, src: Path) -> None:
    """Each page's meta description is its front matter's description, whole, with no stray attributes."""
    meta = head(built(site, src)).find_all("meta", attrs={"name": "description"})
    assert len(meta) == 1
    assert set(meta[0].attrs) == {"name", "content"}
    assert meta[0]["content"] == " ".join(str(front_matter(ROOT / "docs" / src)["description"]).split())


def test_quotes_in_descriptions_are_on_real_pages() -> None:
    """The real site has descriptions with double quotes (the case that broke four pages)."""
    assert sum('"' in str(front_matter(ROOT / "docs" / src)["description"]) for src in DESCRIBED) >= 4


HOSTILE_DESCRIPTION = 'The "three evil forces" <b>bold</b> & more > less, \'single\''
HOSTILE_TITLE = 'A "quoted" <i>title</i> & more'


def test_hostile_front_matter_stays_text(project: Path) -> None:
    """A description and title with quotes, <, &, > are written into <head> and the page as text."""
    page = project / "docs" / "about.md"
    text = page.read_text(encoding="utf-8")
    body = text.split("---", 2)[2]
    fm = {"title": HOSTILE_TITLE, "description": HOSTILE_DESCRIPTION}
    page.write_text("---\n" + yaml.safe_dump(fm, allow_unicode=True) + "---" + body, encoding="utf-8")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    soup = BeautifulSoup((project / "site" / "about" / "index.html").read_text(encoding="utf-8"), "html.parser")
    meta = soup.head.find_all("meta", attrs={"name": "description"})
    assert [m.attrs for m in meta] == [{"name": "description", "content": HOSTILE_DESCRIPTION}]
    assert soup.head.title.get_text() == f"{HOSTILE_TITLE} - SCO Explainer"
    assert soup.find("b") is None and soup.find("i", string="title") is None
    header = soup.select_one(".md-header__topic[data-md-component='header-topic'] .md-ellipsis")
    assert " ".join(header.get_text().split()) == HOSTILE_TITLE
