"""An import that takes another tool's labels as the project's (``curator import --map``):
spans, a model's pre-annotations and the ends of relations alike; and its users as the
project's annotators (``--annotator THEIRS=OURS``)."""

from __future__ import annotations

import json

import pytest

from curator.domain.models import Project
from curator.domain.schema import template
from curator.formats.interop import import_paths
from curator.store import Store

TEXT = "Tokayev met Xi in Astana on Monday."


def test_spans_predictions_and_relation_ends_take_the_projects_labels(tmp_path):
    store = Store.create(tmp_path / "p", Project(label_schema=template("news")))
    tasks = tmp_path / "ls.json"
    tasks.write_text(json.dumps([{"id": 7, "data": {"text": TEXT}, "annotations": [{"completed_by": 1, "result": [
        {"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 0, "end": 7, "labels": ["PER"]}},
        {"id": "b", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 18, "end": 24, "labels": ["GPE"]}},
        {"from_id": "a", "to_id": "b", "type": "relation", "direction": "right", "labels": ["deal_between"]}]}],
        "predictions": [{"model_version": "ner-v1", "result": [
            {"id": "p", "from_name": "label", "to_name": "text", "type": "labels", "score": 0.8,
             "value": {"start": 12, "end": 14, "labels": ["PER"]}}]}]}]), encoding="utf-8")
    report = import_paths(store, [tasks], suggestion_layer="model", labels={"PER": "PERSON", "GPE": "LOCATION"})
    assert not report.missing_labels and not report.problems, report.problems
    (doc_id,) = store.document_ids()
    assert [(a.label, TEXT[a.start:a.end]) for a in store.annotations_for(doc_id)] == \
        [("PERSON", "Tokayev"), ("LOCATION", "Astana")]
    assert [(s.label, TEXT[s.start:s.end]) for s in store.suggestions_for(doc_id, "model")] == [("PERSON", "Xi")]
    (relation,) = store.relations_for(doc_id)
    assert relation.label == "deal_between"
    store.close()


def test_without_the_map_the_same_labels_are_skipped_and_named(tmp_path):
    store = Store.create(tmp_path / "p", Project(label_schema=template("news")))
    lines = tmp_path / "spans.jsonl"
    lines.write_text(json.dumps({"id": "k1", "text": TEXT, "label": [[0, 7, "PER"], [18, 24, "GPE"]]}) + "\n",
                     encoding="utf-8")
    report = import_paths(store, [lines])
    assert report.missing_labels == {"PER": 1, "GPE": 1} and report.spans_added == 0
    again = import_paths(store, [lines], labels={"GPE": "LOCATION"})
    assert again.missing_labels == {"PER": 1} and again.spans_added == 1
    store.close()


def test_another_tools_undated_article_takes_its_datelines_date_and_its_dates_resolve(tmp_path):
    """A news article saved in Label Studio or doccano has no date field: its dateline
    states it, as an article file's undated record does, and a relative date tagged in
    it resolves against it; a date the file gives is kept."""
    store = Store.create(tmp_path / "p", Project(label_schema=template("news")))
    text = "ASTANA, March 3, 2025 (Steppe Wire) - The ministry said on Monday that exports rose."
    monday = text.index("Monday")
    lines = tmp_path / "spans.jsonl"
    lines.write_text("\n".join(json.dumps(record) for record in (
        {"id": "wire", "text": text, "label": [[monday, monday + 6, "DATE"]]},
        {"id": "dated", "text": text, "date": "2025-01-10", "label": [[monday, monday + 6, "DATE"]]})) + "\n",
        encoding="utf-8")
    report = import_paths(store, [lines])
    assert report.undated == []
    wire, dated = store.document_by_uid("wire"), store.document_by_uid("dated")
    assert str(wire.published) == "2025-03-03" and str(dated.published) == "2025-01-10"
    (span,) = store.annotations_for(wire.id)
    assert span.value["start"] == "2025-03-03", span.value  # the Monday of the dateline's week: that day
    store.close()


TWO_USERS = [{"id": 5, "data": {"text": TEXT, "date": "2025-03-03"}, "annotations": [
    {"completed_by": 1, "result": [{"id": "a1", "from_name": "label", "to_name": "text", "type": "labels",
                                    "value": {"start": 0, "end": 7, "labels": ["PERSON"]}}]},
    {"completed_by": 2, "result": [{"id": "b1", "from_name": "label", "to_name": "text", "type": "labels",
                                    "value": {"start": 0, "end": 7, "labels": ["ORG"]}},
                                   {"id": "b2", "from_name": "label", "to_name": "text", "type": "labels",
                                    "value": {"start": 12, "end": 14, "text": "Zi", "labels": ["PERSON"]}}]}]}]


def test_label_studios_numbered_users_get_the_projects_names(tmp_path, capsys):
    """Label Studio's JSON export names its users by number: --annotator 1=ana names the
    layer of user 1 ana, done and all; a user not named keeps their number; one name and a
    map at once are refused. User 2's span the reader could not place (its text differs)
    keeps their document from being done under their new name too."""
    from curator.cli.command_line import main

    project = tmp_path / "p"
    assert main(["init", str(project)]) == 0
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps(TWO_USERS), encoding="utf-8")
    assert main(["import", str(project), str(tasks), "--annotator", "1=ana", "--annotator", "ana"]) == 2
    assert "not both" in capsys.readouterr().err
    main(["import", str(project), str(tasks), "--annotator", "1=ana", "--annotator", "2=ben", "--annotator", "3=cy"])
    out, err = capsys.readouterr()
    assert "2 span(s) added to 2 layers: 'ana' (1), 'ben' (1)" in out  # whose, said
    assert "--annotator names '3', whom the file does not name" in err  # a slip, said
    with Store.open(project) as store:
        assert sorted(store.annotators()) == ["ana", "ben"]
        (doc_id,) = store.document_ids()
        assert sorted((a.label, a.annotator) for a in store.annotations_for(doc_id)) == [("ORG", "ben"), ("PERSON", "ana")]
        assert store.status(doc_id, "ana").value == "done" and store.status(doc_id, "ben").value == "todo"


