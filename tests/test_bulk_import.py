"""The bulk path of the imports of other tools' files (records checked without models,
written as rows) against the models' path: the same stored result, the same report,
the same problems, on generated files with malformed and doubtful records mixed in."""

import json
import random
from datetime import date

import pytest
from pydantic import ValidationError

import curator.formats.annotated_import as annotated_import
import curator.formats.interop as interop
from curator.domain.models import (
    Annotation,
    Document,
    new_ids,
    plain_document,
    plain_span,
)
from curator.domain.schema import CategorySet, Choice, LabelSchema
from curator.formats.boundary import FileRefused
from curator.formats.interop import import_annotated, import_paths
from curator.store import Store

LABELS = ("PERSON", "LOCATION", "ORG")


def _models_only(monkeypatch):
    """Make the plain checks unsure of everything: the models decide every record."""
    monkeypatch.setattr(annotated_import, "plain_document", lambda *args: None)
    monkeypatch.setattr(annotated_import, "plain_span", lambda *args: False)


def _project(path):
    store = Store.create(path)
    schema = store.label_schema
    store.save_schema(LabelSchema(labels=[label for label in schema.labels if label.name in LABELS],
                                  categories=[CategorySet(name="topic", choices=[Choice(name="trade"),
                                                                                 Choice(name="energy")])]))
    return store


def _stored(store):
    documents = sorted((d.uid, d.text, d.title, d.source, d.url, d.published, d.origin, json.dumps(d.extra))
                       for d in store.iter_documents())
    spans = sorted((d.uid, a.start, a.end, a.label, a.annotator, a.value, a.entity_id, len(a.id))
                   for d, layer in store.iter_documents_with_annotations() for a in layer)
    categories = sorted((doc_id, who, set_name, tuple(choices))
                        for doc_id, who, set_name, choices in store.category_rows(None))
    return documents, spans, categories


def _report(report):
    return (report.added, report.spans_added, report.spans_present, report.categories_added,
            report.missing_labels, [(p.file, p.record, p.reason) for p in report.problems])


def _text(rng):
    return " ".join(rng.choice(["Astana", "trade", "grew", "by", "5%", "Қазақстан", "über", "in", "2022"])
                    for _ in range(rng.randint(3, 30)))


def _label_studio(rng, documents, malformed):
    tasks = []
    for number in range(documents):
        text = _text(rng)
        results = []
        for _ in range(rng.randint(0, 4)):
            start = rng.randint(0, len(text) - 1)
            end = rng.choice([start + rng.randint(1, 8), start, len(text) + 3])  # empty, outside
            results.append({"from_name": "label", "to_name": "text", "type": "labels",
                            "value": {"start": start, "end": end, "labels": [rng.choice([*LABELS, "MONEY"])]}})
        if rng.random() < 0.2:
            results.append({"from_name": "topic", "to_name": "text", "type": "choices",
                            "value": {"choices": [rng.choice(["trade", "energy", "sport"])]}})
        meta = {"uid": f"doc-{number}", "source": rng.choice(["Tengri", "Xinhua", None])}
        who = rng.choice(["aigerim", 7, None])
        if malformed and rng.random() < 0.1:
            rng.choice([  # what the import refuses (too wide for the store), then what the reader does
                lambda: meta.update(source="x" * 400),
                lambda: meta.update(source="y" * 301),
                *([] if malformed == "import" else [
                    lambda: results.append({"value": {"start": "3", "end": 5, "labels": ["ORG"]}}),
                    lambda: meta.update(uid=["not", "text"]),
                    lambda: results.append({"value": {"start": 0, "end": 2, "labels": "ORG"}}),
                ]),
            ])()
        annotations = [{"completed_by": who, "result": results}]
        tasks.append({"data": {"text": text, "meta": meta}, "annotations": annotations})
    return json.dumps(tasks)


def _doccano(rng, documents, malformed):
    lines = []
    for number in range(documents):
        text = _text(rng)
        labels = []
        for _ in range(rng.randint(0, 4)):
            start = rng.randint(0, len(text) - 1)
            labels.append([start, rng.choice([start + rng.randint(1, 8), len(text) + 2]),
                           rng.choice([*LABELS, "DATE"])])
        record = {"text": text, "uid": f"doc-{number % (documents - 3)}", "label": labels,
                  "annotator": rng.choice(["doccano", "aigerim"]), "published": rng.choice(["2022-03-01", None])}
        if rng.random() < 0.2:
            record["cats"] = [rng.choice(["topic:trade", "energy", "nothing"])]
        if malformed and rng.random() < 0.1:
            rng.choice([
                lambda: record.update(annotator="a" * 101),
                *([] if malformed == "import" else [
                    lambda: record.update(source="s" * 301),
                    lambda: labels.append([1, 2]),
                    lambda: record.update(text=7),
                    lambda: labels.append([True, 3, "ORG"]),
                    lambda: record.update(annotator=""),
                ]),
            ])()
        lines.append(json.dumps(record))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("fmt", ["labelstudio", "doccano"])
