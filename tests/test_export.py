import json
import sys
from datetime import date

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curator.domain.models import Annotation, Document
from curator.errors import DuplicateError
from curator.formats.excel import export_xlsx
from curator.formats.export import ExportRefused, export_json
from curator.formats.validate import Severity, check_document, validate_project
from curator.formats.xlsx_writer import EXCEL_MAX_CELL
from curator.session.exporting import export
from curator.store import annotations_table

TEXT = "=SUM(A1) Kazakhstan traded US$24.2 billion with China."


@pytest.fixture
def filled(store):
    doc_id = store.add_documents([Document(uid="d1", text=TEXT, title="-minus title", source="TDI")])[0]
    for word, label, annotator, value in [
        ("Kazakhstan", "LOCATION", "ann", None),
        ("US$24.2 billion", "MONEY", "ann", {"type": "figure", "amount": "24200000000", "unit": "USD"}),
        ("China", "LOCATION", "other", None),
    ]:
        start = TEXT.index(word)
        store.add_annotation(Annotation(doc_id=doc_id, start=start, end=start + len(word), label=label,
                                        annotator=annotator, value=value))
    return store


def corrupt(store, **values):
    """Change stored spans behind the store's back, as a bad file or old bug would."""
    with store.engine.begin() as conn:
        conn.execute(annotations_table.update().where(annotations_table.c.label == "MONEY").values(**values))


def test_json_export_has_documents_texts_and_spans(filled, tmp_path):
    target = tmp_path / "out.json"
    assert export_json(filled, target) == []
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["format"] == "curator-dataset" and data["format_version"] == 1
    [document] = data["documents"]
    assert document["text"] == TEXT and document["id"] == "d1"
    spans = {(a["text"], a["label"], a["annotator"]) for a in document["annotations"]}
    assert spans == {("Kazakhstan", "LOCATION", "ann"), ("US$24.2 billion", "MONEY", "ann"),
                     ("China", "LOCATION", "other")}
    assert all(TEXT[a["start"] : a["end"]] == a["text"] for a in document["annotations"])
    money = next(a for a in document["annotations"] if a["label"] == "MONEY")
    assert money["value"] == {"type": "figure", "amount": "24200000000", "unit": "USD", "scale": None,
                              "qualifier": "exact", "change": "level"}


def test_export_of_one_annotators_layer(filled, tmp_path):
    export_json(filled, tmp_path / "ann.json", annotator="other")
    [document] = json.loads((tmp_path / "ann.json").read_text())["documents"]
    assert [a["annotator"] for a in document["annotations"]] == ["other"]


def test_excel_export_has_typed_sheets_and_neutralised_formulas(filled, tmp_path):
    target = tmp_path / "out.xlsx"
    export(filled, target)  # as the command line and the window export: agreement worked out first
    book = openpyxl.load_workbook(target)
    assert book.sheetnames[:5] == ["documents", "annotations", "entities", "facts", "labels"]
    assert "agreement labels" in book.sheetnames  # two annotators: agreement travels with the data
    documents = book["documents"]
    header = [c.value for c in documents[1]]
    assert header[:3] == ["id", "title", "source"] and "text" in header
    row = {h: c for h, c in zip(header, documents[2])}
    assert row["text"].value == TEXT and row["text"].data_type == "s"  # a string, not a formula
    assert row["text"].quotePrefix and row["title"].quotePrefix  # Excel will not evaluate them when edited
    assert documents.freeze_panes == "A2" and documents.auto_filter.ref
    spans = book["annotations"]
    span_header = [c.value for c in spans[1]]
    rows = [dict(zip(span_header, (c.value for c in r))) for r in spans.iter_rows(min_row=2)]
    money = next(r for r in rows if r["label"] == "MONEY")
    assert money["start"] == TEXT.index("US$") and isinstance(money["start"], int)
    assert (money["amount"], money["unit"], money["qualifier"]) == (24200000000, "USD", "exact")
    assert money["created"].year >= 2026  # a real Excel date, not text


