"""Shared fixtures: a throwaway copy of the project, and the real site built once per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
os.environ.setdefault("SCO_TODAY", "2026-11-23")
for _var in ("SCO_SITE_URL", "SCO_REPOSITORY", "SCO_EDIT_BRANCH"):  # the placeholders of mkdocs.yml, in every test
    os.environ.pop(_var, None)


def pytest_configure(config: pytest.Config) -> None:
    """Builds in tests share one parse cache of their own, removed at the end (not the user's cache folder)."""
    if "SCO_CACHE_DIR" not in os.environ:
        import tempfile

        config._sco_cache = tempfile.mkdtemp(prefix="sco-test-cache-")  # type: ignore[attr-defined]
        os.environ["SCO_CACHE_DIR"] = config._sco_cache  # type: ignore[attr-defined]


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = getattr(config, "_sco_cache", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def copy_project(dest: Path, data: bool = True) -> Path:
    """A copy of everything a build needs, so tests can break it freely."""
    for name in ("docs", "macros", "schema", "overrides"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    if data:
        shutil.copytree(ROOT / "data", dest / "data")
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def run(args: list[str], cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    # Bytecode as `make` sets it up (written beside the sources): a child that may not write
    # bytecode would compile every module it imports on each run.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["NO_MKDOCS_2_WARNING"] = "1"
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def mkdocs_build(project: Path, site: Path | None = None) -> subprocess.CompletedProcess[str]:
    site = site or project / "site"
    return run([PY, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)], cwd=project)


def check(project: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run([PY, "-m", "macros", "--root", str(project), "check", "--data", str(project / "data"), *extra],
               cwd=project)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real project built once (online mode) into a temporary folder."""
    out = tmp_path_factory.mktemp("site") / "site"
    result = mkdocs_build(ROOT, out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def offline_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real project built once for opening from disk (`make offline`), into a temporary folder."""
    out = tmp_path_factory.mktemp("offline") / "site-offline"
    result = run([PY, "-c", "import sys; from macros.sitebuild import build_site; "
                  f"sys.exit(build_site('offline', __import__('pathlib').Path({str(out)!r})))"], cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def page(site: Path) -> Callable[[str], BeautifulSoup]:
    """Parse a built page by its path under site/ ('' for the home page)."""
    cache: dict[str, BeautifulSoup] = {}

    def get(path: str) -> BeautifulSoup:
        file = site / path / "index.html" if not path.endswith(".html") else site / path
        if path not in cache:
            cache[path] = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")
        return cache[path]

    return get


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # type: ignore[no-untyped-def]
    """Print the sizes of the hostile-input corpora, so a run's log says what was covered."""
    from test_bad_data import CASES
    from test_injection import counts

    terminalreporter.write_line(f"bad-data corpus: {len(CASES) + 3} cases (table-driven plus non-UTF-8, 50 MB, "
                                f"all-at-once)")
    terminalreporter.write_line(f"injection cross product: {counts()}")
    from test_html_valid import REPORT

    for line in REPORT:
        terminalreporter.write_line(line)
    browser = sys.modules.get("test_browser")
    if browser is not None and any(browser.COUNTS.values()):
        terminalreporter.write_line("browser tests: " + ", ".join(f"{n} {what}" for what, n in browser.COUNTS.items()))
