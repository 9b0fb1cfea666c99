"""The site in a real browser (Debian's Chromium driven by Playwright), served and from file://.

Every request to a host other than the site itself is blocked and recorded;
tests assert that none was made, none failed, and no console error appeared.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright

from conftest import ROOT, run

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__import__("axe_playwright_python").__file__).parent / "axe.min.js"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--disable-quic"]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is installed by `make test`")


@dataclass
class Site:
    """A built site as the browser sees it: base URL, page paths, and what left or failed."""

    base: str
    pages: list[str]
    external: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path


def page_paths(root: Path, offline: bool) -> list[str]:
    paths = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html") if p.name != "404.html")
    if offline:
        return paths
    return [p[: -len("index.html")] for p in paths]


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module", params=["served", "file"])
def target(request: pytest.FixtureRequest, site: Path) -> Site:
    if request.param == "served":
        base = request.getfixturevalue("server")
        return Site(base, page_paths(site, offline=False))
    root = request.getfixturevalue("offline_site")
    return Site(root.as_uri() + "/", page_paths(root, offline=True))


def new_context(browser: Browser, target: Site, **kw: object) -> BrowserContext:
    """A context that blocks and records every request to another host, and records failures."""
    context = browser.new_context(**kw)
    own = urlparse(target.base)

    def guard(route: Route) -> None:
        url = urlparse(route.request.url)
        same = url.scheme in ("file", "data", "blob", "about") if own.scheme == "file" else url.netloc == own.netloc
        if same or url.scheme in ("data", "blob"):
            route.continue_()
        else:
            target.external.append(route.request.url)
            route.abort()

    # file:// requests cannot be routed; they are the site's own files, so only the rest is guarded
    context.route(lambda url: not url.startswith("file:"), guard)
    context.on("requestfailed", lambda r: target.failed.append(f"{r.url} {r.failure}"))
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


def test_every_page_loads_clean_accessible_and_fits(browser: Browser, target: Site) -> None:
    """Every page: no outside request, no failed request, no console error, no serious axe violation, no sideways scroll."""
    axe = AXE.read_text(encoding="utf-8")
    problems: list[str] = []
    for width in (375, 1280):
        context = new_context(browser, target, viewport={"width": width, "height": 800})
        page = watch(context.new_page(), target)
        for path in target.pages:
            page.goto(target.url(path), wait_until="networkidle")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                problems.append(f"{path} at {width}px scrolls sideways by {overflow}px")
            if width == 1280:
                page.add_script_tag(content=axe)
                result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations'], preload: false})).violations"
                                       ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
                                       ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))")
                problems.extend(f"{path}: axe {v}" for v in result)
        context.close()
    assert target.external == [], target.external
    assert target.failed == [], target.failed
    assert target.console == [], target.console
    assert problems == [], "\n".join(problems)
    print(f"\n{len(target.pages)} pages checked at 375 and 1280 px ({target.base.split(':')[0]})")


@pytest.mark.parametrize("term,page_name", [("RATS", "rats"), ("docking", "docking")])
def test_search_finds_and_opens_the_right_page(browser: Browser, target: Site, term: str, page_name: str) -> None:
    """Typing a term in the search box lists the theme page, and choosing it opens that page."""
    context = new_context(browser, target, viewport={"width": 1280, "height": 900})
    page = watch(context.new_page(), target)
    page.goto(target.url(target.pages[0]), wait_until="networkidle")
    page.locator("input.md-search__input").click()
    page.keyboard.type(term)
    page.locator("li.md-search-result__item > a").first.wait_for(state="visible", timeout=15000)
    hrefs = page.locator("li.md-search-result__item > a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    wanted = [h for h in hrefs
              if urlparse(h).path.rstrip("/").endswith((page_name, page_name + ".html", page_name + "/index.html"))]
    assert wanted, f"no result for the {page_name} page among {hrefs}"
    page.locator(f"li.md-search-result__item > a[href='{wanted[0]}']").click()
    page.wait_for_load_state()
    assert page_name in page.url
    assert term.lower() in page.locator("article h1").first.inner_text().lower()
    context.close()
    assert target.external == [] and target.console == []


@pytest.mark.parametrize("term,page_name", [
    ("docking", "docking"), ("RATS", "rats"), ("enlargement", "enlargement"),
    ("Iran", "enlargement/what-changed"), ("CSTO", "rats/exercises"),
])
def test_search_puts_the_theme_page_first(browser: Browser, target: Site, term: str, page_name: str) -> None:
    """Typing a theme's word into Material's search lists that theme page first, above the glossary and sources."""
    context = new_context(browser, target, viewport={"width": 1280, "height": 900})
    page = watch(context.new_page(), target)
    page.goto(target.url(target.pages[0]), wait_until="networkidle")
    page.locator("input.md-search__input").click()
    page.keyboard.type(term)  # Material searches on key events, so the list may first show a half-typed word's results
    results = page.locator("li.md-search-result__item > a")
    results.first.wait_for(state="visible", timeout=15000)
    hrefs = None
    while hrefs != (hrefs := results.evaluate_all("els => els.map(e => e.getAttribute('href'))")):
        page.wait_for_timeout(300)  # until the list stops changing
    path = urlparse(hrefs[0]).path
    wanted = theme_path(target, page_name)
    assert path.endswith("/" + wanted) or path.endswith("/" + wanted.replace("index.html", "")), (term, path)
    context.close()
    assert target.external == [] and target.console == []


def test_citation_preview_on_hover_focus_and_tap(browser: Browser, target: Site) -> None:
    """Hover, keyboard focus and tap each reveal the quote's text next to the marker."""
    for mode in ("hover", "focus", "tap"):
        kw: dict[str, object] = {"viewport": {"width": 1280, "height": 900}}
        if mode == "tap":
            kw = {"viewport": {"width": 375, "height": 800}, "has_touch": True, "is_mobile": True}
        context = new_context(browser, target, **kw)
        page = watch(context.new_page(), target)
        page.goto(target.url(theme_path(target, "russia-china")))
        marker = page.locator("article a.sco-cite").first
        tip = page.locator(".sco-tip")
        assert tip.count() == 0
        if mode == "hover":
            marker.hover()
        elif mode == "focus":
            marker.focus()
        else:
            marker.tap()
        tip.wait_for(state="visible", timeout=3000)
        entry = page.locator(marker.get_attribute("href"))
        # the entry sits in the closed Sources list, so its text is read as text, not as rendered
        assert tip.locator(".sco-tip-text").inner_text().strip("“”") == " ".join(entry.locator("q").text_content().split())
        assert tip.locator(".sco-tip-by").inner_text() == " ".join(entry.locator(".sco-by").text_content().split())
        box = tip.bounding_box()
        assert box is not None and box["width"] > 100 and 0 <= box["x"] and box["x"] + box["width"] <= kw["viewport"]["width"]
        if mode == "tap":
            assert "#ref-" not in page.url, "the first tap should preview, not jump"
            marker.tap()
            page.wait_for_function("location.hash.startsWith('#ref-')")  # the second tap follows the link
        context.close()
    assert target.external == [] and target.console == []


