"""Hostile text in every text field of every record kind, through every macro that shows it, stays text.

The full cross product, in one build: string i of HOSTILE fills every text field of a complete set of
records of its own (ids end in `-s<i>`; each value is the string followed by a tag naming its string and
field). Pages call every macro that renders records, each twice: as a block (its own paragraph) and inline
(inside a sentence, where Python-Markdown still reads the text around HTML tags). Every page is then checked
as parsed HTML and again as Chromium's live DOM after the site's scripts ran and citation previews opened:
no script, handler, `javascript:`/`data:` URL or element the data did not get from us; no dialog, no global
flag, no request to another host; and each field's text shown literally in each macro that shows it.
"""

from __future__ import annotations

import json
import re
import shutil
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import pytest
from bs4 import BeautifulSoup, NavigableString, Tag

from conftest import ROOT, mkdocs_build

HOSTILE = [
    # HTML and script
    "<script>window.__pwned=1;alert(1)</script>",
    "<img src=x onerror=\"window.__pwned=2;alert(2)\">",
    "\" onmouseover=\"window.__pwned=3\" data-x=\"",
    "' onfocus='window.__pwned=4' autofocus='",
    "<svg onload=alert(5)><script>window.__pwned=5</script></svg>",
    "<a href=\"javascript:window.__pwned=7\">link</a>",
    "<iframe src=\"http://evil.test/\"></iframe>",
    "</script><script>window.__pwned=8</script>",
    "<style>body{display:none}</style>",
    "<link rel=stylesheet href=http://evil.test/x.css>",
    "<!-- comment --> ]]> &lt;already escaped&gt; &amp;",
    "<svg><a xlink:href=\"javascript:window.__pwned=9\"><text>x</text></a></svg>",
    "<math><mi xlink:href=\"data:x,alert(10)\">m</mi></math>",
    # Markdown: links, images, references, autolinks, code, emphasis, escapes
    "[click](javascript:window.__pwned=6)",
    "[more](javascript:alert(1)) and [x]( javascript:alert(1) )",
    "![img](http://evil.test/pixel.png)",
    "![i][p] [p]: http://evil.test/ref.png",
    "[x][r]\n\n[r]: javascript:window.__pwned=11",
    "<javascript:window.__pwned=12> <http://evil.test/auto> <mailto:a@evil.test>",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[ent](&#106;avascript:alert(13))",
    "`code` ``double`` **strong** __under__ *em* _em_",
    "\\<script\\>window.__pwned=14\\</script\\> \\[x\\](y) trailing \\",
    "a | b | c |\n|---|---|",
    "# heading\n\n---\n\n> quote\n\n- list\n\n    indented code",
    "{: onclick=\"window.__pwned=15\" } {#id .cls} {: .x }",
    "*[SCO]: injected abbreviation",
    "[TOC] [^1] [^1]: a footnote",
    "==mark== ~~del~~ ^^ins^^ ++ctrl+alt++ :smile: $x$",
    "!!! warning \"admonition\"\n    body\n\n??? note \"details\"\n    hidden",
    "<div markdown=\"1\">*md in html*</div>",
    # templates
    "{{ 7*7 }} {{ config }}",
    "{% include '/etc/passwd' %}",
    "{# comment #} {%raw%}x{%endraw%}",
    # Unicode
    "\u202eevil\u202c right-to-left override",
    "\u2066isolate\u2069 \u200fmark\u200e \u2067rtl\u2069",
    "zero\u200bwidth\u200djoiner\ufeffbom",
]

#: Values for the one URL field (sources.url): the schema admits only http(s) addresses, but those may
#: still hold Markdown and HTML syntax.
URLS = [
    "https://example.org/[x](javascript:window.__pwned=20)",
    "https://example.org/![i](http://evil.test/p.png)",
    "https://example.org/a_b*c*`d`|e~f",
    "https://example.org/{{7*7}}?q=(1)&r=!#frag",
    "http://example.org/&#106;avascript:alert(21)",
]

#: Each text field (a field of one record) and the macros that show it. "sources" is a page's own Sources
#: list, "cited_on" the "Cited on" lists on source pages. Fields no macro shows (actors' abbreviations and
#: native names, facts' notes) are still filled, and must break nothing.
FIELDS: dict[str, tuple[str, ...]] = {
    "source-a.title": ("quote", "sources", "source_page", "sources_index"),
    "source-a.authors": ("quote", "sources", "source_page", "sources_index"),
    "source-a.outlet": ("quote", "sources", "source_page", "sources_index"),
    "source-a.licence": ("source_page", "sources_index"),
    "source-a.notes": ("source_page",),
    "source-a.affiliations.author": (),  # holds source-a.authors' text (it must name an author), checked there
    "source-a.affiliations.affiliation": ("sources", "source_page"),
    "source-a.affiliations.role": ("source_page",),
    "source-b.title": ("quote", "sources", "source_page", "sources_index"),
    "source-b.chapters.title": ("quote", "sources", "source_page"),
    "source-b.chapters.authors": ("quote", "sources", "source_page"),
    "china.name": ("position", "positions", "membership_table", "members_by_year", "members_as_of",
                   "members_as_of_in_cell", "membership_chart", "at_a_glance", "member_map", "cited_on"),
    "china.abbreviation": ("at_a_glance",),
    "china.role": (),
    "china.native.text": (),
    "china.native.transliteration": (),
    "speaker-a.name": ("quote", "sources", "source_page"),
    "speaker-a.role": ("source_page",),
    "quote-a.section": ("source_page",),
    "quote-a.text": ("quote", "sources", "source_page"),
    "quote-a.note": ("source_page",),
    "quote-b.text": ("quote", "sources", "source_page"),
    "fact-a.claim": ("fact", "facts", "source_facts", "cited_on"),
    "fact-a.note": (),
    "fact-b.claim": ("facts", "source_facts"),
    "event-a.title": ("timeline", "timeline_chart", "cited_on"),
    "event-a.place": ("timeline",),
    "event-a.summary": ("timeline",),
    "event-b.title": ("timeline", "timeline_chart", "cited_on"),
    "event-b.place": ("timeline", "at_a_glance"),
    "membership-china.statuses.note": ("membership_table",),
    "figure-a.label": ("figures", "figure_chart", "cited_on"),
    "figure-a.unit": ("figure", "figure_in_cell", "figures", "figure_chart"),
    "figure-a.note": ("figures",),
    "figure-b.unit": ("figures", "figure_chart"),
    "figure-b.value_text": ("figures",),
    "position-a.issue": ("position", "positions", "cited_on"),
    "position-a.summary": ("position", "positions"),
    "position-a.stances.stance": ("position", "positions"),
    "position-a.outcome": ("position", "positions"),
    "term-a.term": ("glossary", "cited_on"),
    "term-a.expansion": ("glossary",),
    "term-a.definition": ("glossary",),
    "term-a.native.text": ("glossary",),
    "term-a.native.transliteration": ("glossary",),
    "term-b.expansion": ("glossary",),
    "term-b.definition": ("glossary",),
    # an editor's note on fact-a and on position-a's summary: in full beside them, and in the page's notes list
    "note-a.text": ("fact", "facts", "source_facts", "position", "sources"),
    "note-a.references.outlet": ("fact", "sources"),
    "note-a.references.title": ("sources",),
    "note-a.references.author": ("sources",),
    "note-a.references.supports": ("sources",),
}
#: Text fields the schema restricts to a vocabulary or to words of another field, so that no hostile string is
#: valid there; the validator rejects anything else (macros/validate.py for parts, the hedges rule in macros/rules.py).
CONSTRAINED = {("notes", "qualifies.part"): "summary, outcome, stance:ACTOR or status:YEAR",
               ("quotes", "hedges"): "each a hedge word found in the quote's own text"}
#: The record kind each record of FIELDS belongs to.
KIND_OF = {"source-a": "sources", "source-b": "sources", "china": "actors", "speaker-a": "actors", "quote-a": "quotes",
           "quote-b": "quotes", "fact-a": "facts", "fact-b": "facts", "event-a": "events", "event-b": "events",
           "membership-china": "membership",
           "figure-a": "figures", "figure-b": "figures", "position-a": "positions", "term-a": "glossary",
           "term-b": "glossary", "note-a": "notes"}
#: Fields written in the inline Markdown subset (`**strong**`, `*em*`, `code`): shown with those delimiters
#: turned into markup, every other character as written.
INLINE_FIELDS = {"fact-a.claim", "fact-b.claim", "event-a.summary", "membership-china.statuses.note", "figure-a.note",
                 "position-a.summary", "position-a.stances.stance", "position-a.outcome", "term-a.definition",
                 "term-b.definition", "note-a.text", "note-a.references.supports"}
URL_SHOWN = ("sources", "source_page")  # the URL field: "Original" links and the source page's address

#: Macro calls by page section. Per-string sections are on that string's batch page; the source pages are
#: separate (so that the citations on the batch page and the global page fill their "Cited on" lists).
PER_STRING = {
    "fact": ['fact("fact-a-s{i}")'],
    "facts": ['facts(ids=["fact-a-s{i}", "fact-b-s{i}"])'],
    "quote": ['quote("quote-a-s{i}")', 'quote("quote-b-s{i}")'],
    "cite": ['cite("quote-a-s{i}", "quote-b-s{i}")'],
    "cite_fact": ['cite_fact("fact-a-s{i}")'],
    "figure": ['figure("figure-a-s{i}")'],
    "figure_in_cell": ['figure("figure-a-s{i}")'],  # in a cell of a Markdown table, where `|` would end the cell
    "figures": ['figures(metric="metric-a-s{i}")'],
    "figure_chart": ['figure_chart("metric-a-s{i}")'],
    "position": ['position("position-a-s{i}")'],
    "timeline": ['timeline(actor="china-s{i}")'],
    # every state's status (all strings'), and string i's state as a permanent body with its seat (event-b's place)
    "at_a_glance": ['at_a_glance(bodies=["china-s{i}"], bodies_fact="fact-a-s{i}")'],
}
SOURCE_PAGE = {"source_page": ['source_page("source-a-s{i}")', 'source_page("source-b-s{i}")'],
               "source_facts": ['source_facts("source-b-s{i}")']}  # fact-a and fact-b cite quote-b
GLOBAL = {
    "positions": ['positions(topic="visions")'],
    "timeline_chart": ["timeline_chart(start=2000)"],
    "membership_table": ["membership_table()"],
    "members_by_year": ["members_by_year()"],
    "members_as_of": ["members_as_of(2015)"],
    "members_as_of_in_cell": ["members_as_of(2015)"],
    "membership_chart": ["membership_chart()"],
    "member_map": ["member_map()"],
    "glossary": ["glossary()"],
    "sources_index": ["sources_index()"],
}
MODES = ("block", "inline")
BATCH = 10  # strings per page: one browser page load per batch, not per case
TAG = "\u27e8s{i}f{f}\u27e9"  # after each value: which string, which field (⟨s3f12⟩)


def tag(i: int, key: str) -> str:
    return TAG.format(i=i, f=list(FIELDS).index(key))


def value(i: int, key: str) -> str:
    return f"{HOSTILE[i]} {tag(i, key)}"


def records(i: int) -> dict[str, str]:
    """One complete set of records for string i, as YAML text per data file (values JSON-quoted)."""
    s = f"-s{i}"

    def v(key: str) -> str:
        return json.dumps(value(i, key))

    return {
        "sources": f"""- id: source-a{s}
  title: {v("source-a.title")}
  authors: [{v("source-a.authors")}]
  affiliations:
    - author: {v("source-a.authors")}  # an author's name exactly as in authors: the authors' hostile text
      affiliation: {v("source-a.affiliations.affiliation")}
      role: {v("source-a.affiliations.role")}
  outlet: {v("source-a.outlet")}
  kind: article
  published: "2015-07"
  url: {json.dumps(URLS[i % len(URLS)])}
  licence: {v("source-a.licence")}
  notes: {v("source-a.notes")}
- id: source-b{s}
  title: {v("source-b.title")}
  authors: [Plain Author]
  outlet: Plain Outlet
  kind: report
  published: "2016"
  licence: CC BY 4.0
  chapters:
    - id: chapter-a{s}
      title: {v("source-b.chapters.title")}
      authors: [{v("source-b.chapters.authors")}]
""",
        "actors": f"""- id: china{s}
  name: {v("china.name")}
  kind: state
  abbreviation: {v("china.abbreviation")}
  role: {v("china.role")}
  native:
    text: {v("china.native.text")}
    transliteration: {v("china.native.transliteration")}
    language: zh
- id: russia{s}
  name: Russia {i}
  kind: state
- id: speaker-a{s}
  name: {v("speaker-a.name")}
  kind: person
  role: {v("speaker-a.role")}
""",
        "quotes": f"""- id: quote-a{s}
  source: source-a{s}
  speaker: speaker-a{s}
  speaker_reviewed: true
  section: {v("quote-a.section")}
  text: {json.dumps(value(i, "quote-a.text") + " 64")}  # figure-a's number, printed
  note: {v("quote-a.note")}
- id: quote-b{s}
  source: source-b{s}
  chapter: chapter-a{s}
  text: {json.dumps(value(i, "quote-b.text") + " " + value(i, "figure-b.value_text"))}  # figure-b's words
""",
        "facts": f"""- id: fact-a{s}
  claim: {v("fact-a.claim")}
  topics: [overview]
  actors: [china{s}]
  as_of: "2015-07"
  cites: [quote-a{s}, quote-b{s}]
  disagrees_with: [fact-b{s}]
  note: {v("fact-a.note")}
- id: fact-b{s}
  claim: {v("fact-b.claim")}
  topics: [overview]
  cites: [quote-b{s}]
""",
        "events": f"""- id: event-a{s}
  date: "2015-07-10"
  title: {v("event-a.title")}
  place: {v("event-a.place")}
  kind: summit
  actors: [china{s}]
  topics: [overview]
  summary: {v("event-a.summary")}
  cites: [quote-a{s}]
- id: event-b{s}
  date: "2004-01-15"
  title: {v("event-b.title")}
  place: {v("event-b.place")}
  kind: institution
  actors: [china{s}]
  topics: [security]
  cites: [quote-b{s}]
""",
        "membership": f"""- id: china{s}
  state: china{s}
  statuses:
    - status: founding-member
      from: 2001
      cites: [quote-a{s}]
      note: {v("membership-china.statuses.note")}
""",
        "figures": f"""- id: figure-a{s}
  metric: metric-a{s}
  label: {v("figure-a.label")}
  value: 64
  unit: {v("figure-a.unit")}
  period: "2015"
  period_known: false
  kind: actual
  note: {v("figure-a.note")}
  cites: [quote-a{s}]
- id: figure-b{s}
  metric: metric-a{s}
  label: Same metric
  value: 69
  bound: about
  value_text: {v("figure-b.value_text")}  # the source's words for the value, shown before the stored number
  unit: {v("figure-b.unit")}
  period: "2015"
  period_known: false
  kind: actual
  cites: [quote-b{s}]
""",
        "positions": f"""- id: position-a{s}
  issue: {v("position-a.issue")}
  summary: {v("position-a.summary")}
  topics: [visions]
  stances:
    - actor: china{s}
      stance: {v("position-a.stances.stance")}
      cites: [quote-a{s}]
    - actor: russia{s}
      stance: A plain stance.
      cites: [quote-b{s}]
  outcome: {v("position-a.outcome")}
  outcome_cites: [quote-a{s}]
""",
        "glossary": f"""- id: term-a{s}
  term: {v("term-a.term")}
  expansion: {v("term-a.expansion")}
  definition: {v("term-a.definition")}
  native:
    text: {v("term-a.native.text")}
    transliteration: {v("term-a.native.transliteration")}
    language: zh
  cites: [quote-a{s}]
- id: term-b{s}
  term: SCO{i}
  expansion: {v("term-b.expansion")}
  definition: {v("term-b.definition")}
  see: [term-a{s}]
""",
        "notes": f"""- id: note-a{s}
  reason: source-error
  text: {v("note-a.text")}
  qualifies:
    - {{kind: facts, id: fact-a{s}}}
    - {{kind: positions, id: position-a{s}, part: summary}}
  references:
    - outlet: {v("note-a.references.outlet")}
      title: {v("note-a.references.title")}
      date: "2016-04-06"
      url: https://example.org/reference
      author: {v("note-a.references.author")}
      supports: {v("note-a.references.supports")}
""",
    }


def _calls(name: str, calls: list[str], i: int | None, mode: str) -> str:
    joined = " and ".join("{{ " + c.format(i=i) + " }}" for c in calls)
    text = joined if mode == "block" else f"Before {joined} after."
    return f"| Row | Value |\n|---|---|\n| row | {text} |" if name.endswith("_in_cell") else text


def _section(name: str, calls: list[str], i: int | None) -> str:
    out = []
    for mode in MODES:
        prefix = f"s{i}" if i is not None else "all"
        out.append(f'<h2 class="case" id="{prefix}-{name}-{mode}">{prefix} {name} {mode}</h2>\n\n'
                   f'{_calls(name, calls, i, mode)}\n')
    return "\n".join(out)


def pages() -> dict[str, str]:
    """The test site's pages: one per batch of strings, one source page per batch, and one for global views."""
    out: dict[str, str] = {}
    end = '<h2 class="case" id="{p}-sources">{p} sources</h2>\n'
    for first in range(0, len(HOSTILE), BATCH):
        batch = range(first, min(first + BATCH, len(HOSTILE)))
        out[f"b{first}.md"] = f"# Batch {first}\n\n" + "\n".join(
            _section(name, calls, i) for i in batch for name, calls in PER_STRING.items()) + end.format(p=f"b{first}")
        out[f"b{first}-sources.md"] = f"# Sources of batch {first}\n\n" + "\n".join(
            _section(name, calls, i) for i in batch for name, calls in SOURCE_PAGE.items())
    out["index.md"] = "# Global views\n\n" + "\n".join(
        _section(name, calls, None) for name, calls in GLOBAL.items()) + end.format(p="all")
    return out


def _page_of(i: int, macro: str) -> str:
    first = i - i % BATCH
    if macro in GLOBAL:
        return "index.md"
    return f"b{first}-sources.md" if macro in SOURCE_PAGE or macro == "cited_on" else f"b{first}.md"


def cases() -> list[tuple[int, str, str, str]]:
    """(string, field, macro, mode) for every hostile string in every field through every macro that shows it."""
    return [(i, key, macro, mode) for i in range(len(HOSTILE)) for key, macros in FIELDS.items()
            for macro in macros for mode in MODES]


def covered() -> set[tuple[str, str]]:
    """(kind, field path) of every text field the cross product fills."""
    return {(KIND_OF[k.split(".", 1)[0]], k.split(".", 1)[1]) for k in FIELDS}


def counts() -> str:
    """The size of the cross product, for the test log."""
    kinds_fields = covered()
    pairs = sum(len(m) for m in FIELDS.values())
    return (f"{len(HOSTILE)} hostile strings x {len(FIELDS)} text fields ({len(kinds_fields)} distinct) of "
            f"{len({k for k, _ in kinds_fields})} record kinds x the macros that show each ({pairs} field-macro pairs) x {len(MODES)} placements (block, inline)"
            f" = {len(cases())} cases; plus {len(URLS)} URLs x {len(URL_SHOWN)} macros; "
            f"{sum(len(c) for c in (PER_STRING, SOURCE_PAGE, GLOBAL))} macros called, checked in HTML and in Chromium")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    project = tmp_path_factory.mktemp("hostile") / "project"
    project.mkdir()
    for name in ("macros", "overrides"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    (project / "docs").mkdir()
    shutil.copytree(ROOT / "docs" / "assets", project / "docs" / "assets")
    for name, text in pages().items():
        (project / "docs" / name).write_text(text, encoding="utf-8")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"\nnav:\n(?:  .*\n)+", "\n", config)
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    data = project / "data"
    files: dict[str, list[str]] = {}
    for i in range(len(HOSTILE)):
        for kind, text in records(i).items():
            files.setdefault(kind, []).append(text)
    data.mkdir()
    for kind, texts in files.items():
        (data / f"{kind}.yaml").write_text("".join(texts), encoding="utf-8")
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    print(f"\ninjection cross product: {counts()}")
    yield project / "site"


def collapse(text: str) -> str:
    return " ".join(text.split())


#: The inline Markdown subset of the schema's docs: `code`, then **strong**, then *em* (which may nest).
_INLINE_MD = re.compile(r"`(?P<code>[^`]+)`|\*\*(?=\S)(?P<strong>.+?)(?<=\S)\*\*"
                        r"|(?<![\w*])\*(?=\S)(?P<em>.+?)(?<=[^\s*])\*(?![\w*])")


def _rendered(text: str) -> str:
    return _INLINE_MD.sub(lambda m: m["code"] if m["code"] is not None else _rendered(m["strong"] or m["em"]), text)


def shown(i: int, key: str, macro: str) -> str:
    """The text a reader must see for field `key` of string i in `macro`: the value as written (inline Markdown's
    delimiters rendered, for fields written in it); a fact's "Cited on" label is its first ten words."""
    text = collapse(value(i, key))
    if key in INLINE_FIELDS:
        text = _rendered(text)
    if macro == "cited_on" and key.endswith(".claim"):
        words = text.split(" ")
        text = " ".join(words[:10]) + ("…" if len(words) > 10 else "")
    return text


URL_ATTRS = ("href", "src", "srcset", "action", "formaction", "xlink:href", "poster", "data", "background", "ping",
             "lowsrc", "dynsrc", "codebase", "cite", "longdesc", "manifest")
FORBIDDEN = ("iframe", "img", "style", "link", "object", "embed", "form", "input", "button", "textarea", "select",
             "base", "meta", "frame", "frameset", "audio", "video", "source", "math", "template", "applet")
SITE_UI = {"sco-editor-toggle"}  # elements the site's own script adds to the article (the editor view's switch)
_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.-]*)\s*:", re.I)


