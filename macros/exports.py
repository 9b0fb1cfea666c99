"""Data for reuse: JSON, tidy CSV tables with their Data Package, JSON-LD, the JSON Schemas and the feed.

Written by the build (see hooks.on_files and hooks.on_env) into the site's `data/` and `schema/` folders, so
researchers can reuse the fact base without scraping HTML. Every file is a function of the
fact base, the history and the config: two builds of one commit write the same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .dataset import (
    CSV_ZIP_NAME, EXPORT_DIR, FEED_NAME, JSON_NAME, JSONLD_NAME, OFFLINE_ZIP_PATH, PACKAGE_NAME, SCHEMA_DIR,
    DatasetInfo,
)
from .factbase import FactBase
from .changelog import History
from .schema import KINDS, SCHEMA_VERSION, Record
from .tables import Column, Table, tables, value_of

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
#: The JSON Schemas `make schema` writes from macros/schema.py; the site publishes these very files.
SCHEMA_SOURCE = Path(__file__).resolve().parent.parent / "schema"

#: Characters that make a spreadsheet read a cell as a formula (OWASP's list; the full-width forms
#: too, which some spreadsheets read the same way).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_FORMULA = frozenset(FORMULA_START)
_GUARDED = _FORMULA | {"'"}  # the first characters safe_text may change a text for: any other is left as it is


def safe_text(text: str) -> str:
    """A text cell a spreadsheet shows as text: one that starts like a formula gets a `'` before it.

    A real number ("-12.5") is left alone: spreadsheets read it as that number, which runs nothing.
    So that the rule can be undone, a cell that already starts with `'` followed by such a
    character gets one more: remove one leading `'` from any cell that starts with `'` and then
    (after any more `'`) one of FORMULA_START, and the value is back (`unsafe_text`).
    """
    first = text[:1]
    if first in _FORMULA and not _NUMBER.fullmatch(text):
        return "'" + text
    if first == "'" and text.lstrip("'")[:1] in _FORMULA:
        return "'" + text
    return text


def unsafe_text(cell: str) -> str:
    """The value `safe_text` was given."""
    if cell[:1] == "'" and cell.lstrip("'")[:1] in FORMULA_START:
        return cell[1:]
    return cell


def record_dict(record: Record) -> dict[str, Any]:
    """A record as plain JSON data, with field names as in the YAML (e.g. `from`)."""
    return record.model_dump(mode="json", by_alias=True, exclude_defaults=False)


def json_chunks(fb: FactBase, commit: str, history: History | None = None) -> Iterator[bytes]:
    """The JSON export in pieces, as UTF-8 bytes: every record by kind, one record per line (readable diffs), with
    the schema version, the commit and, per record, the date it last changed (where the history is known).

    Each record is serialised by pydantic-core's serializer straight to UTF-8 (what `model_dump_json` then decodes
    to a str), which writes the same compact JSON as
    `json.dumps(record_dict(r), separators=(",", ":"), ensure_ascii=False)` several times faster than building the
    dicts first. The pieces go to the file as they come (`write_file`): joined, the 50 MB of the x100 data were
    copied twice more, and in the forked child that writes the downloads every new page of memory is a page fault
    (at x100, 0.84-1.06 CPU-s for this file joined, 0.57-0.65 in pieces, 2026-12-05).
    """
    meta: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "commit": commit, "counts": fb.counts()}
    if history is not None:
        meta["last_changed"] = {kind: {i: d for i in getattr(fb, kind) if (d := history.changed_on(kind, i))}
                                for kind in KINDS}
        if not history.available:
            meta["history_unavailable"] = history.reason
    head = json.dumps(meta, ensure_ascii=False)
    yield (head[:-1] + ', "records": {').encode("utf-8")
    for n, kind in enumerate(KINDS):
        yield b'%s"%s":[\n' % (b",\n" if n else b"", kind.encode("utf-8"))
        between = b""
        for r in getattr(fb, kind).values():
            yield between
            yield r.__pydantic_serializer__.to_json(r, by_alias=True)
            between = b",\n"
        yield b"\n]"
    yield b"}}\n"


# -- CSV --------------------------------------------------------------------------------------------
def cell(value: Any) -> str:
    """One value as one CSV cell: numbers as numbers (5, not 5.0), booleans true/false, text made safe."""
    if type(value) is str:  # most cells (1.1 million of 1.9 million at x100), and most of those start plainly
        return safe_text(value) if value[:1] in _GUARDED else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    return safe_text(str(value))


@dataclass(frozen=True)
class Derived:
    """A column computed from the data, not a field of the schema (the round trip ignores it)."""

    column: Column
    value: Callable[[FactBase, History, Any], Any]


def derived_columns(kind: str) -> list[Derived]:
    """The extra columns of a record kind's table: when each record last changed; on quotes, the licence."""
    found = [Derived(Column("last_changed", {
        "type": "date", "description": "Derived: the date of the last commit that added or changed the record "
        "(empty where the build had no history)."}), lambda fb, h, r: h.changed_on(kind, r.id))]
    if kind == "quotes":
        found.insert(0, Derived(Column("licence", {
            "type": "string", "description": "Derived: the licence of the quote's source; the rights to the "
            "quote stay with its authors."}), lambda fb, h, r: fb.sources[r.source].licence))
    return found


