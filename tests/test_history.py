"""What changed, from git: the history of data/, the Changes page, the Atom feed, and each fact's last change.

Each test makes its own git repository, with commits whose dates and messages it sets, and
checks that exactly those changes are reported, with their messages, and nothing else.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import copy_project, mkdocs_build
from macros import changelog as history

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


class Repo:
    """A throwaway git repository whose commits get the dates and messages the test gives."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.day = 0
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        date = f"2026-01-{max(self.day, 1):02d}T12:00:00+00:00"
        env = {**os.environ, "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
               "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.org",
               "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_CONFIG_GLOBAL": os.devnull,
               "GIT_CONFIG_NOSYSTEM": "1"}
        out = subprocess.run(["git", *args], cwd=self.root, env=env, capture_output=True, text=True, check=True)
        return out.stdout.strip()

    def write(self, path: str, text: str) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def commit(self, message: str) -> str:
        self.day += 1
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")


def fact(fact_id: str, claim: str, cites: str = "q1") -> str:
    return f"- id: {fact_id}\n  claim: {claim}\n  topics: [overview]\n  cites: [{cites}]\n"


def summary(h: history.History) -> list[tuple[str, str, list[tuple[str, str, str]]]]:
    return [(c.subject, c.date, [(ch.kind, ch.id, ch.action) for ch in c.changes]) for c in h.commits]


# -- the history itself ---------------------------------------------------------------------------------
def test_history_lists_exactly_the_records_each_commit_changed(tmp_path: Path) -> None:
    """Added, changed and removed records per commit, newest first; rewraps, comments, moves and other files
    change no record and are not listed; merges are not listed twice."""
    repo = Repo(tmp_path / "repo")
    repo.write("data/facts/a.yaml", "# facts\n" + fact("one", "First claim.") + fact("two", "Second claim."))
    repo.write("data/quotes/q.yaml", "- id: q1\n  source: s\n  text: A quote.\n")
    repo.commit("Start the fact base")
    repo.write("data/facts/a.yaml", "# facts\n" + fact("one", "First claim, corrected.")
               + "- id: two\n  claim: >-\n    Second\n    claim.\n  topics: [overview]\n  cites: [q1]\n# a comment\n")
    repo.commit("Correct the first claim\n\nThe source says so on page 2.\n\nSecond paragraph.")
    repo.write("docs/x.md", "not data")
    repo.commit("A page only")
    repo.write("data/facts/a.yaml", fact("one", "First claim, corrected."))
    repo.write("data/facts/b.yaml", fact("two", "Second claim.") + fact("three", "Third."))
    repo.commit("Move the second fact to its own file and add a third")
    repo.git("checkout", "-q", "-b", "side")
    repo.write("data/facts/c.yaml", fact("four", "Fourth."))
    repo.commit("Add a fourth fact on a branch")
    repo.git("checkout", "-q", "main")
    repo.write("data/quotes/q.yaml", "- id: q1\n  source: s\n  text: A quote.\n- id: q2\n  source: s\n  text: Two.\n")
    repo.commit("Add a second quote")
    repo.day += 1
    repo.git("merge", "-q", "--no-ff", "side", "-m", "Merge the branch")
    repo.write("data/facts/b.yaml", fact("two", "Second claim."))
    repo.commit("Remove the third fact")

    h = history.read(repo.root)
    assert h.available and h.head == repo.git("rev-parse", "HEAD")
    assert summary(h) == [
        ("Remove the third fact", "2026-01-08", [("facts", "three", "removed")]),
        ("Add a second quote", "2026-01-06", [("quotes", "q2", "added")]),
        ("Add a fourth fact on a branch", "2026-01-05", [("facts", "four", "added")]),
        ("Move the second fact to its own file and add a third", "2026-01-04", [("facts", "three", "added")]),
        ("Correct the first claim", "2026-01-02", [("facts", "one", "changed")]),
        ("Start the fact base", "2026-01-01", [("quotes", "q1", "added"), ("facts", "one", "added"),
                                               ("facts", "two", "added")]),
    ]
    assert h.commits[-2].body == "The source says so on page 2.\n\nSecond paragraph."
    assert h.changed_on("facts", "one") == "2026-01-02" and h.changed_on("facts", "two") == "2026-01-01"
    assert h.changed_on("facts", "three") is None  # removed: it has no last change to show
    assert history.title(h.commits[-1].changes[1]) == "First claim."  # as that commit wrote it
    assert history.title(h.commits[0].changes[0]) == "Third."  # a removed record: as it was


