import pytest

from curator.analysis.agreement import compute_agreement
from curator.analysis.review import (
    accept_agreements,
    accept_version,
    iter_items,
    merge_versions,
    reject_item,
    settle_with,
)
from curator.domain.models import Annotation, Document
from curator.formats.export import export_json

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
