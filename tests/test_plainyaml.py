"""The quick reader (macros/plainyaml.py) gives exactly the full parser's records, or leaves the file to it.

Each test compares the two on many texts: the real data files, the benchmark's generated files, thousands
of generated texts full of what YAML treats specially, and thousands of small edits of real files. Where the
quick reader returns records, the full parser must find no problem and the same records (values, their types
and key order, and each record's line). Each test also counts how often the quick reader read the text, so
that a reader that gave up on everything could not pass.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from macros import loader, plainyaml


def exact(value: Any) -> Any:
    """A value with its types and key order spelled out (1, 1.0 and True compare equal in Python)."""
    if isinstance(value, dict):
        return ("map", tuple((exact(k), exact(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("list", tuple(exact(v) for v in value))
    return (type(value).__name__, value)


def full(text: str) -> tuple[Any, list[Any]]:
    records, problems = loader._parse(text, "facts", "data/facts/x.yaml", False)
    return exact([(r.data, r.line) for r in records]), problems


def quick(text: str, nodes: int = loader.MAX_NODES, digits: int = loader.MAX_DIGITS,
          depth: int = loader.MAX_DEPTH) -> Any:
    found = plainyaml.records(text, nodes, digits, depth)
    return None if found is None else exact(found)


def check(text: str) -> bool:
    """Whether the quick reader read `text`; if it did, the full parser reads the same without a problem."""
    mine = quick(text)
    if mine is None:
        return False
    theirs, problems = full(text)
    assert not problems, f"the quick reader took a text the full parser refuses: {problems}\n{text}"
    assert mine == theirs, f"the two readers differ on:\n{text}"
    return True


def data_texts() -> list[tuple[str, str]]:
    return [(path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8"))
            for _, path in loader.data_files(ROOT / "data")]


def test_every_real_data_file_reads_as_the_full_parser_reads_it() -> None:
    """Every file in data/ gives the full parser's records, and nearly all are read by the quick reader."""
    texts = data_texts()
    counts = {rel: len(full(text)[0][1]) for rel, text in texts}
    read = sum(counts[rel] for rel, text in texts if check(text))
    assert read >= 0.9 * sum(counts.values()), f"only {read} of {sum(counts.values())} records read quickly"


def test_the_benchmark_files_read_as_the_full_parser_reads_them(tmp_path: Path) -> None:
    """Files written by PyYAML's dumper (the benchmark's synthetic data, two copies) all read quickly and alike."""
    from bench.synth import write_synthetic

    write_synthetic(ROOT / "data", tmp_path / "data", 2)
    files = sorted((tmp_path / "data").rglob("*.yaml"))
    assert files and all(check(path.read_text(encoding="utf-8")) for path in files)


# -- generated texts ---------------------------------------------------------------------------------------

GENERATED, EDITED = 5000, 4000  # texts made by `generated` and by `mutant` (the run's summary prints them)

KEYS = ["id", "claim", "note", "topics", "cites", "x-y", "_k", "K1", "date", "as_of"]
ODD_KEYS = ["yes", "no", "On", "null", "true", "y", "a b", "'q'", "<<", "1", "-k", "k:"]
PLAINS = ["text", "two words", "1", "-5", "+1", "0x1F", "0o17", "017", "0b101", "1_000", "1e3", "1.5e+3", ".5",
          "1.", ".inf", "-.Inf", ".NaN", "190:20:30", "1:20", "12345678901234567", "yes", "No", "ON", "off", "y", "n",
          "~", "null", "Null", "NULL", "true", "False", "2015-07-01", "2015-07", "2001-12-14t21:59:43.10-05:00",
          "<<", "=", "a: b", "a:b", "a #b", "a#b", "C#", "http://x.y/z?a=1#f", "50%", "a, b", "a,b", "[a]", "{a}",
          "a]", "a}", "- a", "-", "--", "---", "...", "-a", "? a", "?a", ":a", "a:", "@x", "`x", "&a x", "*a",
          "!x", "!!str 1", "!!int 1", "|", ">-", "%x", "a\\b", "é", "“quoted”", "’s", "a ' b", 'a " b', "a  b",
          "a\u00a0b", "0", "00", "-0", "0.0", "1e400", "-1e400", "1__0", "._", "+.inf", "\u3000"]
FLOWS = ["[]", "{}", "[ ]", "[a, b]", "[ a , b ]", "[a,b]", "[a, ]", "[a b, c]", "[1, yes, null, 2015-07-01]",
         "[a: b]", '["a"]', "[[a]]", "[a, [b]]", "{a: b}", "[a #b]", "[a] x", "[é, b]", "[-a, b]", "[a, -]",
         "[.inf]", "[1_0, 0x1]", "[a, b", "[a,  b c]"]
HEADERS = [">-", ">", "|", "|-", ">+", "|+", ">2", "|-1", ">- # c", ">-x", "> -"]
QUOTE_PIECES = ["a", "b c", "''", "'", '"', "\\", "\\n", '\\"', "#", " # x", ": ", " ", "  ", "é", "’", "-",
                "[", "{", "---", "--- a", "...", "- "]


