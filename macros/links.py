"""URLs between pages, for both directory URLs (served site) and .html files (offline)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from functools import lru_cache


def source_page_src(source_id: str) -> str:
    """The docs path of a source's page, where its quotes are shown in context."""
    return f"sources/{source_id}.md"


@dataclass(frozen=True)
class SiteLinks:
    """Turns a docs path (`sources/weitz-2014.md`) into a URL relative to the current page."""

    use_directory_urls: bool = True
    repo_url: str | None = None
    edit_branch: str = "main"

    def url_of(self, src_uri: str) -> str:
        stem = src_uri[:-3] if src_uri.endswith(".md") else src_uri
        if not self.use_directory_urls:
            return stem + ".html"
        if stem == "index":
            return ""
        if stem.endswith("/index"):
            return stem[: -len("index")]
        return stem + "/"

    def relative(self, target_url: str, from_url: str) -> str:
        """Relative link from the page at `from_url` to `target_url` (both site-root relative)."""
        return _relative(target_url, from_url)

    def link(self, src_uri: str, from_url: str, anchor: str = "") -> str:
        """Link from the current page to a docs page, optionally at an anchor."""
        target = self.url_of(src_uri)
        if target == from_url:
            rel = ""
        else:
            rel = self.relative(target, from_url)
        return f"{rel}#{anchor}" if anchor else (rel or "./")

    def edit_url(self, path: str, line: int) -> str | None:
        """Where a data file's line can be edited on the repository host."""
        if not self.repo_url:
            return None
        return f"{self.repo_url.rstrip('/')}/edit/{self.edit_branch}/{path}#L{line}"


@lru_cache(maxsize=65536)
def _relative(target_url: str, from_url: str) -> str:
    """Memoised: pages link to the same few pages thousands of times (each citation names its source page)."""
    base = from_url if from_url.endswith("/") or from_url == "" else posixpath.dirname(from_url) + "/"
    target_dir, _, target_file = target_url.rpartition("/")
    rel_dir = posixpath.relpath("/" + target_dir, "/" + base.rstrip("/")) if target_dir or base else "."
    rel = target_file if rel_dir == "." else f"{rel_dir}/{target_file}"
    if target_url.endswith("/") and not rel.endswith("/"):
        rel += "/"
    if rel == "" or rel == "/":
        rel = "./"
    return rel
