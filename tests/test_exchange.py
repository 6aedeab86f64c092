import json

import pytest

from curator.cli import main
from curator.domain.models import Annotation, DocumentStatus, Entity
from curator.errors import CuratorError
from curator.formats.layer_files import export_layer, import_layer
from curator.session.project import create_sample_project
from curator.store import Store


@pytest.fixture
def annotated(sample_store):
    doc = sample_store.document_by_uid("002_dbc77deba9cd34d7")
    entity = sample_store.add_entity(Entity(name="Ma Xingrui", type="PERSON", aliases=["Ma Xingruy"]))
    start = doc.text.index("Ma Xingrui")
    sample_store.add_annotation(Annotation(doc_id=doc.id, start=start, end=start + 10, label="PERSON",
                                           annotator="aigerim", entity_id=entity.id))
    money = doc.text.index("$24 billion")
    sample_store.add_annotation(Annotation(doc_id=doc.id, start=money, end=money + 11, label="MONEY",
                                           annotator="aigerim", value={"type": "figure", "amount": "24000000000",
                                                                       "unit": "USD", "scale": "billion",
                                                                       "qualifier": "exact", "change": "level"}))
    sample_store.add_annotation(Annotation(doc_id=doc.id, start=0, end=6, label="LOCATION", annotator="someone"))
    sample_store.set_status(doc.id, "aigerim", DocumentStatus.DONE)
    return sample_store


def layer(store, annotator):
    """An annotator's spans, comparable across projects (document ids differ, uids do not)."""
    return sorted(((d.uid, a.id), a.model_dump(exclude={"doc_id"}))
                  for d in store.iter_documents() for a in store.annotations_for(d.id, annotator))


def test_layer_round_trip_is_lossless_and_idempotent(annotated, tmp_path):
    target = tmp_path / "annotations" / "aigerim.json"
    target.parent.mkdir()
    assert export_layer(annotated, "aigerim", target) == 1
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["annotator"] == "aigerim" and [d["status"] for d in data["documents"]] == ["done"]
    assert len(data["documents"][0]["annotations"]) == 2 and data["entities"][0]["name"] == "Ma Xingrui"

    other, _ = create_sample_project(tmp_path / "copy", annotations=False)
    report = import_layer(other, target)
    assert (report.spans_added, report.entities_added, report.problems) == (2, 1, [])
    assert layer(other, "aigerim") == layer(annotated, "aigerim")
    assert other.entities() == annotated.entities()
    doc = other.document_by_uid("002_dbc77deba9cd34d7")
    assert other.status(doc.id, "aigerim") is DocumentStatus.DONE
    again = import_layer(other, target)
    assert (again.spans_added, again.spans_present, again.entities_added) == (0, 2, 0)
    assert other.annotation_count() == 2


def test_newer_edits_in_a_file_update_older_spans(annotated, tmp_path):
    target = tmp_path / "a.json"
    export_layer(annotated, "aigerim", target)
    other, _ = create_sample_project(tmp_path / "copy", annotations=False)
    import_layer(other, target)
    span = next(a for d in annotated.iter_documents() for a in annotated.annotations_for(d.id, "aigerim")
                if a.label == "MONEY")
    annotated.update_annotation(span.id, value={**span.value, "qualifier": "approximate"})
    export_layer(annotated, "aigerim", target)
    report = import_layer(other, target)
    assert report.spans_updated == 1
    assert other.get_annotation(span.id).value["qualifier"] == "approximate"


def test_files_for_other_projects_and_bad_spans_are_reported(annotated, tmp_path):
    target = tmp_path / "a.json"
    export_layer(annotated, "aigerim", target)
    data = json.loads(target.read_text())
    data["documents"].append({"id": "not-here", "annotations": []})
    data["documents"][0]["annotations"].extend([
        {"id": "x1", "start": 5, "end": 99999, "label": "PERSON"},
        {"id": "x2", "start": 0, "end": 6, "label": "WEAPON"},
        {"id": "x3", "start": 0, "end": 6, "text": "Beijing", "label": "LOCATION"},
    ])
    target.write_text(json.dumps(data))
    other, _ = create_sample_project(tmp_path / "copy", annotations=False)
    report = import_layer(other, target)
    assert report.spans_added == 2
    text = "\n".join(report.problems)
    assert "document 'not-here': no such document" in text
    assert "[5:99999]: span is outside the text" in text
    assert "unknown label 'WEAPON'" in text
    assert "'Beijing' differs from the document text 'Astana'" in text

    changed = json.loads(target.read_text())
    changed["documents"][0]["text_sha256"] = "0" * 64
    target.write_text(json.dumps(changed))
    assert "text differs" in import_layer(other, target).problems[0]


