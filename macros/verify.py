"""Check that every quote appears verbatim in its source's text snapshot.

Only these differences are forgiven: runs of whitespace, link residue `[text](#)`
in the snapshot, which counts as `text`, and a link's language tag such as ` [RU]`
right after it, which counts as nothing. Curly quotes, dashes and
spelling must match exactly. A miss reports the closest passage.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from .errors import Problem
from .factbase import FactBase

_LINK_RESIDUE = re.compile(r"\[([^\]]*)\]\(#\)")
_LANGUAGE_TAG = re.compile(r"(?<=\]\(#\)) \[[A-Z]{2}\](?!\()")  # "[expand](#) [RU] its": a link to a Russian page


def normalise(text: str) -> str:
    """Collapse whitespace, drop a link's language tag, and reduce `[text](#)` link residue to `text`."""
    return " ".join(_LINK_RESIDUE.sub(r"\1", _LANGUAGE_TAG.sub("", text)).split())


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


def verify(fb: FactBase, snapshots: Path | None, fingerprints: Path | None = None,
           used: dict[str, str] | None = None) -> tuple[list[Problem], int]:
    """Problems for quotes not found verbatim, and the number checked.

    Each source is checked against its full text `snapshots/<source-id>.txt` when there is one (a miss shows
    the closest passage), else against its fingerprint `fingerprints/<source-id>.txt` (fingerprint.py).
    `used`, if given, is filled with how each source was checked.
    """
    from . import fingerprint

    problems: list[Problem] = []
    texts: dict[str, str | fingerprint.Fingerprint | None] = {}
    used = used if used is not None else {}
    checked = 0
    for quote in fb.quotes.values():
        if quote.source not in texts:
            texts[quote.source] = _reference(quote.source, snapshots, fingerprints, used, problems)
        where = fb.where[("quotes", quote.id)]
        text = texts[quote.source]
        if text is None:
            problems.append(Problem(where.file, where.line, "quote", quote.id, "source",
                                    f"no text and no fingerprint of {quote.source} to check it against",
                                    f"make verify-quotes SNAPSHOTS=dir with {quote.source}.txt in dir, or "
                                    f"make fingerprint SOURCE={quote.source} TEXT=path"))
            continue
        checked += 1
        needle = " ".join(quote.text.split())  # the quote itself must carry the words only, no residue
        if isinstance(text, str):
            if needle in text:
                continue
            passage, ratio = closest_passage(needle, text)
            problems.append(Problem(where.file, where.line, "quote", quote.id, "text",
                                    f"not found verbatim in {quote.source}.txt; closest passage ({min(ratio, 0.99):.0%} alike): "
                                    f"“{passage}”", "copy the words exactly; only whitespace may differ"))
            continue
        missing = text.missing_runs(needle)
        if missing is None:
            problems.append(Problem(where.file, where.line, "quote", quote.id, "text",
                                    f"too short to check against the fingerprint of {quote.source} "
                                    f"(fewer than {text.window} words)", "check it with the full text"))
        elif missing:
            words = needle.split(" ")
            start, end = max(missing), min(missing) + text.window  # the words every failing run shares
            if start >= end:
                start, end = min(missing), max(missing) + text.window
            span = " ".join(words[start:end])
            marks = "check the quotation marks: the source may print ’ or “ ” where this has ' or \"; " if (
                "'" in span or '"' in span) else ""
            place = f"word {end}" if end - start == 1 else f"words {start + 1} to {end}"
            problems.append(Problem(where.file, where.line, "quote", quote.id, "text",
                                    f"not verbatim: “{span}” ({place}) does not occur in {quote.source}, "
                                    "by its fingerprint",
                                    marks + "copy the words exactly from the source: curly quotes, dashes and "
                                    "spelling as printed; only whitespace may differ"))
    return problems, checked


def _reference(source: str, snapshots: Path | None, fingerprints: Path | None, used: dict[str, str],
               problems: list[Problem]) -> "str | object | None":
    """The normalised full text of a source, else its fingerprint, else None; records which in `used`."""
    from . import fingerprint

    path = snapshots / f"{source}.txt" if snapshots is not None else None
    fp_path = fingerprints / f"{source}.txt" if fingerprints is not None else None
    if path is not None and path.is_file():
        text = path.read_text(encoding="utf-8")
        used[source] = f"full text {path}"
        if fp_path is not None and fp_path.is_file():
            try:
                if fingerprint.load(fp_path).text_sha256 != fingerprint.text_digest(text):
                    problems.append(Problem(fp_path.as_posix(), 1, message=f"the fingerprint was made from another "
                                            f"text of {source} than {path}", severity="warning",
                                            hint=f"make fingerprint SOURCE={source} TEXT={path}"))
            except (OSError, fingerprint.FingerprintError):
                pass
        return normalise(text)
    if fp_path is not None and fp_path.is_file():
        try:
            fp = fingerprint.load(fp_path)
        except fingerprint.FingerprintError as exc:
            problems.append(Problem(fp_path.as_posix(), 1, message=str(exc), hint="make fingerprint again"))
            used[source] = "nothing (its fingerprint cannot be read)"
            return None
        used[source] = f"fingerprint {fp_path}"
        return fp
    used[source] = "nothing"
    return None
