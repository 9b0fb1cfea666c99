"""Problems found in the data, and the one exception type that carries them."""

from __future__ import annotations

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
        parts = [f"{self.file}:{self.line}:"]
        if self.kind or self.record_id:
            parts.append(f"{self.kind} {self.record_id or '(no id)'}:")
        if self.field:
            parts.append(f"{self.field}:")
        text = " ".join(parts) + " " + self.message
        if self.severity != "error":
            text = text.replace(": ", f": {self.severity}: ", 1)
        if self.hint:
            text += f" ({self.hint})"
        return text

    def annotation(self) -> str:
        """The same problem as a GitHub Actions workflow command."""
        level = "error" if self.severity == "error" else "warning"
        message = str(self).split(": ", 1)[1].replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::{level} file={self.file},line={self.line}::{message}"


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
        message = f"Fix the first one first: {first.file}:{first.line}{rest}."
        out.append(f"::error title={count_line(errors, where).rstrip('.')}::"
                   + message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))
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
