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

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from curator.domain.models import (
    Annotation,
    Document,
    DocumentStatus,
    Entity,
    Fact,
    new_ids,
    plain_document,
    plain_span,
    utc_now,
)
from curator.domain.names import check_annotator, printable
from curator.errors import CuratorError
from curator.formats import TOOL_FORMATS
from curator.formats.annotated import (
    AnnotatedDocument,
    first_error,
    fitting_categories,
    refuse_invalid,
)
from curator.formats.article_files import line_cap
from curator.formats.articles import import_files
from curator.formats.boundary import (
    BadJSON,
    FileRefused,
    Problems,
    check_input,
    loads,
    plain,
    read_input,
    too_wide,
)
from curator.formats.conll import export_conll, read_conll
from curator.formats.doccano import export_doccano, read_doccano
from curator.formats.labelstudio import export_labelstudio, read_labelstudio
from curator.formats.reports import ImportProblem, ImportReport
from curator.formats.spacy_docbin import SPAN_KEY, export_docbin, read_docbin
from curator.jobs import Job, collector_paused
from curator.store import Store

FORMATS = (*TOOL_FORMATS, "curator")  # what import_annotated reads


def detect(path: Path) -> str | None:
    """Which of these formats a file is in, or None for a plain article file."""
    return _sniff(path)[0]


def _sniff(path: Path) -> tuple[str | None, Any]:
    """``detect``, and the JSON of a Label Studio file when it was read as its reader
    reads it (``boundary.loads``: orjson, and ``plain``), so that it is parsed once."""
    suffix = path.suffix.lower()
    if suffix in (".conll", ".bio", ".iob"):
        return "conll", None
    if suffix == ".spacy":
        return "spacy", None
    try:
        if suffix == ".json":
            data = read_input(path).decode("utf-8-sig")
            try:  # a look at the shape only: the reader parses again, strictly
                payload = orjson.loads(data)
            except orjson.JSONDecodeError:
                payload = loads(data)
            if isinstance(payload, dict) and payload.get("format") == "curator-dataset":
                return "curator", None
            if isinstance(payload, list) and payload and isinstance(payload[0], dict) and "data" in payload[0]:
                return "labelstudio", payload if plain(payload) else None
        if suffix in (".jsonl", ".ndjson"):
            check_input(path)
            with path.open("rb") as lines:  # the first record, read up to the most a record may take
                while (first := lines.readline(line_cap() + 1)) and not first.strip():
                    pass
            if len(first) > line_cap():
                return None, None  # no tool's record: the article reader reports the line
            record = loads(first.decode("utf-8-sig")) if first else {}
            if isinstance(record, dict) and isinstance(record.get("annotations"), list) and "id" in record:
                return "curator", None  # Curator's JSONL export: one document with its spans a line
            if isinstance(record, dict) and isinstance(record.get("label", record.get("entities")), list):
                return "doccano", None
    except (OSError, UnicodeDecodeError, BadJSON):
        return None, None
    return None, None


# -- readers -------------------------------------------------------------------------------


def import_curator_export(store: Store, path: Path) -> ImportReport:
    """Read a Curator JSON export (documents, annotations, entities, facts) into a project."""
    from curator.formats.dataset_reader import (
        read_curator_export,  # (the export's models: only for this)
    )

    entities, documents, facts = read_curator_export(store, path)
    report = ImportReport()
    known = {e.id for e in store.entities()}
    _add(store, documents, report, str(path), [e for e in entities if e.id not in known], facts)
    return report


READERS = {"labelstudio": read_labelstudio, "doccano": read_doccano, "conll": read_conll,
           "spacy": read_docbin}


def import_annotated(store: Store, path: str | Path, fmt: str | None = None, parsed: Any = None) -> ImportReport:
    """Import documents with their spans from another tool's file (format detected if not given).

    The whole file is read and checked before anything is written: a malformed file
    raises ``FileRefused`` and changes nothing. Spans and documents that are well formed
    but do not fit this project are reported in the result and skipped. ``parsed``: a
    Label Studio file's JSON as ``_sniff`` read it, not to parse it twice."""
    path = Path(path)
    # A file's records, read whole, are millions of objects that make no reference cycles:
    # the collector's full passes over them, again and again, were up to a fifth of the import.
    with collector_paused():
        fmt = fmt or detect(path)
        if fmt == "curator":
            return import_curator_export(store, path)
        if fmt not in READERS:
            raise CuratorError(f"{path}: not a Label Studio, doccano, CoNLL or Curator export file")
        report = ImportReport()
        read = READERS[fmt](path) if parsed is None or fmt != "labelstudio" else read_labelstudio(path, parsed)
        _add(store, read, report, str(path))
    return report


def _merged(documents: list[AnnotatedDocument], report: ImportReport, where: str) -> list[AnnotatedDocument]:
    """One document per id (doccano writes a line per annotator); a second text under one id is skipped."""
    by_uid: dict[str, AnnotatedDocument] = {}
    for document in documents:
        first = by_uid.setdefault(document.uid, document)
        if first is document:
            continue
        if first.text != document.text:
            report.skip(where, f"document {document.uid!r}", "appears again with a different text; "
                                   "the second is skipped")
            continue
        first.spans.extend(document.spans)
        first.statuses.update(document.statuses)
        first.notes.extend(document.notes)
        first.categories.extend(document.categories)
    return list(by_uid.values())


