import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curator.analysis.agreement import compute_agreement
from curator.analysis.review import iter_items, span_differences, stored_items
from curator.domain.models import Annotation, Document, DocumentStatus
from curator.errors import DuplicateError
from curator.formats.export import export_json
from curator.session import Session
from curator.session.review_decisions import (
    accept_agreements,
    accept_version,
    merge_versions,
    reject_item,
    settle_with,
)
from curator.store import Store

TEXT = "Ma Xingrui met Tokayev in Astana on 28 March 2023 and trade reached $24 bn."


def add(store, doc_id, word, label, annotator, value=None, cut=0):
    start = TEXT.index(word) + cut
    return store.add_annotation(Annotation(doc_id=doc_id, start=start, end=start + len(word) - cut, label=label,
                                           annotator=annotator, value=value))


@pytest.fixture
def two(store):
    doc_id = store.add_documents([Document(uid="d", text=TEXT)])[0]
    add(store, doc_id, "Ma Xingrui", "PERSON", "a")
    add(store, doc_id, "Ma Xingrui", "PERSON", "b", cut=3)      # boundary
    add(store, doc_id, "Tokayev", "PERSON", "a")
    add(store, doc_id, "Tokayev", "PERSON", "b")                # agreement
    add(store, doc_id, "Astana", "LOCATION", "a")
    add(store, doc_id, "Astana", "ORG", "b")                    # label
    add(store, doc_id, "28 March 2023", "DATE", "a")            # missed by b
    money = {"type": "figure", "amount": "24000000000", "unit": "USD"}
    add(store, doc_id, "$24 bn", "MONEY", "a", value=money)
    add(store, doc_id, "$24 bn", "MONEY", "b", value={**money, "qualifier": "approximate"})  # value
    return store


def test_items_group_overlapping_spans_and_say_why_they_differ(two):
    items = list(iter_items(two))
    assert [TEXT[i.start : i.end] for i in items] == ["Ma Xingrui", "Tokayev", "Astana", "28 March 2023", "$24 bn"]
    assert [i.agreed for i in items] == [False, True, False, False, False]
    assert [i.kinds() for i in items] == [["boundaries"], [], ["label"], ["missed"], ["value"]]
    assert items[3].versions["b"] == ()


def test_settling_writes_gold_and_is_undoable(two):
    items = list(iter_items(two))
    undo = accept_version(items[0], "a", "rev").apply(two)
    gold = two.annotations_for(items[0].doc_id, "gold")
    assert [(TEXT[g.start : g.end], g.label) for g in gold] == [("Ma Xingrui", "PERSON")]
    assert set(two.reviews()) == {items[0].key}
    undo.apply(two)
    assert two.annotations_for(items[0].doc_id, "gold") == [] and two.reviews() == {}


def test_two_reviewers_settling_one_item_at_once_are_told_in_words(two):
    item = next(i for i in iter_items(two) if TEXT[i.start:i.end] == "Astana")
    first, second = accept_version(item, "a", "rev1"), reject_item(item, "rev2")  # both saw it open
    first.apply(two)
    with pytest.raises(DuplicateError, match="settled by another reviewer a moment ago"):
        second.apply(two)
    assert [g.label for g in two.annotations_for(item.doc_id, "gold")] == ["LOCATION"]  # the first decision


def test_merge_reject_and_edit(two):
    items = list(iter_items(two))
    merge_versions(items[2], "rev").apply(two)
    reject_item(items[3], "rev").apply(two)
    edited = Annotation(doc_id=items[4].doc_id, start=items[4].start, end=items[4].end, label="MONEY",
                        annotator="rev", value={"type": "figure", "amount": "24000000000", "unit": "USD",
                                                "qualifier": "exact"})
    settle_with(items[4], [edited], "rev").apply(two)
    gold = two.annotations_for(items[0].doc_id, "gold")
    assert sorted(g.label for g in gold) == ["LOCATION", "MONEY", "ORG"]
    decisions = {r.decision for r in two.reviews().values()}
    assert decisions == {"merged", "rejected", "edited"}


def test_accept_all_agreements_in_bulk(two):
    batch = accept_agreements(two, "rev")
    assert len(batch.commands) == 1
    undo = batch.apply(two)
    assert [TEXT[g.start : g.end] for g in two.annotations_for(1, "gold")] == ["Tokayev"]
    assert accept_agreements(two, "rev") is None  # nothing left
    undo.apply(two)
    assert two.annotations_for(1, "gold") == []


