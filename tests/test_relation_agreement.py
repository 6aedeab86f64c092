"""Agreement on relations, against a hand-worked example, and relation disagreements
reviewed and settled into gold relations between gold spans."""

import pytest

from curator.analysis.agreement import agreement_tables, compute_agreement
from curator.analysis.relation_agreement import relation_agreement
from curator.analysis.relation_review import open_relation_work, relation_items
from curator.cli import main
from curator.domain.models import GOLD, Annotation, Document, Relation
from curator.domain.schema import template
from curator.errors import CuratorError
from curator.session import Session
from curator.session.relation_commands import AddRelation
from curator.session.relation_decisions import accept_agreed_relations, settle_relation

TEXT = ("Exports rose 5% in 2022, the ministry said, and trade grew 10%, according to the bureau. "
        "Talks went on.")


def tag(store, doc_id, words, label, annotator):
    start = TEXT.index(words)
    return store.add_annotation(Annotation(doc_id=doc_id, start=start, end=start + len(words), label=label,
                                           annotator=annotator))


def link(store, source, target, label="attributed_to"):
    AddRelation(Relation(doc_id=source.doc_id, source_id=source.id, target_id=target.id, label=label,
                         annotator=source.annotator)).apply(store)


@pytest.fixture
def worked(store):
    """Ana and Ben marked the same four spans; they agree that 5% is the ministry's, and
    disagree on whose 10% is; Ben also says the talks were between ministry and bureau.

        attributed_to: Ana {5%→ministry, 10%→bureau}, Ben {5%→ministry, 10%→ministry}
        deal_between:  Ana {},                        Ben {ministry–bureau}
    """
    store.save_schema(template("news"))
    doc_id = store.add_documents([Document(uid="d1", text=TEXT)])[0]
    spans = {}
    for who in ("ana", "ben"):
        spans[who] = {words: tag(store, doc_id, words, label, who) for words, label in (
            ("5%", "PERCENT"), ("10%", "PERCENT"), ("the ministry", "ORG"), ("the bureau", "ORG"))}
    ana, ben = spans["ana"], spans["ben"]
    link(store, ana["5%"], ana["the ministry"])
    link(store, ana["10%"], ana["the bureau"])
    link(store, ben["5%"], ben["the ministry"])
    link(store, ben["10%"], ben["the ministry"])
    link(store, ben["the ministry"], ben["the bureau"], "deal_between")
    return store, doc_id


def test_relation_agreement_equals_the_hand_worked_example(worked):
    """By hand. attributed_to: matched 1 (5%→ministry) of Ana's 2 and Ben's 2: F1 = 2·1/(2+2)
    = 0.5. Its units are the figure→ORG pairs both marked: 5%→ministry (yes, yes), 5%→bureau
    (no, no), 10%→ministry (no, yes), 10%→bureau (yes, no): observed agreement 2/4 = 0.5;
    each says yes to 2 of 4, so chance agreement is 0.5·0.5 + 0.5·0.5 = 0.5, and kappa =
    (0.5 - 0.5)/(1 - 0.5) = 0. deal_between: matched 0 of 0 and 1: F1 = 0; its one unit
    (ministry–bureau, either way round) is (no, yes): observed 0, chance 1·0 + 0·1 = 0,
    kappa = (0 - 0)/(1 - 0) = 0. Overall: matched 1 of 2 + 3 relations: F1 = 2/5 = 0.4."""
    store, _doc_id = worked
    report = relation_agreement(store)
    rows = {row["label"]: row for row in report["labels"]}
    assert rows["attributed_to"] == {"label": "attributed_to", "relations": 4, "matched": 1, "f1": 0.5, "units": 4,
                                     "kappa": 0.0}
    assert rows["deal_between"] == {"label": "deal_between", "relations": 1, "matched": 0, "f1": 0.0, "units": 1,
                                    "kappa": 0.0}
    assert report["overall"]["f1"] == pytest.approx(0.4) and report["overall"]["documents"] == 1
    assert report["documents"] == [{"document": "d1", "annotators": "ana, ben", "relations": 5, "matched": 1,
                                    "f1": pytest.approx(0.4)}]
    assert [(p["annotator_a"], p["annotator_b"], p["label"]) for p in report["pairs"]] == [
        ("ana", "ben", "attributed_to"), ("ana", "ben", "deal_between")]


def test_kappa_is_one_when_the_annotators_agree_on_every_span_pair(worked):
    store, doc_id = worked
    ben = {(s.start, s.end): s for s in store.annotations_for(doc_id, "ben")}
    for relation in store.relations_for(doc_id, "ben"):
        store.delete_relation(relation.id)
    for relation in store.relations_for(doc_id, "ana"):
        source, target = store.get_annotation(relation.source_id), store.get_annotation(relation.target_id)
        link(store, ben[(source.start, source.end)], ben[(target.start, target.end)])
    row = relation_agreement(store)["labels"][0]
    assert (row["f1"], row["kappa"]) == (1.0, 1.0)


