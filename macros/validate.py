"""Validate raw records against the schema, then across records.

Every problem is collected; nothing stops at the first. The result is either
a list of typed records per kind, or a DataError naming each `file:line`.
"""

from __future__ import annotations

import re
import types
import typing
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

from pydantic import BaseModel, TypeAdapter, ValidationError

from .errors import Problem
from .hints import closest, did_you_mean, template
from .loader import RawRecord
from .schema import KIND_NAMES, KINDS, Record

_HINTS = {
    "missing": "this field is required",
    "string_pattern_mismatch": "",
    "literal_error": "",
    "too_short": "",
    "string_too_short": "write some text or remove the field",
    "string_type": "quote the value",
    "list_type": "write a list, e.g. [a, b]",
    "float_parsing": "write a plain number without units or commas",
    "int_parsing": "write a year as a number",
    "finite_number": "write the number itself (.nan and .inf cannot be charted or compared)",
    "less_than_equal": "write it in a larger unit (millions, billions) and say so in the unit",
    "greater_than_equal": "write it in a larger unit (millions, billions) and say so in the unit",
}


def _field_name(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _field_names(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names allowed at `loc` inside a record of `model` (for "did you mean")."""
    tp: Any = model
    for part in loc:
        while True:  # unwrap Optional[...] and Annotated[...]
            origin, args = typing.get_origin(tp), typing.get_args(tp)
            if origin in (typing.Union, types.UnionType):
                tp = next(a for a in args if a is not type(None))
            elif origin is typing.Annotated:
                tp = args[0]
            else:
                break
        if isinstance(part, int):
            args = typing.get_args(tp)
            tp = args[0] if args else None
        elif isinstance(tp, type) and issubclass(tp, BaseModel) and part in tp.model_fields:
            tp = tp.model_fields[part].annotation
        else:
            return []
    while typing.get_origin(tp) in (typing.Union, types.UnionType):
        tp = next(a for a in typing.get_args(tp) if a is not type(None))
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [field.alias or name for name, field in tp.model_fields.items()]
    return []


def _message(err: dict[str, Any], kind_of_record: str = "", model: type[BaseModel] | None = None) -> tuple[str, str]:
    kind = err["type"]
    msg = err["msg"]
    where = template(kind_of_record) if kind_of_record else "the templates/ folder"
    if kind == "value_error":
        msg = msg.removeprefix("Value error, ")
    if kind == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern", "")
        if "a-z0-9" in pattern:
            return "not a kebab-case id", "use lowercase letters, digits and hyphens, e.g. 'sco-founded'"
        if "https?" in pattern:
            return "not an http(s) URL", "only http:// and https:// addresses are accepted"
    if kind == "extra_forbidden":
        loc = tuple(err["loc"])
        names = _field_names(model, loc[:-1]) if model is not None else []
        return "unknown field", did_you_mean(str(loc[-1]), names, f"check its spelling against {where}")
    if kind == "missing":
        return "required field is missing", f"add it; {where} shows every field"
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", err.get("ctx", {}).get("expected", ""))
        value = err.get("input")
        return msg, did_you_mean(value, allowed) if isinstance(value, str) else ""
    return msg, _HINTS.get(kind, "")


_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")

#: Top-level reference fields checked even on a record that fails the schema, so that one run reports them too.
RAW_REFS: dict[str, dict[str, str]] = {
    "quotes": {"source": "sources", "speaker": "actors"},
    "facts": {"cites": "quotes", "actors": "actors", "disagrees_with": "facts"},
    "events": {"cites": "quotes", "actors": "actors"},
    "figures": {"cites": "quotes", "actors": "actors"},
    "glossary": {"cites": "quotes", "see": "glossary", "actor": "actors"},
    "membership": {"state": "actors"},
}


@lru_cache(maxsize=None)
def _all_of(kind: str) -> TypeAdapter[list[Any]]:
    """A validator of a list of records of `kind`, made once."""
    return TypeAdapter(list[KINDS[kind]])  # type: ignore[index]


def parse(raw: Iterable[RawRecord]) -> tuple[dict[str, list[tuple[Record, RawRecord]]], list[Problem]]:
    """Validate each raw record against its model; records that fail are kept in `parsed["invalid"]`.

    The records of one kind (one file's, as the loader calls it) are first validated as one list, in a single
    call into pydantic-core (about a fifth faster than one call per record at x100); if any of them fails, each
    record is validated again on its own, so that the problems are those, and in the order, one by one gives."""
    parsed: dict[str, list[tuple[Record, RawRecord]]] = {kind: [] for kind in KINDS}
    parsed["invalid"] = []
    records = list(raw)
    kinds = {rec.kind for rec in records}
    if len(kinds) == 1:
        kind = kinds.pop()
        try:
            parsed[kind].extend(zip(_all_of(kind).validate_python([rec.data for rec in records]), records))
            return parsed, []
        except ValidationError:
            pass  # each record again on its own, below, for its own problems
    problems: list[Problem] = []
    for rec in records:
        model = KINDS[rec.kind]
        try:
            parsed[rec.kind].append((model.model_validate(rec.data), rec))
        except ValidationError as exc:
            parsed["invalid"].append((None, rec))  # type: ignore[arg-type]
            for err in exc.errors():
                loc = tuple(err["loc"])
                if loc and loc[-1] == "from_":
                    loc = loc[:-1] + ("from",)
                message, hint = _message(err, rec.kind, model)
                problems.append(Problem(rec.file, rec.line_of(loc), KIND_NAMES[rec.kind], rec.id,
                                        _field_name(loc), message, hint))
    return parsed, problems


class _Checker:
    """Cross-record rules over parsed records."""

    def __init__(self, parsed: dict[str, list[tuple[Record, RawRecord]]],
                 unread: dict[str, dict[str, tuple[str, int]]] | None = None,
                 dropped: dict[str, set[str]] | None = None, root: Path | None = None) -> None:
        self.parsed = parsed
        self.unread = unread or {}  # ids a file that failed to parse would define: kind -> id -> (file, line)
        self.dropped = dropped or {}  # ids of records refused whole (their own error is reported): kind -> ids
        self.root = root
        self.skipped: dict[tuple[str, int], int] = defaultdict(int)  # references into an unread file, by file
        self.problems: list[Problem] = []
        self.ids: dict[str, dict[str, RawRecord]] = defaultdict(dict)
        self.records: dict[str, dict[str, Any]] = defaultdict(dict)

    def add(self, raw: RawRecord, path: tuple[Any, ...], message: str, hint: str = "", severity: str = "error") -> None:
        self.problems.append(Problem(raw.file, raw.line_of(path), KIND_NAMES[raw.kind], raw.id,
                                     _field_name(path), message, hint, severity))

    def unique_ids(self) -> None:
        for kind, items in self.parsed.items():
            if kind == "invalid":
                continue
            for rec, raw in items:
                first = self.ids[kind].get(rec.id)
                if first is not None:
                    old, new = self._older_newer(first, raw)
                    self.add(new, ("id",), f"duplicate id (also at {old.file}:{old.line})",
                             f"ids are unique within a record kind: give the new {KIND_NAMES[kind]} another id")
                    if new is first:  # the record read first is the one just added: keep the older one as known
                        self.ids[kind][rec.id] = raw
                        self.records[kind][rec.id] = rec
                else:
                    self.ids[kind][rec.id] = raw
                    self.records[kind][rec.id] = rec
        for _, raw in self.parsed["invalid"]:  # known ids, so references to them do not cascade
            if raw.id:
                self.ids[raw.kind].setdefault(raw.id, raw)
        for kind, ids in self.dropped.items():
            for value in ids:
                self.ids[kind].setdefault(value, None)  # type: ignore[arg-type]
        for source, raw in self.items("sources"):
            for chapter in source.chapters:
                first = self.ids["chapters"].get(chapter.id)
                if first is not None:
                    self.add(raw, ("chapters",), f"duplicate chapter id {chapter.id!r} (also at {first.file}:{first.line})",
                             "chapter ids must be unique across sources")
                else:
                    self.ids["chapters"][chapter.id] = raw

    def _older_newer(self, first: RawRecord, second: RawRecord) -> tuple[RawRecord, RawRecord]:
        """The two records with one id, the one added last second: by git history where it tells, else load order."""
        from .history import newer

        return (second, first) if self.root is not None and newer(first, second, self.root) is first else (first, second)

    def items(self, kind: str) -> list[tuple[Any, RawRecord]]:
        return self.parsed[kind]

    def ref(self, raw: RawRecord, path: tuple[Any, ...], value: str | None, kind: str,
            accept: Callable[[Any], bool] | None = None, what: str = "") -> None:
        if value is None:
            return
        if value in self.ids[kind]:
            target = self.ids[kind][value]
        elif value in self.unread.get(kind, {}):
            self.skipped[self.unread[kind][value]] += 1  # into a file that failed to parse: summarised once
            return
        else:
            match = closest(value, self.ids[kind])
            self.add(raw, path, f"unknown {KIND_NAMES.get(kind, kind.rstrip('s'))} id {value!r}",
                     f"did you mean {match!r}?" if match else
                     f"no {kind} record has this id: check the spelling or add it to data/{kind}")
            return
        if target is not None and accept is not None and value in self.records[kind]:
            if not accept(self.records[kind][value]):
                self.add(raw, path, f"{value!r} is not {what}", "")

    def refs(self, raw: RawRecord, field: str, values: list[str], kind: str, **kw: Any) -> None:
        known = self.ids[kind]
        for i, value in enumerate(values):
            if kw or value not in known:  # a known id with nothing more to accept is fine: 319,000 calls at x100
                self.ref(raw, (field, i), value, kind, **kw)

    def run(self) -> list[Problem]:
        self.unique_ids()
        sources = {s.id: s for s, _ in self.items("sources")}
        for source, raw in self.items("sources"):
            for i, affiliation in enumerate(source.affiliations):
                if affiliation.author not in source.authors:
                    self.add(raw, ("affiliations", i, "author"), f"{affiliation.author!r} is not one of the source's authors",
                             "write the name exactly as in `authors`")
        for quote, raw in self.items("quotes"):
            self.ref(raw, ("source",), quote.source, "sources")
            self.ref(raw, ("speaker",), quote.speaker, "actors")
            source = sources.get(quote.source)
            if source is not None:
                chapters = {c.id for c in source.chapters}
                if chapters and quote.chapter is None:
                    self.add(raw, ("source",), f"source {source.id!r} has chapters: name the chapter",
                             "add chapter: one of " + ", ".join(sorted(chapters)))
                elif quote.chapter is not None and quote.chapter not in chapters:
                    self.add(raw, ("chapter",), f"{quote.chapter!r} is not a chapter of {source.id!r}",
                             "chapters: " + (", ".join(sorted(chapters)) or "none"))
        for fact, raw in self.items("facts"):
            self.refs(raw, "cites", fact.cites, "quotes")
            self.refs(raw, "actors", fact.actors, "actors")
            self.refs(raw, "disagrees_with", fact.disagrees_with, "facts")
            if fact.id in fact.disagrees_with:
                self.add(raw, ("disagrees_with",), "a fact cannot disagree with itself")
            self._dates_ordered(raw, fact.date, fact.as_of)
        for event, raw in self.items("events"):
            self.refs(raw, "cites", event.cites, "quotes")
            self.refs(raw, "actors", event.actors, "actors")
        for figure, raw in self.items("figures"):
            self.refs(raw, "cites", figure.cites, "quotes")
            self.refs(raw, "actors", figure.actors, "actors")
        for entry, raw in self.items("glossary"):
            self.refs(raw, "cites", entry.cites, "quotes")
            self.refs(raw, "see", entry.see, "glossary")
            self.ref(raw, ("actor",), entry.actor, "actors")
        for position, raw in self.items("positions"):
            for i, stance in enumerate(position.stances):
                self.ref(raw, ("stances", i, "actor"), stance.actor, "actors")
                for j, cite in enumerate(stance.cites):
                    self.ref(raw, ("stances", i, "cites", j), cite, "quotes")
            self.refs(raw, "outcome_cites", position.outcome_cites, "quotes")
            if position.outcome_cites and not position.outcome:
                self.add(raw, ("outcome_cites",), "outcome_cites without an outcome", "write the outcome or drop its cites")
        for membership, raw in self.items("membership"):
            self.ref(raw, ("state",), membership.state, "actors",
                     accept=lambda a: a.kind == "state", what="an actor of kind state")
            self._intervals(membership, raw)
        for note, raw in self.items("notes"):
            self._note(note, raw)
        for _, raw in self.parsed["invalid"]:
            self._raw_refs(raw)
        for (file, line), count in sorted(self.skipped.items()):
            self.problems.append(Problem(file, line, message=f"{count} reference{'s' if count != 1 else ''} into "
                                         f"{file} not checked: fix its syntax error first", severity="note"))
        from .rules import apply as apply_rules

        apply_rules(self)
        return self.problems

    def _note(self, note: Any, raw: RawRecord) -> None:
        """An editor's note qualifies records that exist, and parts of them that exist."""
        seen: set[tuple[str, str, str | None]] = set()
        for i, target in enumerate(note.qualifies):
            path = ("qualifies", i)
            key = (target.kind, target.id, target.part)
            if key in seen:
                self.add(raw, path, f"{target.kind} {target.id!r} is qualified twice", "list each target once")
            seen.add(key)
            self.ref(raw, path + ("id",), target.id, target.kind)
            record = self.records[target.kind].get(target.id)
            if target.part is None or record is None:
                continue
            if target.kind == "positions":
                parts = ["summary"] + (["outcome"] if record.outcome else []) + [f"stance:{s.actor}" for s in record.stances]
            elif target.kind == "membership":
                parts = [f"status:{s.from_}" for s in record.statuses]
            else:
                self.add(raw, path + ("part",), f"a {KIND_NAMES[target.kind]} has no parts",
                         "leave `part` out: the note qualifies the whole record")
                continue
            if target.part not in parts:
                self.add(raw, path + ("part",), f"{target.part!r} is not a part of {target.kind} {target.id!r}",
                         "parts: " + ", ".join(parts))
        newest = max((r.date for r in note.references), default=None)
        if note.as_of and newest and note.as_of[: len(newest)] < newest[: len(note.as_of)]:
            self.add(raw, ("as_of",), f"as_of {note.as_of} is before the newest reference ({newest})",
                     "as_of is the date of the newest reference the note rests on")

    def _raw_refs(self, raw: RawRecord) -> None:
        """References of a record that failed the schema, where they are plain ids (a value that is not an id
        at all has its schema error already: it is not reported twice)."""
        for field, kind in RAW_REFS.get(raw.kind, {}).items():
            value = raw.data.get(field)
            if isinstance(value, str):
                if _ID.fullmatch(value):
                    self.ref(raw, (field,), value, kind)
            elif isinstance(value, list) and all(isinstance(v, str) for v in value):
                for i, item in enumerate(value):
                    if _ID.fullmatch(item):
                        self.ref(raw, (field, i), item, kind)

    def _dates_ordered(self, raw: RawRecord, date: str | None, as_of: str | None) -> None:
        if date and as_of and as_of[: len(date)] < date[: len(as_of)]:
            self.add(raw, ("as_of",), f"as_of {as_of} is before the date {date}", "as_of is when the claim held")

    def _intervals(self, membership: Any, raw: RawRecord) -> None:
        previous = None
        for i, status in enumerate(membership.statuses):
            if status.to is not None and status.to < status.from_:
                self.add(raw, ("statuses", i, "to"), f"interval runs backwards ({status.from_} to {status.to})",
                         "'to' is the year the status ended; it cannot precede 'from'")
            for j, cite in enumerate(status.cites):
                self.ref(raw, ("statuses", i, "cites", j), cite, "quotes")
            if previous is not None:
                if previous.to is None:
                    self.add(raw, ("statuses", i, "from"), f"{previous.status} (from {previous.from_}) has no end, so "
                             f"{status.status} from {status.from_} overlaps it", "give the earlier status a 'to' year")
                elif status.from_ < previous.to:
                    self.add(raw, ("statuses", i, "from"), f"{status.status} from {status.from_} overlaps "
                             f"{previous.status} ({previous.from_} to {previous.to})",
                             "statuses are in time order; a status may start in the year the previous one ended")
            previous = status


def check(parsed: dict[str, list[tuple[Record, RawRecord]]],
          unread: dict[str, dict[str, tuple[str, int]]] | None = None,
          dropped: dict[str, set[str]] | None = None, root: Path | None = None) -> list[Problem]:
    """Run the cross-record rules; return every problem found.

    `unread` holds the ids of files that failed to parse: references to them are summarised, one note per file,
    instead of one "unknown id" each. `dropped` holds ids of records refused whole. With `root` (a git checkout),
    a duplicate id is reported at the record added last.
    """
    return _Checker(parsed, unread, dropped, root).run()