def test_a_changed_annotation_reopens_its_settled_item(two):
    items = list(iter_items(two))
    accept_version(items[2], "a", "rev").apply(two)
    span = next(s for s in two.annotations_for(1, "b") if s.label == "ORG")
    two.update_annotation(span.id, label="LOCATION")
    reopened = next(i for i in iter_items(two) if TEXT[i.start : i.end] == "Astana")
    assert reopened.agreed and reopened.key not in two.reviews()


def _gold(store):
    return sorted((TEXT[g.start : g.end], g.label) for g in store.annotations_for(1, "gold"))


def test_settling_a_reopened_item_replaces_the_earlier_decision_and_undo_brings_it_back(two, tmp_path):
    """b changed a span after the reviewer settled its region: the region's new decision
    replaces the old one's gold (one decision per region), and undo and redo keep that."""
    session = Session(two, "rev")
    astana = next(i for i in iter_items(two) if TEXT[i.start : i.end] == "Astana")
    session.do(accept_version(astana, "a", "rev"))
    span = next(s for s in two.annotations_for(1, "b") if s.label == "ORG")
    two.update_annotation(span.id, label="PERSON")
    reopened = next(i for i in iter_items(two) if TEXT[i.start : i.end] == "Astana")
    assert reopened.key not in two.reviews() and not reopened.agreed

    session.do(accept_version(reopened, "b", "rev"))
    assert _gold(two) == [("Astana", "PERSON")]
    assert set(two.reviews()) == {reopened.key}
    export_json(two, tmp_path / "gold.json", annotator="gold")
    exported = json.loads((tmp_path / "gold.json").read_text())
    assert [(a["label"]) for a in exported["documents"][0]["annotations"]] == ["PERSON"]

    session.undo()  # the earlier decision, and its gold, come back
    assert _gold(two) == [("Astana", "LOCATION")] and set(two.reviews()) == {astana.key}
    session.redo()
    assert _gold(two) == [("Astana", "PERSON")] and set(two.reviews()) == {reopened.key}

    session.undo()
    session.do(reject_item(reopened, "rev"))  # rejecting the region now leaves it without gold
    assert _gold(two) == [] and set(two.reviews()) == {reopened.key}


def test_gold_is_not_an_annotator_for_agreement_and_is_the_default_export(two, tmp_path):
    accept_version(list(iter_items(two))[0], "a", "rev").apply(two)
    assert compute_agreement(two).annotators == ["a", "b"]
    from curator.cli import main

    assert main(["export", str(two.location), "-o", str(tmp_path / "gold.json")]) == 0
    import json

    data = json.loads((tmp_path / "gold.json").read_text())
    assert data["layer"] == "gold"
    assert [a["annotator"] for d in data["documents"] for a in d["annotations"]] == ["gold"]
    export_json(two, tmp_path / "all.json")
    everything = json.loads((tmp_path / "all.json").read_text())
    assert {a["annotator"] for d in everything["documents"] for a in d["annotations"]} == {"a", "b", "gold"}


def test_the_bundled_sample_has_a_real_review(annotated_sample):
    report = compute_agreement(annotated_sample)
    assert report.annotators == ["aigerim", "daniyar"] and report.documents == 5
    assert 0.5 < report.overall["f1_exact"] < 0.95 and 0.5 < report.overall["alpha"] < 0.99
    items = list(iter_items(annotated_sample))
    kinds = {kind for item in items for kind in item.kinds()}
    assert kinds >= {"missed", "boundaries", "label", "value"}
    assert sum(item.agreed for item in items) > sum(not item.agreed for item in items)


# -- stored items: what a clean export and "accept agreements" read ------------------------------

def _fresh(store):
    return sorted((i.key, i.agreed, tuple(i.kinds()), tuple(sorted(i.versions))) for i in iter_items(store))


def _stored(store):
    return sorted((i.key, i.agreed, i.kinds, i.annotators) for i in stored_items(store))


