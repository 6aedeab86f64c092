"""Label Studio's flat exports, read: JSON_MIN (one record per annotation: the task's
data, each control's results under its name, ``annotator``, ``annotation_id``) and the
CSV/TSV export (the same columns, results as JSON text). Each record becomes a task with
one annotation and is read as the JSON export is (``labelstudio``): the same text field
choice, offset checks and report of what is left out.

A single choice is written as bare text (``"sentiment": "Positive"``), which reads like any
other field: it is taken as a category only when the project has a category set of that
name holding that choice, else it stays metadata."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from curator.domain.schema import CategorySet
from curator.formats.annotated import ReadFile, load_json, read_text
from curator.formats.article_files import MAX_TEXT_CHARS
from curator.formats.boundary import BadJSON, loads
from curator.formats.labelstudio import read_labelstudio
from curator.formats.labelstudio_config import TextFields

# A record's fields that say who annotated and when, not what the task holds.
ANNOTATION_FIELDS = ("annotator", "annotation_id", "created_at", "updated_at", "lead_time", "agreement", "history",
                     "was_cancelled")
_REGION_TYPES = ("labels", "hypertextlabels", "paragraphlabels", "rectanglelabels", "polygonlabels",
                 "keypointlabels", "brushlabels", "ellipselabels", "timeserieslabels", "videorectangle",
                 "rectangle", "polygon", "keypoint", "ellipse", "taxonomy", "rating", "number", "datetime")


def _region(value: Any) -> bool:
    return isinstance(value, dict) and any(key in value for key in _REGION_TYPES)


def looks_like_min(payload: Any) -> bool:
    """Whether parsed JSON is a JSON_MIN export: records with ``annotation_id``, or with a
    field holding regions (``[{"start": 0, "end": 5, "labels": [...]}]``)."""
    if not isinstance(payload, list):
        return False
    records = [item for item in payload[:50] if isinstance(item, dict)]
    return any("annotation_id" in record and "annotator" in record for record in records) or any(
        isinstance(value, list) and value and all(_region(item) for item in value)
        for record in records for value in record.values())


def _results(name: str, value: Any, sets: dict[str, CategorySet]) -> list[dict] | None:
    """The results a record's field holds, as the JSON export writes them; None if the field
    is the task's data."""
    if isinstance(value, list) and value and all(_region(item) for item in value):
        results = []
        for item in value:
            kind = next(key for key in _REGION_TYPES if key in item)
            results.append({"from_name": name, "type": kind, "value": item})
        return results
    if isinstance(value, dict) and isinstance(value.get("choices"), list):
        return [{"from_name": name, "type": "choices", "value": value}]
    if isinstance(value, dict) and isinstance(value.get("text"), list) and len(value) == 1:
        return [{"from_name": name, "type": "textarea", "value": value}]
    category = sets.get(name)
    if isinstance(value, str) and category is not None and value in category.names:
        return [{"from_name": name, "type": "choices", "value": {"choices": [value]}}]
    return None


def _task(record: dict, sets: dict[str, CategorySet]) -> dict:
    """A flat record as a task of the JSON export, with one annotation."""
    data, results = {}, []
    for name, value in record.items():
        if name in ANNOTATION_FIELDS or name == "id":  # (the task's id is Label Studio's, not the data's)
            continue
        found = _results(name, value, sets)
        if found is None:
            data[name.removeprefix("_data_")] = value
        else:
            results.extend(found)
    annotation = {"completed_by": record.get("annotator"), "result": results,
                  "was_cancelled": record.get("was_cancelled") is True}
    task = {"data": data, "annotations": [annotation] if "annotator" in record or results else []}
    if "id" in record:
        task["id"] = record["id"]
    return task


def read_labelstudio_min(path: Path, payload: Any = None, fields: TextFields | None = None,
                         sets: dict[str, CategorySet] | None = None) -> ReadFile:
    """A JSON_MIN export; raises ``FileRefused`` if a record is malformed."""
    payload = load_json(path) if payload is None else payload
    records = payload if isinstance(payload, list) else [payload]
    tasks = [_task(record, sets or {}) if isinstance(record, dict) else record for record in records]
    found = read_labelstudio(path, tasks, fields, [f"record {number}" for number in range(1, len(tasks) + 1)])
    found.kind = "a Label Studio JSON_MIN export"
    return found


def read_labelstudio_csv(path: Path, fields: TextFields | None = None,
                         sets: dict[str, CategorySet] | None = None) -> ReadFile:
    """Label Studio's CSV or TSV export: a row per annotation, results as JSON text."""
    from curator.formats.boundary import Problems

    text = read_text(path)
    csv.field_size_limit(MAX_TEXT_CHARS + 1)
    header_line = text.split("\n", 1)[0]
    delimiter = "\t" if header_line.count("\t") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    problems = Problems(str(path))
    records, names = [], []
    try:
        header = next(reader, [])
        for number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                problems.add(f"row {number}", None, f"has {len(row)} fields, the header has {len(header)}")
                continue
            records.append({name: _cell(value) for name, value in zip(header, row) if value != ""})
            names.append(f"row {number}")
    except csv.Error as exc:
        problems.add(f"row {reader.line_num}", None, f"malformed CSV: {exc}")
    problems.refuse_if_any()
    found = read_labelstudio(path, [_task(record, sets or {}) for record in records], fields, names)
    found.kind = "a Label Studio TSV export" if delimiter == "\t" else "a Label Studio CSV export"
    return found


def _cell(value: str) -> Any:
    """A CSV cell: JSON text (results, a task's object or list field) parsed, anything else as written."""
    if value[:1] in ("[", "{") and value[-1:] in ("]", "}"):
        try:
            return loads(value)
        except BadJSON:
            return value
    return value
