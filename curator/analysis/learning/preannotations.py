"""Pre-annotations from outside, offered as suggestions with their source named: a spaCy
pipeline the curator points to (``spacy:NAME``), or a JSONL of spans another tool wrote
(``jsonl:FILE``; ``formats.span_predictions``). (Label Studio's ``predictions`` come
with its own import.)

Each span is checked against the project: the document it names must be there (and its
text, if given, the document's), its offsets inside the text, its label one of the
project's (a spaCy label may be mapped to one: ``GPE`` to ``LOCATION``). A span that
fails is reported and skipped, and the others go on. Mentions of known entities come
linked to them. Suggesting again from the same source refreshes its open suggestions;
a rejected one is never proposed again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from curator.analysis.learning.learned_suggestions import EntityIndex
from curator.domain.jobs import Job
from curator.domain.models import Suggestion
from curator.domain.schema import LabelKind
from curator.errors import CuratorError
from curator.formats.reports import ImportProblem
from curator.formats.schema_files import equivalent_label
from curator.formats.span_predictions import (
    PredictedSpan,
    read_span_predictions,
)
from curator.store import Store

SOURCE_WIDTH = 40  # the store's column for a suggestion's source


@dataclass
class PreannotationReport:
    """What a source suggested: documents it covered, suggestions added per label, and
    what was skipped (each naming its record and why)."""

    source: str
    documents: int = 0
    added: Counter[str] = field(default_factory=Counter)
    problems: list[ImportProblem] = field(default_factory=list)


def source_name(kind: str, name: str) -> str:
    """``kind:name`` cut to the store's width: how a suggestion names where it came from."""
    return f"{kind}:{name}"[:SOURCE_WIDTH]


def suggest_from_jsonl(store: Store, path: Path, annotator: str, job: Job | None = None) -> PreannotationReport:
    """Suggestions from a JSONL of spans (``formats.span_predictions``); ``FileRefused`` for a
    malformed file (nothing suggested)."""
    documents = read_span_predictions(path)
    report = PreannotationReport(source_name("jsonl", path.name))
    by_uid = {uid: doc_id for doc_id, uid in store.uids().items()}
    by_text: dict[str, int] | None = None
    wanted: dict[int, list[tuple[str, PredictedSpan]]] = {}
    for document in documents:
        doc_id = by_uid.get(document.uid) if document.uid is not None else None
        if document.uid is None:
            if by_text is None:
                by_text = {text: doc_id for batch in store.iter_texts() for doc_id, text in batch}
            doc_id = by_text.get(document.text or "")
        if doc_id is None:
            what = f"no document with id {document.uid!r}" if document.uid is not None else "no document has this text"
            report.problems.append(ImportProblem(str(path), f"{what} in the project; skipped", document.record))
            continue
        if document.text is not None and document.uid is not None and document.text != store.get_document(doc_id).text:
            report.problems.append(ImportProblem(str(path), f"the text differs from document {document.uid!r}'s; "
                                                            "skipped", document.record))
            continue
        wanted.setdefault(doc_id, []).extend((document.record, span) for span in document.spans)
    _suggest(store, wanted, annotator, report, str(path), {}, job or Job())
    return report


def suggest_from_spacy(store: Store, pipeline: Path, annotator: str, label_map: dict[str, str] | None = None,
                       ids: Sequence[int] | None = None, job: Job | None = None) -> PreannotationReport:
    """Suggestions from the entities a spaCy pipeline (a folder saved with ``nlp.to_disk``, or
    an installed package's name) finds. Needs spaCy (``pip install curator[spacy]``)."""
    job = job or Job()
    try:
        import spacy
    except ImportError as exc:
        raise CuratorError("suggesting with a spaCy pipeline needs spaCy: pip install 'curator[spacy]'") from exc
    try:
        nlp = spacy.load(pipeline)
    except (OSError, ValueError, KeyError, ImportError) as exc:
        raise CuratorError(f"{pipeline}: not a spaCy pipeline spaCy can load ({exc})") from exc
    report = PreannotationReport(source_name("spacy", str(nlp.meta.get("name") or Path(pipeline).name)))
    ids = list(store.document_ids()) if ids is None else list(ids)
    wanted: dict[int, list[tuple[str, PredictedSpan]]] = {}
    texts = store.document_texts(ids)
    for index, ((doc_id, uid, _text), doc) in enumerate(zip(texts, nlp.pipe(text for _i, _u, text in texts))):
        if index % 20 == 0:
            job.check()
            job.set_progress(index, len(texts))
        wanted[doc_id] = [(uid, PredictedSpan(ent.start_char, ent.end_char, ent.label_, None)) for ent in doc.ents]
    mapping = label_map or {}  # (spaCy's usual labels, GPE and the like, are the project's conventional ones)
    _suggest(store, wanted, annotator, report, str(pipeline), mapping, job)
    return report


def _suggest(store: Store, wanted: dict[int, list[tuple[str, PredictedSpan]]], annotator: str,
             report: PreannotationReport, where: str, mapping: dict[str, str], job: Job) -> None:
    schema = store.label_schema
    kinds = {label.name: label.kind for label in schema.labels}
    entities = EntityIndex(store.entities())
    unknown: Counter[str] = Counter()
    for count, (doc_id, spans) in enumerate(sorted(wanted.items())):
        if count % 20 == 0:
            job.check()
        document = store.get_document(doc_id)
        own = [(a.start, a.end) for a in store.annotations_for(doc_id, annotator)]
        proposed: dict[tuple[int, int, str], Suggestion] = {}
        for record, span in spans:
            label = span.label if span.label in kinds else \
                mapping.get(span.label) or equivalent_label(span.label, kinds) or span.label
            if label not in kinds:
                unknown[span.label] += 1
                continue
            if span.end > len(document.text):
                report.problems.append(ImportProblem(where, f"span {span.start}-{span.end} ends after the text "
                                                            f"({len(document.text)} characters); skipped", record))
                continue
            if any(span.start < end and start < span.end for start, end in own):
                continue  # the curator's own span is there
            entity_id = entities.find(label, document.text[span.start:span.end]) \
                if kinds[label] is LabelKind.ENTITY else None
            proposed[(span.start, span.end, label)] = Suggestion(
                doc_id=doc_id, start=span.start, end=span.end, label=label, annotator=annotator,
                source=report.source, confidence=span.score, entity_id=entity_id)
        report.added.update(s.label for s in store.refresh_suggestions(doc_id, annotator, report.source,
                                                                       list(proposed.values())))
        report.documents += 1
    for label, count in sorted(unknown.items()):
        report.problems.append(ImportProblem(where, f"{count} span(s) of label {label!r}, which the project does "
                                                    "not have, skipped (map it to one of the project's labels)"))
