"""Every page in Chromium at 375 and 1280 px, light and dark: axe-core at every impact level, and the layout measured.

The sweep loads each page once per width, checks it in the light colour scheme and then in the dark one in the
same tab, in several tabs at once; the checks that read its results are separate tests. (Shared set-up:
tests/browserkit.py.)
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from browserkit import AXE, COUNTS, DESKTOP, NEEDS_CHROMIUM, PHONE, Site, new_context, watch

pytestmark = NEEDS_CHROMIUM


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
  // what a reader opens is checked too: the Sources list and a source page's facts are closed <details>, whose
  // content axe skips; they stay open for the layout measurements and the dark scheme's run
  document.querySelectorAll('article details:not([open])').forEach(d => { d.open = true; });
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
  // each legend swatch (hatched ones aside) and the solid colours of the shapes of its class, in its figure, or
  // anywhere in the article for a swatch outside one (At a glance, beside the member map)
  const solid = c => c && c !== 'none' && c !== 'rgba(0, 0, 0, 0)' && !c.startsWith('url(');
  const legend = [...document.querySelectorAll('article .sco-swatch:not(.hatched)')].map(swatch => {
    const kind = [...swatch.classList].find(c => c.startsWith('s-') || c === 'land');
    const style = getComputedStyle(swatch);
    const shapes = [...(swatch.closest('figure') || document.querySelector('article')).querySelectorAll(`svg .${kind}`)]
      .filter(s => !s.closest('pattern')).map(s => getComputedStyle(s)).map(s => solid(s.fill) ? s.fill : s.stroke);
    return {kind, swatch: solid(style.backgroundColor) ? style.backgroundColor : style.borderTopColor,
            shapes: [...new Set(shapes.filter(solid))]};
  });
  // each table laid out as one: its cells with less than 8 px of side padding between them, and its column headers
  // aligned otherwise than the column's first cell
  const align = c => ({start: 'left', end: 'right'})[getComputedStyle(c).textAlign] || getComputedStyle(c).textAlign;
  const tables = [...document.querySelectorAll('article table')].map(t => {
    const cells = [...t.querySelectorAll('th, td')].filter(c => getComputedStyle(c).display === 'table-cell');
    const tight = cells.filter(c => { const s = getComputedStyle(c); return parseFloat(s.paddingLeft) + parseFloat(s.paddingRight) < 8; });
    const first = t.tBodies[0] && t.tBodies[0].rows[0];
    const heads = t.tHead ? [...t.tHead.rows[0].cells].filter(c => getComputedStyle(c).display === 'table-cell') : [];
    const misaligned = heads.filter((th, i) => first && first.cells[i] && align(th) !== align(first.cells[i]));
    return {name: t.className || 'table', cells: cells.length, tight: tight.length,
            misaligned: misaligned.map(th => `${th.textContent.trim()} ${align(th)}`)};
  });
  // each table-of-contents entry's section heading, and whether a reader sees it (not in hidden Editor-view apparatus)
  const toc = [...document.querySelectorAll('[data-md-type=toc] a.md-nav__link')].map(a => {
    const target = document.getElementById(decodeURIComponent(a.hash.slice(1)));
    return {href: a.hash, shown: !!target && target.checkVisibility()};
  });
  return {overflow: document.documentElement.scrollWidth - window.innerWidth, markers, charts, scrollers, legend, tables, toc,
          membership: table && {height: table.offsetHeight, width: table.offsetWidth, cards},
          changes: changes && changes.offsetHeight};
}"""


