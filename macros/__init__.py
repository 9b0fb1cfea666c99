"""mkdocs-macros entry point: wiring only.

The data is loaded and validated once per build, here; every macro below is
a thin closure over one Renderer. Logic lives in the modules beside this one.
"""

from __future__ import annotations

import functools
import gc
import os
from pathlib import Path
from typing import Any

from markupsafe import Markup

from . import background, citations, factbase, opendata, pageerrors
from .cache import cache_dir
from .errors import DataError
from .factbase import FactBase, load
from .fragments import Fragments
from .links import SiteLinks
from .render import Page, Renderer, Row
from .schema import TOPICS
from .text import human_date, spelled
from .charts import Charts
from .glance import Glance
from .views import Views

ROOT = Path(__file__).resolve().parent.parent

#: Macro names and one-line docs; the docs page and a test keep these in sync.
MACROS: dict[str, str] = {}

#: The cyclic collector's first threshold during a build (Python's default is 700). A build keeps what it makes
#: (pages, their HTML, the search index) until it ends, and at the default a full collection, going through all
#: of it again, came every 70,000 or so new objects: 17 in a x100 build, 0.7-1.0 s of CPU (2 at x1, 0.03 s).
#: At 20,000 there are one or two, and garbage cycles are still collected.
BUILD_GC_THRESHOLD = 20_000

#: The renderer of the build in progress (a `serve` rebuild replaces it, dropping the old fact base).
_CURRENT: list[Renderer] = []


def _current(env: Any) -> Page:
    page = env.page
    return Page(url=page.url, title=page.title or page.file.name)


