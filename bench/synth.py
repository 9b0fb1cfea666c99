"""Synthetic fact bases at N times the real data's size, generated from the real data's shape.

Copy i of every record gets the id suffix `-sN`, and every reference inside it
points at copy i of its target, so the synthetic data has the same record kinds
and the same reference density as the real data, and is valid.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from macros.factbase import load
from macros.exports import record_dict
from macros.schema import KINDS

# fields holding ids of other records, by kind (nested paths use dots)
REFS = {
    "quotes": ["source", "chapter", "speaker"],
    "facts": ["actors", "cites", "disagrees_with"],
    "events": ["actors", "cites"],
    "figures": ["actors", "cites"],
    "glossary": ["actor", "see", "cites"],
    "membership": ["state"],
    "sources": [],
    "actors": [],
    "positions": ["outcome_cites"],
    "notes": [],
}


def _suffix(value: Any, tag: str) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        return [f"{v}{tag}" for v in value]
    return f"{value}{tag}"


def copy_record(kind: str, data: dict[str, Any], i: int) -> dict[str, Any]:
    if i == 0:
        return data
    tag = f"-s{i}"
    out = dict(data)
    out["id"] = f"{data['id']}{tag}"
    for key in REFS[kind]:
        if key in out:
            out[key] = _suffix(out[key], tag)
    if kind == "sources":
        out["chapters"] = [dict(c, id=f"{c['id']}{tag}") for c in data.get("chapters", [])]
    if kind == "positions":
        out["stances"] = [dict(s, actor=f"{s['actor']}{tag}", cites=_suffix(s["cites"], tag)) for s in data["stances"]]
    if kind == "membership":
        out["statuses"] = [dict(s, cites=_suffix(s["cites"], tag)) for s in data["statuses"]]
    if kind == "notes":
        out["qualifies"] = [dict(t, id=f"{t['id']}{tag}", **({"part": f"{t['part']}{tag}"}  # a stance names its actor
                                 if str(t.get("part", "")).startswith("stance:") else {})) for t in data["qualifies"]]
    if kind == "glossary":
        out["term"] = f"{data['term']}{i}"  # distinct terms, as a grown glossary would have
    return out


class _NoAliases(yaml.SafeDumper):
    """Write every value in full: the loader rightly refuses anchors and aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def write_synthetic(real_data: Path, out_data: Path, factor: int) -> dict[str, int]:
    """Write `factor` copies of the real data into `out_data`; return record counts."""
    fb = load(real_data, real_data.parent)
    if out_data.exists():
        shutil.rmtree(out_data)
    out_data.mkdir(parents=True)
    counts = {}
    for kind in KINDS:
        records = [record_dict(r) for r in getattr(fb, kind).values()]
        folder = out_data / kind
        folder.mkdir()
        for i in range(factor):  # one file per copy, as a grown fact base would split its files
            copies = [copy_record(kind, r, i) for r in records]
            (folder / f"part-{i:03d}.yaml").write_text(
                yaml.dump(copies, Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
        counts[kind] = len(records) * factor
    return counts
