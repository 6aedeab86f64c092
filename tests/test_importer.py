import json
from datetime import date
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curator.domain.jobs import Cancelled, Job
from curator.domain.models import Document
from curator.formats.articles import import_files
from curator.store import Store

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ARTICLE = "Astana, 28 March 2023 (TDI): President Tokayev met Ma Xingrui.\n"


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def snapshot(store):
    return [(d.uid, d.text, d.title, d.source, d.published) for d in store.iter_documents()]


def test_sample_project_keeps_seed_texts_byte_identical(sample_store, seeds):
    for path in seeds:
        document = sample_store.document_by_uid(path.stem)
        assert document.text.encode("utf-8") == path.read_bytes()
    first = sample_store.document_by_uid("000_14e10f92779dfa8b")
    assert first.published == date(2023, 11, 7)
    assert first.source == "nCa (News Central Asia)"  # the sidecar's value, more precise than the sign-off
    assert first.title.startswith("China among top five investors")
    assert sample_store.document_count() == 5


def test_text_and_markdown_files_with_detected_metadata(store, tmp_path):
    report = import_files(store, [
        write(tmp_path / "tdi.txt", ARTICLE),
        write(tmp_path / "note.md", "# A headline\n\nSome body text."),
    ])
    assert report.problems == [] and len(report.added) == 2
    tdi = store.document_by_uid("tdi")
    assert (tdi.text, tdi.published, tdi.source, tdi.origin) == (ARTICLE, date(2023, 3, 28), "TDI", "tdi.txt")
    assert store.document_by_uid("note").title == "A headline"


def test_crlf_and_bom_text_is_kept_as_decoded(store, tmp_path):
    import_files(store, [write(tmp_path / "win.txt", "\ufeffLine one\r\nLine two\r\n".encode("utf-8"))])
    assert store.document_by_uid("win").text == "Line one\r\nLine two\r\n"
    import_files(store, [write(tmp_path / "u16.txt", "Grüße aus Astana".encode("utf-16"))])
    assert store.document_by_uid("u16").text == "Grüße aus Astana"


def test_json_records_with_metadata_aliases(store, tmp_path):
    records = [
        {"id": "r1", "text": "First article.", "outlet": "Trend", "date": "2023-11-28", "link": "https://e.x/1",
         "headline": "One", "topic": "trade"},
        {"text": "Second article.", "published": "6 November 2023"},
    ]
    report = import_files(store, [write(tmp_path / "batch.json", json.dumps(records))])
    assert report.problems == []
    first = store.document_by_uid("r1")
    assert (first.source, first.published, first.url, first.title) == ("Trend", date(2023, 11, 28), "https://e.x/1", "One")
    assert first.extra == {"topic": "trade"}
    assert store.document_by_uid("batch-2").published == date(2023, 11, 6)


def test_a_record_that_states_no_date_takes_what_its_text_states(store, tmp_path):
    """A page saved as a record (a scraper's JSONL, a sheet of texts) often has its text
    alone: the dateline, outlet and headline at its top fill the fields it lacks, as they
    do for a text file. A record that states its date is taken as its fields say."""
    saved = "Grain exports climb\n\nAstana, 28 March 2023 (TDI): Exports rose 5% last year.\n"
    write(tmp_path / "saved.jsonl", "\n".join(json.dumps(record) for record in [
        {"id": "bare", "text": ARTICLE},
        {"id": "headed", "text": saved, "outlet": "Steppe Wire"},
        {"id": "dated", "text": saved, "date": "2023-04-01"}]) + "\n")
    write(tmp_path / "sheet.csv", f'id,text\ncsv-1,"{ARTICLE.strip()}"\n')
    report = import_files(store, [tmp_path / "saved.jsonl", tmp_path / "sheet.csv"])
    assert report.problems == [] and len(report.added) == 4
    bare, headed, dated = (store.document_by_uid(uid) for uid in ("bare", "headed", "dated"))
    assert (bare.published, bare.source) == (date(2023, 3, 28), "TDI")
    assert (headed.title, headed.published, headed.source) == ("Grain exports climb", date(2023, 3, 28), "Steppe Wire")
    assert (dated.title, dated.published, dated.source) == (None, date(2023, 4, 1), None)
    assert store.document_by_uid("csv-1").published == date(2023, 3, 28)