def _bad_urls(soup: BeautifulSoup) -> list[str]:
    """Every URL attribute in the document whose scheme is not http(s) (relative links have none)."""
    bad = []
    for el in soup.find_all(True):
        for attr in URL_ATTRS:
            url = el.get(attr)
            if url is None:
                continue
            cleaned = re.sub(r"[\x00-\x20\x7f-\x9f]", "", str(url))
            match = _SCHEME.match(cleaned)
            if match and match.group(1).lower() not in ("http", "https"):
                bad.append(f"<{el.name} {attr}={url!r}>")
    return bad


def region(html: str) -> tuple[list[Tag], dict[str, str]]:
    """The elements of the test's content (from the first case heading to the end of the article), and the
    text of each case section (from its heading to the next). Cut from the page's text and walked in document
    order: a block fragment placed inside a sentence gives HTML that parsers nest in different ways."""
    soup = BeautifulSoup(html[html.index('<h2 class="case"'):html.rindex("</article>")], "html.parser")
    elements: list[Tag] = []
    texts: dict[str, list[str]] = {}
    current: list[str] = []
    name = ""
    for node in soup.descendants:
        if isinstance(node, Tag):
            if node.name == "h2" and "case" in (node.get("class") or []):
                name = node["id"]
                current = texts.setdefault(name, [])
            elif node.name == "tr" and "_in_cell-" in name:
                cells = node.find_all(["td", "th"], recursive=False)
                if len(cells) != 2:
                    current.append(f" [A TABLE ROW WITH {len(cells)} CELLS] ")
            elements.append(node)
        elif type(node) is NavigableString:
            current.append(str(node))
    return elements, {name: collapse("".join(parts)) for name, parts in texts.items()}


