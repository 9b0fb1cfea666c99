"""Error output cannot be forged: each problem is one line, whatever its file name, id or field holds.

An id or a file name from a pull request reaches the terminal and the workflow's `::error` commands. Newlines
must not start a fake error line (or a fake workflow command), escape sequences must not move the cursor, bidi
controls must not reorder the text, and a ':' or ',' in a file name must not pass for another location or
another property of the annotation.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import PY, ROOT, run
from macros.errors import Problem
from test_bad_data import MINIMAL, write

HOSTILE_NAMES = [
    "f-x\n::error file=README.md,line=1::forged",
    "f-x\rdata/facts.yaml:1: fact f-one: forged",
    "f\x1b[2J\x1b[Hcleared",
    "f\u202eevil\u202c",
    "a:1: fact b: forged, c",
    "100%25 %0A",
]
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=range(len(HOSTILE_NAMES)))
def test_a_problem_is_one_plain_line_whatever_its_values(name: str) -> None:
    """A file name, id, field, message or hint holding newlines, escapes or bidi controls prints as one line without
    them, and as one workflow command whose properties cannot be split or extended."""
    problem = Problem(f"data/{name}.yaml", 7, "fact", name, f"note{name}", f"bad value {name!r}", f"hint {name}")
    line = str(problem)
    assert "\n" not in line and "\r" not in line and not _UNPRINTABLE.search(line)
    assert line.startswith(f"{repr(f'data/{name}.yaml')}:7: fact ") or line.startswith(f"data/{name}.yaml:7: fact ")
    command = problem.annotation()
    assert "\n" not in command and "\r" not in command and not _UNPRINTABLE.search(command)
    head, message = command.split("::", 2)[1:]
    properties = head.removeprefix("error ").split(",")
    assert [p.split("=", 1)[0] for p in properties] == ["file", "line"]
    assert properties[1] == "line=7" and ":" not in properties[0] and "%" not in message.replace("%25", "")


def test_workflow_property_and_message_escaping_follows_the_runner() -> None:
    """'%', CR and LF are escaped in both parts; ':' and ',' in properties as well (the runner's own rules)."""
    problem = Problem("data/a:b,c%d.yaml", 2, message="50% of\nit")
    assert problem.annotation() == "::error file=data/a%3Ab%2Cc%25d.yaml,line=2::50%25 of\\nit"


def test_hostile_ids_and_file_names_cannot_forge_lines_in_check(tmp_path: Path) -> None:
    """`check` on records whose ids hold a newline and a workflow command, and on a file whose name holds one, prints
    exactly one line per problem, in both plain and annotation output (an id's newline split its line in two)."""
    data = tmp_path / "data"
    write(data, MINIMAL)
    records = "".join(f'- id: "{n.encode("unicode_escape").decode()}"\n  claim: x\n  topics: [overview]\n'
                      f'  cites: [q-one]\n' for n in HOSTILE_NAMES[:3])
    write(data, {"facts/bad.yaml": records})
    (data / "facts" / "x.yaml:9: fact f-one: forged,\n::error file=a::b.yaml").write_text("[]\n", encoding="utf-8")
    plain = run([PY, "-m", "macros", "--root", str(tmp_path), "check", "--data", str(data)], cwd=ROOT)
    annotated = run([PY, "-m", "macros", "--root", str(tmp_path), "check", "--data", str(data), "--annotations"],
                    cwd=ROOT)
    assert plain.returncode == annotated.returncode == 1
    plain_lines, commands = plain.stdout.splitlines(), annotated.stdout.splitlines()
    summary = [c for c in commands if c.startswith("::error title=")]
    commands = [c for c in commands if c not in summary]
    assert len(plain_lines) == len(commands) == 4 and len(summary) == 1, plain.stdout + annotated.stdout
    assert all(line.startswith(("data/facts/bad.yaml:", "'data/facts/x.yaml:9")) for line in plain_lines), plain.stdout
    for command in commands:
        match = re.match(r"::error file=(data/facts/[^,]*),line=\d+::", command)
        assert match and ":" not in match.group(1), command
    assert not any(_UNPRINTABLE.search(line) for line in plain_lines + commands + summary)
