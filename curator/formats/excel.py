"""Excel workbooks of the dataset: one sheet per table (documents, annotations with their
values spread over columns, entities, facts, agreement), with Excel's limits handled
(32,767 UTF-16 code units a cell, 1,048,576 rows a sheet) and cells Excel could run as
formulas kept as plain text. (Articles are read from workbooks in ``articles``.)"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from curator.domain.jobs import Job
from curator.errors import CuratorError
from curator.formats.export import (
    NOTHING_DECIDED,
    Decided,
    _refuse_on_errors,
    collect,
)
from curator.formats.fact_table import fact_rows
from curator.formats.outputs import atomic_path, parts_folder
from curator.formats.validate import Problem, fact_problems
from curator.formats.xlsx_writer import (
    EXCEL_MAX_ROWS,
    Workbook,
    excel_parts,
)
from curator.store import Store

# -- Excel ---------------------------------------------------------------------


class _SheetStream:
    """Writes rows to a workbook's sheet, continuing a table longer than a sheet on
    ``name (2)``, ``name (3)``...; a text longer than a cell keeps its first part in
    the cell and the rest goes to the ``overflow`` sheet, row by row, so nothing is cut."""

    def __init__(self, book: Workbook, name: str, columns: list[tuple[str, int]],
                 max_rows: int = EXCEL_MAX_ROWS) -> None:
        self.book, self.name, self.columns = book, name, columns
        self.max_rows = max_rows
        self.part = 1
        self.sheet = book.add_sheet(name, columns)

    def write(self, values: list[Any]) -> None:
        if self.sheet.rows + 2 > self.max_rows:
            self.sheet.close()
            self.part += 1
            self.sheet = self.book.add_sheet(f"{self.name} ({self.part})", self.columns)
        self.sheet.write(values)

    def close(self) -> None:
        self.sheet.close()


DOCUMENT_COLUMNS = [("id", 24), ("title", 50), ("source", 18), ("url", 30), ("published", 12), ("status", 8),
                    ("done_by", 18), ("annotations", 12), ("text", 80)]
# Of the exporting project, not the article: not read back, from this layout or the one before done_by.
DERIVED_COLUMNS = ("status", "done_by", "annotations")
EXPORTED_DOCUMENT_HEADERS = (tuple(name for name, _width in DOCUMENT_COLUMNS),
                             ("id", "title", "source", "url", "published", "status", "annotations", "text"))
ANNOTATION_COLUMNS = [("document", 24), ("id", 34), ("start", 8), ("end", 8), ("text", 40), ("label", 12),
                      ("annotator", 14), ("amount", 16), ("amount_to", 16), ("unit", 8), ("per", 10), ("scale", 9),
                      ("qualifier", 12), ("change", 9), ("date_start", 12), ("date_end", 12), ("granularity", 11),
                      ("inferred", 9), ("unresolved", 20), ("reason", 13),
                      ("entity_id", 20), ("entity", 24), ("created", 20), ("updated", 20)]
FACT_COLUMNS = [("fact", 34), ("subject", 24), ("subjects", 24), ("measure", 16), ("period_start", 12),
                ("period_end", 12), ("unit", 8), ("accepted_amount", 16), ("attribution", 20), ("note", 30),
                ("document", 24), ("source", 22), ("published", 12), ("text", 24), ("amount", 16),
                ("attributed_to", 20), ("annotator", 12), ("mention", 34)]
ENTITY_COLUMNS = [("id", 34), ("name", 30), ("type", 12), ("aliases", 50), ("mentions", 10)]
CATEGORY_COLUMNS = [("document", 24), ("annotator", 14), ("set", 16), ("choices", 40)]
LABEL_COLUMNS = [("key", 5), ("label", 16), ("kind", 8), ("color", 9), ("description", 60)]
RELATION_COLUMNS = [("document", 24), ("id", 34), ("label", 16), ("annotator", 14), ("source_id", 34),
                    ("source_text", 30), ("source_label", 12), ("target_id", 34), ("target_text", 30),
                    ("target_label", 12)]


def _number(amount: str | None) -> float | str | None:
    """A figure's amount as an Excel number when that is exact, else as text."""
    if amount is None:
        return None
    try:
        number = float(amount)
        return number if math.isfinite(number) and Decimal(repr(number)) == Decimal(amount) else amount
    except (ValueError, ArithmeticError):  # not a number: validation has refused it already
        return amount


