"""Text helpers: data text stays text wherever it lands; abbreviations are found as whole words on both search paths."""

from __future__ import annotations

import pytest

from conftest import ROOT
from macros.text import Abbreviations, _TermIndex, escape, inline, inline_text, plain, safe_url, url_attribute
from test_injection import HOSTILE

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
    assert abbr.markup("The SCO met.") == 'The <abbr title="Shanghai Cooperation Organisation">SCO</abbr> met.'
    assert abbr.markdown_definitions("Only the SCO here.") == "*[SCO]: Shanghai Cooperation Organisation"
    assert abbr.markdown_definitions("nothing") == ""


# -- escaping for wherever a fragment lands ------------------------------------------------------------------

def _site_markdown(text: str) -> str:
    """`text` converted by Python-Markdown as MkDocs converts the site's pages (its defaults and mkdocs.yml's)."""
    import markdown
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    return markdown.markdown(text, extensions=config["markdown_extensions"],
                             extension_configs=config["mdx_configs"])


@pytest.mark.parametrize("hostile", HOSTILE, ids=range(len(HOSTILE)))
def test_escaped_text_inside_a_markdown_sentence_stays_text(hostile: str) -> None:
    """Escaped data inside a paragraph that Python-Markdown (with the site's extensions) converts makes no element
    and reads back as written, the way `{{ figure(...) }}` sits in a sentence."""
    from bs4 import BeautifulSoup

    html = _site_markdown(f"Before <span class=\"x\">{plain(hostile)}</span> after.")
    soup = BeautifulSoup(html, "html.parser")
    assert [el.name for el in soup.find_all(True)] == ["p", "span"], html
    assert soup.get_text() == f"Before {' '.join(hostile.split())} after."
    table = BeautifulSoup(_site_markdown(f"| a | b |\n|---|---|\n| x | <span>{plain(hostile)}</span> |\n"),
                          "html.parser")
    assert [len(row.find_all(["td", "th"])) for row in table.find_all("tr")] == [2, 2], hostile


def test_every_markdown_character_becomes_an_entity() -> None:
    """Each character that starts inline Markdown or HTML is replaced, and nothing else is."""
    for char in "[]()!*_`\\|#~<>&\"'{}":
        assert char not in escape(f"a{char}b").replace("&#", "").replace(";", "").replace("&amp", "") \
            .replace("&lt", "").replace("&gt", "").replace("&quot", "").replace("&x27", ""), char
    assert escape("Plain words, 2015: 64.5 - fine.") == "Plain words, 2015: 64.5 - fine."


@pytest.mark.parametrize("text,expected", [
    ("{{ 7*7 }} is not 77", "{{ 7*7 }} is not 77"),
    ("**Strong** and *em* and `code`", "Strong and em and code"),
    ("a *b **c** d* e", "a b c d e"),
    ("2*3*4 and snake_case", "2*3*4 and snake_case"),
])
def test_inline_text_removes_only_the_markup_inline_renders(text: str, expected: str) -> None:
    """A claim's label (its "Cited on" link text) is what the fact shows, not the claim with every * removed."""
    assert inline_text(text) == expected
    from bs4 import BeautifulSoup

    assert BeautifulSoup(str(inline(text)), "html.parser").get_text() == expected


@pytest.mark.parametrize("url,allowed", [
    ("https://example.org/a?b=1#c", True), ("http://example.org/", True), ("../sources/x/#q-a", True),
    ("#fact-a", True), ("./", True), ("timeline/#event-x", True),
    ("javascript:alert(1)", False), ("JavaScript:alert(1)", False), (" javascript:alert(1)", False),
    ("java\tscript:alert(1)", False), ("java\nscript:alert(1)", False), ("data:text/html,x", False),
    ("vbscript:x", False), ("file:///etc/passwd", False), ("//evil.test/x", False), ("\\\\evil.test\\x", False),
    ("/\\evil.test", False), ("http:evil.test", False), ("mailto:a@b.c", False), ("x:y", False), ("", False),
])
def test_only_http_and_relative_urls_pass(url: str, allowed: bool) -> None:
    """The allow-list admits http(s) and links within the site; every other scheme, and other-host tricks, give ""."""
    assert (safe_url(url) != "") == allowed
    assert (str(url_attribute(url)) != "") == allowed


def test_every_link_in_the_fragment_templates_passes_the_allow_list() -> None:
    """Each href or src a fragment template fills from a value goes through the `url` filter."""
    import re

    unfiltered = []
    for path in sorted((ROOT / "macros" / "templates").glob("*.html")):
        for attr, expr in re.findall(r'\b(href|src)="([^"]*\{\{[^"]*)"', path.read_text(encoding="utf-8")):
            for value in re.findall(r"\{\{(.*?)\}\}", expr):
                if not re.search(r"\|\s*url\s*$", value.strip()) and not expr.startswith("#"):
                    unfiltered.append(f"{path.name}: {attr}=\"{expr}\"")
    assert unfiltered == []


# -- what the fragment templates print ------------------------------------------------------------------------------

PRINTED = "<b>*a*</b> [l](javascript:1) {{ 7 }} _u_ `c` ~x~ #h | \\ ' \""


@pytest.mark.parametrize("source", [
    "{{ x }}",
    "{{ x|capitalize }}",
    "{{ x|replace('a', 'b') }}",
    "{{ [x, x]|join(', ') }}",
    "{{ 'id-' ~ x }}",
    "{{ x ~ x }}",
    "{{ x if x else '' }}",
    "{{ '%s.'|format(x) }}",
    "{% set y = 'n-' ~ x %}{{ y }}",
])
def test_every_way_a_template_prints_data_escapes_it(source: str) -> None:
    """A value from data printed by a fragment template, through a filter, a join or `~`, is escaped for HTML,
    templates and Markdown (by `finalize`), and reads back as Jinja would print it unescaped."""
    import html
    import re

    from jinja2 import Environment

    from macros.render import template_env

    out = template_env().from_string(source).render(x=PRINTED)
    assert html.unescape(out) == " ".join(Environment().from_string(source).render(x=PRINTED).split())
    assert not set(re.sub(r"&#?\w+;", "", out)) & set("&<>[]()*_{}`~#|\\'\""), out


def test_no_fragment_template_prints_a_block_of_its_own() -> None:
    """A `{% set %}` block, a macro or a call block gives text that `finalize` would escape a second time when
    printed (autoescape is off, see render.template_env): fragments `include` a template instead."""
    import re

    found = [f"{path.name}: {m.group()}" for path in sorted((ROOT / "macros" / "templates").glob("*.html"))
             for m in re.finditer(r"\{%-?\s*(?:macro|call|filter)\b[^%]*%\}|\{%-?\s*set\s+[\w.,\s]+-?%\}",
                                  path.read_text(encoding="utf-8"))]
    assert found == []