@dataclass
class _Checked:
    """What a file's records come to once checked: the documents and spans to write (as
    models, or as plain rows when ``plain``), statuses, categories, and what was reported."""

    plain: bool
    report: ImportReport = field(default_factory=ImportReport)
    problems: Problems | None = None
    documents: list = field(default_factory=list)  # Document, or the columns of one
    spans: list[tuple[str, Any]] = field(default_factory=list)  # (document uid, Annotation or its columns)
    statuses: list[tuple[str, str]] = field(default_factory=list)
    categories: list[tuple[str, str, str, list[str]]] = field(default_factory=list)
    known: dict[str, Document] = field(default_factory=dict)  # the file's documents already in the project


def _check(store: Store, documents: list[AnnotatedDocument], where: str, entities: list[Entity],
           plain: bool) -> _Checked | None:
    """Check every document and span of a file against the project; nothing is written.

    ``plain``: without models, by the models' checks written out by hand
    (``plain_document``, ``plain_span``), giving rows; None at the first record they are
    not sure of, or if anything is malformed, and the caller checks again with the models,
    which decide and word every problem. Both give the same result where both answer."""
    checked = _Checked(plain, problems=Problems(where))
    report, problems = checked.report, checked.problems
    labels = set(store.label_schema.names)
    sets = {category.name: category for category in store.label_schema.categories}
    taken = store.annotations_by_id({s[4]["id"] for d in documents for s in d.spans if s[4].get("id")})
    entity_ids = {e.id for e in store.entities()} | {e.id for e in entities}
    # Looked up in batches, not a query per document: the documents already in the project
    # and the spans they hold.
    known = checked.known = store.documents_by_uid(d.uid for d in documents)
    held = {document.id: spans for document, spans in
            store.documents_with_annotations([document.id for document in known.values()])}
    now = utc_now()
    for document in documents:
        record = f"document {document.uid!r}"
        for note in document.notes:
            report.skip(where, record, note)
        existing = known.get(document.uid)
        if existing is not None and existing.text != document.text:
            report.skip(where, record, "a different text with this id is "
                                   "already in the project; skipped")
            continue
        if existing is None:
            if too_wide("source", document.meta.get("source")):
                problems.add(record, "source", too_wide("source", document.meta["source"]))
                continue
            fields = {k: v for k, v in document.meta.items() if v is not None
                      and k in ("title", "source", "url", "published", "extra")}
            if plain:
                row = plain_document(document.uid, document.text, where, fields)
                if row is None:
                    return None
                checked.documents.append(row)
            else:
                try:
                    checked.documents.append(Document(uid=document.uid, text=document.text, origin=where, **fields))
                except ValidationError as exc:
                    problems.add(record, *first_error(exc))
                    continue
            present: set[tuple] = set()
        else:
            present = {(a.start, a.end, a.label, a.annotator) for a in held[existing.id]}
        for start, end, label, annotator, extra in document.spans:
            span_record = f"{record} [{start}:{end}]"
            wide = too_wide("annotator", annotator) or too_wide("span id", extra.get("id"))
            if wide:
                problems.add(f"{record} [{start}:{end}]", None, wide)
                continue
            annotator, odd = _annotator_name(annotator)
            if odd:
                report.skip(where, span_record, f"{odd}; span skipped")
                continue
            if not (0 <= start < end <= len(document.text)):
                report.skip(where, span_record, f"span is outside the text (length {len(document.text)})")
                continue
            if label not in labels:
                report.skip(where, span_record, f"unknown label {label[:40]!r}")
                report.missing_labels[label] = report.missing_labels.get(label, 0) + 1
                continue
            if (start, end, label, annotator) in present:
                report.spans_present += 1
                continue
            if extra.get("entity_id") and extra["entity_id"] not in entity_ids:
                report.skip(where, span_record, f"linked to entity {extra['entity_id']!r}, which is not in "
                                       "the project; skipped")
                continue
            old = taken.get(extra.get("id"))
            if old is not None:
                report.skip(where, span_record, f"span id {old.id!r} is already used by another span in "
                                       "the project; skipped")
                continue
            present.add((start, end, label, annotator))
            doc_id = existing.id if existing else 0
            if plain:
                if extra or not plain_span(start, end, label, annotator):
                    return None
                checked.spans.append((document.uid, {"id": "", "doc_id": doc_id, "start": start, "end": end,
                                                     "label": label, "annotator": annotator, "created": now,
                                                     "updated": now, "value": None, "entity_id": None}))
                continue
            fields = {k: v for k, v in extra.items() if v is not None}
            try:
                checked.spans.append((document.uid, Annotation(doc_id=doc_id, start=start, end=end, label=label,
                                                               annotator=annotator, **fields)))
            except ValidationError as exc:
                problems.add(f"{record} [{start}:{end}]", *first_error(exc))
        checked.categories.extend((document.uid, *entry)
                                  for entry in fitting_categories(document.categories, sets, report, where, record))
        for annotator, status in document.statuses.items():
            if status != DocumentStatus.DONE.value:
                continue
            name, odd = _annotator_name(annotator)
            odd = too_wide("annotator", name) or odd
            if odd:
                report.skip(where, record, f"{odd}; the status 'done' of this annotator skipped")
            else:
                checked.statuses.append((document.uid, name))
    if plain and problems.found:
        return None
    return checked


