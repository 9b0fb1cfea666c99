"""The one schema of the fact base: every record kind, every field, documented.

Pydantic models validate each record and export the JSON Schemas editors use
(`make schema`). Field descriptions here are the data dictionary the docs show.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from contextlib import contextmanager
from functools import lru_cache
from typing import Annotated, Iterator, Literal, Optional

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

SCHEMA_VERSION = "1.0"

QUOTE_MAX_WORDS = 75

#: Topics a fact, event or position can belong to, with the label pages use.
TOPICS: dict[str, str] = {
    "overview": "What the SCO is",
    "history": "History of Russia–China relations",
    "visions": "Russia vs China: two visions",
    "alliance": "The alliance debate",
    "docking": "The BRI–EAEU “docking”",
    "security": "RATS and counter-terrorism",
    "military": "Military power and exercises",
    "enlargement": "Enlargement",
    "economy": "Economy and finance",
    "energy": "Energy",
    "central-asia": "Central Asia",
    "west": "Relations with the West",
    "ukraine": "Crimea and the war in Ukraine",
}

Topic = Literal[
    "overview", "history", "visions", "alliance", "docking", "security", "military",
    "enlargement", "economy", "energy", "central-asia", "west", "ukraine",
]

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _coerce_to_str(value: object) -> object:
    """Let editors write `2015` unquoted: YAML reads it as an int."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _check_partial_date(value: str) -> str:
    problem = _calendar_problem(value)
    if problem:
        raise ValueError(problem)
    today = today_iso()
    if value > today[: len(value)]:
        raise ValueError(f"{value!r} is in the future (today is {today})")
    return value


@lru_cache(maxsize=8192)
def _calendar_problem(value: str) -> str:
    """What is wrong with a partial date as a date, whatever day it is ("" when nothing): a data set repeats
    the same few thousand dates, so each is checked once."""
    match = _DATE_RE.match(value)
    if not match:
        return "expected a date as YYYY, YYYY-MM or YYYY-MM-DD"
    year, month, day = match.groups()
    try:
        _dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        return f"{value!r} is not a real calendar date ({exc})"
    if int(year) < 1800:
        return f"{value!r} is before 1800; is the year mistyped?"
    return ""


_TODAY: list[str] = []  # set while a load runs (one_today): the day every date of that load is checked against


def today_iso() -> str:
    """Today's date for the future-date check; SCO_TODAY pins it in tests."""
    return _TODAY[-1] if _TODAY else _today_now()


def _today_now() -> str:
    return os.environ.get("SCO_TODAY") or _dt.date.today().isoformat()


@contextmanager
def one_today() -> Iterator[str]:
    """Check every date of one load against the same day, read once (not once per date: 46,000 at ×100), so a
    load that runs over midnight does not judge its dates by two days."""
    _TODAY.append(_today_now())
    try:
        yield _TODAY[-1]
    finally:
        _TODAY.pop()


def _check_words(value: str) -> str:
    words = len(value.split())
    if words > QUOTE_MAX_WORDS:
        raise ValueError(
            f"quote is {words} words long; the limit is {QUOTE_MAX_WORDS}"
            " (quote a sentence or two, not a paragraph)"
        )
    return value


Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=120),
    Field(description="Stable kebab-case identifier: lowercase letters, digits, hyphens."),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
