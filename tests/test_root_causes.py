"""Every data mistake is reported once, at its line, root cause first, in plain words, with a hint that helps.

Table-driven over small broken inputs; the cascade and annotation tests use a copy of the real data.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT
from macros.errors import ANNOTATION_LIMIT, DataError, Problem, annotations
from macros.factbase import load
from test_bad_data import MINIMAL, problems, write


@pytest.fixture
def data(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    write(d, MINIMAL)
    return d


def problems_with(data: Path, path: str, content: str) -> list[str]:
    """The error lines of the minimal data with one more file."""
    (data / path).parent.mkdir(parents=True, exist_ok=True)
    (data / path).write_text(content, encoding="utf-8")
    return problems(data)


# (case, file, content, the whole first error line)
PLAIN_WORDS = [
    ("tab indentation", "facts/bad.yaml", "- id: f-x\n  claim: x\n\ttopics: [overview]\n",
     "data/facts/bad.yaml:3: YAML syntax error: this line is indented with a tab character; YAML indents with "
     "spaces only (replace the tab with spaces: two for each level)"),
    ("tab before a list item", "facts/bad.yaml", "- id: f-x\n  claim: x\n  cites:\n\t- q-one\n",
     "data/facts/bad.yaml:4: YAML syntax error: this line is indented with a tab character; YAML indents with "
     "spaces only (replace the tab with spaces: two for each level)"),
    ("unclosed quote", "facts/bad.yaml", "- id: f-x\n  claim: 'never closed\n  topics: [overview]\n  cites: [q-one]\n",
     "data/facts/bad.yaml:2: YAML syntax error: the quotation mark ' opened on this line is never closed "
     "(end the value with ', or drop the quotes and put the text in a '>-' block)"),
    ("text block indented too little", "quotes/bad.yaml",
     "- id: q-x\n  source: src-a\n  text: >-\n    The first line of a quote\n  and its second line.\n",
     "data/quotes/bad.yaml:5: YAML syntax error: this line is not 'field: value', nor indented as part of the text "
     "above it (indent the lines of a '>-' block further than its field name, or add the ':' after the field name)"),
    ("field indented too far", "facts/bad.yaml", "- id: f-x\n  claim: x\n    topics: [overview]\n",
     "data/facts/bad.yaml:3: YAML syntax error: this line is indented more than the field above it "
     "(line the fields of a record up under its 'id')"),
    ("missing '- ' at the margin", "facts/bad.yaml",
     "- id: f-x\n  claim: x\n  topics: [overview]\n  cites: [q-one]\nid: f-y\n  claim: y\n",
     "data/facts/bad.yaml:5: YAML syntax error: this line starts a record without '- ': is the '- ' before 'id:' "
     "missing? (each record starts with '- id: ...' at the left margin)"),
    ("missing '- ' with the indentation kept", "facts/bad.yaml",
     "- id: f-x\n  claim: x\n  topics: [overview]\n  cites: [q-one]\n  id: f-y\n  claim: y\n",
     "data/facts/bad.yaml:5: fact f-x: a second 'id' in one record (the first is on line 1): is the '- ' missing "
     "before this 'id:'? (each record starts with '- id: ...')"),
    ("colon inside a value", "facts/bad.yaml", "- id: f-x\n  claim: Russia and China: partners\n",
     "data/facts/bad.yaml:2: YAML syntax error: this line has ': ' inside a value, where YAML expects only one "
     "'field: value' (put the whole value in double quotes, or in a '>-' block)"),
]


@pytest.mark.parametrize("name,path,content,expected", PLAIN_WORDS, ids=[c[0] for c in PLAIN_WORDS])
def test_yaml_syntax_errors_in_plain_words(data: Path, name: str, path: str, content: str, expected: str) -> None:
    """A YAML syntax error names what the editor did (tab, open quote, indentation, missing '- ') at its line."""
    assert problems_with(data, path, content)[0] == expected


# (case, file, content, expected error line)
SUGGESTIONS = [
    ("misspelt field", "facts/bad.yaml",
     "- id: f-x\n  claim: x\n  topics: [overview]\n  cites: [q-one]\n  actros: [china]\n",
     "data/facts/bad.yaml:5: fact f-x: actros: unknown field (did you mean 'actors'?)"),
    ("misspelt nested field", "positions.yaml",
     "- id: p-x\n  issue: I\n  summary: S\n  topics: [visions]\n  stances:\n    - actor: china\n      stance: s\n"
     "      cites: [q-one]\n    - actor: russia\n      stanse: s\n      cites: [q-two]\n",
     "data/positions.yaml:10: position p-x: stances[1].stanse: unknown field (did you mean 'stance'?)"),
    ("field of another kind", "facts/bad.yaml",
     "- id: f-x\n  claim: x\n  topics: [overview]\n  cites: [q-one]\n  summary: s\n",
     "data/facts/bad.yaml:5: fact f-x: summary: unknown field (check its spelling against templates/facts.yaml)"),
    ("missing field names the template", "facts/bad.yaml", "- id: f-x\n  topics: [overview]\n  cites: [q-one]\n",
     "data/facts/bad.yaml:1: fact f-x: claim: required field is missing (add it; templates/facts.yaml shows every "
     "field)"),
    ("misspelt quote id", "facts/bad.yaml", "- id: f-x\n  claim: x\n  topics: [overview]\n  cites: [q-onr]\n",
     "data/facts/bad.yaml:4: fact f-x: cites[0]: unknown quote id 'q-onr' (did you mean 'q-one'?)"),
    ("misspelt actor id", "facts/bad.yaml",
     "- id: f-x\n  claim: x\n  topics: [overview]\n  actors: [rusia]\n  cites: [q-one]\n",
     "data/facts/bad.yaml:4: fact f-x: actors[0]: unknown actor id 'rusia' (did you mean 'russia'?)"),
    ("misspelt topic", "facts/bad.yaml", "- id: f-x\n  claim: x\n  topics: [econmy]\n  cites: [q-one]\n",
     "data/facts/bad.yaml:3: fact f-x: topics[0]: Input should be 'overview', 'history', 'visions', 'alliance', "
     "'docking', 'security', 'military', 'enlargement', 'economy', 'energy', 'central-asia', 'west' or 'ukraine' "
     "(did you mean 'economy'?)"),
    ("misspelt kind", "actors/bad.yaml", "- id: a-x\n  name: X\n  kind: stat\n",
     "data/actors/bad.yaml:3: actor a-x: kind: Input should be 'state', 'organisation', 'initiative', 'group' or "
     "'person' (did you mean 'state'?)"),
]


@pytest.mark.parametrize("name,path,content,expected", SUGGESTIONS, ids=[c[0] for c in SUGGESTIONS])
def test_did_you_mean_and_template_hints(data: Path, name: str, path: str, content: str, expected: str) -> None:
    """A misspelt field, id, topic or kind gets the closest right one; other hints name the template file."""
    assert expected in problems_with(data, path, content)


def _real_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    return data


def _under_indent_first_text_block(path: Path) -> int:
    """Break the file as the issue describes: one continuation line of a `text: >-` block under-indented."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for i, row in enumerate(lines):
        if row == "  text: >-" and lines[i + 2].startswith("    "):
            lines[i + 2] = "  " + lines[i + 2].lstrip()
            path.write_text("\n".join(lines), encoding="utf-8")
            return i + 3
    raise AssertionError("no two-line text block to break")


