"""Relation suggestions: "according to X", "X said", "between A and B", proposed between
an annotator's spans, accepted or rejected (and undone) like span suggestions, and
measured on hand-written sentences."""

import sys
from pathlib import Path

import pytest

from curator.analysis.relation_suggest import propose_relations, suggest_relations
from curator.cli import main
from curator.domain.models import Annotation, Document, Project, SuggestionStatus
from curator.domain.schema import template
from curator.session import Session
from curator.session.relation_commands import (
    AcceptRelationSuggestion,
    SetRelationSuggestionStatus,
)
from curator.session.relation_decisions import (
    accept_all_relations,
    reject_all_relations,
)
from curator.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import relation_suggestions  # noqa: E402

TEXT = ("Exports reached $4.2 billion in 2023, according to the Bureau of National Statistics. "
        "Growth will slow to 3%, Erlan Bekov said. Talks between Astana Rail and Orient Freight resumed.")


def spans_of(text, *marked):
    found = []
    for n, (words, label) in enumerate(marked):
        start = text.index(words)
        found.append(Annotation(id=f"s{n}", doc_id=1, start=start, end=start + len(words), label=label,
                                annotator="ana"))
    return found


def test_the_three_patterns_propose_their_relations_between_marked_spans():
    spans = spans_of(TEXT, ("$4.2 billion", "MONEY"), ("2023", "DATE"), ("Bureau of National Statistics", "ORG"),
                     ("3%", "PERCENT"), ("Erlan Bekov", "PERSON"), ("Astana Rail", "ORG"), ("Orient Freight", "ORG"))
    proposed = [(s.id, t.id, label) for s, t, label in propose_relations(TEXT, spans, template("news"))]
    assert proposed == [("s0", "s2", "attributed_to"), ("s3", "s4", "attributed_to"), ("s5", "s6", "deal_between")]


def test_nothing_is_proposed_that_the_schema_does_not_have_or_allow():
    spans = spans_of(TEXT, ("$4.2 billion", "MONEY"), ("Bureau of National Statistics", "LOCATION"))
    assert propose_relations(TEXT, spans, template("news")) == []  # attributed_to takes a PERSON or ORG
    spans = spans_of(TEXT, ("$4.2 billion", "MONEY"), ("Bureau of National Statistics", "ORG"))
    assert propose_relations(TEXT, spans, template("empty")) == []
    text = "Prices rose between 2021 and 2023."
    assert propose_relations(text, spans_of(text, ("2021", "DATE"), ("2023", "DATE")), template("news")) == []


@pytest.fixture
def layer(tmp_path):
    store = Store.create(tmp_path / "p", Project(label_schema=template("news")))
    doc_id = store.add_documents([Document(uid="d", text=TEXT)])[0]
    for words, label in (("$4.2 billion", "MONEY"), ("Bureau of National Statistics", "ORG"), ("3%", "PERCENT"),
                         ("Erlan Bekov", "PERSON"), ("Astana Rail", "ORG"), ("Orient Freight", "ORG")):
        start = TEXT.index(words)
        store.add_annotation(Annotation(doc_id=doc_id, start=start, end=start + len(words), label=label,
                                        annotator="ana"))
    yield store, doc_id
    store.close()


def test_suggestions_are_accepted_rejected_and_undone_like_span_suggestions(layer):
    store, doc_id = layer
    assert suggest_relations(store, doc_id, "ana") == 3
    assert suggest_relations(store, doc_id, "ana") == 0  # not proposed twice
    assert suggest_relations(store, doc_id, "ben") == 0  # ben has no spans: nothing to link
    session = Session(store, "ana")
    first, second, third = store.relation_suggestions_for(doc_id, "ana")
    session.do(AcceptRelationSuggestion(first.id, doc_id))
    relation = store.relations_for(doc_id, "ana")[0]
    assert (relation.source_id, relation.target_id, relation.label) == (first.source_id, first.target_id,
                                                                         first.label)
    assert store.get_relation_suggestion(first.id).status is SuggestionStatus.ACCEPTED
    session.do(SetRelationSuggestionStatus(second.id, doc_id, SuggestionStatus.REJECTED))
    session.undo()
    session.undo()
    assert store.relations_for(doc_id, "ana") == []
    assert {s.status for s in store.relation_suggestions_for(doc_id, "ana")} == {SuggestionStatus.OPEN}
    session.redo()
    assert len(store.relations_for(doc_id, "ana")) == 1
    session.do(reject_all_relations(store, doc_id, "ana"))
    store.delete_relation(relation.id)
    assert suggest_relations(store, doc_id, "ana") == 0  # rejected and accepted ones are not made again
    session.undo()
    session.do(accept_all_relations(store, doc_id, "ana"))
    assert len(store.relations_for(doc_id, "ana")) == 2 and accept_all_relations(store, doc_id, "ana") is None


def test_a_link_already_drawn_is_not_proposed(layer):
    from curator.domain.models import Relation
    from curator.session.relation_commands import AddRelation

    store, doc_id = layer
    spans = {store.get_document(doc_id).text[s.start:s.end]: s for s in store.annotations_for(doc_id, "ana")}
    AddRelation(Relation(doc_id=doc_id, source_id=spans["Orient Freight"].id, target_id=spans["Astana Rail"].id,
                         label="deal_between", annotator="ana")).apply(store)
    assert suggest_relations(store, doc_id, "ana") == 2  # the deal between them is drawn (the other way round)


def test_curator_suggest_relations_proposes_and_accepts_them_in_one_undoable_step(layer, capsys):
    store, doc_id = layer
    assert main(["suggest", store.location, "--annotator", "ana", "--relations", "--accept"]) == 0
    out = capsys.readouterr().out
    assert "3 new relation suggestion(s), 3 accepted" in out
    assert len(store.relations_for(doc_id, "ana")) == 3
    assert main(["undo", store.location, "--annotator", "ana"]) == 0
    assert store.relations_for(doc_id, "ana") == []


def test_relation_suggestions_are_measured_on_hand_written_sentences():
    """The figures the README gives: recall 0.71, precision 0.91 over 14 items."""
    result = relation_suggestions.evaluate(relation_suggestions.load())
    overall = result["labels"]["all"]
    assert (overall["gold"], overall["proposed"], overall["right"]) == (14, 11, 10)
    assert overall["recall"] >= 0.7 and overall["precision"] >= 0.9
    assert len(result["misses"]) == 4
