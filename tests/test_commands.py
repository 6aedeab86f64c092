from datetime import date

import pytest

from curator.domain.models import Annotation, Document, DocumentStatus
from curator.session.commands import (
    AddSpan,
    DeleteSpan,
    EditDocument,
    EditSpan,
    SetStatus,
)


@pytest.fixture
def doc_id(store):
    return store.add_documents([Document(uid="d", text="Ma Xingrui met Tokayev in Astana.")])[0]


def state(store, doc_id):
    document = store.get_document(doc_id)
    spans = [a.model_dump(exclude={"updated"}) for a in store.annotations_for(doc_id)]
    return spans, store.status(doc_id, "ann"), document.title, document.published


def round_trip(store, doc_id, command):
    before = state(store, doc_id)
    inverse = command.apply(store)
    after = state(store, doc_id)
    assert after != before
    redo = inverse.apply(store)
    assert state(store, doc_id) == before
    redo.apply(store)
    assert state(store, doc_id) == after


def test_add_span_and_its_inverse(store, doc_id):
    round_trip(store, doc_id, AddSpan(Annotation(doc_id=doc_id, start=0, end=10, label="PERSON", annotator="ann")))
    assert [(a.start, a.end, a.label) for a in store.annotations_for(doc_id)] == [(0, 10, "PERSON")]


def test_delete_span_restores_the_same_span(store, doc_id):
    span = store.add_annotation(Annotation(doc_id=doc_id, start=15, end=22, label="PERSON", annotator="ann",
                                           value={"note": 1}))
    round_trip(store, doc_id, DeleteSpan(span.id, doc_id, "PERSON"))
    AddSpan(span).apply(store)
    undo_delete = DeleteSpan(span.id, doc_id, "PERSON").apply(store)
    undo_delete.apply(store)
    assert store.get_annotation(span.id).model_dump() == span.model_dump()


def test_edit_span(store, doc_id):
    span = store.add_annotation(Annotation(doc_id=doc_id, start=26, end=32, label="ORG", annotator="ann"))
    command = EditSpan(span.id, doc_id, {"label": "LOCATION"})
    assert command.text == "Relabel as LOCATION"
    round_trip(store, doc_id, command)


def test_set_status(store, doc_id):
    round_trip(store, doc_id, SetStatus(doc_id, "ann", DocumentStatus.DONE))
    assert store.status(doc_id, "ann") is DocumentStatus.DONE


def test_edit_document_metadata(store, doc_id):
    round_trip(store, doc_id, EditDocument(doc_id, {"title": "Meeting", "published": date(2023, 3, 28)}))
    assert store.get_document(doc_id).published == date(2023, 3, 28)
