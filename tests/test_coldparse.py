"""A cold parse cache's files are parsed on two cores: half in a forked child, which leaves them in the cache; the
load gives exactly what a load parsing every file in one process gives, also when the child fails."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from macros import coldparse, loader
from macros.background import BackgroundJob
from macros.errors import DataError
from macros.factbase import FactBase, load

HALVES = [
    pytest.param([], ([], []), id="nothing"),
    pytest.param([5], ([0], []), id="one file"),
    pytest.param([3, 3], ([0], [1]), id="two alike"),
    pytest.param([1, 2, 3, 4], ([0, 3], [1, 2]), id="largest first, into the lighter group"),
    pytest.param([10] + [1] * 10, ([0], list(range(1, 11))), id="one large against many small"),
]


@pytest.mark.parametrize(("sizes", "groups"), HALVES)
def test_halves_split_the_bytes_evenly(sizes: list[int], groups: tuple[list[int], list[int]]) -> None:
    """Files are split into two groups of nearly equal bytes, each group in file order."""
    assert coldparse.halves(sizes) == groups


KINDS = ("sources", "actors", "quotes", "facts", "events", "membership", "figures", "positions", "glossary", "notes")


def _digest(fb: FactBase) -> list[object]:
    return [list(getattr(fb, kind).items()) for kind in KINDS] + [list(fb.where.items()), list(fb.order.items()),
                                                                  fb.warnings]


@pytest.fixture
def parsed_here(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files this process parses (a child's parses are counted in the child's memory, not here), with forking
    allowed whatever threads other tests left running in this worker (the child touches none of them)."""
    seen: list[str] = []
    parse_bytes = loader.parse_bytes

    def counting(raw: bytes, kind: str, rel: str):  # type: ignore[no-untyped-def]
        seen.append(rel)
        return parse_bytes(raw, kind, rel)

    monkeypatch.setattr(loader, "parse_bytes", counting)
    monkeypatch.setattr(BackgroundJob, "can_fork", staticmethod(lambda: hasattr(os, "fork")))
    monkeypatch.setattr(coldparse, "MIN_BYTES", 1)
    return seen


def _data(tmp_path: Path) -> tuple[Path, int]:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    return data, len(list(data.rglob("*.yaml")))


def test_a_cold_load_parses_half_here_and_equals_a_load_without_cache(tmp_path: Path, parsed_here: list[str]) -> None:
    """With an empty cache, this process parses about half the files and the child the rest; the records, their
    order, lines and warnings are those of a load that parses every file itself; the next load parses nothing."""
    data, files = _data(tmp_path)
    cache = tmp_path / "cache"
    cold = load(data, tmp_path, cache)
    here = len(parsed_here)
    assert 0 < here < files, f"{here} of {files} files parsed here"
    assert len(list(cache.rglob("*.json"))) == files  # the child's half is in the cache too
    parsed_here.clear()
    warm = load(data, tmp_path, cache)
    assert parsed_here == []
    alone = load(data, tmp_path, None)
    assert len(parsed_here) == files  # without a cache, nothing is forked
    assert _digest(cold) == _digest(alone) == _digest(warm)


def test_a_partly_warm_cache_gives_each_edited_file_its_own_records(tmp_path: Path, parsed_here: list[str]) -> None:
    """After edits to some files, only those are parsed, split between the two processes, and each edited file's
    records are its own: the load equals one without a cache."""
    data, files = _data(tmp_path)
    cache = tmp_path / "cache"
    load(data, tmp_path, cache)
    edited = sorted(data.rglob("*.yaml"))[1::4]
    for path in edited:
        path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    parsed_here.clear()
    partly = load(data, tmp_path, cache)
    assert 0 < len(parsed_here) < len(edited)
    assert {str(p.relative_to(tmp_path)) for p in edited} >= set(parsed_here)
    assert _digest(partly) == _digest(load(data, tmp_path, None))


def test_problems_found_by_the_child_are_reported_alike(tmp_path: Path, parsed_here: list[str]) -> None:
    """Broken files, whichever process parsed them, give the same problems in the same order as without a cache."""
    data, _ = _data(tmp_path)
    for n, path in enumerate(sorted(data.rglob("*.yaml"))[::5]):
        text = path.read_text(encoding="utf-8")
        path.write_text(text + ("- id: [broken\n" if n % 2 else "- id: x\n  unknown-field: 1\n"), encoding="utf-8")

    def problems(cache: Path | None) -> list[str]:
        with pytest.raises(DataError) as caught:
            load(data, tmp_path, cache)
        return [f"{p.file}:{p.line}:{p.record_id}:{p.field}:{p.message}" for p in caught.value.problems]

    cold = problems(tmp_path / "cache")
    assert len({p.split(":")[0] for p in cold}) > 2
    assert cold == problems(None) == problems(tmp_path / "cache")


def test_a_failed_child_loses_nothing(tmp_path: Path, parsed_here: list[str], monkeypatch: pytest.MonkeyPatch,
                                      capfd: pytest.CaptureFixture[str]) -> None:
    """If the child fails, its files miss the cache and are parsed here: the load is the same, and says so."""
    data, files = _data(tmp_path)
    parent = os.getpid()
    records_of = coldparse.records_of

    def failing_in_the_child(*args, **kwargs):  # type: ignore[no-untyped-def]
        if os.getpid() != parent:
            raise OSError("the child fails")
        return records_of(*args, **kwargs)

    monkeypatch.setattr(coldparse, "records_of", failing_in_the_child)
    cold = load(data, tmp_path, tmp_path / "cache")
    err = capfd.readouterr().err
    assert "second parser failed" in err
    # the child's own report, whole
    assert err.count("Traceback (most recent call last):") == 1 and "OSError: the child fails" in err
    assert sorted(parsed_here) == sorted(set(parsed_here)) and len(parsed_here) == files  # each file once, all here
    assert _digest(cold) == _digest(load(data, tmp_path, None))


def test_a_small_cold_load_is_not_forked(tmp_path: Path, parsed_here: list[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Below MIN_BYTES to parse (the real data is about 0.45 MB), every file is parsed here."""
    monkeypatch.setattr(coldparse, "MIN_BYTES", 2 << 20)
    data, files = _data(tmp_path)
    load(data, tmp_path, tmp_path / "cache")
    assert len(parsed_here) == files


def test_a_failure_here_still_waits_for_the_child(tmp_path: Path, parsed_here: list[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """If parsing in this process raises, the error reaches the caller and the child has been waited for."""
    data, _ = _data(tmp_path)
    children: list[int | None] = []
    start = BackgroundJob.start

    def recording(self: BackgroundJob, job):  # type: ignore[no-untyped-def]
        start(self, job)
        children.append(self.pid)

    parent = os.getpid()
    records_of = coldparse.records_of

    def failing_here(*args, **kwargs):  # type: ignore[no-untyped-def]
        if os.getpid() == parent:
            raise RuntimeError("a failure here")
        return records_of(*args, **kwargs)

    monkeypatch.setattr(BackgroundJob, "start", recording)
    monkeypatch.setattr(coldparse, "records_of", failing_here)
    with pytest.raises(RuntimeError, match="a failure here"):
        load(data, tmp_path, tmp_path / "cache")
    assert len(children) == 1 and children[0]
    with pytest.raises(ChildProcessError):  # already waited for: no child of that id is left
        os.waitpid(children[0], os.WNOHANG)
