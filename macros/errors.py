"""Problems found in the data, and the one exception type that carries them."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem at one place: `data/FILE:LINE: KIND ID: FIELD: message (hint)`."""

    file: str
    line: int
    kind: str = ""
    record_id: str = ""
    field: str = ""
    message: str = ""
    hint: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        parts = [f"{_name(self.file)}:{self.line}:"]
        if self.kind or self.record_id:
            parts.append(f"{self.kind} {_name(self.record_id) if self.record_id else '(no id)'}:")
        if self.field:
            parts.append(f"{_name(self.field)}:")
        text = " ".join(parts) + " " + _printable(self.message)
        if self.severity != "error":
            text = text.replace(": ", f": {self.severity}: ", 1)
        if self.hint:
            text += f" ({_printable(self.hint)})"
        return text

    def annotation(self) -> str:
        """The same problem as a GitHub Actions workflow command, its values escaped as the runner reads them."""
        level = "error" if self.severity == "error" else "warning"
        message = str(self).split(f"{_name(self.file)}:{self.line}: ", 1)[1]
        return f"::{level} file={_property(_printable(self.file))},line={self.line}::{_data(message)}"


#: What a path, id or field name may hold to be printed as it is; anything else is printed quoted and escaped, so
#: that no value from data (a file name, an invalid id) can start a new line, move the cursor, reorder the text
#: or pass for another location.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_./\[\]#~+@-]*")


def _name(value: str) -> str:
    return value if _PLAIN_NAME.fullmatch(value) else repr(value)


def _printable(text: str) -> str:
    """`text` with every control, format (bidi) and line-separator character written as an escape."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text) if not text.isprintable() else text


def _data(value: str) -> str:
    """A workflow command's message (https://github.com/actions/toolkit: escapeData)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(value: str) -> str:
    """A workflow command's property value (escapeProperty): also ':' and ','."""
    return _data(value).replace(":", "%3A").replace(",", "%2C")


def root_causes_first(problems: list[Problem]) -> list[Problem]:
    """Problems that stop a whole file from being read (no record kind: YAML syntax, encoding, not a list)
    first, each followed by its notes; then every other problem in file and line order."""
    return sorted(problems, key=lambda p: (bool(p.kind or p.record_id), p.file, p.line, p.severity != "error",
                                           p.kind, p.record_id, p.field, p.message))


def count_line(problems: list[Problem], where: str = "in the data") -> str:
    """'3 errors in the data.' (notes and warnings are not counted)."""
    count = sum(p.severity == "error" for p in problems)
    return f"{count} error{'s' if count != 1 else ''} {where}."


#: GitHub shows at most 10 annotations of each level per step; the last place of each level is kept for a summary.
ANNOTATION_LIMIT = 10


def annotations(problems: list[Problem], where: str = "in the data") -> list[str]:
    """Workflow commands for `problems`, root causes first, ending with a summary annotation.

    Past the first nine of a level the problems are printed as plain lines (they stay in the step's log),
    so that the summary, which says how many there are and which comes first, is always shown.
    """
    out: list[str] = []
    shown: dict[str, int] = {}
    ordered = root_causes_first(problems)
    for problem in ordered:
        level = {"error": "error", "note": "notice"}.get(problem.severity, "warning")
        if shown.get(level, 0) < ANNOTATION_LIMIT - 1:
            shown[level] = shown.get(level, 0) + 1
            line = problem.annotation()
            out.append("::notice " + line.split(" ", 1)[1] if level == "notice" else line)
        else:
            out.append(str(problem))
    errors = [p for p in ordered if p.severity == "error"]
    if errors:
        hidden = len(errors) - shown.get("error", 0)
        rest = f"; {hidden} more in this step's log" if hidden > 0 else ""
        first = errors[0]
        message = f"Fix the first one first: {_name(first.file)}:{first.line}{rest}."
        out.append(f"::error title={_property(count_line(errors, where).rstrip('.'))}::{_data(message)}")
    return out


class DataError(Exception):
    """The fact base has errors; `problems` lists every one of them, root causes first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = root_causes_first(problems)
        super().__init__(self.report())

    def report(self) -> str:
        lines = [str(p) for p in self.problems]
        lines.append(count_line(self.problems))
        return "\n".join(lines)