def problems(html: str, page: str, soup: BeautifulSoup | None = None) -> list[str]:
    """Everything wrong with one page's HTML (`soup`: the same HTML, already parsed): injected markup, unsafe URLs,
    and text not shown literally."""
    soup = soup or BeautifulSoup(html, "html.parser")
    elements, texts = region(html)
    found: list[str] = []
    for el in elements:
        if el.name == "script":
            if el.get("type") != "application/ld+json":
                found.append(f"{page}: script in the content: {str(el)[:80]}")
            elif "</script" in (el.string or "").lower() or not json.loads(el.string or "null"):
                found.append(f"{page}: JSON-LD that can close its script, or none")
        elif el.name in FORBIDDEN and not set(el.get("class") or []) & SITE_UI:
            found.append(f"{page}: injected <{el.name}>: {str(el)[:80]}")
        elif el.name == "svg" and not el.find_parent("figure", class_="sco-chart"):
            found.append(f"{page}: <svg> outside a chart")
    for el in soup.find_all(True):
        handlers = [a for a in el.attrs if a.lower().startswith("on")]
        if handlers:
            found.append(f"{page}: event handler {handlers} on <{el.name}>")
    found += [f"{page}: unsafe URL {b}" for b in _bad_urls(soup)]
    if "root:x:" in html:
        found.append(f"{page}: a file was included")
    for i, key, macro, mode in cases():
        if _page_of(i, macro) != page:
            continue
        if macro == "sources":
            where = [texts[f"b{i - i % BATCH}-sources"]] if page.startswith("b") else []
        elif macro == "cited_on":
            where = [texts[f"s{i}-source_page-{mode}"]]
        elif macro in GLOBAL:
            where = [texts[f"all-{macro}-{mode}"]]
        else:
            where = [texts[f"s{i}-{macro}-{mode}"]]
        expected = shown(i, key, macro)
        if not any(expected in w for w in where):
            found.append(f"{page}: string {i} in {key} not shown literally by {macro} ({mode}): {expected!r}")
    for name, text in texts.items():
        if name.endswith("-inline") and not ("Before" in text and "after." in text):
            found.append(f"{page}: text around the inline call was swallowed in {name}")
        if "[A TABLE ROW WITH" in text:
            found.append(f"{page}: a value split its table's cells in {name}")
    return found


