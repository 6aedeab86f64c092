"""A streaming writer of Excel workbooks (Office Open XML, ``.xlsx``) for the exports.

Rows go to each sheet's XML as they come, deflated in a thread of the sheet's own into
a file in a folder given by the caller (``zip_package``), so an export of any size
holds a few buffers of rows in memory; ``close`` packs the files into the workbook.
Only what the exports need is written: text, numbers, booleans, dates and date-times,
a bold header row that stays in view, column widths and an autofilter.

Every text is written as text and can never become markup or a formula: ``&``, ``<``
and ``>`` are escaped, characters XML cannot carry (control characters, lone UTF-16
surrogates, U+FFFE and U+FFFF) as Excel's own ``_xHHHH_`` escapes, a literal
``_xHHHH_`` in the text as ``_x005F_xHHHH_`` so that Excel does not decode it, and a
text that Excel would take for a formula once the cell is edited, or the sheet saved
as CSV, gets the quote prefix. Excel's limits are the caller's to keep, except that a
text longer than a cell is handed to ``overflow`` (see ``excel_parts``).

XlsxWriter did this job before. It was replaced for two reasons measured here: its
streaming mode writes a text that starts with ``<r>`` and ends with ``</r>`` into the
sheet unescaped (an article containing ``<r>a & b</r>`` made a workbook no reader
opens), and a million annotations took it over two minutes, where this writer takes
a fraction of that (BENCHMARKS.md).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from curator.formats.zip_package import DeflatedPart, deflated, write_package

EXCEL_MAX_CELL = 32_767  # UTF-16 code units in a cell
EXCEL_MAX_ROWS = 1_048_576  # rows in a sheet
SHEET_NAME_MAX = 31
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORBIDDEN_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")

# Styles, as indexes into styles.xml's cellXfs
_HEADER, _DATE, _DATETIME, _QUOTED = 1, 2, 3, 4
# The day Excel counts from (its 1900 system), valid from 1900-03-01: earlier dates
# meet Excel's phantom 29 February 1900, and are written as ISO text instead.
_EPOCH = date(1899, 12, 30).toordinal()
_FIRST_SERIAL = date(1900, 3, 1).toordinal() - _EPOCH
_UNIX_EPOCH = date(1970, 1, 1).toordinal() - _EPOCH

# Characters XML cannot carry (a carriage return it would read as a line feed)
_NOT_XML_CHARACTERS = "\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff"
_NOT_XML = re.compile(f"[{_NOT_XML_CHARACTERS}]")
_LITERAL_ESCAPE = re.compile("(_x[0-9A-Fa-f]{4}_)")
_WHITESPACE = frozenset(" \t\n\r")
# A text needs care (see ``_text``) if it holds one of these or ``_x`` (maybe a literal
# escape), starts with a formula's first character or whitespace, or ends with whitespace.
_UNSAFE = re.compile(f"[&<>{_NOT_XML_CHARACTERS}]")
_CAREFUL_START = frozenset(_FORMULA_STARTS) | _WHITESPACE
_LONG = EXCEL_MAX_CELL // 2  # a text this long may be over a cell's limit: counted as Excel does
_ROWS_PER_WRITE = 2_000

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def excel_parts(text: str) -> list[str]:
    """``text`` cut into pieces that each fit an Excel cell. Excel counts UTF-16 code
    units, so a character outside the Basic Multilingual Plane (an emoji) counts twice;
    a piece never ends between the two halves of such a character."""
    units = text.encode("utf-16-le", "surrogatepass")
    if len(units) <= 2 * EXCEL_MAX_CELL:
        return [text]
    parts, start = [], 0
    while start < len(units):
        end = min(start + 2 * EXCEL_MAX_CELL, len(units))
        if end < len(units) and 0xD800 <= int.from_bytes(units[end - 2 : end], "little") <= 0xDBFF:
            end -= 2  # the high half of a pair: it goes with its low half to the next piece
        parts.append(units[start:end].decode("utf-16-le", "surrogatepass"))
        start = end
    return parts


def _escaped(text: str) -> str:
    if "_x" not in text and _UNSAFE.search(text) is None:
        return text
    text = _LITERAL_ESCAPE.sub(r"_x005F\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _NOT_XML.sub(lambda match: f"_x{ord(match.group()):04X}_", text)


def column_letters(index: int) -> str:
    """Excel's name of the 0-based column ``index``: A, B, ... Z, AA, AB, ..."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _width(characters: float) -> float:
    """A column ``characters`` wide, in Excel's unit (the default font's digits plus padding)."""
    return int((characters * 7 + 5) / 7 * 256) / 256


