"""Rules that keep the site's own voice honest, run by `make check` after the reference checks.

Each rule reads the parsed records and reports problems the usual way (`file:line: KIND ID: FIELD:
message (hint)`). They catch what the schema cannot: a summary that claims "every source" while
citing three, a figure dated to a period its quote never gives, a hedge the site may have dropped,
a quote credited to a speaker whose words it does not contain.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Protocol

#: Phrases that claim every source of the fact base: a text using one must cite a quote from each source.
UNIVERSAL_PHRASES = (
    "every source", "every one of the sources", "each source", "each of the sources", "all sources",
    "all the sources", "all of the sources", "all five sources", "all five of the sources", "all our sources",
    "sources agree", "the sources all", "across the sources", "across all sources",
)

#: Words that hedge a claim. A quote containing one is reviewed once by hand (its `hedges` list), so
#: that every record citing it keeps the hedge on purpose.
HEDGES = (
    "thought to", "believed to", "said to", "expected to", "likely", "unlikely", "apparently", "apparent",
    "reportedly", "allegedly", "alleged", "supposedly", "arguably", "presumably", "probably", "possibly",
    "possible", "perhaps", "may", "might", "could", "appears", "appear", "appeared", "seems", "seem",
    "seemingly",
)

#: Reporting verbs and phrases that attribute a passage to the speaker it names.
REPORTING = (
    "says", "said", "say", "argues", "argued", "argue", "writes", "wrote", "written", "notes", "noted",
    "believes", "believe", "thinks", "think", "points out", "according to", "agrees", "agree", "concludes",
    "concluded", "conclusion", "explains", "suggests", "suggested", "sees", "admits", "wonders", "told",
    "stressed", "emphasize", "emphasise", "emphasises", "describe", "describes", "depicted", "characterise",
    "characterises", "quote", "quoted", "quoting", "cites", "cited", "reports", "reported", "lists", "analyses",
    "analysed", "presents", "considers", "expects", "warns", "insists", "stated", "announced", "calls",
    "recognise", "recognises", "in his opinion", "in her opinion", "makes it clear",
)
#: Hedges matched only in lower case ("May 2015" is a month).
LOWER_CASE_ONLY = {"may"}
#: Marks that open or close someone's words (the right single quote is left out: it is the apostrophe).
QUOTATION_MARKS = ("“", "”", "\"", "‘", "«", "»")

#: Words before a number that make it a bound, and the bounds they allow.
QUALIFIERS = {
    "more than": ("more-than", "at-least"), "over": ("more-than", "at-least"), "above": ("more-than",),
    "at least": ("at-least", "more-than"), "about": ("about",), "roughly": ("about",), "around": ("about",),
    "approximately": ("about",), "some": ("about",), "nearly": ("less-than", "about"),
    "almost": ("less-than", "about"), "less than": ("less-than", "at-most"), "under": ("less-than", "at-most"),
    "up to": ("at-most", "less-than"), "at most": ("at-most", "less-than"),
}
NUMBER_WORDS = {
    1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten",
    11: "eleven", 12: "twelve", 15: "fifteen", 20: "twenty",
}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


class Checker(Protocol):
    """What a rule needs from the validator: the parsed records and a way to report."""

    records: dict[str, dict[str, Any]]

    def items(self, kind: str) -> list[tuple[Any, Any]]: ...

    def add(self, raw: Any, path: tuple[Any, ...], message: str, hint: str = "", severity: str = "error") -> None: ...


@dataclass(frozen=True)
class Rule:
    """One rule: a name for messages and docs, what it guards, and the function that applies it."""

    name: str
    doc: str
    check: Callable[[Checker], None]


def _flat(text: str) -> str:
    return " ".join(text.split())


#: The characters outside ASCII that Python's case-insensitive matching takes for an ASCII letter: dotted capital I
#: and dotless i (for i), the long s (for s), the Kelvin sign (for k). tests/test_rules.py checks every code point.
ASCII_LOOKALIKES = re.compile("[\u0130\u0131\u017f\u212a]")


def _find(words: Iterable[str], text: str) -> list[str]:
    """The words (or phrases) that occur in `text` as whole words, case-insensitively (except those in
    LOWER_CASE_ONLY), in the given order.

    ASCII words in a text without ASCII_LOOKALIKES can match only where the text in lower case holds the word
    in lower case, so a substring test (`in`, many times faster than a case-insensitive pattern) picks the
    words to search for; otherwise, one combined search says whether any is there (`_find_searching`)."""
    words = tuple(words)
    lowered = _lowered(words)
    if lowered is None or ASCII_LOOKALIKES.search(text) is not None:
        return _find_searching(words, text)
    low = text.lower()
    return [w for w, lw in zip(words, lowered) if lw in low and _whole(w).search(text)]


def _has(words: Iterable[str], text: str) -> bool:
    """Whether any of the words occurs in `text` as a whole word: `bool(_find(words, text))`, stopping at the first."""
    words = tuple(words)
    lowered = _lowered(words)
    if lowered is None or ASCII_LOOKALIKES.search(text) is not None:
        if LOWER_CASE_ONLY.isdisjoint(words):  # the combined pattern then matches exactly where one of them does
            return _any_of(words).search(text) is not None
        return bool(_find_searching(words, text))
    low = text.lower()
    return any(lw in low and _whole(w).search(text) for w, lw in zip(words, lowered))


def _find_flat(words: tuple[str, ...], text: str) -> list[str]:
    """`_find(words, _flat(text))`, in about half its time: the text is made flat only for a word with white space
    in it whose longest part is there (any other word is found in the text as written: white space of any kind
    ends a whole word), and a text without the part every word shares holds none of them (`_plan`).
    Lower-casing turns white space into nothing else and nothing else into white space (tests/test_rules.py
    checks every code point)."""
    plan = _plan(words)
    if plan is None or (not text.isascii() and ASCII_LOOKALIKES.search(text) is not None):
        return _find(words, _flat(text))
    shared, single, spaced = plan
    low = text.lower()
    if shared and shared not in low:
        return []
    found = [i for i, word, lw in single if lw in low and _whole(word).search(text)]
    flat = flat_low = ""
    for i, word, lw, part in spaced:
        if part in low:
            if not flat:
                flat = _flat(text)
                flat_low = flat.lower()
            if lw in flat_low and _whole(word).search(flat):
                found.append(i)
    if len(found) > 1:
        found.sort()
    return [words[i] for i in found]


@functools.lru_cache(maxsize=None)
def _plan(words: tuple[str, ...]) -> tuple[str, list[tuple[int, str, str]], list[tuple[int, str, str, str]]] | None:
    """For `_find_flat`: the longest part without white space that every word holds (at least three characters,
    else ""); (index, word, word in lower case) of each word without white space; and of each word with some,
    the same and its longest part without. None where a word is not ASCII."""
    lowered = _lowered(words)
    if lowered is None:
        return None
    single = [(i, w, lw) for i, (w, lw) in enumerate(zip(words, lowered)) if lw.split() == [lw]]
    spaced = [(i, w, lw, max(lw.split() or [""], key=len)) for i, (w, lw) in enumerate(zip(words, lowered))
              if lw.split() != [lw]]
    shortest = min(lowered, key=len, default="")
    for size in range(len(shortest), 2, -1):
        for start in range(len(shortest) - size + 1):
            part = shortest[start:start + size]
            if not any(c.isspace() for c in part) and all(part in w for w in lowered):
                return part, single, spaced
    return "", single, spaced


def _find_searching(words: tuple[str, ...], text: str) -> list[str]:
    """`_find` for any words and text, by regular expressions alone."""
    if not _any_of(words).search(text):  # most texts hold none of them: one search instead of one per word
        return []
    return [w for w in words if _whole(w).search(text)]


@functools.lru_cache(maxsize=None)
def _lowered(words: tuple[str, ...]) -> tuple[str, ...] | None:
    """The words in lower case, or None where one is not ASCII (the substring test of `_find` is then not exact)."""
    return tuple(w.lower() for w in words) if all(w.isascii() for w in words) else None


@functools.lru_cache(maxsize=None)
def _whole(word: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", 0 if word in LOWER_CASE_ONLY else re.IGNORECASE)


@functools.lru_cache(maxsize=None)
def _any_of(words: tuple[str, ...]) -> re.Pattern[str]:
    """Matches wherever any of `words` does (case-insensitively: a superset, confirmed word by word)."""
    return re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, words)) + r")(?![\w-])", re.IGNORECASE)


# -- searches kept in the parse cache ----------------------------------------------------------

#: The searches of a text that depend on the text alone: each is made once, when its file is parsed, and kept
#: in the parse cache with the record (the cache's key covers this module's source, so changed words miss).
SCANS: dict[str, Callable[[str], list[str]]] = {
    "universal": lambda text: _find_flat(UNIVERSAL_PHRASES, text),
    "hedges": lambda text: _find_flat(HEDGES, text),
}
#: Which texts of a record get which searches, by kind and field path as written in the file ("*": each item).
SCANNED: dict[str, dict[tuple[str, ...], tuple[str, ...]]] = {
    "quotes": {("text",): ("hedges",)},
    "facts": {("claim",): ("universal",), ("note",): ("universal",)},
    "positions": {("summary",): ("universal",), ("stances", "*", "stance"): ("universal",),
                  ("outcome",): ("universal",)},
    "events": {("title",): ("universal",), ("summary",): ("universal",)},
    "glossary": {("definition",): ("universal",)},
    "membership": {("statuses", "*", "note"): ("universal",)},
    "figures": {("note",): ("universal",)},
}


def _texts_at(data: Any, pattern: tuple[str, ...], path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(path, text) of each string in `data` that `pattern` names."""
    if not pattern:
        if isinstance(data, str):
            yield path, data
        return
    step, rest = pattern[0], pattern[1:]
    if step == "*":
        if isinstance(data, list):
            for i, item in enumerate(data):
                yield from _texts_at(item, rest, path + (i,))
    elif isinstance(data, dict) and step in data:
        yield from _texts_at(data[step], rest, path + (step,))