def _annotator_name(name: str) -> tuple[str, str | None]:
    """An annotator name from a file, stripped (``" alice"`` is alice), and why it cannot be
    one, if it cannot (a control character would reach terminals and file names)."""
    try:
        return check_annotator(name, f"annotator {printable(repr(name))}"), None
    except CuratorError as exc:
        return name, str(exc)


def _add(store: Store, documents: list[AnnotatedDocument], report: ImportReport, where: str,
         entities: list[Entity] = (), facts: list[Fact] = ()) -> None:
    """Check every document and span of a file, then write them: nothing is written if a
    record is malformed (``FileRefused``); records that do not fit the project are reported.

    Records are checked without models first (a file of 40,000 spans took most of its
    import building them); anything those checks are not sure of sends the whole file
    through the models, so that every problem is found and worded by them."""
    documents = _merged(documents, report, where)
    checked = _check(store, documents, where, entities, plain=True)
    if checked is None:
        checked = _check(store, documents, where, entities, plain=False)
    checked.problems.refuse_if_any()
    report.merge(checked.report)
    if checked.plain:
        uids = [row["uid"] for row in checked.documents]
    else:
        uids = [document.uid for document in checked.documents]
    with store.transaction():  # the whole file, or (killed, refused by the database) none of it
        for entity in entities:
            store.add_entity(entity)
        if checked.plain:
            ids = dict(zip(uids, store.add_document_rows(checked.documents)))
            written = []
            for (uid, row), span_id in zip(checked.spans, new_ids(len(checked.spans))):
                row["id"] = span_id
                if uid in ids:
                    row["doc_id"] = ids[uid]
                written.append(row)
            store.add_annotation_rows(written)
        else:
            ids = dict(zip(uids, store.add_documents(checked.documents)))
            written = [a.model_copy(update={"doc_id": ids[uid]}) if uid in ids else a for uid, a in checked.spans]
            store.add_annotations(written)
        for uid, annotator in checked.statuses:
            doc_id = ids.get(uid) or checked.known[uid].id
            store.set_status(doc_id, annotator, DocumentStatus.DONE)
        for fact in facts:
            store.save_fact(fact)
        for uid, who, set_name, choices in checked.categories:
            store.set_categories(ids.get(uid) or store.document_by_uid(uid).id, who, set_name, choices)
    report.categories_added += len(checked.categories)
    report.added += [ids[uid] for uid in uids]
    report.spans_added += len(written)


# -- writers --------------------------------------------------------------------------------


def export_interop(store: Store, target: str | Path, fmt: str, annotator: str | None = None) -> None:
    """Write one layer (or all) in another tool's format; each writer validates first."""
    target = Path(target)
    if fmt not in TOOL_FORMATS:
        raise CuratorError(f"unknown format {fmt!r}")
    if fmt == "conll" and annotator is None:
        raise CuratorError("CoNLL holds one layer: choose one annotator's layer, or gold, instead of every layer")
    if fmt == "labelstudio":
        export_labelstudio(store, target, annotator)
    elif fmt == "doccano":
        export_doccano(store, target, annotator)
    elif fmt == "spacy":
        export_docbin(store, target, annotator)
    elif fmt == "conll":
        export_conll(store, target, annotator)
    else:
        raise CuratorError(f"unknown format {fmt!r}")


def import_paths(store: Store, paths: list[Path], job: Job | None = None) -> ImportReport:
    """Import articles and annotated files alike: annotated ones (detected by content) go
    through the readers above, the rest through the article importer. One report for all."""
    report = ImportReport()
    annotated: set[Path] = set()
    with collector_paused():  # (as in import_annotated; the detection parses a Label Studio file)
        for path in paths:
            if path in annotated or not path.is_file():
                continue
            fmt, parsed = _sniff(path)  # detected once, and a Label Studio file parsed once
            if fmt is None:
                continue
            annotated.add(path)
            try:
                report.merge(import_annotated(store, path, fmt, parsed))
            except FileRefused as exc:
                report.problems += exc.problems
            except CuratorError as exc:
                report.problems.append(ImportProblem(str(path), str(exc)))
            del parsed
    report.merge(import_files(store, [p for p in paths if p not in annotated], job))
    return report


__all__ = ["FORMATS", "READERS", "SPAN_KEY", "AnnotatedDocument", "ImportReport", "detect", "export_docbin",
           "export_interop", "import_annotated", "import_paths", "read_docbin", "refuse_invalid"]
