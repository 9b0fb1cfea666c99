"""Inline SVG pictures computed at build time: no JavaScript, text stays text.

Geometry is computed here; markup lives in templates/chart_*.html. Each chart is drawn twice, for a
wide column (720 units across, shown from 600 px) and for a phone (340 units, at most 440 px wide),
and CSS shows the one that fits its column, so labels are never drawn below 11 px. Colours come from
CSS classes (sco.css defines a light and a dark value for each), so the charts follow the scheme.
Each chart links to its table and to the data file it draws.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Sequence

from markupsafe import Markup

from .exports import EXPORT_DIR
from .render import Page, Renderer, Row
from .text import human_date, number
from .views import BOUND_SIGNS, STATUS_LABELS, Views, stored_value


@dataclass(frozen=True)
class Frame:
    """One drawing of a chart: its width in SVG units, its text size and its horizontal margins."""

    name: str
    width: int
    font: int
    left: int
    right: int


#: The wide drawing is shown in columns of 600 px and more (scale >= 0.83: 14-unit text >= 11.7 px);
#: the phone drawing at most 440 px wide (scale 0.85 at 288 px, the column of a 320 px screen).
WIDE = Frame("wide", 720, 14, 150, 24)
NARROW = Frame("narrow", 340, 13, 8, 20)
FRAMES = (WIDE, NARROW)

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

#: Chart classes of the membership statuses, in legend order ("founding-member" draws as "member").
STATUS_CLASSES = ["member", "observer", "dialogue-partner", "observer-or-partner", "applicant", "non-member"]
LEGEND_LABELS = {
    "member": "Member", "observer": "Observer", "dialogue-partner": "Dialogue partner",
    "observer-or-partner": "Observer or dialogue partner", "applicant": "Accession under way",
    "non-member": "Non-member",
}

# Advance widths of DejaVu Sans (the widest of the usual system sans-serifs) in em, so that label
# boxes estimated here are never narrower than the browser draws them.
_NARROW_CHARS = {c: 0.32 for c in " .,:;'()[]|!ilIjf"}
_NARROW_CHARS.update({c: 0.4 for c in "rt-"})
_WIDE_CHARS = {c: 0.9 for c in "mwMW–—"}


def text_width(text: str, size: float) -> float:
    """An upper estimate of a label's width in SVG units."""
    em = 0.0
    for c in text:
        em += _NARROW_CHARS.get(c) or _WIDE_CHARS.get(c) or (0.72 if c.isupper() else 0.64)
    return em * size


