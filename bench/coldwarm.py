"""A fresh clone's first `make build` against its second: `python -m bench.coldwarm [PAIRS]`.

Each pair clones this checkout's commit into a new folder (the project's .venv linked in, as a machine
that has run `make` once has it; `make -o .venv/.installed` so the link is not reinstalled), with a parse
cache folder of its own that starts empty, then runs `make build` twice: first cold (no bytecode of the
package beside its sources, no parse cache), then warm. Pairs run one after the other, so the cold and warm
builds alternate. Prints each pair's wall and CPU seconds (children included) and the median ratio of the
pairs with a bootstrap 95 % interval, as Markdown for bench/report.md.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bootstrap(ratios: list[float], rounds: int = 10000, seed: int = 18) -> tuple[float, float]:
    """A 95 % interval of the median of `ratios`, from resampling the pairs."""
    rng = random.Random(seed)
    medians = sorted(statistics.median(rng.choices(ratios, k=len(ratios))) for _ in range(rounds))
    return medians[int(0.025 * rounds)], medians[int(0.975 * rounds) - 1]


def timed(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, every child included) of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise RuntimeError(f"{' '.join(args)} failed in {cwd}: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
    return wall, usage.ru_utime + usage.ru_stime


def pair(commit: str, base: Path, n: int) -> dict[str, float]:
    clone, cache = base / f"clone-{n}", base / f"cache-{n}"
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", commit], check=True)
    (clone / ".venv").symlink_to(ROOT / ".venv")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    env.update(SCO_CACHE_DIR=str(cache), NO_MKDOCS_2_WARNING="1")
    make = ["make", "-s", "-o", ".venv/.installed", "build"]
    cold = timed(make, clone, env)
    warm = timed(make, clone, env)
    shutil.rmtree(clone, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    return {"cold_wall": cold[0], "cold_cpu": cold[1], "warm_wall": warm[0], "warm_cpu": warm[1]}


def main() -> int:
    pairs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], check=True, capture_output=True,
                            text=True).stdout.strip()
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="sco-coldwarm-") as tmp:
        runs = [pair(commit, Path(tmp), n) for n in range(pairs)]
    load_after = os.getloadavg()
    print(f"commit {commit[:10]}, {pairs} pairs, {os.cpu_count()} cores, load average {load[0]:.2f} before, "
          f"{load_after[0]:.2f} after\n")
    print("| pair | cold wall (s) | warm wall (s) | cold CPU (s) | warm CPU (s) |")
    print("|---|---|---|---|---|")
    for i, r in enumerate(runs, 1):
        print(f"| {i} | {r['cold_wall']:.2f} | {r['warm_wall']:.2f} | {r['cold_cpu']:.2f} | {r['warm_cpu']:.2f} |")
    for what in ("wall", "cpu"):
        ratios = [r[f"cold_{what}"] / r[f"warm_{what}"] for r in runs]
        low, high = bootstrap(ratios)
        print(f"\n{what}: cold/warm median ratio {statistics.median(ratios):.3f} (bootstrap 95 % CI {low:.3f}-{high:.3f}); "
              f"cold median {statistics.median(r[f'cold_{what}'] for r in runs):.2f} s, "
              f"warm median {statistics.median(r[f'warm_{what}'] for r in runs):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
