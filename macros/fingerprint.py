"""Quote fingerprints: prove a quote is verbatim without the source text.

The repository does not hold the source articles. For each source it holds a fingerprint
(`fingerprints/<source-id>.txt`): the set of salted hashes of every run of five
consecutive words of the article's text, normalised as `verify.normalise` does (whitespace
runs and `[text](#)` link residue forgiven, nothing else). A quote is verbatim when every
run of five words in it is in that set. A quote may stop before a word's punctuation
("... for Russia" from "for Russia: ...") or start after it: two smaller sets hold the
runs whose last word lost its trailing punctuation, or whose first word lost its leading
punctuation, and only a quote's last or first run is looked up there. Each hash is cut to a few bits more than the number
of runs needs, so one value in about 64 of the hash space is taken: a changed word changes
up to five runs, and all of them would have to land on taken values by chance. The README
("Checking quotes without the articles") argues why the set does not give the article back.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .verify import normalise

WINDOW = 5  # words per run
SPARE_BITS = 6  # bits beyond what the number of runs needs: about 1 value in 64 taken
FORMAT = "sco-quote-fingerprint 1"
_HEX = re.compile(r"^[0-9a-f]+$")
_LEADING = re.compile(r"^[^\w]+")
_TRAILING = re.compile(r"[^\w]+$")
_SETS = ("values", "starts", "ends")


@dataclass(frozen=True)
class Fingerprint:
    """The fingerprint of one source's text."""

    source: str
    words: int
    bits: int
    salt: str
    text_sha256: str
    values: frozenset[int]
    window: int = WINDOW
    starts: frozenset[int] = frozenset()  # runs whose first word lost its leading punctuation
    ends: frozenset[int] = frozenset()  # runs whose last word lost its trailing punctuation

    def run_hash(self, words: list[str]) -> int:
        digest = hashlib.sha256((self.salt + "\x1f" + "\x1f".join(words)).encode("utf-8")).digest()
        return int.from_bytes(digest[:8], "big") >> (64 - self.bits)

    def missing_runs(self, quote: str) -> list[int] | None:
        """Start positions (in words) of the quote's runs that are not in the source; None if the quote is too
        short to check (fewer words than a run)."""
        words = quote.split()  # the quote itself must carry the words only: no link residue
        if len(words) < self.window:
            return None
        last = len(words) - self.window
        missing = []
        for i in range(last + 1):
            value = self.run_hash(words[i:i + self.window])
            if value in self.values or (i == 0 and value in self.starts) or (i == last and value in self.ends):
                continue
            missing.append(i)
        return missing


def text_digest(text: str) -> str:
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def make(source: str, text: str, salt: str | None = None) -> Fingerprint:
    """The fingerprint of `text` for `source`; a fresh random salt unless one is given."""
    words = normalise(text).split(" ")
    runs = max(1, len(words) - WINDOW + 1)
    bits = min(64, math.ceil(math.log2(runs)) + SPARE_BITS)
    probe = Fingerprint(source, len(words), bits, salt or os.urandom(16).hex(), text_digest(text), frozenset())
    values, starts, ends = set(), set(), set()
    for i in range(len(words) - WINDOW + 1):
        run = words[i:i + WINDOW]
        values.add(probe.run_hash(run))
        lead = _LEADING.match(run[0])
        for cut in range(1, lead.end() + 1 if lead else 0):  # "“Russia" may be quoted from "Russia" on
            if run[0][cut:]:
                starts.add(probe.run_hash([run[0][cut:], *run[1:]]))
        trail = _TRAILING.search(run[-1])
        for cut in range(trail.start() if trail else len(run[-1]), len(run[-1])):  # "community." of "community.”"
            if run[-1][:cut]:
                ends.add(probe.run_hash([*run[:-1], run[-1][:cut]]))
    return Fingerprint(source, len(words), bits, probe.salt, probe.text_sha256, frozenset(values),
                       starts=frozenset(starts), ends=frozenset(ends))


def dump(fp: Fingerprint) -> str:
    """The fingerprint file: a short header, then the sorted values in hex, sixteen to a line."""
    width = (fp.bits + 3) // 4
    rows: list[str] = []
    for name in _SETS:
        values = [format(v, f"0{width}x") for v in sorted(getattr(fp, name))]
        rows.append(f"{name}:")
        rows += [" ".join(values[i:i + 16]) for i in range(0, len(values), 16)]
    header = [
        f"# {FORMAT}: salted hashes of every run of {fp.window} words of the source's text, cut to {fp.bits} bits.",
        "# Made by `make fingerprint`; `make verify-quotes` checks quotes against it (README: Checking quotes",
        "# without the articles). It does not contain the text and cannot give it back.",
        f"source: {fp.source}",
        f"words: {fp.words}",
        f"window: {fp.window}",
        f"bits: {fp.bits}",
        f"salt: {fp.salt}",
        f"text-sha256: {fp.text_sha256}",
    ]
    return "\n".join(header + rows) + "\n"


class FingerprintError(ValueError):
    """A fingerprint file that cannot be read; the message says where."""


def load(path: Path) -> Fingerprint:
    """Read a fingerprint file written by `dump`."""
    fields: dict[str, str] = {}
    sets: dict[str, set[int]] = {name: set() for name in _SETS}
    current: set[int] | None = None
    for number, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not row.strip() or row.startswith("#"):
            continue
        key, sep, value = row.partition(":")
        if sep and key in sets:
            current = sets[key]
        elif current is not None:
            for token in row.split():
                if not _HEX.match(token):
                    raise FingerprintError(f"{path}:{number}: {token!r} is not a hex value")
                current.add(int(token, 16))
        elif sep:
            fields[key.strip()] = value.strip()
        else:
            raise FingerprintError(f"{path}:{number}: expected 'key: value'")
    try:
        return Fingerprint(fields["source"], int(fields["words"]), int(fields["bits"]), fields["salt"],
                           fields["text-sha256"], frozenset(sets["values"]), int(fields["window"]),
                           frozenset(sets["starts"]), frozenset(sets["ends"]))
    except (KeyError, ValueError) as exc:
        raise FingerprintError(f"{path}: missing or bad header field {exc}") from None


def write(folder: Path, source: str, text: str) -> Path:
    """Write `folder/<source>.txt`; the salt of an existing fingerprint of the same text is kept, so that
    fingerprinting an unchanged text changes nothing."""
    path = folder / f"{source}.txt"
    salt = None
    if path.is_file():
        try:
            old = load(path)
            if old.text_sha256 == text_digest(text):
                salt = old.salt
        except (OSError, FingerprintError):
            pass
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(dump(make(source, text, salt)), encoding="utf-8")
    return path
