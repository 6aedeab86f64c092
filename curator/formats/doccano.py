"""doccano JSONL, both ways: one line per document and annotator, ``label`` triples (or
``entities`` objects) and the article's metadata. Lines end at ``\n`` only."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from curator.domain.models import Annotation
from curator.formats.annotated import (
    AnnotatedDocument,
    FieldReader,
    categories_by_document,
    category_entry,
    new_document,
    read_lines,
    refuse_invalid,
)
from curator.formats.article_files import Skipped, record_to_candidate
from curator.formats.boundary import (
    BadJSON,
    Problems,
    describe,
    loads,
)
from curator.formats.outputs import atomic_path
from curator.formats.reports import ImportProblem
from curator.store import Store


def read_doccano(path: Path) -> list[AnnotatedDocument]:
    """doccano JSONL (``label`` triples or ``entities`` objects), with the record's metadata
    read as the article import reads it; raises ``FileRefused`` if any line is malformed."""
    problems = Problems(str(path))
    documents = []
    for number, line in enumerate(read_lines(path), start=1):
        if not line.strip():
            continue
        record = FieldReader(problems, f"line {number}")
        try:
            raw = loads(line)
        except BadJSON as exc:
            record.bad(None, str(exc))
            continue
        if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
            record.bad("text", "no 'text' (a string)")
            continue
        annotator = record.text(raw.get("annotator") or "doccano", "annotator")
        document = _doccano_document(record, raw, path, number)
        for index, item in enumerate(record.items(raw.get("label"), "label")):
            if not isinstance(item, list) or len(item) != 3:
                size = f" of {len(item)}" if isinstance(item, list) else ""
                record.bad(f"label.{index}", f"is {describe(item)}{size}, not [start, end, label]")
                continue
            span = record.offsets(item[0], item[1], (f"label.{index}.0", f"label.{index}.1"))
            label = record.text(item[2], f"label.{index}.2")
            if span and label and annotator and document:
                document.spans.append((*span, label, annotator, {}))
        for index, item in enumerate(record.items(raw.get("cats"), "cats")):  # document categories
            name = record.text(item, f"cats.{index}")
            if name and annotator and document:
                set_name, choice = category_entry(name)
                document.categories.append((annotator, set_name, [choice]))
        for index, item in enumerate(record.items(raw.get("entities"), "entities")):
            if not isinstance(item, dict):
                record.bad(f"entities.{index}", f"is {describe(item)}, not an object")
                continue
            span = record.offsets(item.get("start_offset"), item.get("end_offset"),
                                  (f"entities.{index}.start_offset", f"entities.{index}.end_offset"))
            label = record.text(item.get("label"), f"entities.{index}.label")
            if span and label and annotator and document:
                document.spans.append((*span, label, annotator, {}))
        if document:
            documents.append(document)
    problems.refuse_if_any()
    return documents


def _doccano_document(record: FieldReader, raw: dict, path: Path, number: int) -> AnnotatedDocument | None:
    fields = {k: v for k, v in raw.items() if k not in ("label", "entities", "annotator", "cats")}
    if "uid" in fields:  # Curator's own doccano export names the document "uid"
        fields["id"] = fields.pop("uid")
    warnings: list[ImportProblem] = []
    try:
        candidate = record_to_candidate(fields, file=path.name, record_name=record.name,
                                        default_uid=f"{path.stem}-{number}", warnings=warnings)
    except Skipped as exc:
        record.bad(None, str(exc))
        return None
    document = new_document(record, candidate.uid, candidate.text, dict(candidate.fields))
    if document is not None:  # e.g. a date that is not a date, kept in the extra metadata
        document.notes.extend(f"{record.name}: {warning.reason}" for warning in warnings)
    return document


def export_doccano(store: Store, target: Path, annotator: str | None = None) -> None:
    refuse_invalid(store, Path(target), annotator)
    categories = categories_by_document(store, annotator)
    with atomic_path(target) as temp, temp.open("w", encoding="utf-8") as out:
        for document, spans in store.iter_documents_with_annotations(annotator):
            by_annotator: dict[str, list[Annotation]] = {}
            for span in spans:
                by_annotator.setdefault(span.annotator, []).append(span)
            chosen = categories.get(document.id, {})
            for name in chosen:
                by_annotator.setdefault(name, [])
            meta = {key: value.isoformat() if isinstance(value, date) else value
                    for key in ("title", "source", "url", "published")
                    if (value := getattr(document, key)) is not None}
            for name, layer in by_annotator.items() or [("", [])]:
                record = {"uid": document.uid, "text": document.text, **meta, "annotator": name or None,
                          "label": [[s.start, s.end, s.label] for s in layer]}
                if name in chosen:  # doccano's document categories, each "set:choice"
                    record["cats"] = [f"{set_name}:{choice}" for set_name, choices in chosen[name].items()
                                      for choice in choices]
                # ASCII-escaped: a raw U+2028 or U+0085 would end the line for readers that
                # split lines on every Unicode line break.
                out.write(json.dumps(record) + "\n")