@lru_cache(maxsize=None)
def _html(site: Path, page: str) -> str:
    path = site / ("index.html" if page == "index.md" else page[:-3] + "/index.html")
    return path.read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def _soup(site: Path, page: str) -> BeautifulSoup:
    """A page parsed once for the tests that only read it (a test that changes a tree parses its own)."""
    return BeautifulSoup(_html(site, page), "html.parser")


def test_hostile_text_is_shown_literally_in_html(hostile_site: Path) -> None:
    """In every page's HTML: nothing injected, no unsafe URL, and every string shown as written wherever it is shown."""
    found = [p for page in pages() for p in problems(_html(hostile_site, page), page, _soup(hostile_site, page))]
    assert found == [], "\n".join(found[:40]) + f"\n({len(found)} problems)"


def test_urls_from_data_keep_their_address_and_scheme(hostile_site: Path) -> None:
    """Each source URL is linked as written (http(s) only) from the source page and from the Sources lists."""
    for i in range(len(HOSTILE)):
        soup = _soup(hostile_site, _page_of(i, "source_page"))
        meta = soup.find(id=f"source-source-a-s{i}").find(class_="sco-source-meta")
        link = meta.find("a")
        assert link["href"] == URLS[i % len(URLS)] and collapse(link.get_text()) == URLS[i % len(URLS)]
        batch = _soup(hostile_site, _page_of(i, "fact"))
        originals = {a["href"].split("#:~:")[0] for a in batch.select("section.sco-sources a.sco-original")}
        assert URLS[i % len(URLS)].split("#")[0] in originals


