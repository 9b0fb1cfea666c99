"""The loaded, validated fact base with the indexes renderers need.

`load()` reads and validates the data once; the FactBase it returns is
immutable and shared by every macro call of a build.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .cache import ParseCache
from .coldparse import parse_ahead
from .errors import DataError, Problem
from .loader import RawRecord, _rel, read_file, records_of, scan
from .schema import (
    Actor, EditorNote, Event, Fact, Figure, GlossaryEntry, Membership, Position, Quote, Record, Source, one_today,
)
from .validate import check, parse


class Located(NamedTuple):
    """Where a record lives: its file and line (for edit links and errors). A tuple: made for each of 103,300
    records at x100, about three times faster than a frozen dataclass."""

    file: str
    line: int


@dataclass
class FactBase:
    """Every record by kind and id, plus lookup indexes built once."""

    sources: dict[str, Source]
    actors: dict[str, Actor]
    quotes: dict[str, Quote]
    facts: dict[str, Fact]
    events: dict[str, Event]
    membership: dict[str, Membership]
    figures: dict[str, Figure]
    positions: dict[str, Position]
    glossary: dict[str, GlossaryEntry]
    notes: dict[str, EditorNote] = field(default_factory=dict)
    where: dict[tuple[str, str], Located] = field(default_factory=dict)
    order: dict[tuple[str, str], int] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.chapters = {c.id: c for s in self.sources.values() for c in s.chapters}
        self.quotes_by_source: dict[str, list[Quote]] = defaultdict(list)
        for quote in sorted(self.quotes.values(), key=lambda q: self.order.get(("quotes", q.id), 0)):
            self.quotes_by_source[quote.source].append(quote)  # in file order: the order of the article
        self.citers: dict[str, list[tuple[str, str]]] = defaultdict(list)
        # each source page lists its facts (in id order; a fact once per source): no scan of every fact per page
        self.facts_by_source: dict[str, list[Fact]] = defaultdict(list)
        for kind in ("facts", "events", "figures", "positions", "glossary"):
            for record in getattr(self, kind).values():
                cites = cites_of(record)
                for cite in cites:
                    self.citers[cite].append((kind, record.id))
                if kind == "facts":
                    for source in self._source_ids(cites):
                        self.facts_by_source[source].append(record)
        self.figures_by_metric: dict[str, list[Figure]] = defaultdict(list)
        for figure in self.figures.values():
            self.figures_by_metric[figure.metric].append(figure)
        # editor's notes by what they qualify: (kind, id) -> [(part or None, note)], in file order
        self.notes_on: dict[tuple[str, str], list[tuple[str | None, EditorNote]]] = defaultdict(list)
        for note in sorted(self.notes.values(), key=lambda n: self.order.get(("notes", n.id), 0)):
            for target in note.qualifies:
                self.notes_on[(target.kind, target.id)].append((target.part, note))
        self.disagreeing: dict[str, set[str]] = defaultdict(set)
        for fact in self.facts.values():
            for other in fact.disagrees_with:
                self.disagreeing[fact.id].add(other)
                self.disagreeing[other].add(fact.id)

    def counts(self) -> dict[str, int]:
        return {kind: len(getattr(self, kind)) for kind in (
            "sources", "actors", "quotes", "facts", "events", "membership", "figures", "positions", "glossary", "notes")}

    def notes_of(self, kind: str, record_id: str, part: str | None = None) -> list[EditorNote]:
        """Editor's notes qualifying a record: those on the whole record, or with `part`, those on that part."""
        return [note for p, note in self.notes_on.get((kind, record_id), ()) if p == part]

    def sources_of(self, record: Record) -> list[Source]:
        """The sources a record's cites come from, in id order."""
        return [self.sources[i] for i in self._source_ids(cites_of(record))]

    def _source_ids(self, cites: list[str]) -> list[str]:
        """The ids of the sources of these quote ids, sorted."""
        return sorted({self.quotes[c].source for c in cites if c in self.quotes})

    def newest_year(self) -> int:
        """The year of the newest source: the default "as of" year of membership views."""
        return int(self.newest_source().published[:4])

    def newest_source(self) -> Source:
        return max(self.sources.values(), key=lambda s: (s.published, s.id))


def cites_of(record: Record) -> list[str]:
    """Every quote id a record cites, in order, without repeats."""
    found: list[str] = list(getattr(record, "cites", []) or [])
    if isinstance(record, Position):
        for stance in record.stances:
            found.extend(stance.cites)
        found.extend(record.outcome_cites)
    if isinstance(record, Membership):
        for status in record.statuses:
            found.extend(status.cites)
    return list(dict.fromkeys(found))


def build(parsed: dict[str, list[tuple[Record, RawRecord]]], warnings: list[Problem]) -> FactBase:
    parsed = {k: v for k, v in parsed.items() if k != "invalid"}
    kinds = {kind: {rec.id: rec for rec, _ in sorted(items, key=lambda p: p[0].id)} for kind, items in parsed.items()}
    where: dict[tuple[str, str], Located] = {}
    order: dict[tuple[str, str], int] = {}
    for kind, items in parsed.items():
        for i, (rec, raw) in enumerate(items):
            key = (kind, rec.id)
            where[key] = Located(raw.file, raw.line)
            order[key] = i
    return FactBase(**kinds, where=where, order=order, warnings=warnings)


@dataclass
class _File:
    """One data file as last read: its bytes, its records checked against the schema, and their problems."""

    raw: bytes | None
    load_problems: list[Problem]
    parsed: dict[str, list[tuple[Record, RawRecord]]]
    schema_problems: list[Problem]


