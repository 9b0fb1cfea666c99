"""What changed, from git: the history of data/, record by record.

Each test makes its own git repository, with commits whose dates and messages it sets, and
checks that exactly those changes are reported, with their messages, and nothing else.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

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


def test_split_items_fall_back_to_the_whole_file() -> None:
    """A file is split into its top-level items only when nothing else sits at column 0."""
    assert history._split(b"# c\n---\n- id: a\n  x: 1\n# note\n- id: b\n") == [b"- id: a\n  x: 1\n# note\n", b"- id: b\n"]
    assert history._split(b"[{id: a}]\n") is None
    assert history._split(b"- id: a\n---\n- id: b\n") is None
    assert history._split(b"- id: a\n  claim: \"x\ny\"\n") is None