def test_a_version_that_cannot_be_read_is_skipped_not_fatal(tmp_path: Path) -> None:
    """A broken file in the history (bad YAML, deep nesting, not UTF-8) hides that file's changes in the commits that
    touch it, and nothing else: the other files of those commits are still compared."""
    repo = Repo(tmp_path / "repo")
    repo.write("data/facts/a.yaml", fact("one", "First."))
    repo.write("data/events/e.yaml", "[]\n")
    repo.commit("Start")
    repo.write("data/facts/a.yaml", "- id: one\n  claim: [unclosed\n")
    repo.write("data/events/e.yaml", "- id: ev\n  date: 2001\n  title: An event\n")
    repo.commit("Break a file, add an event")
    repo.write("data/facts/a.yaml", "[" * 100_000 + "\n")
    repo.commit("Nest too deep")
    (repo.root / "data/facts/a.yaml").write_bytes(b"- id: one\n  claim: \xff\xfe\n")
    repo.commit("Not UTF-8")
    repo.write("data/facts/a.yaml", fact("one", "First, fixed."))
    repo.commit("Fix the file")
    h = history.read(repo.root)
    assert summary(h) == [("Break a file, add an event", "2026-01-02", [("events", "ev", "added")]),
                          ("Start", "2026-01-01", [("facts", "one", "added")])]


def test_commit_messages_are_kept_as_text(tmp_path: Path) -> None:
    """Control characters in a message are replaced; everything else, markup included, is kept for escaping later."""
    repo = Repo(tmp_path / "repo")
    repo.write("data/facts/a.yaml", fact("one", "First."))
    repo.commit("Add <b>one</b> {{ 7*7 }}\x1b[31m\n\nWhy: \x07bell & ]]> -->")
    (commit,) = history.read(repo.root).commits
    assert commit.subject == "Add <b>one</b> {{ 7*7 }}\ufffd[31m" and commit.body == "Why: \ufffdbell & ]]> -->"


@pytest.mark.parametrize("setup,reason", [
    ("none", "not a git checkout"),
    ("shallow", "shallow clone"),
], ids=["no-git", "shallow-clone"])
def test_no_history_is_reported_not_fatal(tmp_path: Path, setup: str, reason: str) -> None:
    """Outside a git checkout, or in a shallow clone, the history is unavailable with its reason."""
    if setup == "none":
        (tmp_path / "data").mkdir()
        h = history.read(tmp_path)
    else:
        repo = Repo(tmp_path / "repo")
        for n in range(3):
            repo.write("data/facts/a.yaml", fact("one", f"Version {n}."))
            repo.commit(f"Version {n}")
        subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(tmp_path / "clone")],
                       check=True, capture_output=True)
        h = history.read(tmp_path / "clone")
        assert h.head == repo.git("rev-parse", "HEAD") and h.head_time == "2026-01-03T12:00:00Z"
    assert not h.available and reason in h.reason and h.commits == ()


FLOW = "[{{id: one, claim: {a}, topics: [overview], cites: [q1]}}, {{id: two, claim: {b}, topics: [overview], cites: [q1]}}]\n"
CACHE_CASES = [
    # (what, first version, second version, files cached, versions parsed by a later build)
    ("list items: parsed each build, never cached", fact("one", "First claim.") + fact("two", "Second claim."),
     fact("one", "First claim, corrected.") + fact("two", "Second, corrected."), 0, 4),
    ("a file that does not split: parsed whole once, then read back", FLOW.format(a="First claim.", b="Second claim."),
     FLOW.format(a="First claim, corrected.", b="Second, corrected."), 2, 0),
]