def _value_cells(value: dict | None) -> list:
    value = value or {}
    is_figure = value.get("type") == "figure"
    is_date = value.get("type") == "date"
    start, end = (value.get("start"), value.get("end")) if is_date else (None, None)
    return [
        _number(value.get("amount")) if is_figure else None,
        _number(value.get("amount_to")) if is_figure else None,
        value.get("unit") if is_figure else None,
        value.get("per") if is_figure else None,
        value.get("scale") if is_figure else None,
        value.get("qualifier") if is_figure else None,
        value.get("change") if is_figure else None,
        date.fromisoformat(start) if start else None,
        date.fromisoformat(end) if end else None,
        value.get("granularity") if is_date else None,
        value.get("inferred") if is_date else None,
        value.get("unresolved") if is_date else None,
        value.get("reason") if is_date else None,
    ]


def export_xlsx(store: Store, target: str | Path, annotator: str | None = None, job: Job | None = None,
                max_rows: int = EXCEL_MAX_ROWS, decided: Decided = NOTHING_DECIDED) -> list[Problem]:
    """Write the dataset as an Excel workbook, one sheet per table; returns the warnings."""
    target = Path(target)
    problems: list[Problem] = fact_problems(store)
    _refuse_on_errors(target, problems)  # before a workbook is begun
    with atomic_path(target) as temp:
        overflow_rows: list[tuple[str, int, str, str]] = []

        def overflow(sheet: str, row: int, column: str, rest: str) -> None:
            overflow_rows.append((sheet, row, column, rest))

        # The sheets are written beside the export, so a killed export leaves none in /tmp.
        with Workbook(temp, parts_folder(temp), overflow) as book:
            entities = {entity.id: entity for entity in store.entities()}
            mentions: dict[str, int] = {}
            documents = _SheetStream(book, "documents", DOCUMENT_COLUMNS, max_rows)
            annotations = _SheetStream(book, "annotations", ANNOTATION_COLUMNS, max_rows)
            categories: list[list] = []  # few: one row per document and set, kept for their own sheet
            relations: list[list] = []  # fewer than spans: kept for their own sheet
            for document in collect(store, annotator, job, problems, decided):
                categories.extend([document["id"], entry["annotator"], entry["set"], "; ".join(entry["choices"])]
                                  for entry in document["categories"])
                if document["relations"]:
                    relations.extend(_relation_cells(document))
                uid, published = document["id"], document["published"]
                documents.write([uid, document["title"], document["source"], document["url"],
                                 date.fromisoformat(published) if published else None, document["status"],
                                 "; ".join(document["done_by"]), len(document["annotations"]), document["text"]])
                for span in document["annotations"]:
                    entity = entities.get(span["entity_id"]) if span["entity_id"] else None
                    if entity:
                        mentions[entity.id] = mentions.get(entity.id, 0) + 1
                    annotations.write([uid, span["id"], span["start"], span["end"], span["text"], span["label"],
                                       span["annotator"], *_value_cells(span["value"]), span["entity_id"],
                                       entity.name if entity else None, datetime.fromisoformat(span["created"]),
                                       datetime.fromisoformat(span["updated"])])
            documents.close()
            annotations.close()
            schema = store.label_schema
            if schema.categories or categories:
                category_sheet = _SheetStream(book, "categories", CATEGORY_COLUMNS, max_rows)
                for row in categories:
                    category_sheet.write(row)
                category_sheet.close()
            if schema.relations or relations:
                relation_sheet = _SheetStream(book, "relations", RELATION_COLUMNS, max_rows)
                for row in relations:
                    relation_sheet.write(row)
                relation_sheet.close()
            entity_sheet = _SheetStream(book, "entities", ENTITY_COLUMNS, max_rows)
            for entity in entities.values():
                entity_sheet.write([entity.id, entity.name, entity.type, "; ".join(entity.aliases),
                                    mentions.get(entity.id, 0)])
            entity_sheet.close()
            fact_sheet = _SheetStream(book, "facts", FACT_COLUMNS, max_rows)
            for row in fact_rows(store):
                fact_sheet.write([_number(row[c]) if c in ("accepted_amount", "amount") else row[c]
                                  for c, _width in FACT_COLUMNS])
            fact_sheet.close()
            label_sheet = _SheetStream(book, "labels", LABEL_COLUMNS, max_rows)
            for label in schema.labels:  # the schema the export was validated against
                label_sheet.write([schema.key_of(label.name), label.name, label.kind.value, label.color,
                                   label.description])
            for category in schema.categories:
                label_sheet.write([None, category.name, "category, " + ("several" if category.multiple else "one"),
                                   None, "; ".join(c.name + (f" [{c.key}]" if c.key else "") for c in category.choices)])
            for kind in schema.relations:
                ends = f"{'/'.join(kind.source) or 'any'} {'->' if kind.directed else '<->'} {'/'.join(kind.target) or 'any'}"
                label_sheet.write([kind.key, kind.name, "relation", kind.color,
                                   f"{ends}: {kind.description}" if kind.description else ends])
            label_sheet.close()
            if decided.agreement:  # worked out by whoever asked, when two or more annotators worked
                write_agreement_sheets(book, decided.agreement, prefix="agreement ")
            if overflow_rows:
                _write_overflow(book, overflow_rows, max_rows)
            _refuse_on_errors(target, problems)
            book.close()
    return problems


