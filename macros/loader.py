"""Read the YAML files under data/ into plain records that remember their lines.

The contract: whatever bytes a data file holds and whatever the folder holds, the loader
returns records and `Problem`s, nothing else. Only regular files inside data/ are read,
with a size limit, without following a link out of data/ and without waiting on a pipe;
every file or folder it does not read is reported. PyYAML's own constructors keep the
last of two duplicate keys and build any object a tag names, and its composer builds the
whole node tree (recursively, in C) before any check; so this loader builds plain values
from the parser's events itself, counting values and nesting as it goes, and rejects
duplicate keys, anchors and aliases, object tags, invalid tagged values and numbers that
are not finite, each at its line. A file in the data files' plain block style is read by
`plainyaml` instead, which gives the same records or leaves the file to this parser.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    AliasEvent, CollectionStartEvent, DocumentStartEvent, Event, MappingEndEvent, MappingStartEvent, ScalarEvent,
    SequenceEndEvent, SequenceStartEvent, StreamEndEvent,
)
from yaml.nodes import ScalarNode

from . import plainyaml
from .cache import ParseCache
from .errors import Problem
from .schema import KIND_NAMES, KINDS

try:  # libyaml is ~6x faster; PyYAML's wheels ship it
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - pure-Python fallback
    _Loader = yaml.SafeLoader

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NODES = 200_000  # about a 5 MB file of values as dense as the real data
MAX_DEPTH = 16  # nested lists and mappings; a record needs five (statuses[].cites[])
MAX_DIGITS = 15  # a whole number with more digits is not exact as a JSON or spreadsheet number

_SEQ, _MAP = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_STR, _TIMESTAMP, _MERGE = "tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:merge"
_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_BOOL, _NULL = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"
_constructor = yaml.constructor.SafeConstructor()
_NULLS = {"", "~", "null", "Null", "NULL"}
#: First characters of a plain scalar for which one of PyYAML's implicit resolvers may give a tag other than str
#: (a number, bool, null, timestamp, merge key...); a plain scalar starting with anything else is a string.
_RESOLVED_BY_FIRST = frozenset(_Loader.yaml_implicit_resolvers)
_ALIASES = ("anchors and aliases (&name / *name) are not allowed", "write the value out in full")

class RawRecord:
    """One record as read: its values, its file, its line, and the line of each field path.

    The field lines are found when an error message first asks for one (a valid record never
    does): the record keeps its file (`_FileLines`, shared by the file's records) and its place
    among the file's records, and the file is parsed again once, noting the line of every field.
    `scans` holds what the rules found in its texts when the file was parsed (rules.scans_of),
    kept in the parse cache with the record; None where the rules search the texts themselves.
    """

    __slots__ = ("kind", "file", "data", "line", "_lines", "_source", "_index", "scans")

    def __init__(self, kind: str, file: str, data: Any, lines: dict[tuple[Any, ...], int] | None = None, *,
                 line: int | None = None, source: _FileLines | None = None, index: int = 0,
                 scans: dict[str, dict[str, list[str]]] | None = None) -> None:
        self.kind, self.file, self.data = kind, file, data
        self._lines = lines
        self._source, self._index = source, index
        self.scans = scans
        self.line = line if line is not None else (lines or {}).get((), 1)

    @property
    def lines(self) -> dict[tuple[Any, ...], int]:
        if self._lines is None:
            self._lines = self._source.of(self._index) if self._source is not None else {}
            self._source = None
        return self._lines

    @property
    def id(self) -> str:
        value = self.data.get("id") if isinstance(self.data, dict) else None
        return value if isinstance(value, str) else ""

    def line_of(self, path: tuple[Any, ...]) -> int:
        """Line of the deepest known prefix of `path`."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return self.line


class _FileLines:
    """A data file's bytes, parsed again noting every field's line the first time one of its records asks."""

    __slots__ = ("raw", "kind", "rel", "_lines")

    def __init__(self, raw: bytes, kind: str, rel: str) -> None:
        self.raw, self.kind, self.rel = raw, kind, rel
        self._lines: list[dict[tuple[Any, ...], int]] | None = None

    def of(self, index: int) -> dict[tuple[Any, ...], int]:
        """The field lines of the record at `index` among the file's records."""
        if self._lines is None:
            text, _ = _decode(self.raw, self.rel)
            records = _parse(text, self.kind, self.rel, True)[0] if text is not None else []
            self._lines = [r.lines for r in records]
        return self._lines[index] if index < len(self._lines) else {}


class _Abort(Exception):
    """A limit was reached: the file is refused whole, at the line where its parser was."""

    def __init__(self, line: int, message: str, hint: str) -> None:
        super().__init__(message)
        self.line, self.message, self.hint = line, message, hint


class _Builder:
    """Builds plain values from a parser's events, recording the line of every field path.

    Limits are applied as the events arrive: the file is refused once it holds more than
    MAX_NODES values or nests deeper than MAX_DEPTH, before the rest is even parsed. A problem
    inside a record is noted (the first one counts) and the record is read to its end without
    building it, so that the next record starts in the right place and its id is known.
    """

    def __init__(self, parser: Any) -> None:
        self.parser = parser
        self.nodes = 0
        self.error: tuple[int, str, str] | None = None
        self.keys: dict[str, str] = {}  # plain untagged keys already read in this file, by their text

    def fail(self, event: Event, message: str, hint: str = "") -> None:
        if self.error is None:
            self.error = (event.start_mark.line + 1, message, hint)

    def count(self, event: Event, depth: int) -> None:
        self.nodes += 1
        self.limit(event, depth)

    def limit(self, event: Event, depth: int) -> None:
        """Refuse the file once it holds too many values or nests too deep (see the class)."""
        if self.nodes > MAX_NODES:
            raise _Abort(event.start_mark.line + 1, f"more than {MAX_NODES:,} values in one file",
                         "split it into several files in a folder")
        if depth > MAX_DEPTH and isinstance(event, CollectionStartEvent):
            raise _Abort(event.start_mark.line + 1, f"values nested more than {MAX_DEPTH} levels deep",
                         "check the indentation and brackets: a record needs only a few levels")

    def value(self, event: Event, lines: dict[tuple[Any, ...], int] | None, path: tuple[Any, ...], depth: int) -> Any:
        """The value that starts with `event`, its events consumed; None where it has a problem. Where `lines` is a
        dict, the line of `path` and of every path below it is noted in it; None notes nothing (see parse_bytes).

        The common cases (an untagged scalar, a list, a mapping, no anchor) are tested by exact type first:
        this runs once per value, 1.2 million times for the ×100 benchmark's data."""
        kind = type(event)
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            self.limit(event, depth)
        if event.anchor is not None or kind is AliasEvent:
            self.fail(event, *_ALIASES)
            if kind is AliasEvent:
                return None
        if lines is not None and path not in lines:
            lines[path] = event.start_mark.line + 1
        if kind is ScalarEvent:
            if event.tag is None:
                text = event.value
                if not event.implicit[0] or (text and text[0] not in _RESOLVED_BY_FIRST):
                    return text  # quoted, or plain and no implicit tag can match: a string
            return self.scalar(event)
        get = self.parser.get_event
        if kind is SequenceStartEvent:
            if event.tag not in (None, "!", _SEQ):
                self.fail(event, f"the tag {event.tag} is not allowed",
                          "data files hold plain strings, numbers, lists and mappings only")
            items: list[Any] = []
            if lines is None:
                while type(item := get()) is not SequenceEndEvent:
                    items.append(self.value(item, None, path, depth + 1))
            else:
                while type(item := get()) is not SequenceEndEvent:
                    items.append(self.value(item, lines, path + (len(items),), depth + 1))
            return items
        assert kind is MappingStartEvent
        if event.tag not in (None, "!", _MAP):
            self.fail(event, f"the tag {event.tag} is not allowed",
                      "data files hold plain strings, numbers, lists and mappings only")
        result: dict[Any, Any] = {}
        keys = self.keys
        while type(key_event := get()) is not MappingEndEvent:
            plain = type(key_event) is ScalarEvent and key_event.tag is None and key_event.implicit[0]
            key = keys.get(key_event.value) if plain and key_event.anchor is None else None
            if key is None:
                key = self.key(key_event, depth)
                if plain and type(key) is str:
                    keys[key_event.value] = key  # a plain word read before: the same text is the same key
            else:
                self.count(key_event, depth + 1)
            value_event = get()
            if key is _NO_KEY or key in result:
                if key is not _NO_KEY:
                    self.duplicate(key_event, key, lines.get(path + (key,), 0) if lines is not None else 0)
                self.value(value_event, None, (), depth + 1)
                continue
            if lines is None:
                result[key] = self.value(value_event, None, path, depth + 1)
            else:
                at = path + (key,)
                lines[at] = key_event.start_mark.line + 1
                result[key] = self.value(value_event, lines, at, depth + 1)
        return result

    def duplicate(self, event: Event, key: Any, first: int) -> None:
        if key == "id":  # two records run together: the second lost its '- '
            self.fail(event, f"a second 'id' in one record (the first is on line {first}): "
                             "is the '- ' missing before this 'id:'?", "each record starts with '- id: ...'")
        else:
            self.fail(event, f"duplicate key {key!r} (first on line {first})",
                      "YAML would silently keep only the last value: remove one")

    def key(self, event: Event, depth: int) -> Any:
        """A mapping's key (its events consumed), or _NO_KEY where it has a problem."""
        if not isinstance(event, ScalarEvent):
            if not isinstance(event, AliasEvent):
                self.fail(event, "a mapping key must be a plain word", "")
            self.value(event, None, (), depth + 1)
            return _NO_KEY
        self.count(event, depth + 1)
        if event.anchor is not None:
            self.fail(event, *_ALIASES)
            return _NO_KEY
        tag = self.tag(event)
        if tag == _MERGE or event.value == "<<":
            self.fail(event, "merge keys (<<) are not allowed", "write each field out")
            return _NO_KEY
        if tag not in _SCALARS:
            self.fail(event, "a mapping key must be a plain word", "")
            return _NO_KEY
        key = self.scalar(event, tag)
        return _NO_KEY if key is None and self.error else key

    def tag(self, event: ScalarEvent) -> str:
        if event.tag is None or event.tag == "!":
            return self.parser.resolve(ScalarNode, event.value, event.implicit)
        return event.tag

    def scalar(self, event: ScalarEvent, tag: str | None = None) -> Any:
        """A single value from its text and tag; a tag whose value does not fit is a problem at its line."""
        tag = tag or self.tag(event)
        text = event.value
        if tag in (_STR, _TIMESTAMP):  # dates stay strings: the schema checks them
            return text
        if tag == _INT:
            digits = sum(c.isdigit() for c in text)
            if digits > MAX_DIGITS:
                self.fail(event, f"the number has {digits} digits; at most {MAX_DIGITS} are kept exactly",
                          "write it in a larger unit (millions, billions) and say so in the unit")
                return None
            try:
                return _constructor.construct_yaml_int(ScalarNode(tag, text))
            except (ValueError, IndexError):  # IndexError: PyYAML reads the first character, even of an empty value
                self.fail(event, f"{_short(text)} is not a whole number, but it is tagged !!int", "remove the tag")
                return None
        if tag == _FLOAT:
            try:
                number = _constructor.construct_yaml_float(ScalarNode(tag, text))
            except (ValueError, IndexError):
                self.fail(event, f"{_short(text)} is not a number, but it is tagged !!float", "remove the tag")
                return None
            if not math.isfinite(number):
                self.fail(event, f"{_short(text)} is not a finite number",
                          ".nan, .inf and numbers beyond 1.8e308 cannot be charted or compared: write the number")
                return None
            return number
        if tag == _BOOL:
            if text.lower() not in _constructor.bool_values:
                self.fail(event, f"{_short(text)} is not true or false, but it is tagged !!bool", "remove the tag")
                return None
            return _constructor.bool_values[text.lower()]
        if tag == _NULL:
            if text not in _NULLS:
                self.fail(event, f"{_short(text)} is not empty, but it is tagged !!null", "remove the tag")
            return None
        if tag in (_SEQ, _MAP):
            self.fail(event, f"the tag {tag} does not fit a single value", "remove the tag")
        else:
            self.fail(event, f"the tag {tag} is not allowed", "data files hold plain strings, numbers, lists and mappings only")
        return None


_NO_KEY = object()
_SCALARS = {_STR, _TIMESTAMP, _INT, _FLOAT, _BOOL, _NULL}


def _short(text: str, limit: int = 40) -> str:
    """A value for a message: quoted, and cut if long."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


#: What YAML refuses in a file (C0 and C1 controls but tab, newline and carriage return; DEL; U+FFFE/U+FFFF).
_UNPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: Every byte that none of those characters' UTF-8 holds: the C0 controls but tab, newline and carriage return,
#: DEL, and the first bytes of U+0080-U+009F (0xC2) and of U+FFFE/U+FFFF (0xEF) are left out. A file of these
#: bytes alone (`bytes.translate` deletes them, a fourth of a search's time) needs no search.
_PLAIN_BYTES = bytes(b for b in range(256) if (b >= 0x20 or b in (9, 10, 13)) and b not in (0x7F, 0xC2, 0xEF))


def _decode(raw: bytes, rel: str) -> tuple[str | None, list[Problem]]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, [Problem(rel, 1, message="the file starts with a byte-order mark (BOM)",
                              hint="save it as UTF-8 without BOM")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(rel, line, message=f"byte 0x{raw[exc.start]:02x} is not UTF-8",
                              hint="save the file as UTF-8")]
    bad = _UNPRINTABLE.search(text) if raw.translate(None, _PLAIN_BYTES) else None
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        if bad.group() == "\x00":
            return None, [Problem(rel, line, message="the file contains a NUL character", hint="is it a text file?")]
        return None, [Problem(rel, line, message=f"the file contains the control character U+{ord(bad.group()):04X}",
                              hint="YAML does not allow it: delete it, or write it as an escape inside double quotes")]
    return text, []


def read_file(path: Path, rel: str) -> tuple[bytes | None, list[Problem]]:
    """The bytes of a regular file, read once, at most MAX_FILE_BYTES of them; a pipe or device is not waited on."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        return None, [Problem(rel, 1, message=f"cannot be read ({exc.strerror})", hint="check the file's permissions")]
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, [_not_regular(rel, info.st_mode)]
        if info.st_size > MAX_FILE_BYTES:
            return None, [_too_big(rel, info.st_size)]
        chunks, size = [], 0
        while size <= MAX_FILE_BYTES:
            chunk = os.read(fd, MAX_FILE_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_FILE_BYTES:  # it grew while being read
            return None, [_too_big(rel, size)]
        return b"".join(chunks), []
    except OSError as exc:
        return None, [Problem(rel, 1, message=f"cannot be read ({exc.strerror})", hint="check the file's permissions")]
    finally:
        os.close(fd)


def _too_big(rel: str, size: int) -> Problem:
    return Problem(rel, 1, message=f"the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
                   hint="split it into several files in a folder")


def _not_regular(rel: str, mode: int) -> Problem:
    what = "a folder" if stat.S_ISDIR(mode) else "a pipe" if stat.S_ISFIFO(mode) else \
        "a socket" if stat.S_ISSOCK(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a file"
    return Problem(rel, 1, message=f"is {what}, not a data file", hint="data/ holds YAML files and kind folders only")


def records_of(raw: bytes, kind: str, rel: str, cache: ParseCache | None = None
               ) -> tuple[list[RawRecord], list[Problem]]:
    """The records of one data file's bytes and the problems found: from the parse cache, else parsed.

    With a cache, the rules' searches of each record's texts are made here and cached with it, so an unchanged
    file's texts are not searched again (rules.scans_of)."""
    cache = cache or ParseCache(None)
    key = cache.key(kind, rel, raw)
    hit = cache.get(key)
    if hit is not None:
        source = _FileLines(raw, kind, rel)
        return [RawRecord(kind, rel, data, line=line, scans=scans, source=source, index=i)
                for i, (data, line, scans) in enumerate(hit[0])], hit[1]
    records, problems = parse_bytes(raw, kind, rel)
    if cache.folder is not None:
        from .rules import scans_of

        for record in records:
            record.scans = scans_of(kind, record.data)
        cache.put(key, [(r.data, r.line, r.scans) for r in records], problems)
    return records, problems


def parse_bytes(raw: bytes, kind: str, rel: str) -> tuple[list[RawRecord], list[Problem]]:
    """Parse one file's bytes into records that remember their lines.

    A file in the plain style data files are written in is read by `plainyaml`, in about half the time of
    reading PyYAML's events; anything else, and every file with a problem, by PyYAML (`_parse`). A file is first
    read without noting the line of every field (at x100 that bookkeeping was a fifth of the parse); each record
    keeps the bytes and finds its field lines when asked (RawRecord.lines). A file with any problem is read a
    second time noting them, so that its messages name their lines.
    """
    text, problems = _decode(raw, rel)
    if text is None:
        return [], problems
    source = _FileLines(raw, kind, rel)
    quick = plainyaml.records(text, MAX_NODES, MAX_DIGITS, MAX_DEPTH)
    if quick is not None:
        return [RawRecord(kind, rel, data, line=line, source=source, index=index)
                for index, (data, line) in enumerate(quick)], []
    records, problems = _parse(text, kind, rel, False)
    if problems:
        return _parse(text, kind, rel, True)
    for index, record in enumerate(records):
        record._source, record._index = source, index
    return records, problems


def _parse(text: str, kind: str, rel: str, track: bool) -> tuple[list[RawRecord], list[Problem]]:
    """The records and problems of one file's text; with `track`, each record notes the line of every field."""
    parser = _Loader(text)
    try:
        return _records(parser, kind, rel, track)
    except _Abort as abort:
        return [], [Problem(rel, abort.line, message=abort.message, hint=abort.hint)]
    except yaml.MarkedYAMLError as exc:
        from .yamlsyntax import explain

        line, message, hint = explain(exc, text)  # in plain words, at the line the mistake is on
        return [], [Problem(rel, line, message=f"YAML syntax error: {message}", hint=hint)]
    except yaml.YAMLError as exc:
        return [], [Problem(rel, 1, message=f"YAML error: {exc}", hint="check the file's syntax")]
    finally:
        parser.dispose()


def _records(parser: Any, kind: str, rel: str, track: bool) -> tuple[list[RawRecord], list[Problem]]:
    """The records of one YAML stream, read event by event (see _Builder)."""
    name = KIND_NAMES[kind]
    parser.get_event()  # the stream's start
    document = parser.get_event()
    if isinstance(document, StreamEndEvent):
        return [], [Problem(rel, 1, message="the file holds no records", hint="write [] for an empty list")]
    assert isinstance(document, DocumentStartEvent)
    builder = _Builder(parser)
    root = parser.get_event()
    records: list[RawRecord] = []
    problems: list[Problem] = []
    if isinstance(root, SequenceStartEvent) and root.tag in (None, "!", _SEQ) and root.anchor is None:
        builder.count(root, 0)
        while not isinstance(item := parser.get_event(), SequenceEndEvent):
            builder.error = None
            lines: dict[tuple[Any, ...], int] | None = {} if track else None
            data = builder.value(item, lines, (), 1)
            record_id = data.get("id") if isinstance(data, dict) else None
            record_id = str(record_id) if isinstance(record_id, (str, int, float, bool)) else ""
            if builder.error is not None:
                line, message, hint = builder.error
                problems.append(Problem(rel, line, name, record_id, message=message, hint=hint))
            elif not isinstance(data, dict):
                problems.append(Problem(rel, item.start_mark.line + 1, name, message=f"each {name} must be a mapping",
                                        hint="start it with '- id: ...'"))
            else:
                records.append(RawRecord(kind, rel, data, lines, line=item.start_mark.line + 1))
    else:
        builder.value(root, None, (), 0)  # read to its end: a syntax error further on comes first
        found = "mapping" if isinstance(root, MappingStartEvent) else "single value"
        if isinstance(root, SequenceStartEvent):
            found = "list with a tag or an anchor"
        problems.append(Problem(rel, root.start_mark.line + 1, message=f"expected a list of {kind}, found a {found}",
                                hint=f"start each {name} with '- id: ...'"))
        records = []
    parser.get_event()  # the document's end
    extra = parser.get_event()
    if not isinstance(extra, StreamEndEvent):
        raise yaml.composer.ComposerError("expected a single document in the stream", document.start_mark,
                                          "but found another document", extra.start_mark)
    return records, problems


# -- which files are data files ----------------------------------------------------------------------

#: How a data file is named: lowercase letters, digits, '-', '_' and '.', ending in .yaml (so that its path
#: can appear in a URL, an error line or a workflow annotation as it is).
FILE_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]*\.yaml")
#: Names that look like data: YAML or JSON in any case, and editors' backup copies of them.
_DATA_LIKE = re.compile(r"\.(ya?ml|json[5cl]?|ndjson)(~|\.bak|\.orig|\.swp)?$", re.IGNORECASE)


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()


def _entry_problem(path: Path, rel: str, base: Path, folder: bool = False) -> Problem | None:
    """Why `path` cannot be read as a data file (or, with `folder`, as a kind folder); None if it can.
    A symbolic link is followed only to a file (or folder) inside data/."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        return Problem(rel, 1, message=f"cannot be read ({exc.strerror})", hint="")
    if stat.S_ISLNK(info.st_mode):
        target = Path(os.path.realpath(path))
        if not os.path.exists(target):
            return Problem(rel, 1, message="is a symbolic link to nothing",
                           hint="an editor's lock file (.#name)? save the file, or remove the link")
        if not target.is_relative_to(base):
            return Problem(rel, 1, message="is a symbolic link to a place outside data/",
                           hint="data is read from data/ only: copy the file in")
        info = os.stat(path)
    if folder:
        if not stat.S_ISDIR(info.st_mode):
            return _not_regular(rel, info.st_mode) if not stat.S_ISREG(info.st_mode) else \
                Problem(rel, 1, message="is a file where a kind's folder belongs", hint="")
        return None
    if not stat.S_ISREG(info.st_mode):
        return _not_regular(rel, info.st_mode)
    return None


def _misnamed(name: str, rel: str, where: str) -> Problem:
    lower = name.lower()
    if lower.endswith(("~", ".bak", ".orig", ".swp")) or name.startswith(".#"):
        return Problem(rel, 1, message="an editor's backup or lock file is not read", hint="remove it")
    if lower.endswith(".yml"):
        return Problem(rel, 1, message="data files end in .yaml", hint="rename it to .yaml so it is read")
    if not lower.endswith(".yaml"):
        return Problem(rel, 1, message="data files are YAML (.yaml); this file is not read", hint="write it as YAML")
    better = re.sub(r"[^a-z0-9_.-]+", "-", lower).strip("-.") or "data"
    better = better if better.endswith(".yaml") else better + ".yaml"
    return Problem(rel, 1, message="data file names are lowercase letters, digits, '-', '_' and '.', ending in .yaml",
                   hint=f"rename it to {where}{better} so it is read")


def _stray(path: Path, root: Path, message: str, hint: str) -> list[Problem]:
    """A folder that is not read: each data-like file anywhere inside it, or the folder itself if it holds none."""
    found = []
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames.sort()
        found += [Problem(_rel(Path(dirpath) / f, root), 1, message=message, hint=hint)
                  for f in sorted(filenames) if _DATA_LIKE.search(f) or f.startswith(".#")]
    if found:
        return found
    if _DATA_LIKE.search(path.name):
        return [_not_regular(_rel(path, root), stat.S_IFDIR)]
    return [Problem(_rel(path, root), 1, message=message, hint=hint)]


def data_files(data_dir: Path) -> list[tuple[str, Path]]:
    """Every data file as (kind, path): data/KIND.yaml and data/KIND/*.yaml, sorted (see `scan`)."""
    return scan(data_dir)[0]


def scan(data_dir: Path, root: Path | None = None) -> tuple[list[tuple[str, Path]], list[Problem]]:
    """Every data file as (kind, path): data/KIND.yaml and data/KIND/*.yaml, sorted by name; and a problem
    for everything else under data/ that looks like data (YAML or JSON in any case, at any depth, editors'
    lock and backup files), for every folder that is not a kind's, and for whatever is not a regular file
    inside data/. Other files (a README) are left alone."""
    root = root or data_dir.parent
    base = Path(os.path.realpath(data_dir))
    found: dict[tuple[str, int], list[tuple[str, Path]]] = {}  # (kind, 0 for data/KIND.yaml or 1 for the folder)
    problems: list[Problem] = []
    try:
        entries = sorted(os.scandir(data_dir), key=lambda e: e.name)
    except OSError as exc:
        return [], [Problem(_rel(data_dir, root), 1, message=f"cannot be read ({exc.strerror})", hint="")]
    for entry in entries:
        path, name = Path(entry.path), entry.name
        rel = _rel(path, root)
        if name.endswith(".yaml") and name[:-5] in KINDS:
            problem = _entry_problem(path, rel, base)
            if problem is None:
                found[(name[:-5], 0)] = [(name[:-5], path)]
            else:
                problems.append(problem)
        elif name in KINDS:
            problem = _entry_problem(path, rel, base, folder=True)
            if problem is None:
                found[(name, 1)], more = _kind_folder(name, path, root, base)
                problems += more
            else:
                problems.append(problem)
        elif entry.is_dir(follow_symlinks=False) or _looks_like_data(entry):
            stem = _DATA_LIKE.sub("", name).lstrip(".#").lower()
            close = difflib.get_close_matches(stem, list(KINDS), n=1)
            where = f"data/{close[0]}{'/' if entry.is_dir() else '.yaml'}" if close else ""
            hint = (f"did you mean {where}? " if close else "") + "the kinds are " + ", ".join(KINDS)
            if entry.is_dir(follow_symlinks=False):
                problems += _stray(path, root, f"not read: no record kind is called {stem!r}", hint)
            else:
                problem = _entry_problem(path, rel, base)
                if problem is None:
                    problem = _misnamed(name, rel, "data/") if stem in KINDS else \
                        Problem(rel, 1, message=f"not read: no record kind is called {stem!r}", hint=hint)
                problems.append(problem)
    files = [f for kind in KINDS for part in (0, 1) for f in found.get((kind, part), [])]
    return files, problems


def _looks_like_data(entry: os.DirEntry[str]) -> bool:
    """A name that looks like data, an editor's lock file (.#name) or a link to a folder: reported, not skipped."""
    return bool(_DATA_LIKE.search(entry.name)) or entry.name.startswith(".#") or entry.is_dir()


def _kind_folder(kind: str, folder: Path, root: Path, base: Path) -> tuple[list[tuple[str, Path]], list[Problem]]:
    """The data files of data/KIND/, and the problems of everything else in it."""
    files: list[tuple[str, Path]] = []
    problems: list[Problem] = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        path, name = Path(entry.path), entry.name
        rel = _rel(path, root)
        if entry.is_dir(follow_symlinks=False):
            problems += _stray(path, root, f"not read: data files live in data/{kind}/ itself, not in a folder "
                               "inside it", f"move the file into data/{kind}/")
        elif FILE_NAME.fullmatch(name) or _looks_like_data(entry):
            problem = _entry_problem(path, rel, base)
            if problem is None and not FILE_NAME.fullmatch(name):
                problem = _misnamed(name, rel, f"data/{kind}/")
            if problem is None:
                files.append((kind, path))
            else:
                problems.append(problem)
    return files, problems

