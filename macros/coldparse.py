"""A cold parse cache's files parsed on two cores.

When many bytes miss the parse cache (a first build, a fresh clone, a new code version), a forked
child parses about half of them into the cache while this process parses the rest; the load then
reads the child's half back from the cache, as it reads any unchanged file. At x100 that halves
the 12 s of YAML parsing of a first build.

The child hands its records over through the cache only (JSON; nothing is pickled), so this runs
only with a cache, only where a fork is safe (background.BackgroundJob.can_fork: no other thread,
as in `mkdocs build` and `make check`; `serve` runs a server thread, so its first build parses in
one process, and its rebuilds parse only the edited files), and only for at least
MIN_BYTES (below that, the fork and the cache's round trip cost about what they save). A file the
child did not leave in the cache is parsed here, in the load's own loop.
"""

from __future__ import annotations

import sys

from .background import BackgroundJob
from .cache import ParseCache
from .errors import Problem
from .loader import RawRecord, records_of

#: Bytes to parse below which everything is parsed here (about half a second of parsing).
MIN_BYTES = 2 << 20

Parsed = tuple[list[RawRecord], list[Problem]]


def halves(sizes: list[int]) -> tuple[list[int], list[int]]:
    """Indexes of `sizes` in two groups of nearly equal total, largest first into the lighter group; each group
    in index order."""
    groups: tuple[list[int], list[int]] = ([], [])
    totals = [0, 0]
    for i in sorted(range(len(sizes)), key=lambda i: (-sizes[i], i)):
        lighter = 0 if totals[0] <= totals[1] else 1
        groups[lighter].append(i)
        totals[lighter] += sizes[i]
    return sorted(groups[0]), sorted(groups[1])


def parse_ahead(todo: dict[int, tuple[str, str, bytes]], cache: ParseCache) -> dict[int, Parsed]:
    """Parse the files of `todo` (kind, path, bytes, by the caller's index) that miss the cache, half in a child:
    the records and problems of the ones parsed here, by the same index. The rest are in the cache when this
    returns (or, if the child failed, parsed later as misses). Nothing at all when the conditions above are not
    met."""
    if cache.folder is None or sum(len(raw) for *_, raw in todo.values()) < MIN_BYTES or not BackgroundJob.can_fork():
        return {}
    missing = [n for n, (kind, rel, raw) in todo.items() if not cache.has(cache.key(kind, rel, raw))]
    if sum(len(todo[n][2]) for n in missing) < MIN_BYTES:
        return {}
    from . import rules  # noqa: F401 - imported once, before the fork, for both processes

    def parsed(n: int) -> Parsed:
        kind, rel, raw = todo[n]
        return records_of(raw, kind, rel, cache)

    cache.prepare()
    mine, theirs = halves([len(todo[n][2]) for n in missing])
    child = BackgroundJob()
    child.start(lambda: [parsed(missing[j]) for j in theirs])
    try:
        return {missing[j]: parsed(missing[j]) for j in mine}
    finally:  # the child is waited for whatever happens here, so that none is left behind
        try:
            child.wait()
        except RuntimeError:
            print("The data files' second parser failed (above); parsing its files here", file=sys.stderr)
