"""Annotator layer files: one JSON file per annotator, the exchange format.

A file holds one annotator's spans (with values and entity links), statuses and
category choices (each with when it was set), and the entities the spans link to,
for the documents they worked on. Documents are matched by id and checked by a hash
of their text, so a file made on another copy of the project imports losslessly, and
importing it twice changes nothing. Where both sides changed a span, a status or a
choice, the later change is kept.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from curator.domain.dataset import ExportAnnotation
from curator.domain.model_base import error_text
from curator.domain.models import GOLD, Annotation, DocumentStatus, Entity, utc, utc_now
from curator.domain.names import check_annotator
from curator.domain.text import span_problem
from curator.errors import CuratorError
from curator.formats.annotated import (
    AnnotatedDocument,
    FoundRelation,
    fitting_categories,
    refuse_invalid,
)
from curator.formats.boundary import (
    TIME_EXPECTED,
    BadJSON,
    Problems,
    aware_time,
    describe,
    integer,
    loads,
    read_input,
    too_wide,
)
from curator.formats.outputs import atomic_path
from curator.formats.reports import ImportReport
from curator.store import Store
from curator.store.label_rows import schema_labels

FORMAT = "curator-annotations"
FORMAT_VERSION = 1


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def export_layer(store: Store, annotator: str, target: str | Path) -> int:
    """Write ``annotator``'s layer to ``target``; returns how many documents it covers."""
    refuse_invalid(store, Path(target), annotator)
    statuses = store.statuses_with_times(annotator)
    chosen = store.categories_with_times(annotator)
    documents = []
    linked: set[str] = set()
    for document, spans in store.iter_documents_with_annotations(annotator):
        status, status_updated = statuses.get(document.id, (DocumentStatus.TODO, None))
        categories = chosen.get(document.id, {})
        if not spans and status_updated is None and not categories:
            continue
        linked.update(s.entity_id for s in spans if s.entity_id)
        entry: dict[str, Any] = {"id": document.uid, "text_sha256": text_hash(document.text), "status": status.value}
        if status_updated is not None:  # (a document marked to-do again has one too)
            entry["status_updated"] = status_updated.isoformat()
        entry["annotations"] = [
            {"id": s.id, "start": s.start, "end": s.end, "text": document.text[s.start : s.end],
             "label": s.label, "value": s.value, "entity_id": s.entity_id,
             "created": s.created.isoformat(), "updated": s.updated.isoformat()}
            for s in spans
        ]
        if categories:
            entry["categories"] = [{"set": name, "choices": choices, "updated": updated.isoformat()}
                                   for name, (choices, updated) in categories.items()]
        relations = store.relations_for(document.id, annotator) if spans else []
        if relations:
            entry["relations"] = [{"id": r.id, "source_id": r.source_id, "target_id": r.target_id, "label": r.label,
                                   "created": r.created.isoformat()} for r in relations]
        documents.append(entry)
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


def _load(path: Path) -> dict[str, Any]:
    try:
        data = read_input(path)
    except FileNotFoundError as exc:
        raise CuratorError(f"{path}: no such file") from exc
    except OSError as exc:
        raise CuratorError(f"{path}: {exc.strerror or exc}") from exc
    try:
        payload = loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise CuratorError(f"{path}: not valid UTF-8 (byte {exc.start})") from exc
    except BadJSON as exc:
        raise CuratorError(f"{path}: {exc}") from exc
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CuratorError(f"{path}: not a Curator annotation file (expected \"format\": \"{FORMAT}\")")
    if payload.get("format_version") != FORMAT_VERSION:
        raise CuratorError(f"{path}: annotation file version {repr(payload.get('format_version'))[:40]} "
                           "is not supported")
    if not isinstance(payload.get("annotator"), str) or not payload["annotator"].strip():
        raise CuratorError(f"{path}: the file does not name its annotator")
    payload["annotator"] = check_annotator(payload["annotator"], f"{path}: annotator")  # in its one spelling
    if too_wide("annotator", payload["annotator"]):
        raise CuratorError(f"{path}: annotator: {too_wide('annotator', payload['annotator'])}")
    if not isinstance(payload.get("documents"), list):
        raise CuratorError(f"{path}: 'documents' must be a list")
    if not isinstance(payload.get("entities", []), list):
        raise CuratorError(f"{path}: 'entities' must be a list")
    return payload


