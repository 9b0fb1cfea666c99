"""The test run's own housekeeping: older runs' temporary folders are deleted while a run goes on (conftest.py)."""

from __future__ import annotations

import getpass
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import child_env

TESTS = Path(__file__).resolve().parent

#: A conftest that takes the two hooks from tests/conftest.py (loaded under another name) and nothing else.
HOOKS = f"""
import importlib.util, sys
spec = importlib.util.spec_from_file_location("sco_conftest", {str(TESTS / "conftest.py")!r})
module = importlib.util.module_from_spec(spec)
sys.modules["sco_conftest"] = module
spec.loader.exec_module(module)
pytest_sessionstart = module.pytest_sessionstart
pytest_sessionfinish = module.pytest_sessionfinish
"""
#: A test that waits (up to 20 s) for the oldest runs' folders to go: it passes only if they go during the run.
PROBE = """
import getpass, os, time
from pathlib import Path

def test_old_runs_go_while_this_one_runs():
    root = Path(os.environ["PYTEST_DEBUG_TEMPROOT"]) / f"pytest-of-{getpass.getuser()}"
    deadline = time.monotonic() + 20
    while any((root / f"pytest-{n}").exists() for n in (1, 2)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not (root / "pytest-1").exists() and not (root / "pytest-2").exists()
    assert (root / "pytest-3").exists() and (root / "pytest-4").exists()  # the two runs before this one are kept
"""


@pytest.mark.parametrize("mode", [["-p", "no:xdist"], ["-n", "1"]], ids=["one process", "with a worker"])
def test_older_runs_folders_are_deleted_during_the_run(tmp_path: Path, mode: list[str]) -> None:
    """With four earlier runs' folders, a run deletes the two that pytest no longer keeps before its last test ends,
    in one process and with pytest-xdist, and keeps the last two (with its own, the last three)."""
    root = tmp_path / "temproot" / f"pytest-of-{getpass.getuser()}"
    for n in range(1, 5):
        (root / f"pytest-{n}" / "test_something0").mkdir(parents=True)
        (root / f"pytest-{n}" / "test_something0" / "site.html").write_text("x" * 1000, encoding="utf-8")
    probe = tmp_path / "probe"
    probe.mkdir()
    (probe / "conftest.py").write_text(HOOKS, encoding="utf-8")
    (probe / "test_probe.py").write_text(textwrap.dedent(PROBE), encoding="utf-8")
    env = {**child_env(), "PYTEST_DEBUG_TEMPROOT": str(tmp_path / "temproot")}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *mode,
                             "--rootdir", str(probe), str(probe / "test_probe.py")],
                            cwd=probe, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert sorted(p.name for p in root.glob("pytest-[0-9]*")) == ["pytest-3", "pytest-4", "pytest-5"]
