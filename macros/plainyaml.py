"""A quick reader for the small part of YAML that data files are written in.

PyYAML makes Python objects for every event and every mark (line and column) of a file before
the loader sees one value: at x100 that was most of a first build's parse. Data files use little
of YAML: a list of mappings in block style, words as keys, plain, quoted and `>-` text, `[]`,
`{}` and one-line lists of words. This module reads exactly that, line by line, in about half
the time (the x100 benchmark's 51 MB: 1.5-1.7 CPU-s against 2.8 for the loader's reading of PyYAML's
events), and gives up (returns None) on anything else: a tab, a carriage return, a backslash in
double quotes, a comment after a value, an anchor, a tag, a duplicate key, a value YAML would
refuse, a line indented in a way it does not expect. The loader then reads the file with PyYAML,
which reports each problem at its line.

Where this returns records they are PyYAML's records, value for value, type for type, in the
same order and with the same lines: tests/test_plainyaml.py compares the two on every data file,
on the benchmark's files, on 5,000 generated texts and on 4,000 small edits of real files.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml
from yaml.nodes import ScalarNode

_STR, _TIMESTAMP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"
_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_BOOL, _NULL = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"

#: A key this reader takes: a word, then ':' and a space or the line's end.
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +|$)")
#: An item of a one-line list: plain text without ':', '#' or brackets ([Sijbren de Jong, Jan Wouters]; [sco, 2015]).
_FLOW_ITEM = re.compile(r"[^ ?:,\[\]{}#&*!|>'\"%@`-][^:,\[\]{}#]*")
#: Characters anywhere in a file that send it to the full parser: tabs, other line breaks, a BOM (tested one by one
#: with `in`, twenty times faster than a search for any of them).
_REFUSED = "\t\r\x85\u2028\u2029\ufeff"
#: First characters of a value that YAML reads as something other than plain text ('-' is handled apart).
_INDICATORS = frozenset("?:,[]{}#&*!|>'\"%@`")
#: First characters of a value that the common case (plain text on one line) leaves to `_Reader.scalar`.
_NOT_PLAIN = _INDICATORS | {"-", " "}
#: Plain values already read, by the digit limit and their text: what `_Reader.typed` made of them.
_PLAIN: dict[int, dict[str, Any]] = {}

_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()
#: First characters of a plain value for which one of PyYAML's implicit resolvers may give a tag other than str.
_RESOLVED_BY_FIRST = frozenset(_resolver.yaml_implicit_resolvers)


class _GiveUp(Exception):
    """The text holds something this reader does not read: the full parser reads the file."""


def records(text: str, max_nodes: int, max_digits: int, max_depth: int) -> list[tuple[dict[str, Any], int]] | None:
    """Each record of `text` with its first line, or None where the full parser must read the file. The limits are
    the loader's (a file over one of them goes to the full parser, which refuses it)."""
    if any(c in text for c in _REFUSED):
        return None
    reader = _Reader(text.split("\n"), max_nodes, max_digits, max_depth)
    try:
        return reader.stream()
    except Exception:  # _GiveUp, or anything this reader did not expect: the full parser decides
        return None


