"""`mkdocs serve`: the edit loop keeps the validated data between rebuilds and does not grow in memory."""

from __future__ import annotations

import re
import statistics
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bench.editloop import save, start_serve, stop, tree_rss
from conftest import PY, ROOT, copy_project
from macros.errors import DataError
from macros.factbase import Kept, load

EDITS = 20
#: The SCO entry's definition in data/glossary.yaml (a folded block): the tests add a sentence at its end.
SCO_DEFINITION = re.compile(r"^- id: sco\n(?:(?!- id:).*\n)*?  definition: >-\n((?:    .*\n)+)", re.M)


def with_sentence(text: str, sentence: str) -> str:
    """data/glossary.yaml with `sentence` added to the end of the SCO entry's definition."""
    match = SCO_DEFINITION.search(text)
    assert match, "no folded definition in the SCO glossary entry"
    end = match.end(1) - 1  # before the block's last newline
    return text[:end] + " " + sentence + text[end:]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8")


def test_serve_memory_stays_flat_over_data_edits(tmp_path: Path) -> None:
    """20 data edits in `mkdocs serve`: each reaches the page, and resident memory stops growing."""
    project = copy_project(tmp_path / "project")
    glossary = project / "data" / "glossary.yaml"
    text = glossary.read_text(encoding="utf-8")
    proc, log = start_serve(project)
    rss: list[int] = []
    try:
        url = log.url(0).rstrip("/") + "/glossary/"
        for n in range(1, EDITS + 1):
            save(glossary, with_sentence(text, f"Revision {n} of this entry."), tmp_path)
            log.wait_rebuilt(n, 300)
            page = _get(url)
            assert f"Revision {n} of this entry." in page, f"edit {n} did not reach the page:\n" + "".join(log.lines)
            rss.append(tree_rss(proc.pid))
        # the downloads follow the page (serve writes them once the rebuilt pages are shown): the last edit
        # reaches the JSON export, and the Data page gets every download's size
        base = log.url(0).rstrip("/")
        deadline = time.monotonic() + 120
        export = data_page = ""
        while time.monotonic() < deadline:
            try:
                export, data_page = _get(base + "/data/sco-explainer.json"), _get(base + "/data/")
            except urllib.error.HTTPError as error:  # 404 until the thread has written the file
                assert error.code == 404, error
            if f"Revision {EDITS} of this entry." in export and "sco-size:" not in data_page:
                break
            time.sleep(0.2)
        assert f"Revision {EDITS} of this entry." in export, "the last edit never reached the JSON export"
        assert "sco-size:" not in data_page and re.search(r"\d+(\.\d+)? (kB|MB|bytes)", data_page), \
            "the Data page's download sizes were never filled in"
    finally:
        stop(proc)
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

    glossary = data / "glossary.yaml"
    glossary.write_text(with_sentence(glossary.read_text(encoding="utf-8"), "Edited."), encoding="utf-8")
    edited = load(data, project, None, kept)
    assert kept.parsed_files == 1
    assert edited.glossary["sco"].definition == first.glossary["sco"].definition + " Edited."
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


def test_serve_recompiles_only_edited_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In `serve`, a rebuild's new template environment reuses what earlier ones compiled, unless the source changed;
    a plain build keeps nothing."""
    from jinja2 import Environment, FileSystemLoader

    from macros import render

    (tmp_path / "a.html").write_text("<p>{{ x }}</p>", encoding="utf-8")
    compiled: list[str] = []
    original = Environment.compile

    def counting(self: Environment, source: str, name: str | None = None, *args: object, **kwargs: object) -> object:
        compiled.append(name or "")
        return original(self, source, name, *args, **kwargs)

    monkeypatch.setattr(Environment, "compile", counting)

    def rebuild(cache: render.CompiledInMemory | None) -> str:
        env = Environment(loader=FileSystemLoader(tmp_path), bytecode_cache=cache)
        return env.get_template("a.html").render(x=1)

    kept = render.CompiledInMemory()
    assert [rebuild(kept) for _ in range(3)] == ["<p>1</p>"] * 3
    assert compiled == ["a.html"], "compiled once for three rebuilds"
    (tmp_path / "a.html").write_text("<div>{{ x }}</div>", encoding="utf-8")
    assert rebuild(kept) == "<div>1</div>" and compiled == ["a.html"] * 2, "an edited template is compiled again"
    compiled.clear()
    assert [rebuild(None) for _ in range(2)] == ["<div>1</div>"] * 2 and len(compiled) == 2, "a build keeps nothing"
    from macros import factbase, hooks

    monkeypatch.setattr(render, "SERVE_TEMPLATES", None)
    monkeypatch.setattr(factbase, "KEPT", None)  # on_startup sets both; restored after the test
    hooks.on_startup("serve", dirty=False)  # what `mkdocs serve` does once, before its first build
    assert isinstance(render.template_env().bytecode_cache, render.CompiledInMemory)
    assert render.template_env().bytecode_cache is render.template_env().bytecode_cache, "one store for all rebuilds"
    hooks.on_startup("build", dirty=False)
    assert render.template_env().bytecode_cache is None


#: A child that starts MkDocs' hooks for a command, lets six threads allocate small blocks at once, and prints how
#: many heaps glibc's malloc_info reports.
HEAPS = r"""
import ctypes, re, sys, tempfile, threading
from macros import hooks
hooks.on_startup(sys.argv[1], dirty=False)
threads = [threading.Thread(target=lambda: [bytearray(200) for _ in range(20000)]) for _ in range(6)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
libc = ctypes.CDLL(None)
libc.fopen.restype, libc.fopen.argtypes = ctypes.c_void_p, [ctypes.c_char_p, ctypes.c_char_p]
libc.malloc_info.argtypes, libc.fclose.argtypes = [ctypes.c_int, ctypes.c_void_p], [ctypes.c_void_p]
with tempfile.NamedTemporaryFile("r") as out:
    stream = libc.fopen(out.name.encode(), b"w")
    libc.malloc_info(0, stream)
    libc.fclose(stream)
    print(len(re.findall(r'<heap nr="\d+">', out.read())))
"""


@pytest.mark.parametrize(("command", "one"), [("serve", True), ("build", False)])
def test_serve_keeps_every_threads_memory_in_one_heap(command: str, one: bool) -> None:
    """`serve` (whose downloads and requests run in threads) keeps all of them in glibc's main heap, which gives back
    what it held (x10: flat over 50 edits instead of +10 % over the first ten); a build leaves glibc's default."""
    result = subprocess.run([PY, "-c", HEAPS, command], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    heaps = int(result.stdout.split()[-1])
    assert (heaps == 1) if one else (heaps > 1), heaps
