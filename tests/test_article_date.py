"""Setting an article's date re-resolves the date values computed from it, in every
layer, as one undoable command; values typed by hand are kept."""

from datetime import date

import pytest

from curator.analysis.suggest import suggest_document
from curator.domain.metadata import INFERRED
from curator.domain.models import GOLD, Annotation, Document
from curator.domain.normalize import value_for
from curator.session import Session
from curator.session.article_date import redate
from curator.session.editing import tag
from curator.store import Store

TEXT = ("Exports fell on Thursday, the ministry said. Trade had grown last Tuesday and in the first half of "
        "this year by 5%. The talks on March 29 went well.")
HAND = {"type": "date", "start": "2024-02-02", "end": "2024-02-02", "granularity": "day"}


@pytest.fixture
def session(tmp_path):
    store = Store.create(tmp_path / "p")
    [doc_id] = store.add_documents([Document(uid="d", text=TEXT, extra={INFERRED: True, "kept": 1})])
    session = Session(store, "ann")
    yield session
    store.close()


def spans_by_text(store: Store, doc_id: int) -> dict[tuple[str, str], dict]:
    text = store.get_document(doc_id).text
    return {(a.annotator, text[a.start:a.end]): a.value for a in store.annotations_for(doc_id)}


def tag_all(session: Session, doc_id: int, annotator: str, words: list[str]) -> None:
    document = session.store.get_document(doc_id)
    for word in words:
        start = document.text.index(word)
        session.do(tag(session.store.label_schema, document, start, start + len(word), "DATE", annotator, []))


def test_setting_the_date_re_resolves_every_layer_in_one_undoable_step(session):
    store = session.store
    doc_id = store.document_ids()[0]
    tag_all(session, doc_id, "ann", ["Thursday", "last Tuesday", "the first half of this year", "March 29"])
    tag_all(session, doc_id, "bob", ["Thursday"])
    tag_all(session, doc_id, GOLD, ["last Tuesday"])
    store.add_annotations([Annotation(doc_id=doc_id, start=TEXT.index("5%"), end=TEXT.index("5%") + 2,
                                      label="PERCENT", annotator="ann",
                                      value=value_for(store.label_schema, "PERCENT", TEXT, TEXT.index("5%"),
                                                      TEXT.index("5%") + 2, None))])
    # A value typed by hand for "March 29": kept whatever the date.
    [march] = [a for a in store.annotations_for(doc_id, "ann") if TEXT[a.start:a.end] == "March 29"]
    store.edit_annotation(march.id, value=HAND)
    suggested = suggest_document(store, doc_id, "sue")  # a layer with no spans: every date is suggested
    assert all(s.value["reason"] == "no_anchor" for s in suggested if s.label == "DATE" and "reason" in s.value)
    before = spans_by_text(store, doc_id)
    assert before[("ann", "Thursday")]["reason"] == "no_anchor"

    redating = redate(store, doc_id, date(2024, 3, 8))  # a Friday
    session.do(redating.command)

    after = spans_by_text(store, doc_id)
    assert after[("ann", "Thursday")] == after[("bob", "Thursday")] == {
        "type": "date", "start": "2024-03-07", "end": "2024-03-07", "granularity": "day", "inferred": True}
    assert after[("ann", "last Tuesday")]["start"] == after[(GOLD, "last Tuesday")]["start"] == "2024-03-05"
    assert after[("ann", "the first half of this year")]["end"] == "2024-06-30"
    assert after[("ann", "March 29")] == HAND  # typed by hand: kept
    assert after[("ann", "5%")] == before[("ann", "5%")]  # a figure: untouched
    dates = {TEXT[s.start:s.end]: s.value for s in store.suggestions_for(doc_id, "sue") if s.label == "DATE"}
    assert dates["Thursday"]["start"] == "2024-03-07" and dates["March 29"]["start"] == "2024-03-29"
    document = store.get_document(doc_id)
    assert document.published == date(2024, 3, 8) and document.extra == {"kept": 1}  # set by hand: not inferred
    # It says how many values changed: 5 spans and the suggestions that were computed.
    changed_suggestions = sum(1 for s in suggested if s.label == "DATE")
    assert redating.changed == 5 + changed_suggestions
    # (the spans' values apart from the suggestions': an accepted suggestion is out of sight)
    assert f"(5 date values re-resolved; {changed_suggestions} suggestions too)" in redating.command.label

    session.undo()  # one step puts all of it back
    assert spans_by_text(store, doc_id) == before
    assert store.get_document(doc_id).published is None
    assert store.get_document(doc_id).extra == {INFERRED: True, "kept": 1}
    assert [s.value for s in store.suggestions_for(doc_id, "sue")] == [s.value for s in suggested]
    session.redo()
    assert spans_by_text(store, doc_id) == after


def test_correcting_a_date_moves_values_computed_from_the_old_one(session):
    store = session.store
    doc_id = store.document_ids()[0]
    session.do(redate(store, doc_id, date(2024, 3, 8)).command)
    tag_all(session, doc_id, "ann", ["Thursday", "the first half of this year"])
    redating = redate(store, doc_id, date(2023, 3, 10))
    assert redating.changed == 2
    session.do(redating.command)
    values = spans_by_text(store, doc_id)
    assert values[("ann", "Thursday")]["start"] == "2023-03-09"
    assert values[("ann", "the first half of this year")]["start"] == "2023-01-01"
    # Nothing computed from the date: the same date again changes nothing.
    assert redate(store, doc_id, date(2023, 3, 10)).changed == 0


def test_clearing_the_date_leaves_values_unresolved_again(session):
    store = session.store
    doc_id = store.document_ids()[0]
    session.do(redate(store, doc_id, date(2024, 3, 8)).command)
    tag_all(session, doc_id, "ann", ["Thursday"])
    session.do(redate(store, doc_id, None).command)
    assert spans_by_text(store, doc_id)[("ann", "Thursday")]["reason"] == "no_anchor"