@dataclass(frozen=True)
class Box:
    """A label's bounding box in SVG units."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: "Box", gap: float = 2) -> bool:
        return not (self.x1 + gap <= other.x0 or other.x1 + gap <= self.x0
                    or self.y1 + gap <= other.y0 or other.y1 + gap <= self.y0)

    def inside(self, outer: "Box") -> bool:
        return self.x0 >= outer.x0 and self.x1 <= outer.x1 and self.y0 >= outer.y0 and self.y1 <= outer.y1


def text_box(x: float, y: float, text: str, size: float, anchor: str = "start") -> Box:
    """The box of a label drawn at baseline (x, y) with the given text-anchor."""
    w = text_width(text, size)
    x0 = x - (w if anchor == "end" else w / 2 if anchor == "middle" else 0)
    return Box(x0, y - size * 0.95, x0 + w, y + size * 0.3)


@dataclass(frozen=True)
class Axis:
    """A linear year axis from `start` to `end` across the plot width."""

    start: float
    end: float
    left: float
    right: float

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


def tick_rows(axis: Axis, step: int, y: float, size: float, width: float) -> list[Row]:
    """Year labels under an axis, every `step` years, kept inside the picture."""
    rows = []
    for t in axis.ticks(step):
        x = axis.x(t)
        half = text_width(str(t), size) / 2
        anchor = "end" if x + half > width - 2 else "start" if x - half < 2 else "middle"
        rows.append(Row(x=x, label=t, anchor=anchor, y=y))
    return rows


class Taken:
    """The boxes already drawn, filed by the grid cells they reach (gap included), so that testing a new box
    looks at its neighbours only: a chart of 1,700 points made millions of pairwise tests with a plain list."""

    CELL = 32.0
    GAP = 2.0  # Box.overlaps' default gap

    def __init__(self, boxes: Iterable[Box] = ()) -> None:
        self._cells: dict[tuple[int, int], list[Box]] = defaultdict(list)
        for box in boxes:
            self.add(box)

    def _keys(self, x0: float, y0: float, x1: float, y1: float) -> list[tuple[int, int]]:
        c = self.CELL
        return [(i, j) for i in range(math.floor(x0 / c), math.floor(x1 / c) + 1)
                for j in range(math.floor(y0 / c), math.floor(y1 / c) + 1)]

    def add(self, box: Box) -> None:
        """File `box` under every cell its box widened by the gap reaches."""
        g = self.GAP
        for key in self._keys(box.x0 - g, box.y0 - g, box.x1 + g, box.y1 + g):
            self._cells[key].append(box)

    def hits(self, box: Box) -> bool:
        """Whether `box` overlaps (Box.overlaps, gap included) any box added: two boxes that overlap share a cell
        of the one's box and the other's widened box."""
        cells = self._cells
        for key in self._keys(box.x0, box.y0, box.x1, box.y1):
            for other in cells.get(key, ()):
                if box.overlaps(other, self.GAP):
                    return True
        return False


def place_label(x: float, y: float, r: float, texts: Sequence[str], size: float, area: Box,
                taken: Taken, prefer: Sequence[str] = ("above", "right", "left", "below")) -> Row | None:
    """The first position around a point (radius r) where a label fits inside `area` without
    touching a box in `taken`; longer texts are tried first. None when nothing fits."""
    for text in texts:
        w = text_width(text, size)
        # Each spot keeps the label's box r + 4 from the point's centre, clear of the point's own box.
        spots = {
            "above": (x, y - r - 4 - size * 0.3, "middle"),
            "below": (x, y + r + 4 + size * 0.95, "middle"),
            "right": (x + r + 4, y + size * 0.33, "start"),
            "left": (x - r - 4, y + size * 0.33, "end"),
            "above-right": (x + r, y - r - 4 - size * 0.3, "start"),
            "above-left": (x - r, y - r - 4 - size * 0.3, "end"),
        }
        for name in prefer:
            lx, ly, anchor = spots[name]
            box = text_box(lx, ly, text, size, anchor)
            if box.inside(area) and not taken.hits(box):
                taken.add(box)
                return Row(x=round(lx, 1), y=round(ly, 1), anchor=anchor, text=text, w=w)
    return None


class Charts:
    """The three pictures the site draws, each with its table."""

    def __init__(self, r: Renderer, views: Views) -> None:
        self.r = r
        self.fb = r.fb
        self.views = views

    def _data_link(self, page: Page, name: str) -> str:
        return self.r.links.relative(f"{EXPORT_DIR}/{name}", page.url)

    # -- timeline ------------------------------------------------------------------------
    def timeline_chart(self, page: Page, start: int = 1996) -> Markup:
        events = [e for e in self.views.select_events() if int(e.date[:4]) >= start
                  and ROW_OF_KIND.get(e.kind, e.kind) in dict(TIMELINE_ROWS)]
        end = max(int(e.date[:4]) for e in events) + 1 if events else start + 1
        drawings = [self._timeline_frame(frame, events, start, end) for frame in FRAMES]
        return self.r.html("chart_timeline.html", drawings=drawings, count=len(events), first=start, last=end - 1,
                           list_href=self.r.links.link("timeline.md", page.url, "every-event-by-year"),
                           data_href=self._data_link(page, "events.csv"))

    def _timeline_frame(self, f: Frame, events: list, start: int, end: int) -> Row:
        wide = f is WIDE
        label_w = max(text_width(label, f.font) for _, label in TIMELINE_ROWS)
        left, right = (max(f.left, round(label_w + 18)), f.width - f.right) if wide else (f.left + 4, f.width - f.right)
        axis = Axis(start, end, left, right)
        row_h = 30 if wide else 40
        top = 16 if wide else 34
        row_y = {kind: top + i * row_h for i, (kind, _) in enumerate(TIMELINE_ROWS)}
        rows = [Row(label=label, y=row_y[kind], lx=left - 10 if wide else f.left, ly=row_y[kind] + (5 if wide else -11),
                    anchor="end" if wide else "start") for kind, label in TIMELINE_ROWS]
        dots = [Row(x=axis.x(year_fraction(e.date)), y=row_y[ROW_OF_KIND.get(e.kind, e.kind)],
                    title=f"{human_date(e.date)}: {e.title}") for e in events]
        bottom = top + (len(TIMELINE_ROWS) - 1) * row_h + 14
        ticks = tick_rows(axis, 4 if wide else 5, bottom + f.font + 6, f.font, f.width)
        return Row(frame=f, height=bottom + f.font + 12, rows=rows, dots=dots, ticks=ticks, left=left, right=right,
                   top=top - 12, bottom=bottom, r=5 if wide else 4)

    # -- membership ----------------------------------------------------------------------
    def membership_chart(self, page: Page) -> Markup:
        memberships = self.views._memberships()
        years = self.views.membership_years()
        start, end = min(years), max(years) + 1
        drawings = [self._membership_frame(frame, memberships, start, end) for frame in FRAMES]
        used = {b.status for d in drawings for b in d.bars}
        hatched = sorted({b.status for d in drawings for b in d.bars if b.unknown}, key=STATUS_CLASSES.index)
        legend = [Row(cls=s, label=LEGEND_LABELS[s]) for s in STATUS_CLASSES if s in used]
        table = self.r.links.link("members.md", page.url, "membership-table")  # '#membership-table' on that page
        return self.r.html("chart_membership.html", drawings=drawings, legend=legend, hatched=hatched,
                           first=start, last=end - 1, table_href=table, data_href=self._data_link(page, "membership.csv"))

    def _membership_frame(self, f: Frame, memberships: list, start: int, end: int) -> Row:
        wide = f is WIDE
        names = [self.fb.actors[m.state].name for m in memberships]
        label_w = max(text_width(n, f.font) for n in names) if names else 0
        left = max(f.left if wide else 0, round(label_w + 12))
        axis = Axis(start, end, left, f.width - f.right)
        row_h, top = (26, 8) if wide else (24, 8)
        bars, labels = [], []
        for i, m in enumerate(memberships):
            y = top + i * row_h
            labels.append(Row(y=y + row_h / 2 + f.font * 0.35, x=left - 8, name=names[i]))
            for s in m.statuses:
                x0 = axis.x(s.from_)
                x1 = axis.x(s.to if s.to is not None else end)
                status = "member" if s.status == "founding-member" else s.status
                bars.append(Row(x=x0 + 1, y=y + 4, w=max(x1 - x0 - 2, 3), h=row_h - 8, status=status,
                                unknown=not s.start_known,
                                title=f"{names[i]}: {STATUS_LABELS[s.status]}, "
                                      f"{'by ' if not s.start_known else ''}{s.from_}–{s.to or ''}"))
        bottom = top + len(memberships) * row_h
        ticks = tick_rows(axis, 2 if wide else 5, bottom + f.font + 6, f.font, f.width)
        grid = [Row(x=t.x) for t in ticks]
        return Row(frame=f, height=bottom + f.font + 12, bars=bars, labels=labels, ticks=ticks, grid=grid,
                   top=top, bottom=bottom, hatched=sorted({b.status for b in bars if b.unknown}))

    # -- figures -------------------------------------------------------------------------
    def figure_chart(self, page: Page, metric: str) -> Markup:
        figs = sorted(self.fb.figures_by_metric[metric], key=lambda f: (f.period, f.kind, f.value, f.id))
        drawings = [self._figure_frame(frame, figs) for frame in FRAMES]
        table = self.r.links.link("figures.md", page.url, f"figure-{metric}")
        return self.r.html("chart_figures.html", drawings=drawings, label=figs[0].label, unit=figs[0].unit,
                           metric=metric, count=len(figs), disagreements=drawings[0].disagreements,
                           unknown=any(not f.period_known for f in figs),
                           table_href=table, data_href=self._data_link(page, "figures.csv"))

    def _figure_frame(self, f: Frame, figs: list) -> Row:
        wide = f is WIDE
        low, high, step = value_axis([fig.value for fig in figs])
        gridvalues = [low + k * step for k in range(int((high - low) // step) + 1)]
        left = round(max(text_width(number(v), f.font) for v in gridvalues) + 14)
        right = f.width - (16 if wide else 10)
        years = [year_fraction(fig.period) for fig in figs]
        axis = Axis(int(min(years)), int(max(years)) + 1, left + 12, right - 12)
        height = 320 if wide else 300
        top, bottom = f.font + 24, height - f.font - 16

        def y(v: float) -> float:
            return round(bottom - (v - low) / (high - low) * (bottom - top), 1)

        by_period: dict[tuple[str, str], list] = defaultdict(list)
        for fig in figs:
            by_period[(fig.period, fig.kind)].append(fig)
        # each figure's place in its group, by identity: comparing figures field by field was quadratic in the group
        place = {id(fig): i for group in by_period.values() for i, fig in enumerate(group)}
        disagreeing = {key: len({g.value for g in group}) > 1 for key, group in by_period.items()}
        r = 6 if wide else 5
        points = []
        for fig in figs:
            group = by_period[(fig.period, fig.kind)]
            disagree = disagreeing[(fig.period, fig.kind)]
            side = place[id(fig)] - (len(group) - 1) / 2
            points.append(Row(x=round(axis.x(year_fraction(fig.period)) + (side * (2 * r + 4) if disagree else 0), 1),
                              y=y(fig.value), kind=fig.kind, disagree=disagree, side=side, fig=fig,
                              source=self.r.short_source(fig.cites), unknown=not fig.period_known,
                              title=f"{'by ' if not fig.period_known else ''}{human_date(fig.period)}"
                                    f"{' (the source gives no year)' if not fig.period_known else ''}: "
                                    f"{stored_value(fig)} ({fig.kind}), {self.r.short_source(fig.cites)}"))
        area = Box(left + 2, 0, f.width - 1, bottom - 2)
        taken = Taken(Box(p.x - r - 1, p.y - r - 1, p.x + r + 1, p.y + r + 1) for p in points)
        for p in sorted(points, key=lambda p: (p.x, p.y)):
            value = BOUND_SIGNS[p.fig.bound] + number(p.fig.value)
            source = p.source.split(" (")[0]
            texts: list[str] = []
            if p.disagree:
                texts += [f"{value}: {p.source}", f"{value}: {source}"]
            if p.unknown:
                texts += [f"{value} (year not given)", f"{value} (no year)"]
            texts.append(value)
            prefer: Iterable[str] = ("left", "above-left", "below", "above") if p.disagree and p.side < 0 else \
                ("right", "above-right", "below", "above") if p.disagree else ("above", "below", "left", "right")
            p.label = place_label(p.x, p.y, r, texts, f.font, area, taken, tuple(prefer) + ("above", "below", "left", "right"))
        gridlines = [Row(y=y(v), label=number(v)) for v in gridvalues]
        span = int(axis.end - axis.start)
        every = 1 if span * text_width("2000", f.font) * 1.6 < axis.right - axis.left else 2 if wide or span < 16 else 5
        ticks = [t for t in tick_rows(axis, 1, bottom + f.font + 8, f.font, f.width)
                 if t.label < axis.end and (t.label - int(axis.start)) % every == 0]
        for t in ticks:
            t.x = axis.x(t.label + 0.5)
            t.anchor = "middle"
        return Row(frame=f, height=height, points=points, gridlines=gridlines, ticks=ticks, left=left, right=right,
                   top=top, bottom=bottom, r=r, disagreements=sum(1 for p in points if p.disagree))


def value_axis(values: list[float], headroom: float = 1.12, parts: int = 6) -> tuple[float, float, float]:
    """(low, high, step) of a value axis that shows zero and every value with room beyond the extremes, cut into
    at most `parts` round steps. Any finite values will do: negative ones (a change), all zeros, tiny ones, or the
    largest the schema admits (a step of at most 10,000 once drew a gridline per 10,000 up to 10^15)."""
    low, high = min(0.0, *values) * headroom, max(0.0, *values) * headroom
    if high == low:
        high = low + 1
    step = _nice_step(high - low, parts)
    low = math.floor(low / step) * step
    return low, high, step


def _nice_step(span: float, parts: int = 6) -> float:
    """The smallest round step (..., 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 25, 50, 100, ...) that cuts `span` into at most
    `parts` parts."""
    if span >= 1:
        for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000, 2000, 5000, 10000):
            if span / step <= parts:
                return step
    scale = 10.0 ** math.floor(math.log10(span / parts))
    return next(m * scale for m in (1, 2, 5, 10) if span / (m * scale) <= parts)
