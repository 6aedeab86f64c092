"""Every reader of outside files, fed arbitrary bytes and mutated valid files, answers with
Curator's own reported problems (a ``CuratorError`` or problems in the report), never a
traceback, and leaves the project unchanged when it refuses a file."""

from __future__ import annotations

import copy
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curator.domain.models import Annotation, Document, DocumentStatus, Entity, Fact
from curator.errors import CuratorError
from curator.formats.articles import import_files
from curator.formats.export import export_json, export_jsonl
from curator.formats.interop import READERS as TOOL_READERS
from curator.formats.interop import detect, export_interop, import_annotated
from curator.formats.layer_files import export_layer, import_layer
from curator.formats.sniffing import Sniffed
from curator.store import Store

FUZZ = settings(max_examples=60, deadline=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

TEXTS = ["Astana and Beijing signed a deal worth $24 billion on 7 November 2023.",
         "Kazakh\u2028exports\x85grew; \u0627\u0644\u0645\u0627\u062a\u064a rose \U0001F600 too.",
         "Trade turnover reached $31.5 billion in 2023."]
MONEY = {"type": "figure", "amount": "24000000000", "unit": "USD", "scale": "billion", "qualifier": "exact",
         "change": "level"}


def small_project(location):
    """Three short documents, two annotators' spans with a value and an entity link, a status, a fact."""
    store = Store.create(location)
    ids = store.add_documents([Document(uid=f"doc-{n}", text=text, title=f"Title {n}", source="nCa")
                               for n, text in enumerate(TEXTS)])
    entity = store.add_entity(Entity(name="Astana", type="LOCATION"))
    spans = [Annotation(doc_id=ids[0], start=0, end=6, label="LOCATION", annotator="aigerim", entity_id=entity.id),
             Annotation(doc_id=ids[0], start=11, end=18, label="LOCATION", annotator="aigerim"),
             Annotation(doc_id=ids[0], start=41, end=52, label="MONEY", annotator="aigerim", value=MONEY),
             Annotation(doc_id=ids[1], start=0, end=6, label="LOCATION", annotator="daniyar"),
             Annotation(doc_id=ids[2], start=0, end=14, label="ORG", annotator="aigerim")]
    store.add_annotations(spans)
    store.set_status(ids[0], "aigerim", DocumentStatus.DONE)
    store.save_fact(Fact(subject="Kazakhstan-China", measure="trade", mentions=[spans[2].id]))
    return store


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """The small project, a valid file of every format made from it, and a project to import into."""
    root = tmp_path_factory.mktemp("fuzz")
    store = small_project(root / "source")
    files = {"curator": root / "dataset.json", "articles-jsonl": root / "articles.jsonl",
             "labelstudio": root / "tasks.json", "doccano": root / "data.jsonl", "conll": root / "data.conll",
             "layer": root / "layer.json", "csv": root / "articles.csv", "spacy": root / "data.spacy",
             "prodigy": root / "prodigy.jsonl", "webanno-zip": root / "tsv.zip", "doccano-zip": root / "doccano.zip"}
    peers = Path(__file__).parent / "data" / "peers"
    for kind, name in (("labelstudio-min", "labelstudio/json_min.json"), ("labelstudio-csv", "labelstudio/export.csv"),
                       ("doccano-csv", "doccano/export.csv"), ("webanno", "webanno/irtysh.tsv")):
        files[kind] = root / f"{kind}{Path(name).suffix}"
        shutil.copy(peers / name, files[kind])
    export_json(store, files["curator"])
    export_jsonl(store, files["articles-jsonl"])
    export_interop(store, files["labelstudio"], "labelstudio")
    export_interop(store, files["doccano"], "doccano")
    export_interop(store, files["conll"], "conll", "aigerim")
    export_interop(store, files["prodigy"], "prodigy")
    export_interop(store, files["webanno-zip"], "webanno", "aigerim")
    with zipfile.ZipFile(files["doccano-zip"], "w") as archive:
        archive.write(files["doccano"], "aigerim.jsonl")
    export_layer(store, "aigerim", files["layer"])
    files["csv"].write_text("id,title,text\n1,One,First text.\n2,Two,\"Second, quoted\"\n", encoding="utf-8")
    try:
        export_interop(store, files["spacy"], "spacy")
    except CuratorError:
        del files["spacy"]
    store.close()
    target = Store.create(root / "target")
    target.add_documents([Document(uid=f"doc-{n}", text=text) for n, text in enumerate(TEXTS)])  # layer files fit
    yield root, files, target
    target.close()


def fingerprint(store):
    with store.engine.connect() as conn:
        return tuple(conn.exec_driver_sql(query).scalar() for query in (
            "SELECT count(*) FROM documents", "SELECT count(*) FROM annotations", "SELECT count(*) FROM entities",
            "SELECT count(*) FROM facts", "SELECT count(*) FROM progress",
            "SELECT max(updated) || max(start) || max(label) FROM annotations"))


def read(store, kind, path):
    """Run the reader for ``kind``; True if it refused the file (a CuratorError)."""
    try:
        if kind == "layer":
            import_layer(store, path)
        elif kind in ("articles-jsonl", "articles-json", "csv", "xlsx"):
            report = import_files(store, [path])
            return not report.added
        elif kind in TOOL_READERS:  # this reader itself, whatever the content looks like
            import_annotated(store, path, sniffed=Sniffed(kind, kind))
        else:
            import_annotated(store, path, kind)
    except CuratorError as exc:
        assert str(exc)  # a message for the user
        return True
    return False


def check_reader(workspace, kind, suffix, content: bytes):
    root, _files, store = workspace
    path = root / f"fuzzed{suffix}"
    path.write_bytes(content)
    before = fingerprint(store)
    if read(store, kind, path):
        assert fingerprint(store) == before, "a refused file changed the project"


# -- mutations of valid JSON ------------------------------------------------------------

HOSTILE = st.one_of(
    st.sampled_from([None, True, False, 0, -1, 0.9, 2 ** 70, 10 ** 30, "", "5", "\ud800", "x" * 300,
                     float("nan"), float("inf"), [], {}, [[["deep"]]], "2024-01-01T10:00:00", "ORG", ["ORG"],
                     "curator-annotations", "curator-dataset", 1e308]),
    st.text(max_size=20),
    st.integers(),
    st.floats(),
    st.recursive(st.none() | st.integers() | st.text(max_size=5),
                 lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=5), inner, max_size=2),
                 max_leaves=10),
)


