"""Read the YAML files under data/ into plain records that remember their lines.

PyYAML's own constructors keep the last of two duplicate keys and build any
object a tag names; this loader composes the node tree (libyaml's C parser
where present) and builds plain values itself, so that it can reject
duplicate keys, object tags and aliases, and record the line of every key.
"""

from __future__ import annotations

import json

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .cache import ParseCache
from .errors import Problem
from .schema import KIND_NAMES, KINDS

try:  # libyaml is ~6x faster; PyYAML's wheels ship it
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - pure-Python fallback
    _Loader = yaml.SafeLoader

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NODES = 500_000

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}
_constructor = yaml.constructor.SafeConstructor()
#: How each plain scalar tag becomes a value (None: the text itself). Strings and dates (which
#: stay strings; the schema checks them) skip the constructor's generic dispatch: most values are strings.
_SCALARS: dict[str, Any] = {
    "tag:yaml.org,2002:str": None,
    "tag:yaml.org,2002:timestamp": None,
    "tag:yaml.org,2002:int": _constructor.construct_yaml_int,
    "tag:yaml.org,2002:float": _constructor.construct_yaml_float,
    "tag:yaml.org,2002:bool": _constructor.construct_yaml_bool,
    "tag:yaml.org,2002:null": _constructor.construct_yaml_null,
}


class RawRecord:
    """One record as read: its values, its file, its line, and the line of each field path.

    Records read back from the parse cache keep their field lines packed (a JSON string of
    `[[*path, line], ...]`) until an error message needs one: a valid record never does.
    """

    __slots__ = ("kind", "file", "data", "line", "_lines", "_packed")

    def __init__(self, kind: str, file: str, data: Any, lines: dict[tuple[Any, ...], int] | None = None, *,
                 line: int | None = None, packed: str | None = None) -> None:
        self.kind, self.file, self.data = kind, file, data
        self._lines = lines
        self._packed = packed
        self.line = line if line is not None else (lines or {}).get((), 1)

    @property
    def lines(self) -> dict[tuple[Any, ...], int]:
        if self._lines is None:
            self._lines = {tuple(p[:-1]): p[-1] for p in json.loads(self._packed or "[]")}
        return self._lines

    def packed_lines(self) -> str:
        """The field lines in the cache's form."""
        if self._packed is None:
            self._packed = json.dumps([[*path, line] for path, line in self.lines.items()], ensure_ascii=False,
                                      separators=(",", ":"))
        return self._packed

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


class _Reject(Exception):
    def __init__(self, line: int, message: str, hint: str) -> None:
        super().__init__(message)
        self.line, self.message, self.hint = line, message, hint


class _Builder:
    """Turns a node tree into plain values, recording lines relative to records."""

    def __init__(self) -> None:
        self.seen: set[int] = set()
        self.count = 0

    def build(self, node: Node, lines: dict[tuple[Any, ...], int], path: tuple[Any, ...]) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _Reject(node.start_mark.line + 1, f"more than {MAX_NODES} values in one file", "split the file")
        if id(node) in self.seen:
            raise _Reject(
                node.start_mark.line + 1,
                "anchors and aliases (&name / *name) are not allowed: the value anchored here is reused",
                "write the value out in full",
            )
        self.seen.add(id(node))
        lines.setdefault(path, node.start_mark.line + 1)
        if node.tag not in _PLAIN_TAGS:
            raise _Reject(
                node.start_mark.line + 1,
                f"the tag {node.tag} is not allowed",
                "data files hold plain strings, numbers, lists and mappings only",
            )
        if isinstance(node, ScalarNode):
            return _scalar(node)
        if isinstance(node, SequenceNode):
            return [self.build(item, lines, path + (i,)) for i, item in enumerate(node.value)]
        assert isinstance(node, MappingNode)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag not in _PLAIN_TAGS:
                raise _Reject(key_node.start_mark.line + 1, "a mapping key must be a plain word", "")
            key = _scalar(key_node)
            if key_node.tag == "tag:yaml.org,2002:merge" or key == "<<":
                raise _Reject(key_node.start_mark.line + 1, "merge keys (<<) are not allowed", "")
            if key in result:
                first = lines.get(path + (key,), 0)
                if key == "id":  # two records run together: the second lost its '- '
                    raise _Reject(key_node.start_mark.line + 1,
                                  f"a second 'id' in one record (the first is on line {first}): "
                                  "is the '- ' missing before this 'id:'?",
                                  "each record starts with '- id: ...'")
                raise _Reject(
                    key_node.start_mark.line + 1,
                    f"duplicate key {key!r} (first on line {first})",
                    "YAML would silently keep only the last value: remove one",
                )
            lines[path + (key,)] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, lines, path + (key,))
        return result