class _Reader:
    """Reads a file's lines; every method gives up (_GiveUp) on what it does not expect."""

    def __init__(self, lines: list[str], max_nodes: int, max_digits: int, max_depth: int) -> None:
        self.lines, self.n = lines, len(lines)
        self.max_nodes, self.max_digits, self.max_depth = max_nodes, max_digits, max_depth
        self.nodes = 1  # the list of records
        self.keys: dict[str, str] = {}
        self.plains = _PLAIN.setdefault(max_digits, {})

    def skip(self, i: int) -> int:
        """The first line from `i` that is neither blank nor a comment (or the end)."""
        lines, n = self.lines, self.n
        while i < n:
            rest = lines[i].lstrip(" ")
            if rest and rest[0] != "#":
                return i
            i += 1
        return i

    def stream(self) -> list[tuple[dict[str, Any], int]]:
        lines = self.lines
        i = self.skip(0)
        if i == self.n:
            raise _GiveUp
        found: list[tuple[dict[str, Any], int]] = []
        if lines[i].rstrip(" ") == "[]" and self.skip(i + 1) == self.n:
            return found  # an empty list
        while i < self.n:
            line = lines[i]
            if line[:2] != "- ":
                raise _GiveUp
            column = len(line) - len(line[2:].lstrip(" "))
            if _KEY.match(line, column) is None:
                raise _GiveUp
            self.nodes += 1
            record, after = self.mapping(i, column, 1)
            found.append((record, i + 1))
            i = self.skip(after)
        if self.nodes > self.max_nodes:
            raise _GiveUp
        return found

    def mapping(self, i: int, column: int, depth: int) -> tuple[dict[str, Any], int]:
        """The mapping whose first key is at `column` of line `i`, and the line after it."""
        if depth > self.max_depth - 2:  # a list or mapping one level down may be written in brackets
            raise _GiveUp
        lines, n, keys, not_plain = self.lines, self.n, self.keys, _NOT_PLAIN
        result: dict[str, Any] = {}
        while True:
            line = lines[i]
            colon = line.find(": ", column)  # the common case: a key read before in this file, then one space
            key = keys.get(line[column:colon]) if colon > column else None
            end = colon + 2
            if key is None or line[end:end + 1] == " ":
                match = _KEY.match(line, column)
                if match is None:
                    raise _GiveUp
                word = match.group(1)
                key = keys.get(word)
                if key is None:
                    if word[0] in _RESOLVED_BY_FIRST and _resolver.resolve(ScalarNode, word, (True, False)) != _STR:
                        raise _GiveUp
                    key = keys[word] = word
                end = match.end()
            if key in result:
                raise _GiveUp
            if end < len(line) and line[end] not in not_plain:  # most values: plain text on one line
                one = self.one_line(line, end, lines[i + 1] if i + 1 < n else "", column)
                if one is not None:
                    result[key], indent, _ = one
                    i += 1
                    if indent == column:
                        continue
                    self.nodes += 2 * len(result)
                    return result, i
                result[key], i = self.scalar(i, end, column)
            elif end < len(line):
                result[key], i = self.scalar(i, end, column)
            else:
                nxt = self.skip(i + 1)
                below = lines[nxt] if nxt < n else ""
                indent = len(below) - len(below.lstrip(" "))
                if nxt < n and indent > column:
                    result[key], i = self.block(nxt, indent, depth + 1)
                elif nxt < n and indent == column and below[column:column + 2] == "- ":
                    result[key], i = self.sequence(nxt, column, depth + 1)
                else:
                    result[key], i = None, i + 1
            i = self.skip(i)
            if i == n:
                self.nodes += 2 * len(result)
                return result, i
            line = lines[i]
            indent = len(line) - len(line.lstrip(" "))
            if indent < column:
                self.nodes += 2 * len(result)
                return result, i
            if indent > column:
                raise _GiveUp

    def block(self, i: int, column: int, depth: int) -> tuple[Any, int]:
        """A list or mapping on its own lines, starting at `column` of line `i`."""
        line = self.lines[i]
        if line[column:column + 2] == "- ":
            return self.sequence(i, column, depth)
        if _KEY.match(line, column) is not None:
            return self.mapping(i, column, depth)
        raise _GiveUp

    def sequence(self, i: int, column: int, depth: int) -> tuple[list[Any], int]:
        """The list whose first '- ' is at `column` of line `i`, and the line after it."""
        if depth > self.max_depth - 2:
            raise _GiveUp
        lines, n, not_plain = self.lines, self.n, _NOT_PLAIN
        items: list[Any] = []
        while True:
            line = lines[i]
            start = len(line) - len(line[column + 2:].lstrip(" "))
            if start == len(line):
                raise _GiveUp  # '-' alone: the item is on the lines below, or empty
            self.nodes += 1
            if ":" in line and _KEY.match(line, start) is not None:
                value, i = self.mapping(i, start, depth + 1)
            elif line[start] not in not_plain:  # most items: plain text on one line
                one = self.one_line(line, start, lines[i + 1] if i + 1 < n else "", column)
                if one is not None:
                    value, indent, rest = one
                    items.append(value)
                    i += 1
                    if indent == column and rest[:2] == "- ":
                        continue
                    return items, i
                value, i = self.scalar(i, start, column)
            else:
                value, i = self.scalar(i, start, column)
            items.append(value)
            i = self.skip(i)
            if i == n:
                return items, i
            line = lines[i]
            indent = len(line) - len(line.lstrip(" "))
            if indent < column:
                return items, i
            if indent > column:
                raise _GiveUp
            if line[column:column + 2] != "- ":
                return items, i  # the next key of the mapping this list is the value of

    def one_line(self, line: str, start: int, below: str, parent: int) -> tuple[Any, int, str] | None:
        """The common case, in one step: plain text from `start` of `line` that does not run on to the line
        `below` (indented no more than `parent`, and not blank or a comment): its value, and the indentation and
        text of that line. None where `scalar` must read it."""
        text = line[start:]
        if text[-1] == " ":
            text = text.rstrip(" ")
        if ": " in text or " #" in text or text[-1] == ":":
            raise _GiveUp
        rest = below.lstrip(" ")
        indent = len(below) - len(rest)
        if indent > parent or not rest or rest[0] == "#":
            return None
        return (self.plain(text) if text[0] in _RESOLVED_BY_FIRST else text), indent, rest

    def scalar(self, i: int, start: int, parent: int) -> tuple[Any, int]:
        """The single value from `start` of line `i` (and the lines it runs on to, each indented more than
        `parent`), and the line after it."""
        line = self.lines[i]
        first = line[start]
        if first == "'" or first == '"':
            return self.quoted(i, start, parent)
        if first == ">" or first == "|":
            return self.folded(i, start, parent)
        if first == "[" or first == "{":
            rest = line[start:].rstrip(" ")
            if rest == "[]":
                return [], i + 1
            if rest == "{}":
                return {}, i + 1
            if first == "[" and rest[-1] == "]":
                items = [item.strip(" ") for item in rest[1:-1].split(",")]
                if not all(_FLOW_ITEM.fullmatch(item) for item in items):
                    raise _GiveUp
                self.nodes += len(items)
                return [self.plain(item) for item in items], i + 1
            raise _GiveUp
        if first in _INDICATORS or (first == "-" and line[start + 1:start + 2] in ("", " ")):
            raise _GiveUp
        lines, n = self.lines, self.n
        one = self.one_line(line, start, lines[i + 1] if i + 1 < n else "", parent)
        if one is not None:
            return one[0], i + 1
        text = line[start:].rstrip(" ")  # checked by one_line; it runs on, or a blank line or a comment follows
        parts = None
        k = i + 1
        while k < n:
            nxt = lines[k]
            rest = nxt.lstrip(" ")
            if not rest:  # a blank line ends the text unless more of it follows (a line break in it)
                after = self.skip(k)
                if after < n and len(lines[after]) - len(lines[after].lstrip(" ")) > parent:
                    raise _GiveUp
                break
            if len(nxt) - len(rest) <= parent:
                break
            rest = rest.rstrip(" ")
            if rest[0] == "#" or ": " in rest or " #" in rest or rest[-1] == ":" \
                    or rest.startswith(("---", "...")):
                raise _GiveUp
            if parts is None:
                parts = [text]
            parts.append(rest)
            k += 1
        if parts is not None:
            text = " ".join(parts)
        return self.plain(text), k

    def plain(self, text: str) -> Any:
        """A plain value: text, or the number, true/false or null YAML reads it as (remembered: ids, dates and
        numbers recur)."""
        if text[0] not in _RESOLVED_BY_FIRST:
            return text
        plains = self.plains
        value = plains.get(text, plains)
        if value is plains:
            if len(plains) > 100_000:
                plains.clear()
            value = plains[text] = self.typed(text)
        return value

    def typed(self, text: str) -> Any:
        tag = _resolver.resolve(ScalarNode, text, (True, False))
        if tag == _STR or tag == _TIMESTAMP:  # dates stay strings, as in the loader
            return text
        if tag == _INT:
            if sum(c.isdigit() for c in text) > self.max_digits:
                raise _GiveUp
            return _constructor.construct_yaml_int(ScalarNode(tag, text))
        if tag == _FLOAT:
            number = _constructor.construct_yaml_float(ScalarNode(tag, text))
            if not math.isfinite(number):
                raise _GiveUp
            return number
        if tag == _BOOL:
            return _constructor.bool_values[text.lower()]
        if tag == _NULL:
            return None
        raise _GiveUp

    def quoted(self, i: int, start: int, parent: int) -> tuple[str, int]:
        """The text in quotes from `start` of line `i`, and the line after the closing quote."""
        lines, n = self.lines, self.n
        quote = lines[i][start]
        pos = start + 1
        rows: list[str] = []  # the text on each line, quotes undone
        while True:
            line = lines[i]
            pieces = []
            while True:
                close = line.find(quote, pos)
                if close < 0:
                    pieces.append(line[pos:])
                    break
                if quote == "'" and line[close + 1:close + 2] == "'":
                    pieces.append(line[pos:close + 1])
                    pos = close + 2
                    continue
                pieces.append(line[pos:close])
                break
            row = "".join(pieces)
            if quote == '"' and "\\" in row:
                raise _GiveUp
            rows.append(row)
            if close >= 0:
                if line[close + 1:].strip(" "):
                    raise _GiveUp
                break
            i += 1
            if i == n:
                raise _GiveUp
            following = lines[i]
            rest = following.lstrip(" ")
            if rest and len(following) - len(rest) <= parent:
                raise _GiveUp
            pos = 0
        if len(rows) == 1:
            return rows[0], i + 1
        # the spaces around each line break go; the closing quote's line is text even where the quote starts it
        text, breaks = _fold(rows[0].rstrip(" "), [row.strip(" ") for row in rows[1:-1]])
        return text + ("\n" * breaks if breaks else " ") + rows[-1].lstrip(" "), i + 1

    def folded(self, i: int, start: int, parent: int) -> tuple[str, int]:
        """A '>-', '>', '|-' or '|' block from `start` of line `i`, and the line after it."""
        lines, n = self.lines, self.n
        header = lines[i][start:].rstrip(" ")
        if header not in (">-", ">", "|-", "|"):
            raise _GiveUp
        k = i + 1
        if k == n:
            raise _GiveUp
        first = lines[k]
        indent = len(first) - len(first.lstrip(" "))
        if indent <= parent or indent == len(first):
            raise _GiveUp  # empty, or starting with a blank line
        rows: list[str] = []
        while k < n:
            line = lines[k]
            rest = line.lstrip(" ")
            if not rest:
                if len(line) > indent:
                    raise _GiveUp  # spaces beyond the indentation are part of the text
                rows.append("")
                k += 1
                continue
            lead = len(line) - len(rest)
            if lead < indent:
                break
            if lead > indent:
                raise _GiveUp  # a line indented more: kept as it is, which this reader leaves alone
            rows.append(rest)
            k += 1
        while rows[-1] == "":  # blank lines at the end are dropped ('-') or kept as one line break
            rows.pop()
        text = "\n".join(rows) if header[0] == "|" else _fold(rows[0], rows[1:])[0]
        if k < n:
            following = lines[k]
            if len(following) - len(following.lstrip(" ")) > parent and following.lstrip(" ")[0] == "#":
                raise _GiveUp
        return (text if header.endswith("-") else text + "\n"), k


def _fold(text: str, rows: list[str]) -> tuple[str, int]:
    """`text` and the lines after it folded as YAML folds quoted and '>' text: the break between two lines of text is
    a space, n blank lines between them are n line breaks. Also the number of blank lines left at the end."""
    breaks = 0
    for row in rows:
        if not row:
            breaks += 1
            continue
        text += ("\n" * breaks if breaks else " ") + row
        breaks = 0
    return text, breaks
