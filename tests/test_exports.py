"""Data for reuse: JSON Schemas for editors, the JSON export, tidy CSV tables and their Data Package, and JSON-LD."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterator

import jsonschema
import orjson
import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import ROOT, parsed_html
from macros.exports import record_dict, write_file
from macros.factbase import load
from macros.changelog import read as read_history
from macros.loader import data_files
from macros.schema import KINDS
from macros.tables import tables

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


def test_json_export_writes_each_record_on_a_line_as_the_standard_library_would(site: Path) -> None:
    """Each record of the JSON export is one line of its own: the compact JSON `json.dumps` writes for it, in UTF-8."""
    lines = {line.removesuffix(",") for line in (site / "data" / "sco-explainer.json").read_text(encoding="utf-8").split("\n")}
    for kind in KINDS:
        for record in getattr(FB, kind).values():
            expected = json.dumps(record_dict(record), separators=(",", ":"), ensure_ascii=False)
            assert expected in lines, (kind, record.id)


def test_json_export_says_when_each_record_last_changed(site: Path) -> None:
    """The JSON export's `last_changed` gives each record's date from the history, the same as its CSV row."""
    payload = json.loads((site / "data" / "sco-explainer.json").read_text(encoding="utf-8"))
    history = read_history(ROOT)
    expected = {kind: {i: history.changed_on(kind, i) for i in getattr(FB, kind) if history.changed_on(kind, i)}
                for kind in KINDS}
    assert payload["last_changed"] == expected
    if history.available:  # a checkout with history (a shallow clone has none: see test_history.py)
        assert expected["facts"] and "history_unavailable" not in payload
    else:
        assert not any(expected.values()) and payload["history_unavailable"] == history.reason
    facts = {r["id"]: r["last_changed"] for r in csv.DictReader(io.StringIO((site / "data" / "facts.csv").read_text(
        encoding="utf-8")))}
    assert facts == {i: expected["facts"].get(i, "") for i in FB.facts}


# -- tidy CSV tables and their Data Package ---------------------------------------------------------------
def package(site: Path) -> dict:
    return json.loads((site / "data" / "datapackage.json").read_text(encoding="utf-8"))


def undo_formula_guard(cell: str) -> str:
    """The Data page's rule: drop one leading ' from a cell that starts with ' then (after more ') = + - @ tab CR."""
    starts = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
    return cell[1:] if cell[:1] == "'" and cell.lstrip("'")[:1] in starts else cell


def typed_rows(site: Path) -> dict[str, list[dict]]:
    """Every table's rows, typed by Frictionless from the Data Package's Table Schemas."""
    from frictionless import Package

    pack = Package(str(site / "data" / "datapackage.json"))
    out = {}
    for resource in pack.resources:
        with resource:
            out[resource.name] = [
                {k: undo_formula_guard(v) if isinstance(v, str) else float(v) if isinstance(v, Decimal) else v
                 for k, v in row.to_dict().items()} for row in resource.row_stream]
    return out


def test_every_csv_table_round_trips_to_the_records(site: Path) -> None:
    """Records rebuilt from the CSV tables alone (typed by the Data Package, joined on its foreign keys) equal the data."""
    rows = typed_rows(site)
    resources = {r["name"]: r for r in package(site)["resources"]}
    assert {p.stem for p in (site / "data").glob("*.csv")} == set(resources) == {t.name for t in tables()}
    children: dict[str, list] = {}
    for table in tables():
        if table.parent:
            children.setdefault(table.parent, []).append(table)

    def assemble(table, row: dict) -> dict:  # type: ignore[no-untyped-def]
        record: dict = {}
        for column in table.columns:
            target = record
            for name in column.path[:-1]:
                target = target.setdefault(name, {})
            target[column.path[-1]] = row[column.name]
        for name, value in list(record.items()):
            if isinstance(value, dict) and all(v is None for v in value.values()):
                record[name] = None  # an optional nested value that is not there
        for child in children.get(table.name, []):
            parent_key = resources[child.name]["schema"]["foreignKeys"][0]
            ref = tuple(row[f] for f in parent_key["reference"]["fields"])
            items = sorted((r for r in rows[child.name] if tuple(r[f] for f in parent_key["fields"]) == ref),
                           key=lambda r: r["seq"])
            record[child.field] = [assemble(child, r) if child.model else r[child.alias] for r in items]
        return record

    for kind, model in KINDS.items():
        rebuilt = {r["id"]: model.model_validate(assemble(next(t for t in tables() if t.name == kind), r))
                   for r in rows[kind]}
        assert rebuilt == getattr(FB, kind), kind
        assert list(rebuilt) == list(getattr(FB, kind))


def test_no_csv_cell_holds_a_json_list_or_object(site: Path) -> None:
    """Tidy: no cell of any CSV parses as a JSON object or array, and no cell joins ids with '; '."""
    checked = 0
    for path in sorted((site / "data").glob("*.csv")):
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))):
            for value in row:
                checked += 1
                try:
                    parsed = json.loads(value)
                except ValueError:
                    parsed = None
                assert not isinstance(parsed, (list, dict)), f"{path.name}: {value[:80]}"
                assert not re.fullmatch(r"[a-z0-9-]+(; [a-z0-9-]+)+", value), f"{path.name}: {value[:80]}"
    assert checked > 10_000


def test_csv_numbers_and_booleans_are_written_plainly(site: Path) -> None:
    """Integer columns hold integers, numbers never end in '.0', booleans are true/false, per the Table Schema."""
    seen = {"integer": 0, "number": 0, "boolean": 0}
    for resource in package(site)["resources"]:
        types = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
        for row in csv.DictReader(io.StringIO((site / "data" / resource["path"]).read_text(encoding="utf-8"))):
            for name, value in row.items():
                if value == "" or types[name] not in seen:
                    continue
                seen[types[name]] += 1
                pattern = {"integer": r"-?\d+", "number": r"-?\d+(\.\d*[1-9])?(e[+-]?\d+)?", "boolean": r"true|false"}
                assert re.fullmatch(pattern[types[name]], value), (resource["name"], name, value)
    assert all(seen.values()), seen


def test_quotes_carry_their_source_licence(site: Path) -> None:
    """Each row of quotes.csv names its source's licence; the Data Package gives the quotes each source's rights."""
    rows = list(csv.DictReader(io.StringIO((site / "data" / "quotes.csv").read_text(encoding="utf-8"))))
    assert [r["licence"] for r in rows] == [FB.sources[q.source].licence for q in FB.quotes.values()]
    quotes = next(r for r in package(site)["resources"] if r["name"] == "quotes")
    assert len(quotes["licenses"]) == len(FB.sources)
    for source, licence in zip(FB.sources.values(), quotes["licenses"]):
        assert licence["title"].endswith(f": {source.licence}") and licence["path"].endswith(f"/sources/{source.id}/")


def test_data_package_describes_the_dataset_and_validates(site: Path) -> None:
    """datapackage.json names the dataset, its version (schema + commit), date, licences, sources and keys,
    and Frictionless finds every table valid against it: types, constraints, primary and foreign keys, sizes, hashes."""
    from frictionless import validate

    from macros.schema import SCHEMA_VERSION

    pack = package(site)
    history = read_history(ROOT)
    assert pack["name"] == "sco-explainer" and pack["title"]
    assert pack["version"] == f"{SCHEMA_VERSION}+{history.head[:12]}" and pack["commit"] == history.head
    assert pack["created"] == history.head_time
    assert [lic["name"] for lic in pack["licenses"]] == ["CC-BY-4.0"]
    assert len(pack["sources"]) == len(FB.sources) and pack["contributors"]
    keys = {(r["name"], tuple(fk["fields"]), fk["reference"]["resource"])
            for r in pack["resources"] for fk in r["schema"].get("foreignKeys", [])}
    for expected in [("fact_cites", ("cites",), "quotes"), ("quotes", ("source",), "sources"),
                     ("membership", ("state",), "actors"), ("membership_statuses", ("membership",), "membership"),
                     ("position_stance_cites", ("position", "stance_seq"), "position_stances"),
                     ("quotes", ("chapter",), "source_chapters"), ("fact_disagrees_with", ("disagrees_with",), "facts")]:
        assert expected in keys
    report = validate(str(site / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "type", "message"])[:10]


def test_frictionless_rejects_a_table_that_breaks_its_keys(site: Path, tmp_path: Path) -> None:
    """The validation has teeth: a fact citing a quote that does not exist fails its foreign key."""
    from frictionless import validate

    shutil.copytree(site / "data", tmp_path / "data")
    path = tmp_path / "data" / "fact_cites.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].rsplit(",", 1)[0] + ",no-such-quote"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors = {e[0] for e in validate(str(tmp_path / "data" / "datapackage.json")).flatten(["type"])}
    assert "foreign-key" in errors


def test_tables_follow_the_schema_for_a_new_kind() -> None:
    """A new record kind (with a list, a nested list and a reference) gets its tables and keys without an edit."""
    from pydantic import BaseModel, ConfigDict, Field

    from macros import tables as tables_module
    from macros.schema import Id, Record, Text

    class Link(BaseModel):
        model_config = ConfigDict(frozen=True, extra="forbid")
        url: Text = Field(description="Where.")
        cites: list[Id] = Field(default_factory=list, description="Quote ids.")

    class Note(Record):
        text: Text = Field(description="The note.")
        level: int = Field(1, description="How loud.")
        links: list[Link] = Field(default_factory=list, description="Outside references.")

    builder = tables_module._Builder()
    saved = dict(tables_module.KIND_NAMES), dict(tables_module.REFERENCES)
    tables_module.KIND_NAMES["notes"] = "note"
    tables_module.REFERENCES["Link"] = {"cites": "quotes"}
    try:
        builder.kind_table("notes", Note)
        builder.resolve()
    finally:
        tables_module.KIND_NAMES.clear(); tables_module.KIND_NAMES.update(saved[0])  # noqa: E702
        tables_module.REFERENCES.clear(); tables_module.REFERENCES.update(saved[1])  # noqa: E702
    laid = {t.name: t for t in builder.tables}
    assert list(laid) == ["notes", "note_links", "note_link_cites"]
    assert laid["notes"].header == ["id", "text", "level"]
    assert laid["notes"].table_schema()["fields"][2] == {"name": "level", "type": "integer", "description": "How loud."}
    assert laid["note_links"].header == ["note", "seq", "url"]
    assert laid["note_link_cites"].header == ["note", "link_seq", "seq", "cites"]
    assert laid["note_link_cites"].foreign_keys == [
        {"fields": ["note", "link_seq"], "reference": {"resource": "note_links", "fields": ["note", "seq"]}},
        {"fields": ["cites"], "reference": {"resource": "quotes", "fields": ["id"]}}]


# -- JSON-LD ----------------------------------------------------------------------------------------------
ROOT_URL = "https://example.org/sco-explainer/"
DATASET_FILE = f"{ROOT_URL}data/sco-explainer.jsonld"


def page_graph(soup: BeautifulSoup) -> list[dict]:
    data = json.loads(soup.find("script", type="application/ld+json").string)
    assert "@base" not in data and data["@context"] == "https://schema.org"
    return data["@graph"]


def test_pages_embed_json_ld_naming_the_works_they_quote(site: Path, page: Callable[[str], BeautifulSoup]) -> None:
    """A page's JSON-LD is an Article citing each work its Sources list quotes, by the works' one IRI, based on the dataset."""
    soup = page("docking")
    article = page_graph(soup)[0]
    assert article["@type"] == "Article" and soup.title.get_text().startswith(article["headline"])
    assert article["@id"] == f"{ROOT_URL}docking/"
    # a Sources entry names its quote by its "Quote in context" link's anchor
    cited = {FB.quotes[a["href"].split("#q-", 1)[1]].source for a in soup.select("section.sco-sources li a[href*='#q-']")}
    assert sorted(w["@id"] for w in article["citation"]) == sorted(f"{DATASET_FILE}#source-{s}" for s in cited)
    assert {w["name"] for w in article["citation"]} == {FB.sources[s].title for s in cited}
    dataset = article["isBasedOn"]
    assert dataset["@id"] == f"{DATASET_FILE}#dataset" and dataset["name"] and dataset["description"]
    assert dataset["license"] == "https://creativecommons.org/licenses/by/4.0/"


def test_dataset_json_ld_links_claims_quotes_works_and_pages(site: Path, page: Callable[[str], BeautifulSoup]) -> None:
    """The site-wide JSON-LD has every fact as a Claim citing Quotations, each part of a work, linked to its pages."""
    data = json.loads((site / "data" / "sco-explainer.jsonld").read_text(encoding="utf-8"))
    assert "@base" not in data
    nodes = {n["@id"]: n for n in data["@graph"]}
    claims = [n for n in nodes.values() if n["@type"] == "Claim"]
    quotations = [n for n in nodes.values() if n["@type"] == "Quotation"]
    assert sorted(c["@id"] for c in claims) == sorted(f"{DATASET_FILE}#fact-{f}" for f in FB.facts)
    assert sorted(q["@id"] for q in quotations) == sorted(f"{DATASET_FILE}#quote-{q}" for q in FB.quotes)
    for claim in claims:
        fact_id = claim["@id"].split("#fact-", 1)[1]
        assert [c["@id"] for c in claim["citation"]] == [f"{DATASET_FILE}#quote-{q}" for q in FB.facts[fact_id].cites]
    for quotation in quotations:
        assert nodes[quotation["isPartOf"]["@id"]]["@type"] == "CreativeWork"
        assert quotation["text"] == FB.quotes[quotation["@id"].split("#quote-", 1)[1]].text
    base = page_graph(page("docking"))[0]["url"]
    shown = {f["id"] for f in page("docking").select("article .sco-fact[id^='fact-'], article .sco-fact-ref span[id^='fact-']")}
    on_page = {c["@id"].split("#", 1)[1] for c in claims if any(u == f"{base}#{c['@id'].split('#', 1)[1]}"
                                                                 for u in c.get("url", []))}
    assert on_page == shown and shown
    quote = nodes[f"{DATASET_FILE}#quote-" + next(iter(FB.quotes))]
    path, anchor = quote["url"].removeprefix(ROOT_URL).split("#")
    assert BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser").find(id=anchor)


SCHEMA_ORG = "https://schema.org/"


def _expand(document: dict) -> list[dict]:
    """pyld expansion, with schema.org's context served locally: its vocabulary, so terms become schema.org IRIs.
    Nothing is fetched; any other remote context fails the test."""
    from pyld import jsonld

    def loader(url: str, options: dict | None = None) -> dict:
        assert url.rstrip("/") == SCHEMA_ORG.rstrip("/"), f"the JSON-LD asks for a remote document: {url}"
        return {"contextUrl": None, "documentUrl": url, "document": {"@context": {"@vocab": SCHEMA_ORG}}}

    return jsonld.expand(document, {"documentLoader": loader})


def _nodes(expanded: object) -> list[dict]:
    """Every node object at any depth of an expanded document."""
    found: list[dict] = []
    stack = [expanded]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            if "@type" in item or "@id" in item:
                found.append(item)
            stack.extend(v for k, v in item.items() if not k.startswith("@") or k == "@graph")
    return found


def test_json_ld_of_every_page_and_the_dataset_joins_up(site: Path) -> None:
    """Expanded with pyld, the JSON-LD of every page plus the dataset file gives each source and quote exactly one
    IRI, and one Dataset with a licence, a version and its downloads; nothing is a ClaimReview."""
    documents = [json.loads((site / "data" / "sco-explainer.jsonld").read_text(encoding="utf-8"))]
    for path in sorted(site.rglob("*.html")):
        for script in parsed_html(path).find_all("script", type="application/ld+json"):
            documents.append(json.loads(script.string))
    assert len(documents) > 15
    nodes = [n for d in documents for n in _nodes(_expand(d))]
    types = {t for n in nodes for t in n.get("@type", [])}
    assert f"{SCHEMA_ORG}ClaimReview" not in types and f"{SCHEMA_ORG}Dataset" in types

    def iris(type_name: str, key: str) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for node in nodes:
            if f"{SCHEMA_ORG}{type_name}" in node.get("@type", []):
                assert node.get("@id", "").startswith(ROOT_URL), f"a {type_name} without an absolute IRI: {str(node)[:200]}"
                found.setdefault(node[f"{SCHEMA_ORG}{key}"][0]["@value"], set()).add(node["@id"])
        return found

    works = iris("CreativeWork", "name")
    assert set(works) == {s.title for s in FB.sources.values()}
    assert all(len(ids) == 1 for ids in works.values()), works
    quotes = iris("Quotation", "text")
    assert set(quotes) == {q.text for q in FB.quotes.values()}
    assert all(len(ids) == 1 for ids in quotes.values())
    cited = {n["@id"] for n in nodes for key in (f"{SCHEMA_ORG}citation", f"{SCHEMA_ORG}isPartOf")
             for n in n.get(key, []) if "@id" in n}
    assert cited <= {i for ids in works.values() for i in ids} | {i for ids in quotes.values() for i in ids}
    datasets = [n for n in nodes if f"{SCHEMA_ORG}Dataset" in n.get("@type", [])]
    assert {n["@id"] for n in datasets} == {f"{DATASET_FILE}#dataset"}
    merged: dict[str, list] = {}
    for node in datasets:
        for key, value in node.items():
            merged.setdefault(key, []).extend(value if isinstance(value, list) else [value])
    for key in ("license", "version", "distribution", "creator", "dateModified", "description", "name"):
        assert merged.get(f"{SCHEMA_ORG}{key}"), key
    downloads = {d[f"{SCHEMA_ORG}contentUrl"][0]["@value"] for d in merged[f"{SCHEMA_ORG}distribution"]}
    for name in ("data/sco-explainer.json", "data/sco-explainer-csv.zip", "data/datapackage.json"):
        assert f"{ROOT_URL}{name}" in downloads and (site / name).is_file()


# -- the Data page --------------------------------------------------------------------------------------
def test_data_page_offers_every_download_with_its_size(site: Path, page: Callable[[str], BeautifulSoup]) -> None:
    """Each download on the Data page links to a file of the build, with that file's size; every export is offered."""
    from macros.opendata import human_size

    rows = page("data").select("table.sco-downloads tbody tr")
    offered = {}
    for row in rows:
        for link in row.select("a[download]"):
            size = link.find_next_sibling("span", class_="sco-size").get_text()
            offered[(site / "data" / link["href"]).resolve()] = size
    assert all(path.is_file() for path in offered), [p for p in offered if not p.is_file()]
    assert all(size == f"({human_size(path)})" for path, size in offered.items())
    exported = {p.resolve() for p in (site / "data").iterdir() if p.suffix in (".csv", ".json", ".jsonld", ".zip")}
    exported |= {(site / "feed.xml").resolve()} | {p.resolve() for p in (site / "schema").glob("*.json")}
    exported |= {p.resolve() for p in (site / "download").glob("*.zip")}  # when `make offline` built a current one
    assert set(offered) == exported
    assert "<!--sco-size" not in (site / "data" / "index.html").read_text(encoding="utf-8")


