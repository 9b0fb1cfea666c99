"""The search index's sections, read from each page's HTML in about a third of the time Material takes.

Material's search plugin reads every page's HTML with its `Parser` (Python's html.parser, a method call per tag and
per text, with a set built on each) to cut the page into sections at its headings and keep their text. A data page
is mostly the macros' fact lists, timelines and tables: at x100 that reading was about a fifth of a build.

`Index` is Material's `SearchIndex` with that one step replaced. `sections` reads the same HTML with one regular
expression and follows Material's rules as its `Parser` applies them, quirks included: an element marked
`data-search-exclude` is left out with everything inside it up to the next end tag of the same name, a kept tag
that wraps only white space is dropped, a heading without an id does not start a section. It returns Material's
own `Section` objects, which Material's `create_entry_for_section` turns into entries as before. HTML it does not
read exactly as html.parser does (a `<script>` or `<style>`, a declaration, a `<` that starts no tag it knows, an
unquoted attribute) makes it return None, and Material's `Parser` reads that page. tests/test_searchindex.py
compares the two section by section on a table of cases; tests/test_fragments.py builds the site with each,
compares every file (the search index among them) and checks that this reader read every indexed page.
"""

from __future__ import annotations

import re
from functools import partial
from html import escape, unescape
from operator import itemgetter
from typing import Any

from material.plugins.search.plugin import Element, Parser, SearchIndex, SearchPlugin, Section
from material.plugins.search.plugin import void as VOID

#: Set to false to index with Material's own Parser (tests/test_fragments.py builds the site both ways).
ENABLED = True

#: The three kinds of markup a token may be, after its "<": a start tag (its attributes, every value quoted), an end
#: tag, a comment (no "--" inside: html.parser ends a comment at "--" and ">" with white space between). White space
#: inside a tag is ASCII only: html.parser reads a tag name up to ASCII white space alone, so `<p\xa0>` is a tag of
#: another name there.
_MARKUP = r"""
    ([a-zA-Z][a-zA-Z0-9-]*)((?:[ \t\n\r\f]+[a-zA-Z_:][-a-zA-Z0-9_:.]*
        (?:[ \t\n\r\f]*=[ \t\n\r\f]*(?:"[^"]*"|'[^']*'))?)*)[ \t\n\r\f]*(/?)>
  | /([a-zA-Z][a-zA-Z0-9-]*)[ \t\n\r\f]*>
  | !--(?!>|->)(?:[^-]|-(?!-))*-->
"""
#: One token: a text, one of those, or a "<" that starts none of them (which html.parser reads otherwise). Groups:
#: text, tag, attributes, "/" of a self-closing tag, end tag, stray "<". Every character is in a token, so `findall`
#: reads the page as `match` would token after token, in about two thirds of the time.
_TOKEN = re.compile(rf"([^<]+)|<(?:{_MARKUP})|(<)", re.X)
_STRAY = itemgetter(5)
#: One attribute: its name, "=" if it has a value, and the value between double or single quotes.
_ATTRIBUTE = re.compile(r"""[ \t\n\r\f]+([^\s=]+)(?:[ \t\n\r\f]*(=)[ \t\n\r\f]*(?:"([^"]*)"|'([^']*)'))?""")
#: What html.parser reads otherwise than as text and tags (element content that is not HTML, declarations).
_UNSUPPORTED = re.compile(r"<(?:script|style)\b|<[!?](?!--)", re.I)
_HEADINGS = frozenset(f"h{n}" for n in range(1, 7))
#: Material's Parser: the tags kept in an entry's text, and those whose content is never indexed.
_KEEP = frozenset(Parser().keep)
_ALWAYS_SKIPPED = frozenset(Parser().skip)


