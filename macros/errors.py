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


class DataError(Exception):
    """The fact base has errors; `problems` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.problems)
        lines = [str(p) for p in self.problems]
        lines.append(f"{count} error{'s' if count != 1 else ''} in the data.")
        return "\n".join(lines)
