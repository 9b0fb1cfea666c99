"""The site in a real browser (Debian's Chromium driven by Playwright), served and from file://.

The served site comes from `macros.preview` (gzip, cache headers) on an ephemeral port. Every
request to a host other than the site itself is blocked and recorded; tests assert that none was
made, none failed, and no console error appeared. One browser serves the whole module; the
accessibility sweep loads each page once per width, checks it in the light colour scheme and then
in the dark one in the same tab, in several tabs at once, and the checks that read its results
are separate tests. Pages other than the search tests get an empty search index, so that
Material's search worker does not index the real one on every load.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Route, sync_playwright

from conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--disable-quic"]
# axe-core: the npm copy pinned in package-lock.json (4.14) when `npm ci` has run, else the one the
# Python package ships.
AXE_NPM = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_PIP = Path(__import__("axe_playwright_python").__file__).parent / "axe.min.js"
AXE = AXE_NPM if AXE_NPM.is_file() else AXE_PIP
PHONE, DESKTOP = 375, 1280

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is installed by `make test`")


@dataclass
class Site:
    """A built site as the browser sees it: base URL, page paths, and what left or failed."""

    base: str
    pages: list[str]
    empty_index: str = ""
    real_index: bytes = b""  # the site's own index, read once and served from memory to every search test
    external: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path


def empty_index(root: Path) -> str:
    """The site's search index with no documents: what pages that do not search are served."""
    config = json.loads((root / "search" / "search_index.json").read_text(encoding="utf-8"))["config"]
    return json.dumps({"config": config, "docs": []})


def real_index(root: Path) -> bytes:
    """The site's search index as built."""
    return (root / "search" / "search_index.json").read_bytes()


