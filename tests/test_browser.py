"""The site in a real browser (Debian's Chromium driven by Playwright), served and from file://: pages load clean,
search, citation previews, back links, the dark-mode toggle and Editor view.

The served site comes from `macros.preview` (gzip, cache headers) on an ephemeral port; one browser serves the whole
module. The every-page accessibility sweep is tests/test_browser_sweep.py, the minified-stylesheet comparison
tests/test_browser_css.py, and what they share tests/browserkit.py: split so that pytest-xdist can run them on
different workers.
"""

from __future__ import annotations

from typing import Any, Iterator
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page

from browserkit import COUNTS, DESKTOP, NEEDS_CHROMIUM, PHONE, Site, new_context, search_ready, theme_path, watch

pytestmark = NEEDS_CHROMIUM


# -- from disk (served, every page loads in the accessibility sweep: tests/test_browser_sweep.py) ----------

def test_every_page_loads_clean_from_disk(browser: Browser, from_disk: Site) -> None:
    """Every page of the offline build, opened from disk, loads at its own address with no outside request, no failed
    request and no console error."""
    context = new_context(browser, from_disk, viewport={"width": PHONE, "height": 800})
    tabs = [watch(context.new_page(), from_disk) for _ in range(3)]
    for i in range(0, len(from_disk.pages), len(tabs)):
        batch = list(zip(tabs, from_disk.pages[i:i + len(tabs)]))
        for tab, path in batch:  # start each load, then wait for each: the tabs load side by side
            tab.goto(from_disk.url(path), wait_until="commit")
        for tab, path in batch:
            tab.wait_for_load_state("load")
            assert tab.url.split("#")[0] == from_disk.url(path), (tab.url, path)
        COUNTS["page loads"] += len(batch)
    context.close()
    assert from_disk.external == [], from_disk.external
    assert from_disk.failed == [], from_disk.failed
    assert from_disk.console == [], from_disk.console
    print(f"\n{len(from_disk.pages)} pages loaded from disk")


# -- both targets: served and file:// ------------------------------------------------------------


def search_page(browser: Browser, target: Site) -> tuple[BrowserContext, Page]:
    """The first page with Material's search open and its index built from the site's real index."""
    context = new_context(browser, target, real_index=True, viewport={"width": 1280, "height": 900})
    page = watch(context.new_page(), target)
    page.goto(target.url(target.pages[0]), wait_until="load")
    page.locator("input.md-search__input").click()
    search_ready(page)
    COUNTS["page loads"] += 1
    return context, page


def results_for(page: Page, term: str) -> list[str]:
    """Type `term` into the open search box, emptied first; the result links once the list stops changing."""
    results = page.locator("li.md-search-result__item > a")
    box = page.locator("input.md-search__input")
    if box.input_value():  # emptied as a reader does, by keys (Material reads the box on key events)
        box.press("Control+a")
        box.press("Backspace")
        results.first.wait_for(state="detached")
    COUNTS["searches"] += 1
    page.keyboard.type(term)  # Material searches on key events, so the list may first show a half-typed word's results
    results.first.wait_for(state="visible", timeout=15000)
    hrefs = None
    while hrefs != (hrefs := results.evaluate_all("els => els.map(e => e.getAttribute('href'))")):
        page.wait_for_timeout(300)  # until the list stops changing
    return hrefs


def search(browser: Browser, target: Site, term: str) -> tuple[BrowserContext, Page, list[str]]:
    """Type `term` into Material's search on a newly opened first page; the result links."""
    context, page = search_page(browser, target)
    return context, page, results_for(page, term)


@pytest.fixture(scope="module")
def search_tab(browser: Browser, target: Site) -> Iterator[Page]:
    """One page with search open for the searches that only read the results: Material's worker builds the index
    once per page load (about 2 s of CPU each), and a reader searches one term after another the same way."""
    context, page = search_page(browser, target)
    yield page
    context.close()


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
def test_search_puts_the_theme_page_first(search_tab: Page, target: Site, term: str, page_name: str) -> None:
    """Typing a theme's word into Material's search lists that theme page first, above the glossary and sources
    (the terms one after another in one page, each typed into the emptied box)."""
    hrefs = results_for(search_tab, term)
    path = urlparse(hrefs[0]).path
    wanted = theme_path(target, page_name)
    assert path.endswith("/" + wanted) or path.endswith("/" + wanted.replace("index.html", "")), (term, path)
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


