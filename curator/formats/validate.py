"""Validate a project's data before it is exported.

Each problem names the document, the span offsets where there are some, and the
reason. Errors block an export; warnings are reported but do not.
"""

from __future__ import annotations

import functools
import json
import operator
import re
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any, NamedTuple

from pydantic import ValidationError

from curator.domain.dataset import ExportAnnotation, ExportDocument
from curator.domain.jobs import Job, reason_of, stops_the_batch
from curator.domain.json_values import bad_value
from curator.domain.model_base import error_text
from curator.domain.models import GOLD, Annotation, DocumentStatus, Relation
from curator.domain.relation_rules import link_counts, relation_problems
from curator.domain.schema import CategorySet, LabelKind, LabelSchema
from curator.domain.text import span_problem
from curator.domain.values import parse_value
from curator.store import SPAN_ROW_FIELDS, Store, stored_json, utc_text


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Problem(NamedTuple):
    """One thing wrong with the data, located as precisely as we can. (A named tuple:
    a project with unnormalized figures can have one per span, made in bulk.)"""

    severity: Severity
    doc_uid: str
    message: str
    doc_id: int | None = None
    annotation_id: str | None = None
    start: int | None = None
    end: int | None = None
    annotator: str | None = None  # whose layer holds it, where a layer does

    def __str__(self) -> str:
        where = self.doc_uid
        if self.start is not None:
            where += f" [{self.start}:{self.end}]"
        if self.annotator:  # (the same span in several layers: a line each, told apart)
            where += " in the gold layer" if self.annotator == GOLD else f" in {self.annotator}'s layer"
        return f"{self.severity.value}: {where}: {self.message}"


# A stored span row's fields in the order these functions unpack them, picked by name from
# the store's row order (``SPAN_ROW_FIELDS``), which they need not follow.
_ROW = operator.itemgetter(*(SPAN_ROW_FIELDS.index(name) for name in (
    "id", "start", "end", "label", "annotator", "entity_id", "created", "updated", "value")))


def export_annotation(span: Sequence[Any], text: str) -> dict:
    """A stored span row (fields in ``SPAN_ROW_FIELDS`` order) as the export's annotation
    dict (value decoded, times as stored)."""
    span_id, start, end, label, annotator, entity_id, created, updated, raw_value = _ROW(span)
    return {
        "id": span_id,
        "start": start,
        "end": end,
        "text": text[start:end],
        "label": label,
        "annotator": annotator,
        "created": created,
        "updated": updated,
        "value": _decoded(raw_value),
        "entity_id": entity_id,
    }


def _decoded(raw: Any) -> Any:
    """A stored value, or its text as stored if it is not JSON (damaged outside Curator),
    for the model to report as the span's problem."""
    try:
        return stored_json(raw)
    except ValueError:
        return raw


def export_document(document: Any, annotations: list, status: DocumentStatus) -> dict:
    """A document (model or row) with its span rows as the export's raw document dict."""
    return {
        "id": document.uid,
        "title": document.title,
        "source": document.source,
        "url": document.url,
        "published": document.published,
        "extra": document.extra,
        "status": status.value,
        "done_by": [],
        "text": document.text,
        "annotations": [export_annotation(a, document.text) for a in annotations],
    }


_INDEX = re.compile(r"annotations\.(\d+)")


