"""The prose conventions of the home and theme pages, as functions over a built page's HTML.

tests/test_prose.py applies them to the pages and to small snippets; CONTRIBUTING.md ("Writing a page")
states the same rules for editors. Definitions:

- **The article**: the page's `<article>`, without its Sources list (`section.sco-sources`), its editor's
  notes (`.sco-ednote`, `.sco-ednote-mark` and the Editor's notes section, `section.sco-ednotes`: the site's
  corrections beside the evidence, repeated beside each record they qualify), heading permalinks
  (`.headerlink`), scripts and styles, and SVG graphics (a chart's labels and a map's state names are
  pictures' text, told again in their captions, tables or lists).
- **Prose paragraphs**: `<p>` elements of the article that are not inside a fact or fact list
  (`.sco-fact`, `.sco-facts`), a position box (`.sco-position`), a timeline (`.sco-timeline`), a
  table, a figure or chart, a `<details>` block, a `<nav>`, a card grid (`.grid`), the At a glance
  box (`.sco-glance`), a list item or a definition (`li`, `dd`). Paragraphs inside admonitions, the
  "In short" box included, are prose.
- **Words**: runs of letters, digits, apostrophes and hyphens; citation markers (`[12]`) are not words.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import yaml
from bs4 import BeautifulSoup, NavigableString, Tag

ROOT = Path(__file__).resolve().parent.parent
WORD = re.compile(r"[\w’'–-]+")
MARKER = re.compile(r"\[\d+\]")
NOT_PROSE_TAGS = ("table", "figure", "details", "nav", "li", "dd")
NOT_PROSE_CLASSES = ("sco-fact", "sco-facts", "sco-position", "sco-timeline", "sco-chart", "grid", "sco-glance")
BLOCKS = {"p", "li", "dt", "dd", "td", "th", "caption", "figcaption", "summary", "h1", "h2", "h3", "h4", "h5", "h6",
          "blockquote", "div", "section", "aside", "article", "ol", "ul", "dl", "table", "tr", "figure", "details"}
YEAR_OR_NUMBER = re.compile(r"\d")
#: "In short": at most this many words, in one paragraph.
IN_SHORT_WORDS = 150
#: Prose paragraphs hold at least this share of the article's words.
PROSE_SHARE = 0.60
#: A sentence this long may not appear twice on a page.
REPEAT_WORDS = 8


def words(text: str) -> int:
    return len(WORD.findall(MARKER.sub(" ", text)))


def article(soup: BeautifulSoup) -> Tag:
    """A copy of the page's article without the Sources list, editor's notes, the prose's editing apparatus (dates and
    edit links that only Editor view shows), permalinks, scripts, styles and SVG."""
    art = BeautifulSoup(str(soup.find("article")), "html.parser").find("article")
    for el in art.select("section.sco-sources, section.sco-ednotes, .sco-ednote, .sco-ednote-mark, .sco-fact-editing, "
                         ".headerlink, script, style, svg"):
        el.decompose()
    return art


def is_prose(p: Tag) -> bool:
    """Whether a <p> is a prose paragraph (see the module's definitions)."""
    if p.find_parent(list(NOT_PROSE_TAGS)):
        return False
    if set(p.get("class") or []) & set(NOT_PROSE_CLASSES):
        return False
    return not any(p.find_parent(class_=c) for c in NOT_PROSE_CLASSES)


def prose_paragraphs(art: Tag) -> list[Tag]:
    return [p for p in art.find_all("p") if is_prose(p)]


def prose_share(art: Tag) -> tuple[int, int]:
    """(words in prose paragraphs, all words of the article)."""
    return sum(words(p.get_text(" ")) for p in prose_paragraphs(art)), words(art.get_text(" "))


def in_short(art: Tag) -> Tag | None:
    """The "In short" admonition, if it is the first thing after the page's H1."""
    h1 = art.find("h1")
    first = h1.find_next_sibling(True) if h1 else None
    if first is None or "admonition" not in (first.get("class") or []):
        return None
    title = first.find(class_="admonition-title")
    return first if title and title.get_text(strip=True) == "In short" else None


def block_texts(art: Tag) -> list[str]:
    """The text of each block (paragraph, list item, cell, heading...), without the text of blocks inside it."""
    texts: dict[int, list[str]] = {}
    order: list[int] = []
    for string in art.find_all(string=True):
        if not isinstance(string, NavigableString):
            continue
        block = next((a for a in string.parents if a.name in BLOCKS), art)
        key = id(block)
        if key not in texts:
            texts[key] = []
            order.append(key)
        texts[key].append(str(string))
    joined = (" ".join(MARKER.sub(" ", "".join(texts[k])).split()) for k in order)
    return [re.sub(r"\s+([.,;:!?…])", r"\1", t) for t in joined]


def sentences(art: Tag) -> list[str]:
    out = []
    for text in block_texts(art):
        out += [s.strip() for s in re.split(r"(?<=[.!?…])[”\"’)]*\s+", text) if s.strip()]
    return out


def repeated_sentences(art: Tag) -> list[str]:
    """Sentences of REPEAT_WORDS words or more that appear more than once (compared without markers and case)."""
    counts = Counter(s.lower().rstrip(".") for s in sentences(art) if words(s) >= REPEAT_WORDS)
    return sorted(s for s, n in counts.items() if n > 1)


def _claim(el: Tag) -> str:
    clone = BeautifulSoup(str(el), "html.parser")
    for junk in clone.select(".sco-cite, .sco-asof, .sco-edit, .sco-differ, .sco-differ-label"):
        junk.decompose()
    return " ".join(clone.get_text(" ").split())


def repeated_boxes(art: Tag) -> list[str]:
    """Facts, events and "differs" boxes shown more than once: the same claim or event twice, or a differs box
    that spells out a fact the page also lists."""
    facts = Counter(_claim(f) for f in art.select(".sco-fact"))
    events = Counter(_claim(e) for e in art.select(".sco-event"))
    differs = Counter(_claim(d) for d in art.select(".sco-differ[data-fact]"))
    out = [f"fact twice: {c[:80]}" for c, n in facts.items() if n > 1]
    out += [f"event twice: {c[:80]}" for c, n in events.items() if n > 1]
    out += [f"differs box twice: {c[:80]}" for c, n in differs.items() if n > 1]
    for d in art.select(".sco-differ[data-fact]"):
        if art.find(id=f"fact-{d['data-fact']}") is not None:
            out.append(f"differs box repeats fact {d['data-fact']}, shown on the page too")
    return out


@lru_cache(maxsize=1)
def names() -> tuple[re.Pattern[str], ...]:
    """Whole-word patterns for the names a paragraph may not state uncited: states and people in data/actors
    (full names, and each capitalised part of a person's name), and the sources' authors (full names and surnames)."""
    found: set[str] = set()
    for path in sorted((ROOT / "data" / "actors").glob("*.yaml")):
        for rec in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if rec.get("kind") == "state":
                found.add(rec["name"])
            elif rec.get("kind") == "person":
                found.add(rec["name"])
                found.update(t for t in rec["name"].split() if re.fullmatch(r"[A-Z][a-z]+", t))
    for source in yaml.safe_load((ROOT / "data" / "sources.yaml").read_text(encoding="utf-8")) or []:
        authors = list(source.get("authors") or []) + [a for c in source.get("chapters") or [] for a in c.get("authors") or []]
        for author in authors:
            found.add(author)
            found.add(author.split()[-1])
    return tuple(re.compile(r"(?<![\w-])" + re.escape(n) + r"(?![\w-])") for n in sorted(found, key=len, reverse=True))


def needs_marker(p: Tag) -> str | None:
    """Why a prose paragraph must carry a citation marker (a number or year, or a name), or None.

    Exceptions: the text of ordinary links (navigation such as "see Russia vs China") and of `<code>`
    is not read; a marker's own number is not a number."""
    clone = BeautifulSoup(str(p), "html.parser")
    for el in clone.find_all(["a", "code"]):
        if "sco-cite" not in (el.get("class") or []):
            el.decompose()
    for el in clone.select("a.sco-cite"):
        el.decompose()
    text = " ".join(clone.get_text(" ").split())
    if YEAR_OR_NUMBER.search(text):
        return "a number: " + YEAR_OR_NUMBER.search(text).group(0)
    for pattern in names():
        match = pattern.search(text)
        if match:
            return "a name: " + match.group(0)
    return None


def uncited_paragraphs(art: Tag) -> list[str]:
    out = []
    for p in prose_paragraphs(art):
        if p.select_one("a.sco-cite"):
            continue
        why = needs_marker(p)
        if why:
            out.append(f"{why} in: {' '.join(p.get_text(' ').split())[:90]}")
    return out


def cited_fact_ids(art: Tag) -> list[str]:
    """Facts the page states: a fact shown (`.sco-fact`) or cited in prose (`cite_fact`'s anchor)."""
    ids = [el["id"][5:] for el in art.select(".sco-fact[id^='fact-'], .sco-fact-ref span[id^='fact-']")]
    return list(dict.fromkeys(ids))


def unshown_disagreements(art: Tag, disagreeing: dict[str, set[str]]) -> list[str]:
    """For each fact the page states that another disagrees with, the other must be on the page too."""
    shown = set(cited_fact_ids(art)) | {d["data-fact"] for d in art.select(".sco-differ[data-fact]")}
    return [f"{fact} without {other}" for fact in cited_fact_ids(art)
            for other in sorted(disagreeing.get(fact, ())) if other not in shown]