def _text_at(data: Any, path: tuple[Any, ...]) -> Any:
    """The value at one path of keys and list indexes, or None (a loop, not _texts_at's generator: it runs for
    every text of every build)."""
    for step in path:
        if isinstance(data, dict):
            data = data.get(step)
        elif isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data):
            data = data[step]
        else:
            return None
    return data


def _path_key(path: tuple[Any, ...]) -> str:
    """The key of a field path in a record's kept searches ("stances.0.stance"); a field of the record itself (most
    of the texts searched) is its own key, without a join."""
    return path[0] if len(path) == 1 and isinstance(path[0], str) else ".".join(map(str, path))


def scans_of(kind: str, data: Any) -> dict[str, dict[str, list[str]]]:
    """The searches of one record's texts, as read from its file: {"stances.0.stance": {"universal": [...]}}."""
    out: dict[str, dict[str, list[str]]] = {}
    for pattern, names in SCANNED.get(kind, {}).items():
        for path, text in _texts_at(data, pattern):
            out[_path_key(path)] = {name: SCANS[name](text) for name in names}
    return out


def _scanned(raw: Any, path: tuple[Any, ...], name: str, text: str) -> list[str]:
    """Search `name` of `text`, the record's field at `path`: kept from parsing when it was made on this very text
    (the schema only strips it), else made now."""
    kept = ((getattr(raw, "scans", None) or {}).get(_path_key(path)) or {}).get(name)
    if type(kept) is list and (not kept or all(isinstance(word, str) for word in kept)):
        read = _text_at(getattr(raw, "data", None), path)  # the text as the file gave it
        if isinstance(read, str) and read.strip() == text:
            return kept
    return SCANS[name](text)


