"""Bad data gets one clear line per problem: file:line, kind, id, field, message (hint).

Each case adds one small file to a minimal valid fact base and asserts the
exact error line; nothing but the project's DataError may escape.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from macros.errors import DataError
from macros.factbase import load

MINIMAL = {
    "sources.yaml": """\
        - id: src-a
          title: A title
          authors: [An Author]
          outlet: An Outlet
          kind: article
          published: "2015-07"
          url: https://example.org/a
          licence: CC BY 4.0
        """,
    "actors.yaml": """\
        - id: china
          name: China
          kind: state
        - id: russia
          name: Russia
          kind: state
        - id: xi
          name: Xi
          kind: person
        """,
    "quotes.yaml": """\
        - id: q-one
          source: src-a
          text: The first sentence of the source.
        - id: q-two
          source: src-a
          text: The second sentence.
        """,
    "facts.yaml": """\
        - id: f-one
          claim: A claim.
          topics: [overview]
          cites: [q-one]
        """,
}


def write(data: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = data / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    write(d, MINIMAL)
    return d


def problems(data: Path) -> list[str]:
    try:
        load(data, data.parent)
    except DataError as exc:
        return [str(p) for p in exc.problems]
    return []


# (case, file, content, expected first error line)
CASES = [
    ("yaml syntax: unclosed quote", "facts/bad.yaml",
     '- id: f-x\n  claim: "never closed\n  topics: [overview]\n',
     'data/facts/bad.yaml:2: YAML syntax error: the quotation mark " opened on this line is never closed'),
    ("yaml syntax: unclosed quote closed by a later record's quote", "facts/bad.yaml",
     '- id: f-x\n  claim: "never closed\n  topics: [overview]\n  cites: [q-one]\n- id: f-y\n  claim: "Enlargement: a'
     ' view"\n  topics: [overview]\n  cites: [q-one]\n',
     'data/facts/bad.yaml:2: YAML syntax error: the quotation mark " opened on this line is never closed: the value runs'
     ' on to the next ", on line 6'),
    ("yaml syntax: bad indentation", "facts/bad.yaml",
     "- id: f-x\n  claim: x\n topics: [overview]\n",
     "data/facts/bad.yaml:3: YAML syntax error: this line is indented less than the fields of its record"),
    ("yaml syntax: unclosed flow list", "facts/bad.yaml",
     "- id: f-x\n  claim: x\n  topics: [overview\n  cites: [q-one]\n",
     "data/facts/bad.yaml:3: YAML syntax error: the list '[' opened on this line is not closed with ']'"),
    ("tab indentation", "facts/bad.yaml",
     "- id: f-x\n\tclaim: x\n",
     "data/facts/bad.yaml:2: YAML syntax error: this line is indented with a tab character"),
    ("byte-order mark", "facts/bad.yaml",
     "\ufeff- id: f-x\n",
     "data/facts/bad.yaml:1: the file starts with a byte-order mark (BOM) (save it as UTF-8 without BOM)"),
    ("empty file", "facts/bad.yaml", "",
     "data/facts/bad.yaml:1: the file holds no records (write [] for an empty list)"),
    ("comment-only file", "facts/bad.yaml", "# nothing\n",
     "data/facts/bad.yaml:1: the file holds no records"),
    ("mapping where a list is expected", "facts/bad.yaml",
     "id: f-x\nclaim: x\n",
     "data/facts/bad.yaml:1: expected a list of facts, found a mapping"),
    ("scalar where a list is expected", "facts/bad.yaml", "just text\n",
     "data/facts/bad.yaml:1: expected a list of facts, found a single value"),
    ("list item that is not a mapping", "facts/bad.yaml", "- just text\n",
     "data/facts/bad.yaml:1: fact (no id): each fact must be a mapping"),
    ("list where a string is expected", "facts/bad.yaml",
     "- id: f-x\n  claim: [a, b]\n  topics: [overview]\n  cites: [q-one]\n",
     "data/facts/bad.yaml:2: fact f-x: claim: Input should be a valid string (quote the value)"),
    ("string where a list is expected", "facts/bad.yaml",
     "- id: f-x\n  claim: x\n  topics: overview\n  cites: [q-one]\n",
     "data/facts/bad.yaml:3: fact f-x: topics: Input should be a valid list"),
    ("duplicate key", "facts/bad.yaml",
     "- id: f-x\n  claim: one\n  topics: [overview]\n  claim: two\n  cites: [q-one]\n",
     "data/facts/bad.yaml:4: fact f-x: duplicate key 'claim' (first on line 2)"),
    ("duplicate id within a file", "facts/bad.yaml",
     "- id: f-x\n  claim: x\n  topics: [overview]\n  cites: [q-one]\n"
     "- id: f-x\n  claim: y\n  topics: [overview]\n  cites: [q-one]\n",
     "data/facts/bad.yaml:5: fact f-x: id: duplicate id (also at data/facts/bad.yaml:1)"),
    ("duplicate id across files", "facts/bad.yaml",
     "- id: f-one\n  claim: x\n  topics: [overview]\n  cites: [q-one]\n",
     "data/facts/bad.yaml:1: fact f-one: id: duplicate id (also at data/facts.yaml:1)"),
    ("unknown field", "facts/bad.yaml",
     "- id: f-x\n  claim: x\n  topics: [overview]\n  cites: [q-one]\n  sauce: [q-two]\n",
     "data/facts/bad.yaml:5: fact f-x: sauce: unknown field"),
    ("missing required field", "facts/bad.yaml",
     "- id: f-x\n  topics: [overview]\n  cites: [q-one]\n",
     "data/facts/bad.yaml:1: fact f-x: claim: required field is missing"),
    ("fact without cites", "facts/bad.yaml",
     "- id: f-x\n  claim: x\n  topics: [overview]\n  cites: []\n",
     "data/facts/bad.yaml:4: fact f-x: cites: List should have at least 1 item"),
    ("empty string", "facts/bad.yaml",
     "- id: f-x\n  claim: '  '\n  topics: [overview]\n  cites: [q-one]\n",
     "data/facts/bad.yaml:2: fact f-x: claim: String should have at least 1 character"),
    ("id not kebab-case", "facts/bad.yaml",
     "- id: F_X\n  claim: x\n  topics: [overview]\n  cites: [q-one]\n",
     "data/facts/bad.yaml:1: fact F_X: id: not a kebab-case id"),
    ("unknown topic", "facts/bad.yaml",
     "- id: f-x\n  claim: x\n  topics: [cooking]\n  cites: [q-one]\n",
     "data/facts/bad.yaml:3: fact f-x: topics[0]: Input should be"),
    ("dangling quote id in a fact", "facts/bad.yaml",
     "- id: f-x\n  claim: x\n  topics: [overview]\n  cites: [q-one, q-nope]\n",
     "data/facts/bad.yaml:4: fact f-x: cites[1]: unknown quote id 'q-nope'"),
    ("dangling actor in a fact", "facts/bad.yaml",
     "- id: f-x\n  claim: x\n  topics: [overview]\n  actors:\n    - china\n    - atlantis\n  cites: [q-one]\n",
     "data/facts/bad.yaml:6: fact f-x: actors[1]: unknown actor id 'atlantis'"),
    ("dangling disagrees_with", "facts/bad.yaml",
     "- id: f-x\n  claim: x\n  topics: [overview]\n  cites: [q-one]\n  disagrees_with: [f-nope]\n",
     "data/facts/bad.yaml:5: fact f-x: disagrees_with[0]: unknown fact id 'f-nope'"),
    ("fact disagreeing with itself", "facts/bad.yaml",
     "- id: f-x\n  claim: x\n  topics: [overview]\n  cites: [q-one]\n  disagrees_with: [f-x]\n",
     "data/facts/bad.yaml:5: fact f-x: disagrees_with: a fact cannot disagree with itself"),
    ("dangling source in a quote", "quotes/bad.yaml",
     "- id: q-x\n  source: src-nope\n  text: words\n",
     "data/quotes/bad.yaml:2: quote q-x: source: unknown source id 'src-nope'"),
    ("dangling speaker in a quote", "quotes/bad.yaml",
     "- id: q-x\n  source: src-a\n  speaker: nobody\n  text: words\n",
     "data/quotes/bad.yaml:3: quote q-x: speaker: unknown actor id 'nobody'"),
    ("chapter of a source without chapters", "quotes/bad.yaml",
     "- id: q-x\n  source: src-a\n  chapter: ch-1\n  text: words\n",
     "data/quotes/bad.yaml:3: quote q-x: chapter: 'ch-1' is not a chapter of 'src-a'"),
    ("quote over the length limit", "quotes/bad.yaml",
     "- id: q-x\n  source: src-a\n  text: >-\n    " + " ".join(["word"] * 76) + "\n",
     "data/quotes/bad.yaml:3: quote q-x: text: quote is 76 words long; the limit is 75"),
    ("impossible date", "events/bad.yaml",
     "- id: e-x\n  date: 2023-02-30\n  title: T\n  kind: summit\n  topics: [overview]\n  cites: [q-one]\n",
     "data/events/bad.yaml:2: event e-x: date: '2023-02-30' is not a real calendar date"),
    ("date in the future", "events/bad.yaml",
     "- id: e-x\n  date: '2099-01'\n  title: T\n  kind: summit\n  topics: [overview]\n  cites: [q-one]\n",
     "data/events/bad.yaml:2: event e-x: date: '2099-01' is in the future"),
    ("date in the wrong format", "events/bad.yaml",
     "- id: e-x\n  date: 10 July 2015\n  title: T\n  kind: summit\n  topics: [overview]\n  cites: [q-one]\n",
     "data/events/bad.yaml:2: event e-x: date: expected a date as YYYY, YYYY-MM or YYYY-MM-DD"),
    ("unknown event kind", "events/bad.yaml",
     "- id: e-x\n  date: '2015'\n  title: T\n  kind: party\n  topics: [overview]\n  cites: [q-one]\n",
     "data/events/bad.yaml:4: event e-x: kind: Input should be"),
    ("event without cites", "events/bad.yaml",
     "- id: e-x\n  date: '2015'\n  title: T\n  kind: summit\n  topics: [overview]\n",
     "data/events/bad.yaml:1: event e-x: cites: required field is missing"),
    ("reversed membership interval", "membership.yaml",
     "- id: china\n  state: china\n  statuses:\n    - status: member\n      from: 2017\n      to: 2015\n      cites: [q-one]\n",
     "data/membership.yaml:6: membership china: statuses[0].to: interval runs backwards (2017 to 2015)"),
    ("overlapping membership intervals", "membership.yaml",
     "- id: china\n  state: china\n  statuses:\n    - status: observer\n      from: 2005\n      to: 2017\n      cites: [q-one]\n"
     "    - status: member\n      from: 2016\n      cites: [q-two]\n",
     "data/membership.yaml:9: membership china: statuses[1].from: member from 2016 overlaps observer (2005 to 2017)"),
    ("open interval followed by another", "membership.yaml",
     "- id: china\n  state: china\n  statuses:\n    - status: observer\n      from: 2005\n      cites: [q-one]\n"
     "    - status: member\n      from: 2017\n      cites: [q-two]\n",
     "data/membership.yaml:8: membership china: statuses[1].from: observer (from 2005) has no end"),
    ("membership of an actor that is not a state", "membership.yaml",
     "- id: xi\n  state: xi\n  statuses:\n    - status: member\n      from: 2001\n      cites: [q-one]\n",
     "data/membership.yaml:2: membership xi: state: 'xi' is not an actor of kind state"),
    ("figure without a unit", "figures/bad.yaml",
     "- id: fig-x\n  metric: trade\n  label: Trade\n  value: 64\n  period: '2015'\n  kind: actual\n  cites: [q-one]\n",
     "data/figures/bad.yaml:1: figure fig-x: unit: required field is missing"),
    ("figure value with units in it", "figures/bad.yaml",
     "- id: fig-x\n  metric: trade\n  label: Trade\n  value: $64bn\n  unit: USD billion\n  period: '2015'\n  kind: actual\n  cites: [q-one]\n",
     "data/figures/bad.yaml:4: figure fig-x: value: Input should be a valid number"),
    ("position with one stance", "positions.yaml",
     "- id: p-x\n  issue: I\n  summary: S\n  topics: [visions]\n  stances:\n    - actor: china\n      stance: s\n      cites: [q-one]\n",
     "data/positions.yaml:5: position p-x: stances: List should have at least 2 items"),
    ("dangling cite inside a stance", "positions.yaml",
     "- id: p-x\n  issue: I\n  summary: S\n  topics: [visions]\n  stances:\n    - actor: china\n      stance: s\n      cites: [q-one]\n"
     "    - actor: russia\n      stance: s\n      cites: [q-gone]\n",
     "data/positions.yaml:11: position p-x: stances[1].cites[0]: unknown quote id 'q-gone'"),
    ("dangling glossary see-also", "glossary.yaml",
     "- id: sco\n  term: SCO\n  definition: d\n  see: [nothing]\n",
     "data/glossary.yaml:4: term sco: see[0]: unknown term id 'nothing'"),
    ("javascript: URL", "sources/bad.yaml",
     "- id: src-x\n  title: T\n  authors: [A]\n  outlet: O\n  kind: article\n  published: '2015'\n"
     "  url: javascript:alert(1)\n  licence: L\n",
     "data/sources/bad.yaml:7: source src-x: url: not an http(s) URL"),
    ("python object tag", "facts/bad.yaml",
     "- id: f-x\n  claim: !!python/object/apply:os.system ['echo pwned']\n",
     "data/facts/bad.yaml:2: fact f-x: the tag tag:yaml.org,2002:python/object/apply:os.system is not allowed"),
    ("custom local tag", "facts/bad.yaml",
     "- id: f-x\n  claim: !include other.yaml\n",
     "data/facts/bad.yaml:2: fact f-x: the tag !include is not allowed"),
    ("list tag on a single value", "facts/bad.yaml",
     "- id: f-x\n  claim: !!seq words\n",
     "data/facts/bad.yaml:2: fact f-x: the tag tag:yaml.org,2002:seq does not fit a single value"),
    ("anchors and aliases", "facts/bad.yaml",
     "- id: f-x\n  claim: &c x\n  topics: [overview]\n  cites: [q-one]\n  note: *c\n",
     "data/facts/bad.yaml:2: fact f-x: anchors and aliases (&name / *name) are not allowed"),
    ("alias bomb (billion laughs)", "facts/bad.yaml",
     "- id: f-x\n  claim: x\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
     "  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
     "  d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
     "data/facts/bad.yaml:3: fact f-x: anchors and aliases"),
    ("data file with the wrong extension", "facts/bad.yml", "[]\n",
     "data/facts/bad.yml:1: data files end in .yaml"),
]


@pytest.mark.parametrize("name,path,content,expected", CASES, ids=[c[0] for c in CASES])
def test_bad_input_names_file_line_id_and_field(data: Path, name: str, path: str, content: str, expected: str) -> None:
    """Each kind of bad input yields an error line that starts with the exact location and record."""
    (data / path).parent.mkdir(parents=True, exist_ok=True)
    (data / path).write_text(content, encoding="utf-8")
    found = problems(data)
    assert any(p.startswith(expected) for p in found), "\n".join(found) or "no error reported"


def test_corpus_size_is_reported() -> None:
    """The corpus is large enough to cover the cases the project promises (printed in the test log)."""
    print(f"\nbad-data corpus: {len(CASES)} cases")
    assert len(CASES) >= 40


def test_non_utf8_bytes_are_located(data: Path) -> None:
    """A Latin-1 byte is reported with the line it sits on."""
    (data / "facts" ).mkdir()
    (data / "facts" / "bad.yaml").write_bytes(b"- id: f-x\n  claim: caf\xe9\n")
    assert problems(data) == ["data/facts/bad.yaml:2: byte 0xe9 is not UTF-8 (save the file as UTF-8)",]


def test_huge_file_is_refused_without_parsing(data: Path) -> None:
    """A 50 MB file is refused by size, quickly, with a hint to split it."""
    (data / "facts").mkdir()
    with open(data / "facts" / "huge.yaml", "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    found = problems(data)
    assert found and found[0].startswith("data/facts/huge.yaml:1: the file is 52,428,800 bytes; the limit is")


def test_all_errors_are_reported_at_once(data: Path) -> None:
    """Three faults in two files give three lines in one run, sorted by file and line."""
    write(data, {
        "facts/a.yaml": "- id: f-a\n  claim: x\n  topics: [overview]\n  cites: [q-gone]\n",
        "facts/b.yaml": "- id: f-b\n  claim: x\n  topics: [overview]\n  cites: [q-one]\n  extra: 1\n"
                        "- id: f-c\n  claim: x\n  topics: [overview]\n  cites: []\n",
    })
    found = problems(data)
    assert [p.split(": ", 1)[0] for p in found] == ["data/facts/a.yaml:4", "data/facts/b.yaml:5", "data/facts/b.yaml:9"]


def test_minimal_data_is_valid(data: Path) -> None:
    """The fixture the cases start from has no problems of its own."""
    assert problems(data) == []


def test_a_record_failing_the_schema_still_has_its_references_checked(data: Path) -> None:
    """One run reports both the unknown field and the dangling cite of the same record."""
    write(data, {"facts/bad.yaml": "- id: f-x\n  claim: x\n  topics: [overview]\n  cites: [q-gone]\n  sauce: 1\n"})
    assert [p.split(": ", 1)[0] + ": " + p.split(": ")[2] for p in problems(data)] == [
        "data/facts/bad.yaml:4: cites[0]", "data/facts/bad.yaml:5: sauce"]


def test_references_to_an_invalid_record_do_not_cascade(data: Path) -> None:
    """A fact citing a quote that fails the schema reports the quote's error only, not an unknown id."""
    write(data, {"quotes/bad.yaml": "- id: q-bad\n  source: src-a\n  text: words\n  colour: red\n",
                 "facts/ok.yaml": "- id: f-x\n  claim: x\n  topics: [overview]\n  cites: [q-bad]\n"})
    assert problems(data) == ["data/quotes/bad.yaml:4: quote q-bad: colour: unknown field (check its spelling against "
                              "templates/quotes.yaml)"]