class Sheet:
    """One sheet being written: a header row, then ``write`` a row at a time."""

    def __init__(self, book: Workbook, index: int, name: str, columns: list[tuple[str, float]]) -> None:
        self.book, self.index, self.name, self.columns = book, index, name, columns
        self.rows = 0  # data rows written; the header is row 1
        self.part = DeflatedPart(f"xl/worksheets/sheet{index}.xml", book.folder / f"sheet{index}.deflated",
                                 book.compresslevel)
        self._pending: list[str] = []
        self._refs = [column_letters(col) for col in range(len(columns))]
        widths = "".join(f'<col min="{col}" max="{col}" width="{_width(width)}" customWidth="1"/>'
                         for col, (_header, width) in enumerate(columns, start=1))
        header = "".join(f'<c r="{ref}1" s="{_HEADER}" t="inlineStr"><is><t>{_escaped(title)}</t></is></c>'
                         for ref, (title, _width) in zip(self._refs, columns, strict=True))
        selected = ' tabSelected="1"' if index == 1 else ""
        self.part.write(
            f'{_XML_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetViews>'
            f'<sheetView workbookViewId="0"{selected}><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft"'
            ' state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{widths}</cols><sheetData><row r="1">{header}</row>')

    def write(self, values: list[Any]) -> None:
        """Append a row; ``None`` leaves a cell empty. A text longer than a cell keeps
        its first part and hands the rest to the book's ``overflow``."""
        self.rows += 1
        r = str(self.rows + 1)
        if len(values) != len(self._refs):
            raise ValueError(f"sheet {self.name!r}, row {r}: {len(values)} values for {len(self._refs)} columns")
        cells = [f'<row r="{r}">']
        add = cells.append
        long, careful_start, whitespace, unsafe = _LONG, _CAREFUL_START, _WHITESPACE, _UNSAFE.search
        for ref, value in zip(self._refs, values):  # the loop of every export: kept to the usual cases
            if value is None:
                continue
            kind = type(value)
            if kind is str:
                if len(value) < long and value and value[0] not in careful_start and value[-1] not in whitespace \
                        and "_x" not in value and unsafe(value) is None:  # most texts: as they are
                    add(f'<c r="{ref}{r}" t="inlineStr"><is><t>{value}</t></is></c>')
                elif value:
                    add(self._text(ref, r, value))
            elif kind is int or (kind is float and value - value == 0):  # finite: inf - inf and nan are nan
                add(f'<c r="{ref}{r}"><v>{value!r}</v></c>')
            else:
                add(self._cell(ref, r, value))
        add("</row>")
        self._pending.append("".join(cells))
        if len(self._pending) >= _ROWS_PER_WRITE:
            self._flush()

    def _cell(self, ref: str, r: str, value: Any) -> str:
        """A cell of any value but a plain text or a finite number."""
        if isinstance(value, bool):
            return f'<c r="{ref}{r}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, datetime):
            if value.tzinfo is not None:  # in UTC
                serial = value.timestamp() / 86400 + _UNIX_EPOCH
            else:
                seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
                serial = value.toordinal() - _EPOCH + seconds / 86400
            if serial >= _FIRST_SERIAL:
                return f'<c r="{ref}{r}" s="{_DATETIME}"><v>{serial!r}</v></c>'
            utc = value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo else value
            return self._text(ref, r, utc.isoformat(" "))
        if isinstance(value, date):
            if value.toordinal() - _EPOCH >= _FIRST_SERIAL:
                return f'<c r="{ref}{r}" s="{_DATE}"><v>{value.toordinal() - _EPOCH}</v></c>'
            return self._text(ref, r, value.isoformat())
        if isinstance(value, str):  # an enumeration's member, say
            return self._text(ref, r, str(value)) if value else ""
        if isinstance(value, (int, float)):  # an enumeration's member, or not finite
            number = float(value)
            return f'<c r="{ref}{r}"><v>{number!r}</v></c>' if math.isfinite(number) else self._text(ref, r, repr(number))
        if isinstance(value, (list, tuple, dict)):  # as its JSON text
            return self._text(ref, r, json.dumps(value, ensure_ascii=False, default=str))
        raise TypeError(f"sheet {self.name!r}, row {r}: cannot write a {type(value).__name__} to a cell")

    def _text(self, ref: str, r: str, text: str) -> str:
        if len(text) >= _LONG:
            text = self._fitted(ref, text)
        style = f' s="{_QUOTED}"' if text.startswith(_FORMULA_STARTS) else ""
        space = ' xml:space="preserve"' if text[0] in _WHITESPACE or text[-1] in _WHITESPACE else ""
        return f'<c r="{ref}{r}"{style} t="inlineStr"><is><t{space}>{_escaped(text)}</t></is></c>'

    def _fitted(self, ref: str, text: str) -> str:
        first, *rest = excel_parts(text)
        if rest:
            column = self.columns[self._refs.index(ref)][0]
            self.book.overflow(self.name, self.rows + 1, column, "".join(rest))
        return first

    def _flush(self) -> None:
        self.part.write("".join(self._pending))
        self._pending.clear()

    @property
    def last_cell(self) -> str:
        return f"{self._refs[-1]}{self.rows + 1}"

    def close(self) -> None:
        if self.part.closed:
            return
        self._flush()
        self.part.write(f'</sheetData><autoFilter ref="A1:{self.last_cell}"/></worksheet>')
        self.part.close()


