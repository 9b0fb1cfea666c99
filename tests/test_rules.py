"""The rules that keep the site's own voice honest (macros/rules.py): each catches what it should, with its place.

Table-driven: each case adds one record to a copy of the real data and names the problem `check` must report
(file:line, record, field, words of the message). Each case is also run with its rule removed, to show that
the rule, not something else, catches it.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT, check, copy_project
from macros import rules
from macros.errors import DataError, Problem
from macros.cache import ParseCache
from macros.factbase import load
from macros.loader import RawRecord, _rel, read_file, records_of, scan
from macros.validate import _Checker, parse

SEIWERT_Q = "seiwert-economics-vs-security"  # a quote with no hedge, no speaker and no number
THREE_SOURCES = ["ecfr-julienne-raison-detre", "weitz-three-evil-forces", "piechowski-2001-terrorism"]
ALL_FIVE = THREE_SOURCES + ["dejong-remittances-jihadist-recruitment", SEIWERT_Q]


@dataclass(frozen=True)
class Case:
    """A record that breaks (or keeps) a rule, where it goes, and what `check` must say about it."""

    name: str
    rule: str | None  # the rule that must report it; None: nothing may be reported
    file: str
    yaml: str
    field: str = ""
    words: str = ""
    severity: str = "error"


CASES = [
    Case("synthesis claims every source, cites three of five", "universal-claims", "facts/zz.yaml",
         f"- id: zz-every\n  claim: Counter-terrorism runs through every source's account.\n  topics: [security]\n"
         f"  cites: [{', '.join(THREE_SOURCES)}]\n",
         "claim", "says 'every source' but cites no quote from dejong-wouters-2015, seiwert-2021 (3 of 5 sources)"),
    Case("'the sources agree' in a position summary", "universal-claims", "positions/zz.yaml",
         "- id: zz-agree\n  issue: An issue\n  summary: The sources agree that it matters.\n  topics: [visions]\n"
         f"  stances:\n    - {{actor: china, stance: A stance., cites: [{THREE_SOURCES[0]}]}}\n"
         f"    - {{actor: russia, stance: Another., cites: [{THREE_SOURCES[1]}]}}\n",
         "summary", "says 'sources agree' but cites no quote from dejong-wouters-2015, piechowski-2024, seiwert-2021"),
    Case("'all five sources' in a glossary definition without cites", "universal-claims", "glossary/zz.yaml",
         "- id: zz-term\n  term: Zz term\n  definition: All five sources use it.\n",
         "definition", "says 'all five sources' but cites no quote from"),
    Case("every source, citing all five: allowed", None, "facts/zz.yaml",
         f"- id: zz-all\n  claim: Every source mentions it.\n  topics: [security]\n  cites: [{', '.join(ALL_FIVE)}]\n"),
    Case("'three of the five sources': allowed", None, "facts/zz.yaml",
         f"- id: zz-three\n  claim: Three of the five sources say so.\n  topics: [security]\n"
         f"  cites: [{', '.join(THREE_SOURCES)}]\n"),
    Case("figure period not in its quote", "figure-periods", "figures/zz.yaml",
         "- id: zz-fig\n  metric: zz\n  label: Zz\n  value: 37.63\n  unit: million tonnes\n  period: \"2014\"\n"
         "  kind: actual\n  cites: [ecfr-makocki-crude-record]\n",
         "period", "period 2014 does not appear in the quote(s) it cites"),
    Case("figure month not in its quote", "figure-periods", "figures/zz.yaml",
         "- id: zz-fig\n  metric: zz\n  label: Zz\n  value: 80\n  unit: troops\n  period: \"2016-08\"\n"
         "  kind: actual\n  cites: [ecfr-julienne-80-troops]\n",
         "period", "period 2016-08 does not appear"),
    Case("period_known false: allowed", None, "figures/zz.yaml",
         "- id: zz-fig\n  metric: zz\n  label: Zz\n  value: 37.63\n  unit: million tonnes\n  period: \"2016-11\"\n"
         "  period_known: false\n  kind: actual\n  cites: [ecfr-makocki-crude-record]\n"),
    Case("'more than half' stored as a point", "figure-values", "figures/zz.yaml",
         "- id: zz-fig\n  metric: zz\n  label: Zz\n  value: 50\n  unit: percent\n  period: \"2016\"\n"
         "  period_known: false\n  kind: estimate\n  cites: [ecfr-sheldon-ma-sun-oil-gas-revenues]\n",
         "value", "50 is not printed in the quote(s) the figure cites"),
    Case("'more than half' kept in words but stored as exact", "figure-values", "figures/zz.yaml",
         "- id: zz-fig\n  metric: zz\n  label: Zz\n  value: 50\n  value_text: more than half\n  unit: percent\n"
         "  period: \"2016\"\n  period_known: false\n  kind: estimate\n  cites: [ecfr-sheldon-ma-sun-oil-gas-revenues]\n",
         "bound", "the source says 'more than half', a bound, not an exact value"),
    Case("'more than 5,000' stored as exact", "figure-values", "figures/zz.yaml",
         "- id: zz-fig\n  metric: zz\n  label: Zz\n  value: 5000\n  unit: people\n  period: \"2016\"\n"
         "  period_known: false\n  kind: estimate\n  cites: [ecfr-julienne-uzbek-5000]\n",
         "bound", "the source says 'more than' 5,000; bound is 'exact'"),
    Case("value_text not in the quote", "figure-values", "figures/zz.yaml",
         "- id: zz-fig\n  metric: zz\n  label: Zz\n  value: 50\n  bound: more-than\n  value_text: well over half\n"
         "  unit: percent\n  period: \"2016\"\n  period_known: false\n  kind: estimate\n"
         "  cites: [ecfr-sheldon-ma-sun-oil-gas-revenues]\n",
         "value_text", "'well over half' is not in the quote(s) the figure cites"),
    Case("bound and words as the source gives them: allowed", None, "figures/zz.yaml",
         "- id: zz-fig\n  metric: zz\n  label: Zz\n  value: 50\n  bound: more-than\n  value_text: more than half\n"
         "  unit: percent\n  period: \"2016\"\n  period_known: false\n  kind: estimate\n"
         "  cites: [ecfr-sheldon-ma-sun-oil-gas-revenues]\n"),
    Case("hedge not reviewed: a warning naming the citing records", "hedges-reviewed", "quotes/zz.yaml",
         "- id: zz-q\n  source: weitz-2014\n  text: Moscow is thought to value the SCO.\n"
         "- id: zz-q2\n  source: weitz-2014\n  text: A plain sentence.\n",
         "text", "hedge 'thought to' not yet reviewed; cited by no record", "warning"),
    Case("reviewed hedge no longer in the text", "hedges-reviewed", "quotes/zz.yaml",
         "- id: zz-q\n  source: weitz-2014\n  text: Moscow values the SCO.\n  hedges: [thought to]\n",
         "hedges[0]", "'thought to' is not in the quote's text"),
    Case("reviewed hedge: allowed", None, "quotes/zz.yaml",
         "- id: zz-q\n  source: weitz-2014\n  text: Moscow is thought to value the SCO.\n  hedges: [thought to]\n"),
    Case("'May' the month is no hedge", None, "quotes/zz.yaml",
         "- id: zz-q\n  source: weitz-2014\n  text: In May 2015 the leaders met.\n"),
    Case("speaker without their words", "speakers-attributed", "quotes/zz.yaml",
         "- id: zz-q\n  source: dejong-wouters-2015\n  speaker: vladimir-putin\n"
         "  text: That, at least in the eyes of Vladimir Putin, is the message.\n",
         "speaker", "the text has no quotation mark or reporting verb for 'vladimir-putin'"),
    Case("speaker_reviewed without a speaker", "speakers-attributed", "quotes/zz.yaml",
         "- id: zz-q\n  source: dejong-wouters-2015\n  speaker_reviewed: true\n  text: The authors' words.\n",
         "speaker_reviewed", "speaker_reviewed without a speaker"),
    Case("speaker with a reporting verb: allowed", None, "quotes/zz.yaml",
         "- id: zz-q\n  source: dejong-wouters-2015\n  speaker: vladimir-putin\n  text: Putin says it is the message.\n"),
    Case("speaker with a quotation mark: allowed", None, "quotes/zz.yaml",
         "- id: zz-q\n  source: dejong-wouters-2015\n  speaker: vladimir-putin\n  text: It is “the message”.\n"),
    Case("speaker reviewed by hand: allowed", None, "quotes/zz.yaml",
         "- id: zz-q\n  source: dejong-wouters-2015\n  speaker: vladimir-putin\n  speaker_reviewed: true\n"
         "  text: That is the message.\n"),
]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("rules")
    shutil.copytree(ROOT / "data", root / "data")
    return root


def problems_for(base: Path, tmp_path: Path, case: Case) -> list[Problem]:
    """Every problem and warning `check` finds once the case's record is added to a copy of the real data."""
    root = tmp_path / "p"
    shutil.copytree(base / "data", root / "data")
    target = root / "data" / case.file
    target.parent.mkdir(exist_ok=True)
    target.write_text(case.yaml, encoding="utf-8")
    try:
        fb = load(root / "data", root)
    except DataError as exc:
        return exc.problems
    return fb.warnings


