"""Validate a project's data before it is exported.

Each problem names the document, the span offsets where there are some, and the
reason. Errors block an export; warnings are reported but do not.
"""

from __future__ import annotations

import json
from datetime import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from pydantic import ValidationError

from curator.dataset import ExportAnnotation, ExportDocument
from curator.jobs import Job
from curator.models import Document, DocumentStatus
from curator.schema import LabelKind
from curator.store import Store


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, located as precisely as we can."""

    severity: Severity
    doc_uid: str
    message: str
    doc_id: int | None = None
    annotation_id: str | None = None
    start: int | None = None
    end: int | None = None

    def __str__(self) -> str:
        where = self.doc_uid
        if self.start is not None:
            where += f" [{self.start}:{self.end}]"
        return f"{self.severity.value}: {where}: {self.message}"


def export_annotation(span: dict, text: str) -> dict:
    """A stored span record as the export's annotation dict (times and value still text)."""
    raw_value = span["value"]
    return {
        "id": span["id"],
        "start": span["start"],
        "end": span["end"],
        "text": text[span["start"] : span["end"]],
        "label": span["label"],
        "annotator": span["annotator"],
        # SQLite hands back naive UTC times as text; pydantic parses them as UTC with the "Z".
        "created": _utc(span["created"]),
        "updated": _utc(span["updated"]),
        "value": json.loads(raw_value) if isinstance(raw_value, str) else raw_value,
        "entity_id": span["entity_id"],
    }


def _utc(stamp: str | datetime) -> str | datetime:
    if isinstance(stamp, datetime):  # PostgreSQL's driver hands back aware datetimes
        return stamp
    return stamp if "+" in stamp[10:] or stamp.endswith("Z") else stamp + "Z"


def export_document(document: Document, annotations: list[dict], status: DocumentStatus) -> dict:
    return {
        "id": document.uid,
        "title": document.title,
        "source": document.source,
        "url": document.url,
        "published": document.published,
        "status": status.value,
        "text": document.text,
        "annotations": [export_annotation(a, document.text) for a in annotations],
    }


_INDEX = re.compile(r"annotations\.(\d+)")


def check_document(raw: dict, labels: set[str] | dict[str, LabelKind], doc_id: int | None = None,
                   entities: set[str] | None = None) -> tuple[ExportDocument | None, list[Problem]]:
    """Validate one exported document; returns the model (if valid) and its problems.

    ``labels`` maps each label to its kind (a plain set skips the value checks);
    ``entities`` holds the ids that entity links may point to.
    """
    problems: list[Problem] = []
    try:
        document = ExportDocument.model_validate(raw, context={"labels": set(labels), "entities": entities})
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
    problems.extend(_duplicate_warnings(document, doc_id))
    if isinstance(labels, dict):
        problems.extend(_value_warnings(document, labels, doc_id))
    return document, problems


def _value_warnings(document: ExportDocument, kinds: dict[str, LabelKind], doc_id: int | None) -> Iterator[Problem]:
    for span in document.annotations:
        kind = kinds.get(span.label)
        reason = None
        if kind is LabelKind.FIGURE and not span.value:
            reason = f"{span.label} {span.text!r} has no normalized value"
        elif kind is LabelKind.DATE and not span.value:
            reason = f"date {span.text!r} has no normalized value"
        elif kind is LabelKind.DATE and span.value.get("unresolved"):
            reason = f"date {span.text!r} is not resolved: {span.value['unresolved']}"
        if reason:
            yield Problem(Severity.WARNING, document.id, reason, doc_id=doc_id, annotation_id=span.id,
                          start=span.start, end=span.end)


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
    )


def _duplicate_warnings(document: ExportDocument, doc_id: int | None) -> Iterator[Problem]:
    seen: set[tuple] = set()
    for span in document.annotations:
        key = (span.start, span.end, span.label, span.annotator)
        if key in seen:
            yield Problem(
                Severity.WARNING,
                document.id,
                f"{span.annotator} tagged the same {span.label} span twice",
                doc_id=doc_id,
                annotation_id=span.id,
                start=span.start,
                end=span.end,
            )
        seen.add(key)


def iter_export_documents(
    store: Store, annotator: str | None = None, job: Job | None = None, skip: set[int] | frozenset = frozenset()
) -> Iterator[tuple[ExportDocument | None, list[Problem]]]:
    """Every document of the project, validated, with its problems, in id order.

    ``annotator`` restricts the annotations to one annotator's layer (and takes
    that annotator's status); ``None`` exports every annotator's spans.
    """
    job = job or Job()
    labels = {label.name: label.kind for label in store.label_schema.labels}
    entities = {entity.id for entity in store.entities()}
    total = store.document_count()
    status_of = store.statuses(annotator)  # with no layer chosen: done by anyone
    for index, (document, spans) in enumerate(store.iter_documents_with_span_records(annotator)):
        if index % 200 == 0:
            job.check()
            job.set_progress(index, total)
        if document.id in skip:
            continue
        raw = export_document(document, spans, status_of.get(document.id, DocumentStatus.TODO))
        yield check_document(raw, labels, document.id, entities)
    job.set_progress(total, total)


def validate_project(store: Store, annotator: str | None = None, job: Job | None = None) -> list[Problem]:
    """All problems in the project (or one annotator's layer), errors first."""
    problems = [p for _doc, found in iter_export_documents(store, annotator, job) for p in found]
    return sorted(problems, key=lambda p: p.severity != Severity.ERROR)


__all__ = ["ExportAnnotation", "Problem", "Severity", "check_document", "iter_export_documents", "validate_project"]
