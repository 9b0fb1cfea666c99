"""The site publishes its own CSS and JavaScript minified (macros/minify.py), and they say the same thing.

docs/assets keeps the readable sources. Minified here means a quarter of the bytes gone or more, no comment
and no indented line. The same thing means, for a stylesheet, the same rules in the same order with the same
selectors, conditions and declarations, compared by a reading of CSS written here (whitespace only where CSS
ignores it: the space of `.a :is(b)` or of `calc(1px - 2px)` counts); for a script, a syntax tree equal to
the source's (esprima, from the npm tools) and `node --check`. What the stylesheets do to the rendered pages
is compared in Chromium: tests/test_browser_css.py, `test_minified_css_renders_as_the_source`.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from macros.minify import BUNDLES, joined, minify_assets

NODE = shutil.which("node")
ESPRIMA = ROOT / "node_modules" / "esprima"

#: (published file, largest share of its sources' bytes it may keep); measured: 0.70 and 0.65.
FILES = [
    ("assets/sco.css", 0.75),
    ("assets/sco.js", 0.75),
]
NAMES = [name for name, _ in FILES]
#: The readable files in docs/assets: each published file's own and those joined to it.
PARTS = [part for name in NAMES for part in (name, *BUNDLES[name])]


@pytest.fixture(scope="module", params=["site", "offline_site"])
def built(request: pytest.FixtureRequest) -> Path:
    """The site as `make build` and as `make offline` publish it."""
    return request.getfixturevalue(request.param)


def source(name: str) -> str:
    """The readable text the site publishes minified as `name`: its own and its parts', joined."""
    return joined(name, lambda part: (ROOT / "docs" / part).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name,share", FILES)
def test_published_asset_is_minified(built: Path, name: str, share: float) -> None:
    """The published file keeps at most `share` of the source's bytes, and has no comment and no indented line."""
    published = (built / name).read_text(encoding="utf-8")
    assert len(published.encode()) <= share * len(source(name).encode()), "published as written, not minified"
    assert "/*" not in published, "a comment was published"
    indented = [line for line in published.splitlines() if line[:1].isspace()]
    assert indented == [], f"indented lines: {indented[:3]}"


@pytest.mark.parametrize("name", NAMES)
def test_online_and_offline_builds_publish_the_same_asset(site: Path, offline_site: Path, name: str) -> None:
    """`make build` and `make offline` publish the same bytes for each of the site's own assets."""
    assert (site / name).read_bytes() == (offline_site / name).read_bytes()


def test_the_sources_stay_readable() -> None:
    """The sources in docs/assets are the readable ones: commented and indented (what the build minifies)."""
    for part in PARTS:
        text = (ROOT / "docs" / part).read_text(encoding="utf-8")
        assert "/*" in text and any(line.startswith("  ") for line in text.splitlines()), part


def test_every_page_loads_one_stylesheet_and_one_script_of_the_sites_own(built: Path) -> None:
    """Each page links the one published stylesheet and the one script, which hold every part (a rule or a
    function of each), and no part is published on its own."""
    own = re.compile(r'(?:href|src)="[^"]*?assets/(sco[\w.-]*\.(?:css|js))"')
    pages = sorted(built.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        assert sorted(own.findall(page.read_text(encoding="utf-8"))) == ["sco.css", "sco.js"], page
    published = {name: (built / name).read_text(encoding="utf-8") for name in NAMES}
    assert "html:not(.sco-editor)" in published["assets/sco.css"]  # from sco-reader.css
    assert "sco-editor-view" in published["assets/sco.js"]  # from sco-reader.js
    for name in NAMES:
        for part in BUNDLES[name]:
            assert not (built / part).exists(), f"{part} published on its own"


def bare_site(tmp_path: Path, listed: dict[str, list[str]], present: dict[str, str]) -> tuple[Any, Any]:
    """A bare MkDocs config listing `listed` (extra_css, extra_javascript), and the Files of `present` (path under
    docs/ -> text), written to docs/."""
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files

    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    files = Files([])
    for path, text in present.items():
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_text(text, encoding="utf-8")
        files.append(File(path, str(docs), str(tmp_path / "site"), True))
    config = MkDocsConfig()
    config.load_dict({"site_name": "t", "docs_dir": str(docs), **listed})
    config.validate()
    return config, files


def test_a_missing_part_stops_the_build_naming_it(tmp_path: Path) -> None:
    """A file BUNDLES joins that is not in docs/ is an error that names it and where it is declared."""
    from mkdocs.exceptions import PluginError

    listed = {"extra_css": ["assets/sco.css"]}
    config, files = bare_site(tmp_path, listed, {"assets/sco.css": "a { color: red }\n"})
    with pytest.raises(PluginError, match=r"docs/assets/sco-reader\.css is missing.*BUNDLES"):
        minify_assets(config, files)
    config, files = bare_site(tmp_path, listed, {"assets/sco.css": "a { color: red }\n",
                                                 "assets/sco-reader.css": "/* x */\nb {\n  color: blue;\n}\n"})
    assert minify_assets(config, files) == ["assets/sco.css"]
    assert files.get_file_from_path("assets/sco.css").content_string == "a{color:red}b{color:blue}"
    assert files.get_file_from_path("assets/sco-reader.css") is None


def test_a_part_listed_on_its_own_stops_the_build(tmp_path: Path) -> None:
    """mkdocs.yml listing a file BUNDLES joins to another is an error: the pages would link a file not published."""
    from mkdocs.exceptions import PluginError

    config, files = bare_site(tmp_path, {"extra_javascript": ["assets/sco.js", "assets/sco-reader.js"]}, {})
    with pytest.raises(PluginError, match=r"mkdocs\.yml lists assets/sco-reader\.js, which is published joined to "
                                          r"assets/sco\.js"):
        minify_assets(config, files)


def test_every_bundle_problem_is_reported_at_once(tmp_path: Path) -> None:
    """A part listed on its own and a part missing from docs/ are named in one error, each with its hint."""
    from mkdocs.exceptions import PluginError

    config, files = bare_site(tmp_path, {"extra_css": ["assets/sco.css", "assets/sco-reader.css"]},
                              {"assets/sco.css": "a { color: red }\n"})
    with pytest.raises(PluginError) as caught:
        minify_assets(config, files)
    lines = str(caught.value).splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("mkdocs.yml lists assets/sco-reader.css, which is published joined to assets/sco.css")
    assert lines[1].startswith("docs/assets/sco-reader.css is missing: assets/sco.css is published with it joined")
    assert files.get_file_from_path("assets/sco.css").content_string == "a { color: red }\n"  # nothing changed


# -- CSS: the same rules ----------------------------------------------------------------------

_STRINGS = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""", re.S)


_COMMENTS = re.compile(rf"{_STRINGS.pattern}|/\*.*?\*/", re.S)  # a string, or a comment (which may hold quotes)


def _outside_strings(text: str, change) -> str:  # type: ignore[no-untyped-def]
    """`text` with `change` applied to what lies outside its quoted strings."""
    return "".join(part if i % 2 else change(part) for i, part in enumerate(_STRINGS.split(text)))


def _squeeze(text: str, around: str) -> str:
    """Whitespace collapsed to one space, and removed next to the characters in `around`, outside strings."""
    return _outside_strings(text, lambda part: re.sub(rf" ?([{re.escape(around)}]) ?", r"\1",
                                                      re.sub(r"\s+", " ", part))).strip()


def _selector(prelude: str) -> str:
    """A rule's selector or an at-rule's condition with the whitespace CSS ignores removed: around commas and
    the child and sibling combinators, inside parentheses, around a condition's colon. The space of a descendant
    combinator stays (`.a :is(b)` is not `.a:is(b)`)."""
    prelude = prelude.strip()
    if prelude.startswith("@"):
        return _squeeze(prelude, ",:").replace("( ", "(").replace(" )", ")")
    return _squeeze(prelude, ",>+~").replace("( ", "(").replace(" )", ")")


def _declarations(body: str) -> list[str]:
    """A rule's declarations, each `property:value` with the whitespace CSS ignores removed (after commas,
    inside parentheses, before !important); spaces inside values stay (`calc(1px - 2px)`)."""
    out = []
    for decl in re.split(r";(?=(?:[^\"']|\"[^\"]*\"|'[^']*')*$)", body):
        if not decl.strip():
            continue
        prop, _, value = decl.partition(":")
        value = _squeeze(value, ",").replace("( ", "(").replace(" )", ")").replace(" !important", "!important")
        out.append(f"{prop.strip()}:{value}")
    return out


def css_rules(text: str) -> list[tuple[str, object]]:
    """A stylesheet read as [(selector or condition, declarations or nested rules)], comments left out."""
    text = _COMMENTS.sub(lambda match: match.group(1) or "", text)
    pos = 0

    def block() -> list[tuple[str, object]]:
        nonlocal pos
        rules: list[tuple[str, object]] = []
        while True:
            start = pos
            while pos < len(text) and text[pos] not in "{}":
                match = _STRINGS.match(text, pos)
                pos = match.end() if match else pos + 1
            if pos >= len(text) or text[pos] == "}":
                assert not text[start:pos].strip(), f"text outside a rule: {text[start:pos]!r}"
                pos += 1
                return rules
            prelude = _selector(text[start:pos])
            pos += 1
            if prelude.startswith("@"):
                rules.append((prelude, block()))
            else:
                body_start = pos
                while text[pos] != "}":
                    match = _STRINGS.match(text, pos)
                    pos = match.end() if match else pos + 1
                rules.append((prelude, _declarations(text[body_start:pos])))
                pos += 1

    return block()


@pytest.mark.parametrize("name", [n for n in NAMES if n.endswith(".css")])
def test_published_css_has_the_sources_rules(site: Path, name: str) -> None:
    """The published stylesheet has its parts' rules (each part read alone), in order, each with the same selector
    (or condition) and declarations; every custom property the sources set or read is in it."""
    parts = [(ROOT / "docs" / part).read_text(encoding="utf-8") for part in (name, *BUNDLES[name])]
    ours = [rule for text in parts for rule in css_rules(text)]
    published = css_rules((site / name).read_text(encoding="utf-8"))
    assert len(published) == len(ours) > 10
    for mine, theirs in zip(ours, published):
        assert theirs == mine
    for prop in set(re.findall(r"--[\w-]+", source(name))):
        assert prop in (site / name).read_text(encoding="utf-8"), prop


@pytest.mark.parametrize("css,rules", [
    (".a :is(p, li) { color: red }", [(".a :is(p,li)", ["color:red"])]),
    (".a:is(p, li) { color: red }", [(".a:is(p,li)", ["color:red"])]),
    (".a > b + c ~ d { padding: calc(12px - .5em) }", [(".a>b+c~d", ["padding:calc(12px - .5em)"])]),
    ("@media (min-width: 45em) { .a { margin: 0 } }", [("@media (min-width:45em)", [(".a", ["margin:0"])])]),
    ('.a::before { content: " · "; }  /* c */', [(".a::before", ['content:" · "'])]),
])
def test_css_reading_keeps_the_spaces_that_count(css: str, rules: list[tuple[str, object]]) -> None:
    """The reading that compares stylesheets removes only whitespace CSS ignores, so a minifier that dropped a
    descendant combinator's space or one inside calc() would be caught."""
    assert css_rules(css) == rules


def test_css_reading_tells_a_dropped_space_apart() -> None:
    """`.a :is(p)` and `.a:is(p)`, `calc(1px - 2px)` and `calc(1px -2px)` read differently."""
    assert css_rules(".a :is(p){x:y}") != css_rules(".a:is(p){x:y}")
    assert css_rules(".a{x:calc(1px - 2px)}") != css_rules(".a{x:calc(1px -2px)}")


# -- JavaScript: the same program -----------------------------------------------------------------

@pytest.mark.skipif(NODE is None, reason="`make test` installs Node.js")
@pytest.mark.parametrize("name", [n for n in NAMES if n.endswith(".js")])
def test_published_js_parses(site: Path, name: str) -> None:
    """`node --check` accepts the published script."""
    result = subprocess.run([NODE, "--check", str(site / name)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


#: The top-level statements of the published script (argv[2]) against those of its parts parsed one by one
#: (argv[3:]), in order, empty statements left out: a part that ran into the next (`})()` then `(function`,
#: one call of the other) would make one statement of two.
SAME_TREE = """
const esprima = require(process.argv[1]);
const fs = require('fs');
const body = (file) => esprima.parseScript(fs.readFileSync(file, 'utf8')).body.filter((s) => s.type !== 'EmptyStatement');
const text = (statements) => JSON.stringify(statements,
  (key, value) => (key === 'range' || key === 'loc' || key === 'raw') ? undefined : value);
const a = text(body(process.argv[2])), b = text(process.argv.slice(3).flatMap(body));
console.log(JSON.stringify({same: a === b, nodes: (b.match(/"type":/g) || []).length}));
"""


@pytest.mark.skipif(NODE is None or not ESPRIMA.is_dir(), reason="`make test` installs Node.js and the npm tools")
@pytest.mark.parametrize("name", [n for n in NAMES if n.endswith(".js")])
def test_published_js_is_the_sources_program(site: Path, name: str) -> None:
    """The published script's syntax tree is its parts', each parsed alone, one after the other (positions and
    literals' spelling aside)."""
    parts = [str(ROOT / "docs" / part) for part in (name, *BUNDLES[name])]
    result = subprocess.run([NODE, "-e", SAME_TREE, str(ESPRIMA), str(site / name), *parts],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    verdict = json.loads(result.stdout)
    assert verdict["same"] and verdict["nodes"] > 100, verdict
