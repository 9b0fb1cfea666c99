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
