"""schema.org JSON-LD: one graph across the pages and the dataset file.

Every record has one IRI wherever it appears: a fragment of the site-wide JSON-LD file
(`.../data/sco-explainer.jsonld#source-weitz-2014`), absolute, with no `@base`, so that a
page's citation of a work and the dataset's description of it are the same node. The
dataset itself is a full schema.org `Dataset` (name, description, licence, version, creator,
date, downloads). Claims and quotations are described, never rated: no `ClaimReview`.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from .dataset import (
    CSV_ZIP_NAME, EXPORT_DIR, FEED_NAME, JSON_NAME, JSONLD_NAME, LICENCE, OFFLINE_ZIP_PATH, PACKAGE_NAME,
    QUOTES_NOTE, DatasetInfo, licence_url,
)
from .factbase import FactBase

CONTEXT = "https://schema.org"


def iri(info: DatasetInfo, kind: str, record_id: str) -> str:
    """The one IRI of a record: `kind` is its singular name in fragments (source, quote, fact)."""
    return info.url(f"{EXPORT_DIR}/{JSONLD_NAME}#{kind}-{record_id}")


def _work(fb: FactBase, info: DatasetInfo, source_id: str) -> dict[str, Any]:
    source = fb.sources[source_id]
    work: dict[str, Any] = {
        "@type": "CreativeWork", "@id": iri(info, "source", source.id), "name": source.title,
        "publisher": {"@type": "Organization", "name": source.outlet}, "datePublished": source.published,
        "author": [{"@type": "Person", "name": a} for a in source.authors],
        "copyrightNotice": source.licence,
        "mainEntityOfPage": info.page(f"sources/{source.id}.md"),
    }
    licence = licence_url(source.licence)
    if licence:
        work["license"] = licence
    if source.url:
        work["url"] = source.url
    return work


def dataset_node(info: DatasetInfo, fb: FactBase, distributions: list[tuple[str, str, str, str]],
                 full: bool = True) -> dict[str, Any]:
    """The schema.org Dataset; `distributions` are (site path, media type, name, description) of
    each download. Without `full`, only what a page that builds on it needs to name it."""
    creator = {"@type": "Organization", "name": info.creator, "url": info.url("")}
    node: dict[str, Any] = {
        "@type": "Dataset", "@id": info.iri, "name": info.title, "description": _description(info, fb),
        "url": info.landing_page, "license": LICENCE["path"], "creator": creator,
    }
    if not full:
        return node
    node.update({
        "version": info.version, "publisher": creator, "isAccessibleForFree": True, "inLanguage": "en",
        "usageInfo": QUOTES_NOTE,
        "isBasedOn": [{"@id": iri(info, "source", s)} for s in fb.sources],
        "distribution": [{"@type": "DataDownload", "name": name, "description": about,
                          "encodingFormat": media, "contentUrl": info.url(path)}
                         for path, media, name, about in distributions],
    })
    if info.modified:
        node["dateModified"] = info.modified
    if info.repository:
        node["sameAs"] = info.repository
    return node


def _description(info: DatasetInfo, fb: FactBase) -> str:
    counts = fb.counts()
    return (f"{info.description} The fact base behind the site: {counts['facts']} facts in our own words, each "
            f"citing verbatim quotes ({counts['quotes']}) from {counts['sources']} sources, with events, "
            "membership, figures, positions and a glossary. Text and data CC BY 4.0. " + QUOTES_NOTE)


def distributions(info: DatasetInfo, offline_zip: bool) -> list[tuple[str, str, str, str]]:
    """The dataset's downloads, as (site path, media type, name, description)."""
    found = [
        (f"{EXPORT_DIR}/{JSON_NAME}", "application/json", "JSON", "Every record of every kind, with the schema "
         "version and the commit."),
        (f"{EXPORT_DIR}/{CSV_ZIP_NAME}", "application/zip", "CSV tables", "A tidy CSV table per record kind and "
         "per list, with the Data Package that describes them."),
        (f"{EXPORT_DIR}/{PACKAGE_NAME}", "application/json", "Frictionless Data Package", "Tables, types, keys, "
         "licences and sources, for the CSV files beside it."),
        (f"{EXPORT_DIR}/{JSONLD_NAME}", "application/ld+json", "JSON-LD", "schema.org claims, quotations and "
         "works."),
        (FEED_NAME, "application/atom+xml", "Changes (Atom feed)", "What changed in the data, "
         "commit by commit, and why."),
    ]
    if offline_zip:
        found.append((OFFLINE_ZIP_PATH, "application/zip", "Offline copy of the site", "The whole site, to open "
                      "from disk."))
    return found


