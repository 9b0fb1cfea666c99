"""Finished HTML goes past Markdown (macros/fragments.py), the search index reads the pages with its own reader
(macros/searchindex.py), and the site is the same as when the HTML went through Markdown and Material's Parser."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import PY, ROOT, files_of, mkdocs_build, run

#: Builds the real project with the fragments held out of Markdown and the pages indexed by the project's reader
#: (`held`), or the fragments sent through Markdown and the pages indexed by Material's Parser (`through`); writes
#: down every text Markdown converted, to show what Markdown still parses, and how many pages the reader read.
BUILD = """
import json, sys
import markdown
import macros.fragments as fragments
import macros.searchindex as searchindex
fragments.ENABLED = searchindex.ENABLED = sys.argv[1] == "held"
seen, read = [], []
convert = markdown.Markdown.convert
def recording(self, source):
    seen.append(source)
    return convert(self, source)
markdown.Markdown.convert = recording
sections = searchindex.sections
def counting(html):
    found = sections(html)
    read.append(found is not None)
    return found
searchindex.sections = counting
from mkdocs.__main__ import cli
try:
    cli(["build", "--strict", "-q", "-d", sys.argv[2]])
finally:
    with open(sys.argv[3], "w", encoding="utf-8") as out:
        json.dump({"markdown": seen, "read": read}, out)
"""


def build(how: str, tmp: Path) -> tuple[Path, list[str], list[bool]]:
    site, seen = tmp / f"site-{how}", tmp / f"markdown-{how}.json"
    result = run([PY, "-c", BUILD, how, str(site), str(seen)], cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    recorded = json.loads(seen.read_text(encoding="utf-8"))
    return site, recorded["markdown"], recorded["read"]


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, list[str], list[bool]]]:
    tmp = tmp_path_factory.mktemp("fragments")
    return {how: build(how, tmp) for how in ("held", "through")}



def test_the_site_is_byte_for_byte_the_same(both: dict[str, tuple[Path, list[str], list[bool]]]) -> None:
    """Every file of the site (pages, search index, exports) is the same whether fragments pass Markdown or not,
    and whichever reader indexed the pages."""
    held, through = files_of(both["held"][0]), files_of(both["through"][0])
    assert sorted(held) == sorted(through)
    differ = [name for name in held if held[name] != through[name]]
    assert not differ, f"{len(differ)} files differ, e.g. {differ[:5]}"
    assert len(held) > 100


def test_markdown_no_longer_parses_the_fragments(both: dict[str, tuple[Path, list[str], list[bool]]]) -> None:
    """Markdown gets placeholders, not the fact lists, source pages and Sources lists: a fifth of the text or less."""
    held, through = both["held"][1], both["through"][1]
    assert len(held) == len(through) >= 27  # one conversion per page
    for fragment_markup in ('class="sco-sources', 'class="sco-quote', 'class="sco-fact'):
        assert any(fragment_markup in text for text in through), fragment_markup
        assert not any(fragment_markup in text for text in held), fragment_markup
    assert any("<!--sco-fragment:" in text for text in held)
    assert any('<sco-fragment n="' in text for text in held)
    assert sum(map(len, held)) * 5 < sum(map(len, through))


def test_the_project_reader_indexed_every_page(both: dict[str, tuple[Path, list[str], list[bool]]]) -> None:
    """In the build compared above, the search index read every page with macros/searchindex.py (none declined, so the
    comparison covers every page); in the other, with Material's Parser."""
    held, through = both["held"], both["through"]
    index = json.loads((held[0] / "search" / "search_index.json").read_text(encoding="utf-8"))
    pages = {entry["location"].split("#")[0] for entry in index["docs"]}
    assert all(held[2]) and len(held[2]) == len(pages) >= 20
    assert through[2] == []


def test_a_placeholder_left_on_a_page_fails_the_build(project: Path) -> None:
    """A macro's markup where no fragment can go (Markdown code) fails the build with the page's name, not a
    page that shows the placeholder."""
    page = project / "docs" / "about.md"
    page.write_text(page.read_text(encoding="utf-8") + '\n\nIn code: `{{ cite("weitz-members-boast-special") }}`\n',
                    encoding="utf-8")
    result = mkdocs_build(project)
    assert result.returncode != 0
    assert "docs/about.md: 1 macro output(s) could not be put in the page" in result.stderr


def test_data_that_looks_like_a_placeholder_is_text(project: Path) -> None:
    """A claim that reads like a placeholder is shown as written and does not stop the build."""
    facts = project / "data" / "facts" / "synthesis.yaml"
    text = facts.read_text(encoding="utf-8")
    claim = re.search(r"^  claim: >-\n(?:    .*\n)+", text, re.M)
    assert claim
    fake = '<!--sco-fragment:0--> <sco-fragment n=\\"0\\"></sco-fragment>'
    facts.write_text(text[:claim.start()] + f'  claim: "{fake}"\n' + text[claim.end():], encoding="utf-8")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr[-2000:]
    shown = [p for p in (project / "site").rglob("*.html")
             if "sco-fragment:0--&gt; &lt;sco-fragment n=" in p.read_text(encoding="utf-8")]
    assert shown