def test_preview_on_a_source_page_shows_the_quote_shown_there(browser: Browser, target: Site) -> None:
    """On a source page, whose Sources entries leave the text of the page's own quotes to the quotes shown on it,
    a marker's preview shows that quote's text, its attribution and a link to it; a marker citing another source's
    quote shows the entry's text."""
    context = new_context(browser, target, viewport={"width": 1280, "height": 900})
    page = watch(context.new_page(), target)
    page.goto(target.url(theme_path(target, "sources/seiwert-2021")))
    summary = page.locator("details.sco-source-facts > summary")  # the facts, and their markers, are in a closed list
    summary.focus()
    page.keyboard.press("Enter")  # opened from the keyboard, as the markers are then focused
    tip = page.locator(".sco-tip")
    for own in (True, False):
        marker = page.locator("article a.sco-cite[aria-describedby^='qt-']" if own else
                              "article a.sco-cite:not([aria-describedby^='qt-'])").first
        entry = page.locator(marker.get_attribute("href"))
        if own:
            quote_id = marker.get_attribute("aria-describedby").split()[0][3:]
            said = page.locator(f"[id='qt-{quote_id}']").text_content().strip().strip("“”")
            assert entry.locator("q").count() == 0  # the text is in the page once
        else:
            said = entry.locator("q").text_content()
        marker.focus()
        tip.wait_for(state="visible", timeout=3000)
        assert tip.locator(".sco-tip-text").inner_text().strip("“”") == " ".join(said.split())
        assert tip.locator(".sco-tip-by").inner_text() == " ".join(entry.locator(".sco-by").text_content().split())
        link = tip.locator("a").first
        assert link.inner_text() == "In context"
        href = link.get_attribute("href")
        assert href == f"#q-{quote_id}" if own else not href.startswith("#")  # this page's quote, or its source page
        page.keyboard.press("Escape")
        assert tip.count() == 0
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

@pytest.mark.parametrize("javascript", [True, False])
def test_a_link_to_a_fact_in_a_source_pages_closed_list_shows_it(browser: Browser, served: Site,
                                                                   javascript: bool) -> None:
    """A source page's facts are a closed list; a link to one of them (the feed's, the JSON-LD's) opens the list
    and brings the fact to the top of a phone's screen, with JavaScript and without."""
    context = new_context(browser, served, viewport={"width": PHONE, "height": 800}, java_script_enabled=javascript)
    page = watch(context.new_page(), served)
    page.goto(served.url("sources/seiwert-2021/"))
    facts = page.locator("details.sco-source-facts")
    assert facts.evaluate("d => d.open") is False and page.locator("li.sco-fact").first.is_hidden()
    anchor = page.locator("details.sco-source-facts li.sco-fact[id]").nth(5).get_attribute("id")
    page.goto(served.url(f"sources/seiwert-2021/#{anchor}"))
    page.wait_for_timeout(300)
    fact = page.locator(f"[id='{anchor}']")
    assert facts.evaluate("d => d.open") is True and fact.is_visible()
    top = fact.evaluate("el => el.getBoundingClientRect().top")
    assert 48 <= top < 200, top  # below the header, at the top of the screen
    context.close()
    assert served.external == [] and served.console == []


#: The page's active table-of-contents entry, its box and the box of the sidebar that shows it.
ACTIVE_ENTRY = """() => {
  const a = document.querySelector('[data-md-type=toc] a.md-nav__link--active');
  const box = el => { const r = el.getBoundingClientRect(); return [r.top, r.bottom]; };
  return a && {text: a.textContent.trim(), entry: box(a), sidebar: box(a.closest('.md-sidebar__scrollwrap'))};
}"""


def test_table_of_contents_keeps_the_section_read_in_view(browser: Browser, served: Site) -> None:
    """On a wide screen, reading far down the timeline, the table of contents marks that year and scrolls to show it
    (29 years do not fit a 700 px window; without Material's toc.follow the year was below the sidebar's edge)."""
    context = new_context(browser, served, viewport={"width": DESKTOP, "height": 700})
    page = watch(context.new_page(), served)
    page.goto(served.url("timeline/"))
    year = page.locator("h3.sco-year[id]").nth(-3)  # far down, with the page still long enough to bring it to the top
    anchor = year.get_attribute("id")
    year.evaluate("el => el.scrollIntoView()")
    page.wait_for_function(f"() => document.querySelector('[data-md-type=toc] a.md-nav__link--active')"
                           f"?.getAttribute('href') === '#{anchor}'")
    page.wait_for_timeout(400)  # the sidebar scrolls smoothly
    shown = page.evaluate(ACTIVE_ENTRY)
    assert shown["text"] == year.inner_text().strip()
    assert shown["sidebar"][0] <= shown["entry"][0] and shown["entry"][1] <= shown["sidebar"][1], shown
    context.close()
    assert served.external == [] and served.console == []


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


