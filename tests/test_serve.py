"""`mkdocs serve`: the edit loop keeps the validated data between rebuilds and does not grow in memory."""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import PY, copy_project
from macros.errors import DataError
from macros.factbase import Kept, load

EDITS = 20
GLOSSARY_LINE = "    leading powers.\n"  # the last line of the SCO entry's definition in data/glossary.yaml


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants, from /proc."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1)) * 1024  # type: ignore[union-attr]
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, AttributeError):
            continue  # it ended meanwhile (the exports child does)
    return total


class _Log:
    """The serve process's log, read by a thread, counting the rebuilds that finished (serve then tells browsers
    to reload)."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self.built = 0
        self.cond = threading.Condition()
        threading.Thread(target=self._read, args=(proc,), daemon=True).start()

    def _read(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            with self.cond:
                self.lines.append(line)
                if "Reloading browsers" in line:
                    self.built += 1
                self.cond.notify_all()

    def wait_built(self, count: int, timeout: float) -> None:
        with self.cond:
            if not self.cond.wait_for(lambda: self.built >= count, timeout):
                raise AssertionError(f"build {count} did not finish in {timeout} s:\n" + "".join(self.lines[-30:]))

    def url(self, timeout: float) -> str:
        """The address serve prints once its first build is done (under site_url's path)."""
        def found() -> str | None:
            return next((m.group(1) for line in self.lines if (m := re.search(r"Serving on (http\S+)", line))), None)

        with self.cond:
            if not self.cond.wait_for(found, timeout):
                raise AssertionError("serve did not start:\n" + "".join(self.lines[-30:]))
            return found() or ""


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8")


def test_serve_memory_stays_flat_over_data_edits(tmp_path: Path) -> None:
    """20 data edits in `mkdocs serve`: each reaches the page, and resident memory stops growing."""
    project = copy_project(tmp_path / "project")
    glossary = project / "data" / "glossary.yaml"
    text = glossary.read_text(encoding="utf-8")
    assert text.count(GLOSSARY_LINE) == 1
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    proc = subprocess.Popen([PY, "-m", "mkdocs", "serve", "--strict", "-a", f"127.0.0.1:{port}"], cwd=project,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    log = _Log(proc)
    rss: list[int] = []
    try:
        url = log.url(300).rstrip("/") + "/glossary/"  # the first build is done
        time.sleep(2)  # the watcher's first look at the files (in its own thread) comes before any edit
        for n in range(1, EDITS + 1):
            edited = tmp_path / "glossary.yaml"  # written whole, then moved into place: serve never sees half a file
            edited.write_text(text.replace(GLOSSARY_LINE, f"    leading powers. Revision {n} of this entry.\n"),
                              encoding="utf-8")
            os.replace(edited, glossary)
            log.wait_built(n, 300)
            page = _get(url)
            assert f"Revision {n} of this entry." in page, f"edit {n} did not reach the page:\n" + "".join(log.lines)

            rss.append(_tree_rss(proc.pid))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    mib = [r / 2**20 for r in rss]
    early, late = statistics.median(mib[2:5]), statistics.median(mib[-5:])
    print(f"serve memory over {EDITS} data edits (MiB): " + ", ".join(f"{m:.0f}" for m in mib))
    assert late <= early * 1.15 + 20, f"memory kept growing: edits 3-5 {early:.0f} MiB, last 5 {late:.0f} MiB ({mib})"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_kept_data_revalidates_only_what_changed(tmp_path: Path) -> None:
    """Between serve rebuilds: unchanged data validates nothing, an edited file alone is parsed again, and the
    cross-record checks still run on every record."""
    project = copy_project(tmp_path / "project")
    data = project / "data"
    kept = Kept()
    first = load(data, project, None, kept)
    assert kept.parsed_files == len(list(data.rglob("*.yaml")))
    assert load(data, project, None, kept) is first and kept.parsed_files == 0

    _edit(data / "glossary.yaml", GLOSSARY_LINE, "    leading powers. Edited.\n")
    edited = load(data, project, None, kept)
    assert kept.parsed_files == 1
    assert edited.glossary["sco"].definition.endswith("leading powers. Edited.")
    assert edited.facts.keys() == first.facts.keys() and edited.quotes == first.quotes

    # a reference from the edited file to a record that does not exist: a cross-record error, every time
    _edit(data / "glossary.yaml", "  see: [shanghai-five, rats,", "  see: [no-such-entry, rats,")
    for parsed in (1, 0):
        with pytest.raises(DataError) as error:
            load(data, project, None, kept)
        assert kept.parsed_files == parsed
        assert [p.message for p in error.value.problems if p.record_id == "sco"] == [
            "unknown term id 'no-such-entry'"]

    # a file removed: nothing is parsed, and the records of unchanged files that cited its quotes are errors
    _edit(data / "glossary.yaml", "  see: [no-such-entry, rats,", "  see: [shanghai-five, rats,")
    assert load(data, project, None, kept).glossary["sco"].see[0] == "shanghai-five"
    removed = data / "quotes" / "weitz-2014.yaml"
    removed.unlink()
    with pytest.raises(DataError) as error:
        load(data, project, None, kept)
    assert kept.parsed_files == 0
    assert any(p.file == "data/facts/weitz-2014.yaml" and "unknown quote id" in p.message
               for p in error.value.problems)
