"""Every export format, written and read back into a fresh project, gives the same texts
and spans: random Unicode texts (astral characters, combining marks, right-to-left
scripts, every line separator) with random valid spans. CoNLL keeps tokens, not
spacing, so for it the tokens and labels of each span are compared."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from curator.domain.models import Annotation, Document
from curator.domain.text import TOKEN
from curator.formats.export import export_json, export_jsonl
from curator.formats.interop import export_interop, import_annotated
from curator.formats.layer_files import export_layer, import_layer
from curator.store import Store

ROUND_TRIP = settings(max_examples=25, deadline=None, print_blob=True,
                      suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

LINE_BREAKS = ["\r", "\r\n", "\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
PIECES = st.one_of(
    st.sampled_from(LINE_BREAKS),
    st.sampled_from(["Astana", "Beijing", " ", "  ", "$24 billion", "e\u0301", "\u0627\u0644\u0645\u0627\u062a\u064a",
                     "\u05e9\u05dc\u05d5\u05dd", "\U0001F600", "\U0001D400", "\u200d", "\ufeff", "\t", "-DOCSTART-",
                     '"', "\\", "O", "B-ORG"]),
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), min_size=1, max_size=6),
)
TEXT = st.lists(PIECES, min_size=1, max_size=12).map("".join).filter(lambda t: t.strip())
LABELS = ["ORG", "PERSON", "LOCATION", "MONEY", "DATE"]
ANNOTATORS = ["aigerim", "daniyar"]


@st.composite
def documents(draw, aligned=False):
    """Two or three documents as (text, spans); spans (start, end, label, annotator) are
    unique. ``aligned``: one annotator, spans on token boundaries that do not overlap."""
    result = []
    for _ in range(draw(st.integers(1, 3))):
        text = draw(TEXT)
        if aligned:
            tokens = [m.span() for m in TOKEN.finditer(text)]
            starts = sorted(draw(st.sets(st.integers(0, max(0, len(tokens) - 1)), max_size=4))) if tokens else []
            spans = set()
            for index, first in enumerate(starts):
                limit = starts[index + 1] if index + 1 < len(starts) else len(tokens)
                last = draw(st.integers(first, limit - 1))
                spans.add((tokens[first][0], tokens[last][1], draw(st.sampled_from(LABELS)), "aigerim"))
        else:
            spans = set()
            for _ in range(draw(st.integers(0, 5))):
                start = draw(st.integers(0, len(text) - 1))
                end = draw(st.integers(start + 1, len(text)))
                spans.add((start, end, draw(st.sampled_from(LABELS)), draw(st.sampled_from(ANNOTATORS))))
        result.append((text, sorted(spans)))
    return result


@pytest.fixture(scope="module")
def empty_project(tmp_path_factory):
    """An empty project folder, copied for each example (creating one takes a tenth of a second)."""
    location = tmp_path_factory.mktemp("template") / "project"
    Store.create(location).close()
    return location


def fresh(empty_project: Path, place: Path) -> Store:
    shutil.rmtree(place, ignore_errors=True)
    shutil.copytree(empty_project, place)
    return Store.open(place)


def filled(empty_project: Path, place: Path, docs) -> Store:
    store = fresh(empty_project, place)
    ids = store.add_documents([Document(uid=f"d{n}", text=text) for n, (text, _spans) in enumerate(docs)])
    store.add_annotations([Annotation(doc_id=doc_id, start=s, end=e, label=label, annotator=who)
                           for doc_id, (_text, spans) in zip(ids, docs) for s, e, label, who in spans])
    return store


def contents(store: Store, annotator: str | None = None):
    return sorted((d.uid, d.text, tuple(sorted((a.start, a.end, a.label, a.annotator) for a in spans)))
                  for d, spans in store.iter_documents_with_annotations(annotator))


WRITERS = {
    "json": ("dataset.json", lambda store, path: export_json(store, path)),
    "jsonl": ("dataset.jsonl", lambda store, path: export_jsonl(store, path)),
    "labelstudio": ("tasks.json", lambda store, path: export_interop(store, path, "labelstudio")),
    "doccano": ("data.jsonl", lambda store, path: export_interop(store, path, "doccano")),
    "spacy": ("data.spacy", lambda store, path: export_interop(store, path, "spacy")),
    "prodigy": ("data.jsonl", lambda store, path: export_interop(store, path, "prodigy")),
}


@pytest.mark.parametrize("fmt", sorted(WRITERS))
@ROUND_TRIP
@given(docs=documents())
def test_every_format_round_trips_texts_and_spans_exactly(empty_project, tmp_path, fmt, docs):
    if fmt == "spacy":
        pytest.importorskip("spacy")
    name, write = WRITERS[fmt]
    source = filled(empty_project, tmp_path / "source", docs)
    path = tmp_path / name
    write(source, path)
    target = fresh(empty_project, tmp_path / "target")
    report = import_annotated(target, path)
    try:
        assert report.problems == []
        assert contents(target) == contents(source)
    finally:
        source.close()
        target.close()


@ROUND_TRIP
@given(docs=documents())
def test_layer_files_round_trip_exactly(empty_project, tmp_path, docs):
    source = filled(empty_project, tmp_path / "source", docs)
    target = filled(empty_project, tmp_path / "target", [(text, []) for text, _spans in docs])
    try:
        export_layer(source, "aigerim", tmp_path / "layer.json")
        report = import_layer(target, tmp_path / "layer.json")
        assert report.problems == []
        assert contents(target) == contents(source, "aigerim")
    finally:
        source.close()
        target.close()


@ROUND_TRIP
@given(docs=documents(aligned=True))
@example(docs=[("0\x08\U0001F3FB", [(0, 3, "ORG", "aigerim")])])  # a token a space before it would join
def test_conll_round_trips_tokens_and_labels(empty_project, tmp_path, docs):
    source = filled(empty_project, tmp_path / "source", docs)
    target = fresh(empty_project, tmp_path / "target")
    try:
        export_interop(source, tmp_path / "data.conll", "conll", "aigerim")
        assert import_annotated(target, tmp_path / "data.conll").problems == []

        def tagged(store):
            return [[(tuple(TOKEN.findall(d.text[a.start:a.end])), a.label) for a in spans]
                    for d, spans in store.iter_documents_with_annotations() if TOKEN.search(d.text)]

        assert tagged(target) == tagged(source)
    finally:
        source.close()
        target.close()


@ROUND_TRIP
@given(docs=documents())
def test_webanno_tsv_round_trips_a_layer_exactly(empty_project, tmp_path, docs):
    """One annotator's layer through WebAnno TSV (a zip of a file a document): the same
    texts and spans, offsets counted in UTF-16 in the file."""
    source = filled(empty_project, tmp_path / "source", docs)
    target = fresh(empty_project, tmp_path / "target")
    try:
        export_interop(source, tmp_path / "tsv.zip", "webanno", "aigerim")
        report = import_annotated(target, tmp_path / "tsv.zip")
        assert report.problems == []

        def layer(store, annotator):
            return sorted((d.uid, d.text, tuple(sorted((a.start, a.end, a.label) for a in spans)))
                          for d, spans in store.iter_documents_with_annotations(annotator))

        assert layer(target, "inception") == layer(source, "aigerim")
    finally:
        source.close()
        target.close()
