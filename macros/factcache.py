"""The validated fact base of the last build, stored and reused by a build whose inputs have not changed.

Loading from the parse cache still validates every record: about 2.5 s at 100 times
the real data, a fifth of the build. When no data file, no line of this package and
none of the libraries that parse and validate has changed since a build stored its
fact base, loading and validating again would give the same FactBase; the stored one is
that FactBase, pickled. Any change gives a new key, and the build loads and validates
as usual.

Only one is kept, in `.cache/sco-data/factbase.pickle`. It is written by the
build's background job after the exports, so a build does not wait for it; where the
job runs in-process (`mkdocs serve`), none is written. Being a pickle, it is trusted as
build output of this repository, like everything in `.cache/` (the pull-request
workflow restores `.cache/` only from this repository's own runs): never copy one in
from anywhere else.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .factbase import FactBase

VERSION = "1"  # bump when FactBase changes shape without a change to this package's source
FILE = "factbase.pickle"
PACKAGE = Path(__file__).resolve().parent
_KEY_BYTES = 64  # a hex SHA-256, written before the pickle


def key(data_dir: Path, root: Path) -> str:
    """A digest of everything a loaded fact base depends on: the data files' paths and bytes (stray
    `.yml` files too, since they are errors), this package's source, and the versions of Python,
    PyYAML and pydantic."""
    import pydantic
    import yaml

    digest = hashlib.sha256()
    for part in (VERSION, sys.version, yaml.__version__, pydantic.VERSION):
        digest.update(part.encode() + b"\0")
    for path in sorted(PACKAGE.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    files = sorted(p for p in data_dir.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    for path in files:
        rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
        raw = path.read_bytes()
        digest.update(f"{rel}\0{len(raw)}\0".encode() + raw)
    return digest.hexdigest()


def get(folder: Path | None, wanted: str) -> FactBase | None:
    """The stored fact base if it was stored under `wanted`; None otherwise (or if it is damaged)."""
    if folder is None:
        return None
    try:
        with open(folder / FILE, "rb") as fh:
            if fh.read(_KEY_BYTES).decode("ascii", "replace") != wanted:
                return None
            fb = pickle.loads(fh.read())
    except Exception:  # noqa: BLE001 - missing, damaged or from other code: load and validate instead
        return None
    from .factbase import FactBase

    return fb if isinstance(fb, FactBase) else None


def put(folder: Path | None, fb: FactBase) -> None:
    """Store `fb` under its key, replacing the one stored before (unless it is the same)."""
    if folder is None or not fb.key:
        return
    try:
        with open(folder / FILE, "rb") as fh:
            if fh.read(_KEY_BYTES) == fb.key.encode("ascii"):
                return
    except OSError:
        pass
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(fb.key.encode("ascii"))
            pickle.dump(fb, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / FILE)
        tmp = None
    except OSError:
        pass  # a fact base that cannot be stored only makes the next build slower
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
