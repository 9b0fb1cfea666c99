"""The loader's contract holds for any bytes and any file system: records or file:line problems, nothing else.

Limits apply while the file is parsed (nesting, number of values), tagged values that do not fit and numbers
that are not finite are data errors at their line, and only regular files inside data/ are read: links out
of data/, pipes, devices, folders named like files and editors' lock files are reported with their path, as
is everything under data/ that looks like data but is not where a kind's files live. The cases that crashed,
hung or exhausted memory before run in a child process with a time limit, so that they fail rather than
take the test run down with them.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Callable

import pytest

from conftest import PY, ROOT, copy_project, run
from macros import loader
from test_bad_data import MINIMAL, problems, write

# (case, file, content, expected error line start)
VALUES = [
    ("nesting 500 deep", "facts/bad.yaml", "- id: f-x\n  claim: " + "[" * 500 + "]" * 500 + "\n",
     "data/facts/bad.yaml:2: values nested more than 16 levels deep"),
    ("nesting in block style", "facts/bad.yaml",
     "- id: f-x\n  claim:\n" + "".join("  " * (i + 2) + "- \n" for i in range(40)),
     "data/facts/bad.yaml:18: values nested more than 16 levels deep"),
    ("!!int with letters", "facts/bad.yaml", "- id: f-x\n  claim: x\n  topics: [overview]\n  cites: [q-one]\n"
     "  note: !!int abc\n", "data/facts/bad.yaml:5: fact f-x: 'abc' is not a whole number, but it is tagged !!int"),
    ("!!int with no value", "facts/bad.yaml", "- id: f-x\n  claim: !!int ''\n",
     "data/facts/bad.yaml:2: fact f-x: '' is not a whole number, but it is tagged !!int"),
    ("!!float with no value", "facts/bad.yaml", "- id: f-x\n  claim: !!float\n",
     "data/facts/bad.yaml:2: fact f-x: '' is not a number, but it is tagged !!float"),
    ("!!float with letters", "figures/bad.yaml", "- id: fig-x\n  value: !!float xyz\n",
     "data/figures/bad.yaml:2: figure fig-x: 'xyz' is not a number, but it is tagged !!float"),
    ("!!bool that is neither", "facts/bad.yaml", "- id: f-x\n  claim: !!bool maybe\n",
     "data/facts/bad.yaml:2: fact f-x: 'maybe' is not true or false, but it is tagged !!bool"),
    ("!!null with a value", "facts/bad.yaml", "- id: f-x\n  claim: !!null words\n",
     "data/facts/bad.yaml:2: fact f-x: 'words' is not empty, but it is tagged !!null"),
    ("!!binary", "facts/bad.yaml", "- id: f-x\n  claim: !!binary aGVsbG8=\n",
     "data/facts/bad.yaml:2: fact f-x: the tag tag:yaml.org,2002:binary is not allowed"),
    ("!!set on a mapping", "facts/bad.yaml", "- id: f-x\n  claim: !!set {a, b}\n",
     "data/facts/bad.yaml:2: fact f-x: the tag tag:yaml.org,2002:set is not allowed"),
    ("5,000-digit integer", "figures/bad.yaml", "- id: fig-x\n  value: " + "7" * 5000 + "\n",
     "data/figures/bad.yaml:2: figure fig-x: the number has 5000 digits; at most 15 are kept exactly"),
    ("16-digit integer", "figures/bad.yaml", "- id: fig-x\n  value: 1234567890123456\n",
     "data/figures/bad.yaml:2: figure fig-x: the number has 16 digits"),
    (".nan", "figures/bad.yaml", "- id: fig-x\n  value: .nan\n",
     "data/figures/bad.yaml:2: figure fig-x: '.nan' is not a finite number"),
    (".inf", "figures/bad.yaml", "- id: fig-x\n  value: .inf\n",
     "data/figures/bad.yaml:2: figure fig-x: '.inf' is not a finite number"),
    ("-.Inf", "figures/bad.yaml", "- id: fig-x\n  value: -.Inf\n",
     "data/figures/bad.yaml:2: figure fig-x: '-.Inf' is not a finite number"),
    ("float beyond the largest", "figures/bad.yaml", "- id: fig-x\n  value: 1.0e+400\n",
     "data/figures/bad.yaml:2: figure fig-x: '1.0e+400' is not a finite number"),
    ("quoted nan in a number field", "figures/bad.yaml",
     "- id: fig-x\n  metric: trade\n  label: Trade\n  value: 'nan'\n  unit: USD\n  period: '2015'\n  kind: actual\n"
     "  cites: [q-one]\n", "data/figures/bad.yaml:4: figure fig-x: value: Input should be a finite number"),
    ("huge finite value", "figures/bad.yaml",
     "- id: fig-x\n  metric: trade\n  label: Trade\n  value: 1.7e+308\n  unit: USD\n  period: '2015'\n"
     "  kind: actual\n  cites: [q-one]\n", "data/figures/bad.yaml:4: figure fig-x: value: Input should be less than"),
    ("raw control character", "facts/bad.yaml", "- id: f-x\n  claim: x\n  note: bell\x07here\n",
     "data/facts/bad.yaml:3: the file contains the control character U+0007"),
    ("raw escape character", "facts/bad.yaml", "- id: f-x\n\n\n  claim: \x1b[2Jcleared\n",
     "data/facts/bad.yaml:4: the file contains the control character U+001B"),
    ("two documents", "facts/bad.yaml", "- id: f-x\n---\n- id: f-y\n",
     "data/facts/bad.yaml:2: YAML syntax error: expected a single document in the stream but found another"),
    ("anchor without alias", "facts/bad.yaml", "- id: f-x\n  claim: &a x\n",
     "data/facts/bad.yaml:2: fact f-x: anchors and aliases (&name / *name) are not allowed"),
    ("merge key", "facts/bad.yaml", "- id: f-x\n  <<: {claim: x}\n",
     "data/facts/bad.yaml:2: fact f-x: merge keys (<<) are not allowed"),
    ("mapping as a key", "facts/bad.yaml", "- id: f-x\n  ? {a: b}\n  : x\n",
     "data/facts/bad.yaml:2: fact f-x: a mapping key must be a plain word"),
    ("id after the problem", "facts/bad.yaml", "- claim: !!int x\n  topics: [overview]\n  id: f-late\n",
     "data/facts/bad.yaml:1: fact f-late: 'x' is not a whole number"),
]


@pytest.mark.parametrize("name,path,content,expected", VALUES, ids=[c[0] for c in VALUES])
def test_values_that_do_not_fit_are_data_errors_at_their_line(tmp_path: Path, name: str, path: str, content: str,
                                                              expected: str) -> None:
    """Deep nesting, tags with values that do not fit them, huge or non-finite numbers and raw control characters
    each give one error line at their place (loaded in a child process: on failure it crashes, not the run)."""
    data = tmp_path / "data"
    write(data, MINIMAL)
    (data / path).parent.mkdir(parents=True, exist_ok=True)
    (data / path).write_text(content, encoding="utf-8")
    result = _check(tmp_path, timeout=120)
    assert result.returncode == 1, (result.returncode, result.stdout[-2000:], result.stderr[-2000:])
    assert any(line.startswith(expected) for line in result.stdout.splitlines()), result.stdout[-3000:]


def test_a_file_is_searched_for_refused_characters_wherever_one_can_be() -> None:
    """Every character YAML refuses leaves a byte that `_PLAIN_BYTES` does not delete in its UTF-8 (every code point
    tried), so a file whose bytes are all deleted holds none and is not searched; a file with one is refused."""
    refused = [code for code in range(0x110000)
               if not 0xD800 <= code <= 0xDFFF and loader._UNPRINTABLE.fullmatch(chr(code))]
    assert len(refused) == 29 + 1 + 31 + 2, len(refused)  # C0 but three, DEL, C1 but U+0085, U+FFFE, U+FFFF
    assert [hex(c) for c in refused if not chr(c).encode().translate(None, loader._PLAIN_BYTES)] == []
    for text in ("a\x07b", "a\x85b\x9fc", "x \ufffe", "\x7f", "ok \u00a0 and \u2019\n"):
        expected = loader._UNPRINTABLE.search(text)
        assert (loader._decode(text.encode(), "f.yaml")[0] is None) == (expected is not None), text


def _check(project: Path, timeout: int = 60) -> subprocess.CompletedProcess[str]:
    return run([PY, "-m", "macros", "--root", str(project), "check", "--data", str(project / "data")], cwd=ROOT,
               timeout=timeout)


def test_nesting_fifty_thousand_deep_is_refused_without_a_crash(tmp_path: Path) -> None:
    """50,000 nested lists (which crashed the C composer with a segmentation fault) give one error, quickly."""
    data = tmp_path / "data"
    write(data, MINIMAL)
    (data / "facts" / "deep.yaml").parent.mkdir(exist_ok=True)
    (data / "facts" / "deep.yaml").write_text("- id: f-x\n  claim: " + "[" * 50_000 + "]" * 50_000 + "\n")
    result = _check(tmp_path)
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    assert result.stdout.splitlines() == [
        "data/facts/deep.yaml:2: values nested more than 16 levels deep (check the indentation and brackets: a "
        "record needs only a few levels)"]


def test_a_large_flat_file_is_refused_while_parsing_in_one_line(tmp_path: Path) -> None:
    """A million `- {}` items stop at the value limit with one error line, in bounded memory (they were composed in
    full first: 924 MB, and then 2.5 million error lines)."""
    data = tmp_path / "data"
    write(data, MINIMAL)
    (data / "facts").mkdir()
    (data / "facts" / "flat.yaml").write_text("- {}\n" * 1_000_000)
    # VmHWM is this process's own peak: ru_maxrss also counts the memory of the process that forked it (the kernel
    # carries the high-water mark across exec), so inside a long test session it reported pytest's size
    code = ("import sys; from pathlib import Path; from macros.factbase import load; "
            "from macros.errors import DataError\n"
            f"try: load(Path({str(data)!r}), Path({str(tmp_path)!r}))\n"
            "except DataError as exc: print(exc.report())\n"
            "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
            "print('peak', int(hwm.split()[1]) // 1024)")
    result = run([PY, "-c", code], cwd=ROOT, timeout=300, fresh=True)  # a process of its own: its own peak
    lines = result.stdout.splitlines()
    assert lines[:2] == ["data/facts/flat.yaml:200000: more than 200,000 values in one file (split it into several "
                         "files in a folder)", "1 error in the data."], result.stdout[-2000:] + result.stderr[-2000:]
    peak = int(lines[-1].split()[1])
    assert peak < 400, f"peak memory {peak} MiB"


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _link(target: str) -> Callable[[Path], None]:
    return lambda path: path.symlink_to(target)


def _folder(path: Path) -> None:
    path.mkdir()


def _file(text: str) -> Callable[[Path], None]:
    return lambda path: path.write_text(text, encoding="utf-8")


# (case, path under data/, how to make it, expected error line)
PLACES: list[tuple[str, str, Callable[[Path], None], str]] = [
    ("folder named like a data file", "facts/x.yaml", _folder,
     "data/facts/x.yaml:1: is a folder, not a data file"),
    ("editor's lock file (dangling link)", "facts/.#synthesis.yaml", _link("user@host.1234:1700000000"),
     "data/facts/.#synthesis.yaml:1: is a symbolic link to nothing (an editor's lock file (.#name)?"),
    ("link to /dev/zero", "facts/zero.yaml", _link("/dev/zero"),
     "data/facts/zero.yaml:1: is a symbolic link to a place outside data/"),
    ("link to a file outside the repository", "facts/out.yaml", _link("/etc/hostname"),
     "data/facts/out.yaml:1: is a symbolic link to a place outside data/"),
    ("link to a folder outside data", "events", _link("/tmp"),
     "data/events:1: is a symbolic link to a place outside data/"),
    ("named pipe", "facts/pipe.yaml", _fifo, "data/facts/pipe.yaml:1: is a pipe, not a data file"),
    ("pipe as a kind's file", "glossary.yaml", _fifo, "data/glossary.yaml:1: is a pipe, not a data file"),
    ("folder inside a kind's folder", "quotes/2025/x.yaml", _file("- id: q-x\n"),
     "data/quotes/2025/x.yaml:1: not read: data files live in data/quotes/ itself"),
    ("folder with a misspelt kind", "quote/extra.yaml", _file("- id: q-x\n"),
     "data/quote/extra.yaml:1: not read: no record kind is called 'quote' (did you mean data/quotes/?"),
    ("empty folder with an unknown name", "drafts", _folder,
     "data/drafts:1: not read: no record kind is called 'drafts'"),
    ("file with a misspelt kind", "fact.yaml", _file("- id: f-x\n"),
     "data/fact.yaml:1: not read: no record kind is called 'fact' (did you mean data/facts.yaml?"),
    ("upper-case extension", "facts/x.YAML", _file("- id: f-x\n  claim: [broken\n"),
     "data/facts/x.YAML:1: data file names are lowercase letters, digits, '-', '_' and '.', ending in .yaml "
     "(rename it to data/facts/x.yaml so it is read)"),
    ("upper-case kind file", "Facts.yaml", _file("- id: f-x\n"),
     "data/Facts.yaml:1: data file names are lowercase letters"),
    ("JSON file", "facts/extra.json", _file("[]"), "data/facts/extra.json:1: data files are YAML (.yaml)"),
    ("editor's backup copy", "facts/synthesis.yaml~", _file("- id: f-x\n"),
     "data/facts/synthesis.yaml~:1: an editor's backup or lock file is not read"),
    ("name with a space", "facts/new fact.yaml", _file("- id: f-x\n"),
     "'data/facts/new fact.yaml':1: data file names are lowercase letters"),
]


@pytest.mark.parametrize("name,where,make,expected", PLACES, ids=[c[0] for c in PLACES])
def test_whatever_data_holds_is_read_or_reported(tmp_path: Path, name: str, where: str, make: Callable[[Path], None],
                                                 expected: str) -> None:
    """Anything under data/ that is not a regular data file where a kind's files live is a data error naming its
    path (checked in a child process with a time limit: a pipe made the check wait for ever)."""
    data = tmp_path / "data"
    write(data, MINIMAL)
    target = data / where
    target.parent.mkdir(parents=True, exist_ok=True)
    make(target)
    result = _check(tmp_path)
    assert result.returncode == 1, (result.stdout, result.stderr[-2000:])
    assert any(line.startswith(expected) for line in result.stdout.splitlines()), result.stdout


def test_link_within_data_is_followed(tmp_path: Path) -> None:
    """A link to a file inside data/ is read like the file itself (here the same records twice: duplicate ids)."""
    data = tmp_path / "data"
    write(data, MINIMAL)
    (data / "facts").mkdir()
    (data / "facts" / "again.yaml").symlink_to("../facts.yaml")
    found = problems(data)
    assert len(found) == 1 and found[0].startswith("data/facts/again.yaml:1: fact f-one: id: duplicate id (also at "
                                                   "data/facts.yaml:1)"), found


def test_serve_stops_with_the_errors_instead_of_hanging(tmp_path: Path) -> None:
    """`mkdocs serve` on data/ holding a pipe and an editor's lock file reports both and exits; it used to wait
    for ever on the pipe."""
    project = copy_project(tmp_path / "p")
    os.mkfifo(project / "data" / "facts" / "pipe.yaml")
    (project / "data" / "facts" / ".#synthesis.yaml").symlink_to("user@host.1:1")
    result = run([PY, "-m", "mkdocs", "serve", "--strict", "-a", "127.0.0.1:0", "--no-livereload"], cwd=project,
                 timeout=240)
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "data/facts/pipe.yaml:1: is a pipe, not a data file" in out
    assert "data/facts/.#synthesis.yaml:1: is a symbolic link to nothing" in out


def _real(kind: str, name: str) -> list:
    from macros.loader import parse_bytes

    rel = f"data/{kind}/{name}.yaml"
    records, problems = parse_bytes((ROOT / rel).read_bytes(), kind, rel)
    assert records and not problems
    return records[:4]


def _broken(record, **changes):  # type: ignore[no-untyped-def]
    from macros.loader import RawRecord

    return RawRecord(record.kind, record.file, {**record.data, **changes}, dict(record.lines))


BATCH_CASES = [
    # (what, the records given to validate.parse)
    ("every record valid", lambda f, q: f),
    ("one bad record in the middle", lambda f, q: [f[0], _broken(f[1], topics=["nowhere"]), f[2], f[3]]),
    ("two bad records, the first and the last", lambda f, q: [_broken(f[0], claim=""), f[1], f[2],
                                                              _broken(f[3], cites="q1", extra=1)]),
    ("two kinds at once, one bad", lambda f, q: [f[0], q[0], _broken(q[1], source=None), f[1]]),
    ("no records", lambda f, q: []),
]


@pytest.mark.parametrize("what, make", BATCH_CASES, ids=[c[0] for c in BATCH_CASES])
def test_validating_records_together_gives_what_one_by_one_gives(what: str, make: Callable) -> None:
    """validate.parse checks a file's records in one call: the records, and the problems in order, are those of
    one model_validate per record."""
    from pydantic import ValidationError

    from macros.schema import KINDS
    from macros.validate import parse

    records = make(_real("facts", "dejong-wouters-2015"), _real("quotes", "dejong-wouters-2015"))
    parsed, problems = parse(records)
    expected_valid, expected_invalid = [], []
    for rec in records:
        try:
            expected_valid.append((rec.kind, KINDS[rec.kind].model_validate(rec.data), rec))
        except ValidationError:
            expected_invalid.append(rec)
    assert [(k, m, r) for k in KINDS for m, r in parsed[k]] == sorted(
        expected_valid, key=lambda x: list(KINDS).index(x[0]))
    assert [r for _, r in parsed["invalid"]] == expected_invalid
    assert bool(problems) == bool(expected_invalid)
    one_by_one = [p for rec in records for p in parse([rec])[1]]
    assert problems == one_by_one and all(p.record_id for p in problems)


def _composed_lines(text: str) -> list[dict[tuple, int]]:
    """Each record's field lines by PyYAML's own composer (marks on every node), as the loader keeps them: a
    field's path at its key's line, a list item's at its first line."""
    import yaml

    def walk(node: yaml.Node, path: tuple, found: dict) -> None:
        found.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                at = path + (key.value,)
                found[at] = key.start_mark.line + 1
                walk(value, at, found)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, path + (i,), found)

    out = []
    for item in yaml.compose(text, Loader=yaml.SafeLoader).value:
        found: dict = {}
        walk(item, (), found)
        out.append(found)
    return out