# -- texts in our own voice -------------------------------------------------------------------

def own_texts(checker: Checker) -> Iterator[tuple[Any, tuple[Any, ...], str, list[str]]]:
    """Every text the site writes in its own voice, with the quote ids it rests on: (raw, path, text, cites)."""
    for fact, raw in checker.items("facts"):
        yield raw, ("claim",), fact.claim, fact.cites
        if fact.note:
            yield raw, ("note",), fact.note, fact.cites
    for position, raw in checker.items("positions"):
        every = [c for s in position.stances for c in s.cites] + list(position.outcome_cites)
        yield raw, ("summary",), position.summary, every
        for i, stance in enumerate(position.stances):
            yield raw, ("stances", i, "stance"), stance.stance, stance.cites
        if position.outcome:
            yield raw, ("outcome",), position.outcome, list(position.outcome_cites)
    for event, raw in checker.items("events"):
        yield raw, ("title",), event.title, event.cites
        if event.summary:
            yield raw, ("summary",), event.summary, event.cites
    for entry, raw in checker.items("glossary"):
        yield raw, ("definition",), entry.definition, entry.cites
    for membership, raw in checker.items("membership"):
        for i, status in enumerate(membership.statuses):
            if status.note:
                yield raw, ("statuses", i, "note"), status.note, status.cites
    for figure, raw in checker.items("figures"):
        if figure.note:
            yield raw, ("note",), figure.note, figure.cites


