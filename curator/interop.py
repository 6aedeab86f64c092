"""Formats other annotation tools use: Label Studio, doccano, CoNLL-2003 BIO,
and Curator's own JSON export read back into a project.

Each reader returns documents with their spans, or raises ``FileRefused`` naming
every malformed record (file, record, field, reason) before anything is written;
``import_annotated`` then adds them to a project (documents already there with the
same id and text get only the spans they lack; spans that do not fit the project are
reported and skipped). Each writer exports one layer (or all) of a project after the
export's validation, refusing as the JSON export does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from curator.agreement import TOKEN
from curator.boundary import (MAX_ID_CHARS, BadJSON, FileRefused, Problems, aware_time, bad_text, describe,
                              integer, loads, too_wide)
from curator.dataset import ExportAnnotation
from curator.errors import CuratorError
from curator.export import TOOL_FORMATS, ExportRefused, atomic_path
from curator.importer import (MAX_TEXT_CHARS, ImportProblem, ImportReport, Skipped, import_files,
                              record_to_candidate)
from curator.jobs import Job
from curator.models import Annotation, Document, DocumentStatus, Entity, Fact
from curator.store import Store
from curator.validate import Severity, validate_project

FORMATS = (*TOOL_FORMATS, "curator")  # what import_annotated reads


@dataclass
class AnnotatedDocument:
    """A document read from another tool's file, with spans as (start, end, label, annotator, extra)."""

    uid: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    spans: list[tuple[int, int, str, str, dict]] = field(default_factory=list)
    statuses: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # reported with the import, not blocking it


@dataclass
class InteropReport:
    documents_added: int = 0
    spans_added: int = 0
    spans_present: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"{self.documents_added} document(s) and {self.spans_added} span(s) imported"
        if self.spans_present:
            text += f", {self.spans_present} span(s) already present"
        return text + (f", {len(self.problems)} problem(s)" if self.problems else "")


def _load_json(path: Path) -> Any:
    """A JSON file, parsed strictly (see ``curator.boundary.loads``)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CuratorError(f"{path}: {exc.strerror or exc}") from exc
    try:
        return loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise CuratorError(f"{path}: not valid UTF-8 (byte {exc.start})") from exc
    except BadJSON as exc:
        raise CuratorError(f"{path}: {exc}") from exc


def _read_lines(path: Path) -> list[str]:
    """A text file's lines, split at "\\n" only: a text may hold every other line break."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise CuratorError(f"{path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise CuratorError(f"{path}: not valid UTF-8 (byte {exc.start})") from exc
    return text.split("\n")


def detect(path: Path) -> str | None:
    """Which of these formats a file is in, or None for a plain article file."""
    suffix = path.suffix.lower()
    if suffix in (".conll", ".bio", ".iob"):
        return "conll"
    if suffix == ".spacy":
        return "spacy"
    try:
        if suffix == ".json":
            payload = loads(path.read_bytes().decode("utf-8-sig"))
            if isinstance(payload, dict) and payload.get("format") == "curator-dataset":
                return "curator"
            if isinstance(payload, list) and payload and isinstance(payload[0], dict) and "data" in payload[0]:
                return "labelstudio"
        if suffix in (".jsonl", ".ndjson"):
            with path.open("rb") as lines:
                first = next((line for line in lines if line.strip()), b"")
            record = loads(first.decode("utf-8-sig")) if first else {}
            if isinstance(record, dict) and isinstance(record.get("annotations"), list) and "id" in record:
                return "curator"  # Curator's JSONL export: one document with its spans a line
            if isinstance(record, dict) and isinstance(record.get("label", record.get("entities")), list):
                return "doccano"
    except (OSError, UnicodeDecodeError, BadJSON):
        return None
    return None


# -- readers -------------------------------------------------------------------------------


