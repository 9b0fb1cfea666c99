"""Run a job in a forked child process while the build goes on, and wait for it at the end.

A build uses one core. The data exports depend only on the fact base and on which
page shows which fact, both known once every page's Markdown is converted; from
then on MkDocs spends as long again rendering the theme and the search index. Writing
the exports in a child process meanwhile takes them off the build's wall time.

Forking is done only where it is safe and useful: on a system with `fork`, in a
process with no other thread (`mkdocs serve` runs a server thread, so it writes
in-process). Otherwise the job runs at once, in-process.
"""

from __future__ import annotations

import os
import sys
import threading
import traceback
from typing import Callable


class BackgroundJob:
    """One job: `start` it, then `wait` for it; `wait` raises if it failed."""

    def __init__(self) -> None:
        self.pid: int | None = None

    @staticmethod
    def can_fork() -> bool:
        return hasattr(os, "fork") and threading.active_count() == 1 and not os.environ.get("SCO_NO_FORK")

    def start(self, job: Callable[[], object]) -> None:
        """Run `job` in a child; without a fork, run it at once."""
        self.wait()  # never two at once
        if not self.can_fork():
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
                traceback.print_exc()
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
