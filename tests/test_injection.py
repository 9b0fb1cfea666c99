"""Hostile text in every text field of every record kind, rendered through every macro, stays text.

The page is built with the real macros, then checked twice: as parsed HTML (no
script, handler, URL or element the data did not get from us) and in Chromium
(no dialog, no script run, no request to another host, the text shown literally).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Iterator

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, mkdocs_build

HOSTILE = [
    "<script>window.__pwned=1;alert(1)</script>",
    "<img src=x onerror=\"window.__pwned=2;alert(2)\">",
    "\" onmouseover=\"window.__pwned=3\" data-x=\"",
    "' onfocus='window.__pwned=4' autofocus='",
    "<svg onload=alert(5)><script>window.__pwned=5</script></svg>",
    "[click](javascript:window.__pwned=6)",
    "![img](http://evil.test/pixel.png)",
    "<a href=\"javascript:window.__pwned=7\">link</a>",
    "<iframe src=\"http://evil.test/\"></iframe>",
    "{{ 7*7 }} {{ config }}",
    "{% include '/etc/passwd' %}",
    "{# comment #} {%raw%}x{%endraw%}",
    "</script><script>window.__pwned=8</script>",
    "<style>body{display:none}</style>",
    "\u202eevil\u202c right-to-left override",
    "<!-- comment --> ]]> &lt;already escaped&gt;",
    "<link rel=stylesheet href=http://evil.test/x.css>",
    "*[SCO]: injected abbreviation",
]

# Every macro that renders data, called on the hostile records.
PAGE = """# Hostile

{{ fact("fact-a") }}

{{ facts(topic="overview") }}

{{ quote("quote-a") }}

Prose {{ cite("quote-b") }} and {{ figure("figure-a") }}.

{{ position("position-a") }}

{{ positions(topic="visions") }}

{{ timeline() }}

{{ timeline_chart(start=2000) }}

{{ membership_table() }}

{{ members_by_year() }}

Members: {{ members_as_of(2015) }}.

{{ membership_chart() }}

{{ at_a_glance(bodies=["russia"], bodies_fact="fact-a") }}

{{ member_map() }}

{{ figures() }}

{{ figure_chart("metric-a") }}

{{ glossary() }}

{{ sources_index() }}

{{ source_page("source-a") }}
"""


def hostile_data(data: Path) -> int:
    """Write one record of every kind with a hostile string in every text field; return how many fields."""
    counter = iter(range(10_000))

    def h() -> str:
        return HOSTILE[next(counter) % len(HOSTILE)]

    def q(text: str) -> str:
        return json.dumps(text)

    files = {
        "sources.yaml": f"""- id: source-a
  title: {q(h())}
  authors: [{q(h())}]
  outlet: {q(h())}
  kind: article
  published: "2015-07"
  url: https://example.org/article
  licence: {q(h())}
  notes: {q(h())}
- id: source-b
  title: {q(h())}
  authors: [{q(h())}]
  outlet: {q(h())}
  kind: report
  published: "2016"
  licence: {q(h())}
  chapters:
    - id: chapter-a
      title: {q(h())}
      authors: [{q(h())}]
""",
        "actors.yaml": f"""- id: china
  name: {q(h())}
  kind: state
  abbreviation: {q(h())}
  role: {q(h())}
  native:
    text: {q(h())}
    transliteration: Zhongguo  # actors' native names are not shown by any macro
    language: zh
- id: russia
  name: {q(h())}
  kind: state
- id: speaker-a
  name: {q(h())}
  kind: person
  role: {q(h())}
""",
        "quotes.yaml": f"""- id: quote-a
  source: source-a
  speaker: speaker-a
  section: {q(h())}
  text: {q(h())}
  note: {q(h())}
- id: quote-b
  source: source-b
  chapter: chapter-a
  text: {q(h())}
""",
        "facts.yaml": f"""- id: fact-a
  claim: {q(h())}
  topics: [overview]
  actors: [china]
  as_of: "2015-07"
  cites: [quote-a, quote-b]
  disagrees_with: [fact-b]
  note: {q(h())}
- id: fact-b
  claim: {q(h())}
  topics: [overview]
  cites: [quote-b]
""",
        "events.yaml": f"""- id: event-a
  date: "2015-07-10"
  title: {q(h())}
  place: {q(h())}
  kind: summit
  topics: [overview]
  summary: {q(h())}
  cites: [quote-a]