#: What the browser tests did, for the run's summary (conftest.py prints it).
COUNTS = {"page loads": 0, "axe runs": 0, "pages measured": 0, "searches": 0}


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


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    """The built site behind `make preview`'s server, on a free port."""
    from macros.preview import make_server

    httpd = make_server(site, 0, quiet=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


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
        return Site(base, page_paths(site, offline=False), empty_index(site), real_index(site))
    root = request.getfixturevalue("offline_site")
    return Site(root.as_uri() + "/", page_paths(root, offline=True))


@pytest.fixture(scope="module")
def served(server: str, site: Path) -> Site:
    return Site(server, page_paths(site, offline=False), empty_index(site), real_index(site))


def new_context(browser: Browser, target: Site, real_index: bool = False, **kw: Any) -> BrowserContext:
    """A context that blocks and records every request to another host, and records failures."""
    context = browser.new_context(**kw)
    own = urlparse(target.base)

    def guard(route: Route) -> None:
        url = urlparse(route.request.url)
        same = url.scheme in ("file", "data", "blob", "about") if own.scheme == "file" else url.netloc == own.netloc
        if not (same or url.scheme in ("data", "blob")):
            target.external.append(route.request.url)
            route.abort()
        elif url.path.endswith("/search/search_index.json"):
            route.fulfill(status=200, content_type="application/json",
                          body=target.real_index if real_index else target.empty_index)
        else:
            route.continue_()

    def failed(request: Any) -> None:
        # A request still in flight when the test moves to the next page is aborted by the navigation:
        # not a failure of the site. (Requests to other hosts are aborted by the guard and listed apart.)
        if request.failure != "net::ERR_ABORTED":
            target.failed.append(f"{request.url} {request.failure}")

    def answered(response: Any) -> None:
        if response.status >= 400:
            target.failed.append(f"{response.url} {response.status}")

    # file:// requests cannot be routed; they are the site's own files, so only the rest is guarded
    context.route(lambda url: not url.startswith("file:"), guard)
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


# -- every page, every width and scheme --------------------------------------------------------

# Material's navigation, not ours: for a section with an index page, Material 9.8 labels the
# section's <nav> by a <label> that holds only an icon (partials/nav-item.html), so those navs share
# an empty name (axe "landmark-unique"). Those nodes, and only those, are left out.
MATERIAL_KNOWN = {"landmark-unique": "nav.md-nav[aria-labelledby]"}
# Rules whose result can change with the colour scheme; in the dark scheme only these run again
# (the markup and layout are the same as in the light scheme, which runs every rule).
COLOUR_RULES = ["color-contrast", "link-in-text-block", "non-text-contrast"]

AXE_START = """([rules, known]) => {
  // Started from a timer, so that this call returns at once: axe.run holds the page's thread until it is
  // done, and called directly it made each tab wait for the one before (the tabs took turns). The timer
  // also lets sco.js look at the tables just after the load event, as it does, before axe reads the page.
  const options = {resultTypes: ['violations']};
  window.__axe = new Promise(done => setTimeout(done, 50)).then(() => {
    if (rules) options.runOnly = {type: 'rule', values: rules.filter(r => axe.getRules().some(g => g.ruleId === r))};
    return axe.run(document, options);
  }).then(r => r.violations.map(v => {
    const nodes = v.nodes.filter(n => !(known[v.id] && document.querySelector(n.target[0])?.matches(known[v.id])));
    return nodes.length ? `${v.id} (${v.impact}): ` + nodes.slice(0, 4).map(n => n.target.join(' ')).join(' | ')
      + (nodes.length > 4 ? ` and ${nodes.length - 4} more` : '') : null;
  }).filter(Boolean));
}"""

MEASURE = """() => {
  const shown = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const box = r => ({x0: r.left, y0: r.top, x1: r.right, y1: r.bottom});
  const markers = [...document.querySelectorAll('article a.sco-cite')].filter(shown).map(a => {
    const r = a.getBoundingClientRect();
    return {n: a.textContent, ...box(r), w: r.width, h: r.height, lines: a.getClientRects().length};
  });
  const charts = [...document.querySelectorAll('.sco-chart svg')].filter(shown).map(svg => {
    const r = svg.getBoundingClientRect(), scale = r.width / svg.viewBox.baseVal.width;
    const texts = [...svg.querySelectorAll('text')].map(t => ({text: t.textContent,
      px: parseFloat(getComputedStyle(t).fontSize) * scale, ...box(t.getBoundingClientRect())}));
    return {name: svg.id || svg.getAttribute('class'), ...box(r), texts};
  });
  const scrollers = [...document.querySelectorAll('article *')].filter(e => {
    const s = getComputedStyle(e);
    return (s.overflowX === 'auto' || s.overflowX === 'scroll') && e.scrollWidth > e.clientWidth + 1;
  }).map(e => ({what: e.tagName.toLowerCase() + '.' + [...e.classList].join('.'), tabindex: e.getAttribute('tabindex'),
               cue: getComputedStyle(e).backgroundImage !== 'none'}));
  const table = document.querySelector('article table.sco-membership');
  const cards = table ? [...table.tBodies].map(b => ({display: getComputedStyle(b).display, w: b.offsetWidth})) : [];
  const changes = document.querySelector('article table.sco-changes');
  return {overflow: document.documentElement.scrollWidth - window.innerWidth, markers, charts, scrollers,
          membership: table && {height: table.offsetHeight, width: table.offsetWidth, cards},
          changes: changes && changes.offsetHeight};
}"""


@dataclass
class Report:
    """What one page showed at one width in one scheme."""

    path: str
    width: int
    scheme: str
    violations: list[str]
    measured: dict[str, Any]

    @property
    def where(self) -> str:
        return f"{self.path or '/'} at {self.width}px {self.scheme}"


# Material picks the palette whose media query matches when a page opens with no palette remembered, and
# keeps it: a later change of prefers-color-scheme does not reach it (watchPalette takes the index once,
# and its replay on a media change repeats the same palette). So the tab's scheme is emulated first and
# then the palette input that now matches is chosen, as Material chose it at load, through the input's
# change event that Material listens to. Every element's style is then read while Material's
# data-md-color-switching attribute (transitions off) is still on, so that no colour is caught halfway
# through a transition; the call resolves once Material has taken the attribute off again.
TO_SCHEME = """async () => {
  const before = getComputedStyle(document.body).backgroundColor;
  const input = [...document.querySelectorAll('form[data-md-component=palette] input')]
    .find(i => matchMedia(i.getAttribute('data-md-color-media')).matches);
  input.dispatchEvent(new Event('change'));
  for (const el of document.querySelectorAll('*')) getComputedStyle(el).color;
  while (document.body.hasAttribute('data-md-color-switching')) await new Promise(done => setTimeout(done, 10));
  return {before, after: getComputedStyle(document.body).backgroundColor, transitions: document.getAnimations().length};
}"""
# Each load starts as a first visit: Material remembers the palette in localStorage, and the palette
# chosen for the dark run of the page before would otherwise be the next page's.
FIRST_VISIT = "try { localStorage.clear(); } catch (e) { /* about:blank has no storage */ }"


@pytest.fixture(scope="module")
def sweep(browser: Browser, served: Site) -> list[Report]:
    """Every page at 375 and 1280 px, light and dark: axe (every impact) and layout measurements.

    Each page is loaded once per width: axe runs every rule and the layout is measured in the light
    scheme, then the same tab is switched to the dark scheme, where the colour rules run again and the
    layout is measured again. Loading every page again for the dark scheme (Material's bundle, its
    search worker, the site's scripts) cost about a fifth of the sweep's CPU, and the dark scheme
    changes colours only; its reports are the same as from a page loaded dark."""
    axe = AXE.read_text(encoding="utf-8")
    reports: list[Report] = []
    tabs = 3
    for width in (PHONE, DESKTOP):
        # a context per tab: the palette a tab leaves in localStorage must not reach another tab's page
        contexts = [new_context(browser, served, viewport={"width": width, "height": 800}, color_scheme="light")
                    for _ in range(tabs)]
        for context in contexts:
            context.add_init_script(axe)
            context.add_init_script(FIRST_VISIT)
        free = [watch(context.new_page(), served) for context in contexts]
        pending: deque[tuple[Page, str, str]] = deque()  # pages whose axe run is under way, oldest first
        paths = iter(served.pages)

        def start(tab: Page, path: str, scheme: str) -> None:
            tab.evaluate(AXE_START, [None if scheme == "light" else COLOUR_RULES, MATERIAL_KNOWN])
            pending.append((tab, path, scheme))

        while True:
            while free and (path := next(paths, None)) is not None:  # a free tab loads the next page at once
                tab = free.pop(0)
                tab.emulate_media(color_scheme="light")
                tab.goto(served.url(path), wait_until="load")
                COUNTS["page loads"] += 1
                start(tab, path, "light")
            if not pending:
                break
            tab, path, scheme = pending.popleft()
            violations = tab.evaluate("() => window.__axe")
            reports.append(Report(path, width, scheme, violations, tab.evaluate(MEASURE)))
            COUNTS["axe runs"] += 1
            COUNTS["pages measured"] += 1
            if scheme == "light":
                tab.emulate_media(color_scheme="dark")
                switched = tab.evaluate(TO_SCHEME)
                # the page really turned dark, and no colour is still on its way there
                assert switched["after"] != switched["before"], \
                    f"{path} at {width}px: the light and the dark scheme look the same ({switched})"
                assert switched["transitions"] == 0, f"{path} at {width}px: {switched}"
                start(tab, path, "dark")
            else:
                free.append(tab)
        for context in contexts:
            context.close()
    assert served.external == [], served.external
    assert served.failed == [], served.failed
    assert served.console == [], served.console
    print(f"\naxe {re.search(r'axe v([0-9.]+)', axe[:200]).group(1)}: {len(served.pages)} pages "
          f"at {PHONE} and {DESKTOP} px, light and dark")
    order = {path: i for i, path in enumerate(served.pages)}
    return sorted(reports, key=lambda r: (r.width, r.scheme != "light", order[r.path]))


def test_axe_finds_no_violation_of_any_impact(sweep: list[Report]) -> None:
    """axe-core reports nothing, at any impact, on any page at 375 and 1280 px in light and dark."""
    problems = [f"{r.where}: {v}" for r in sweep for v in r.violations]
    assert problems == [], "\n".join(problems)


def test_no_page_scrolls_sideways(sweep: list[Report]) -> None:
    """No page is wider than the screen at 375 or 1280 px."""
    assert [f"{r.where}: {r.measured['overflow']}px" for r in sweep if r.measured["overflow"] > 0] == []


def test_marker_targets_are_24px_and_never_break(sweep: list[Report]) -> None:
    """Every citation marker is a target of at least 24x24 px (WCAG 2.5.8), never split across lines,
    and no two markers' targets overlap, also in runs like [1][2][3]."""
    problems = []
    for r in sweep:
        if r.scheme != "light":
            continue
        markers = r.measured["markers"]
        for m in markers:
            if m["w"] < 24 or m["h"] < 24 or m["lines"] != 1:
                problems.append(f"{r.where}: marker {m['n']} is {m['w']:.1f}x{m['h']:.1f}px on {m['lines']} line(s)")
        ordered = sorted(markers, key=lambda m: (m["y0"], m["x0"]))
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                if b["y0"] >= a["y1"]:
                    break
                if overlap(a, b) > 1:
                    problems.append(f"{r.where}: markers {a['n']} and {b['n']} overlap")
    assert problems == [], "\n".join(problems[:30])
    assert sum(len(r.measured["markers"]) for r in sweep) > 500  # the check saw the markers


def test_chart_text_is_at_least_11px_at_375(sweep: list[Report]) -> None:
    """Every label of every chart is drawn at 11 px or more on a 375 px screen (and at 1280 px)."""
    seen, problems = 0, []
    for r in sweep:
        for chart in r.measured["charts"]:
            for t in chart["texts"]:
                seen += 1
                if t["px"] < 11:
                    problems.append(f"{r.where}: {chart['name']} '{t['text']}' at {t['px']:.1f}px")
    assert problems == [], "\n".join(problems[:30])
    assert seen > 100 and any(r.width == PHONE and r.measured["charts"] for r in sweep)


def test_chart_labels_neither_overlap_nor_are_clipped(sweep: list[Report]) -> None:
    """No two labels of a chart overlap, and each lies inside its picture (bounding boxes in the browser)."""
    problems = []
    for r in sweep:
        if r.scheme != "light":
            continue
        for chart in r.measured["charts"]:
            texts = chart["texts"]
            for t in texts:
                if t["x0"] < chart["x0"] - 0.5 or t["x1"] > chart["x1"] + 0.5 or t["y0"] < chart["y0"] - 0.5 \
                        or t["y1"] > chart["y1"] + 0.5:
                    problems.append(f"{r.where}: {chart['name']} '{t['text']}' is clipped")
            for i, a in enumerate(texts):
                for b in texts[i + 1:]:
                    if overlap(a, b) > 0.5:
                        problems.append(f"{r.where}: {chart['name']} '{a['text']}' overlaps '{b['text']}'")
    assert problems == [], "\n".join(problems[:30])


def test_tables_that_scroll_are_focusable_with_a_cue(sweep: list[Report]) -> None:
    """A table that scrolls sideways can be reached by keyboard and shows a scroll cue."""
    scrolling = [(r, s) for r in sweep for s in r.measured["scrollers"]]
    assert [f"{r.where}: {s}" for r, s in scrolling if s["tabindex"] != "0" or not s["cue"]] == []
    assert scrolling, "no table scrolls at 375 px: the check saw nothing"


def test_membership_is_cards_on_a_phone_a_third_as_tall(sweep: list[Report]) -> None:
    """Below 600 px the membership table is one card per state, at most a third of the old table's
    13,024 px at 375 px; at 1280 px it is a table."""
    phone = next(r for r in sweep if r.path == "members/" and r.width == PHONE and r.scheme == "light")
    desk = next(r for r in sweep if r.path == "members/" and r.width == DESKTOP and r.scheme == "light")
    table = phone.measured["membership"]
    assert table["height"] <= 13024 / 3, f"membership at 375 px is {table['height']} px tall"
    assert len(table["cards"]) >= 10
    assert all(c["display"] == "block" and c["w"] >= table["width"] - 2 for c in table["cards"]), table["cards"]
    assert all(c["display"] == "table-row-group" for c in desk.measured["membership"]["cards"])


def test_changes_by_year_is_a_third_of_the_old_by_year_table(sweep: list[Report]) -> None:
    """"Changes by year" replaced a grid of every year (4,010 px at 375 px): it is at most a third as tall."""
    heights = {r.path: r.measured["changes"] for r in sweep if r.width == PHONE and r.scheme == "light"
               and r.measured["changes"]}
    assert "members/" in heights
    assert all(h <= 4010 / 3 for h in heights.values()), heights


# -- the published stylesheets are minified (macros/minify.py); they style every element as the sources do ----

#: Each element's computed value of each property the site's stylesheets set, and its ::before's and ::after's,
#: as [name, hash of the values]. Only those properties: what a minified stylesheet changes shows in them, and
#: reading all of Chromium's (with Material's custom properties, about 500) took 80 s on the largest page.
STYLES = """(props) => {
  const fnv = s => { let h = 0x811c9dc5; for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
                     return h >>> 0; };
  const out = [];
  for (const el of document.querySelectorAll('*')) {
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + [...el.classList].map(c => '.' + c).join('');
    for (const pseudo of ['', '::before', '::after']) {
      const style = getComputedStyle(el, pseudo || null), content = style.getPropertyValue('content');
      const none = pseudo && (content === 'none' || content === 'normal');  // no such pseudo-element
      out.push([name + pseudo, none ? content : fnv(props.map(p => style.getPropertyValue(p)).join(';'))]);
    }
  }
  return out;
}"""
#: The values behind the `index`-th entry of STYLES (to say what differs).
STYLE_OF = """([index, props]) => {
  const el = document.querySelectorAll('*')[Math.floor(index / 3)];
  const style = getComputedStyle(el, ['', '::before', '::after'][index % 3] || null);
  return Object.fromEntries(props.map(p => [p, style.getPropertyValue(p)]));
}"""
#: The site's stylesheets as Chromium read them: every rule, nested ones too, with its selector (or condition)
#: and each declaration as parsed. Custom properties, and values that use one, keep their text as written, so
#: the spaces after commas that minifying removes are removed from theirs too. Covers the rules no loaded page shows (:hover, :target,
#: the citation preview).
RULES = """() => {
  const out = [];
  const walk = (rules, depth) => { for (const rule of rules) {
    const head = rule.selectorText ?? rule.conditionText ?? rule.constructor.name;
    const value = p => { const v = rule.style.getPropertyValue(p);
                         return p.startsWith('--') || v.includes('var(') ? v.trim().replace(/,\\s+/g, ',') : v; };
    const style = rule.style ? [...rule.style].map(p => p + ':' + value(p) + (rule.style.getPropertyPriority(p) ? '!' : ''))
      .join(';') : '';
    out.push(depth + ' ' + head + ' {' + style + '}');
    if (rule.cssRules) walk(rule.cssRules, depth + 1);
  } };
  for (const sheet of document.styleSheets) {
    if (/\\/assets\\/sco(-reader)?\\.css$/.test(sheet.href || '')) { out.push(sheet.href.split('/').pop()); walk(sheet.cssRules, 0); }
  }
  return out;
}"""
#: No transition or animation caught halfway, in either load (the same rule in both).
STILL = "*, *::before, *::after { transition: none !important; animation: none !important; }"
#: Pages whose elements, between them, match 155 of the 187 selectors of sco.css and sco-reader.css (the rest
#: are states: :hover, :target, Editor view, the citation preview, which RULES covers).
STYLED_PAGES = ["", "economy/", "members/", "timeline/", "figures/", "glossary/", "data/", "changes/",
                "sources/dejong-wouters-2015/"]
OWN_CSS = ("sco.css", "sco-reader.css")


def declared_properties() -> list[str]:
    """The properties the site's stylesheets set (custom properties aside: they show in those that use them)."""
    names: set[str] = set()
    for name in OWN_CSS:
        css = re.sub(r"/\*.*?\*/", "", (ROOT / "docs" / "assets" / name).read_text(encoding="utf-8"), flags=re.S)
        names.update(re.findall(r"[{;]\s*([a-z][a-z-]*)\s*:(?![a-z-]*\()", css))
    return sorted(names)


def css_answer(text: str) -> Any:
    """A route handler that answers with the stylesheet `text`."""
    return lambda route: route.fulfill(status=200, content_type="text/css; charset=utf-8", body=text)


@pytest.mark.parametrize("width,scheme", [(PHONE, "light"), (DESKTOP, "dark")])
def test_minified_css_renders_as_the_source(browser: Browser, served: Site, site: Path, width: int,
                                            scheme: str) -> None:
    """With the published (minified) stylesheets Chromium reads the same rules as from the readable sources, and
    every element of the pages that use them has the same computed style, at 375 px light and 1280 px dark."""
    sources = {name: (ROOT / "docs" / "assets" / name).read_text(encoding="utf-8") for name in OWN_CSS}
    assert all((site / "assets" / name).read_text(encoding="utf-8") != text for name, text in sources.items()), \
        "the site publishes the sources as written: nothing to compare"
    props = declared_properties()
    assert len(props) > 50 and {"padding", "line-height", "content", "display"} <= set(props), props
    tabs = {}
    for label in ("published", "sources"):
        context = new_context(browser, served, viewport={"width": width, "height": 900}, color_scheme=scheme)
        context.add_init_script("document.addEventListener('DOMContentLoaded', () => document.head.appendChild("
                                f"Object.assign(document.createElement('style'), {{textContent: {json.dumps(STILL)}}})))")
        if label == "sources":
            for name, text in sources.items():
                context.route(f"**/assets/{name}", css_answer(text))
        tabs[label] = watch(context.new_page(), served)
    compared = 0
    for n, path in enumerate(STYLED_PAGES):
        rules = {}
        for label, tab in tabs.items():
            tab.goto(served.url(path), wait_until="load")
            COUNTS["page loads"] += 1
            search_ready(tab)  # the search box's line changes when the worker is ready, and with it its size
            if n == 0:
                rules[label] = tab.evaluate(RULES)
        if rules:
            assert len(rules["sources"]) > 150
            assert rules["published"] == rules["sources"]
        for attempt in range(2):  # what differs after a load may be a script still at work: it must differ again
            if attempt:
                for tab in tabs.values():
                    tab.wait_for_timeout(250)
            published, ours = (tab.evaluate(STYLES, props) for tab in tabs.values())
            assert [name for name, _ in published] == [name for name, _ in ours], f"{path}: the pages differ"
            differ = [i for i, (a, b) in enumerate(zip(published, ours)) if a[1] != b[1]]
            if not differ:
                break
        if differ:
            a, b = (tab.evaluate(STYLE_OF, [differ[0], props]) for tab in tabs.values())
            pytest.fail(f"{path or '/'} at {width}px {scheme}: {len(differ)} styles differ, first "
                        f"{published[differ[0]][0]}: {({k: (a[k], b[k]) for k in props if a[k] != b[k]})} "
                        "(published, sources)")
        compared += len(published)
    for tab in tabs.values():
        tab.context.close()
    assert served.external == [] and served.failed == [] and served.console == []
    print(f"\n{compared} element and pseudo-element styles ({len(props)} properties each) compared at {width}px {scheme}")


def overlap(a: dict[str, float], b: dict[str, float]) -> float:
    """The area two boxes share."""
    return max(0.0, min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])) * max(0.0, min(a["y1"], b["y1"]) - max(a["y0"], b["y0"]))


