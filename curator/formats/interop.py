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
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from curator.analysis.agreement import TOKEN
from curator.domain.models import Annotation, Document, DocumentStatus, Entity, Fact
from curator.errors import CuratorError
from curator.formats.annotated import (
    AnnotatedDocument,
    FieldReader,
    InteropReport,
    first_error,
    load_json,
    new_document,
    read_lines,
    refuse_invalid,
)
from curator.formats.article_files import (
    MAX_TEXT_CHARS,
    ImportProblem,
    ImportReport,
    Skipped,
    record_to_candidate,
)
from curator.formats.articles import import_files
from curator.formats.boundary import (
    BadJSON,
    FileRefused,
    Problems,
    describe,
    loads,
    too_wide,
)
from curator.formats.dataset_reader import read_curator_export
from curator.formats.export import TOOL_FORMATS, atomic_path
from curator.formats.spacy_docbin import SPAN_KEY, export_docbin, read_docbin
from curator.jobs import Job
from curator.store import Store

FORMATS = (*TOOL_FORMATS, "curator")  # what import_annotated reads


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


def _annotator_of(record: FieldReader, completed_by: Any, default: str) -> str | None:
    if isinstance(completed_by, dict):
        completed_by = completed_by.get("email") or completed_by.get("id")
    if completed_by is None or completed_by == "":
        return default
    if type(completed_by) is int:
        return str(completed_by)
    return record.text(completed_by, "completed_by")


def read_labelstudio(path: Path) -> list[AnnotatedDocument]:
    """Label Studio tasks; raises ``FileRefused`` (nothing read) if any task is malformed."""
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
                           **{k: v for k, v in meta.items() if k not in ("uid", "title", "source", "url")}}
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
    document = new_document(record, candidate.uid, candidate.text, dict(candidate.fields))
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
    for number, line in enumerate(read_lines(path), start=1):
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


def import_curator_export(store: Store, path: Path) -> InteropReport:
    """Read a Curator JSON export (documents, annotations, entities, facts) into a project."""
    entities, documents, facts = read_curator_export(store, path)
    report = InteropReport()
    known = {e.id for e in store.entities()}
    _add(store, documents, report, str(path), [e for e in entities if e.id not in known], facts)
    return report


READERS = {"labelstudio": read_labelstudio, "doccano": read_doccano, "conll": read_conll,
           "spacy": read_docbin}


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
                problems.add(record, *first_error(exc))
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
                problems.add(f"{record} [{start}:{end}]", *first_error(exc))
        statuses.extend((document.uid, annotator) for annotator, status in document.statuses.items()
                        if status == DocumentStatus.DONE.value and not too_wide("annotator", annotator))
    problems.refuse_if_any()
    with store.transaction():  # the whole file, or (killed, refused by the database) none of it
        for entity in entities:
            store.add_entity(entity)
        ids = dict(zip((d.uid for d in new_documents), store.add_documents(new_documents)))
        written = [a.model_copy(update={"doc_id": ids[uid]}) if uid in ids else a for uid, a in spans]
        store.add_annotations(written)
        for uid, annotator in statuses:
            doc_id = ids.get(uid) or store.document_by_uid(uid).id
            store.set_status(doc_id, annotator, DocumentStatus.DONE)
        for fact in facts:
            store.save_fact(fact)
    report.documents_added += len(new_documents)
    report.spans_added += len(written)


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


__all__ = ["FORMATS", "READERS", "SPAN_KEY", "AnnotatedDocument", "InteropReport", "detect", "export_docbin",
           "export_interop", "import_annotated", "import_paths", "read_docbin", "refuse_invalid"]
