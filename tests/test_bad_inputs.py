"""A catalogue of bad inputs: each gives a clear error naming the file (and record), and the
project is left exactly as it was."""

import hashlib
import json
import os
import re
import zipfile

import pytest

from curator.errors import CuratorError
from curator.formats.articles import import_files
from curator.formats.export import ExportRefused
from curator.formats.interop import export_interop, import_annotated, import_paths
from curator.formats.layer_files import export_layer, import_layer
from curator.formats.schema_files import read_schema
from curator.session.project import create_sample_project
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
    "xlsx with a cell at XFD1048576": ("w.xlsx", "far cell", "spread over 17,179,869,184"),
    "ods with a cell repeated 94 million times": ("w2.ods", "repeated cell", "spread over 94,320,090"),
    "xlsx with the far cell's row written with leading zeros": ("w3.xlsx", "far cell padded",
                                                               "spread over 17,179,869,184"),
    "xlsx whose sheet lies outside xl/worksheets": ("w4.xlsx", "far cell moved", "spread over 17,179,869,184"),
    "a device named as an article file": ("dev.txt", "device", "a device, not a file to read"),
    "a named pipe named as a JSONL file": ("fifo.jsonl", "fifo", "a FIFO (named pipe), not a file to read"),
    "a device named as a spreadsheet": ("dev.xlsx", "device", "a device, not a file to read"),
    "JSON nested 100,000 deep": ("x.json", b"[" * 100_000 + b"]" * 100_000, "nested more than 64 levels"),
    "JSONL nested 100,000 deep": ("x.jsonl", b'{"text": "a", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n",
                                  "nested more than 64 levels"),
    "JSONL id of 10,000 characters": ("y.jsonl", json.dumps({"id": "i" * 10_000, "text": "a"}).encode(),
                                      "more than the limit of 200"),
    "JSON NaN": ("z1.json", b'[{"text": "a", "score": NaN}]', "NaN is not a number"),
    "JSON 1e400": ("z2.json", b'[{"text": "a", "score": 1e400}]', "not finite"),
    "JSON lone surrogate": ("z3.json", b'[{"text": "a \\ud800 b"}]', "lone surrogate"),
    "JSON documents not a list": ("z4.json", b'{"documents": {"text": "a"}}', "'documents' is an object"),
    "JSONL title is a list": ("z5.jsonl", b'{"text": "a", "title": ["x"]}', "'title' is a list"),
}