def test_a_file_of_bare_texts_is_read_for_datelines_only_while_they_state_something(store, tmp_path, monkeypatch):
    """Reading an undated record's text costs a quarter of a millisecond: a file whose
    undated records state nothing, many in a row, is taken as its fields say from then on."""
    from curator.domain import undated

    monkeypatch.setattr(undated, "UNSTATED", 3)
    dated = "Astana, 28 March 2023 (TDI): Exports rose."
    bodies = [{"id": f"b{n}", "text": f"Exports rose by {n} percent."} for n in range(3)]
    records = [{"id": "first", "text": dated}, *bodies, {"id": "late", "text": dated}]
    write(tmp_path / "bare.jsonl", "\n".join(json.dumps(record) for record in records) + "\n")
    import_files(store, [tmp_path / "bare.jsonl"])
    assert store.document_by_uid("first").published == date(2023, 3, 28)  # read
    assert store.document_by_uid("late").published is None  # after three in a row stating nothing: not read


def test_a_date_column_written_day_first_with_dots_is_read(store, tmp_path):
    write(tmp_path / "stamped.csv", "id,published_at,text\ns1,2024-03-15T08:30:00Z,Stamped.\n")
    write(tmp_path / "dotted.csv", "id,date,text\nd1,14.03.2024,First.\nd2,31.02.2024,Second.\n")
    report = import_files(store, [tmp_path / "dotted.csv", tmp_path / "stamped.csv"])
    assert store.document_by_uid("d1").published == date(2024, 3, 14)
    assert store.document_by_uid("s1").published == date(2024, 3, 15)  # a scraper's column name
    assert store.document_by_uid("d2").published is None  # no such day: kept as written, and said
    assert store.document_by_uid("d2").extra == {"date": "31.02.2024"}
    assert ["31.02.2024" in w.reason for w in report.warnings] == [True]


def test_json_object_forms(store, tmp_path):
    import_files(store, [write(tmp_path / "one.json", json.dumps({"text": "Just one.", "id": "solo"}))])
    import_files(store, [write(tmp_path / "export.json", json.dumps({"documents": [{"id": "d", "text": "From an export."}]}))])
    assert store.document_by_uid("solo") and store.document_by_uid("d")


def test_jsonl_reports_bad_lines_and_imports_the_rest(store, tmp_path):
    lines = ['{"id": "a", "text": "Good one."}', "", "{not json", '{"id": "c"}', '["a list"]', '{"id": "d", "text": "Good two."}']
    report = import_files(store, [write(tmp_path / "feed.jsonl", "\n".join(lines))])
    assert sorted(d.uid for d in store.iter_documents()) == ["a", "d"]
    messages = [str(p) for p in report.problems]
    assert any("line 3" in m and "malformed JSON" in m for m in messages)
    assert any("line 4" in m and "no 'text' field" in m for m in messages)
    assert any("line 5" in m and "not an object" in m for m in messages)
    assert all("feed.jsonl" in m for m in messages)


def test_csv_with_text_column_and_semicolons(store, tmp_path):
    write(tmp_path / "a.csv", 'id,title,text,date\nx1,"Hello, world","A text, with commas",2024-05-20\n')
    write(tmp_path / "b.csv", "Body;Source\nSemicolon separated;Daryo\n")
    report = import_files(store, [tmp_path / "a.csv", tmp_path / "b.csv"])
    assert report.problems == []
    assert store.document_by_uid("x1").text == "A text, with commas"
    assert store.document_by_uid("x1").published == date(2024, 5, 20)
    assert store.document_by_uid("b-2").source == "Daryo"


