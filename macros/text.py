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


_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[.&][A-Za-z0-9]+)*")


class _TermIndex:
    """Finds whole-word occurrences of many terms in one linear scan (a regex alternation of
    thousands of terms is tried at every position; this looks terms up by their first token)."""

    def __init__(self, terms: list[str]) -> None:
        self.by_first: dict[str, list[str]] = {}
        for term in sorted(terms, key=len, reverse=True):
            first = _TOKEN.match(term)
            if first and first.start() == 0:
                self.by_first.setdefault(first.group(0), []).append(term)

    def find(self, text: str) -> list[tuple[int, str]]:
        """(position, term) of each non-overlapping whole-word occurrence, left to right."""
        found: list[tuple[int, str]] = []
        end = 0
        for match in _TOKEN.finditer(text):
            start = match.start()
            if start < end or (start and (text[start - 1].isalnum() or text[start - 1] in "_&#;-")):
                continue
            for term in self.by_first.get(match.group(0), ()):
                stop = start + len(term)
                if text.startswith(term, start) and not (stop < len(text) and (text[stop].isalnum() or text[stop] in "_-")):
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

    def markdown_definitions(self, text: str | None = None) -> str:
        """`*[SCO]: ...` lines for Python-Markdown's abbr extension: the terms `text` uses (all if None)."""
        def clean(s: str) -> str:
            return re.sub(r"[\[\]\n\r{}<>]", " ", s).strip()
        used = self.terms if text is None else sorted({term for _, term in self._raw.find(text)})
        return "\n".join(f"*[{clean(t)}]: {clean(self.terms[t])}" for t in used)


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
