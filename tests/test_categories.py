"""Document categories: through validation, every export format that carries them and
back, and agreement per category set."""

from __future__ import annotations

import json

import numpy as np
import openpyxl
import pytest

from curator.domain.models import Annotation, Document
from curator.domain.schema import CategorySet, Choice, LabelSchema
from curator.formats.boundary import FileRefused
from curator.formats.interop import export_interop, import_annotated
from curator.session.exporting import export
from curator.store import Store

TEXT = "Kazakhstan and China signed a trade protocol in Astana."
SCHEMA = LabelSchema(categories=[
    CategorySet(name="topic", choices=[Choice(name="economy", key="E"), Choice(name="politics", key="P")]),
    CategorySet(name="issues", multiple=True, choices=[Choice(name="trade"), Choice(name="energy")])])
CHOSEN = {"a": {"issues": ["trade", "energy"], "topic": ["economy"]}, "b": {"topic": ["politics"]}}


@pytest.fixture
def classified(tmp_path):
    store = Store.create(tmp_path / "p")
    store.save_schema(SCHEMA)
    ids = store.add_documents([Document(uid="d1", text=TEXT), Document(uid="d2", text=TEXT + " Again.")])
    store.add_annotation(Annotation(doc_id=ids[0], start=0, end=10, label="LOCATION", annotator="a"))
    store.add_annotation(Annotation(doc_id=ids[0], start=0, end=10, label="LOCATION", annotator="b"))
    for who, sets in CHOSEN.items():
        for set_name, choices in sets.items():
            store.set_categories(ids[0], who, set_name, choices)
    yield store
    store.close()


def fresh(tmp_path, name):
    store = Store.create(tmp_path / name)
    store.save_schema(SCHEMA)
    return store


@pytest.mark.parametrize("fmt", ["json", "jsonl", "labelstudio", "doccano", "spacy"])
def test_categories_round_trip_through_every_format_that_has_them(classified, tmp_path, fmt):
    target = tmp_path / f"out.{ {'labelstudio': 'json', 'doccano': 'jsonl', 'spacy': 'spacy'}.get(fmt, fmt)}"
    if fmt in ("json", "jsonl"):
        export(classified, target, fmt, clean=False)
    else:
        export_interop(classified, target, fmt)
    again = fresh(tmp_path, "again")
    report = import_annotated(again, target, None if fmt in ("json", "jsonl") else fmt)
    assert report.categories_added == 3 and not report.problems
    assert again.categories_for(again.document_by_uid("d1").id) == CHOSEN
    assert again.categories_for(again.document_by_uid("d2").id) == {}
    again.close()


def test_the_json_export_carries_the_schema_and_each_layers_categories(classified, tmp_path):
    export(classified, tmp_path / "all.json")
    data = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    assert [c["name"] for c in data["label_schema"]["categories"]] == ["topic", "issues"]
    assert data["documents"][0]["categories"] == [
        {"annotator": "a", "set": "issues", "choices": ["trade", "energy"]},
        {"annotator": "a", "set": "topic", "choices": ["economy"]},
        {"annotator": "b", "set": "topic", "choices": ["politics"]}]
    export(classified, tmp_path / "b.json", layer="b")
    data = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert data["documents"][0]["categories"] == [{"annotator": "b", "set": "topic", "choices": ["politics"]}]


def test_the_workbook_has_categories_and_labels_sheets(classified, tmp_path):
    export(classified, tmp_path / "out.xlsx")
    book = openpyxl.load_workbook(tmp_path / "out.xlsx", read_only=True)
    rows = list(book["categories"].iter_rows(values_only=True))
    assert rows[0] == ("document", "annotator", "set", "choices")
    assert ("d1", "a", "issues", "trade; energy") in rows[1:] and len(rows) == 4
    labels = list(book["labels"].iter_rows(values_only=True))
    assert labels[1][:3] == ("1", "PERSON", "entity") and labels[-1][1] == "issues"
    book.close()


def test_categories_the_schema_no_longer_has_are_left_out_with_a_warning(classified, tmp_path):
    classified.save_schema(LabelSchema(categories=[SCHEMA.categories[0]]))  # "issues" deleted
    problems = export(classified, tmp_path / "out.json").warnings
    assert any("'issues' is no longer in the schema" in p.message for p in problems)
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert {c["set"] for c in data["documents"][0]["categories"]} == {"topic"}


