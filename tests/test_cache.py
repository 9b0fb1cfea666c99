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
