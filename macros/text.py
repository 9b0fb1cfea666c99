"""Safe text: escaping, a small inline-Markdown subset, glossary tooltips, text fragments.

Every string from data reaches a page through `escape()` (directly, through `inline()` or
`plain()`, or through the fragment templates' `finalize`, see render.py), and every URL
through `safe_url()`. Escaped text is inert wherever a fragment lands, even inside a Markdown
paragraph that Python-Markdown will still process (`{{ figure(...) }}` in a sentence):

- HTML: `& < > " '` become entities, so no tag or attribute can start;
- templates: braces become entities, so no later pass reads `{{ ... }}` from data;
- Markdown: every character an inline pattern of the site's Markdown starts from
  (`[ ] ( ) ! * _ ` \\ | # ~`) becomes a numeric entity, so data cannot make a link,
  image, emphasis, code span, table cell or escape. Entities are left alone by Markdown
  and read back as the same characters by browsers, search and screen readers.
"""

from __future__ import annotations

import functools
import html
import re
from urllib.parse import quote as _pct, urlsplit

from markupsafe import Markup

#: Characters that start inline syntax in Python-Markdown and the site's extensions; `#` starts
#: a heading only at the start of a line, which whitespace-collapsed text never begins.
MARKDOWN_CHARS = "[]()!*_`\\|#~"
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;", "{": "&#123;", "}": "&#125;",
             **{c: f"&#{ord(c)};" for c in MARKDOWN_CHARS}}
_SPECIAL = re.compile("[" + re.escape("".join(_ENTITIES)) + "]")
_SPECIAL_IN_URL = re.compile("[" + re.escape("".join(c for c in _ENTITIES if c != "#")) + "]")
_entity = _ENTITIES.__getitem__

#: The inline Markdown data may use: `code`, **strong**, *em* (tried in this order at each position).
_INLINE = re.compile(r"`(?P<code>[^`]+)`|\*\*(?=\S)(?P<strong>.+?)(?<=\S)\*\*"
                     r"|(?<![\w*])\*(?=\S)(?P<em>.+?)(?<=[^\s*])\*(?![\w*])")


def escape(text: str) -> str:
    """Text as inert HTML: HTML, template and Markdown characters as entities (see the module's docstring)."""
    return _SPECIAL.sub(lambda m: _entity(m.group()), text)


def collapse(text: str) -> str:
    """Runs of whitespace (newlines included) as one space: no data line can start a Markdown block."""
    return " ".join(text.split())


#: Schemes a link from data may use; anything else (javascript:, data:, vbscript:, file:...) is dropped.
URL_SCHEMES = ("http", "https")
_URL_JUNK = re.compile(r"[\x00-\x20\x7f-\x9f]")  # what browsers strip or choke on before reading a scheme


def safe_url(url: str) -> str:
    """`url` if it is http(s) or a relative link within the site; "" otherwise.

    Browsers ignore tabs and newlines inside a scheme (`java\\tscript:`), and read `//host` and
    `\\\\host` as another host: such links are refused too.
    """
    if not isinstance(url, str) or _URL_JUNK.search(url.strip()):
        return ""
    url = url.strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return ""
    if scheme:
        return url if scheme in URL_SCHEMES and url.lower().startswith(scheme + "://") else ""
    if url.startswith(("//", "\\", "/\\")) or ":" in url.split("/", 1)[0].split("#", 1)[0].split("?", 1)[0]:
        return ""
    return url


@functools.lru_cache(maxsize=8192)  # a page links the same few hundred URLs over and over
def url_attribute(url: str) -> Markup:
    """A URL for an `href` or `src`: allow-listed (see `safe_url`), escaped as `escape` does but keeping `#`."""
    return Markup(_SPECIAL_IN_URL.sub(lambda m: _entity(m.group()), safe_url(url)))


def finalize(value: object) -> object:
    """What fragment templates print for `{{ value }}`: Markup as it is, anything else collapsed and escaped. Jinja
    prints the result as it is (autoescape is off, see render.template_env), so escaped text needs no Markup."""
    if isinstance(value, (Markup, int, float)):
        return value
    return escape(collapse(str(value)))


