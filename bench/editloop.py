"""The edit loop: `python -m bench.editloop [EDITS] [SCALES]` (default 50 edits at x1 and x10).

Runs `mkdocs serve` on a copy of the project (synthetic data above x1, as `make bench` makes it), saves a
data file EDITS times, each time waiting until serve has rebuilt and told browsers to reload (the new page is
being served), and records the time from the save to that signal and the resident memory of serve and its
children right after; then times warm full builds of the same copy, to compare edit → page with. Prints
Markdown for bench/report.md. A benchmark, not a test: tests/test_serve.py
asserts only that memory stops growing.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.run import ENV, build_timed, free_port, project


def tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants, from /proc/PID/status."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
            total += int(match.group(1)) * 1024 if match else 0
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue  # it ended meanwhile
    return total


class ServeLog:
    """A serve process's log, read by a thread: the address it serves, and how many rebuilds finished (serve
    logs "Reloading browsers" once a rebuild's site is in place; the first build is not counted)."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self.rebuilt = 0
        self.cond = threading.Condition()
        threading.Thread(target=self._read, args=(proc,), daemon=True).start()

    def _read(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            with self.cond:
                self.lines.append(line)
                if "Reloading browsers" in line:
                    self.rebuilt += 1
                self.cond.notify_all()

    def wait_rebuilt(self, count: int, timeout: float) -> None:
        with self.cond:
            if not self.cond.wait_for(lambda: self.rebuilt >= count, timeout):
                raise AssertionError(f"rebuild {count} did not finish in {timeout} s:\n" + "".join(self.lines[-30:]))

    def url(self, timeout: float) -> str:
        """The address serve prints once its first build is done (under site_url's path)."""
        def found() -> str | None:
            return next((m.group(1) for line in self.lines if (m := re.search(r"Serving on (http\S+)", line))), None)

        with self.cond:
            if not self.cond.wait_for(found, timeout):
                raise AssertionError("serve did not start:\n" + "".join(self.lines[-30:]))
            return found() or ""


def start_serve(proj: Path) -> tuple[subprocess.Popen[str], ServeLog]:
    """`mkdocs serve --strict` on a free port; returns once its first build is served and its file watcher
    has looked at the files."""
    env = {k: v for k, v in ENV.items() if k != "PYTHONDONTWRITEBYTECODE"}
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--strict", "-a", f"127.0.0.1:{free_port()}"],
                            cwd=proj, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    log = ServeLog(proc)
    log.url(900)
    time.sleep(2)  # the watcher takes its first look at the files in its own thread
    return proc, log


def stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def save(path: Path, text: str, scratch: Path) -> None:
    """Write a whole file in `scratch` (a folder serve does not watch, on the same file system), then move it into
    place, as editors do: serve never sees half a file."""
    tmp = scratch / f".{path.name}.tmp"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process, all its threads, from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_idle(pid: int, quiet: float = 1.0, timeout: float = 900) -> None:
    """Wait until a process has used no CPU for `quiet` seconds (serve has written the downloads after a rebuild)."""
    deadline, last, since = time.monotonic() + timeout, process_cpu(pid), time.monotonic()
    while time.monotonic() - since < quiet:
        if time.monotonic() > deadline:
            raise AssertionError("serve never went idle")
        time.sleep(0.2)
        now = process_cpu(pid)
        if now - last > 0.02:
            last, since = now, time.monotonic()


def edit_loop(proj: Path, edits: int, paired: bool = False) -> dict[str, list[float]]:
    """Save a data file `edits` times in `mkdocs serve`: the time from each save to serve's reload signal, and
    memory after it. `paired`: after each edit, once serve is idle, a warm full build of the same copy, so that
    each edit has a build measured beside it (as the other ratios alternate their builds)."""
    target = sorted((proj / "data" / "facts").glob("*.yaml"))[-1]  # the last facts file (synthetic names differ)
    original = target.read_text(encoding="utf-8")
    proc, log = start_serve(proj)
    latency, rss, builds = [], [tree_rss(proc.pid) / 2**20], []
    try:
        for n in range(1, edits + 1):
            save(target, original + f"\n# benchmark edit {n}\n", proj.parent)
            start = time.perf_counter()
            log.wait_rebuilt(n, 900)
            latency.append(time.perf_counter() - start)
            rss.append(tree_rss(proc.pid) / 2**20)
            if paired:
                wait_idle(proc.pid)
                builds.append(build_timed(proj)[0])
    finally:
        stop(proc)
        target.write_text(original, encoding="utf-8")
    return {"latency": latency, "rss": rss, "builds": builds}


#: Warm full builds (`mkdocs build` of the same copy, after the edit loop) to compare edit → page with.
WARM_BUILDS = 5
#: Up to this many edits (the largest scale's 10), each edit is paired with a warm build made right after it, once
#: serve is idle: machine drift then hits both alike. Above it, WARM_BUILDS builds after the loop.
PAIRED_UP_TO = 10


def measure(scale: int, proj: Path, edits: int) -> dict[str, Any]:
    """The edit loop on `proj`, then warm full builds of it: memory, edit → page and its ratio to a build, with
    bootstrap 95 % intervals of the medians."""
    from bench.coldwarm import bootstrap

    paired = edits <= PAIRED_UP_TO
    build_timed(proj)  # warm-up: the parse cache holds every file, as a developer's second build finds it
    r = edit_loop(proj, edits, paired)
    lat = r["latency"]
    builds = r["builds"] if paired else [build_timed(proj)[0] for _ in range(WARM_BUILDS)]
    build = statistics.median(builds)
    ratios = [x / b for x, b in zip(lat, builds)] if paired else [x / build for x in lat]
    low, high = bootstrap(lat)
    rlow, rhigh = bootstrap(ratios)
    return {"scale": scale, "edits": edits, "rss": [round(m, 1) for m in r["rss"]], "rss_first": round(r["rss"][1]),
            "rss_last": round(r["rss"][-1]),
            "latency": {"median": round(statistics.median(lat), 2), "low": round(low, 2), "high": round(high, 2),
                        "min": round(min(lat), 2), "max": round(max(lat), 2), "runs": [round(x, 3) for x in lat]},
            "build": round(build, 2), "builds": [round(b, 3) for b in builds], "paired": paired,
            "latency_vs_build": {"median": round(statistics.median(ratios), 3), "low": round(rlow, 3),
                                 "high": round(rhigh, 3)}}


def main() -> int:
    edits = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    scales = [int(s) for s in (sys.argv[2] if len(sys.argv) > 2 else "1,10").split(",")]
    base = Path(tempfile.mkdtemp(prefix="sco-editloop-"))
    load = os.getloadavg()[0]
    try:
        print(f"{edits} data edits per scale; {os.cpu_count()} cores, load average {load:.2f} at the start\n")
        print("| scale | memory after the first edit (MiB) | after the last | last / first | edit → page, median (s) | "
              "min–max (s) | warm full build, median (s) | edit → page / build (95 % CI) |")
        print("|---|---|---|---|---|---|---|---|")
        for scale in scales:
            x = measure(scale, project(scale, base), edits)
            lat, ratio = x["latency"], x["latency_vs_build"]
            print(f"| ×{scale} | {x['rss_first']} | {x['rss_last']} | {x['rss_last'] / x['rss_first']:.3f} | "
                  f"{lat['median']:.2f} ({lat['low']:.2f}–{lat['high']:.2f}) | {lat['min']:.2f}–{lat['max']:.2f} | "
                  f"{x['build']:.2f} | {ratio['median']:.3f} ({ratio['low']:.3f}–{ratio['high']:.3f}) |", flush=True)
            r = x
            print("<!-- x%d memory by edit (MiB): %s -->" % (scale, ", ".join(f"{m:.0f}" for m in r["rss"])), flush=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
