"""Which of two records with the same id was added last, from git history.

A duplicate id is reported at the record an editor just added, naming the one that was
there before, wherever the two sit in load order. Only asked when a duplicate is found.
Without git, outside a checkout, or when history cannot tell (both lines from one commit,
a shallow clone), the answer is None and the caller falls back to load order.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Protocol


class Located(Protocol):
    file: str
    line: int


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None


def _stamp(root: Path, file: str, line: int) -> tuple[str, int] | None:
    """(commit, committer time) of the line; ('', 0) for a line not committed yet; None if git cannot tell."""
    tracked = _git(root, "ls-files", "--error-unmatch", "--", file)
    if tracked is None:
        return None
    if tracked.returncode != 0:
        return ("", 0)  # a new file, not committed yet
    blame = _git(root, "blame", "--porcelain", "-L", f"{line},{line}", "--", file)
    if blame is None or blame.returncode != 0 or not blame.stdout:
        return None
    commit = blame.stdout.split(" ", 1)[0]
    if set(commit) == {"0"}:
        return ("", 0)  # changed in the working tree
    time = next((int(row.split()[1]) for row in blame.stdout.splitlines() if row.startswith("committer-time ")), 0)
    return (commit, time)


def newer(a: Located, b: Located, root: Path) -> Located | None:
    """The record of the two that history shows was added later, or None if it cannot tell."""
    inside = _git(root, "rev-parse", "--is-inside-work-tree")
    if inside is None or inside.returncode != 0 or inside.stdout.strip() != "true":
        return None
    sa, sb = _stamp(root, a.file, a.line), _stamp(root, b.file, b.line)
    if sa is None or sb is None or sa == sb:
        return None
    if sa[0] == "" or sb[0] == "":
        return a if sa[0] == "" else b  # the one not committed yet is the new one
    for old, new, record in ((sa[0], sb[0], b), (sb[0], sa[0], a)):
        ancestor = _git(root, "merge-base", "--is-ancestor", old, new)
        if ancestor is not None and ancestor.returncode == 0:
            return record
    if sa[1] != sb[1]:
        return a if sa[1] > sb[1] else b
    return None