def test_excel_export_of_texts_that_look_like_markup_opens_and_keeps_them(store, tmp_path):
    """XlsxWriter's streaming mode wrote a text from ``<r>`` to ``</r>`` unescaped: this
    article made a workbook no reader could open."""
    text = "<r>Kazakhstan & China</r>"
    doc_id = store.add_documents([Document(uid="d1", text=text, title="<r>a & b</r>", source="_x0041_")])[0]
    store.add_annotation(Annotation(doc_id=doc_id, start=3, end=13, label="LOCATION", annotator="ann"))
    target = tmp_path / "out.xlsx"
    export_xlsx(store, target)
    book = openpyxl.load_workbook(target)
    row = {h.value: c.value for h, c in zip(book["documents"][1], book["documents"][2])}
    assert (row["title"], row["text"]) == ("<r>a & b</r>", text)
    assert book["annotations"]["E2"].value == "Kazakhstan"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"end": 500}, "outside the text"),
        ({"start": 50}, "outside the text"),  # starts after it ends
        ({"label": "WEAPON"}, "unknown label 'WEAPON'"),
    ],
)
def test_invalid_data_is_refused_and_nothing_is_written(filled, tmp_path, change, message):
    corrupt(filled, **change)
    for fmt in ("json", "xlsx"):
        target = tmp_path / f"out.{fmt}"
        target.write_text("previous export")
        with pytest.raises(ExportRefused) as refused:
            export(filled, target)
        [problem] = refused.value.problems
        assert message in problem.message
        assert problem.doc_uid == "d1" and problem.start is not None
        assert target.read_text() == "previous export"  # the old file is untouched
        assert [p.name for p in tmp_path.iterdir()] == [target.name] or all(
            not p.name.endswith(".part") for p in tmp_path.iterdir()
        )


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_an_export_whose_schema_cannot_be_written_beside_it_writes_nothing(filled, tmp_path, fmt):
    from curator.errors import CuratorError
    from curator.formats.export import SCHEMA_NAME

    out = tmp_path / "out"
    out.mkdir()
    # The export may not take the schema's own name: the schema would replace it.
    with pytest.raises(CuratorError, match="name of the dataset's JSON Schema"):
        export(filled, out / SCHEMA_NAME, fmt)
    assert list(out.iterdir()) == []
    # A folder where the schema goes refuses the export before it is written.
    (out / SCHEMA_NAME).mkdir()
    with pytest.raises(CuratorError, match="refused"):
        export(filled, out / f"out.{fmt}")
    assert sorted(p.name for p in out.iterdir()) == [SCHEMA_NAME]


def test_validate_lists_errors_and_warnings(filled):
    assert validate_project(filled) == []
    doc_id = filled.document_by_uid("d1").id
    with pytest.raises(DuplicateError, match="already has this LOCATION span"):  # the store holds a span once
        filled.add_annotation(Annotation(doc_id=doc_id, start=9, end=19, label="LOCATION", annotator="ann"))
    assert validate_project(filled) == []
    corrupt(filled, end=999)
    [problem] = validate_project(filled)
    assert problem.severity is Severity.ERROR
    assert f"d1 [{TEXT.index('US$')}:999]" in str(problem)


def test_span_text_must_equal_the_slice():
    raw = {"id": "d", "text": "Astana and Beijing", "annotations": [
        {"id": "a", "start": 0, "end": 6, "text": "Beijing", "label": "LOCATION", "annotator": "x",
         "created": "2024-01-01T00:00:00Z", "updated": "2024-01-01T00:00:00Z"}]}
    document, [problem] = check_document(raw, {"LOCATION"})
    assert document is None
    assert "differs from the document text 'Astana'" in problem.message
    assert (problem.annotation_id, problem.start, problem.end) == ("a", 0, 6)


def test_long_texts_overflow_into_their_own_sheet_not_cut(store, tmp_path):
    text = "x" * (EXCEL_MAX_CELL * 2 + 10)
    store.add_documents([Document(uid="long", text=text)])
    target = tmp_path / "long.xlsx"
    export_xlsx(store, target)
    book = openpyxl.load_workbook(target, read_only=True)
    first = [r for r in book["documents"].iter_rows(min_row=2, values_only=True)][0]
    parts = [r for r in book["overflow"].iter_rows(min_row=2, values_only=True)]
    assert [p[:4] for p in parts] == [("documents", 2, "text", 2), ("documents", 2, "text", 3)]
    assert first[-1] + "".join(p[4] for p in parts) == text