def _scalar(node: ScalarNode) -> Any:
    """A single value from its text; a list or mapping tag on a single value (`!!seq x`) is refused."""
    if node.tag not in _SCALARS:
        raise _Reject(node.start_mark.line + 1, f"the tag {node.tag} does not fit a single value",
                      "remove the tag")
    construct = _SCALARS[node.tag]
    return node.value if construct is None else construct(node)


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
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return None, [Problem(rel, line, message="the file contains a NUL character", hint="is it a text file?")]
    return text, []


def load_file(path: Path, kind: str, rel: str, cache: ParseCache | None = None) -> tuple[list[RawRecord], list[Problem]]:
    """Read one data file of `kind`; return its records and the problems found."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return [], [Problem(rel, 1, message=f"the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
                            hint="split it into several files in a folder")]
    raw = path.read_bytes()
    cache = cache or ParseCache(None)
    key = cache.key(kind, rel, raw)
    hit = cache.get(key)
    if hit is not None:
        return [RawRecord(kind, rel, data, line=line, packed=packed) for data, line, packed in hit[0]], hit[1]
    records, problems = parse_bytes(raw, kind, rel)
    if cache.folder is not None:
        cache.put(key, [(r.data, r.line, r.packed_lines()) for r in records], problems)
    return records, problems


def parse_bytes(raw: bytes, kind: str, rel: str) -> tuple[list[RawRecord], list[Problem]]:
    """Parse one file's bytes into records that remember their lines."""
    name = KIND_NAMES[kind]
    text, problems = _decode(raw, rel)
    if text is None:
        return [], problems
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        from .yamlsyntax import explain

        line, message, hint = explain(exc, text)  # in plain words, at the line the mistake is on
        return [], [Problem(rel, line, message=f"YAML syntax error: {message}", hint=hint)]
    except yaml.YAMLError as exc:
        return [], [Problem(rel, 1, message=f"YAML error: {exc}", hint="check the file's syntax")]
    if node is None:
        return [], [Problem(rel, 1, message="the file holds no records", hint="write [] for an empty list")]
    if not isinstance(node, SequenceNode):
        return [], [Problem(rel, node.start_mark.line + 1, message=f"expected a list of {kind}, found a "
                            + ("mapping" if isinstance(node, MappingNode) else "single value"),
                            hint=f"start each {name} with '- id: ...'")]
    builder = _Builder()
    records: list[RawRecord] = []
    for item in node.value:
        lines: dict[tuple[Any, ...], int] = {}
        try:
            data = builder.build(item, lines, ())
        except _Reject as rej:
            problems.append(Problem(rel, rej.line, name, _peek_id(item), message=rej.message, hint=rej.hint))
            continue
        if not isinstance(data, dict):
            problems.append(Problem(rel, item.start_mark.line + 1, name, message=f"each {name} must be a mapping",
                                    hint="start it with '- id: ...'"))
            continue
        records.append(RawRecord(kind, rel, data, lines))
    return records, problems


def _peek_id(node: Node) -> str:
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.value == "id" and isinstance(value, ScalarNode):
                return str(value.value)
    return ""


def data_files(data_dir: Path) -> list[tuple[str, Path]]:
    """Every data file as (kind, path): data/KIND.yaml and data/KIND/*.yaml, sorted."""
    files: list[tuple[str, Path]] = []
    for kind in KINDS:
        single = data_dir / f"{kind}.yaml"
        if single.is_file():
            files.append((kind, single))
        folder = data_dir / kind
        if folder.is_dir():
            files.extend((kind, p) for p in sorted(folder.glob("*.yaml")))
    return files


def load_all(data_dir: Path, root: Path, cache: ParseCache | None = None) -> tuple[list[RawRecord], list[Problem]]:
    """Read every data file; problems from all files are returned together."""
    records: list[RawRecord] = []
    problems: list[Problem] = []
    for kind, path in data_files(data_dir):
        rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
        recs, probs = load_file(path, kind, rel, cache)
        records.extend(recs)
        problems.extend(probs)
    for stray in sorted(data_dir.glob("*.yml")) + sorted(data_dir.glob("*/*.yml")):
        problems.append(Problem(stray.relative_to(root).as_posix() if stray.is_relative_to(root) else str(stray), 1,
                                message="data files end in .yaml", hint="rename it to .yaml so it is read"))
    return records, problems