def _matches(problem: Problem, case: Case) -> bool:
    return (problem.file == f"data/{case.file}" and problem.record_id.startswith("zz") and problem.field == case.field
            and case.words in problem.message and problem.severity == case.severity)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rule_reports_with_place(base: Path, tmp_path: Path, case: Case) -> None:
    """The rule reports the case at its file and line, naming the record and field, with a hint; allowed cases pass."""
    found = [p for p in problems_for(base, tmp_path, case) if p.record_id.startswith("zz")]
    if case.rule is None:
        assert found == []
        return
    hits = [p for p in found if _matches(p, case)]
    assert hits, found
    line = hits[0].line
    lines = case.yaml.splitlines()
    assert 1 <= line <= len(lines) and (case.field.split("[")[0].split(".")[0] in lines[line - 1] or line == 1)
    assert hits[0].hint


@pytest.mark.parametrize("case", [c for c in CASES if c.rule], ids=[c.name for c in CASES if c.rule])
def test_case_needs_its_rule(base: Path, tmp_path: Path, case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the case's rule removed, nothing reports it: the rule is what catches it."""
    monkeypatch.setattr(rules, "RULES", [r for r in rules.RULES if r.name != case.rule])
    assert not [p for p in problems_for(base, tmp_path, case) if _matches(p, case)]


def test_every_rule_has_a_case() -> None:
    """Each rule in RULES is exercised by at least one failing case above."""
    assert {r.name for r in rules.RULES} == {c.rule for c in CASES if c.rule}


def test_real_data_passes_every_rule_without_warnings() -> None:
    """The real data breaks no rule, and every hedge in it has been reviewed (no warning left)."""
    fb = load(ROOT / "data", ROOT)
    assert fb.warnings == []


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("rules-cli") / "project")


