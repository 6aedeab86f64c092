"""The learned recommender on a small made-up project: it learns names no rule and no
register entry knows, keeps its model in the project, and never proposes again what
a curator rejected."""

from __future__ import annotations

import pytest
from synthetic_news import SUGGESTED_FOR, build

from curator.analysis.learning.active_learning import least_sure, next_least_sure
from curator.analysis.learning.learned_suggestions import (
    by_confidence,
    new_entity_for,
    suggest_learned,
)
from curator.analysis.learning.recommender import Recommender
from curator.analysis.learning.training import (
    RECOMMENDER,
    load_recommender,
    save_settings,
    settings_of,
    train_project,
)
from curator.analysis.suggest import EntityMatcher, propose
from curator.domain.models import Annotation, DocumentStatus, Entity, SuggestionStatus
from curator.errors import CuratorError
from curator.formats.copying import copy_project
from curator.session import Session
from curator.session.commands import SetSuggestionStatus
from curator.session.suggestion_decisions import accept_as_new_entity
from curator.store import Store


@pytest.fixture
def news(tmp_path):
    store, done, todo, truth = build(tmp_path / "news")
    yield store, done, todo, truth
    store.close()


def _learned(store, doc_id, annotator="bob"):
    return {(s.start, s.end, s.label): s for s in store.suggestions_for(doc_id, annotator) if s.source == RECOMMENDER}


def test_it_learns_names_that_no_rule_and_no_register_entry_knows(news):
    store, _done, todo, truth = news
    report = train_project(store, in_process=True)
    assert report.documents == 10 and set(report.spans) == {"PERSON", "ORG", "LOCATION"}
    suggested = suggest_learned(store, "bob", todo)
    assert not suggested.failed
    wanted = {(doc_id, *span) for doc_id in todo for span in truth[doc_id]}
    got = {(doc_id, *key) for doc_id in todo for key in _learned(store, doc_id)}
    right = wanted & got
    assert len(right) >= 0.8 * len(wanted), (len(right), len(wanted))
    assert len(right) >= 0.95 * len(got)  # shown suggestions are nearly all right
    names = {name for names in SUGGESTED_FOR.values() for name in names}
    texts = {doc_id: store.get_document(doc_id).text for doc_id in todo}
    assert {texts[doc_id][start:end] for doc_id, start, end, _label in right} <= names
    # Neither the rules nor the (empty) register know any of them.
    assert store.entities() == []
    matcher = EntityMatcher(store.entities())
    for doc_id in todo:
        ruled = {(s.start, s.end, s.label) for s in propose(store.get_document(doc_id), store.label_schema, matcher)}
        assert not {(doc_id, *key) for key in ruled} & right
    every = [s for doc_id in todo for s in _learned(store, doc_id).values()]
    assert all(0.0 <= s.confidence <= 1.0 and s.confidence >= settings_of(store).threshold for s in every)


def test_a_rejected_suggestion_is_never_proposed_again(news):
    store, _done, todo, _truth = news
    train_project(store, in_process=True)
    suggest_learned(store, "bob", todo[:1])
    doc_id = todo[0]
    first = _learned(store, doc_id)
    rejected = next(iter(first.values()))
    session = Session(store, "bob")
    session.do(SetSuggestionStatus(rejected.id, doc_id, SuggestionStatus.REJECTED))
    train_project(store, in_process=True)  # trained again, and suggesting again
    suggest_learned(store, "bob", todo[:1])
    again = [s for s in store.suggestions_for(doc_id, "bob")
             if (s.start, s.end, s.label) == (rejected.start, rejected.end, rejected.label)]
    assert [(s.id, s.status) for s in again] == [(rejected.id, SuggestionStatus.REJECTED)]
    assert set(_learned(store, doc_id)) == set(first)  # the others refreshed, not doubled


def test_the_model_is_kept_in_the_project_and_travels_with_a_copy(news, tmp_path):
    store, _done, todo, _truth = news
    train_project(store, in_process=True)
    text = store.get_document(todo[0]).text
    before = load_recommender(store).predict(text).spans
    location = store.location
    store.close()
    reopened = Store.open(location)
    assert load_recommender(reopened).predict(text).spans == before
    copy_project(location, tmp_path / "copy")
    reopened.close()
    copied = Store.open(tmp_path / "copy")
    assert load_recommender(copied).predict(text).spans == before
    assert copied.recommender(RECOMMENDER).info["documents"] == 10
    copied.close()