@dataclass
class _Plan:
    """What importing a layer file will write, worked out before anything is written."""

    entities: list[Entity] = field(default_factory=list)
    new: list[Annotation] = field(default_factory=list)
    updates: list[Annotation] = field(default_factory=list)
    statuses: list[tuple[int, DocumentStatus, datetime | None]] = field(default_factory=list)  # with the file's time
    categories: list[tuple[int, str, list[str], datetime | None]] = field(default_factory=list)
    relations: list[AnnotatedDocument] = field(default_factory=list)  # each document's, ends by place


def import_layer(store: Store, path: str | Path, into_gold: bool = False) -> ImportReport:
    """Import one annotator's layer file. A file of the reviewed (gold) layer is refused
    unless ``into_gold``: gold is written by settling disagreements, and a file claiming
    it must not write there unasked.

    The whole file is checked before anything is written. A malformed file (a field of
    the wrong type, a time without a timezone, a span id twice, an invalid entity)
    raises ``FileRefused`` and changes nothing; documents and spans that do not fit this
    project (missing document, changed text, offsets, labels, links, values, another
    annotator's span id) are reported and skipped, and the rest is imported."""
    path = Path(path)
    payload = _load(path)
    annotator = payload["annotator"]
    if annotator.casefold() == GOLD and not into_gold:
        raise CuratorError(f"{path}: the file is the reviewed layer's ({annotator!r}); importing it writes into the "
                           "gold layer, which settling disagreements in review writes. Import it so only knowingly: "
                           "curator layer import PROJECT FILE --gold")
    if annotator.casefold() == GOLD:
        annotator = GOLD
    report = ImportReport(annotator=annotator)
    problems = Problems(path.name)
    plan = _Plan()
    known_entities = {e.id for e in store.entities()}
    for number, raw in enumerate(payload.get("entities") or [], start=1):
        try:
            entity = Entity.model_validate(raw)
        except ValidationError as exc:
            error = exc.errors()[0]
            problems.add(f"entity {number}", ".".join(map(str, error["loc"])) or None, error_text(error))
            continue
        wide = too_wide("entity id", entity.id) or too_wide("entity type", entity.type)
        if wide:
            problems.add(f"entity {number}", None, wide)
            continue
        if entity.id not in known_entities:
            plan.entities.append(entity)
            known_entities.add(entity.id)
    entries = []
    for number, entry in enumerate(payload["documents"], start=1):
        record = f"document {number}"
        if not isinstance(entry, dict) or not isinstance(entry.get("annotations"), list):
            problems.add(record, None, "expected an object with 'id' and 'annotations' (a list)")
        elif not isinstance(entry.get("id"), str) or not entry["id"]:
            problems.add(record, "id", f"is {describe(entry.get('id'))}, not a document id")
        elif not isinstance(entry.get("text_sha256"), (str, type(None))):
            problems.add(record, "text_sha256", f"is {describe(entry['text_sha256'])}, not a string")
        elif entry.get("status") not in (None, *DocumentStatus):
            problems.add(record, "status", f"{str(entry['status'])[:40]!r} is not todo or done")
        elif entry.get("status_updated") is not None and _time_problem(entry["status_updated"]):
            problems.add(record, "status_updated", _time_problem(entry["status_updated"]))
        elif _malformed_list(entry.get("categories"), "categories", record, problems, _category_problem):
            continue
        elif _malformed_list(entry.get("relations"), "relations", record, problems, _relation_problem):
            continue
        else:
            entries.append(entry)
    ids = [raw.get("id") for entry in entries for raw in entry["annotations"] if isinstance(raw, dict)]
    seen: set[str] = set()
    for span_id in ids:
        if isinstance(span_id, str) and span_id in seen:
            problems.add(None, "annotations.id", f"span id {span_id[:40]!r} appears twice in the file")
        seen.add(span_id) if isinstance(span_id, str) else None
    stored = store.annotations_by_id({i for i in ids if isinstance(i, str)})
    labels = set(store.label_schema.names)
    sets = {category.name: category for category in store.label_schema.categories}
    statuses, chosen = store.statuses_with_times(annotator), store.categories_with_times(annotator)
    for entry in entries:
        record = f"document {entry['id'][:200]!r}"
        document = store.document_by_uid(entry["id"])
        if document is None:
            report.skip(path.name, record, "no such document in this project")
            continue
        if entry.get("text_sha256") and entry["text_sha256"] != text_hash(document.text):
            report.skip(path.name, record, "the document's text differs from this project's copy; not imported")
            continue
        # The annotator's spans already here, by place: the same span under another id (a layer
        # made in another copy of the project) is the same span, kept once.
        places = {(a.start, a.end, a.label) for a in store.annotations_for(document.id, annotator)}
        skipped = report.problems.total
        for raw in entry["annotations"]:
            span = _check_span(raw, document.text, labels, known_entities, annotator, path.name, record, report,
                               problems)
            if span is None:
                continue
            annotation = Annotation(doc_id=document.id, annotator=annotator, **span)
            old = stored.get(annotation.id)
            if old is None and (annotation.start, annotation.end, annotation.label) in places:
                report.spans_present += 1
            elif old is None:
                places.add((annotation.start, annotation.end, annotation.label))
                plan.new.append(annotation)
            elif old.annotator != annotator or old.doc_id != document.id:
                owner = old.annotator if old.annotator != annotator else "another document"
                report.skip(path.name, f"{record} [{annotation.start}:{annotation.end}]", f"span id {annotation.id} "
                            f"belongs to {owner}, not {annotator}; skipped")
            elif _same(old, annotation):
                report.spans_present += 1
            elif annotation.updated > old.updated:
                plan.updates.append(annotation)
            else:
                report.spans_present += 1  # ours is newer: keep it
        status = _later_status(entry, statuses.get(document.id))
        if status is DocumentStatus.DONE and report.problems.total > skipped:  # done, of spans not all here
            report.skip(path.name, record, "the status 'done' not set: some of its spans were skipped")
        elif status is not None:
            plan.statuses.append((document.id, status, _kept_time(_file_time(entry.get("status_updated")))))
        plan.categories.extend(_later_choices(entry, chosen.get(document.id, {}), annotator, sets, document.id,
                                              report, path.name, record))
        if entry.get("relations"):
            plan.relations.append(_relations_by_place(entry, document.uid, document.text, annotator, report,
                                                      path.name, record))
    problems.refuse_if_any()
    _apply(store, plan, annotator, report, path.name)
    return report


