"""What changed in the fact base, commit by commit: read from the git history of data/.

For each commit that touched a data file (merges left out: their changes are their parents'),
the records of each kind in the files it changed are compared before and after, by id and by
their parsed values: a record is added, changed or removed. Rewrapping a paragraph or editing a
comment changes no record; a commit that changed none is not listed. The commit's message says
why. Read once per build (and kept while HEAD stays the same, for `mkdocs serve`), in three git
processes whatever the length of the history: `rev-parse`, one `log` of data/, and one
`cat-file --batch` for every commit object and file version.

A checkout without history (an archive, a shallow clone, no git at all) gives a History that is
not `available`, with the reason; the build goes on and says "history unavailable".
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Iterable

from .cache import ParseCache
from .loader import MAX_FILE_BYTES, records_of
from .schema import KINDS

ACTIONS = ("added", "changed", "removed")
_NULL = re.compile(r"^0+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_TIMEOUT = 120
MAX_DEPTH = 100
_DEEP_LINE = re.compile(rb"^ {%d}|(?:[-?:][ \t]+){%d}" % (2 * MAX_DEPTH, MAX_DEPTH), re.M)
_BRACKET = re.compile(rb"[\[\]{}]")


@dataclass(frozen=True)
class Change:
    """One record added, changed or removed by a commit; `version` is the record as that commit left it
    (as it was before, for a removal), parsed only if something asks for its values (see `title`)."""

    kind: str
    id: str
    action: str
    version: "_Version | None" = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Commit:
    """A commit that changed records: when (UTC), its message (subject and body), what it changed."""

    sha: str
    time: str  # "2026-11-23T15:53:24Z"
    subject: str
    body: str
    changes: tuple[Change, ...]

    @property
    def date(self) -> str:
        return self.time[:10]


@dataclass(frozen=True)
class History:
    """The data's history as far as this checkout knows it; `head` is the commit being built."""

    available: bool
    reason: str = ""
    head: str = "unknown"
    head_time: str | None = None
    commits: tuple[Commit, ...] = ()  # newest first
    last_changed: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, id) -> "YYYY-MM-DD"

    def changed_on(self, kind: str, record_id: str) -> str | None:
        """The date of the last commit that added or changed the record, if known."""
        return self.last_changed.get((kind, record_id))


_MEMO: dict[tuple[str, str], History] = {}


def read(root: Path, data: str = "data", cache: ParseCache | None = None) -> History:
    """The history of `root/data`; never raises: a failure gives an unavailable History with its reason.

    A version of a file that does not split into list items is parsed whole, through the build's parse
    cache. The items that differ between versions, several hundred small texts, are parsed without it:
    writing a cache file for each made a first build about 0.6 s slower, and reading them back saved a
    later build only about 0.03 s."""
    try:
        top = _git(root, ["rev-parse", "--is-shallow-repository", "--show-prefix", "HEAD"]).decode().split("\n")
    except _GitError as exc:
        return History(False, f"this copy is not a git checkout with history ({exc})")
    shallow, prefix, head = (line.strip() for line in (top + ["", "", ""])[:3])
    if shallow == "true":
        try:
            head_time = _commit_fields(_cat(root, [head])[head])[0]
        except (_GitError, KeyError, ValueError):
            head_time = None
        return History(False, "this copy is a shallow clone: its history is cut short", head=head, head_time=head_time)
    memo = _MEMO.get((str(root), head))
    if memo is not None:
        return memo
    try:
        history = _read(root, prefix, head, data, cache)
    except _GitError as exc:
        return History(False, f"git could not read the history ({exc})", head=head)
    _MEMO.clear()
    _MEMO[(str(root), head)] = history
    return history


class _GitError(Exception):
    pass