@pytest.mark.parametrize("seed", range(6))
def test_the_bulk_path_stores_and_reports_what_the_models_path_does(tmp_path, monkeypatch, fmt, seed):
    rng = random.Random(seed)
    malformed = {1: "import", 3: "import", 5: "any"}.get(seed)  # what is wrong in the file, if anything
    name = "tasks.json" if fmt == "labelstudio" else "data.jsonl"
    content = (_label_studio if fmt == "labelstudio" else _doccano)(rng, 40, malformed)
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    outcomes, paths = [], []
    check = annotated_import._check

    def spied(*args, plain, **options):
        checked = check(*args, plain=plain, **options)
        paths.append((side, plain, checked is not None))
        return checked

    monkeypatch.setattr(annotated_import, "_check", spied)
    for side in ("bulk", "models"):
        if side == "models":
            _models_only(monkeypatch)
        store = _project(tmp_path / side)
        store.add_documents([Document(uid="doc-1", text="an older text under a uid the file uses")])
        results = []
        for _ in range(2):  # the second time: every document is there, its spans present
            try:
                results.append(_report(import_annotated(store, path)))
            except FileRefused as exc:
                results.append([(p.file, p.record, p.reason) for p in exc.problems])
        outcomes.append((results, _stored(store)))
        store.close()
    assert outcomes[0] == outcomes[1]
    refused = isinstance(outcomes[0][0][0], list)
    assert refused == bool(malformed)
    # A well-formed file is written by the bulk path; a malformed one the reader lets through
    # goes to the models, which word its problems.
    if not malformed:
        assert ("bulk", True, True) in paths and ("models", True, False) in paths
    else:
        assert ("bulk", True, True) not in paths
    if malformed == "import":
        assert ("bulk", True, False) in paths and ("bulk", False, True) in paths


def test_import_paths_reads_a_label_studio_file_once_and_gives_the_same_result(tmp_path, monkeypatch):
    path = tmp_path / "tasks.json"
    path.write_text(_label_studio(random.Random(3), 30, False), encoding="utf-8")
    parsed = []
    loads = interop.READERS["labelstudio"]

    def counting(file, payload, store):
        parsed.append(payload is not None)
        return loads(file, payload, store)

    monkeypatch.setitem(interop.READERS, "labelstudio", counting)
    first = _project(tmp_path / "a")
    by_paths = _report(import_paths(first, [path, path]))
    second = _project(tmp_path / "b")
    alone = _report(import_annotated(second, path))
    assert parsed == [True, True]  # the JSON the file was detected with, each time: it was parsed once
    assert by_paths == alone and _stored(first)[1] == _stored(second)[1]


@pytest.mark.parametrize("fmt", ["labelstudio", "doccano"])
def test_a_tools_file_is_read_and_checked_with_the_collector_paused(tmp_path, monkeypatch, fmt):
    """Its records are millions of objects with no reference cycles: the collector's passes
    over them were up to a fifth of an import. It runs again once the file is in."""
    import gc

    name, content = ("tasks.json", _label_studio) if fmt == "labelstudio" else ("data.jsonl", _doccano)
    path = tmp_path / name
    path.write_text(content(random.Random(5), 20, False), encoding="utf-8")
    seen = []
    sniff, check = interop._sniff, annotated_import._check
    monkeypatch.setattr(interop, "_sniff", lambda *a, **k: seen.append(gc.isenabled()) or sniff(*a, **k))
    monkeypatch.setattr(annotated_import, "_check", lambda *a, **k: seen.append(gc.isenabled()) or check(*a, **k))
    assert gc.isenabled()
    for store, run in ((_project(tmp_path / "a"), lambda store: import_paths(store, [path])),
                       (_project(tmp_path / "b"), lambda store: import_annotated(store, path, fmt))):
        assert run(store).spans_added > 0
        store.close()
    assert seen and not any(seen) and gc.isenabled()


CASES = [
    ("u", "text", "f.json", {}),
    ("u" * 200, "t", None, {"title": "T", "source": "S", "url": "http://x", "published": date(2022, 1, 2)}),
    ("u" * 201, "t", None, {}),
    ("", "t", None, {}),
    ("u", "", None, {}),
    ("u\ud800", "t", None, {}),
    ("u", "t\ud800", None, {}),
    ("u", "Қазақстан über", None, {"title": "\ud800"}),
    ("u", "t", None, {"published": "2022-01-02"}),
    ("u", "t", None, {"published": date(2022, 1, 2)}),
    ("u", "t", None, {"extra": {"a": [1, {"b": None}]}}),
    ("u", "t", None, {"extra": {1: "a"}}),
    ("u", "t", None, {"extra": None}),
    ("u", "t", None, {"title": 5}),
    ("u", "t", None, {"colour": "red"}),
    (5, "t", None, {}),
    ("u", b"t", None, {}),
]


@pytest.mark.parametrize(("uid", "text", "origin", "fields"), CASES)
def test_plain_document_agrees_with_the_model(uid, text, origin, fields):
    row = plain_document(uid, text, origin, fields)
    try:
        document = Document(uid=uid, text=text, origin=origin, **fields)
    except ValidationError:
        assert row is None
        return
    if row is not None:
        assert row == {key: getattr(document, key) for key in row}


@pytest.mark.parametrize(("start", "end", "label", "annotator"), [
    (0, 1, "ORG", "a"), (3, 3, "ORG", "a"), (4, 3, "ORG", "a"), (-1, 3, "ORG", "a"), (0, 3, "", "a"),
    (0, 3, "ORG", ""), (True, 3, "ORG", "a"), (0, 3.0, "ORG", "a"), (0, 3, "ORG\ud800", "a"),
    (0, 3, "ORG", "a\udfff"), (0, 3, "ORG", "Әйгерім"), (0, 3, None, "a"), (0, 3, "ORG", 7),
])
def test_plain_span_agrees_with_the_model(start, end, label, annotator):
    plain = plain_span(start, end, label, annotator)
    try:
        Annotation(doc_id=1, start=start, end=end, label=label, annotator=annotator)
    except ValidationError:
        assert not plain
        return
    assert plain or type(start) is not int or type(end) is not int  # the model is laxer: True is 1


def test_new_ids_look_like_new_id():
    import uuid

    ids = new_ids(1000)
    assert len(set(ids)) == 1000
    assert all(len(i) == 32 and uuid.UUID(hex=i).version == 4 and uuid.UUID(hex=i).hex == i for i in ids)