# -- both targets: served and file:// ------------------------------------------------------------

def test_every_page_loads_clean(browser: Browser, target: Site) -> None:
    """Every page loads with no outside request, no failed request and no console error."""
    context = new_context(browser, target, viewport={"width": PHONE, "height": 800})
    tabs = [watch(context.new_page(), target) for _ in range(3)]
    for i in range(0, len(target.pages), len(tabs)):
        batch = list(zip(tabs, target.pages[i:i + len(tabs)]))
        for tab, path in batch:  # start each load, then wait for each: the tabs load side by side
            tab.goto(target.url(path), wait_until="commit")
        for tab, path in batch:
            tab.wait_for_load_state("load")
            assert tab.url.split("#")[0].endswith(path) or (path == "" and tab.url == target.base), (tab.url, path)
        COUNTS["page loads"] += len(batch)
    context.close()
    assert target.external == [], target.external
    assert target.failed == [], target.failed
    assert target.console == [], target.console
    print(f"\n{len(target.pages)} pages loaded ({target.base.split(':')[0]})")


def search(browser: Browser, target: Site, term: str) -> tuple[BrowserContext, Page, list[str]]:
    """Type `term` into Material's search on the first page; the result links once the list stops changing."""
    context = new_context(browser, target, real_index=True, viewport={"width": 1280, "height": 900})
    page = watch(context.new_page(), target)
    page.goto(target.url(target.pages[0]), wait_until="load")
    page.locator("input.md-search__input").click()
    search_ready(page)
    COUNTS["page loads"] += 1
    COUNTS["searches"] += 1
    page.keyboard.type(term)  # Material searches on key events, so the list may first show a half-typed word's results
    results = page.locator("li.md-search-result__item > a")
    results.first.wait_for(state="visible", timeout=15000)
    hrefs = None
    while hrefs != (hrefs := results.evaluate_all("els => els.map(e => e.getAttribute('href'))")):
        page.wait_for_timeout(300)  # until the list stops changing
    return context, page, hrefs


