"""Compiled page templates, kept between builds.

mkdocs-macros turns every page into a Jinja template with `Environment.from_string`,
on every build: compiling the site's pages costs about 50 ms, a quarter of what the
data layer adds to a build of the real site. Jinja's own bytecode cache covers only
templates read through a loader, so this keeps the compiled code of each page source
in `.cache/sco-pages/`, keyed by the source text and by everything that changes the
code Jinja generates from it (Jinja's and Python's versions, delimiters, whitespace
options, extensions). A page whose text changed is compiled again; a syntax error is
raised as before and never stored.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2

_SETTINGS = (
    "block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
    "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
    "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized", "is_async",
)


def fingerprint(env: jinja2.Environment) -> bytes:
    """What, besides the source, decides the code Jinja compiles a template to."""
    parts = [jinja2.__version__, sys.version]
    parts += [f"{name}={getattr(env, name)!r}" for name in _SETTINGS]
    parts.append("extensions=" + ",".join(sorted(env.extensions)))
    for name in ("autoescape", "finalize"):
        value = getattr(env, name)
        parts.append(f"{name}=" + (repr(value) if value is None or isinstance(value, bool)
                                   else f"{value.__module__}.{value.__qualname__}"))
    return "\0".join(parts).encode()


def install(env: jinja2.Environment, folder: Path) -> None:
    """Make `env.from_string` reuse compiled code from `folder` (templates from a loader are untouched)."""
    original = env.compile
    prefix = fingerprint(env)

    def compile(source: Any, name: str | None = None, filename: str | None = None, raw: bool = False,
                defer_init: bool = False) -> Any:
        if name is not None or filename is not None or raw or defer_init or not isinstance(source, str):
            return original(source, name, filename, raw, defer_init)
        path = folder / (hashlib.sha256(prefix + b"\0" + source.encode("utf-8", "surrogatepass")).hexdigest() + ".code")
        try:
            code = marshal.loads(path.read_bytes())
            if isinstance(code, CodeType):
                return code
        except (OSError, ValueError, EOFError, TypeError):
            pass  # not there, or damaged: compile it
        code = original(source)
        _store(path, marshal.dumps(code))
        return code

    env.compile = compile  # type: ignore[method-assign]


def _store(path: Path, blob: bytes) -> None:
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, path)
        tmp = None
    except OSError:
        pass  # a read-only checkout still builds, only slower
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
