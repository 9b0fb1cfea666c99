"""Run a job in a forked child process while the build goes on, and wait for it at the end.

A build uses one core. Most of the data exports depend on the fact base alone, known
before any page is converted; writing them in a child process while MkDocs converts
the pages and renders the theme takes them off the build's wall time. A failed build
stops the child (`cancel`).

Forking is done only where it is safe and useful: on a system with `fork`, in a
process with no other thread. Otherwise the job runs at once, in-process, except in
`mkdocs serve` (which runs a server thread, so cannot fork): there the job runs in a
thread once the rebuilt pages are in place (`after_build`), so an edited page is served
without waiting for the downloads, and the next rebuild waits for it before it starts.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading
import traceback
from typing import Callable

#: Set by the hooks' `on_startup`: in `mkdocs serve`, a job that cannot fork runs after the build (see `after_build`).
DEFER = False
_AFTER: list[threading.Thread] = []  # the job running after the last serve build, if any


class BackgroundJob:
    """One job: `start` it, then `wait` for it; `wait` raises if it failed."""

    def __init__(self) -> None:
        self.pid: int | None = None
        self.deferred: Callable[[], object] | None = None

    @staticmethod
    def can_fork() -> bool:
        return hasattr(os, "fork") and threading.active_count() == 1 and not os.environ.get("SCO_NO_FORK")

    def start(self, job: Callable[[], object]) -> None:
        """Run `job` in a child; without a fork, run it at once (in `serve`: keep it for `after_build`)."""
        self.wait()  # never two at once
        if not self.can_fork():
            if DEFER:
                self.deferred = job
                return
            job()
            return
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: run the job, report failure by exit status, never return into MkDocs
            status = 1
            try:
                job()
                status = 0
            except BaseException:  # noqa: BLE001 - everything is reported by the parent
                # in one write: a child that `cancel` kills while it reports leaves no half traceback in the output
                sys.stderr.write(traceback.format_exc())
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(status)
        self.pid = pid

    def wait(self) -> None:
        """Wait for the running job, if any; raise RuntimeError if it failed."""
        if self.pid is None:
            return
        pid, self.pid = self.pid, None
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError("the background job failed (its error is printed above)")

    def cancel(self) -> None:
        """Stop the running job, if any, and drop a kept one: the build failed, and what the job writes would go
        into a site folder that is being thrown away."""
        self.deferred = None
        if self.pid is None:
            return
        pid, self.pid = self.pid, None
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:  # pragma: no cover - already gone (it is reaped below all the same)
            pass
        os.waitpid(pid, 0)

    def finish(self, then: Callable[[], object], what: str) -> None:
        """At the end of a build: wait for the job (RuntimeError if it failed), then run `then`. In `serve`, the
        job kept by `start` and then `then` run in a thread after the build (`after_build`)."""
        self.wait()
        job, self.deferred = self.deferred, None
        if job is None:
            then()
        else:
            after_build(lambda: (job(), then()), what)


#: glibc's mallopt parameter for the largest number of heaps (malloc.h).
_M_ARENA_MAX = -8


def one_heap() -> None:
    """Keep every thread's memory in the C library's main heap (glibc's M_ARENA_MAX set to 1). `serve` writes each
    rebuild's downloads in a thread of its own and answers each request in another; glibc gave such threads heaps
    of their own, up to 16 on two cores, and each heap kept what it had once held (x10: 182 -> 200 MiB over the
    first ten data edits, then flat; with one heap 182 -> 186-189). Python's own lock means one thread allocates
    at a time anyway. Nothing happens where the C library is not glibc."""
    try:
        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, 1)
    except (OSError, AttributeError):
        pass


def after_build(job: Callable[[], object], what: str) -> None:
    """Run `job` in a thread while `serve` shows the rebuilt pages; a failure is logged as an error naming `what`."""
    wait_after_build()

    def run() -> None:
        try:
            job()
        except Exception as exc:  # noqa: BLE001 - reported in serve's log; a build runs the job in-line and fails
            logging.getLogger("mkdocs.plugins.sco").error(f"{what} failed: {exc!r}")

    thread = threading.Thread(target=run, name="sco-after-build", daemon=True)
    thread.start()
    _AFTER.append(thread)


def wait_after_build() -> None:
    """Wait for the job the last `serve` build left running (a new build starts by cleaning the site folder)."""
    while _AFTER:
        _AFTER.pop().join()
