"""A figure or a date tagged in another tool's file gets the normalized value tagging it
here would give: Label Studio, doccano and Prodigy files carry spans and labels, never
Curator's values, and a dataset whose money has no amount is not the one the curator
exports. The value is resolved against the article's date (the file's, or the project's
for an article already there); a value the file gives (a Curator export) is kept."""

from __future__ import annotations

import json
from datetime import date

import pytest

from curator.domain.models import Annotation, Document
from curator.formats.export import export_json
from curator.formats.interop import import_paths
from curator.store import Store

TEXT = "Astana Grain said on Monday that exports rose 12.5% to $1.5 billion in March."


def _at(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def _ls_result(text: str, words: str, label: str) -> dict:
    start, end = _at(text, words)
    return {"value": {"start": start, "end": end, "text": words, "labels": [label]},
            "from_name": "label", "to_name": "text", "type": "labels", "origin": "manual"}


def _label_studio(path, published: str | None = "2024-04-10") -> None:
    data = {"text": TEXT, **({"published": published} if published else {})}
    path.write_text(json.dumps([{
        "id": 7, "data": data,
        "annotations": [{"id": 1, "completed_by": 1, "result": [
            _ls_result(TEXT, "Astana Grain", "ORG"), _ls_result(TEXT, "12.5%", "PERCENT"),
            _ls_result(TEXT, "$1.5 billion", "MONEY"), _ls_result(TEXT, "Monday", "DATE"),
            _ls_result(TEXT, "March", "DATE")]}],
        "predictions": [{"model_version": "ner-v2", "score": 0.87, "result": [
            _ls_result(TEXT, "$1.5 billion", "MONEY"), {**_ls_result(TEXT, "Astana Grain", "ORG"), "score": 0.4},
            {**_ls_result(TEXT, "March", "DATE"), "score": "high"}]}],
    }]), encoding="utf-8")


def _values(store: Store) -> dict[str, dict | None]:
    (document,) = store.iter_documents()
    return {document.text[a.start:a.end]: a.value for a in store.annotations_for(document.id)}


@pytest.fixture
def store(tmp_path):
    store = Store.create(tmp_path / "project")
    yield store
    store.close()


def test_a_label_studio_files_figures_and_dates_get_their_values(store, tmp_path):
    path = tmp_path / "export.json"
    _label_studio(path)
    report = import_paths(store, [path], suggestion_layer="reviewer")
    assert report.spans_added == 5
    values = _values(store)
    assert values["Astana Grain"] is None  # an entity has no value
    assert (values["12.5%"]["amount"], values["12.5%"]["unit"]) == ("12.5", "%")
    assert (values["$1.5 billion"]["amount"], values["$1.5 billion"]["unit"]) == ("1500000000", "USD")
    assert values["Monday"]["start"] == "2024-04-08"  # the Monday before the article's date
    assert (values["March"]["start"], values["March"]["end"]) == ("2024-03-01", "2024-03-31")
    (document,) = store.iter_documents()
    suggestions = {document.text[s.start:s.end]: s for s in store.suggestions_for(document.id, "reviewer")}
    assert suggestions["$1.5 billion"].value["amount"] == "1500000000"  # a model's prediction gets one too
    # how sure the model was: the prediction's score, or a result's own; none if not a number from 0 to 1
    assert {words: s.confidence for words, s in suggestions.items()} == {"$1.5 billion": 0.87, "Astana Grain": 0.4,
                                                                         "March": None}


def test_without_the_articles_date_a_relative_date_says_why_it_has_none(store, tmp_path):
    path = tmp_path / "export.json"
    _label_studio(path, published=None)
    report = import_paths(store, [path])
    assert report.undated == ["7"] and "1 without a date (7)" in report.summary()  # said, as for articles
    values = _values(store)
    assert values["Monday"]["reason"] == "no_anchor"  # flagged, as tagging it here is
    assert values["$1.5 billion"]["amount"] == "1500000000"


def test_an_article_already_in_the_project_resolves_against_its_own_date(store, tmp_path):
    store.add_documents([Document(uid="7", text=TEXT, published=date(2023, 11, 15))])
    path = tmp_path / "export.json"
    _label_studio(path, published=None)
    import_paths(store, [path])
    values = _values(store)
    assert values["Monday"]["start"] == "2023-11-13"
    assert values["March"]["start"] == "2023-03-01"


def test_doccano_and_prodigy_spans_get_values(tmp_path):
    text = "Output fell 3,5% last year, the ministry said."
    start, end = _at(text, "3,5%")
    d_start, d_end = _at(text, "last year")
    doccano = tmp_path / "doccano.jsonl"
    doccano.write_text(json.dumps({"id": 1, "text": text, "published": "2025-02-01",
                                   "label": [[start, end, "PERCENT"], [d_start, d_end, "DATE"]]}) + "\n",
                       encoding="utf-8")
    prodigy = tmp_path / "prodigy.jsonl"
    prodigy.write_text(json.dumps({"text": text, "meta": {"id": "p1", "published": "2025-02-01"}, "answer": "accept",
                                   "spans": [{"start": start, "end": end, "label": "PERCENT"},
                                             {"start": d_start, "end": d_end, "label": "DATE"}]}) + "\n",
                       encoding="utf-8")
    for path in (doccano, prodigy):
        store = Store.create(tmp_path / path.stem)
        import_paths(store, [path])
        values = _values(store)
        assert values["3,5%"]["amount"] == "-3.5", path.name  # "fell": a fall
        assert (values["last year"]["start"], values["last year"]["end"]) == ("2024-01-01", "2024-12-31"), path.name
        store.close()


def test_a_value_the_file_gives_is_kept(store, tmp_path):
    """A Curator export carries its values, one corrected by hand among them: kept as they are."""
    store.add_documents([Document(uid="7", text=TEXT, published=date(2024, 4, 10))])
    (document,) = store.iter_documents()
    start, end = _at(TEXT, "$1.5 billion")
    typed = {"type": "figure", "amount": "1400000000", "unit": "USD", "scale": "billion", "qualifier": "exact",
             "change": "level"}
    store.add_annotations([Annotation(doc_id=document.id, start=start, end=end, label="MONEY", annotator="aigerim",
                                      value=typed)])
    export_json(store, tmp_path / "dataset.json")
    again = Store.create(tmp_path / "again")
    import_paths(again, [tmp_path / "dataset.json"])
    assert _values(again)["$1.5 billion"]["amount"] == "1400000000"
    again.close()