@pytest.mark.parametrize("case", [CASES[0], CASES[5]], ids=["every-source-three-of-five", "period-not-in-quote"])
def test_make_check_rejects(project: Path, case: Case) -> None:
    """`check` (what `make check` runs) exits 1 on a synthesis fact claiming every source while citing three of
    five, and on a figure whose period is not in its quote, printing file:line, record, field and a hint."""
    for stale in (project / "data" / "facts" / "zz.yaml", project / "data" / "figures" / "zz.yaml"):
        stale.unlink(missing_ok=True)
    (project / "data" / case.file).write_text(case.yaml, encoding="utf-8")
    result = check(project)
    assert result.returncode == 1
    line = next(l for l in result.stdout.splitlines() if f"data/{case.file}:" in l)
    assert re.match(rf"data/{re.escape(case.file)}:\d+: (fact|figure) zz-\w+: {case.field}: .*\(.+\)$", line), line
    assert case.words in line


@pytest.mark.parametrize("words", [rules.REPORTING, rules.HEDGES, rules.UNIVERSAL_PHRASES, tuple(rules.QUALIFIERS)],
                         ids=["reporting", "hedges", "universal", "qualifiers"])
def test_has_answers_what_find_answers(words: tuple[str, ...]) -> None:
    """_has(words, text) is bool(_find(words, text)) on every quote and fact of the real data and on edge cases."""
    fb = load(ROOT / "data")
    texts = [q.text for q in fb.quotes.values()] + [f.claim for f in fb.facts.values()] + [
        "", "May 2015", "it may", "SAYS so", "says-so", "unsaid", "said", "pre-argued", "argued.", "sources agreed",
        "All Sources", "more than", "over-the-top", "“reportedly”", "ſays", "according  to",
    ]
    assert sum(rules._has(words, t) for t in texts) > 0
    for text in texts:
        assert rules._has(words, text) == bool(rules._find(words, text)), text


