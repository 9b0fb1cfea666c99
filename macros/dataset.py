"""The dataset as a whole: its name, version, date, licences, downloads and how to cite it.

One description, read from the site's config and the commit being built, that the Data
Package (`datapackage.json`), the schema.org `Dataset` node, the Data page's downloads and
citation block, and the Atom feed all use, so that they cannot disagree.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .changelog import History
from .links import SiteLinks
from .schema import SCHEMA_VERSION

EXPORT_DIR = "data"
JSON_NAME = "sco-explainer.json"
JSONLD_NAME = "sco-explainer.jsonld"
PACKAGE_NAME = "datapackage.json"
CSV_ZIP_NAME = "sco-explainer-csv.zip"
OFFLINE_ZIP_NAME = "sco-explainer-offline.zip"  # what `make offline` writes beside site/
OFFLINE_ZIP_PATH = f"download/{OFFLINE_ZIP_NAME}"  # where the site publishes it
FEED_NAME = "feed.xml"
SCHEMA_DIR = "schema"

#: The licence of the site's own text and data. Quotes are not covered: their rights stay with
#: their authors and publishers, as each source's `licence` says.
LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
QUOTES_NOTE = ("Quotes are short extracts used for comment and verification; their rights stay with their "
               "authors and publishers, as each source's licence says.")

_CC = re.compile(r"^CC[ -]BY((?:-(?:SA|NC|ND))*)[ -](\d\.\d)$", re.I)


def licence_url(licence: str) -> str | None:
    """The address of a Creative Commons licence named like 'CC BY 4.0' or 'CC BY-SA 4.0'; None otherwise."""
    match = _CC.match(licence.strip())
    if match:
        return f"https://creativecommons.org/licenses/by{match.group(1).lower()}/{match.group(2)}/"
    return None


def repository(config: Any) -> str | None:
    """The repository's address, as the config gives it (`extra.repository`, else `repo_url`)."""
    url = (config.get("extra") or {}).get("repository") or config.get("repo_url") or None
    return str(url).rstrip("/") if url else None


@dataclass(frozen=True)
class DatasetInfo:
    """What the dataset is, in this build: read from the config and the commit."""

    site_name: str
    description: str
    site_url: str  # the site's root address with a trailing "/", or "" when the config has none
    links: SiteLinks
    repository: str | None
    branch: str  # the branch edits go to (`extra.edit_branch`)
    commit: str  # the commit being built, or "unknown"
    modified: str | None  # that commit's time, UTC ("2026-11-23T15:53:24Z"), None when unknown

    @property
    def name(self) -> str:
        """The Data Package name: lowercase, digits and hyphens."""
        return re.sub(r"[^a-z0-9]+", "-", self.site_name.lower()).strip("-") or "dataset"

    @property
    def title(self) -> str:
        return f"{self.site_name} fact base"

    @property
    def creator(self) -> str:
        return f"{self.site_name} editors"

    @property
    def version(self) -> str:
        """The schema version, and the commit as build metadata: '1.0+aa896bb52cfb'."""
        return SCHEMA_VERSION if self.commit == "unknown" else f"{SCHEMA_VERSION}+{self.commit[:12]}"

    @property
    def year(self) -> str | None:
        return self.modified[:4] if self.modified else None

    def url(self, site_path: str) -> str:
        """A site path ("data/feed.xml") as an absolute address (relative when the site has no address)."""
        return self.site_url + site_path

    def page(self, src_uri: str, anchor: str = "") -> str:
        """The absolute address of a docs page ("data.md"), optionally at an anchor."""
        return self.url(self.links.url_of(src_uri)) + (f"#{anchor}" if anchor else "")

    @property
    def landing_page(self) -> str:
        return self.page("data.md")

    @property
    def iri(self) -> str:
        """The dataset's identifier in JSON-LD: a fragment of the JSON-LD file, the same in every build mode."""
        return self.url(f"{EXPORT_DIR}/{JSONLD_NAME}#dataset")

    def commit_url(self, sha: str) -> str | None:
        """Where a commit's diff is shown on the repository host."""
        return f"{self.repository}/commit/{sha}" if self.repository else None

    # -- how to cite -------------------------------------------------------------------------------
    def citation_text(self) -> str:
        year = self.year or "n.d."
        return f"{self.creator} ({year}). {self.title} (version {self.version}) [Data set]. {self.landing_page}"

    def bibtex(self) -> str:
        key = f"{self.name}-{self.year or 'nd'}".replace("-", "_")
        fields = [("author", "{" + _bib(self.creator) + "}"), ("title", _bib(self.title)),
                  ("version", _bib(self.version)), ("year", self.year or ""), ("url", self.landing_page),
                  ("note", "Data set")]
        if self.repository:
            fields.append(("howpublished", _bib(self.repository)))
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields if v)
        return f"@misc{{{key},\n{body}\n}}"

    def csl(self) -> dict[str, Any]:
        item: dict[str, Any] = {"id": f"{self.name}-{self.version}", "type": "dataset", "title": self.title,
                                "author": [{"literal": self.creator}], "version": self.version,
                                "URL": self.landing_page, "publisher": self.creator}
        if self.modified:
            item["issued"] = {"date-parts": [[int(p) for p in self.modified[:10].split("-")]]}
        return item

    def csl_json(self) -> str:
        return json.dumps([self.csl()], ensure_ascii=False, indent=2)


_BIB_SPECIAL = re.compile(r"([\\{}%&$#_^~])")


def _bib(text: str) -> str:
    """Text as a BibTeX value: its special characters escaped."""
    return _BIB_SPECIAL.sub(lambda m: {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}.get(m.group(1), "\\" + m.group(1)), text)


def dataset_info(config: Any, history: History) -> DatasetInfo:
    """The dataset description of a build, from its MkDocs config and the history read for it."""
    site_url = str(config.get("site_url") or "")
    return DatasetInfo(
        site_name=str(config.get("site_name") or "Dataset"),
        description=" ".join(str(config.get("site_description") or "").split()),
        site_url=site_url.rstrip("/") + "/" if site_url else "",
        links=SiteLinks(use_directory_urls=config["use_directory_urls"]),
        repository=repository(config),
        branch=str((config.get("extra") or {}).get("edit_branch") or "main"),
        commit=history.head,
        modified=history.head_time,
    )
