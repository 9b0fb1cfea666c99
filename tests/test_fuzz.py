"""Property-based fuzzing: whatever bytes a data file holds, the loader and validator raise only DataError,
and a fact base that validates always builds."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, mkdocs_build
from macros.errors import DataError
from macros.factbase import load
from test_bad_data import MINIMAL, write

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                            HealthCheck.too_slow])
VALID_FACT = {"id": "f-gen", "claim": "A claim.", "topics": ["overview"], "cites": ["q-one"]}
KEYS = ["id", "claim", "topics", "actors", "date", "as_of", "cites", "disagrees_with", "note", "extra", ""]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                    st.text(max_size=30), st.sampled_from(["q-one", "q-two", "overview", "2015-07", "2023-02-30",
                                                           "china", "f-one", "{{ 7*7 }}", "<script>"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)),
                      max_leaves=12)


def run_load(tmp: Path, name: str, content: bytes) -> None:
    data = tmp / "data"
    shutil.rmtree(data, ignore_errors=True)
    write(data, MINIMAL)
    (data / "facts").mkdir(exist_ok=True)
    (data / "facts" / name).write_bytes(content)
    try:
        load(data, tmp)
    except DataError as exc:
        assert exc.problems and all(p.file.startswith("data/") and p.line >= 1 for p in exc.problems)


@SETTINGS
@given(raw=st.binary(max_size=400))
def test_random_bytes_raise_only_data_error(tmp_path_factory, raw: bytes) -> None:  # type: ignore[no-untyped-def]
    """Arbitrary bytes in a data file never escape as anything but DataError with a location."""
    run_load(tmp_path_factory.mktemp("fuzz"), "gen.yaml", raw)


@SETTINGS
@given(doc=values)
def test_generated_documents_raise_only_data_error(tmp_path_factory, doc: object) -> None:  # type: ignore[no-untyped-def]
    """Any YAML document of lists, mappings and scalars gives records or a DataError, nothing else."""
    run_load(tmp_path_factory.mktemp("fuzz"), "gen.yaml", yaml.safe_dump(doc, allow_unicode=True).encode())


@SETTINGS
@given(changes=st.dictionaries(st.sampled_from(KEYS), values, max_size=3),
       drop=st.lists(st.sampled_from(list(VALID_FACT)), max_size=2))
def test_mutated_valid_records_raise_only_data_error(tmp_path_factory, changes: dict, drop: list) -> None:  # type: ignore[no-untyped-def]
    """A valid fact with fields changed, added or removed loads or fails with DataError."""
    record = {k: v for k, v in VALID_FACT.items() if k not in drop}
    record.update(changes)
    run_load(tmp_path_factory.mktemp("fuzz"), "gen.yaml", yaml.safe_dump([record], allow_unicode=True).encode())


claims = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80).filter(
    lambda s: s.strip() != "")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(claim=claims, note=st.one_of(st.none(), claims), as_of=st.sampled_from([None, "2015", "2015-07", "2016-11-30"]))
def test_a_document_that_validates_always_builds(tmp_path_factory, claim: str, note, as_of) -> None:  # type: ignore[no-untyped-def]
    """A generated fact that passes validation builds into a page that shows it."""
    project = tmp_path_factory.mktemp("fuzzbuild") / "p"
    for name in ("macros", "overrides"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    (project / "docs").mkdir()
    shutil.copytree(ROOT / "docs" / "assets", project / "docs" / "assets")
    (project / "docs" / "index.md").write_text('# Fuzz\n\n{{ facts(topic="overview") }}\n', encoding="utf-8")
    import re
    (project / "mkdocs.yml").write_text(re.sub(r"\nnav:\n(?:  .*\n)+", "\n", (ROOT / "mkdocs.yml").read_text()),
                                        encoding="utf-8")
    write(project / "data", MINIMAL)
    fact = dict(VALID_FACT, claim=claim)
    if note is not None:
        fact["note"] = note
    if as_of is not None:
        fact["as_of"] = as_of
    (project / "data" / "facts").mkdir()
    (project / "data" / "facts" / "gen.yaml").write_text(yaml.safe_dump([fact], allow_unicode=True), encoding="utf-8")
    try:
        load(project / "data", project)
    except DataError:
        return  # only documents that validate must build
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr[-2000:]
    html = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert 'id="fact-f-gen"' in html


# -- beyond what PyYAML would write: tags, depth, numbers that are not finite, aliases ----------------------

TAGS = ["", "!!int ", "!!float ", "!!bool ", "!!null ", "!!str ", "!!binary ", "!!timestamp ", "!!set ", "!!omap ",
        "!!seq ", "!!map ", "!!python/name:os.system ", "!local ", "&a ", "*a "]
ODD = [".nan", ".NaN", ".inf", "-.Inf", "+.inf", "1e400", "1.0e+400", "-1.0e+309", "9" * 30, "9" * 5000, "abc",
       "maybe", "0x1F", "0o17", "1:30:00", "~", "null", "yes", "2015-07-10", "{{ 7*7 }}", "[x](javascript:y)", "''"]


@st.composite
def yaml_text(draw: st.DrawFn, depth: int = 0) -> str:  # type: ignore[type-arg]
    """A YAML value written by hand: any tag (valid or not) on any text, and flow collections nested up to 40 deep."""
    if depth < 40 and draw(st.integers(0, 3)) == 0:
        inner = draw(st.lists(yaml_text(depth + 1), max_size=2))
        if draw(st.booleans()):
            return draw(st.sampled_from(TAGS)) + "[" + ", ".join(inner) + "]"
        return draw(st.sampled_from(TAGS)) + "{" + ", ".join(f"k{i}: {v}" for i, v in enumerate(inner)) + "}"
    text = draw(st.one_of(st.sampled_from(ODD), st.integers(-10**20, 10**20).map(str),
                          st.floats(allow_nan=True, allow_infinity=True).map(repr)))
    return draw(st.sampled_from(TAGS)) + text


@SETTINGS
@given(fields=st.dictionaries(st.sampled_from(KEYS), yaml_text(), max_size=4),
       nest=st.integers(0, 60))
def test_hand_written_yaml_raises_only_data_error(tmp_path_factory, fields: dict, nest: int) -> None:  # type: ignore[no-untyped-def]
    """Explicit tags on values that do not fit them, aliases, non-finite and huge numbers and deep nesting give
    records or a DataError with a location, never another exception (or a crash, at 60 levels)."""
    body = "".join(f"  {k or 'empty'}: {v}\n" for k, v in fields.items())
    deep = "[" * nest + "]" * nest
    text = f"- id: f-gen\n{body}  note: {deep or 'x'}\n"
    run_load(tmp_path_factory.mktemp("fuzz"), "gen.yaml", text.encode())


# -- whatever the folder holds ----------------------------------------------------------------------------

ENTRY_NAMES = st.one_of(
    st.sampled_from(["facts", "quotes", "fact", "quote", "drafts", ".#facts", "facts.yaml", "Facts.YAML", "facts.yml",
                     "facts.json", "x.yaml", "X.YAML", "x.yaml~", ".#x.yaml", "new fact.yaml", "2025", "a.JSON"]),
    st.text(alphabet="abcXYZ._-#~ ", min_size=1, max_size=8).map(lambda s: s + ".yaml"),
)
ENTRY_KINDS = st.sampled_from(["file", "bad file", "folder", "pipe", "dangling link", "link out", "link in",
                               "link to /dev/zero"])


def _make(path: Path, how: str) -> None:
    import os

    if path.exists() or path.is_symlink():
        return
    if how == "file":
        path.write_text("- id: f-entry\n  claim: x\n  topics: [overview]\n  cites: [q-one]\n", encoding="utf-8")
    elif how == "bad file":
        path.write_text("- id: [broken\n", encoding="utf-8")
    elif how == "folder":
        path.mkdir()
        (path / "inside.yaml").write_text("[]\n", encoding="utf-8")
    elif how == "pipe":
        os.mkfifo(path)
    elif how == "dangling link":
        path.symlink_to("nowhere@host:1")
    elif how == "link out":
        path.symlink_to("/etc/hostname")
    elif how == "link to /dev/zero":
        path.symlink_to("/dev/zero")
    else:
        path.symlink_to(path.parent / "facts.yaml" if path.parent.name == "data" else "../facts.yaml")


@SETTINGS
@given(entries=st.lists(st.tuples(st.booleans(), ENTRY_NAMES, ENTRY_KINDS), min_size=1, max_size=5))
def test_any_folder_contents_give_records_or_located_errors(tmp_path_factory, entries: list) -> None:  # type: ignore[no-untyped-def]
    """Files, folders, pipes and links of any name, in data/ or in a kind's folder, are read or reported with their
    path, never waited on, followed out of data/ or raised as another exception (an alarm turns a hang into a
    failure)."""
    import signal

    tmp = tmp_path_factory.mktemp("fuzzfs")
    data = tmp / "data"
    write(data, MINIMAL)
    (data / "facts").mkdir()
    made = []
    for in_folder, name, how in entries:
        path = (data / "facts" / name) if in_folder else (data / name)
        _make(path, how)
        made.append(path)

    def hang(*_: object) -> None:
        raise TimeoutError("the loader waited on something")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(20)
    try:
        load(data, tmp)
    except DataError as exc:
        assert exc.problems and all(p.file.startswith("data/") and p.line >= 1 for p in exc.problems)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# -- every kind: what validates, builds ---------------------------------------------------------------------

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
    lambda s: s.strip() != "")
numbers = st.one_of(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False), st.integers(-10**15, 10**15),
                    st.sampled_from([0, 0.0001, -0.5, 1e15, -1e15]))
dates = st.sampled_from(["2001", "2015-07", "2016-11-30", "1996-04-26"])


@st.composite
def fact_base(draw: st.DrawFn) -> dict[str, object]:  # type: ignore[type-arg]
    """One record of every kind, with generated text in every text field and generated numbers and dates."""
    t = lambda: draw(texts)  # noqa: E731
    opt = lambda: draw(st.one_of(st.none(), texts))  # noqa: E731
    chapters = draw(st.booleans())
    source = {"id": "s-gen", "title": t(), "authors": [t()], "outlet": t(), "kind": "report", "published": draw(dates),
              "licence": t(), "notes": opt(), "url": draw(st.sampled_from([None, "https://example.org/a_(b)*c"]))}
    if chapters:
        source["chapters"] = [{"id": "ch-gen", "title": t(), "authors": [t(), t()]}]
    return {
        "sources": [source],
        "actors": [{"id": "a-gen", "name": t(), "kind": "state", "abbreviation": opt(), "role": opt()},
                   {"id": "b-gen", "name": t(), "kind": "state"},
                   {"id": "p-gen", "name": t(), "kind": "person", "role": opt()}],
        "quotes": [{"id": "q-gen", "source": "s-gen", "chapter": "ch-gen" if chapters else None, "section": opt(),
                    "speaker": draw(st.sampled_from([None, "p-gen"])), "text": t(), "note": opt()}],
        "facts": [{"id": "f-gen", "claim": t(), "topics": ["overview"], "actors": ["a-gen"], "cites": ["q-gen"],
                   "as_of": draw(st.one_of(st.none(), dates)), "note": opt(), "disagrees_with": ["f-gen-2"]},
                  {"id": "f-gen-2", "claim": t(), "topics": ["overview"], "cites": ["q-gen"]}],
        "events": [{"id": "e-gen", "date": draw(dates), "title": t(), "place": opt(), "kind": "summit",
                    "actors": ["a-gen"], "topics": ["overview"], "summary": opt(), "cites": ["q-gen"]}],
        "membership": [{"id": "a-gen", "state": "a-gen", "statuses": [
            {"status": draw(st.sampled_from(["founding-member", "observer", "applicant"])), "from": 2001,
             "to": draw(st.sampled_from([None, 2010])), "start_known": draw(st.booleans()), "cites": ["q-gen"],
             "note": opt()}]}],
        "figures": [{"id": f"fig-{i}", "metric": "m-gen", "label": t(), "value": draw(numbers), "unit": t(),
                     "period": draw(dates), "period_known": draw(st.booleans()),
                     "kind": draw(st.sampled_from(["actual", "target", "estimate", "change"])), "note": opt(),
                     "cites": ["q-gen"]} for i in range(draw(st.integers(1, 3)))],
        "positions": [{"id": "pos-gen", "issue": t(), "summary": t(), "topics": ["visions"], "outcome": opt(),
                       "stances": [{"actor": "a-gen", "stance": t(), "cites": ["q-gen"]},
                                   {"actor": "b-gen", "stance": t(), "cites": ["q-gen"]}]}],
        "glossary": [{"id": "g-gen", "term": t(), "expansion": opt(), "definition": t(), "cites": ["q-gen"],
                      "native": draw(st.sampled_from([None, {"text": "友好", "language": "zh"}]))}],
    }


EVERY_MACRO = """# Fuzz

