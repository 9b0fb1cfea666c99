"""Tidy tables of the fact base, generated from the schema: one value per cell.

Each record kind is a table keyed by `id`. Each list field becomes a table of its own, one row
per item in order (`seq` counts from 1), keyed by its record; a list of nested records (a
source's chapters, a state's statuses, a position's stances) is a table whose own lists are
tables again. A single nested value (a name in its own script) becomes columns (`native_text`).
Each table's Table Schema (types, descriptions, constraints, primary and foreign keys) is
derived from the same pydantic models as the validation, so a new kind or field appears here
without an edit; a new field that refers to other records declares its target in `REFERENCES`
(or the validator's `RAW_REFS`) to get a foreign key.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterator

from pydantic import BaseModel

from .schema import KIND_NAMES, KINDS, Record
from .validate import RAW_REFS

SEQ = "seq"

#: How a table's row names itself in its child tables: (the row's key values, its item) -> key values.
_Values = Callable[[tuple[Any, ...], Any], tuple[Any, ...]]

#: Fields that hold ids of other records, by model: the record kind they point to. Top-level fields
#: the validator already checks on raw records (`RAW_REFS`) are added to these. "chapters" is the
#: sources' nested chapters.
REFERENCES: dict[str, dict[str, str]] = {
    "Quote": {"chapter": "chapters"},
    "Position": {"outcome_cites": "quotes"},
    "Stance": {"actor": "actors", "cites": "quotes"},
    "Status": {"cites": "quotes"},
}


def references(model: type[BaseModel]) -> dict[str, str]:
    """The reference fields of a model (by field name as written in YAML) and the kinds they point to."""
    found = dict(REFERENCES.get(model.__name__, {}))
    for kind, kind_model in KINDS.items():
        if kind_model is model:
            found.update(RAW_REFS.get(kind, {}))
    return found


@dataclass(frozen=True)
class Column:
    """One column: its name, its Table Schema field descriptor, and how to read it from a row's item."""

    name: str
    descriptor: dict[str, Any]
    path: tuple[str, ...] = ()  # attribute names from the row's item; () for the item itself


@dataclass
class Table:
    """One CSV: its columns and keys, and the record field it unfolds (for child tables)."""

    name: str
    kind: str
    description: str
    keys: list[Column]  # the columns naming the parent row (and `seq`), before the item's own columns
    columns: list[Column]
    primary_key: list[str]
    foreign_keys: list[dict[str, Any]] = field(default_factory=list)
    parent: str | None = None
    field: str | None = None  # the parent item's field (attribute name) this table unfolds
    alias: str | None = None  # that field as written in YAML
    model: type[BaseModel] | None = None  # the item's model; None for a list of single values
    rows: Callable[[Any], Iterator[tuple[tuple[Any, ...], Any]]] | None = None  # (key values, item) per row

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.keys + self.columns]

    def table_schema(self, extra: list[Column] | None = None) -> dict[str, Any]:
        fields = [{"name": c.name, **c.descriptor} for c in self.keys + self.columns + (extra or [])]
        schema: dict[str, Any] = {"fields": fields, "primaryKey": self.primary_key, "missingValues": [""]}
        if self.foreign_keys:
            schema["foreignKeys"] = self.foreign_keys
        return schema


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(inner annotation, optional?) of `Optional[X]` / `X | None`."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _descriptor(prop: dict[str, Any], required: bool, description: str) -> dict[str, Any]:
    """A Table Schema field descriptor from a JSON Schema property (optional values unwrapped)."""
    options = [p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"]
    inner = {**options[0]} if options else {}
    json_type = inner.get("type", "string")
    kind = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}.get(json_type, "string")
    out: dict[str, Any] = {"type": kind, "description": description or prop.get("description", "")}
    constraints: dict[str, Any] = {}
    if required:
        constraints["required"] = True
    if "const" in inner:
        constraints["enum"] = [inner["const"]]
    if "enum" in inner:
        constraints["enum"] = list(inner["enum"])
    if "pattern" in inner:
        constraints["pattern"] = inner["pattern"]
    for key, name in (("minimum", "minimum"), ("maximum", "maximum"), ("maxLength", "maxLength"), ("minLength", "minLength")):
        if key in inner:
            constraints[name] = inner[key]
    if kind == "boolean":
        out["trueValues"], out["falseValues"] = ["true"], ["false"]
    if constraints:
        out["constraints"] = constraints
    return out


def _singular(model: type[BaseModel]) -> str:
    """A nested record's name in table and column names: Status -> status."""
    return model.__name__.lower()