def define_env(env: Any) -> None:
    """Load the data once for this build and register the macros."""
    from mkdocs.exceptions import PluginError

    project = Path(env.project_dir)
    # In `serve`, the previous build's objects are garbage now: unfreeze them, drop this module's references
    # to them and collect, before the new fact base is frozen. Freezing without collecting first froze each
    # build's garbage for good (about +13 MiB per data edit at x1).
    background.wait_after_build()  # the last serve build's downloads are written (this build cleans the folder)
    gc.unfreeze()
    _CURRENT.clear()
    citations.new_build()
    gc.collect()
    gc.set_threshold(BUILD_GC_THRESHOLD, *gc.get_threshold()[1:])
    try:
        fb: FactBase = load(project / "data", project, cache_dir(project), factbase.KEPT)
    except DataError as exc:
        raise PluginError("The data has errors; nothing was built.\n" + exc.report()) from None
    # The fact base lives as long as the build. Frozen, it is left out of the cyclic collector's
    # full collections, which MkDocs' own work triggers over and over (x100: 33.9 -> 31.6 s). Frozen
    # right after loading: a full collection after loading walked all of it (0.4 s at x100).
    gc.freeze()
    conf = env.conf
    links = SiteLinks(
        use_directory_urls=conf["use_directory_urls"],
        repo_url=(conf.get("extra") or {}).get("repository") or conf.get("repo_url") or None,
        edit_branch=(conf.get("extra") or {}).get("edit_branch", "main"),
    )
    state = citations.new_build()
    state.factbase = fb
    opendata.start_build(state, conf, Path(env.project_dir))
    renderer = Renderer(fb, links, state)
    views = Views(renderer)
    charts = Charts(renderer, views)
    glance = Glance(renderer)
    # Kept off env.variables: mkdocs-macros serialises every variable to JSON for its debug log
    # on each build, which for a large fact base cost seconds.
    _CURRENT[:] = [renderer]

    def macro(fn: Any) -> Any:
        MACROS[fn.__name__] = (fn.__doc__ or "").strip()

        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                result = fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - recorded at the page's line (pageerrors.py), page goes on
                return pageerrors.macro_failed(exc, fn)
            if not isinstance(result, Markup):  # plain text joins the page's prose (see on_post_page_macros)
                renderer.prose.append(str(result))
                return result
            return Markup(state.fragments[_current(env).url].hold(result))  # finished HTML: past Markdown

        env.macro(call)
        return call

    @macro
    def fact(id: str) -> Markup:
        """One fact with its citation markers: `{{ fact("sco-founded") }}`."""
        return renderer.fact(fb.facts[id], _current(env))

    @macro
    def facts(topic: str | None = None, actor: str | None = None, source: str | None = None,
              ids: list[str] | None = None) -> Markup:
        """A list of facts filtered by topic, actor or source, or named by `ids`."""
        return renderer.facts(views.select_facts(topic, actor, source, ids), _current(env))

    @macro
    def source_facts(id: str) -> Markup:
        """Every fact that cites a source, in date order, in a list the reader opens (a source page's last section)."""
        return renderer.source_facts(views.select_facts(source=id), _current(env))

    @macro
    def quote(id: str) -> Markup:
        """A quote block with its attribution and citation marker."""
        return renderer.quote(fb.quotes[id], _current(env))

    @macro
    def cite(*ids: str) -> Markup:
        """Citation markers for quote ids, for a sentence written in the page itself."""
        page = _current(env)
        return renderer.markers(ids, page)

    @macro
    def cite_fact(*ids: str) -> Markup:
        """Markers for facts a page states in its own prose: each fact's quotes, and an anchor its backlinks land on."""
        return renderer.fact_markers([fb.facts[i] for i in ids], _current(env))

    @macro
    def position(id: str) -> Markup:
        """A Russia/China comparison for one issue: stances side by side, summary and outcome."""
        return views.position(_current(env), id)

    @macro
    def positions(topic: str | None = None) -> Markup:
        """Every position issue, or those of one topic."""
        return views.positions(_current(env), topic)

    @macro
    def timeline(topic: str | None = None, actor: str | None = None, start: str | None = None,
                 end: str | None = None, kinds: list[str] | None = None, prefix: str = "") -> Markup:
        """Events by year, filterable by topic, actor, period (start/end) and kinds."""
        return views.timeline(_current(env), prefix=prefix, topic=topic, actor=actor, start=start, end=end, kinds=kinds)

    @macro
    def membership_table() -> Markup:
        """Every state's statuses with years, citations and notes: a table, and one card per state on phones."""
        return views.membership_table(_current(env))

    @macro
    def members_by_year() -> Markup:
        """Changes by year: the years a state's status began or ended, with citations and the member count."""
        return views.members_by_year(_current(env))

    @macro
    def members_as_of(year: int | None = None) -> Markup:
        """The member states in a year (default: the newest source's year), inline."""
        return views.members_as_of(_current(env), year)

    @macro
    def member_count(year: int | None = None) -> int:
        """How many member states the data records for a year (default: the newest source's year)."""
        return views.member_count(year or fb.newest_year())

    def _at_precision(date: str, precision: str) -> str:
        keep = {"year": 1, "month": 2, "day": 3}[precision]
        return human_date("-".join(date.split("-")[:keep]))

    @macro
    def newest_source_date(precision: str = "day") -> str:
        """The newest source's publication date in words (at most as precise as asked): the site's "as of" date."""
        return _at_precision(fb.newest_source().published, precision)

    @macro
    def event_date(id: str, precision: str = "day") -> str:
        """An event's date in words, at most as precise as asked ("year", "month", "day") and as the data gives."""
        return _at_precision(fb.events[id].date, precision)

    @macro
    def in_words(n: int) -> str:
        """A small count in words, as prose writes it: `in_words(member_count(2001))` is "six"."""
        return spelled(n)

    @macro
    def event_year(id: str) -> int:
        """An event's year, as a number (for `member_count(event_year(...))`)."""
        return int(fb.events[id].date[:4])

    @macro
    def joined(state: str) -> int:
        """The year a state's membership began, from its membership record."""
        return next(s.from_ for s in fb.membership[state].statuses if s.status in ("member", "founding-member"))

    @macro
    def at_a_glance(bodies: list[str], bodies_fact: str) -> Markup:
        """The "At a glance" box: statuses as of the newest source, founding, permanent `bodies` (actor ids) and their seats."""
        return glance.at_a_glance(_current(env), bodies, bodies_fact)

    @macro
    def member_map() -> Markup:
        """An SVG map of Eurasia, each state coloured by its status as of the newest source, linking to Members."""
        return glance.member_map(_current(env))

    @macro
    def figures(metric: str | None = None) -> Markup:
        """Figures by metric; rows where sources disagree on a period are marked."""
        return views.figures(_current(env), metric)

    @macro
    def figure(id: str) -> Markup:
        """One figure inline with its unit and citation: `{{ figure("...") }}`."""
        return views.figure_value(_current(env), id)

    @macro
    def timeline_chart(start: int = 1996) -> Markup:
        """An SVG timeline of SCO events by kind (summits, treaties, accessions, exercises...)."""
        return charts.timeline_chart(_current(env), start)

    @macro
    def membership_chart() -> Markup:
        """An SVG chart of each state's membership status over time."""
        return charts.membership_chart(_current(env))

    @macro
    def figure_chart(metric: str) -> Markup:
        """An SVG chart of one metric's figures by period; disagreeing sources sit side by side."""
        return charts.figure_chart(_current(env), metric)

    @macro
    def glossary() -> Markup:
        """The glossary: every term, its expansion, native script and definition."""
        return views.glossary(_current(env))

    @macro
    def source_page(id: str) -> Markup:
        """A source's metadata and every quote of it, with anchors and "Cited on" lists."""
        return views.source_page(_current(env), id)

    @macro
    def sources_index() -> Markup:
        """A table of every source: title, authors, outlet, date at its precision, licence, quote count."""
        page = _current(env)
        rows = [Row(
            href=links.link(f"sources/{s.id}.md", page.url), title=s.title, authors=", ".join(s.authors),
            outlet=s.outlet, published=s.published, human=human_date(s.published), licence=s.licence,
            quotes=len(fb.quotes_by_source.get(s.id, [])),
        ) for s in sorted(fb.sources.values(), key=lambda s: (s.published, s.id))]
        return renderer.html("sources_index.html", sources=rows)

    @macro
    def data_dictionary() -> Markup:
        """Every record kind and field, generated from the schema."""
        from .dictionary import dictionary

        return renderer.html("dictionary.html", kinds=dictionary())

    @macro
    def macro_list() -> Markup:
        """Every macro a page can call, with its one-line description."""
        return renderer.html("macro_list.html", macros=sorted(MACROS.items()))

    @macro
    def download(name: str) -> Markup:
        """A link to one of the build's data exports (data/NAME), relative to the page."""
        from .exports import EXPORT_DIR
        from .text import escape

        href = links.relative(f"{EXPORT_DIR}/{name}", _current(env).url)
        return Markup(f'<a href="{escape(href)}" download><code>{escape(EXPORT_DIR)}/{escape(name)}</code></a>')

    @macro
    def downloads() -> Markup:
        """Every download of the dataset (JSON, CSV tables, Data Package, JSON-LD, feed, JSON Schemas) with its size."""
        return opendata.downloads(renderer, _current(env), env.page.file.abs_dest_path)

    @macro
    def dataset_citation(style: str = "text") -> Markup:
        """How to cite the dataset: style "text", "bibtex" or "csl" (CSL-JSON), for this build's version."""
        return opendata.citation(renderer, _current(env), style)

    @macro
    def changes() -> Markup:
        """Each commit that changed records, newest first: its reason, date, diff and the records it changed."""
        return opendata.changes(renderer, _current(env))

    @macro
    def source_date(id: str, precision: str = "day") -> str:
        """A source's publication date in words, at its precision (or less, when asked for "month" or "year")."""
        return _at_precision(fb.sources[id].published, precision)

    @macro
    def topic_label(topic: str) -> str:
        """The label of a topic."""
        return TOPICS[topic]

    @macro
    def count(kind: str) -> int:
        """How many records of a kind the fact base holds."""
        return fb.counts()[kind]