class _Record:
    """One record of a file being read: its name for problems, and typed field access
    that reports a field of the wrong type instead of raising."""

    def __init__(self, problems: Problems, name: str) -> None:
        self.problems = problems
        self.name = name

    def bad(self, field: str | None, reason: str) -> None:
        self.problems.add(self.name, field, reason)

    def text(self, value: Any, field: str, *, required: bool = True) -> str | None:
        if value is None and not required:
            return None
        if not isinstance(value, str):
            self.bad(field, f"is {describe(value)}, not a string")
            return None
        if required and not value:
            self.bad(field, "is empty")
            return None
        if "\x00" in value:
            self.bad(field, "contains NUL characters")
            return None
        return value

    def uid(self, value: Any, field: str, default: str) -> str | None:
        if value is None or value == "":
            return default
        if type(value) is int:
            value = str(value)
        if not isinstance(value, str):
            self.bad(field, f"is {describe(value)}, not a string or an integer")
            return None
        if len(value) > MAX_ID_CHARS:
            self.bad(field, f"has {len(value):,} characters, more than the limit of {MAX_ID_CHARS}")
            return None
        if "\x00" in value:
            self.bad(field, "contains NUL characters")
            return None
        return value

    def offsets(self, start: Any, end: Any, fields: tuple[str, str]) -> tuple[int, int] | None:
        if integer(start) is None or integer(end) is None:
            field, value = (fields[0], start) if integer(start) is None else (fields[1], end)
            self.bad(field, f"is {describe(value)} ({str(value)[:40]}), not an integer offset")
            return None
        return start, end

    def items(self, value: Any, field: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.bad(field, f"is {describe(value)}, not a list")
            return []
        return value

    def mapping(self, value: Any, field: str, *, required: bool = False) -> dict | None:
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            self.bad(field, f"is {describe(value)}, not an object")
            return None
        return value


def _document(record: _Record, uid: str | None, text: str | None, meta: dict | None = None) -> AnnotatedDocument | None:
    if uid is None or text is None:
        return None
    if len(text) > MAX_TEXT_CHARS:
        record.bad("text", f"has {len(text):,} characters, more than the limit of {MAX_TEXT_CHARS:,}")
        return None
    return AnnotatedDocument(uid, text, meta or {})


def _annotator_of(record: _Record, completed_by: Any, default: str) -> str | None:
    if isinstance(completed_by, dict):
        completed_by = completed_by.get("email") or completed_by.get("id")
    if completed_by is None or completed_by == "":
        return default
    if type(completed_by) is int:
        return str(completed_by)
    return record.text(completed_by, "completed_by")


def read_labelstudio(path: Path) -> list[AnnotatedDocument]:
    """Label Studio tasks; raises ``FileRefused`` (nothing read) if any task is malformed."""
    payload = _load_json(path)
    if not isinstance(payload, list):
        raise CuratorError(f"{path}: a Label Studio export is a list of tasks, not {describe(payload)}")
    problems = Problems(str(path))
    documents = []
    for number, task in enumerate(payload, start=1):
        record = _Record(problems, f"task {number}")
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
                           **{k: v for k, v in meta.items() if k not in ("uid", "title", "source", "url")}}
        document = _document(record, uid, record.text(data["text"], "data.text"), fields)
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
                if labels is None:  # a choice, a rating...: not a span
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


def read_doccano(path: Path) -> list[AnnotatedDocument]:
    """doccano JSONL (``label`` triples or ``entities`` objects), with the record's metadata
    read as the article import reads it; raises ``FileRefused`` if any line is malformed."""
    problems = Problems(str(path))
    documents = []
    for number, line in enumerate(_read_lines(path), start=1):
        if not line.strip():
            continue
        record = _Record(problems, f"line {number}")
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


def _doccano_document(record: _Record, raw: dict, path: Path, number: int) -> AnnotatedDocument | None:
    fields = {k: v for k, v in raw.items() if k not in ("label", "entities", "annotator")}
    if "uid" in fields:  # Curator's own doccano export names the document "uid"
        fields["id"] = fields.pop("uid")
    warnings: list[ImportProblem] = []
    try:
        candidate = record_to_candidate(fields, file=path.name, record_name=record.name,
                                        default_uid=f"{path.stem}-{number}", warnings=warnings)
    except Skipped as exc:
        record.bad(None, str(exc))
        return None
    document = _document(record, candidate.uid, candidate.text, dict(candidate.fields))
    if document is not None:  # e.g. a date that is not a date, kept in the extra metadata
        document.notes.extend(f"{record.name}: {warning.reason}" for warning in warnings)
    return document