@pytest.mark.parametrize(("content", "expected"), [
    # A quoted field holding the delimiter and a doubled quote, as spreadsheets write it.
    ('id,title,text,date\nn1,Rail deal,"Kazakhstan and China signed a rail deal, officials said.",2024-03-04\n'
     'n2,Record,"Trade grew 20%, the ministry said, calling it ""a record"".",2024-03-05\n'
     "n3,Plain,Freight volumes rose 12% last year.,2024-03-06\n",
     ["Kazakhstan and China signed a rail deal, officials said.",
      'Trade grew 20%, the ministry said, calling it "a record".', "Freight volumes rose 12% last year."]),
    # The doubled quote mid-text: the row was cut into the wrong number of fields.
    ('id,text\nm1,"He called it ""a record""; trade grew, officials said."\nm2,Exports fell.\n',
     ['He called it "a record"; trade grew, officials said.', "Exports fell."]),
    ('id;text\ns1;"Text with ; semicolon and ""quotes"" in Aktobe."\ns2;Plain text.\n',
     ['Text with ; semicolon and "quotes" in Aktobe.', "Plain text."]),
    # A space after the delimiter, then a quoted field: in rows only, or in the header too.
    ('id,text\n1, "Quoted, with a comma."\n2, Plain.\n', ["Quoted, with a comma.", "Plain."]),
    ('id, title, text\n1, "A, b", "Quoted, too."\n', ["Quoted, too."]),
])
def test_csv_quotes_doubled_inside_a_quoted_field_are_one_quote(store, tmp_path, content, expected):
    report = import_files(store, [write(tmp_path / "news.csv", content)])
    assert report.problems == []
    assert [d.text for d in store.iter_documents()] == expected


_CSV_TEXT = st.text(st.sampled_from("abcXYZ019 ,;\t\"'.%$\né"), min_size=1, max_size=40).filter(
    lambda text: not text[0].isspace() and not text.isspace())


@FUZZ
@given(delimiter=st.sampled_from([",", ";", "\t"]), texts=st.lists(_CSV_TEXT, min_size=1, max_size=6))
def test_a_csv_as_pythons_writer_writes_it_is_read_back_as_written(tmp_path_factory, delimiter, texts):
    import csv

    folder = tmp_path_factory.mktemp("csv")
    with (folder / "articles.csv").open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, delimiter=delimiter)
        writer.writerow(["id", "title", "text"])
        writer.writerows([f"a{number}", f"Title {number}", text] for number, text in enumerate(texts))
    with Store.create(folder / "project") as target:
        report = import_files(target, [folder / "articles.csv"])
        assert report.problems == []
        assert [d.text for d in target.iter_documents()] == texts


def test_csv_without_text_column_is_reported(store, tmp_path):
    report = import_files(store, [write(tmp_path / "bad.csv", "id,title\n1,No text here\n")])
    assert store.document_count() == 0
    assert "no text column" in str(report.problems[0]) and "bad.csv" in str(report.problems[0])


def test_csv_row_with_wrong_field_count_is_reported(store, tmp_path):
    report = import_files(store, [write(tmp_path / "ragged.csv", "id,text\n1,Fine\n2,Too,many,fields\n")])
    assert [d.uid for d in store.iter_documents()] == ["1"]
    assert "row 3" in str(report.problems[0]) and "fields" in str(report.problems[0])


def test_excel_sheet_with_dates(store, tmp_path):
    path = tmp_path / "sheet.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["ID", "Text", "Published", "Outlet"])
    sheet.write_row(1, 0, ["s1", "An article from a sheet.", None, "TDI"])
    sheet.write_datetime(1, 2, __import__("datetime").datetime(2023, 3, 28), book.add_format({"num_format": "yyyy-mm-dd"}))
    sheet.write_row(2, 0, ["s2", "", None, None])
    book.close()
    report = import_files(store, [path])
    document = store.document_by_uid("s1")
    assert (document.text, document.published, document.source) == ("An article from a sheet.", date(2023, 3, 28), "TDI")
    assert "row 3" in str(report.problems[0]) and "empty" in str(report.problems[0])


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("latin1.txt", "Grüße".encode("latin-1"), "not valid UTF-8"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("empty.txt", b"", "empty file"),
        ("blank.md", b"  \n\t\n", "empty file"),
        ("broken.json", b'{"text": "unterminated', "malformed JSON at column 10: Unterminated"),
        ("tab.jsonl", b'{"text": "a raw\ttab"}', "malformed JSON at column 16: Invalid control character U+0009 in a string "
                                                 "(JSON writes it \\t)"),
        ("bell.json", b'[{"text": "a \x07"}]', "Invalid control character U+0007 in a string (JSON writes it \\u0007)"),
        ("open.json", b'[{"text": "unterminated', "malformed JSON at column 11: Unterminated string starting there"),
        ("scalar.json", b"42", "expected a list of records"),
        ("fake.xlsx", b"this is not a zip file", "not a readable spreadsheet"),
        ("notes.pdf", b"%PDF-1.4", "unsupported file type"),
    ],
)
def test_unreadable_files_are_reported_and_the_rest_imports(store, tmp_path, name, content, reason):
    add_before = store.add_documents([Document(uid="existing", text="Already here.")])
    before = snapshot(store)
    good = write(tmp_path / "good.txt", "A good article.")
    bad = write(tmp_path / name, content)
    report = import_files(store, [bad, good])
    assert len(report.problems) == 1
    assert report.problems[0].file.endswith(name)
    assert reason in report.problems[0].reason
    assert snapshot(store) == before + [("good", "A good article.", None, None, None)]
    assert add_before


