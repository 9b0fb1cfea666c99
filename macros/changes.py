"""What changed, for readers: the Changes page and the Atom feed, from the history read once per build.

Each commit that changed records is listed with its message (the "why"), its date, a link to
its diff on the repository host, and the records it added, changed or removed, each linked to
where the site shows it. Where a record is shown is known only once every page is converted:
the page carries placeholders (`<!--sco-record:KIND/ID-->label<!--/sco-record-->`) that the
`on_post_page` hook turns into links, and the feed is written after that point, by the export job.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any, Iterable

from markupsafe import Markup

from .dataset import FEED_NAME, LICENCE, QUOTES_NOTE, DatasetInfo
from .changelog import Change, Commit, History, by_kind, title
from .render import Row
from .schema import KIND_NAMES, KINDS
from .text import escape, human_date

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 100
OPEN_UP_TO = 12  # a group of changes longer than this starts folded
LIST_UP_TO = 50  # a group lists this many records, then says how many more the diff holds

#: The anchor prefix under which each kind's records are shown on pages (`fact-ID`, `q-ID`, ...).
ANCHORS: dict[str, str] = {
    "facts": "fact", "quotes": "q", "events": "event", "figures": "fig", "glossary": "term",
    "positions": "position", "sources": "source", "membership": "member",
}
# Starts with a literal so the regex engine can skip to each `id="`; the word boundary before it is checked
# apart (a leading \b made the search 13 times slower over the 49 MB of a x100 site).
_ANCHOR = re.compile(r'id="(' + "|".join(sorted(set(ANCHORS.values()), key=len, reverse=True))
                     + r')-([a-z0-9]+(?:-[a-z0-9]+)*)"')
_WORD = re.compile(r"\w")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
PLACEHOLDER = re.compile(r"<!--sco-record:([a-z_]+)/([a-z0-9-]+)-->(.*?)<!--/sco-record-->", re.S)


def anchor_of(kind: str, record_id: str, fb: Any) -> str | None:
    """The anchor a record is shown under, on whatever page shows it (membership: its state's row)."""
    if kind == "membership" and record_id in fb.membership:
        return f"member-{fb.membership[record_id].state}"
    prefix = ANCHORS.get(kind)
    return f"{prefix}-{record_id}" if prefix else None


def record_pages(pages: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Anchor -> the first page (site-relative URL) that holds it, from each page's HTML, in the order given."""
    found: dict[str, str] = {}
    for url, html in pages:
        for match in _ANCHOR.finditer(html):
            start = match.start()
            if start and _WORD.match(html, start - 1):
                continue  # `xid="..."`: not an id attribute
            found.setdefault(f"{match.group(1)}-{match.group(2)}", url)
    return found


def record_url(kind: str, record_id: str, fb: Any, pages: dict[str, str]) -> str | None:
    """Site-relative URL (with anchor) where a record is shown, if any page shows it."""
    anchor = anchor_of(kind, record_id, fb)
    if anchor is None or anchor not in pages:
        return None
    return f"{pages[anchor]}#{anchor}"


def _kind_label(kind: str, count: int) -> str:
    name = KIND_NAMES.get(kind, kind)
    if kind == "membership":
        return "membership record" + ("s" if count != 1 else "")
    return name if count == 1 else (kind if kind in KINDS and kind.endswith("s") else name + "s")


@dataclass(frozen=True)
class _Group:
    heading: str
    changes: list[Change]  # the first LIST_UP_TO
    more: int  # how many are not listed
    open: bool


def _groups(commit: Commit) -> list[_Group]:
    out = []
    for kind, action, items in by_kind(commit.changes):
        heading = f"{len(items)} {_kind_label(kind, len(items))} {action}"
        out.append(_Group(heading[0].upper() + heading[1:], items[:LIST_UP_TO], max(0, len(items) - LIST_UP_TO),
                          len(items) <= OPEN_UP_TO))
    return out


def summary(commit: Commit) -> str:
    """'3 facts added, 1 quote changed'."""
    return ", ".join(g.heading[0].lower() + g.heading[1:] for g in _groups(commit))


def _paragraphs(body: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", body) if p.strip()]


def _title(change: Change, fb: Any) -> str:
    current = getattr(fb, change.kind, {}).get(change.id) if change.action != "removed" else None
    return title(change, current)


def page_rows(history: History, info: DatasetInfo, fb: Any) -> list[Row]:
    """The Changes page's commits, newest first, as template rows."""
    rows = []
    for commit in history.commits:
        rows.append(Row(
            anchor=f"change-{commit.sha[:12]}", sha=commit.sha[:12], time=commit.time,
            human=human_date(commit.date), subject=commit.subject, body=_paragraphs(commit.body),
            diff=info.commit_url(commit.sha),
            groups=[Row(heading=g.heading, open=g.open, more=g.more, items=[Row(
                label=_title(change, fb), id=change.id, kind=change.kind,
                placeholder=change.action != "removed" and bool(_ID.fullmatch(change.id)))
                for change in g.changes]) for g in _groups(commit)],
        ))
    return rows


def fill_links(html: str, link: Any) -> str:
    """Turn the Changes page's record placeholders into links; `link(kind, id)` gives the href or None."""
    def one(match: re.Match[str]) -> str:
        href = link(match.group(1), match.group(2))
        label = match.group(3)
        return f'<a href="{escape(href)}">{label}</a>' if href else label

    return PLACEHOLDER.sub(one, html)


# -- the feed -----------------------------------------------------------------------------------------
def feed(history: History, info: DatasetInfo, fb: Any, pages: dict[str, str], render: Any) -> str:
    """The Atom feed of the newest changes; `render(template, **context)` renders an entry's HTML."""
    ET.register_namespace("", ATOM)

    def el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        node = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            node.text = text
        return node

    changes_page = info.page("changes.md")
    root = ET.Element(f"{{{ATOM}}}feed")
    el(root, "id", info.url(FEED_NAME))
    el(root, "title", f"{info.site_name}: changes to the fact base")
    el(root, "subtitle", "Facts, quotes, events and figures added, changed or removed, commit by commit, and why."
       if history.available else f"History unavailable: {history.reason}.")
    el(root, "link", rel="self", type="application/atom+xml", href=info.url(FEED_NAME))
    el(root, "link", rel="alternate", type="text/html", href=changes_page)
    newest = history.commits[0].time if history.commits else (info.modified or "1970-01-01T00:00:00Z")
    el(root, "updated", newest)
    author = el(root, "author")
    el(author, "name", info.creator)
    el(author, "uri", info.url(""))
    el(root, "rights", f"Text and data {LICENCE['title']}. {QUOTES_NOTE}")
    for commit in history.commits[:FEED_ENTRIES]:
        entry = el(root, "entry")
        diff = info.commit_url(commit.sha)
        el(entry, "id", diff or info.url(f"{FEED_NAME}#commit-{commit.sha}"))
        el(entry, "title", commit.subject or commit.sha[:12])
        el(entry, "updated", commit.time)
        el(entry, "link", rel="alternate", type="text/html", href=f"{changes_page}#change-{commit.sha[:12]}")
        if diff:
            el(entry, "link", rel="related", type="text/html", href=diff, title="The change on the repository host")
        el(entry, "summary", summary(commit))
        groups = [Row(heading=g.heading, more=g.more, items=[Row(
            label=_title(c, fb), id=c.id,
            href=info.url(url) if c.action != "removed" and (url := record_url(c.kind, c.id, fb, pages)) else None)
            for c in g.changes]) for g in _groups(commit)]
        content = render("feed_entry.html", body=_paragraphs(commit.body), groups=groups, diff=diff)
        el(entry, "content", str(content), type="html")
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def changes_markup(history: History, info: DatasetInfo, fb: Any, render: Any, feed_href: str) -> Markup:
    """The Changes page's list (or why there is none), after a link to the feed."""
    log_url = f"{info.repository}/commits/{info.branch}/data" if info.repository else None
    return render("changes.html", available=history.available, reason=history.reason,
                  commits=page_rows(history, info, fb), log_url=log_url, feed_href=feed_href)