def test_a_broken_quotes_file_gives_its_syntax_error_first_and_no_cascade(tmp_path: Path) -> None:
    """One under-indented line in a quotes file: the syntax error first, then one note, no unknown-id lines."""
    data = _real_data(tmp_path)
    line = _under_indent_first_text_block(data / "quotes" / "seiwert-2021.yaml")
    with pytest.raises(DataError) as caught:
        load(data, tmp_path)
    found = [str(p) for p in caught.value.problems]
    assert found[0].startswith(f"data/quotes/seiwert-2021.yaml:{line}: YAML syntax error: this line is not "
                               "'field: value', nor indented as part of the text above it")
    assert len(found) == 2, "\n".join(found)
    assert found[1].startswith(f"data/quotes/seiwert-2021.yaml:{line}: note: ")
    assert found[1].endswith(" references into data/quotes/seiwert-2021.yaml not checked: fix its syntax error first")
    assert int(found[1].split("note: ")[1].split()[0]) > 50  # the facts and events citing those quotes
    assert caught.value.report().endswith("\n1 error in the data.")


def test_a_reference_into_a_refused_record_is_not_reported_again(data: Path) -> None:
    """A quote refused whole (a duplicate key) is the one error; the fact citing it adds no unknown-id line."""
    write(data, {"quotes/bad.yaml": "- id: q-x\n  source: src-a\n  text: a\n  text: b\n",
                 "facts/bad.yaml": "- id: f-x\n  claim: x\n  topics: [overview]\n  cites: [q-x]\n"})
    assert problems(data) == ["data/quotes/bad.yaml:4: quote q-x: duplicate key 'text' (first on line 3) "
                              "(YAML would silently keep only the last value: remove one)"]


