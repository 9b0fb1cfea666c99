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

VERSION = "4"  # bump when the loader's output changes


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

    def get(self, key: str) -> tuple[list[tuple[Any, int, str]], list[Problem]] | None:
        """(data, record line, field lines as JSON) of each record, and the file's problems; None on a miss."""
        if self.folder is None:
            return None
        path = self.folder / f"{key}.json"
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
            records = [(r["data"], r["line"], r["lines"]) for r in payload["records"]]
            return records, [Problem(**p) for p in payload["problems"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing or damaged: parse the file again

    def put(self, key: str, records: list[tuple[Any, int, str]], problems: list[Problem]) -> None:
        if self.folder is None:
            return
        payload = {
            # field lines as one JSON string per record: read back as a string, parsed only for an error
            "records": [{"data": data, "line": line, "lines": packed} for data, line, packed in records],
            "problems": [p.__dict__ for p in problems],
        }
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            # dumps, not dump: json.dump streams through the pure-Python encoder (about 5x slower)
            text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, self.folder / f"{key}.json")
        except OSError:
            pass  # a cache that cannot be written is only slower