@pytest.mark.parametrize("text", ["😀" * 40_000, "a" + "𝄞" * 20_000 + "=SUM(A1)" + "b" * 30_000])
def test_excel_cells_count_as_excel_does_and_keep_every_character(store, tmp_path, text):
    """Excel's cell limit counts UTF-16 code units: an emoji counts twice."""
    store.add_documents([Document(uid="astral", text=text)])
    target = tmp_path / "astral.xlsx"
    export_xlsx(store, target)
    book = openpyxl.load_workbook(target, read_only=True)
    first = [r for r in book["documents"].iter_rows(min_row=2, values_only=True)][0][-1]
    parts = [r[4] for r in book["overflow"].iter_rows(min_row=2, values_only=True)]
    assert first + "".join(parts) == text
    assert all(len(cell.encode("utf-16-le")) // 2 <= EXCEL_MAX_CELL for cell in [first, *parts])


def test_a_fact_value_that_is_not_a_number_is_refused_by_validate_and_every_export(filled, tmp_path, capsys):
    """An accepted value stored as text (as an older Curator let the form do) is reported
    with the fact, and no export writes it; it never breaks the Excel writer."""
    from curator.cli import main
    from curator.domain.models import utc_now
    from curator.store.tables import facts_table

    for bad in ("US$24.2 billion", "=1+1", "Infinity"):
        with filled.engine.begin() as conn:
            conn.execute(facts_table.delete())
            conn.execute(facts_table.insert().values(id="f1", subject="KZ-CN", measure="trade turnover",
                                                     accepted_amount=bad, mentions=[], created=utc_now()))
        assert filled.facts()["f1"].accepted_amount == bad  # still shown, to be fixed
        [problem] = [p for p in validate_project(filled) if p.severity is Severity.ERROR]
        assert "fact trade turnover" in str(problem) and "accepted_amount" in problem.message
        for fmt in ("json", "xlsx"):  # the formats that carry facts
            target = tmp_path / f"out.{fmt}"
            assert main(["export", str(filled.location), "-o", str(target)]) == 1
            err = capsys.readouterr().err
            assert "export refused" in err and "Traceback" not in err and not target.exists()


def test_tables_longer_than_a_sheet_continue_on_the_next(store, tmp_path):
    store.add_documents([Document(uid=f"d{i}", text=f"Doc {i}") for i in range(7)])
    target = tmp_path / "rows.xlsx"
    export_xlsx(store, target, max_rows=4)  # 3 data rows a sheet
    book = openpyxl.load_workbook(target, read_only=True)
    assert book.sheetnames == ["documents", "annotations", "documents (2)", "documents (3)", "entities", "facts",
                               "labels", "labels (2)", "labels (3)"]  # nine labels, three to a sheet
    ids = [r[0] for name in book.sheetnames if name.startswith("documents")
           for r in book[name].iter_rows(min_row=2, values_only=True)]
    assert ids == [f"d{i}" for i in range(7)]


def test_unknown_format_is_an_error(filled, tmp_path):
    with pytest.raises(Exception, match="unknown export format"):
        export(filled, tmp_path / "out.csv")


def test_the_quick_checks_give_exactly_what_the_dataset_model_gives(store):
    """Exports skip the pydantic model for documents that plainly pass its checks: the
    result must be the model's own, for every kind of span (values, entities, dates), on
    both databases (SQLite hands back text, PostgreSQL aware datetimes)."""
    from datetime import datetime, timezone

    from curator.domain.models import DocumentStatus
    from curator.formats.articles import import_files
    from curator.formats.layer_files import import_layer
    from curator.formats.validate import export_document, exported_quickly
    from curator.session.project import SAMPLE_ANNOTATIONS, sample_docs_dir

    import_files(store, [sample_docs_dir()])
    for layer in sorted(SAMPLE_ANNOTATIONS.glob("*.json")):
        import_layer(store, layer)
    store.add_documents([Document(uid="with-extra", text="Astana, 3 May.", extra={"desk": "politics", "n": [1, 2.5]})])
    whole_second = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)  # written without microseconds
    store.add_annotation(Annotation(doc_id=store.document_ids()[0], start=0, end=3, label="ORG", annotator="z",
                                    created=whole_second, updated=whole_second))
    labels = {label.name: label.kind for label in store.label_schema.labels}
    entities = {entity.id for entity in store.entities()}
    spans_seen = []
    for document, spans in store.iter_documents_with_span_rows():
        quick, warned = exported_quickly(document, spans, "done", labels, entities)
        by_model, problems = check_document(export_document(document, spans, DocumentStatus.DONE), labels,
                                            document.id, entities)
        assert quick == by_model
        assert warned or not problems  # documents with warnings are always looked at again
        spans_seen.extend(quick["annotations"])
    assert sum(1 for s in spans_seen if s["value"]) > 20 and sum(1 for s in spans_seen if s["entity_id"]) > 20
    assert "2026-01-02T03:04:05Z" in {s["created"] for s in spans_seen}