@pytest.mark.parametrize("what, first, second, cached, later", CACHE_CASES, ids=[c[0] for c in CACHE_CASES])
def test_which_old_versions_go_through_the_parse_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, what: str,
                                                       first: str, second: str, cached: int, later: int) -> None:
    """Whole file versions are read back from the parse cache; the many small list items are parsed, not cached."""
    from macros import loader
    from macros.cache import ParseCache

    repo = Repo(tmp_path / "repo")
    repo.write("data/facts/a.yaml", first)
    repo.commit("Start")
    repo.write("data/facts/a.yaml", second)
    repo.commit("Correct both")
    parsed: list[bytes] = []
    real = loader.parse_bytes
    monkeypatch.setattr(loader, "parse_bytes", lambda raw, *rest: parsed.append(raw) or real(raw, *rest))
    uncached = summary(history.read(repo.root))
    assert len(parsed) >= 2, "the changed versions are parsed"
    cache = ParseCache(tmp_path / "cache")
    for build, parses in (("first", len(parsed)), ("later", later)):
        history._MEMO.clear()
        parsed.clear()
        assert summary(history.read(repo.root, cache=cache)) == uncached == [
            ("Correct both", "2026-01-02", [("facts", "one", "changed"), ("facts", "two", "changed")]),
            ("Start", "2026-01-01", [("facts", "one", "added"), ("facts", "two", "added")])]
        assert len(parsed) == parses, f"{build} build parsed {len(parsed)} versions"
        entries = list((tmp_path / "cache").rglob("*.json"))
        assert len(entries) == cached, f"{build} build left {len(entries)} cache entries"


def test_split_items_fall_back_to_the_whole_file() -> None:
    """A file is split into its top-level items only when nothing else sits at column 0."""
    assert history._split(b"# c\n---\n- id: a\n  x: 1\n# note\n- id: b\n") == [b"- id: a\n  x: 1\n# note\n", b"- id: b\n"]
    assert history._split(b"[{id: a}]\n") is None
    assert history._split(b"- id: a\n---\n- id: b\n") is None
    assert history._split(b"- id: a\n  claim: \"x\ny\"\n") is None


# -- the site: Changes page, feed, exports, fact markup -------------------------------------------------------
EXTRA_FACTS = """# yaml-language-server: $schema=../../schema/facts.schema.json
- id: history-test-a
  claim: {a}
  topics: [overview]
  cites: [ecfr-julienne-founded-2001]
- id: history-test-b
  claim: {b}
  topics: [overview]
  cites: [ecfr-julienne-founded-2001]
"""
EXTRA_EVENTS = """# yaml-language-server: $schema=../../schema/events.schema.json
- id: history-test-summit
  date: "2025-09"
  title: A summit added by the history test
  kind: summit
  topics: [overview]
  cites: [ecfr-julienne-founded-2001]
"""
HOSTILE_WHY = 'Why: <script>alert(1)</script> {{ 7*7 }} & ]]> --> <!--sco-record:facts/x-->'


