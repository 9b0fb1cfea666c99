"""MkDocs hooks: the offline shim, the data exports, each source page's "Cited on" lists, and the
links and sizes of the open-data pages (Changes, Data).

MkDocs converts all pages' Markdown (where macros record citations) before it
renders any template, so `on_env` and `on_post_page` see the complete citation graph.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from macros import citations  # noqa: E402
from macros.background import BackgroundJob  # noqa: E402
from macros.render import template_env  # noqa: E402

_PLACEHOLDER = re.compile(r"<!--sco-cited-on:([a-z0-9-]+)-->")
_env = template_env()  # replaced at the start of each build (on_pre_build)
_EXPORTS = BackgroundJob()


def on_startup(command: str, dirty: bool) -> None:
    """`mkdocs serve` keeps the validated data and the compiled templates in memory between rebuilds (see
    factbase.Kept, render.CompiledInMemory); a build keeps nothing."""
    from macros import background, factbase, render

    factbase.KEPT = factbase.Kept() if command == "serve" else None
    render.SERVE_TEMPLATES = render.CompiledInMemory() if command == "serve" else None
    background.DEFER = command == "serve"  # serve writes the downloads after showing the rebuilt pages
    if command == "serve":
        background.one_heap()


def on_config(config: Any) -> Any:
    """Offline builds load Material's iframe-worker shim from the site itself, not a CDN; the search plugin's index
    reads the pages faster (searchindex.py: the plugin's `on_config` has just made its index)."""
    from macros import searchindex

    searchindex.install(config)
    polyfills = [u for u in config.extra.get("polyfills", []) if "iframe-worker" not in u]
    if os.environ.get("SCO_OFFLINE") == "true":
        polyfills.append("assets/vendor/iframe-worker/shim.js")
    config.extra["polyfills"] = polyfills
    return config


def on_pre_build(config: Any) -> None:
    """Record each page's errors at its docs/FILE:LINE (reported together in on_env)."""
    from macros import pageerrors

    global _env
    _env = template_env()  # each build reads the templates afresh (in `serve`, an edited one too)

    pageerrors.reset()
    plugin = config.plugins.get("macros")
    if plugin is not None:
        pageerrors.install(plugin.env, plugin, Path(config.config_file_path).parent)


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    """The macros' finished HTML, held out of Markdown (fragments.py), put back before anything reads the page."""
    held = citations.CURRENT.fragments.get(page.url)
    return held.expand(html) if held is not None else html


def on_page_context(context: Any, page: Any, config: Any, nav: Any) -> Any:
    """After the search plugin has indexed the page: the fragments its index leaves out (the Sources list, JSON-LD),
    then the table of contents completed with the headings of the macros' HTML (pagetoc.py).

    Each fragment is a section of its own (it starts with its heading, or holds no abbreviation), so marking its
    abbreviations at first use on its own marks what marking the whole page did."""
    from macros.pagetoc import complete
    from macros.reader import abbreviations_at_first_use

    held = citations.CURRENT.fragments.pop(page.url, None)
    if held is not None:
        page.content = held.expand(page.content, late=True, finish=abbreviations_at_first_use)
        missing = held.missing()
        if missing:  # e.g. a macro's markup inside Markdown code, which escaped its placeholder
            from mkdocs.exceptions import PluginError

            raise PluginError(f"docs/{page.file.src_uri}: {missing} macro output(s) could not be put in the "
                              "page (a macro that returns markup was used where Markdown keeps text as it is, such "
                              "as inside `code`); use such macros in the page's text only")
    if page.content:
        page.toc = complete(page.toc, page.content)
    return context


def _exports(config: Any) -> Any:
    """What the export jobs need from this build, before any page is converted; None without a fact base."""
    from macros.exports import Exports
    from macros.links import SiteLinks, source_page_src

    state = citations.CURRENT
    fb = state.factbase
    if fb is None:
        return None
    links = SiteLinks(use_directory_urls=config["use_directory_urls"])
    quote_pages = {q.id: links.url_of(source_page_src(q.source)) for q in fb.quotes.values()}
    return Exports(fb, state.history, state.dataset, {}, quote_pages, "", state.offline_zip)


#: The exports of this build, made at `on_files`; `on_env` adds which page shows which record.
_PENDING: list[Any] = []


def on_files(files: Any, config: Any) -> Any:
    """MkDocs has just emptied the site folder: the exports that depend on the data alone (JSON, CSV, the Data
    Package, the schemas) start here, in a forked child, while MkDocs converts every page and renders the theme.
    In `serve` every export waits for the rebuilt pages instead (on_env, background.DEFER)."""
    from mkdocs.exceptions import PluginError

    from macros import background
    from macros.exports import write_data_exports

    _PENDING.clear()
    exports = _exports(config)
    if exports is None:
        return files
    _PENDING.append(exports)
    if not background.DEFER:
        site_dir, commit = Path(config["site_dir"]), exports.history.head
        try:
            _EXPORTS.start(lambda: write_data_exports(site_dir, commit, exports))
        except Exception as exc:  # run in-process (no fork here): fail the build the same way
            raise PluginError(f"Writing the data exports failed: {exc!r}") from None
    return files


def on_env(env: Any, config: Any, files: Any) -> Any:
    """Every page's Markdown is converted: the exports that name the pages records are shown on (the JSON-LD, the
    feed) are written here, while the child writes the others."""
    from mkdocs.exceptions import PluginError

    from macros import background, opendata, pageerrors, render
    from macros.exports import write_exports, write_page_exports

    pageerrors.fail_if_any()  # every page is converted: report all their errors at once
    if render.SERVE_TEMPLATES is not None:  # the theme's templates too, in `serve`
        env.bytecode_cache = render.SERVE_TEMPLATES
    escape_front_matter(files)

    if not _PENDING:
        return env
    exports, state, site_dir = _PENDING.pop(), citations.CURRENT, Path(config["site_dir"])
    for url, page in state.pages.items():
        for fact_id in page.facts:
            exports.shown_on.setdefault(fact_id, []).append(url)
    opendata.note_pages(state, [(f.page.url, f.page.content or "") for f in files.documentation_pages()
                                if f.page is not None])
    exports.feed = opendata.feed(state)
    try:
        if background.DEFER:  # `serve`: every export after the rebuilt pages are shown
            _EXPORTS.start(lambda: write_exports(exports.fb, site_dir, exports.history.head, exports=exports))
        else:
            write_page_exports(site_dir, exports)
    except Exception as exc:
        raise PluginError(f"Writing the data exports failed: {exc!r}") from None
    return env


def on_build_error(error: Exception) -> None:
    """A failed build stops the exports' child: the site folder it writes into is thrown away."""
    _EXPORTS.cancel()
    _PENDING.clear()


#: Front-matter fields the theme writes into HTML as they are (Material's base.html, header and nav).
THEME_META = ("title", "description", "author")


def escape_front_matter(files: Any) -> None:
    """Escape the front-matter fields the theme prints unescaped, once, after every page's Markdown is
    converted (macros and the JSON-LD have used the plain text) and before any template is rendered.

    MkDocs' theme environment does not autoescape, and Material writes `page.meta.description` into
    `<meta content="...">` and `page.meta.title` into `<title>`, the header and the nav as they are: a
    description with a double quote ended the attribute there. A title taken from a page's first
    heading is already HTML; one from front matter becomes HTML here.
    """
    from macros.text import attribute

    for file in files.documentation_pages():
        meta = file.page.meta if file.page is not None else None
        for key in THEME_META:
            if meta and isinstance(meta.get(key), str):
                meta[key] = attribute(meta[key])


def on_post_build(config: Any) -> None:
    """The exports must be complete, and must have succeeded, before the build counts as done."""
    from mkdocs.exceptions import PluginError

    from macros import opendata

    state, site_dir = citations.CURRENT, Path(config["site_dir"])
    try:  # in `serve`, the downloads (and the Data page's sizes) follow the rebuilt pages
        _EXPORTS.finish(lambda: opendata.fill_sizes(state, site_dir), "Writing the data exports")
    except RuntimeError as exc:
        raise PluginError(f"Writing the data exports failed: {exc}") from None


def on_post_page(output: str, page: Any, config: Any) -> str:
    from macros.links import SiteLinks

    if "<!--sco-record:" in output:  # the Changes page's records, linked where the site shows them
        from macros import opendata

        links = SiteLinks(use_directory_urls=config["use_directory_urls"])
        output = opendata.fill_record_links(citations.CURRENT, output, page.url, links.relative)
    if "<!--sco-cited-on:" not in output:
        return output

    links = SiteLinks(use_directory_urls=config["use_directory_urls"])
    state = citations.CURRENT

    def fill(match: re.Match[str]) -> str:
        citers = []
        for c in sorted(state.cited_on.get(match.group(1), []), key=lambda c: (c.page_url, c.anchor)):
            if c.page_url == page.url:
                continue
            href = links.relative(c.page_url, page.url)
            citers.append({"href": f"{href}#{c.anchor}" if c.anchor else href,
                           "page_title": c.page_title, "label": c.label})
        return _env.get_template("cited_on.html").render(citers=citers)

    return _PLACEHOLDER.sub(fill, output)