@pytest.mark.parametrize("change", [
    {"start": -1}, {"end": 10_000}, {"end": 0}, {"label": "NOPE"}, {"created": "yesterday"},
    {"updated": "2024-01-01T00:00:00"}, {"value": '{"type": "figure", "amount": "many"}'}, {"value": "[1, 2]"},
    {"value": "{broken"}, {"entity_id": "missing"},
])
def test_the_quick_checks_leave_anything_doubtful_to_the_model(change):
    from curator.formats.validate import exported_quickly

    fields = ("id", "doc_id", "start", "end", "label", "annotator", "entity_id", "created", "updated", "value")
    span = {"id": "a", "doc_id": 1, "start": 0, "end": 6, "label": "LOCATION", "annotator": "x", "entity_id": None,
            "created": "2024-01-01 00:00:00.000000", "updated": "2024-01-01 00:00:00.000000", "value": "null"}
    document = Document(id=1, uid="d", text="Astana and Beijing")
    row = tuple(span[f] for f in fields)
    assert exported_quickly(document, [row], "todo", {"LOCATION"}, set()) is not None
    row = tuple({**span, **change}[f] for f in fields)
    assert exported_quickly(document, [row], "todo", {"LOCATION"}, set()) is None


_VALUES = st.sampled_from([
    "null", None, '{"type": "figure", "amount": "24200000000", "unit": "USD"}',
    {"type": "figure", "amount": "5", "unit": "%", "qualifier": "approximate"},
    '{"type": "date", "start": "2023-03-28", "end": "2023-03-28", "granularity": "day"}',
    '{"type": "date", "unresolved": "no year"}', '{"type": "figure", "amount": "many"}', "[1, 2]", "{broken",
    '{"type": "figure", "amount": "1e400", "unit": "USD"}', "{}"])
_TIMES = st.sampled_from(["2024-01-01 00:00:00.000000", "2024-01-01 00:00:05", "2024-01-01T00:00:00",
                          "yesterday", None])


@settings(max_examples=200, deadline=None)
@given(text=st.text(min_size=0, max_size=12), published=st.sampled_from([None, date(2023, 3, 28), "2023-13-01"]),
       spans=st.lists(st.fixed_dictionaries({
           "start": st.integers(-1, 13), "end": st.integers(-1, 13),
           "label": st.sampled_from(["LOCATION", "MONEY", "DATE", "NOPE"]), "annotator": st.sampled_from("ab"),
           "entity_id": st.sampled_from([None, "e1", "missing"]), "created": _TIMES, "updated": _TIMES,
           "value": _VALUES}), max_size=4))
def test_the_quick_path_and_the_model_never_disagree(text, published, spans):
    """Whatever the stored rows hold, the hand-written fast path either leaves the document
    to the model or gives exactly what the model gives (and flags every one with warnings)."""
    from curator.domain.models import DocumentStatus
    from curator.domain.schema import LabelKind
    from curator.formats.validate import export_document, exported_quickly
    from curator.store import SPAN_ROW_FIELDS

    document = Document.model_construct(id=1, uid="d", text=text, title=None, source=None, url=None,
                                        published=published)
    rows = [tuple({**span, "id": f"s{n}", "doc_id": 1}[f] for f in SPAN_ROW_FIELDS) for n, span in enumerate(spans)]
    labels = {"LOCATION": LabelKind.ENTITY, "MONEY": LabelKind.FIGURE, "DATE": LabelKind.DATE}
    quick = exported_quickly(document, rows, "done", labels, {"e1"})
    by_model, problems = check_document(export_document(document, rows, DocumentStatus.DONE), labels, 1, {"e1"})
    if quick is not None:
        exported, warned = quick
        assert exported == by_model
        assert warned or not problems


