"""The parse cache returns exactly what parsing returns, lives outside the checkout, holds JSON only, and misses on
any change to what it depends on."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, copy_project
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


def _small_data(tmp_path: Path, facts: str) -> Path:
    """A data folder of one source, one quote and the facts given (YAML)."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "facts.yaml").write_text(facts, encoding="utf-8")
    (data / "quotes.yaml").write_text("- id: q1\n  source: s\n  text: words\n", encoding="utf-8")
    (data / "sources.yaml").write_text(
        "- id: s\n  title: T\n  authors: [A]\n  outlet: O\n  kind: article\n  published: '2020'\n  licence: x\n",
        encoding="utf-8")
    return data


def test_errors_from_cached_files_name_the_same_lines(tmp_path: Path) -> None:
    """A record read back from the cache reports a field's error at the same line as a freshly parsed one."""
    data = _small_data(tmp_path,
                       "- id: a\n  claim: fine\n  topics: [overview]\n  cites:\n    - q1\n    - missing-quote\n"
                       "- id: b\n  claim: also fine\n  topics:\n    - overview\n    - not-a-topic\n  cites: [q1]\n")
    cache = tmp_path / "cache"
    fresh = _problems(data, tmp_path, None)
    assert "data/facts.yaml:6:a:cites[1]" in fresh and "data/facts.yaml:11:b:topics[1]" in fresh
    assert _problems(data, tmp_path, cache) == fresh  # fills the cache
    assert _problems(data, tmp_path, cache) == fresh  # read back from it


#: Keys that JSON can only hold as text: the standard library wrote 1 as "1", and a second build read back a record
#: with a field named "1" (another problem, on another line) where the first had reported a key that is not text.
NOT_TEXT_KEYS = [
    pytest.param("  1: one\n", id="whole number"),
    pytest.param("  1.5: x\n", id="decimal"),
    pytest.param("  true: x\n", id="true"),
    pytest.param("  ~: x\n", id="null"),
    pytest.param("  note:\n    2: x\n", id="nested"),
]


@pytest.mark.parametrize("line", NOT_TEXT_KEYS)
def test_a_key_that_is_not_text_is_reported_alike_on_every_build(tmp_path: Path, line: str) -> None:
    """A record with a key that is not text reports the same problems on each build; its file is never cached."""
    data = _small_data(tmp_path, f"- id: a\n  claim: fine\n  topics: [overview]\n  cites: [q1]\n{line}")
    cache = tmp_path / "cache"
    fresh = _problems(data, tmp_path, None)
    assert fresh and all(p.startswith("data/facts.yaml:") and ":a:" in p for p in fresh), fresh
    assert _problems(data, tmp_path, cache) == fresh  # would fill the cache
    assert _problems(data, tmp_path, cache) == fresh  # read back where it could be
    assert len(list(cache.rglob("*.json"))) == 2  # quotes and sources; not the facts


# -- where the cache lives, and what it is keyed on ---------------------------------------------------------