#: Texts where a substring test and a case-insensitive whole-word search could disagree.
EDGE_TEXTS = [
    "", "May 2015", "it may", "MAY", "SAYS so", "says-so", "unsaid", "said", "pre-argued", "argued.", "sources agreed",
    "All Sources", "ALL FIVE SOURCES", "every\u00a0source", "more than", "over-the-top", "“reportedly”", "ſays",
    "ſaid to", "liKely", "it ſeems", "İt seems", "ıt seems likely", "according  to", "Σ likely", "ΣΑΣ said to",
    "likelyhood", "un-likely", "LIKELY_", "is seemingly", "could've", "İİİ could", "vitamin K", "\u212a", "ſ s", "ı",
]


@pytest.mark.parametrize("words", [rules.REPORTING, rules.HEDGES, rules.UNIVERSAL_PHRASES, tuple(rules.QUALIFIERS),
                                   ("Şahin", "said to"), ("may",), ("k",), ("s",), ("i",)],
                         ids=["reporting", "hedges", "universal", "qualifiers", "non-ascii-word", "may", "k", "s", "i"])
def test_substring_test_finds_what_the_patterns_find(words: tuple[str, ...]) -> None:
    """_find and _has, which pick candidate words by a substring test of the lower-cased text, answer what the
    patterns alone answer (`_find_searching`), on every quote and fact of the real data and on edge cases."""
    fb = load(ROOT / "data")
    texts = [q.text for q in fb.quotes.values()] + [f.claim for f in fb.facts.values()] + EDGE_TEXTS
    texts += [rules._flat(t) for t in texts]
    assert sum(bool(rules._find_searching(words, t)) for t in texts) > 0
    for text in texts:
        found = rules._find_searching(words, text)
        assert rules._find(words, text) == found, text
        assert rules._has(words, text) == bool(found), text


#: Texts whose white space `_flat` changes, around the words the searches kept in the parse cache look for.
SPACED_TEXTS = [
    "thought\nto", "said  to", " said to ", "said\tto be", "every\u00a0source", "all\u2028sources agree",
    "\u3000it may\u3000", "expected\r\n to", "ALL  FIVE\n OF THE SOURCES", "believed\x1cto", "\n", "  ", "source",
    "every source-", "sources\u00a0agree", "ſaid\nto", "İt  said to", "it\nmay", "may\n", "said to\u0085",
    "x\n y", "x", "of all\tsources",
]


@pytest.mark.parametrize("words", [rules.HEDGES, rules.UNIVERSAL_PHRASES, rules.REPORTING, ("said to", "said"),
                                   ("all sources", "every  source", "all\tsources"), ("Şahin", "said to"), ("x y", "x")],
                         ids=["hedges", "universal", "reporting", "phrase-and-word", "shared-with-spaces",
                              "non-ascii-word", "short"])
def test_find_flat_answers_what_find_answers_on_the_flat_text(words: tuple[str, ...]) -> None:
    """_find_flat(words, text), which makes a text flat only where a phrase may need it and first looks for the
    part all words share, finds what _find finds in `_flat(text)`, on every quote and fact of the real data and
    on texts with white space of every kind."""
    fb = load(ROOT / "data")
    texts = [q.text for q in fb.quotes.values()] + [f.claim for f in fb.facts.values()] + EDGE_TEXTS + SPACED_TEXTS
    texts += [t.replace(" ", "\n  ") for t in texts] + [t.replace(" ", "\u2009") for t in texts]
    expected = [rules._find(words, rules._flat(t)) for t in texts]
    assert sum(map(bool, expected)) > 0
    assert [rules._find_flat(words, t) for t in texts] == expected


