"""Data for reuse: one JSON file with every record, a CSV per kind, and schema.org JSON-LD.

Written by the build (see hooks.on_env) into the site's `data/` folder, so
researchers can reuse the fact base without scraping HTML.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .factbase import FactBase
from .schema import KINDS, SCHEMA_VERSION, Record

EXPORT_DIR = "data"
JSON_NAME = "sco-explainer.json"
JSONLD_NAME = "sco-explainer.jsonld"


def record_dict(record: Record) -> dict[str, Any]:
    """A record as plain JSON data, with field names as in the YAML (e.g. `from`)."""
    return record.model_dump(mode="json", by_alias=True, exclude_defaults=False)


def as_json(fb: FactBase, commit: str) -> str:
    """Every record by kind, one record per line (readable diffs), with the schema version and commit.

    Each record is serialised by pydantic-core (`model_dump_json`), which writes the same
    compact JSON as `json.dumps(record_dict(r), separators=(",", ":"), ensure_ascii=False)`
    several times faster than building the dicts first.
    """
    head = json.dumps({"schema_version": SCHEMA_VERSION, "commit": commit, "counts": fb.counts()}, ensure_ascii=False)
    parts = []
    for kind in KINDS:
        body = ",\n".join(r.model_dump_json(by_alias=True) for r in getattr(fb, kind).values())
        parts.append(f'"{kind}":[\n{body}\n]')
    return head[:-1] + ', "records": {' + ",\n".join(parts) + "}}\n"


def _plain(value: Any) -> Any:
    return value.model_dump(mode="json", by_alias=True) if isinstance(value, BaseModel) else value


def _cell(value: Any) -> str:
    """A field as one CSV cell: lists of ids joined with '; ', nested records as JSON, None empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return "; ".join(value)
        return json.dumps([_plain(v) for v in value], ensure_ascii=False, sort_keys=True)
    if isinstance(value, BaseModel):
        return json.dumps(_plain(value), ensure_ascii=False, sort_keys=True)
    return str(value)


def as_csv(fb: FactBase, kind: str) -> str:
    """One row per record, read from the records' attributes (no intermediate dicts)."""
    model = KINDS[kind]
    fields = list(model.model_fields.items())
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([info.alias or name for name, info in fields])
    names = [name for name, _ in fields]
    writer.writerows([_cell(getattr(record, n)) for n in names] for record in getattr(fb, kind).values())
    return out.getvalue()


def write_exports(fb: FactBase, site_dir: Path, commit: str, site_url: str = "",
                  shown_on: dict[str, list[str]] | None = None, quote_pages: dict[str, str] | None = None) -> None:
    folder = site_dir / EXPORT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    (folder / JSON_NAME).write_text(as_json(fb, commit), encoding="utf-8")
    (folder / JSONLD_NAME).write_text(dataset_json_ld(fb, site_url, shown_on or {}, quote_pages or {}), encoding="utf-8")
    for kind in KINDS:
        (folder / f"{kind}.csv").write_text(as_csv(fb, kind), encoding="utf-8")


def _work(source: Any) -> dict[str, Any]:
    work: dict[str, Any] = {
        "@type": "CreativeWork", "@id": f"#source-{source.id}", "name": source.title,
        "publisher": source.outlet, "datePublished": source.published,
        "author": [{"@type": "Person", "name": a} for a in source.authors],
    }
    if source.url:
        work["url"] = source.url
    return work


def _script_safe(data: dict[str, Any]) -> str:
    """Compact, sorted JSON that cannot close or open an element inside a <script>."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_json_ld(fb: FactBase, page_url: str, title: str, site_url: str, quote_ids: list[str]) -> str:
    """schema.org Article for one page: the works it quotes and the dataset it is built from.

    The claims and quotations themselves are in the site-wide JSON-LD file (see
    `dataset_json_ld`), not repeated in every page: in the pages they doubled the weight
    of the HTML for no reader's benefit.
    """
    root = site_url.rstrip("/") + "/"
    sources = sorted({fb.quotes[q].source for q in quote_ids})
    data = {"@context": "https://schema.org", "@base": root + page_url, "@type": "Article", "@id": "",
            "headline": title, "citation": [_work(fb.sources[s]) for s in sources],
            "isBasedOn": {"@type": "Dataset", "@id": f"{root}{EXPORT_DIR}/{JSONLD_NAME}"}}
    return _script_safe(data)


def dataset_json_ld(fb: FactBase, site_url: str, shown_on: dict[str, list[str]], quote_pages: dict[str, str]) -> str:
    """schema.org Claim and Quotation objects for every fact and quote, with the works they come from.

    `shown_on` maps a fact id to the pages (site-relative URLs) that show it; `quote_pages`
    maps a quote id to the page that shows it in context. Facts link to their quotes,
    quotes to their works, and both to where a reader sees them.
    """
    root = site_url.rstrip("/") + "/"
    graph: list[dict[str, Any]] = []
    for quote in fb.quotes.values():
        item: dict[str, Any] = {"@type": "Quotation", "@id": f"#quote-{quote.id}", "text": quote.text,
                                "isPartOf": {"@id": f"#source-{quote.source}"}}
        chapter = fb.chapters.get(quote.chapter) if quote.chapter else None
        if chapter:
            item["creator"] = [{"@type": "Person", "name": a} for a in chapter.authors]
        if quote.speaker:
            item["spokenByCharacter"] = {"@type": "Person", "name": fb.actors[quote.speaker].name}
        if quote.id in quote_pages:
            item["url"] = f"{root}{quote_pages[quote.id]}#q-{quote.id}"
        graph.append(item)
    for fact in fb.facts.values():
        claim: dict[str, Any] = {"@type": "Claim", "@id": f"#fact-{fact.id}", "text": fact.claim,
                                 "citation": [{"@id": f"#quote-{q}"} for q in fact.cites]}
        if fact.as_of:
            claim["temporalCoverage"] = fact.as_of
        pages = shown_on.get(fact.id)
        if pages:
            claim["url"] = [f"{root}{u}#fact-{fact.id}" for u in sorted(pages)]
        graph.append(claim)
    graph.extend(_work(s) for s in fb.sources.values())
    data = {"@context": "https://schema.org", "@base": f"{root}{EXPORT_DIR}/{JSONLD_NAME}", "@graph": graph}
    # keys in the fixed order built above (sorting 100,000 nodes' keys cost more than the rest)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