@pytest.mark.parametrize("term,page_name", [("RATS", "rats"), ("docking", "docking")])
def test_search_finds_and_opens_the_right_page(browser: Browser, target: Site, term: str, page_name: str) -> None:
    """Typing a term in the search box lists the theme page, and choosing it opens that page."""
    context, page, hrefs = search(browser, target, term)
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
    context, _, hrefs = search(browser, target, term)
    path = urlparse(hrefs[0]).path
    wanted = theme_path(target, page_name)
    assert path.endswith("/" + wanted) or path.endswith("/" + wanted.replace("index.html", "")), (term, path)
    context.close()
    assert target.external == [] and target.console == []


def test_citation_preview_on_hover_focus_and_tap(browser: Browser, target: Site) -> None:
    """Hover, keyboard focus and tap each reveal the quote's text next to the marker."""
    for mode in ("hover", "focus", "tap"):
        kw: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}}
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


# -- citation previews (served) --------------------------------------------------------------------

def low_marker(page: Page, fraction: float) -> int:
    """The index of the first marker of the article that can be scrolled to `fraction` of the viewport's
    height (one far enough down the page), scrolled there."""
    index = page.locator("article a.sco-cite").evaluate_all(
        "(els, f) => els.findIndex(el => el.getBoundingClientRect().top + scrollY > innerHeight * f + 40)", fraction)
    assert index >= 0, "no marker far enough down the page"
    page.locator("article a.sco-cite").nth(index).evaluate(
        "(el, f) => window.scrollBy(0, el.getBoundingClientRect().top - innerHeight * f)", fraction)
    page.wait_for_timeout(50)
    return index


