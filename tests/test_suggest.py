import json
from datetime import date
from pathlib import Path

import pytest

from curator.analysis.suggest import (
    EntityMatcher,
    propose,
    suggest_document,
    suggest_project,
    visible,
)
from curator.cli import main
from curator.domain.header import find_header
from curator.domain.models import Annotation, Document, Entity, SuggestionStatus
from curator.domain.normalize import value_for
from curator.domain.schema import LabelSchema
from curator.formats.export import ExportRefused, export_json
from curator.formats.validate import Severity, validate_project
from curator.session.commands import (
    AcceptSuggestion,
    Batch,
    CreateEntity,
    EditSpan,
    SetSuggestionStatus,
)
from curator.session.suggestion_decisions import bulk_accept, bulk_reject
from curator.store import annotations_table

GOLD = json.loads((Path(__file__).parent / "data" / "sample_gold.json").read_text(encoding="utf-8"))["documents"]


def test_suggestions_on_the_samples_match_the_gold_table_exactly(sample_store):
    # The gold table is what curators tagged, the header's date included; suggestions
    # leave the header (metadata, not article text) to them.
    def in_body(uid: str, item: dict) -> bool:
        header = find_header(sample_store.document_by_uid(uid).text)
        return header is None or not header.overlaps(item["start"], item["end"])

    wanted = {uid: [i for i in items if in_body(uid, i)] for uid, items in GOLD.items()}
    assert sum(len(items) for items in GOLD.values()) - sum(len(items) for items in wanted.values()) == 2
    assert suggest_project(sample_store, "bot") == sum(len(items) for items in wanted.values())
    for uid, items in wanted.items():
        doc = sample_store.document_by_uid(uid)
        got = {(s.start, s.end, s.label): s.value for s in sample_store.suggestions_for(doc.id, "bot")}
        want = {(i["start"], i["end"], i["label"]): i["value"] for i in items}
        assert got == want, uid


def test_nothing_is_suggested_in_the_header_of_the_samples(sample_store):
    for uid in ("000_14e10f92779dfa8b", "001_7f242fc889ef2bf1"):
        doc = sample_store.document_by_uid(uid)
        header = find_header(doc.text)
        assert doc.text[header.start : header.end] == doc.published.strftime("date %Y-%m-%d")
        suggested = suggest_document(sample_store, doc.id, "ann")
        assert suggested and all(s.start >= header.end for s in suggested)


def suggested(text: str) -> list[tuple[str, str]]:
    names = [Entity(name="Astana", type="LOCATION", aliases=["ASTANA"]), Entity(name="Date", type="ORG")]
    found = propose(Document(id=1, uid="d", text=text, published=date(2024, 1, 5)), LabelSchema(), EntityMatcher(names))
    return [(text[s.start : s.end], s.label) for s in found]


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        # A header on its own line, then a dateline and the body.
        ("date 2024-01-05\nASTANA \u2014 Trade grew by 12% on 3 January 2024.",
         [("ASTANA", "LOCATION"), ("12%", "PERCENT"), ("3 January 2024", "DATE")]),
        # Any label: the header's key is not suggested as the ORG named "Date", the body's is.
        ("Date: 2024-01-05\nDate opened in Astana on 2024-01-06.",
         [("Date", "ORG"), ("Astana", "LOCATION"), ("2024-01-06", "DATE")]),
        # The same key again is body text.
        ("date 2024-01-05 date 2024-01-06 in Astana.", [("2024-01-06", "DATE"), ("Astana", "LOCATION")]),
        # No header: a leading ISO date is article text like any other.
        ("2024-01-05 was the day Astana signed deals worth $2 billion.",
         [("2024-01-05", "DATE"), ("Astana", "LOCATION"), ("$2 billion", "MONEY")]),
        # "date" in the body starts no header, and what follows it is suggested.
        ("Astana set the date 2024-02-01 for talks on 30% tariffs.",
         [("Astana", "LOCATION"), ("2024-02-01", "DATE"), ("30%", "PERCENT")]),
    ],
)
def test_made_up_texts_get_suggestions_only_in_their_body(text, wanted):
    assert suggested(text) == wanted


