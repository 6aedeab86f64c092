"""Label Studio tasks JSON, both ways: one task per document, one annotation per annotator
(``completed_by``), ``labels`` results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from curator.domain.models import Annotation
from curator.errors import CuratorError
from curator.formats.annotated import (
    AnnotatedDocument,
    FieldReader,
    categories_by_document,
    load_json,
    new_document,
    read_choices,
    refuse_invalid,
)
from curator.formats.article_files import parse_date
from curator.formats.boundary import (
    Problems,
    describe,
)
from curator.formats.outputs import atomic_path
from curator.store import Store


def _annotator_of(record: FieldReader, completed_by: Any, default: str) -> str | None:
    if isinstance(completed_by, dict):
        completed_by = completed_by.get("email") or completed_by.get("id")
    if completed_by is None or completed_by == "":
        return default
    if type(completed_by) is int:
        return str(completed_by)
    return record.text(completed_by, "completed_by")


def read_labelstudio(path: Path, payload: Any = None) -> list[AnnotatedDocument]:
    """Label Studio tasks; raises ``FileRefused`` (nothing read) if any task is malformed.
    ``payload``: the file's JSON, if it was already read as ``load_json`` reads it."""
    if payload is None:
        payload = load_json(path)
    if not isinstance(payload, list):
        raise CuratorError(f"{path}: a Label Studio export is a list of tasks, not {describe(payload)}")
    problems = Problems(str(path))
    documents = []
    for number, task in enumerate(payload, start=1):
        record = FieldReader(problems, f"task {number}")
        data = task.get("data") if isinstance(task, dict) else None
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            record.bad("data.text", "no data.text (a string)")
            continue
        meta = record.mapping(data.get("meta"), "data.meta")
        if meta is None:
            continue
        uid = record.uid(meta.get("uid") or data.get("id") or task.get("id"), "data.meta.uid", f"{path.stem}-{number}")
        fields: dict[str, Any] = {key: record.text(meta.get(key), f"data.meta.{key}", required=False)
                                  for key in ("title", "source", "url") if meta.get(key) is not None}
        # Anything else in the task's data or meta is kept as extra metadata.
        fields["extra"] = {**{k: v for k, v in data.items() if k not in ("text", "meta", "id")},
                           **{k: v for k, v in meta.items() if k not in ("uid", "title", "source", "url",
                                                                          "published")}}
        if meta.get("published") is not None:  # as Curator's export writes it, or any date the import reads
            try:
                fields["published"] = parse_date(meta["published"])
            except ValueError:
                fields["extra"]["published"] = meta["published"]  # kept as it was written
        document = new_document(record, uid, record.text(data["text"], "data.text"), fields)
        for index, annotation in enumerate(record.items(task.get("annotations"), "annotations")):
            where = f"annotations.{index}"
            if not isinstance(annotation, dict):
                record.bad(where, f"is {describe(annotation)}, not an object")
                continue
            annotator = _annotator_of(record, annotation.get("completed_by"), "label-studio")
            for number_r, result in enumerate(record.items(annotation.get("result"), f"{where}.result")):
                field = f"{where}.result.{number_r}"
                if not isinstance(result, dict):
                    record.bad(field, f"is {describe(result)}, not an object")
                    continue
                value = record.mapping(result.get("value"), f"{field}.value", required=True)
                if value is None:
                    continue
                labels = value.get("labels")
                if labels is None and "choices" in value:  # a document category
                    choices = read_choices(record, value["choices"], f"{field}.value.choices")
                    set_name = record.text(result.get("from_name"), f"{field}.from_name")
                    if choices and set_name and annotator and document:
                        document.categories.append((annotator, set_name, choices))
                    continue
                if labels is None:  # a rating, a text area...: not a span
                    if document:
                        document.notes.append(f"{record.name}: {field}: a {str(result.get('type'))[:40]!r} result, "
                                              "not labels of a span; not imported")
                    continue
                if not isinstance(labels, list):
                    record.bad(f"{field}.value.labels", f"is {describe(labels)}, not a list of labels")
                    continue
                span = record.offsets(value.get("start"), value.get("end"),
                                      (f"{field}.value.start", f"{field}.value.end"))
                for label in labels:
                    label = record.text(label, f"{field}.value.labels")
                    if span and label and annotator and document:
                        document.spans.append((*span, label, annotator, {}))
        if document:
            documents.append(document)
    problems.refuse_if_any()
    return documents


def export_labelstudio(store: Store, target: Path, annotator: str | None = None) -> None:
    refuse_invalid(store, Path(target), annotator)
    tasks = []
    categories = categories_by_document(store, annotator)
    for number, (document, spans) in enumerate(store.iter_documents_with_annotations(annotator), start=1):
        by_annotator: dict[str, list[Annotation]] = {}
        for span in spans:
            by_annotator.setdefault(span.annotator, []).append(span)
        chosen = categories.get(document.id, {})
        for name in chosen:
            by_annotator.setdefault(name, [])
        tasks.append({
            "id": number,
            "data": {"text": document.text, "meta": {
                "uid": document.uid, "title": document.title, "source": document.source, "url": document.url,
                "published": document.published.isoformat() if document.published else None}},
            "annotations": [{"completed_by": name, "result": [
                {"id": span.id[:10], "from_name": "label", "to_name": "text", "type": "labels",
                 "value": {"start": span.start, "end": span.end, "text": document.text[span.start:span.end],
                           "labels": [span.label]}} for span in layer] + [
                {"from_name": set_name, "to_name": "text", "type": "choices", "value": {"choices": choices}}
                for set_name, choices in chosen.get(name, {}).items()]}
                for name, layer in by_annotator.items()],
        })
    with atomic_path(target) as temp:
        temp.write_text(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