def test_lower_case_keeps_white_space_apart() -> None:
    """No character turns into white space in lower case, and white space stays itself, as _find_flat assumes."""
    changed = [hex(c) for c in range(0x110000)
               if chr(c).isspace() != any(x.isspace() for x in chr(c).lower()) or
               (chr(c).isspace() and chr(c).lower() != chr(c))]
    assert changed == []


def test_ascii_lookalikes_are_every_character_matched_as_an_ascii_letter() -> None:
    """ASCII_LOOKALIKES holds exactly the characters beyond ASCII that a case-insensitive pattern of an ASCII letter
    matches (every code point tried against each letter), so _find's substring test misses nothing elsewhere."""
    letters = [re.compile(c, re.IGNORECASE) for c in "abcdefghijklmnopqrstuvwxyz"]
    any_letter = re.compile("[a-z]", re.IGNORECASE)
    found = set()
    for code in range(128, 0x110000):
        ch = chr(code)
        if any_letter.fullmatch(ch) or (ch.lower() != ch or ch.upper() != ch) and any(p.fullmatch(ch) for p in letters):
            found.add(ch)
    assert found == {ch for ch in map(chr, range(128, 0x110000)) if rules.ASCII_LOOKALIKES.fullmatch(ch)}, found


# -- searches kept in the parse cache ----------------------------------------------------------

def _parsed(cache: Path) -> dict[str, list[tuple[object, RawRecord]]]:
    """Every record of the real data read through the parse cache in `cache`, as the validator gets them."""
    files, _ = scan(ROOT / "data", ROOT)
    records: list[RawRecord] = []
    for kind, path in files:
        raw, _ = read_file(path, _rel(path, ROOT))
        assert raw is not None
        records += records_of(raw, kind, _rel(path, ROOT), ParseCache(cache))[0]
    return parse(records)[0]


def test_every_text_the_rules_search_is_searched_as_its_file_is_parsed(tmp_path: Path) -> None:
    """Each own-voice text and quote has its searches made at parse time, answering what the rules would find,
    and a second read of the files gets the same answers back from the parse cache."""
    first = _parsed(tmp_path / "cache")
    checker = _Checker(first)
    expected: list[tuple[RawRecord, str, str, list[str]]] = [
        (raw, rules._path_key(path), "universal", rules._find(rules.UNIVERSAL_PHRASES, rules._flat(text)))
        for raw, path, text, _ in rules.own_texts(checker)]
    expected += [(raw, "text", "hedges", rules._find(rules.HEDGES, rules._flat(quote.text)))
                 for quote, raw in first["quotes"]]
    # hedges are there to be found; no own text of the real data claims every source (the cases below do)
    assert any(found for _, _, name, found in expected if name == "hedges")
    for raw, key, name, found in expected:
        assert raw.scans is not None and raw.scans[key][name] == found, (raw.file, raw.id, key)
    again = {(raw.kind, raw.id): raw.scans for kind in first for _, raw in _parsed(tmp_path / "cache")[kind]}
    assert again == {(raw.kind, raw.id): raw.scans for kind in first for _, raw in first[kind]}


CACHED_SCAN_CASES = [c for c in CASES if c.file.startswith(("facts/", "positions/", "quotes/")) and
                     c.rule in ("universal-claims", "hedges-reviewed", None)]


