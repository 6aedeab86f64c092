"""A file Curator exported to Label Studio, corrected there and imported back: each region
that carries its span's id corrects that span (its label, its bounds, and the value they
give) instead of adding a second span beside it, and the import's undo puts the spans back
as they were."""

from __future__ import annotations

import json

import pytest

from curator.cli.command_line import main
from curator.errors import CuratorError
from curator.session import Session
from curator.session.importing import import_layer_file, import_paths
from curator.store import Store

TEXT = "Tokayev met Xi in Astana on Monday and pledged $2 million to the fund."


@pytest.fixture
def project(tmp_path):
    """A news project whose one article ana tagged: a person, an organisation (wrongly),
    a place and an amount of money."""
    target = tmp_path / "news"
    assert main(["init", str(target)]) == 0
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "a1", "text": TEXT, "date": "2025-03-03"}) + "\n",
                                      encoding="utf-8")
    money = TEXT.index("$2 million")
    (tmp_path / "spans.jsonl").write_text(json.dumps({"id": "a1", "text": TEXT, "label": [
        [0, 7, "PERSON"], [12, 14, "ORG"], [18, 24, "LOCATION"], [money, money + 2, "MONEY"]]}) + "\n",
        encoding="utf-8")
    assert main(["import", str(target), str(tmp_path / "a.jsonl")]) == 0
    assert main(["import", str(target), str(tmp_path / "spans.jsonl"), "--annotator", "ana"]) == 0
    return target


def spans_of(target) -> dict[str, tuple]:
    with Store.open(target) as store:
        doc = store.document_by_uid("a1")
        return {a.id: (a.label, TEXT[a.start:a.end], (a.value or {}).get("amount")) for a in store.annotations_for(doc.id)}


def corrected_export(target, tmp_path) -> tuple[dict, str]:
    """ana's layer exported for Label Studio, then corrected there: Xi is a PERSON, the money
    region is widened to the whole amount, and a region of Label Studio's own is drawn."""
    exported = tmp_path / "ls.json"
    assert main(["export", str(target), "--format", "labelstudio", "--layer", "ana", "-o", str(exported)]) == 0
    tasks = json.loads(exported.read_text(encoding="utf-8"))
    results = tasks[0]["annotations"][0]["result"]
    by_text = {result["value"]["text"]: result for result in results if result["type"] == "labels"}
    by_text["Xi"]["value"]["labels"] = ["PERSON"]
    money = by_text["$2"]["value"]
    money["end"], money["text"] = money["start"] + len("$2 million"), "$2 million"
    fund = TEXT.index("the fund")
    results.append({"id": "Zq3xLs9aPk", "from_name": "label", "to_name": "text", "type": "labels",
                    "value": {"start": fund, "end": fund + 8, "text": "the fund", "labels": ["ORG"]}})
    corrected = tmp_path / "corrected.json"
    corrected.write_text(json.dumps(tasks), encoding="utf-8")
    return tasks, str(corrected)


def test_a_corrected_region_corrects_its_span_and_the_undo_puts_it_back(project, tmp_path, capsys):
    before = spans_of(project)
    _tasks, corrected = corrected_export(project, tmp_path)
    capsys.readouterr()
    assert main(["import", str(project), corrected]) == 0
    assert "1 span(s) added to the layer 'ana', 2 updated, 2 already present" in capsys.readouterr().out
    after = spans_of(project)
    xi, money = (next(i for i, s in before.items() if s[1] == text) for text in ("Xi", "$2"))
    assert after[xi] == ("PERSON", "Xi", None)  # the same span, relabelled: not an ORG and a PERSON
    assert after[money] == ("MONEY", "$2 million", "2000000")  # its value read again for its new bounds
    assert len(after) == len(before) + 1 and ("ORG", "the fund", None) in after.values()
    assert main(["import", str(project), corrected]) == 0  # a second time: nothing new
    assert spans_of(project) == after
    main(["undo", str(project)])  # (the second import changed nothing: no step of its own)
    assert spans_of(project) == before
    main(["redo", str(project)])
    assert spans_of(project) == after


def test_a_region_drawn_where_a_corrected_one_was_is_a_new_span(project, tmp_path, capsys):
    """The money region widened to "$2 million", and a new one drawn on "$2" again: the
    span moves, and the new region is a span of its own (not taken for the old one)."""
    tasks, _corrected = corrected_export(project, tmp_path)
    results = tasks[0]["annotations"][0]["result"]
    money = TEXT.index("$2")
    results.append({"id": "Nw7Rq2LmXc", "from_name": "label", "to_name": "text", "type": "labels",
                    "value": {"start": money, "end": money + 2, "text": "$2", "labels": ["MONEY"]}})
    again = tmp_path / "again.json"
    again.write_text(json.dumps(tasks), encoding="utf-8")
    capsys.readouterr()
    assert main(["import", str(project), str(again)]) == 0
    assert "2 span(s) added to the layer 'ana', 2 updated, 2 already present" in capsys.readouterr().out
    assert sorted(s[1] for s in spans_of(project).values() if s[0] == "MONEY") == ["$2", "$2 million"]


