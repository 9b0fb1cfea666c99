"""The published stylesheets are minified (macros/minify.py): in Chromium they style every element as the sources do.

(Shared set-up: tests/browserkit.py.)
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from browserkit import COUNTS, DESKTOP, NEEDS_CHROMIUM, PHONE, Site, new_context, search_ready, watch
from conftest import ROOT
from macros.minify import BUNDLES, joined

pytestmark = NEEDS_CHROMIUM


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
    if (/\\/assets\\/sco\\.css$/.test(sheet.href || '')) { out.push(sheet.href.split('/').pop()); walk(sheet.cssRules, 0); }
  }
  return out;
}"""
#: No transition or animation caught halfway, in either load (the same rule in both).
STILL = "*, *::before, *::after { transition: none !important; animation: none !important; }"
#: Pages whose elements, between them, match 169 of the 200 style rules of sco.css and sco-reader.css (selectors
#: with their pseudo-classes and pseudo-elements taken off; the rest are states: Editor view, the citation
#: preview, the source pages' captions, which RULES covers).
STYLED_PAGES = ["", "economy/", "members/", "timeline/", "figures/", "glossary/", "data/", "changes/",
                "sources/dejong-wouters-2015/"]
#: The site's own stylesheet as published, and the readable files it is made of (macros/minify.py).
OWN_CSS = "assets/sco.css"
OWN_CSS_PARTS = (OWN_CSS, *BUNDLES[OWN_CSS])


def declared_properties() -> list[str]:
    """The properties the site's stylesheets set (custom properties aside: they show in those that use them)."""
    names: set[str] = set()
    for name in OWN_CSS_PARTS:
        css = re.sub(r"/\*.*?\*/", "", (ROOT / "docs" / name).read_text(encoding="utf-8"), flags=re.S)
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
    readable = joined(OWN_CSS, lambda part: (ROOT / "docs" / part).read_text(encoding="utf-8"))
    assert (site / OWN_CSS).read_text(encoding="utf-8") != readable, \
        "the site publishes the sources as written: nothing to compare"
    props = declared_properties()
    assert len(props) > 50 and {"padding", "line-height", "content", "display"} <= set(props), props
    tabs = {}
    for label in ("published", "sources"):
        context = new_context(browser, served, viewport={"width": width, "height": 900}, color_scheme=scheme)
        context.add_init_script("document.addEventListener('DOMContentLoaded', () => document.head.appendChild("
                                f"Object.assign(document.createElement('style'), {{textContent: {json.dumps(STILL)}}})))")
        if label == "sources":
            context.route(f"**/{OWN_CSS}", css_answer(readable))
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
