"""The build's one cache: each data file's parsed records, as JSON, in the user's cache folder.

Parsing YAML is the data layer's main cost (about half a second per MB even with
libyaml). A file whose bytes have not changed since a build parsed them is read back as
JSON instead, so `make serve` re-parses only the file an editor saved. Schema and
cross-record validation still run on every record, every build. What the rules find in a
record's texts (rules.scans_of: phrases and hedges, a function of the text alone) is kept
with the record, so unchanged texts are not searched again.

Nothing a commit can contain is trusted as a cache:

- The cache lives outside the checkout: `$SCO_CACHE_DIR` if set (empty turns caching
  off), else `$XDG_CACHE_HOME/sco-explainer`, else `~/.cache/sco-explainer`. A folder
  inside the project is refused, so no file a pull request adds can be read as a cache.
- It holds data only: JSON, written and read with orjson (a strict JSON parser, about twice
  as fast as the standard library's here), never code (no pickle, no compiled templates, no
  bytecode). A file whose records JSON cannot hold exactly (a key that is not text) is not
  cached: it is parsed again on every build, so the cache never changes what a build sees.
- An entry is named by the SHA-256 of everything its content depends on: the file's
  path and the very bytes that were parsed (read once), and the source of the code that
  parsed them (this package's modules) with the versions of Python, PyYAML and orjson. A changed
  file, or changed code, misses; stale entries are never read.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from .errors import Problem

PACKAGE = Path(__file__).resolve().parent
ENV = "SCO_CACHE_DIR"


def user_cache_dir() -> Path:
    """Where the cache lives unless SCO_CACHE_DIR says otherwise (the XDG base directory convention)."""
    base = os.environ.get("XDG_CACHE_HOME") or ""
    return (Path(base) if os.path.isabs(base) else Path.home() / ".cache") / "sco-explainer"


def cache_dir(project: Path) -> Path | None:
    """The cache folder for a build of `project`, or None for no caching (SCO_CACHE_DIR empty, or a folder
    inside the project: anything there could have come with a commit)."""
    wanted = os.environ.get(ENV)
    if wanted == "":
        return None
    folder = Path(os.path.realpath(Path(wanted).expanduser() if wanted else user_cache_dir()))
    if folder.is_relative_to(os.path.realpath(project)):
        _warn_once(f"{ENV}={wanted} is inside the project: parsing without a cache (a cache there could "
                   "come from a commit)")
        return None
    return folder


@lru_cache(maxsize=None)
def _warn_once(message: str) -> None:
    print(message, file=sys.stderr)


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of this package's source (the loader and everything its messages come from: any change makes
    every entry new) and of the versions of Python, PyYAML and orjson."""
    import yaml

    digest = hashlib.sha256(f"{sys.version}\0{yaml.__version__}\0{orjson.__version__}\0".encode())
    for path in sorted(PACKAGE.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


class ParseCache:
    """Parsed records and problems of data files, stored by a hash of (kind, path, bytes) under the code version."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.folder = root / f"parsed-{code_version()}" if root is not None else None
        self._keys: dict[tuple[str, str], tuple[bytes, str]] = {}

    def key(self, kind: str, rel: str, raw: bytes) -> str:
        # the same bytes object asked again (coldparse asks first, then records_of): not hashed twice
        known = self._keys.get((kind, rel))
        if known is not None and known[0] is raw:
            return known[1]
        digest = hashlib.sha256()
        for part in (kind, rel):
            digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(raw)
        key = digest.hexdigest()
        self._keys[(kind, rel)] = (raw, key)
        return key

    def has(self, key: str) -> bool:
        """Whether an entry for `key` exists (it may still be unreadable: `get` decides)."""
        return self.folder is not None and (self.folder / f"{key}.json").is_file()

    def get(self, key: str) -> tuple[list[tuple[Any, int, Any]], list[Problem]] | None:
        """(data, record line, the rules' scans or None) of each record, and the file's problems; None on a
        miss. Field lines are not kept: a record finds them in its file's bytes when asked (loader.RawRecord)."""
        if self.folder is None:
            return None
        try:
            payload = orjson.loads((self.folder / f"{key}.json").read_bytes())
            records = [(r["data"], r["line"], r["scans"] if isinstance(r.get("scans"), dict) else None)
                       for r in payload["records"]]
            return records, [Problem(**p) for p in payload["problems"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing or damaged: parse the file again

    def put(self, key: str, records: list[tuple[Any, int, Any]], problems: list[Problem]) -> None:
        if self.folder is None:
            return
        payload = {
            "records": [{"data": data, "line": line, "scans": scans} for data, line, scans in records],
            "problems": [p.__dict__ for p in problems],
        }
        try:
            # orjson refuses what JSON cannot give back as it was (a key that is not a string, an integer
            # beyond 64 bits), where the standard library would quietly turn a key 1 into "1"
            text = orjson.dumps(payload)
        except TypeError:  # orjson.JSONEncodeError is a TypeError
            return
        self.prepare()
        tmp = None
        try:
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(text)
            os.replace(tmp, self.folder / f"{key}.json")
            tmp = None
        except OSError:
            pass  # a cache that cannot be written is only slower
        finally:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)

    def prepare(self) -> None:
        """Make sure this code version's folder exists (coldparse calls it before forking, so that one process
        creates it and clears old versions)."""
        if self.folder is not None and not self.folder.is_dir():
            self._start_folder()

    def _start_folder(self) -> None:
        """Create this code version's folder; drop other versions' folders unused for a month (another checkout
        of other code may still be using a recent one)."""
        assert self.root is not None and self.folder is not None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            month_ago = time.time() - 30 * 86400
            for old in self.root.glob("parsed-*"):
                if old != self.folder and old.is_dir() and not old.is_symlink() and old.stat().st_mtime < month_ago:
                    shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass
