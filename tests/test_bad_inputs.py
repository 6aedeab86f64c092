"""A catalogue of bad inputs: each gives a clear error naming the file (and record), and the
project is left exactly as it was."""

import hashlib
import json
import zipfile

import pytest

from curator.errors import CuratorError
from curator.exchange import export_layer, import_layer
from curator.importer import import_files
from curator.interop import import_annotated
from curator.project import create_sample_project
from curator.store import DB_FILENAME, Store



def zip_bomb(path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 60_000_000)


ARTICLE_FILES = {
    "latin-1 text": ("a.txt", "Grüße aus Almaty".encode("latin-1"), "not valid UTF-8"),
    "cp1251 text": ("b.txt", "Привет, Астана".encode("cp1251"), "not valid UTF-8"),
    "mixed encodings": ("c.txt", "Ürümqi ".encode() + "Ürümqi".encode("latin-1"), "not valid UTF-8"),
    "png image named .txt": ("d.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "binary file"),
    "elf binary named .md": ("e.md", b"\x7fELF\x02\x01\x01" + bytes(100), "binary file"),
    "empty file": ("f.txt", b"", "empty file"),
    "only whitespace": ("g.txt", b" \n\t \r\n", "empty file"),
    "huge article": ("h.txt", None, "more than the limit"),
    "truncated JSON": ("i.json", b'[{"text": "abc"', "malformed JSON"),
    "JSON scalar": ("j.json", b"3.14", "expected a list of records"),
    "JSON record without text": ("k.json", b'[{"title": "no body"}]', "no 'text' field"),
    "JSON text not a string": ("l.json", b'[{"text": 42}]', "'text' is int"),
    "JSON text empty": ("m.json", b'[{"text": "   "}]', "'text' is empty"),
    "JSONL broken line": ("n.jsonl", b'{"text": "ok"\n', "malformed JSON"),
    "JSONL array line": ("o.jsonl", b'["text"]\n', "not an object"),
    "JSONL not UTF-8": ("o2.jsonl", "{\"text\": \"ok\"}\n{\"text\": \"Grüße\"}\n".encode("latin-1"), "line 2"),
    "CSV without text column": ("p.csv", b"id,title\n1,x\n", "no text column"),
    "CSV ragged row": ("q.csv", b"id,text\n1,a,b,c\n", "fields, the header has"),
    "CSV not UTF-8": ("r.csv", "id,text\n1,Grüße\n".encode("latin-1"), "not valid UTF-8"),
    "xlsx that is not a zip": ("s.xlsx", b"PK-not-really", "not a readable spreadsheet"),
    "xlsx zip bomb": ("t.xlsx", "bomb", "zip bomb"),
    "unsupported type": ("u.pdf", b"%PDF-1.7", "unsupported file type"),
    "text with NUL characters in JSON": ("v.json", json.dumps([{"text": "a\u0000b"}]).encode(), "NUL"),
}


def fingerprint(location):
    """The project's content, and the database file's bytes after a checkpoint."""
    store = Store.open(location)
    content = (sorted((d.uid, d.text, d.title) for d in store.iter_documents()), store.annotation_count(),
               [e.id for e in store.entities()])
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return content, hashlib.sha256((location / DB_FILENAME).read_bytes()).hexdigest()


@pytest.fixture
def project(tmp_path):
    store, _ = create_sample_project(tmp_path / "project")
    store.close()
    return tmp_path / "project"


@pytest.mark.parametrize("case", sorted(ARTICLE_FILES))
def test_bad_article_files(project, tmp_path, case, monkeypatch):
    name, content, reason = ARTICLE_FILES[case]
    path = tmp_path / name
    if case == "huge article":
        monkeypatch.setattr("curator.importer.MAX_TEXT_CHARS", 5_000_000)
        path.write_text("word " * 10_000_000, encoding="utf-8")  # 50 MB
    elif content == "bomb":
        zip_bomb(path)
    else:
        path.write_bytes(content)
    before = fingerprint(project)
    store = Store.open(project)
    report = import_files(store, [path])
    store.close()
    assert report.added == [] and len(report.problems) == 1
    assert name in str(report.problems[0]) and reason in str(report.problems[0])
    assert fingerprint(project) == before


def layer_file(tmp_path, project, change):
    store = Store.open(project)
    path = tmp_path / "layer.json"
    export_layer(store, "aigerim", path)
    store.close()
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))
    return path