class Kept:
    """What `mkdocs serve` keeps in memory between rebuilds (never on disk): each data file's bytes with its
    records validated against the schema, and the last build's outcome with the files it came from.

    A rebuild whose data files are byte for byte the same (a docs-only edit) reuses the fact base, or raises
    the same errors, validating nothing. After a data edit only the changed files are parsed and checked
    against the schema (a record's schema check depends on that record alone); the cross-record checks
    run on every record, as in any build.
    """

    def __init__(self) -> None:
        self.files: dict[tuple[str, str], _File] = {}
        self.signature: list[object] | None = None
        self.outcome: FactBase | list[Problem] | None = None  # the fact base, or every problem found
        self.parsed_files = 0  # files parsed and validated by the last load (for tests and the benchmark)


#: Set by `mkdocs serve` (hooks.on_startup): the files and fact base kept between its rebuilds.
KEPT: Kept | None = None


def load(data_dir: Path, root: Path | None = None, cache_dir: Path | None = None, kept: Kept | None = None
         ) -> FactBase:
    """Load and validate the data; raise DataError listing every problem.

    With `cache_dir`, files whose bytes are unchanged are read from the parse cache there (see cache.py).
    With `kept` (`mkdocs serve`), unchanged files are not even validated again (see Kept).
    """
    root = root or data_dir.parent
    was_enabled = gc.isenabled()
    gc.disable()  # loading allocates many long-lived objects; the cyclic GC made it super-linear (3x at 100k records)
    try:
        with one_today():
            return _load(data_dir, root, cache_dir, kept if kept is not None else Kept())
    finally:
        if was_enabled:
            gc.enable()


def _load(data_dir: Path, root: Path, cache_dir: Path | None, kept: Kept) -> FactBase:
    files, problems = scan(data_dir, root)
    cache = ParseCache(cache_dir)
    current: dict[tuple[str, str], _File] = {}
    kept.parsed_files = 0
    read: list[tuple[str, str, bytes | None, list[Problem], _File | None]] = []  # with the file kept unchanged
    for kind, path in files:
        rel = _rel(path, root)
        raw, read_problems = read_file(path, rel)
        old = kept.files.get((kind, rel))
        read.append((kind, rel, raw, read_problems, old if raw is not None and old is not None and old.raw == raw
                     else None))
    early = parse_ahead({n: (kind, rel, raw) for n, (kind, rel, raw, _, old) in enumerate(read)
                         if raw is not None and old is None}, cache)
    for n, (kind, rel, raw, read_problems, old) in enumerate(read):
        if old is not None:
            current[(kind, rel)] = old
            continue
        records, load_problems = early.pop(n, None) or (
            records_of(raw, kind, rel, cache) if raw is not None else ([], read_problems))
        parsed, schema_problems = parse(records)
        current[(kind, rel)] = _File(raw, load_problems, parsed, schema_problems)
        kept.parsed_files += 1
    signature: list[object] = [problems, [(key, f.raw) for key, f in current.items()]]
    kept.files = current
    if kept.signature != signature or kept.outcome is None:
        kept.signature, kept.outcome = signature, None  # nothing of the last outcome is held while building anew
        kept.outcome = _validate(list(current.values()), problems, data_dir, root)
    if not isinstance(kept.outcome, FactBase):
        raise DataError(kept.outcome)
    return kept.outcome


def _validate(files: list[_File], problems: list[Problem], data_dir: Path, root: Path) -> FactBase | list[Problem]:
    """The fact base of files read and checked against the schema one by one: problems in the order one pass
    over all files gives (every file's loading problems, then every record's schema problems), then the
    cross-record checks over every record."""
    problems = problems + [p for f in files for p in f.load_problems] + [p for f in files for p in f.schema_problems]
    parsed, _ = parse([])  # an empty list for each kind, and for records that failed the schema
    for f in files:
        for kind, items in f.parsed.items():
            parsed[kind].extend(items)
    unread, dropped = _unreadable(problems, data_dir, root) if problems else ({}, {})
    cross = check(parsed, unread, dropped, root)
    problems += [p for p in cross if p.severity in ("error", "note")]
    if any(p.severity == "error" for p in problems):
        return problems
    return build(parsed, [p for p in cross if p.severity not in ("error", "note")])


def _unreadable(problems: list[Problem], data_dir: Path, root: Path
                ) -> tuple[dict[str, dict[str, tuple[str, int]]], dict[str, set[str]]]:
    """What the loader could not read: ids of files that failed to parse (from their `- id:` lines), by kind,
    with the place of the file's error; and ids of records refused whole. References to either are not
    reported one by one: the file's or the record's own error is the root cause."""
    from .hints import ids_in_text
    from .schema import KIND_NAMES

    kinds = {name: kind for kind, name in KIND_NAMES.items()}
    unread: dict[str, dict[str, tuple[str, int]]] = defaultdict(dict)
    dropped: dict[str, set[str]] = defaultdict(set)
    for problem in problems:
        if problem.kind and problem.record_id and not problem.field and problem.kind in kinds:
            dropped[kinds[problem.kind]].add(problem.record_id)  # a record the loader refused (tag, duplicate key)
            continue
        if problem.kind or not problem.message.startswith("YAML syntax error"):
            continue
        path = root / problem.file
        try:
            if path.is_symlink() or not path.resolve().is_relative_to(data_dir.resolve()):
                continue
            parts = path.relative_to(data_dir).parts
            text = path.read_text(encoding="utf-8", errors="replace")
        except (OSError, ValueError):
            continue
        kind = parts[0] if len(parts) > 1 else Path(parts[0]).stem
        for value in ids_in_text(text):
            unread[kind].setdefault(value, (problem.file, problem.line))
    return unread, dropped