def test_span_rows_read_through_the_driver_equal_sqlalchemys(annotated_sample):
    """On SQLite the export reads rows through the driver; they must hold what SQLAlchemy
    reads, for every document, in the same order, with or without a layer."""
    from curator.store.rows import _SPAN_COLUMNS

    store = annotated_sample
    store.add_documents([Document(uid="plain", text="No spans here.", published=date(2024, 2, 29))])
    for annotator in (None, "ann", "nobody"):
        fast = [(tuple(d), [tuple(s) for s in spans])
                for d, spans in store.iter_documents_with_span_rows(annotator, batch=2)]
        reference = [(tuple(d), [tuple(s) for s in spans])
                     for d, spans in store._documents_with(_SPAN_COLUMNS, annotator, 500, None)]
        assert fast == reference and len(fast) == 6
    assert sum(len(spans) for _, spans in fast) == 0 < sum(len(s) for _, s in store.iter_documents_with_span_rows())
    middle = store.document_ids()[2:4]
    assert [d.id for d, _ in store.iter_documents_with_span_rows(first=middle[0], last=middle[1])] == middle


def test_a_stored_date_that_is_not_a_date_is_reported_not_fatal(filled, tmp_path):
    if filled.engine.dialect.name != "sqlite":
        pytest.skip("only SQLite stores a date as text that may not be one")
    with filled.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE documents SET published = '2023-02-30'")
    with pytest.raises(ExportRefused, match="published"):
        export_json(filled, tmp_path / "out.json")
    assert not (tmp_path / "out.json").exists()


def test_span_rows_come_in_the_order_the_quick_checks_unpack():
    from curator.store.rows import _SPAN_COLUMNS

    assert [c.name for c in _SPAN_COLUMNS] == ["id", "doc_id", "start", "end", "label", "annotator", "entity_id",
                                               "created", "updated", "value"]


def _documents_part(path):
    return path.read_text(encoding="utf-8").split('"documents"')[1]  # the header has the export time


def test_worker_processes_write_the_same_export_as_one_process(annotated_sample, tmp_path, monkeypatch):
    from curator.formats.export import export_jsonl

    monkeypatch.setattr(sys.modules["curator.formats.export"], "_RANGE", 2)  # five documents in three parts
    doc_id = annotated_sample.document_ids()[1]
    annotated_sample.add_annotation(Annotation(doc_id=doc_id, start=0, end=4, label="MONEY", annotator="x"))
    out = tmp_path / "out"
    out.mkdir()
    alone = export_json(annotated_sample, out / "alone.json", workers=1)
    together = export_json(annotated_sample, out / "together.json", workers=2, parallel_from=1)
    assert _documents_part(out / "alone.json") == _documents_part(out / "together.json")
    assert together == alone and any("no normalized value" in p.message for p in together)
    json.loads((out / "together.json").read_text(encoding="utf-8"))
    export_jsonl(annotated_sample, out / "alone.jsonl", workers=1)
    export_jsonl(annotated_sample, out / "together.jsonl", workers=2, parallel_from=1)
    assert (out / "alone.jsonl").read_bytes() == (out / "together.jsonl").read_bytes()
    assert any(json.loads(line)["entities"] for line in (out / "together.jsonl").read_text().splitlines())
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["alone.json", "together.json", "alone.jsonl", "together.jsonl", "curator-dataset-v1.schema.json"])


def test_worker_processes_refuse_bad_data_and_leave_nothing(filled, tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules["curator.formats.export"], "_RANGE", 1)
    corrupt(filled, end=999)
    with pytest.raises(ExportRefused, match="outside the text"):
        (tmp_path / "out").mkdir(exist_ok=True)
        export_json(filled, tmp_path / "out" / "out.json", workers=2, parallel_from=1)
    assert list((tmp_path / "out").iterdir()) == []  # neither the export nor its parts


def test_a_json_export_imports_no_workbook_code_no_numpy_and_no_process_pool(tmp_path):
    """A JSON export leaves the workbook writer and numpy to Excel exports, and the
    export's worker processes start from 50,000 documents: smaller exports never load
    multiprocessing and its pool (milliseconds of every export's start)."""
    import subprocess

    from curator.session.project import create_sample_project

    store, _ = create_sample_project(tmp_path / "sample")
    store.close()
    unwanted = ("curator.formats.excel", "curator.formats.xlsx_writer", "numpy", "multiprocessing")
    script = ("import sys; from curator.cli import main; main(['export', sys.argv[1], '-o', sys.argv[2]]); "
              f"print(sorted(m for m in sys.modules if m.split('.')[0] in {unwanted!r} or m in {unwanted!r}))")
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "sample"), str(tmp_path / "out.json")],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]" and (tmp_path / "out.json").exists()


