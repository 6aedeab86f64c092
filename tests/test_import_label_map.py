"""An import that takes another tool's labels as the project's (``curator import --map``):
spans, a model's pre-annotations and the ends of relations alike."""

from __future__ import annotations

import json

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
