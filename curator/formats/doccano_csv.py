"""doccano's CSV for text classification, read: the file doccano imports (``text,label``,
one category a row, UTF-8 or UTF-16) and the one it exports (``id,text,label,Comments``,
categories joined by ``#``, the example's metadata in further columns). A row without a
text is reported and skipped, as doccano's own import does."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from curator.formats.annotated import FieldReader, ReadFile, read_text
from curator.formats.article_files import MAX_TEXT_CHARS
from curator.formats.boundary import Problems
from curator.formats.doccano import DEFAULT_ANNOTATOR, example_document, read_example
from curator.formats.reports import ImportProblem


def read_doccano_csv(path: Path) -> ReadFile:
    """A doccano classification CSV; raises ``FileRefused`` if the file is malformed."""
    text = read_text(path)
    csv.field_size_limit(MAX_TEXT_CHARS + 1)
    header_line = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";"), key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    problems = Problems(str(path))
    found = ReadFile([], "doccano CSV (text classification)")
    kinds: set[str] = set()
    try:
        header = [name.strip() for name in next(reader, [])]
        for number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            record = FieldReader(problems, f"row {number}")
            if len(row) != len(header):
                record.bad(None, f"has {len(row)} fields, the header has {len(header)}")
                continue
            raw = dict(zip(header, row))
            if not raw.get("text", "").strip():
                found.skipped.append(ImportProblem(str(path), "no text; skipped", record.name))
                continue
            labels = [name.strip() for name in raw.pop("label", "").split("#") if name.strip()]
            comments = raw.pop("Comments", "")
            if comments.strip():
                found.leave_out("comment(s) not imported: Curator keeps no comments")
            example = {**{k: v for k, v in raw.items() if v != ""}, "text": raw["text"], "label": labels}
            document = example_document(record, example, path, number - 1)
            read_example(record, example, document, DEFAULT_ANNOTATOR, found, kinds)
            if document:
                found.documents.append(document)
    except csv.Error as exc:
        problems.add(f"row {reader.line_num}", None, f"malformed CSV: {exc}")
    problems.refuse_if_any()
    return found