def _relation_cells(document: dict) -> list[list]:
    """A document's relations as rows of the relations sheet, each end with its text and label."""
    spans = {span["id"]: span for span in document["annotations"]}
    rows = []
    for relation in document["relations"]:
        source, target = spans[relation["source_id"]], spans[relation["target_id"]]
        rows.append([document["id"], relation["id"], relation["label"], relation["annotator"], source["id"],
                     source["text"], source["label"], target["id"], target["text"], target["label"]])
    return rows


def _write_overflow(book: Workbook, rows: list[tuple[str, int, str, str]], max_rows: int) -> None:
    sheet = _SheetStream(book, "overflow", [("sheet", 14), ("row", 8), ("column", 12), ("part", 6), ("text", 80)],
                         max_rows)
    for sheet_name, row, column, rest in rows:
        for part, text in enumerate(excel_parts(rest), start=2):
            sheet.write([sheet_name, row, column, part, text])
    sheet.close()


def export_agreement(report: dict, tables: dict[str, list[dict]], target: str | Path) -> None:
    """Write an agreement report (``report``, as JSON) or its tables (one sheet each, as
    an Excel workbook), as the target's suffix says."""
    target = Path(target)
    suffix = target.suffix.lower()
    if suffix == ".json":
        with atomic_path(target) as temp:
            temp.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        return
    if suffix != ".xlsx":
        raise CuratorError(f"{target}: agreement can be exported as .json or .xlsx")
    with atomic_path(target) as temp:
        with Workbook(temp, parts_folder(temp)) as book:
            write_agreement_sheets(book, tables)
            book.close()


def write_agreement_sheets(book: Workbook, tables: dict[str, list[dict]], prefix: str = "") -> None:
    for name, rows in tables.items():
        if not rows:
            continue
        columns = [(column, max(10, min(40, len(column) + 2))) for column in rows[0]]
        sheet = _SheetStream(book, f"{prefix}{name}", columns)
        for row in rows:
            sheet.write([row[column] for column, _width in columns])
        sheet.close()
