"""Curator's own JSON and JSONL exports, read back into a project."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from curator.domain.dataset import ExportAnnotation
from curator.domain.models import DocumentStatus, Entity, Fact, utc
from curator.domain.text import span_problem
from curator.errors import CuratorError
from curator.formats.annotated import (
    AnnotatedDocument,
    FieldReader,
    FoundRelation,
    first_error,
    load_json,
    new_document,
    read_choices,
    read_lines,
)
from curator.formats.boundary import (
    TIME_EXPECTED,
    BadJSON,
    Problems,
    aware_time,
    describe,
    loads,
    too_wide,
)
from curator.store import Store


def read_curator_export(store: Store, path: Path) -> tuple[list[Entity], list[AnnotatedDocument], list[Fact]]:
    """A Curator JSON export's entities, documents (with every layer's spans) and facts, or
    a JSONL export's documents; raises ``FileRefused`` if anything in it is malformed."""
    problems = Problems(str(path))
    top = FieldReader(problems, None)
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        payload: Any = {"documents": []}
        for number, line in enumerate(read_lines(path), start=1):
            if line.strip():
                try:
                    payload["documents"].append(loads(line))
                except BadJSON as exc:
                    problems.add(f"line {number}", None, str(exc))
        carried = _carried_entities(payload["documents"], problems)
        if carried is not None:
            payload["entities"] = carried
    else:
        payload = load_json(path)
    if not isinstance(payload, dict):
        raise CuratorError(f"{path}: a Curator export is an object, not {describe(payload)}")
    entities = []
    for index, raw in enumerate(top.items(payload.get("entities"), "entities"), start=1):
        try:
            entities.append(Entity.model_validate(raw))
        except ValidationError as exc:
            FieldReader(problems, f"entity {index}").bad(*first_error(exc))
    first_of: dict[str, int] = {}
    for index, entity in enumerate(entities, start=1):
        first = first_of.setdefault(entity.id, index)
        if first != index and entity != entities[first - 1]:  # (the same entity twice is taken once)
            problems.add(f"entity {index}", None, f"its id {entity.id[:40]!r} is entity {first}'s, which differs")
        wide = too_wide("entity id", entity.id) or too_wide("entity type", entity.type)
        if wide:
            problems.add(f"entity {index}", None, wide)
    entities = [entities[first - 1] for first in first_of.values()]
    # A JSONL export from before its lines carried their entities: links are checked
    # against the project in _add.
    known = None if "entities" not in payload else {e.id for e in store.entities()} | {e.id for e in entities}
    documents, span_ids = [], set()
    for index, raw in enumerate(top.items(payload.get("documents"), "documents"), start=1):
        record = FieldReader(problems, f"document {index}")
        if record.mapping(raw, None, required=True) is None:
            continue
        if raw.get("id") is None:
            record.bad("id", "missing")
            continue
        record.name = f"document {index} ({str(raw['id'])[:40]!r})"
        meta: dict[str, Any] = {key: record.text(raw.get(key), key, required=False) for key in ("title", "source", "url")}
        if raw.get("published") is not None:
            try:
                meta["published"] = date.fromisoformat(raw["published"])
            except (TypeError, ValueError):
                record.bad("published", f"{str(raw['published'])[:40]!r} is not a date (YYYY-MM-DD)")
        if raw.get("extra") is not None:  # (written since the format carried it; older files have none)
            if isinstance(raw["extra"], dict):
                meta["extra"] = raw["extra"]
            else:
                record.bad("extra", f"is {describe(raw['extra'])}, not an object")
        status = raw.get("status")
        if status not in (None, *DocumentStatus):
            record.bad("status", f"{str(status)[:40]!r} is not todo or done")
        document = new_document(record, record.uid(raw["id"], "id", ""), record.text(raw.get("text"), "text"), meta)
        for number, span in enumerate(record.items(raw.get("annotations"), "annotations")):
            checked = _export_span(record, f"annotations.{number}", span, document, known)
            if checked is None or document is None:
                continue
            if checked.id in span_ids:
                record.bad(f"annotations.{number}.id", f"span id {checked.id!r} appears twice in the file")
                continue
            span_ids.add(checked.id)
            document.spans.append((checked.start, checked.end, checked.label, checked.annotator,
                                   {"id": checked.id, "value": checked.value, "entity_id": checked.entity_id,
                                    "created": utc(checked.created), "updated": utc(checked.updated)}))
        if document is not None:
            _read_relations(record, raw.get("relations"), document)
        for field, entry in record.objects(raw.get("categories"), "categories"):
            who = record.text(entry.get("annotator"), f"{field}.annotator")
            set_name = record.text(entry.get("set"), f"{field}.set")
            choices = read_choices(record, entry.get("choices"), f"{field}.choices")
            if who and set_name and choices and document:
                document.categories.append((who, set_name, choices))
        if document is None:
            continue
        done_by = raw.get("done_by")
        if isinstance(done_by, list) and all(isinstance(name, str) for name in done_by):
            document.statuses = {name: "done" for name in done_by}
        elif done_by is not None:
            record.bad("done_by", f"is {describe(done_by)}, not a list of annotator names")
        elif status == DocumentStatus.DONE.value:  # a file from before done_by: done by everyone with spans
            document.statuses = {a: "done" for a in {s[3] for s in document.spans}}
        documents.append(document)
    facts = []
    for index, raw in enumerate(top.items(payload.get("facts"), "facts"), start=1):
        record = FieldReader(problems, f"fact {index}")
        if record.mapping(raw, None, required=True) is None:
            continue
        mentions = []
        for number, mention in enumerate(record.items(raw.get("mentions"), "mentions")):
            mention_id = mention.get("mention") if isinstance(mention, dict) else None
            if not isinstance(mention_id, str):
                record.bad(f"mentions.{number}", "expected an object with 'mention' (a span id)")
            else:
                mentions.append(mention_id)
        missing = set(mentions) - span_ids - set(store.annotations_by_id(set(mentions) - span_ids))
        if missing:
            record.bad("mentions", f"span(s) {', '.join(sorted(missing))[:200]} are not in the file or the project")
        try:
            facts.append(Fact.model_validate({**{k: raw.get(k) for k in ("id", "subject", "measure", "period_start",
                                                                        "period_end", "unit", "accepted_amount",
                                                                        "note", "subjects", "attribution")
                                                 if raw.get(k) is not None},
                                              "mentions": mentions}))
        except ValidationError as exc:
            record.bad(*first_error(exc))
            continue
        wide = next(filter(None, (too_wide(kind, getattr(facts[-1], name)) for kind, name in (
            ("fact id", "id"), ("measure", "measure"), ("unit", "unit"), ("accepted_amount", "accepted_amount")))),
                    None)
        if wide:
            record.bad(None, wide)
    problems.refuse_if_any()
    return entities, documents, facts