#: Text smaller than this, at 375 px, is too small to read on a phone.
SMALLEST_TEXT_PX = 12
#: The texts in the page's article that a reader can see, or would see by opening a collapsed <details> (the
#: Sources list); the details opened are closed again. Returns how many texts were looked at, and
#: - small: those under SMALLEST_TEXT_PX, as "font size tag.classes 'text'", the first of each kind. Left out:
#:   charts (their labels have an 11 px rule, below), the citation markers and editor's-note marks
#:   (superscript-like signs whose 24 px targets another test checks), what is visually hidden (Editor view's
#:   apparatus);
#: - broken: words split across two lines, as "tag.classes: word". A word is a run of letters and digits;
#:   left out: Chinese and Japanese, which break between any two characters, preformatted text, and URLs
#:   shown as text.
#: - centred: text centred over two lines or more (ragged on both sides, hard to read), as "tag.classes 'text'",
#:   the first of each kind.
#: - lonely: a heading or button label over two lines or more whose last line is one word, as "tag 'text'".
TEXT = """(limit) => {
  const closed = [...document.querySelectorAll('article details:not([open])')];
  closed.forEach(d => { d.open = true; });
  const found = {}, centred = {}, broken = [], lonely = [], article = document.querySelector('article'), range = document.createRange();
  let looked = 0;
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode()); ) {
    const el = node.parentElement, text = node.textContent.trim();
    if (!text || el.closest('svg')) continue;
    const style = getComputedStyle(el);
    if (!el.checkVisibility({visibilityProperty: true}) || style.clipPath === 'inset(50%)') continue;
    looked++;
    const px = parseFloat(style.fontSize);
    const what = el.tagName.toLowerCase() + [...el.classList].map(c => '.' + c).join('');
    if (px < limit && !(what in found) && !el.closest('a.sco-cite, a.sco-ednote-mark'))
      found[what] = `${px}px ${what} '${text.slice(0, 40)}'`;
    if (style.textAlign === 'center' && !(what in centred) && !el.closest('button')) {  // a button's label may be
      range.selectNodeContents(node);
      const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
      if (lines > 1) centred[what] = `${what} '${text.slice(0, 40)}'`;
    }
    if (el.closest('pre') || /^https?:\/\//.test(text)) continue;
    for (const word of node.textContent.matchAll(/[\p{L}\p{N}]{2,}/gu)) {
      if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(word[0])) continue;
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      if (range.getClientRects().length > 1) broken.push(`${what}: ${word[0]}`);
    }
  }
  // each heading's and button's words, by the line they are on (a heading's permalink aside)
  for (const el of article.querySelectorAll('h1, h2, h3, h4, button')) {
    if (!el.checkVisibility()) continue;
    const tops = [], words = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node; (node = words.nextNode()); ) {
      if (node.parentElement.closest('.headerlink')) continue;
      for (const w of node.textContent.matchAll(/\S+/g)) {
        range.setStart(node, w.index);
        range.setEnd(node, w.index + w[0].length);
        tops.push(Math.round(range.getBoundingClientRect().top));
      }
    }
    const last = Math.max(...tops);
    if (new Set(tops).size > 1 && tops.filter(top => top === last).length === 1)
      lonely.push(`${el.tagName.toLowerCase()} '${el.textContent.trim().slice(0, 60)}'`);
  }
  closed.forEach(d => { d.open = false; });
  return {small: Object.values(found), centred: Object.values(centred), broken, lonely, looked};
}"""


@dataclass
class Report:
    """What one page showed at one width in one scheme."""

    path: str
    width: int
    scheme: str
    url: str  # where the tab was once the page had loaded
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
    # Two tabs at once. Measured for this file alone on two cores (CPU time of the whole machine): 2 tabs 129 CPU-s
    # in 79 s, 3 tabs 147 CPU-s in 85 s, 1 tab 132 CPU-s in 104 s.
    tabs = 2
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
            measured = tab.evaluate(MEASURE)
            if scheme == "light":
                measured["text"] = tab.evaluate(TEXT, SMALLEST_TEXT_PX)
            reports.append(Report(path, width, scheme, tab.url, violations, measured))
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
    print(f"\naxe {re.search(r'axe v([0-9.]+)', axe[:200]).group(1)}: {len(served.pages)} pages "
          f"at {PHONE} and {DESKTOP} px, light and dark")
    order = {path: i for i, path in enumerate(served.pages)}
    return sorted(reports, key=lambda r: (r.width, r.scheme != "light", order[r.path]))


def test_every_page_loads_clean_when_served(sweep: list[Report], served: Site) -> None:
    """Every page, served, loads at its own address at 375 and 1280 px, light and dark, with no outside request, no
    failed request and no console error (from disk: tests/test_browser.py)."""
    assert sorted({r.path for r in sweep}) == sorted(served.pages) and len(sweep) == 4 * len(served.pages)
    assert [f"{r.where}: {r.url}" for r in sweep if r.url.split("#")[0] != served.url(r.path)] == []
    assert served.external == [], served.external
    assert served.failed == [], served.failed
    assert served.console == [], served.console


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


