"""The README quotes the committed benchmark report, and the benchmark measures every theme page."""

from __future__ import annotations

import json

import re
from pathlib import Path

import pytest

from bench import run
from bench.run import README_END, README_START, readme_block, targets_table, theme_pages
from conftest import ROOT

REPORT = json.loads((ROOT / "bench" / "report.json").read_text(encoding="utf-8"))


def test_readme_performance_tables_are_the_reports() -> None:
    """The README's targets and build tables equal those generated from bench/report.json (make bench rewrites both)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split(README_START, 1)[1].split(README_END, 1)[0]
    assert block.strip().splitlines() == readme_block(REPORT)
    report_md = (ROOT / "bench" / "report.md").read_text(encoding="utf-8")
    assert "\n".join(targets_table(REPORT)) in report_md


def test_every_measured_row_says_when_and_at_which_commit() -> None:
    """Each row of the committed report carries the date and commit it was measured at, and the README's tables show
    them in their last column, with the processor where it is not the report's (rows are measured again one by one,
    so the report's own date and machine are not always theirs)."""
    rows = [(key, row) for key in ("load", "build", "pairs", "coldwarm", "editloop") for row in REPORT[key]]
    rows.append(("weight", REPORT["weight"]))
    for key, row in rows:
        m = row.get("measured") or {}
        assert re.fullmatch(r"\d{4}-\d\d-\d\d( \d\d:\d\d)?", m.get("when", "")), (key, row.get("scale"), m)
        assert re.fullmatch(r"[0-9a-f]{7,40}", m.get("commit", "")), (key, row.get("scale"), m)
    for line in readme_block(REPORT):
        if line.startswith("| ") and not line.startswith(("| measurement", "| scale")):
            assert re.search(r"\| \d{4}-\d\d-\d\d( \d\d:\d\d)?, [0-9a-f]{7,40}(, [^|,]+)? \|$", line), line


