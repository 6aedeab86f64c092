"""The gold layer as a reviewer fills it and an export writes it: the documents' done
status goes with it, and work only one annotator did reaches it one keystroke away, or
the export says what it leaves out."""

from __future__ import annotations

import json

import openpyxl

from curator.analysis.review import (
    GOLD,
    category_items,
    iter_items,
    open_work,
    stored_items,
)
from curator.cli import main
from curator.session import Session
from curator.session.review_decisions import accept_agreements, accept_single


def _settle_agreements(store) -> None:
    Session(store, "reviewer").do(accept_agreements(store, "reviewer"))


def test_a_gold_export_says_who_marked_each_document_done(annotated_sample, tmp_path, capsys):
    store = annotated_sample
    _settle_agreements(store)
    location = store.location
    assert main(["export", location, "-o", str(tmp_path / "gold.json")]) == 0
    assert main(["export", location, "-o", str(tmp_path / "gold.xlsx")]) == 0
    documents = json.loads((tmp_path / "gold.json").read_text(encoding="utf-8"))["documents"]
    assert json.loads((tmp_path / "gold.json").read_text(encoding="utf-8"))["layer"] == GOLD
    done_by = [(d["status"], d["done_by"]) for d in documents]
    assert done_by == [("done", ["aigerim", "daniyar"])] * 4 + [("done", ["aigerim"])]  # the fifth: hers alone
    book = openpyxl.load_workbook(tmp_path / "gold.xlsx", read_only=True)
    rows = list(book["documents"].iter_rows(values_only=True))
    header = rows[0]
    assert "done_by" in header
    assert {(row[header.index("status")], row[header.index("done_by")]) for row in rows[1:]} == {
        ("done", "aigerim; daniyar"), ("done", "aigerim")}
    book.close()
    # One annotator's layer keeps that annotator's own status.
    assert main(["export", location, "--layer", "daniyar", "-o", str(tmp_path / "daniyar.json")]) == 0
    daniyar = json.loads((tmp_path / "daniyar.json").read_text(encoding="utf-8"))["documents"]
    assert [d["done_by"] for d in daniyar].count([]) == 1 and [d["status"] for d in daniyar].count("todo") == 1


def test_a_workbook_of_the_earlier_layout_still_imports_its_articles_without_derived_columns():
    from curator.formats.exported_sheets import derived_columns

    earlier = ["id", "title", "source", "url", "published", "status", "annotations", "text"]
    assert derived_columns("documents", earlier) == {"status", "annotations"}
    from curator.formats.excel import DOCUMENT_COLUMNS

    now = [name for name, _width in DOCUMENT_COLUMNS]
    assert derived_columns("documents", now) == {"status", "done_by", "annotations"}


LONE = "Astana, 5 March 2024 - Kazakhstan and China traded US$41 billion in 2023, Alikhan Smailov said."


def _lone_document(store):
    """An article imported later and annotated by aigerim alone (and marked done)."""
    from curator.domain.models import Annotation, Document, DocumentStatus

    [doc_id] = store.add_documents([Document(uid="lone", title="A lone article", text=LONE)])
    for words, label in (("Kazakhstan", "LOCATION"), ("China", "LOCATION"), ("Alikhan Smailov", "PERSON")):
        start = LONE.index(words)
        store.add_annotation(Annotation(doc_id=doc_id, start=start, end=start + len(words), label=label,
                                        annotator="aigerim"))
    store.set_status(doc_id, "aigerim", DocumentStatus.DONE)
    return store.get_document(doc_id)


def test_work_one_annotator_did_alone_is_listed_for_review_and_accepted_into_gold_in_one_step(annotated_sample):
    store = annotated_sample
    alone = _lone_document(store)
    items = [item for item in iter_items(store) if item.doc_id == alone.id]
    assert items and all(item.single and list(item.versions) == ["aigerim"] for item in items)
    assert not any(item.single for item in iter_items(store) if item.doc_id != alone.id)
    stored = [item for item in stored_items(store) if item.doc_id == alone.id]
    assert [item.key for item in stored] == [item.key for item in items] and all(item.single for item in stored)
    assert open_work(store)["single"] == len(items)

    _settle_agreements(store)  # agreements are two annotators' work: the lone work stays open
    assert store.annotations_for(alone.id, GOLD) == []
    batch = accept_single(store, "reviewer")
    assert batch is not None and len(batch.commands) == len(items)
    session = Session(store, "reviewer")
    session.do(batch)
    gold = store.annotations_for(alone.id, GOLD)
    assert sorted((g.start, g.end, g.label) for g in gold) == sorted(
        (a.start, a.end, a.label) for a in store.annotations_for(alone.id, "aigerim"))
    assert open_work(store)["single"] == 0 and accept_single(store, "reviewer") is None
    session.undo()  # one step, taken back whole
    assert store.annotations_for(alone.id, GOLD) == []


def test_a_category_only_one_annotator_chose_is_single_work_too(annotated_sample):
    from curator.domain.schema import CategorySet
    from curator.session.commands import SetCategories
    from curator.session.label_edits import set_category

    store = annotated_sample
    session = Session(store, "aigerim")
    session.do(set_category(store, CategorySet(name="topic", choices=[{"name": "economy"}, {"name": "politics"}])))
    alone = _lone_document(store)
    session.do(SetCategories(alone.id, "aigerim", "topic", ["economy"]))
    [item] = category_items(store)
    assert item.single and item.agreed and not item.settled
    assert accept_agreements(store, "reviewer") is None or all(
        getattr(c, "set_name", None) != "topic" for c in accept_agreements(store, "reviewer").commands)
    Session(store, "reviewer").do(accept_single(store, "reviewer"))
    assert store.categories_for(alone.id).get(GOLD) == {"topic": ["economy"]}