def read_conll(path: Path, annotator: str = "conll") -> list[AnnotatedDocument]:
    """CoNLL-2003 style: one token a line, its tag last; blank lines end sentences;
    ``-DOCSTART-`` lines start documents. The text is the tokens joined by spaces
    (sentences by new lines): CoNLL does not keep the original spacing. Raises
    ``FileRefused`` if any line is malformed."""
    problems = Problems(str(path))
    documents: list[list[list[tuple[str, str]]]] = [[[]]]
    for number, line in enumerate(_read_lines(path), start=1):
        parts = line.split()
        if not parts:
            documents[-1].append([])
        elif parts[0] == "-DOCSTART-":
            documents.append([[]])
        elif len(parts) < 2:
            problems.add(f"line {number}", None, "expected a token and a tag")
        elif "\x00" in parts[0]:
            problems.add(f"line {number}", "token", "contains NUL characters")
        else:
            tag = parts[-1]
            if tag != "O" and not (tag[:2] in ("B-", "I-") and len(tag) > 2):
                problems.add(f"line {number}", "tag", f"tag {tag[:40]!r} is not O, B-LABEL or I-LABEL")
                continue
            documents[-1][-1].append((parts[0], tag))
    problems.refuse_if_any()
    read = []
    for index, sentences in enumerate(d for d in documents if any(d)):
        text, spans, open_span = "", [], None
        for sentence in (s for s in sentences if s):
            if text:
                text += "\n"
            for position, (token, tag) in enumerate(sentence):
                if position:
                    text += " "
                start = len(text)
                text += token
                continues = tag.startswith("I-") and open_span is not None and open_span[2] == tag[2:]
                if open_span is not None and not continues:
                    spans.append(open_span)
                    open_span = None
                if tag != "O":
                    open_span = (open_span[0], len(text), tag[2:]) if continues else (start, len(text), tag[2:])
            if open_span is not None:
                spans.append(open_span)
                open_span = None
        if len(text) > MAX_TEXT_CHARS:
            problems.add(f"document {index + 1}", "text", f"has {len(text):,} characters, more than the limit "
                         f"of {MAX_TEXT_CHARS:,}")
        read.append(AnnotatedDocument(f"{path.stem}-{index + 1}", text,
                                      spans=[(s, e, label, annotator, {}) for s, e, label in spans]))
    problems.refuse_if_any()
    return read


def read_curator_export(store: Store, path: Path) -> tuple[list[Entity], list[AnnotatedDocument], list[Fact]]:
    """A Curator JSON export's entities, documents (with every layer's spans) and facts, or
    a JSONL export's documents; raises ``FileRefused`` if anything in it is malformed."""
    problems = Problems(str(path))
    top = _Record(problems, None)
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        payload: Any = {"documents": []}
        for number, line in enumerate(_read_lines(path), start=1):
            if line.strip():
                try:
                    payload["documents"].append(loads(line))
                except BadJSON as exc:
                    problems.add(f"line {number}", None, str(exc))
    else:
        payload = _load_json(path)
    if not isinstance(payload, dict):
        raise CuratorError(f"{path}: a Curator export is an object, not {describe(payload)}")
    entities = []
    for index, raw in enumerate(top.items(payload.get("entities"), "entities"), start=1):
        try:
            entities.append(Entity.model_validate(raw))
        except ValidationError as exc:
            _Record(problems, f"entity {index}").bad(*_first_error(exc))
    for index, entity in enumerate(entities, start=1):
        wide = too_wide("entity id", entity.id) or too_wide("entity type", entity.type)
        if wide:
            problems.add(f"entity {index}", None, wide)
    # A JSONL export carries no entities: its links are checked against the project in _add.
    known = None if "entities" not in payload else {e.id for e in store.entities()} | {e.id for e in entities}
    documents, span_ids = [], set()
    for index, raw in enumerate(top.items(payload.get("documents"), "documents"), start=1):
        record = _Record(problems, f"document {index}")
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
        status = raw.get("status")
        if status not in (None, *DocumentStatus):
            record.bad("status", f"{str(status)[:40]!r} is not todo or done")
        document = _document(record, record.uid(raw["id"], "id", ""), record.text(raw.get("text"), "text"), meta)
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
                                    "created": checked.created, "updated": checked.updated}))
        if document is None:
            continue
        if status == DocumentStatus.DONE.value:
            document.statuses = {a: "done" for a in {s[3] for s in document.spans}}
        documents.append(document)
    facts = []
    for index, raw in enumerate(top.items(payload.get("facts"), "facts"), start=1):
        record = _Record(problems, f"fact {index}")
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
                                                                        "note") if raw.get(k) is not None},
                                              "mentions": mentions}))
        except ValidationError as exc:
            record.bad(*_first_error(exc))
            continue
        wide = next(filter(None, (too_wide(kind, getattr(facts[-1], name)) for kind, name in (
            ("fact id", "id"), ("measure", "measure"), ("unit", "unit"), ("accepted_amount", "accepted_amount")))),
                    None)
        if wide:
            record.bad(None, wide)
    problems.refuse_if_any()
    return entities, documents, facts