#: A mouse pointer moving onto an element, as the browser reports it: the pointer event the previews listen to
#: (sco.js ignores touch), then the mouse event other scripts (Material's tooltips) listen to.
HOVER = """(el => {
  const init = {bubbles: true, cancelable: true, composed: true, pointerType: 'mouse', isPrimary: true};
  el.dispatchEvent(new PointerEvent('pointerover', init));
  el.dispatchEvent(new MouseEvent('mouseover', init));
})"""


def test_hostile_text_runs_nothing_in_chromium(hostile_site: Path) -> None:
    """In Chromium, page by page: no dialog, no flag set, no request leaves, and the live DOM (after the site's
    scripts and citation previews) passes the same checks as the HTML."""
    pytest.importorskip("playwright")
    from playwright.sync_api import sync_playwright

    from browserkit import ARGS, CHROMIUM

    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is installed by `make test`")
    dialogs: list[str] = []
    external: list[str] = []
    found: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context()
        context.route(lambda url: not url.startswith("file:"),
                      lambda route: (external.append(route.request.url), route.abort()))
        tab = context.new_page()
        tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        hovered = opened = 0
        for page in pages():
            path = hostile_site / ("index.html" if page == "index.md" else page[:-3] + "/index.html")
            tab.goto(path.as_uri(), wait_until="load")
            tab.locator("article [title], article a").evaluate_all(f"els => els.slice(0, 30).forEach({HOVER})")
            for marker in tab.locator("article a.sco-cite").all()[:8]:
                hovered += 1
                opened += marker.evaluate(f"el => {HOVER}(el) || el.classList.contains('sco-cite-open')")
                marker.focus()  # the last preview stays open while the DOM is checked
            flags = tab.evaluate("Object.keys(window).filter(k => k.startsWith('__pwned'))")
            if flags:
                found.append(f"{page}: global flag set: {flags}")
            dom_urls = tab.evaluate("""() => Array.from(document.querySelectorAll('*')).flatMap(el =>
                Array.from(el.attributes).filter(a => /^(href|src|xlink:href|action|formaction|srcset|poster|data)$/i
                .test(a.name)).map(a => a.value)).filter(v => /^\\s*(javascript|data|vbscript):/i.test(v))""")
            found += [f"{page}: unsafe URL in the live DOM: {u!r}" for u in dom_urls]
            found += problems(tab.content(), page)
        browser.close()
    assert dialogs == [] and external == [], (dialogs, external)
    assert found == [], "\n".join(found[:40]) + f"\n({len(found)} problems)"
    assert hovered and opened == hovered, f"hovering opened {opened} of {hovered} previews"


def test_cited_on_labels_show_claims_as_written(hostile_site: Path) -> None:
    """A source page's "Cited on" link names a fact by its claim as the fact shows it: `{{ 7*7 }}` stays as written
    (every `*` was stripped from the label, which then read `{{ 77 }}`)."""
    i = HOSTILE.index("{{ 7*7 }} {{ config }}")
    soup = _soup(hostile_site, _page_of(i, "cited_on"))
    labels = [collapse(a.get_text()) for a in soup.select(f"#q-quote-a-s{i} .sco-cited-on a")]
    assert any(shown(i, "fact-a.claim", "cited_on") in label for label in labels), labels
    assert not any("77" in label for label in labels), labels


def test_every_text_field_of_every_kind_is_in_the_cross_product() -> None:
    """The cross product fills every text field the schema defines, for every kind (a new kind or field must be
    added to FIELDS, with the macros that show it)."""
    from macros.dictionary import dictionary

    text_fields = {(kind, row["field"].replace("[]", "")) for kind, entry in dictionary().items()
                   for row in entry["fields"] if row["type"] in ("text", "list of text")}
    assert text_fields - covered() - set(CONSTRAINED) == set()