def universal_claims(checker: Checker) -> None:
    """A text that speaks for every source cites at least one quote from each of them."""
    sources = sorted(checker.records["sources"])
    quotes = checker.records["quotes"]
    for raw, path, text, cites in own_texts(checker):
        phrases = _scanned(raw, path, "universal", text)
        if not phrases:
            continue
        cited = {quotes[c].source for c in cites if c in quotes}
        missing = [s for s in sources if s not in cited]
        if missing:
            checker.add(raw, path, f"says {phrases[0]!r} but cites no quote from {', '.join(missing)} "
                        f"({len(cited)} of {len(sources)} sources)",
                        f"say how many sources ('{_count_words(len(cited))} of the {_count_words(len(sources))} "
                        "sources') and name them, or cite each source")


def _count_words(n: int) -> str:
    return NUMBER_WORDS.get(n, str(n))


# -- figures ----------------------------------------------------------------------------------

def _quote_texts(checker: Checker, cites: list[str]) -> list[str]:
    quotes = checker.records["quotes"]
    return [_flat(quotes[c].text) for c in cites if c in quotes]


def _period_in(period: str, text: str) -> bool:
    parts = period.split("-")
    if not re.search(r"(?<!\d)" + parts[0] + r"(?!\d)", text):
        return False
    if len(parts) >= 2 and MONTHS[int(parts[1]) - 1] not in text:
        return False
    return len(parts) < 3 or re.search(r"(?<!\d)" + str(int(parts[2])) + r"(?!\d)", text) is not None


def figure_periods(checker: Checker) -> None:
    """A figure's period is one its quotes give; otherwise the figure says `period_known: false`."""
    for figure, raw in checker.items("figures"):
        if not figure.period_known:
            continue
        texts = _quote_texts(checker, figure.cites)
        if texts and not any(_period_in(figure.period, t) for t in texts):
            checker.add(raw, ("period",), f"period {figure.period} does not appear in the quote(s) it cites",
                        "cite the quote that dates the number, or set period_known: false (the period is then "
                        "only the publication date)")


def _number_forms(value: float) -> list[str]:
    """Ways a source may print a value: 5000 -> '5000', '5,000'; 37.63 -> '37.63'; -28 -> '28'."""
    value = abs(value)
    if float(value).is_integer():
        n = int(value)
        return sorted({str(n), f"{n:,}"}, key=len, reverse=True)
    return [f"{value:g}"]


def _number_at(forms: list[str], text: str) -> re.Match[str] | None:
    for form in forms:
        match = re.search(r"(?<![\d.,])" + re.escape(form) + r"(?![\d]|[.,]\d)", text)
        if match:
            return match
    return None


_QUALIFIER_AT_END = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(QUALIFIERS, key=len, reverse=True)))
                               + r")$")


def _qualifier_before(text: str, start: int) -> str | None:
    """The qualifier ('more than', 'about'...) just before a number, allowing a currency sign between."""
    before = text[max(0, start - 20):start].lower().rstrip("$€£¥ ")
    match = _QUALIFIER_AT_END.search(before)  # the leftmost match that reaches the end is the longest
    return match.group(1) if match else None


