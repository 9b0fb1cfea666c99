"""Check that every quote appears verbatim in its source's text snapshot.

Only two differences are forgiven: runs of whitespace, and link residue
`[text](#)` in the snapshot, which counts as `text`. Curly quotes, dashes and
spelling must match exactly. A miss reports the closest passage.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from .errors import Problem
from .factbase import FactBase

_LINK_RESIDUE = re.compile(r"\[([^\]]*)\]\(#\)")


def normalise(text: str) -> str:
    """Collapse whitespace and drop `[text](#)` link residue to `text`."""
    return " ".join(_LINK_RESIDUE.sub(r"\1", text).split())


def closest_passage(needle: str, haystack: str) -> tuple[str, float]:
    """The window of `haystack` most like `needle`, and its similarity (0..1).

    A coarse pass over word windows finds the region; a fine pass around it
    settles the exact start and length, so the passage shown lines up.
    """
    words = haystack.split(" ")
    size = max(1, len(needle.split(" ")))
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(needle)

    def score(start: int, length: int) -> float:
        matcher.set_seq1(" ".join(words[start:start + length]))
        return matcher.ratio()

    step = max(1, size // 4)
    coarse = max(range(0, max(1, len(words) - size + 1), step), key=lambda st: score(st, size))
    candidates = [(st, ln) for st in range(max(0, coarse - step), min(len(words), coarse + step + 1))
                  for ln in (size - 1, size, size + 1) if ln > 0]
    start, length = max(candidates, key=lambda c: (score(*c), -abs(c[1] - size)))
    return " ".join(words[start:start + length]), score(start, length)


def verify(fb: FactBase, snapshots: Path) -> tuple[list[Problem], int]:
    """Problems for quotes not found in `snapshots/<source-id>.txt`, and the number checked."""
    problems: list[Problem] = []
    texts: dict[str, str | None] = {}
    checked = 0
    for quote in fb.quotes.values():
        if quote.source not in texts:
            path = snapshots / f"{quote.source}.txt"
            texts[quote.source] = normalise(path.read_text(encoding="utf-8")) if path.is_file() else None
        where = fb.where[("quotes", quote.id)]
        text = texts[quote.source]
        if text is None:
            problems.append(Problem(where.file, where.line, "quote", quote.id, "source",
                                    f"no snapshot {quote.source}.txt in {snapshots}", "check SNAPSHOTS="))
            continue
        checked += 1
        needle = " ".join(quote.text.split())  # the quote itself must carry the words only, no residue
        if needle in text:
            continue
        passage, ratio = closest_passage(needle, text)
        problems.append(Problem(where.file, where.line, "quote", quote.id, "text",
                                f"not found verbatim in {quote.source}.txt; closest passage ({ratio:.0%} alike): "
                                f"“{passage}”", "copy the words exactly; only whitespace may differ"))
    return problems, checked