def test_published_json_schemas_are_the_projects(site: Path) -> None:
    """The site's schema/ folder holds each kind's JSON Schema, the same as the project's schema/ folder."""
    for kind in KINDS:
        assert (site / "schema" / f"{kind}.schema.json").read_bytes() == (ROOT / "schema" / f"{kind}.schema.json").read_bytes()


def test_data_page_says_how_to_cite_the_dataset(site: Path, page: Callable[[str], BeautifulSoup]) -> None:
    """The citation block gives this build's version and the Data page's address as text, BibTeX and CSL-JSON."""
    from macros.schema import SCHEMA_VERSION

    history = read_history(ROOT)
    version = f"{SCHEMA_VERSION}+{history.head[:12]}"
    year = history.head_time[:4]
    soup = page("data")
    text = soup.select_one("p.sco-cite-dataset").get_text()
    assert text == f"SCO Explainer editors ({year}). SCO Explainer fact base (version {version}) [Data set]. {ROOT_URL}data/"
    bibtex, csl = [b.get_text() for b in soup.select("pre.sco-cite-dataset code")]
    assert bibtex.startswith("@misc{sco_explainer_") and bibtex.count("{") == bibtex.count("}")
    fields = dict(re.findall(r"^  (\w+) = \{(.*)\},?$", bibtex, re.M))
    assert fields["version"] == version and fields["year"] == year and fields["url"] == f"{ROOT_URL}data/"
    (item,) = json.loads(csl)
    assert item["type"] == "dataset" and item["version"] == version and item["URL"] == f"{ROOT_URL}data/"
    assert item["issued"]["date-parts"][0][0] == int(year)
    graph = page_graph(soup)
    assert any(n["@type"] == "Dataset" and n.get("version") == version and n.get("distribution") for n in graph)