def nodes(value, path=()):
    """Every (path) to a value inside ``value``, the root included."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(nodes(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(nodes(item, (*path, index)))
    return found


def mutate(value, data):
    """Replace, delete or duplicate a few values anywhere in ``value``."""
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        paths = nodes(value)
        path = data.draw(st.sampled_from(paths), label="path")
        action = data.draw(st.sampled_from(["replace", "replace", "delete", "duplicate", "rename", "deepen",
                                            "poison", "poison", "loosen"]))
        if not path:
            value = copy.deepcopy(data.draw(HOSTILE)) if action == "replace" else [value]
            continue
        parent = value
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        if action == "replace":
            # A copy: sampled lists and dicts are one object each, and two places holding the
            # same one would make the next mutation build a cycle.
            parent[last] = copy.deepcopy(data.draw(HOSTILE, label="value"))
        elif action == "delete":
            del parent[last]
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(json.loads(json.dumps(parent[last])))
        elif action == "rename" and isinstance(parent, dict):
            parent[data.draw(st.text(max_size=8), label="key")] = parent.pop(last)
        elif action == "deepen":
            parent[last] = json.loads("[" * 70 + "1" + "]" * 70)
        elif action == "poison":  # the same value made hostile: a lone surrogate, a huge or odd number
            parent[last] = _poisoned(parent[last], data)
        elif action == "loosen":  # a number as text or a float, a time without its timezone
            item = parent[last]
            if type(item) is int and abs(item) < 2 ** 53:
                parent[last] = data.draw(st.sampled_from([str(item), item + 0.9, float(item)]))
            elif isinstance(item, str) and item[-6:-5] == "+":
                parent[last] = item[:-6]
    return value


def _poisoned(item, data):
    if isinstance(item, str):
        return data.draw(st.sampled_from([item + "\ud800", "\udfff" + item, item * 50, item + "\x00"]))
    if isinstance(item, (int, float)) and not isinstance(item, bool):
        return data.draw(st.sampled_from([float("nan"), float("inf"), -item, item * 10 ** 20, 10 ** 400]))
    return copy.deepcopy(data.draw(HOSTILE))



def mutated_json(valid: str, data, lines: bool) -> bytes:
    if lines:
        records = [json.loads(line) for line in valid.split("\n") if line.strip()]
        text = "\n".join(json.dumps(mutate(record, data)) for record in records)
    else:
        text = json.dumps(mutate(json.loads(valid), data))
    raw = text.encode("utf-8", "surrogatepass")
    if data.draw(st.booleans(), label="truncate"):
        raw = raw[: data.draw(st.integers(0, len(raw)), label="at")]
    return raw


JSON_KINDS = [("curator", ".json", False), ("labelstudio", ".json", False), ("layer", ".json", False),
              ("doccano", ".jsonl", True), ("articles-jsonl", ".jsonl", True), ("articles-json", ".json", False),
              ("prodigy", ".jsonl", True), ("labelstudio-min", ".json", False)]


@pytest.mark.parametrize(("kind", "suffix", "lines"), JSON_KINDS)
@FUZZ
@given(data=st.data())
def test_mutated_json_files(workspace, kind, suffix, lines, data):
    _root, files, _store = workspace
    source = files["curator" if kind == "articles-json" else kind]
    check_reader(workspace, kind, suffix, mutated_json(source.read_text(encoding="utf-8"), data, lines))


READERS = [("curator", ".json"), ("labelstudio", ".json"), ("layer", ".json"), ("doccano", ".jsonl"),
           ("conll", ".conll"), ("spacy", ".spacy"), ("articles-jsonl", ".jsonl"), ("articles-json", ".json"),
           ("csv", ".csv"), ("xlsx", ".xlsx"), ("prodigy", ".jsonl"), ("webanno", ".tsv"),
           ("labelstudio-min", ".json"), ("labelstudio-csv", ".csv"), ("doccano-csv", ".csv"), ("doccano-zip", ".zip"),
           ("webanno-zip", ".zip")]
HOSTILE_BYTES = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.sampled_from([b"[" * 100_000, b'{"a":' * 50_000, b"NaN", b"1e400", b'"\\ud800"', b"null", b"[]", b"{}",
                     b"\xef\xbb\xbf", b"\xff\xfe\x00\x00", b"PK\x03\x04"]),
)


@pytest.mark.parametrize(("kind", "suffix"), READERS)
@FUZZ
@given(content=HOSTILE_BYTES)
def test_arbitrary_bytes(workspace, kind, suffix, content):
    if kind == "spacy":
        pytest.importorskip("spacy")
    check_reader(workspace, kind, suffix, content)


@pytest.mark.parametrize("kind", ["conll", "csv", "spacy", "webanno", "labelstudio-csv", "doccano-csv", "doccano-zip",
                                  "webanno-zip"])
@FUZZ
@given(data=st.data())
def test_mutated_text_and_binary_files(workspace, kind, data):
    """Valid files with bytes flipped, inserted and cut."""
    _root, files, _store = workspace
    if kind not in files:
        pytest.skip("spaCy is not installed")
    raw = bytearray(files[kind].read_bytes())
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        at = data.draw(st.integers(0, len(raw)), label="at")
        edit = data.draw(st.sampled_from(["flip", "insert", "cut"]))
        if edit == "flip" and at < len(raw):
            raw[at] = data.draw(st.integers(0, 255))
        elif edit == "insert":
            raw[at:at] = data.draw(st.sampled_from([b"\x00", b"\xed\xa0\x80", b" B-ORG", b"\n", b"-DOCSTART-",
                                                    b"\xc2\x85", b"\xe2\x80\xa8", b'"', b",", b"\r"]))
        else:
            del raw[at:]
    check_reader(workspace, kind, files[kind].suffix, bytes(raw))


@FUZZ
@given(content=HOSTILE_BYTES, suffix=st.sampled_from([".json", ".jsonl", ".txt", ".csv", ".tsv", ".zip", ".spacy", ""]))
def test_detection_answers_for_any_bytes(workspace, content, suffix):
    """Telling a file's format reads any bytes without failing: a format, or None (articles)."""
    root, _files, _store = workspace
    path = root / f"sniffed{suffix}"
    path.write_bytes(content)
    assert detect(path) in (None, "curator", "layer", "labelstudio-config", *TOOL_READERS)


