"""Nothing a commit can contain is loaded as code or trusted as a cache.

In a fresh clone of a repository made from the project, one commit plants, under every cache path the project
has used (the old .cache/ folders, the bytecode prefix and __pycache__ folders, a user-cache layout inside the
checkout): forged parse-cache entries that publish a claim not in data/, pickles, marshal'd page code, Jinja
bytecode-cache files (whose header is a pickle) and unchecked- and checked-hash .pyc files. Every planted piece
of code would create a marker file. `make build` must refuse while git tracks compiled Python, run none of it,
and, once the bytecode is gone from the commit, publish exactly the site a clone of that commit without the
planted files publishes.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import marshal
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

VENV = Path(sys.executable).parent.parent
FORGED = "PLANTED CLAIM FROM A COMMITTED CACHE"
GIT_ENV = {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
           "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}

pytestmark = pytest.mark.skipif(shutil.which("git") is None or shutil.which("make") is None, reason="needs git, make")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **GIT_ENV}, capture_output=True, text=True,
                          check=True).stdout


def make(clone: Path, target: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`make TARGET` in a clone, with the project's virtualenv (the clone's requirements.txt made older than it)."""
    os.utime(clone / "requirements.txt", (0, 0))
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "MAKEFLAGS")}
    environment.update(NO_MKDOCS_2_WARNING="1", SCO_TODAY="2026-11-23", **env)
    return subprocess.run(["make", "--no-print-directory", target, f"VENV={VENV}"], cwd=clone, env=environment,
                          capture_output=True, text=True, timeout=600)


def planted_code(marker: Path, what: str) -> str:
    return f"open({str(marker)!r}, 'a').write({what!r} + '\\n')"


class Planted:
    """A pickle that runs code when loaded."""

    def __init__(self, source: str) -> None:
        self.source = source

    def __reduce__(self) -> tuple[object, ...]:
        return (exec, (self.source,))


def pyc(source: str, real: bytes | None = None) -> bytes:
    """A hash-based .pyc holding `source`'s code: unchecked, or checked and carrying the hash of `real` (which
    --check-hash-based-pycs=always would accept: the check compares hashes, not code)."""
    code = compile(source, "<planted>", "exec")
    flags = 0b11 if real is not None else 0b01
    digest = importlib.util.source_hash(real or b"")
    return importlib.util.MAGIC_NUMBER + flags.to_bytes(4, "little") + digest + marshal.dumps(code)


def plant(clone: Path, marker: Path, built_at: Path) -> list[str]:
    """Write every planted file into the clone; return their paths. `built_at` is where the clone that builds will
    be: the old bytecode prefix mirrored the sources' absolute paths."""
    files: dict[str, bytes] = {}
    data = sorted((p for p in (clone / "data").rglob("*.yaml")), key=str)
    forged_record = {"id": "sco-founding-states", "claim": FORGED, "topics": ["overview"],
                     "cites": [json.loads(json.dumps("x"))]}
    # Parse-cache entries forged for every data file, under the old layout's key (version "3", kind, path, bytes)
    # and under the current layout's names, placed in the checkout.
    try:
        from macros.cache import ParseCache, code_version
    except ImportError:  # code without a user cache: the old layout only
        ParseCache = code_version = None  # type: ignore[assignment, misc]
    for path in data:
        rel = path.relative_to(clone).as_posix()
        kind = path.relative_to(clone / "data").parts[0].removesuffix(".yaml")
        raw = path.read_bytes()
        old = hashlib.sha256()
        for part in ("3", kind, rel):
            old.update(part.encode() + b"\0")
        old.update(raw)
        entry = {"records": [{"data": forged_record, "line": 1}], "problems": []}
        body = json.dumps(entry).encode()
        files[f".cache/sco-data/{old.hexdigest()}.json"] = body
        if code_version is not None:
            files[f".cache/sco-explainer/parsed-{code_version()}/{ParseCache(None).key(kind, rel, raw)}.json"] = body
    blob = pickle.dumps(Planted(planted_code(marker, "pickle")))
    files[".cache/sco-data/factbase.pickle"] = b"0" * 64 + blob
    files[".cache/sco-explainer/factbase.pickle"] = b"0" * 64 + blob
    # compiled page templates (marshal'd code) and Jinja's bytecode cache (a pickle after its magic header)
    code = marshal.dumps(compile(planted_code(marker, "marshal"), "<planted>", "exec"))
    for n in range(3):
        files[f".cache/sco-pages/{hashlib.sha256(str(n).encode()).hexdigest()}.code"] = code
    import jinja2.bccache

    for template in sorted((clone / "macros" / "templates").glob("*.html")):
        for name in (template.name, f"{template.name}|{template}"):
            key = hashlib.sha1(name.encode()).hexdigest()
            files[f".cache/sco-templates/__jinja2_{key}.cache"] = jinja2.bccache.bc_magic + blob
    # bytecode: the old prefix's layout, __pycache__ beside the sources, and a sourceless module at the top
    for module in ("__init__", "text", "hooks", "sitebuild", "loader", "__main__"):
        source = clone / "macros" / f"{module}.py"
        tag = sys.implementation.cache_tag
        unchecked = pyc(planted_code(marker, f"pyc {module}"))
        checked = pyc(planted_code(marker, f"checked pyc {module}"), source.read_bytes())
        files[f"macros/__pycache__/{module}.{tag}.pyc"] = checked if module == "loader" else unchecked
        files[f".cache/pycache{built_at.resolve().as_posix()}/macros/{module}.{tag}.pyc"] = unchecked
    files["yaml.pyc"] = pyc(planted_code(marker, "sourceless yaml"))
    for rel, content in files.items():
        target = clone / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return sorted(files)


