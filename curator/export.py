"""Write the validated dataset to JSON or Excel, atomically.

Both writers stream: documents are validated and written one at a time into a
temporary file beside the target, which replaces the target only when every
document passed. A refused or cancelled export leaves nothing behind.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import shutil
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

import orjson
import sqlalchemy as sa

from curator.dataset import FORMAT_VERSION
from curator.errors import CuratorError, DataError
from curator.jobs import Job, collector_paused
from curator.models import utc_now
from curator.outputs import atomic_path, parts_folder
from curator.store import Store
from curator.validate import Problem, Severity, fact_problems, iter_export_documents

FORMATS = ("json", "jsonl", "xlsx")
TOOL_FORMATS = ("labelstudio", "doccano", "conll", "spacy")  # other tools' formats (curator.interop)
SCHEMA_NAME = f"curator-dataset-v{FORMAT_VERSION}.schema.json"


def dataset_schema() -> dict:
    """The JSON Schema of a JSON export, generated from the pydantic models."""
    from curator.dataset import Dataset

    schema = Dataset.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"urn:curator:dataset:v{FORMAT_VERSION}"
    schema["title"] = f"Curator dataset, format version {FORMAT_VERSION}"
    return schema


def write_schema(folder: Path) -> Path:
    target = folder / SCHEMA_NAME
    with atomic_path(target) as temp:
        temp.write_text(json.dumps(dataset_schema(), indent=1) + "\n", encoding="utf-8")
    return target


class ExportRefused(DataError):
    """The data has errors; the export was not written. ``problems`` lists them."""

    def __init__(self, target: Path, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity is Severity.ERROR]
        shown = "\n".join(f"  {p}" for p in errors[:50])
        more = f"\n  ... and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"{target}: export refused, {len(errors)} error(s) in the data:\n{shown}{more}")


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def _collect(
    store: Store, annotator: str | None, job: Job | None, problems: list[Problem], clean: bool = False
) -> Iterator[dict]:
    """Valid documents in order, as JSON-ready dicts; problems of every document go to ``problems``.

    A clean export also needs every disagreement and duplicate decided, and leaves
    out articles marked as duplicates that were not kept."""
    dropped = _left_out(store, job, problems) if clean else set()
    for document, found in iter_export_documents(store, annotator, job, skip=dropped):
        problems.extend(found)
        if document is not None:
            yield document


def _left_out(store: Store, job: Job | None, problems: list[Problem]) -> set[int]:
    """For a clean export: the documents to leave out; what blocks it goes to ``problems``."""
    from curator.clean import clean_check

    blocking, dropped = clean_check(store, job)
    problems.extend(blocking)
    return dropped


# Projects of at least this many documents are exported by worker processes, each
# validating and serialising its own ranges of documents into a part file.
PARALLEL_FROM = 50_000  # below this, starting the workers costs more than they save
_RANGE = 2_500  # documents per part
_BUFFER = 1 << 20  # bytes written at a time (a document is often larger than the default 8 KiB)


def _write_documents(out: BinaryIO, temp: Path, store: Store, annotator: str | None, job: Job | None,
                     problems: list[Problem], clean: bool, workers: int | None, parallel_from: int,
                     prefix: bytes, suffix: bytes) -> None:
    """Write each valid document as JSON between ``prefix`` and ``suffix``, in id order,
    except the first byte of the first (the comma before the first of a JSON array);
    problems go to ``problems``."""
    job = job or Job()
    workers = min(4, os.cpu_count() or 1) if workers is None else workers
    skip_first = len(prefix) > 0
    if workers < 2 or store.document_count() < max(parallel_from, 1):
        with _mapped(store) as reader:
            for document in _collect(reader, annotator, job, problems, clean):
                out.write(prefix[1:] if skip_first else prefix)
                out.write(orjson.dumps(document))
                out.write(suffix)
                skip_first = False
        return
    dropped = _left_out(store, job, problems) if clean else set()
    ids = sorted(store.document_ids())
    pieces = [ids[i : i + _RANGE] for i in range(0, len(ids), _RANGE)]
    folder = parts_folder(temp)  # removed with ``temp``, or by the next export if this one is killed
    # Spawned, not forked: the window exports from a thread, and forking a threaded process is unsafe.
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_open_worker_store, initargs=(store.location, os.getpid()))
    running: deque = deque()
    done = 0

    def write_next() -> None:
        nonlocal done, skip_first
        part, found = running.popleft().result()
        job.check()
        done += _RANGE
        job.set_progress(min(done, len(ids)), len(ids))
        problems.extend(found)
        skip_first = _append(out, part, skip=1 if skip_first else 0) and skip_first
        part.unlink()

    try:
        for index, piece in enumerate(pieces):
            running.append(pool.submit(_write_range, folder / f"{index:06d}", annotator, piece[0], piece[-1],
                                       dropped & set(piece), prefix, suffix))
            if len(running) > workers:  # one piece ahead of the workers, not the whole export
                write_next()
        while running:
            write_next()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(folder, ignore_errors=True)


def _append(out: BinaryIO, part: Path, skip: int) -> bool:
    """Append ``part`` but its first ``skip`` bytes to ``out``; True if ``part`` was empty."""
    size = part.stat().st_size
    if size == 0:
        return True
    out.flush()
    with part.open("rb") as written:
        if hasattr(os, "sendfile"):  # copied by the kernel, not through Python
            offset = skip
            while offset < size:
                offset += os.sendfile(out.fileno(), written.fileno(), offset, size - offset)
        else:
            written.seek(skip)
            shutil.copyfileobj(written, out, 1 << 20)
    return False


_WORKER_STORE: Store | None = None


def _open_worker_store(location: str, parent: int) -> None:
    global _WORKER_STORE
    _exit_with_parent(parent)
    _WORKER_STORE = Store.open(location)
    _map_file(_WORKER_STORE)


def _exit_with_parent(parent: int) -> None:
    """In a worker process: end it when the export's process ends, even if that was
    killed (a killed parent cannot shut its pool down, and its workers would go on
    reading the project). Linux ends the worker at once; elsewhere, and as a fallback,
    a watchdog thread notices within a fraction of a second that the worker's parent
    has changed."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            # PR_SET_PDEATHSIG: killed when the thread that started the worker ends, which is
            # never before the export's end: the pool is shut down before _write_documents returns.
            libc.prctl(1, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # it ended before the signal was asked for
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            threading.Event().wait(_WATCH_INTERVAL)
        os._exit(1)

    threading.Thread(target=watch, name="curator-export-watchdog", daemon=True).start()


_WATCH_INTERVAL = 0.2  # seconds between a worker's looks at its parent


@contextmanager
def _mapped(store: Store) -> Iterator[Store]:
    """The project for one long read of everything: on SQLite opened again with the
    file mapped (see ``_map_file``), other databases as they are."""
    if store.engine.dialect.name != "sqlite":
        yield store
        return
    reader = Store.open(store.location)
    _map_file(reader)
    try:
        yield reader
    finally:
        reader.close()


def _map_file(store: Store) -> None:
    """On SQLite, read the file mapped into memory, so that its pages cost no system
    call each (half the system time of an export)."""
    if store.engine.dialect.name == "sqlite":
        sa.event.listen(store.engine, "connect",
                        lambda connection, _record: connection.execute("PRAGMA mmap_size=4294967296"))
        store.engine.dispose()


def _write_range(part: Path, annotator: str | None, first: int, last: int, skip: set[int], prefix: bytes,
                 suffix: bytes) -> tuple[Path, list[Problem]]:
    """In a worker process: write the valid documents with ids ``first``..``last`` to
    ``part``; returns it with the problems found."""
    assert _WORKER_STORE is not None
    problems = []
    with collector_paused(), part.open("wb", buffering=_BUFFER) as out:
        for document, found in iter_export_documents(_WORKER_STORE, annotator, skip=skip, first=first, last=last):
            problems.extend(found)
            if document is not None:
                out.write(prefix)
                out.write(orjson.dumps(document))
                out.write(suffix)
    return part, problems


def export_json(store: Store, target: str | Path, annotator: str | None = None, job: Job | None = None,
                clean: bool = False, workers: int | None = None, parallel_from: int = PARALLEL_FROM) -> list[Problem]:
    """Write the dataset as one JSON object; returns the warnings. Raises ``ExportRefused``.
    Large projects are validated and serialised by ``workers`` processes (default: the
    machine's cores, up to four)."""
    target = Path(target)
    problems: list[Problem] = fact_problems(store)
    _refuse_on_errors(target, problems)  # before a file is begun
    project = store.project
    header = {
        "format": "curator-dataset",
        "format_version": FORMAT_VERSION,
        "project": project.name,
        "exported": utc_now().isoformat(),
        "layer": annotator,
        "label_schema": project.label_schema.model_dump(mode="json"),
        "entities": [entity.model_dump(mode="json") for entity in store.entities()],
        "facts": _facts_json(store),
    }
    with atomic_path(target) as temp, collector_paused():
        with temp.open("wb", buffering=_BUFFER) as out:
            head = json.dumps(header, ensure_ascii=False, indent=1)
            out.write((head[:-2] + ',\n "documents": [').encode("utf-8"))
            _write_documents(out, temp, store, annotator, job, problems, clean, workers, parallel_from,
                             prefix=b",\n  ", suffix=b"")
            out.write(b"\n ]\n}\n")
        _refuse_on_errors(target, problems)
    write_schema(target.parent)
    return problems


def export_jsonl(store: Store, target: str | Path, annotator: str | None = None, job: Job | None = None,
                 clean: bool = False, workers: int | None = None, parallel_from: int = PARALLEL_FROM
                 ) -> list[Problem]:
    """Write one document (with its annotations) per line; returns the warnings."""
    target = Path(target)
    problems: list[Problem] = []
    with atomic_path(target) as temp, collector_paused():
        with temp.open("wb", buffering=_BUFFER) as out:
            _write_documents(out, temp, store, annotator, job, problems, clean, workers, parallel_from,
                             prefix=b"", suffix=b"\n")
        _refuse_on_errors(target, problems)
    write_schema(target.parent)
    return problems


def _facts_json(store: Store) -> list[dict]:
    """Each recorded fact with its accepted value and every supporting mention (provenance)."""
    from curator.facts import fact_rows

    facts: dict[str, dict] = {}
    for row in fact_rows(store):
        fact = facts.setdefault(row["fact"], {
            "id": row["fact"], "subject": row["subject"], "measure": row["measure"],
            "period_start": row["period_start"].isoformat() if row["period_start"] else None,
            "period_end": row["period_end"].isoformat() if row["period_end"] else None,
            "unit": row["unit"], "accepted_amount": row["accepted_amount"], "note": row["note"], "mentions": []})
        if row["mention"]:
            fact["mentions"].append({key: (value.isoformat() if isinstance(value, date) else value)
                                     for key, value in row.items()
                                     if key in ("mention", "document", "source", "published", "text", "amount",
                                                "annotator")})
    return list(facts.values())


def _refuse_on_errors(target: Path, problems: list[Problem]) -> None:
    if any(p.severity is Severity.ERROR for p in problems):
        raise ExportRefused(target, problems)


# -- Excel ---------------------------------------------------------------------

EXCEL_MAX_CELL = 32_767
EXCEL_MAX_ROWS = 1_048_576
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _SheetStream:
    """Writes rows to an xlsxwriter sheet, handling Excel's limits.

    A table longer than a sheet continues on ``name (2)``, ``name (3)``...; a text
    longer than a cell keeps its first part in the cell and the rest in the
    ``overflow`` sheet, row by row, so nothing is cut.
    """

    def __init__(self, book: Any, name: str, columns: list[tuple[str, int]], formats: dict[str, Any],
                 overflow: Callable[[str, int, str, str], None], max_rows: int = EXCEL_MAX_ROWS) -> None:
        self.book, self.name, self.columns, self.formats = book, name, columns, formats
        self.overflow = overflow
        self.max_rows = max_rows
        self.part = 0
        self.sheet: Any = None
        self.row = 0
        self._new_sheet()

    def _new_sheet(self) -> None:
        self.part += 1
        title = self.name if self.part == 1 else f"{self.name} ({self.part})"
        self.sheet = self.book.add_worksheet(title)
        for col, (header, width) in enumerate(self.columns):
            self.sheet.set_column(col, col, width)
            self.sheet.write_string(0, col, header, self.formats["header"])
        self.sheet.freeze_panes(1, 0)
        self.row = 0
        self.title = title

    def write(self, values: list[Any]) -> None:
        if self.row + 1 >= self.max_rows:
            self._close_sheet()
            self._new_sheet()
        self.row += 1
        for col, value in enumerate(values):
            self._cell(col, value)

    def _cell(self, col: int, value: Any) -> None:
        sheet, row = self.sheet, self.row
        if value is None:
            return
        if isinstance(value, bool):
            sheet.write_boolean(row, col, value)
        elif isinstance(value, (int, float)):
            sheet.write_number(row, col, value)
        elif isinstance(value, datetime):
            naive = value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo else value
            sheet.write_datetime(row, col, naive, self.formats["datetime"])
        elif isinstance(value, date):
            sheet.write_datetime(row, col, datetime(value.year, value.month, value.day), self.formats["date"])
        else:
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=_json_default)
            if len(text) > EXCEL_MAX_CELL // 2:  # may be over the limit: count as Excel does
                first, *rest = excel_parts(text)
                if rest:
                    self.overflow(self.title, row + 1, self.columns[col][0], "".join(rest))
                text = first
            # Excel would evaluate these as formulas if the cell were edited or the
            # sheet saved as CSV; the quote prefix keeps them plain text, unchanged.
            fmt = self.formats["quoted"] if text.startswith(_FORMULA_STARTS) else None
            sheet.write_string(row, col, text, fmt)

    def _close_sheet(self) -> None:
        self.sheet.autofilter(0, 0, max(self.row, 1), len(self.columns) - 1)

    def close(self) -> None:
        self._close_sheet()