PartialDate = Annotated[
    str,
    BeforeValidator(_coerce_to_str),
    AfterValidator(_check_partial_date),
    Field(
        description="A date whose format is its precision: YYYY, YYYY-MM or YYYY-MM-DD.",
        json_schema_extra={"pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
    ),
]
Url = Annotated[
    str,
    StringConstraints(pattern="^https?://[^\\s<>\"']+$"),  # no escape but \\s: valid in ECMA-262 (unicode) too
    Field(description="An http or https address; no other scheme is accepted."),
]
Year = Annotated[int, Field(ge=1800, le=2200)]


class Record(BaseModel):
    """Base of every record: unknown fields are errors, ids are kebab-case."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True, populate_by_name=True)

    id: Id


class Native(BaseModel):
    """A name in its own script, as a source prints it."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    text: Text = Field(description="The term in its own script, e.g. 友好中立.")
    transliteration: Optional[Text] = Field(
        None, description="Latin transliteration as the source gives it, e.g. youhao zhongli."
    )
    language: Literal["zh", "ru"] = Field(description="Language code: zh (Chinese) or ru (Russian).")


class Chapter(Record):
    """A signed chapter of a multi-author publication."""

    title: Text = Field(description="The chapter's title as printed.")
    authors: list[Text] = Field(min_length=1, description="The chapter's authors.")


class Affiliation(BaseModel):
    """Who an author was when the publication appeared, as its own byline or author note prints it."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    author: Text = Field(description="The author's name, exactly as in the source's `authors` list.")
    affiliation: Text = Field(
        description="The institution the byline names, e.g. 'Hudson Institute'; shown with the author everywhere."
    )
    role: Optional[Text] = Field(
        None, description="The author's position there as printed, e.g. 'Senior Fellow'; shown on the source page."
    )


class Source(Record):
    """A publication the fact base quotes."""

    title: Text = Field(description="Title as published.")
    authors: list[Text] = Field(min_length=1, description="Authors in the order printed.")
    outlet: Text = Field(description="Publisher or outlet.")
    kind: Literal["article", "opinion", "report", "book", "other"] = Field(
        description="What sort of publication it is."
    )
    published: PartialDate = Field(
        description="Publication date; its format is its precision (year, month or day)."
    )
    url: Optional[Url] = Field(None, description="Where it is published. Leave out when not confirmed: never guess.")
    licence: Text = Field(description="The publication's licence, e.g. 'CC BY 4.0' or 'all rights reserved'.")
    notes: Optional[Text] = Field(
        None, description="Quirks a reader should know, such as a page date that is not the publication date."
    )
    chapters: list[Chapter] = Field(
        default_factory=list, description="Signed chapters, for multi-chapter publications."
    )
    affiliations: list[Affiliation] = Field(
        default_factory=list,
        description="Each author's institution as the publication's own byline or author note prints it; "
        "leave an author out when it prints none (never look it up elsewhere).",
    )


class Actor(Record):
    """A state, organisation, initiative, group or person that the data names."""

    name: Text = Field(description="Name in English.")
    kind: Literal["state", "organisation", "initiative", "group", "person"] = Field(description="What the actor is.")
    abbreviation: Optional[Text] = Field(None, description="Usual abbreviation, e.g. SCO.")
    role: Optional[Text] = Field(None, description="Short description, as the sources give it.")
    native: Optional[Native] = Field(None, description="Name in its own script, where a source gives it.")


class Quote(Record):
    """A short verbatim passage of a source."""

    source: Id = Field(description="Id of the source it is taken from.")
    chapter: Optional[Id] = Field(None, description="Chapter id; required for sources with chapters.")
    section: Optional[Text] = Field(None, description="The heading the passage sits under.")
    speaker: Optional[Id] = Field(
        None, description="Actor id of the person (or body) the source quotes, when it is not the author speaking."
    )
    text: Annotated[Text, AfterValidator(_check_words)] = Field(
        description=f"The passage, verbatim: differs from the source only by whitespace; at most {QUOTE_MAX_WORDS} words."
    )
    note: Optional[Text] = Field(None, description="Context a reader needs, e.g. where the speaker said it.")
    hedges: list[Text] = Field(
        default_factory=list,
        description="Hedge words in the text ('thought to', 'likely', 'may'...) a reviewer has checked: every "
        "record citing the quote keeps them. `make check` warns about a hedge not listed here.",
    )
    speaker_reviewed: bool = Field(
        False,
        description="True once a reviewer has checked that the passage gives the speaker's words or view although "
        "it has no quotation mark or reporting verb (e.g. it continues a sentence that names the speaker).",
    )


class Fact(Record):
    """A claim in our own words, backed by one or more quotes."""

    claim: Text = Field(description="The claim in our own words; inline Markdown (*em*, **strong**) allowed.")
    topics: list[Topic] = Field(min_length=1, description="Themes the fact belongs to; pages select facts by topic.")
    actors: list[Id] = Field(default_factory=list, description="Actor ids the fact is about.")
    date: Optional[PartialDate] = Field(None, description="When the thing it describes happened.")
    as_of: Optional[PartialDate] = Field(
        None, description="When the claim held, for claims that go stale ('the latest member')."
    )
    cites: list[Id] = Field(min_length=1, description="Quote ids that support the claim; at least one.")
    disagrees_with: list[Id] = Field(
        default_factory=list, description="Fact ids from other sources that say otherwise; both are shown."
    )
    note: Optional[Text] = Field(None, description="One line of context, e.g. how sources differ.")


class Event(Record):
    """A dated event: a summit, treaty, accession, exercise, statement..."""

    date: PartialDate = Field(description="When it happened; format is precision.")
    title: Text = Field(description="Short title.")
    place: Optional[Text] = Field(None, description="Where it happened.")
    kind: Literal[
        "founding", "summit", "treaty", "agreement", "statement", "accession", "exercise",
        "attack", "conflict", "visit", "institution", "other",
    ] = Field(description="What sort of event it is.")
    actors: list[Id] = Field(default_factory=list, description="Actor ids involved.")
    topics: list[Topic] = Field(min_length=1, description="Themes the event belongs to.")
    summary: Optional[Text] = Field(None, description="One sentence in our own words.")
    cites: list[Id] = Field(min_length=1, description="Quote ids that support it; at least one.")


MembershipKind = Literal[
    "founding-member", "member", "observer", "dialogue-partner", "observer-or-partner", "applicant", "non-member",
]


class Status(BaseModel):
    """One time-bounded status of a state in the SCO."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True, populate_by_name=True)

    status: MembershipKind = Field(description="The state's status in this interval.")
    from_: Year = Field(alias="from", description="First year of the status.")
    to: Optional[Year] = Field(
        None, description="Year the status ended (when the next began); leave out while it lasts."
    )
    start_known: bool = Field(
        True, description="False when 'from' is only the first year a source attests, not when the status began.",
    )
    cites: list[Id] = Field(min_length=1, description="Quote ids that support it.")
    note: Optional[Text] = Field(None, description="Context, e.g. where sources give different years.")


class Membership(Record):
    """A state's statuses in the SCO over time."""

    state: Id = Field(description="Actor id of the state.")
    statuses: list[Status] = Field(min_length=1, description="Statuses in time order; intervals may not overlap.")
    as_of: Optional[PartialDate] = Field(None, description="Date of the newest source this history rests on.")


class Figure(Record):
    """A number a source gives, with its unit and period."""

    metric: Id = Field(description="What is measured; figures sharing a metric and period are compared.")
    label: Text = Field(description="Human label of the metric.")
    value: float = Field(allow_inf_nan=False, ge=-1e15, le=1e15,
                         description="The number: finite, at most 10^15 in size (use a larger unit beyond).")
    bound: Literal["exact", "about", "more-than", "at-least", "less-than", "at-most"] = Field(
        "exact",
        description="How `value` relates to what the source says: 'exact', or a bound when the source says "
        "'about', 'more than', 'at least', 'nearly', 'at most'... ('nearly' is 'less-than').",
    )
    value_text: Optional[Text] = Field(
        None,
        description="The source's own words for the value when it does not print the number, e.g. 'more than "
        "half' or 'fourth-largest'; required then, and shown beside the number.",
    )
    unit: Text = Field(description="Unit, e.g. 'USD billion', 'percent', 'people', 'rank'. Required.")
    period: PartialDate = Field(
        description="The period the number is about; its year must appear in a cited quote unless period_known is false."
    )
    period_known: bool = Field(
        True, description="False when the quotes give no period and 'period' is only the publication date."
    )
    kind: Literal["actual", "target", "estimate", "change"] = Field(description="Measured, target, estimate or change.")
    actors: list[Id] = Field(default_factory=list, description="Actor ids the figure concerns.")
    note: Optional[Text] = Field(None, description="One line of context.")
    cites: list[Id] = Field(min_length=1, description="Quote ids that give the number.")


class Stance(BaseModel):
    """One actor's stance on an issue."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    actor: Id = Field(description="Actor id.")
    stance: Text = Field(description="The stance, in our own words.")
    cites: list[Id] = Field(min_length=1, description="Quote ids that support it.")


class Position(Record):
    """An issue on which Russia and China (and others) take stances."""

    issue: Text = Field(description="The issue, e.g. 'An SCO development bank'.")
    summary: Text = Field(description="One or two sentences on where they differ.")
    topics: list[Topic] = Field(min_length=1, description="Themes it belongs to.")
    stances: list[Stance] = Field(min_length=2, description="Each actor's stance; at least two.")
    outcome: Optional[Text] = Field(None, description="What came of it, as the sources tell.")
    outcome_cites: list[Id] = Field(default_factory=list, description="Quote ids for the outcome.")
    as_of: Optional[PartialDate] = Field(None, description="Date of the newest source on the issue.")


class GlossaryEntry(Record):
    """A term or abbreviation, explained once and shown as a tooltip everywhere."""

    term: Text = Field(description="The term as it appears in text.")
    expansion: Optional[Text] = Field(None, description="Full name, for abbreviations; drives the tooltips.")
    definition: Text = Field(description="Definition in our own words.")
    native: Optional[Native] = Field(None, description="The Chinese or Russian term, where a source gives it.")
    actor: Optional[Id] = Field(None, description="Actor id the term names.")
    see: list[Id] = Field(default_factory=list, description="Related glossary ids.")
    cites: list[Id] = Field(default_factory=list, description="Optional quote ids.")


class Reference(BaseModel):
    """An outside publication an editor's note rests on."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    outlet: Text = Field(description="Who published it: a wire service, the SCO, a government, a research institute.")
    title: Text = Field(description="Its title as published.")
    date: PartialDate = Field(description="Its publication date as it shows it; format is precision.")
    url: Url = Field(description="Where it is published. Only an address you have opened: never guess one.")
    author: Optional[Text] = Field(None, description="Its author or reporter, when it names one.")
    supports: Text = Field(
        description="The sentence of the note this reference supports, in our own words (no verbatim text needed)."
    )


class Target(BaseModel):
    """The record (or part of a record) an editor's note qualifies."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    kind: Literal["facts", "quotes", "events", "figures", "positions", "glossary", "membership"] = Field(
        description="The kind of the record qualified."
    )
    id: Id = Field(description="The id of the record qualified.")
    part: Optional[Text] = Field(
        None,
        description="Only for positions and membership: 'summary', 'outcome' or 'stance:ACTOR' of a position; "
        "'status:YEAR' (a status's `from` year) of a membership record. Leave out to qualify the whole record.",
    )


class EditorNote(Record):
    """What the site knows that a source got wrong or that later events overtook, with outside references.

    Shown beside every appearance of the record it qualifies, marked as the site's note, not the source's."""

    reason: Literal["source-error", "overtaken", "context"] = Field(
        description="'source-error': the source is wrong; 'overtaken': later events changed what it describes; "
        "'context': something a reader needs that the sources leave out."
    )
    text: Text = Field(description="The note in our own words, one to three sentences; inline Markdown allowed.")
    as_of: Optional[PartialDate] = Field(
        None, description="The date of the newest reference, for notes that can go stale ('had not yet...')."
    )
    qualifies: list[Target] = Field(min_length=1, description="The records (or parts) the note is shown beside.")
    references: list[Reference] = Field(
        min_length=1, description="Outside publications that support the note; at least one."
    )


#: Record kinds in load order: the file or folder name under data/ and its model.
KINDS: dict[str, type[Record]] = {
    "sources": Source,
    "actors": Actor,
    "quotes": Quote,
    "facts": Fact,
    "events": Event,
    "membership": Membership,
    "figures": Figure,
    "positions": Position,
    "glossary": GlossaryEntry,
    "notes": EditorNote,
}

#: Singular names used in error messages.
KIND_NAMES: dict[str, str] = {
    "sources": "source", "actors": "actor", "quotes": "quote", "facts": "fact", "events": "event",
    "membership": "membership", "figures": "figure", "positions": "position", "glossary": "term",
    "notes": "note",
}