#: A copy of the first Markdown table of the page (in Material's scrolling wrapper), with a line that cannot wrap in
#: its last cell, put after the original.
WIDE_TABLE = """() => {
  const wrap = document.querySelector('article .md-typeset__scrollwrap').cloneNode(true);
  wrap.id = 'sco-wide';
  const cell = wrap.querySelector('tbody td:last-child');
  cell.textContent = 'A line that does not wrap: '.repeat(2);
  cell.style.whiteSpace = 'nowrap';
  document.querySelector('article .md-typeset__scrollwrap').after(wrap);
  window.dispatchEvent(new Event('resize'));
}"""
#: What sco.js made of it: scrolls, focusable, with the scroll cue (a background), a region, and its name.
WIDE_STATE = """() => { const t = document.getElementById('sco-wide');
  return {scrolls: t.scrollWidth > t.clientWidth + 1, marked: t.classList.contains('sco-scrolls'),
          tabindex: t.getAttribute('tabindex'), cue: getComputedStyle(t).backgroundImage !== 'none',
          role: t.getAttribute('role'), name: t.getAttribute('aria-label')}; }"""


def test_a_table_wider_than_the_column_scrolls_with_a_cue_and_by_keyboard(browser: Browser, served: Site) -> None:
    """A table wider than the text column scrolls inside itself, can be focused to scroll by keyboard and shows a
    shadow at its edge; once the window is wide enough for it, it is a plain table again. (No table of the site as
    built is that wide on a phone, and the site's own tables are cards there: a copy of a Markdown table, with a
    line that cannot wrap, is put in the page.)"""
    context = new_context(browser, served, viewport={"width": PHONE, "height": 800})
    page = watch(context.new_page(), served)
    page.goto(served.url("rats/threats/"))  # the page with a Markdown table
    page.wait_for_selector("article .md-typeset__scrollwrap", state="attached", timeout=5000)
    page.evaluate(WIDE_TABLE)
    page.wait_for_function("() => document.getElementById('sco-wide').classList.contains('sco-scrolls')", timeout=5000)
    assert page.evaluate(WIDE_STATE) == {"scrolls": True, "marked": True, "tabindex": "0", "cue": True,
                                         "role": "region", "name": "table, scrolls sideways"}
    page.locator("#sco-wide").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.getElementById('sco-wide').scrollLeft > 0", timeout=5000)
    page.set_viewport_size({"width": DESKTOP, "height": 800})
    page.wait_for_function("() => !document.getElementById('sco-wide').classList.contains('sco-scrolls')", timeout=5000)
    assert page.evaluate(WIDE_STATE) == {"scrolls": False, "marked": False, "tabindex": None, "cue": False,
                                         "role": None, "name": None}
    context.close()
    assert served.external == [] and served.console == []


#: Each quote's caption on a source page: its first line as read, and its edit link's width and separator.
CAPTIONS = """() => [...document.querySelectorAll('article figure.sco-source-quote figcaption')].map(c => {
  const edit = c.querySelector('a.sco-edit');
  return {line: c.innerText.split('\\n')[0].trim(), edit: edit && edit.getBoundingClientRect().width,
          separator: edit && getComputedStyle(edit, '::before').content};
})"""


def test_a_source_quotes_caption_ends_with_no_separator_in_reader_view(browser: Browser, served: Site) -> None:
    """On a phone, a quote's caption on its source page reads "Section · Link" (· Original), with no "·" left by the hidden
    edit link; in Editor view the link shows, led by its own "· "."""
    context = new_context(browser, served, viewport={"width": PHONE, "height": 800})
    page = watch(context.new_page(), served)
    page.goto(served.url(next(p for p in served.pages if p.startswith("sources/") and p != "sources/")))
    captions = page.evaluate(CAPTIONS)
    assert len(captions) > 10 and all(c["edit"] is not None for c in captions)
    assert [c["line"] for c in captions if c["line"].endswith("·") or "Link" not in c["line"]] == []
    assert all(c["edit"] <= 1 for c in captions)  # hidden in reader view
    page.locator("button.sco-editor-toggle").click()
    captions = page.evaluate(CAPTIONS)
    assert all(c["edit"] > 10 and c["separator"] == '"· "' for c in captions), captions[:3]
    context.close()
    assert served.external == [] and served.console == []


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