{{ fact("f-gen") }}

{{ facts(topic="overview") }}

{{ quote("q-gen") }}

Prose {{ cite("q-gen") }}{{ cite_fact("f-gen-2") }} and {{ figure("fig-0") }}; {{ members_as_of(2005) }}.

{{ position("pos-gen") }}

{{ timeline() }}

{{ timeline_chart(start=1996) }}

{{ membership_table() }}

{{ members_by_year() }}

{{ membership_chart() }}

{{ figures() }}

{{ figure_chart("m-gen") }}

{{ glossary() }}

{{ sources_index() }}

{{ source_page("s-gen") }}
"""


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(records=fact_base())
def test_a_fact_base_of_every_kind_that_validates_builds(tmp_path_factory, records: dict) -> None:  # type: ignore[no-untyped-def]
    """Generated records of every kind (any text, any admitted number, optional fields present or not) that pass
    validation build a page through every macro, showing each record."""
    import re

    from bs4 import BeautifulSoup

    project = tmp_path_factory.mktemp("fuzzkinds") / "p"
    for name in ("macros", "overrides"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    (project / "docs").mkdir()
    shutil.copytree(ROOT / "docs" / "assets", project / "docs" / "assets")
    (project / "docs" / "index.md").write_text(EVERY_MACRO, encoding="utf-8")
    (project / "mkdocs.yml").write_text(re.sub(r"\nnav:\n(?:  .*\n)+", "\n", (ROOT / "mkdocs.yml").read_text()),
                                        encoding="utf-8")
    (project / "data").mkdir()
    for kind, items in records.items():
        clean = [{k: v for k, v in item.items() if v is not None} for item in items]
        (project / "data" / f"{kind}.yaml").write_text(yaml.safe_dump(clean, allow_unicode=True), encoding="utf-8")
    try:
        load(project / "data", project)
    except DataError:
        return  # only fact bases that validate must build
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr[-2000:]
    soup = BeautifulSoup((project / "site" / "index.html").read_text(encoding="utf-8"), "html.parser")
    ids = {el["id"] for el in soup.find_all(id=True)}
    assert {"fact-f-gen", "event-e-gen", "fig-fig-0", "position-pos-gen", "term-g-gen", "q-q-gen"} <= ids
    text = " ".join(soup.get_text(" ").split())
    for value in (records["quotes"][0]["text"], records["events"][0]["title"], records["glossary"][0]["term"],
                  records["positions"][0]["issue"], records["actors"][0]["name"], records["sources"][0]["title"]):
        assert " ".join(value.split()) in text, value
