"""The search index's faster reader (macros/searchindex.py) makes the sections Material's Parser makes, or declines."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from material.plugins.search.plugin import Parser, SearchIndex, Section

from macros import searchindex
from macros.searchindex import Index, sections


def material(html: str) -> list[Section]:
    parser = Parser()
    parser.feed(html)
    parser.close()
    return parser.data


def entries(page: SimpleNamespace) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The entries an `Index` and Material's own index make for `page`."""
    ours, theirs = Index(), SearchIndex()
    ours.add_entry_from_context(page)
    theirs.add_entry_from_context(page)
    return ours.entries, theirs.entries


def shape(found: list[Any]) -> list[tuple[Any, ...]]:
    """Everything of a section that reaches the index or decides what does."""
    return [(s.el.tag, sorted(s.el.attrs.items(), key=str), s.id, s.depth, s.title, s.text, s.is_excluded())
            for s in found]


#: HTML that Material's Parser reads in its particular ways (each case names the way).
CASES = {
    "paragraphs": "<p>One &amp; two</p>\n<p>Three\nfour</p>",
    "text before any tag": "Loose text <p>then a paragraph</p>",
    "h1 then h2 sections": '<h1 id="t">Title</h1><p>Lead</p><h2 id="a">A</h2><p>Under A</p><h3 id="b">B</h3><p>x</p>',
    "h2 first: a preface section": '<p>Before</p><h2 id="a">A</h2><p>After</p>',
    "heading without id": '<h2 id="a">A</h2><h3>No id</h3><p>Still A</p>',
    "permalink left out of the title": '<h2 id="a">Title <a class="headerlink" href="#a">¶</a></h2><p>x</p>',
    "excluded section": '<p>Kept</p><h2 id="s" data-search-exclude>Sources</h2><p>Also kept</p>',
    "excluded block": '<p>a</p><div data-search-exclude><p>hidden</p></div><p>b</p>',
    "exclusion ends at the first end tag of its name": (
        '<div data-search-exclude><div>inner</div>shown again</div><p>after</p>'),
    "exclusion inside an element of the same name": '<div><p>x</p><div data-search-exclude>y</div>z</div>w',
    "line numbers": '<div class="linenodiv"><pre>1\n2</pre></div><p>code</p>',
    "empty kept tags dropped": "<p> </p><ul><li>\n</li><li>item</li></ul><p></p>",
    "white space collapsed": "<p>a</p>\n\n  <p>b</p>   <span> </span> <em> </em><p>c</p>",
    "preformatted": "<pre><code>line 1\n    indented\n\n</code></pre><p>after   pre</p>",
    "white space runs kept in preformatted text": "<pre><span>x </span><span>  </span><span>\n</span>y</pre><p>a </p> <p> b</p>",
    "no-break spaces in text": "<p>a\u00a0 b\u00a0</p><p>\u00a0</p>",
    "entities": "<p>&lt;b&gt; &quot;q&quot; &#8212; &#x2014; &nbsp; &amp;amp; &bogus; a & b</p>",
    "attributes": "<p class='one' title=\"a &amp; b &gt; c\" data-x=\"\" hidden>text</p><details open><summary>s</summary></details>",
    "void and self-closing tags": '<p>a<br>b<br/>c<img src="x.png" alt="i" />d<wbr>e</p><div/>f<hr>',
    "comments": "<p>a<!-- note -->b</p><!--x--><p>c</p>",
    "upper case tags": '<P>Upper</P><H2 ID="u">U</H2><UL><LI>i</LI></UL>',
    "heading nested in a block": '<div><h2 id="a">A</h2><p>in</p></div><p>after the block</p><h2 id="b">B</h2>',
    "end tag without its start": "<p>a</span>b</p></div><p>c</p>",
    "kept tags": "<p>x<sub>2</sub> y<sup>3</sup> <code>c</code></p><ol><li>one</li></ol>",
    "sub in a title": '<h2 id="h">H<sub>2</sub>O</h2><p>water</p>',
    "a heading's attributes: empty, a name alone, single quotes, entities": (
        '<h2 id="h" class="" hidden data-x=\'q &amp; r\' title = "t"\n>H</h2><p>x</p>'),
    "nothing": "",
    "only white space": " \n ",
}


@pytest.mark.parametrize("html", CASES.values(), ids=CASES.keys())
def test_sections_are_materials(html: str) -> None:
    """Each case is read, and gives the sections, titles and texts Material's Parser gives."""
    found = sections(html)
    assert found is not None
    assert shape(found) == shape(material(html))