def test_gold_is_learned_where_it_exists_else_the_layer_of_whoever_finished_the_document(tmp_path):
    from curator.analysis.learning.training_data import (
        annotated_documents,
        chosen_layers,
    )

    store, done, todo, truth = build(tmp_path / "p", learned_from=3, suggested_for=2)
    first, second, third = done
    # Gold on the first; the second finished later by another annotator; a to-do document is not learned.
    store.add_annotations([Annotation(doc_id=first, start=s, end=e, label=label, annotator="gold")
                           for s, e, label in truth[first][:2]])
    store.add_annotations([Annotation(doc_id=second, start=s, end=e, label=label, annotator="daniyar")
                           for s, e, label in truth[second][:1]])
    store.set_status(second, "daniyar", DocumentStatus.DONE)
    store.add_annotations([Annotation(doc_id=todo[0], start=0, end=3, label="ORG", annotator="aigerim")])
    assert chosen_layers(store) == {first: "gold", second: "daniyar", third: "aigerim"}
    learned = {d.doc_id: d.item.spans for d in annotated_documents(store, ["PERSON", "ORG", "LOCATION"])}
    assert learned[first] == tuple(sorted(truth[first][:2]))
    assert learned[second] == tuple(truth[second][:1])
    assert todo[0] not in learned
    store.close()


def test_thresholds_labels_and_learning_off_are_the_projects_settings(news):
    store, _done, todo, _truth = news
    train_project(store, in_process=True)
    settings = settings_of(store)
    settings.labels_off = ["ORG"]
    settings.thresholds["LOCATION"] = 1.0
    save_settings(store, settings)
    suggest_learned(store, "bob", todo)
    labels = {label for doc_id in todo for _s, _e, label in _learned(store, doc_id)}
    assert labels == {"PERSON"}
    settings.enabled = False
    save_settings(store, settings)
    with pytest.raises(CuratorError, match="turned off"):
        suggest_learned(store, "bob", todo)
    with pytest.raises(CuratorError, match="turned off"):
        train_project(store, in_process=True)
    assert load_recommender(store) is None and least_sure(store, "bob") == []


def test_nothing_to_learn_is_said_plainly(tmp_path):
    store, _done, _todo, _truth = build(tmp_path / "p", learned_from=0, suggested_for=2)
    with pytest.raises(CuratorError, match="nothing to learn from yet"):
        train_project(store, in_process=True)
    with pytest.raises(CuratorError, match="no trained recommender"):
        suggest_learned(store, "bob")
    store.close()


def test_a_mention_of_a_known_entity_comes_linked_and_an_unknown_one_can_become_an_entity(news):
    store, _done, todo, truth = news
    doc_id = todo[0]
    text = store.get_document(doc_id).text
    person = next(text[s:e] for s, e, label in truth[doc_id] if label == "PERSON")
    known = store.add_entity(Entity(name="someone else", type="PERSON", aliases=[person.upper(), person]))
    train_project(store, in_process=True)
    suggest_learned(store, "bob", [doc_id])
    suggestions = _learned(store, doc_id)
    linked = [s for s in suggestions.values() if text[s.start:s.end] == person]
    assert linked and all(s.entity_id == known.id for s in linked)
    unknown = next(s for s in suggestions.values() if s.entity_id is None and s.label in ("ORG", "LOCATION"))
    offered = new_entity_for(store, unknown)
    assert offered.name == text[unknown.start:unknown.end] and offered.type == unknown.label
    session = Session(store, "bob")
    session.do(accept_as_new_entity(store, unknown.id))
    made = [e for e in store.entities() if e.name == offered.name]
    assert len(made) == 1
    span = next(a for a in store.annotations_for(doc_id, "bob") if (a.start, a.end) == (unknown.start, unknown.end))
    assert span.entity_id == made[0].id and span.label == unknown.label
    session.undo()
    assert not [e for e in store.entities() if e.name == offered.name]
    assert store.get_suggestion(unknown.id).status is SuggestionStatus.OPEN
    session.redo()
    assert store.annotations_for(doc_id, "bob")[0].entity_id is not None
    with pytest.raises(CuratorError, match="linked to a known entity"):
        accept_as_new_entity(store, linked[0].id)