def test_cache_lives_outside_the_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """By default the cache is the user's cache folder; SCO_CACHE_DIR moves it, empty turns it off, and a folder
    inside the project is refused (a file a commit adds there would be read as a cache)."""
    from macros.cache import cache_dir

    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.delenv("SCO_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir(project) == (tmp_path / "xdg" / "sco-explainer").resolve()
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir(project) == (tmp_path / "home" / ".cache" / "sco-explainer").resolve()
    monkeypatch.setenv("SCO_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert cache_dir(project) == (tmp_path / "elsewhere").resolve()
    monkeypatch.setenv("SCO_CACHE_DIR", "")
    assert cache_dir(project) is None
    for inside in (project / ".cache", project, project / "data" / ".." / "x"):
        monkeypatch.setenv("SCO_CACHE_DIR", str(inside))
        assert cache_dir(project) is None, inside
    (tmp_path / "link").symlink_to(project)
    monkeypatch.setenv("SCO_CACHE_DIR", str(tmp_path / "link" / ".cache"))
    assert cache_dir(project) is None


def test_a_build_caches_json_only_and_nothing_in_the_checkout(tmp_path: Path) -> None:
    """After two builds, the cache folder holds JSON files only (no pickle, no compiled templates or bytecode), and
    the project holds no cache of any kind (builds kept a pickle and compiled code in its .cache/)."""
    import json

    project = copy_project(tmp_path / "p")
    before = {p for p in project.rglob("*") if "__pycache__" not in p.parts}
    cache = tmp_path / "cache"
    for n in range(2):
        built = _build(project, tmp_path / f"site{n}", SCO_CACHE_DIR=str(cache))
        assert built.returncode == 0, built.stderr[-2000:]
    files = [p for p in cache.rglob("*") if p.is_file()]
    assert files and all(p.suffix == ".json" for p in files), sorted({p.suffix for p in files})
    for p in files:
        json.loads(p.read_bytes())
    assert {p for p in project.rglob("*") if "__pycache__" not in p.parts} == before


def test_changed_loader_code_misses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries are stored under the version of the code that produced them: new loader code never reads old entries
    (an older loader's records may lack checks the new one makes)."""
    from macros import cache as cache_module

    cache = tmp_path / "cache"
    load(ROOT / "data", ROOT, cache)
    before = {p.parent.name for p in cache.rglob("*.json")}
    package = tmp_path / "package"
    shutil.copytree(cache_module.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    (package / "loader.py").write_text((package / "loader.py").read_text(encoding="utf-8") + "\n# changed\n",
                                       encoding="utf-8")
    monkeypatch.setattr(cache_module, "PACKAGE", package)
    cache_module.code_version.cache_clear()
    try:
        load(ROOT / "data", ROOT, cache)
        after = {p.parent.name for p in cache.rglob("*.json")}
    finally:
        cache_module.code_version.cache_clear()
    assert len(before) == 1 and len(after) == 2 and before < after


def _build(project: Path, site: Path, **env: str) -> subprocess.CompletedProcess[str]:
    import os

    from conftest import PY

    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    environment.update(NO_MKDOCS_2_WARNING="1", **env)
    return subprocess.run([PY, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)], cwd=project,
                          env=environment, capture_output=True, text=True, timeout=300)


def _claims(site: Path) -> str:
    return (site / "data" / "sco-explainer.json").read_text(encoding="utf-8")


def test_a_kind_folder_linked_elsewhere_never_publishes_stale_claims(tmp_path: Path) -> None:
    """data/facts as a link to a folder outside data/: an edit there between two builds was not in the stored fact
    base's key, and the second build published the old claims. Now the link is refused: nothing is read through it."""
    project = copy_project(tmp_path / "p")
    data = project / "data"
    (data / "facts").rename(tmp_path / "shared-facts")
    (data / "facts").symlink_to(tmp_path / "shared-facts")
    cache = tmp_path / "cache"
    builds = []
    for n in range(2):
        builds.append(_build(project, tmp_path / f"site{n}", SCO_CACHE_DIR=str(cache)))
        path = tmp_path / "shared-facts" / "synthesis.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("claim: >-\n", "claim: >-\n    EDITED\n", 1),
                        encoding="utf-8")
    for built in builds:
        assert built.returncode != 0, "a build read data through a link out of data/"
        assert "data/facts:1: is a symbolic link to a place outside data/" in built.stderr


def test_the_date_that_decides_the_future_is_an_input(tmp_path: Path) -> None:
    """A build with another SCO_TODAY validates again: a date after that day fails it (the stored fact base was
    reused, and the build passed)."""
    project = copy_project(tmp_path / "p")
    cache = tmp_path / "cache"
    first = _build(project, tmp_path / "one", SCO_CACHE_DIR=str(cache), SCO_TODAY="2026-11-23")
    assert first.returncode == 0, first.stderr[-2000:]
    again = _build(project, tmp_path / "two", SCO_CACHE_DIR=str(cache), SCO_TODAY="2020-01-01")
    assert again.returncode != 0
    assert "is in the future (today is 2020-01-01)" in again.stderr


def test_each_data_file_is_read_once_per_build(tmp_path: Path) -> None:
    """A build opens each data file once, and parses the bytes it read (it read every file twice: once for the
    stored fact base's key, once to parse, so an edit between the two published text the key did not cover)."""
    import json

    from conftest import PY

    project = copy_project(tmp_path / "p")
    code = f"""
import builtins, io, os, json, sys
from collections import Counter
opened = Counter()
data = os.path.realpath({str(project / 'data')!r})
def counted(real):
    def wrapper(file, *args, **kwargs):
        if isinstance(file, (str, bytes, os.PathLike)):
            path = os.path.realpath(os.fsdecode(file))
            if path.startswith(data + os.sep) and path.endswith(".yaml"):
                opened[os.path.relpath(path, data)] += 1
        return real(file, *args, **kwargs)
    return wrapper
os.open = counted(os.open)
io.open = builtins.open = counted(io.open)
from mkdocs.commands.build import build
from mkdocs.config import load_config
os.environ["SCO_NO_FORK"] = "1"
build(load_config({str(project / 'mkdocs.yml')!r}, site_dir={str(tmp_path / 'site')!r}, strict=True))
build(load_config({str(project / 'mkdocs.yml')!r}, site_dir={str(tmp_path / 'site2')!r}, strict=True))
print(json.dumps(opened))
"""
    import os

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(NO_MKDOCS_2_WARNING="1", SCO_CACHE_DIR=str(tmp_path / "cache"))
    result = subprocess.run([PY, "-c", code], cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    opened = json.loads(result.stdout.strip().splitlines()[-1])
    files = sorted(p.relative_to(project / "data").as_posix() for p in (project / "data").rglob("*.yaml"))
    assert sorted(opened) == files
    assert set(opened.values()) == {2}, {k: v for k, v in opened.items() if v != 2}  # two builds, once each