@pytest.mark.parametrize("source", ["parsed", "cached"])
def test_field_lines_found_when_asked_are_those_of_the_file(tmp_path: Path, source: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Records read without their field lines, parsed or read back from the parse cache, find each field's line
    in their file's bytes when asked, the file parsed again once for all its records: every field of every real
    record, against PyYAML's composer."""
    from macros import loader
    from macros.cache import ParseCache
    from macros.loader import data_files, records_of

    cache = ParseCache(tmp_path / "cache")
    checked = 0
    noting: list[str] = []
    parse = loader._parse
    monkeypatch.setattr(loader, "_parse", lambda text, kind, rel, track: (
        noting.append(rel) if track else None, parse(text, kind, rel, track))[1])
    for kind, path in data_files(ROOT / "data"):
        rel = path.relative_to(ROOT).as_posix()
        raw = path.read_bytes()
        records, problems = records_of(raw, kind, rel, cache)
        if source == "cached":
            records, problems = records_of(raw, kind, rel, ParseCache(tmp_path / "cache"))
        assert not problems
        expected = _composed_lines(raw.decode("utf-8"))
        assert [r.line for r in records] == [e[()] for e in expected], rel
        noting.clear()
        for record, lines in zip(records, expected):
            assert record.lines == lines, f"{rel}: {record.id}"
            assert record.lines is record.lines
            checked += len(lines)
        assert noting == ([rel] if records else []), f"{rel} parsed {len(noting)} times for its records' lines"
    assert checked > 10_000
