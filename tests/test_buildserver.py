"""The tests' build server answers exactly as a process of its own would (tests/buildserver.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import BUILDS, PY, child_env, copy_project, run

BAD = "- id: broken\n  text: [unclosed\n"


@pytest.mark.parametrize("args, setup, ok", [
    (["-m", "mkdocs", "build", "--strict", "-q", "-d", "out"], None, True),
    (["-m", "mkdocs", "build", "--strict", "-q", "-d", "out"], "bad data", False),
    (["-m", "macros", "check", "--annotations"], "bad data", False),
    (["-m", "macros.sitebuild", "online", "site"], None, True),
    (["-m", "macros.sitebuild", "offline", "site-offline"], "bad data", False),
    (["-m", "mkdocs", "no-such-command"], None, False),
    (["-c", "import sys; from macros.sitebuild import build_site; sys.exit(build_site('online', "
            "__import__('pathlib').Path('out')))"], None, True),
    (["-c", "import sys; print(sys.argv, sys.path[0] == '', file=sys.stderr); raise SystemExit('no')", "a"], None,
     False),
], ids=["build", "build with bad data", "check with annotations", "sitebuild", "sitebuild with bad data",
        "usage error", "code", "code that exits with a message"])
def test_forked_command_answers_as_a_process_of_its_own(tmp_path: Path, args: list[str], setup: str | None,
                                                       ok: bool) -> None:
    """Same exit status, standard output and standard error from the server's fork as from a new process."""
    project = copy_project(tmp_path / "p")
    if setup == "bad data":
        (project / "data" / "facts" / "zz-broken.yaml").write_text(BAD, encoding="utf-8")
    command = [PY, *args]
    assert BUILDS.fits(command, child_env())
    forked = run(command, cwd=project)
    fresh = run(command, cwd=project, fresh=True)
    assert (forked.returncode, forked.stdout, forked.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
    assert (forked.returncode == 0) == ok, forked.stderr