def figure_values(checker: Checker) -> None:
    """A figure stores a value the way its source gives it: a number printed with a qualifier is a bound,
    and a value the source gives only in words keeps those words (`value_text`), found in the quote."""
    for figure, raw in checker.items("figures"):
        texts = _quote_texts(checker, figure.cites)
        if not texts:
            continue
        if figure.value_text:
            if not any(_flat(figure.value_text).lower() in t.lower() for t in texts):  # line breaks as spaces
                checker.add(raw, ("value_text",), f"{figure.value_text!r} is not in the quote(s) the figure cites",
                            "copy the source's words for the value exactly")
            words = _find(QUALIFIERS, figure.value_text)
            if words and figure.bound == "exact":
                checker.add(raw, ("bound",), f"the source says {figure.value_text!r}, a bound, not an exact value",
                            "set bound: " + " or ".join(QUALIFIERS[words[0]]))
            continue
        forms = _number_forms(figure.value)
        found = [(t, m) for t in texts if (m := _number_at(forms, t))]
        if not found:
            word = NUMBER_WORDS.get(int(abs(figure.value))) if float(figure.value).is_integer() else None
            spelled = [t for t in texts if word and _find([word], t)]
            if spelled:
                found = [(t, re.search(r"(?<![\w-])" + word + r"(?![\w-])", t, re.IGNORECASE))
                         for t in spelled]
            else:
                checker.add(raw, ("value",), f"{forms[0]} is not printed in the quote(s) the figure cites",
                            "when the source gives the value in words ('more than half'), copy them into value_text "
                            "and set bound; otherwise cite the quote that prints the number")
                continue
        text, match = found[0]
        qualifier = _qualifier_before(text, match.start())
        if qualifier and figure.bound not in QUALIFIERS[qualifier]:
            checker.add(raw, ("bound",), f"the source says {qualifier!r} {match.group(0)}; bound is {figure.bound!r}",
                        "set bound: " + " or ".join(QUALIFIERS[qualifier]))
        elif not qualifier and figure.bound != "exact":
            checker.add(raw, ("bound",), f"bound is {figure.bound!r} but the quote gives {match.group(0)} plainly",
                        "set bound: exact, or cite the quote that qualifies the number")


# -- hedges and speakers ----------------------------------------------------------------------

def _citers(checker: Checker) -> dict[str, list[str]]:
    """Quote id -> 'fact x', 'position y'... for every record that cites it."""
    from .factbase import cites_of
    from .schema import KIND_NAMES

    out: dict[str, list[str]] = {}
    for kind in ("facts", "positions", "events", "figures", "glossary", "membership"):
        for record, _ in checker.items(kind):
            for cite in cites_of(record):
                out.setdefault(cite, []).append(f"{KIND_NAMES[kind]} {record.id}")
    return out


def hedges_reviewed(checker: Checker) -> None:
    """A quote's hedges are reviewed once by hand: each is listed under `hedges`, and each listed one is in the text."""
    citers: dict[str, list[str]] | None = None
    for quote, raw in checker.items("quotes"):
        found = _scanned(raw, ("text",), "hedges", quote.text)
        for i, listed in enumerate(quote.hedges):
            # a listed hedge is one of HEDGES (found above), or another word searched for alone
            if not (listed in found if listed in HEDGES else _find([listed], _flat(quote.text))):
                checker.add(raw, ("hedges", i), f"{listed!r} is not in the quote's text",
                            "remove it from hedges (the text changed since the review)")
        new = [h for h in found if h.lower() not in {x.lower() for x in quote.hedges}]
        if not new:
            continue
        if citers is None:
            citers = _citers(checker)
        who = citers.get(quote.id, [])
        checker.add(raw, ("text",), f"hedge {', '.join(repr(h) for h in new)} not yet reviewed; cited by "
                    + (", ".join(who) if who else "no record"),
                    "check that each citing record keeps the hedge, then list it under `hedges`", "warning")


def speakers_attributed(checker: Checker) -> None:
    """A quote credited to a speaker contains words attributed to them: a quotation mark, a reporting verb,
    or a reviewer's `speaker_reviewed: true`."""
    for quote, raw in checker.items("quotes"):
        if quote.speaker is None:
            if quote.speaker_reviewed:
                checker.add(raw, ("speaker_reviewed",), "speaker_reviewed without a speaker",
                            "remove it, or name the speaker")
            continue
        if quote.speaker_reviewed:
            continue
        text = _flat(quote.text)
        if any(mark in text for mark in QUOTATION_MARKS) or _has(REPORTING, text):
            continue
        checker.add(raw, ("speaker",), f"the text has no quotation mark or reporting verb for {quote.speaker!r}",
                    "if these are the author's own words, remove speaker; if the passage does give the speaker's "
                    "words (e.g. it continues a sentence naming them), set speaker_reviewed: true")


RULES: list[Rule] = [
    Rule("universal-claims", universal_claims.__doc__ or "", universal_claims),
    Rule("figure-periods", figure_periods.__doc__ or "", figure_periods),
    Rule("figure-values", figure_values.__doc__ or "", figure_values),
    Rule("hedges-reviewed", hedges_reviewed.__doc__ or "", hedges_reviewed),
    Rule("speakers-attributed", speakers_attributed.__doc__ or "", speakers_attributed),
]


def apply(checker: Checker) -> None:
    """Run every rule; each reports through the checker, so problems carry file, line, id and field."""
    for rule in RULES:
        rule.check(checker)