@pytest.mark.parametrize("name", ["russia-china", "docking", "rats"])
@pytest.mark.parametrize("fraction", [0.7, 0.9])
def test_tap_low_on_a_phone_screen_previews_then_follows(browser: Browser, served: Site, name: str,
                                                         fraction: float) -> None:
    """A touch tap on a marker at 70-90 % of a 375x812 screen opens its preview, on screen and next to the
    marker; a second tap follows the marker to its Sources entry."""
    context = new_context(browser, served, viewport={"width": 375, "height": 812}, has_touch=True, is_mobile=True)
    page = watch(context.new_page(), served)
    page.goto(served.url(f"{name}/"))
    index = low_marker(page, fraction)
    marker = page.locator("article a.sco-cite").nth(index)
    box = marker.bounding_box()
    assert box is not None and 0.65 * 812 < box["y"] < 0.95 * 812
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tip = page.locator(".sco-tip")
    tip.wait_for(state="visible", timeout=3000)
    shown = tip.bounding_box()
    assert shown is not None and shown["x"] >= 0 and shown["x"] + shown["width"] <= 375
    assert shown["y"] >= 0 and shown["y"] + shown["height"] <= 812
    assert shown["y"] + shown["height"] <= box["y"] + 1 or shown["y"] >= box["y"] + box["height"] - 1, \
        "the preview covers its marker"
    href = marker.get_attribute("href")
    assert "#ref-" not in page.url
    box = marker.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("h => location.hash === h", arg=href)
    assert page.locator(href).is_visible()
    context.close()
    assert served.external == [] and served.console == []


