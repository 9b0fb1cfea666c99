"""Inline SVG pictures computed at build time: no JavaScript, text stays text.

Geometry is computed here; markup lives in templates/chart_*.html. Colours
come from CSS classes that use Material's palette variables, so the charts
follow the light and dark schemes. Each chart comes with a data table.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from markupsafe import Markup

from .render import Page, Renderer, Row
from .text import human_date, number
from .views import STATUS_LABELS, Views

WIDTH = 760
LEFT = 150
RIGHT = 20

TIMELINE_ROWS = [
    ("founding", "Founding"),
    ("summit", "Summits"),
    ("treaty", "Treaties, agreements"),
    ("accession", "Accessions"),
    ("exercise", "Exercises"),
    ("statement", "Statements"),
    ("attack", "Attacks, conflicts"),
]
ROW_OF_KIND = {"agreement": "treaty", "institution": "founding", "conflict": "attack"}


@dataclass(frozen=True)
class Axis:
    """A linear year axis from `start` to `end` (inclusive) across the plot width."""

    start: float
    end: float
    left: float = LEFT
    right: float = WIDTH - RIGHT

    def x(self, value: float) -> float:
        span = max(self.end - self.start, 1)
        return round(self.left + (value - self.start) / span * (self.right - self.left), 1)

    def ticks(self, step: int) -> list[int]:
        first = int(self.start) + (-int(self.start)) % step
        return list(range(first, int(self.end) + 1, step))


def year_fraction(date: str) -> float:
    """'2015-07-10' -> 2015.52; '2015' -> 2015.5 (the middle of what is known)."""
    parts = [int(p) for p in date.split("-")]
    if len(parts) == 1:
        return parts[0] + 0.5
    if len(parts) == 2:
        return parts[0] + (parts[1] - 0.5) / 12
    return parts[0] + (parts[1] - 1) / 12 + (parts[2] - 0.5) / 365


class Charts:
    """The three pictures the site draws, each with its table."""

    def __init__(self, r: Renderer, views: Views) -> None:
        self.r = r
        self.fb = r.fb
        self.views = views

    def timeline_chart(self, page: Page, start: int = 1996) -> Markup:
        events = [e for e in self.views.select_events() if int(e.date[:4]) >= start
                  and ROW_OF_KIND.get(e.kind, e.kind) in dict(TIMELINE_ROWS)]
        end = max(int(e.date[:4]) for e in events) + 1
        axis = Axis(start, end)
        row_h, top = 28, 30
        rows = [Row(label=label, y=top + i * row_h) for i, (_, label) in enumerate(TIMELINE_ROWS)]
        row_y = {kind: top + i * row_h for i, (kind, _) in enumerate(TIMELINE_ROWS)}
        dots = []
        for e in events:
            kind = ROW_OF_KIND.get(e.kind, e.kind)
            dots.append(Row(x=axis.x(year_fraction(e.date)), y=row_y[kind], title=f"{human_date(e.date)}: {e.title}",
                         href=self.r.links.link("timeline.md", page.url, f"event-{e.id}")))
        bottom = top + len(TIMELINE_ROWS) * row_h
        ticks = [Row(x=axis.x(t), label=t) for t in axis.ticks(4)]
        return self.r.html("chart_timeline.html", width=WIDTH, height=bottom + 20, rows=rows, dots=dots, ticks=ticks,
                           left=LEFT, right=WIDTH - RIGHT, top=top - 14, bottom=bottom, count=len(events),
                           first=start, last=end - 1)

    def membership_chart(self, page: Page) -> Markup:
        memberships = self.views._memberships()
        years = self.views.membership_years()
        start, end = min(years), max(years) + 1
        axis = Axis(start, end)
        row_h, top = 24, 30
        bars, labels = [], []
        for i, m in enumerate(memberships):
            y = top + i * row_h
            labels.append(Row(y=y + 12, name=self.fb.actors[m.state].name))
            for s in m.statuses:
                x0 = axis.x(s.from_)
                x1 = axis.x(s.to if s.to is not None else end)
                status = "member" if s.status == "founding-member" else s.status
                bars.append(Row(x=x0, y=y + 3, w=max(x1 - x0, 2), h=row_h - 8, cls=f"s-{status}",
                             unknown=not s.start_known,
                             title=f"{self.fb.actors[m.state].name}: {STATUS_LABELS[s.status]}, "
                                      f"{'by ' if not s.start_known else ''}{s.from_}–{s.to or ''}"))
        height = top + len(memberships) * row_h + 10
        ticks = [Row(x=axis.x(t), label=t) for t in axis.ticks(2)]
        legend = [("s-member", "Member"), ("s-observer", "Observer"), ("s-dialogue-partner", "Dialogue partner"),
                  ("s-observer-or-partner", "Observer or partner"), ("s-applicant", "Accession under way"),
                  ("s-non-member", "Non-member")]
        return self.r.html("chart_membership.html", width=WIDTH, height=height, bars=bars, labels=labels, ticks=ticks,
                           top=top - 14, bottom=height - 10, legend=legend, first=start, last=end - 1)

    def figure_chart(self, page: Page, metric: str) -> Markup:
        figs = sorted(self.fb.figures_by_metric[metric], key=lambda f: (f.period, f.kind, f.value))
        years = [year_fraction(f.period) for f in figs]
        axis = Axis(min(years) - 0.5, max(years) + 0.5, left=70)
        height, top, bottom = 300, 30, 250
        vmax = max(f.value for f in figs) * 1.15
        def y(v: float) -> float:
            return round(bottom - v / vmax * (bottom - top), 1)
        by_period: dict[tuple[str, str], list] = defaultdict(list)
        for f in figs:
            by_period[(f.period, f.kind)].append(f)
        points = []
        for f in figs:
            group = by_period[(f.period, f.kind)]
            disagree = len({g.value for g in group}) > 1
            side = group.index(f) - (len(group) - 1) / 2
            offset = side * 14 if disagree else 0
            source = self.r.short_source(f.cites)
            points.append(Row(x=axis.x(year_fraction(f.period)) + offset, y=y(f.value), kind=f.kind,
                           disagree=disagree, label=f"{number(f.value)}", source=source,
                           anchor="end" if disagree and side < 0 else ("start" if disagree else "middle"),
                           dx=-10 if disagree and side < 0 else (10 if disagree else 0),
                           dy=4 if disagree else -10,
                           unknown=not f.period_known,
                           title=f"{'by ' if not f.period_known else ''}{human_date(f.period)}"
                                    f"{' (no year given)' if not f.period_known else ''}: "
                                    f"{number(f.value)} {f.unit} ({f.kind}), {source}"))
        step = _nice_step(vmax)
        gridlines = [Row(y=y(v), label=number(v)) for v in range(0, int(vmax) + 1, step)]
        ticks = [Row(x=axis.x(t + 0.5), label=t) for t in range(int(axis.start + 0.5), int(axis.end))]
        ticks = ticks[:: max(1, len(ticks) // 10)]
        return self.r.html("chart_figures.html", width=WIDTH, height=height, points=points, gridlines=gridlines,
                           ticks=ticks, left=70, right=WIDTH - RIGHT, top=top, bottom=bottom,
                           label=figs[0].label, unit=figs[0].unit, metric=metric,
                           disagreements=sum(1 for p in points if p.disagree))


def _nice_step(vmax: float) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000):
        if vmax / step <= 8:
            return step
    return 1000
