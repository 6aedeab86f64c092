"""The workbook's ZIP container: parts deflated in threads, packed with ZIP64 records
where sizes or offsets need them, read back by zipfile and by the workbook readers."""

import errno
import zipfile

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from curator.formats import zip_package
from curator.formats.xlsx_writer import Workbook
from curator.formats.zip_package import DeflatedPart, deflated, write_package


def test_parts_read_back_whole_in_order(tmp_path):
    big = "".join(f"<row>{i}</row>" for i in range(50_000))
    parts = [deflated("a.xml", "<a/>", tmp_path / "1", 1), deflated("ü/b.xml", big, tmp_path / "2", 6)]
    write_package(tmp_path / "out.zip", parts)
    with zipfile.ZipFile(tmp_path / "out.zip") as package:
        assert package.testzip() is None  # every CRC checks
        assert package.namelist() == ["a.xml", "ü/b.xml"]
        assert package.read("ü/b.xml").decode() == big


def test_zip64_records_where_sizes_and_offsets_need_them(tmp_path, monkeypatch):
    """A sheet of gigabytes needs ZIP64; the limit is lowered so every part does."""
    monkeypatch.setattr(zip_package, "_LIMIT", 10)
    target = tmp_path / "wide.xlsx"
    with Workbook(target, tmp_path) as book:
        sheet = book.add_sheet("data", [("n", 8), ("text", 20)])
        for i in range(1000):
            sheet.write([i, f"row {i}"])
        book.close()
    with zipfile.ZipFile(target) as package:
        assert package.testzip() is None
        assert all(info.file_size >= 10 for info in package.infolist())
    rows = list(openpyxl.load_workbook(target)["data"].iter_rows(min_row=2, values_only=True))
    assert rows[0] == (0, "row 0") and rows[-1] == (999, "row 999") and len(rows) == 1000
    read = CalamineWorkbook.from_path(str(target)).get_sheet_by_name("data").to_python()
    assert read[-1] == [999, "row 999"] and len(read) == 1001


def test_a_failure_while_deflating_reaches_the_writer(tmp_path):
    part = DeflatedPart("a.xml", tmp_path / "a", 1)

    class FullDisk:
        def write(self, _data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self):
            pass

    part._file = FullDisk()
    part.write("<a/>" * 1000)
    with pytest.raises(OSError, match="No space left"):
        part.close()


def test_two_parts_of_one_name_are_refused(tmp_path):
    parts = [deflated("a.xml", "<a/>", tmp_path / "1", 1), deflated("a.xml", "<b/>", tmp_path / "2", 1)]
    with pytest.raises(ValueError, match="same name"):
        write_package(tmp_path / "out.zip", parts)