WORDS = ["Ma Xingrui", "Tokayev", "Astana", "28 March 2023", "$24 bn"]
EDITS = st.lists(st.one_of(
    st.tuples(st.just("add"), st.sampled_from("ab"), st.integers(0, 4), st.sampled_from(["PERSON", "ORG"]),
              st.integers(0, 2)),
    st.tuples(st.just("delete"), st.integers(0, 20)),
    st.tuples(st.just("relabel"), st.integers(0, 20), st.sampled_from(["LOCATION", "ORG"])),
    st.tuples(st.just("link"), st.integers(0, 20), st.sampled_from(["e1", "e2"])),
    st.tuples(st.just("merge")),
    st.tuples(st.just("done"), st.sampled_from("ab")),
    st.tuples(st.just("gold"), st.integers(0, 4)),
), max_size=12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS)
def test_stored_items_stay_equal_to_a_fresh_reckoning_whatever_is_edited(tmp_path_factory, edits):
    store = Store.create(tmp_path_factory.mktemp("p") / "project")
    doc_ids = store.add_documents([Document(uid="d1", text=TEXT), Document(uid="d2", text=TEXT)])
    add(store, doc_ids[1], "Astana", "LOCATION", "a")
    add(store, doc_ids[1], "Astana", "LOCATION", "b")
    for edit in edits:
        spans = [s for s in store.annotations_for(doc_ids[0]) if s.annotator != "gold"]
        kind = edit[0]
        try:
            if kind == "add":
                add(store, doc_ids[0], WORDS[edit[2]], edit[3], edit[1], cut=edit[4])
            elif kind == "gold":
                add(store, doc_ids[0], WORDS[edit[1]], "ORG", "gold")
            elif kind == "done":
                store.set_status(doc_ids[0], edit[1], DocumentStatus.DONE)
            elif kind == "merge":
                store.relink_mentions(["e2"], "e1")
            elif spans and kind == "delete":
                store.delete_annotation(spans[edit[1] % len(spans)].id)
            elif spans and kind == "relabel":
                store.update_annotation(spans[edit[1] % len(spans)].id, label=edit[2])
            elif spans and kind == "link":
                store.update_annotation(spans[edit[1] % len(spans)].id, entity_id=edit[2])
        except DuplicateError:
            pass  # that annotator already has the span: nothing changed
        assert _stored(store) == _fresh(store)
    store.close()


def test_a_clean_check_reads_stored_items_and_works_out_only_changed_documents(two, monkeypatch):
    from curator.analysis import review
    from curator.analysis.clean import clean_check

    other = two.add_documents([Document(uid="e", text=TEXT)])[0]
    add(two, other, "Astana", "LOCATION", "a")
    add(two, other, "Astana", "ORG", "b")
    first, _ = clean_check(two)
    built = []
    real = review.items_for
    monkeypatch.setattr(review, "items_for", lambda doc_id, *rest: built.append(doc_id) or real(doc_id, *rest))
    again, _ = clean_check(two)
    assert built == [] and again == first  # nothing changed: nothing worked out again
    span = next(s for s in two.annotations_for(other, "b"))
    two.update_annotation(span.id, label="LOCATION")  # b now agrees on the other document
    after, _ = clean_check(two)
    assert built == [other]
    assert [p for p in after if p.doc_id == other] == []
    assert [p.message for p in after] == [p.message for p in first if p.doc_id != other]


def test_an_entity_merge_settles_a_stored_entity_disagreement(store):
    doc_id = store.add_documents([Document(uid="d", text=TEXT)])[0]
    first = add(store, doc_id, "Astana", "LOCATION", "a")
    second = add(store, doc_id, "Astana", "LOCATION", "b")
    store.update_annotation(first.id, entity_id="e1")
    store.update_annotation(second.id, entity_id="e2")
    assert [(i.agreed, i.kinds) for i in stored_items(store)] == [(False, ("entity",))]
    store.relink_mentions(["e2"], "e1")  # the two entities were one
    assert [(i.agreed, i.kinds) for i in stored_items(store)] == [(True, ())] == \
        [(i.agreed, tuple(i.kinds())) for i in iter_items(store)]


def test_each_span_says_what_sets_it_apart_from_the_other_versions(two):
    items = list(iter_items(two))
    differences = [{name: [span_differences(item)[s.id] for s in spans] for name, spans in item.versions.items()}
                   for item in items]
    assert differences == [
        {"a": [("bounds",)], "b": [("bounds",)]},
        {"a": [()], "b": [()]},
        {"a": [("label",)], "b": [("label",)]},
        {"a": [("bounds",)], "b": []},
        {"a": [("value",)], "b": [("value",)]},
    ]
    first, second = (s.id for spans in items[1].versions.values() for s in spans)
    two.update_annotation(first, entity_id="e1")
    linked = next(i for i in iter_items(two) if TEXT[i.start : i.end] == "Tokayev")
    assert span_differences(linked) == {first: ("entity",), second: ("entity",)}
