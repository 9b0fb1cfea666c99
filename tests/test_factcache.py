"""The stored fact base is reused only for the very inputs it was stored under."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Callable

import pytest

from conftest import ROOT, copy_project, mkdocs_build
from macros import factcache
from macros.errors import DataError, Problem
from macros.factbase import FactBase, load


@pytest.fixture
def data(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path / "data"


def _stored_marked(data: Path, cache: Path) -> FactBase:
    """Load, then store a copy that a fresh load could never give (a made-up warning), to tell reuse apart."""
    fb = load(data, data.parent, cache, reuse=True)
    assert fb.key, "a load that may reuse a stored fact base knows its key"
    marked = dataclasses.replace(fb, warnings=[Problem("marker.yaml", 1, message="from the store")])
    marked.key = fb.key
    factcache.put(cache, marked)
    return marked


def test_same_inputs_reuse_the_stored_fact_base(data: Path, tmp_path: Path) -> None:
    """With nothing changed, the stored fact base is returned as it was stored."""
    cache = tmp_path / "cache"
    _stored_marked(data, cache)
    again = load(data, data.parent, cache, reuse=True)
    assert [w.message for w in again.warnings] == ["from the store"]
    assert again.facts == load(data, data.parent).facts


def test_reuse_is_opt_in(data: Path, tmp_path: Path) -> None:
    """`load` without `reuse` (what `make check` and the load benchmark call) always validates."""
    cache = tmp_path / "cache"
    _stored_marked(data, cache)
    assert [w.message for w in load(data, data.parent, cache).warnings] != ["from the store"]


def _append_fact(data: Path) -> None:
    path = data / "facts" / "synthesis.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "- id: zz\n  claim: x\n  topics: [overview]\n"
                    "  cites: [nope]\n", encoding="utf-8")


def _stray_file(data: Path) -> None:
    (data / "facts" / "extra.yml").write_text("[]\n", encoding="utf-8")


def _same_size_edit(data: Path) -> None:
    path = data / "facts" / "synthesis.yaml"
    text = path.read_text(encoding="utf-8")
    i = text.index("claim: ") + len("claim: ")
    path.write_text(text[:i] + ("X" if text[i] != "X" else "Y") + text[i + 1:], encoding="utf-8")


@pytest.mark.parametrize("change", [_append_fact, _stray_file, _same_size_edit],
                         ids=["new record", "stray .yml file", "same-size edit"])
def test_any_data_change_misses(data: Path, tmp_path: Path, change: Callable[[Path], None]) -> None:
    """After any change to the data folder's YAML, the data is loaded and validated again."""
    cache = tmp_path / "cache"
    marked = _stored_marked(data, cache)
    change(data)
    try:
        fb = load(data, data.parent, cache, reuse=True)
    except DataError:
        return  # the new errors were found: the stored fact base did not hide them
    assert [w.message for w in fb.warnings] != ["from the store"]
    assert fb.key and fb.key != marked.key


def test_code_change_misses(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A change to the package's source (a new rule, a new field) gives a new key."""
    before = factcache.key(data, data.parent)
    package = tmp_path / "package"
    shutil.copytree(factcache.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(factcache, "PACKAGE", package)
    assert factcache.key(data, data.parent) == before  # a copy of the same code: the same key
    (package / "validate.py").write_text((package / "validate.py").read_text(encoding="utf-8") + "\n# a new rule\n",
                                         encoding="utf-8")
    assert factcache.key(data, data.parent) != before


@pytest.mark.parametrize("content", [b"", b"0" * 64, b"not a hex key at all", None],
                         ids=["empty", "other key", "garbage", "damaged pickle"])
def test_unusable_store_is_ignored(data: Path, tmp_path: Path, content: bytes | None) -> None:
    """A stored file that is empty, stored under another key or damaged is skipped, not trusted."""
    cache = tmp_path / "cache"
    marked = _stored_marked(data, cache)
    file = cache / factcache.FILE
    file.write_bytes(marked.key.encode() + b"\x80\x05broken" if content is None else content)
    fb = load(data, data.parent, cache, reuse=True)
    assert [w.message for w in fb.warnings] != ["from the store"] and fb.facts


def test_put_keeps_one_and_skips_a_rewrite(data: Path, tmp_path: Path) -> None:
    """Storing the same key again leaves the file alone; a fact base without a key is never stored."""
    cache = tmp_path / "cache"
    marked = _stored_marked(data, cache)
    file = cache / factcache.FILE
    stamp = file.stat().st_mtime_ns
    factcache.put(cache, marked)
    assert file.stat().st_mtime_ns == stamp
    keyless = load(data, data.parent)
    assert keyless.key == ""
    factcache.put(tmp_path / "other", keyless)
    assert not (tmp_path / "other").exists()
    assert [p.name for p in cache.iterdir() if p.suffix in (".pickle", ".tmp")] == [factcache.FILE]


def test_build_from_stored_fact_base_publishes_the_same_site(tmp_path: Path) -> None:
    """A build stores its fact base and compiled pages, and the next build, reusing them, publishes byte-identical pages
    and exports."""
    project = copy_project(tmp_path / "project")
    first = mkdocs_build(project, tmp_path / "first")
    assert first.returncode == 0, first.stderr
    stored = project / ".cache" / "sco-data" / factcache.FILE
    assert stored.is_file()
    assert factcache.get(stored.parent, factcache.key(project / "data", project)) is not None
    pages = list((project / ".cache" / "sco-pages").glob("*.code"))
    assert len(pages) == len(list((project / "docs").rglob("*.md")))  # each page's compiled template, too
    second = mkdocs_build(project, tmp_path / "second")
    assert second.returncode == 0, second.stderr
    files = sorted(p.relative_to(tmp_path / "first") for p in (tmp_path / "first").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "second") for p in (tmp_path / "second").rglob("*") if p.is_file())
    differ = [f for f in files if f.suffix in (".html", ".json", ".csv", ".jsonld")
              and (tmp_path / "first" / f).read_bytes() != (tmp_path / "second" / f).read_bytes()]
    assert differ == []
