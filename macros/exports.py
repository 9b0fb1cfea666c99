"""Data for reuse: one JSON file with every record, a CSV per kind, and JSON-LD for each page.

Written by the build (see hooks.on_post_build) into the site's `data/` folder, so
researchers can reuse the fact base without scraping HTML.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from .factbase import FactBase
from .schema import KINDS, SCHEMA_VERSION, Record

EXPORT_DIR = "data"
JSON_NAME = "sco-explainer.json"


def record_dict(record: Record) -> dict[str, Any]:
    """A record as plain JSON data, with field names as in the YAML (e.g. `from`)."""
    return record.model_dump(mode="json", by_alias=True, exclude_defaults=False)


def dumps(fb: FactBase) -> dict[str, list[dict[str, Any]]]:
    """Every record as plain data, by kind (computed once for all exports)."""
    return {kind: [record_dict(r) for r in getattr(fb, kind).values()] for kind in KINDS}


def as_json(fb: FactBase, commit: str, records: dict[str, list[dict[str, Any]]] | None = None) -> str:
    payload = {"schema_version": SCHEMA_VERSION, "commit": commit, "counts": fb.counts(),
               "records": records if records is not None else dumps(fb)}
    # one record per line: readable diffs, and compact separators keep json's fast C encoder
    head = json.dumps({k: v for k, v in payload.items() if k != "records"}, ensure_ascii=False)[:-1]
    parts = []
    for kind, rows in payload["records"].items():
        body = ",\n".join(json.dumps(row, ensure_ascii=False, separators=(",", ":")) for row in rows)
        parts.append(f'"{kind}":[\n{body}\n]')
    return head + ', "records": {' + ",\n".join(parts) + "}}\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "; ".join(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def as_csv(fb: FactBase, kind: str, rows: list[dict[str, Any]] | None = None) -> str:
    """One row per record; lists of ids joined with '; ', nested records as JSON."""
    model = KINDS[kind]
    columns = [info.alias or name for name, info in model.model_fields.items()]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for data in rows if rows is not None else (record_dict(r) for r in getattr(fb, kind).values()):
        writer.writerow([_cell(data.get(c)) for c in columns])
    return out.getvalue()


def write_exports(fb: FactBase, site_dir: Path, commit: str) -> list[Path]:
    folder = site_dir / EXPORT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    records = dumps(fb)
    written = [folder / JSON_NAME]
    written[0].write_text(as_json(fb, commit, records), encoding="utf-8")
    for kind in KINDS:
        path = folder / f"{kind}.csv"
        path.write_text(as_csv(fb, kind, records[kind]), encoding="utf-8")
        written.append(path)
    return written


def json_ld(fb: FactBase, page_url: str, site_url: str, fact_ids: list[str], quote_ids: list[str]) -> str:
    """schema.org Claim and Quotation objects for what a page shows, as a script element's content."""
    base = site_url.rstrip("/") + "/" + page_url
    graph: list[dict[str, Any]] = []
    works: dict[str, dict[str, Any]] = {}
    for quote_id in quote_ids:
        quote = fb.quotes[quote_id]
        source = fb.sources[quote.source]
        if source.id not in works:  # each source once; quotations point at it
            work: dict[str, Any] = {
                "@type": "CreativeWork", "@id": f"#source-{source.id}", "name": source.title,
                "publisher": source.outlet, "datePublished": source.published,
                "author": [{"@type": "Person", "name": a} for a in source.authors],
            }
            if source.url:
                work["url"] = source.url
            works[source.id] = work
        chapter = fb.chapters.get(quote.chapter) if quote.chapter else None
        item: dict[str, Any] = {"@type": "Quotation", "@id": f"#quote-{quote.id}", "text": quote.text,
                                "isPartOf": {"@id": f"#source-{source.id}"}}
        if chapter:
            item["creator"] = [{"@type": "Person", "name": a} for a in chapter.authors]
        if quote.speaker:
            item["spokenByCharacter"] = {"@type": "Person", "name": fb.actors[quote.speaker].name}
        graph.append(item)
    for fact_id in fact_ids:
        fact = fb.facts[fact_id]
        claim: dict[str, Any] = {"@type": "Claim", "@id": f"#fact-{fact.id}", "text": fact.claim,
                                 "citation": [{"@id": f"#quote-{q}"} for q in fact.cites]}
        if fact.as_of:
            claim["temporalCoverage"] = fact.as_of
        graph.append(claim)
    graph.extend(works[k] for k in sorted(works))
    text = json.dumps({"@context": "https://schema.org", "@base": base, "@graph": graph}, ensure_ascii=False,
                      sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
