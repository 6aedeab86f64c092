"""The label, category and schema commands, as a script or a curator types them."""

from __future__ import annotations

import json

import pytest

from curator.cli import main
from curator.domain.models import Annotation, Document
from curator.domain.schema import CategorySet, Choice, Label, LabelKind, LabelSchema
from curator.store import Store

LS_CONFIG = """<View>
  <Labels name="label" toName="text">
    <Label value="PER" background="#ff0000" hint="A named person"/>
    <Label value="ORG" background="#00ff00"/>
    <Label value="MONEY"/>
    <Label value="Claim"/>
  </Labels>
  <Text name="text" value="$text"/>
  <Choices name="topic" toName="text" choice="single">
    <Choice value="economy" hotkey="e"/>
    <Choice value="politics" hotkey="p"/>
  </Choices>
  <Choices name="issues" toName="text" choice="multiple">
    <Choice value="trade"/><Choice value="energy"/>
  </Choices>
</View>
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("CURATOR_CONFIG", str(tmp_path / "config"))
    location = tmp_path / "p"
    assert main(["init", str(location), "--template", "empty"]) == 0
    return location


def schema_of(location):
    with Store.open(location) as store:
        return store.label_schema


def test_an_empty_project_gets_its_own_labels_and_undo_takes_them_back(project, capsys):
    assert schema_of(project).labels == []
    assert main(["labels", str(project), "add", "CLAIM", "--kind", "plain", "--color", "#ffcc00",
                 "--description", "A checkable claim"]) == 0
    assert main(["labels", str(project), "add", "SPEAKER", "--kind", "entity", "--position", "1"]) == 0
    assert schema_of(project).names == ["SPEAKER", "CLAIM"]
    capsys.readouterr()
    assert main(["labels", str(project), "list"]) == 0
    out = capsys.readouterr().out
    assert " 1  SPEAKER" in out and " 2  CLAIM" in out and "A checkable claim" in out
    assert main(["labels", str(project), "rename", "CLAIM", "ASSERTION"]) == 0
    assert main(["undo", str(project)]) == 0
    assert schema_of(project).names == ["SPEAKER", "CLAIM"]
    assert main(["labels", str(project), "add", "bad name"]) == 1
    assert "label 'bad name'" in capsys.readouterr().err


def test_removing_a_label_in_use_asks_what_becomes_of_its_spans(project, capsys):
    main(["labels", str(project), "add", "CLAIM"])
    main(["labels", str(project), "add", "QUOTE"])
    with Store.open(project) as store:
        doc_id = store.add_documents([Document(uid="d", text="He said trade grew.")])[0]
        store.add_annotation(Annotation(doc_id=doc_id, start=8, end=18, label="CLAIM", annotator="a"))
    capsys.readouterr()
    assert main(["labels", str(project), "remove", "CLAIM"]) == 1
    assert "1 span(s): --move-to LABEL" in capsys.readouterr().err
    assert main(["labels", str(project), "remove", "CLAIM", "--move-to", "QUOTE"]) == 0
    with Store.open(project) as store:
        assert [a.label for a in store.annotations_for(doc_id)] == ["QUOTE"] and store.label_schema.names == ["QUOTE"]


def test_category_sets_from_the_command_line(project, capsys):
    assert main(["categories", str(project), "add", "topic", "economy:E", "politics:P", "other"]) == 0
    assert main(["categories", str(project), "add", "issues", "trade", "energy", "--multiple"]) == 0
    assert main(["categories", str(project), "add", "stance", "pro:N"]) == 1  # N is the window's
    schema = schema_of(project)
    assert [c.name for c in schema.categories] == ["topic", "issues"] and schema.categories[1].multiple
    assert schema.category("topic").choices[0] == Choice(name="economy", key="E")
    capsys.readouterr()
    main(["categories", str(project), "list"])
    assert "topic (one): economy [E], politics [P], other" in capsys.readouterr().out


def test_a_schema_file_round_trips_and_has_a_json_schema(project, tmp_path, capsys):
    import jsonschema

    main(["labels", str(project), "add", "CLAIM", "--description", "A claim"])
    main(["categories", str(project), "add", "topic", "economy:E"])
    target = tmp_path / "schema.json"
    assert main(["schema", "export", str(project), str(target)]) == 0
    data = json.loads(target.read_text(encoding="utf-8"))
    capsys.readouterr()
    assert main(["schema", "json-schema"]) == 0
    jsonschema.validate(data, json.loads(capsys.readouterr().out))
    other = tmp_path / "other"
    main(["init", str(other), "--template", "empty"])
    assert main(["schema", "import", str(other), str(target)]) == 0
    assert schema_of(other) == schema_of(project)
    capsys.readouterr()
    assert main(["schema"]) == 0 and "annotations" in capsys.readouterr().out  # the export's JSON Schema, as before


def test_a_label_studio_config_with_labels_and_choices_creates_the_same_schema(project, tmp_path):
    config = tmp_path / "config.xml"
    config.write_text(LS_CONFIG, encoding="utf-8")
    assert main(["schema", "import", str(project), str(config)]) == 0
    expected = LabelSchema(labels=[
        Label(name="PER", kind=LabelKind.ENTITY, color="#ff0000", description="A named person"),
        Label(name="ORG", kind=LabelKind.ENTITY, color="#00ff00"),
        Label(name="MONEY", kind=LabelKind.FIGURE, color="#a1d99b"),  # the palette, by position
        Label(name="Claim", kind=LabelKind.PLAIN, color="#dadaeb")],
        categories=[CategorySet(name="topic", choices=[Choice(name="economy", key="E"),
                                                       Choice(name="politics", key="P")]),
                    CategorySet(name="issues", multiple=True, choices=[Choice(name="trade"), Choice(name="energy")])])
    assert schema_of(project) == expected
    assert main(["schema", "import", str(project), str(config)]) == 0  # again: nothing to add


def test_a_doccano_label_export_and_hostile_configs(project, tmp_path, capsys):
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps([{"id": 1, "text": "LOC", "background_color": "#209cee", "suffix_key": "l"},
                                  {"id": 2, "text": "Stance"}]), encoding="utf-8")
    assert main(["schema", "import", str(project), str(labels)]) == 0
    assert [(label.name, label.kind, label.color) for label in schema_of(project).labels] == [
        ("LOC", LabelKind.ENTITY, "#209cee"), ("Stance", LabelKind.PLAIN, "#fdae6b")]
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE v [<!ENTITY a "aaaa">]><View>&a;</View>', encoding="utf-8")
    for bad, reason in ((bomb, "DOCTYPE"), (labels.with_name("x.json"), "cannot be read")):
        capsys.readouterr()
        assert main(["schema", "import", str(project), str(bad)]) == 1
        assert reason in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"format": "curator-schema", "labels": [{"name": "X", "kind": "colour",
                                                                          "color": "#000000"}]}), encoding="utf-8")
    assert main(["schema", "import", str(project), str(broken)]) == 1
    assert "labels.0.kind" in capsys.readouterr().err


def test_an_import_names_the_labels_the_project_lacks_and_adds_them_when_asked(project, tmp_path, capsys):
    main(["labels", str(project), "add", "PER", "--kind", "entity"])
    tasks = tmp_path / "ls.json"
    tasks.write_text(json.dumps([{"data": {"text": "Tokayev met Xi in Astana."}, "annotations": [{"result": [
        {"type": "labels", "value": {"start": 0, "end": 7, "labels": ["PER"]}},
        {"type": "labels", "value": {"start": 12, "end": 14, "labels": ["PER"]}},
        {"type": "labels", "value": {"start": 18, "end": 24, "labels": ["GPE"]}},
        {"type": "labels", "value": {"start": 8, "end": 11, "labels": ["Event"]}}]}]}]), encoding="utf-8")
    capsys.readouterr()
    assert main(["import", str(project), str(tasks)]) == 1  # two spans skipped
    err = capsys.readouterr().err
    assert "labels the project lacks, their spans skipped: Event (1), GPE (1); --add-labels adds them" in err
    assert main(["import", str(project), str(tasks), "--add-labels"]) == 0
    out = capsys.readouterr().out
    assert "Add labels Event (entity), GPE (entity)" in out
    with Store.open(project) as store:
        assert store.label_schema.names == ["PER", "Event", "GPE"]
        assert sorted(a.label for a in store.annotations_for(1)) == ["Event", "GPE", "PER", "PER"]


def test_an_import_maps_another_tools_labels_onto_the_projects(tmp_path, capsys):
    """A spaCy or OntoNotes file's GPE and CARDINAL are the news template's LOCATION and
    COUNT: the skipped labels' message says which --map takes them, and --map does, the
    count with its value; a map to a label the project lacks, or of one label twice, is
    refused before anything is read."""
    project = tmp_path / "news"
    assert main(["init", str(project)]) == 0
    text = "Officials in Astana counted 3,000 Kazakh voters."
    lines = tmp_path / "spans.jsonl"
    lines.write_text(json.dumps({"id": "k1", "text": text, "label": [[13, 19, "GPE"], [28, 33, "CARDINAL"],
                                                                    [34, 40, "NORP"]]}) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["import", str(project), str(lines)]) == 1
    err = capsys.readouterr().err
    assert "--map CARDINAL=COUNT --map GPE=LOCATION takes them as the project's" in err and "NORP=" not in err
    for bad, said in ((["--map", "GPE=PLACE"], "the project has no label PLACE"),
                      (["--map", "GPE=LOCATION", "--map", "GPE=ORG"], "--map names GPE twice")):
        assert main(["import", str(project), str(lines), *bad]) == 2  # refused: nothing read
        assert said in capsys.readouterr().err
    assert main(["import", str(project), str(lines), "--map", "GPE=LOCATION", "--map", "CARDINAL=COUNT"]) == 1
    err = capsys.readouterr().err
    assert "NORP (1)" in err and "warning: --map" not in err  # still not the project's, and said
    main(["import", str(project), str(lines), "--map", "NORP=DATE"])
    assert "warning: --map NORP=DATE: NORP usually marks entities, DATE marks dates" in capsys.readouterr().err
    with Store.open(project) as store:
        document = store.document_by_uid("k1")
        spans = {(a.label, text[a.start:a.end]): a.value for a in store.annotations_for(document.id)}
        assert set(spans) == {("LOCATION", "Astana"), ("COUNT", "3,000"), ("DATE", "Kazakh")}  # (as mapped, warned)
        assert spans[("COUNT", "3,000")]["amount"] == "3000"
        assert "GPE" not in store.label_schema and "CARDINAL" not in store.label_schema


def test_add_labels_skips_a_name_that_cannot_be_a_label_and_adds_the_rest(project, tmp_path, capsys):
    lines = tmp_path / "spans.jsonl"
    lines.write_text(json.dumps({"id": "d9", "text": "Hello world from Astana",
                                 "label": [[0, 5, "foo bar"], [17, 23, "GPE"]]}) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["import", str(project), str(lines), "--add-labels"]) == 1  # one span skipped, said why
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "internal error" not in err
    assert "labels that cannot be a project's, their spans skipped: foo bar (1):" in err
    assert "Add labels GPE (entity)" in out
    with Store.open(project) as store:
        assert "GPE" in store.label_schema and "foo bar" not in store.label_schema
        document = store.document_by_uid("d9")
        assert [(a.start, a.end, a.label) for a in store.annotations_for(document.id)] == [(17, 23, "GPE")]


def test_the_measures_facts_are_grouped_by_are_the_projects_to_edit(tmp_path, capsys, monkeypatch):
    from curator.analysis.facts import propose_facts
    from curator.session.project import create_sample_project

    monkeypatch.setenv("CURATOR_CONFIG", str(tmp_path / "config"))
    store, _ = create_sample_project(tmp_path / "sample")
    store.close()
    location = str(tmp_path / "sample")
    assert main(["measures", location, "list"]) == 0
    assert "trade turnover: trade turnover, trade volume" in capsys.readouterr().out
    assert main(["measures", location, "remove", "trade turnover"]) == 0
    assert main(["measures", location, "add", "bilateral trade", "trade turnover", "bilateral trade", "trade"]) == 0
    with Store.open(location) as store:
        assert {p.measure for p in propose_facts(store)} == {"bilateral trade"}
    assert main(["measures", location, "remove", "nothing"]) == 1


def test_add_labels_imports_their_spans_from_the_files_of_a_folder_too(project, tmp_path, capsys):
    """The second pass, once the labels are added, read only the files named: a folder's
    files had their new labels' spans left out."""
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "spans.jsonl").write_text(json.dumps({"id": "f1", "text": "Hello world from Astana",
                                                    "label": [[17, 23, "GPE"]]}) + "\n", encoding="utf-8")
    (folder / "notes.xyz").write_text("not a file Curator imports", encoding="utf-8")
    assert main(["import", str(project), str(folder), "--add-labels"]) == 0
    out = capsys.readouterr().out
    assert "1 span(s) added to the layer" in out and "1 file(s) of no type Curator imports skipped" in out
    with Store.open(project) as store:
        document = store.document_by_uid("f1")
        assert [(a.start, a.end, a.label) for a in store.annotations_for(document.id)] == [(17, 23, "GPE")]
