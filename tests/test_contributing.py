"""CONTRIBUTING.md says where a new fact will appear, in a table made from what a build shows and kept in sync."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable

from bs4 import BeautifulSoup

from conftest import PY, ROOT, run
from macros.factbase import load
from macros.hints import template
from macros.schema import KINDS, TOPICS

FB = load(ROOT / "data", ROOT)


def test_the_table_of_where_facts_appear_is_in_sync() -> None:
    """`make pages-table` would not change CONTRIBUTING.md (run it after moving facts between pages)."""
    result = run([PY, "-m", "macros", "pages", "--check"], cwd=ROOT)
    assert result.returncode == 0, result.stderr


def test_the_table_counts_the_facts_the_built_pages_show(page: Callable[[str], BeautifulSoup]) -> None:
    """Each row's pages are those whose built HTML shows a fact (anchor fact-ID) of the topic."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| .* \(`([a-z-]+)`\) \| (.*) \|$", text, re.M)
    assert [topic for topic, _ in rows] == list(TOPICS)
    table = {topic: set(re.findall(r"\[`([^`]+)`\]\(docs/\1\)", cells)) for topic, cells in rows}
    built: dict[str, Counter[str]] = defaultdict(Counter)
    for md in sorted((ROOT / "docs").rglob("*.md")):
        src = md.relative_to(ROOT / "docs").as_posix()
        if src.startswith("sources/"):
            continue
        path = "" if src == "index.md" else src.removesuffix("index.md").removesuffix(".md").rstrip("/") + "/"
        soup = page(path.rstrip("/"))
        ids = {el["id"].removeprefix("fact-") for el in soup.select('[id^="fact-"]')} & set(FB.facts)
        for fact_id in ids:
            for topic in FB.facts[fact_id].topics:
                built[topic][src] += 1
    for topic in TOPICS:
        assert table[topic] == set(built[topic]), topic


def test_every_hint_names_a_template_that_exists() -> None:
    """The hints' templates/KIND.yaml exists for every record kind."""
    for kind in KINDS:
        assert (ROOT / template(kind)).is_file(), template(kind)