def test_rejected_suggestions_do_not_come_back_and_accepted_ones_become_annotations(sample_store):
    doc = sample_store.document_by_uid("000_14e10f92779dfa8b")
    first = suggest_document(sample_store, doc.id, "ann")
    money = next(s for s in first if s.label == "MONEY")
    period = next(s for s in first if s.label == "DATE")
    SetSuggestionStatus(period.id, doc.id, SuggestionStatus.REJECTED).apply(sample_store)
    undo = AcceptSuggestion(money.id, doc.id).apply(sample_store)
    [annotation] = sample_store.annotations_for(doc.id, "ann")
    assert (annotation.start, annotation.end, annotation.value) == (money.start, money.end, money.value)
    assert suggest_document(sample_store, doc.id, "ann") == []  # nothing new, nothing re-proposed
    open_ones = visible(sample_store.suggestions_for(doc.id, "ann"), sample_store.annotations_for(doc.id, "ann"))
    assert len(open_ones) == len(first) - 2
    undo.apply(sample_store)  # undo the accept
    assert sample_store.annotations_for(doc.id, "ann") == []
    assert sample_store.get_suggestion(money.id).status is SuggestionStatus.OPEN


def test_suggestions_never_overlap_the_curators_own_spans(sample_store):
    doc = sample_store.document_by_uid("000_14e10f92779dfa8b")
    start = doc.text.index("US$24 billion")
    mine = sample_store.add_annotation(Annotation(doc_id=doc.id, start=start, end=start + 5, label="ORG", annotator="ann"))
    suggested = suggest_document(sample_store, doc.id, "ann")
    assert all(not s.overlaps(mine.start, mine.end) for s in suggested)
    # A span the curator adds later hides a suggestion that was already there.
    other = next(s for s in suggested if s.label == "PERCENT")
    sample_store.add_annotation(Annotation(doc_id=doc.id, start=other.start, end=other.end, label="COUNT", annotator="ann"))
    shown = visible(sample_store.suggestions_for(doc.id, "ann"), sample_store.annotations_for(doc.id, "ann"))
    assert other.id not in {s.id for s in shown}
    batch = bulk_accept(sample_store, doc.id, "ann")
    batch.apply(sample_store)
    labels = [(a.start, a.label) for a in sample_store.annotations_for(doc.id, "ann")]
    assert (other.start, "COUNT") in labels and (other.start, "PERCENT") not in labels


def test_bulk_accept_and_reject_per_label_are_single_undoable_steps(sample_store):
    doc = sample_store.document_by_uid("003_d3a778e1918d26d9")
    suggest_document(sample_store, doc.id, "ann")
    batch = bulk_accept(sample_store, doc.id, "ann", label="PERCENT")
    undo = batch.apply(sample_store)
    spans = sample_store.annotations_for(doc.id, "ann")
    assert {a.label for a in spans} == {"PERCENT"} and len(spans) == 5
    undo.apply(sample_store)
    assert sample_store.annotations_for(doc.id, "ann") == []
    bulk_reject(sample_store, doc.id, "ann", label="MONEY").apply(sample_store)
    statuses = {s.label: s.status for s in sample_store.suggestions_for(doc.id, "ann") if s.label == "MONEY"}
    assert statuses == {"MONEY": SuggestionStatus.REJECTED}
    assert bulk_accept(sample_store, doc.id, "ann", label="MONEY") is None


def test_known_entities_are_suggested_by_name_and_alias(sample_store):
    xuar = Entity(name="Xinjiang Uygur Autonomous Region", type="LOCATION", aliases=["XUAR", "Xinjiang"])
    CreateEntity(xuar).apply(sample_store)
    doc = sample_store.document_by_uid("001_7f242fc889ef2bf1")
    found = [s for s in suggest_document(sample_store, doc.id, "ann") if s.source == "entities"]
    texts = [doc.text[s.start : s.end] for s in found]
    # "Xinjiang" in "the Chinese Communist Party Xinjiang Committee" is part of an ORG's name: not suggested.
    assert texts[:3] == ["Xinjiang Uygur Autonomous Region", "XUAR", "XUAR"]
    committee = doc.text.index("Party Xinjiang Committee") + len("Party ")
    assert all(s.start != committee for s in found)
    assert all(s.entity_id == xuar.id and s.label == "LOCATION" for s in found)
    assert EntityMatcher([xuar]).find("XUARS and Xinjiangese") == []  # whole words only


def test_value_for_each_label_kind(sample_store):
    schema = sample_store.label_schema
    text = "In the first half of 2023 it grew by nearly US$750 million."
    start = text.index("nearly")
    assert value_for(schema, "MONEY", text, start, len(text) - 1, None)["amount"] == "750000000"
    assert value_for(schema, "DATE", text, 3, 25, None)["start"] == "2023-01-01"
    assert value_for(schema, "PERSON", text, 0, 2, None) is None
    assert value_for(schema, "COUNT", text, 0, 2, None) is None  # not a figure: no value


