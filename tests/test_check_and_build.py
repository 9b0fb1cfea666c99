"""A broken copy of the real data fails both `check` and the strict build, naming file:line and id."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import ROOT, check, copy_project, mkdocs_build

FIRST_FACT = yaml.safe_load((ROOT / "data/facts/seiwert-2021.yaml").read_text(encoding="utf-8"))[0]["id"]
FIRST_QUOTE = yaml.safe_load((ROOT / "data/quotes/seiwert-2021.yaml").read_text(encoding="utf-8"))[0]["id"]

GOOD = f"- id: zz-good\n  claim: A claim.\n  topics: [overview]\n  cites: [{FIRST_QUOTE}]\n"
BROKEN = [
    ("yaml syntax error", GOOD + "- id: zz-bad\n  claim: [unclosed\n  topics: [overview]\n",
     "data/facts/zz-broken.yaml:6: YAML syntax error: the list '[' opened on this line is not closed"),
    ("duplicate key", GOOD + f"- id: zz-bad\n  claim: a\n  claim: b\n  topics: [overview]\n  cites: [{FIRST_QUOTE}]\n",
     "data/facts/zz-broken.yaml:7: fact zz-bad: duplicate key 'claim' (first on line 6)"),
    ("unknown field", GOOD + f"- id: zz-bad\n  claim: a\n  topics: [overview]\n  cites: [{FIRST_QUOTE}]\n  sorce: x\n",
     "data/facts/zz-broken.yaml:9: fact zz-bad: sorce: unknown field"),
    ("dangling quote id", GOOD + "- id: zz-bad\n  claim: a\n  topics: [overview]\n  cites: [no-such-quote]\n",
     "data/facts/zz-broken.yaml:8: fact zz-bad: cites[0]: unknown quote id 'no-such-quote'"),
    ("fact without cites", GOOD + "- id: zz-bad\n  claim: a\n  topics: [overview]\n",
     "data/facts/zz-broken.yaml:5: fact zz-bad: cites: required field is missing"),
    ("bad date", GOOD + f"- id: zz-bad\n  claim: a\n  date: 2015-13-01\n  topics: [overview]\n  cites: [{FIRST_QUOTE}]\n",
     "data/facts/zz-broken.yaml:7: fact zz-bad: date: '2015-13-01' is not a real calendar date"),
    ("duplicate id", GOOD + f"- id: {FIRST_FACT}\n  claim: a\n  topics: [overview]\n  cites: [{FIRST_QUOTE}]\n",
     f"data/facts/zz-broken.yaml:5: fact {FIRST_FACT}: id: duplicate id (also at data/facts/seiwert-2021.yaml:"),
]


def test_real_data_checks_clean() -> None:
    """`check` on the real data prints nothing and exits 0."""
    result = check(ROOT)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


@pytest.fixture(scope="module")
def broken_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("broken") / "project")


@pytest.mark.parametrize("name,content,expected", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_data_fails_check_and_build(broken_project: Path, name: str, content: str, expected: str) -> None:
    """Both `check` and `mkdocs build --strict` exit non-zero and print the exact location."""
    (broken_project / "data/facts/zz-broken.yaml").write_text(content, encoding="utf-8")
    result = check(broken_project)
    assert result.returncode == 1
    assert any(line.startswith(expected) for line in result.stdout.splitlines()), result.stdout
    built = mkdocs_build(broken_project, broken_project / "site")
    assert built.returncode != 0
    assert expected in built.stderr + built.stdout
    assert not (broken_project / "site" / "index.html").exists()


def test_annotation_mode_prints_workflow_commands(broken_project: Path) -> None:
    """--annotations turns each problem into a GitHub Actions ::error line on the right file and line."""
    (broken_project / "data/facts/zz-broken.yaml").write_text(
        GOOD + "- id: zz-bad\n  claim: a\n  topics: [overview]\n  cites: [no-such-quote]\n", encoding="utf-8")
    result = check(broken_project, "--annotations")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "::error file=data/facts/zz-broken.yaml,line=8::fact zz-bad: cites[0]: unknown quote id 'no-such-quote' "
        "(no quotes record has this id: check the spelling or add it to data/quotes)",
        "::error title=1 error in the data::Fix the first one first: data/facts/zz-broken.yaml:8.",
    ]


def test_check_warns_about_quotes_no_page_cites(broken_project: Path) -> None:
    """`check --cited` builds the site and lists, as warnings, quotes that no page cites; it still exits 0."""
    (broken_project / "data/facts/zz-broken.yaml").unlink(missing_ok=True)
    (broken_project / "data/quotes/zz-uncited.yaml").write_text(
        "- id: zz-uncited\n  source: seiwert-2021\n  text: A quote nobody cites.\n", encoding="utf-8")
    result = check(broken_project, "--cited")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "data/quotes/zz-uncited.yaml:1: warning: quote zz-uncited: no page cites this quote "
        "(cite it from a fact shown on a page, or remove it)"
    ]


def test_real_data_has_no_uncited_quotes() -> None:
    """Every real quote is cited on some page, so `make check` prints nothing."""
    result = check(ROOT, "--cited")
    assert (result.returncode, result.stdout) == (0, "")


@pytest.mark.parametrize(("part", "fork"), [("write_data_exports", True), ("write_data_exports", False),
                                            ("write_page_exports", True)],
                         ids=["data-exports-in-child-process", "data-exports-in-process", "page-exports"])
def test_failed_exports_fail_the_build(tmp_path: Path, part: str, fork: bool) -> None:
    """If writing the data exports fails (those from the data alone, in the forked child or in-process, or those
    naming the pages, written once the pages are converted), the build fails and says why."""
    import os
    import subprocess
    import sys

    project = copy_project(tmp_path / "project")
    exports = project / "macros" / "exports.py"
    exports.write_text(exports.read_text(encoding="utf-8")
                       + f"\n\ndef {part}(*args, **kwargs):\n    raise OSError('no space left on device')\n",
                       encoding="utf-8")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    if not fork:
        env["SCO_NO_FORK"] = "1"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site")],
                            cwd=project, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "Writing the data exports failed" in result.stderr and "no space left on device" in result.stderr


def test_a_failed_build_stops_the_exports_child(tmp_path: Path) -> None:
    """A page error fails the build while the forked child writing the data exports still runs: the build stops
    the child, so nothing is written into the site folder being thrown away after the build has failed."""
    import os
    import signal
    import subprocess
    import sys

    project = copy_project(tmp_path / "project")
    started, late = tmp_path / "child-started", tmp_path / "child-finished"
    exports = project / "macros" / "exports.py"
    exports.write_text(exports.read_text(encoding="utf-8") + f"""

def write_data_exports(*args, **kwargs):
    import os, time
    from pathlib import Path
    Path({str(started)!r}).write_text(str(os.getpid()))
    time.sleep(60)
    Path({str(late)!r}).write_text("written after the build failed")
""", encoding="utf-8")
    index = project / "docs" / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + '\n{{ fact("no-such-fact-zz") }}\n', encoding="utf-8")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site")],
                            cwd=project, env=env, capture_output=True, text=True, timeout=50)
    pid = int(started.read_text())  # the child had started before the page error was found
    try:
        assert result.returncode != 0 and "no-such-fact-zz" in result.stderr, result.stderr
        try:
            os.kill(pid, 0)
            alive = True
        except ProcessLookupError:
            alive = False
        assert not alive, "the exports' child outlived the failed build"
        assert not late.exists()
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