def test_backlink_lands_on_the_citing_fact(browser: Browser, target: Site) -> None:
    """Following a "Cited on" link from a source page lands on the fact that cites the quote."""
    context = new_context(browser, target, viewport={"width": 1280, "height": 900})
    page = watch(context.new_page(), target)
    page.goto(target.url(theme_path(target, "sources/seiwert-2021")))
    link = page.locator(".sco-cited-on a[href*='#fact-']").first
    anchor = link.get_attribute("href").split("#", 1)[1]
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith("#" + anchor)
    fact = page.locator(f"[id='{anchor}']")
    assert fact.count() == 1 and fact.evaluate("el => el.matches(':target')")
    # A listed fact holds its markers; a fact stated in prose (cite_fact) is an anchor beside them.
    holder = fact.locator("xpath=ancestor-or-self::*[contains(concat(' ', @class, ' '), ' sco-fact ')"
                          " or contains(concat(' ', @class, ' '), ' sco-fact-ref ')][1]")
    assert holder.locator("a.sco-cite").count() >= 1
    context.close()


def test_dark_mode_toggle_and_charts_follow_palette(browser: Browser, target: Site) -> None:
    """The palette toggle switches to the dark scheme, and chart text takes the dark scheme's colour."""
    context = new_context(browser, target, viewport={"width": 1280, "height": 900})
    page = watch(context.new_page(), target)
    page.goto(target.url(theme_path(target, "timeline")))
    light = page.locator(".sco-chart text").first.evaluate("el => getComputedStyle(el).fill")
    page.locator("form[data-md-component='palette'] label:visible").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    dark = page.locator(".sco-chart text").first.evaluate("el => getComputedStyle(el).fill")
    assert light != dark
    context.close()
    assert target.external == [] and target.console == []


def test_editor_view_toggle_is_remembered(browser: Browser, target: Site) -> None:
    """Edit links and "as of" dates stay out of the text until Editor view is on; the choice survives a reload."""
    context = new_context(browser, target, viewport={"width": 1280, "height": 900})
    page = watch(context.new_page(), target)
    page.goto(target.url(theme_path(target, "docking")))
    edit = page.locator("article .sco-edit").first
    asof = page.locator("article .sco-asof").first

    def shown() -> bool:
        return edit.bounding_box()["width"] > 2 and asof.bounding_box()["width"] > 2

    assert not shown()
    toggle = page.locator("button.sco-editor-toggle")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert shown() and toggle.get_attribute("aria-pressed") == "true"
    page.reload()
    assert shown() and page.locator("button.sco-editor-toggle").get_attribute("aria-pressed") == "true"
    page.locator("button.sco-editor-toggle").click()
    page.reload()
    assert not shown()
    edit.focus()  # keyboard users reach an edit link in reader view too
    assert edit.bounding_box()["width"] > 2
    context.close()
    assert target.external == [] and target.console == []


def test_marker_opens_the_closed_sources_list_and_links_back(browser: Browser, target: Site) -> None:
    """Following a marker opens the closed Sources list at its entry; the entry's backlink returns to the marker."""
    context = new_context(browser, target, viewport={"width": 1280, "height": 900})
    page = watch(context.new_page(), target)
    page.goto(target.url(theme_path(target, "docking")))
    details = page.locator("section.sco-sources details")
    assert details.evaluate("d => d.open") is False
    marker = page.locator("article a.sco-cite").nth(3)
    marker_id, entry_id = marker.get_attribute("id"), marker.get_attribute("href")[1:]
    marker.click()
    page.wait_for_function(f"location.hash === '#{entry_id}'")
    assert details.evaluate("d => d.open") is True
    entry = page.locator(f"li[id='{entry_id}']")
    assert entry.is_visible() and entry.evaluate("el => el.getBoundingClientRect().top < innerHeight")
    entry.locator(f".sco-backrefs a[href='#{marker_id}']").click()
    page.wait_for_function(f"location.hash === '#{marker_id}'")
    assert page.locator(f"[id='{marker_id}']").evaluate("el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }")
    context.close()
    assert target.external == [] and target.console == []