def as_csv(fb: FactBase, table: Table, history: History) -> str:
    """One table as CSV: a header, then a row per item, read from the records' attributes."""
    extra = derived_columns(table.name) if table.parent is None else []
    out = io.StringIO()
    # RFC 4180's CRLF: the csv module then quotes every cell holding a CR or LF. With "\n" alone, a
    # bare CR stayed unquoted, and spreadsheets break the row there: "x\r=1+1" gave a cell "=1+1".
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.header + [d.column.name for d in extra])
    columns = table.columns
    assert table.rows is not None
    writer.writerows([cell(k) for k in keys] + [cell(value_of(item, c)) for c in columns]
                     + [cell(d.value(fb, history, item)) for d in extra]
                     for keys, item in table.rows(fb))
    return out.getvalue()


# -- the Data Package -------------------------------------------------------------------------------
def data_package(fb: FactBase, info: DatasetInfo, csvs: dict[str, bytes]) -> dict[str, Any]:
    """The Frictionless Data Package describing the CSV files (`csvs`: name -> bytes)."""
    from .dataset import LICENCE, QUOTES_NOTE

    resources = []
    for table in tables():
        data = csvs[table.name]
        extra = [d.column for d in derived_columns(table.name)] if table.parent is None else []
        resource: dict[str, Any] = {
            "name": table.name, "path": f"{table.name}.csv", "profile": "tabular-data-resource",
            "title": table.name.replace("_", " "), "description": table.description,
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
            "schema": table.table_schema(extra),
        }
        if table.name == "quotes":
            resource["licenses"] = [{
                "title": f"{s.title} ({', '.join(s.authors)}): {s.licence}",
                "path": info.page(f"sources/{s.id}.md"),
            } for s in fb.sources.values()]
        resources.append(resource)
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": info.name, "id": info.iri, "title": info.title, "description": info.description + " " + QUOTES_NOTE,
        "homepage": info.landing_page, "version": info.version,
        "licenses": [dict(LICENCE)],
        "sources": [{"title": f"{', '.join(s.authors)}: {s.title} ({s.outlet}, {s.published})",
                     "path": s.url or info.page(f"sources/{s.id}.md")} for s in fb.sources.values()],
        "contributors": [{"title": info.creator, "role": "author", "path": info.repository or info.url("")}],
        "keywords": ["Shanghai Cooperation Organisation", "SCO", "Russia", "China", "Central Asia", "quotations"],
        "resources": resources,
    }
    if info.modified:
        package["created"] = info.modified
    if info.commit != "unknown":
        package["commit"] = info.commit
    return package


# -- writing ----------------------------------------------------------------------------------------
@dataclass
class Exports:
    """Everything the export job needs, gathered in the build process before the fork."""

    fb: FactBase
    history: History
    info: DatasetInfo
    shown_on: dict[str, list[str]] = field(default_factory=dict)
    quote_pages: dict[str, str] = field(default_factory=dict)
    feed: str = ""  # the Atom feed, rendered by changes.feed
    offline_zip: Path | None = None  # a current offline copy to publish beside the site