class _Builder:
    """Walks the models once and lays out every table."""

    def __init__(self) -> None:
        self.tables: list[Table] = []
        self.refs: list[tuple[Table, str, str]] = []  # (table, column, kind it points to), resolved at the end

    def kind_table(self, kind: str, model: type[Record]) -> None:
        table = Table(name=kind, kind=kind, description=(model.__doc__ or "").strip(), keys=[], columns=[],
                      primary_key=["id"], model=model, rows=lambda fb: (((), r) for r in getattr(fb, kind).values()))
        self.tables.append(table)
        singular = KIND_NAMES[kind]
        self.fill(table, model, [_key(singular, f"Id of the {singular}.")], lambda keys, item: (item.id,),
                  (kind, ["id"]), singular)

    def fill(self, table: Table, model: type[BaseModel], child_keys: list[Column], child_values: _Values,
             child_target: tuple[str, list[str]], prefix: str, path: tuple[tuple[str, str], ...] = (),
             required: bool = True) -> None:
        """Add `model`'s single values to `table` as columns, and a child table for each list field.

        `child_keys` name a row of `table` in its child tables, `child_values` give their values for a
        row, `child_target` is the key they refer to; `path` is the (attribute, alias) chain of a single
        nested value being flattened into columns."""
        schema = model.model_json_schema(by_alias=True)
        refs = references(model)
        for name, info in model.model_fields.items():
            alias = info.alias or name
            annotation, optional = _unwrap(info.annotation)
            is_required = required and not optional and info.is_required()
            if typing.get_origin(annotation) is list:
                if path:
                    raise TypeError(f"{model.__name__}.{alias}: a list inside a single nested value has no table")
                self.child(table, name, alias, typing.get_args(annotation)[0], schema["properties"][alias],
                           child_keys, child_values, child_target, prefix, refs.get(alias), info.description or "")
            elif _is_model(annotation):
                self.fill(table, annotation, child_keys, child_values, child_target, prefix,
                          path + ((name, alias),), is_required)
            else:
                column = Column("_".join([a for _, a in path] + [alias]),
                                _descriptor(schema["properties"][alias], is_required, info.description or ""),
                                tuple(n for n, _ in path) + (name,))
                self.add(table, column)
                if alias in refs:
                    self.refs.append((table, column.name, refs[alias]))

    def add(self, table: Table, column: Column) -> None:
        if column.name in table.header:
            raise TypeError(f"table {table.name}: two columns named {column.name!r}")
        table.columns.append(column)

    def child(self, parent: Table, name: str, alias: str, item: Any, prop: dict[str, Any], keys: list[Column],
              values: _Values, target: tuple[str, list[str]], prefix: str, ref: str | None, description: str) -> None:
        """The table of one list field: a row per item, keyed by the parent row and the item's place."""
        table_name = f"{prefix}_{alias}"
        seq = Column(SEQ, {"type": "integer", "description": f"Place of the item in the {alias} list, from 1.",
                           "constraints": {"required": True, "minimum": 1}})
        parent_rows = parent.rows
        assert parent_rows is not None

        def rows(fb: Any) -> Iterator[tuple[tuple[Any, ...], Any]]:
            for parent_keys, parent_item in parent_rows(fb):
                named = values(parent_keys, parent_item)
                for n, value in enumerate(getattr(parent_item, name), 1):
                    yield (*named, n), value

        table = Table(name=table_name, kind=parent.kind, keys=keys + [seq], columns=[],
                      primary_key=[k.name for k in keys] + [SEQ], parent=parent.name, field=name, alias=alias,
                      description=f"One row per item of {parent.name}.{alias}, in order. {description}".strip(),
                      model=item if _is_model(item) else None, rows=rows)
        table.foreign_keys.append({"fields": [k.name for k in keys],
                                   "reference": {"resource": target[0], "fields": target[1]}})
        self.tables.append(table)
        if not _is_model(item):
            self.add(table, Column(alias, _descriptor(prop.get("items", {}), True, description)))
            if ref:
                self.refs.append((table, alias, ref))
            return
        singular = _singular(item)
        if issubclass(item, Record):  # a nested record with its own id: its lists are keyed by that id
            table.primary_key = ["id"]
            self.fill(table, item, [_key(singular, f"Id of the {singular}.")], lambda k, it: (it.id,),
                      (table_name, ["id"]), f"{prefix}_{singular}")
        else:
            place = Column(f"{singular}_{SEQ}", {**seq.descriptor,
                                                 "description": f"Place of the {singular} in the {alias} list, from 1."})
            self.fill(table, item, keys + [place], lambda k, it: k, (table_name, table.primary_key),
                      f"{prefix}_{singular}")

    def resolve(self) -> None:
        """Foreign keys of reference columns: a kind's table, or the table of a nested record kind (chapters)."""
        holders = {t.alias: t.name for t in self.tables if t.model is not None and issubclass(t.model, Record)}
        for table, column, kind in self.refs:
            resource = kind if kind in KINDS else holders.get(kind)
            if resource is None:
                raise KeyError(f"{table.name}.{column} refers to {kind!r}, which no table holds")
            fk = {"fields": [column], "reference": {"resource": resource, "fields": ["id"]}}
            if fk not in table.foreign_keys:
                table.foreign_keys.append(fk)


def _key(name: str, description: str) -> Column:
    return Column(name, {"type": "string", "description": description, "constraints": {"required": True}})


@lru_cache(maxsize=1)
def tables() -> tuple[Table, ...]:
    """Every table: each record kind, followed by the tables of its lists."""
    builder = _Builder()
    for kind, model in KINDS.items():
        builder.kind_table(kind, model)
    builder.resolve()
    return tuple(builder.tables)


def value_of(item: Any, column: Column) -> Any:
    """A column's value in a row's item (None where a nested value is missing)."""
    for name in column.path:
        if item is None:
            return None
        item = getattr(item, name)
    return item