def test_a_correction_is_found_under_the_names_the_import_gives(project, tmp_path):
    """A file whose regions name nobody (--annotator names them) and whose labels are the
    tool's (--map takes them): the corrected region is still its span, under the project's
    label and annotator."""
    tasks, _corrected = corrected_export(project, tmp_path)
    for result in tasks[0]["annotations"][0]["result"]:
        result.pop("meta", None)
        if result["value"]["text"] == "Xi":
            result["value"]["labels"] = ["PER"]
    renamed = tmp_path / "renamed.json"
    renamed.write_text(json.dumps(tasks), encoding="utf-8")
    before = spans_of(project)
    xi = next(i for i, s in before.items() if s[1] == "Xi")
    assert main(["import", str(project), str(renamed), "--annotator", "ana", "--map", "PER=PERSON"]) == 0
    after = spans_of(project)
    assert after[xi] == ("PERSON", "Xi", None) and [s[1] for s in after.values()].count("Xi") == 1


def test_the_undo_of_a_correction_is_refused_when_the_span_was_edited_since(project, tmp_path):
    _tasks, corrected = corrected_export(project, tmp_path)
    with Store.open(project) as store:
        session = Session(store, "ana")
        import_paths(session, [corrected])
        doc = store.document_by_uid("a1")
        xi = next(a for a in store.annotations_for(doc.id) if TEXT[a.start:a.end] == "Xi")
        store.update_annotation(xi.id, label="LOCATION")  # someone's later work on it
        with pytest.raises(CuratorError, match="edited since"):
            session.undo()
        assert store.annotations_by_id([xi.id])[xi.id].label == "LOCATION"


def test_a_region_of_another_annotator_or_of_the_tools_own_does_not_correct(project, tmp_path):
    tasks, _corrected = corrected_export(project, tmp_path)
    for result in tasks[0]["annotations"][0]["result"]:
        result.get("meta", {})["curator_annotator"] = "ben"  # another annotator's copy of ana's regions
    other = tmp_path / "ben.json"
    other.write_text(json.dumps(tasks), encoding="utf-8")
    before = spans_of(project)
    assert main(["import", str(project), str(other)]) == 0
    after = spans_of(project)
    assert {i: s for i, s in after.items() if i in before} == before  # ana's spans untouched
    with Store.open(project) as store:
        assert len(store.annotations_for(store.document_by_uid("a1").id, "ben")) == 5


def test_a_layer_files_corrections_are_undone_with_its_import(project, tmp_path):
    from curator.formats.layer_files import export_layer

    target = tmp_path / "ana.json"
    with Store.open(project) as store:
        export_layer(store, "ana", target)
    layer = json.loads(target.read_text(encoding="utf-8"))
    span = next(s for s in layer["documents"][0]["annotations"] if s["label"] == "ORG")
    span["label"], span["updated"] = "PERSON", "2099-01-01T00:00:00Z"
    target.write_text(json.dumps(layer), encoding="utf-8")
    before = spans_of(project)
    with Store.open(project) as store:
        session = Session(store, "ana")
        assert import_layer_file(session, target).spans_updated == 1
        assert store.annotations_by_id([span["id"]])[span["id"]].label == "PERSON"
        session.undo()
    assert spans_of(project) == before


def test_a_models_predictions_on_an_article_go_with_the_imports_undo(project, tmp_path):
    """A file of a model's predictions for an article already in the project adds
    suggestions; undoing the import takes them out, and redoing it puts them back."""
    xi = TEXT.index("Xi")
    predictions = tmp_path / "predicted.json"
    predictions.write_text(json.dumps([{"data": {"text": TEXT}, "predictions": [{"model_version": "ner-v2", "result": [
        {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels", "score": 0.9,
         "value": {"start": xi, "end": xi + 2, "text": "Xi", "labels": ["PERSON"]}}]}]}]), encoding="utf-8")
    with Store.open(project) as store:
        session = Session(store, "ana")
        doc_id = store.document_by_uid("a1").id
        report = import_paths(session, [predictions])
        assert report.suggestions_added == 1 and report.added == []
        assert [(s.label, s.start) for s in store.suggestions_for(doc_id, "ana")] == [("PERSON", xi)]
        assert session.undo() is not None
        assert store.suggestions_for(doc_id, "ana") == []
        session.redo()
        assert [(s.label, s.start) for s in store.suggestions_for(doc_id, "ana")] == [("PERSON", xi)]