def test_export_carries_values_and_entity_links(sample_store, tmp_path):
    doc = sample_store.document_by_uid("002_dbc77deba9cd34d7")
    entity = Entity(name="Ma Xingrui", type="PERSON", aliases=["Ma Xingruy"])
    start = doc.text.index("Ma Xingrui")
    mention = Annotation(doc_id=doc.id, start=start, end=start + 10, label="PERSON", annotator="ann")
    sample_store.add_annotation(mention)
    Batch([CreateEntity(entity, doc.id), EditSpan(mention.id, doc.id, {"entity_id": entity.id})], "Link", doc.id).apply(sample_store)
    suggest_document(sample_store, doc.id, "ann")
    bulk_accept(sample_store, doc.id, "ann", "MONEY").apply(sample_store)
    export_json(sample_store, tmp_path / "out.json")
    data = json.loads((tmp_path / "out.json").read_text())
    assert data["entities"] == [entity.model_dump(mode="json")]
    [document] = [d for d in data["documents"] if d["id"] == doc.uid]
    linked = next(a for a in document["annotations"] if a["label"] == "PERSON")
    assert linked["entity_id"] == entity.id
    money = next(a for a in document["annotations"] if a["text"] == "$24 billion")
    assert money["value"]["amount"] == "24000000000"


def test_export_refuses_broken_values_and_links_and_warns_about_missing_ones(sample_store, tmp_path):
    doc = sample_store.document_by_uid("000_14e10f92779dfa8b")
    start = doc.text.index("US$24 billion")
    sample_store.add_annotation(Annotation(doc_id=doc.id, start=start, end=start + 13, label="MONEY", annotator="a"))
    last_year = doc.text.index("last year")
    sample_store.add_annotation(Annotation(doc_id=doc.id, start=last_year, end=last_year + 9, label="DATE",
                                           annotator="a", value={"type": "date", "unresolved": "no anchor"}))
    warnings = validate_project(sample_store)
    assert [p.severity for p in warnings] == [Severity.WARNING, Severity.WARNING]
    assert "has no normalized value" in warnings[0].message and "not resolved" in warnings[1].message
    with sample_store.engine.begin() as conn:
        conn.execute(annotations_table.update().where(annotations_table.c.label == "MONEY")
                     .values(value={"type": "figure", "amount": "a lot"}, entity_id="ghost"))
    with pytest.raises(ExportRefused) as refused:
        export_json(sample_store, tmp_path / "x.json")
    messages = " ".join(p.message for p in refused.value.problems)
    assert "invalid normalized value" in messages and "entity 'ghost'" in messages


def test_suggest_command(sample_store, capsys):
    location = str(sample_store.location)
    assert main(["suggest", location, "--doc", "003_d3a778e1918d26d9", "--annotator", "bot"]) == 0
    assert "10 new suggestion(s) in 1 document(s)" in capsys.readouterr().out
    assert main(["suggest", location, "--annotator", "bot", "--accept"]) == 0
    out = capsys.readouterr().out
    assert "55 suggestion(s) accepted" in out  # the gold table's 57 but for the two header dates
    assert sample_store.annotation_count() == 55
    assert main(["suggest", location, "--doc", "missing"]) == 2


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("Talks with China Railway Group ended.", []),
        ("Kazakhstan Temir Zholy carried more cargo.", []),
        ("He flew Air Astana to Almaty.", ["Almaty"]),
        ("The Bank of China lent money to Kazakhstan.", ["Kazakhstan"]),
        ("The Astana Times reported on China.", ["China"]),
        # Titles, conjunctions, sentence starts and title-case headlines keep the place.
        ("Kazakhstan President Tokayev met Xi in China.", ["Kazakhstan", "China"]),
        ("In Kazakhstan, trade with China rose.", ["Kazakhstan", "China"]),
        ("Kazakhstan Exports Grain To China And Iran", ["Kazakhstan", "China"]),
        ("Kazakhstan and China signed a deal.", ["Kazakhstan", "China"]),
    ],
)
def test_no_place_is_suggested_inside_a_longer_name(text, wanted):
    places = [Entity(name=name, type="LOCATION") for name in ("China", "Kazakhstan", "Astana", "Almaty")]
    found = propose(Document(id=1, uid="d", text=text), LabelSchema(), EntityMatcher(places))
    assert [text[s.start:s.end] for s in found if s.source == "entities"] == wanted


def test_a_longer_name_in_the_register_wins_over_the_place_inside_it():
    org = Entity(name="China Railway Group", type="ORG")
    found = propose(Document(id=1, uid="d", text="China Railway Group won the bid."), LabelSchema(),
                    EntityMatcher([Entity(name="China", type="LOCATION"), org]))
    assert [(s.label, s.entity_id) for s in found if s.source == "entities"] == [("ORG", org.id)]
