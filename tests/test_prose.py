"""Home and theme pages read as an explanation: "In short" first, mostly prose, nothing said twice, every
paragraph that states a number or names a state or person cited, and sources that disagree shown together.

The rules, their definitions and exceptions are in tests/prose.py and CONTRIBUTING.md ("Writing a page").
"""

from __future__ import annotations

from typing import Callable

import pytest
from bs4 import BeautifulSoup

import prose
from conftest import ROOT
from macros.factbase import load
from test_content import THEMES

FB = load(ROOT / "data", ROOT)
PAGES = ["", *THEMES]


def art(page: Callable[[str], BeautifulSoup], name: str):  # type: ignore[no-untyped-def]
    return prose.article(page(name))


@pytest.mark.parametrize("name", PAGES)
def test_in_short_opens_the_page(page: Callable[[str], BeautifulSoup], name: str) -> None:
    """Right after the H1: an "In short" admonition with one paragraph of at most 150 words and a marker."""
    box = prose.in_short(art(page, name))
    assert box is not None, "the page does not open with !!! abstract \"In short\""
    paragraphs = [p for p in box.find_all("p") if "admonition-title" not in (p.get("class") or [])]
    assert len(paragraphs) == 1
    assert prose.words(paragraphs[0].get_text(" ")) <= prose.IN_SHORT_WORDS
    assert paragraphs[0].select_one("a.sco-cite"), "In short carries no citation marker"


@pytest.mark.parametrize("name", PAGES)
def test_most_words_are_prose(page: Callable[[str], BeautifulSoup], name: str) -> None:
    """At least 60 % of the article's words (Sources list aside) are in prose paragraphs."""
    in_prose, total = prose.prose_share(art(page, name))
    assert in_prose >= prose.PROSE_SHARE * total, f"prose {in_prose}/{total} = {in_prose / total:.0%}"


@pytest.mark.parametrize("name", PAGES)
def test_no_sentence_said_twice(page: Callable[[str], BeautifulSoup], name: str) -> None:
    """No sentence of eight words or more appears twice on the page."""
    assert prose.repeated_sentences(art(page, name)) == []


@pytest.mark.parametrize("name", PAGES)
def test_no_fact_event_or_differs_box_shown_twice(page: Callable[[str], BeautifulSoup], name: str) -> None:
    """A fact, an event or a "differs" box appears at most once on the page."""
    assert prose.repeated_boxes(art(page, name)) == []


@pytest.mark.parametrize("name", PAGES)
def test_paragraphs_with_numbers_or_names_are_cited(page: Callable[[str], BeautifulSoup], name: str) -> None:
    """A prose paragraph with a number, or the name of a state, person or author, carries a citation marker."""
    assert prose.uncited_paragraphs(art(page, name)) == []


@pytest.mark.parametrize("name", PAGES)
def test_disagreeing_sources_shown_together(page: Callable[[str], BeautifulSoup], name: str) -> None:
    """Where the page states a fact another disagrees with, the other fact is on the page too."""
    assert prose.unshown_disagreements(art(page, name), FB.disagreeing) == []


# -- the rules on snippets: each passes what it should and fails what it should --------------------------------

def snippet(body: str):  # type: ignore[no-untyped-def]
    return prose.article(BeautifulSoup(f"<article>{body}</article>", "html.parser"))


MARK = '<a class="sco-cite" href="#ref-1">[1]</a>'
SHORT = f'<div class="admonition abstract"><p class="admonition-title">In short</p><p>Short.{MARK}</p></div>'


@pytest.mark.parametrize("body,ok", [
    (f"<h1>T</h1>{SHORT}<p>x</p>", True),
    (f"<h1>T</h1><p>Intro first.</p>{SHORT}", False),
    ('<h1>T</h1><div class="admonition abstract"><p class="admonition-title">Summary</p><p>x</p></div>', False),
])
def test_rule_in_short_first(body: str, ok: bool) -> None:
    """The In short box counts only as the first element after the H1, with its exact title."""
    assert (prose.in_short(snippet(body)) is not None) == ok