DOCUMENT_COLUMNS = [("id", 24), ("title", 50), ("source", 18), ("url", 30), ("published", 12), ("status", 8),
                    ("annotations", 12), ("text", 80)]
ANNOTATION_COLUMNS = [("document", 24), ("id", 34), ("start", 8), ("end", 8), ("text", 40), ("label", 12),
                      ("annotator", 14), ("amount", 16), ("unit", 8), ("scale", 9), ("qualifier", 12),
                      ("change", 9), ("date_start", 12), ("date_end", 12), ("granularity", 11), ("unresolved", 20),
                      ("entity_id", 20), ("entity", 24), ("created", 20), ("updated", 20)]
FACT_COLUMNS = [("fact", 34), ("subject", 24), ("measure", 16), ("period_start", 12), ("period_end", 12),
                ("unit", 8), ("accepted_amount", 16), ("note", 30), ("document", 24), ("source", 22),
                ("published", 12), ("text", 24), ("amount", 16), ("annotator", 12), ("mention", 34)]
ENTITY_COLUMNS = [("id", 34), ("name", 30), ("type", 12), ("aliases", 50), ("mentions", 10)]


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
        value.get("unit") if is_figure else None,
        value.get("scale") if is_figure else None,
        value.get("qualifier") if is_figure else None,
        value.get("change") if is_figure else None,
        date.fromisoformat(start) if start else None,
        date.fromisoformat(end) if end else None,
        value.get("granularity") if is_date else None,
        value.get("unresolved") if is_date else None,
    ]