@pytest.mark.parametrize("width", [320, 1280])
def test_preview_is_anchored_to_its_marker(browser: Browser, served: Site, width: int) -> None:
    """The preview opens next to its marker (not at the start of the line) and inside a 320 px screen."""
    context = new_context(browser, served, viewport={"width": width, "height": 800})
    page = watch(context.new_page(), served)
    page.goto(served.url("docking/"))
    for index in (0, 2, 5):
        marker = page.locator("article a.sco-cite").nth(index)
        marker.scroll_into_view_if_needed()
        marker.hover()
        tip = page.locator(".sco-tip")
        tip.wait_for(state="visible", timeout=3000)
        m, t = marker.bounding_box(), tip.bounding_box()
        assert m is not None and t is not None
        assert 0 <= t["x"] and t["x"] + t["width"] <= width, f"preview {t} outside a {width}px screen"
        assert t["x"] <= m["x"] + m["width"] / 2 <= t["x"] + t["width"], f"preview {t} not under marker {m}"
        gap = t["y"] - (m["y"] + m["height"]) if t["y"] >= m["y"] else m["y"] - (t["y"] + t["height"])
        assert 0 <= gap <= 12, f"preview {t} is {gap}px from marker {m}"
        page.mouse.move(1, 790)
        tip.wait_for(state="detached", timeout=3000)
    context.close()


