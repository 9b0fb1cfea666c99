"""The member map: an inline SVG of Eurasia drawn at build time from a vendored boundary set.

The boundaries are Natural Earth's 1:110m countries (public domain, see mapdata/README.md),
clipped to the region and rounded when vendored. Here they are projected (Lambert azimuthal
equal-area, centred on Central Asia), clipped to the view and written as SVG paths in whole
units. Which states are coloured, and how, comes from the membership records; markup lives
in templates/member_map.html and colours in CSS classes, so the map follows the palette.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

GEOMETRY = Path(__file__).parent / "mapdata" / "eurasia-110m.json"

#: Projection centre (degrees) and the view, in projected units (x right, y up; radius 1).
CENTRE = (90.0, 45.0)
VIEW = (-0.80, -0.65, 0.66, 0.75)  # west, south, east, north: the states in membership.yaml, with a margin
WIDTH = 800  # SVG units across; the height follows the view's shape

Point = tuple[float, float]


@dataclass(frozen=True)
class Country:
    """A country of the boundary set: its name (Natural Earth's), ISO 3166-1 numeric id and SVG path."""

    name: str
    iso: str
    path: str


def project(lon: float, lat: float) -> Point:
    """Lambert azimuthal equal-area, centred on CENTRE."""
    lam, phi = math.radians(lon - CENTRE[0]), math.radians(lat)
    phi0 = math.radians(CENTRE[1])
    cos_c = math.sin(phi0) * math.sin(phi) + math.cos(phi0) * math.cos(phi) * math.cos(lam)
    k = math.sqrt(2 / (1 + cos_c)) if cos_c > -1 else 0.0
    return (k * math.cos(phi) * math.sin(lam),
            k * (math.cos(phi0) * math.sin(phi) - math.sin(phi0) * math.cos(phi) * math.cos(lam)))


def height() -> int:
    west, south, east, north = VIEW
    return round(WIDTH * (north - south) / (east - west))


def _to_svg(point: Point) -> tuple[int, int]:
    west, south, east, north = VIEW
    scale = WIDTH / (east - west)
    return (round((point[0] - west) * scale), round((north - point[1]) * scale))


def clip(points: list[Point], box: tuple[float, float, float, float]) -> list[Point]:
    """Sutherland–Hodgman clipping of a closed ring to a rectangle (west, south, east, north): the view here,
    the region in degrees when the boundary set is vendored (mapdata/vendor.py)."""
    west, south, east, north = box
    for axis, bound, keep_above in ((0, west, True), (0, east, False), (1, south, True), (1, north, False)):
        if not points:
            break

        def inside(p: Point) -> bool:
            return p[axis] >= bound if keep_above else p[axis] <= bound

        def cut(a: Point, b: Point) -> Point:
            t = (bound - a[axis]) / (b[axis] - a[axis])
            return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)

        out: list[Point] = []
        previous = points[-1]
        for point in points:
            if inside(point):
                if not inside(previous):
                    out.append(cut(previous, point))
                out.append(point)
            elif inside(previous):
                out.append(cut(previous, point))
            previous = point
        points = out
    return points


def ring_path(flat: list[float]) -> str:
    """One ring as SVG path commands: an absolute move, then relative lines; '' if nothing is left in view."""
    points = clip([project(flat[i], flat[i + 1]) for i in range(0, len(flat), 2)], VIEW)
    svg = [_to_svg(p) for p in points]
    svg = [p for i, p in enumerate(svg) if i == 0 or p != svg[i - 1]]
    if len(svg) < 3:
        return ""
    parts = [f"M{svg[0][0]} {svg[0][1]}l"]
    parts += [f"{x - px} {y - py}" for (px, py), (x, y) in zip(svg, svg[1:])]
    return " ".join(parts).replace(" -", "-") + "z"


@lru_cache(maxsize=1)
def countries() -> tuple[Country, ...]:
    """Every country with something in view, with its path: computed once per process."""
    data = json.loads(GEOMETRY.read_text(encoding="utf-8"))
    out = []
    for c in data["countries"]:
        path = "".join(ring_path(r) for r in c["rings"])
        if path:
            out.append(Country(c["name"], c["iso"], path))
    return tuple(out)


def by_name() -> dict[str, Country]:
    return {c.name: c for c in countries()}