def export_xlsx(store: Store, target: str | Path, annotator: str | None = None, job: Job | None = None,
                max_rows: int = EXCEL_MAX_ROWS, clean: bool = False) -> list[Problem]:
    """Write the dataset as an Excel workbook, one sheet per table; returns the warnings."""
    import xlsxwriter  # imported here: only exports need it

    target = Path(target)
    problems: list[Problem] = fact_problems(store)
    _refuse_on_errors(target, problems)  # before a workbook is begun
    with atomic_path(target) as temp:
        # xlsxwriter's row files go beside the export, so a killed export leaves none in /tmp.
        book = xlsxwriter.Workbook(str(temp), {"constant_memory": True, "strings_to_formulas": False,
                                               "strings_to_urls": False, "strings_to_numbers": False,
                                               "tmpdir": str(parts_folder(temp))})
        formats = {
            "header": book.add_format({"bold": True, "bg_color": "#e8e8e8", "bottom": 1}),
            "date": book.add_format({"num_format": "yyyy-mm-dd"}),
            "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
            "quoted": book.add_format({"quote_prefix": True}),
        }
        overflow_rows: list[tuple[str, int, str, str]] = []

        def overflow(sheet: str, row: int, column: str, rest: str) -> None:
            overflow_rows.append((sheet, row, column, rest))

        entities = {entity.id: entity for entity in store.entities()}
        mentions: dict[str, int] = {}
        documents = _SheetStream(book, "documents", DOCUMENT_COLUMNS, formats, overflow, max_rows)
        annotations = _SheetStream(book, "annotations", ANNOTATION_COLUMNS, formats, overflow, max_rows)
        for document in _collect(store, annotator, job, problems, clean):
            uid, published = document["id"], document["published"]
            documents.write([uid, document["title"], document["source"], document["url"],
                             date.fromisoformat(published) if published else None, document["status"],
                             len(document["annotations"]), document["text"]])
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
        entity_sheet = _SheetStream(book, "entities", ENTITY_COLUMNS, formats, overflow, max_rows)
        for entity in entities.values():
            entity_sheet.write([entity.id, entity.name, entity.type, "; ".join(entity.aliases),
                                mentions.get(entity.id, 0)])
        entity_sheet.close()
        from curator.facts import fact_rows

        fact_sheet = _SheetStream(book, "facts", FACT_COLUMNS, formats, overflow, max_rows)
        for row in fact_rows(store):
            fact_sheet.write([_number(row[c]) if c in ("accepted_amount", "amount") else row[c]
                              for c, _width in FACT_COLUMNS])
        fact_sheet.close()
        from curator.agreement import GOLD, compute_agreement

        if len(set(store.annotators()) - {GOLD}) >= 2:  # agreement needs two annotators
            write_agreement_sheets(book, formats, compute_agreement(store, job=job), prefix="agreement ")
        if overflow_rows:
            _write_overflow(book, formats, overflow_rows, overflow, max_rows)
        _refuse_on_errors(target, problems)
        book.close()
    return problems