def test_preview_stays_while_hovered_and_closes_on_escape(browser: Browser, served: Site) -> None:
    """WCAG 1.4.13: the pointer can move from the marker onto the preview and it stays; Escape closes it;
    moving away closes it."""
    context = new_context(browser, served, viewport={"width": 1280, "height": 900})
    page = watch(context.new_page(), served)
    page.goto(served.url("docking/"))
    marker = page.locator("article a.sco-cite").nth(2)
    marker.scroll_into_view_if_needed()
    marker.hover()
    tip = page.locator(".sco-tip")
    tip.wait_for(state="visible", timeout=3000)
    t = tip.bounding_box()
    assert t is not None
    page.mouse.move(t["x"] + t["width"] / 2, t["y"] + t["height"] / 2, steps=8)
    page.wait_for_timeout(700)  # longer than the hide delay
    assert tip.is_visible(), "the preview closed when the pointer moved onto it"
    page.keyboard.press("Escape")
    assert tip.count() == 0
    marker.hover()
    tip.wait_for(state="visible", timeout=3000)
    page.mouse.move(1, 890, steps=4)
    tip.wait_for(state="detached", timeout=3000)
    context.close()
    assert served.console == []


def test_preview_by_keyboard_offers_its_links(browser: Browser, served: Site) -> None:
    """Focus shows the preview; Tab enters its "In context" and "Original" links (the entry's own, not the
    entry's backlinks); Escape closes it and returns focus; Enter follows the marker."""
    context = new_context(browser, served, viewport={"width": 1280, "height": 900})
    page = watch(context.new_page(), served)
    page.goto(served.url("russia-china/"))
    marker = page.locator("article a.sco-cite").first
    href = marker.get_attribute("href")
    entry = page.locator(href)
    # Backlinks an entry may carry must not reach the preview.
    entry.evaluate("el => el.insertAdjacentHTML('beforeend', ' <span class=\"sco-backrefs\"><a href=\"#x\">back</a></span>')")
    marker.focus()
    tip = page.locator(".sco-tip")
    tip.wait_for(state="visible", timeout=3000)
    links = tip.locator("a")
    assert links.evaluate_all("els => els.map(a => a.textContent)") == ["In context", "Original"]
    context_link = entry.evaluate("el => [...el.querySelectorAll('a:not(.sco-original)')]"
                                  ".find(a => !a.closest('.sco-backrefs')).getAttribute('href')")
    original = entry.locator("a.sco-original").get_attribute("href")
    assert links.evaluate_all("els => els.map(a => a.getAttribute('href'))") == [context_link, original]
    assert "back" not in tip.inner_text()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "In context"
    assert tip.is_visible()
    page.keyboard.press("Escape")
    assert tip.count() == 0
    assert page.evaluate("document.activeElement.getAttribute('href')") == href
    page.keyboard.press("Enter")
    page.wait_for_function("h => location.hash === h", arg=href)
    context.close()
    assert served.console == []


