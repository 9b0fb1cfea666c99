"""Numbers from data never break a page: any figure the schema admits is charted, and a site that does not
build is reported by `check --cited`, never an exit code alone."""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import PY, ROOT, check, run
from test_bad_data import MINIMAL, write


def small_project(root: Path, page: str, extra: dict[str, str]) -> Path:
    """The real macros and theme over a minimal fact base plus `extra` files, with one page."""
    for name in ("macros", "overrides"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "docs").mkdir()
    shutil.copytree(ROOT / "docs" / "assets", root / "docs" / "assets")
    (root / "docs" / "index.md").write_text(page, encoding="utf-8")
    config = re.sub(r"\nnav:\n(?:  .*\n)+", "\n", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    write(root / "data", {**MINIMAL, **extra})
    return root


def _figure(fid: str, metric: str, value: str, period: str, kind: str = "actual") -> str:
    # the one quote prints no number and no year: the figure gives its value in the quote's words, period unknown
    return (f"- id: {fid}\n  metric: {metric}\n  label: {metric}\n  value: {value}\n  value_text: first sentence\n"
            f"  unit: units\n  period: '{period}'\n  period_known: false\n  kind: {kind}\n  cites: [q-one]\n")


METRICS = {  # metric: values (the schema admits any finite value up to 10^15 in size)
    "largest": ["1e15", "9.99e14"],
    "both-signs": ["-1e15", "1e15"],
    "zeros": ["0", "0.0"],
    "negative": ["-3", "-0.5"],
    "tiny": ["0.0001", "0.0002"],
    "billions": ["1400000000", "1350000000"],
}


def test_figures_at_any_admitted_size_or_sign_are_charted(tmp_path: Path) -> None:
    """Charts of the largest values, both signs, zeros, negatives and tiny numbers build, with at most nine gridlines,
    finite coordinates inside the plot, and every value labelled (large values once hung the chart: a gridline per
    thousand)."""
    figures = "".join(_figure(f"{m}-{i}", m, v, str(2010 + i)) for m, values in METRICS.items()
                      for i, v in enumerate(values))
    page = "# Charts\n\n" + "\n\n".join(f'{{{{ figure_chart("{m}") }}}}\n\n{{{{ figures(metric="{m}") }}}}'
                                        for m in METRICS) + "\n"
    project = small_project(tmp_path / "p", page, {"figures.yaml": figures})
    result = run([PY, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(project / "site")], cwd=project, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    soup = BeautifulSoup((project / "site" / "index.html").read_text(encoding="utf-8"), "html.parser")
    charts = soup.select("figure.sco-chart")
    assert len(charts) == len(METRICS)
    for chart in charts:
        drawings = chart.select("svg")  # one drawn for a wide column, one for a phone
        assert drawings
        for svg in drawings:
            width, height = (float(v) for v in (svg.get("viewbox") or svg["viewBox"]).split()[2:])
            grid = svg.select("line.grid")
            assert 2 <= len(grid) <= 9, len(grid)
            for el in svg.find_all(["circle", "line", "text"]):
                for attr in ("cx", "cy", "x", "y", "x1", "x2", "y1", "y2"):
                    if el.get(attr) is not None:
                        value = float(el[attr])
                        assert math.isfinite(value) and -1 <= value <= max(width, height) + 1, (attr, el)
            assert len(svg.select("circle")) == 2


def test_check_cited_says_why_the_site_does_not_build(tmp_path: Path) -> None:
    """`check --cited` on valid data whose pages do not build exits 1 and says what failed (it exited 100 in
    silence)."""
    project = small_project(tmp_path / "p", '# Page\n\n{{ fact("no-such-fact") }}\n', {})
    result = check(project, "--cited")
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "docs/index.md:3:" in result.stdout and "no-such-fact" in result.stdout and result.stderr.strip()


@pytest.mark.parametrize("values,gridlines", [([64, 69], [0, 20, 40, 60]), ([-3, 1], [-4, -3, -2, -1, 0, 1]),
                                                 ([0.0001, 0.0002], [0, 0.00005, 0.0001, 0.00015, 0.0002])])
def test_value_axis_shows_zero_and_every_value(values: list[float], gridlines: list[float]) -> None:
    """The axis starts at or below zero, ends above the highest value, in round steps."""
    from macros.charts import value_axis

    low, high, step = value_axis(values)
    assert [round(low + k * step, 9) for k in range(int((high - low) // step) + 1)] == gridlines
    assert low <= min(0, *values) and high > max(values)
