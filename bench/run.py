"""`make bench`: what a build costs, and how it grows with the fact base.

Writes bench/report.md and bench/report.json. Every time is the median of
RUNS runs after one warm-up run. Not part of `make test`: benchmarks measure,
tests assert.
"""

from __future__ import annotations

import gc
import gzip
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

import yaml
from bs4 import BeautifulSoup

from bench.synth import write_synthetic
from macros.factbase import load

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench"
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
SCALES = [int(s) for s in os.environ.get("BENCH_SCALES", "1,10,100").split(",")]
PAIRS = int(os.environ.get("BENCH_PAIRS", "25"))  # alternated pairs for the overhead ratios (the targets ask >= 25)
COLDWARM_PAIRS = int(os.environ.get("BENCH_COLDWARM_PAIRS", "6"))  # first/second build pairs
EDITS = int(os.environ.get("BENCH_EDITS", "50"))  # data edits in `mkdocs serve` (memory target: after 50)
EDITS_LARGEST = int(os.environ.get("BENCH_EDITS_LARGEST", "10"))  # at the largest scale, where each takes ~20 s
# Builds run as `make build` runs them: bytecode written beside the sources and reused (with none written,
# every run would compile every module it imports), the parse cache in the user's cache folder.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV.update(NO_MKDOCS_2_WARNING="1")


def theme_pages() -> list[str]:
    """The URL paths of the pages under the nav's "Themes" section, in nav order."""
    class _Loader(yaml.SafeLoader):
        pass
    _Loader.add_multi_constructor("", lambda loader, suffix, node: None)  # !ENV and friends
    nav = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)["nav"]
    themes = next(entry["Themes"] for entry in nav if isinstance(entry, dict) and "Themes" in entry)
    paths: list[str] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            if isinstance(value, list):
                walk(value)
            else:
                paths.append(value.removesuffix(".md").removesuffix("index").rstrip("/"))
    walk(themes)
    return paths


def median_of(fn: Callable[[], float], runs: int = RUNS) -> dict[str, Any]:
    fn()  # warm-up
    samples = [fn() for _ in range(runs)]
    return {"median": round(statistics.median(samples), 3), "runs": [round(s, 3) for s in samples]}


def processor() -> str:
    """This machine's processor as /proc/cpuinfo names it, without trademark signs ("Intel Xeon Processor")."""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor()
    return " ".join(cpu.replace("(R)", "").replace("(TM)", "").split())


def machine() -> dict[str, Any]:
    cpu = processor()
    mem = ""
    try:
        kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    packages = {name: metadata.version(name) for name in ("mkdocs", "mkdocs-material", "mkdocs-macros-plugin", "PyYAML",
                                                          "pydantic")}
    import yaml
    return {"platform": platform.platform(), "cpu": cpu, "cores": os.cpu_count(), "memory": mem,
            "python": platform.python_version(), "libyaml": bool(getattr(yaml, "CSafeLoader", None)), **packages}


# -- projects ------------------------------------------------------------------------------

def project(scale: int, base: Path) -> Path:
    """A copy of the project whose data/ is `scale` times the real data."""
    dest = base / f"x{scale}"
    if dest.exists():
        return dest
    dest.mkdir(parents=True)
    for name in ("docs", "macros", "overrides", "schema"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    if scale == 1:
        shutil.copytree(ROOT / "data", dest / "data")
    else:
        write_synthetic(ROOT / "data", dest / "data", scale)
    return dest


def plain_project(data_project: Path) -> Path:
    """The same site with every page's macro output pre-rendered into Markdown and the macros plugin off."""
    dest = data_project.with_name(data_project.name + "-plain")
    if dest.exists():
        return dest
    dump = data_project / "prerendered"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(data_project / "site-dump")],
                            cwd=data_project, env=dict(ENV, SCO_DUMP_MARKDOWN=str(dump)), capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    shutil.copytree(data_project / "docs", dest / "docs")
    shutil.copytree(dump, dest / "docs", dirs_exist_ok=True)
    shutil.copytree(data_project / "overrides", dest / "overrides")
    # The same site: the data build's exports as static files, and its "Cited on" lists in place of the
    # placeholders the hooks fill, so the baseline publishes what the data build publishes.
    shutil.copytree(data_project / "site-dump" / "data", dest / "docs" / "data")
    shutil.copytree(data_project / "site-dump" / "schema", dest / "docs" / "schema")
    if (data_project / "site-dump" / "feed.xml").is_file():  # written only where the history is read
        shutil.copy(data_project / "site-dump" / "feed.xml", dest / "docs" / "feed.xml")
    for page in (dest / "docs").rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        if "<!--sco-cited-on:" not in text:
            continue
        rel = page.relative_to(dest / "docs").with_suffix("")
        html = (data_project / "site-dump" / rel / "index.html").read_text(encoding="utf-8")
        filled = iter(re.findall(r'<div class="sco-cited-on">(.*?)</div>', html, flags=re.S))
        text, n = re.subn(r"<!--sco-cited-on:[a-z0-9-]+-->", lambda _: next(filled), text)
        assert n and next(filled, None) is None, f"{rel}: placeholders and filled lists differ"
        page.write_text(text, encoding="utf-8")
    config = (data_project / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"\n  - macros:\n(?:      .*\n)+", "\n", config)
    config = re.sub(r"\nhooks:\n(?:  - .*\n)+", "\n", config)
    config = re.sub(r"\nwatch:\n(?:  - .*\n)+", "\n", config)
    (dest / "mkdocs.yml").write_text(config, encoding="utf-8")
    return dest


def build_once(proj: Path) -> tuple[float, int]:
    """Wall time (s) and peak memory (KiB) of one `mkdocs build` in a child process."""
    elapsed, peak, _ = build_timed(proj)
    return elapsed, peak


def build_timed(proj: Path, env: dict[str, str] | None = None) -> tuple[float, int, float]:
    """Wall time (s), peak memory (KiB) and CPU time (s, user + system, the forked exports child included) of
    one `mkdocs build` in a child process."""
    out = tempfile.mkdtemp(prefix="bench-site-")
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-q", "-d", out], cwd=proj, env=env or ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    shutil.rmtree(out, ignore_errors=True)
    if status != 0:
        raise RuntimeError(f"build failed in {proj}: {err[-2000:]}")
    return elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


# -- measurements --------------------------------------------------------------------------

def bench_load(scale: int, proj: Path) -> dict[str, Any]:
    data = proj / "data"
    records = sum(load(data, proj).counts().values())
    cache = proj / ".cache" / "bench-load"

    # The clock stops when load returns: the fact base it returned is freed after that, as a build keeps it to
    # the end (dropped inside the timed statement, freeing 103,300 records added about 0.2 s at ×100).
    def cold() -> float:
        shutil.rmtree(cache, ignore_errors=True)
        t = time.perf_counter()
        base = load(data, proj, cache)
        elapsed = time.perf_counter() - t
        del base
        return elapsed

    def warm() -> float:
        t = time.perf_counter()
        base = load(data, proj, cache)
        elapsed = time.perf_counter() - t
        del base
        return elapsed

    size = sum(p.stat().st_size for p in data.rglob("*.yaml"))
    result = {"scale": scale, "records": records, "yaml_bytes": size, "cold": median_of(cold), "warm": median_of(warm)}
    gc.collect()
    return result


