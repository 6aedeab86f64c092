"""The domain objects: documents, annotations and the project they belong to.

These are pydantic models so that everything that enters or leaves the project
(imports, exports, exchange files) is validated by the same definitions.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from datetime import date, datetime, timezone
from enum import StrEnum
from typing import Any

from pydantic import ConfigDict, Field, field_validator, model_validator

from curator.domain.json_values import bad_text
from curator.domain.model_base import Model
from curator.domain.schema import LabelSchema
from curator.domain.text import fold, nfc
from curator.domain.values import finite_decimal

GOLD = "gold"  # the annotator name of the reviewed layer that settles disagreements


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def utc(stamp: datetime) -> datetime:
    """An aware time as UTC, as the store keeps times (SQLite keeps them without an offset)."""
    return stamp.astimezone(timezone.utc)


def new_id() -> str:
    return uuid.uuid4().hex


def new_ids(count: int) -> list[str]:
    """``count`` ids as ``new_id`` makes them (random UUID 4s, in hex), from one read of
    the system's random source: a bulk import's spans need tens of thousands."""
    raw = bytearray(os.urandom(16 * count))
    raw[6::16] = bytes((byte & 0x0F) | 0x40 for byte in raw[6::16])  # the version, 4
    raw[8::16] = bytes((byte & 0x3F) | 0x80 for byte in raw[8::16])  # the variant, RFC 4122
    text = raw.hex()
    return [text[place : place + 32] for place in range(0, 32 * count, 32)]


class DocumentStatus(StrEnum):
    """How far an annotator has got with a document."""

    TODO = "todo"
    DONE = "done"


class DocumentMeta(Model):
    """The editable metadata of an article: where and when it was published."""

    title: str | None = None
    source: str | None = Field(default=None, description="The outlet that published the article")
    url: str | None = None
    published: date | None = None
    extra: dict[str, Any] = Field(default_factory=dict)


class Document(DocumentMeta):
    """One article. ``text`` is kept exactly as imported: annotation offsets refer to it.

    ``id`` is the store's internal key; ``uid`` is the stable name that exchange files
    and exports use to refer to the document across copies of a project.
    """

    id: int | None = None
    uid: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1)
    origin: str | None = Field(default=None, description="File (and record) the document was imported from")

    @field_validator("uid")
    @classmethod
    def _one_spelling(cls, uid: str) -> str:
        """An id is kept in NFC: the NFC and NFD spellings of one id are one document."""
        return nfc(uid)

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        first_line = self.text.strip().splitlines()[0] if self.text.strip() else self.uid
        return first_line[:100]


class Annotation(Model):
    """A labelled span of a document's text, made by one annotator.

    ``start`` and ``end`` are offsets in Python characters (code points) into the
    document text, end exclusive. ``value`` holds the normalized value of a figure or
    date and ``entity_id`` the canonical entity a mention is linked to.
    """

    model_config = ConfigDict(validate_assignment=True)

    id: str = Field(default_factory=new_id, min_length=1)
    doc_id: int
    start: int = Field(ge=0)
    end: int = Field(gt=0)
    label: str = Field(min_length=1)
    annotator: str = Field(min_length=1)
    created: datetime = Field(default_factory=utc_now)
    updated: datetime = Field(default_factory=utc_now)
    value: dict[str, Any] | None = None
    entity_id: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> "Annotation":
        if self.end <= self.start:
            raise ValueError(f"span end {self.end} must be after its start {self.start}")
        return self

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


class SuggestionStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Relation(Model):
    """A labelled link from one span to another of the same annotator's layer of one
    document, e.g. a figure ``attributed_to`` the organisation that stated it. For a
    relation label without direction, ``source`` and ``target`` are just its two ends."""

    id: str = Field(default_factory=new_id, min_length=1)
    doc_id: int
    source_id: str = Field(min_length=1, description="The id of the span it goes from")
    target_id: str = Field(min_length=1, description="The id of the span it goes to")
    label: str = Field(min_length=1)
    annotator: str = Field(min_length=1)
    created: datetime = Field(default_factory=utc_now)

    @model_validator(mode="after")
    def _two_ends(self) -> "Relation":
        if self.source_id == self.target_id:
            raise ValueError("a relation links two spans, not a span to itself")
        return self


class RelationSuggestion(Model):
    """A proposed relation between two spans of an annotator's layer (the text says
    "according to X", "X said", "between A and B"), accepted or rejected like a span
    suggestion; accepting makes the relation ``relation_id``."""

    id: str = Field(default_factory=new_id)
    doc_id: int
    source_id: str
    target_id: str
    label: str
    annotator: str
    source: str = Field(default="relations", description="What proposed it")
    status: SuggestionStatus = SuggestionStatus.OPEN
    relation_id: str | None = None


class Project(Model):
    """A project's own settings: its name and label schema."""

    name: str = "Untitled project"
    label_schema: LabelSchema = Field(default_factory=LabelSchema)
    created: datetime = Field(default_factory=utc_now)


class Entity(Model):
    """A canonical thing that mentions link to: a person, organisation, place or initiative."""

    id: str = Field(default_factory=new_id, min_length=1)
    name: str = Field(min_length=1, max_length=300)
    type: str = Field(min_length=1, description="The entity label, e.g. PERSON")
    aliases: list[str] = Field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [self.name, *[alias for alias in self.aliases if alias != self.name]]