def test_suggestions_sort_and_filter_by_confidence_and_the_rules_count_as_sure(news):
    store, _done, todo, _truth = news
    train_project(store, in_process=True)
    settings = settings_of(store)
    settings.threshold = 0.0
    save_settings(store, settings)
    suggest_learned(store, "bob", todo[:1])
    from curator.analysis.suggest import suggest_document

    suggest_document(store, todo[0], "bob")
    every = store.suggestions_for(todo[0], "bob")
    assert any(s.confidence is None for s in every) and any(s.confidence is not None for s in every)
    ordered = by_confidence(every)
    sureness = [1.0 if s.confidence is None else s.confidence for s in ordered]
    assert sureness == sorted(sureness, reverse=True) and len(ordered) == len(every)
    middle = sorted(s.confidence for s in every if s.confidence is not None)[len(every) // 4]
    kept = by_confidence(every, minimum=middle, label="PERSON")
    assert kept and all(s.label == "PERSON" and (s.confidence is None or s.confidence >= middle) for s in kept)


def test_the_next_document_can_be_the_one_the_model_is_least_sure_of(news):
    store, _done, todo, _truth = news
    assert least_sure(store, "aigerim") == []  # nothing trained yet
    train_project(store, in_process=True)
    found = least_sure(store, "aigerim", count=10)
    assert {doc_id for doc_id, _u in found} == set(todo)  # the documents still to do, none finished
    uncertainties = [u for _d, u in found]
    assert uncertainties == sorted(uncertainties, reverse=True) and all(0.0 <= u <= 1.0 for u in uncertainties)
    recommender = load_recommender(store)
    texts = {doc_id: store.get_document(doc_id).text for doc_id in todo}
    assert max(texts, key=lambda d: (recommender.predict(texts[d]).uncertainty, -d)) == found[0][0]
    assert next_least_sure(store, "aigerim") == found[0][0]
    for doc_id in todo:
        store.set_status(doc_id, "aigerim", DocumentStatus.DONE)
    assert next_least_sure(store, "aigerim") is None


def test_a_damaged_model_is_refused_with_a_way_out(news):
    store, _done, _todo, _truth = news
    train_project(store, in_process=True)
    blob = store.recommender(RECOMMENDER).model
    for damaged in (b"", b"not a zip", blob[: len(blob) // 2]):
        with pytest.raises(CuratorError, match="curator learn"):
            Recommender.from_bytes(damaged)
    store.save_recommender(RECOMMENDER, b"garbage", {})
    with pytest.raises(CuratorError, match="cannot be read"):
        suggest_learned(store, "bob")


def test_a_document_that_fails_is_reported_and_the_others_go_on(news, monkeypatch):
    store, _done, todo, _truth = news
    train_project(store, in_process=True)
    recommender = load_recommender(store)
    bad = store.get_document(todo[1]).text
    real = recommender.predict

    def predict(text, start=0, end=None):
        if text == bad:
            raise ValueError("a broken document")
        return real(text, start, end)

    monkeypatch.setattr(recommender, "predict", predict)
    report = suggest_learned(store, "bob", todo, recommender=recommender)
    assert report.failed == [(store.get_document(todo[1]).uid, "ValueError: a broken document")]
    assert report.documents == len(todo)
    assert all(_learned(store, doc_id) for doc_id in todo if doc_id != todo[1])


def test_a_document_that_cannot_be_learned_is_named_and_the_others_are_learned(news, monkeypatch):
    from curator.analysis.learning import training_data

    store, done, _todo, _truth = news
    broken = store.get_document(done[3])
    real = training_data.find_header

    def find_header(text):
        if text == broken.text:
            raise ValueError("unreadable")
        return real(text)

    monkeypatch.setattr(training_data, "find_header", find_header)
    report = train_project(store, in_process=True)
    assert report.skipped == [(broken.uid, "ValueError: unreadable")]
    assert report.documents == 9


def test_the_model_is_stale_once_what_it_learns_from_changes(news):
    from curator.analysis.learning.training import is_stale

    store, done, todo, _truth = news
    assert is_stale(store)  # finished documents, no model yet
    train_project(store, in_process=True)
    assert not is_stale(store)
    store.add_annotations([Annotation(doc_id=todo[0], start=0, end=3, label="ORG", annotator="aigerim")])
    assert not is_stale(store)  # a document still to do teaches nothing
    store.add_annotations([Annotation(doc_id=done[0], start=0, end=3, label="ORG", annotator="daniyar")])
    assert not is_stale(store)  # nor does another annotator's span where aigerim finished
    span = store.annotations_for(done[0], "aigerim")[0]
    store.delete_annotation(span.id)
    assert is_stale(store)
    settings = settings_of(store)
    settings.enabled = False
    save_settings(store, settings)
    assert not is_stale(store)
