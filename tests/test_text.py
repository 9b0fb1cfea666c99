"""Text helpers: abbreviations are found as whole words, the same way on both search paths."""

from __future__ import annotations

import pytest

from macros.text import Abbreviations, _TermIndex

TERMS = ["SCO", "SCO Development Bank", "RATS", "BRI", "EAEU", "U.S.", "CSTO"]

CASES = [
    ("The SCO met.", [(4, "SCO")]),
    ("An SCO Development Bank was proposed.", [(3, "SCO Development Bank")]),
    ("SCO-RATS and SCOs and _SCO and #SCO", []),
    ("RATS, BRI and EAEU; the CSTO too.", [(0, "RATS"), (6, "BRI"), (14, "EAEU"), (24, "CSTO")]),
    ("The U.S. view", [(4, "U.S.")]),
    ("Nothing known here", []),
    ("&amp;SCO and x.SCO and SCO", [(23, "SCO")]),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_find_whole_words(text: str, expected: list[tuple[int, str]]) -> None:
    """A term is found only as a whole word, the longest term wins, and positions are exact."""
    assert _TermIndex(TERMS).find(text) == expected


@pytest.mark.parametrize("text,expected", CASES)
def test_scan_and_regex_paths_agree(text: str, expected: list[tuple[int, str]]) -> None:
    """The token scan used for texts naming hundreds of terms finds exactly what the regex path finds."""
    assert _TermIndex(TERMS)._scan(text) == expected


@pytest.mark.parametrize("text,expected", CASES)
def test_used_never_misses_a_term(text: str, expected: list[tuple[int, str]]) -> None:
    """`used` (which picks a page's definitions) names every term `find` finds, and nothing absent from the text."""
    used = _TermIndex(TERMS).used(text)
    assert {t for _, t in expected} <= used
    assert all(term in text for term in used)


def test_many_candidates_use_the_scan() -> None:
    """A text naming more terms than the regex limit is still searched correctly."""
    terms = [f"T{i}" for i in range(_TermIndex.REGEX_LIMIT + 50)]
    text = " ".join(reversed(terms))
    found = _TermIndex(terms).find(text)
    assert [t for _, t in found] == list(reversed(terms))


def test_apply_wraps_and_definitions_list_only_used_terms() -> None:
    """Known abbreviations get an <abbr> title; Markdown definitions name only the terms a text uses."""
    abbr = Abbreviations({"SCO": "Shanghai Cooperation Organisation", "RATS": "Regional Anti-Terrorist Structure"})
    assert abbr.apply("The SCO met.") == 'The <abbr title="Shanghai Cooperation Organisation">SCO</abbr> met.'
    assert abbr.markdown_definitions("Only the SCO here.") == "*[SCO]: Shanghai Cooperation Organisation"
    assert abbr.markdown_definitions("nothing") == ""