def set_first_span(**values):
    def change(data):
        data["documents"][0]["annotations"][0].update(values)
    return change


def make_new_span(**values):
    def change(data):
        data["documents"][0]["annotations"] = [{"id": "new-span", "start": 0, "end": 5, "label": "ORG", **values}]
    return change


LAYER_CASES = {
    "offsets outside the text": (make_new_span(start=0, end=10**7), "outside the text"),
    "negative offset": (make_new_span(start=-3), "greater than or equal to 0"),
    "unknown label": (make_new_span(label="WEAPON"), "unknown label 'WEAPON'"),
    "text not matching the slice": (make_new_span(text="Nonsense"), "differs from the document text"),
    "link to a missing entity": (make_new_span(entity_id="ghost"), "does not exist"),
    "malformed value": (make_new_span(label="MONEY", value={"type": "figure", "amount": "lots"}),
                        "invalid normalized value"),
    "span id of another annotator": (set_first_span(), "belongs to"),
    "file for another project": (lambda d: d["documents"].__setitem__(0, {**d["documents"][0], "id": "elsewhere"}),
                                 "no such document in this project"),
    "text changed in the other copy": (lambda d: d["documents"][0].update(text_sha256="0" * 64),
                                       "text differs"),
}


@pytest.mark.parametrize("case", sorted(LAYER_CASES))
def test_bad_annotation_files(project, tmp_path, case):
    change, reason = LAYER_CASES[case]
    if case == "span id of another annotator":
        store = Store.open(project)
        other = next(a for a in store.annotations_for(1, "daniyar"))
        store.close()
        change = set_first_span(id=other.id)
    path = layer_file(tmp_path, project, change)
    before = fingerprint(project)
    store = Store.open(project)
    report = import_layer(store, path)
    store.close()
    assert report.added == 0 and report.updated == 0
    assert any(reason in problem and "layer.json" in problem for problem in report.problems), report.problems
    assert fingerprint(project)[0] == before[0]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [("x.json", b'{"format": "curator-annotations", "format_version": 99, "annotator": "a", "documents": []}',
      "version 99 is not supported"),
     ("y.json", b'{"format": "curator-annotations", "format_version": 1, "annotator": "a", "documents": {}}',
      "'documents' must be a list")],
)
def test_unreadable_annotation_files(project, tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    before = fingerprint(project)
    store = Store.open(project)
    with pytest.raises(CuratorError, match=reason):
        import_layer(store, path)
    store.close()
    assert fingerprint(project) == before


def test_duplicate_document_ids_in_one_file_are_kept_apart(project, tmp_path):
    path = tmp_path / "dups.json"
    path.write_text(json.dumps([{"id": "same", "text": "First."}, {"id": "same", "text": "Second."}]))
    store = Store.open(project)
    report = import_files(store, [path])
    assert len(report.added) == 2
    assert store.document_by_uid("same").text == "First." and store.document_by_uid("same-2").text == "Second."
    store.close()


def test_bad_conll_changes_nothing(project, tmp_path):
    path = tmp_path / "bad.conll"
    path.write_text("Astana B-LOCATION\nand Q-WHAT\n")
    before = fingerprint(project)
    store = Store.open(project)
    with pytest.raises(CuratorError, match="line 2"):
        import_annotated(store, path, "conll")
    store.close()
    assert fingerprint(project) == before