def test_one_name_for_a_file_keeps_a_skipped_span_from_marking_it_done(tmp_path):
    from curator.cli.command_line import main

    project = tmp_path / "p"
    assert main(["init", str(project)]) == 0
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps([{**TWO_USERS[0], "annotations": TWO_USERS[0]["annotations"][1:]}]), encoding="utf-8")
    main(["import", str(project), str(tasks), "--annotator", "ben"])
    with Store.open(project) as store:
        (doc_id,) = store.document_ids()
        assert [(a.label, a.annotator) for a in store.annotations_for(doc_id)] == [("ORG", "ben")]
        assert store.status(doc_id, "ben").value == "todo"


def test_a_labels_conventional_or_differently_cased_name_is_the_projects():
    from curator.formats.schema_files import equivalent_label

    ours = ["PERSON", "ORG", "LOCATION", "MONEY", "COUNT", "DATE", "Venue"]
    assert {name: equivalent_label(name, ours) for name in ("GPE", "PER", "Person", "money", "CARDINAL",
                                                             "date", "VENUE", "NORP", "LOCATION")} == {
        "GPE": "LOCATION", "PER": "PERSON", "Person": "PERSON", "money": "MONEY", "CARDINAL": "COUNT",
        "date": "DATE", "VENUE": "Venue", "NORP": None, "LOCATION": None}


def test_the_project_remembers_how_it_took_a_files_labels(tmp_path, capsys):
    """A label taken as the project's (or left out) once is taken so by the next import,
    which says so; a label the project has since is its own again."""
    from curator.cli.command_line import main

    project = tmp_path / "p"
    assert main(["init", str(project)]) == 0
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text(json.dumps({"id": "k1", "text": TEXT, "label": [[18, 24, "GPE"], [0, 7, "PER"]]}) + "\n",
                     encoding="utf-8")
    second.write_text(json.dumps({"id": "k2", "text": TEXT + " Again.", "label": [[18, 24, "GPE"]]}) + "\n",
                      encoding="utf-8")
    assert main(["import", str(project), str(first), "--map", "GPE=LOCATION", "--map", "PER=PERSON"]) == 0
    capsys.readouterr()
    assert main(["import", str(project), str(second)]) == 0
    assert "labels taken as the project's: GPE (1) as LOCATION" in capsys.readouterr().out
    with Store.open(project) as store:
        document = store.document_by_uid("k2")
        assert [a.label for a in store.annotations_for(document.id)] == ["LOCATION"]
    assert main(["labels", str(project)]) == 0
    assert "other tools' labels an import takes as the project's: GPE as LOCATION, PER as PERSON" in \
        capsys.readouterr().out
    assert main(["labels", str(project), "add", "GPE", "--kind", "entity"]) == 0
    third = tmp_path / "third.jsonl"
    third.write_text(json.dumps({"id": "k3", "text": TEXT + " Thrice.", "label": [[18, 24, "GPE"]]}) + "\n",
                     encoding="utf-8")
    assert main(["import", str(project), str(third)]) == 0
    with Store.open(project) as store:
        assert [a.label for a in store.annotations_for(store.document_by_uid("k3").id)] == ["GPE"]


def test_a_map_given_is_taken_as_typed_and_only_an_import_that_ran_is_remembered(tmp_path, capsys):
    """--map ORG=PERSON takes the file's ORG as PERSON though the project has ORG; a map of
    an import that failed before it read anything, or of a label no file had, is not kept."""
    from curator.cli.command_line import main
    from curator.session.importing import LABEL_CHOICES

    project = tmp_path / "p"
    assert main(["init", str(project)]) == 0
    lines = tmp_path / "orgs.jsonl"
    lines.write_text(json.dumps({"id": "o1", "text": TEXT, "label": [[0, 7, "ORG"]]}) + "\n", encoding="utf-8")
    assert main(["import", str(project), str(lines), "--map", "ORG=PERSON", "--map", "GPE=LOCATION"]) == 0
    assert main(["import", str(project), str(tmp_path / "missing.jsonl"), "--map", "PER=PERSON"]) == 1
    with Store.open(project) as store:
        assert [a.label for a in store.annotations_for(store.document_by_uid("o1").id)] == ["PERSON"]
        assert store.get_state(LABEL_CHOICES) == {"ORG": "PERSON"}  # (not GPE: no file had it; not PER)


def test_the_names_typed_for_a_files_annotators_are_checked():
    from curator.domain.names import file_annotators
    from curator.errors import CuratorError

    assert file_annotators("  ") is None and file_annotators("ana") == "ana"
    assert file_annotators("1=ana, 2=ben,") == {"1": "ana", "2": "ben"}
    for typed, said in (("ana, ben", "one name for the files"), ("1=ana, 1=ben", "named twice"),
                        ("1=ana, ben", "is not THEIRS=OURS")):
        with pytest.raises(CuratorError, match=said):
            file_annotators(typed)