@pytest.fixture(scope="module")
def history_site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The real project in a repository of its own with three data commits after the first, built twice."""
    base = tmp_path_factory.mktemp("history")
    repo = Repo(base / "project")
    copy_project(repo.root)
    repo.write(".gitignore", ".cache/\nsite*/\n")
    shas = [repo.commit("Start from the real data")]
    repo.write("data/facts/history-test.yaml", EXTRA_FACTS.format(a="The first test claim.", b="The second test claim."))
    repo.write("data/events/history-test.yaml", EXTRA_EVENTS)
    shas.append(repo.commit("Add two facts and a summit\n\nThe ECFR chapter reports both."))
    repo.write("data/facts/history-test.yaml",
               EXTRA_FACTS.format(a="The first test claim, corrected.", b=">-\n    The second\n    test claim."))
    shas.append(repo.commit(f"Correct the first claim\n\n{HOSTILE_WHY}"))
    repo.write("docs/about.md", (repo.root / "docs/about.md").read_text(encoding="utf-8") + "\nOne more line.\n")
    repo.commit("Reword the About page")
    repo.write("data/facts/history-test.yaml", EXTRA_FACTS.format(a="The first test claim, corrected.",
                                                                  b="x").split("- id: history-test-b")[0])
    repo.write("data/events/history-test.yaml", "[]\n")
    shas.append(repo.commit("Remove the second fact and the summit"))
    env_before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1767268800"
    try:
        sites = []
        for n in (1, 2):
            site = base / f"site{n}"
            result = mkdocs_build(repo.root, site)
            assert result.returncode == 0, result.stderr
            sites.append(site)
    finally:
        if env_before is None:
            os.environ.pop("SOURCE_DATE_EPOCH")
        else:
            os.environ["SOURCE_DATE_EPOCH"] = env_before
    return {"repo": repo, "shas": shas, "site": sites[0], "again": sites[1]}


def _sections(site: Path) -> list[dict[str, object]]:
    soup = BeautifulSoup((site / "changes" / "index.html").read_text(encoding="utf-8"), "html.parser")
    out = []
    for section in soup.select("section.sco-change"):
        groups = {}
        for group in section.select("details.sco-change-group"):
            groups[group.summary.get_text(strip=True)] = [li.code.get_text() if li.code else li.get_text()
                                                         for li in group.select("li")]
        out.append({"id": section["id"], "title": section.h2.get_text(), "groups": groups,
                    "why": [p.get_text() for p in section.select("p.sco-change-why")],
                    "time": section.time["datetime"], "diff": section.select_one("p.sco-change-meta a")["href"],
                    "links": {li.code.get_text(): li.a["href"] for li in section.select("li") if li.a and li.code}})
    return out


def test_changes_page_lists_exactly_the_commits_changes_and_reasons(history_site: dict) -> None:
    """Newest first, one section per data commit (the page-only commit is absent), with the message as the why,
    the records added, changed and removed, a link to the diff, and links to where the site shows each record."""
    shas = history_site["shas"]
    sections = _sections(history_site["site"])
    assert [s["title"] for s in sections] == ["Remove the second fact and the summit", "Correct the first claim",
                                              "Add two facts and a summit", "Start from the real data"]
    assert [s["id"] for s in sections] == [f"change-{sha[:12]}" for sha in reversed(shas)]
    assert [s["diff"] for s in sections] == [f"https://github.com/sco-explainer/sco-explainer/commit/{sha}"
                                             for sha in reversed(shas)]
    assert sections[0]["groups"] == {"1 fact removed": ["history-test-b"], "1 event removed": ["history-test-summit"]}
    assert sections[1]["groups"] == {"1 fact changed": ["history-test-a"]}  # b was only rewrapped
    assert sections[1]["why"] == [HOSTILE_WHY] and sections[1]["time"] == "2026-01-03T12:00:00Z"
    assert sections[2]["groups"] == {"2 facts added": ["history-test-a", "history-test-b"],
                                     "1 event added": ["history-test-summit"]}
    assert sections[2]["why"] == ["The ECFR chapter reports both."]
    added = next(ids for heading, ids in sections[3]["groups"].items() if heading.endswith("facts added"))
    total = int(next(h for h in sections[3]["groups"] if h.endswith("facts added")).split()[0])
    assert total > 50 and len(added) == 51  # 50 listed, then how many more the diff holds
    assert added[-1] == f"and {total - 50} more, listed in the change"
    assert sections[0]["links"] == {}  # removed records are not linked
    href = sections[1]["links"]["history-test-a"]
    page, anchor = href.split("#")
    target = BeautifulSoup((history_site["site"] / "changes" / page / "index.html").resolve().read_text(
        encoding="utf-8"), "html.parser")
    assert anchor == "fact-history-test-a" and target.find(id=anchor)
    html = (history_site["site"] / "changes" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "<!--sco-record:" not in html  # the message is text; every placeholder filled


def test_feed_lists_the_same_changes_and_validates(history_site: dict) -> None:
    """feed.xml is an Atom feed feedparser reads without complaint, one entry per data commit, newest first."""
    import feedparser

    shas = history_site["shas"]
    parsed = feedparser.parse((history_site["site"] / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10" and parsed.feed.updated == "2026-01-05T12:00:00Z"
    assert [e.title for e in parsed.entries] == [s["title"] for s in _sections(history_site["site"])]
    assert [e.id for e in parsed.entries] == [f"https://github.com/sco-explainer/sco-explainer/commit/{sha}"
                                              for sha in reversed(shas)]
    second = parsed.entries[1]
    assert second.summary == "1 fact changed" and second.updated == "2026-01-03T12:00:00Z"
    content = BeautifulSoup(second.content[0].value, "html.parser")
    assert content.p.get_text() == HOSTILE_WHY
    link = content.find("a", string=lambda s: s and s.startswith("The first test claim, corrected"))
    assert link["href"].startswith("https://example.org/sco-explainer/") and link["href"].endswith("#fact-history-test-a")
    assert {(lnk.rel, lnk.href) for lnk in second.links} == {
        ("alternate", f"https://example.org/sco-explainer/changes/#change-{shas[2][:12]}"),
        ("related", f"https://github.com/sco-explainer/sco-explainer/commit/{shas[2]}")}


def test_each_fact_says_when_it_last_changed(history_site: dict) -> None:
    """A fact's HTML, its CSV row and the JSON export carry the date of the last commit that added or changed it."""
    import csv
    import io

    site = history_site["site"]
    page = BeautifulSoup((site / "sources" / "ecfr-2016" / "index.html").read_text(encoding="utf-8"), "html.parser")
    changed = page.find(id="fact-history-test-a").select_one("time.sco-changed")
    assert changed["datetime"] == "2026-01-03" and changed.get_text() == "changed 3 Jan 2026"
    others = {f["id"]: f.select_one("time.sco-changed")["datetime"] for f in page.select(".sco-fact[id]")
              if f["id"] != "fact-history-test-a"}
    assert len(others) > 20 and set(others.values()) == {"2026-01-01"}  # added in the first commit, never changed
    rows = {r["id"]: r["last_changed"] for r in csv.DictReader(io.StringIO((site / "data" / "facts.csv").read_text(
        encoding="utf-8")))}
    assert rows["history-test-a"] == "2026-01-03" and set(rows.values()) == {"2026-01-01", "2026-01-03"}
    payload = json.loads((site / "data" / "sco-explainer.json").read_text(encoding="utf-8"))
    assert payload["last_changed"]["facts"]["history-test-a"] == "2026-01-03"