WORDS = ["text", "Two words here", "china-russia", "2015", "2015-07-10", "sco", "a.b", "$95 billion", "C# and F#",
         "it's", "“quoted” words", "Beijing’s", "50% (of them)", "end.", "x-1", "1,000", "no", "tea for two"]


class Rng(random.Random):
    """Random choices with a level of wildness: how often a text gets something YAML treats specially."""

    wild = 0.2

    def odd(self, p: float = 1.0) -> bool:
        return self.random() < self.wild * p


def _line_text(rng: Rng) -> str:
    if not rng.odd():
        return rng.choice(WORDS)
    return rng.choice(PLAINS) if rng.random() < 0.7 else "".join(rng.choice("ab :#'\"-[]{},&*!|>%@`?~.09eE+_\\")
                                                                 for _ in range(rng.randint(1, 8)))


def _quoted(rng: Rng, indent: int) -> list[str]:
    quote = rng.choice("'\"")
    pieces = [rng.choice(QUOTE_PIECES) if rng.odd(2) else rng.choice(WORDS) for _ in range(rng.randint(0, 5))]
    rows, row = [], quote
    for piece in pieces:
        if rng.random() < 0.3:  # a line break inside the quotes, the next line indented somewhere
            rows.append(row + " " * rng.choice([0, 0, 1]))
            row = " " * (rng.choice([0, 1, 2, indent, indent + 1]) if rng.odd() else indent + rng.choice([2, 4]))
            row = "" if rng.odd(0.5) else row
        row += piece
    rows.append(row + quote + (rng.choice(["", " ", "  # c", "x", " x"]) if rng.odd() else ""))
    return rows


def _value(rng: Rng, indent: int, depth: int) -> list[str]:
    """The lines of a value after 'key:', the first one continuing the key's line."""
    kind = rng.random()
    deeper = indent + (rng.choice([1, 3, 4]) if rng.odd() else 2)
    if kind < 0.3:
        rows = [" " + _line_text(rng)]
        for _ in range(rng.choice([0, 0, 0, 1, 2])):  # text running on over more lines
            rows.append(("" if rng.odd(0.5) else " " * (rng.choice([indent, indent + 1, deeper + 2]) if rng.odd()
                                                         else deeper)) + _line_text(rng))
        return rows
    if kind < 0.45:
        rows = _quoted(rng, indent)
        return [" " + rows[0], *rows[1:]]
    if kind < 0.55:
        return [" " + (rng.choice(FLOWS) if rng.odd(2) else "[" + ", ".join(rng.sample(WORDS[:10], 2)) + "]")]
    if kind < 0.65:
        rows = [" " + (rng.choice(HEADERS) if rng.odd() else ">-")]
        for n in range(rng.randint(0 if rng.odd() else 1, 4)):
            rows.append(" " * (rng.choice([0, indent, deeper + 2]) if rng.odd() else deeper) +
                        (_line_text(rng) if n == 0 or not rng.odd() else rng.choice(["", " " * (deeper + 1)])))
        if rng.odd(2):  # blank lines after the text: kept or not by the header
            rows += [""] * rng.randint(1, 2)
        return rows
    if kind < 0.7:
        return [rng.choice(["", " ", " # c"]) if rng.odd() else ""]
    if depth > 3:
        return [" " + rng.choice(PLAINS)]
    if kind < 0.85:  # a list: indentless or indented, of words, quoted text or mappings
        at = rng.choice([indent, indent, deeper])
        rows = [""]
        for _ in range(rng.randint(1, 3)):
            if rng.random() < 0.6:
                item = _value(rng, at, depth + 1)
                rows.append(" " * at + "-" + item[0])
                rows += item[1:]
            else:
                rows += _mapping(rng, at + 2, depth + 1, first=" " * at + "- ")
        return rows
    return [""] + _mapping(rng, deeper, depth + 1)


def _mapping(rng: Rng, indent: int, depth: int, first: str | None = None) -> list[str]:
    rows: list[str] = []
    keys = rng.sample(KEYS, 4)
    for n in range(rng.randint(1, 4)):
        key = rng.choice(ODD_KEYS + keys) if rng.odd(0.5) else keys[n]
        pad = first if n == 0 and first is not None else " " * (indent + rng.odd(0.2))
        value = _value(rng, indent, depth)
        rows.append(pad + key + ":" + value[0])
        rows += value[1:]
        if rng.odd(0.5):
            rows.append(rng.choice(["", " " * rng.randint(0, indent + 2) + "# a comment", "   "]))
    return rows


def generated(rng: Rng) -> str:
    rng.wild = rng.choice([0.0, 0.05, 0.1, 0.2, 0.4])
    rows: list[str] = [rng.choice(["", "# a file", "---", "[]"])] if rng.odd() else []
    for _ in range(rng.randint(1, 3)):
        first = rng.choice(["-   ", "  - ", "-"]) if rng.odd(0.3) else "- "
        rows += _mapping(rng, len(first), 1, first=first)
    return "\n".join(rows) + rng.choice(["\n", "", "\n\n", "\n# end\n"])


