"""The home page's "At a glance" box and member map: both computed from the records, nothing typed by hand.

Membership comes from `data/membership.yaml` as of the newest source's year; the founding from
the SCO's founding event and its predecessor's; the permanent bodies' seats from institution
events that give a place. Where the records say nothing (a body's seat), the box says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from . import maps
from .render import Page, Renderer, Row
from .schema import Event
from .text import human_date

#: Statuses shown, in this order, with their group label and the CSS class the chart and map colour them by.
GROUPS = [
    ("member", "Members", "s-member"),
    ("observer", "Observers", "s-observer"),
    ("dialogue-partner", "Dialogue partners", "s-dialogue-partner"),
    ("observer-or-partner", "Observers or dialogue partners", "s-observer-or-partner"),
    ("applicant", "Accession under way", "s-applicant"),
]
NOTES = {"observer-or-partner": "the source does not say which"}
SINGULAR = {"member": "member", "observer": "observer", "dialogue-partner": "dialogue partner",
            "observer-or-partner": "observer or dialogue partner", "applicant": "accession under way",
            "non-member": "not a member"}
ORGANISATION = "sco"


@dataclass(frozen=True)
class StateStatus:
    """One state's status in a year, from its membership record."""

    state: str
    name: str
    status: str  # founding-member counts as member
    since: int
    start_known: bool


class Glance:
    """Macro bodies for the home page: `at_a_glance` and `member_map`.

    The box's markers name its own rows (`glance-founded`, `glance-bodies`) as the place that cites them,
    so a source page's "Cited on" link lands on the row."""

    def __init__(self, r: Renderer) -> None:
        self.r = r
        self.fb = r.fb

    def statuses(self, year: int) -> list[StateStatus]:
        """Every state with a membership record and a status in `year`, by name."""
        found = []
        for m in self.fb.membership.values():
            for s in m.statuses:
                if s.from_ <= year and (s.to is None or year < s.to):
                    status = "member" if s.status == "founding-member" else s.status
                    found.append(StateStatus(m.state, self.fb.actors[m.state].name, status, s.from_, s.start_known))
        return sorted(found, key=lambda s: s.name)

    def _member_link(self, page: Page, state: str) -> str:
        return self.r.links.link("members.md", page.url, f"member-{state}")

    def _founding(self, organisation: str) -> tuple[Event | None, list[tuple[str, Event]]]:
        """The organisation's founding event, and (name, founding event) of each organisation it grew out of."""
        def founding_of(actor: str) -> Event | None:
            events = [e for e in self.fb.events.values() if e.kind == "founding" and actor in e.actors]
            return min(events, key=lambda e: (e.date, e.id)) if events else None

        founded = founding_of(organisation)
        if founded is None:
            return None, []
        before = []
        for actor in founded.actors:
            record = self.fb.actors.get(actor)
            if actor == organisation or record is None or record.kind != "organisation":
                continue
            event = founding_of(actor)
            if event is not None and event.date < founded.date:
                before.append((record.name, event))
        return founded, before

    def at_a_glance(self, page: Page, bodies: list[str], bodies_fact: str) -> Markup:
        year = self.fb.newest_year()
        newest = self.fb.newest_source()
        statuses = self.statuses(year)
        groups = []
        for key, label, css in GROUPS:
            states = [Row(name=s.name, href=self._member_link(page, s.state), since=s.since, known=s.start_known)
                      for s in statuses if s.status == key]
            if states:
                groups.append(Row(label=label, css=css, count=len(states), states=states, note=NOTES.get(key)))
        founded, before = self._founding(ORGANISATION)
        founding = None
        if founded is not None:
            founders = [s for s in self.statuses(int(founded.date[:4])) if s.status == "member"]
            founding = Row(
                date=human_date(founded.date), founders=len(founders),
                markers=self.r.markers(founded.cites, page, "glance-founded", founded.title),
                before=[Row(name=name, year=event.date[:4],
                            markers=self.r.markers(event.cites, page, "glance-founded", event.title))
                        for name, event in before],
            )
        fact = self.fb.facts[bodies_fact]
        body_rows = []
        for body in bodies:
            actor = self.fb.actors[body]
            seats = sorted((e for e in self.fb.events.values()
                            if e.kind == "institution" and body in e.actors and e.place), key=lambda e: (e.date, e.id))
            seat = seats[0] if seats else None
            body_rows.append(Row(
                name=actor.name, abbreviation=actor.abbreviation,
                place=seat.place if seat else None,
                markers=self.r.markers(seat.cites, page, "glance-bodies", seat.title) if seat else Markup(""),
            ))
        return self.r.html(
            "glance.html", year=year, as_of=human_date(newest.published), groups=groups, founding=founding,
            bodies=body_rows, bodies_markers=self.r.markers(fact.cites, page, "glance-bodies", _short(fact.claim)),
            newest=Row(date=human_date(newest.published), published=newest.published,
                       authors=", ".join(newest.authors), title=newest.title, outlet=newest.outlet,
                       href=self.r.links.link(f"sources/{newest.id}.md", page.url)),
        )

    def member_map(self, page: Page) -> Markup:
        year = self.fb.newest_year()
        shapes = maps.by_name()
        css = {key: c for key, _, c in GROUPS} | {"non-member": "s-non-member"}
        linked, missing, drawn = [], [], set()
        for s in self.statuses(year):
            shape = shapes.get(s.name)
            if shape is None:
                missing.append(s.name)
                continue
            drawn.add(s.name)
            label = f"{s.name}: {SINGULAR[s.status]} in {year}"
            linked.append(Row(href=self._member_link(page, s.state), label=label, css=css[s.status], path=shape.path))
        land = "".join(c.path for c in maps.countries() if c.name not in drawn)
        present = {s.status for s in self.statuses(year)}
        legend = [Row(label=label, css=c) for key, label, c in GROUPS if key in present]
        return self.r.html("member_map.html", width=maps.WIDTH, height=maps.height(), year=year,
                           as_of=human_date(self.fb.newest_source().published), states=linked, land=land,
                           legend=legend, missing=missing)


def _short(text: str, words: int = 10) -> str:
    parts = " ".join(text.split()).split(" ")
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")