def known_entity(entities: Iterable[Entity], mention: str, label: str) -> Entity | None:
    """The one entity of type ``label`` that ``mention`` names exactly (its name or an
    alias, in any case), or None if none or several do."""
    key = fold(mention.strip())
    found = [e for e in entities if e.type == label and key in {fold(name) for name in e.names}]
    return found[0] if len(found) == 1 else None


LEARNED = "learned"  # the source of the learned recommender's suggestions (and the recommender's name)


class Suggestion(Model):
    """A proposed span (pre-annotation) the curator accepts or rejects.

    Suggestions live in their own layer per annotator; accepting one creates a
    normal annotation, rejecting one keeps it (status ``rejected``) so it is not
    proposed again.
    """

    id: str = Field(default_factory=new_id)
    doc_id: int
    start: int = Field(ge=0)
    end: int = Field(gt=0)
    label: str
    annotator: str
    source: str = Field(description="What proposed it: the rules (figures, dates, entities), the learned "
                                    "recommender (learned), or an outside model or file (spacy:NAME, jsonl:NAME)")
    status: SuggestionStatus = SuggestionStatus.OPEN
    value: dict[str, Any] | None = None
    entity_id: str | None = None
    annotation_id: str | None = Field(default=None, description="The annotation made when it was accepted")
    confidence: float | None = Field(default=None, ge=0.0, le=1.0,
                                     description="How sure a model was, 0 to 1; None for the rules")

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


class Review(Model):
    """A reviewer's decision on one disagreement (or agreement), and the gold spans it made."""

    key: str
    doc_id: int
    start: int
    end: int
    decision: str = Field(description="accepted:<annotator>, merged, edited, rejected or agreed")
    gold_ids: list[str] = Field(default_factory=list)
    reviewer: str
    created: datetime = Field(default_factory=utc_now)


class Decision(Model):
    """A curator's decision on a duplicate candidate: documents or entities that look alike."""

    key: str
    kind: str = Field(description="documents or entities")
    decision: str = Field(description="duplicate or distinct")
    keep: str | None = Field(default=None, description="For duplicate documents: the uid kept")
    note: str | None = None
    created: datetime = Field(default_factory=utc_now)


class Fact(Model):
    """One measure for one period (e.g. Kazakhstan-China trade turnover in 2022), with the
    figure mentions that report it and the value the curator accepted."""

    id: str = Field(default_factory=new_id)
    subject: str = Field(min_length=1)
    measure: str = Field(min_length=1)
    period_start: date | None = None
    period_end: date | None = None
    unit: str | None = None
    accepted_amount: str | None = Field(default=None, description="Exact decimal text, fully scaled, in ``unit``")
    note: str | None = None
    mentions: list[str] = Field(default_factory=list, description="Annotation ids of the supporting figures")
    created: datetime = Field(default_factory=utc_now)
    subjects: list[str] = Field(default_factory=list, description="Ids of the entities the fact is about")
    attribution: str | None = Field(default=None, description="The authority its figures are attributed to")

    @field_validator("subjects", mode="before")
    @classmethod
    def _no_subjects(cls, subjects: list[str] | None) -> list[str]:
        return subjects or []  # facts stored before subjects existed

    @field_validator("accepted_amount")
    @classmethod
    def _amount(cls, amount: str | None) -> str | None:
        return None if amount is None else finite_decimal(amount)


# -- the models' checks written out by hand, for bulk imports -----------------------------
# A file of 40,000 spans spent most of its import building a model per span and per
# document. These say whether values plainly pass the models' checks; whatever they are
# not sure of (None, False) goes to the models, which decide and word the problem. A test
# holds them to the models.


def _whole_unicode(text: str) -> bool:
    """Whether pydantic reads ``text`` into a field with a length rule: no lone surrogate."""
    return not bad_text(text)


def plain_document(uid: Any, text: Any, origin: Any, fields: dict[str, Any]) -> dict[str, Any] | None:
    """The columns ``Document(uid=uid, text=text, origin=origin, **fields)`` would store
    (uid, title, source, url, published, text, origin, extra), if these plainly pass its
    checks; None if they may not, and the model must decide."""
    if not (type(uid) is str and 0 < len(uid) <= 200 and _whole_unicode(uid) and type(text) is str and text
            and _whole_unicode(text) and (origin is None or type(origin) is str)):
        return None
    row = {"uid": nfc(uid), "title": None, "source": None, "url": None, "published": None, "text": text,
           "origin": origin, "extra": {}}
    for key, value in fields.items():
        if key in ("title", "source", "url"):
            if not (value is None or type(value) is str):
                return None
        elif key == "published":
            if not (value is None or type(value) is date):
                return None
        elif key == "extra":
            if type(value) is not dict or not all(type(name) is str for name in value):
                return None
            value = dict(value)
        else:
            return None
        row[key] = value
    return row


def plain_span(start: Any, end: Any, label: Any, annotator: Any) -> bool:
    """Whether an ``Annotation`` with these fields, a new id and times, no value and no
    entity plainly passes the model's checks (False: the model must decide)."""
    return (type(start) is int and type(end) is int and 0 <= start < end and type(label) is str and label != ""
            and _whole_unicode(label) and type(annotator) is str and annotator != ""
            and _whole_unicode(annotator))
