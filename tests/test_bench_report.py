"""The README quotes the committed benchmark report, and the benchmark measures every theme page."""

from __future__ import annotations

import json

from bench.run import README_END, README_START, build_table, targets_table, theme_pages
from conftest import ROOT

REPORT = json.loads((ROOT / "bench" / "report.json").read_text(encoding="utf-8"))


def test_readme_performance_tables_are_the_reports() -> None:
    """The README's targets and build tables equal those generated from bench/report.json (make bench rewrites both)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split(README_START, 1)[1].split(README_END, 1)[0]
    assert block.strip().splitlines() == [f"Latest report, {REPORT['date']}:", "", *targets_table(REPORT), "",
                                          *build_table(REPORT)]
    report_md = (ROOT / "bench" / "report.md").read_text(encoding="utf-8")
    assert "\n".join(targets_table(REPORT)) in report_md


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