def repeated_cell_spreadsheet(path):
    """An OpenDocument sheet whose one written cell repeats over 1,048,000 rows and 90 columns."""
    table = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    content = (f'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               f'xmlns:table="{table}" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
               '<office:body><office:spreadsheet><table:table table:name="S">'
               '<table:table-row><table:table-cell office:value-type="string"><text:p>text</text:p>'
               '</table:table-cell></table:table-row><table:table-row table:number-rows-repeated="1048000">'
               '<table:table-cell table:number-columns-repeated="90" office:value-type="string"><text:p>x</text:p>'
               '</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>'
               '</office:document-content>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)


def far_cell_workbook(path):
    """A text column and one cell at the sheet's last cell: the area between is 17 billion cells."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write(0, 0, "text")
    sheet.write(1, 0, "An article.")
    sheet.write(1_048_575, 16_383, "x")
    book.close()


def rewritten(path, change):
    """Rewrite the zip package at ``path``: ``change(name, data)`` gives each part's new name and data."""
    with zipfile.ZipFile(path) as archive:
        parts = [change(name, archive.read(name)) for name in archive.namelist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            archive.writestr(name, data)


def padded_far_cell(name, data):
    """The far cell's row written as 00000001048576: the same cell to a reader."""
    return name, data.replace(b'r="XFD1048576"', b'r="XFD00000001048576"')


def moved_sheet(name, data):
    """The sheet moved out of xl/worksheets, the workbook's relationships pointing to it there."""
    if name == "xl/worksheets/sheet1.xml":
        return "xl/sheets/sheet1.xml", data
    return name, data.replace(b"worksheets/sheet1.xml", b"sheets/sheet1.xml")


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
        monkeypatch.setattr("curator.formats.article_files.MAX_TEXT_CHARS", 5_000_000)
        path.write_text("word " * 10_000_000, encoding="utf-8")  # 50 MB
    elif content == "bomb":
        zip_bomb(path)
    elif isinstance(content, str) and content.startswith("far cell"):
        far_cell_workbook(path)
        if content != "far cell":
            rewritten(path, padded_far_cell if content.endswith("padded") else moved_sheet)
    elif content == "device":
        path.symlink_to("/dev/zero")  # read, it never ends
    elif content == "fifo":
        os.mkfifo(path)  # opened, it waits for a writer that never comes
    elif content == "repeated cell":
        repeated_cell_spreadsheet(path)
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
    assert report.spans_added == 0 and report.spans_updated == 0
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


@pytest.mark.parametrize(("offset", "value", "reason"), [
    (8, b"\x01\x00", "password required"),  # the member says it is encrypted
    (10, b"\x63\x00", "compression method is not supported"),  # a method Python cannot unpack
])
def test_a_zip_whose_member_cannot_be_unpacked_is_refused_by_name(project, tmp_path, offset, value, reason):
    """Found by fuzzing: a doccano zip whose member is encrypted, or packed by a method the
    zip reader lacks, is refused naming the file and the member, and changes nothing."""
    path = tmp_path / "doccano.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("alice.jsonl", json.dumps({"text": "Prices rose.", "label": [[0, 6, "MONEY"]]}) + "\n")
    data = bytearray(path.read_bytes())
    central = data.index(b"PK\x01\x02")
    data[central + offset : central + offset + 2] = value
    path.write_bytes(bytes(data))
    before = fingerprint(project)
    store = Store.open(project)
    with pytest.raises(CuratorError, match=f"doccano.zip: alice.jsonl: cannot be unpacked .*{reason}"):
        import_annotated(store, path, "doccano")
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


MALFORMED_LAYER_CASES = {
    "offset a string": (set_first_span(start="5"), "not an integer offset"),
    "offset 0.9": (set_first_span(end=0.9), "not an integer offset"),
    "offset null": (set_first_span(start=None), "not an integer offset"),
    "time without a timezone": (set_first_span(updated="2024-01-01T10:00:00"), "ISO 8601 time with a timezone"),
    "span id twice": (lambda d: d["documents"][0]["annotations"].append(dict(d["documents"][0]["annotations"][0])),
                      "appears twice in the file"),
    "span not an object": (lambda d: d["documents"][0]["annotations"].append("span"), "not an object"),
    "document id a number": (lambda d: d["documents"][0].update(id=7), "not a document id"),
    "entity without a name": (lambda d: d["entities"].append({"id": "e", "type": "ORG"}), "entity"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED_LAYER_CASES))
def test_malformed_annotation_files_are_refused_whole(project, tmp_path, case):
    """A malformed record refuses the whole file: not even the well-formed spans beside it are written."""
    change, reason = MALFORMED_LAYER_CASES[case]

    def with_a_good_span(data):
        data["documents"][1]["annotations"].append({"id": "good-span", "start": 0, "end": 5, "label": "ORG"})
        change(data)

    path = layer_file(tmp_path, project, with_a_good_span)
    before = fingerprint(project)
    store = Store.open(project)
    with pytest.raises(CuratorError, match=re.escape(reason)) as refused:
        import_layer(store, path)
    store.close()
    assert "layer.json" in str(refused.value)
    assert fingerprint(project) == before


def curator_export(tmp_path, project, change):
    from curator.formats.export import export_json

    store = Store.open(project)
    path = tmp_path / "dataset.json"
    export_json(store, path)
    store.close()
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))
    return path


def first_export_span(**values):
    def change(data):
        data["documents"][0]["annotations"][0].update(values)
    return change