def _apply(store: Store, plan: _Plan, annotator: str, report: ImportReport, file: str) -> None:
    with store.transaction() as conn:  # the whole file, or (killed, refused by the database) none of it
        # The labels as they are now, in the write's transaction: a label removed while the file
        # was read and checked has no span written (locked until the write ends, on PostgreSQL).
        labels = schema_labels(conn, "share")
        gone = [span for span in (*plan.new, *plan.updates) if span.label not in labels]
        if gone:
            uids = store.uids()
            for span in gone:
                report.skip(file, f"document {uids.get(span.doc_id, span.doc_id)!r} [{span.start}:{span.end}]",
                            f"label {span.label!r} was removed from the project while the file was imported; "
                            "span skipped")
            plan.new = [span for span in plan.new if span.label in labels]
            plan.updates = [span for span in plan.updates if span.label in labels]
        _write(store, plan, annotator, report)


def _write(store: Store, plan: _Plan, annotator: str, report: ImportReport) -> None:
    for entity in plan.entities:
        store.add_entity(entity)
    report.entities_added = len(plan.entities)
    for annotation in plan.updates:  # (as they were, for the import's undo)
        report.spans_before.append(store.update_annotation(
            annotation.id, start=annotation.start, end=annotation.end, label=annotation.label,
            value=annotation.value, entity_id=annotation.entity_id))
    report.spans_updated = len(plan.updates)
    store.add_annotations(plan.new)
    report.spans_added = len(plan.new)
    report.spans_on_known += [span.id for span in plan.new]
    # Kept as of when the other copy set them (at most now); what they were, for the import's undo.
    report.statuses_before += store.set_statuses([(doc_id, annotator, status.value, updated)
                                                  for doc_id, status, updated in plan.statuses])
    report.statuses_set = len(plan.statuses)
    report.categories_before += store.set_category_rows([(doc_id, annotator, set_name, choices, updated)
                                                         for doc_id, set_name, choices, updated in plan.categories])
    report.categories_added = len(plan.categories)
    if plan.relations:
        from curator.formats.relation_import import add_found_relations

        uids = {document.uid for document in plan.relations}
        add_found_relations(store, plan.relations, {d.uid: d.id for d in store.documents_by_uid(uids).values()},
                            report, report.annotator or annotator, into_gold=True)  # (gold: asked for, or refused above)