def test_the_agreement_report_and_its_tables_carry_the_relation_figures(worked, tmp_path, capsys):
    store, _doc_id = worked
    report = compute_agreement(store)
    assert report.relations["overall"]["f1"] == pytest.approx(0.4)
    tables = agreement_tables(report)
    assert [row["label"] for row in tables["relations"]] == ["attributed_to", "deal_between"]
    assert len(tables["relation pairs"]) == 2 and tables["relation documents"][0]["document"] == "d1"
    main(["agreement", store.location])
    out = capsys.readouterr().out
    assert "attributed_to" in out and "0.500" in out and "all" in out


def test_relation_disagreements_become_review_items_settled_into_gold_relations(worked):
    store, doc_id = worked
    items = {item.text: item for item in relation_items(store)}
    assert set(items) == {"5% -attributed_to-> the ministry", "10% -attributed_to-> the bureau",
                          "10% -attributed_to-> the ministry", "the ministry -deal_between-> the bureau"}
    agreed = items["5% -attributed_to-> the ministry"]
    assert agreed.agreed and items["10% -attributed_to-> the bureau"].versions == {"ana": True, "ben": False}
    assert open_relation_work(store) == {"disagreements": 3, "agreements": 1, "single": 0}
    with pytest.raises(CuratorError, match="gold has no PERCENT span at 13-15.*settle its spans first"):
        settle_relation(store, agreed, True, "rita").apply(store)
    for span in store.annotations_for(doc_id, "ana"):  # the reviewer settled the spans: they are gold
        store.add_annotation(span.model_copy(update={"id": "g-" + span.id, "annotator": GOLD}))
    session = Session(store, "rita")
    session.do(accept_agreed_relations(store, "rita"))
    chosen = {item.text: item for item in relation_items(store)}["10% -attributed_to-> the bureau"]
    session.do(settle_relation(store, chosen, True, "rita"))
    rejected = {item.text: item for item in relation_items(store)}["10% -attributed_to-> the ministry"]
    session.do(settle_relation(store, rejected, False, "rita"))
    gold = {(store.get_annotation(r.source_id).start, store.get_annotation(r.target_id).start, r.label)
            for r in store.relations_for(doc_id, GOLD)}
    assert gold == {(TEXT.index("5%"), TEXT.index("the ministry"), "attributed_to"),
                    (TEXT.index("10%"), TEXT.index("the bureau"), "attributed_to")}
    assert open_relation_work(store) == {"disagreements": 1, "agreements": 0, "single": 0}
    session.undo()  # the rejection
    session.undo()  # the acceptance: its gold relation goes, the item is open again
    assert len(store.relations_for(doc_id, GOLD)) == 1
    assert open_relation_work(store)["disagreements"] == 3


def test_rejecting_a_relation_gold_has_takes_it_out_of_gold(worked):
    store, doc_id = worked
    for span in store.annotations_for(doc_id, "ana"):
        store.add_annotation(span.model_copy(update={"id": "g-" + span.id, "annotator": GOLD}))
    item = next(i for i in relation_items(store) if i.text == "10% -attributed_to-> the bureau")
    settle_relation(store, item, True, "rita").apply(store)
    item = next(i for i in relation_items(store) if i.text == "10% -attributed_to-> the bureau")
    assert item.in_gold and item.settled
    undo = settle_relation(store, item, False, "rita").apply(store)
    assert store.relations_for(doc_id, GOLD) == []
    undo.apply(store)
    assert len(store.relations_for(doc_id, GOLD)) == 1


def test_reopening_a_settled_span_takes_its_gold_relations_and_undo_brings_them_back(worked):
    from curator.analysis.review import iter_items
    from curator.session.review_decisions import merge_versions

    store, doc_id = worked
    session = Session(store, "rita")
    for item in iter_items(store):
        session.do(merge_versions(item, "rita"))
    session.do(accept_agreed_relations(store, "rita"))
    assert len(store.relations_for(doc_id, GOLD)) == 1
    from curator.session.commands import Unsettle

    ministry = next(r for r in store.reviews().values()
                    if r.start == TEXT.index("the ministry") and r.end == TEXT.index("the ministry") + 12)
    session.do(Unsettle(ministry.key, doc_id))
    assert store.relations_for(doc_id, GOLD) == []  # its gold span went, and the relation with it
    session.undo()
    assert len(store.relations_for(doc_id, GOLD)) == 1