def test_imports_report_categories_that_do_not_fit_and_find_bare_choices(tmp_path):
    store = fresh(tmp_path, "p")
    source = tmp_path / "doccano.jsonl"
    lines = [{"text": TEXT, "uid": "d1", "annotator": "c", "cats": ["economy", "trade", "energy", "sport"]},
             {"text": "Other text.", "uid": "d2", "annotator": "c", "cats": ["topic:economy", "topic:politics"]}]
    source.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    report = import_annotated(store, source, "doccano")
    assert store.categories_for(store.document_by_uid("d1").id) == {
        "c": {"issues": ["trade", "energy"], "topic": ["economy"]}}
    reasons = [p.reason for p in report.problems]
    assert any("'sport' is in no category set" in r for r in reasons)
    assert any("topic takes one choice" in r for r in reasons)
    store.close()


def test_agreement_per_category_set_equals_the_reference_libraries(tmp_path):
    import krippendorff
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from sklearn.metrics import cohen_kappa_score

    from curator.analysis.agreement import category_agreement

    store = fresh(tmp_path, "agree")
    ids = store.add_documents([Document(uid=f"d{n}", text=f"Text {n}.") for n in range(12)])
    topics, issues = SCHEMA.categories[0].names, SCHEMA.categories[1].names
    coded = st.lists(st.tuples(st.sampled_from(ids), st.sampled_from("abc"), st.integers(0, 1),
                               st.sets(st.sampled_from(issues), min_size=1)), max_size=30)

    @settings(max_examples=40, deadline=None)
    @given(coded)
    def check(codes):
        for doc_id in ids:
            for who in "abc":
                for set_name in ("topic", "issues"):
                    store.set_categories(doc_id, who, set_name, [])
        for doc_id, who, topic, picked in codes:
            store.set_categories(doc_id, who, "topic", [topics[topic]])
            store.set_categories(doc_id, who, "issues", sorted(picked))
        rows = {row["set"]: row for row in category_agreement(store, ["a", "b", "c"])}
        table = np.full((3, len(ids)), np.nan)  # topic: annotators x documents
        for doc_id, who, set_name, choices in store.category_rows(["a", "b", "c"]):
            if set_name == "topic":
                table["abc".index(who), ids.index(doc_id)] = topics.index(choices[0])
        coded_units = table[:, (~np.isnan(table)).sum(axis=0) >= 2]
        if coded_units.size and len(np.unique(coded_units[~np.isnan(coded_units)])) > 1:
            expected = krippendorff.alpha(reliability_data=coded_units, level_of_measurement="nominal")
            assert rows["topic"]["alpha"] == pytest.approx(expected, abs=1e-9)
        kappas = []
        for x, y in ((0, 1), (0, 2), (1, 2)):
            both = ~np.isnan(table[x]) & ~np.isnan(table[y])
            if both.any() and len(set(table[x][both]) | set(table[y][both])) > 1:
                kappas.append(cohen_kappa_score(table[x][both], table[y][both]))
        if kappas and rows["topic"]["kappa"] is not None:
            assert rows["topic"]["kappa"] == pytest.approx(float(np.mean(kappas)), abs=1e-9)
        wide = np.full((3, len(ids) * 2), np.nan)  # issues: one yes/no unit per document and choice
        for doc_id, who, set_name, choices in store.category_rows(["a", "b", "c"]):
            if set_name == "issues":
                for k, choice in enumerate(issues):
                    wide["abc".index(who), ids.index(doc_id) * 2 + k] = float(choice in choices)
        units = wide[:, (~np.isnan(wide)).sum(axis=0) >= 2]
        if units.size and len(np.unique(units[~np.isnan(units)])) > 1:
            expected = krippendorff.alpha(reliability_data=units, level_of_measurement="nominal")
            assert rows["issues"]["alpha"] == pytest.approx(expected, abs=1e-9)

    check()
    store.close()


