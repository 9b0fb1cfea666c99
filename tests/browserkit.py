"""What the browser tests share: Debian's Chromium driven by Playwright, the built site served by `macros.preview`
(gzip, cache headers) on an ephemeral port or opened from file://, and a watch on every request.

Every request to a host other than the site itself is recorded, and cannot leave the machine (Chromium is started
with a proxy that refuses every connection, which loopback addresses bypass); tests assert that none was made, none
failed, and no console error appeared. Requests are watched, not intercepted: routing every request through the
test process cost about a third of each page load's CPU time. The served site's search index has no documents, so
that Material's search worker does not index the real one on every load; the search tests are given the real one.
The fixtures (`browser`, `server`, `served`, `from_disk`, `target`) are in conftest.py, module-scoped: one browser per
`test_browser*.py`, files pytest-xdist can run on different workers.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from conftest import ROOT

#: Debian's Chromium headless shell (package `chromium-headless-shell`): the same Blink, built from the same source as
#: Debian's `chromium`, without the desktop browser around it; it is what Playwright itself starts for headless runs.
#: Measured on 2 cores, each browser test file alone, CPU of the whole machine: tests/test_browser.py 71 -> 40 CPU-s,
#: the sweep 92-104 -> 81-82, the stylesheet comparison 35 -> 28; every test passes in both. `chromium` when the shell
#: is not installed (`make test` installs it).
CHROMIUM = shutil.which("chromium-headless-shell") or shutil.which("chromium") or "/usr/bin/chromium-headless-shell"
#: No request to another host leaves the machine: every one goes to a proxy on a port where nothing listens (the
#: discard port), and Chromium sends loopback addresses, the test server's, past any proxy.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--disable-quic", "--proxy-server=http://127.0.0.1:9"]
# axe-core: the npm copy pinned in package-lock.json (4.14) when `npm ci` has run, else the one the
# Python package ships.
AXE_NPM = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_PIP = Path(__import__("axe_playwright_python").__file__).parent / "axe.min.js"
AXE = AXE_NPM if AXE_NPM.is_file() else AXE_PIP
PHONE, DESKTOP = 375, 1280

#: Each browser test file sets `pytestmark = NEEDS_CHROMIUM`.
NEEDS_CHROMIUM = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is installed by `make test`")


@dataclass
class Site:
    """A built site as the browser sees it: base URL, page paths, and what left or failed."""

    base: str
    pages: list[str]
    real_index: bytes = b""  # the site's own index, read once and served from memory to every search test
    external: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path


def without_search_documents(root: Path, dest: Path) -> Path:
    """`root` as the served tests see it: the same files (hard links), but a search index with no documents."""
    shutil.copytree(root, dest, copy_function=os.link)
    index = dest / "search" / "search_index.json"
    config = json.loads(index.read_text(encoding="utf-8"))["config"]
    index.unlink()  # a file of its own, not the linked one
    index.write_text(json.dumps({"config": config, "docs": []}), encoding="utf-8")
    return dest


def real_index(root: Path) -> bytes:
    """The site's search index as built."""
    return (root / "search" / "search_index.json").read_bytes()


#: What the browser tests did, for the run's summary (conftest.py prints it).
COUNTS = {"page loads": 0, "axe runs": 0, "pages measured": 0, "searches": 0}
#: The browser they did it in, as "program version" (conftest.py's `browser` fixture adds it).
BROWSERS: set[str] = set()


def search_ready(page: Page) -> None:
    """Wait until Material's search worker has indexed the pages: the result list's line then changes from
    "Initializing search" to the placeholder text of the page's configuration. (Offline, the worker starts
    when the search box is first focused.)"""
    page.wait_for_function("""() => {
      const config = JSON.parse(document.getElementById('__config').textContent);
      const meta = document.querySelector('.md-search-result__meta');
      return meta && meta.textContent.trim() === config.translations['search.result.placeholder'];
    }""")


def page_paths(root: Path, offline: bool) -> list[str]:
    paths = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html") if p.name != "404.html")
    if offline:
        return paths
    return [p[: -len("index.html")] for p in paths]


def new_context(browser: Browser, target: Site, real_index: bool = False, **kw: Any) -> BrowserContext:
    """A context that records every request to another host, and every failed request; with `real_index`, the
    site's own search index is served in place of the empty one."""
    context = browser.new_context(**kw)
    own = urlparse(target.base)

    def sent(request: Any) -> None:
        url = urlparse(request.url)
        same = url.scheme in ("file", "about") if own.scheme == "file" else url.netloc == own.netloc
        if not (same or url.scheme in ("data", "blob")):
            target.external.append(request.url)

    def failed(request: Any) -> None:
        # A request still in flight when the test moves to the next page is aborted by the navigation:
        # not a failure of the site. (Requests to other hosts fail at the proxy and are also listed apart.)
        if request.failure != "net::ERR_ABORTED":
            target.failed.append(f"{request.url} {request.failure}")

    def answered(response: Any) -> None:
        if response.status >= 400:
            target.failed.append(f"{response.url} {response.status}")

    if real_index and own.scheme != "file":  # from disk, the offline build's pages have the index in a script
        context.route(target.url("search/search_index.json"),
                      lambda route: route.fulfill(status=200, content_type="application/json", body=target.real_index))
    context.on("request", sent)
    context.on("requestfailed", failed)
    context.on("response", answered)
    return context


def watch(page: Page, target: Site) -> Page:
    page.on("console", lambda m: target.console.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: target.console.append(f"{page.url}: {e}"))
    return page


def theme_path(target: Site, name: str) -> str:
    """A theme page's path; a page that heads a nav section (russia-china/) is its folder's index."""
    if not target.base.startswith("file:"):
        return f"{name}/"
    return f"{name}.html" if f"{name}.html" in target.pages else f"{name}/index.html"