def tree(site: Path) -> dict[str, bytes]:
    """Every published file's bytes, with the commit id in the JSON export blanked (the two commits differ)."""
    out = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        content = path.read_bytes()
        if path.name == "sco-explainer.json":
            head, rest = content.split(b"\n", 1) if b"\n" in content else (content, b"")
            data = json.loads(head.decode()[:head.decode().index(', "records"')] + "}")
            content = content.replace(data["commit"].encode(), b"COMMIT")
        out[path.relative_to(site).as_posix()] = content
    return out


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository holding the project's files as they are now (tracked and new), in one commit."""
    repo = tmp_path_factory.mktemp("origin") / "repo"
    repo.mkdir()
    names = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, names):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "project")
    return repo


def clean_build(repo: Path, at: Path, planted: list[str]) -> dict[str, bytes]:
    """The site a clone of `repo` publishes with every planted file deleted from its working tree: the same commit
    (the Data page, the Data Package and the Changes page name the commit being built), none of the planted bytes."""
    git(repo.parent, "clone", "-q", str(repo), str(at))
    for rel in planted:
        (at / rel).unlink(missing_ok=True)
    result = make(at, "build", SCO_CACHE_DIR=str(at.parent / "clean-cache"))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return tree(at / "site")


def test_committed_caches_and_bytecode_run_nothing_and_change_nothing(origin: Path, tmp_path: Path) -> None:
    """A commit planting forged caches, pickles, compiled templates and bytecode under every cache path: `make build`
    refuses while bytecode is tracked, runs none of the planted code, and without the bytecode publishes the same
    site as a clone of the same commit without the planted files, with or without SCO_CACHE_DIR pointing into the
    checkout."""
    marker = tmp_path / "planted-code-ran"
    planter = tmp_path / "planter"
    git(origin.parent, "clone", "-q", str(origin), str(planter))
    clone = tmp_path / "clone"
    planted = plant(planter, marker, clone)
    git(planter, "add", "-f", "-A")
    git(planter, "commit", "-q", "-m", "caches")
    git(tmp_path, "clone", "-q", str(planter), str(clone))
    tracked = git(clone, "ls-files").split()
    assert set(planted) <= set(tracked)
    cache = tmp_path / "user-cache"

    refused = make(clone, "build", SCO_CACHE_DIR=str(cache))
    assert refused.returncode != 0
    assert "Refusing to run: git tracks compiled Python" in refused.stderr
    assert "macros/__pycache__/text." in refused.stderr and "yaml.pyc" in refused.stderr
    assert not marker.exists(), marker.read_text()
    assert not (clone / "site").exists()

    bytecode = [p for p in planted if p.endswith(".pyc")]
    git(planter, "rm", "-q", "--cached", *bytecode)
    git(planter, "commit", "-q", "-m", "no bytecode")
    git(clone, "pull", "-q", "--ff-only")
    for path in bytecode:
        assert not (clone / path).exists()
    clean_site = clean_build(planter, tmp_path / "clean", planted)
    for env in ({"SCO_CACHE_DIR": str(cache)}, {"SCO_CACHE_DIR": str(clone / ".cache" / "sco-explainer")}):
        built = make(clone, "build", **env)
        assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-3000:]
        assert not marker.exists(), marker.read_text()
        site = tree(clone / "site")
        assert sorted(site) == sorted(clean_site)
        differ = [name for name in site if site[name] != clean_site[name]]
        assert differ == [], differ[:10]
        assert FORGED.encode() not in b"".join(site.values())
    assert "is inside the project: parsing without a cache" in built.stderr
    checked = make(clone, "check", SCO_CACHE_DIR=str(clone / ".cache" / "sco-explainer"))
    assert checked.returncode == 0 and not marker.exists(), checked.stdout[-2000:] + checked.stderr[-2000:]
