"""Limits a spreadsheet must meet before the spreadsheet reader opens it.

The reader (calamine) holds a sheet's whole used area in memory, one cell at a time,
however few cells hold anything: one cell at XFD1048576 beside one at A1 asks for 17
billion cells, and an OpenDocument cell may claim to repeat a million times. So the
sheets are streamed first and their cells counted as written in the file (claimed
dimensions are not trusted); a sheet whose area is far larger than its content is
refused, as is a zip bomb.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from typing import IO

MAX_UNPACKED = 1_000_000_000  # bytes a spreadsheet may unpack to
MAX_RATIO = 200  # unpacked / packed: far beyond what real sheets reach
MAX_AREA = 2_000_000  # cells a sheet's area may span beyond four per cell written in the file

_ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def refusal(path: Path) -> str | None:
    """Why the spreadsheet at ``path`` must not be opened, or None (also for files that are
    not zip archives or are damaged: the reader reports those in its own words)."""
    if not zipfile.is_zipfile(path):
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            packed = max(1, sum(info.compress_size for info in archive.infolist()))
            if unpacked > MAX_UNPACKED or (unpacked > 10_000_000 and unpacked / packed > MAX_RATIO):
                return (f"refused: the spreadsheet would unpack to {unpacked / 1e6:,.0f} MB from "
                        f"{packed / 1e6:,.1f} MB (a zip bomb?)")
            names = archive.namelist()
            sheets = _xlsx_sheets(archive, names)
            for name in names:
                if name in sheets:
                    with archive.open(name) as xml:
                        reason = _too_sparse(name.rpartition("/")[2], *_xlsx_extent(xml))
                elif name == "content.xml":
                    with archive.open(name) as xml:
                        reason = _too_sparse("content.xml", *_ods_extent(xml))
                else:
                    continue
                if reason:
                    return reason
    except MemoryError:
        raise
    except Exception:  # damaged archive or XML: left to the reader
        return None
    return None


def _xlsx_sheets(archive: zipfile.ZipFile, names: list[str]) -> set[str]:
    """The parts of an xlsx package that hold worksheets: those the workbook's
    relationships point to (the reader follows them, wherever they are), and any part
    under ``xl/worksheets/``."""
    from defusedxml.ElementTree import iterparse

    sheets = {name for name in names if name.startswith("xl/worksheets/") and name.endswith(".xml")}
    if "xl/_rels/workbook.xml.rels" in names:
        with archive.open("xl/_rels/workbook.xml.rels") as rels:
            for _event, element in iterparse(rels, events=("end",)):
                if element.tag.rpartition("}")[2] == "Relationship" and \
                        (element.get("Type") or "").endswith("/worksheet"):
                    target = element.get("Target") or ""
                    sheets.add(target.lstrip("/") if target.startswith("/") else
                               posixpath.normpath(posixpath.join("xl", target)))
    return sheets


def _too_sparse(sheet: str, cells: int, rows: int, columns: int) -> str | None:
    area = rows * columns
    if area > max(MAX_AREA, 4 * cells):
        return (f"refused: {sheet} has {cells:,} cell(s) spread over {area:,} (up to row {rows:,}, column "
                f"{columns:,}); reading it would take memory for every one")
    return None


def _xlsx_extent(xml: IO[bytes]) -> tuple[int, int, int]:
    """Cells written in an xlsx worksheet, and the rows and columns their area spans."""
    from defusedxml.ElementTree import iterparse

    cells, first, last = 0, (1 << 40, 1 << 40), (0, 0)
    for _event, element in iterparse(xml, events=("end",)):
        tag = element.tag.rpartition("}")[2]
        if tag == "c" and (position := cell_position(element.get("r") or "")):
            cells += 1
            first = (min(first[0], position[0]), min(first[1], position[1]))
            last = (max(last[0], position[0]), max(last[1], position[1]))
        if tag in ("c", "row"):
            element.clear()
    if not cells:
        return 0, 0, 0
    return cells, last[0] - first[0] + 1, last[1] - first[1] + 1


def _ods_extent(xml: IO[bytes]) -> tuple[int, int, int]:
    """Cell elements in an OpenDocument spreadsheet (each may repeat), and the largest
    rows and columns any of its tables spans with content, repeats counted."""
    from defusedxml.ElementTree import iterparse

    repeat_rows = f"{{{_ODS_TABLE}}}number-rows-repeated"
    repeat_columns = f"{{{_ODS_TABLE}}}number-columns-repeated"
    value_type = f"{{{_ODS_OFFICE}}}value-type"
    cells = rows = columns = 0
    row = column = 0
    content = False
    for event, element in iterparse(xml, events=("start", "end")):
        tag = element.tag.rpartition("}")[2]
        if event == "start":
            if tag == "table":
                row = 0
            elif tag == "table-row":
                column, content = 0, False
            continue
        if tag in ("table-cell", "covered-table-cell"):
            repeated = int(element.get(repeat_columns) or 1)
            if element.get(value_type) is not None or len(element):
                cells += 1
                columns = max(columns, column + repeated)
                content = True
            column += repeated
            element.clear()
        elif tag == "table-row":
            repeated = int(element.get(repeat_rows) or 1)
            if content:  # every repeat of the row holds it
                rows = max(rows, row + repeated)
            row += repeated
            element.clear()
    return cells, rows, columns


def cell_position(ref: str) -> tuple[int, int] | None:
    """(row, column) of a cell reference such as "XFD1048576", both from 1."""
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters):]
    if not letters or not digits or len(letters) > 3 or not letters.isalpha() or not letters.isascii():
        return None
    column = 0
    for letter in letters.upper():
        column = column * 26 + ord(letter) - 64
    digits = digits.lstrip("0")  # "A0001" is row 1; a row of many digits counts as beyond any sheet's
    return (int(digits) if len(digits) <= 9 else 10**9) if digits else 1, column
