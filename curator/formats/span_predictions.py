"""Pre-annotations from outside as a JSONL of spans: what another model or tool found in
the project's documents, to be offered as suggestions with their source named.

One JSON object a line (lines end at ``\\n`` only)::

    {"id": "doc-17", "spans": [{"start": 0, "end": 7, "label": "PERSON", "score": 0.93}]}

``id`` is the document's id in the project; a line may give the document's ``text``
instead of (or as well as) its id, as Prodigy's and spaCy's JSONL do, and it is then
matched by its text (with an id as well, the text must be the document's). A span's
``score`` (or ``confidence``), from 0 to 1, is optional. ``meta`` and other keys are
ignored. A line that is not such an object, or a span that is not one, refuses the file
whole before anything is suggested; which documents and labels the project has is
checked later, span by span (``preannotations``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curator.formats.annotated import FieldReader, jsonl_records
from curator.formats.boundary import Problems, describe

MAX_SPANS = 100_000  # on one line: more is not a document's pre-annotation


@dataclass(frozen=True)
class PredictedSpan:
    start: int
    end: int
    label: str
    score: float | None


@dataclass(frozen=True)
class PredictedDocument:
    """One line: the document it names (``uid``, ``text`` or both) and its spans."""

    record: str
    uid: str | None
    text: str | None
    spans: tuple[PredictedSpan, ...]


def read_span_predictions(path: Path) -> list[PredictedDocument]:
    """The lines of a JSONL of spans; ``FileRefused`` listing every malformed line and
    field (nothing is read from a file with any), ``CuratorError`` if it cannot be read."""
    problems = Problems(str(path))
    found = []
    for number, record, raw in jsonl_records(path, problems):
        if not isinstance(raw, dict):
            record.bad(None, f"is {describe(raw)}, not an object")
            continue
        document = _document(record, raw)
        if document is not None:
            found.append(document)
    problems.refuse_if_any()
    return found


def _document(record: FieldReader, raw: dict[str, Any]) -> PredictedDocument | None:
    before = len(record.problems.found)
    uid = record.uid(raw.get("id"), "id", "") or None if "id" in raw else None
    text = record.text(raw.get("text"), "text") if "text" in raw else None
    if uid is None and text is None and len(record.problems.found) == before:
        record.bad(None, "names no document: give its 'id' (or its 'text')")
    items = record.items(raw.get("spans"), "spans")
    if len(items) > MAX_SPANS:
        record.bad("spans", f"has {len(items):,} spans, more than the limit of {MAX_SPANS:,}")
        return None
    spans = [_span(record, item, f"spans.{index}") for index, item in enumerate(items)]
    if len(record.problems.found) > before:
        return None
    return PredictedDocument(record.name, uid, text, tuple(s for s in spans if s is not None))


def _span(record: FieldReader, item: Any, field: str) -> PredictedSpan | None:
    span = record.mapping(item, field, required=True)
    if span is None:
        return None
    offsets = record.offsets(span.get("start"), span.get("end"), (f"{field}.start", f"{field}.end"))
    label = record.text(span.get("label"), f"{field}.label")
    score = span.get("score", span.get("confidence"))
    if score is not None and (isinstance(score, bool) or not isinstance(score, int | float)
                              or not math.isfinite(score) or not 0 <= score <= 1):
        record.bad(f"{field}.score", f"is {describe(score)} ({str(score)[:40]}), not a number from 0 to 1")
        return None
    if offsets is None or label is None:
        return None
    if not 0 <= offsets[0] < offsets[1]:
        record.bad(field, f"start {offsets[0]} and end {offsets[1]} are not a span (0 <= start < end)")
        return None
    return PredictedSpan(offsets[0], offsets[1], label, None if score is None else float(score))