#: HTML that html.parser reads otherwise than as text and tags, or that the reader's tag pattern does not match.
DECLINED = {
    "script": '<p>a</p><script>if (a < b) x = "</p>";</script><p>b</p>',
    "style": "<style>p > a { color: red }</style><p>a</p>",
    "doctype": "<!DOCTYPE html><p>a</p>",
    "processing instruction": '<?xml version="1.0"?><p>a</p>',
    "cdata": "<![CDATA[ x ]]><p>a</p>",
    "unquoted attribute": "<p class=lead>a</p>",
    "stray less-than": "<p>a < b</p>",
    "comment closed by -- >": "<!-- a -- > b --><p>c</p>",
    "end tag with a colon": "<p>a</x:y></p>",
    "no-break space inside a tag": '<p\u00a0class="x">a</p>',
}


@pytest.mark.parametrize("html", DECLINED.values(), ids=DECLINED.keys())
def test_what_it_does_not_read_goes_to_materials_parser(html: str) -> None:
    """HTML outside what the reader reads exactly is declined, and the index then has Material's entries for it."""
    assert sections(html) is None
    ours, theirs = entries(SimpleNamespace(meta={}, content=html, toc=[], url="page/", title="Page"))
    assert ours == theirs and ours


def test_index_gives_materials_entries_and_honours_exclude() -> None:
    """An `Index` makes the entries Material's index makes for a page, and none for a page excluded from search."""
    html = CASES["h1 then h2 sections"] + CASES["excluded section"] + CASES["entities"]
    page = SimpleNamespace(meta={"tags": ["t"], "search": {"boost": 2}}, content=html, toc=[], url="p/", title="P")
    ours, theirs = entries(page)
    # sections t, a and b; s, marked data-search-exclude, is left out with the text that follows its heading
    assert ours == theirs and [e["location"] for e in ours] == ["p/", "p/#a", "p/#b"]
    assert all(e["tags"] == ["t"] and e["boost"] == 2 for e in ours)
    page.meta = {"search": {"exclude": True}}
    assert entries(page) == ([], [])


def test_install_replaces_only_materials_own_index() -> None:
    """`install` swaps the plugin's index for an `Index` with the same settings, and leaves any other index alone."""
    plugin = SimpleNamespace(search_index=SearchIndex(lang=["en"], separator="x"))
    searchindex.install(SimpleNamespace(plugins={"material/search": plugin}))
    assert type(plugin.search_index) is Index and plugin.search_index.config == {"lang": ["en"], "separator": "x"}
    other = type("Other", (SearchIndex,), {})()
    plugin.search_index = other
    searchindex.install(SimpleNamespace(plugins={"material/search": plugin}))
    assert plugin.search_index is other
    searchindex.install(SimpleNamespace(plugins={}))  # search switched off: nothing to do


#: Pages for the page event: what Material's removal of `data-search-*="..."` attributes has to do on each.
PAGE_EVENT_CASES = {
    "nothing to remove (an exclusion has no value)": '<p>a</p><p data-search-exclude>b</p><h2 id="x">X</h2>',
    "a value to remove": '<h2 id="a" data-search-boost="2">A</h2><p>a</p>',
    "values and an exclusion": '<p\tdata-search-x="1" data-search-exclude>b</p><p class="c"\ndata-search-y="z">c</p>',
    "a name without a value, then one with": '<p data-search-exclude data-search-z="q">d</p>',
}


def search_plugins() -> tuple[Any, Any]:
    """A plugin collection holding Material's search plugin as MkDocs registers it, after `install`."""
    from material.plugins.search.plugin import SearchPlugin
    from mkdocs.plugins import PluginCollection

    plugin = SearchPlugin()
    plugin.load_config({})
    plugin.search_index = SearchIndex(lang=["en"])
    plugins = PluginCollection()
    plugins["material/search"] = plugin
    searchindex.install(SimpleNamespace(plugins=plugins))
    return plugins, plugin


@pytest.mark.parametrize("html", PAGE_EVENT_CASES.values(), ids=PAGE_EVENT_CASES.keys())
def test_page_event_indexes_and_removes_as_materials(html: str) -> None:
    """The page event `install` registers leaves each page and index as Material's own event does."""
    from material.plugins.search.plugin import SearchPlugin

    plugins, plugin = search_plugins()
    assert not any(getattr(m, "__self__", None) is plugin for m in plugins.events["page_context"])
    ours = SimpleNamespace(meta={}, content=html, toc=[], url="p/", title="P")
    plugins.run_event("page_context", {}, page=ours, config={}, nav=None)
    theirs = SimpleNamespace(meta={}, content=html, toc=[], url="p/", title="P")
    index = plugin.search_index
    plugin.search_index = SearchIndex(lang=["en"])
    SearchPlugin.on_page_context(plugin, {}, page=theirs, config={}, nav=None)
    assert ours.content == theirs.content
    assert index.entries == plugin.search_index.entries and index.entries
    assert ("data-search-exclude" in html) == ("data-search-exclude" in ours.content)
    assert '="' not in ours.content.replace('id="', "").replace('class="', "")  # every value removed