def _first_error(exc: ValidationError) -> tuple[str, str]:
    error = exc.errors()[0]
    return ".".join(map(str, error["loc"])) or None, error["msg"]


def _export_span(record: _Record, field: str, raw: Any, document: AnnotatedDocument | None,
                 entities: set[str] | None) -> ExportAnnotation | None:
    """One annotation of a Curator export, checked as strictly as the export wrote it."""
    if not isinstance(raw, dict):
        record.bad(field, f"is {describe(raw)}, not an object")
        return None
    if record.offsets(raw.get("start"), raw.get("end"), (f"{field}.start", f"{field}.end")) is None:
        return None
    for key in ("created", "updated"):
        if aware_time(raw.get(key)) is None:
            record.bad(f"{field}.{key}", f"{str(raw.get(key))[:40]!r} is not a time with a timezone")
            return None
    try:
        span = ExportAnnotation.model_validate(raw, context={"entities": entities}, strict=False)
    except ValidationError as exc:
        where, message = _first_error(exc)
        record.bad(f"{field}.{where}", message)
        return None
    if document is not None and 0 <= span.start < span.end <= len(document.text) and \
            document.text[span.start : span.end] != span.text:
        record.bad(f"{field}.text", f"{span.text[:40]!r} differs from the document text "
                                    f"{document.text[span.start:span.end][:40]!r}")
        return None
    if not span.id or not span.annotator or not span.label:
        record.bad(field, "id, label and annotator must not be empty")
        return None
    return span


def import_curator_export(store: Store, path: Path) -> InteropReport:
    """Read a Curator JSON export (documents, annotations, entities, facts) into a project."""
    entities, documents, facts = read_curator_export(store, path)
    report = InteropReport()
    known = {e.id for e in store.entities()}
    _add(store, documents, report, str(path), [e for e in entities if e.id not in known], facts)
    return report


READERS = {"labelstudio": read_labelstudio, "doccano": read_doccano, "conll": read_conll}


def import_annotated(store: Store, path: str | Path, fmt: str | None = None) -> InteropReport:
    """Import documents with their spans from another tool's file (format detected if not given).

    The whole file is read and checked before anything is written: a malformed file
    raises ``FileRefused`` and changes nothing. Spans and documents that are well formed
    but do not fit this project are reported in the result and skipped."""
    path = Path(path)
    fmt = fmt or detect(path)
    if fmt == "curator":
        return import_curator_export(store, path)
    if fmt not in READERS:
        raise CuratorError(f"{path}: not a Label Studio, doccano, CoNLL or Curator export file")
    report = InteropReport()
    _add(store, READERS[fmt](path), report, str(path))
    return report


def _merged(documents: list[AnnotatedDocument], report: InteropReport, where: str) -> list[AnnotatedDocument]:
    """One document per id (doccano writes a line per annotator); a second text under one id is skipped."""
    by_uid: dict[str, AnnotatedDocument] = {}
    for document in documents:
        first = by_uid.setdefault(document.uid, document)
        if first is document:
            continue
        if first.text != document.text:
            report.problems.append(f"{where}: document {document.uid!r}: appears again with a different text; "
                                   "the second is skipped")
            continue
        first.spans.extend(document.spans)
        first.statuses.update(document.statuses)
        first.notes.extend(document.notes)
    return list(by_uid.values())