def test_missing_file_is_reported(store, tmp_path):
    report = import_files(store, [tmp_path / "nowhere.txt"])
    assert report.problems[0].reason == "no such file"


def test_reimport_skips_identical_documents_and_renames_different_ones(store, tmp_path):
    path = write(tmp_path / "a" / "story.txt", "Version one.")
    import_files(store, [path])
    again = import_files(store, [path])
    assert again.added == [] and again.already_present == ["story"]
    other = write(tmp_path / "b" / "story.txt", "A different story with the same file name.")
    third = import_files(store, [other])
    assert len(third.added) == 1
    assert store.document_by_uid("story-2").text.startswith("A different story")


def test_folders_are_searched_and_sidecars_apply(store, tmp_path):
    write(tmp_path / "in" / "one.txt", "One.")
    write(tmp_path / "in" / "sub" / "two.md", "Two.")
    write(tmp_path / "in" / "metadata.json", json.dumps({"files": {"one.txt": {"title": "The first", "published": "2023-01-02"}}}))
    report = import_files(store, [tmp_path / "in"])
    assert report.problems == [] and len(report.added) == 2
    assert store.document_by_uid("one").title == "The first"
    assert store.document_by_uid("one").published == date(2023, 1, 2)


def test_a_sidecar_names_files_in_folders_below_it_by_their_path(store, tmp_path):
    write(tmp_path / "in" / "sub" / "two.md", "Two.")
    write(tmp_path / "in" / "sub" / "deeper" / "three.txt", "Three.")
    write(tmp_path / "in" / "sub" / "metadata.json", json.dumps({"files": {"deeper/three.txt": {"title": "Near"}}}))
    write(tmp_path / "in" / "metadata.json", json.dumps({"files": {
        "sub/two.md": {"title": "The second"}, "sub\\deeper\\three.txt": {"title": "Far"}}}))
    report = import_files(store, [tmp_path / "in"])
    assert report.problems == [] and len(report.added) == 2
    assert store.document_by_uid("two").title == "The second"
    assert store.document_by_uid("three").title == "Near"  # the nearest sidecar that names it
    assert [w.reason for w in report.warnings] == ["names 'sub/deeper/three.txt', which the metadata.json nearer "
                                                   "to it names too; that one's metadata is used"]


def test_bad_date_is_kept_as_extra_with_a_warning(store, tmp_path):
    report = import_files(store, [write(tmp_path / "d.json", json.dumps([{"id": "x", "text": "T", "date": "someday"}]))])
    assert store.document_by_uid("x").extra == {"date": "someday"}
    assert "not a date" in str(report.warnings[0])


def test_huge_document_is_refused_with_its_size(store, tmp_path, monkeypatch):
    monkeypatch.setattr("curator.formats.article_files.MAX_TEXT_CHARS", 1000)
    report = import_files(store, [write(tmp_path / "huge.txt", "word " * 1000)])
    assert "more than the limit" in report.problems[0].reason
    assert store.document_count() == 0


