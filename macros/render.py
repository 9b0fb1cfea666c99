"""Renderers for citations, facts and quotes: pure functions of the fact base and the page.

Markup lives in Jinja templates (macros/templates); data text reaches them as escaped Markup
from `text.inline` / `text.plain`, and anything else a template prints is escaped by
`text.finalize` (see `template_env`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
# Rows handed to templates are `Row`s (namespaces), not dicts: Jinja's `row.field` tries an attribute
# first, and on a dict that lookup fails before the key is tried: twice the cost, measured over
# the ~600,000 lookups of a build at 100 times the data.
from types import SimpleNamespace as Row
from typing import Iterable

from jinja2 import BytecodeCache, Environment, FileSystemLoader, StrictUndefined
from jinja2.bccache import Bucket
from markupsafe import Markup

from .citations import BuildState, Citer
from .factbase import FactBase
from .links import SiteLinks, source_page_src
from .schema import EditorNote, Fact, Quote
from .text import Abbreviations, finalize, human_date, inline, inline_text, plain, preformatted, text_fragment, url_attribute

TEMPLATES = Path(__file__).parent / "templates"
_OCCURRENCE = "\x00use\x00"  # stands for a marker's own id while its template is filled once per number
_BLANK_LINES = re.compile(r"\n\s*\n")


class CompiledInMemory(BytecodeCache):
    """Templates this process has compiled, kept in its own memory between `mkdocs serve` rebuilds: each rebuild
    otherwise compiled every fragment and theme template again (about 0.3 s of a rebuild at x1). Nothing is
    written to disk or read from anywhere else; Jinja compares each template's source checksum with the one it
    was compiled from, so an edited template is compiled again. A plain build keeps nothing (`SERVE_TEMPLATES`
    is None)."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)  # dropped by Jinja if the source's checksum differs

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


#: Set by `mkdocs serve` (hooks.on_startup): the templates compiled by earlier rebuilds of this process.
SERVE_TEMPLATES: CompiledInMemory | None = None