@pytest.mark.parametrize("body,expected", [
    ("<p>one two three</p><ul><li>four five six</li></ul>", (3, 6)),
    (f'<p>one two{MARK}</p><div class="sco-glance"><p>x y</p></div><table><tr><td><p>z</p></td></tr></table>', (2, 5)),
    ('<div class="admonition"><p class="admonition-title">In short</p><p>a b</p></div>'
     '<section class="sco-sources"><p>not counted at all</p></section><svg><text>no</text></svg>', (4, 4)),
    ('<p class="sco-fact">a fact</p><ul class="sco-facts"><li><p>b</p></li></ul><details><p>c d</p></details>', (0, 5)),
])
def test_rule_prose_share(body: str, expected: tuple[int, int]) -> None:
    """Prose words and all words, as defined in tests/prose.py."""
    assert prose.prose_share(snippet(body)) == expected


@pytest.mark.parametrize("body,repeats", [
    ("<p>One two three four five six seven eight. Other.</p><li>One two three four five six seven eight.</li>", 1),
    (f"<p>One two three four five six seven eight{MARK}.</p><p>one two three four five six seven eight.</p>", 1),
    ("<p>One two three four five six seven. Again.</p><p>One two three four five six seven.</p>", 0),
    ("<h2>One two three four five six seven eight</h2><p>One two three four five six seven eight nine.</p>", 0),
])
def test_rule_repeated_sentences(body: str, repeats: int) -> None:
    """Sentences of eight words or more are compared without markers, case and the final full stop."""
    assert len(prose.repeated_sentences(snippet(body))) == repeats


@pytest.mark.parametrize("body,problems", [
    ('<ul class="sco-facts"><li class="sco-fact" id="fact-a">A claim.</li><li class="sco-fact">A claim.</li></ul>', 1),
    ('<li class="sco-event" id="event-a">2001 Founded</li><li class="sco-event">2001 Founded</li>', 1),
    ('<li class="sco-fact" id="fact-a">A.<span class="sco-differ" data-fact="b">B.</span></li>'
     '<li class="sco-fact" id="fact-b">B.<span class="sco-differ"><a href="#fact-a">A</a></span></li>', 1),
    ('<li class="sco-fact" id="fact-a">A.<span class="sco-differ" data-fact="b">B.</span></li>', 0),
])
def test_rule_boxes_once(body: str, problems: int) -> None:
    """A fact, event or differs box twice is a problem, and so is a differs box spelling out a fact listed too."""
    assert len(prose.repeated_boxes(snippet(body))) == problems


@pytest.mark.parametrize("body,uncited", [
    ("<p>In 2015 something happened.</p>", 1),
    (f"<p>In 2015 something happened.{MARK}</p>", 0),
    ("<p>China wants trade.</p>", 1),
    ("<p>Xi wants trade.</p>", 1),
    ("<p>Seiwert argues a point.</p>", 1),
    ('<p>See <a href="../russia-china/">Russia vs China</a> for more.</p>', 0),
    ("<p>Chinese and Russian views differ; Beijing and Moscow talk.</p>", 0),
    ("<p>Run <code>make 2</code> to build.</p>", 0),
    ('<ul><li>China in a list is not prose.</li></ul><table><tr><td><p>1999</p></td></tr></table>', 0),
])
def test_rule_uncited_paragraphs(body: str, uncited: int) -> None:
    """Numbers and names of states, people and authors need a marker; links, code and demonyms do not count."""
    assert len(prose.uncited_paragraphs(snippet(body))) == uncited


@pytest.mark.parametrize("body,missing", [
    ('<p>Text<span class="sco-fact-ref"><span id="fact-a"></span>[1]</span></p>', ["a without b"]),
    ('<p>Text<span class="sco-fact-ref"><span id="fact-a"></span><span id="fact-b"></span>[1]</span></p>', []),
    ('<li class="sco-fact" id="fact-a">A<span class="sco-differ" data-fact="b">B</span></li>', []),
])
def test_rule_disagreements_shown(body: str, missing: list[str]) -> None:
    """A fact stated on a page brings the facts that disagree with it, in prose, in a list or in its differs box."""
    assert prose.unshown_disagreements(snippet(body), {"a": {"b"}, "b": {"a"}}) == missing
