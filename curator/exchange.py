"""Annotator layer files: one JSON file per annotator, the exchange format.

A file holds one annotator's spans (with values and entity links), statuses and
the entities it links to, for the documents they worked on. Documents are
matched by id and checked by a hash of their text, so a file made on another
copy of the project imports losslessly, and importing it twice changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from curator.dataset import ExportAnnotation
from curator.errors import CuratorError
from curator.export import atomic_path
from curator.models import Annotation, DocumentStatus, Entity, utc_now
from curator.store import Store

FORMAT = "curator-annotations"
FORMAT_VERSION = 1


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def export_layer(store: Store, annotator: str, target: str | Path) -> int:
    """Write ``annotator``'s layer to ``target``; returns how many documents it covers."""
    statuses = store.statuses(annotator)
    documents = []
    linked: set[str] = set()
    for document, spans in store.iter_documents_with_annotations(annotator):
        status = statuses.get(document.id, DocumentStatus.TODO)
        if not spans and status is DocumentStatus.TODO:
            continue
        linked.update(s.entity_id for s in spans if s.entity_id)
        documents.append({
            "id": document.uid,
            "text_sha256": text_hash(document.text),
            "status": status.value,
            "annotations": [
                {"id": s.id, "start": s.start, "end": s.end, "text": document.text[s.start : s.end],
                 "label": s.label, "value": s.value, "entity_id": s.entity_id,
                 "created": s.created.isoformat(), "updated": s.updated.isoformat()}
                for s in spans
            ],
        })
    payload = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "annotator": annotator,
        "project": store.project.name,
        "entities": [e.model_dump(mode="json") for e in store.entities() if e.id in linked],
        "documents": documents,
    }
    target = Path(target)
    with atomic_path(target) as temp:
        temp.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(documents)


@dataclass
class LayerImportReport:
    """What importing a layer file did, and what it could not import."""

    annotator: str = ""
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    entities_added: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (f"{self.annotator}: {self.added} span(s) added, {self.updated} updated, "
                f"{self.unchanged} already present, {self.entities_added} entit(ies) added")
        return text + (f", {len(self.problems)} problem(s)" if self.problems else "")


def _load(path: Path) -> dict[str, Any]:
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CuratorError(f"{path}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise CuratorError(f"{path}: not valid UTF-8 (byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise CuratorError(f"{path}: malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CuratorError(f"{path}: not a Curator annotation file (expected \"format\": \"{FORMAT}\")")
    if payload.get("format_version") != FORMAT_VERSION:
        raise CuratorError(f"{path}: annotation file version {payload.get('format_version')!r} is not supported")
    if not isinstance(payload.get("annotator"), str) or not payload["annotator"].strip():
        raise CuratorError(f"{path}: the file does not name its annotator")
    if not isinstance(payload.get("documents"), list):
        raise CuratorError(f"{path}: 'documents' must be a list")
    return payload


def import_layer(store: Store, path: str | Path) -> LayerImportReport:
    """Import one annotator's layer file. Bad documents and spans are reported, the rest imported."""
    path = Path(path)
    payload = _load(path)
    annotator = payload["annotator"].strip()
    report = LayerImportReport(annotator=annotator)
    labels = set(store.label_schema.names)

    known_entities = {e.id: e for e in store.entities()}
    for raw in payload.get("entities") or []:
        try:
            entity = Entity.model_validate(raw)
        except ValidationError as exc:
            report.problems.append(f"{path.name}: entity {raw.get('id') if isinstance(raw, dict) else raw!r}: "
                                   f"{exc.errors()[0]['msg']}")
            continue
        if entity.id not in known_entities:
            store.add_entity(entity)
            known_entities[entity.id] = entity
            report.entities_added += 1

    new: list[Annotation] = []
    for number, entry in enumerate(payload["documents"], start=1):
        where = f"{path.name}: document {entry.get('id') if isinstance(entry, dict) else number!r}"
        if not isinstance(entry, dict) or not isinstance(entry.get("annotations"), list):
            report.problems.append(f"{where}: expected an object with 'id' and 'annotations'")
            continue
        document = store.document_by_uid(str(entry.get("id")))
        if document is None:
            report.problems.append(f"{where}: no such document in this project")
            continue
        if entry.get("text_sha256") and entry["text_sha256"] != text_hash(document.text):
            report.problems.append(f"{where}: the document's text differs from this project's copy; not imported")
            continue
        existing = {a.id: a for a in store.annotations_for(document.id)}
        for raw in entry["annotations"]:
            span = _check_span(raw, document.text, labels, set(known_entities), annotator, where, report)
            if span is None:
                continue
            annotation = Annotation(doc_id=document.id, annotator=annotator, **span)
            old = existing.get(annotation.id)
            if old is None:
                new.append(annotation)
            elif old.annotator != annotator:
                report.problems.append(f"{where} [{annotation.start}:{annotation.end}]: span id {annotation.id} "
                                       f"belongs to {old.annotator}, not {annotator}; skipped")
            elif _same(old, annotation):
                report.unchanged += 1
            elif annotation.updated > old.updated:
                store.update_annotation(annotation.id, start=annotation.start, end=annotation.end,
                                        label=annotation.label, value=annotation.value, entity_id=annotation.entity_id)
                report.updated += 1
            else:
                report.unchanged += 1  # ours is newer: keep it
        if entry.get("status") == DocumentStatus.DONE.value and \
                store.status(document.id, annotator) is not DocumentStatus.DONE:
            store.set_status(document.id, annotator, DocumentStatus.DONE)
    store.add_annotations(new)
    report.added = len(new)
    return report


def _same(a: Annotation, b: Annotation) -> bool:
    fields = ("start", "end", "label", "value", "entity_id")
    return all(getattr(a, name) == getattr(b, name) for name in fields)


def _check_span(raw: Any, text: str, labels: set[str], entities: set[str], annotator: str, where: str,
                report: LayerImportReport) -> dict | None:
    if not isinstance(raw, dict):
        report.problems.append(f"{where}: a span is not an object")
        return None
    now = utc_now()
    full = {"created": now, "updated": now, **raw, "annotator": annotator}
    if isinstance(raw.get("start"), int) and isinstance(raw.get("end"), int):
        full["text"] = text[raw["start"] : raw["end"]]  # compared with the file's text below
    try:
        checked = ExportAnnotation.model_validate(full, context={"labels": labels, "entities": entities})
    except ValidationError as exc:
        error = exc.errors()[0]
        report.problems.append(f"{where} [{raw.get('start')}:{raw.get('end')}]: "
                               f"{'.'.join(map(str, error['loc']))}: {error['msg']}")
        return None
    if checked.end > len(text):
        report.problems.append(f"{where} [{checked.start}:{checked.end}]: span is outside the text "
                               f"(length {len(text)})")
        return None
    if "text" in raw and raw["text"] != text[checked.start : checked.end]:
        report.problems.append(f"{where} [{checked.start}:{checked.end}]: span text {raw['text']!r} differs from "
                               f"the document text {text[checked.start:checked.end]!r}")
        return None
    return {"id": checked.id, "start": checked.start, "end": checked.end, "label": checked.label,
            "value": checked.value, "entity_id": checked.entity_id, "created": checked.created,
            "updated": checked.updated}
