"""Larger views over the fact base: timeline, membership, figures, positions, glossary, source pages."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from itertools import groupby

from markupsafe import Markup

from .render import Page, Renderer, Row
from .schema import TOPICS, Event, Fact, Figure, Membership
from .text import human_date, inline, number, plain, text_fragment

STATUS_LABELS = {
    "founding-member": "Founding member",
    "member": "Member",
    "observer": "Observer",
    "dialogue-partner": "Dialogue partner",
    "observer-or-partner": "Observer or dialogue partner (the source does not say which)",
    "applicant": "Accession under way",
    "non-member": "Non-member",
}
PRECISION = {1: "year", 2: "month", 3: "day"}
BOUND_WORDS = {"exact": "", "about": "about ", "more-than": "more than ", "at-least": "at least ",
               "less-than": "less than ", "at-most": "at most "}
BOUND_SIGNS = {"exact": "", "about": "~", "more-than": ">", "at-least": "≥", "less-than": "<", "at-most": "≤"}


def stored_value(f: Figure) -> str:
    """The value as stored, with its bound and unit: 'more than 5,000 people', '37.63 million tonnes'."""
    return f"{BOUND_WORDS[f.bound]}{number(f.value)} {f.unit}"


def shown_value(f: Figure) -> tuple[str, str | None]:
    """What a reader sees first, and (when it differs) the stored value: the source's own words come first
    when it prints no number ('more than half', stored as 'more than 50 percent')."""
    if f.value_text:
        return f.value_text, stored_value(f)
    return stored_value(f), None


class Views:
    """Macro bodies that select records and hand them to templates."""

    def __init__(self, r: Renderer) -> None:
        self.r = r
        self.fb = r.fb
        self._events: dict[str, dict[str, object]] = {}

    # -- selection -----------------------------------------------------------------------
    def select_facts(self, topic: str | None = None, actor: str | None = None,
                     source: str | None = None, ids: list[str] | None = None) -> list[Fact]:
        """Facts matching every filter given, ordered by date then id (undated last)."""
        if topic is not None and topic not in TOPICS:
            raise ValueError(f"unknown topic {topic!r}; topics: {', '.join(TOPICS)}")
        if source is not None and source not in self.fb.sources:  # else a misspelt source would list no facts
            raise ValueError(f"unknown source id: {source}")
        if ids is not None:
            missing = [i for i in ids if i not in self.fb.facts]
            if missing:
                raise ValueError(f"unknown fact ids: {', '.join(missing)}")
            return [self.fb.facts[i] for i in ids]
        found = []
        pool = self.fb.facts_by_source.get(source, []) if source else self.fb.facts.values()
        for fact in pool:
            if topic and topic not in fact.topics:
                continue
            if actor and actor not in fact.actors:
                continue
            found.append(fact)
        return sorted(found, key=lambda f: (f.date or "9999", f.id))

    def select_events(self, topic: str | None = None, actor: str | None = None, start: str | None = None,
                      end: str | None = None, kinds: list[str] | None = None) -> list[Event]:
        """Events matching every filter; start/end compare at the precision given."""
        if topic is not None and topic not in TOPICS:
            raise ValueError(f"unknown topic {topic!r}")
        events = []
        for event in self.fb.events.values():
            if topic and topic not in event.topics:
                continue
            if actor and actor not in event.actors:
                continue
            if kinds and event.kind not in kinds:
                continue
            if start and event.date[: len(start)] < str(start)[: len(event.date)]:
                continue
            if end and event.date[: len(str(end))] > str(end):
                continue
            events.append(event)
        return sorted(events, key=lambda e: (e.date, e.id))

    # -- timeline ------------------------------------------------------------------------
    def timeline(self, page: Page, prefix: str = "", **filters: object) -> Markup:
        events = self.select_events(**filters)  # type: ignore[arg-type]
        years = []
        for year, group in groupby(events, key=lambda e: e.date[:4]):
            items = []
            for e in group:
                anchor = self.r.anchor(page, f"event-{e.id}")
                items.append(Row(
                    anchor=anchor, date=e.date, kind=e.kind, place=e.place, **self._event_text(e),
                    markers=self.r.markers(e.cites, page, anchor or f"event-{e.id}", e.title),
                    notes=self.r.notes("events", e.id, page),
                ))
            years.append((year, self.r.anchor(page, f"{prefix}year-{year}"), items))
        return self.r.html("timeline.html", years=years, prefix=prefix)

    def _event_text(self, e: Event) -> dict[str, object]:
        """An event's date in words, title and summary: the same on every timeline, built once per build."""
        text = self._events.get(e.id)
        if text is None:
            text = self._events[e.id] = {
                "human_date": human_date(e.date), "title": plain(e.title, self.r.abbr),
                "summary": inline(e.summary, self.r.abbr) if e.summary else None,
            }
        return text

    # -- membership ----------------------------------------------------------------------
    def membership_table(self, page: Page) -> Markup:
        """Each state's statuses: a table in a wide column, one card per state on a phone (sco.css)."""
        states = []
        for m in self._memberships():
            state = self.fb.actors[m.state].name
            rows = [Row(
                status=STATUS_LABELS[s.status], start=s.from_ if s.start_known else f"by {s.from_}", end=s.to or "",
                years=_years(s.from_, s.to, s.start_known),
                note=inline(s.note, self.r.abbr) if s.note else "",
                markers=self.r.markers(s.cites, page, f"member-{m.state}", f"{state}: {STATUS_LABELS[s.status]}"),
                # as marks that lead to the page's Editor's notes list: in full, they tripled a phone card's height
                notes=Markup("").join([self.r.note_marks("membership", m.id, page) if i == 0 else Markup(""),
                                       self.r.note_marks("membership", m.id, page, f"status:{s.from_}")]),
            ) for i, s in enumerate(m.statuses)]
            states.append(Row(id=m.state, name=state, rows=rows))
        as_of = max((m.as_of for m in self.fb.membership.values() if m.as_of), default=None)
        caption = "SCO membership by state" + (f", as of {human_date(as_of)}" if as_of else "")
        return self.r.html("membership.html", states=states, caption=caption,
                           anchor=self.r.anchor(page, "membership-table"))

    def _memberships(self) -> list[Membership]:
        def first_year(m: Membership) -> tuple[int, str]:
            return (m.statuses[0].from_, self.fb.actors[m.state].name)
        return sorted(self.fb.membership.values(), key=first_year)

    def status_in(self, year: int) -> dict[str, list[str]]:
        """State names by status in a given year (a status counts from its first year until its 'to' year)."""
        found: dict[str, list[str]] = defaultdict(list)
        for m in self._memberships():
            for s in m.statuses:
                if s.from_ <= year and (s.to is None or year < s.to):
                    key = "member" if s.status == "founding-member" else s.status
                    found[key].append(self.fb.actors[m.state].name)
        return {k: sorted(v) for k, v in found.items()}

    def membership_years(self) -> list[int]:
        starts = [s.from_ for m in self.fb.membership.values() for s in m.statuses]
        ends = [s.to for m in self.fb.membership.values() for s in m.statuses if s.to]
        last = max(starts + ends + [self.fb.newest_year()])
        return list(range(min(starts), last + 1)) if starts else []

    def members_by_year(self, page: Page) -> Markup:
        """Changes by year: only the years in which a status began or ended, what changed, and the
        member count after it (a year-by-year grid repeated the founders in every row)."""
        changes: dict[int, dict[tuple[str, bool], list[tuple[str, list[str]]]]] = defaultdict(dict)
        for m in self._memberships():
            name = self.fb.actors[m.state].name
            for i, s in enumerate(m.statuses):
                changes[s.from_].setdefault((s.status, s.start_known), []).append((name, list(s.cites)))
                following = m.statuses[i + 1] if i + 1 < len(m.statuses) else None
                if s.to is not None and (following is None or following.from_ != s.to):
                    changes[s.to].setdefault((f"no longer {s.status}", True), []).append((name, list(s.cites)))
        order = {k: i for i, k in enumerate(STATUS_LABELS)}
        rows = []
        for year in sorted(changes):
            items = []
            for (status, known), entries in sorted(changes[year].items(),
                                                   key=lambda kv: (order.get(kv[0][0], len(order)), not kv[0][1])):
                names = sorted(n for n, _ in entries)
                cites = list(dict.fromkeys(q for _, qs in sorted(entries) for q in qs))
                items.append(Row(states=_names(names), change=_change_label(status, len(names)),
                                 attested=not known,
                                 markers=self.r.markers(cites, page, f"changes-{year}", f"Membership changes in {year}")))
            rows.append(Row(year=year, anchor=self.r.anchor(page, f"changes-{year}"), items=items,
                            members=len(self.status_in(year).get("member", []))))
        notes = Markup("")  # the list covers every membership record: each one's notes, as links, under it
        for m in self._memberships():
            notes += self.r.note_marks("membership", m.id, page)
            for st in m.statuses:
                notes += self.r.note_marks("membership", m.id, page, f"status:{st.from_}")
        return self.r.html("members_by_year.html", rows=rows, notes=notes, caption="Changes in SCO membership, by year")

    def members_as_of(self, page: Page, year: int | None = None) -> Markup:
        """The member list in a year (default: the newest source's year), as inline text."""
        year = year or self.fb.newest_year()
        names = self.status_in(year).get("member", [])
        return Markup(f'<span class="sco-members">{plain(", ".join(names))}</span>')

    def member_count(self, year: int) -> int:
        return len(self.status_in(year).get("member", []))

    # -- figures -------------------------------------------------------------------------
    def figures(self, page: Page, metric: str | None = None) -> Markup:
        if metric is not None and metric not in self.fb.figures_by_metric:
            raise ValueError(f"unknown metric {metric!r}")
        groups = []
        for m in sorted(self.fb.figures_by_metric) if metric is None else [metric]:
            figs = sorted(self.fb.figures_by_metric[m], key=lambda f: (f.period, f.kind, f.value, f.id))
            by_period: dict[tuple[str, str], set[float]] = defaultdict(set)
            for f in figs:
                by_period[(f.period, f.kind)].add(f.value)
            rows = []
            for f in figs:
                rows.append(Row(
                    anchor=self.r.anchor(page, f"fig-{f.id}"), id=f.id,
                    edit_url=self.r.edit_url("figures", f.id),
                    period=human_date(f.period) if f.period_known else f"by {human_date(f.period)} (no year given)",
                    value=shown_value(f)[0], stored=shown_value(f)[1],
                    kind=f.kind, source=self.r.short_source(f.cites),
                    note=inline(f.note, self.r.abbr) if f.note else "",
                    disagree=len(by_period[(f.period, f.kind)]) > 1,
                    markers=self.r.markers(f.cites, page, f"fig-{f.id}", f.label),
                    notes=self.r.notes("figures", f.id, page),
                ))
            groups.append(Row(anchor=self.r.anchor(page, f"figure-{m}"), label=figs[0].label, rows=rows))
        return self.r.html("figures.html", groups=groups)

    def figure_value(self, page: Page, figure_id: str) -> Markup:
        """One figure inline: '64 USD billion [n]', for prose that must not type numbers."""
        f = self.fb.figures[figure_id]
        anchor = self.r.anchor(page, f"fig-{f.id}")
        markers = self.r.markers(f.cites, page, f"fig-{f.id}", f.label)
        ident = f' id="{anchor}"' if anchor else ""
        notes = self.r.note_marks("figures", f.id, page)
        shown, stored = shown_value(f)
        title = f' title="{plain(stored)}"' if stored else ""
        return Markup(f'<span class="sco-figure-value"{ident}{title}>{plain(shown)}</span>{markers}{notes}')

    # -- positions -----------------------------------------------------------------------
    def position(self, page: Page, position_id: str) -> Markup:
        p = self.fb.positions[position_id]
        anchor = f"position-{p.id}"
        stances = [Row(
            actor_id=s.actor, actor=self.fb.actors[s.actor].name,
            stance=inline(s.stance, self.r.abbr),
            markers=self.r.markers(s.cites, page, anchor, f"{p.issue}: {self.fb.actors[s.actor].name}"),
            notes=self.r.notes("positions", p.id, page, f"stance:{s.actor}"),
        ) for s in p.stances]
        return self.r.html(
            "position.html", p=p, issue=plain(p.issue, self.r.abbr), summary=inline(p.summary, self.r.abbr),
            stances=stances, outcome=inline(p.outcome, self.r.abbr) if p.outcome else None,
            outcome_markers=self.r.markers(p.outcome_cites, page, anchor, p.issue),
            as_of=human_date(p.as_of) if p.as_of else None,
            summary_notes=self.r.notes("positions", p.id, page, "summary"),
            outcome_notes=self.r.notes("positions", p.id, page, "outcome") if p.outcome else Markup(""),
            notes=self.r.notes("positions", p.id, page),
        )

    def positions(self, page: Page, topic: str | None = None) -> Markup:
        chosen = [p for p in self.fb.positions.values() if topic is None or topic in p.topics]
        return Markup("\n".join(self.position(page, p.id) for p in chosen))

    # -- glossary ------------------------------------------------------------------------
    def glossary(self, page: Page) -> Markup:
        entries = []
        # the terms with neither letter nor digit first, as one group ("#"), then in filing order
        for e in sorted(self.fb.glossary.values(), key=lambda e: (_letter(e.term)[0] != "#", _filed(e.term), e.id)):
            letter, letter_id = _letter(e.term)
            entries.append(Row(
                id=e.id, term=e.term, expansion=e.expansion, letter=letter, letter_id=letter_id,
                native=e.native.text if e.native else None,
                native_lang=e.native.language if e.native else "",
                translit=e.native.transliteration if e.native else None,
                definition=inline(e.definition, self.r.abbr),
                see=[self.fb.glossary[s] for s in e.see],
                markers=self.r.markers(e.cites, page, f"term-{e.id}", e.term),
                notes=self.r.notes("glossary", e.id, page),
            ))
        letters = list({e.letter: e.letter_id for e in entries}.items())
        return self.r.html("glossary.html", entries=entries, letters=letters)

    # -- source pages --------------------------------------------------------------------
    def source_page(self, page: Page, source_id: str) -> Markup:
        s = self.fb.sources[source_id]
        quotes = self.fb.quotes_by_source.get(source_id, [])
        groups = []
        if s.chapters:
            for ch in s.chapters:
                qs = [q for q in quotes if q.chapter == ch.id]
                groups.append(Row(title=ch.title, anchor=f"chapter-{ch.id}", authors=", ".join(ch.authors),
                               quotes=[self._source_quote(q, s, page) for q in qs]))
        else:
            groups.append(Row(title=None, anchor="", authors="", quotes=[self._source_quote(q, s, page) for q in quotes]))
        bylines = {a.author: a for a in s.affiliations}
        authors = [Row(name=a, affiliation=bylines[a].affiliation if a in bylines else None,
                       role=bylines[a].role if a in bylines else None) for a in s.authors]
        return self.r.html("source_page.html", s=s, groups=groups, count=len(quotes), authors=authors,
                           published=human_date(s.published), precision=PRECISION[len(s.published.split("-"))])

    def _source_quote(self, q, s, page: Page) -> Row:  # type: ignore[no-untyped-def]
        speaker = self.fb.actors[q.speaker] if q.speaker else None
        return Row(
            id=q.id, text=plain(q.text, self.r.abbr), section=q.section,
            speaker=speaker.name if speaker else None, speaker_role=speaker.role if speaker else None,
            note=q.note, fragment=text_fragment(s.url, q.text) if s.url else None,
            edit_url=self.r.edit_url("quotes", q.id), notes=self.r.notes("quotes", q.id, page),
        )


