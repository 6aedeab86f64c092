"""The learned recommenders' models and suggestions in the store, on SQLite and PostgreSQL."""

from curator.domain.models import Document, Suggestion, SuggestionStatus
from curator.store import Store
from curator.store.events import RecommenderChanged


def _doc(store) -> int:
    return store.add_documents([Document(uid="d1", text="Aigerim met Daniyar in Astana on Monday.")])[0]


def test_a_model_is_kept_replaced_and_removed_with_its_description(store):
    seen = []
    store.events.subscribe(seen.append)
    assert store.recommender("learned") is None
    store.save_recommender("learned", b"\x00first\xff", {"labels": ["PERSON"]})
    store.save_recommender("learned", b"\x00second\xff" * 1000, {"labels": ["PERSON", "ORG"]})
    kept = store.recommender("learned")
    assert kept.model == b"\x00second\xff" * 1000 and kept.info == {"labels": ["PERSON", "ORG"]}
    assert store.recommender("learned", with_model=False).model is None
    assert seen.count(RecommenderChanged("learned")) == 2
    assert store.delete_recommender("learned") and store.recommender("learned") is None
    assert not store.delete_recommender("learned")


def test_a_model_survives_reopening_the_project(tmp_path):
    store = Store.create(tmp_path / "p")
    store.save_recommender("learned", b"model bytes", {"documents": 3})
    store.close()
    again = Store.open(tmp_path / "p")
    assert again.recommender("learned").model == b"model bytes"
    again.close()


def test_refreshing_keeps_decided_suggestions_and_never_proposes_a_rejected_one_again(store):
    doc_id = _doc(store)

    def learned(start, end, label, confidence):
        return Suggestion(doc_id=doc_id, start=start, end=end, label=label, annotator="ann", source="learned",
                          confidence=confidence)

    rule = Suggestion(doc_id=doc_id, start=31, end=37, label="DATE", annotator="ann", source="dates")
    store.add_suggestions([rule])
    first = store.refresh_suggestions(doc_id, "ann", "learned", [learned(0, 7, "PERSON", 0.9),
                                                                 learned(12, 19, "PERSON", 0.6),
                                                                 learned(23, 29, "ORG", 0.8)])
    assert len(first) == 3
    by_span = {(s.start, s.end, s.label): s for s in store.suggestions_for(doc_id, "ann")}
    store.set_suggestion_status(by_span[(23, 29, "ORG")].id, SuggestionStatus.REJECTED)
    # Trained again: Aigerim more sure, Daniyar no longer proposed, Astana as ORG again and as LOCATION.
    added = store.refresh_suggestions(doc_id, "ann", "learned", [learned(0, 7, "PERSON", 0.95),
                                                                 learned(23, 29, "ORG", 0.99),
                                                                 learned(23, 29, "LOCATION", 0.7),
                                                                 learned(31, 37, "DATE", 0.5)])
    # Only Astana as LOCATION: ORG was rejected, DATE is the rules' suggestion.
    assert [(s.start, s.end, s.label) for s in added] == [(23, 29, "LOCATION")]
    after = {(s.start, s.end, s.label): s for s in store.suggestions_for(doc_id, "ann")}
    assert set(after) == {(0, 7, "PERSON"), (23, 29, "ORG"), (23, 29, "LOCATION"), (31, 37, "DATE")}
    assert after[(0, 7, "PERSON")].confidence == 0.95
    assert after[(23, 29, "ORG")].status is SuggestionStatus.REJECTED
    assert after[(31, 37, "DATE")].source == "dates" and after[(31, 37, "DATE")].confidence is None
