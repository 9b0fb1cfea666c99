"""The open-data layer's part in a build: what `define_env`, the macros and the hooks call.

Once per build, `start_build` reads the history and describes the dataset. The Data page's
downloads carry placeholders for their sizes, filled in once the exports are written
(`fill_sizes`); the Changes page carries placeholders for its record links, filled in once
every page is converted (`fill_record_links`).
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path
from typing import Any

from markupsafe import Markup

from . import changes as _changes
from . import changelog as _history
from .cache import ParseCache, cache_dir
from .citations import BuildState
from .dataset import (
    CSV_ZIP_NAME, EXPORT_DIR, FEED_NAME, JSON_NAME, JSONLD_NAME, OFFLINE_ZIP_NAME, OFFLINE_ZIP_PATH, PACKAGE_NAME, SCHEMA_DIR,
    dataset_info,
)
from .exports import write_file
from .render import Page, Renderer, Row
from .schema import KINDS
from .tables import tables

_SIZE = re.compile(r"<!--sco-size:([A-Za-z0-9_./-]+)-->")


def start_build(state: BuildState, config: Any, project_dir: Path) -> None:
    """Read the history (once per build) and describe the dataset, for the macros and the exports."""
    state.history = _history.read(project_dir, cache=ParseCache(cache_dir(project_dir)))
    state.dataset = dataset_info(config, state.history)
    offline = os.environ.get("SCO_OFFLINE") == "true"  # the offline copy cannot hold itself
    state.offline_zip = None if offline else current_offline_zip(project_dir / OFFLINE_ZIP_NAME, state.history.head)


def current_offline_zip(path: Path, commit: str) -> Path | None:
    """The offline copy `make offline` wrote, if it was built from this commit (else None: a stale copy
    is never published)."""
    if commit == "unknown" or not path.is_file():
        return None
    try:
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if n.count("/") == 2 and n.endswith(f"/{EXPORT_DIR}/{JSON_NAME}")]
            if not names:
                return None
            with zf.open(names[0]) as fh:
                head = fh.read(400).decode("utf-8", "replace")
    except (OSError, zipfile.BadZipFile):
        return None
    match = re.search(r'"commit":\s*"([0-9a-f]+)"', head)
    return path if match and match.group(1) == commit else None


# -- macros -------------------------------------------------------------------------------------------
def downloads(renderer: Renderer, page: Page, dest: str) -> Markup:
    """The Data page's table of downloads; each size is a placeholder until the exports are written."""
    state = renderer.state
    state.dataset_pages.add(page.url)
    state.size_pages[dest] = None

    def link(path: str) -> Row:
        # the size's placeholder is markup the build writes (the names are the exports' own), not text from data
        return Row(href=renderer.links.relative(path, page.url), size=Markup(f"<!--sco-size:{path}-->"),
                   label=path.rsplit("/", 1)[-1])

    kind_tables: dict[str, list[Row]] = {}
    for table in tables():
        kind_tables.setdefault(table.kind, []).append(link(f"{EXPORT_DIR}/{table.name}.csv"))
    rows = [
        Row(files=[link(f"{EXPORT_DIR}/{JSON_NAME}")], format="JSON",
            what="Every record of every kind, as in the YAML, with the schema version, the commit, and the date "
                 "each record last changed."),
        Row(files=[link(f"{EXPORT_DIR}/{CSV_ZIP_NAME}")], format="ZIP of CSV",
            what="All the tables below and their Data Package, in one file."),
        Row(files=[link(f"{EXPORT_DIR}/{PACKAGE_NAME}")], format="Frictionless Data Package",
            what="Name, version, date, licences, sources, and a Table Schema for each CSV: column types, "
                 "descriptions, primary and foreign keys."),
    ]
    for kind, model in KINDS.items():
        rows.append(Row(files=kind_tables.get(kind, []), format=f"CSV: {kind}",
                        what=f"{(model.__doc__ or '').strip()} A row per record, then a table for each list, a row "
                             "per item."))
    rows += [
        Row(files=[link(f"{EXPORT_DIR}/{JSONLD_NAME}")], format="JSON-LD (schema.org)",
            what="The Dataset; a Claim for every fact, citing Quotations, each part of a CreativeWork (its "
                 "source), with the pages that show them."),
        Row(files=[link(FEED_NAME)], format="Atom feed", what="What changed in the data, commit by commit, and why."),
        Row(files=[link(f"{SCHEMA_DIR}/{kind}.schema.json") for kind in KINDS], format="JSON Schema",
            what="The schema each data file is checked against, one per record kind."),
    ]
    if state.offline_zip is not None:
        rows.append(Row(files=[link(OFFLINE_ZIP_PATH)], format="ZIP", what="The whole site, to open from disk."))
    return renderer.html("downloads.html", rows=rows)