class Workbook:
    """A workbook written to ``target``, its sheets kept in ``folder`` until ``close``.

    ``overflow(sheet, row, column, rest)`` receives the rest of a text too long for a
    cell (``row`` as Excel numbers it); by default such a text is refused."""

    def __init__(self, target: Path, folder: Path,
                 overflow: Callable[[str, int, str, str], None] | None = None,
                 compresslevel: int = 1) -> None:
        self.target, self.folder = Path(target), Path(folder)
        self.overflow = overflow or self._refuse_long_text
        self.compresslevel = compresslevel
        self.sheets: list[Sheet] = []

    @staticmethod
    def _refuse_long_text(sheet: str, row: int, column: str, _rest: str) -> None:
        raise ValueError(f"sheet {sheet!r}, row {row}, column {column!r}: the text is longer than a cell holds")

    def add_sheet(self, name: str, columns: list[tuple[str, float]]) -> Sheet:
        """A new sheet named ``name`` with ``columns`` (header, width in characters)."""
        if not name or len(name) > SHEET_NAME_MAX or _FORBIDDEN_IN_SHEET_NAMES.search(name) \
                or name.startswith("'") or name.endswith("'"):
            raise ValueError(f"{name!r} is not a sheet name Excel accepts")
        if any(sheet.name.casefold() == name.casefold() for sheet in self.sheets):
            raise ValueError(f"the workbook already has a sheet named {name!r}")
        if not columns:
            raise ValueError(f"sheet {name!r} needs at least one column")
        sheet = Sheet(self, len(self.sheets) + 1, name, columns)
        self.sheets.append(sheet)
        return sheet

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, error_type: type | None, *_details: object) -> None:
        if error_type is not None:  # stop the sheets' threads; their files go with the folder
            for sheet in self.sheets:
                try:
                    sheet.part.close()
                except Exception:  # the error being raised says what went wrong first
                    pass

    def close(self) -> None:
        """Finish every sheet and write the workbook."""
        for sheet in self.sheets:
            sheet.close()
        level, folder = self.compresslevel, self.folder
        parts = [deflated(name, text, folder / f"{number}.deflated", level) for number, (name, text) in enumerate([
            ("[Content_Types].xml", self._content_types()),
            ("_rels/.rels", f'{_XML_HEAD}<Relationships xmlns="{_PACKAGE_REL}"><Relationship Id="rId1"'
                            f' Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
            ("xl/workbook.xml", self._workbook()),
            ("xl/_rels/workbook.xml.rels", self._workbook_relations()),
            ("xl/styles.xml", _STYLES)])]
        parts += [sheet.part for sheet in self.sheets]
        write_package(self.target, parts)
        for part in parts:
            part.path.unlink()

    def _content_types(self) -> str:
        sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{sheet.index}.xml" ContentType="application/'
                         'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for sheet in self.sheets)
        return (f'{_XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                '<Override PartName="/xl/styles.xml" ContentType="application/'
                f'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{sheets}</Types>')

    def _workbook(self) -> str:
        sheets = "".join(f'<sheet name={quoteattr(sheet.name)} sheetId="{sheet.index}" r:id="rId{sheet.index}"/>'
                         for sheet in self.sheets)
        filters = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{sheet.index - 1}" hidden="1">'
            f"{_escaped(_quoted_sheet(sheet.name))}!$A$1:${sheet.last_cell.rstrip('0123456789')}"
            f"${sheet.rows + 1}</definedName>" for sheet in self.sheets)
        return (f'{_XML_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews>'
                f"<sheets>{sheets}</sheets><definedNames>{filters}</definedNames></workbook>")

    def _workbook_relations(self) -> str:
        sheets = "".join(f'<Relationship Id="rId{sheet.index}" Type="{_REL}/worksheet"'
                         f' Target="worksheets/sheet{sheet.index}.xml"/>' for sheet in self.sheets)
        styles = f'<Relationship Id="rId{len(self.sheets) + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
        return f'{_XML_HEAD}<Relationships xmlns="{_PACKAGE_REL}">{sheets}{styles}</Relationships>'


def _quoted_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


_FONT = '<sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/>'
_STYLES = (
    f'{_XML_HEAD}<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd\\ hh:mm:ss"/></numFmts>'
    f'<fonts count="2"><font>{_FONT}</font><font><b/>{_FONT}</font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFE8E8E8"/><bgColor indexed="64"/></patternFill></fill>'
    '</fills><borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left/><right/><top/><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
