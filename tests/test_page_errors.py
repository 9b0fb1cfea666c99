"""Mistakes in pages are reported as `docs/FILE:LINE: message (hint)` by check, build and serve, all at once.

Each test breaks a copy of the project; the expected line numbers are found in the broken file itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PY, ROOT, check, copy_project, run

TYPO = ('cite_fact("sco-members-six-to-ten")', 'cite_fact("sco-members-six-to-tem")')


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the first line holding `text` in the file, front matter included."""
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if text in line)


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A project with unknown ids, an unknown macro, a misnamed argument and a macro syntax error in four pages."""
    project = copy_project(tmp_path_factory.mktemp("pages") / "project")
    for name in ("Makefile", "requirements.txt", ".yamllint.yaml"):
        shutil.copy2(ROOT / name, project / name)  # its time too: make must not reinstall the venv
    index = project / "docs" / "index.md"
    text = index.read_text(encoding="utf-8")
    assert TYPO[0] in text
    index.write_text(text.replace(TYPO[0], TYPO[1]), encoding="utf-8")
    about = project / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + '\n{{ fcat("x") }}\n\n{{ facts(idz=["a"]) }}\n\n'
                     '{{ facts(ids=[\n  "sco-members-six-to-ten",\n  "no-such-fact-zz",\n]) }}\n', encoding="utf-8")
    glossary = project / "docs" / "glossary.md"
    glossary.write_text(glossary.read_text(encoding="utf-8") + '\n{{ fact("a" }}\n', encoding="utf-8")
    source = project / "docs" / "sources" / "seiwert-2021.md"
    source.write_text(source.read_text(encoding="utf-8").replace('source_facts("seiwert-2021")',
                                                                 'source_facts("seiwert-2012")'), encoding="utf-8")
    fcat, idz, unclosed = '{{ fcat("x") }}', '{{ facts(idz=["a"]) }}', '{{ fact("a" }}'
    listed = '  "no-such-fact-zz",'
    expected = sorted([
        f"docs/about.md:{line_of(about, fcat)}: unknown macro or variable 'fcat' (did you mean fact()?)",
        f"docs/about.md:{line_of(about, idz)}: facts(): no argument named 'idz' (did you mean "
        "ids=? It takes facts(topic, actor, source, ids))",
        f"docs/about.md:{line_of(about, listed)}: facts(): unknown fact id 'no-such-fact-zz' "
        "(no facts with this id: check the spelling)",  # the line of the id, inside a call over four lines
        f"docs/glossary.md:{line_of(glossary, unclosed)}: macro syntax error: unexpected '}}', expected ')' "
        '(a macro call is written {{ name("id") }}; check its brackets and quotes)',
        f"docs/index.md:{line_of(index, TYPO[1])}: cite_fact(): unknown fact id 'sco-members-six-to-tem' (did you mean "
        "'sco-members-six-to-ten'?)",
        f"docs/sources/seiwert-2021.md:{line_of(source, 'seiwert-2012')}: source_facts(): unknown source id "
        "'seiwert-2012' (did you mean 'seiwert-2021'?)",
    ])
    return project, expected


def test_make_check_names_every_page_error_at_its_line(broken: tuple[Path, list[str]]) -> None:
    """`make check` exits non-zero and prints each page error as docs/FILE:LINE (front matter counted), with a hint."""
    project, expected = broken
    venv = Path(PY).parent.parent
    result = run(["make", "--no-print-directory", "check", f"VENV={venv}"], cwd=project)
    assert result.returncode != 0
    assert [line for line in result.stdout.splitlines() if line.startswith("docs/")] == expected, result.stdout
    assert f"{len(expected)} errors in the pages." in result.stderr
    assert "<template>" not in result.stdout + result.stderr and "Traceback" not in result.stdout + result.stderr


def test_make_check_reports_data_style_after_page_errors_in_one_run(tmp_path: Path) -> None:
    """`make check` runs the data check and yamllint side by side: with a page error and a style problem in a data
    file, one run prints both (the page error first) and exits non-zero."""
    project = copy_project(tmp_path / "project")
    for name in ("Makefile", "requirements.txt", ".yamllint.yaml"):
        shutil.copy2(ROOT / name, project / name)
    index = project / "docs" / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace(TYPO[0], TYPO[1]), encoding="utf-8")
    glossary = project / "data" / "glossary.yaml"
    lines = glossary.read_text(encoding="utf-8").split("\n")
    lines[2] += "  "  # trailing spaces: yamllint's error, no data error
    glossary.write_text("\n".join(lines), encoding="utf-8")
    result = run(["make", "--no-print-directory", "check", f"VENV={Path(PY).parent.parent}"], cwd=project)
    assert result.returncode != 0, result.stdout + result.stderr
    out = result.stdout.splitlines()
    page = [i for i, line in enumerate(out) if line.startswith(f"docs/index.md:{line_of(index, TYPO[1])}: ")]
    style = [i for i, line in enumerate(out) if line.strip().startswith("3:") and "trailing-spaces" in line]
    assert len(page) == 1 and len(style) == 1 and page[0] < style[0], result.stdout
    assert "data/glossary.yaml" in out[style[0] - 1], result.stdout
    index.write_text(index.read_text(encoding="utf-8").replace(TYPO[1], TYPO[0]), encoding="utf-8")
    alone = run(["make", "--no-print-directory", "check", f"VENV={Path(PY).parent.parent}"], cwd=project)
    problems = [line for line in alone.stdout.splitlines() if "  error  " in line or "  warning  " in line]
    assert alone.returncode != 0 and len(problems) == 1 and "trailing-spaces" in problems[0], alone.stdout


def test_make_build_names_every_page_error_and_keeps_the_old_site(broken: tuple[Path, list[str]]) -> None:
    """`make build` fails with the same lines, no traceback, and leaves the previous site/ untouched."""
    project, expected = broken
    (project / "site").mkdir(exist_ok=True)
    (project / "site" / "marker").write_text("old", encoding="utf-8")
    result = run([PY, "-m", "macros.sitebuild", "online", "site"], cwd=project)
    assert result.returncode == 1
    assert [line for line in result.stderr.splitlines() if line.startswith("docs/")] == expected, result.stderr
    assert "Traceback" not in result.stderr and "<template>" not in result.stderr
    assert (project / "site" / "marker").read_text(encoding="utf-8") == "old"


def test_make_serve_names_the_page_error(broken: tuple[Path, list[str]]) -> None:
    """`mkdocs serve --strict` (what `make serve` runs) stops on the first build with the same lines."""
    project, expected = broken
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([PY, "-m", "mkdocs", "serve", "--strict", "-a", "127.0.0.1:0"], cwd=project, env=env,
                            capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert result.returncode != 0
    assert [line for line in result.stderr.splitlines() if line.startswith("docs/")] == expected, result.stderr


def test_page_errors_become_annotations_with_a_summary(broken: tuple[Path, list[str]]) -> None:
    """With --annotations each page error is a ::error on its docs file and line, then a summary annotation."""
    project, expected = broken
    result = check(project, "--cited", "--annotations")
    assert result.returncode == 1
    first = expected[0]
    file, line, rest = first.split(":", 2)
    lines = result.stdout.splitlines()
    assert lines[0] == f"::error file={file},line={line}::{rest.strip()}"
    assert len(lines) == len(expected) + 1
    assert lines[-1] == f"::error title={len(expected)} errors in the pages::Fix the first one first: {file}:{line}."


def test_a_failed_build_is_never_silent(tmp_path: Path) -> None:
    """A strict-mode refusal that is not a macro error (a broken link) is printed by check, not swallowed."""
    project = copy_project(tmp_path / "project")
    about = project / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nSee [this](no-such-page.md).\n", encoding="utf-8")
    result = check(project, "--cited")
    assert result.returncode == 1
    assert "The site does not build" in result.stderr and "no-such-page.md" in result.stderr


def test_macro_errors_outside_a_page_still_raise() -> None:
    """Only a page being rendered records an error; a macro called directly raises as before."""
    from macros import pageerrors

    with pytest.raises(KeyError):
        pageerrors.macro_failed(KeyError("x"), lambda: None)
