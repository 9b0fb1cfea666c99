"""The README quotes the committed Lighthouse report, which covers every page `make lighthouse` measures."""

from __future__ import annotations

import json

from bench.lighthouse import CATEGORIES, PAGES, README_END, README_START, scores_table, summary_lines
from conftest import ROOT

REPORT = json.loads((ROOT / "bench" / "lighthouse.json").read_text(encoding="utf-8"))


def test_readme_lighthouse_table_is_the_reports() -> None:
    """The README's Lighthouse block equals the one generated from bench/lighthouse.json."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split(README_START, 1)[1].split(README_END, 1)[0]
    assert block.strip().splitlines() == [*summary_lines(REPORT), *scores_table(REPORT)]


def test_report_covers_every_page_and_category() -> None:
    """Every page of the benchmark has a score in each of the four categories."""
    assert list(REPORT["pages"]) == list(PAGES)
    for page in REPORT["pages"].values():
        assert set(page["scores"]) == set(CATEGORIES)