def _read_relations(record: FieldReader, raw: Any, document: AnnotatedDocument) -> None:
    """A document's relations, each joining two of its annotations by id (of one annotator)."""
    spans = {extra["id"]: (start, end, label, who) for start, end, label, who, extra in document.spans}
    for field, entry in record.objects(raw, "relations"):
        label = record.text(entry.get("label"), f"{field}.label")
        who = record.text(entry.get("annotator"), f"{field}.annotator")
        ends = [spans.get(entry.get(key)) for key in ("source_id", "target_id")]
        if label is None or who is None:
            continue
        if None in ends:
            record.bad(field, "source_id and target_id must name annotations of this document")
        elif ends[0][3] != who or ends[1][3] != who:
            record.bad(field, f"links spans of another annotator than {who!r}")
        else:
            document.relations.append(FoundRelation(who, ends[0][:3], ends[1][:3], label))


def _export_span(record: FieldReader, field: str, raw: Any, document: AnnotatedDocument | None,
                 entities: set[str] | None) -> ExportAnnotation | None:
    """One annotation of a Curator export, checked as strictly as the export wrote it."""
    if not isinstance(raw, dict):
        record.bad(field, f"is {describe(raw)}, not an object")
        return None
    if record.offsets(raw.get("start"), raw.get("end"), (f"{field}.start", f"{field}.end")) is None:
        return None
    for key in ("created", "updated"):
        if aware_time(raw.get(key)) is None:
            record.bad(f"{field}.{key}", f"{str(raw.get(key))[:40]!r} {TIME_EXPECTED}")
            return None
    try:
        span = ExportAnnotation.model_validate(raw, context={"entities": entities}, strict=False)
    except ValidationError as exc:
        where, message = first_error(exc)
        record.bad(f"{field}.{where}", message)
        return None
    problem = span_problem(document.text, span.start, span.end, span.text) if document is not None else None
    if problem:
        record.bad(field, f"span {span.start}-{span.end} {problem}")
        return None
    if not span.id or not span.annotator or not span.label:
        record.bad(field, "id, label and annotator must not be empty")
        return None
    return span


def _carried_entities(lines: list[Any], problems: Problems) -> list[Any] | None:
    """The entities a JSONL export's lines carry (each line those its spans link to),
    each once; None for a file whose lines carry none (written before they did)."""
    if not any(isinstance(line, dict) and "entities" in line for line in lines):
        return None
    found: dict[Any, Any] = {}
    for number, line in enumerate(lines, start=1):
        carried = line.get("entities") if isinstance(line, dict) else None
        if carried is None:
            continue
        if not isinstance(carried, list):
            problems.add(f"document {number}", "entities", f"is {describe(carried)}, not a list")
            continue
        for index, entity in enumerate(carried):
            if not (isinstance(entity, dict) and isinstance(entity.get("id"), str) and entity["id"]):
                problems.add(f"document {number}", f"entities.{index}", "an entity without an id")
                continue
            try:
                key = Entity.model_validate(entity).id
            except ValidationError as exc:
                field_name, message = first_error(exc)
                problems.add(f"document {number}", f"entities.{index}" + (f".{field_name}" if field_name else ""),
                             message)
                continue
            if found.setdefault(key, entity) != entity:
                problems.add(f"document {number}", "entities", f"entity {key[:40]!r} differs from an earlier "
                                                               "line's")
    return list(found.values())
