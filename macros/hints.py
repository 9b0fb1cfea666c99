"""Hints that point an editor at the fix: the closest known name, the template that shows a field.

Used by the data check (`validate.py`) and by page errors (`pageerrors.py`), only when
something is already wrong: a valid build never computes a suggestion.
"""

from __future__ import annotations

import difflib
import re
from typing import Iterable

#: Where each record kind's commented template lives (CONTRIBUTING.md links them).
TEMPLATES = "templates"

_ID_LINE = re.compile(r"""^-[ \t]+id:[ \t]*["']?([^"'\s#]+)""", re.M)


def template(kind: str) -> str:
    """The commented template of a record kind, e.g. templates/facts.yaml."""
    return f"{TEMPLATES}/{kind}.yaml"


def closest(word: str, candidates: Iterable[str], cutoff: float = 0.75) -> str | None:
    """The candidate most like `word` (a misspelling of it), or None."""
    if not isinstance(word, str) or not word:
        return None
    found = difflib.get_close_matches(word, list(candidates), n=1, cutoff=cutoff)
    return found[0] if found else None


def did_you_mean(word: str, candidates: Iterable[str], otherwise: str = "") -> str:
    """'did you mean 'x'?' when a candidate is close to `word`, else `otherwise`."""
    match = closest(word, candidates)
    return f"did you mean {match!r}?" if match is not None and match != word else otherwise


def ids_in_text(text: str) -> list[str]:
    """The ids a data file that failed to parse would have defined: each `- id: X` at the left margin."""
    return _ID_LINE.findall(text)
