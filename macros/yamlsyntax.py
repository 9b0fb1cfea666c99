"""YAML syntax errors in plain words: what is wrong, on which line, and how to fix it.

libyaml reports a syntax error in the parser's terms ("while scanning a simple key ...
could not find expected ':'"), often at the line *after* the mistake. This module looks
at the error and at the text around it and says what an editor did: indented with a tab,
left a quote or a list open, dropped the `- ` that starts a record, indented a line too
little or too much, or wrote `: ` inside a value. Anything it does not recognise keeps
libyaml's own words.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import yaml

_KEY = re.compile(r"^(\s*)(- +)?([A-Za-z_][\w-]*):(\s|$)")


class Explained(NamedTuple):
    line: int
    message: str
    hint: str


def explain(exc: yaml.MarkedYAMLError, text: str) -> Explained:
    """The line to report, a plain message and a hint for a YAML syntax error in `text`."""
    lines = text.split("\n")
    problem = str(exc.problem or "")
    context = str(exc.context or "")
    pmark, cmark = exc.problem_mark, exc.context_mark
    pline = pmark.line + 1 if pmark else 1
    cline = cmark.line + 1 if cmark else pline

    def at(n: int) -> str:
        return lines[n - 1] if 0 < n <= len(lines) else ""

    # A tab in the indentation: on the line libyaml stopped at, or (when it says "tab") just before it.
    nearby = range(min(cline, pline), pline + 1) if "tab" in problem or "any token" in problem else [pline]
    for n in nearby:
        indent = at(n)[: len(at(n)) - len(at(n).lstrip(" \t"))]
        if "\t" in indent:
            return Explained(n, "this line is indented with a tab character; YAML indents with spaces only",
                             "replace the tab with spaces: two for each level")
    if "tab character" in problem:
        return Explained(pline, "a tab character where YAML expects spaces",
                         "replace the tab with spaces")
    runaway = _runaway_quote(text, pline)
    if runaway is not None:
        return runaway
    if "quoted scalar" in context:
        quote = at(cline)[cmark.column] if cmark and cmark.column < len(at(cline)) else '"'
        return Explained(cline, f"the quotation mark {quote} opened on this line is never closed",
                         f"end the value with {quote}, or drop the quotes and put the text in a '>-' block")
    for opener, closer, what in (("flow sequence", "]", "list"), ("flow mapping", "}", "mapping")):
        if opener in context:
            start = "[" if closer == "]" else "{"
            return Explained(cline, f"the {what} '{start}' opened on this line is not closed with '{closer}'",
                             "close it on the same line, e.g. " + ("topics: [history, economy]; or write one item "
                             "per line, each after '- '" if closer == "]" else "native: {text: ..., language: zh}"))
    if "cannot start any token" in problem:
        char = at(pline)[pmark.column] if pmark and pmark.column < len(at(pline)) else "?"
        return Explained(pline, f"a value on this line starts with {char!r}, which YAML reserves",
                         "put the whole value in double quotes")
    if "undefined alias" in problem:
        return Explained(pline, "a value on this line starts with '*', which YAML reads as an alias",
                         "put the whole value in double quotes")
    if "simple key" in context and "':'" in problem:
        return Explained(cline, "this line is not 'field: value', nor indented as part of the text above it",
                         "indent the lines of a '>-' block further than its field name, or add the ':' after "
                         "the field name")
    if "expected '-' indicator" in problem or "expected <block end>" in problem:
        return _dedent_or_dash(pline, at(pline), lines)
    if "mapping values are not allowed" in problem:
        return _colon(pline, pmark.column if pmark else 0, at(pline), lines)
    if "did not find expected key" in problem:
        row = at(pline)
        if re.match(r"""^\s*(- +)?[\w-]+:\s*(["']).*\2\s*\S""", row):
            return Explained(pline, "there is text after the closing quotation mark",
                             "quote the whole value, or drop the quotes and put the text in a '>-' block")
        if row.lstrip().startswith("- "):
            return Explained(pline, "this line starts a list item ('- ') where a field is expected",
                             "line the item up under the other items of its list, or start a new record at the "
                             "left margin with '- id: ...'")
        return Explained(pline, "this line is indented differently from the fields above it",
                         "the fields of a record line up under its 'id' (two spaces); list items line up with "
                         "each other")
    message = " ".join(x for x in (context, problem) if x)
    return Explained(cline if "end of stream" in problem else pline, message, "check indentation and quoting")


def _runaway_quote(text: str, error_line: int) -> Explained | None:
    """A quotation mark left open that a later value's quotation mark closed: the value runs on over lines that
    look like fields, and libyaml stops only at the text after that later mark, often far below the mistake."""
    lines = text.split("\n")
    found: Explained | None = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if not isinstance(token, yaml.ScalarToken) or token.style not in ('"', "'"):
                continue
            start, end = token.start_mark.line + 1, token.end_mark.line + 1
            swallowed = [n for n in range(start + 1, end + 1) if _KEY.match(lines[n - 1])]
            if swallowed and end <= error_line <= end + 1:
                quote = token.style
                found = Explained(start, f"the quotation mark {quote} opened on this line is never closed: the value "
                                  f"runs on to the next {quote}, on line {end}",
                                  f"end the value with {quote} on this line, or drop the quotes and put the text in "
                                  "a '>-' block")
    except yaml.YAMLError:
        pass  # the scan stops at the error; the tokens before it are all it needs
    return found


def _dedent_or_dash(n: int, row: str, lines: list[str]) -> Explained:
    """A line at the wrong indentation in the list of records: a dropped '- ', or a field indented too little."""
    stripped = row.lstrip()
    if stripped.startswith("id:"):
        return Explained(n, "this line starts a record without '- ': is the '- ' before 'id:' missing?",
                         "each record starts with '- id: ...' at the left margin")
    if stripped.startswith("- ") and len(row) - len(stripped) > 0:
        return Explained(n, "this line starts a record ('- ') after some spaces; records start at the left margin",
                         "remove the spaces before '- '")
    return Explained(n, "this line is indented less than the fields of its record",
                     "indent each field of a record by two spaces, lined up under 'id'")


def _colon(n: int, column: int, row: str, lines: list[str]) -> Explained:
    """': ' where YAML cannot take a new field: a line indented too far, or a colon inside a value."""
    key = _KEY.match(row)
    if key and len(key.group(0).rstrip()) == column + 1:
        previous = next((lines[i] for i in range(n - 2, -1, -1) if lines[i].strip()), "")
        prev_key = _KEY.match(previous)
        if prev_key and len(key.group(1)) > len(prev_key.group(1)) + len(prev_key.group(2) or ""):
            return Explained(n, "this line is indented more than the field above it",
                             "line the fields of a record up under its 'id'")
    return Explained(n, "this line has ': ' inside a value, where YAML expects only one 'field: value'",
                     "put the whole value in double quotes, or in a '>-' block")