def check_document(raw: dict, labels: set[str] | dict[str, LabelKind], doc_id: int | None = None,
                   entities: set[str] | dict[str, tuple[str, str]] | None = None) -> tuple[dict | None, list[Problem]]:
    """Validate one exported document with the ``ExportDocument`` model; returns it as
    JSON-ready data (if valid) and its problems.

    ``labels`` maps each label to its kind (a plain set skips the value checks);
    ``entities`` holds the ids that entity links may point to (a dict: each with its
    type and name, and a link to an entity of another type than its span's label is a
    warning).
    """
    problems: list[Problem] = []
    spans = raw.get("annotations")
    if isinstance(spans, list):
        raw = {**raw, "annotations": [
            {**span, "created": utc_text(span.get("created")), "updated": utc_text(span.get("updated"))}
            if isinstance(span, dict) else span for span in spans]}
    try:
        model = ExportDocument.model_validate(raw, context={"labels": set(labels), "entities": entities})
    except ValidationError as exc:
        for error in exc.errors():
            location = ".".join(str(part) for part in error["loc"])
            message = str(error.get("ctx", {}).get("error") or error["msg"])
            if not location:
                # The document-level validator lists one problem per span.
                for part in message.split("; "):
                    problems.append(_span_problem(raw, doc_id, part))
                continue
            problems.append(_span_problem(raw, doc_id, f"{location}: {message}"))
        return None, problems
    document = model.model_dump(mode="json")
    return document, _warnings(document, labels, doc_id, entities)


def _warnings(document: dict, labels: set[str] | dict[str, LabelKind], doc_id: int | None,
              entities: set[str] | dict[str, tuple[str, str]] | None = None) -> list[Problem]:
    found = list(_duplicate_warnings(document, doc_id))
    if isinstance(labels, dict):
        found.extend(_value_warnings(document, labels, doc_id))
    if isinstance(entities, dict):
        found.extend(_link_warnings(document, entities, doc_id))
    return found


def _link_warnings(document: dict, entities: dict[str, tuple[str, str]], doc_id: int | None) -> Iterator[Problem]:
    """Spans linked to an entity of another type than their label (a span relabelled
    after it was linked): ``entities`` maps each id to its (type, name)."""
    for span in document["annotations"]:
        linked = entities.get(span["entity_id"]) if span["entity_id"] else None
        if linked is not None and linked[0] != span["label"]:
            yield Problem(Severity.WARNING, document["id"], f"{span['label']} span {span['text']!r} is linked to "
                          f"the {linked[0]} entity {linked[1]!r}: relink it or unlink it", doc_id=doc_id,
                          annotation_id=span["id"], start=span["start"], end=span["end"],
                          annotator=span["annotator"])


def exported_quickly(document: Any, rows: list, status: str, labels: dict[str, LabelKind] | set[str],
                     entities: set[str] | dict[str, tuple[str, str]], valued: set[str] | None = None
                     ) -> tuple[dict, bool] | None:
    """The document with its stored span rows as ``check_document`` would give it, if it
    plainly passes every check of the ``ExportDocument`` model, written out by hand,
    and whether it may have warnings; None if it may not pass, and the model must
    decide. Nearly every document passes, and this is several times faster than the
    model: exports of a million spans need it. ``valued``: the labels whose spans should
    have values (figures and dates), if the caller has them at hand."""
    text, published, extra = document.text, document.published, document.extra
    if not (text and document.uid) or (published is not None and type(published) is not date) \
            or type(extra) is not dict or (extra and bad_value(extra)):
        return None
    if valued is None:
        valued = _valued(labels)
    seen: set[tuple] = set()
    labelled: dict[tuple, str] = {}
    warned = False
    annotations = []
    for span_id, start, end, label, annotator, entity, created, updated, value in map(_ROW, rows):
        if span_problem(text, start, end) or label not in labels or (entity is not None and entity not in entities):
            return None
        if entity is not None and isinstance(entities, dict) and entities[entity][0] != label:
            warned = True  # linked to an entity of another type
        created, updated = _exported_time(created), _exported_time(updated)
        if created is None or updated is None:
            return None
        if value is not None and value != "null":
            value = _normal_value_text(value) if isinstance(value, str) else _normal_value(value)
            if value is None:
                return None
        else:
            value = None
        key = (start, end, label, annotator)
        warned = warned or key in seen or (label in valued and (value is None or "unresolved" in value)) \
            or labelled.setdefault((start, end, annotator), label) != label
        seen.add(key)
        annotations.append({"id": span_id, "start": start, "end": end, "text": text[start:end], "label": label,
                            "annotator": annotator, "created": created, "updated": updated, "value": value,
                            "entity_id": entity})
    return {"id": document.uid, "title": document.title, "source": document.source, "url": document.url,
            "published": published.isoformat() if published else None, "extra": extra, "status": status,
            "done_by": [], "text": text, "annotations": annotations, "categories": [], "relations": []}, warned


