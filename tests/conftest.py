"""Shared fixtures: a throwaway copy of the project, and the real site built once per session."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

import pytest
from bs4 import BeautifulSoup

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from browserkit import Site

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
os.environ.setdefault("SCO_TODAY", "2026-11-23")
for _var in ("SCO_SITE_URL", "SCO_REPOSITORY", "SCO_EDIT_BRANCH"):  # the placeholders of mkdocs.yml, in every test
    os.environ.pop(_var, None)


def pytest_configure(config: pytest.Config) -> None:
    """Builds in tests share one parse cache of their own, removed at the end (not the user's cache folder)."""
    if "SCO_CACHE_DIR" not in os.environ:
        import tempfile

        config._sco_cache = tempfile.mkdtemp(prefix="sco-test-cache-")  # type: ignore[attr-defined]
        os.environ["SCO_CACHE_DIR"] = config._sco_cache  # type: ignore[attr-defined]


def pytest_sessionstart(session: pytest.Session) -> None:
    """Start deleting the temporary folders of runs older than the last three, while this run goes on.

    pytest keeps the folders of the last three runs and deletes older ones when a run ends, after its last test: a
    full run's folder is about 500 MB in 33,000 files, and deleting it took 3 to 18 s with the machine otherwise idle.
    The same cleanup (pytest's own function and rules: as many runs kept, a folder that a running session has locked
    left alone) runs here in a thread of the process that starts the run (pytest-xdist's workers are given folders
    inside the run's, and skip it). pytest's cleanup at the end then finds nothing to delete. With a pytest whose
    internals differ, nothing is started, and pytest deletes the folders at the end as before."""
    import threading

    try:
        from _pytest.pathlib import LOCK_TIMEOUT, cleanup_numbered_dir

        factory = session.config._tmp_path_factory
        if factory._given_basetemp is not None or factory._retention_policy == "none":
            return
        keep = factory._retention_count
        base = factory.getbasetemp()  # this run's numbered folder (made now rather than at the first use)
    except (ImportError, AttributeError):
        return
    thread = threading.Thread(target=cleanup_numbered_dir, name="delete-old-test-runs", daemon=True,
                              args=(base.parent, "pytest-", keep, base.stat().st_mtime - LOCK_TIMEOUT))
    thread.start()
    session.config._sco_deleting = thread  # type: ignore[attr-defined]


def pytest_unconfigure(config: pytest.Config) -> None:
    BUILDS.close()
    folder = getattr(config, "_sco_cache", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def copy_project(dest: Path, data: bool = True) -> Path:
    """A copy of everything a build needs, so tests can break it freely."""
    for name in ("docs", "macros", "schema", "overrides"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    if data:
        shutil.copytree(ROOT / "data", dest / "data")
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def child_env() -> dict[str, str]:
    # Bytecode as `make` sets it up (written beside the sources): a child that may not write
    # bytecode would compile every module it imports on each run.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["NO_MKDOCS_2_WARNING"] = "1"
    return env


class BuildServer:
    """tests/buildserver.py, started on first use: `python -m` commands forked from a process that has imported
    MkDocs and its plugins already (see that file), one server per test process."""

    MODULES = ("mkdocs", "macros", "macros.sitebuild")  # what it runs with -m (and any -c); the rest: a process of its own

    def __init__(self) -> None:
        self.proc: subprocess.Popen[str] | None = None
        self.env: dict[str, str] = {}

    def start(self) -> subprocess.Popen[str]:
        if self.proc is None or self.proc.poll() is not None:
            import tempfile

            self.env = child_env()
            self.proc = subprocess.Popen([PY, str(Path(__file__).with_name("buildserver.py"))], env=self.env,
                                         cwd=tempfile.gettempdir(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         text=True, encoding="utf-8")
        return self.proc

    def fits(self, args: list[str], env: dict[str, str]) -> bool:
        """Whether a fork of the server runs `args` as a new process would: the module is one it runs, and the
        variables Python reads at start-up are the server's (os.fork cannot change them)."""
        if not (hasattr(os, "fork") and hasattr(os, "pidfd_open")) or len(args) < 3 or args[0] != PY:
            return False
        if not (args[1] == "-c" or (args[1] == "-m" and args[2] in self.MODULES)):
            return False
        start = self.env or child_env()
        return {k: v for k, v in env.items() if k.startswith("PYTHON")} == \
            {k: v for k, v in start.items() if k.startswith("PYTHON")}

    def run(self, args: list[str], cwd: Path, env: dict[str, str], timeout: float
            ) -> subprocess.CompletedProcess[str]:
        import json
        import locale

        proc = self.start()
        assert proc.stdin is not None and proc.stdout is not None
        what = {"code": args[2]} if args[1] == "-c" else {"module": args[2]}
        proc.stdin.write(json.dumps({**what, "args": args[3:], "cwd": str(cwd), "env": env, "timeout": timeout}) + "\n")
        proc.stdin.flush()
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"tests/buildserver.py ended (exit status {proc.wait()}) while running {args[1:3]}")
        answer = json.loads(line)
        encoding = locale.getpreferredencoding(False)

        def text(field: str) -> str:  # as subprocess.run(text=True) reads it: universal newlines
            raw = answer[field].encode("latin-1").decode(encoding)
            return raw.replace("\r\n", "\n").replace("\r", "\n")

        if answer["timeout"]:
            raise subprocess.TimeoutExpired(args, timeout, text("stdout"), text("stderr"))
        return subprocess.CompletedProcess(args, answer["returncode"], text("stdout"), text("stderr"))

    def close(self) -> None:
        if self.proc is not None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
            self.proc = None


BUILDS = BuildServer()


def run(args: list[str], cwd: Path, timeout: int = 300, fresh: bool = False) -> subprocess.CompletedProcess[str]:
    """Run a command as the user would, its output captured. `python -m mkdocs / macros ...` and `python -c` are
    forked from the build server (imports done once) unless `fresh`: a process of its own, a hash seed of its own."""
    env = child_env()
    if not fresh and BUILDS.fits(args, env):
        return BUILDS.run(args, cwd, env, timeout)
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def mkdocs_build(project: Path, site: Path | None = None) -> subprocess.CompletedProcess[str]:
    site = site or project / "site"
    return run([PY, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)], cwd=project)


def check(project: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run([PY, "-m", "macros", "--root", str(project), "check", "--data", str(project / "data"), *extra],
               cwd=project)


def built_once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], subprocess.CompletedProcess[str]]
               ) -> Path:
    """A folder that `build` makes once per test run. With pytest-xdist (`make test` runs two workers) the
    first worker to need it builds it under the run's temporary folder while the others wait, then all use it."""
    import fcntl

    base = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder, shared by its workers
    out, done = base / name / name, base / f"{name}.built"
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also when the build fails
        if not done.exists():
            shutil.rmtree(out.parent, ignore_errors=True)
            out.parent.mkdir(parents=True)
            result = build(out)
            assert result.returncode == 0, result.stderr
            done.touch()
    return out


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real project built once (online mode) into a temporary folder."""
    return built_once(tmp_path_factory, "site", lambda out: mkdocs_build(ROOT, out))


@pytest.fixture(scope="session")
def offline_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real project built once for opening from disk (`make offline`), into a temporary folder."""
    return built_once(tmp_path_factory, "site-offline", lambda out: run(
        [PY, "-c", "import sys; from macros.sitebuild import build_site; "
         f"sys.exit(build_site('offline', __import__('pathlib').Path({str(out)!r})))"], cwd=ROOT))