def test_offline_copy_is_published_only_when_it_is_current(tmp_path: Path) -> None:
    """The offline zip is offered (and in the Dataset's downloads) only when it was built from the same commit."""
    import zipfile

    from macros.exports import _bare_info
    from macros.linkeddata import distributions
    from macros.opendata import current_offline_zip

    path = tmp_path / "sco-explainer-offline.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("site-offline/data/sco-explainer.json", '{"schema_version": "1.0", "commit": "abc123", "counts": {}}')
    assert current_offline_zip(path, "abc123") == path
    assert current_offline_zip(path, "def456") is None and current_offline_zip(tmp_path / "none.zip", "abc123") is None
    (tmp_path / "bad.zip").write_bytes(b"not a zip")
    assert current_offline_zip(tmp_path / "bad.zip", "abc123") is None
    info = _bare_info(ROOT_URL, "abc123")
    assert "download/sco-explainer-offline.zip" in [d[0] for d in distributions(info, True)]
    assert "download/sco-explainer-offline.zip" not in [d[0] for d in distributions(info, False)]


#: Values whose JSON could differ between writers: every control character, the characters JavaScript and HTML treat
#: specially, text outside the Basic Multilingual Plane, numbers at the edges of how floats are written.
JSON_EDGES = [
    "".join(map(chr, range(32))) + "\x7f\u0085\u00a0\u2028\u2029\ufeff",
    '"\\/</script><!-- &amp; \'',
    "é 中文 😀 \U0010ffff",
    [0, -1, 10**15, -(10**15), 0.1, 1e16, 1e22, 5e-324, 123456789.125, 2.0, -0.0, True, False, None],
    {"nested": [{"a": []}, {}], "": ""},
]


