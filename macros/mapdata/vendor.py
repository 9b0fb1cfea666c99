"""Regenerate `eurasia-110m.json` from world-atlas's `countries-110m.json` (Natural Earth 1:110m, public domain).

Run by hand when the boundary set should change; the build only reads the JSON this writes:

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python -m macros.mapdata.vendor package/countries-110m.json

It decodes the TopoJSON, keeps the countries that reach into the map's region (REGION, in degrees),
moves what lies just west of the 180th meridian east of it, clips the rings to the region, simplifies them (Douglas–Peucker, TOLERANCE degrees) and rounds coordinates
to a tenth of a degree: about 11 km, under a pixel on the home page's map.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from macros.maps import clip

#: west, south, east, north (degrees): the SCO's states and partners, with a margin
REGION = (10.0, -12.0, 195.0, 90.0)
TOLERANCE = 0.12
#: a ring lying wholly west of this longitude, or on both sides of the 180th meridian, is moved east by 360
#: degrees, so that no ring jumps across the map (Alaska, mostly east of it, is left where it is)
DATELINE = -169.0
OUT = Path(__file__).with_name("eurasia-110m.json")

Ring = list[tuple[float, float]]


def decode(topology: dict) -> list[tuple[str, str, list[Ring]]]:
    """(name, ISO 3166-1 numeric id, rings) of every country; rings as lists of (lon, lat)."""
    sx, sy = topology["transform"]["scale"]
    tx, ty = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indices: list[int]) -> Ring:
        out: Ring = []
        for i in indices:
            points = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(points[1:] if out else points)
        return out

    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        kind = geometry.get("type")
        polygons = [geometry["arcs"]] if kind == "Polygon" else geometry.get("arcs", []) if kind == "MultiPolygon" else []
        rings = [ring(r) for polygon in polygons for r in polygon]
        countries.append((geometry["properties"]["name"], str(geometry.get("id", "")), rings))
    return countries


def simplify(points: Ring, tolerance: float) -> Ring:
    """Douglas–Peucker on an open polyline (iterative)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        best, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            d = abs(dy * (px - x1) - dx * (py - y1)) / norm if norm else ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5
            if d > best:
                best, index = d, i
        if best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep) if k]


def main(source: Path) -> int:
    topology = json.loads(source.read_text(encoding="utf-8"))
    countries = []
    for name, iso, rings in decode(topology):
        shapes = []
        for r in rings:
            if all(x < DATELINE for x, _ in r) or (any(x > -DATELINE for x, _ in r) and any(x < DATELINE for x, _ in r)):
                r = [(x + 360 if x < 0 else x, y) for x, y in r]  # Chukotka joins the rest of Russia
            r = simplify(clip(r, REGION), TOLERANCE)
            r = [(round(x, 1), round(y, 1)) for x, y in r]
            r = [p for i, p in enumerate(r) if i == 0 or p != r[i - 1]]
            if len(r) >= 4:
                shapes.append([coordinate for point in r for coordinate in point])
        if shapes:
            countries.append({"name": name, "iso": iso, "rings": shapes})
    countries.sort(key=lambda c: c["name"])
    data = {
        "source": "Natural Earth 1:110m Admin 0 countries, version 4.1.0 (public domain), as redistributed in "
                  "the npm package world-atlas 2.0.2 (countries-110m.json, ISC licence)",
        "region": REGION, "tolerance_degrees": TOLERANCE,
        "note": "rings are flat [lon, lat, lon, lat, ...] lists, clipped to the region, rounded to 0.1 degree",
        "countries": countries,
    }
    OUT.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(countries)} countries, {sum(len(r) // 2 for c in countries for r in c['rings'])} points")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
