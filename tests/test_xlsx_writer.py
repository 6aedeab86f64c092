"""The streaming workbook writer: every value reads back as written, in two readers
(openpyxl and calamine, the latter decoding Excel's ``_xHHHH_`` escapes as Excel does),
and no text can break the file or become markup or a formula."""

import math
import zipfile
from datetime import date, datetime, timedelta, timezone
from xml.etree import ElementTree

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from curator.formats.xlsx_writer import EXCEL_MAX_CELL, Workbook, column_letters

# Any text a decoded file can hold. Left out: lone surrogates, which no UTF-8 or UTF-16
# file carries, and the noncharacters U+FFFE and U+FFFF, which XML cannot carry and
# Excel's escape for them is not read back by calamine (see the test of tricky texts).
texts = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\ufffe\uffff"), max_size=60)


def _write(tmp_path, sheets, overflow=None):
    target = tmp_path / "book.xlsx"
    folder = tmp_path / "parts"
    folder.mkdir(exist_ok=True)
    book = Workbook(target, folder, overflow)
    for name, columns, rows in sheets:
        sheet = book.add_sheet(name, columns)
        for row in rows:
            sheet.write(row)
    book.close()
    return target


def _calamine_rows(target, name):
    return CalamineWorkbook.from_path(str(target)).get_sheet_by_name(name).to_python()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(texts, texts), min_size=1, max_size=8))
def test_any_text_reads_back_unchanged_and_every_part_is_well_formed_xml(tmp_path_factory, rows):
    tmp_path = tmp_path_factory.mktemp("texts")
    target = _write(tmp_path, [("texts", [("a", 10), ("b", 10)], [list(row) for row in rows])])
    with zipfile.ZipFile(target) as package:
        for name in package.namelist():
            ElementTree.fromstring(package.read(name))  # raises on anything not well-formed
    read = _calamine_rows(target, "texts")
    assert read[0] == ["a", "b"]
    read += [["", ""]] * (len(rows) + 1 - len(read))  # calamine leaves out empty rows at the end
    assert [tuple(row) for row in read[1:]] == rows
    sheet = openpyxl.load_workbook(target)["texts"]
    for (first, second), cells in zip(rows, sheet.iter_rows(min_row=2, max_row=len(rows) + 1, max_col=2), strict=True):
        for text, cell in zip((first, second), cells, strict=True):
            # the quote prefix exactly on what Excel would evaluate once edited
            assert bool(cell.quotePrefix) == text.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_text_that_looks_like_markup_or_an_escape_stays_text(tmp_path):
    tricky = ["<r>a & b</r>", "</t></is></c><c><f>1+1</f></c>", "_x0041_", "x\x00y\x1f", "cr\rlf",
              "  both sides ", "]]>", '"quoted" & \'single\'']
    target = _write(tmp_path, [("tricky", [("text", 20)], [[text] for text in [*tricky, "ok \uffff"]])])
    read = [row[0] for row in _calamine_rows(target, "tricky")[1:]]
    assert read[:-1] == tricky
    assert read[-1] == "ok _xFFFF_"  # Excel's escape for a character XML cannot carry
    cells = [cell.value for cell in openpyxl.load_workbook(target)["tricky"]["A"][1:]]
    assert cells[0] == "<r>a & b</r>" and cells[1].startswith("</t>")  # text, not markup


def test_numbers_booleans_dates_and_datetimes_keep_their_types(tmp_path):
    moment = datetime(2023, 11, 7, 12, 30, 15, tzinfo=timezone(timedelta(hours=5)))
    rows = [[1.5, 7, True, date(2024, 2, 29), moment],
            [-0.1, 10**15, False, date(1900, 3, 1), datetime(2026, 12, 31, 23, 59, 59)],
            # before 1 March 1900 Excel's calendar is wrong: ISO text instead; non-finite numbers as text
            [math.inf, None, None, date(1899, 12, 31), datetime(1900, 1, 1, 6)]]
    target = _write(tmp_path, [("typed", [("n", 8), ("i", 8), ("b", 5), ("d", 12), ("dt", 20)], rows)])
    sheet = openpyxl.load_workbook(target)["typed"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert values[0] == [1.5, 7, True, datetime(2024, 2, 29), datetime(2023, 11, 7, 7, 30, 15)]  # as UTC
    assert values[1] == [-0.1, 10**15, False, datetime(1900, 3, 1), datetime(2026, 12, 31, 23, 59, 59)]
    assert values[2] == ["inf", None, None, "1899-12-31", "1900-01-01 06:00:00"]
    assert sheet["D2"].number_format == "yyyy\\-mm\\-dd" and sheet["E2"].number_format.endswith("hh:mm:ss")
    assert sheet["A2"].data_type == "n" and sheet["C2"].data_type == "b"


def test_header_is_frozen_filtered_and_sized(tmp_path):
    target = _write(tmp_path, [("first", [("id", 24), ("text", 80)], [["a", "b"], ["c", None]]),
                               ("second's", [("x", 5)], [])])
    book = openpyxl.load_workbook(target)
    first = book["first"]
    assert first.freeze_panes == "A2"
    assert first.auto_filter.ref == "A1:B3"
    assert first["A1"].font.b and first["A1"].value == "id"
    assert first.column_dimensions["B"].width > first.column_dimensions["A"].width > 20
    assert book["second's"].auto_filter.ref == "A1:A1"
    assert book.sheetnames == ["first", "second's"]


def test_a_text_longer_than_a_cell_goes_to_overflow_or_is_refused(tmp_path):
    long = "ab" * EXCEL_MAX_CELL
    seen = []
    target = _write(tmp_path, [("long", [("text", 10)], [[long]])],
                    overflow=lambda *args: seen.append(args))
    first = _calamine_rows(target, "long")[1][0]
    assert len(first) == EXCEL_MAX_CELL and seen == [("long", 2, "text", long[EXCEL_MAX_CELL:])]
    with pytest.raises(ValueError, match="row 2, column 'text'"):
        _write(tmp_path / "parts", [("long", [("text", 10)], [[long]])])


@pytest.mark.parametrize("name", ["", "x" * 32, "a/b", "a[1]", "what?", "'quoted'"])
def test_names_excel_refuses_are_refused(tmp_path, name):
    book = Workbook(tmp_path / "book.xlsx", tmp_path)
    with pytest.raises(ValueError, match="sheet name"):
        book.add_sheet(name, [("a", 5)])


def test_a_sheet_name_is_unique_whatever_its_case_and_unknown_values_are_refused(tmp_path):
    book = Workbook(tmp_path / "book.xlsx", tmp_path)
    sheet = book.add_sheet("Data", [("a", 5)])
    with pytest.raises(ValueError, match="already has"):
        book.add_sheet("data", [("a", 5)])
    with pytest.raises(TypeError, match="cannot write a object"):
        sheet.write([object()])


def test_column_letters_follow_excel():
    assert [column_letters(i) for i in (0, 25, 26, 51, 52, 701, 702, 16383)] == \
        ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(allow_nan=False, allow_infinity=False), st.integers(-2**53, 2**53),
                          st.dates(min_value=date(1900, 3, 1))), min_size=1, max_size=10))
def test_any_number_and_date_reads_back_exactly(tmp_path_factory, rows):
    tmp_path = tmp_path_factory.mktemp("numbers")
    target = _write(tmp_path, [("numbers", [("float", 10), ("int", 10), ("date", 12)], [list(row) for row in rows])])
    read = list(openpyxl.load_workbook(target)["numbers"].iter_rows(min_row=2, values_only=True))
    assert [(f, i, d.date()) for f, i, d in read] == rows