@pytest.mark.parametrize("value", JSON_EDGES, ids=["controls", "markup", "astral", "numbers", "nesting"])
def test_orjson_writes_the_standard_librarys_compact_json(value: object) -> None:
    """The JSON-LD and the cached field lines are written by orjson: the same bytes as json.dumps would write."""
    assert orjson.dumps(value).decode("utf-8") == json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def test_orjson_writes_small_exponents_shorter() -> None:
    """The one difference found: a float under 1e-4 is written "1e-7" where the standard library writes "1e-07" (the
    same number). The JSON-LD holds no float (the test below compares it as published)."""
    assert (orjson.dumps(1e-7), json.dumps(1e-7)) == (b"1e-7", "1e-07")
    assert json.loads(orjson.dumps([1e-7, 2.5e-5])) == [1e-7, 2.5e-5]


def test_dataset_json_ld_is_compact_standard_json(site: Path) -> None:
    """The published JSON-LD, written by orjson, is byte for byte what the standard library writes for its content."""
    text = (site / "data" / "sco-explainer.jsonld").read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":")) + "\n"


def test_a_file_is_replaced_whole_or_not_at_all(tmp_path: Path) -> None:
    """`write_file` puts the new file in place in one step: a reader that opened the old one reads it whole, and a
    write that fails (not bytes; a piece whose making fails halfway) leaves the old file as it was and no temporary
    file beside it."""
    path = tmp_path / "data.html"
    path.write_bytes(b"old page " * 1000)
    with path.open("rb") as reader:
        write_file(path, b"new page")
        assert reader.read() == b"old page " * 1000
    assert path.read_bytes() == b"new page"
    with pytest.raises(TypeError):
        write_file(path, "not bytes")  # type: ignore[arg-type]
    assert path.read_bytes() == b"new page" and sorted(p.name for p in tmp_path.iterdir()) == ["data.html"]

    def pieces() -> Iterator[bytes]:
        yield b"a first record " * 10_000  # more than one buffer's worth: some of it is on disk when the next fails
        raise ValueError("a record that cannot be written")

    with pytest.raises(ValueError):
        write_file(path, pieces())
    assert path.read_bytes() == b"new page" and sorted(p.name for p in tmp_path.iterdir()) == ["data.html"]
    write_file(path, iter([b"piece ", b"by ", b"piece"]))
    assert path.read_bytes() == b"piece by piece"