TOOL_FILES = {
    "Label Studio offsets 0.9": ("tasks.json", json.dumps([{"data": {"text": "Astana and Beijing"}, "annotations": [
        {"result": [{"value": {"start": 0.9, "end": 6, "labels": ["LOCATION"]}}]}]}]), "not an integer offset"),
    "Label Studio labels a string": ("tasks.json", json.dumps([{"data": {"text": "Astana"}, "annotations": [
        {"result": [{"value": {"start": 0, "end": 6, "labels": "ORG"}}]}]}]), "not a list of labels"),
    "Label Studio offsets strings": ("tasks.json", json.dumps([{"data": {"text": "Astana"}, "annotations": [
        {"result": [{"value": {"start": "0", "end": "6", "labels": ["ORG"]}}]}]}]), "not an integer offset"),
    "Label Studio neither tasks nor a task": ("tasks.json", '"tasks"', "a list of tasks"),
    "Label Studio Infinity": ("tasks.json", '[{"data": {"text": "a"}, "annotations": [{"result": [{"value": '
                              '{"start": 0, "end": Infinity, "labels": ["ORG"]}}]}]}]', "Infinity"),
    "doccano lone surrogate": ("data.jsonl", '{"text": "Astana \\ud800", "label": []}\n', "lone surrogate"),
    "doccano label not a triple": ("data.jsonl", '{"text": "Astana", "label": [[0, 6]]}\n', "not [start, end, label]"),
    "doccano null offset": ("data.jsonl", '{"text": "Astana", "label": [[null, 6, "LOCATION"]]}\n',
                            "not an integer offset"),
    "doccano deep nesting": ("data.jsonl", '{"text": "a", "label": ' + "[" * 100_000 + "]" * 100_000 + "}\n",
                             "nested more than 64 levels"),
    "doccano second line bad": ("data.jsonl", '{"text": "Good.", "label": []}\n{"text": 5}\n', "line 2"),
}


@pytest.mark.parametrize("case", sorted(TOOL_FILES))
def test_malformed_tool_files_are_refused_whole(project, tmp_path, case):
    name, content, reason = TOOL_FILES[case]
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    before = fingerprint(project)
    store = Store.open(project)
    fmt = "labelstudio" if name.endswith(".json") else "doccano"
    with pytest.raises(CuratorError, match=re.escape(reason)) as refused:
        import_annotated(store, path, fmt)
    store.close()
    assert name in str(refused.value)
    assert fingerprint(project) == before


CURATOR_EXPORT_CASES = {
    "documents not a list": (lambda d: d.update(documents={"a": 1}), "not a list"),
    "top level a list": (None, "an object, not a list"),
    "offset a string": (first_export_span(start="3"), "not an integer offset"),
    "time without a timezone": (first_export_span(created="2024-01-01T10:00:00"), "ISO 8601 time with a timezone"),
    "link to a missing entity": (first_export_span(entity_id="ghost"), "does not exist"),
    "span text not the slice": (first_export_span(text="Nonsense"), "differs from the document text"),
    "duplicate span id": (lambda d: d["documents"][0]["annotations"].append(d["documents"][0]["annotations"][0]),
                          "appears twice in the file"),
    "document id null": (lambda d: d["documents"][2].update(id=None), "id: missing"),
    "fact citing a missing span": (lambda d: d["facts"].append({"id": "f", "subject": "s", "measure": "m",
                                                                "mentions": [{"mention": "ghost"}]}),
                                   "not in the file or the project"),
}


@pytest.mark.parametrize("case", sorted(CURATOR_EXPORT_CASES))
def test_malformed_curator_exports_add_nothing(project, tmp_path, case):
    """The documents of a refused export stay out too (they used to be added before the failing record)."""
    change, reason = CURATOR_EXPORT_CASES[case]
    path = curator_export(tmp_path, project, change or (lambda d: None))
    if change is None:
        path.write_text(json.dumps([json.loads(path.read_text())]))
    target = tmp_path / "fresh"
    Store.create(target).close()
    before = fingerprint(target)
    store = Store.open(target)
    with pytest.raises(CuratorError, match=re.escape(reason)):
        import_annotated(store, path, "curator")
    store.close()
    assert fingerprint(target) == before


