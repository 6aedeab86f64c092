"""Numbers in spreadsheets as the workbook writes them.

A spreadsheet keeps every number as a binary double: an id such as ``1001`` comes out of
the reader as ``1001.0``, and one of eighteen digits loses its last ones. A number the
sheet showed as a whole number is read back as one (``whole``); where the double cannot
hold it exactly (beyond 2**53), the digits the file itself holds are read from the sheet's
XML (``written_numbers``), so that an id typed as ``123456789012345678`` stays that id, and
one the writing program had already rounded is told apart from it.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from typing import Any

from curator.formats.sheet_limits import cell_position

EXACT = 2**53  # every whole number below this is exactly a double
_WHOLE = re.compile(r"-?\d+")


def whole(cell: Any) -> Any:
    """A cell as the sheet showed it: a float that is a whole number below ``EXACT`` as an
    int (``1001.0`` is ``1001``), anything else as it is."""
    if type(cell) is float and cell.is_integer() and abs(cell) < EXACT:
        return int(cell)
    return cell


def inexact(cell: Any) -> bool:
    """Whether a cell is a number the reader may not hold as written (a whole float beyond
    ``EXACT``, where doubles skip integers)."""
    return type(cell) is float and cell.is_integer() and abs(cell) >= EXACT


def written_numbers(path: Path, cells: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The numbers of ``cells`` ((row, column), both from 1) of an xlsx workbook's first
    sheet as its XML writes them (``"123456789012345678"``, ``"1.234567890123457E+17"``);
    empty for any other file, or one that cannot be read so."""
    from defusedxml.ElementTree import iterparse

    found: dict[tuple[int, int], str] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            sheet = _first_sheet(archive)
            if sheet is None:
                return {}
            with archive.open(sheet) as xml:
                for _event, element in iterparse(xml, events=("end",)):
                    tag = element.tag.rpartition("}")[2]
                    if tag == "c":
                        position = cell_position(element.get("r") or "")
                        if position in cells and element.get("t") in (None, "n"):
                            value = next((child.text for child in element if child.tag.endswith("}v")
                                          or child.tag == "v"), None)
                            if value:
                                found[position] = value.strip()
                        element.clear()
                    elif tag == "row":
                        element.clear()
    except Exception:  # not an xlsx package, or damaged: the numbers stay as the reader gave them
        return {}
    return found


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    """The part of the package that holds the workbook's first sheet."""
    from defusedxml.ElementTree import fromstring

    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return None
    workbook = fromstring(archive.read("xl/workbook.xml"))
    first = next((e for e in workbook.iter() if e.tag.rpartition("}")[2] == "sheet"), None)
    if first is None:
        return None
    wanted = next((value for key, value in first.attrib.items() if key.rpartition("}")[2] == "id"), None)
    for relation in fromstring(archive.read("xl/_rels/workbook.xml.rels")).iter():
        if relation.get("Id") == wanted:
            target = relation.get("Target") or ""
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            return part if part in names else None
    return None


def exact_whole(written: str) -> str | None:
    """A number as written in a sheet, as the whole number it exactly is (``"1001"``), or
    None if it is not written as one (``"1.234567890123457E+17"``: rounded where written)."""
    return written.lstrip("+") if _WHOLE.fullmatch(written.lstrip("+")) else None
