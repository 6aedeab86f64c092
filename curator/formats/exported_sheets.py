"""What a workbook Curator exported holds besides the articles, read back on import: the
columns that describe the exporting project, and the rest of each text too long for its cell."""

from __future__ import annotations

from typing import Any


def record(header: list[str], row: list, derived: set[str], continued: dict[str, str]) -> dict[str, Any]:
    """A sheet's row as a record: its cells by column (a text longer than a cell continued)."""
    record = {column: cell for column, cell in zip(header, row) if column not in derived}
    for column, rest in continued.items():
        if isinstance(record.get(column), str):  # a text longer than a cell: its cell, then the rest
            record[column] += rest
    return record


def derived_columns(sheet_name: str, header: list[str]) -> set[str]:
    """The columns of a workbook Curator exported that describe the exporting project
    (an annotator's status, a count of spans), not the article: left out on import."""
    from curator.formats.excel import DERIVED_COLUMNS, EXPORTED_DOCUMENT_HEADERS

    if sheet_name == "documents" and tuple(header) in EXPORTED_DOCUMENT_HEADERS:
        return set(DERIVED_COLUMNS) & set(header)
    return set()


def overflow(workbook: Any, sheet_name: str) -> dict[int, dict[str, str]]:
    """The rest of each text too long for its cell, by row and column of ``sheet_name``,
    from the ``overflow`` sheet of a workbook Curator exported (columns sheet, row,
    column, part, text; parts from 2, in order); empty for any other workbook."""
    if "overflow" not in workbook.sheet_names:
        return {}
    table = workbook.get_sheet_by_name("overflow").to_python(skip_empty_area=True)
    if not table or [str(cell).strip() for cell in table[0][:5]] != ["sheet", "row", "column", "part", "text"]:
        return {}
    parts: dict[int, dict[str, list[tuple[float, str]]]] = {}
    for row in table[1:]:
        if len(row) >= 5 and row[0] == sheet_name and isinstance(row[1], (int, float)) \
                and isinstance(row[3], (int, float)) and isinstance(row[4], str):
            parts.setdefault(int(row[1]), {}).setdefault(str(row[2]), []).append((row[3], row[4]))
    return {number: {column: "".join(text for _part, text in sorted(pieces)) for column, pieces in columns.items()}
            for number, columns in parts.items()}