def citation(renderer: Renderer, page: Page, style: str) -> Markup:
    """How to cite the dataset, in one style."""
    info = renderer.state.dataset
    renderer.state.dataset_pages.add(page.url)
    if style == "text":
        return renderer.html("cite_dataset.html", text=info.citation_text(), code=None, language="")
    if style == "bibtex":
        return renderer.html("cite_dataset.html", text=None, code=info.bibtex(), language="bibtex")
    if style == "csl":
        return renderer.html("cite_dataset.html", text=None, code=info.csl_json(), language="json")
    raise ValueError(f"unknown citation style {style!r}: text, bibtex or csl")


def changes(renderer: Renderer, page: Page) -> Markup:
    renderer.state.dataset_pages.add(page.url)
    return _changes.changes_markup(renderer.state.history, renderer.state.dataset, renderer.fb, renderer.html,
                                   renderer.links.relative(FEED_NAME, page.url))


def page_json_ld(renderer: Renderer, page: Page) -> str:
    """The page's JSON-LD script, or "" for a page that neither cites nor describes the dataset."""
    from .linkeddata import dataset_node, distributions, page_json_ld as json_ld

    state = renderer.state
    order = state.page(page.url).order
    if not order and page.url not in state.dataset_pages:
        return ""
    info = state.dataset
    dataset = None
    if page.url in state.dataset_pages:
        dataset = dataset_node(info, renderer.fb, distributions(info, state.offline_zip is not None))
    return ('<script type="application/ld+json">' + json_ld(renderer.fb, info, page.url, page.title, order, dataset)
            + "</script>")


# -- hooks ----------------------------------------------------------------------------------------------
def note_pages(state: BuildState, pages: list[tuple[str, str]]) -> None:
    """Where each record is shown: every converted page's HTML (url, html), in the build's page order."""
    state.record_pages = _changes.record_pages(pages)


def fill_record_links(state: BuildState, output: str, page_url: str, relative: Any) -> str:
    """The Changes page's record placeholders as links relative to the page."""
    def link(kind: str, record_id: str) -> str | None:
        url = _changes.record_url(kind, record_id, state.factbase, state.record_pages)
        return relative(url.split("#")[0], page_url) + "#" + url.split("#", 1)[1] if url else None

    return _changes.fill_links(output, link)


def feed(state: BuildState) -> str:
    from .render import template_env

    env = template_env()
    return _changes.feed(state.history, state.dataset, state.factbase, state.record_pages,
                         lambda name, **ctx: env.get_template(name).render(**ctx))


def fill_sizes(state: BuildState, site_dir: Path) -> None:
    """Write each download's size into the pages that list it (the exports are complete by now)."""
    for dest in state.size_pages:
        path = Path(dest)
        try:
            html = path.read_text(encoding="utf-8")
        except OSError:
            continue
        write_file(path, _SIZE.sub(lambda m: human_size(site_dir / m.group(1)), html).encode("utf-8"))


def human_size(path: Path) -> str:
    try:
        size = path.stat().st_size
    except OSError:
        return "not in this build"
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.0f} kB"
    return f"{size / 1_000_000:.1f} MB"

