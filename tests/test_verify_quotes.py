"""Quote verification: whitespace and `[text](#)` residue are forgiven, nothing else is."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT, run
from macros.factbase import load
from macros.verify import closest_passage, normalise, verify

SNAPSHOT = textwrap.dedent("""\
    Page furniture line.

    Chinese officials [refer](#) to the SCO’s “Shanghai Spirit” and its
    mutual   trust. Russia – unlike China – wants a military dimension.
    """)


def make(tmp_path: Path, text: str) -> tuple[Path, Path]:
    data = tmp_path / "data"
    data.mkdir()
    (data / "sources.yaml").write_text(
        "- id: src-a\n  title: T\n  authors: [A]\n  outlet: O\n  kind: article\n  published: '2014'\n  licence: L\n",
        encoding="utf-8")
    (data / "quotes.yaml").write_text(f"- id: q-a\n  source: src-a\n  text: >-\n    {text}\n", encoding="utf-8")
    snaps = tmp_path / "snaps"
    snaps.mkdir()
    (snaps / "src-a.txt").write_text(SNAPSHOT, encoding="utf-8")
    return data, snaps


@pytest.mark.parametrize("text,ok", [
    ("Chinese officials refer to the SCO’s “Shanghai Spirit” and its mutual trust.", True),
    ("Russia – unlike China – wants a military dimension.", True),
    ("Chinese officials [refer](#) to the SCO’s", False),            # residue in the quote itself is not accepted
    ("Chinese officials refer to the SCO's “Shanghai Spirit”", False),  # straight apostrophe for a curly one
    ("Russia - unlike China - wants a military dimension.", False),   # hyphens for en dashes
    ("Russia – unlike China – wants a military dimensions.", False),  # one character added
    ("Page furniture line. Chinese officials refer", True),           # blank lines are whitespace
])
def test_only_whitespace_and_link_residue_may_differ(tmp_path: Path, text: str, ok: bool) -> None:
    """A quote passes only if it matches the snapshot up to whitespace and link residue."""
    data, snaps = make(tmp_path, text)
    problems, checked = verify(load(data, tmp_path), snaps)
    assert checked == 1
    assert (problems == []) is ok, problems


def test_a_miss_prints_the_closest_passage(tmp_path: Path) -> None:
    """The error names the quote's file:line and shows the passage it nearly matches."""
    data, snaps = make(tmp_path, "Russia – unlike China – wants a militarry dimension.")
    problems, _ = verify(load(data, tmp_path), snaps)
    assert len(problems) == 1
    message = str(problems[0])
    assert message.startswith("data/quotes.yaml:1: quote q-a: text: not found verbatim in src-a.txt")
    assert "“Russia – unlike China – wants a military dimension.”" in message


def test_normalise_collapses_whitespace_and_residue() -> None:
    """normalise() is exactly: residue to text, then whitespace runs to one space."""
    assert normalise("a  [b](#)\n\n c") == "a b c"
    assert normalise("[x](http://e.org)") == "[x](http://e.org)"


def test_closest_passage_finds_the_window() -> None:
    """The closest window is the one with the typo, and the ratio says how alike it is."""
    passage, ratio = closest_passage("the quick brown fax", "a b c the quick brown fox d e f")
    assert passage == "the quick brown fox" and 0.9 < ratio < 1


@pytest.mark.skipif(not (ROOT.parent / "shared" / "sources").is_dir(), reason="source snapshots not beside the project")
def test_real_quotes_verify_and_one_changed_character_fails(tmp_path: Path) -> None:
    """All real quotes are verbatim; changing one character of one makes verify-quotes fail with the passage."""
    snaps = ROOT.parent / "shared" / "sources"
    ok = run([sys.executable, "-m", "macros", "verify-quotes", str(snaps)], cwd=ROOT)
    assert ok.returncode == 0, ok.stdout
    fb = load(ROOT / "data", ROOT)
    assert f"{len(fb.quotes)} of {len(fb.quotes)} quotes found verbatim" in ok.stdout
    data = tmp_path / "data"
    import shutil
    shutil.copytree(ROOT / "data", data)
    path = data / "quotes" / "weitz-2014.yaml"
    text = path.read_text(encoding="utf-8")
    changed = text.replace("remain chronically underfunded", "remain chronically underfunbed", 1)
    assert changed != text
    path.write_text(changed, encoding="utf-8")
    bad = run([sys.executable, "-m", "macros", "--root", str(tmp_path), "verify-quotes", str(snaps), "--data", str(data)],
              cwd=ROOT)
    assert bad.returncode == 1
    assert "underfunded" in bad.stdout and "not found verbatim in weitz-2014.txt" in bad.stdout