def test_span_id_of_another_document_is_reported(project, tmp_path):
    path = curator_export(tmp_path, project, lambda d: None)
    data = json.loads(path.read_text())
    store = Store.open(project)
    other = store.annotations_for(store.document_by_uid(data["documents"][1]["id"]).id)[0]
    data["documents"][1]["annotations"] = [a for a in data["documents"][1]["annotations"] if a["id"] != other.id]
    data["documents"][0]["annotations"][0].update(id=other.id, start=0, end=6, text=data["documents"][0]["text"][:6],
                                                  label="PERSON", entity_id=None, value=None)
    path.write_text(json.dumps(data))
    report = import_annotated(store, path, "curator")
    store.close()
    assert report.spans_added == 0
    assert any(f"span id {other.id!r} is already used by another span" in p for p in report.problems)


@pytest.mark.parametrize("fmt", ["labelstudio", "doccano", "conll", "spacy", "layer"])
@pytest.mark.parametrize("tamper", ["label = 'WEAPON'", "end = 10000000", "start = end + 1"])
def test_tampered_span_is_refused_by_every_writer(project, tmp_path, fmt, tamper):
    if fmt == "spacy":
        pytest.importorskip("spacy")
    store = Store.open(project)
    with store.engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE annotations SET {tamper} WHERE id = "
                             "(SELECT id FROM annotations WHERE annotator = 'aigerim' ORDER BY id LIMIT 1)")
    target = tmp_path / f"out.{fmt}"
    with pytest.raises(ExportRefused, match="export refused"):
        if fmt == "layer":
            export_layer(store, "aigerim", target)
        else:
            export_interop(store, target, fmt, "aigerim")
    store.close()
    assert list(tmp_path.glob("*out*")) == []


