"""The data dictionary, generated from the schema: every kind, every field, its type and meaning."""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel

from .schema import KINDS, Affiliation, Chapter, Native, Reference, Stance, Status, Target

NESTED: dict[str, type[BaseModel]] = {
    "chapters[]": Chapter, "native": Native, "statuses[]": Status, "stances[]": Stance,
    "affiliations[]": Affiliation, "qualifies[]": Target, "references[]": Reference,
}


def type_name(annotation: Any) -> str:
    """A reader's name for a field's type: 'text', 'list of id', 'one of: a, b'."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return type_name(args[0]) if args[0] is not str else _annotated_str(annotation)
    if origin is typing.Union:
        return " or ".join(type_name(a) for a in args if a is not type(None))
    if origin is typing.Literal:
        return "one of: " + ", ".join(str(a) for a in args)
    if origin is list:
        return "list of " + type_name(args[0])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation.__name__.lower()
    return {str: "text", int: "whole number", float: "number", bool: "true/false"}.get(annotation, str(annotation))


def _annotated_str(annotation: Any) -> str:
    meta = " ".join(repr(m) for m in typing.get_args(annotation)[1:])
    if "a-z0-9" in meta:
        return "id"
    if "https?" in meta:
        return "URL"
    if "_check_partial_date" in meta:
        return "date"
    return "text"


def fields_of(model: type[BaseModel], prefix: str = "") -> list[dict[str, str]]:
    """One row per field (nested models expanded with a dotted prefix)."""
    rows = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        rows.append({
            "field": prefix + key,
            "type": type_name(info.rebuild_annotation() if hasattr(info, "rebuild_annotation") else info.annotation),
            "required": "yes" if info.is_required() else "no",
            "description": info.description or "",
        })
        for nested_key, nested in NESTED.items():
            if nested_key.rstrip("[]") == key:
                rows.extend(fields_of(nested, prefix + nested_key + "."))
    return rows


def dictionary() -> dict[str, dict[str, Any]]:
    """Every record kind: its description and field rows, in load order."""
    return {kind: {"doc": (model.__doc__ or "").strip(), "fields": fields_of(model)} for kind, model in KINDS.items()}