""",
        "membership.yaml": f"""- id: china
  state: china
  statuses:
    - status: founding-member
      from: 2001
      cites: [quote-a]
      note: {q(h())}
""",
        "figures.yaml": f"""- id: figure-a
  metric: metric-a
  label: {q(h())}
  value: 64
  unit: {q(h())}
  period: "2015"
  kind: actual
  note: {q(h())}
  cites: [quote-a]
- id: figure-b
  metric: metric-a
  label: Same metric  # a metric's tables use its first figure's label
  value: 69
  unit: {q(h())}
  period: "2015"
  kind: actual
  cites: [quote-b]
""",
        "positions.yaml": f"""- id: position-a
  issue: {q(h())}
  summary: {q(h())}
  topics: [visions]
  stances:
    - actor: china
      stance: {q(h())}
      cites: [quote-a]
    - actor: russia
      stance: {q(h())}
      cites: [quote-b]
  outcome: {q(h())}
  outcome_cites: [quote-a]
""",
        "glossary.yaml": f"""- id: term-a
  term: {q(h())}
  expansion: {q(h())}
  definition: {q(h())}
  native:
    text: {q(h())}
    transliteration: {q(h())}
    language: zh
- id: term-b
  term: SCO
  expansion: {q(h())}
  definition: {q(h())}
  see: [term-a]
""",
    }
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    for name, text in files.items():
        (data / name).write_text(text, encoding="utf-8")
    return next(counter)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    project = tmp_path_factory.mktemp("hostile") / "project"
    project.mkdir()
    for name in ("macros", "overrides"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    (project / "docs").mkdir()
    shutil.copytree(ROOT / "docs" / "assets", project / "docs" / "assets")
    (project / "docs" / "index.md").write_text(PAGE, encoding="utf-8")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"\nnav:\n(?:  .*\n)+", "\n", config)
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    fields = hostile_data(project / "data")
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    print(f"\ninjection corpus: {len(HOSTILE)} hostile strings in {fields} text fields of 9 record kinds, "
          f"through {PAGE.count('{{')} macro calls")
    yield project / "site"


def collapse(text: str) -> str:
    return " ".join(text.split())


def test_hostile_text_is_shown_literally_in_html(hostile_site: Path) -> None:
    """Every hostile string appears as text; no script, handler, javascript: URL or injected element exists."""
    html = (hostile_site / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    article = soup.find("article")
    text = collapse(article.get_text(""))
    for string in HOSTILE:
        if string.startswith("*[SCO]"):
            continue  # shown in a glossary entry and as an abbreviation's title, never as a definition
        assert collapse(string) in text, string
    assert [s for s in article.find_all("script") if s.get("type") != "application/ld+json"] == []
    assert not [s for s in soup.find_all("script") if "__pwned" in (s.string or "") and s.get("type") != "application/ld+json"]
    ld = soup.find_all("script", type="application/ld+json")
    assert len(ld) == 1 and "</script" not in ld[0].string.lower() and json.loads(ld[0].string)
    for el in article.find_all(True):
        assert not [a for a in el.attrs if a.lower().startswith("on")], el
        for attr in ("href", "src", "xlink:href"):
            assert not str(el.get(attr, "")).strip().lower().startswith("javascript:"), el
    assert all(svg.find_parent("figure", class_="sco-chart") for svg in article.find_all("svg"))
    assert article.find("iframe") is None and article.find("style") is None and article.find("img") is None
    assert "49" not in text and "root:x:" not in html


def test_hostile_text_runs_nothing_in_chromium(hostile_site: Path) -> None:
    """In the browser: no dialog, no script from data runs, no request leaves, the strings read as text."""
    pytest.importorskip("playwright")
    from playwright.sync_api import sync_playwright

    from test_browser import ARGS, CHROMIUM

    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is installed by `make test`")
    dialogs: list[str] = []
    external: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context()
        context.route(lambda url: not url.startswith("file:"), lambda route: (external.append(route.request.url),
                                                                             route.abort()))
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto((hostile_site / "index.html").as_uri(), wait_until="networkidle")
        for marker in page.locator("article a.sco-cite").all()[:5]:
            marker.hover()
            marker.focus()
        page.mouse.move(5, 5)
        page.wait_for_timeout(300)
        pwned = page.evaluate("window.__pwned")
        shown = collapse(page.locator("article").inner_text())
        browser.close()
    assert dialogs == [] and pwned is None and external == []
    for string in HOSTILE:
        if not string.startswith("*[SCO]") and "\u202e" not in string:
            assert collapse(string) in shown, string