def _malformed_list(value: Any, field: str, record: str, problems: Problems,
                    entry_problem: Callable[[Any], tuple[str, str] | None]) -> bool:
    """Whether a document's ``field`` (optional) is not a list, or holds an entry
    ``entry_problem`` finds wrong: (where in the entry, why). The first is told to ``problems``."""
    if value is None:
        return False
    if not isinstance(value, list):
        problems.add(record, field, f"is {describe(value)}, not a list")
        return True
    for number, entry in enumerate(value):
        if found := entry_problem(entry):
            problems.add(record, f"{field}.{number}{found[0]}", found[1])
            return True
    return False


def _relation_problem(entry: Any) -> tuple[str, str] | None:
    """Why an entry of ``relations`` is no {source_id, target_id, label}, or None."""
    if not isinstance(entry, dict) or not all(isinstance(entry.get(key), str) and entry[key]
                                              for key in ("source_id", "target_id", "label")):
        return "", "expected an object with 'source_id', 'target_id' (span ids of this document) and 'label'"
    return None


def _relations_by_place(entry: dict, uid: str, text: str, annotator: str, report: ImportReport, file: str,
                        record: str) -> AnnotatedDocument:
    """A document's relations from the file with each end as (start, end, label): a span the
    file names by an id this project knows under another is the same span, found by place."""
    places = {raw["id"]: (raw["start"], raw["end"], raw["label"]) for raw in entry["annotations"]
              if isinstance(raw, dict) and isinstance(raw.get("id"), str) and integer(raw.get("start")) is not None
              and integer(raw.get("end")) is not None and isinstance(raw.get("label"), str)}
    document = AnnotatedDocument(uid, text)
    for relation in entry["relations"]:
        ends = places.get(relation["source_id"]), places.get(relation["target_id"])
        if None in ends:
            report.skip(file, record, f"relation {relation['label'][:40]!r} links a span the file does not hold; "
                                      "skipped")
        else:
            document.relations.append(FoundRelation(annotator, ends[0], ends[1], relation["label"]))
    return document


def _category_problem(entry: Any) -> tuple[str, str] | None:
    """Why an entry of ``categories`` is no {set, choices, updated}, or None."""
    if not isinstance(entry, dict) or not isinstance(entry.get("set"), str) or not entry["set"]:
        return "", "expected an object with 'set' (a name) and 'choices'"
    if not isinstance(entry.get("choices"), list) or not all(isinstance(c, str) and c for c in entry["choices"]):
        return ".choices", f"is {describe(entry.get('choices'))}, not a list of names"
    if entry.get("updated") is not None and (why := _time_problem(entry["updated"])):
        return ".updated", why
    return None


def _time_problem(value: Any) -> str | None:
    """Why a time from the file cannot be used, or None."""
    return None if aware_time(value) is not None else f"{str(value)[:40]!r} {TIME_EXPECTED}"


def _file_time(value: str | datetime | None) -> datetime | None:
    """A time from the file (text, or as a model read it), in UTC."""
    return aware_time(value) if not isinstance(value, datetime) else utc(value)


def _kept_time(when: datetime | None) -> datetime | None:
    """A file's time as this project keeps it: never later than now. A copy whose clock ran
    ahead, or a file edited to say 2999, wins once if it is the later, and every change
    made here after it still wins over it."""
    return None if when is None else min(when, utc_now())


