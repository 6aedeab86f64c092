"""Reading articles from files: text and Markdown (one article each), JSON, JSON Lines,
CSV and spreadsheets (a record a row). Each file gives records to import or problems
naming the file, record and reason; nothing here writes to a project."""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from curator.domain.text import nfc
from curator.formats import exported_sheets, front_matter, sheet_limits, sheet_numbers
from curator.formats.boundary import (
    MAX_ID_CHARS,
    BadJSON,
    bad_text,
    check_input,
    describe,
    loads,
    loads_bytes,
    read_input,
    too_wide,
)
from curator.formats.reports import ImportProblem

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm"}
RECORD_SUFFIXES = {".json", ".jsonl", ".ndjson", ".csv", ".xlsx", ".xlsm", ".xls", ".ods"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | RECORD_SUFFIXES
SIDECAR_NAME = "metadata.json"
TEXT_COLUMNS = ("text", "content", "body", "article")
MAX_TEXT_CHARS = 10_000_000
_CSV_DELIMITERS = (",", ";", "\t")

FIELD_ALIASES = {
    "id": "uid", "uid": "uid",
    "doc_id": "uid",
    "title": "title",
    "headline": "title",
    "source": "source",
    "outlet": "source",
    "url": "url",
    "link": "url",
    "published": "published",
    "date": "published",
    "pub_date": "published", "published_at": "published", "publication_date": "published", "publish_date": "published",
}


class Skipped(Exception):
    """A file or record that cannot be imported; the message is the reason."""


_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
              (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _not_utf8(exc: UnicodeDecodeError, offset: int, line: int) -> Skipped:
    """The problem for bytes that are not UTF-8: where (``offset``/``line`` of the data
    ``exc`` was raised on) and what to do about it."""
    line += exc.object.count(b"\n", 0, exc.start)
    return Skipped(f"not valid UTF-8 (byte 0x{exc.object[exc.start]:02x} at offset {offset + exc.start}, line {line}); "
                   "save the file as UTF-8 and import it again")


def _decode(data: bytes) -> str:
    if not data.strip():
        raise Skipped("empty file")
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise Skipped(f"not valid {encoding.upper()} (byte {exc.start})") from exc
    if b"\x00" in data[:65536]:
        raise Skipped("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _not_utf8(exc, 0, 1) from exc


def _read_bytes(path: Path) -> bytes:
    try:
        return read_input(path)
    except OSError as exc:
        raise Skipped(exc.strerror or str(exc)) from exc


def _check_text(text: Any) -> str:
    if not isinstance(text, str):
        raise Skipped(f"'text' is {type(text).__name__}, not a string")
    if not text or text.isspace():  # (strip() would copy the whole text)
        raise Skipped("'text' is empty")
    if len(text) > MAX_TEXT_CHARS:
        raise Skipped(f"text has {len(text):,} characters, more than the limit of {MAX_TEXT_CHARS:,}")
    if "\x00" in text:
        raise Skipped("text contains NUL characters")
    if bad_text(text):
        raise Skipped("'text' holds a lone surrogate (not a Unicode character)")
    return text


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        raw = value.strip()
        try:
            return date.fromisoformat(raw[:10])
        except ValueError:
            # Imported here, as below: its patterns take 15 ms to compile, and records of
            # JSON, CSV or sheets with ISO dates (and other tools' files) never need them.
            from curator.domain.metadata import parse_written_date

            parsed = parse_written_date(raw)
            if parsed:
                return parsed
    raise ValueError(f"date {value!r} is not a date (use YYYY-MM-DD)")


@dataclass
class _Candidate:
    """A document read from a file, before it gets its final uid."""

    uid: str
    text: str
    fields: dict[str, Any]
    origin: str
    record: str | None

    def __post_init__(self) -> None:
        self.uid = nfc(self.uid)  # the one spelling ids are kept in (a file name may come in NFD)


def record_to_candidate(
    record: Any, *, file: str, record_name: str, default_uid: str, warnings: list[ImportProblem]
) -> _Candidate:
    if not isinstance(record, dict):
        raise Skipped(f"is a {type(record).__name__}, not an object with a 'text' field")
    lowered = {str(key).strip().lower(): value for key, value in record.items()}
    written = {str(key).strip().lower(): str(key) for key in record}  # (extra metadata keeps its keys as written)
    text_key = next((key for key in TEXT_COLUMNS if key in lowered), None)
    if text_key is None:
        raise Skipped(f"has no 'text' field (fields: {', '.join(map(str, record)) or 'none'})")
    text = _check_text(lowered.pop(text_key))
    fields: dict[str, Any] = {"extra": {}}
    uid = default_uid
    for key, value in lowered.items():
        target = FIELD_ALIASES.get(key)
        if value is None or (isinstance(value, str) and not value.strip()) or _is_nan(value):
            continue
        if target and isinstance(value, (list, dict, bool)):
            raise Skipped(f"'{key}' is {describe(value)}, not text")
        if isinstance(value, str) and "\x00" in value:  # the store (PostgreSQL) cannot keep NUL
            raise Skipped(f"'{key}' contains NUL characters")
        if target == "uid":
            uid = str(value).strip()
            if len(uid) > MAX_ID_CHARS:
                raise Skipped(f"'{key}' has {len(uid):,} characters, more than the limit of {MAX_ID_CHARS}")
        elif target == "published" and "published" not in fields:  # (the first date column; a second is extra)
            try:
                fields["published"] = parse_date(value)
            except ValueError as exc:
                fields["extra"][written[key]] = str(value)
                warnings.append(ImportProblem(file, f"{exc}; kept as '{written[key]}' in extra metadata", record_name))
        elif target and target not in fields:
            fields[target] = str(value).strip()
            if too_wide("source", fields.get("source")):
                raise Skipped(f"'{key}': {too_wide('source', fields['source'])}")
        else:
            fields["extra"][written[key]] = _jsonable(value)
    return _Candidate(uid=uid, text=text, fields=fields, origin=f"{file}#{record_name}", record=record_name)


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and value != value


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):  # a spreadsheet duration
        return str(value)
    return value


def _text_fits(path: Path) -> None:
    """Refuse a text file too large to hold a text within the limit (four bytes a character
    in any encoding Curator reads, and a byte order mark) before any of it is read."""
    try:
        size = check_input(path)
    except OSError as exc:
        raise Skipped(exc.strerror or str(exc)) from exc
    if size > 4 * MAX_TEXT_CHARS + 4:
        raise Skipped(f"the file is {size:,} bytes, so its text has more characters, more than the limit of "
                      f"{MAX_TEXT_CHARS:,}; not read")


def _read_text_file(path: Path, data: bytes, warnings: list[ImportProblem]) -> Iterator[_Candidate | ImportProblem]:
    """One article; a Markdown file's front matter (``front_matter``) gives its fields, and
    what its text states the fields the front matter lacks. A page saved from the web: ``web_pages``."""
    if path.suffix.lower() in {".html", ".htm"}:
        from curator.formats.web_pages import page_candidate

        yield page_candidate(path, data, warnings)
        return
    text = _check_text(_decode(data))
    markdown = path.suffix.lower() in {".md", ".markdown"}
    stated = _Candidate(uid=path.stem, text=text, fields={"extra": {}}, origin=path.name, record=None)
    try:
        front = front_matter.split(text, FIELD_ALIASES) if markdown else None
    except front_matter.Unreadable as exc:  # (read as an article with no front matter)
        warnings.append(ImportProblem(path.name, f"{exc}; it is kept in the text", "front matter"))
        front = None
    if front is not None:
        if not front.body.strip():
            raise Skipped("no article after its front matter")
        try:
            stated = record_to_candidate(front_matter.as_record(front), file=path.name, record_name="front matter",
                                         default_uid=path.stem, warnings=warnings)
        except Skipped as exc:
            raise Skipped(f"its front matter: {exc}") from exc
        stated.origin, stated.record = path.name, None
    from curator.domain.metadata import fill_stated

    fill_stated(stated.fields, stated.text, markdown)
    if not stated.fields["extra"]:
        del stated.fields["extra"]
    yield stated


def _read_json(path: Path, data: bytes, warnings: list[ImportProblem]) -> Iterator[_Candidate | ImportProblem]:
    try:
        payload = loads_bytes(data, _decode)
    except BadJSON as exc:
        raise Skipped(str(exc)) from exc
    if isinstance(payload, dict) and "documents" in payload and not isinstance(payload["documents"], list):
        raise Skipped(f"'documents' is {describe(payload['documents'])}, not a list of records")
    if isinstance(payload, dict) and isinstance(payload.get("documents"), list):
        records = payload["documents"]
    elif isinstance(payload, dict) and any(key in payload for key in TEXT_COLUMNS):
        records = [payload]
    elif isinstance(payload, list):
        records = payload
    else:
        raise Skipped("expected a list of records, an object with 'documents', or one record with 'text'")
    yield from _records(path, enumerate(records, start=1), "record", warnings)


def _read_json_file(path: Path, warnings: list[ImportProblem],
                    progress: Callable[[float], None]) -> Iterator[_Candidate | ImportProblem]:
    """A JSON file: read whole up to ``json_stream.WHOLE_JSON_BYTES`` (ijson loaded only for
    one), a record at a time above it (memory bounded by a record); both give the same."""
    from curator.formats import json_stream
    try:
        size = check_input(path, streamed=True)
        file = path.open("rb")
    except OSError as exc:
        raise Skipped(exc.strerror or str(exc)) from exc
    with file:
        if json_stream.read_whole(size):
            yield from _read_json(path, file.read(), warnings)
            return
        records = json_stream.stream_json(file, _check_encoding(file), size, line_cap(), progress, Skipped)
        yield from _records(path, records, "record", warnings)


def _read_jsonl(path: Path, warnings: list[ImportProblem],
                progress: Callable[[float], None]) -> Iterator[_Candidate | ImportProblem]:
    """Records from a JSON Lines file, read a line at a time: memory stays flat however
    large the file. Lines end at "\\n" only (a record's text may hold other line breaks)."""
    try:
        check_input(path, streamed=True)
        file = path.open("rb")
    except OSError as exc:
        raise Skipped(exc.strerror or str(exc)) from exc
    with file:
        wide = _check_encoding(file)  # UTF-16/32: decoded a chunk at a time, checked whole first
        numbered: Iterator[tuple[int, Any]] = _decoded_lines(file, wide) if wide else \
            _numbered_lines(file, os.fstat(file.fileno()).st_size, progress)
        yield from _records(path, ((n, line if isinstance(line, Skipped) else _parse_json_line(line))
                                   for n, line in numbered if isinstance(line, Skipped) or line and not line.isspace()),
                            "line", warnings)


def _check_encoding(file: BinaryIO) -> str | None:
    """The file's wide encoding (UTF-16/32, by its byte order mark) or None (UTF-8), all of it checked to decode."""
    head = file.read(4)
    wide = next((encoding for bom, encoding in _WIDE_BOMS if head.startswith(bom)), None)
    file.seek(0)
    _check_wide(file, wide) if wide else _check_utf8(file)
    file.seek(0)
    return wide


def _check_wide(file: BinaryIO, encoding: str) -> None:
    """Refuse a UTF-16 or UTF-32 file that does not decode, before any of it is imported."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    try:
        while chunk := file.read(1 << 22):
            decoder.decode(chunk)
            offset += len(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise Skipped(f"not valid {encoding.upper()} (near byte {offset + exc.start})") from exc


def _decoded_lines(file: BinaryIO, encoding: str) -> Iterator[tuple[int, str | Skipped]]:
    """The lines of a UTF-16/32 file (ending at "\\n"), numbered, decoded a chunk at a
    time; a line longer than ``line_cap`` characters is a ``Skipped``, not kept."""
    decoder, cap = codecs.getincrementaldecoder(encoding)(), line_cap()
    pending, number, too_long = "", 0, False
    while True:
        chunk = file.read(1 << 20)
        pending += decoder.decode(chunk, final=not chunk)
        *lines, pending = pending.split("\n")
        for line in lines:
            number += 1
            yield number, _too_long(cap) if too_long else line.removeprefix("\ufeff") if number == 1 else line
            too_long = False
        if len(pending) > cap:
            pending, too_long = "", True
        if not chunk:
            break
    if pending or too_long:
        yield number + 1, _too_long(cap) if too_long else pending


def _too_long(cap: int) -> Skipped:
    return Skipped(f"the line is longer than {cap:,} bytes, more than a record whose text has at most "
                   f"{MAX_TEXT_CHARS:,} characters can take; skipped without reading it whole")


def _check_utf8(file: BinaryIO) -> None:
    """Refuse a whole file that is empty, binary or not UTF-8 before any of it is imported,
    reading it in chunks and keeping nothing."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, empty = 0, True
    while chunk := file.read(1 << 22):
        if offset == 0 and b"\x00" in chunk[:65536]:
            raise Skipped("binary file (contains NUL bytes), not text")
        pending = decoder.getstate()[0]
        if pending or not chunk.isascii():
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise _not_utf8(exc, offset - len(pending), _line_at(file, offset - len(pending))) from exc
        empty = empty and chunk.isspace()
        offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise _not_utf8(exc, offset - len(exc.object), _line_at(file, offset - len(exc.object))) from exc
    if empty:
        raise Skipped("empty file")


def _line_at(file: BinaryIO, offset: int) -> int:
    """The number of the line at byte ``offset`` of ``file`` (counted only for an error)."""
    file.seek(0)
    line = 1
    while offset > 0 and (chunk := file.read(min(offset, 1 << 22))):
        line += chunk.count(b"\n")
        offset -= len(chunk)
    return line


def line_cap() -> int:
    """The most bytes a JSON Lines record may take: a text at the limit written with every
    character escaped (``\\ud83d\\ude00``: twelve bytes a character), and a megabyte of
    metadata. A longer line is no record Curator can import, and is not read whole."""
    return 12 * MAX_TEXT_CHARS + 1_000_000


def _numbered_lines(file: BinaryIO, size: int, progress: Callable[[float], None]
                    ) -> Iterator[tuple[int, bytes | Skipped]]:
    """The file's lines, numbered; a line longer than ``line_cap`` is a ``Skipped``, read
    through without keeping it (memory stays bounded by the cap, not by the file)."""
    cap = line_cap()
    number = 0
    while line := file.readline(cap + 1):
        number += 1
        if number == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8):]
        elif number % 1000 == 0 and size:
            progress(file.tell() / size)
        if len(line) > cap and not line.endswith(b"\n"):
            del line
            while (rest := file.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield number, _too_long(cap)
            continue
        yield number, line


def _parse_json_line(line: str | bytes) -> Any:
    try:
        return loads(line)  # orjson first: twice as fast as the standard reader on news-sized records
    except BadJSON as exc:
        return Skipped(str(exc))


def _read_csv(path: Path, warnings: list[ImportProblem]) -> Iterator[_Candidate | ImportProblem]:
    """Records from a CSV file, read a line at a time (checked for its encoding first): memory
    stays bounded by the size of a record, not by the file's."""
    try:
        check_input(path, streamed=True)
        file = path.open("rb")
    except OSError as exc:
        raise Skipped(exc.strerror or str(exc)) from exc
    with file:
        encoding = _check_encoding(file)
        text = io.TextIOWrapper(file, encoding=encoding or "utf-8-sig", newline="")
        try:
            yield from _csv_records(path, text, warnings)
        finally:
            text.detach()


def _bounded_lines(text: io.TextIOBase) -> Iterator[str]:
    """The lines of a text file; one longer than any record may be (``line_cap``) is not
    read whole: ``Skipped`` is raised, and the file is read no further."""
    cap = line_cap()
    while line := text.readline(cap + 1):
        if len(line) > cap and not line.endswith(("\n", "\r")):
            raise Skipped(f"a line is longer than {cap:,} characters, more than a record whose text has at most "
                          f"{MAX_TEXT_CHARS:,} characters can take; the rest of the file is not read")
        yield line


def _csv_format(sample: str) -> dict[str, Any]:
    """Excel's CSV (a quote doubled in a quoted field) with the delimiter that splits the
    header into the most columns, and spaces after a delimiter skipped (``1, "a, b"`` is
    two fields). (``csv.Sniffer`` guessed quotes were not doubled, which cut or changed
    such texts, and found no delimiter in a small file of one quoted row.)"""
    header = re.match(r"[^\r\n]*", sample).group()

    def columns(delimiter: str) -> int:
        try:
            return len(next(csv.reader([header], delimiter=delimiter, skipinitialspace=True)))
        except csv.Error:
            return 0

    return {"delimiter": max(_CSV_DELIMITERS, key=columns), "skipinitialspace": True}  # (a comma where none splits it)


def _csv_records(path: Path, text: io.TextIOBase, warnings: list[ImportProblem]
                 ) -> Iterator[_Candidate | ImportProblem]:
    csv.field_size_limit(MAX_TEXT_CHARS + 1)
    sample = text.read(8192)
    if not sample.strip():
        raise Skipped("empty file")
    text.seek(0)
    reader = csv.reader(_bounded_lines(text), csv.excel, **_csv_format(sample))
    try:
        header = next(reader)
    except StopIteration as exc:
        raise Skipped("empty file") from exc
    except csv.Error as exc:
        raise Skipped(f"malformed CSV: {exc}") from exc
    _require_text_column(header)

    def rows() -> Iterator[tuple[int, Any]]:
        row_number = 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield reader.line_num, Skipped(f"malformed CSV: {exc}")
                return
            except Skipped as exc:
                yield reader.line_num + 1, exc
                return
            row_number += 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                yield row_number, Skipped(f"has {len(row)} fields, the header has {len(header)}")
                continue
            yield row_number, dict(zip(header, row))

    yield from _records(path, rows(), "row", warnings)


def _read_sheet(path: Path, warnings: list[ImportProblem]) -> Iterator[_Candidate | ImportProblem]:
    from python_calamine import CalamineWorkbook  # heavy import, only when needed

    try:
        check_input(path)
    except OSError as exc:
        raise Skipped(exc.strerror or str(exc)) from exc
    reason = sheet_limits.refusal(path)
    if reason:
        raise Skipped(reason)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        table = sheet.to_python(skip_empty_area=True)
        continued = exported_sheets.overflow(workbook, workbook.sheet_names[0])
        top, left = sheet.start or (0, 0)
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise Skipped(f"not a readable spreadsheet ({type(exc).__name__}: {exc})") from exc
    if not table:
        raise Skipped("the first sheet is empty")
    header = [str(cell).strip() for cell in table[0]]
    _require_text_column(header)
    derived = exported_sheets.derived_columns(workbook.sheet_names[0], header)
    ids = [index for index, name in enumerate(header) if FIELD_ALIASES.get(name.lower()) == "uid"]
    long_ids = {(top + number + 1, left + index + 1) for number, row in enumerate(table) for index in ids
                if index < len(row) and sheet_numbers.inexact(row[index])}
    written = sheet_numbers.written_numbers(path, long_ids) if long_ids else {}

    def rows() -> Iterator[tuple[int, Any]]:
        for number, row in enumerate(table[1:], start=2):
            if all(cell in ("", None) for cell in row):
                continue
            row = [sheet_numbers.whole(cell) for cell in row]  # 1001, not 1001.0
            for index in ids:
                if index < len(row) and sheet_numbers.inexact(row[index]):
                    as_written = written.get((top + number, left + index + 1), "")
                    exact = sheet_numbers.exact_whole(as_written)
                    if exact is None:
                        yield number, Skipped(
                            f"'{header[index]}' is the number {as_written or repr(row[index])}, longer than a "
                            "spreadsheet number "
                            "holds exactly (about 15 digits): the workbook may have rounded it. Keep ids as text "
                            "in the workbook")
                        break
                    row[index] = exact
            else:
                yield number, exported_sheets.record(header, row, derived, continued.get(number, {}))

    yield from _records(path, rows(), "row", warnings)


def _require_text_column(header: list[str]) -> None:
    names = [str(name).strip().lower() for name in header]
    if not any(name in TEXT_COLUMNS for name in names):
        raise Skipped(
            f"no text column (expected one of {', '.join(TEXT_COLUMNS)}; found {', '.join(header) or 'none'})"
        )


def _records(
    path: Path, numbered: Iterable[tuple[int, Any]], unit: str, warnings: list[ImportProblem]
) -> Iterator[_Candidate | ImportProblem]:
    from curator.domain.undated import UndatedRecords

    file, stem = path.name, path.stem
    undated = UndatedRecords()
    for number, record in numbered:
        name = f"{unit} {number}"
        try:
            if isinstance(record, Skipped):
                raise record
            candidate = record_to_candidate(record, file=file, record_name=name, default_uid=f"{stem}-{number}",
                                            warnings=warnings)
            undated.fill(candidate.fields, candidate.text)
            yield candidate
        except Skipped as exc:
            yield ImportProblem(str(path), str(exc), name)


def read_file(path: Path, warnings: list[ImportProblem],
              progress: Callable[[float], None] = lambda _fraction: None) -> Iterator[_Candidate | ImportProblem]:
    """Candidates (or per-record problems) from one file; raises ``Skipped`` for the whole file.
    ``progress`` hears, now and then, the fraction of a large file read so far."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise Skipped(f"unsupported file type '{suffix or 'none'}' (articles: {', '.join(sorted(SUPPORTED_SUFFIXES))}; "
                      "another tool's file of annotations is told by its content, and this is none Curator reads)")
    if suffix in {".xlsx", ".xlsm", ".xls", ".ods"}:
        yield from _read_sheet(path, warnings)
        return
    if suffix in {".jsonl", ".ndjson"}:
        yield from _read_jsonl(path, warnings, progress)
        return
    if suffix == ".csv":
        yield from _read_csv(path, warnings)
        return
    if suffix == ".json":
        yield from _read_json_file(path, warnings, progress)
        return
    _text_fits(path)
    yield from _read_text_file(path, _read_bytes(path), warnings)