def _update_load_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cpu: str) -> tuple[Path, Path]:
    """`--update load:1` on a copy of the committed report and a README with the table's markers, with a made-up
    ×1 load row, commit abc1234 and processor `cpu`: the report's and the README's paths."""
    report_json = tmp_path / "report.json"
    report_json.write_text((ROOT / "bench" / "report.json").read_text(encoding="utf-8"), encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{README_START}\nold\n{README_END}\nrest\n", encoding="utf-8")
    row = {"scale": 1, "records": 7, "yaml_bytes": 70, "cold": {"median": 0.011}, "warm": {"median": 0.007}}
    monkeypatch.setitem(run.UPDATES, "load", ("load", lambda scale, proj, base: dict(row)))
    monkeypatch.setattr(run, "project", lambda scale, base: base)
    monkeypatch.setattr(run, "head_commit", lambda: "abc1234")
    monkeypatch.setattr(run, "processor", lambda: cpu)
    run.update(["load:1"], report_json, readme)
    return report_json, readme


def test_an_update_stamps_the_rows_it_measures_and_only_those(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`--update load:1` replaces the ×1 load row, stamps it with this run's time and commit, logs the run, and
    leaves every other row's stamp as it was; the README and report.md show the new stamp on the right row."""
    before = json.loads((ROOT / "bench" / "report.json").read_text(encoding="utf-8"))
    report_json, readme = _update_load_1(tmp_path, monkeypatch, before["machine"]["cpu"])

    after = json.loads(report_json.read_text(encoding="utf-8"))
    log = after["updated"][-1]
    assert (log["what"], log["commit"]) == ("load:1", "abc1234")
    new = next(x for x in after["load"] if x["scale"] == 1)
    assert new["measured"] == {"when": log["when"], "commit": "abc1234"} and new["cold"] == {"median": 0.011}
    for key in ("build", "pairs", "coldwarm", "editloop"):
        assert [x["measured"] for x in after[key]] == [x["measured"] for x in before[key]], key
    assert [x["measured"] for x in after["load"] if x["scale"] != 1] == \
        [x["measured"] for x in before["load"] if x["scale"] != 1]
    shown = readme.read_text(encoding="utf-8")
    assert shown.startswith("intro\n") and shown.endswith(f"{README_END}\nrest\n") and "\nold\n" not in shown
    first = next(line for line in shown.splitlines() if line.startswith("| Load + validate, real data |"))
    assert first == f"| Load + validate, real data | ≤ 0.15 s | 0.011 s without cache, 0.007 s with | yes | {log['when']}, abc1234 |"
    l100 = next(line for line in shown.splitlines() if line.startswith("| Load + validate at ×100 |"))
    old100 = next(x for x in before["load"] if x["scale"] == 100)
    m = old100["measured"]
    assert l100.endswith(f"| {m['when']}, {m['commit']}" + (f", {m['cpu']}" if m.get("cpu") else "") + " |"), l100
    report_md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert f"| {log['when']} | abc1234 | load:1 | " in report_md.split("## Update log", 1)[1]


def test_a_row_measured_on_another_processor_names_it(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A row measured again on a processor other than the report's names that processor in its stamp, in the README's
    table and in the update log; rows measured on the report's processor name none."""
    report_json, readme = _update_load_1(tmp_path, monkeypatch, "Other CPU 9000")

    after = json.loads(report_json.read_text(encoding="utf-8"))
    when = after["updated"][-1]["when"]
    assert next(x for x in after["load"] if x["scale"] == 1)["measured"] == \
        {"when": when, "commit": "abc1234", "cpu": "Other CPU 9000"}
    line = next(line for line in readme.read_text(encoding="utf-8").splitlines()
                if line.startswith("| Load + validate, real data |"))
    assert line.endswith(f"| yes | {when}, abc1234, Other CPU 9000 |"), line
    log = (tmp_path / "report.md").read_text(encoding="utf-8").split("## Update log", 1)[1]
    assert f"| {when} | abc1234 | load:1 | " in log and log.rstrip().endswith("| Other CPU 9000 |")
    assert f"| {after['machine']['cpu']} |" in log


def test_page_weight_covers_every_theme_page_of_the_nav() -> None:
    """The report weighs exactly the pages under the nav's Themes section, each of which exists in docs/."""
    pages = theme_pages()
    assert len(pages) >= 5
    for path in pages:
        assert (ROOT / "docs" / f"{path}.md").is_file() or (ROOT / "docs" / path / "index.md").is_file(), path
    if "weight" in REPORT:
        assert list(REPORT["weight"]["theme_pages"]) == pages, "run make bench again: the theme pages changed"


def test_a_fresh_copy_has_the_projects_code_and_parse_cache_version(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The first-build benchmark's copy holds every source file of the project (its parse cache's code version is
    the project's, so a restored cache is read), without bytecode, built sites or the pre-rendered pages."""
    import shutil
    import subprocess
    import sys

    from bench.run import _fresh_copy_skips

    copy = tmp_path / "copy"
    shutil.copytree(ROOT, tmp_path / "proj", ignore=shutil.ignore_patterns(".git", ".venv", "node_modules"))
    proj = tmp_path / "proj"
    (proj / "site").mkdir(exist_ok=True)
    (proj / "prerendered").mkdir()
    (proj / "macros" / "__pycache__").mkdir(exist_ok=True)
    shutil.copytree(proj, copy, ignore=_fresh_copy_skips(proj))
    sources = sorted(p.relative_to(proj) for p in (proj / "macros").rglob("*") if "__pycache__" not in p.parts)
    assert sorted(p.relative_to(copy) for p in (copy / "macros").rglob("*")) == sources
    assert not (copy / "site").exists() and not (copy / "prerendered").exists()
    version = "from macros.cache import code_version; print(code_version())"
    assert subprocess.run([sys.executable, "-c", version], cwd=copy, capture_output=True, text=True).stdout == \
        subprocess.run([sys.executable, "-c", version], cwd=proj, capture_output=True, text=True).stdout != ""


@pytest.mark.parametrize("ran, named", [
    (set(), []),
    ({"test_bench_report.py"}, []),
    ({"test_plainyaml.py"}, ["plain YAML reader against PyYAML"]),
    ({"test_bad_data.py", "test_injection.py"}, ["bad-data corpus", "injection cross product"]),
])
def test_the_summary_names_only_the_corpora_whose_tests_ran(ran: set[str], named: list[str]) -> None:
    """The run's summary names a hostile-input or reader corpus only when its test file ran."""
    from conftest import corpus_lines

    assert [line.split(":", 1)[0] for line in corpus_lines(ran)] == named


def test_a_test_counts_as_run_only_from_its_call_phase() -> None:
    """A file whose tests were only set up or skipped is not counted as run; one that passed or failed is."""
    from types import SimpleNamespace

    from conftest import ran_files

    stats = {"passed": [SimpleNamespace(nodeid="tests/test_plainyaml.py::test_x", when="call"),
                        SimpleNamespace(nodeid="tests/test_injection.py::test_y", when="setup")],
             "failed": [SimpleNamespace(nodeid="tests/test_bad_data.py::test_z[a]", when="call")],
             "skipped": [SimpleNamespace(nodeid="tests/test_browser.py::test_w", when="setup")]}
    assert ran_files(stats) == {"test_plainyaml.py", "test_bad_data.py"}


LOAD_RUNS = [
    # (cold runs at ×100, warm runs, verdict): the median alone does not decide
    ([2.7, 2.8, 2.8, 2.9, 2.95], [1.5, 1.5, 1.5, 1.6, 1.6], "yes"),
    ([2.7, 2.8, 2.8, 2.9, 3.03], [1.5, 1.5, 1.5, 1.6, 1.6], "**partly**"),
    ([3.1, 3.2, 3.2, 3.3, 3.4], [1.5, 1.5, 1.5, 1.6, 1.6], "**partly**"),
    ([3.1, 3.2, 3.2, 3.3, 3.4], [2.9, 3.0, 3.0, 3.1, 3.2], "**no**"),
]


@pytest.mark.parametrize(("cold", "warm", "verdict"), LOAD_RUNS)
def test_a_load_target_is_met_only_when_every_run_is_under_it(cold: list[float], warm: list[float],
                                                                verdict: str) -> None:
    """The ×100 load row is met only when its slowest run is under 3 s, and shows the range of its runs."""
    def timed(runs: list[float]) -> dict[str, object]:
        return {"median": sorted(runs)[2], "runs": runs}
    stamp = {"when": "2026-12-05", "commit": "abc1234"}
    report = {"build": [], "load": [{"scale": 1, "cold": {"median": 0.04}, "warm": {"median": 0.02}, "measured": stamp},
                                    {"scale": 100, "cold": timed(cold), "warm": timed(warm), "measured": stamp}]}
    row = next(v for v in run.verdicts(report) if v[0] == "Load + validate at ×100")
    assert row[2] == verdict
    assert f"({min(cold)}–{max(cold)}) parsing every file" in row[3]