def _git(root: Path, args: list[str], stdin: bytes | None = None) -> bytes:
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}
    try:
        out = subprocess.run(["git", "-c", "log.showSignature=false", "-c", "core.quotePath=false", *args],
                             cwd=root, input=stdin, capture_output=True, timeout=_TIMEOUT, env=env)
    except (OSError, subprocess.SubprocessError) as exc:
        raise _GitError(type(exc).__name__) from None
    if out.returncode != 0:
        raise _GitError(out.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {out.returncode}"])
    return out.stdout


def _read(root: Path, prefix: str, head: str, data: str, cache: ParseCache | None = None) -> History:
    log = _git(root, ["log", "--no-merges", "--no-renames", "--raw", "--no-abbrev", "-z", "--format=%H", "--", data])
    commits = _parse_log(log)
    wanted = [head] + [sha for sha, _ in commits]
    for _, entries in commits:
        for old, new, _ in entries:
            wanted += [s for s in (old, new) if not _NULL.match(s)]
    objects = _cat(root, list(dict.fromkeys(wanted)))
    head_time = _commit_fields(objects[head])[0] if head in objects else None
    prefix_path = PurePosixPath(prefix) / data if prefix else PurePosixPath(data)
    reader = _Reader(objects, cache)
    out: list[Commit] = []
    last: dict[tuple[str, str], str | None] = {}
    for sha, entries in commits:
        before: dict[str, dict[str, _Version]] = {}
        after: dict[str, dict[str, _Version]] = {}
        for old, new, path in entries:
            kind = _kind_of(PurePosixPath(path), prefix_path)
            if kind is None:
                continue
            pair = reader.differing(old, new, kind, path)
            if pair is None:
                continue  # one side unreadable: nothing can be said about this file in this commit
            before.setdefault(kind, {}).update(pair[0])
            after.setdefault(kind, {}).update(pair[1])
        changes = _compare(before, after)
        if not changes or sha not in objects:
            continue
        time, message = _commit_fields(objects[sha])
        subject, _, body = message.strip().partition("\n")
        commit = Commit(sha, time, _clean(subject.strip()), _clean(body.strip()), tuple(changes))
        out.append(commit)
        for change in changes:  # newest first: the first change seen is the last made (None: removed since)
            last.setdefault((change.kind, change.id), None if change.action == "removed" else commit.date)
    return History(True, head=head, head_time=head_time, commits=tuple(out),
                   last_changed={key: date for key, date in last.items() if date})


_LINE_AT_COLUMN_0 = re.compile(rb"\n(?=[^ \t\r\n#])")  # a line with text (not a comment) at column 0
_NOT_AT_COLUMN_0 = (b"", b" ", b"\t", b"\r", b"\n", b"#")
_ITEM_MARK_END = (b"", b" ", b"\t", b"\r", b"\n")  # what may follow a list item's "-"


_ID_LINE = re.compile(rb"""\A-[ \t]+id:[ \t]*(["']?)([a-z0-9]+(?:-[a-z0-9]+)*)\1[ \t]*(?:#[^\n]*)?\r?$""", re.M)


class _Version:
    """A record at one version: its values, or the text of its list item, parsed the first time they are needed."""

    __slots__ = ("raw", "kind", "rel", "_data", "_parsed")

    def __init__(self, kind: str, rel: str, raw: bytes = b"", data: Any = None) -> None:
        self.kind, self.rel, self.raw = kind, rel, raw
        self._data, self._parsed = data, data is not None

    def data(self) -> Any:
        """The record's values, or None when its text is not one readable record."""
        if not self._parsed:
            records = _parse(self.raw, self.kind, self.rel)  # not cached: see read()
            self._data = next(iter(records.values())) if records is not None and len(records) == 1 else None
            self._parsed = True
        return self._data

    def id(self) -> str | None:
        """The record's id: read from its first line where it is plainly written there, else parsed."""
        if self.raw:
            match = _ID_LINE.match(self.raw)
            if match:
                return match.group(2).decode()
        data = self.data()
        value = data.get("id") if isinstance(data, dict) else None
        return value if isinstance(value, str) and value else None


class _Reader:
    """Records of file versions, read only as far as a comparison needs.

    A data file is a list whose items start at column 0 with "- ". Two versions of a file are
    split into those items' text; an item whose text is in both versions holds the same record
    in both, so only the items that differ are looked at, and of those only a record whose id is
    on both sides is parsed (to tell an edit from a rewrap): a record added or removed is known
    by its id line. A version that does not split cleanly is parsed whole.
    """

    def __init__(self, objects: dict[str, bytes], cache: ParseCache | None = None) -> None:
        self.objects, self.cache = objects, cache
        self.items: dict[tuple[bytes, str], _Version] = {}
        self.files: dict[tuple[str, str], dict[str, Any] | None] = {}

    def differing(self, old: str, new: str, kind: str, rel: str) -> tuple[dict[str, _Version], dict[str, _Version]] | None:
        """The records of the items that differ between two versions, by id: (before, after); None when
        a version cannot be read."""
        old_raw, new_raw = self._raw(old), self._raw(new)
        if old_raw is None or new_raw is None:
            return None
        old_items, new_items = _split(old_raw), _split(new_raw)
        if old_items is not None and new_items is not None:
            common = set(old_items) & set(new_items)
            before = self._records([i for i in old_items if i not in common], kind, rel)
            after = self._records([i for i in new_items if i not in common], kind, rel)
            if before is not None and after is not None:
                return before, after
        whole = self._file(old, old_raw, kind, rel), self._file(new, new_raw, kind, rel)
        if whole[0] is None or whole[1] is None:
            return None
        return tuple({i: _Version(kind, rel, data=d) for i, d in side.items()} for side in whole)  # type: ignore[return-value]

    def _raw(self, sha: str) -> bytes | None:
        if _NULL.match(sha):
            return b""
        raw = self.objects.get(sha)
        return None if raw is None or len(raw) > MAX_FILE_BYTES else raw

    def _records(self, items: list[bytes], kind: str, rel: str) -> dict[str, _Version] | None:
        found: dict[str, _Version] = {}
        for item in items:
            version = self.items.get((item, kind))
            if version is None:
                version = self.items[(item, kind)] = _Version(kind, rel, item)
            record_id = version.id()
            if record_id is None:
                return None  # not one clean record: read the file whole instead
            found[record_id] = version
        return found

    def _file(self, sha: str, raw: bytes, kind: str, rel: str) -> dict[str, Any] | None:
        if not raw:
            return {}
        if (sha, kind) not in self.files:
            self.files[(sha, kind)] = _parse(raw, kind, rel, self.cache)
        return self.files[(sha, kind)]


def _split(raw: bytes) -> list[bytes] | None:
    """A file's top-level list items as text (comments after an item go with it), or None when it
    has anything else at column 0 (a flow list, a mapping, a second document)."""
    starts: list[int] = []
    lines = _LINE_AT_COLUMN_0.finditer(raw)  # a newline is found by a fast scan; a `^` tried at every byte was not
    for pos in ([0] if raw[:1] not in _NOT_AT_COLUMN_0 else []) + [m.end() for m in lines]:
        if raw[pos:pos + 1] == b"-" and raw[pos + 1:pos + 2] in _ITEM_MARK_END:
            starts.append(pos)
        elif starts or raw[pos:pos + 4].rstrip() != b"---":
            return None  # only a document start may come before the first item
    return [raw[a:b] for a, b in zip(starts, starts[1:] + [len(raw)])]


def _too_deep(raw: bytes) -> bool:
    """Nesting deeper than any data file needs: libyaml's composer recurses per level, and crashes the
    process at some tens of thousands (an old version of a file is read without a human looking at it)."""
    if _DEEP_LINE.search(raw):
        return True
    depth = 0
    for match in _BRACKET.finditer(raw):
        depth += 1 if match.group() in b"[{" else -1
        if depth > MAX_DEPTH:
            return True
    return False


def _parse(raw: bytes, kind: str, rel: str, cache: ParseCache | None = None) -> dict[str, Any] | None:
    """Records of YAML text by id; None when it cannot be read (a broken version is not an empty one)."""
    if _too_deep(raw):
        return None
    try:
        found, problems = records_of(raw, kind, rel, cache)
    except Exception:  # noqa: BLE001 - an old version the loader cannot read is skipped, never fatal
        return None
    if problems and not found:
        return None
    return {r.id: r.data for r in found if r.id}


def _parse_log(log: bytes) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """`git log --raw -z --format=%H` as [(commit, [(old blob, new blob, path), ...]), ...], newest first."""
    commits: list[tuple[str, list[tuple[str, str, str]]]] = []
    tokens = log.split(b"\0")
    i = 0
    while i < len(tokens):
        token = tokens[i].decode("utf-8", "surrogateescape").strip("\n")
        i += 1
        if token.startswith(":"):  # ":old-mode new-mode old-blob new-blob status", then the path
            meta = token[1:].split()
            path = tokens[i].decode("utf-8", "surrogateescape") if i < len(tokens) else ""
            i += 1
            if commits and len(meta) >= 5 and all(m in ("000000", "100644", "100755") for m in meta[:2]):
                commits[-1][1].append((meta[2], meta[3], path))
        elif token:
            commits.append((token, []))
    return commits


def _cat(root: Path, shas: list[str]) -> dict[str, bytes]:
    """Every object's content, by id, from one `git cat-file --batch`."""
    if not shas:
        return {}
    out = _git(root, ["cat-file", "--batch"], stdin=("\n".join(shas) + "\n").encode())
    objects: dict[str, bytes] = {}
    pos = 0
    for sha in shas:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) != 3:  # "<sha> missing"
            continue
        size = int(header[2])
        objects[sha] = out[pos:pos + size]
        pos += size + 1
    return objects