def test_category_disagreements_are_reviewed_into_gold_and_block_a_clean_export(classified, tmp_path):
    from curator.analysis.clean import clean_check
    from curator.analysis.review import GOLD, category_items
    from curator.session import Session
    from curator.session.review_decisions import accept_agreements, settle_category

    items = category_items(classified)
    assert [(i.set_name, i.single, i.agreed, i.settled) for i in items] == [
        ("issues", True, True, False), ("topic", False, False, False)]  # "issues": a alone, for gold on a key
    items = [i for i in items if not i.single]
    blocking, _ = clean_check(classified)
    assert any("disagreement on topic between a, b" in p.message for p in blocking)
    session = Session(classified, "reviewer")
    session.do(settle_category(items[0], ["economy"]))
    assert category_items(classified)[1].gold == ("economy",)
    assert not [p for p in clean_check(classified)[0] if "topic" in p.message]
    export(classified, tmp_path / "gold.json", layer=GOLD)
    data = json.loads((tmp_path / "gold.json").read_text(encoding="utf-8"))
    assert data["documents"][0]["categories"] == [{"annotator": "gold", "set": "topic", "choices": ["economy"]}]
    session.undo()
    assert category_items(classified)[1].gold is None
    classified.set_categories(1, "b", "issues", ["energy", "trade"])  # agree with a, in another order
    batch = accept_agreements(classified, "reviewer")
    session.do(batch)
    assert classified.categories_for(1, GOLD) == {"gold": {"issues": ["trade", "energy"]}}


def test_categories_travel_in_layer_files_and_the_later_choice_wins(classified, tmp_path):
    """A layer file carries its annotator's choices with when they were made: importing it
    adds them, importing it again changes nothing, and where both sides chose, the later
    choice is kept."""
    from curator.formats.layer_files import export_layer, import_layer

    target = tmp_path / "a.json"
    export_layer(classified, "a", target)
    copy = fresh(tmp_path, "copy")
    copy.add_documents([Document(uid="d1", text=TEXT), Document(uid="d2", text=TEXT + " Again.")])
    d1 = copy.document_by_uid("d1").id
    report = import_layer(copy, target)
    assert copy.categories_for(d1) == {"a": CHOSEN["a"]} and report.categories_added == 2
    assert import_layer(copy, target).categories_added == 0

    copy.set_categories(d1, "a", "topic", ["politics"])  # changed here after the file was written
    assert import_layer(copy, target).categories_added == 0
    assert copy.categories_for(d1, "a")["a"]["topic"] == ["politics"]

    source_d1 = classified.document_by_uid("d1").id
    classified.set_categories(source_d1, "a", "issues", ["trade"])  # and there, later still
    export_layer(classified, "a", target)
    assert import_layer(copy, target).categories_added == 1
    assert copy.categories_for(d1, "a")["a"] == {"issues": ["trade"], "topic": ["politics"]}
    copy.close()


def test_a_layer_files_choices_that_do_not_fit_the_project_are_reported_and_skipped(classified, tmp_path):
    from curator.formats.layer_files import export_layer, import_layer

    target = tmp_path / "a.json"
    export_layer(classified, "a", target)
    data = json.loads(target.read_text())
    data["documents"][0]["categories"] += [{"set": "topic", "choices": ["sport"], "updated": "2025-01-01T00:00:00Z"},
                                           {"set": "mood", "choices": ["calm"]}]
    target.write_text(json.dumps(data))
    copy = fresh(tmp_path, "copy")
    copy.add_documents([Document(uid="d1", text=TEXT)])
    report = import_layer(copy, target)
    reasons = " | ".join(problem.reason for problem in report.problems)
    assert "no choice 'sport'" in reasons and "'mood' is not in the project" in reasons
    assert copy.categories_for(copy.document_by_uid("d1").id) == {"a": {"issues": ["trade", "energy"]}}

    for bad in ([{"set": "topic", "choices": "economy"}], [{"choices": ["economy"]}], "topic",
                [{"set": "topic", "choices": ["economy"], "updated": "yesterday"}]):
        data["documents"][0]["categories"] = bad
        target.write_text(json.dumps(data))
        with pytest.raises(FileRefused, match="a.json") as refused:
            import_layer(copy, target)
        assert "categories" in str(refused.value)
    copy.close()