def test_cancelled_import_stops_between_files(store, tmp_path):
    job = Job()
    job.cancel()
    with pytest.raises(Cancelled):
        import_files(store, [write(tmp_path / "a.txt", "A.")], job)
    assert store.document_count() == 0


def test_jsonl_lines_end_at_newlines_only(store, tmp_path):
    # Valid JSON may carry raw line and paragraph separators, form feeds and CRs inside strings.
    texts = ["One\u2028two\u2029three.", "Page\x0cbreak\x1cand\x1dseparators\x85.", "Carriage\rreturn."]
    lines = [json.dumps({"id": f"t{i}", "text": text}, ensure_ascii=False) for i, text in enumerate(texts)]
    report = import_files(store, [write(tmp_path / "feed.jsonl", "\ufeff" + "\r\n".join(lines) + "\r\n")])
    assert report.problems == []
    assert [store.document_by_uid(f"t{i}").text for i in range(3)] == texts


def test_jsonl_in_utf16_is_read(store, tmp_path):
    lines = [json.dumps({"id": "w1", "text": "Grüße aus Astana."}, ensure_ascii=False), "",
             json.dumps({"id": "w2", "text": "Ürümqi."}, ensure_ascii=False)]
    report = import_files(store, [write(tmp_path / "wide.jsonl", "\r\n".join(lines).encode("utf-16"))])
    assert report.problems == []
    assert (store.document_by_uid("w1").text, store.document_by_uid("w2").text) == ("Grüße aus Astana.", "Ürümqi.")


