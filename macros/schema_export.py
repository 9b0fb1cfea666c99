"""JSON Schemas for editors, generated from the one pydantic schema (`make schema`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from .schema import KINDS, SCHEMA_VERSION


def schema_for(kind: str) -> dict[str, Any]:
    """The JSON Schema of a data file of `kind`: a list of records."""
    model = KINDS[kind]
    schema = TypeAdapter(list[model]).json_schema(by_alias=True)  # type: ignore[valid-type]
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"SCO Explainer {kind} (schema {SCHEMA_VERSION})"
    schema["description"] = (model.__doc__ or "").strip()
    return schema


def write_schemas(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        path = out / f"{kind}.schema.json"
        path.write_text(json.dumps(schema_for(kind), indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written