@pytest.mark.parametrize(
    ("content", "message"),
    [("{oops", "malformed JSON"), ('{"format": "something-else"}', "not a Curator annotation file"),
     ('{"format": "curator-annotations", "format_version": 1, "documents": []}', "does not name its annotator"),
     (b"\xff\xfe", "not valid UTF-8")],
)
def test_unreadable_layer_files_change_nothing(sample_store, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(CuratorError, match=message):
        import_layer(sample_store, path)
    assert sample_store.annotation_count() == 0


def test_layer_and_agreement_and_export_commands(annotated, tmp_path, capsys, monkeypatch):
    location = str(annotated.location)
    monkeypatch.chdir(tmp_path)
    assert main(["layer", "export", location, "aigerim"]) == 0
    assert (tmp_path / "annotations" / "aigerim.json").is_file()
    other = str(tmp_path / "copy")
    create_sample_project(other, annotations=False)[0].close()
    assert main(["layer", "import", other, "annotations/aigerim.json"]) == 0
    assert "2 span(s) added" in capsys.readouterr().out
    assert main(["agreement", location]) == 0
    out = capsys.readouterr().out
    assert "aigerim / someone" in out and "Overall" in out
    assert main(["agreement", location, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["annotators"] == ["aigerim", "someone"] and report["documents"] == 1
    assert main(["export", location, "--layer", "someone", "-o", str(tmp_path / "s.json")]) == 0
    exported = json.loads((tmp_path / "s.json").read_text())
    assert {a["annotator"] for d in exported["documents"] for a in d["annotations"]} == {"someone"}
    assert main(["export", location, "--layer", "nobody", "-o", str(tmp_path / "n.json")]) == 2


def test_a_layer_file_imported_on_the_command_line_is_one_undo_of_its_user(annotated, tmp_path, capsys):
    """``curator layer import`` is recorded as ``curator import`` is: one step of the
    history of the user who ran it, which undo takes out and redo puts back."""
    from curator.store.user_settings import Settings

    export_layer(annotated, "aigerim", tmp_path / "aigerim.json")
    other = str(tmp_path / "copy")
    create_sample_project(other, annotations=False)[0].close()
    assert main(["layer", "import", other, str(tmp_path / "aigerim.json")]) == 0
    capsys.readouterr()
    assert main(["history", other]) == 0
    assert "Import 2 spans and 1 status" in capsys.readouterr().out

    def spans_and_done() -> tuple[int, dict]:
        with Store.open(other) as store:
            return store.annotation_count(), store.statuses("aigerim")

    with Store.open(other) as store:
        done = {store.document_by_uid("002_dbc77deba9cd34d7").id: DocumentStatus.DONE}
    assert spans_and_done() == (2, done)
    assert main(["undo", other, "--annotator", Settings().annotator]) == 0
    assert spans_and_done() == (0, {})  # the status it set goes too
    assert main(["redo", other]) == 0 and spans_and_done() == (2, done)


def test_a_layer_made_in_another_copy_adds_no_second_copy_of_a_span(annotated, tmp_path):
    """The same span under another id (the layer was made in another copy of the project)
    is the same span: the store holds one annotator's span once, and the import says so."""
    target = tmp_path / "aigerim.json"
    export_layer(annotated, "aigerim", target)
    other, _ = create_sample_project(tmp_path / "other")  # has aigerim's bundled layer, other span ids
    before = other.annotation_count()
    report = import_layer(other, target)
    assert (report.spans_added, report.problems) == (0, []) and report.spans_present == 2
    assert other.annotation_count() == before
    other.close()


def test_a_document_marked_to_do_again_in_one_copy_is_to_do_in_the_other(annotated, tmp_path):
    """Statuses travel with when they were set: a reopened document is reopened where the
    file is imported, and a file older than the project's own status leaves it alone."""
    target = tmp_path / "aigerim.json"
    export_layer(annotated, "aigerim", target)
    other, _ = create_sample_project(tmp_path / "copy", annotations=False)
    import_layer(other, target)
    here = annotated.document_by_uid("002_dbc77deba9cd34d7").id
    there = other.document_by_uid("002_dbc77deba9cd34d7").id
    assert other.status(there, "aigerim") is DocumentStatus.DONE

    annotated.set_status(here, "aigerim", DocumentStatus.TODO)  # reopened after the file was written
    export_layer(annotated, "aigerim", target)
    assert json.loads(target.read_text())["documents"][0]["status"] == "todo"
    import_layer(other, target)
    assert other.status(there, "aigerim") is DocumentStatus.TODO

    other.set_status(there, "aigerim", DocumentStatus.DONE)  # finished there, later than the file
    import_layer(other, target)
    assert other.status(there, "aigerim") is DocumentStatus.DONE


def test_a_layer_file_without_status_times_still_only_marks_documents_done(annotated, tmp_path):
    target = tmp_path / "aigerim.json"
    export_layer(annotated, "aigerim", target)
    data = json.loads(target.read_text())
    for entry in data["documents"]:
        entry.pop("status_updated")
        entry["status"] = "todo"
    target.write_text(json.dumps(data))
    doc = annotated.document_by_uid("002_dbc77deba9cd34d7").id
    import_layer(annotated, target)
    assert annotated.status(doc, "aigerim") is DocumentStatus.DONE


def test_a_document_whose_spans_were_not_all_imported_is_not_marked_done(annotated, tmp_path, capsys):
    """Done says the layer of a document is whole: with a span skipped (a label this project
    lacks), the status would make what is missing count as missed in review and agreement."""
    target = tmp_path / "aigerim.json"
    export_layer(annotated, "aigerim", target)
    data = json.loads(target.read_text(encoding="utf-8"))
    data["annotator"] = "frank"
    data["documents"][0]["annotations"][0]["label"] = "EVENT"
    target.write_text(json.dumps(data), encoding="utf-8")
    other, _ = create_sample_project(tmp_path / "copy", annotations=False)
    report = import_layer(other, target)
    doc = other.document_by_uid("002_dbc77deba9cd34d7")
    assert report.spans_added == 1 and other.status(doc.id, "frank") is DocumentStatus.TODO
    assert any("the status 'done' not set: some of its spans were skipped" in p.reason for p in report.problems)
    assert any(p.reason.startswith("label: unknown label 'EVENT' (the schema has") for p in report.problems)
    assert "status(es) set" not in report.summary()
    whole = tmp_path / "whole.json"
    export_layer(annotated, "aigerim", whole)
    fresh, _ = create_sample_project(tmp_path / "fresh", annotations=False)
    assert "2 span(s) added, 0 updated, 0 already present, 1 entit(ies) added, 1 status(es) set" in \
        import_layer(fresh, whole).summary()
    assert fresh.status(fresh.document_by_uid(doc.uid).id, "aigerim") is DocumentStatus.DONE


def test_a_curator_exports_done_is_not_set_where_its_spans_were_skipped(annotated, tmp_path):
    from curator.formats.export import export_json
    from curator.formats.interop import import_paths

    export_json(annotated, tmp_path / "dataset.json", annotator="aigerim")
    data = json.loads((tmp_path / "dataset.json").read_text(encoding="utf-8"))
    (document,) = [d for d in data["documents"] if d["annotations"]]
    document["annotations"][0]["label"] = "EVENT"
    (tmp_path / "dataset.json").write_text(json.dumps(data), encoding="utf-8")
    other, _ = create_sample_project(tmp_path / "copy", annotations=False)
    report = import_paths(other, [tmp_path / "dataset.json"])
    doc = other.document_by_uid(document["id"])
    assert other.status(doc.id, "aigerim") is DocumentStatus.TODO
    assert any("the status 'done' of 'aigerim' not set" in p.reason for p in report.problems)
