"""Pre-annotations from outside become suggestions with their source named: a JSONL of
spans (its reader fuzzed: a damaged file is refused whole, a good one never), and a
spaCy pipeline the curator points to."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curator.analysis.learning.preannotations import (
    suggest_from_jsonl,
    suggest_from_spacy,
)
from curator.domain.models import Annotation, Document, Entity, SuggestionStatus
from curator.errors import CuratorError
from curator.formats.boundary import FileRefused
from curator.formats.span_predictions import read_span_predictions
from curator.store import Store

TEXT = "Aigerim Sadykova of Steppe Minerals spoke in Karatobe on Monday."


@pytest.fixture
def project(tmp_path):
    store = Store.create(tmp_path / "p")
    ids = store.add_documents([Document(uid="a1", text=TEXT), Document(uid="a2", text="Nothing here at all.")])
    yield store, ids
    store.close()


def _write(path, lines) -> None:
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n",
                    encoding="utf-8")


def test_a_jsonl_of_spans_becomes_suggestions_with_its_source_and_scores(project, tmp_path):
    store, (first, second) = project
    store.add_entity(Entity(name="Karatobe", type="LOCATION"))
    store.add_annotations([Annotation(doc_id=first, start=45, end=53, label="LOCATION", annotator="bob")])
    path = tmp_path / "model output.jsonl"
    _write(path, [{"id": "a1", "spans": [{"start": 0, "end": 16, "label": "PERSON", "score": 0.91},
                                         {"start": 20, "end": 35, "label": "ORG"},
                                         {"start": 45, "end": 53, "label": "LOCATION", "score": 0.5}]},
                  {"text": "Nothing here at all.", "spans": [{"start": 0, "end": 7, "label": "ORG",
                                                              "confidence": 0.2}], "meta": {"x": 1}},
                  {"id": "missing", "spans": [{"start": 0, "end": 1, "label": "ORG"}]},
                  {"id": "a1", "text": "another text", "spans": []},
                  {"id": "a2", "spans": [{"start": 0, "end": 7, "label": "FOOD"},
                                         {"start": 5, "end": 500, "label": "ORG"}]},
                  ""])
    report = suggest_from_jsonl(store, path, "bob")
    assert report.source == "jsonl:model output.jsonl"
    got = {(s.start, s.end, s.label): s for s in store.suggestions_for(first, "bob")}
    assert set(got) == {(0, 16, "PERSON"), (20, 35, "ORG")}  # Karatobe is the curator's own span already
    assert got[(0, 16, "PERSON")].confidence == 0.91 and got[(20, 35, "ORG")].confidence is None
    assert {s.source for s in got.values()} == {"jsonl:model output.jsonl"}
    assert [(s.label, s.confidence) for s in store.suggestions_for(second, "bob")] == [("ORG", 0.2)]
    reasons = "\n".join(report.problems)
    assert "line 3: no document with id 'missing'" in reasons
    assert "line 4: the text differs" in reasons
    assert "line 5: span 5-500 ends after the text" in reasons
    assert "1 span(s) of label 'FOOD'" in reasons
    # Again, after a rejection: the rejected one stays rejected and nothing is doubled.
    store.set_suggestion_status(got[(0, 16, "PERSON")].id, SuggestionStatus.REJECTED)
    again = suggest_from_jsonl(store, path, "bob")
    assert sum(again.added.values()) == 0
    assert store.get_suggestion(got[(0, 16, "PERSON")].id).status is SuggestionStatus.REJECTED


@pytest.mark.parametrize(("line", "reason"), [
    ("{not json", "malformed JSON"),
    ('["a list"]', "not an object"),
    ('{"spans": []}', "names no document"),
    ('{"id": "a1", "spans": {"start": 0}}', "spans: is an object, not a list"),
    ('{"id": "a1", "spans": [{"start": "0", "end": 5, "label": "ORG"}]}', "not an integer offset"),
    ('{"id": "a1", "spans": [{"start": 5, "end": 5, "label": "ORG"}]}', "are not a span"),
    ('{"id": "a1", "spans": [{"start": 0, "end": 5, "label": ""}]}', "label: is empty"),
    ('{"id": "a1", "spans": [{"start": 0, "end": 5, "label": "ORG", "score": 1.5}]}', "not a number from 0 to 1"),
    ('{"id": "a1", "spans": [{"start": 0, "end": 5, "label": "ORG", "score": true}]}', "not a number from 0 to 1"),
    ('{"id": [1], "spans": []}', "id: is a list"),
])
def test_a_damaged_file_is_refused_whole_naming_line_and_field(project, tmp_path, line, reason):
    store, (first, _second) = project
    path = tmp_path / "bad.jsonl"
    _write(path, [{"id": "a1", "spans": [{"start": 0, "end": 7, "label": "PERSON"}]}, line])
    with pytest.raises(FileRefused) as refused:
        suggest_from_jsonl(store, path, "bob")
    assert "line 2" in str(refused.value) and reason in str(refused.value)
    assert store.suggestions_for(first, "bob") == []


FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                         HealthCheck.function_scoped_fixture])
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                                max_size=4), max_leaves=12)


@FUZZ
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes_are_read_or_refused_never_a_traceback(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "spans.jsonl"
    path.write_bytes(data)
    try:
        found = read_span_predictions(path)
    except CuratorError as exc:
        assert "spans.jsonl" in str(exc)  # refused naming the file
        return
    assert isinstance(found, list)


@FUZZ
@given(records=st.lists(st.fixed_dictionaries({"id": st.text(min_size=1, max_size=10)},
                                             optional={"spans": st.lists(JSON, max_size=3), "text": JSON,
                                                       "score": JSON}), max_size=4))
def test_mutated_records_are_read_or_refused_and_good_spans_always_read(tmp_path_factory, records):
    path = tmp_path_factory.mktemp("fuzz") / "spans.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    try:
        found = read_span_predictions(path)
    except CuratorError:
        return
    assert len(found) == len(records)


@FUZZ
@given(spans=st.lists(st.tuples(st.integers(0, 60), st.integers(1, 40), st.sampled_from(["PERSON", "ORG", "X"]),
                                st.none() | st.floats(0, 1)), max_size=6))
def test_every_well_formed_file_is_read_whole(tmp_path_factory, spans):
    path = tmp_path_factory.mktemp("fuzz") / "spans.jsonl"
    items = [{"start": s, "end": s + n, "label": label, **({"score": score} if score is not None else {})}
             for s, n, label, score in spans]
    path.write_text(json.dumps({"id": "a1", "spans": items}) + "\n", encoding="utf-8")
    (found,) = read_span_predictions(path)
    assert [(p.start, p.end, p.label, p.score) for p in found.spans] == [
        (s, s + n, label, score) for s, n, label, score in spans]


def test_a_spacy_pipeline_the_curator_points_to_suggests_with_its_name(project, tmp_path):
    spacy = pytest.importorskip("spacy")
    store, (first, _second) = project
    known = store.add_entity(Entity(name="Steppe Minerals", type="ORG"))
    nlp = spacy.blank("en")
    nlp.meta["name"] = "district_ner"
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": "Aigerim Sadykova"},
                        {"label": "ORG", "pattern": "Steppe Minerals"},
                        {"label": "GPE", "pattern": "Karatobe"},
                        {"label": "DATE", "pattern": "Monday"},
                        {"label": "NORP", "pattern": "spoke"}])
    nlp.to_disk(tmp_path / "pipeline")
    report = suggest_from_spacy(store, tmp_path / "pipeline", "bob", {"DATE": "DATE"})
    assert report.source == "spacy:district_ner"
    got = {(TEXT[s.start:s.end], s.label, s.entity_id) for s in store.suggestions_for(first, "bob")}
    assert got == {("Aigerim Sadykova", "PERSON", None), ("Steppe Minerals", "ORG", known.id),
                   ("Karatobe", "LOCATION", None), ("Monday", "DATE", None)}
    assert "1 span(s) of label 'NORP'" in "\n".join(report.problems)
    with pytest.raises(CuratorError, match="not a spaCy pipeline"):
        suggest_from_spacy(store, tmp_path / "nowhere", "bob")
