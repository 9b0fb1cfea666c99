"""The parse cache returns exactly what parsing returns, and a changed file is parsed again."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ROOT
from macros.errors import DataError
from macros.factbase import load


def test_cached_load_equals_fresh_load(tmp_path: Path) -> None:
    """Loading twice through the cache gives the same records, lines and files as loading without it."""
    fresh = load(ROOT / "data", ROOT)
    cache = tmp_path / "cache"
    first = load(ROOT / "data", ROOT, cache)
    assert any(cache.iterdir())
    second = load(ROOT / "data", ROOT, cache)
    for fb in (first, second):
        assert fb.facts == fresh.facts and fb.quotes == fresh.quotes and fb.where == fresh.where


def test_edited_file_is_parsed_again(tmp_path: Path) -> None:
    """After an edit, the cache does not hide the new content or its errors."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    cache = tmp_path / "cache"
    load(data, tmp_path, cache)
    path = data / "facts" / "synthesis.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "- id: zz\n  claim: x\n  topics: [overview]\n  cites: [nope]\n",
                    encoding="utf-8")
    try:
        load(data, tmp_path, cache)
    except DataError as exc:
        assert [p.record_id for p in exc.problems] == ["zz"]
    else:
        raise AssertionError("the edit was not seen")


def _problems(data: Path, root: Path, cache: Path | None) -> list[str]:
    try:
        load(data, root, cache)
    except DataError as exc:
        return [f"{p.file}:{p.line}:{p.record_id}:{p.field}" for p in exc.problems]
    raise AssertionError("the bad record was accepted")


def test_errors_from_cached_files_name_the_same_lines(tmp_path: Path) -> None:
    """A record read back from the cache reports a field's error at the same line as a freshly parsed one."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "facts.yaml").write_text(
        "- id: a\n  claim: fine\n  topics: [overview]\n  cites:\n    - q1\n    - missing-quote\n"
        "- id: b\n  claim: also fine\n  topics:\n    - overview\n    - not-a-topic\n  cites: [q1]\n",
        encoding="utf-8")
    (data / "quotes.yaml").write_text("- id: q1\n  source: s\n  text: words\n", encoding="utf-8")
    (data / "sources.yaml").write_text(
        "- id: s\n  title: T\n  authors: [A]\n  outlet: O\n  kind: article\n  published: '2020'\n  licence: x\n",
        encoding="utf-8")
    cache = tmp_path / "cache"
    fresh = _problems(data, tmp_path, None)
    assert "data/facts.yaml:6:a:cites[1]" in fresh and "data/facts.yaml:11:b:topics[1]" in fresh
    assert _problems(data, tmp_path, cache) == fresh  # fills the cache
    assert _problems(data, tmp_path, cache) == fresh  # read back from it