def files_of(root: Path) -> dict[str, bytes]:
    """Every file under `root`, by its path relative to `root`, with its bytes (to compare two builds)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@functools.lru_cache(maxsize=None)
def _parsed(file: Path, mtime_ns: int, size: int) -> BeautifulSoup:
    return BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")


def parsed_html(file: Path) -> BeautifulSoup:
    """A built HTML file parsed once per test process, for tests that only read it (a test that changes the tree
    parses its own copy). Keyed by the file's size and time too, so a file built again is parsed again."""
    info = file.stat()
    return _parsed(file, info.st_mtime_ns, info.st_size)


@pytest.fixture(scope="session")
def page(site: Path) -> Callable[[str], BeautifulSoup]:
    """Parse a built page by its path under site/ ('' for the home page)."""
    return lambda path: parsed_html(site / path / "index.html" if not path.endswith(".html") else site / path)


# -- the browser tests' fixtures (their helpers: browserkit.py) ---------------------------------------------

@pytest.fixture(scope="module")
def server(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The built site behind `make preview`'s server, on a free port, its search index without documents."""
    import threading

    from browserkit import without_search_documents
    from macros.preview import make_server

    httpd = make_server(without_search_documents(site, tmp_path_factory.mktemp("served") / "site"), 0, quiet=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, one per browser test file."""
    from playwright.sync_api import sync_playwright

    from browserkit import ARGS, BROWSERS, CHROMIUM

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        BROWSERS.add(f"{Path(CHROMIUM).name} {b.version}")
        yield b
        b.close()


@pytest.fixture(scope="module", params=["served", "file"])
def target(request: pytest.FixtureRequest) -> Site:
    """The built site served over HTTP, then opened from disk (the offline build)."""
    return request.getfixturevalue("served" if request.param == "served" else "from_disk")


@pytest.fixture(scope="module")
def from_disk(offline_site: Path) -> Site:
    """The offline build, opened from disk."""
    from browserkit import Site, page_paths

    return Site(offline_site.as_uri() + "/", page_paths(offline_site, offline=True))


@pytest.fixture(scope="module")
def served(server: str, site: Path) -> Site:
    """The built site served over HTTP."""
    from browserkit import Site, page_paths, real_index

    return Site(server, page_paths(site, offline=False), real_index(site))


#: The test files that take longest (measured), first: `make test` runs the files on two workers (pytest-xdist,
#: `--dist loadfile`, a file whole on one worker so that its module fixtures are made once), and a long file
#: handed out last would leave one worker running it alone at the end.
LONGEST_FIRST = ("test_browser_sweep.py", "test_browser.py", "test_serve.py", "test_browser_css.py",
                 "test_injection.py", "test_atomic_build.py", "test_cache_trust.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the longest test files first (the order of the others, and of the tests in each file, is kept)."""
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)


def summary() -> dict[str, object]:
    """What this process's tests covered, for the run's summary: browser work counted, and the HTML checker's lines."""
    browser = sys.modules.get("browserkit")
    html = sys.modules.get("test_html_valid")
    return {"browser": dict(browser.COUNTS) if browser is not None else {},
            "browsers": sorted(browser.BROWSERS) if browser is not None else [],
            "html": list(html.REPORT) if html is not None else []}


WORKER_SUMMARIES: list[dict[str, object]] = []  # in the pytest-xdist controller: each worker's summary


@pytest.hookimpl(tryfirst=True)  # before pytest's own cleanup of old runs' folders, which the thread may still be doing
def pytest_sessionfinish(session: pytest.Session) -> None:
    """In a pytest-xdist worker: hand the summary to the controller, which prints it (a worker's output is not shown).
    In the process that started the run: wait for the deletion of old runs' folders (see pytest_sessionstart)."""
    deleting = getattr(session.config, "_sco_deleting", None)
    if deleting is not None:
        deleting.join()
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["sco_summary"] = summary()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:  # type: ignore[no-untyped-def]
    """In the pytest-xdist controller: keep each worker's summary."""
    got = getattr(node, "workeroutput", {}).get("sco_summary")
    if got:
        WORKER_SUMMARIES.append(got)


def ran_files(stats: dict[str, list[Any]]) -> set[str]:
    """The test files (names only) of which at least one test ran to its call phase, passed or failed."""
    return {report.nodeid.split("::", 1)[0].rsplit("/", 1)[-1] for outcome in ("passed", "failed")
            for report in stats.get(outcome, []) if getattr(report, "when", None) == "call"}


def corpus_lines(ran: set[str]) -> list[str]:
    """One line per corpus whose test file ran: how many cases it holds."""
    lines = []
    if "test_bad_data.py" in ran:
        from test_bad_data import CASES

        lines.append(f"bad-data corpus: {len(CASES) + 3} cases (table-driven plus non-UTF-8, 50 MB, all-at-once)")
    if "test_injection.py" in ran:
        from test_injection import counts

        lines.append(f"injection cross product: {counts()}")
    if "test_plainyaml.py" in ran:
        from test_plainyaml import EDITED, GENERATED, LIMITED

        lines.append(f"plain YAML reader against PyYAML: every data file, the benchmark's files, {GENERATED:,} "
                     f"generated texts, {EDITED:,} edits of real files, {len(LIMITED)} texts at every limit")
    return lines


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # type: ignore[no-untyped-def]
    """Print the sizes of the hostile-input corpora and what the browser and the HTML checker went through, so a
    run's log says what was covered (added up over the workers when pytest-xdist ran them). A corpus is named only
    when its tests ran (a run of a few files does not claim the others' checks)."""
    for line in corpus_lines(ran_files(terminalreporter.stats)):
        terminalreporter.write_line(line)
    parts = [summary(), *WORKER_SUMMARIES]
    for part in parts:
        for line in part["html"]:
            terminalreporter.write_line(line)
    browser: dict[str, int] = {}
    for part in parts:
        for what, n in part["browser"].items():
            browser[what] = browser.get(what, 0) + n
    used = sorted({name for part in parts for name in part.get("browsers", [])})  # type: ignore[attr-defined]
    if any(browser.values()):
        terminalreporter.write_line(f"browser tests ({', '.join(used)}): "
                                    + ", ".join(f"{n} {what}" for what, n in browser.items()))