def sections(html: str) -> list[Section] | None:
    """The page's sections as Material's Parser makes them from `html`; None where that takes html.parser itself."""
    if _UNSUPPORTED.search(html):
        return None
    tokens = _TOKEN.findall(html)  # a group that took no part is "" here
    if any(map(_STRAY, tokens)):
        return None

    found: list[Section] = []
    section: Section | None = None
    context: list[tuple[str, dict[str, str | None]]] = []  # the open elements
    open_count: dict[str, int] = {}  # how many open elements have each tag
    skip = set(_ALWAYS_SKIPPED)  # tags whose open elements' content is left out (Material's skip set, by tag)
    skipped = 0  # how many open elements have a tag in `skip`: their content is left out while any is open
    permalinks = 0  # open <a class="headerlink"> (a heading's permalink, left out of its title)

    for text, tag, raw, self_closing, end_tag, _ in tokens:
        if text:  # Parser.handle_data
            if skipped:
                continue
            data = unescape(text) if "&" in text else text
            in_pre = open_count.get("pre")
            if not in_pre:
                data = " " if data.isspace() else data.replace("\n", " ")
            if section is None:
                section = Section(Element("hx"))
                found.append(section)
            if open_count.get(section.el.tag):
                if not permalinks:
                    section.title.append(escape(data, quote=False))
            elif data.isspace():
                if not section.text or not section.text[-1].isspace() or in_pre:
                    section.text.append(data)
            else:
                section.text.append(escape(data, quote=False))
            continue
        if tag:  # Parser.handle_starttag (and, for <x/>, then handle_endtag)
            tag = tag.lower()
            attrs: dict[str, str | None] = {}
            if raw:
                for name, equals, double, single in _ATTRIBUTE.findall(raw):
                    value = (double or single) if equals else None  # None for a name alone, as html.parser gives it
                    if value and "&" in value:
                        value = unescape(value)
                    attrs[name.lower()] = value
            if tag not in VOID:
                context.append((tag, attrs))
                open_count[tag] = open_count.get(tag, 0) + 1
                if tag in skip:
                    skipped += 1
                if tag == "a" and attrs.get("class") == "headerlink":
                    permalinks += 1
                if tag in _HEADINGS and "id" in attrs:
                    depth = len(context)
                    if tag != "h1" and not found:
                        found.append(Section(Element("hx"), depth))
                    section = Section(Element(tag, attrs), depth)
                    if found:
                        section.id = attrs["id"]
                    found.append(section)
                if section is None:
                    section = Section(Element("hx"))
                    found.append(section)
                if "data-search-exclude" in attrs or attrs.get("class") == "linenodiv":
                    if tag not in skip:
                        skip.add(tag)
                        skipped += open_count[tag]
                elif tag in _KEEP and not skipped:
                    (section.title if open_count.get(section.el.tag) else section.text).append(f"<{tag}>")
            if not self_closing:
                continue
        elif end_tag:
            tag = end_tag.lower()
        else:
            continue  # a comment
        # Parser.handle_endtag
        if not context or context[-1][0] != tag:
            continue
        assert section is not None  # an element is open, so a section was started
        if section.depth > len(context):  # leaving the element a heading was nested in
            for earlier in reversed(found):
                if earlier.depth <= len(context):
                    section.depth = float("inf")
                    section = earlier
                    break
        closed, closed_attrs = context.pop()
        open_count[closed] -= 1
        if closed == "a" and closed_attrs.get("class") == "headerlink":
            permalinks -= 1
        if closed in skip:
            skipped -= 1
            if closed not in _ALWAYS_SKIPPED:  # the first end tag of an excluded element's name ends the exclusion
                skip.discard(closed)
                skipped -= open_count[closed]
            continue
        if tag in _KEEP and not skipped:
            data = section.title if open_count.get(section.el.tag) else section.text
            index = data.index(f"<{tag}>")  # the first one, as Material's Parser looks for it
            last = len(data) - 1  # anything but white space after it? Looked for from the end, where text usually is
            while last > index and data[last].isspace():
                last -= 1
            if last > index:
                data.append(f"</{tag}>")
            else:
                del data[index:]
    return found


class Index(SearchIndex):
    """Material's search index, its pages read by `sections`; where that declines, Material's own method reads them."""

    def add_entry_from_context(self, page: Any) -> None:
        if (page.meta.get("search") or {}).get("exclude"):
            return
        found = sections(page.content) if ENABLED else None
        if found is None:
            super().add_entry_from_context(page)
            return
        for section in found:  # as Material's method does with its Parser's sections
            if not section.is_excluded():
                self.create_entry_for_section(section, page.toc, page.url, page)


#: The attributes Material's search plugin removes from each page once it is indexed (its `on_page_context`, with
#: `\s?` before this pattern). Its pattern, starting with `\s?`, is tried at every character of every page (a
#: fiftieth of a build at x100, to remove nothing: `data-search-exclude` has no value); this one starts with a text
#: the regular expression engine looks for quickly, and wherever that pattern matches this one does.
_REMOVED = re.compile(r"data-search-\w+=\"[^\"]+\"")


def install(config: Any) -> None:
    """Give Material's search plugin an `Index` in place of the `SearchIndex` its `on_config` just made, and its
    page event a faster removal of the attributes (both left as they are if the plugin is off or its index is not
    that class: another Material version reads its pages itself)."""
    plugin = config.plugins.get("material/search")
    index = getattr(plugin, "search_index", None)
    if type(index) is SearchIndex:
        fresh = Index(**index.config)
        fresh.entries = index.entries
        plugin.search_index = fresh
        _replace_page_event(config.plugins, plugin)


def _replace_page_event(plugins: Any, plugin: Any) -> None:
    """Register `page_context` for `plugin` in place of its own method, where MkDocs registered that."""
    events = getattr(plugins, "events", {}).get("page_context", [])
    for n, method in enumerate(events):
        if getattr(method, "__self__", None) is plugin and getattr(method, "__func__", None) is SearchPlugin.on_page_context:
            events[n] = handler = partial(page_context, plugin)
            plugins._event_origins[handler] = plugins._event_origins.get(method, "material/search")


def page_context(plugin: Any, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
    """Material's `SearchPlugin.on_page_context`: index the page, then remove its `data-search-*="..."` attributes,
    the pattern run only on a page that has one."""
    if not ENABLED or not plugin.config.enabled or _REMOVED.search(page.content):
        return SearchPlugin.on_page_context(plugin, context, page=page, config=config, nav=nav)
    plugin.search_index.add_entry_from_context(page)
    return None