def _later_status(entry: dict, here: tuple[DocumentStatus, datetime] | None) -> DocumentStatus | None:
    """The file's status for a document where it should replace this project's, or None.
    A file without times (written before they were) only ever marks documents done."""
    status = DocumentStatus(entry.get("status") or DocumentStatus.TODO)
    when = _file_time(entry.get("status_updated"))
    if here is not None and here[0] is status:
        return None
    if when is None:
        return status if status is DocumentStatus.DONE else None
    return status if here is None or when > here[1] else None


def _later_choices(entry: dict, here: dict[str, tuple[list[str], datetime]], annotator: str, sets: dict,
                   doc_id: int, report: ImportReport, file: str, record: str
                   ) -> list[tuple[int, str, list[str], datetime | None]]:
    """The file's category choices for a document that fit the project's sets and are not
    older than this project's (a set chosen only here, or later here, is kept)."""
    entries = entry.get("categories") or []
    when = {e["set"]: _file_time(e.get("updated")) for e in entries}
    later = []
    for _who, set_name, choices in fitting_categories([(annotator, e["set"], e["choices"]) for e in entries], sets,
                                                      report, file, record):
        current = here.get(set_name)
        if current is not None and (current[0] == choices or when[set_name] is None
                                    or when[set_name] <= current[1]):
            continue
        later.append((doc_id, set_name, choices, _kept_time(when[set_name])))
    return later


def _same(a: Annotation, b: Annotation) -> bool:
    fields = ("start", "end", "label", "value", "entity_id")
    return all(getattr(a, name) == getattr(b, name) for name in fields)


def _check_span(raw: Any, text: str, labels: set[str], entities: set[str], annotator: str, file: str,
                record: str, report: ImportReport, problems: Problems) -> dict | None:
    """A span of the file as the store's fields, or None: a malformed span goes to
    ``problems`` (the file is refused), one that does not fit the document to the report."""
    if not isinstance(raw, dict):
        problems.add(record, "annotations", f"a span is {describe(raw)}, not an object")
        return None
    if not isinstance(raw.get("id"), str) or not raw["id"] or too_wide("span id", raw["id"]):
        problems.add(record, "annotations.id", too_wide("span id", raw.get("id"))
                     or f"is {describe(raw.get('id'))}, not a span id")
        return None
    for key in ("start", "end"):
        if integer(raw.get(key)) is None:
            problems.add(f"{record} span {raw['id'][:40]!r}", key,
                         f"is {describe(raw.get(key))} ({str(raw.get(key))[:40]}), not an integer offset")
            return None
    for key in ("created", "updated"):
        if key in raw and _time_problem(raw[key]):
            problems.add(f"{record} span {raw['id'][:40]!r}", key, _time_problem(raw[key]))
            return None
    for key in ("label", "text"):
        if key in raw and not isinstance(raw[key], str):
            problems.add(f"{record} span {raw['id'][:40]!r}", key, f"is {describe(raw[key])}, not a string")
            return None
    if isinstance(raw.get("label"), str) and raw["label"] not in labels:  # named in the report's summary
        report.missing_labels[raw["label"]] = report.missing_labels.get(raw["label"], 0) + 1
    now = utc_now()
    full = {"created": now, "updated": now, **raw, "annotator": annotator}
    full["text"] = text[raw["start"] : raw["end"]]  # compared with the file's text below
    try:
        checked = ExportAnnotation.model_validate(full, context={"labels": labels, "entities": entities})
    except ValidationError as exc:
        error = exc.errors()[0]
        report.skip(file, f"{record} [{raw.get('start')}:{raw.get('end')}]",
                    f"{'.'.join(map(str, error['loc']))}: {error_text(error)}")
        return None
    problem = span_problem(text, checked.start, checked.end, raw.get("text"))
    if problem:
        report.skip(file, f"{record} [{checked.start}:{checked.end}]", f"span {problem}")
        return None
    return {"id": checked.id, "start": checked.start, "end": checked.end, "label": checked.label,
            "value": checked.value, "entity_id": checked.entity_id,
            "created": _kept_time(_file_time(checked.created)), "updated": _kept_time(_file_time(checked.updated))}
