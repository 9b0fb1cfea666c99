"""`make lighthouse`: Lighthouse (npm, pinned in package-lock.json) on the pages readers land on.

Serves site/ with `macros.preview` (gzip and cache headers, as a static host would) on a free port,
runs Lighthouse's default mobile preset (simulated slow 4G and a 4x slower CPU) with Debian's
Chromium (CHROME_PATH) on each page, and writes bench/lighthouse.json and bench/lighthouse.md: the
four category scores, the metrics behind the performance score, every audit that did not pass in
the other three categories, and the gzip size of the search index every page downloads. With
--readme the README's table is replaced by this run's. A benchmark, not a test: scores depend on
the machine and on what else it is doing; the report records the load average.

Usage: python -m bench.lighthouse [--runs N] [--readme] [PAGE ...]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
OUT = ROOT / "bench"
#: The home page, the theme pages a newcomer starts from, and the heaviest source page: where a reader lands
#: from "Quote in context" (ecfr-2016: the most quotes, 5,400 elements).
PAGES = {"home": "", "russia-china": "russia-china/", "docking": "docking/", "rats": "rats/",
         "enlargement": "enlargement/", "timeline": "timeline/", "members": "members/",
         "source-ecfr-2016": "sources/ecfr-2016/"}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
METRICS = {"first-contentful-paint": "FCP", "largest-contentful-paint": "LCP", "total-blocking-time": "TBT",
           "cumulative-layout-shift": "CLS", "speed-index": "SI"}
README_START, README_END = "<!-- lighthouse:scores -->", "<!-- /lighthouse:scores -->"


def chrome() -> str:
    path = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        sys.exit("Debian's chromium is needed: `make browser` installs it")
    return path


def run_lighthouse(url: str, out: Path) -> dict[str, Any]:
    """One Lighthouse run; its JSON report."""
    with tempfile.TemporaryDirectory(prefix="sco-lh-") as profile:
        cmd = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
               f"--only-categories={','.join(CATEGORIES)}",
               f"--chrome-flags=--headless=new --no-sandbox --disable-gpu --user-data-dir={profile}"]
        result = subprocess.run(cmd, env={**os.environ, "CHROME_PATH": chrome()}, capture_output=True, text=True,
                                timeout=300)
    if result.returncode != 0 or not out.is_file():
        raise RuntimeError(f"lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def summarise(report: dict[str, Any]) -> dict[str, Any]:
    """Scores (0-100), metrics (ms; CLS unitless) and the failing audits of the non-performance categories."""
    scores = {c: round((report["categories"][c]["score"] or 0) * 100) for c in CATEGORIES}
    metrics = {short: report["audits"][audit]["numericValue"] for audit, short in METRICS.items()}
    failing: dict[str, list[str]] = {}
    for c in CATEGORIES[1:]:
        for ref in report["categories"][c]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
                failing.setdefault(c, []).append(ref["id"])
    opportunities = [a["id"] for a in report["audits"].values()
                     if a.get("details", {}).get("type") == "opportunity" and (a.get("score") or 1) < 0.9]
    return {"scores": scores, "metrics": metrics, "failing": failing, "opportunities": sorted(opportunities),
            "warnings": report.get("runWarnings", [])}


def measure(pages: dict[str, str], runs: int) -> dict[str, Any]:
    from macros.preview import make_server

    server = make_server(SITE, 0, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    raw = OUT / "out" / "lighthouse"
    raw.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {}
    load = [os.getloadavg()[0]]
    try:
        for name, path in pages.items():
            runs_of_page = []
            for i in range(runs):
                report = run_lighthouse(base + path, raw / f"{name}-{i + 1}.json")
                runs_of_page.append(summarise(report))
                load.append(os.getloadavg()[0])
                print(f"{name} run {i + 1}: {runs_of_page[-1]['scores']}", flush=True)
            # The run with the median performance score stands for the page (Lighthouse's own advice).
            ordered = sorted(runs_of_page, key=lambda r: r["scores"]["performance"])
            chosen = ordered[len(ordered) // 2]
            chosen["performance_runs"] = [r["scores"]["performance"] for r in runs_of_page]
            results[name] = chosen
    finally:
        server.shutdown()
        server.server_close()
    index = SITE / "search" / "search_index.json"
    return {
        "date": time.strftime("%Y-%m-%d"),
        "lighthouse": subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True).stdout.strip(),
        "chromium": subprocess.run([chrome(), "--version"], capture_output=True, text=True).stdout.strip(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load": {"min": round(min(load), 2), "max": round(max(load), 2)},
        "runs": runs,
        "search_index_gzip_kb": round(len(gzip.compress(index.read_bytes(), 9)) / 1024, 1) if index.is_file() else None,
        "pages": results,
    }


def scores_table(r: dict[str, Any]) -> list[str]:
    lines = ["| page | performance | accessibility | best practices | SEO | FCP | LCP | TBT | CLS |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, p in r["pages"].items():
        s, m = p["scores"], p["metrics"]
        cells = [f"**{s[c]}**" if s[c] < TARGETS[c] else str(s[c]) for c in CATEGORIES]
        lines.append(f"| {name} | {' | '.join(cells)} | {m['FCP'] / 1000:.1f} s | {m['LCP'] / 1000:.1f} s | "
                     f"{m['TBT']:.0f} ms | {m['CLS']:.3f} |")
    return lines


def summary_lines(r: dict[str, Any]) -> list[str]:
    return [f"Lighthouse {r['lighthouse']} (mobile preset), {r['chromium']}, {r['date']}, {r['machine']}, "
            f"load average {r['load']['min']}–{r['load']['max']} during the runs; median of {r['runs']} "
            f"run(s) per page. Search index: {r['search_index_gzip_kb']} KB gzip.", ""]


def write_report(r: dict[str, Any]) -> None:
    (OUT / "lighthouse.json").write_text(json.dumps(r, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    lines = ["# Lighthouse report", "", "Written by `make lighthouse` (bench/lighthouse.py); targets: performance "
             "≥ 95, accessibility, best practices and SEO 100 (bold: below target).", "",
             *summary_lines(r), *scores_table(r), "", "## What did not pass", ""]
    for name, p in r["pages"].items():
        failing = "; ".join(f"{c}: {', '.join(ids)}" for c, ids in p["failing"].items()) or "nothing"
        lines.append(f"- **{name}**: {failing}. Performance runs: {p['performance_runs']}. "
                     f"Opportunities: {', '.join(p['opportunities']) or 'none'}.")
    (OUT / "lighthouse.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def update_readme(r: dict[str, Any], readme: Path = ROOT / "README.md") -> None:
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    block = "\n".join([*summary_lines(r), *scores_table(r)])
    readme.write_text(f"{head}{README_START}\n{block}\n{README_END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.lighthouse", description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", help=f"page names (default: all of {', '.join(PAGES)})")
    parser.add_argument("--runs", type=int, default=int(os.environ.get("LIGHTHOUSE_RUNS", "3")))
    parser.add_argument("--readme", action="store_true", help="put this run's table in README.md")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        print("Lighthouse is missing: run `npm ci` (make lighthouse does)", file=sys.stderr)
        return 1
    if not (SITE / "index.html").is_file():
        print("site/ is missing: run `make build` first", file=sys.stderr)
        return 1
    unknown = [p for p in args.pages if p not in PAGES]
    if unknown:
        print(f"unknown pages {unknown}; pages: {', '.join(PAGES)}", file=sys.stderr)
        return 2
    pages = {p: PAGES[p] for p in args.pages} if args.pages else PAGES
    result = measure(pages, max(1, args.runs))
    write_report(result)
    if args.readme:
        update_readme(result)
    print("\n".join([*summary_lines(result), *scores_table(result)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