def write_exports(fb: FactBase, site_dir: Path, commit: str, site_url: str = "",
                  shown_on: dict[str, list[str]] | None = None, quote_pages: dict[str, str] | None = None,
                  exports: Exports | None = None) -> None:
    """Write every export into `site_dir` (see the module docstring): the data files, then those that say
    which page shows which record."""
    if exports is None:  # without a build's context: no history, the address given
        exports = Exports(fb, History(False, "not read"), _bare_info(site_url, commit), shown_on or {}, quote_pages or {})
    write_data_exports(site_dir, commit, exports)
    write_page_exports(site_dir, exports)


def write_data_exports(site_dir: Path, commit: str, exports: Exports) -> None:
    """The exports that depend on the data alone: JSON, the CSV tables, their Data Package and zip, the JSON
    Schemas and the offline copy. A build starts them before it converts any page (hooks.on_files)."""
    fb, info = exports.fb, exports.info
    folder = site_dir / EXPORT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    write_file(folder / JSON_NAME, json_chunks(fb, commit, exports.history))
    csvs = {t.name: as_csv(fb, t, exports.history).encode("utf-8") for t in tables()}
    for name, data in csvs.items():
        write_file(folder / f"{name}.csv", data)
    package = (json.dumps(data_package(fb, info, csvs), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    write_file(folder / PACKAGE_NAME, package)
    write_file(folder / CSV_ZIP_NAME, _zip({PACKAGE_NAME: package, **{f"{n}.csv": d for n, d in csvs.items()}}, "sco-explainer"))
    schemas = site_dir / SCHEMA_DIR
    schemas.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        write_file(schemas / f"{kind}.schema.json", schema_bytes(kind))
    if exports.offline_zip is not None:
        (site_dir / OFFLINE_ZIP_PATH).parent.mkdir(parents=True, exist_ok=True)
        write_file(site_dir / OFFLINE_ZIP_PATH, exports.offline_zip.read_bytes())


def write_page_exports(site_dir: Path, exports: Exports) -> None:
    """The exports that name the pages records are shown on: the dataset's JSON-LD and the feed. A build writes
    them once every page is converted (hooks.on_env)."""
    from .linkeddata import dataset_json_ld, dataset_node, distributions

    fb, info = exports.fb, exports.info
    folder = site_dir / EXPORT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    node = dataset_node(info, fb, distributions(info, exports.offline_zip is not None))
    write_file(folder / JSONLD_NAME, dataset_json_ld(fb, info, exports.shown_on, exports.quote_pages, node))
    if exports.feed:
        write_file(site_dir / FEED_NAME, exports.feed.encode("utf-8"))


def schema_bytes(kind: str) -> bytes:
    """A kind's JSON Schema as published: the committed file editors' tools read (a test keeps it equal to the
    models), else (a copy of the project without schema/) made from the models as `make schema` makes it."""
    try:
        return (SCHEMA_SOURCE / f"{kind}.schema.json").read_bytes()
    except FileNotFoundError:
        from .schema_export import schema_text

        return schema_text(kind).encode("utf-8")


def _bare_info(site_url: str, commit: str) -> DatasetInfo:
    from .links import SiteLinks

    return DatasetInfo("SCO Explainer", "", site_url.rstrip("/") + "/" if site_url else "", SiteLinks(), None, "main",
                       commit, None)


def write_file(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write `path`, from bytes or from pieces of bytes, whole or not at all: `mkdocs serve` writes the downloads
    (and then the Data page's sizes) while it answers requests, and a file written in place was, for a moment,
    empty or cut short to a reader. A piece that fails to come (an error while making it) leaves the old file."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with tmp.open("wb") as out:
            if isinstance(data, bytes):
                out.write(data)
            else:
                out.writelines(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _zip(files: dict[str, bytes], folder: str) -> bytes:
    """A zip whose bytes depend only on its files: fixed dates, entries in the order given."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            entry = zipfile.ZipInfo(f"{folder}/{name}", ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            zf.writestr(entry, data)
    return out.getvalue()