def _add(store: Store, documents: list[AnnotatedDocument], report: InteropReport, where: str,
         entities: list[Entity] = (), facts: list[Fact] = ()) -> None:
    """Check every document and span of a file, then write them: nothing is written if a
    record is malformed (``FileRefused``); records that do not fit the project are reported."""
    labels = set(store.label_schema.names)
    problems = Problems(where)
    new_documents: list[Document] = []
    spans: list[tuple[str, Annotation]] = []
    statuses: list[tuple[str, str]] = []
    documents = _merged(documents, report, where)
    taken = store.annotations_by_id({s[4]["id"] for d in documents for s in d.spans if s[4].get("id")})
    entity_ids = {e.id for e in store.entities()} | {e.id for e in entities}
    for document in documents:
        record = f"document {document.uid!r}"
        report.problems.extend(f"{where}: {record}: {note}" for note in document.notes)
        existing = store.document_by_uid(document.uid)
        if existing is not None and existing.text != document.text:
            report.problems.append(f"{where}: {record}: a different text with this id is "
                                   "already in the project; skipped")
            continue
        if existing is None:
            if too_wide("source", document.meta.get("source")):
                problems.add(record, "source", too_wide("source", document.meta["source"]))
                continue
            try:
                new_documents.append(Document(uid=document.uid, text=document.text, origin=where,
                                              **{k: v for k, v in document.meta.items() if v is not None
                                                 and k in ("title", "source", "url", "published", "extra")}))
            except ValidationError as exc:
                problems.add(record, *_first_error(exc))
                continue
            present: set[tuple] = set()
        else:
            present = {(a.start, a.end, a.label, a.annotator) for a in store.annotations_for(existing.id)}
        for start, end, label, annotator, extra in document.spans:
            where_span = f"{where}: {record} [{start}:{end}]"
            wide = too_wide("annotator", annotator) or too_wide("span id", extra.get("id"))
            if wide:
                problems.add(f"{record} [{start}:{end}]", None, wide)
                continue
            if not (0 <= start < end <= len(document.text)):
                report.problems.append(f"{where_span}: span is outside the text (length {len(document.text)})")
                continue
            if label not in labels:
                report.problems.append(f"{where_span}: unknown label {label[:40]!r}")
                continue
            if (start, end, label, annotator) in present:
                report.spans_present += 1
                continue
            if extra.get("entity_id") and extra["entity_id"] not in entity_ids:
                report.problems.append(f"{where_span}: linked to entity {extra['entity_id']!r}, which is not in "
                                       "the project; skipped")
                continue
            old = taken.get(extra.get("id"))
            if old is not None:
                report.problems.append(f"{where_span}: span id {old.id!r} is already used by another span in "
                                       "the project; skipped")
                continue
            present.add((start, end, label, annotator))
            fields = {k: v for k, v in extra.items() if v is not None}
            try:
                spans.append((document.uid, Annotation(doc_id=existing.id if existing else 0, start=start,
                                                       end=end, label=label, annotator=annotator, **fields)))
            except ValidationError as exc:
                problems.add(f"{record} [{start}:{end}]", *_first_error(exc))
        statuses.extend((document.uid, annotator) for annotator, status in document.statuses.items()
                        if status == DocumentStatus.DONE.value and not too_wide("annotator", annotator))
    problems.refuse_if_any()
    for entity in entities:
        store.add_entity(entity)
    ids = dict(zip((d.uid for d in new_documents), store.add_documents(new_documents)))
    report.documents_added += len(new_documents)
    written = [a.model_copy(update={"doc_id": ids[uid]}) if uid in ids else a for uid, a in spans]
    store.add_annotations(written)
    report.spans_added += len(written)
    for uid, annotator in statuses:
        doc_id = ids.get(uid) or store.document_by_uid(uid).id
        store.set_status(doc_id, annotator, DocumentStatus.DONE)
    for fact in facts:
        store.save_fact(fact)


# -- writers --------------------------------------------------------------------------------