def test_doccano_keeps_metadata_and_every_line_break(project, tmp_path):
    text = "Astana\u2028and\x85Beijing\u2029signed\r\nthe deal"
    path = tmp_path / "data.jsonl"
    path.write_text(json.dumps({"id": "d1", "text": text, "title": "Deal", "source": "nCa", "date": "2023-11-07",
                                "desk": "trade", "label": [[0, 6, "LOCATION"]]}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    store = Store.create(tmp_path / "fresh")
    report = import_annotated(store, path)
    assert report.problems == [] and report.spans_added == 1
    document = store.document_by_uid("d1")
    assert (document.text, document.title, document.source, str(document.published), document.extra) == (
        text, "Deal", "nCa", "2023-11-07", {"desk": "trade"})
    export_interop(store, tmp_path / "again.jsonl", "doccano")
    assert "\u2028" not in (tmp_path / "again.jsonl").read_text(encoding="utf-8")
    other = Store.create(tmp_path / "other")
    assert len(import_annotated(other, tmp_path / "again.jsonl").added) == 1
    copy = other.document_by_uid("d1")
    assert (copy.text, copy.title, copy.published) == (text, "Deal", document.published)
    store.close()
    other.close()


def _not_a_file(path, kind):
    if kind == "device":
        path.symlink_to("/dev/zero")  # read, it never ends
    else:
        os.mkfifo(path)  # opened, it waits for a writer that never comes


@pytest.mark.parametrize("kind", ["device", "fifo"])
@pytest.mark.parametrize(("name", "read"), [
    ("tasks.json", lambda store, path: import_annotated(store, path, "labelstudio")),
    ("lines.jsonl", lambda store, path: import_annotated(store, path, "doccano")),
    ("tokens.conll", lambda store, path: import_annotated(store, path, "conll")),
    ("detected.json", lambda store, path: import_paths(store, [path])),
    ("detected.jsonl", lambda store, path: import_paths(store, [path])),
    ("layer.json", lambda store, path: import_layer(store, path)),
    ("schema.json", lambda store, path: read_schema(path)),
])
def test_every_reader_refuses_a_device_or_a_pipe_before_reading(project, tmp_path, kind, name, read):
    """A device would be read without end and a named pipe would block: each reader
    refuses them, naming the file, and the project is unchanged."""
    path = tmp_path / name
    _not_a_file(path, kind)
    before = fingerprint(project)
    store = Store.open(project)
    try:
        result = read(store, path)
    except CuratorError as exc:
        message = str(exc)
    else:  # the article import reports a file it skips
        message = "; ".join(str(problem) for problem in result.problems)
    store.close()
    assert name in message and "not a file to read" in message
    assert fingerprint(project) == before


def test_a_json_file_over_the_size_limit_imports_a_record_at_a_time(project, tmp_path, monkeypatch):
    """A JSON list of articles larger than the limit of files read whole streams, as JSON
    Lines do: it imports, and is never read whole."""
    monkeypatch.setattr("curator.formats.boundary.MAX_INPUT_BYTES", 1_000)
    path = tmp_path / "big.json"
    path.write_text(json.dumps([{"id": "big-1", "text": "x" * 2_000}, {"id": "big-2", "text": "y " * 500}]))
    reads = []
    monkeypatch.setattr(type(path), "read_bytes", lambda self: reads.append(self) or b"")
    store = Store.open(project)
    report = import_paths(store, [path])
    texts = [store.document_by_uid(uid).text for uid in ("big-1", "big-2")]
    store.close()
    assert report.problems == []
    assert texts == ["x" * 2_000, "y " * 500]
    assert reads == []  # read a chunk at a time, never whole


def test_json_lines_and_csv_over_the_size_limit_are_read_a_line_at_a_time(project, tmp_path, monkeypatch):
    """The limit guards files read whole: articles read a line at a time import at any size
    (a million articles of JSON Lines are some 4 GB)."""
    monkeypatch.setattr("curator.formats.boundary.MAX_INPUT_BYTES", 1_000)
    lines = tmp_path / "big.jsonl"
    lines.write_text("".join(json.dumps({"id": f"j{i}", "text": "word " * 40}) + "\n" for i in range(20)))
    table = tmp_path / "big.csv"
    table.write_text("id,text\n" + "".join(f"c{i},{'word ' * 40}\n" for i in range(20)))
    store = Store.open(project)
    before = store.document_count()
    report = import_paths(store, [lines, table])
    count = store.document_count() - before
    store.close()
    assert (report.problems, count) == ([], 40)


def test_a_docbin_that_unpacks_beyond_the_limit_is_refused(project, tmp_path, monkeypatch):
    import zlib

    pytest.importorskip("spacy")
    monkeypatch.setattr("curator.formats.spacy_docbin.MAX_UNPACKED", 1_000_000)
    path = tmp_path / "bomb.spacy"
    path.write_bytes(zlib.compress(b"\0" * 5_000_000, 9))  # 5 MB of zeros in 5 KB
    before = fingerprint(project)
    store = Store.open(project)
    with pytest.raises(CuratorError, match="would unpack to more than") as refused:
        import_annotated(store, path, "spacy")
    store.close()
    assert str(refused.value).count(str(path)) == 1
    assert fingerprint(project) == before


def test_a_file_of_many_bad_records_keeps_a_bounded_report_and_says_how_many(project, tmp_path, monkeypatch,
                                                                               capsys):
    from curator.cli import main
    from curator.formats.reports import ProblemList

    monkeypatch.setattr(ProblemList, "KEEP", 100)
    path = tmp_path / "empty-records.jsonl"
    path.write_text("{}\n" * 5_000 + '{"id": "fine", "text": "One good article."}\n', encoding="utf-8")
    store = Store.open(project)
    report = import_files(store, [path])
    store.close()
    assert len(report.problems) == 100 and report.problems.total == 5_000  # kept, and counted
    assert len(report.added) == 1 and "5,000 problem(s)" in report.summary()
    assert main(["import", str(project), str(path)]) == 1
    err = capsys.readouterr().err
    assert "100 x has no 'text' field" not in err  # the kind is named without its quoted parts
    assert "100 x has no … field (e.g." in err
    assert "5,000 problem(s) in all (the kinds above count the first 100)" in err


def test_nothing_in_an_imported_folder_is_skipped_without_a_word(project, tmp_path, capsys):
    """A link to a folder (not followed: it may loop), a FIFO, a device, a link to nothing
    and a file of another type are each named; the articles beside them are imported."""
    from curator.cli import main

    folder = tmp_path / "in"
    (folder / "real").mkdir(parents=True)
    (folder / "real" / "one.txt").write_text("An article in a folder.", encoding="utf-8")
    (folder / "two.txt").write_text("Another article.", encoding="utf-8")
    (folder / "linked").symlink_to(folder / "real", target_is_directory=True)
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    os.mkfifo(folder / "pipe.txt")
    os.mkfifo(folder / "pipe")
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "gone.txt").symlink_to(tmp_path / "nothing-here")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.7")
    before = fingerprint(project)
    code = main(["import", str(project), str(folder)])
    out, err = capsys.readouterr()
    assert code == 1 and "2 document(s) imported" in out
    assert "1 file(s) of no type Curator imports skipped" in out  # said in the summary, not only in detail
    for name, reason in (("linked", "a link to a folder, not followed"), ("loop", "a link to a folder"),
                         ("pipe.txt", "a FIFO (named pipe), not a file to read"), ("pipe", "a FIFO"),
                         ("zero.txt", "a device, not a file to read"), ("gone.txt", "a link to nothing"),
                         ("scan.pdf", "not a type of file Curator imports")):
        assert any(name in line and reason in line for line in err.splitlines()), (name, err)
    assert fingerprint(project) != before


# -- memory bounded by the limits, not the input -------------------------------------------

@pytest.mark.parametrize(("name", "encoding"), [("one-line.jsonl", "utf-8"), ("one-line-16.jsonl", "utf-16"),
                                                ("one-line.csv", "utf-8"), ("one-line-16.csv", "utf-16")])
def test_a_line_longer_than_any_record_is_not_read_whole(project, tmp_path, monkeypatch, name, encoding):
    """A single line of 30 MB under a limit of a million characters: refused by its line,
    with memory bounded by the limit (about two lines' worth), and the rest goes on."""
    import tracemalloc

    from curator.formats import article_files

    monkeypatch.setattr(article_files, "MAX_TEXT_CHARS", 1_000_000)  # a line may take 13 MB
    path = tmp_path / name
    if name.endswith(".jsonl"):
        content = (json.dumps({"id": "huge", "text": "x" * 30_000_000}) + "\n"
                   + json.dumps({"id": "after", "text": "An article after it."}) + "\n")
    else:
        content = "id,text\nbefore,An article before it.\nhuge," + "x" * 30_000_000 + "\nafter,Never read.\n"
    path.write_bytes(content.encode(encoding))
    del content
    store = Store.open(project)
    tracemalloc.start()
    try:
        report = import_paths(store, [path])  # as the command and the window import: the format detected first
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        read = sorted(store.uids()[doc_id] for doc_id in report.added)
        store.close()
    assert peak < 3 * article_files.line_cap()  # not the 30-60 MB of the line
    assert len(report.problems) == 1 and "longer than" in report.problems[0]
    assert "1,000,000 characters" in report.problems[0]
    assert read == (["after"] if name.endswith(".jsonl") else ["before"])  # a CSV is read no further


def test_a_text_file_too_large_for_the_limit_is_refused_before_it_is_read(project, tmp_path, monkeypatch):
    from curator.formats import article_files

    monkeypatch.setattr(article_files, "MAX_TEXT_CHARS", 1_000)
    path = tmp_path / "big.txt"
    path.write_text("word " * 1_000, encoding="utf-8")  # 5,000 bytes: more than 4 bytes a character allows
    reads = []
    monkeypatch.setattr(type(path), "read_bytes", lambda self: reads.append(self) or b"")
    store = Store.open(project)
    report = import_files(store, [path])
    store.close()
    assert len(report.problems) == 1 and "more than the limit of 1,000" in report.problems[0].reason
    assert reads == []


# -- schema files: a byte order mark, and thousands of labels -------------------------------

LABEL_STUDIO_CONFIG = ('<View><Labels name="label" toName="text"><Label value="WEAPON" background="#ff0000"/>'
                       '<Label value="VEHICLE"/></Labels><Text name="text" value="$text"/></View>')


@pytest.mark.parametrize(("name", "content"), [
    ("config.xml", LABEL_STUDIO_CONFIG),
    ("labels.json", json.dumps([{"text": "WEAPON", "background_color": "#ff0000"}, {"text": "VEHICLE"}])),
    ("schema.json", json.dumps({"format": "curator-schema", "labels": [
        {"name": "WEAPON", "kind": "entity", "color": "#ff0000"}, {"name": "VEHICLE", "kind": "plain",
                                                                   "color": "#00ff00"}]}))])
def test_a_schema_file_saved_with_a_byte_order_mark_is_read(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + content.encode("utf-8"))  # as Notepad saves "UTF-8 with BOM"
    schema, _what = read_schema(path)
    assert schema.names == ["WEAPON", "VEHICLE"]


def test_a_config_of_thousands_of_labels_is_checked_once_not_once_a_label(project, tmp_path, monkeypatch, capsys):
    """Schema work is linear: the labels a config adds are merged into the project's schema
    at once and the result checked once (each label added one at a time checked the whole
    schema again: minutes for 8,000 labels). ``benchmarks/hostile_costs.py`` times it."""
    from curator.cli import main
    from curator.domain.schema import LabelSchema

    labels = "".join(f'<Label value="L{n}"/>' for n in range(3_000))
    (tmp_path / "big.xml").write_text(f"<View><Labels>{labels}</Labels></View>", encoding="utf-8")
    checks = []
    original = LabelSchema.model_validate.__func__

    def counted(cls, *args, **kwargs):
        checks.append(1)
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(LabelSchema, "model_validate", classmethod(counted))
    assert main(["schema", "import", str(project), str(tmp_path / "big.xml")]) == 0
    capsys.readouterr()
    with Store.open(project) as store:
        assert len(store.label_schema.labels) == 9 + 3_000 and store.label_schema.names[-1] == "L2999"
    assert len(checks) < 10


def test_a_metadata_sidecar_with_a_bom_is_read_and_an_entry_for_a_missing_file_is_named(project, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "one.txt").write_text("An article.", encoding="utf-8")
    (folder / "metadata.json").write_bytes(b"\xef\xbb\xbf" + json.dumps(
        {"files": {"one.txt": {"title": "One"}, "gone.txt": {"title": "Gone"}}}).encode())
    store = Store.open(project)
    report = import_files(store, [folder])
    titles = {store.get_document(doc_id).title for doc_id in report.added}
    store.close()
    assert not report.problems and titles == {"One"}
    assert [w.reason for w in report.warnings] == ["names 'gone.txt', which is not among the files imported; its "
                                                   "metadata is not used"]


def test_a_zip_of_a_version_python_cannot_unpack_is_refused_in_words(tmp_path):
    """A zip whose central directory asks for a newer unpacker ('zip file version 6.4',
    which a mutated file made) is refused as not readable, not a traceback."""
    import io
    import struct
    import zipfile

    from curator.errors import CuratorError
    from curator.formats.archives import member_names, members

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.tsv", "#FORMAT=WebAnno TSV 3.3\n")
    data = bytearray(buffer.getvalue())
    directory = data.rindex(b"PK\x01\x02")
    struct.pack_into("<H", data, directory + 6, 64)  # version needed to extract: 6.4
    path = tmp_path / "new.zip"
    path.write_bytes(bytes(data))
    assert member_names(path) is None
    with pytest.raises(CuratorError, match="not a readable zip"):
        list(members(path, (".tsv",)))