def test_text_is_at_least_12px_on_a_phone(sweep: list[Report]) -> None:
    """At 375 px no text a reader reads is under 12 px, in the Sources list (opened) too; markers and charts
    have rules of their own."""
    phone = [r for r in sweep if r.width == PHONE and r.scheme == "light"]
    assert [f"{r.where}: {small}" for r in phone for small in r.measured["text"]["small"]] == []
    assert all(r.measured["text"]["looked"] > 20 for r in phone), [(r.path, r.measured["text"]["looked"]) for r in phone]


def test_no_word_is_split_across_lines(sweep: list[Report]) -> None:
    """At 375 and 1280 px no word breaks in the middle: no column squeezed narrower than its words (Material lets a
    link, and code, break anywhere)."""
    light = [r for r in sweep if r.scheme == "light"]
    assert len(light) == 2 * len({r.path for r in sweep})
    assert [f"{r.where}: {word}" for r in light for word in r.measured["text"]["broken"]] == []


def test_no_text_of_several_lines_is_centred(sweep: list[Report]) -> None:
    """At 375 and 1280 px no text that runs over two lines is centred (a quote on its source page was, by Material's
    figure style); one-line texts, such as a chart's caption, may be."""
    light = [r for r in sweep if r.scheme == "light"]
    assert [f"{r.where}: {text}" for r in light for text in r.measured["text"]["centred"]] == []


def test_every_table_of_contents_entry_leads_to_a_heading_a_reader_sees(sweep: list[Report]) -> None:
    """At 375 and 1280 px each entry of a page's table of contents (the sections in the macros' HTML among them)
    leads to a heading that is on the page and shown in reader view."""
    light = [r for r in sweep if r.scheme == "light"]
    assert [f"{r.where}: {e['href']}" for r in light for e in r.measured["toc"] if not e["shown"]] == []
    assert sum(len(r.measured["toc"]) for r in light) > 200  # the check saw the entries


def test_no_heading_or_button_leaves_one_word_alone_on_its_last_line(sweep: list[Report]) -> None:
    """At 375 and 1280 px a heading or button label that wraps ends on a line of more than one word (at 375 px, 44
    headings did, "Facts drawn from this / source" among them, and the Editor view toggle left "dates" alone)."""
    light = [r for r in sweep if r.scheme == "light"]
    assert [f"{r.where}: {text}" for r in light for text in r.measured["text"]["lonely"]] == []


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


def test_each_legend_swatch_has_the_colour_of_what_it_stands_for(sweep: list[Report]) -> None:
    """A chart's or the member map's legend, and At a glance beside the map, show each status in the colour its
    shapes are drawn in, light and dark."""
    problems = [f"{r.where}: {s['kind']} swatch {s['swatch']}, shapes {s['shapes']}"
                for r in sweep for s in r.measured["legend"] if s["swatch"] not in s["shapes"]]
    assert problems == [], "\n".join(problems[:30])
    seen = {(r.path, r.scheme) for r in sweep if r.measured["legend"]}
    assert {("", "light"), ("", "dark"), ("members/", "light"), ("members/", "dark")} <= seen, seen


def test_table_cells_have_room_and_headers_sit_over_their_columns(sweep: list[Report]) -> None:
    """In every table laid out as a table (not as cards), at 375 and 1280 px, each cell has at least 8 px of side
    padding and each column header is aligned as its column is."""
    tables = [(r, t) for r in sweep if r.scheme == "light" for t in r.measured["tables"] if t["cells"]]
    assert [f"{r.where}: {t['name']}: {t['tight']} of {t['cells']} cells tight, headers {t['misaligned']}"
            for r, t in tables if t["tight"] or t["misaligned"]] == []
    assert sum(t["cells"] for r, t in tables if r.width == DESKTOP) > 300  # the check saw the tables


def test_tables_that_scroll_are_focusable_with_a_cue(sweep: list[Report]) -> None:
    """A table that scrolls sideways can be reached by keyboard and shows a scroll cue. (No table of the site as
    built scrolls at 375 or 1280 px; tests/test_browser.py puts one in a page to see the mechanism work.)"""
    scrolling = [(r, s) for r in sweep for s in r.measured["scrollers"]]
    assert [f"{r.where}: {s}" for r, s in scrolling if s["tabindex"] != "0" or not s["cue"]] == []


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


def overlap(a: dict[str, float], b: dict[str, float]) -> float:
    """The area two boxes share."""
    return max(0.0, min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])) * max(0.0, min(a["y1"], b["y1"]) - max(a["y0"], b["y0"]))