def export_labelstudio(store: Store, target: Path, annotator: str | None = None) -> None:
    refuse_invalid(store, Path(target), annotator)
    tasks = []
    for number, (document, spans) in enumerate(store.iter_documents_with_annotations(annotator), start=1):
        by_annotator: dict[str, list[Annotation]] = {}
        for span in spans:
            by_annotator.setdefault(span.annotator, []).append(span)
        tasks.append({
            "id": number,
            "data": {"text": document.text, "meta": {"uid": document.uid, "title": document.title,
                                                       "source": document.source}},
            "annotations": [{"completed_by": name, "result": [
                {"id": span.id[:10], "from_name": "label", "to_name": "text", "type": "labels",
                 "value": {"start": span.start, "end": span.end, "text": document.text[span.start:span.end],
                           "labels": [span.label]}} for span in layer]}
                for name, layer in by_annotator.items()],
        })
    with atomic_path(target) as temp:
        temp.write_text(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def export_doccano(store: Store, target: Path, annotator: str | None = None) -> None:
    refuse_invalid(store, Path(target), annotator)
    with atomic_path(target) as temp, temp.open("w", encoding="utf-8") as out:
        for document, spans in store.iter_documents_with_annotations(annotator):
            by_annotator: dict[str, list[Annotation]] = {}
            for span in spans:
                by_annotator.setdefault(span.annotator, []).append(span)
            meta = {key: value.isoformat() if isinstance(value, date) else value
                    for key in ("title", "source", "url", "published")
                    if (value := getattr(document, key)) is not None}
            for name, layer in by_annotator.items() or [("", [])]:
                record = {"uid": document.uid, "text": document.text, **meta, "annotator": name or None,
                          "label": [[s.start, s.end, s.label] for s in layer]}
                # ASCII-escaped: a raw U+2028 or U+0085 would end the line for readers that
                # split lines on every Unicode line break.
                out.write(json.dumps(record) + "\n")


def export_conll(store: Store, target: Path, annotator: str) -> None:
    """BIO tags per token for one annotator's layer (the innermost span wins where spans nest)."""
    refuse_invalid(store, Path(target), annotator)
    with atomic_path(target) as temp, temp.open("w", encoding="utf-8") as out:
        for document, spans in store.iter_documents_with_annotations(annotator):
            out.write("-DOCSTART- O\n\n")
            ordered = sorted(spans, key=lambda s: (s.end - s.start, s.start))
            previous: Annotation | None = None
            in_line, last_end = False, 0
            for token in TOKEN.finditer(document.text):
                covering = next((s for s in ordered if s.start < token.end() and token.start() < s.end), None)
                # A new line ends the sentence, except inside a span: a blank line would split it in two.
                if in_line and "\n" in document.text[last_end:token.start()] and \
                        (covering is None or covering is not previous):
                    out.write("\n")
                if covering is None:
                    tag = "O"
                elif covering is previous:
                    tag = f"I-{covering.label}"
                else:
                    tag = f"B-{covering.label}"
                previous = covering
                out.write(f"{token.group()} {tag}\n")
                in_line, last_end = True, token.end()
            out.write("\n")


def refuse_invalid(store: Store, target: Path, annotator: str | None) -> None:
    """Run the export's validation (``curator.validate``) on what a writer is about to
    write; errors refuse the export with ``ExportRefused``, as the JSON and Excel exports do."""
    problems = validate_project(store, annotator)
    if any(p.severity is Severity.ERROR for p in problems):
        raise ExportRefused(target, problems)


def export_interop(store: Store, target: str | Path, fmt: str, annotator: str | None = None) -> None:
    """Write one layer (or all) in another tool's format; each writer validates first."""
    target = Path(target)
    if fmt not in TOOL_FORMATS:
        raise CuratorError(f"unknown format {fmt!r}")
    if fmt == "conll" and annotator is None:
        raise CuratorError("CoNLL holds one layer: choose it with --layer NAME or gold")
    if fmt == "labelstudio":
        export_labelstudio(store, target, annotator)
    elif fmt == "doccano":
        export_doccano(store, target, annotator)
    elif fmt == "spacy":
        export_docbin(store, target, annotator)
    elif fmt == "conll":
        if annotator is None:
            raise CuratorError("CoNLL holds one layer: choose it with --layer NAME or gold")
        export_conll(store, target, annotator)
    else:
        raise CuratorError(f"unknown format {fmt!r}")


def import_paths(store: Store, paths: list[Path], job: Job | None = None) -> tuple[ImportReport, list[str]]:
    """Import articles and annotated files alike: annotated ones (detected by content) go
    through the readers above, the rest through the article importer. Returns the article
    report and one summary line per annotated file (problems are added to the report)."""
    annotated = [p for p in paths if p.is_file() and detect(p)]
    lines = []
    problems = []
    for path in annotated:
        try:
            result = import_annotated(store, path)
        except FileRefused as exc:
            problems.extend(ImportProblem(str(path), _without(problem, str(path))) for problem in exc.problems)
            continue
        except CuratorError as exc:
            problems.append(ImportProblem(str(path), str(exc)))
            continue
        lines.append(f"{path.name}: {result.summary()}")
        problems.extend(ImportProblem(str(path), _without(problem, str(path))) for problem in result.problems)
    report = import_files(store, [p for p in paths if p not in annotated], job)
    report.problems[:0] = problems
    return report, lines


def _without(problem: str, file: str) -> str:
    """A problem line without its leading file name (``ImportProblem`` adds it back)."""
    return problem[len(file) + 2:] if problem.startswith(f"{file}: ") else problem


# -- spaCy (optional: pip install 'curator[spacy]') ---------------------------------------------

SPAN_KEY = "sc"  # spaCy's span-categorizer key: a span group keeps overlapping spans


def export_docbin(store: Store, target: str | Path, annotator: str | None = None) -> list[str]:
    """Write a spaCy DocBin: each document's spans in ``doc.spans["sc"]``, the annotator and
    exact offsets of each in ``doc.user_data``. Returns spans that do not fall on spaCy's
    token boundaries (in the span group they are widened to whole tokens)."""
    try:
        import spacy
        from spacy.tokens import DocBin
    except ImportError as exc:
        raise CuratorError("spaCy is not installed: pip install 'curator[spacy]'") from exc
    target = Path(target)
    refuse_invalid(store, target, annotator)
    nlp = spacy.blank("xx")
    docbin = DocBin(store_user_data=True)
    widened = []
    for document, spans in store.iter_documents_with_annotations(annotator):
        doc = nlp.make_doc(document.text)
        group = []
        for span in spans:
            made = doc.char_span(span.start, span.end, label=span.label, alignment_mode="strict")
            if made is None:
                made = doc.char_span(span.start, span.end, label=span.label, alignment_mode="expand")
                widened.append(f"{document.uid} [{span.start}:{span.end}] {span.label}")
            group.append(made)
        doc.spans[SPAN_KEY] = group
        doc.user_data["curator_uid"] = document.uid
        doc.user_data["curator_annotators"] = [span.annotator for span in spans]
        # Exact offsets too, so spans off spaCy's token boundaries come back unchanged.
        doc.user_data["curator_offsets"] = [[span.start, span.end] for span in spans]
        docbin.add(doc)
    with atomic_path(target) as temp:
        docbin.to_disk(temp)
    return widened


def read_docbin(path: Path) -> list[AnnotatedDocument]:
    """A spaCy DocBin's documents and spans (exact offsets and annotators from ``user_data``
    when Curator wrote them); raises ``FileRefused`` if anything in it is malformed."""
    try:
        import spacy
        from spacy.tokens import DocBin
    except ImportError as exc:
        raise CuratorError("spaCy is not installed: pip install 'curator[spacy]'") from exc
    try:
        docs = list(DocBin().from_disk(path).get_docs(spacy.blank("xx").vocab))
    except Exception as exc:  # spaCy raises several kinds for a damaged file
        raise CuratorError(f"{path}: not a spaCy DocBin ({type(exc).__name__}: {str(exc)[:200]})") from exc
    problems = Problems(str(path))
    documents = []
    for number, doc in enumerate(docs, start=1):
        record = _Record(problems, f"doc {number}")
        user_data = doc.user_data if isinstance(doc.user_data, dict) else {}
        spans = list(doc.spans[SPAN_KEY]) if SPAN_KEY in doc.spans else list(doc.ents)
        annotators = record.items(_listed(user_data.get("curator_annotators")), "user_data.curator_annotators")
        offsets = record.items(_listed(user_data.get("curator_offsets")), "user_data.curator_offsets")
        if bad_text(doc.text):
            record.bad("text", "holds a lone surrogate (not a Unicode character)")
            continue
        document = _document(record, record.uid(user_data.get("curator_uid"), "user_data.curator_uid",
                                                f"{path.stem}-{number}"), record.text(doc.text, "text"))
        for index, span in enumerate(spans):
            who = annotators[index] if index < len(annotators) else "spacy"
            who = record.text(who, f"user_data.curator_annotators.{index}")
            if index < len(offsets):
                pair = offsets[index]
                if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                    record.bad(f"user_data.curator_offsets.{index}", f"is {describe(pair)}, not [start, end]")
                    continue
                found = record.offsets(pair[0], pair[1], (f"user_data.curator_offsets.{index}.0",
                                                          f"user_data.curator_offsets.{index}.1"))
            else:
                found = (span.start_char, span.end_char)
            label = record.text(span.label_, f"spans.{index}.label")
            if found and who and label and document:
                document.spans.append((*found, label, who, {}))
        if document:
            documents.append(document)
    problems.refuse_if_any()
    return documents


def _listed(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value  # msgpack gives tuples for lists


READERS["spacy"] = read_docbin
