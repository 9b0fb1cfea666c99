"""A per-file cache of parsed YAML, keyed by the file's bytes.

Parsing YAML is the data layer's main cost (about half a second per MB even
with libyaml). A file whose bytes have not changed since the last build is
read back from `.cache/sco-data/` as JSON instead, so `make serve` re-parses
only the file an editor saved. Schema and cross-record validation still run
on every record, every build.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .errors import Problem

VERSION = "1"  # bump when the loader's output changes


class ParseCache:
    """Parsed records and problems of data files, stored by a hash of (kind, path, bytes)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def key(self, kind: str, rel: str, raw: bytes) -> str:
        digest = hashlib.sha256()
        for part in (VERSION, kind, rel):
            digest.update(part.encode() + b"\0")
        digest.update(raw)
        return digest.hexdigest()

    def get(self, key: str) -> tuple[list[tuple[Any, dict[tuple[Any, ...], int]]], list[Problem]] | None:
        if self.folder is None:
            return None
        path = self.folder / f"{key}.json"
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        records = [(r["data"], {tuple(p): line for p, line in r["lines"]}) for r in payload["records"]]
        return records, [Problem(**p) for p in payload["problems"]]

    def put(self, key: str, records: list[tuple[Any, dict[tuple[Any, ...], int]]], problems: list[Problem]) -> None:
        if self.folder is None:
            return
        payload = {
            "records": [{"data": data, "lines": [[list(p), line] for p, line in lines.items()]} for data, lines in records],
            "problems": [p.__dict__ for p in problems],
        }
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(payload, fh, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, self.folder / f"{key}.json")
        except OSError:
            pass  # a cache that cannot be written is only slower