def _valued(labels: dict[str, LabelKind] | set[str]) -> set[str]:
    kinds = (LabelKind.FIGURE, LabelKind.DATE)
    return {name for name, kind in labels.items() if kind in kinds} if isinstance(labels, dict) else set()


def _exported_time(stamp: Any) -> str | None:
    """A stored time as the export writes it (ISO 8601 with a Z; microseconds only if
    there are any), or None if it is not in a form the store writes."""
    if type(stamp) is str and len(stamp) == 26 and stamp[10] == " " and stamp[19] == ".":
        # SQLite's naive UTC text, which always has microseconds.
        return stamp.replace(" ", "T", 1) + "Z" if not stamp.endswith(".000000") else f"{stamp[:10]}T{stamp[11:19]}Z"
    return _aware_time(stamp)


def _aware_time(stamp: Any) -> str | None:
    """A time the driver gave as an aware datetime (PostgreSQL) as the export writes it
    (ISO 8601, UTC as ``Z``); None for anything else."""
    if not isinstance(stamp, datetime) or stamp.tzinfo is None:
        return None
    text = stamp.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


@functools.lru_cache(maxsize=65536)
def _normal_value_text(text: str) -> dict | None:
    """``_normal_value`` of a value stored as JSON text (SQLite)."""
    try:
        return _normal_value(json.loads(text))
    except ValueError:
        return None


def _normal_value(value: Any) -> dict | None:
    """A span's value as exported (validated and normalized), or None if it is invalid.
    Many spans share a value (the same year, the same amount): each is checked once,
    and the spans share the resulting dict, which nobody may change."""
    if not isinstance(value, dict):
        return None
    try:
        return _normal_value_of(tuple(sorted(value.items())))
    except TypeError:  # an unhashable part: not a value this version writes
        return None


@functools.lru_cache(maxsize=65536)
def _normal_value_of(items: tuple) -> dict | None:
    value = dict(items)
    try:
        return parse_value(value).model_dump(mode="json", exclude_none=value.get("type") == "date")
    except (ValidationError, ValueError):
        return None


def _value_warnings(document: dict, kinds: dict[str, LabelKind], doc_id: int | None) -> Iterator[Problem]:
    for span in document["annotations"]:
        kind = kinds.get(span["label"])
        if kind is not LabelKind.FIGURE and kind is not LabelKind.DATE:
            continue
        value, label, text = span["value"], span["label"], span["text"]
        if not value:
            reason = f"{label} {text!r} has no normalized value" if kind is LabelKind.FIGURE else \
                f"date {text!r} has no normalized value"
        elif kind is LabelKind.DATE and value.get("unresolved"):
            reason = f"date {text!r} is not resolved: {value['unresolved']}"
        else:
            continue
        yield Problem(Severity.WARNING, document["id"], reason, doc_id=doc_id, annotation_id=span["id"],
                      start=span["start"], end=span["end"], annotator=span["annotator"])


def _span_problem(raw: dict, doc_id: int | None, message: str) -> Problem:
    match = _INDEX.match(message)
    span = raw["annotations"][int(match.group(1))] if match else None
    if span is not None:
        message = message[match.end() :].lstrip(".: ")
    return Problem(
        Severity.ERROR,
        str(raw.get("id")),
        message,
        doc_id=doc_id,
        annotation_id=span["id"] if span else None,
        start=span["start"] if span else None,
        end=span["end"] if span else None,
        annotator=span.get("annotator") if isinstance(span, dict) else None,
    )