def script_safe(data: dict[str, Any]) -> str:
    """Compact, sorted JSON that cannot close or open an element inside a <script>."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_json_ld(fb: FactBase, info: DatasetInfo, page_url: str, title: str, quote_ids: list[str],
                 dataset: dict[str, Any] | None = None) -> str:
    """JSON-LD for one page: an Article citing the works it quotes, based on the dataset; on the
    dataset's own pages (`dataset` given), the full Dataset node too.

    The claims and quotations themselves are in the site-wide file (`dataset_json_ld`), not repeated
    in every page: in the pages they doubled the weight of the HTML for no reader's benefit.
    """
    sources = sorted({fb.quotes[q].source for q in quote_ids})
    article: dict[str, Any] = {
        "@type": "Article", "@id": info.url(page_url), "url": info.url(page_url), "headline": title,
        "isBasedOn": dataset_node(info, fb, [], full=False),
    }
    if sources:
        article["citation"] = [_work(fb, info, s) for s in sources]
    graph = [article] + ([dataset] if dataset else [])
    return script_safe({"@context": CONTEXT, "@graph": graph})


def dataset_json_ld(fb: FactBase, info: DatasetInfo, shown_on: dict[str, list[str]], quote_pages: dict[str, str],
                    dataset: dict[str, Any]) -> bytes:
    """The Dataset, and a Claim for every fact citing Quotations, each part of a CreativeWork (its source).

    `shown_on` maps a fact id to the pages (site-relative URLs) that show it; `quote_pages` maps a
    quote id to the page that shows it in context.
    """
    graph: list[dict[str, Any]] = [dataset]
    for quote in fb.quotes.values():
        item: dict[str, Any] = {"@type": "Quotation", "@id": iri(info, "quote", quote.id), "text": quote.text,
                                "isPartOf": {"@id": iri(info, "source", quote.source)},
                                "copyrightNotice": fb.sources[quote.source].licence}
        chapter = fb.chapters.get(quote.chapter) if quote.chapter else None
        if chapter:
            item["creator"] = [{"@type": "Person", "name": a} for a in chapter.authors]
        if quote.speaker:
            item["spokenByCharacter"] = {"@type": "Person", "name": fb.actors[quote.speaker].name}
        if quote.id in quote_pages:
            item["url"] = info.url(f"{quote_pages[quote.id]}#q-{quote.id}")
        graph.append(item)
    for fact in fb.facts.values():
        claim: dict[str, Any] = {"@type": "Claim", "@id": iri(info, "fact", fact.id), "text": fact.claim,
                                 "citation": [{"@id": iri(info, "quote", q)} for q in fact.cites],
                                 "license": LICENCE["path"]}
        if fact.as_of:
            claim["temporalCoverage"] = fact.as_of
        pages = shown_on.get(fact.id)
        if pages:
            claim["url"] = [info.url(f"{u}#fact-{fact.id}") for u in sorted(pages)]
        graph.append(claim)
    graph.extend(_work(fb, info, s) for s in fb.sources)
    data = {"@context": CONTEXT, "@graph": graph}
    # keys in the fixed order built above (sorting 100,000 nodes' keys cost more than the rest); orjson writes what
    # `json.dumps(data, ensure_ascii=False, separators=(",", ":"))` writes for texts, whole numbers, lists and
    # mappings, byte for byte, several times faster (tests/test_exports.py compares the two); as UTF-8 bytes, the way
    # the file is written (decoded, the ×100 file was a 45 MB text of four-byte characters, then encoded again)
    return orjson.dumps(data) + b"\n"