def _filed(term: str) -> str:
    """A term as the glossary files it: from its first letter or digit (a quotation mark before it does not count),
    accents aside, in lower case."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", term) if not unicodedata.combining(c)).lower()
    return folded[next((i for i, c in enumerate(folded) if c.isalnum()), 0):]


def _letter(term: str) -> tuple[str, str]:
    """The glossary's letter for a term, and its heading's id: its first letter in capitals, "0–9" for a digit,
    "#" where it has neither."""
    first = _filed(term)[:1]
    if first.isdigit():
        return "0–9", "letter-0-9"
    if first.isalpha():
        return first.upper(), f"letter-{first}"
    return "#", "letter-other"


def _years(start: int, end: int | None, start_known: bool) -> str:
    """'since 2017', '2015 to 2017', 'by 2014', 'by 2014, until 2015': a status's years in words."""
    if start_known:
        return f"{start} to {end}" if end is not None else f"since {start}"
    return f"by {start}, until {end}" if end is not None else f"by {start}"


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


CHANGE_LABELS = {
    "founding-member": ("founding member", "founding members"),
    "member": ("member", "members"),
    "observer": ("observer", "observers"),
    "dialogue-partner": ("dialogue partner", "dialogue partners"),
    "observer-or-partner": ("observer or dialogue partner, the source does not say which",
                            "observers or dialogue partners, the source does not say which"),
    "applicant": ("accession under way", "accession under way"),
    "non-member": ("not a member", "not members"),
}


def _change_label(status: str, count: int) -> str:
    """'founding members', 'accession under way', 'no longer observers'..."""
    key = status.removeprefix("no longer ")
    label = CHANGE_LABELS[key][count > 1] if key in CHANGE_LABELS else key
    return label if key == status else f"no longer {label}"
