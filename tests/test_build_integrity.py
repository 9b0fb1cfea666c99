"""Builds are atomic and reproducible, and every internal link in the built site resolves."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
from bs4 import BeautifulSoup, Tag

from conftest import PY, ROOT, copy_project, files_of, parsed_html, run


@functools.lru_cache(maxsize=None)
def first_ids(file: Path) -> dict[str, Tag]:
    """Each id's first element in a parsed page, as `find(id=...)` finds it: one walk of the page for all look-ups."""
    ids: dict[str, Tag] = {}
    for el in parsed_html(file).find_all(id=True):
        ids.setdefault(el["id"], el)
    return ids


def tree_hash(root: Path) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in files_of(root).items()}


def sitebuild(project: Path, mode: str, out: str, fresh: bool = False):  # type: ignore[no-untyped-def]
    return run([PY, "-m", "macros.sitebuild", mode, out], cwd=project, fresh=fresh)


def test_every_internal_link_and_anchor_resolves(site: Path) -> None:
    """Every internal href in every page points at an existing file, and every #anchor at an existing id."""
    ids: dict[Path, set[str]] = {}
    pages = sorted(site.rglob("*.html"))
    for file in pages:
        ids[file] = {el["id"] for el in parsed_html(file).find_all(id=True)}
    broken = []
    checked = 0
    for file in pages:
        if file.name == "404.html":
            continue  # served at any path, so its links are absolute under site_url; checked below
        soup = parsed_html(file)
        base = "http://site.test/" + file.relative_to(site).as_posix()
        for a in soup.find_all("a", href=True):
            href = a["href"]
            url = urlparse(urljoin(base, href))
            if url.netloc != "site.test":
                continue
            target = site / unquote(url.path).lstrip("/")
            if target.is_dir() or url.path.endswith("/"):
                target = target / "index.html"
            checked += 1
            if not target.is_file():
                broken.append(f"{file.relative_to(site)}: {href} (no file)")
            elif url.fragment and target.suffix == ".html" and unquote(url.fragment) not in ids.get(target, set()):
                broken.append(f"{file.relative_to(site)}: {href} (no anchor)")
    prefix = "/sco-explainer/"
    for a in BeautifulSoup((site / "404.html").read_text(encoding="utf-8"), "html.parser").find_all("a", href=True):
        path = urlparse(a["href"]).path
        if path.startswith(prefix):
            target = site / path[len(prefix):]
            if not (target / "index.html").is_file() and not target.is_file():
                broken.append(f"404.html: {a['href']}")
    assert broken == [], "\n".join(broken[:20])
    assert checked > 1000
    print(f"\n{checked} internal links checked in {len(pages)} pages")


@pytest.mark.parametrize("kind,selector,prefix", [
    ("citation", "section.sco-sources a[href*='#q-']", "q-"),
    ("backlink", ".sco-cited-on a[href*='#fact-']", "fact-"),
])
def test_citations_and_backlinks_point_at_quotes_and_facts(site: Path, kind: str, selector: str, prefix: str) -> None:
    """Citations land on quote anchors and backlinks on fact anchors, listed or in a page's prose (not merely on some id)."""
    found = 0
    for file in sorted(site.rglob("*.html")):
        soup = parsed_html(file)
        for a in soup.select(selector):
            found += 1
            fragment = a["href"].split("#", 1)[1]
            assert fragment.startswith(prefix)
            target_file = (file.parent / a["href"].split("#")[0]).resolve()
            target_file = target_file / "index.html" if target_file.is_dir() else target_file
            element = first_ids(target_file).get(fragment)
            wanted = "sco-source-quote" if kind == "citation" else "sco-fact"
            in_prose = kind == "backlink" and element is not None and "sco-fact-ref" in element.parent.get("class", [])
            assert element is not None and (wanted in element.get("class", []) or in_prose), a["href"]
    assert found > 50


def test_failed_build_leaves_previous_site_untouched(tmp_path: Path) -> None:
    """A build that fails on bad data leaves site/ byte for byte as it was, and no temporary folder behind."""
    project = copy_project(tmp_path / "p")
    assert sitebuild(project, "online", "site").returncode == 0
    before = tree_hash(project / "site")
    (project / "data/facts/zz.yaml").write_text("- id: zz\n  claim: x\n  topics: [overview]\n  cites: [nope]\n",
                                                 encoding="utf-8")
    failed = sitebuild(project, "online", "site")
    assert failed.returncode == 1
    assert "data/facts/zz.yaml:4: fact zz: cites[0]: unknown quote id 'nope'" in failed.stderr + failed.stdout
    assert "site was left unchanged" in failed.stderr
    assert tree_hash(project / "site") == before
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site")) == []


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    """Two builds of the same tree give identical files, sitemap, search index and offline zip included."""
    project = copy_project(tmp_path / "p")
    hashes = []
    for name in ("a", "b"):
        (project / f"out-{name}").mkdir()
        # each in a process of its own: a hash seed of its own, so set or dict order cannot pass unnoticed
        assert sitebuild(project, "offline", f"out-{name}/site-offline", fresh=True).returncode == 0
        hashes.append((tree_hash(project / f"out-{name}" / "site-offline"),
                       hashlib.sha256((project / f"out-{name}" / "sco-explainer-offline.zip").read_bytes()).hexdigest()))
    assert hashes[0][0] == hashes[1][0]
    assert hashes[0][1] == hashes[1][1]