@pytest.mark.parametrize("how", ["click", "second tap", "enter", "link"])
def test_following_a_marker_opens_a_collapsed_sources_list(browser: Browser, served: Site, how: str) -> None:
    """When the Sources list is a closed <details>, following a marker (click, second tap, Enter, or a
    plain link to the entry) opens it and shows the entry. (Chromium also opens it by itself on a
    fragment navigation; sco.js does it for browsers that do not, and this guards the whole path.)"""
    touch = how == "second tap"
    context = new_context(browser, served, viewport={"width": 375 if touch else 1280, "height": 800},
                          has_touch=touch, is_mobile=touch)
    page = watch(context.new_page(), served)
    page.goto(served.url("docking/"))
    page.evaluate("""() => {  // a closed list, whether the page ships one or not
      const list = document.querySelector('.sco-sources ol');
      let d = list.closest('details');
      if (!d) {
        d = document.createElement('details');
        d.innerHTML = '<summary>Sources</summary>'; list.replaceWith(d); d.appendChild(list);
      }
      d.open = false;
    }""")
    marker = page.locator("article a.sco-cite").nth(1)
    href = marker.get_attribute("href")
    assert not page.locator(href).is_visible()
    if how == "click":
        marker.click()
    elif how == "second tap":
        marker.tap()
        page.locator(".sco-tip").wait_for(state="visible", timeout=3000)
        marker.tap()
    elif how == "enter":
        marker.focus()
        page.keyboard.press("Enter")
    else:
        page.evaluate("h => { location.hash = h; }", href)
    page.wait_for_function("h => location.hash === h", arg=href)
    page.locator(href).wait_for(state="visible", timeout=3000)
    assert page.locator(href).evaluate("el => el.closest('details').open")
    context.close()
    assert served.console == []


# -- other behaviour -------------------------------------------------------------------------------

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
    text = page.locator(".sco-chart svg.sco-chart-wide text").first
    light = text.evaluate("el => getComputedStyle(el).fill")
    page.locator("form[data-md-component='palette'] label:visible").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    dark = text.evaluate("el => getComputedStyle(el).fill")
    assert light != dark
    context.close()
    assert target.external == [] and target.console == []


def test_editor_view_toggle_is_remembered(browser: Browser, target: Site) -> None:
    """Edit links and "as of" dates stay out of the prose until Editor view is on; the choice survives a reload."""
    context = new_context(browser, target, viewport={"width": 1280, "height": 900})
    page = watch(context.new_page(), target)
    page.goto(target.url(theme_path(target, "docking")))
    # the page is prose: its facts' dates and edit links follow the sentences that state them
    edit = page.locator("article p .sco-fact-editing .sco-edit").first
    asof = page.locator("article p .sco-fact-editing .sco-asof").first

    def wide(locator: Locator) -> bool:
        box = locator.bounding_box()
        return box is not None and box["width"] > 2

    def shown() -> bool:
        return wide(edit) and wide(asof)

    assert not wide(edit) and not wide(asof)
    toggle = page.locator("button.sco-editor-toggle")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert shown() and toggle.get_attribute("aria-pressed") == "true"
    assert "/data/facts/" in edit.get_attribute("href")  # the fact's file, to edit on the repository host
    page.reload()
    assert shown() and page.locator("button.sco-editor-toggle").get_attribute("aria-pressed") == "true"
    page.locator("button.sco-editor-toggle").click()
    page.reload()
    assert not wide(edit) and not wide(asof)
    # in reader view the prose's edit links are out of the tab order: Tab from the sentence's marker skips them
    assert edit.evaluate("el => el.getClientRects().length") == 0
    # a figure table's edit link (not in running prose) appears when a keyboard user reaches it
    page.goto(target.url(theme_path(target, "figures")))
    cell = page.locator("article td .sco-edit").first
    assert not wide(cell)
    cell.focus()
    assert wide(cell)
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
