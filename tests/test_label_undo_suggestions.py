"""Deleting, renaming or merging a label takes its suggestions along (and the relations
proposed on its spans); undoing it brings every one of them back as it was, its status
kept, so a rejected suggestion is not proposed again."""

from __future__ import annotations

import pytest

from curator.domain.models import (
    Annotation,
    Document,
    RelationSuggestion,
    Suggestion,
    SuggestionStatus,
)
from curator.session import Session
from curator.session.label_edits import merge_labels, remove_label, rename_label

TEXT = "The ministry said exports to China rose 12% in 2024, to $24 billion."


def _project(store):
    [doc_id] = store.add_documents([Document(uid="d", text=TEXT)])
    money = store.add_annotation(Annotation(doc_id=doc_id, start=TEXT.index("$"), end=len(TEXT) - 1, label="MONEY",
                                            annotator="ann"))
    org = store.add_annotation(Annotation(doc_id=doc_id, start=4, end=12, label="ORG", annotator="ann"))
    suggestions = [
        Suggestion(doc_id=doc_id, start=TEXT.index("12%"), end=TEXT.index("12%") + 3, label="PERCENT",
                   annotator="ann", source="rules", status=SuggestionStatus.REJECTED),
        Suggestion(doc_id=doc_id, start=TEXT.index("2024"), end=TEXT.index("2024") + 4, label="PERCENT",
                   annotator="ann", source="rules", status=SuggestionStatus.OPEN, confidence=0.5),
        Suggestion(doc_id=doc_id, start=TEXT.index("12%"), end=TEXT.index("12%") + 3, label="MONEY",
                   annotator="ann", source="learned", status=SuggestionStatus.OPEN, confidence=0.9),
        Suggestion(doc_id=doc_id, start=TEXT.index("China"), end=TEXT.index("China") + 5, label="ORG",
                   annotator="ann", source="rules", status=SuggestionStatus.OPEN),
    ]
    store.add_suggestions(suggestions)
    proposal = RelationSuggestion(doc_id=doc_id, source_id=money.id, target_id=org.id, label="attributed_to",
                                  annotator="ann", source="rules", status=SuggestionStatus.REJECTED)
    store.add_relation_suggestions([proposal])
    return doc_id


def _state(store, doc_id):
    suggestions = sorted((s.id, s.start, s.end, s.label, s.status, s.confidence)
                         for s in store.document_suggestions(doc_id))
    proposals = sorted((p.id, p.source_id, p.target_id, p.label, p.status)
                       for p in store.relation_suggestions_for(doc_id))
    return suggestions, proposals


@pytest.mark.parametrize("edit", ["delete PERCENT", "delete MONEY", "rename PERCENT", "merge PERCENT into MONEY",
                                  "merge ORG into INITIATIVE"])
def test_undoing_a_label_edit_brings_back_its_suggestions_with_their_status(store, edit):
    doc_id = _project(store)
    session = Session(store, "ann")
    before = _state(store, doc_id)
    words = edit.split()
    command = {"delete": lambda: remove_label(store, words[1]),
               "rename": lambda: rename_label(store, words[1], "SHARE"),
               "merge": lambda: merge_labels(store, words[1], words[3])}[words[0]]()
    session.do(command)
    assert _state(store, doc_id) != before
    session.undo()
    assert _state(store, doc_id) == before
    session.redo()
    session.undo()
    assert _state(store, doc_id) == before