def test_generated_texts_read_as_the_full_parser_reads_them() -> None:
    """5,000 generated texts of keys, words, quotes, blocks, lists and nesting: read alike or left to PyYAML."""
    rng = Rng(20261205)
    texts = [generated(rng) for _ in range(GENERATED)]
    read = sum(check(text) for text in texts)
    valid = sum(not full(text)[1] for text in texts)
    assert read >= 0.3 * valid and valid >= 1000, (read, valid)


EDITS = ["'", '"', ":", ": ", " #", "#", "-", "- ", "[", "]", "{", "}", ",", "&", "*", "!", "|", ">", "%", "@", "`",
         "?", "\\", " ", "  ", "\n", "\n  ", "\n    ", "\t", "\r", "''", "yes", "1", ".inf", "~", "é", "\u2028",
         "\ufeff"]


def mutant(rng: Rng, text: str) -> str:
    lines = text.split("\n")
    start = rng.randrange(len(lines))
    while start and not lines[start].startswith("- "):
        start -= 1
    lines = lines[start:start + rng.randint(3, 40)]
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(lines))
        row = lines[i]
        action = rng.randrange(6)
        if action == 0:
            at = rng.randint(0, len(row))
            lines[i] = row[:at] + rng.choice(EDITS) + row[at:]
        elif action == 1 and row:
            at = rng.randrange(len(row))
            lines[i] = row[:at] + row[at + rng.randint(1, 3):]
        elif action == 2:
            lines[i] = " " * max(0, len(row) - len(row.lstrip(" ")) + rng.choice([-2, -1, 1, 2])) + row.lstrip(" ")
        elif action == 3:
            lines.insert(i, row)
        elif action == 4 and len(lines) > 1:
            del lines[i]
        elif i + 1 < len(lines):
            lines[i:i + 2] = [lines[i] + rng.choice([" ", ""]) + lines[i + 1].lstrip(" ")]
    return "\n".join(lines) + "\n"


def test_edits_of_real_files_read_as_the_full_parser_reads_them() -> None:
    """4,000 small edits of real data files (a character added or removed, a line indented, doubled, dropped or
    joined): read alike or left to PyYAML."""
    rng = Rng(5)
    sources = [text for _, text in data_texts()]
    texts = [mutant(rng, rng.choice(sources)) for _ in range(EDITED)]
    read = sum(check(text) for text in texts)
    valid = sum(not full(text)[1] for text in texts)
    assert read >= 0.5 * valid and valid >= 1000, (read, valid)


# -- limits ------------------------------------------------------------------------------------------------

def _with_limits(monkeypatch: pytest.MonkeyPatch, nodes: int, digits: int, depth: int) -> None:
    monkeypatch.setattr(loader, "MAX_NODES", nodes)
    monkeypatch.setattr(loader, "MAX_DIGITS", digits)
    monkeypatch.setattr(loader, "MAX_DEPTH", depth)


LIMITED = [
    "- id: a\n  topics: [x, y]\n  n: 1\n- id: b\n  topics:\n  - x\n  - k: v\n    l: [1, 2]\n  note: >-\n    text\n",
    "- id: a\n  a:\n    b:\n      c:\n        d: [1]\n        e:\n        - f: {}\n",
    "- id: a\n  n: 123456789012\n  m: -1234567\n  t: 12:30:45\n",
]


@pytest.mark.parametrize("text", LIMITED)
def test_a_text_over_a_limit_is_left_to_the_full_parser(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    """At every value limit, nesting limit and digit limit around the text's own, the quick reader reads the text
    only where the full parser reads it without a problem, and reads it at its exact limits."""
    for nodes in range(1, 40):
        for depth in range(1, 9):
            for digits in range(3, 14):
                _with_limits(monkeypatch, nodes, digits, depth)
                mine = quick(text, nodes, digits, depth)
                theirs, problems = full(text)
                assert mine is None or (not problems and mine == theirs), (nodes, depth, digits)
    _with_limits(monkeypatch, 10**6, 15, 16)
    assert quick(text) is not None


def test_the_loader_reads_plain_files_without_pyyaml_and_others_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """parse_bytes takes the quick reader's records for a plain file and PyYAML's (with their lines) for the rest."""
    plain = b"- id: a\n  claim: >-\n    One\n    two.\n  topics: [x, y]\n"
    tagged = b"- id: a\n  claim: !!str x\n  topics: [x, y]\n"
    used = []
    real = loader._Loader
    monkeypatch.setattr(loader, "_Loader", lambda text: used.append(text) or real(text))
    records, problems = loader.parse_bytes(plain, "facts", "data/facts/a.yaml")
    assert [r.data for r in records] == [{"id": "a", "claim": "One two.", "topics": ["x", "y"]}] and not used
    assert records[0].line_of(("topics",)) == 5 and used  # field lines come from PyYAML, when asked
    used.clear()
    records, problems = loader.parse_bytes(tagged, "facts", "data/facts/a.yaml")
    assert [r.data for r in records] == [{"id": "a", "claim": "x", "topics": ["x", "y"]}] and used