def _write_overflow(book: Any, formats: dict[str, Any], rows: list[tuple[str, int, str, str]],
                    overflow: Callable[[str, int, str, str], None], max_rows: int) -> None:
    sheet = _SheetStream(book, "overflow", [("sheet", 14), ("row", 8), ("column", 12), ("part", 6), ("text", 80)],
                         formats, overflow, max_rows)
    for sheet_name, row, column, rest in rows:
        for part, text in enumerate(excel_parts(rest), start=2):
            sheet.write([sheet_name, row, column, part, text])
    sheet.close()


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


def export(store: Store, target: str | Path, fmt: str | None = None, annotator: str | None = None,
           job: Job | None = None, clean: bool = False) -> list[Problem]:
    """Export in the format given, or the one the target's suffix names."""
    target = Path(target)
    fmt = (fmt or target.suffix.lstrip(".")).lower()
    if fmt == "json":
        return export_json(store, target, annotator, job, clean=clean)
    if fmt == "jsonl":
        return export_jsonl(store, target, annotator, job, clean=clean)
    if fmt in ("xlsx", "excel"):
        return export_xlsx(store, target, annotator, job, clean=clean)
    raise CuratorError(f"{target}: unknown export format {fmt!r} (use one of {', '.join(FORMATS)})")


def export_agreement(report, target: str | Path) -> None:
    """Write an agreement report as JSON, or as an Excel workbook with one sheet per table."""
    target = Path(target)
    suffix = target.suffix.lower()
    if suffix == ".json":
        with atomic_path(target) as temp:
            temp.write_text(json.dumps(report.to_dict(), indent=1) + "\n", encoding="utf-8")
        return
    if suffix != ".xlsx":
        raise CuratorError(f"{target}: agreement can be exported as .json or .xlsx")
    import xlsxwriter

    with atomic_path(target) as temp:
        book = xlsxwriter.Workbook(str(temp), {"strings_to_formulas": False, "strings_to_urls": False})
        formats = {"header": book.add_format({"bold": True, "bg_color": "#e8e8e8", "bottom": 1}),
                   "date": book.add_format({"num_format": "yyyy-mm-dd"}),
                   "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
                   "quoted": book.add_format({"quote_prefix": True})}
        write_agreement_sheets(book, formats, report)
        book.close()


def write_agreement_sheets(book: Any, formats: dict[str, Any], report, prefix: str = "") -> None:
    from curator.agreement import agreement_tables

    def ignore(*_args: Any) -> None:  # agreement cells are short; nothing overflows
        return None

    for name, rows in agreement_tables(report).items():
        if not rows:
            continue
        columns = [(column, max(10, min(40, len(column) + 2))) for column in rows[0]]
        sheet = _SheetStream(book, f"{prefix}{name}", columns, formats, ignore)
        for row in rows:
            sheet.write([row[column] for column, _width in columns])
        sheet.close()
