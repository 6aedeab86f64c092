import json

import pytest

from curator.cli import main
from curator.domain.models import Annotation, Document
from curator.domain.text import TOKEN
from curator.errors import CuratorError
from curator.formats.export import export_json
from curator.formats.interop import detect, export_interop, import_annotated
from curator.store import Store


def spans_of(store, annotator=None):
    return sorted((d.uid, d.text[a.start : a.end], a.start, a.end, a.label, a.annotator)
                  for d, spans in store.iter_documents_with_annotations(annotator) for a in spans)


@pytest.mark.parametrize(("fmt", "name"), [("labelstudio", "tasks.json"), ("doccano", "data.jsonl")])
def test_label_studio_and_doccano_round_trips(annotated_sample, tmp_path, fmt, name):
    export_interop(annotated_sample, tmp_path / name, fmt)
    assert detect(tmp_path / name) == fmt
    other = Store.create(tmp_path / "other")
    report = import_annotated(other, tmp_path / name)
    assert report.problems == [] and len(report.added) == 5
    assert spans_of(other) == spans_of(annotated_sample)

    def metadata(store):  # what the export keeps of each document beside its text and spans
        return sorted((d.uid, d.title, d.source, d.url, d.published, sorted(d.extra)) for d in store.iter_documents())

    assert metadata(other) == metadata(annotated_sample)
    assert any(row[4] for row in metadata(other))  # dates among them
    again = import_annotated(other, tmp_path / name)
    assert again.spans_added == 0 and again.spans_present == len(spans_of(annotated_sample))


def test_conll_round_trip_keeps_every_tagged_span(annotated_sample, tmp_path):
    export_interop(annotated_sample, tmp_path / "aigerim.conll", "conll", "aigerim")
    text = (tmp_path / "aigerim.conll").read_text()
    assert "Alikhan B-PERSON\nSmailov I-PERSON" in text
    other = Store.create(tmp_path / "other")
    import_annotated(other, tmp_path / "aigerim.conll")
    original = [(t, label) for _uid, t, _s, _e, label, _a in spans_of(annotated_sample, "aigerim")]
    restored = [(t, label) for _uid, t, _s, _e, label, _a in spans_of(other, "conll")]
    # CoNLL keeps tokens, not spacing: compare spans by their tokens.
    def tokens(items):
        return sorted((tuple(TOKEN.findall(t)), label) for t, label in items)

    assert tokens(restored) == tokens(original)


def test_curator_export_imports_back_into_a_new_project(annotated_sample, tmp_path):
    from curator.analysis.facts import fact_from, propose_facts
    from curator.session.commands import SaveFact

    SaveFact(fact_from(propose_facts(annotated_sample)[0], "Kazakhstan-China", "24100000000")).apply(annotated_sample)
    export_json(annotated_sample, tmp_path / "dataset.json")
    other = Store.create(tmp_path / "other")
    assert main(["import", str(tmp_path / "other"), str(tmp_path / "dataset.json")]) == 0
    assert spans_of(other) == spans_of(annotated_sample)
    assert other.entities() == annotated_sample.entities()
    assert other.facts().keys() == annotated_sample.facts().keys()
    first = other.document_by_uid("000_14e10f92779dfa8b")
    assert (first.title, first.source, str(first.published)) == (
        annotated_sample.document_by_uid("000_14e10f92779dfa8b").title, "nCa (News Central Asia)", "2023-11-07")
    export_json(other, tmp_path / "again.json")
    a = json.loads((tmp_path / "dataset.json").read_text())
    b = json.loads((tmp_path / "again.json").read_text())
    assert a["documents"] == b["documents"] and a["entities"] == b["entities"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [("bad.conll", "Astana B-LOCATION\nis X-TAG\n", "is not O, B-LABEL or I-LABEL"),
     ("bad.conll", "lonely\n", "expected a token and a tag"),
     ("tasks.json", '[{"data": {"text": "A"}, "annotations": [{"result": [{"type": "labels", "value": null}]}]}]',
      "value: is null, not an object"),
     ("data.jsonl", '{"text": "A", "label": []}\n{broken\n', "line 2: malformed JSON")],
)
def test_malformed_interop_files_are_refused(store, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    fmt = {"bad.conll": "conll", "tasks.json": "labelstudio", "data.jsonl": "doccano"}[name]
    with pytest.raises(CuratorError, match=message):
        import_annotated(store, path, fmt)
    assert store.document_count() == 0


def test_a_task_without_text_is_reported_and_the_others_imported(store, tmp_path):
    """A task with no text field cannot be a document: it is skipped and said, not the whole file."""
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([{"data": {"nope": 1}}, {"data": {"text": "Astana grew."}}]))
    report = import_annotated(store, path)
    assert len(report.added) == 1 and store.document_count() == 1
    assert [(p.record, p.reason) for p in report.problems] == [("task 1", "no text: its data holds no text field; "
                                                                          "skipped")]