def template_env() -> Environment:
    """The fragments' environment, made for one build (in `serve`, its compiled templates outlive it in memory).

    Every `{{ ... }}` goes through `finalize`, which keeps Markup and escapes anything else for HTML, templates and
    Markdown. Jinja's autoescape is off: all it did was wrap finalize's Markup in Markup again, for every value
    printed (about 1 CPU-s of a build at 100 times the data). Without it, a `{% set %}` block or a macro gives
    text that printing would escape once more: fragments `include` instead (test_text checks both).
    """
    env = Environment(
        auto_reload=False,  # an environment lives for one build: no stat of the template on every render
        bytecode_cache=SERVE_TEMPLATES,
        loader=FileSystemLoader(TEMPLATES),
        autoescape=False,  # finalize escapes (see above)
        finalize=finalize,  # every printed value that is not already Markup is escaped for Markdown too
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["url"] = url_attribute  # every href from data: `href="{{ x|url }}"` (a test checks each one)
    env.filters["preformatted"] = preformatted  # text for a <pre>: its lines kept, as character references
    return env


@dataclass(frozen=True)
class Page:
    """The page being rendered: its site-relative URL and its title."""

    url: str
    title: str


class Renderer:
    """Shared by every macro of one build: the data, links, templates and citation state."""

    def __init__(self, fb: FactBase, links: SiteLinks, state: BuildState) -> None:
        self.fb = fb
        self.links = links
        self.state = state
        self.env = template_env()
        self._marker = self.env.get_template("cite.html").render  # the hottest fragment: looked up once
        self.abbr = Abbreviations({e.term: e.expansion for e in fb.glossary.values() if e.expansion})
        self._anchors: dict[str, set[str]] = {}
        self._pairs: dict[str, set[frozenset[str]]] = {}
        self._entries: dict[str, dict[str, object]] = {}
        self._markers: dict[tuple[int, str], tuple[str, ...]] = {}
        self.prose: list[str] = []  # the current page's own text and plain-text macro results
        self._fact_parts: dict[str, dict[str, object]] = {}
        self._note_rows: dict[str, Row] = {}
        self._page_notes: dict[str, dict[str, None]] = {}  # page url -> note ids shown on it, in order of first use

    # -- helpers -------------------------------------------------------------------------
    def html(self, template: str, **context: object) -> Markup:
        """Render a fragment as one raw-HTML block (no blank lines, so Markdown leaves it whole)."""
        out = self.env.get_template(template).render(**context)
        return Markup(_BLANK_LINES.sub("\n", out).strip())

    def anchor(self, page: Page, anchor: str) -> str | None:
        """The anchor the first time it is used on a page; None after (ids stay unique)."""
        used = self._anchors.setdefault(page.url, set())
        if anchor in used:
            return None
        used.add(anchor)
        return anchor

    def start_page(self, page: Page) -> None:
        self._anchors.pop(page.url, None)
        self._pairs.pop(page.url, None)
        self._page_notes.pop(page.url, None)
        self.state.reset_page(page.url)

    def attribution(self, quote: Quote, *, with_speaker: bool = True, brief: bool = False) -> str:
        """'Zhao Huasheng, as quoted by Mathieu Duchâtel, “China and Russia: …”, in …, ECFR, November 2016.'

        Each author carries the affiliation the publication's byline prints, e.g. 'Richard Weitz (Hudson Institute)'.
        `brief`: the people only ('Zhao Huasheng, as quoted by Mathieu Duchâtel.'), for the source's own page."""
        source = self.fb.sources[quote.source]
        chapter = self.fb.chapters.get(quote.chapter) if quote.chapter else None
        authors = chapter.authors if chapter else source.authors
        affiliations = {a.author: a.affiliation for a in source.affiliations}
        by = _names([f"{a} ({affiliations[a]})" if a in affiliations else a for a in authors])
        where = f"“{chapter.title}”, in {source.title}" if chapter else source.title
        text = by if brief else f"{by}, {where}, {source.outlet}, {human_date(source.published)}"
        if with_speaker and quote.speaker:
            speaker = self.fb.actors[quote.speaker].name
            text = f"{speaker}, as quoted by {text}"
        return text + "."

    def edit_url(self, kind: str, record_id: str) -> str | None:
        """Where a record's YAML can be edited, at its line, on the repository host."""
        where = self.fb.where.get((kind, record_id))
        return self.links.edit_url(where.file, where.line) if where else None

    def short_source(self, quote_ids: Iterable[str]) -> str:
        """'Makocki (ECFR, 2016)': the cited quotes' authors (chapter authors where there are chapters)."""
        seen: list[str] = []
        for quote_id in quote_ids:
            quote = self.fb.quotes[quote_id]
            source = self.fb.sources[quote.source]
            chapter = self.fb.chapters.get(quote.chapter) if quote.chapter else None
            authors = chapter.authors if chapter else source.authors
            surnames = " and ".join(a.split()[-1] for a in authors[:2]) + (" et al." if len(authors) > 2 else "")
            label = f"{surnames} ({source.published[:4]})"
            if label not in seen:
                seen.append(label)
        return "; ".join(seen)

    # -- editor's notes --------------------------------------------------------------------
    def note_row(self, note: EditorNote) -> Row:
        """What an editor's note looks like on any page: built once per build."""
        row = self._note_rows.get(note.id)
        if row is None:
            refs = [Row(outlet=r.outlet, title=r.title, url=r.url, author=r.author, date=r.date,
                        human_date=human_date(r.date), supports=inline(r.supports, self.abbr)) for r in note.references]
            row = self._note_rows[note.id] = Row(
                id=note.id, reason=note.reason, label=NOTE_LABELS[note.reason], text=inline(note.text, self.abbr),
                as_of=human_date(note.as_of) if note.as_of else None, refs=refs,
                edit_url=self.edit_url("notes", note.id),
            )
        return row

    def _notes(self, kind: str, record_id: str, page: Page, part: str | None) -> list[Row]:
        notes = self.fb.notes_of(kind, record_id, part) if self.fb.notes_on else []
        if notes:
            used = self._page_notes.setdefault(page.url, {})
            for note in notes:
                used.setdefault(note.id, None)
        return [self.note_row(n) for n in notes]

    def notes(self, kind: str, record_id: str, page: Page, part: str | None = None) -> Markup:
        """The editor's notes on a record (or one part of it), in full: text and links to the outside references."""
        rows = self._notes(kind, record_id, page, part)
        return self.html("ednote.html", notes=rows, compact=False) if rows else Markup("")

    def note_marks(self, kind: str, record_id: str, page: Page, part: str | None = None) -> Markup:
        """The same notes as small inline links for sentences of prose: each leads to the page's Editor's notes."""
        rows = self._notes(kind, record_id, page, part)
        return self.html("ednote.html", notes=rows, compact=True) if rows else Markup("")

    def notes_section(self, page: Page) -> Markup:
        """The page's "Editor's notes" section: every note shown on it, in order of first use, with its references."""
        used = self._page_notes.get(page.url)
        if not used:
            return Markup("")
        return self.html("ednotes_list.html", notes=[self.note_row(self.fb.notes[i]) for i in used])

    # -- citations -----------------------------------------------------------------------
    def _number(self, quote_id: str, page: Page, citer_anchor: str, citer_label: str) -> int:
        """The quote's number on this page; the citing place is recorded for the source page's backlinks."""
        self.state.record(quote_id, Citer(page.url, page.title, citer_anchor, citer_label))
        return self.state.page(page.url).number(quote_id)

    def _marker_for(self, page: Page, n: int, here: str = "") -> Markup:
        """The marker [n] as it is placed in the page, with an id of its own (`cite-N-K`, the K-th use of
        number N) that the Sources entry links back to. `here`: the id of a quote shown in full on this page."""
        parts = self._markers.get((n, here))
        if parts is None:  # a marker depends only on its number, its quote's place and its use: filled once each
            parts = self._markers[(n, here)] = tuple(
                self._marker(n=n, here=here, ident=_OCCURRENCE).split(_OCCURRENCE, 1))
        use = self.state.page(page.url).use(n)
        return Markup(f"{parts[0]}cite-{n}-{use}{parts[1]}")

    def shown_here(self, quote_id: str, page: Page) -> bool:
        """Whether the quote is shown in full on this page: its own source's page, which lists every quote of it."""
        quote = self.fb.quotes.get(quote_id)
        return quote is not None and self.links.url_of(source_page_src(quote.source)) == page.url

    def cite(self, quote_id: str, page: Page, citer_anchor: str = "", citer_label: str = "") -> Markup:
        """A footnote marker for a quote, numbered for this page, recorded for backlinks."""
        n = self._number(quote_id, page, citer_anchor, citer_label)
        return self._marker_for(page, n, quote_id if self.shown_here(quote_id, page) else "")

    def markers(self, quote_ids: Iterable[str], page: Page, anchor: str = "", label: str = "") -> Markup:
        """The markers of several quotes as one piece of HTML (one value for a template to output, not one each)."""
        return Markup("".join([self.cite(q, page, anchor, label) for q in quote_ids]))

    def sources_list(self, page: Page) -> Markup:
        """The page's "Sources" section: every quote it cites, in order of first use."""
        cited = self.state.page(page.url)
        order = cited.order
        if not order:
            return Markup("")
        entries = []
        for n, quote_id in enumerate(order, 1):
            entry = self._entries.get(quote_id)
            if entry is None:  # the same on every page that cites the quote: built once per build
                quote = self.fb.quotes[quote_id]
                source = self.fb.sources[quote.source]
                entry = self._entries[quote_id] = {
                    "text": plain(quote.text),
                    "attribution": self.attribution(quote),
                    "context_src": source_page_src(source.id),
                    "anchor": f"q-{quote.id}",
                    "original_url": text_fragment(source.url, quote.text) if source.url else None,
                }
            context_url = self.links.link(str(entry["context_src"]), page.url, str(entry["anchor"]))
            # On the quote's own source page the quote is shown in full, so its entry does not repeat it (a quote's
            # text is in a page once): it links to it by its first words and names its people, not the publication
            # the page is about; sco.js previews the quote from the page.
            here = self.shown_here(quote_id, page)
            if here:
                quote = self.fb.quotes[quote_id]
                entry = {**entry, "opening": plain(_opening(quote.text)), "attribution": self.attribution(quote, brief=True)}
            entries.append(Row(**entry, context_url=context_url, here=here, n=n,
                               backrefs=_backrefs(n, cited.uses[n]), notes=self.note_marks("quotes", quote_id, page)))
        sources = {self.fb.quotes[q].source for q in order}
        return self.html("sources_list.html", entries=entries, quotes=len(order), sources=len(sources))

    # -- facts and quotes ----------------------------------------------------------------
    def _parts(self, fact: Fact) -> dict[str, object]:
        """What a fact looks like on any page (its claim, label, date, edit link): built once per build."""
        parts = self._fact_parts.get(fact.id)
        if parts is None:
            where = self.fb.where.get(("facts", fact.id))  # also shown in the edit link's label
            parts = self._fact_parts[fact.id] = {
                "fact_id": fact.id,
                "claim": inline(fact.claim, self.abbr),
                "label": _short(fact.claim),
                "as_of": human_date(fact.as_of) if fact.as_of else None,
                "edit_url": self.edit_url("facts", fact.id),
                "location": f"{where.file}:{where.line}" if where else "",
                "changed": _changed(self.state.history, "facts", fact.id),
            }
        return parts

    def fact(self, fact: Fact, page: Page, tag: str = "p") -> Markup:
        anchor = self.anchor(page, f"fact-{fact.id}")
        if anchor:
            self.state.page(page.url).facts.append(fact.id)
        parts = self._parts(fact)
        label = str(parts["label"])
        cite_anchor = anchor or f"fact-{fact.id}"
        disagreements = [self._disagreement(fact, self.fb.facts[i], page, cite_anchor, label)
                         for i in sorted(self.fb.disagreeing.get(fact.id, ()))]
        return self.html("fact.html", tag=tag, anchor=anchor, markers=self.markers(fact.cites, page, cite_anchor, label),
                         disagreements=disagreements, notes=self.notes("facts", fact.id, page), **parts)

    def fact_markers(self, facts: Iterable[Fact], page: Page) -> Markup:
        """Markers for facts restated in a page's prose: the page shows each fact (exports, backlinks),
        and an empty anchor `fact-ID` sits where the sentence ends; a quote two facts share is marked once."""
        anchors: list[str] = []
        quotes: dict[int, str] = {}  # quote numbers, each marked once, with their quote's id
        notes = Markup("")
        editing: list[dict[str, object]] = []  # each fact's "as of" date and edit link, for Editor view
        for fact in facts:
            notes += self.note_marks("facts", fact.id, page)
            parts = self._parts(fact)
            editing.append(parts)
            anchor = self.anchor(page, f"fact-{fact.id}")
            if anchor:
                self.state.page(page.url).facts.append(fact.id)
                anchors.append(anchor)
            label = str(parts["label"])
            for quote_id in fact.cites:
                n = self._number(quote_id, page, anchor or f"fact-{fact.id}", label)  # backlinks name every fact
                quotes.setdefault(n, quote_id)
        markers = Markup("".join([self._marker_for(page, n, q if self.shown_here(q, page) else "")
                                  for n, q in quotes.items()]))
        return self.html("fact_ref.html", anchors=anchors, markers=markers, notes=notes, editing=editing)

    def _disagreement(self, fact: Fact, other: Fact, page: Page, anchor: str, label: str) -> Row:
        """The other side of a disagreement: in full the first time the pair meets on a page, then as a link."""
        pairs = self._pairs.setdefault(page.url, set())
        pair = frozenset((fact.id, other.id))
        shown = pair in pairs or f"fact-{other.id}" in self._anchors.get(page.url, set())
        pairs.add(pair)
        other_parts = self._parts(other)
        if shown:
            return Row(href=f"#fact-{other.id}", short=other_parts["label"])
        return Row(href=None, id=other.id, claim=other_parts["claim"], markers=self.markers(other.cites, page, anchor, label),
                   notes=self.note_marks("facts", other.id, page))

    def facts(self, facts: Iterable[Fact], page: Page) -> Markup:
        items = [self.fact(f, page, tag="li") for f in facts]
        if not items:
            return Markup('<p class="sco-empty">No facts match.</p>')
        return self.html("facts.html", facts=items)

    def source_facts(self, facts: list[Fact], page: Page) -> Markup:
        """A source page's facts in a closed <details> whose summary counts them."""
        return self.html("source_facts.html", count=len(facts), facts=self.facts(facts, page))

    def quote(self, quote: Quote, page: Page) -> Markup:
        return self.html("quote.html", text=plain(quote.text, self.abbr),
                         attribution=self.attribution(quote),
                         markers=self.markers([quote.id], page, "", "quoted"), notes=self.notes("quotes", quote.id, page))


#: How each kind of editor's note is labelled, after "Editor's note".
NOTE_LABELS = {"source-error": "correction", "overtaken": "since then", "context": ""}


def _backrefs(n: int, uses: int) -> list[Row]:
    """Links from Sources entry n back to each of its markers: ↑ alone for one use, then a b c … for several."""
    if uses == 1:
        return [Row(href=f"#cite-{n}-1", text="↑", label=f"Back to citation [{n}] in the text")]
    return [Row(href=f"#cite-{n}-{k}", text=_letters(k), label=f"Back to citation [{n}], use {k} of {uses}")
            for k in range(1, uses + 1)]


def _letters(k: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa: the labels of a Sources entry's backlinks."""
    out = ""
    while k:
        k, rest = divmod(k - 1, 26)
        out = chr(97 + rest) + out
    return out


def _names(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _changed(history: object, kind: str, record_id: str) -> Row | None:
    """When a record last changed (its date, and in words), where the build knows its history."""
    date = history.changed_on(kind, record_id) if history is not None else None  # type: ignore[attr-defined]
    if not date:
        return None
    day, month, year = human_date(date).split(" ")
    return Row(iso=date, human=f"{day} {month[:3]} {year}")


def _opening(text: str, words: int = 6) -> str:
    """A quote's first words, as written, with … when there are more: enough to tell it from its neighbours."""
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def _short(text: str, words: int = 10) -> str:
    """The first words of a claim as a reader sees them (its inline Markdown's delimiters removed, nothing else)."""
    parts = inline_text(text).split(" ")
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")