def test_two_builds_of_one_commit_are_byte_identical(history_site: dict) -> None:
    """Every file of the site (Changes page, feed, exports included) is the same in two builds of one commit."""
    first, second = history_site["site"], history_site["again"]
    names = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(second).as_posix() for p in second.rglob("*") if p.is_file())
    differ = [n for n in names if (first / n).read_bytes() != (second / n).read_bytes()]
    assert differ == []
    assert "changes/index.html" in names and "feed.xml" in names and "data/datapackage.json" in names


def test_a_shallow_clone_builds_and_says_history_unavailable(history_site: dict, tmp_path: Path) -> None:
    """Built from a shallow clone, the site says "history unavailable", the feed has no entry, and no date is made up."""
    import feedparser

    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{history_site['repo'].root}", str(clone)],
                   check=True, capture_output=True)
    result = mkdocs_build(clone, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    soup = BeautifulSoup((site / "changes" / "index.html").read_text(encoding="utf-8"), "html.parser")
    note = soup.select_one(".sco-history-unavailable")
    assert note and "History unavailable" in note.get_text() and "shallow clone" in note.get_text()
    assert not soup.select("section.sco-change")
    parsed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not parsed.bozo and parsed.entries == [] and "unavailable" in parsed.feed.subtitle
    assert "sco-changed" not in (site / "sources" / "ecfr-2016" / "index.html").read_text(encoding="utf-8")
    payload = json.loads((site / "data" / "sco-explainer.json").read_text(encoding="utf-8"))
    assert payload["commit"] == history_site["repo"].git("rev-parse", "HEAD")
    assert "shallow" in payload["history_unavailable"] and not any(payload["last_changed"].values())


@pytest.mark.parametrize(("html", "anchors"), [
    ('<p id="fact-a">', {"fact-a"}),
    ('id="q-a-b" at the start', {"q-a-b"}),
    ('<p data-id="fact-b">', {"fact-b"}),
    ('<p xid="fact-c">', set()),
    ('<p _id="fact-d">', set()),
    ('<p éid="fact-e">', set()),
    ('<p id="figure-f">', set()),
    ('<p id="fact-G">', set()),
    ('<p id="fig-h"><p id="fig-h"> <li id="term-i">', {"fig-h", "term-i"}),
], ids=["attribute", "start", "after a hyphen", "after a letter", "after an underscore", "after a non-ASCII letter",
        "unknown prefix", "upper case", "several"])
def test_record_pages_finds_each_anchor_id(html: str, anchors: set[str]) -> None:
    """record_pages maps each record anchor an id attribute holds to the first page holding it, and nothing else."""
    from macros.changes import record_pages

    assert record_pages([("a/", html), ("b/", html + '<p id="q-z">')]) == {**{a: "a/" for a in anchors}, "q-z": "b/"}