def on_pre_page_macros(env: Any) -> None:
    """Start a page afresh (matters in `serve`, where pages are rendered again)."""
    renderer = _CURRENT[0]
    page = _current(env)
    renderer.start_page(page)
    renderer.state.fragments[page.url] = Fragments()
    renderer.prose = [env.markdown]  # the page's own text, before any macro ran


def on_post_page_macros(env: Any) -> None:
    """Append the page's Sources list and the glossary's abbreviation definitions."""
    renderer = _CURRENT[0]
    page = _current(env)
    sources = renderer.sources_list(page)
    notes = renderer.notes_section(page)  # after the Sources list, whose entries can show notes on quotes
    held = renderer.state.fragments[page.url]
    tail = []
    if notes:
        tail.append(held.hold(notes))
    if sources:
        tail.append(held.hold(sources, late=True))  # out of the search index: put back after indexing
    json_ld = opendata.page_json_ld(renderer, page)
    if json_ld:
        tail.append(held.hold(json_ld, late=True))
    # Abbreviation definitions serve the page's prose only: the page's own text and what macros
    # returned as plain text. Fragments (Markup) are HTML whose abbreviations are already marked,
    # and scanning them too cost seconds on pages that list thousands of records.
    definitions = renderer.abbr.markdown_definitions("\n".join(renderer.prose))
    if definitions:
        tail.append(definitions)
    if tail:
        env.markdown = env.markdown.rstrip() + "\n\n" + "\n\n".join(tail) + "\n"
    dump = os.environ.get("SCO_DUMP_MARKDOWN")
    if dump:  # the benchmark's pre-rendered baseline: each page's Markdown after the macros ran
        import json

        target = Path(dump) / env.page.file.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        meta = "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in (env.page.meta or {}).items())
        target.write_text((f"---\n{meta}---\n" if meta else "") + held.inlined(env.markdown),
                          encoding="utf-8")