def preformatted(text: str) -> Markup:
    """Text for a `<pre>` block: escaped as `finalize` escapes, spaces kept, and each line break written as `&#10;`,
    which the browser shows as a new line but Markdown never sees, so no line of it can start a Markdown block."""
    return Markup("&#10;").join(Markup(escape(line)) for line in text.split("\n"))


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


@functools.lru_cache(maxsize=4096)  # texts share their candidate terms: compiled once each
def _alternation(terms: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(_BEFORE + "(?:" + "|".join(map(re.escape, terms)) + ")" + _AFTER)


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
            return [(m.start(), m.group(0)) for m in _alternation(tuple(terms)).finditer(text)]
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
    """Wraps known abbreviations in <abbr title=...> while escaping text, and defines them for page prose."""

    def __init__(self, terms: dict[str, str]) -> None:
        self.terms = dict(sorted(terms.items()))
        self._tags = {t: f'<abbr title="{escape(collapse(e))}">{escape(t)}</abbr>' for t, e in self.terms.items()}
        self._raw = _TermIndex(list(self.terms))

    def markup(self, text: str) -> str:
        """`text` escaped, with each known term (a whole word of the text as written) in its <abbr>."""
        out, last = [], 0
        for start, term in self._raw.find(text):
            out.append(escape(text[last:start]))
            out.append(self._tags[term])
            last = start + len(term)
        out.append(escape(text[last:]))
        return "".join(out)

    def markdown_definitions(self, text: str) -> str:
        """`*[SCO]: ...` lines for Python-Markdown's abbr extension: the terms `text` uses."""
        def clean(s: str) -> str:
            return re.sub(r"[\[\]\n\r{}<>]", " ", s).strip()
        return "\n".join(f"*[{clean(t)}]: {clean(self.terms[t])}" for t in sorted(self._raw.used(text)))


NO_ABBREVIATIONS = Abbreviations({})


def _inline(text: str, abbreviations: Abbreviations) -> str:
    out, last = [], 0
    for match in _INLINE.finditer(text):
        out.append(abbreviations.markup(text[last:match.start()]))
        code, strong, em = match.group("code", "strong", "em")
        if code is not None:
            out.append(f"<code>{escape(code)}</code>")
        elif strong is not None:
            out.append(f"<strong>{_inline(strong, abbreviations)}</strong>")
        else:
            out.append(f"<em>{_inline(em, abbreviations)}</em>")
        last = match.end()
    out.append(abbreviations.markup(text[last:]))
    return "".join(out)


def inline(text: str, abbreviations: Abbreviations = NO_ABBREVIATIONS) -> Markup:
    """`text` escaped, with its **strong**, *em* and `code` rendered; nothing else (no links, no HTML)."""
    return Markup(_inline(collapse(text), abbreviations))


def plain(text: str, abbreviations: Abbreviations = NO_ABBREVIATIONS) -> Markup:
    """`text` escaped (no Markdown at all), with glossary tooltips; for verbatim quotes and names."""
    return Markup(abbreviations.markup(collapse(text)))


def inline_text(text: str) -> str:
    """What a reader sees of `inline(text)`: the words without the **strong**/*em*/`code` delimiters that
    `inline` turns into markup (a `*` that is not such a delimiter, as in `7*7`, stays)."""
    def strip(t: str) -> str:
        return _INLINE.sub(lambda m: m.group("code") if m.group("code") is not None
                           else strip(m.group("strong") if m.group("strong") is not None else m.group("em")), t)
    return strip(collapse(text))


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
    if abs(value) < 0.01:
        return f"{value:.2g}"  # 0.0001, not 0
    return f"{value:,.2f}".rstrip("0").rstrip(".")


_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
          "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]


def spelled(value: int) -> str:
    """6 -> 'six': a small count in words, as prose writes it; 21 and above stay digits."""
    return _WORDS[value] if 0 <= value < len(_WORDS) else f"{value:,}"