@pytest.mark.parametrize("at", [10, (1 << 22) - 1, 1 << 22, (1 << 22) + 1])
def test_jsonl_not_utf8_anywhere_refuses_the_whole_file_with_its_place(store, tmp_path, at):
    """The file is checked in 4 MiB chunks before anything is added: a bad byte is found
    wherever it is (a character may straddle two chunks) and named by offset and line."""
    line = json.dumps({"text": "Grüße aus Astana " + "x" * 64}, ensure_ascii=False).encode() + b"\n"
    good = line * (((1 << 22) + len(line) * 3) // len(line))
    assert good[at - 1:at + 1].isascii()  # the bad byte goes between two whole characters
    bad = good[:at] + b"\xff" + good[at:]
    report = import_files(store, [write(tmp_path / "feed.jsonl", bad)])
    assert store.document_count() == 0 and len(report.problems) == 1
    reason = report.problems[0].reason
    line_number = good.count(b"\n", 0, at) + 1
    assert f"not valid UTF-8 (byte 0xff at offset {at}, line {line_number})" in reason
    straddling = good[:(1 << 22) - 1].rfind("ü".encode())  # a two-byte character across the chunk edge is fine
    shifted = good[:straddling] + b"x" * ((1 << 22) - 1 - straddling) + good[straddling:]
    assert import_files(store, [write(tmp_path / "ok.jsonl", shifted)]).problems == []


def test_jsonl_ending_inside_a_character_is_refused(store, tmp_path):
    report = import_files(store, [write(tmp_path / "cut.jsonl", b'{"text": "ok"}\n' + "ü".encode()[:1])])
    assert "not valid UTF-8 (byte 0xc3 at offset 15, line 2)" in report.problems[0].reason
    assert store.document_count() == 0


def test_large_jsonl_reports_progress_within_the_file(store, tmp_path):
    lines = "".join(json.dumps({"id": f"p{i}", "text": f"Article {i}."}) + "\n" for i in range(5_000))
    seen = []

    class Watched(Job):
        def set_progress(self, done, total):
            seen.append((done, total))

    import_files(store, [write(tmp_path / "big.jsonl", lines)], Watched())
    assert seen[0] == (0, 1000) and seen[-1] == (1000, 1000)
    inside = [done for done, _ in seen[1:-1]]
    assert len(inside) >= 4 and inside == sorted(inside) and 0 < inside[0] < inside[-2] < 1000


def test_cancelled_import_keeps_whole_batches_and_stops_inside_a_file(store, tmp_path, monkeypatch):
    monkeypatch.setattr("curator.formats.articles._BATCH", 100)
    lines = "".join(json.dumps({"id": f"c{i}", "text": f"Article {i}."}) + "\n" for i in range(1_000))
    job = Job()
    add = store.add_document_rows

    def add_then_cancel(documents):
        ids = add(documents)
        job.cancel()  # the user presses Cancel while the first batch is written
        return ids

    monkeypatch.setattr(store, "add_document_rows", add_then_cancel)
    with pytest.raises(Cancelled):
        import_files(store, [write(tmp_path / "feed.jsonl", lines)], job)
    assert sorted(d.uid for d in store.iter_documents()) == sorted(f"c{i}" for i in range(100))


def test_a_batch_the_database_refuses_stops_the_import_and_keeps_the_batches_before(store, tmp_path, monkeypatch):
    """Batches are committed on a thread of their own while the next is read: a commit
    that fails still stops the import with its error, and nothing after it is written."""
    monkeypatch.setattr("curator.formats.articles._BATCH", 100)
    lines = "".join(json.dumps({"id": f"c{i}", "text": f"Article {i}."}) + "\n" for i in range(1_000))
    add, calls = store.add_document_rows, []

    def refuse_the_third(documents):
        calls.append(len(documents))
        if len(calls) == 3:
            raise OSError("disk full")
        return add(documents)

    monkeypatch.setattr(store, "add_document_rows", refuse_the_third)
    with pytest.raises(OSError, match="disk full"):
        import_files(store, [write(tmp_path / "feed.jsonl", lines)])
    assert sorted(d.uid for d in store.iter_documents()) == sorted(f"c{i}" for i in range(200))
    assert len(calls) == 3  # no batch after the refused one


def test_jsonl_keeps_integers_wider_than_64_bits_and_reports_nan(store, tmp_path):
    lines = ['{"id": 123456789012345678901234567890, "text": "Wide id.", "meta": {"n": [1, 36893488147419103232]}}',
             '{"id": 18446744073709551615, "text": "Widest 64-bit id.", "score": 1.5}',
             '{"id": "nan", "text": "Not a number.", "score": NaN}']
    report = import_files(store, [write(tmp_path / "wide.jsonl", "\n".join(lines))])
    # NaN is not JSON: the record is reported rather than read with the value dropped.
    assert [(p.record, "NaN" in p.reason) for p in report.problems] == [("line 3", True)]
    assert store.document_by_uid("nan") is None
    assert store.document_by_uid("123456789012345678901234567890").extra == {"meta": {"n": [1, 36893488147419103232]}}
    assert store.document_by_uid("18446744073709551615").extra == {"score": 1.5}


def test_a_text_longer_than_a_cell_comes_back_whole_from_curators_own_workbook(tmp_path):
    """The Excel export continues a long text on its ``overflow`` sheet; the article
    import puts it back together instead of keeping the cell's first 32,767 characters."""
    from curator.formats.excel import export_xlsx
    from curator.store import Store

    text = "Astana " * 12_000 + "END"  # 84,003 characters: a cell and two parts on the overflow sheet
    source = Store.create(tmp_path / "source")
    source.add_documents([Document(uid="long", text=text, title="=Long"),
                          Document(uid="short", text="A short one.")])
    export_xlsx(source, tmp_path / "out.xlsx")
    source.close()
    target = Store.create(tmp_path / "target")
    report = import_files(target, [tmp_path / "out.xlsx"])
    assert len(report.added) == 2 and not report.problems
    assert target.document_by_uid("long").text == text and target.document_by_uid("long").title == "=Long"
    assert target.document_by_uid("short").text == "A short one."
    target.close()


def test_curators_own_workbook_comes_back_without_its_derived_columns(tmp_path):
    """The documents sheet's ``status`` and ``annotations`` columns say what the exporting
    project held (a status, a count of spans): they are not the article's metadata."""
    from curator.formats.excel import export_xlsx
    from curator.store import Store

    source = Store.create(tmp_path / "source")
    source.add_documents([Document(uid="one", text="Astana hosted the talks.", source="Kazinform",
                                   extra={"desk": "politics"})])
    export_xlsx(source, tmp_path / "out.xlsx")
    source.close()
    target = Store.create(tmp_path / "target")
    report = import_files(target, [tmp_path / "out.xlsx"])
    assert len(report.added) == 1 and not report.problems
    document = target.document_by_uid("one")
    assert document.source == "Kazinform" and document.text == "Astana hosted the talks."
    assert "status" not in document.extra and "annotations" not in document.extra
    target.close()

    other = tmp_path / "other.csv"  # a workbook or table of someone else's keeps such columns
    other.write_text("id,text,status,annotations\nx,Astana hosted the talks.,draft,none\n", encoding="utf-8")
    store = Store.create(tmp_path / "third")
    import_files(store, [other])
    assert store.document_by_uid("x").extra == {"status": "draft", "annotations": "none"}
    store.close()


def test_an_import_holds_the_texts_of_one_batch_not_of_every_article(store, tmp_path, monkeypatch):
    """A JSON Lines file of 4,000 articles of 5,000 characters (20 MB of text) imported in
    batches of 100: the import's Python memory peaks at what its reading takes (the UTF-8
    check reads 4 MiB chunks: about 8 MB) and a batch, not at the file's texts."""
    import tracemalloc

    from curator.formats import articles

    monkeypatch.setattr(articles, "_BATCH", 100)
    path = tmp_path / "many.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for index in range(4_000):
            out.write(json.dumps({"id": f"a{index}", "text": f"Article {index}. " + "Trade grew in Astana. " * 227})
                      + "\n")
    tracemalloc.start()
    try:
        report = import_files(store, [path])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(report.added) == 4_000 and not report.problems
    assert peak < 12_000_000, f"{peak:,} bytes at the peak"


def test_a_repeated_id_a_batch_later_is_told_apart_by_its_stored_text(store, tmp_path, monkeypatch):
    """The import remembers a hash of each text, not the text: a record whose id came in an
    earlier batch is the same article only if its text equals the stored one."""
    from curator.formats import articles

    monkeypatch.setattr(articles, "_BATCH", 2)
    records = [{"id": "x", "text": "First text."}, {"id": "y", "text": "Other."}, {"id": "z", "text": "Third."},
               {"id": "x", "text": "First text."}, {"id": "x", "text": "A new text under an old id."},
               {"id": "y", "text": "Other."}]
    path = write(tmp_path / "repeats.jsonl", "".join(json.dumps(r) + "\n" for r in records))
    report = import_files(store, [path])
    assert report.already_present == ["x", "y"] and len(report.added) == 4
    assert store.document_by_uid("x").text == "First text."
    assert store.document_by_uid("x-2").text == "A new text under an old id."


def test_an_import_stores_the_same_documents_with_or_without_the_plain_checks(store, tmp_path, monkeypatch):
    lines = "".join(json.dumps(record) + "\n" for record in [
        {"id": "e\u0301t\u00e9", "text": "One.", "title": "A title", "date": "2024-03-01", "topic": "x"},
        {"id": "b", "text": "Two.", "source": "Outlet", "url": "https://example.org/b", "n": 3},
        {"id": "x" * 201, "text": "Too long an id."}])
    import_files(store, [write(tmp_path / "plain.jsonl", lines)])
    plain = [d.model_dump(exclude={"id"}) for d in store.iter_documents()]
    monkeypatch.setattr("curator.formats.articles.plain_document", lambda *_args: None)
    import_files(other := Store.create(tmp_path / "other"), [write(tmp_path / "plain.jsonl", lines)])
    assert [d.model_dump(exclude={"id"}) for d in other.iter_documents()] == plain and len(plain) == 2
    other.close()


def test_clean_articles_are_imported_without_a_model_per_article(store, tmp_path, monkeypatch):
    """The bulk path checks clean articles by the domain's plain checks; the model (its
    cost a tenth of the import) is built only for what they are not sure of."""
    built = []
    monkeypatch.setattr("curator.formats.articles.Document", lambda **fields: built.append(fields))
    lines = "".join(json.dumps({"id": f"a{i}", "text": f"Article {i}.", "date": "2024-03-01", "n": i}) + "\n"
                    for i in range(50))
    report = import_files(store, [write(tmp_path / "clean.jsonl", lines)])
    assert len(report.added) == 50 and built == []