def _git(project: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args], cwd=project,
                   check=True, capture_output=True)


def test_a_duplicate_id_is_reported_at_the_new_record(tmp_path: Path) -> None:
    """The record an editor adds, in a file read before the existing one, carries the error; the old one is named."""
    project = tmp_path / "project"
    data = project / "data"
    write(data, MINIMAL)
    _git(project, "init", "-q")
    _git(project, "add", ".")
    _git(project, "commit", "-q", "-m", "data")
    (data / "facts").mkdir()
    (data / "facts" / "aaa.yaml").write_text(  # a new file: not committed yet
        "- id: f-new\n  claim: x\n  topics: [overview]\n  cites: [q-one]\n"
        "- id: f-one\n  claim: the same id again\n  topics: [overview]\n  cites: [q-one]\n", encoding="utf-8")
    (data / "actors.yaml").write_text((data / "actors.yaml").read_text() + "- id: china\n  name: China again\n"
                                      "  kind: state\n", encoding="utf-8")
    assert problems(data) == [
        "data/actors.yaml:10: actor china: id: duplicate id (also at data/actors.yaml:1) (ids are unique within a "
        "record kind: give the new actor another id)",
        "data/facts/aaa.yaml:5: fact f-one: id: duplicate id (also at data/facts.yaml:1) (ids are unique within a "
        "record kind: give the new fact another id)",
    ]
    _git(project, "add", ".")
    _git(project, "commit", "-q", "-m", "more")
    (data / "facts.yaml").write_text((data / "facts.yaml").read_text() + "- id: f-new\n  claim: y\n"
                                     "  topics: [overview]\n  cites: [q-two]\n", encoding="utf-8")
    assert [p for p in problems(data) if "f-new" in p] == [
        "data/facts.yaml:5: fact f-new: id: duplicate id (also at data/facts/aaa.yaml:1) (ids are unique within a "
        "record kind: give the new fact another id)"]


def _problem(i: int, kind: str = "fact") -> Problem:
    return Problem(f"data/facts/f{i:02}.yaml", 3, kind, f"f-{i}", "cites[0]", "unknown quote id 'q'", "hint")


def test_annotations_put_root_causes_first_and_end_with_a_summary() -> None:
    """With more problems than GitHub shows, the syntax error is annotated first and a summary is the last annotation."""
    many = [_problem(i) for i in range(14)] + [Problem("data/quotes/z.yaml", 7, message="YAML syntax error: x")]
    lines = annotations(many)
    errors = [line for line in lines if line.startswith("::error")]
    assert len(errors) == ANNOTATION_LIMIT
    assert errors[0].startswith("::error file=data/quotes/z.yaml,line=7::YAML syntax error: x")
    assert errors[-1] == ("::error title=15 errors in the data::Fix the first one first: data/quotes/z.yaml:7; "
                          "6 more in this step's log.")
    assert sum(line.startswith("data/facts/") for line in lines) == 6  # the rest, as plain lines in the log


def test_a_reference_that_is_not_an_id_is_reported_once(data: Path) -> None:
    """'q-One' in cites is one mistake: "not a kebab-case id", not also "unknown quote id"."""
    write(data, {"facts/bad.yaml": "- id: f-x\n  claim: x\n  topics: [overview]\n  cites: [q-One]\n"})
    assert problems(data) == ["data/facts/bad.yaml:4: fact f-x: cites[0]: not a kebab-case id (use lowercase letters, "
                              "digits and hyphens, e.g. 'sco-founded')"]
