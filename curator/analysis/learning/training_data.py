"""What the learned recommender learns from: the project's own annotations, by one rule.

For each document, in this order:

1. the **gold** layer, if the document has gold spans (the reviewer settled it);
2. else the layer of the annotator who **marked it done** most recently: a finished
   document's spans are the ones its curator accepted, and its unannotated words are
   taken as "no entity here";
3. else nothing: a document still to do may lack spans its curator has not made yet,
   and would teach the model that names are not names.

Only labels of kind entity or plain are learned (figures and dates are the rules'
work), and not those the project's settings turn off. A text's header (leading
metadata) is left out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from curator.analysis.learning.learning_settings import LearningSettings
from curator.analysis.learning.recommender import TrainingText
from curator.domain.header import find_header
from curator.domain.models import GOLD, DocumentStatus
from curator.domain.schema import LabelKind, LabelSchema
from curator.store import Store

PROJECT_TEXT_CHARACTERS = 12_000_000  # of the project's text read for word classes and usual case


def learnable_labels(schema: LabelSchema, settings: LearningSettings) -> list[str]:
    """The labels the recommender learns and suggests, in the schema's order."""
    return [label.name for label in schema.labels
            if label.kind in (LabelKind.ENTITY, LabelKind.PLAIN) and label.name not in settings.labels_off]


@dataclass(frozen=True)
class AnnotatedDocument:
    """One document the recommender learns from: which layer it learns, and the text."""

    doc_id: int
    uid: str
    layer: str
    item: TrainingText


def chosen_layers(store: Store) -> dict[int, str]:
    """Each document's layer to learn from, by the rule above."""
    chosen: dict[int, str] = {doc_id: GOLD for doc_id, _annotator in store.annotated([GOLD])}
    latest: dict[int, tuple[object, str]] = {}
    for annotator in store.annotators():
        if annotator == GOLD:
            continue
        for doc_id, (status, when) in store.statuses_with_times(annotator).items():
            if status is DocumentStatus.DONE and doc_id not in chosen and (
                    doc_id not in latest or (when, annotator) > latest[doc_id]):
                latest[doc_id] = (when, annotator)
    chosen.update({doc_id: annotator for doc_id, (_when, annotator) in latest.items()})
    return chosen


def annotated_documents(store: Store, labels: Sequence[str],
                        skipped: list[tuple[str, str]] | None = None) -> list[AnnotatedDocument]:
    """The documents to learn from, in id order, with their spans of ``labels``. A document
    that cannot be read is left out and named in ``skipped`` (uid, reason); the others go on."""
    layers = chosen_layers(store)
    wanted = set(labels)
    found = []
    for document, spans in store.documents_with_annotations(list(layers)):
        try:
            layer = layers[document.id]
            header = find_header(document.text)
            body = header.end if header is not None else 0
            kept = tuple(sorted((s.start, s.end, s.label) for s in spans
                                if s.annotator == layer and s.label in wanted and body <= s.start < s.end
                                and s.end <= len(document.text)))
            found.append(AnnotatedDocument(document.id, document.uid, layer,
                                           TrainingText(document.text, kept, body)))
        except Exception as exc:  # noqa: BLE001 - one document's trouble is reported; the others are learned
            if skipped is not None:
                skipped.append((document.uid, f"{type(exc).__name__}: {exc}"))
    return found


def fingerprint(documents: Sequence[AnnotatedDocument], labels: Sequence[str]) -> str:
    """What a model was trained from, in short: a model whose fingerprint equals the
    project's current one has nothing new to learn."""
    digest = hashlib.sha256(repr(sorted(labels)).encode())
    for document in documents:
        digest.update(repr((document.uid, document.layer, document.item.spans)).encode())
        digest.update(hashlib.sha256(document.item.text.encode("utf-8", "surrogatepass")).digest())
    return digest.hexdigest()[:32]


def project_text(store: Store, limit: int = PROJECT_TEXT_CHARACTERS) -> Iterator[str]:
    """The project's texts, annotated or not, up to ``limit`` characters in all: what
    word classes and each word's usual case are learned from."""
    read = 0
    for batch in store.iter_texts():
        for _doc_id, text in batch:
            yield text
            read += len(text)
            if read >= limit:
                return
