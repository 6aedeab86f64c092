"""Files in the structures the peers write (``tests/data/peers``: Label Studio, doccano,
CoNLL, Prodigy, WebAnno TSV), each imported by content, without ``--format``, against what
was counted by hand beside it (``<file>.expected.json``): the documents, spans, categories
and suggestions, what the file was taken for, and what is reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from curator.domain.schema import CategorySet, Choice, LabelSchema, RelationLabel
from curator.formats.interop import import_paths
from curator.formats.schema_files import label_named
from curator.store import Store

PEERS = Path(__file__).parent / "data" / "peers"
CASES = sorted(str(path.relative_to(PEERS)).removesuffix(".expected.json") for path in PEERS.glob("*/*.expected.json"))


def project_for(location: Path, expected: dict) -> Store:
    store = Store.create(location)
    store.save_schema(LabelSchema(
        labels=[label_named(name, index) for index, name in enumerate(expected["labels"])],
        categories=[CategorySet(name=name, multiple=expected.get("multiple", False),
                                choices=[Choice(name=choice) for choice in choices])
                    for name, choices in expected.get("categories", {}).items()],
        relations=[RelationLabel(name=name) for name in expected.get("relation_labels", [])]))
    return store


def found_in(store: Store) -> dict:
    documents = {d.id: d for d in store.iter_documents()}
    spans = sorted((d.uid, d.text[a.start:a.end], a.label, a.annotator)
                   for d, layer in store.iter_documents_with_annotations() for a in layer)
    choices = sorted((documents[doc_id].uid, who, name, sorted(chosen))
                     for doc_id, who, name, chosen in store.category_rows(None))
    suggestions = sorted((d.uid, d.text[s.start:s.end], s.label, s.source)
                         for d in documents.values() for s in store.suggestions_for(d.id, "tester"))
    relations = []
    for document in documents.values():
        ends = {a.id: document.text[a.start:a.end] for a in store.annotations_for(document.id)}
        relations += [(document.uid, ends[r.source_id], ends[r.target_id], r.label, r.annotator)
                      for r in store.relations_for(document.id)]
    return {"documents": sorted(d.uid for d in documents.values()), "spans": spans, "choices": choices,
            "suggestions": suggestions, "by_uid": {d.uid: d for d in documents.values()},
            "relations": sorted(relations)}


def said_once(reasons: list[str], expected: list[str]) -> None:
    """Every expected message is said, once, and nothing else."""
    assert len(reasons) == len(expected), reasons
    for wanted in expected:
        assert sum(wanted in reason for reason in reasons) == 1, (wanted, reasons)


@pytest.mark.parametrize("name", CASES)
def test_a_peers_file_imports_as_counted_by_hand(tmp_path, name):
    expected = json.loads((PEERS / f"{name}.expected.json").read_text(encoding="utf-8"))
    path = PEERS / name
    store = project_for(tmp_path / "project", expected)
    report = import_paths(store, [path], suggestion_layer="tester")
    found = found_in(store)
    assert report.read_as == [(str(path), expected["read_as"])]
    assert f"{path.name} read as {expected['read_as']}" in report.summary()
    assert found["documents"] == sorted(expected["documents"])
    assert found["spans"] == sorted(tuple(span) for span in expected["spans"])
    assert found["choices"] == sorted(tuple(choice) for choice in expected.get("choices", []))
    assert found["suggestions"] == sorted(tuple(s) for s in expected.get("suggestions", []))
    assert found["relations"] == sorted(tuple(r) for r in expected.get("relations", []))
    for uid, text in expected.get("texts", {}).items():
        assert found["by_uid"][uid].text == text
    for uid, extra in expected.get("extra", {}).items():
        assert found["by_uid"][uid].extra.items() >= extra.items()
    for uid, source in expected.get("sources", {}).items():
        assert found["by_uid"][uid].source == source
    said_once([p.reason for p in report.warnings], expected.get("warnings", []))
    said_once([p.reason for p in report.problems], expected.get("problems", []))
    assert not report.missing_labels
    again = import_paths(store, [path], suggestion_layer="tester")  # a second time: nothing new
    assert again.spans_added == 0 and again.suggestions_added == 0 and again.added == [] and again.statuses_set == 0
    assert again.relations_added == 0 and again.relations_present == len(found["relations"])
    assert found_in(store)["spans"] == found["spans"] and found_in(store)["relations"] == found["relations"]
    store.close()


def test_every_peer_file_has_its_expected_count():
    files = {str(p.relative_to(PEERS)) for p in PEERS.glob("*/*") if not p.name.endswith(".expected.json")}
    assert files - set(CASES) == {"labelstudio/ner_config.xml", "doccano/labels.json"}
