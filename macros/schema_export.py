"""JSON Schemas for editors, generated from the one pydantic schema (`make schema`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from .schema import KINDS, SCHEMA_VERSION


#: What an editor says when a value misses a pattern (the YAML language server shows `patternErrorMessage`
#: instead of "String does not match the pattern of ..."), by what the pattern accepts.
PATTERN_MESSAGES = (
    ("a-z0-9", "Not a kebab-case id: lowercase letters, digits and single hyphens, e.g. sco-founded."),
    ("https?", "An http:// or https:// address, confirmed; leave the field out rather than guess."),
    ("\\d{4}", 'A date at its precision, in double quotes: "2015", "2015-07" or "2015-07-10".'),
)


def _for_editors(node: Any) -> Any:
    """The schema as editors and validators read it best, for any kind and field.

    An optional field (pydantic: `anyOf: [X, {type: null}]`, default null) becomes X itself: a field written
    in a data file must have a value, and a wrong one is reported as "is not of type 'string'", not as
    "is not valid under any of the given schemas" or "is not of type 'null'". Patterns get a plain message.
    """
    if isinstance(node, list):
        return [_for_editors(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _for_editors(value) for key, value in node.items()}
    options = node.get("anyOf")
    if isinstance(options, list) and len(options) == 2 and {"type": "null"} in options:
        inner = next(o for o in options if o != {"type": "null"})
        rest = {k: v for k, v in node.items() if k not in ("anyOf", "default")}
        node = {**inner, **rest}
    pattern = node.get("pattern")
    if isinstance(pattern, str) and "patternErrorMessage" not in node:
        message = next((m for key, m in PATTERN_MESSAGES if key in pattern), None)
        if message:
            node["patternErrorMessage"] = message
    return node


def schema_for(kind: str) -> dict[str, Any]:
    """The JSON Schema of a data file of `kind`: a list of records."""
    model = KINDS[kind]
    schema = _for_editors(TypeAdapter(list[model]).json_schema(by_alias=True))  # type: ignore[valid-type]
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"SCO Explainer {kind} (schema {SCHEMA_VERSION})"
    schema["description"] = (model.__doc__ or "").strip()
    return schema


def schema_text(kind: str) -> str:
    """A kind's JSON Schema as `make schema` writes it into schema/."""
    return json.dumps(schema_for(kind), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_schemas(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        path = out / f"{kind}.schema.json"
        path.write_text(schema_text(kind), encoding="utf-8")
        written.append(path)
    return written