def _commit_fields(raw: bytes) -> tuple[str, str]:
    """A commit object's committer time (UTC, ISO 8601) and message."""
    head, _, message = raw.partition(b"\n\n")
    seconds = 0
    for line in head.split(b"\n"):
        if line.startswith(b"committer "):
            parts = line.rsplit(b" ", 2)
            try:
                seconds = int(parts[1])
            except (IndexError, ValueError):
                seconds = 0
    time = _dt.datetime.fromtimestamp(seconds, _dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return time, message.decode("utf-8", "replace")


def _clean(text: str) -> str:
    """A commit message as text that any page or feed can hold: control characters replaced."""
    return _CONTROL.sub("\ufffd", text.replace("\r\n", "\n"))


def _kind_of(path: PurePosixPath, data: PurePosixPath) -> str | None:
    """The record kind of a file under data/ (data/KIND.yaml or data/KIND/...yaml), or None."""
    try:
        rel = path.relative_to(data)
    except ValueError:
        return None
    if not rel.parts or path.suffix != ".yaml":
        return None
    kind = rel.parts[0][: -len(".yaml")] if len(rel.parts) == 1 else rel.parts[0]
    return kind if kind in KINDS else None


def _compare(before: dict[str, dict[str, _Version]], after: dict[str, dict[str, _Version]]) -> list[Change]:
    """Records added, changed or removed, in kind order, then by action, then by id."""
    changes: list[Change] = []
    for kind in KINDS:
        old, new = before.get(kind, {}), after.get(kind, {})
        found: list[Change] = []
        for record_id in sorted(set(old) | set(new)):
            if record_id not in old:
                found.append(Change(kind, record_id, "added", new[record_id]))
            elif record_id not in new:
                found.append(Change(kind, record_id, "removed", old[record_id]))
            else:
                was, now = old[record_id].data(), new[record_id].data()
                if was is not None and now is not None and was != now:  # an unreadable side tells nothing
                    found.append(Change(kind, record_id, "changed", new[record_id]))
        changes.extend(sorted(found, key=lambda c: (ACTIONS.index(c.action), c.id)))
    return changes


def label_field(kind: str) -> str | None:
    """The field that names a record of `kind`: its first required field of free text (a fact's claim,
    a quote's text, an event's title), read from the schema; None when it has none."""
    model = KINDS[kind]
    properties = model.model_json_schema(by_alias=True)["properties"]
    for name, info in model.model_fields.items():
        prop = properties.get(info.alias or name, {})
        if name != "id" and info.is_required() and prop.get("type") == "string" and not (
                {"pattern", "enum", "const", "format"} & set(prop)):
            return info.alias or name
    return None


_LABELS: dict[str, str | None] = {}


def label(kind: str, record: Any, words: int = 12) -> str:
    """A record's short title (a record's values as a mapping, or a record of the fact base); its id when it has none."""
    if kind not in _LABELS:
        _LABELS[kind] = label_field(kind)
    name = _LABELS[kind]
    if isinstance(record, dict):
        value, record_id = record.get(name) if name else None, record.get("id", "")
    else:
        value, record_id = getattr(record, name, None) if name else None, getattr(record, "id", "")
    if not isinstance(value, str) or not value.strip():
        return str(record_id)
    parts = " ".join(value.replace("*", "").split()).split(" ")
    return _clean(" ".join(parts[:words]) + ("…" if len(parts) > words else ""))


def title(change: Change, current: Any = None) -> str:
    """What to call a changed record: by its current values where it still exists (`current`), else as the
    commit left it, else its id."""
    if current is not None:
        return label(change.kind, current)
    data = change.version.data() if change.version is not None else None
    return label(change.kind, data) if isinstance(data, dict) else change.id


def by_kind(changes: Iterable[Change]) -> list[tuple[str, str, list[Change]]]:
    """Changes grouped as (kind, action, changes), in the order they were listed."""
    groups: dict[tuple[str, str], list[Change]] = {}
    for change in changes:
        groups.setdefault((change.kind, change.action), []).append(change)
    return [(kind, action, items) for (kind, action), items in groups.items()]
