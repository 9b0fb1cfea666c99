"""A fork publishes under its own address: site_url, the repository and its branch come from the environment."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import copy_project, mkdocs_build

FORK_SITE = "https://someone.github.io/sco-fork/"
FORK_REPO = "https://github.com/someone/sco-fork"


def test_site_url_repository_and_branch_come_from_the_environment(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Built with SCO_SITE_URL, SCO_REPOSITORY and SCO_EDIT_BRANCH set (as the deploy workflow sets them), the
    canonical links, the sitemap, the JSON-LD ids and the edit links all point at the fork."""
    monkeypatch.setenv("SCO_SITE_URL", FORK_SITE)
    monkeypatch.setenv("SCO_REPOSITORY", FORK_REPO)
    monkeypatch.setenv("SCO_EDIT_BRANCH", "trunk")
    project = copy_project(tmp_path / "project")
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    soup = BeautifulSoup((site / "economy" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.find("link", rel="canonical")["href"] == FORK_SITE + "economy/"
    edits = [a["href"] for a in soup.select("a.sco-edit")]
    assert edits and all(href.startswith(FORK_REPO + "/edit/trunk/data/") for href in edits)
    locs = re.findall(r"<loc>([^<]+)</loc>", (site / "sitemap.xml").read_text(encoding="utf-8"))
    assert locs and all(loc.startswith(FORK_SITE) for loc in locs)
    ld = json.loads(soup.find("script", type="application/ld+json").string)
    assert FORK_SITE in json.dumps(ld) and "example.org" not in json.dumps(ld)
    assert "example.org" not in (site / "economy" / "index.html").read_text(encoding="utf-8")
