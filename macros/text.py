"""Safe text: escaping, a small inline-Markdown subset, glossary tooltips, text fragments.

Every string from data goes through `inline()` or Jinja autoescape before it
reaches a page. Braces are turned into entities so that no later template
pass can read `{{ ... }}` from data as a template.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote as _pct

from markupsafe import Markup

_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EM = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")
_CODE = re.compile(r"`([^`]+)`")


def escape(text: str) -> str:
    """HTML-escape and neutralise template braces."""
    return html.escape(text, quote=True).replace("{", "&#123;").replace("}", "&#125;")


def attribute(text: str) -> str:
    """Escape text for HTML text and double-quoted attributes: `& < > "` (an apostrophe stays readable)."""
    return html.escape(text, quote=False).replace('"', "&quot;")


_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[.&][A-Za-z0-9]+)*")
_BEFORE, _AFTER = r"(?<![\w&#;.-])", r"(?![\w-])"  # a term is a whole word, not part of an entity or id


def _whole_word(text: str, start: int, stop: int) -> bool:
    """Whether text[start:stop] stands alone (the same boundaries as `_BEFORE`/`_AFTER`)."""
    return not (start and (text[start - 1].isalnum() or text[start - 1] in "_&#;.-")) and \
        not (stop < len(text) and (text[stop].isalnum() or text[stop] in "_-"))


def _occurs(text: str, term: str) -> bool:
    """Whether `term` occurs in `text` as a whole word."""
    i = text.find(term)
    while i != -1:
        if _whole_word(text, i, i + len(term)):
            return True
        i = text.find(term, i + 1)
    return False


class _TermIndex:
    """Finds whole-word occurrences of many terms in a text.

    The terms are grouped by their first token. A text's tokens are intersected with
    those groups first (at C speed), so a text without a known term costs one
    `findall`; a text with a few candidate terms is searched with one small regex;
    only a text naming hundreds of terms (a whole glossary) falls back to a scan token by
    token, because a regex alternation of thousands of terms is tried at every position.
    """

    #: candidate terms up to which one alternation regex beats the token scan
    REGEX_LIMIT = 200

    def __init__(self, terms: list[str]) -> None:
        self.by_first: dict[str, list[str]] = {}
        for term in sorted(terms, key=len, reverse=True):
            first = _TOKEN.match(term)
            if first and first.start() == 0:
                self.by_first.setdefault(first.group(0), []).append(term)

    def candidates(self, text: str) -> list[str]:
        """Terms whose first token occurs in `text`, longest first."""
        firsts = self.by_first.keys() & set(_TOKEN.findall(text))
        return sorted((t for f in firsts for t in self.by_first[f]), key=lambda t: (-len(t), t))

    def find(self, text: str) -> list[tuple[int, str]]:
        """(position, term) of each non-overlapping whole-word occurrence, left to right."""
        terms = self.candidates(text)
        if not terms:
            return []
        if len(terms) <= self.REGEX_LIMIT:
            pattern = re.compile(_BEFORE + "(?:" + "|".join(map(re.escape, terms)) + ")" + _AFTER)
            return [(m.start(), m.group(0)) for m in pattern.finditer(text)]
        return self._scan(text)

    def used(self, text: str) -> set[str]:
        """The terms that occur in `text`, for definitions: never misses one, and may name a term that
        occurs only glued to other characters (a harmless extra definition). A one-token term is
        settled by the token set alone; longer ones by a plain substring search, so a page of
        megabytes costs one `findall`, not a scan in Python."""
        out: set[str] = set()
        for first in self.by_first.keys() & set(_TOKEN.findall(text)):
            for term in self.by_first[first]:
                if term == first or _occurs(text, term):
                    out.add(term)
        return out

    def _scan(self, text: str) -> list[tuple[int, str]]:
        found: list[tuple[int, str]] = []
        end = 0
        for match in _TOKEN.finditer(text):
            start = match.start()
            if start < end:
                continue
            for term in self.by_first.get(match.group(0), ()):
                stop = start + len(term)
                if text.startswith(term, start) and _whole_word(text, start, stop):
                    found.append((start, term))
                    end = stop
                    break
        return found


class Abbreviations:
    """Wraps known abbreviations in <abbr title=...> inside escaped text, and defines them for page prose."""

    def __init__(self, terms: dict[str, str]) -> None:
        self.terms = dict(sorted(terms.items()))
        self._titles = {escape(t): escape(e) for t, e in self.terms.items()}
        self._escaped = _TermIndex(list(self._titles))
        self._raw = _TermIndex(list(self.terms))

    def apply(self, escaped: str) -> str:
        out, last = [], 0
        for start, term in self._escaped.find(escaped):
            out.append(escaped[last:start])
            out.append(f'<abbr title="{self._titles[term]}">{term}</abbr>')
            last = start + len(term)
        out.append(escaped[last:])
        return "".join(out)

    def markdown_definitions(self, text: str) -> str:
        """`*[SCO]: ...` lines for Python-Markdown's abbr extension: the terms `text` uses."""
        def clean(s: str) -> str:
            return re.sub(r"[\[\]\n\r{}<>]", " ", s).strip()
        return "\n".join(f"*[{clean(t)}]: {clean(self.terms[t])}" for t in sorted(self._raw.used(text)))


NO_ABBREVIATIONS = Abbreviations({})


def inline(text: str, abbreviations: Abbreviations = NO_ABBREVIATIONS) -> Markup:
    """Escape `text`, then render **strong**, *em* and `code`; nothing else (no links, no HTML)."""
    out = escape(" ".join(text.split()))
    out = _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", out)
    out = _STRONG.sub(r"<strong>\1</strong>", out)
    out = _EM.sub(r"<em>\1</em>", out)
    return Markup(abbreviations.apply(out))


def plain(text: str, abbreviations: Abbreviations = NO_ABBREVIATIONS) -> Markup:
    """Escape `text` (no Markdown at all), with glossary tooltips; for verbatim quotes."""
    return Markup(abbreviations.apply(escape(" ".join(text.split()))))


def text_fragment(url: str, quote: str, max_words: int = 8) -> str:
    """A Text Fragment link (#:~:text=start,end) that highlights `quote` in the original."""
    words = " ".join(quote.split()).split(" ")
    enc = lambda s: _pct(s, safe="")  # noqa: E731 - '-', ',' and '&' must be encoded too
    if len(words) <= 2 * max_words:
        directive = enc(" ".join(words)).replace("-", "%2D")
    else:
        start = enc(" ".join(words[:max_words])).replace("-", "%2D")
        end = enc(" ".join(words[-max_words:])).replace("-", "%2D")
        directive = f"{start},{end}"
    base = url.split("#", 1)[0]
    return f"{base}#:~:text={directive}"


def human_date(value: str) -> str:
    """'2015-07' -> 'July 2015'; '2024-07-10' -> '10 July 2024'; '2014' -> '2014'."""
    months = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]
    parts = value.split("-")
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        return f"{months[int(parts[1]) - 1]} {parts[0]}"
    return f"{int(parts[2])} {months[int(parts[1]) - 1]} {parts[0]}"


def number(value: float) -> str:
    """12.0 -> '12', 37.63 -> '37.63', 5000 -> '5,000'."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
          "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]


def spelled(value: int) -> str:
    """6 -> 'six': a small count in words, as prose writes it; 21 and above stay digits."""
    return _WORDS[value] if 0 <= value < len(_WORDS) else f"{value:,}"