def bench_build(scale: int, proj: Path) -> dict[str, Any]:
    peaks: list[int] = []

    def once() -> float:
        elapsed, peak = build_once(proj)
        peaks.append(peak)
        return elapsed

    timing = median_of(once)
    records = sum(load(proj / "data", proj).counts().values())
    return {"scale": scale, "records": records, "wall": timing, "peak_rss_mib": round(max(peaks) / 1024, 1),
            "ms_per_record": round(timing["median"] / records * 1000, 3)}


def plugin_only_project(plain: Path) -> Path:
    """The pre-rendered site with mkdocs-macros switched on but given nothing to do (no module, no page
    rendering): the fixed cost of the plugin the stack prescribes, before any of this project's code runs."""
    dest = plain.with_name(plain.name + "-plugin")
    if dest.exists():
        return dest
    shutil.copytree(plain, dest)
    config = (dest / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("\nplugins:\n", "\nplugins:\n  - macros:\n      render_by_default: false\n", 1)
    (dest / "mkdocs.yml").write_text(config, encoding="utf-8")
    return dest


def interval(ratios: list[float]) -> dict[str, float]:
    """The median of paired ratios with a bootstrap 95 % interval: a target counts as met only below `high`."""
    from bench.coldwarm import bootstrap

    low, high = bootstrap(ratios)
    return {"median": round(statistics.median(ratios), 3), "low": round(low, 3), "high": round(high, 3)}


def bench_pairs(scale: int, proj: Path, pairs: int = PAIRS) -> dict[str, Any]:
    """Builds alternated in pairs: the data build (parse cache warm, every record validated) against the same site
    pre-rendered into Markdown for plain Material; wall and CPU time (children included), each pair's ratio.
    At x1 a third build per pair turns mkdocs-macros on over the pre-rendered pages with nothing to do: the
    plugin's own fixed cost."""
    plain = plain_project(proj)
    variants = {"data": proj, "prerendered": plain}
    if scale == 1:
        variants["idle_plugin"] = plugin_only_project(plain)
    for path in variants.values():
        build_timed(path)  # warm-up
    runs: dict[str, list[tuple[float, int, float]]] = {name: [] for name in variants}
    for _ in range(pairs):  # alternate, so drift hits all alike
        for name, path in variants.items():
            runs[name].append(build_timed(path))
    out: dict[str, Any] = {"scale": scale, "pairs": pairs, "load_average": round(os.getloadavg()[0], 2)}
    for what, i in (("wall", 0), ("cpu", 2)):
        out[what] = {name: round(statistics.median(r[i] for r in rs), 3) for name, rs in runs.items()}
        out[what]["ratio"] = interval([d[i] / p[i] for d, p in zip(runs["data"], runs["prerendered"])])
        if "idle_plugin" in runs:
            out[what]["idle_plugin_ratio"] = interval([d[i] / p[i] for d, p in zip(runs["idle_plugin"], runs["prerendered"])])
    out["runs"] = {name: [[round(r[0], 3), round(r[2], 3)] for r in rs] for name, rs in runs.items()}
    return out


def _fresh_copy_skips(proj: Path) -> Callable[[str, list[str]], list[str]]:
    """What a fresh copy of `proj` leaves out: bytecode anywhere; built sites and the pre-rendered pages at the top
    only (a pattern like "site*" at every level also left out macros/sitebuild.py, so the copies' code, and with
    it the parse cache's code version, differed from the project's: a restored cache was never read)."""
    def skip(folder: str, names: list[str]) -> list[str]:
        top = Path(folder) == proj
        return [n for n in names if n == "__pycache__" or (top and (n.startswith("site") or n == "prerendered"))]
    return skip


def bench_coldwarm(scale: int, proj: Path, base: Path, pairs: int = COLDWARM_PAIRS, restored: bool = False
                   ) -> dict[str, Any]:
    """A fresh copy's first build against its second, in pairs: each pair copies the project into a new folder
    (no bytecode of the package beside its sources) with a parse cache folder of its own that starts empty, as a
    fresh clone on a new machine has them; the installed packages' bytecode is used, as after `make`'s install.
    `restored`: the cache folder starts as a build of the same data left it, as the workflows restore it from the
    last deploy and as a developer's machine has it (what is then left of a first build is the bytecode)."""
    filled = base / f"restored-cache-x{scale}"
    if restored and not filled.exists():
        build_timed(proj, dict(ENV, SCO_CACHE_DIR=str(filled)))
    runs = []
    for n in range(pairs):
        copy, cache = base / f"fresh-x{scale}-{n}", base / f"fresh-cache-x{scale}-{n}"
        shutil.copytree(proj, copy, ignore=_fresh_copy_skips(proj))
        if restored:
            shutil.copytree(filled, cache)
        env = dict(ENV, SCO_CACHE_DIR=str(cache))
        cold, warm = build_timed(copy, env), build_timed(copy, env)
        shutil.rmtree(copy, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        runs.append((cold, warm))
    out: dict[str, Any] = {"scale": scale, "pairs": pairs, "load_average": round(os.getloadavg()[0], 2),
                           "cache": "restored" if restored else "empty"}
    for what, i in (("wall", 0), ("cpu", 2)):
        out[what] = {"first": round(statistics.median(c[i] for c, _ in runs), 3),
                     "second": round(statistics.median(w[i] for _, w in runs), 3),
                     "ratio": interval([c[i] / w[i] for c, w in runs])}
    out["runs"] = [[round(c[0], 3), round(w[0], 3), round(c[2], 3), round(w[2], 3)] for c, w in runs]
    return out


def bench_editloop(scale: int, proj: Path, edits: int) -> dict[str, Any]:
    """`mkdocs serve` over `edits` data edits (bench/editloop.py): memory, edit -> page, and a warm full build."""
    from bench.editloop import measure

    return measure(scale, proj, edits)


def overhead_pairs(scale: int, pairs: int) -> str:
    """`python -m bench.run --pairs SCALE N`: N alternated pairs of builds, data layer against pre-rendered, the
    ratios of wall and of CPU time (children included) with bootstrap 95 % intervals of their medians."""
    base = Path(tempfile.mkdtemp(prefix="sco-pairs-"))
    try:
        r = bench_pairs(scale, project(scale, base), pairs)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    lines = [f"×{scale}, {pairs} alternated pairs, {os.cpu_count()} cores, load average {r['load_average']:.2f} at the end:"]
    for what in ("wall", "cpu"):
        x = r[what]
        lines.append(f"- {what}: data {x['data']:.2f} s, pre-rendered {x['prerendered']:.2f} s; ratio median "
                     f"{x['ratio']['median']:.3f}, 95 % CI {x['ratio']['low']:.3f}–{x['ratio']['high']:.3f}")
    return "\n".join(lines)


def bench_import() -> dict[str, Any]:
    """Seconds to import the data layer (pydantic, the schema, the package) on top of MkDocs and Material."""
    base = "import mkdocs.commands.build, material, markdown, jinja2, yaml"
    def once(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=ENV, check=True)
        return time.perf_counter() - start
    without = median_of(lambda: once(base))
    with_layer = median_of(lambda: once(base + "; import macros, macros.hooks"))
    return {"without": without, "with": with_layer, "import_cost": round(with_layer["median"] - without["median"], 3)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def page_weight(site: Path, page_file: Path) -> dict[str, Any]:
    """HTML, CSS and JS bytes (raw and gzip) a page loads, the number of requests, and requests to other hosts."""
    soup = BeautifulSoup(page_file.read_text(encoding="utf-8"), "html.parser")
    files = {"html": [page_file], "css": [], "js": []}
    external = []
    for tag, attr, kind in (("link", "href", "css"), ("script", "src", "js")):
        for el in soup.find_all(tag):
            if tag == "link" and "stylesheet" not in (el.get("rel") or []):
                continue
            url = el.get(attr)
            if not url:
                continue
            if re.match(r"^(https?:)?//", url):
                external.append(url)
                continue
            files[kind].append((page_file.parent / url.split("?")[0]).resolve())
    bundle = [f for f in files["js"] if "bundle" in f.name]
    if bundle:  # the bundle starts the search worker on every page
        files["js"] += sorted((site / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
    out: dict[str, Any] = {}
    for kind, paths in files.items():
        data = [p.read_bytes() for p in paths]
        out[kind] = {"files": len(paths), "bytes": sum(map(len, data)),
                     "gzip": sum(len(gzip.compress(d, 9)) for d in data)}
    out["requests"] = sum(v["files"] for v in out.values() if isinstance(v, dict))
    out["external_requests"] = external
    out["total_gzip"] = sum(out[k]["gzip"] for k in ("html", "css", "js"))
    return out


def bench_weight(base: Path) -> dict[str, Any]:
    site = base / "weight-site"
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)], cwd=ROOT, env=ENV, check=True)
    default = base / "material-default"
    (default / "docs").mkdir(parents=True, exist_ok=True)
    text = (ROOT / "docs" / "about.md").read_text(encoding="utf-8")
    (default / "docs" / "index.md").write_text(re.sub(r"\{\{.*?\}\}", "", text.split("---", 2)[2]), encoding="utf-8")
    (default / "mkdocs.yml").write_text("site_name: Default\ntheme:\n  name: material\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(default / "site")], cwd=default, env=ENV,
                   check=True)
    baseline = page_weight(default / "site", default / "site" / "index.html")
    pages = {name: page_weight(site, site / name / "index.html") for name in theme_pages()}
    # the source pages, where "Quote in context" leads: weighed for the report, with no target of their own
    sources = {f"sources/{p.name}": page_weight(site, p / "index.html")
               for p in sorted((site / "sources").iterdir()) if (p / "index.html").is_file()}
    for w in [*pages.values(), *sources.values()]:
        w["extra_gzip_vs_default"] = w["total_gzip"] - baseline["total_gzip"]
        w["extra_framework_gzip"] = (w["css"]["gzip"] + w["js"]["gzip"]) - (baseline["css"]["gzip"] + baseline["js"]["gzip"])
    return {"material_default": baseline, "theme_pages": pages, "source_pages": sources}


# -- report --------------------------------------------------------------------------------

YES, NO, PARTLY = "yes", "**no**", "**partly**"


def _met(*conditions: bool) -> str:
    return YES if all(conditions) else PARTLY if any(conditions) else NO


def _slowest(x: dict[str, Any]) -> float:
    """The slowest of a load's timed runs (their median where the runs are not kept): a load target is met only when
    every run is under it, as an interval's upper end must be for a ratio, since this machine's speed drifts from one
    minute to the next."""
    return max(x.get("runs") or [x["median"]])


def _timed(x: dict[str, Any]) -> str:
    """A load's median time, with the range of its runs where they are kept."""
    runs = x.get("runs")
    return f"{x['median']} s ({min(runs)}–{max(runs)})" if runs else f"{x['median']} s"


def _ci(x: dict[str, float]) -> str:
    return f"{x['median']}× (95 % CI {x['low']}–{x['high']})"


def measured(*rows: dict[str, Any]) -> str:
    """When and at which commit the figures of `rows` were measured ("2026-12-05 08:03, aae5e26"; two different
    ones joined by "; "): every row of report.json is stamped by the run that measured it (`stamp`)."""
    seen: list[str] = []
    for row in rows:
        m = row.get("measured") or {}
        text = f"{m.get('when', '?')}, {m.get('commit', '?')}" + (f", {m['cpu']}" if m.get("cpu") else "")
        if text not in seen:
            seen.append(text)
    return "; ".join(sorted(seen))


def stamp(row: dict[str, Any], when: str, commit: str, cpu: str = "") -> None:
    """Note in a measured row (or the page weight) when and at which commit it was measured, and on which processor
    where that is not the one the report names (`cpu`)."""
    row["measured"] = {"when": when, "commit": commit, **({"cpu": cpu} if cpu else {})}


def head_commit() -> str:
    """The checkout's commit, short, or "unknown" outside a git checkout."""
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                          text=True).stdout.strip() or "unknown"


def verdicts(r: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """(measurement, target, met: yes / partly / no, result, measured: when and at which commit) for each target; a
    target with an interval is met only when the interval's upper end is under it."""
    out = []
    load1 = next(x for x in r["load"] if x["scale"] == 1)
    out.append(("Load + validate, real data", "≤ 0.15 s", _met(_slowest(load1["cold"]) <= 0.15),
                f"{_timed(load1['cold'])} without cache, {_timed(load1['warm'])} with", measured(load1)))
    if any(x["scale"] == 100 for x in r["load"]):
        l100 = next(x for x in r["load"] if x["scale"] == 100)
        out.append(("Load + validate at ×100", "≤ 3 s", _met(_slowest(l100["warm"]) <= 3, _slowest(l100["cold"]) <= 3),
                    f"{_timed(l100['warm'])} with the parse cache; {_timed(l100['cold'])} parsing every file",
                    measured(l100)))
    for x in r.get("coldwarm", []):
        w, c = x["wall"], x["cpu"]
        cache = "parse cache restored" if x.get("cache") == "restored" else "empty parse cache"
        out.append((f"First build of a fresh copy vs its second, ×{x['scale']}, {cache}", "≤ 1.3×",
                    _met(w["ratio"]["high"] <= 1.3, c["ratio"]["high"] <= 1.3),
                    f"wall {_ci(w['ratio'])}, CPU {_ci(c['ratio'])}; {w['first']} s vs {w['second']} s, {x['pairs']} pairs",
                    measured(x)))
    for x in r.get("pairs", []):
        w, c = x["wall"], x["cpu"]
        target = 1.0 if x["scale"] == 1 else 0.8
        detail = (f"wall {_ci(w['ratio'])}, CPU {_ci(c['ratio'])}; {w['data']} s vs {w['prerendered']} s, "
                  f"{x['pairs']} pairs")
        if "idle_plugin_ratio" in w:
            detail += f"; mkdocs-macros alone, doing nothing: {w['idle_plugin_ratio']['median']}×"
        out.append((f"Data build vs the same site pre-rendered, ×{x['scale']}, wall and CPU", f"≤ {target}×",
                    _met(w["ratio"]["high"] <= target, c["ratio"]["high"] <= target), detail, measured(x)))
    for x in r.get("editloop", []):
        if x["scale"] <= 10:
            out.append((f"`make serve` memory after {x['edits']} data edits vs after the first, ×{x['scale']}",
                         "within 10 %", _met(x["rss_last"] <= 1.1 * x["rss_first"]),
                         f"{x['rss_first']} → {x['rss_last']} MiB ({x['rss_last'] / x['rss_first']:.3f}×)", measured(x)))
        lat = x["latency"]
        if x["scale"] == 1:
            out.append(("`make serve` data edit → page updated, ×1", "< 1.5 s", _met(lat["high"] < 1.5),
                        f"median {lat['median']} s (95 % CI {lat['low']}–{lat['high']}), {x['edits']} edits", measured(x)))
        elif x["scale"] >= 100:
            ratio = x["latency_vs_build"]
            out.append((f"`make serve` data edit → page updated, ×{x['scale']}", "≤ 1.0× a warm full build",
                        _met(ratio["high"] <= 1.0),
                        f"{_ci(ratio)}; median {lat['median']} s vs {x['build']} s, {x['edits']} edits", measured(x)))
    builds = {x["scale"]: x for x in r["build"]}
    if 10 in builds and 100 in builds:
        a, b = builds[10]["ms_per_record"], builds[100]["ms_per_record"]
        out.append(("Build cost per record, ×10 → ×100", "does not rise", _met(b <= a * 1.1),
                    f"{a} → {b} ms per record", measured(builds[10], builds[100])))
    if r.get("weight"):
        worst = max(r["weight"]["theme_pages"].items(), key=lambda kv: kv[1]["extra_gzip_vs_default"])
        ext = sum(len(w["external_requests"]) for w in r["weight"]["theme_pages"].values())
        out.append(("Theme page weight", "≤ Material default + 20 KB gzip",
                    _met(worst[1]["extra_gzip_vs_default"] <= 20 * 1024),
                    f"heaviest ({worst[0]}): +{worst[1]['extra_gzip_vs_default'] / 1024:.1f} KB gzip; "
                    f"CSS+JS alone +{worst[1]['extra_framework_gzip'] / 1024:.1f} KB", measured(r["weight"])))
        out.append(("Requests to other hosts from theme pages", "none", _met(ext == 0), f"{ext}", measured(r["weight"])))
    return out


def markdown(r: dict[str, Any]) -> str:
    m = r["machine"]
    lines = ["# Benchmark report", "", f"Generated by `make bench` on {r['date']}"
             + (f" at commit {r['commit']}" if r.get("commit") else "")
             + f" (load and full builds: median of {RUNS} runs after a warm-up; ratios: alternated pairs with bootstrap "
             f"95 % intervals). Load average {r.get('load_average_start', '–')} at the start, "
             f"{r.get('load_average_end', '–')} at the end"
             + (f"; the ×1 rows measured again on {r['x1_remeasured']['date']} (load average "
                f"{r['x1_remeasured']['load_average_start']} to {r['x1_remeasured']['load_average_end']}), after other "
                "work had loaded the machine during the first ones." if r.get("x1_remeasured") else ".")
             + (f" Since then {len(r['updated'])} runs of `python -m bench.run --update` have measured rows again "
                f"(the last on {_last_update(r)}): every row says when and at which commit its figures were measured, "
                "and the update log at the end lists the runs; a row measured on another processor than the one "
                "named below names its own." if r.get("updated") else ""),
             "",
             f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}; {m['platform']}; Python {m['python']}; "
             f"mkdocs {m['mkdocs']}, mkdocs-material {m['mkdocs-material']}, mkdocs-macros-plugin "
             f"{m['mkdocs-macros-plugin']}, PyYAML {m['PyYAML']} (libyaml: {m['libyaml']}), pydantic {m['pydantic']}.", "",
             "## Targets", "", *targets_table(r)]
    lines += ["", "## Load and validate", "",
              "Without cache every file is parsed; with the parse cache unchanged files are read back as JSON "
              "and every record is still validated (reports before the cache was moved out of the checkout also "
              "timed a stored fact base, no longer kept). The time runs until the load returns the fact base; "
              "reports before 2026-12-03 17:40 also counted freeing it afterwards (about 0.2 s at ×100).", "",
              "| scale | records | YAML | no cache (s) | parse cache (s) | stored fact base (s) | measured |",
              "|---|---|---|---|---|---|---|"]
    for x in r["load"]:
        stored = x["stored"]["median"] if "stored" in x else "–"
        lines.append(f"| ×{x['scale']} | {x['records']:,} | {x['yaml_bytes'] / 1e6:.1f} MB | {x['cold']['median']} | "
                     f"{x['warm']['median']} | {stored} | {measured(x)} |")
    lines += ["", "## Full build (`mkdocs build`)", "", *build_table(r)]
    lines += ["", "## Data build against the same site pre-rendered", "",
              "Same site, same pages: the data build (macros plugin and hooks; unchanged data files read from the "
              "parse cache, every record validated) against its pages' Markdown after the macros ran, built by plain "
              "Material with the plugin off (the data build's exports copied in as static files and its \"Cited on\" "
              "lists written into the pages, so both publish the same site). Builds alternate in pairs; each pair "
              "gives a ratio, and the interval is a bootstrap 95 % interval of the pairs' median ratio. CPU time "
              "includes the forked child that writes the exports. At ×1 a third build per pair turns mkdocs-macros "
              "on over the pre-rendered pages with nothing to do: the plugin's own fixed cost.", "",
              "| scale | pairs | data build, wall (s) | pre-rendered, wall (s) | wall ratio (95 % CI) | data build, CPU (s) "
              "| pre-rendered, CPU (s) | CPU ratio (95 % CI) | idle mkdocs-macros, wall ratio | measured |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for x in r.get("pairs", []):
        w, c = x["wall"], x["cpu"]
        idle = w["idle_plugin_ratio"]["median"] if "idle_plugin_ratio" in w else "–"
        lines.append(f"| ×{x['scale']} | {x['pairs']} | {w['data']} | {w['prerendered']} | {_ci(w['ratio'])} | "
                     f"{c['data']} | {c['prerendered']} | {_ci(c['ratio'])} | {idle} | {measured(x)} |")
    if r.get("import"):
        imp = r["import"]
        lines += ["", f"Importing the data layer (pydantic, the schema, the package) on top of MkDocs, Material, "
                  f"Markdown, Jinja and PyYAML: {imp['import_cost']} s ({imp['with']['median']} s vs "
                  f"{imp['without']['median']} s for a bare `python -c` import)."]
    lines += ["", "## First build of a fresh copy", "",
              "Each pair copies the project into a new folder (no bytecode of the package beside its sources) with "
              "an empty parse cache of its own, as a fresh clone on a new machine has them, and builds twice; the "
              "installed packages' bytecode is used, as after `make`'s install. `python -m bench.coldwarm` times "
              "`make build` in fresh clones of the commit the same way. With the parse cache restored, the cache folder "
              "starts as a build of the same data left it: what the workflows restore from the last deploy, and what a "
              "developer's machine has; the first build then differs from the second by the package's bytecode only.",
              "",
              "| scale | parse cache | pairs | first, wall (s) | second, wall (s) | wall ratio (95 % CI) | first, CPU (s) "
              "| second, CPU (s) | CPU ratio (95 % CI) | measured |", "|---|---|---|---|---|---|---|---|---|---|"]
    for x in r.get("coldwarm", []):
        w, c = x["wall"], x["cpu"]
        lines.append(f"| ×{x['scale']} | {x.get('cache', 'empty')} | {x['pairs']} | {w['first']} | {w['second']} | "
                     f"{_ci(w['ratio'])} | {c['first']} | {c['second']} | {_ci(c['ratio'])} | {measured(x)} |")
    lines += ["", "## `mkdocs serve`: memory and edit → page", "",
              "`mkdocs serve` on a copy of the project; a data file is saved (written whole, then moved into place) "
              "again and again, each time waiting for serve's reload signal, which comes once the rebuilt site is in "
              "place; memory is the resident memory of serve and its children after each edit. Warm full builds of the "
              "same copy to compare with (bench/editloop.py): where a row says paired, one right after each edit, once "
              "serve is idle (its downloads written), and the ratio is taken pair by pair; otherwise five after the "
              "loop, and each edit is divided by their median.", "",
              "| scale | edits | memory after the first edit (MiB) | after the last | edit → page, median (s) (95 % CI) "
              "| min–max (s) | warm full build (s) | edit → page / build (95 % CI) | measured |",
              "|---|---|---|---|---|---|---|---|---|"]
    for x in r.get("editloop", []):
        lat = x["latency"]
        lines.append(f"| ×{x['scale']} | {x['edits']}{' (paired)' if x.get('paired') else ''} | {x['rss_first']} | "
                     f"{x['rss_last']} | {lat['median']} "
                     f"({lat['low']}–{lat['high']}) | {lat['min']}–{lat['max']} | {x['build']} | "
                     f"{_ci(x['latency_vs_build'])} | {measured(x)} |")
    if r.get("weight"):
        w = r["weight"]
        base = w["material_default"]
        lines += ["", "## Page weight", "", f"Measured {measured(w)}.", "", "| page | HTML (gzip) | CSS (gzip) | JS (gzip) | requests | other hosts | vs Material default |",
                  "|---|---|---|---|---|---|---|"]
        def row(name: str, x: dict[str, Any], extra: str) -> str:
            return (f"| {name} | {x['html']['bytes'] / 1024:.0f} KB ({x['html']['gzip'] / 1024:.1f} KB) | "
                    f"{x['css']['bytes'] / 1024:.0f} KB ({x['css']['gzip'] / 1024:.1f} KB) | "
                    f"{x['js']['bytes'] / 1024:.0f} KB ({x['js']['gzip'] / 1024:.1f} KB) | {x['requests']} | "
                    f"{len(x['external_requests'])} | {extra} |")
        lines.append(row("Material default page", base, "–"))
        for name, x in w["theme_pages"].items():
            lines.append(row(name, x, f"+{x['extra_gzip_vs_default'] / 1024:.1f} KB gzip"))
        for name, x in w.get("source_pages", {}).items():  # no target: the reference pages "Quote in context" opens
            lines.append(row(name, x, f"+{x['extra_gzip_vs_default'] / 1024:.1f} KB gzip (source page, no target)"))
    lines += ["", "## Where a target is missed", ""]
    missed = [v for v in verdicts(r) if v[2] != YES]
    lines += [f"- **{name}** ({detail}; measured {when}): {EXPLAIN.get(name, 'see the figures above.')}"
              for name, _, _, detail, when in missed] or ["- None."]
    if r.get("updated"):
        lines += ["", "## Update log", "", "Each run of `python -m bench.run --update`, oldest first: what it measured "
                  "again, the load average at its start and end, and the processor it ran on.", "",
                  "| when | commit | measured again | load average | processor |", "|---|---|---|---|---|"]
        lines += [f"| {u['when']} | {u['commit']} | {u['what']} | {u['load_start']} to {u['load_end']} | "
                  f"{u.get('cpu') or m['cpu']} |" for u in r["updated"]]
    return "\n".join(lines) + "\n"


EXPLAIN = {
    "Load + validate, real data": "without the cache, parsing the YAML is most of it (libyaml composes, the loader "
                                  "builds values with their lines); builds and `serve` reuse the parse cache.",
    "Load + validate at ×100": "at the target, not under it: since the late evening of 2026-12-05 a load "
    "target is met only when every one of the row's runs is under it (the median alone had been judged). This "
    "row's run at 23:26 (1ff05c1) had a median of 2.81 s without the cache, its slowest run 3.03. In the minutes "
    "after it, eight more sets of five runs (`bench.run.bench_load`, each load timed in one process as here): "
    "two at 1ff05c1, medians 2.92 and 2.98 s, then six alternating 1ff05c1 with 45db13f, 2.95, 3.12 and 3.11 s "
    "at 45db13f and 3.10, 3.04 and 3.17 s at 1ff05c1, the load with the cache 1.46-1.66 s: the two commits are the same within "
    "this machine's drift from one minute to the next, which is about as large as the margin. On the evening "
    "of 2026-12-05, on another machine (an Intel Xeon; the runs "
    "before on an AMD EPYC), after the rules' searches and the check for refused characters made at parse time "
    "came to take half and two fifths of their time (see the first build row at ×100): 3.50 s and 3.60 s without "
    "the cache in two runs, 1.85 and 1.77 s with it. What is left without the cache: each of two processes reads "
    "half of the YAML (about 0.9 CPU-s), searches its texts (0.23) and writes its cache files (0.12); then this "
    "process reads the other half back (about 0.2 s), and the schema, the cross-record checks and the fact "
    "base's indexes take what they take with the cache (about 1.5 s). The YAML reader is plain Python at about "
    "1.2 µs a line, the same for every kind of record, and writing its common case out in place of a call "
    "changed nothing (1.764–1.792 CPU-s against 1.744–1.776 with the call, three alternated runs). Before it: "
    "on 2026-12-05 the files in the data's plain style came to be read by "
        "macros/plainyaml.py instead of through PyYAML's events (the ×100 data's 51 MB in 1.5-1.7 CPU-s against 2.8, "
        "the garbage collector off as in a load): a cold load took 3.53 s against 4.20 (medians of 8 alternated "
        "pairs, each load in a new process, every pair 12-24 % faster). This row's five cold runs are made in one "
        "process as before: 3.56-5.15 s at 08:09 that day, while this machine's speed varied (the same load took "
        "3.1-3.3 s in one set of runs and 3.7-4.4 s 25 minutes later), and 3.63-3.80 s at 10:22. What is left "
        "without the cache, on each of two processes: "
        "about 0.75 CPU-s of reading YAML, 0.4 of the rules' searches and the cache's writes; then the child's half "
        "read back and the schema and cross-record checks, as with the cache. The history of this row: "
        "met with the parse cache (what `make serve` sees after an edit, one file parsed "
        "again, and what CI sees: the pull-request workflow restores the cache): 2.15 s and 2.03 s in two runs of "
        "this row on the evening of 2026-12-03, on a quiet machine, against 3.03-3.27 s in runs earlier that day. "
        "Two things differ: those runs counted freeing the returned fact base inside the timed statement (about "
        "0.2 s at ×100; the clock now stops when the load returns, as a build keeps the fact base), and this "
        "machine's loads varied from 2.5 to 4.6 s that day with the load average. What is left is pydantic "
        "checking 103,300 records, the cross-record checks and the fact base's indexes, 0.5-0.8 s each, and "
        "reading the cache's JSON, 0.3-0.4 s. Not met without the cache (6.3 s and 7.4 s in the same two runs; "
        "a first build on a new machine, every later build reads the cache): parsing 51 MB of YAML is dominated "
        "by PyYAML itself. libyaml parses in C, but PyYAML still creates a Python node for each of 1.2 million "
        "values; building the values with their lines and the rules' searches of each text are the rest (about "
        "7.5, 3.6 and 1.9 s of CPU), shared by two processes when more than 2 MB miss the cache (a forked child "
        "parses half of the files). On 2026-12-04 (night) the loader stopped noting the line of every field as it "
        "reads (a record finds its field lines in its file's bytes when a message asks: a valid record never "
        "does), and the parse cache stopped storing them: parsing the ×100 data in one process took 4.0-4.1 CPU-s "
        "against 5.2-5.9 (two alternated runs), of which 2.9 are PyYAML's events alone; 1.70 s with the cache and "
        "4.14 s without in that row's run, 1.68 and 3.70 s in the run above (2026-12-05). Without the cache the two "
        "processes share about 6.7 CPU-s (the parse, the rules' searches, the child's half read back from the "
        "cache, the schema), so on two cores the load cannot come under 3 s (at least 3.35 s) unless that work "
        "shrinks. Of the parse, libyaml's events are the larger part: 1.3 million of them from 300 of the files "
        "took 0.82-0.90 CPU-s to read, whether the parser was given the text or its bytes (three alternated runs, "
        "the events identical); in a cold build (py-spy) about two thirds of the time spent building the values "
        "is the parser's `get_event`, and building them is about half of parsing a file, the rules' searches and "
        "the cache's writes most of the rest. libyaml itself is the small part of `get_event`: its `raw_parse`, "
        "which makes no Python objects, reads the same 300 files in 0.18-0.19 CPU-s against 0.77-0.79 for the "
        "events; the rest is making each event's objects (its marks, its value as text), and PyYAML's event "
        "classes replaced by named tuples change nothing (1.002 against 1.006 s). A parser that builds the "
        "values in C is what this row would need.",
    "First build of a fresh copy vs its second, ×100, empty parse cache": "met since the evening of 2026-12-05, "
    "measured on another machine (an Intel Xeon; the runs before on an AMD EPYC, both 2 cores), after the rules' "
    "searches made as each file is parsed came to make a text flat only for a phrase whose longest word it holds "
    "and to skip a text without the part every universal phrase shares, and the loader to search a file for the "
    "characters YAML refuses only when its bytes can hold one (the ×100 data: the searches 0.91 → 0.45 CPU-s, the "
    "check 0.21 → 0.08, in a build's two processes together): 25 pairs gave 1.154× by wall time (1.144–1.167) "
    "and 1.240× by CPU (1.230–1.246), and 25 more half an hour later 1.142× (1.131–1.150) and 1.222× "
    "(1.204–1.232). The second build took 10.0–10.1 s there against 8.9 s in the morning's runs on the other "
    "machine, so how much of the change is the code and how much the machine is not measured. Before it: "
    "since 2026-12-05 the files in the "
        "data's plain style are read by macros/plainyaml.py, in about half the time of PyYAML's events (see the "
        "load row): 25 pairs then gave 1.183× by wall time (1.137-1.244, met) and 1.302× by CPU (1.249-1.379, not "
        "met), and 25 more two hours later 1.228× (1.202-1.289) and 1.342× (1.314-1.402): the ratio moves by a few "
        "hundredths from set to set. A first build still does 3.3 to 4.1 CPU-s more than a second (16.1 against "
        "12.8, then 15.4 against 11.2): reading the YAML "
        "(1.5-1.7 CPU-s), the rules' searches of every text (0.85), a cache file written for each of the 1,000 files "
        "and the forked child that parses half of them; two cores hide that from the wall time, not from the CPU "
        "time. The history of this row: a first build on a new machine parses "
        "all 51 MB of YAML (see the load row); every later build, serve after an edit, and the workflows (which "
        "restore the parse cache from the last deploy) read the parse cache: the row with the cache restored. Since "
        "2026-12-03 the second build also reads the rules' searches back from the cache, which made it faster and "
        "this ratio larger; the first did not change (a cold load at ×100 took 16.3 s against 16.5 s before, "
        "medians of 5 alternated pairs). Later that day the cache was written with orjson (filling it took "
        "0.58-0.74 s of CPU against 1.50-1.60 s) and half of the missing files were parsed in a forked child "
        "(macros/coldparse.py): 1.39× against 1.54× by wall time, but not under 1.3, and more by CPU (the child's "
        "parse is counted; the work is the same, on two cores). What is left is the parsing itself, about 13 s of "
        "CPU at ×100 now shared by two processes, and everything after the last file is parsed, which is the "
        "same in both builds. On 2026-12-04 (night) the loader stopped noting every field's line as it reads (see "
        "the load row): 6 pairs gave 1.142× by wall time (interval 1.072–1.35: two of the six pairs near 1.35) and "
        "1.271× by CPU (1.183–1.477); a run of 12 pairs that night 1.227× wall (1.19–1.272) and 1.362× CPU "
        "(1.316–1.411); 12 pairs after the benchmark's copies were fixed to hold all of the project's code, "
        "1.234× (1.215–1.305); 25 pairs on 2026-12-05, the code the same, 1.258× (1.193–1.312); after that day's "
        "search and export changes made both builds about 0.5 s faster, 1.293× (1.249–1.368); the 25 pairs above, "
        "after its escaping and JSON changes (the second build 10.0 -> 9.6 s), 1.325× (1.262–1.383): the same "
        "seconds of parsing over a shorter second build. The wall ratio sits at the target's edge, its interval "
        "over it. By CPU a first build does the parse's 5-6 CPU-s of extra work, which two cores hide "
        "from the wall time but not from the CPU time.",
    "First build of a fresh copy vs its second, ×1, empty parse cache": "a first build on a new machine parses "
        "every data file; later builds read them back. (The copies have no git history; a fresh clone's first "
        "build, which reads it, is measured apart.)",
    **{f"First build of a fresh copy vs its second, ×{scale}, parse cache restored": "with the parse cache "
       "restored the two builds differ by the package's bytecode only; see the figures. Until 2026-12-04 (night) "
       "the copies these rows build left out macros/sitebuild.py (a pattern meant for built sites matched it), so "
       "their code version, which names the parse cache's folder, was not the project's: the restored cache was "
       "never read, and these rows measured an empty cache (at ×100, 1.229× wall and 1.36× CPU in the run just "
       "before the fix)." for scale in (1, 100)},
    "Data build vs the same site pre-rendered, ×1, wall and CPU": "at ×1 the fixed costs decide: mkdocs-macros "
                                      "doing nothing (no module, no rendering; its ratio is in the result column), "
                                      "importing pydantic and the schema, compiling the fragment templates and "
                                      "the pages' Jinja, loading and validating about a thousand records and writing the "
                                      "exports; what finished HTML saves by skipping Markdown and the search "
                                      "plugin's parse of the Sources lists is of the same size. On 2026-12-04 the "
                                      "search plugin's reading of each page moved to the project's reader "
                                      "(macros/searchindex.py, about half the time) and the JSON-LD to orjson: "
                                      "against the code before, 15 alternated pairs measured apart, 0.955× CPU "
                                      "(interval 0.877–1.035). A run of 25 pairs after it gave 0.955× CPU (0.886–1.004, "
                                      "just over 1.0, where the run before ended at 0.985); one of 50 pairs, the "
                                      "figures above.",
    "Data build vs the same site pre-rendered, ×100, wall and CPU": "Markdown no longer parses the fragments, "
        "but at ×100 the data layer's own work is larger than what that saves: in one build profiled by phase (CPU, "
        "exports in-process, on a loaded machine), loading and validating 103,300 records from the parse cache took "
        "5.0 s, the macros 7.2 s (1.8 s of it the Sources lists of the pages that cite thousands of quotes), writing "
        "the exports 5.1 s (in a forked child in a real build: in the CPU ratio, mostly hidden from the wall one), "
        "and the search plugin 8.2 s, which the pre-rendered site pays too, on the pages that list every record "
        "(timeline, glossary, figures, sources). Reading the rules' searches back from the parse cache "
        "(2026-12-03) took about 2 s off the load, and finding the records' anchors in the built pages (for the "
        "Changes page and the feed) 1 s more: the data build's median went from 21.2 s to 19.3 s and the median "
        "pair ratio from 0.88× to 0.79×, but with pairs this noisy the interval still reached above 0.8. Later that "
        "day the load got faster again (dates, indexes, records validated a file at a time) and the CSV exports "
        "cheaper: 0.766× by wall time with the interval's upper end at 0.78 (the wall target met), but 1.008× by "
        "CPU time, which counts the forked exports child: the CPU target is not. Measured again that evening, after "
        "the source pages stopped repeating their own quotes in their Sources lists: 0.732× by wall time (interval "
        "0.704–0.808) and 0.937× by CPU time (0.91–1.019). The CPU ratio fell; the wall interval's upper end is "
        "now just over 0.8, within this machine's pair-to-pair noise, so by the rule neither is met. What the fork costs (2026-12-04, "
        "a3b61ee, `/usr/bin/time` on one ×100 build, three alternated pairs): with the exports in a forked child, "
        "about 600,000 minor page faults and 4.7–6.4 s of system time; with SCO_NO_FORK=1, 440,000 and 1.3–1.5 s "
        "(two runs of the pre-rendered build: 152,000 and 0.5–0.6 s). Copy-on-write after forking a 1 GB process is about a "
        "fifth of the build's CPU (23.2 against 18.5 CPU-s in the quietest pair, walls 17.7 and 18.5 s). Not "
        "forking at ×100 would put both ratios near 0.84×: the CPU one closer to 0.8, the wall one further; the "
        "fork stays, as a reader waits for the wall time. On 2026-12-04 the search plugin began reading the pages "
        "with the project's reader (macros/searchindex.py: the sections Material's parser makes, by its rules; at "
        "×100 2.1–2.4 CPU-s against 3.5–4.5) and the JSON-LD is written by orjson (the exports 3.1–3.4 CPU-s against "
        "3.7–3.9): against the code before, on the same ×100 data, 6 alternated pairs measured apart gave 0.847× "
        "CPU (interval 0.794–0.913) and 0.880× wall (0.849–0.987). The 25 pairs run after it (the figures above) did "
        "not show it: during that run the pre-rendered build of one site took from 16.9 to 26.9 s, and single pairs' "
        "CPU ratios ranged from 0.76 to 1.26, more than the change. On 2026-12-05 the same code as on the night "
        "before gave 0.867× CPU (0.841–0.903) against that night's 0.957× (0.904–0.983); then, with the cyclic "
        "collector's threshold raised for the build (0.93× the CPU time against the code before it, 6 alternated "
        "pairs measured apart), 0.857× (0.827–0.887): between runs of 25 pairs the ratio moves by more than their "
        "intervals. Later on 2026-12-05 the search index's reader found each page's tokens in one call, and the "
        "search plugin's removal of `data-search-*` values ran only on the pages that have one (at ×100: reading the "
        "pages 1.58 → 1.46 CPU-s, the removal 0.28 → 0.02 CPU-s): 0.838× (0.789–0.928), in an hour when the machine "
        "was slower (the pre-rendered build 18.0 s against 15.7 s) and the pairs' ratios spread wider. Then the "
        "reader's attributes came to be read with one call and a kept tag's end checked from the end of its section "
        "(the ×100 pages in 1.1 CPU-s against 1.45, a third of Material's 3.2-3.3), and the JSON and JSON-LD stayed "
        "UTF-8 bytes up to their files (0.22 and 0.13 CPU-s less): 0.784× (0.743–0.801), the median under the target "
        "and the interval's upper end 0.001 over it.",
    "`make serve` data edit → page updated, ×1": "a rebuild after a data edit reads only the edited file and reuses "
        "the compiled templates, but still renders every page, writes the exports and builds the search index: "
        "about one warm build (the ratio in the serve table), plus MkDocs' file watcher, which looks for changes "
        "every 0.5 s, and its 0.1 s wait before building.",
    "`make serve` data edit → page updated, ×100": "a serve rebuild reads one file instead of 51 MB of parse cache "
        "and writes the downloads after the page is shown (it cannot fork them off as a build does: serve runs a "
        "server thread); the median edit is 0.95× the warm build made right after it (1.22× before), but with 10 "
        "pairs whose builds ranged from 27 to 41 s on this machine the interval reaches above 1.0.",
    "Theme page weight": "the site's own CSS and JavaScript are published minified since 2026-12-02 (CSS+JS "
        "over Material's from +13.0 to +9.1 KB gzip; 2.0 KB of what is left is Material's palette stylesheet, which "
        "the dark scheme needs). The rest is the pages' HTML: economy's is 19.4 KB gzip against the default page's "
        "4.0, of which its Sources list (35 quotes, each with its full attribution) is 4.8 KB, the chart's two "
        "drawings 1.3, the citation markers 1.1, the Editor-view dates and edit links 1.0, the navigation 0.9, the "
        "JSON-LD 0.7 and the editor's notes 0.6. Measured cuts that keep every word: one stylesheet and one script "
        "instead of two each (0.7 KB), the whitespace between Material's tags (0.5; our templates emit 0.01), "
        "Material's navigation.prune (0.5, but the drawer would no longer list other sections' pages): about "
        "1.7 KB together, short of the target; reaching it means choosing what the page carries. The first was "
        "made on 2026-12-05 (macros/minify.py joins sco-reader.css and sco-reader.js to sco.css and sco.js): "
        "economy +24.6 → +24.0 KB, 9 → 7 requests, and 8 of the 13 theme pages over the target instead of 9. Later "
        "the same day the table of contents came to list the sections in the macros' HTML (each page's Editor's "
        "notes and Sources, a theme's disputed issues: about 0.1 KB gzip, in the page and in the drawer) and the "
        "glossary its letters (0.1 KB of stylesheet on every page): economy +24.1 KB, and 9 pages over, "
        "enlargement/what-changed at +20.1. Measured again at 1ff05c1 that night: "
        "economy +24.2 KB, enlargement/what-changed +20.2, still 9 of the 13 over.",
}


def build_table(r: dict[str, Any]) -> list[str]:
    rows = ["| scale | records | wall (s) | ms per record | peak memory (MiB) | measured |", "|---|---|---|---|---|---|"]
    return rows + [f"| ×{x['scale']} | {x['records']:,} | {x['wall']['median']} | {x['ms_per_record']} | {x['peak_rss_mib']} "
                   f"| {measured(x)} |" for x in r["build"]]


def targets_table(r: dict[str, Any]) -> list[str]:
    rows = ["| measurement | target | result | met | measured |", "|---|---|---|---|---|"]
    return rows + [f"| {name} | {target} | {detail} | {met} | {when} |" for name, target, met, detail, when in verdicts(r)]


def readme_block(r: dict[str, Any]) -> list[str]:
    """The lines the README shows between its markers: the targets and build tables, each row with the date and commit
    it was measured at (rows are measured again one by one, so one date for the whole report would be wrong)."""
    return [f"From `bench/report.json`: `make bench` on {r['date']}, then rows measured again with `python -m bench.run "
            f"--update` ({len(r.get('updated', []))} runs, the last on {_last_update(r)}); each row says when and at "
            f"which commit, and on which processor where it is not the report's ({r['machine']['cpu']}, "
            f"{r['machine']['cores']} cores):", "", *targets_table(r), "", *build_table(r)]


def _last_update(r: dict[str, Any]) -> str:
    return max((u["when"] for u in r.get("updated", [])), default=r["date"])


README_START, README_END = "<!-- bench:targets -->", "<!-- /bench:targets -->"


def update_readme(r: dict[str, Any], readme: Path = ROOT / "README.md") -> None:
    """Put the latest report's targets table between the README's markers (a test checks they agree)."""
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    table = "\n".join(readme_block(r))
    readme.write_text(f"{head}{README_START}\n{table}\n{README_END}{tail}", encoding="utf-8")


#: report.md's section of figures measured by other commands (bench/coldwarm.py, the serve test, `time make
#: test`), each naming its command: kept as it is when make bench rewrites the rest.
APART_START, APART_END = "<!-- measured apart -->", "<!-- /measured apart -->"


def write_report(report: dict[str, Any], path: Path = OUT / "report.md") -> None:
    """report.md from the report, keeping the section measured apart."""
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    apart = ""
    if APART_START in old and APART_END in old:
        apart = "\n" + APART_START + old.split(APART_START, 1)[1].split(APART_END, 1)[0] + APART_END + "\n"
    path.write_text(markdown(report) + apart, encoding="utf-8")


def rewrite(json_path: Path = OUT / "report.json") -> None:
    """Rewrite report.md and the README's table from report.json (after changing the wording, without measuring)."""
    report = json.loads(json_path.read_text(encoding="utf-8"))
    write_report(report)
    update_readme(report)


def edits_at(scale: int) -> int:
    """Data edits the serve loop makes at a scale: fewer above ×10, where each rebuild takes tens of seconds."""
    return EDITS_LARGEST if scale > 10 else EDITS


#: What `--update` can measure again: name -> (the report's list, how to measure it at a scale).
UPDATES: dict[str, tuple[str, Callable[[int, Path, Path], dict[str, Any]]]] = {
    "load": ("load", lambda scale, proj, base: bench_load(scale, proj)),
    "build": ("build", lambda scale, proj, base: bench_build(scale, proj)),
    "pairs": ("pairs", lambda scale, proj, base: bench_pairs(scale, proj)),
    "coldwarm": ("coldwarm", lambda scale, proj, base: bench_coldwarm(scale, proj, base)),
    "coldwarm-restored": ("coldwarm", lambda scale, proj, base: bench_coldwarm(scale, proj, base, restored=True)),
    "editloop": ("editloop", lambda scale, proj, base: bench_editloop(scale, proj, edits_at(scale))),
    # one figure for the whole site, not a row per scale: `weight:1` (the scale is ignored)
    "weight": ("weight", lambda scale, proj, base: bench_weight(base)),
}
#: Measurements that are one figure for the site, replaced whole (the others are rows by scale).
WHOLE = {"weight"}


def update(items: list[str], json_path: Path = OUT / "report.json", readme: Path = ROOT / "README.md") -> None:
    """`python -m bench.run --update NAME:SCALE ...` (load, build, pairs, coldwarm, coldwarm-restored, editloop;
    weight:1 for the page weight, which builds the site itself): measure only those rows, replace them in
    report.json (a row of the same kind, scale and parse cache), and say in the report when and at which commit."""
    report = json.loads(json_path.read_text(encoding="utf-8"))
    base = Path(tempfile.mkdtemp(prefix="sco-bench-"))
    commit = head_commit()
    cpu = processor()
    other = cpu if cpu != report["machine"]["cpu"] else ""  # rows measured elsewhere name their processor
    start = round(os.getloadavg()[0], 2)
    new: list[dict[str, Any]] = []  # stamped together when the run ends, with the time its log entry gives
    try:
        for item in items:
            name, scale = item.split(":")
            key, measure = UPDATES[name]
            print(f"{item}: measuring", flush=True)
            if key in WHOLE:
                report[key] = measure(int(scale), ROOT, base)
                new.append(report[key])
                continue
            row = measure(int(scale), project(int(scale), base), base)
            new.append(row)
            rows = report.setdefault(key, [])
            same = [i for i, x in enumerate(rows) if x["scale"] == row["scale"]
                    and x.get("cache", "empty") == row.get("cache", "empty")]
            if same:
                rows[same[0]] = row
            else:
                rows.append(row)
                rows.sort(key=lambda x: (x["scale"], x.get("cache", "empty")))
    finally:
        shutil.rmtree(base, ignore_errors=True)
    ended = time.strftime("%Y-%m-%d %H:%M")
    for row in new:
        stamp(row, ended, commit, other)
    report.setdefault("updated", []).append({"what": ", ".join(items), "when": ended, "commit": commit,
                                             "load_start": start, "load_end": round(os.getloadavg()[0], 2),
                                             **({"cpu": other} if other else {})})
    json_path.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    write_report(report, json_path.with_name("report.md"))
    update_readme(report, readme)


def main() -> int:
    base = Path(tempfile.mkdtemp(prefix="sco-bench-"))
    report: dict[str, Any] = {"date": time.strftime("%Y-%m-%d"), "runs": RUNS, "machine": machine(),
                              "load_average_start": round(os.getloadavg()[0], 2),
                              "load": [], "build": [], "pairs": [], "coldwarm": [], "editloop": []}
    try:
        for scale in SCALES:
            proj = project(scale, base)
            print(f"×{scale}: load", flush=True)
            report["load"].append(bench_load(scale, proj))
            print(f"×{scale}: build", flush=True)
            report["build"].append(bench_build(scale, proj))
            if scale in (1, max(SCALES)):
                print(f"×{scale}: {PAIRS} pairs, data build against pre-rendered", flush=True)
                report["pairs"].append(bench_pairs(scale, proj))
                print(f"×{scale}: {COLDWARM_PAIRS} pairs, first build of a fresh copy against its second", flush=True)
                report["coldwarm"].append(bench_coldwarm(scale, proj, base))
                report["coldwarm"].append(bench_coldwarm(scale, proj, base, restored=True))
            edits = edits_at(scale)
            print(f"×{scale}: serve, {edits} data edits", flush=True)
            report["editloop"].append(bench_editloop(scale, proj, edits))
        print("import", flush=True)
        report["import"] = bench_import()
        print("page weight", flush=True)
        report["weight"] = bench_weight(base)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    report["load_average_end"] = round(os.getloadavg()[0], 2)
    report["commit"] = head_commit()
    ended = time.strftime("%Y-%m-%d %H:%M")
    for key in ("load", "build", "pairs", "coldwarm", "editloop"):
        for row in report[key]:
            stamp(row, ended, report["commit"])
    stamp(report["weight"], ended, report["commit"])
    (OUT / "report.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    write_report(report)
    update_readme(report)
    print(markdown(report))
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--update"]:
        update(sys.argv[2:])
        sys.exit(0)
    if sys.argv[1:] == ["--rewrite"]:
        rewrite()
        sys.exit(0)
    if sys.argv[1:2] == ["--pairs"]:
        print(overhead_pairs(int(sys.argv[2]), int(sys.argv[3])))
        sys.exit(0)
    sys.exit(main())
