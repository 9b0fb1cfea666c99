"""The tests' build server answers exactly as a process of its own would (tests/buildserver.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import BUILDS, PY, copy_project, run

BAD = "- id: broken\n  text: [unclosed\n"


@pytest.mark.parametrize("args, setup", [
    (["-m", "mkdocs", "build", "--strict", "-q", "-d", "out"], None),
    (["-m", "mkdocs", "build", "--strict", "-q", "-d", "out"], "bad data"),
    (["-m", "macros", "check", "--annotations"], "bad data"),
    (["-m", "macros.sitebuild", "online", "site"], None),
    (["-m", "macros.sitebuild", "offline", "site-offline"], "bad data"),
    (["-m", "mkdocs", "no-such-command"], None),
    (["-c", "import sys; from macros.sitebuild import build_site; sys.exit(build_site('online', "
            "__import__('pathlib').Path('out')))"], None),
    (["-c", "import sys; print(sys.argv, sys.path[0] == '', file=sys.stderr); raise SystemExit('no')", "a"], None),
], ids=["build", "build with bad data", "check with annotations", "sitebuild", "sitebuild with bad data",
        "usage error", "code", "code that exits with a message"])
def test_forked_command_answers_as_a_process_of_its_own(tmp_path: Path, args: list[str], setup: str | None) -> None:
    """Same exit status, standard output and standard error from the server's fork as from a new process."""
    project = copy_project(tmp_path / "p")
    if setup == "bad data":
        (project / "data" / "facts" / "zz-broken.yaml").write_text(BAD, encoding="utf-8")
    command = [PY, *args]
    assert BUILDS.fits(command, __import__("conftest").child_env())
    forked = run(command, cwd=project)
    fresh = run(command, cwd=project, fresh=True)
    assert (forked.returncode, forked.stdout, forked.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
    assert (forked.returncode == 0) == (setup is None and not {"no-such-command", "a"} & set(args)), forked.stderr