def _duplicate_warnings(document: dict, doc_id: int | None) -> Iterator[Problem]:
    """A span tagged twice in one layer, and words one layer gives two labels (a label
    corrected in another tool and imported again beside the old, versions merged in gold)."""
    seen: set[tuple] = set()
    labelled: dict[tuple, str] = {}  # (start, end, annotator) -> the first label given
    for span in document["annotations"]:
        key = (span["start"], span["end"], span["label"], span["annotator"])
        place = (span["start"], span["end"], span["annotator"])
        if key in seen:
            message = f"{span['annotator']} tagged the same {span['label']} span twice"
        elif labelled.setdefault(place, span["label"]) != span["label"]:
            message = f"{span['text']!r} has two labels in one layer, {' and '.join(sorted((labelled[place], span['label'])))}: keep one"
        else:
            message = None
        if message:
            yield Problem(Severity.WARNING, document["id"], message, doc_id=doc_id, annotation_id=span["id"],
                          start=span["start"], end=span["end"], annotator=span["annotator"])
        seen.add(key)


_DONE, _TODO = DocumentStatus.DONE.value, DocumentStatus.TODO.value


def iter_export_documents(
    store: Store, annotator: str | None = None, job: Job | None = None, skip: set[int] | frozenset = frozenset(),
    first: int | None = None, last: int | None = None,
) -> Iterator[tuple[dict | None, list[Problem]]]:
    """Every document of the project (ids ``first``..``last`` if given), validated, as
    JSON-ready data (None if invalid) with its problems, in id order.

    ``annotator`` restricts the annotations to one annotator's layer (and takes
    that annotator's status); ``None`` exports every annotator's spans. Nobody marks the
    gold layer done: a document of the gold layer, like one of every layer, is done if
    anyone marked it done, and ``done_by`` names them.
    """
    job = job or Job()
    labels = {label.name: label.kind for label in store.label_schema.labels}
    entities = {entity.id: (entity.type, entity.name) for entity in store.entities()}
    total = store.document_count() if first is None or last is None else last - first + 1  # for progress
    done_by = store.done_by(None if annotator in (None, GOLD) else annotator, first, last)
    valued = _valued(labels)
    sets = {category.name: category for category in store.label_schema.categories}
    categories: dict[int, list[tuple[str, str, list[str]]]] = {}
    scope = None if first is None or last is None else range(first, last + 1)
    for doc_id, who, name, choices in store.category_rows(None if annotator is None else [annotator], scope):
        categories.setdefault(doc_id, []).append((who, name, choices))
    schema = store.label_schema
    relations: dict[int, list[Relation]] = {}
    for relation in store.relation_rows(None if annotator is None else [annotator], scope):
        relations.setdefault(relation.doc_id, []).append(relation)
    documents = store.iter_documents_with_span_rows(annotator, first=first, last=last)
    for index, (document, spans) in enumerate(documents):
        if index % 200 == 0:
            job.check()
            job.set_progress(index, total)
        if document.id in skip:
            continue
        done = done_by.get(document.id)
        status = DocumentStatus.DONE if done is not None else DocumentStatus.TODO
        try:
            quick = exported_quickly(document, spans, _DONE if done is not None else _TODO, labels, entities, valued)
            if quick is None:
                exported, problems = check_document(export_document(document, spans, status), labels, document.id,
                                                    entities)
            else:
                exported, warned = quick
                problems = _warnings(exported, labels, document.id, entities) if warned else []
            if exported is not None:  # (most documents have no categories or relations: nothing more to do)
                exported["done_by"] = done or []
                chosen, related = categories.get(document.id), relations.get(document.id)
                if chosen:
                    exported["categories"], wrong = category_entries(exported, document.id, chosen, sets)
                    problems = problems + wrong if wrong else problems
                if related:
                    exported["relations"], wrong = relation_entries(exported, document.id, related, schema)
                    problems = problems + wrong if wrong else problems
        except Exception as exc:  # one document the checks fail on: reported by name, the others go on
            if stops_the_batch(exc):
                raise
            exported, problems = None, [Problem(Severity.ERROR, str(document.uid), f"could not be checked "
                                                f"({reason_of(exc)}); it is not exported", doc_id=document.id)]
        yield exported, problems
    job.set_progress(total, total)


