"""Data for reuse: JSON Schemas for editors, JSON/CSV exports, and JSON-LD (per page and site-wide)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Callable

import jsonschema
import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import ROOT
from macros.factbase import load
from macros.loader import data_files
from macros.schema import KINDS

FB = load(ROOT / "data", ROOT)
FILES = data_files(ROOT / "data")


def schema(kind: str) -> dict:
    return json.loads((ROOT / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("kind,path", FILES, ids=[p.relative_to(ROOT).as_posix() for _, p in FILES])
def test_json_schema_accepts_every_real_file_and_header_points_to_it(kind: str, path: Path) -> None:
    """Each data file validates against its JSON Schema (jsonschema, not pydantic) named in its first line."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    target = (path.parent / first.split("$schema=", 1)[1]).resolve()
    assert target == (ROOT / "schema" / f"{kind}.schema.json").resolve()
    jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema(kind))


@pytest.mark.parametrize("kind,record", [
    ("facts", {"id": "x", "claim": "c", "topics": ["overview"], "cites": ["q"], "colour": "red"}),
    ("quotes", {"id": "x", "source": "s", "text": "t", "speeker": "a"}),
    ("sources", {"id": "x", "title": "t", "authors": ["a"], "outlet": "o", "kind": "article", "published": "2015",
                 "licence": "l", "url": "javascript:alert(1)"}),
])
def test_json_schema_rejects_unknown_fields_and_bad_values(kind: str, record: dict) -> None:
    """A record with an unknown field (or a non-http URL) fails the JSON Schema."""
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([record], schema(kind))


def test_json_export_round_trips(site: Path) -> None:
    """Loading the JSON export reproduces exactly the records read from the YAML."""
    payload = json.loads((site / "data" / "sco-explainer.json").read_text(encoding="utf-8"))
    assert payload["schema_version"] and payload["commit"]
    for kind, model in KINDS.items():
        exported = {r["id"]: model.model_validate(r) for r in payload["records"][kind]}
        assert exported == getattr(FB, kind), kind


@pytest.mark.parametrize("kind", list(KINDS))
def test_csv_export_has_a_row_per_record(site: Path, kind: str) -> None:
    """Each kind's CSV has the schema's fields as header and one row per record, ids in order."""
    rows = list(csv.reader(io.StringIO((site / "data" / f"{kind}.csv").read_text(encoding="utf-8"))))
    header = [info.alias or name for name, info in KINDS[kind].model_fields.items()]
    assert rows[0] == header
    assert [r[0] for r in rows[1:]] == list(getattr(FB, kind))


def test_pages_embed_json_ld_naming_the_works_they_quote(site: Path, page: Callable[[str], BeautifulSoup]) -> None:
    """A page's JSON-LD is an Article citing each work its Sources list quotes, based on the site's dataset."""
    soup = page("docking")
    data = json.loads(soup.find("script", type="application/ld+json").string)
    assert data["@type"] == "Article" and soup.title.get_text().startswith(data["headline"])
    # a Sources entry names its quote by its "Quote in context" link's anchor
    cited = {FB.quotes[a["href"].split("#q-", 1)[1]].source for a in soup.select("section.sco-sources li a[href*='#q-']")}
    assert sorted(w["@id"] for w in data["citation"]) == sorted(f"#source-{s}" for s in cited)
    assert {w["name"] for w in data["citation"]} == {FB.sources[s].title for s in cited}
    dataset = data["isBasedOn"]["@id"]
    assert dataset.endswith("/data/sco-explainer.jsonld") and (site / "data" / "sco-explainer.jsonld").is_file()


def test_dataset_json_ld_links_claims_quotes_works_and_pages(site: Path, page: Callable[[str], BeautifulSoup]) -> None:
    """The site-wide JSON-LD has every fact as a Claim citing Quotations, each part of a work, linked to its pages."""
    data = json.loads((site / "data" / "sco-explainer.jsonld").read_text(encoding="utf-8"))
    nodes = {n["@id"]: n for n in data["@graph"]}
    claims = [n for n in nodes.values() if n["@type"] == "Claim"]
    quotations = [n for n in nodes.values() if n["@type"] == "Quotation"]
    assert sorted(c["@id"] for c in claims) == sorted(f"#fact-{f}" for f in FB.facts)
    assert sorted(q["@id"] for q in quotations) == sorted(f"#quote-{q}" for q in FB.quotes)
    for claim in claims:
        assert [c["@id"] for c in claim["citation"]] == [f"#quote-{q}" for q in FB.facts[claim["@id"][6:]].cites]
    for quotation in quotations:
        assert nodes[quotation["isPartOf"]["@id"]]["@type"] == "CreativeWork"
        assert quotation["text"] == FB.quotes[quotation["@id"][7:]].text
    base = json.loads(page("docking").find("script", type="application/ld+json").string)["@base"]
    shown = {f["id"] for f in page("docking").select("article .sco-fact[id^='fact-'], article .sco-fact-ref span[id^='fact-']")}
    on_page = {c["@id"][1:] for c in claims if any(u == f"{base}#{c['@id'][1:]}" for u in c.get("url", []))}
    assert on_page == shown and shown
    quote = nodes["#quote-" + next(iter(FB.quotes))]
    path, anchor = quote["url"].removeprefix("https://example.org/sco-explainer/").split("#")
    assert BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser").find(id=anchor)