@pytest.mark.parametrize("case", CACHED_SCAN_CASES, ids=[c.name for c in CACHED_SCAN_CASES])
def test_a_load_from_the_parse_cache_searches_no_text_and_reports_the_same(
        base: Path, tmp_path: Path, case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the parse cache filled, the rules search no text again, and report what a load without cache reports."""
    root = tmp_path / "p"
    shutil.copytree(base / "data", root / "data")
    (root / "data" / case.file).parent.mkdir(exist_ok=True)
    (root / "data" / case.file).write_text(case.yaml, encoding="utf-8")

    def outcome(cache: Path | None) -> list[Problem]:
        try:
            return load(root / "data", root, cache).warnings
        except DataError as exc:
            return exc.problems

    without = outcome(None)
    assert outcome(tmp_path / "cache") == without
    monkeypatch.setattr(rules, "SCANS", {name: pytest.fail for name in rules.SCANS})
    assert outcome(tmp_path / "cache") == without
    assert [p for p in without if p.record_id.startswith("zz")] or case.rule is None


@pytest.mark.parametrize(("data", "scans", "searched"), [
    ({"text": "It may work"}, {"text": {"hedges": ["kept"]}}, False),
    ({"text": "  It may work\n"}, {"text": {"hedges": ["kept"]}}, False),
    ({"text": "It might work"}, {"text": {"hedges": ["kept"]}}, True),
    ({}, {"text": {"hedges": ["kept"]}}, True),
    ({"text": "It may work"}, None, True),
    ({"text": "It may work"}, {"text": {"universal": ["kept"]}}, True),
    ({"text": "It may work"}, {"text": {"hedges": "kept"}}, True),
    ({"text": "It may work"}, {"text": None}, True),
    ({"text": "It may work"}, {"text": {"hedges": [1]}}, True),
    ({"stances": [{"stance": "It may work"}]}, {"stances.0.stance": {"hedges": ["kept"]}}, False),
    ({"stances": [{"stance": "It might work"}]}, {"stances.0.stance": {"hedges": ["kept"]}}, True),
    ({"stances": []}, {"stances.0.stance": {"hedges": ["kept"]}}, True),
    ({"stances": {"0": {"stance": "It may work"}}}, {"stances.0.stance": {"hedges": ["kept"]}}, True),
    ({"text": "It may work"}, {"text": {"hedges": []}}, False),
    (["It may work"], {"text": {"hedges": ["kept"]}}, True),
    ({"text": "It may work"}, {"text": {"hedges": ("kept",)}}, True),
], ids=["same text", "same text stripped", "other text", "no text", "no scans", "other search", "damaged",
        "damaged path", "damaged word", "in a list", "other text in a list", "no item", "a mapping, not a list",
        "nothing found", "a record that is a list", "a tuple, not a list"])
def test_a_kept_search_is_used_only_for_the_text_it_was_made_on(data: dict, scans: dict | None,
                                                                 searched: bool) -> None:
    """_scanned answers from the record's kept searches only when they were made on this very text."""
    raw = RawRecord("quotes", "data/quotes/zz.yaml", data, scans=scans)
    path = ("stances", 0, "stance") if "stances" in data else ("text",)
    got = rules._scanned(raw, path, "hedges", "It may work")
    assert got == (["may"] if searched else next(iter(scans.values()))["hedges"])


def test_the_qualifier_before_a_number_is_the_longest_that_ends_there() -> None:
    """_qualifier_before finds what trying each qualifier, longest first, finds, before every number of the real
    quotes and in made-up texts."""
    def one_by_one(text: str, start: int) -> str | None:
        before = text[max(0, start - 20):start].lower().rstrip("$€£¥ ")
        return next((q for q in sorted(rules.QUALIFIERS, key=len, reverse=True)
                     if re.search(r"(?<![\w-])" + re.escape(q) + r"$", before)), None)

    texts = [q.text for q in load(ROOT / "data").quotes.values()]
    texts += [f"{a} {q} {b}$5" for q in rules.QUALIFIERS for a in ("", "x", "not") for b in ("", "$", "US")]
    texts += ["well over 5", "moreover 5", "hangover 5", "at least-5", "less than about 5", "almost under 5"]
    found = [(t, m.start()) for t in texts for m in re.finditer(r"\d", t)]
    assert sum(one_by_one(t, i) is not None for t, i in found) > 20
    for text, start in found:
        assert rules._qualifier_before(text, start) == one_by_one(text, start), text[max(0, start - 20):start + 1]