def category_entries(document: dict, doc_id: int, rows: list[tuple[str, str, list[str]]],
                     sets: dict[str, CategorySet]) -> tuple[list[dict], list[Problem]]:
    """A document's categories as exported (annotator, set, choices) and what is wrong with
    them: a set or choice the schema no longer has is left out with a warning (the
    schema was edited after they were set), as is a second choice in a one-choice set."""
    entries, problems = [], []
    for annotator, name, choices in rows:
        category = sets.get(name)
        if category is None:
            problems.append(Problem(Severity.WARNING, document["id"], f"{annotator}'s category set {name!r} is "
                                    "no longer in the schema; left out", doc_id=doc_id, annotator=annotator))
            continue
        kept = [choice for choice in choices if choice in category.names]
        if len(kept) < len(choices):
            problems.append(Problem(Severity.WARNING, document["id"], f"{annotator}'s {name} choice(s) "
                                    f"{', '.join(c for c in choices if c not in kept)!r} no longer in the schema; "
                                    "left out", doc_id=doc_id, annotator=annotator))
        if not category.multiple and len(kept) > 1:
            problems.append(Problem(Severity.WARNING, document["id"], f"{annotator} chose {len(kept)} in {name}, "
                                    "which takes one; the first is kept", doc_id=doc_id, annotator=annotator))
            kept = kept[:1]
        if kept:
            entries.append({"annotator": annotator, "set": name, "choices": kept})
    return entries, problems


def relation_entries(document: dict, doc_id: int, relations: list[Relation], schema: LabelSchema
                     ) -> tuple[list[dict], list[Problem]]:
    """A document's relations as exported (ids of both spans, label, annotator) and what
    is wrong with them (``relation_problems``): each wrong one an error, left out."""
    if not relations:  # (most documents: their spans are not made models for nothing)
        return [], []
    spans = {a["id"]: Annotation.model_construct(id=a["id"], doc_id=doc_id, label=a["label"],
                                                 annotator=a["annotator"], start=a["start"], end=a["end"])
             for a in document["annotations"]}
    entries, problems = [], []
    counts = link_counts(relations, schema)
    for relation in relations:
        wrong = relation_problems(relation, spans, schema, counts=counts)
        if wrong:
            problems.append(Problem(Severity.ERROR, document["id"], f"{relation.annotator}'s {relation.label} relation "
                                    f"{relation.id}: {'; '.join(wrong)}", doc_id=doc_id, annotator=relation.annotator))
            continue
        entries.append({"id": relation.id, "source_id": relation.source_id, "target_id": relation.target_id,
                        "label": relation.label, "annotator": relation.annotator})
    return entries, problems


def validate_project(store: Store, annotator: str | None = None, job: Job | None = None) -> list[Problem]:
    """All problems in the project (or one annotator's layer), errors first."""
    problems = fact_problems(store)
    problems += [p for _doc, found in iter_export_documents(store, annotator, job) for p in found]
    return sorted(problems, key=lambda p: p.severity != Severity.ERROR)


def fact_problems(store: Store) -> list[Problem]:
    """Recorded facts the dataset model refuses (say, an accepted value stored as text by
    an older Curator): each an error, so that no export writes them."""
    from pydantic import ValidationError

    from curator.domain.models import Fact

    problems = []
    for fact in store.facts().values():
        try:
            Fact.model_validate(fact.model_dump())
        except ValidationError as exc:
            reasons = "; ".join(f"{'.'.join(map(str, e['loc']))}: {error_text(e)}" for e in exc.errors())
            problems.append(Problem(Severity.ERROR, f"fact {fact.measure} ({fact.period_start} - {fact.period_end})",
                                    f"{reasons}; record the fact again with a number"))
    return problems


__all__ = ["ExportAnnotation", "Problem", "Severity", "check_document", "fact_problems", "iter_export_documents",
           "validate_project"]
