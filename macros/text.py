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


class Abbreviations:
    """Wraps known abbreviations in <abbr title=...> inside escaped text."""

    def __init__(self, terms: dict[str, str]) -> None:
        self.terms = dict(sorted(terms.items()))
        if self.terms:
            alternatives = "|".join(re.escape(escape(t)) for t in sorted(self.terms, key=len, reverse=True))
            self.pattern: re.Pattern[str] | None = re.compile(rf"(?<![\w&#;-])({alternatives})(?![\w-])")
        else:
            self.pattern = None
        self._titles = {escape(t): escape(e) for t, e in self.terms.items()}

    def apply(self, escaped: str) -> str:
        if self.pattern is None:
            return escaped
        return self.pattern.sub(lambda m: f'<abbr title="{self._titles[m.group(1)]}">{m.group(1)}</abbr>', escaped)

    def markdown_definitions(self) -> str:
        """`*[SCO]: ...` lines for Python-Markdown's abbr extension (page prose)."""
        def clean(s: str) -> str:
            return re.sub(r"[\[\]\n\r{}<>]", " ", s).strip()
        return "\n".join(f"*[{clean(t)}]: {clean(e)}" for t, e in self.terms.items())


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