def test_a_gold_export_says_what_work_it_leaves_out_until_the_reviewer_accepts_it(annotated_sample, tmp_path,
                                                                                   capsys):
    store = annotated_sample
    alone = _lone_document(store)
    _settle_agreements(store)
    location = store.location
    capsys.readouterr()
    assert main(["export", location, "-o", str(tmp_path / "gold.json")]) == 0
    err = capsys.readouterr().err
    assert "the gold layer leaves out work not settled yet" in err and "3 only one annotator tagged" in err
    exported = {d["id"]: d for d in json.loads((tmp_path / "gold.json").read_text(encoding="utf-8"))["documents"]}
    assert exported["lone"]["annotations"] == []
    Session(store, "reviewer").do(accept_single(store, "reviewer"))
    assert main(["export", location, "-o", str(tmp_path / "gold2.json")]) == 0
    err = capsys.readouterr().err
    assert "only one annotator" not in err
    exported = {d["id"]: d for d in json.loads((tmp_path / "gold2.json").read_text(encoding="utf-8"))["documents"]}
    assert {a["text"] for a in exported["lone"]["annotations"]} == {"Kazakhstan", "China", "Alikhan Smailov"}
    assert exported["lone"]["done_by"] == ["aigerim"] and alone.uid == "lone"


def test_the_name_typed_decides_the_export_format_over_the_filter_left_on():
    from pathlib import Path

    from curator.session.exporting import export_target as chosen

    def export_target(name, filter_left_on):
        path, fmt = chosen(name, filter_left_on)
        return path, fmt.name

    assert export_target("out/gold3.json", "xlsx") == (Path("out/gold3.json"), "json")
    assert export_target("gold3.xlsx", "json") == (Path("gold3.xlsx"), "xlsx")
    assert export_target("tasks.json", "labelstudio") == (Path("tasks.json"), "labelstudio")  # the filter's own
    assert export_target("lines.jsonl", "doccano") == (Path("lines.jsonl"), "doccano")
    assert export_target("lines.jsonl", "labelstudio") == (Path("lines.jsonl"), "jsonl")
    assert export_target("day", "xlsx") == (Path("day.xlsx"), "xlsx")
    assert export_target("data.2024", "json") == (Path("data.2024.json"), "json")
    assert export_target("tags.bio", "conll") == (Path("tags.bio"), "conll")
    assert export_target("GOLD.JSON", "xlsx") == (Path("GOLD.JSON"), "json")


def test_another_tools_file_writes_into_gold_only_with_gold(annotated_sample, tmp_path, capsys):
    """A Label Studio file whose annotator is gold (in any case) would skip review: its
    spans and statuses are skipped, each said, unless ``--gold`` asks for them."""
    store = annotated_sample
    document = store.document_by_uid("000_14e10f92779dfa8b")
    start = document.text.index("China")
    task = {"data": {"text": document.text, "meta": {"uid": document.uid}}, "annotations": [
        {"completed_by": "GOLD", "result": [{"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
                                            "value": {"start": start, "end": start + 5, "text": "China",
                                                      "labels": ["LOCATION"]}}]}]}
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    before = store.annotations_for(document.id, GOLD)
    assert main(["import", store.location, str(path), "--verbose"]) == 1
    err = capsys.readouterr().err
    assert "annotator 'GOLD' is the reviewed layer" in err and "--gold" in err and "tasks.json" in err
    assert store.annotations_for(document.id, GOLD) == before and "GOLD" not in store.annotators()
    assert main(["import", store.location, str(path), "--gold"]) == 0
    assert [(a.start, a.label) for a in store.annotations_for(document.id, GOLD)] == [
        *[(a.start, a.label) for a in before], (start, "LOCATION")]


def test_a_curator_exports_gold_choices_go_into_gold_only_with_gold(annotated_sample, tmp_path):
    """The reviewed layer's category choices in an export of every layer are taken only
    when asked, as its spans are: they went in past review."""
    from curator.domain.schema import CategorySet, Choice
    from curator.formats.export import export_json
    from curator.formats.interop import import_annotated
    from curator.session.project import create_sample_project

    topic = CategorySet(name="topic", choices=[Choice(name="economy"), Choice(name="politics")])
    store = annotated_sample
    store.save_schema(store.label_schema.with_category(topic))
    document = store.document_by_uid("000_14e10f92779dfa8b")
    store.set_categories(document.id, GOLD, "topic", ["economy"])
    export_json(store, tmp_path / "all.json")  # (every layer)
    copy, _report = create_sample_project(tmp_path / "copy", annotations=False)
    with copy:
        copy.save_schema(copy.label_schema.with_category(topic))
        copied = copy.document_by_uid(document.uid).id
        report = import_annotated(copy, tmp_path / "all.json")
        assert copy.categories_for(copied, GOLD) == {}
        assert any("the categories of this annotator skipped" in p.reason for p in report.problems)
        import_annotated(copy, tmp_path / "all.json", into_gold=True)
        assert copy.categories_for(copied, GOLD) == {GOLD: {"topic": ["economy"]}}