@FUZZ
@given(rows=st.lists(st.lists(st.one_of(st.text(max_size=30), st.integers(-2 ** 60, 2 ** 60),
                                        st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
                                        st.datetimes(), st.none()), min_size=1, max_size=4), max_size=5),
       header=st.lists(st.sampled_from(["text", "id", "title", "date", "source", "x", ""]), min_size=1, max_size=4))
def test_workbooks_with_any_cells(workspace, rows, header):
    import xlsxwriter

    root, _files, _store = workspace
    path = root / "cells.xlsx"
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                           "strings_to_urls": False})
    sheet = book.add_worksheet()
    for column, name in enumerate(header):
        sheet.write_string(0, column, name)
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if value is not None:
                sheet.write(number, column, value)
    book.close()
    check_reader(workspace, "xlsx", ".xlsx", path.read_bytes())


def test_truncated_workbooks(workspace):
    """Every cut of a small valid workbook is read or reported."""
    import xlsxwriter

    root, _files, _store = workspace
    path = root / "valid.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["id", "text"])
    sheet.write_row(1, 0, ["a", "An article."])
    book.close()
    raw = path.read_bytes()
    for cut in range(0, len(raw), max(1, len(raw) // 40)):
        check_reader(workspace, "xlsx", ".xlsx", raw[:cut])
    shutil.copy(path, root / "again.xlsx")
