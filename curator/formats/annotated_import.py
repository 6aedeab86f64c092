"""Writing what a reader found in another tool's file into a project: documents (one per
id: doccano writes a line per annotator), spans, statuses, categories and a model's
suggestions, checked whole against the project before anything is written; what does not
fit is reported and skipped. Relations between the spans are written with them
(``relation_import``); what the file holds that Curator leaves out is reported by kind
and count."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from curator.domain.jobs import Job
from curator.domain.models import (
    Annotation,
    Document,
    DocumentStatus,
    Entity,
    Fact,
    Suggestion,
    new_ids,
    plain_document,
    plain_span,
    utc_now,
)
from curator.domain.schema import LabelKind, LabelSchema
from curator.domain.text import span_problem
from curator.formats.annotated import (
    AnnotatedDocument,
    ReadFile,
    file_annotator,
    first_error,
    fitting_categories,
)
from curator.formats.boundary import Problems, too_wide
from curator.formats.reports import ImportProblem, ImportReport
from curator.store import Store

if TYPE_CHECKING:
    from curator.domain.normalize import TextValues

PROGRESS_EVERY = 500  # documents checked between two reports of progress
WRITE_BATCH = 5000  # documents written between two reports of progress (one transaction still)


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
        first.suggestions.extend(document.suggestions)
        first.relations.extend(document.relations)
        first.short |= document.short
        first.regions.update(document.regions)
    return list(by_uid.values())


def _by_text(store: Store, documents: list[AnnotatedDocument], report: ImportReport,
             where: str) -> list[AnnotatedDocument]:
    """The file's documents, each the tool numbered its own way (``own_id`` False: a
    task's id, a place in the file) named as the project's article with its very text,
    if there is one and no article has that id with that text: a file annotated elsewhere
    and read back is on the articles already here, not on copies of them."""
    loose = [document for document in documents if not document.own_id]
    if not loose:
        return documents
    known = store.documents_by_uid(document.uid for document in loose)
    loose = [document for document in loose if document.uid not in known or known[document.uid].text != document.text]
    same = store.documents_by_text(document.text for document in loose) if loose else {}
    matched = []
    for document in loose:
        if document.text in same:
            matched.append((document.uid, same[document.text][0].uid))
            document.uid = same[document.text][0].uid
    if matched:
        report.warnings.append(ImportProblem(where, f"{len(matched):,} document(s) numbered by the tool matched by "
                                                    f"their text to the project's (e.g. {matched[0][0]!r} is "
                                                    f"{matched[0][1]!r})"))
    return documents


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
    values: dict[str, TextValues] = field(default_factory=dict)  # each document's figures' and dates' values
    # Spans of the project corrected in the tool (a region Curator exported, its label or
    # bounds changed there), with their new fields.
    updates: list[tuple[Annotation, dict[str, Any]]] = field(default_factory=list)


def _check(store: Store, documents: list[AnnotatedDocument], where: str, entities: list[Entity],
           plain: bool, job: Job | None = None, into_gold: bool = False) -> _Checked | None:
    """Check every document and span of a file against the project; nothing is written.
    ``into_gold``: the reviewed layer's spans and statuses are taken (else skipped, said).

    ``plain``: without models, by the models' checks written out by hand
    (``plain_document``, ``plain_span``), giving rows; None at the first record they are
    not sure of, or if anything is malformed, and the caller checks again with the models,
    which decide and word every problem. Both give the same result where both answer."""
    # (the rules of figures and dates, imported when a file is: they compile 50 ms of patterns)
    from curator.domain.normalize import TextValues
    from curator.domain.undated import UndatedRecords

    checked = _Checked(plain, problems=Problems(where))
    report, problems = checked.report, checked.problems
    schema = store.label_schema
    labels = set(schema.names)
    valued = _valued_labels(schema)
    dated = {label.name for label in schema.labels if label.kind is LabelKind.DATE}
    sets = {category.name: category for category in schema.categories}
    taken = store.annotations_by_id({s[4]["id"] for d in documents for s in d.spans if s[4].get("id")})
    entity_ids = {e.id for e in store.entities()} | {e.id for e in entities}
    # Looked up in batches, not a query per document: the documents already in the project
    # and the spans they hold.
    known = checked.known = store.documents_by_uid(d.uid for d in documents)
    held = {document.id: spans for document, spans in
            store.documents_with_annotations([document.id for document in known.values()])}
    now = utc_now()
    names: dict[str, tuple[str, str | None]] = {}  # an annotator as the file names them -> ``_annotator_name``
    undated = UndatedRecords()
    for number, document in enumerate(documents):
        if job is not None and not number % PROGRESS_EVERY:
            job.set_progress(number, len(documents))
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
            undated.fill(fields, document.text)  # its dateline's date: its relative dates resolve
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
        corrections = _corrections(document, held[existing.id], present, names, into_gold) \
            if existing is not None and document.regions else {}
        if existing is not None:
            anchor = existing.published
        else:
            anchor = checked.documents[-1]["published"] if plain else checked.documents[-1].published
        until = max((end for _start, end, label, *_rest in document.spans if label in dated), default=0)
        values = checked.values[document.uid] = TextValues(schema, document.text, anchor, until)
        short = set(document.short)  # who, as the file names them, had a span of this document skipped
        for start, end, label, annotator, extra in document.spans:
            raw = annotator
            # (A span's name in a problem, "document 'x' [3:9]", is made only for a problem.)
            wide = too_wide("annotator", annotator) or too_wide("span id", extra.get("id"))
            if wide:
                problems.add(f"{record} [{start}:{end}]", None, wide)
                continue
            if annotator not in names:  # a file's few annotators, checked once each
                names[annotator] = file_annotator(annotator, into_gold)
            annotator, odd = names[annotator]
            if odd:
                short.add(raw)
                report.skip(where, f"{record} [{start}:{end}]", f"{odd}; span skipped")
                continue
            problem = span_problem(document.text, start, end)
            if problem:
                short.add(raw)
                report.skip(where, f"{record} [{start}:{end}]", f"span {problem}")
                continue
            if label not in labels:
                short.add(raw)
                report.skip(where, f"{record} [{start}:{end}]", f"unknown label {label[:40]!r}")
                report.missing_labels[label] = report.missing_labels.get(label, 0) + 1
                continue
            corrected = corrections.get((start, end, label, raw))
            if corrected is not None:  # that span, not another beside it
                present.add((start, end, label, annotator))
                checked.updates.append((corrected, {
                    "start": start, "end": end, "label": label,
                    "value": values.value(label, start, end) if label in valued else None,
                    "entity_id": corrected.entity_id if corrected.label == label else None}))
                continue
            if (start, end, label, annotator) in present:
                report.spans_present += 1
                continue
            if extra.get("entity_id") and extra["entity_id"] not in entity_ids:
                short.add(raw)
                report.skip(where, f"{record} [{start}:{end}]", f"linked to entity {extra['entity_id']!r}, which is not in "
                                       "the project; skipped")
                continue
            old = taken.get(extra.get("id"))
            if old is not None:
                short.add(raw)
                report.skip(where, f"{record} [{start}:{end}]", f"span id {old.id!r} is already used by another span in "
                                       "the project; skipped")
                continue
            present.add((start, end, label, annotator))
            doc_id = existing.id if existing else 0
            # A figure or date the file gives no value for gets the one tagging it would give.
            value = values.value(label, start, end) if label in valued and extra.get("value") is None else None
            if plain:
                if extra or not plain_span(start, end, label, annotator):
                    return None
                checked.spans.append((document.uid, {"id": "", "doc_id": doc_id, "start": start, "end": end,
                                                     "label": label, "annotator": annotator, "created": now,
                                                     "updated": now, "value": value, "entity_id": None}))
                continue
            fields = {k: v for k, v in extra.items() if v is not None}
            if value is not None:
                fields["value"] = value
            try:
                checked.spans.append((document.uid, Annotation(doc_id=doc_id, start=start, end=end, label=label,
                                                               annotator=annotator, **fields)))
            except ValidationError as exc:
                problems.add(f"{record} [{start}:{end}]", *first_error(exc))
        for who, *choice in fitting_categories(document.categories, sets, report, where, record):
            name, odd = file_annotator(who, into_gold)
            odd = too_wide("annotator", name) or odd
            if odd:
                report.skip(where, record, f"{odd}; the categories of this annotator skipped")
            else:
                checked.categories.append((document.uid, name, *choice))
        for annotator, status in document.statuses.items():
            if status != DocumentStatus.DONE.value:
                continue
            if annotator in short:  # done, said of spans not all here: it would count what is missing as missed
                report.skip(where, record, f"the status 'done' of {str(annotator)[:40]!r} not set: some of their spans "
                                           "here were skipped")
                continue
            name, odd = file_annotator(annotator, into_gold)
            odd = too_wide("annotator", name) or odd
            if odd:
                report.skip(where, record, f"{odd}; the status 'done' of this annotator skipped")
            else:
                checked.statuses.append((document.uid, name))
    if plain and problems.found:
        return None
    return checked


def add_documents(store: Store, documents: list[AnnotatedDocument], report: ImportReport, where: str,
                  entities: list[Entity] = (), facts: list[Fact] = (), suggestion_layer: str | None = None,
                  job: Job | None = None, into_gold: bool = False) -> None:
    """Check every document and span of a file, then write them: nothing is written if a
    record is malformed (``FileRefused``); records that do not fit the project are reported.
    The reviewed layer's spans and statuses are written only ``into_gold``.
    ``job`` is told how many documents are checked, then written, of how many.

    Records are checked without models first (a file of 40,000 spans took most of its
    import building them); anything those checks are not sure of sends the whole file
    through the models, so that every problem is found and worded by them."""
    documents = _merged(_by_text(store, documents, report, where), report, where)
    name = Path(where).name
    if job is not None:  # the file is read: its records are counted as they are checked, then written
        job.set_status(f"Checking {len(documents):,} documents of {name}")
    checked = _check(store, documents, where, entities, plain=True, job=job, into_gold=into_gold)
    if checked is None:
        checked = _check(store, documents, where, entities, plain=False, job=job, into_gold=into_gold)
    checked.problems.refuse_if_any()
    report.merge(checked.report)
    suggestions = _suggestions(store, documents, checked, report, where, suggestion_layer)
    if checked.plain:
        uids = [row["uid"] for row in checked.documents]
    else:
        uids = [document.uid for document in checked.documents]
    with store.transaction():  # the whole file, or (killed, refused by the database) none of it
        for entity in entities:
            store.add_entity(entity)
        # The spans corrected first: a span drawn anew where one of them was goes in after it moved.
        report.spans_before += [store.update_annotation(before.id, **fields) for before, fields in checked.updates]
        report.spans_updated += len(checked.updates)
        if job is not None:
            job.set_status(f"Writing {len(uids):,} documents of {name}")
        if checked.plain:
            ids: dict[str, int] = {}
            for first in range(0, len(uids), WRITE_BATCH):  # in parts, to say how far the writing is
                if job is not None:
                    job.set_progress(first, len(uids))
                ids.update(zip(uids[first:first + WRITE_BATCH],
                               store.add_document_rows(checked.documents[first:first + WRITE_BATCH])))
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
        def doc_id(uid: str) -> int:
            return ids[uid] if uid in ids else checked.known[uid].id

        # What the statuses and choices on documents already there were: the undo puts them back.
        new = set(ids.values())
        changed = store.set_statuses([(doc_id(uid), annotator, DocumentStatus.DONE.value, None)
                                      for uid, annotator in checked.statuses])  # (one already done is not)
        report.statuses_before += [row for row in changed if row[0] not in new]
        for fact in facts:
            store.save_fact(fact)
        report.categories_before += [row for row in store.set_category_rows(
            [(doc_id(uid), who, set_name, choices, None) for uid, who, set_name, choices in checked.categories])
            if row[0] not in new]
        store.add_suggestions([s.model_copy(update={"doc_id": ids[uid]}) if uid in ids else s
                               for uid, s in suggestions])
        if any(document.relations for document in documents):
            from curator.formats.relation_import import add_found_relations

            doc_ids = {**{uid: known.id for uid, known in checked.known.items()}, **ids}
            add_found_relations(store, documents, doc_ids, report, where, set(ids.values()), into_gold)
    report.suggestions_added += len(suggestions)
    report.suggestions_on_known += [s.id for uid, s in suggestions if uid not in ids]
    report.categories_added += len(checked.categories)
    report.statuses_set += len({row[:2] for row in changed})
    report.added += [ids[uid] for uid in uids]
    report.undated += [uid for uid in uids if checked.values[uid].anchor is None]  # (said, as an article import does)
    added = set(ids.values())
    report.spans_added += len(written)
    for span in written:
        who = span["annotator"] if checked.plain else span.annotator
        report.layers[who] = report.layers.get(who, 0) + 1
    if checked.plain:
        report.spans_on_known += [row["id"] for row in written if row["doc_id"] not in added]
    else:
        report.spans_on_known += [span.id for span in written if span.doc_id not in added]




def _corrections(document: AnnotatedDocument, spans: list[Annotation], present: set[tuple],
                 names: dict[str, tuple[str, str | None]], into_gold: bool) -> dict[tuple, Annotation]:
    """The spans of the project a file's regions correct, by the region's span as the file
    holds it (start, end, label, the file's annotator): a region Curator exported keeps its
    span's id (the region's, ten characters or more, begins it), and one relabelled or
    moved in the tool is that span changed, not a second one. A region moved onto words
    the annotator has a span of the same label on already is that span (no correction).
    The spans corrected leave their old places in ``present``: a region drawn there anew
    is a new span."""
    found: dict[tuple, Annotation] = {}
    taken: set[tuple] = set()
    for (start, end, label, raw), region in document.regions.items():
        if len(region) < 10:
            continue
        if raw not in names:
            names[raw] = file_annotator(raw, into_gold)
        annotator, odd = names[raw]
        key = (start, end, label, annotator)
        span = next((span for span in spans if span.annotator == annotator and span.id.startswith(region)), None)
        if odd or span is None or key in present or key in taken or (span.start, span.end, span.label) == key[:3] \
                or span in found.values():
            continue
        found[(start, end, label, raw)] = span
        taken.add(key)
    present -= {(span.start, span.end, span.label, span.annotator) for span in found.values()}
    return found


def _suggestions(store: Store, documents: list[AnnotatedDocument], checked: _Checked, report: ImportReport,
                 where: str, layer: str | None) -> list[tuple[str, Suggestion]]:
    """The pre-annotations of a file (a model's predictions) that fit the project, as
    suggestions in ``layer`` (the importing user's), each named after its model; the ones
    the layer holds already are left as they are (accepted or rejected ones too)."""
    written = {row["uid"] if checked.plain else row.uid for row in checked.documents} | set(checked.known)
    wanted = [d for d in documents if d.suggestions and d.uid in written
              and (d.uid not in checked.known or checked.known[d.uid].text == d.text)]
    if not wanted:
        return []
    from curator.domain.normalize import TextValues

    layer = layer or _importing_user()
    schema = store.label_schema
    labels = set(schema.names)
    valued = _valued_labels(schema)
    found = []
    for document in wanted:
        existing = checked.known.get(document.uid)
        held = {(s.start, s.end, s.label) for s in store.suggestions_for(existing.id, layer)} if existing else set()
        for start, end, label, model, sure in document.suggestions:
            record = f"document {document.uid!r} [{start}:{end}]"
            problem = span_problem(document.text, start, end)
            if problem:
                report.skip(where, record, f"suggestion {problem}")
            elif label not in labels:
                report.skip(where, record, f"unknown label {label[:40]!r} (a suggestion)")
                report.missing_labels[label] = report.missing_labels.get(label, 0) + 1
            elif len(model) > 40:
                report.skip(where, record, f"model name {model[:40]!r}... is longer than 40 characters; "
                                           "suggestion skipped")
            elif (start, end, label) not in held:
                held.add((start, end, label))
                values = checked.values.get(document.uid) or TextValues(schema, document.text, None, 0)
                value = values.value(label, start, end) if label in valued else None
                found.append((document.uid, Suggestion(doc_id=existing.id if existing else 0, start=start, end=end,
                                                       label=label, annotator=layer, source=model, value=value,
                                                       confidence=sure)))
    return found


def _valued_labels(schema: LabelSchema) -> set[str]:
    """The labels whose spans get a normalized value: figures' and dates'."""
    return {label.name for label in schema.labels if label.kind is not LabelKind.ENTITY}


def _importing_user() -> str:
    """Whose suggestion layer a file's pre-annotations go to when no one is named: the user's."""
    from curator.store.user_settings import (
        Settings,  # (only when a file has suggestions)
    )

    return Settings().annotator


def report_read(found: ReadFile, report: ImportReport, where: str, documents: list[AnnotatedDocument]) -> None:
    """What a reader says beside its documents, into the report: what the file was taken for,
    what it holds that was left out (by kind and count), caveats and skipped records."""
    report.read_as.append((where, found.kind))
    for what, count in sorted(found.left_out.items(), key=lambda item: -item[1]):
        report.warnings.append(ImportProblem(where, f"{count:,} {what}"))
    report.warnings += found.warnings
    report.problems += found.skipped