def test_bad_spans_in_interop_files_are_reported(store, tmp_path):
    path = tmp_path / "data.jsonl"
    path.write_text(json.dumps({"id": "x", "text": "Astana and Beijing", "label": [[0, 6, "LOCATION"], [11, 99, "LOCATION"],
                                                                                    [11, 18, "WEAPON"]]}) + "\n")
    report = import_annotated(store, path)
    assert report.spans_added == 1
    assert any("outside the text" in p for p in report.problems) and any("WEAPON" in p for p in report.problems)


def test_export_command_formats(annotated_sample, tmp_path, capsys):
    location = str(annotated_sample.location)
    assert main(["export", location, "--format", "labelstudio", "-o", str(tmp_path / "ls.json")]) == 0
    assert main(["export", location, "--format", "conll", "-o", str(tmp_path / "x.conll")]) == 2
    assert "one layer" in capsys.readouterr().err


def test_spacy_docbin_round_trip(annotated_sample, tmp_path):
    pytest.importorskip("spacy")
    from curator.formats.interop import export_docbin

    widened = export_docbin(annotated_sample, tmp_path / "data.spacy")
    assert detect(tmp_path / "data.spacy") == "spacy"
    other = Store.create(tmp_path / "other")
    report = import_annotated(other, tmp_path / "data.spacy")
    assert report.problems == [] and len(report.added) == 5
    assert spans_of(other) == spans_of(annotated_sample)  # exact, even where spaCy's tokens differ
    assert widened == ["000_14e10f92779dfa8b [2077:2080] ORG"] * 2 + ["000_14e10f92779dfa8b [2084:2087] ORG"] * 2


def test_damaged_docbin_is_refused(store, tmp_path):
    pytest.importorskip("spacy")
    path = tmp_path / "bad.spacy"
    path.write_bytes(b"not a docbin")
    with pytest.raises(CuratorError, match="not a spaCy DocBin"):
        import_annotated(store, path)


def test_importing_into_a_project_that_holds_part_of_the_file(tmp_path):
    """Documents already there are looked up in batches: each gets only the spans it lacks,
    one with another text under its id is skipped, and the rest are added, as one
    document at a time did."""
    store = Store.create(tmp_path / "project")
    texts = [f"Li Qiang met Wang Yi in Astana on day {n}." for n in range(1200)]  # more than a batch of 500
    held_ids = store.add_documents([Document(uid=f"doc-{n}", text=texts[n]) for n in range(0, 1200, 2)]
                                   + [Document(uid="changed", text="Another text entirely.")])
    store.add_annotations([Annotation(doc_id=doc_id, start=0, end=8, label="PERSON", annotator="ann")
                           for doc_id in held_ids[:-1]])
    tasks = [{"data": {"text": text, "meta": {"uid": f"doc-{n}"}}, "annotations": [{"completed_by": "ann", "result": [
        {"type": "labels", "value": {"start": 0, "end": 8, "labels": ["PERSON"]}},
        {"type": "labels", "value": {"start": 13, "end": 20, "labels": ["PERSON"]}}]}]}
        for n, text in enumerate(texts)]
    tasks.append({"data": {"text": "A new text under an old id.", "meta": {"uid": "changed"}}, "annotations": []})
    (tmp_path / "tasks.json").write_text(json.dumps(tasks))
    report = import_annotated(store, tmp_path / "tasks.json")
    assert len(report.added) == 600 and report.spans_present == 600 and report.spans_added == 600 + 1200
    assert [p.record for p in report.problems] == ["document 'changed'"]
    assert store.document_count() == 1201
    for document, spans in store.iter_documents_with_annotations():
        if document.uid != "changed":
            assert sorted((s.start, s.end) for s in spans) == [(0, 8), (13, 20)], document.uid


def test_annotator_names_from_a_file_are_stripped_and_control_characters_refused(store, tmp_path, capsys):
    lines = tmp_path / "named.jsonl"
    text = "Hello world from Astana"
    lines.write_text("\n".join(json.dumps(record) for record in (
        {"id": "d1", "text": text, "label": [[0, 5, "PERSON"]], "annotator": "\x1b[31mred"},
        {"id": "d1", "text": text, "label": [[17, 23, "LOCATION"]], "annotator": " alice "},
        {"id": "d1", "text": text, "label": [[6, 11, "ORG"]], "annotator": "alice"},
    )) + "\n", encoding="utf-8")
    report = import_annotated(store, lines, "doccano")
    document = store.document_by_uid("d1")
    assert sorted((a.annotator, a.label) for a in store.annotations_for(document.id)) == [
        ("alice", "LOCATION"), ("alice", "ORG")]  # one layer: " alice " is alice
    [problem] = report.problems
    assert "control character U+001B; span skipped" in problem and "[0:5]" in problem
    from curator.analysis.agreement import compute_agreement
    from curator.cli import format_agreement

    store.add_annotation(Annotation(doc_id=document.id, start=0, end=5, label="PERSON", annotator="\x1b]0;x\x07b"))
    assert "\x1b" not in format_agreement(compute_agreement(store))  # a name stored before is shown escaped
