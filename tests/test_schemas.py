"""The JSON Schemas editors use are valid everywhere and say clearly what is wrong.

check-jsonschema validates with its default regex engine (ECMA-262, unicode), as editors do; the YAML
language server (from npm, as VS Code's YAML extension runs it) is driven over stdio on a broken file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from macros.schema import KINDS

SERVER = ROOT / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"


def check_jsonschema(*args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    return subprocess.run([exe, *args], capture_output=True, text=True)


@pytest.mark.parametrize("kind", list(KINDS))
def test_schema_passes_check_jsonschema_on_every_data_file_and_template(kind: str) -> None:
    """schema/KIND.schema.json is a valid schema under ECMA-262 regexes, and every data file and template of the
    kind validates against it."""
    files = sorted([*(ROOT / "data").glob(f"{kind}.yaml"), *(ROOT / "data" / kind).glob("*.yaml"),
                    *(ROOT / "templates").glob(f"{kind}.yaml")])
    assert files
    result = check_jsonschema("--schemafile", str(ROOT / "schema" / f"{kind}.schema.json"), *map(str, files))
    assert result.returncode == 0, result.stdout + result.stderr


BROKEN = (
    "# yaml-language-server: $schema=../../schema/facts.schema.json\n"
    "- id: f-x\n"
    "  claim: A claim.\n"
    "  topics: [econmy]\n"
    "  cites: [q-one]\n"
    "  actros: [china]\n"
    "  note: [a, b]\n"
    "- id: F_Y\n"
    "  claim: Another.\n"
    "  date: 2015/07\n"
    "  topics: [economy]\n"
    "  cites: [q-one]\n"
)


@pytest.fixture
def broken_file(tmp_path: Path) -> Path:
    (tmp_path / "schema").mkdir()
    shutil.copy(ROOT / "schema" / "facts.schema.json", tmp_path / "schema")
    path = tmp_path / "data" / "facts" / "broken.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(BROKEN, encoding="utf-8")
    return path


def test_an_optional_field_of_the_wrong_type_says_which_type(broken_file: Path) -> None:
    """A list where an optional text belongs: "is not of type 'string'", not "'null'" or "any of the given schemas"."""
    result = check_jsonschema("--schemafile", str(broken_file.parents[2] / "schema" / "facts.schema.json"),
                              "--verbose", str(broken_file))
    out = result.stdout + result.stderr
    assert result.returncode == 1
    assert "$[0].note: ['a', 'b'] is not of type 'string'" in out
    assert "'null'" not in out and "any of the given schemas" not in out


class Client:
    """A minimal Language Server Protocol client over the server's stdin and stdout."""

    def __init__(self, command: list[str]) -> None:
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def receive(self) -> dict:
        assert self.proc.stdout is not None
        length = 0
        while (line := self.proc.stdout.readline().decode()) not in ("\r\n", ""):
            if line.lower().startswith("content-length:"):
                length = int(line.split(":")[1])
        if not length:
            raise EOFError(self.proc.stderr.read().decode() if self.proc.stderr else "")
        return json.loads(self.proc.stdout.read(length))


@pytest.mark.skipif(not SERVER.is_file() or not shutil.which("node"),
                    reason="yaml-language-server not installed: make test installs it (npm ci)")
def test_the_yaml_language_server_reports_each_mistake_at_its_line(broken_file: Path) -> None:
    """The YAML language server VS Code runs, given a broken facts file, underlines each mistake at its line in
    the schema's words: unknown field, unknown topic, wrong type, and the id and date patterns' own messages."""
    client = Client(["node", str(SERVER), "--stdio"])
    try:
        client.send({"id": 1, "method": "initialize",
                     "params": {"processId": os.getpid(), "rootUri": broken_file.parents[2].as_uri(), "capabilities": {}}})
        while client.receive().get("id") != 1:
            pass
        client.send({"method": "initialized", "params": {}})
        client.send({"method": "workspace/didChangeConfiguration",
                     "params": {"settings": {"yaml": {"validate": True, "schemaStore": {"enable": False}}}}})
        client.send({"method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": broken_file.as_uri(), "languageId": "yaml", "version": 1, "text": BROKEN}}})
        deadline, diagnostics = time.monotonic() + 60, []
        while not diagnostics and time.monotonic() < deadline:
            message = client.receive()
            if message.get("method") == "textDocument/publishDiagnostics":
                diagnostics = message["params"]["diagnostics"]
            elif "id" in message and "method" in message:  # the server asks for settings
                client.send({"id": message["id"], "result": [None] * len(message["params"].get("items", []))})
    finally:
        client.proc.kill()
        client.proc.wait()
    found = sorted((d["range"]["start"]["line"] + 1, d["message"]) for d in diagnostics)
    assert found == [
        (4, 'Value is not accepted. Valid values: "overview", "history", "visions", "alliance", "docking", '
            '"security", "military", "enlargement", "economy", "energy", "central-asia", "west", "ukraine".'),
        (6, "Property actros is not allowed."),
        (7, 'Incorrect type. Expected "string".'),
        (8, "Not a kebab-case id: lowercase letters, digits and single hyphens, e.g. sco-founded."),
        (10, 'A date at its precision, in double quotes: "2015", "2015-07" or "2015-07-10".'),
    ]


DATE_CASES = [
    # (date, SCO_TODAY, the error it gives, "" for none)
    ("2026-11-23", "2026-11-23", ""),
    ("2026-11-24", "2026-11-23", "'2026-11-24' is in the future (today is 2026-11-23)"),
    ("2026-11-24", "2026-12-01", ""),  # the same date, another day: checked against that day, not remembered
    ("2026-12", "2026-11-23", "'2026-12' is in the future (today is 2026-11-23)"),
    ("2026-11", "2026-11-23", ""),
    ("2023-02-30", "2026-11-23", "'2023-02-30' is not a real calendar date (day is out of range for month)"),
    ("2023-02-30", "2026-12-01", "'2023-02-30' is not a real calendar date (day is out of range for month)"),
    ("1799", "2026-11-23", "'1799' is before 1800; is the year mistyped?"),
    ("23-02", "2026-11-23", "expected a date as YYYY, YYYY-MM or YYYY-MM-DD"),
]


@pytest.mark.parametrize("value, today, error", DATE_CASES, ids=[f"{c[0]}@{c[1]}" for c in DATE_CASES])
def test_a_partial_date_is_checked_against_the_day_of_its_load(monkeypatch: pytest.MonkeyPatch, value: str, today: str,
                                                               error: str) -> None:
    """A date's check: a real calendar date after 1800, not after the day the load began (read once per load)."""
    from macros.schema import _check_partial_date, one_today

    monkeypatch.setenv("SCO_TODAY", today)
    for _ in range(2):  # the second time from the calendar check's memory
        with one_today():
            monkeypatch.setenv("SCO_TODAY", "2000-01-01")  # a change during a load does not reach it
            if error:
                with pytest.raises(ValueError) as caught:
                    _check_partial_date(value)
                assert str(caught.value) == error
            else:
                assert _check_partial_date(value) == value
        monkeypatch.setenv("SCO_TODAY", today)