def test_every_writer_curator_has_is_in_the_one_list_of_export_formats():
    from curator.formats.interop import WRITERS
    from curator.session.exporting import EXPORT_FORMATS, FORMAT_NAMES

    assert set(FORMAT_NAMES) == {"json", "jsonl", "xlsx"} | set(WRITERS)
    assert {fmt.name for fmt in EXPORT_FORMATS if fmt.one_layer} == {"conll", "webanno"}
    assert {fmt.name for fmt in EXPORT_FORMATS if fmt.dataset} == {"json", "jsonl", "xlsx"}


def test_the_format_comes_from_the_name_typed_when_none_is_chosen(tmp_path):
    from curator.errors import CuratorError
    from curator.session.exporting import format_of

    assert [format_of(name).name for name in ("a.json", "a.JSONL", "a.xlsx", "a.conll", "a.bio", "a.spacy",
                                              "a.zip", "a.tsv")] == [
        "json", "jsonl", "xlsx", "conll", "conll", "spacy", "webanno", "webanno"]
    assert format_of("a.json", "prodigy").name == "prodigy" and format_of("a.x", "excel").name == "xlsx"
    with pytest.raises(CuratorError, match="unknown export format"):
        format_of("a.txt")


def test_one_export_call_says_what_it_wrote_and_refuses_every_layer_in_a_one_layer_format(filled, tmp_path):
    from curator.errors import CuratorError
    from curator.session.exporting import export

    report = export(filled, tmp_path / "out.conll", layer="ann")
    assert (report.format.name, report.layer, report.chosen_for_you) == ("conll", "ann", False)
    assert report.spans_per_layer == {"ann": 2, "other": 1} and report.left_out is None
    assert report.summary() == f"Exported CoNLL BIO, layer ann, to {tmp_path / 'out.conll'}"
    for name in ("all.conll", "all.zip"):
        with pytest.raises(CuratorError, match="holds one layer"):
            export(filled, tmp_path / name, layer="all")
    with pytest.raises(CuratorError, match="clean export"):
        export(filled, tmp_path / "out.jsonl", "prodigy", "all", clean=True)
    report = export(filled, tmp_path / "all.jsonl", "prodigy")  # no gold yet: every layer, the default
    assert report.layer is None and report.chosen_for_you and report.layer_text == "every layer"


def test_a_gold_export_says_when_gold_holds_a_small_part_of_the_work(filled, tmp_path, capsys):
    """The default layer is gold once it exists; an export of it says what it leaves out,
    the same words on the command line as in the window's note."""
    from curator.cli import main
    from curator.domain.models import GOLD
    from curator.session.exporting import export

    [document] = filled.iter_documents()
    china = TEXT.index("China")
    filled.add_annotation(Annotation(doc_id=document.id, start=china, end=china + 5, label="LOCATION",
                                     annotator="ann"))
    filled.add_annotation(Annotation(doc_id=document.id, start=china, end=china + 5, label="LOCATION",
                                     annotator=GOLD))
    report = export(filled, tmp_path / "gold.json")
    assert (report.layer, report.chosen_for_you) == (GOLD, True)
    assert report.thin_gold.startswith("the gold layer holds 1 spans, against 3 in ann's layer")
    assert main(["export", str(filled.location), "-o", str(tmp_path / "again.json")]) == 0
    assert report.thin_gold in capsys.readouterr().err


def test_an_export_of_a_project_without_facts_compiles_no_attribution_patterns(tmp_path):
    """Who a fact comes from is found by patterns an export compiles when it has a fact to
    attribute, not at its start."""
    import subprocess

    from curator.cli import main as run

    run(["init", str(tmp_path / "p")])
    script = ("import sys; from curator.cli import main; main(['export', sys.argv[1], '-o', sys.argv[2]]); "
              "from curator.domain import attribution; print(attribution._attributions.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "p"), str(tmp_path / "out.json")],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "0" and (tmp_path / "out.json").exists()


def test_spans_of_a_document_without_relations_are_not_made_models_for_its_export(filled, tmp_path, monkeypatch):
    """Checking relations takes the document's spans as models; a document with no
    relations (most) needs none: building them took two thirds of a JSON export's work."""
    from curator.formats import validate

    class NoModels:
        @staticmethod
        def model_construct(**_fields):
            raise AssertionError("a span model built for a document without relations")

    monkeypatch.setattr(validate, "Annotation", NoModels)
    export_json(filled, tmp_path / "out.json")
    assert json.loads((tmp_path / "out.json").read_text())["documents"][0]["annotations"]
