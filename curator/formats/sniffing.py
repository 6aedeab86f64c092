"""What a file is, told by its content, not its name: Curator's own exports and layer
files, Label Studio (tasks, JSON_MIN, CSV, a labeling config), doccano (JSONL, JSON,
CSV), Prodigy JSONL, CoNLL (``-DOCSTART-``, a token and its tag a line, whatever the
suffix: ``.txt``, ``.testa``, ``.iob``), WebAnno TSV 3, spaCy DocBin; anything else is
a file of articles. A file that cannot be read is left to the article import, which
words the problem."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curator.domain.text import INVISIBLE
from curator.errors import CuratorError
from curator.formats.annotated import decode
from curator.formats.boundary import (
    BadJSON,
    check_input,
    loads,
    loads_bytes,
    read_input,
)

HEAD_BYTES = 1 << 16  # what is read of a file to tell a text format
_TAG = re.compile(r"O|[BIESLU]-\S+")
_SEPARATOR = re.compile(r"[ \t]+")
_DOCCANO_FIELDS = {"id", "text", "label", "Comments", "cats", "entities", "relations"}


@dataclass
class Sniffed:
    """A file's format (``interop.READERS``' key), what it was taken for, in words, and its
    parsed JSON when telling it needed a full parse (so the reader does not parse again)."""

    fmt: str
    kind: str
    parsed: Any = None


def sniff(path: Path, configs_only: bool = False) -> Sniffed | None:
    """What ``path`` holds, or None for a file of articles (or one that cannot be read).
    ``configs_only``: the labeling config it is, told by its head alone as in full (None
    for anything else, whatever else it is)."""
    try:
        check_input(path, streamed=True)  # its head: a reader of the whole checks the size again
        with path.open("rb") as file:
            head = file.read(HEAD_BYTES)
            whole = len(head) < HEAD_BYTES
    except OSError:
        return None
    if head.startswith(b"PK\x03\x04"):
        return None if configs_only else _zip(path)
    if _docbin(head) or (path.suffix.lower() == ".spacy" and head):
        return None if configs_only else Sniffed("spacy", "a spaCy DocBin")
    try:
        text = decode(head)
    except UnicodeDecodeError as exc:
        if whole or exc.start < len(head) - 4:  # (a multi-byte character cut at the end of the head is fine)
            return None
        text = head[:exc.start].decode("utf-8-sig", "ignore")
    if "\x00" in text:
        return None
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("#FORMAT=WebAnno TSV 3"):
        return None if configs_only else Sniffed("webanno", "a WebAnno TSV 3 file (INCEpTION)")
    from curator.formats.labelstudio_config import is_config

    if is_config(stripped):
        return Sniffed("labelstudio-config", "a Label Studio labeling config")
    if configs_only:
        return None
    if stripped[:1] in ("[", "{"):
        return _json(path, stripped, whole)
    return _table(stripped) or _conll(text, whole)


def _zip(path: Path) -> Sniffed | None:
    """doccano's download (JSONL files) or a zip of WebAnno TSV files; None for anything
    else (a workbook is a zip too: the article import reads spreadsheets)."""
    from curator.formats.archives import member_names

    names = [name.lower() for name in member_names(path) or []]
    if names and all(name.endswith(".jsonl") for name in names):
        return Sniffed("doccano-zip", "doccano's export (a zip of JSONL)")
    if names and all(name.endswith(".tsv") for name in names):
        return Sniffed("webanno-zip", "a zip of WebAnno TSV 3 files (INCEpTION)")
    return None


def _docbin(head: bytes) -> bool:
    """Whether ``head`` starts a zlib stream of a msgpack'd DocBin (spaCy's keys inside)."""
    if head[:1] != b"\x78":
        return False
    try:
        inside = zlib.decompressobj().decompress(head, 4096)
    except zlib.error:
        return False
    return b"lengths" in inside[:512] or (b"attrs" in inside[:512] and b"tokens" in inside[:512])


def _json(path: Path, stripped: str, whole: bool) -> Sniffed | None:
    suffix = path.suffix.lower()
    first, _newline, rest = stripped.partition("\n")
    lines = suffix in (".jsonl", ".ndjson")
    if not lines and suffix != ".json" and rest.strip():
        try:  # a JSON object a line, whatever the suffix
            lines = isinstance(loads(first), dict) and rest.lstrip()[:1] == "{"
        except BadJSON:
            lines = False
    try:
        if lines:
            listed = stripped.split("\n")
            if not whole:
                listed = listed[:-1]  # (the last may be cut)
            try:
                return _records([loads(line) for line in listed[:50] if line.strip()])
            except BadJSON:
                if _whole_value(first):
                    raise
                # One record written over several lines, as doccano's export dialog shows its example.
        if not whole and stripped[:1] == "[" and _no_tools_list(path):
            return None  # (a large list of articles: the article import reads it a record at a time)
        payload = loads(stripped) if whole else loads_bytes(read_input(path), decode)
    except (BadJSON, ValueError, OSError, UnicodeDecodeError, CuratorError):
        return None  # (the article import words what is wrong with it)
    return _document(payload)


def _no_tools_list(path: Path) -> bool:
    """Whether a JSON list too large to be read whole by the article import is no other
    tool's file, told by its first records (``json_stream.preview``, each kept whole), as
    ``_document`` tells a whole file by its first records: a list of articles is then not
    parsed whole here only to be told apart (it took the whole file's parsed size in
    memory). False when that cannot be told so (the whole file is read, as for any other)."""
    from curator.formats import json_stream

    try:
        if json_stream.read_whole(path.stat().st_size):
            return False
        with path.open("rb") as file:
            head = json_stream.preview(file, items=50, inner=1 << 30)
    except (BadJSON, OSError, ValueError):
        return False
    return isinstance(head, list) and _document(head) is None


def _document(payload: Any) -> Sniffed | None:
    from curator.formats.labelstudio import looks_like_tasks
    from curator.formats.labelstudio_min import looks_like_min

    if isinstance(payload, dict) and payload.get("format") == "curator-dataset":
        return Sniffed("curator", "a Curator JSON export")
    if isinstance(payload, dict) and payload.get("format") == "curator-annotations":
        return Sniffed("layer", "a Curator annotator layer file")
    if looks_like_tasks(payload):
        return Sniffed("labelstudio", "a single Label Studio task" if isinstance(payload, dict)
                       else "a Label Studio JSON export", payload)
    if looks_like_min(payload):
        return Sniffed("labelstudio-min", "a Label Studio JSON_MIN export", payload)
    if isinstance(payload, dict) and "text" in payload and set(payload) <= _DOCCANO_FIELDS and \
            any(isinstance(payload.get(key), list) for key in ("entities", "relations")):
        payload = [payload]  # one doccano example, as its import and export dialogs show one
    records = [item for item in payload[:50] if isinstance(item, dict)] if isinstance(payload, list) else []
    # doccano's JSON export holds only its own fields: a list of articles may have a "label" of its own.
    if records and all(set(record) <= _DOCCANO_FIELDS for record in records):
        found = _records(records)
        if found is not None and found.fmt == "doccano":
            return Sniffed("doccano", found.kind.replace("JSONL", "JSON"), payload)
    return None


def _records(records: list) -> Sniffed | None:
    """What a file of JSON records (its first ones) is: Curator's JSONL export, Prodigy's or
    doccano's annotations, or plain articles (None)."""
    records = [record for record in records if isinstance(record, dict)]
    if any(isinstance(r.get("annotations"), list) and "id" in r and "text" in r for r in records):
        return Sniffed("curator", "a Curator JSONL export")
    if any(r.get("answer") in ("accept", "reject", "ignore") or "_input_hash" in r or "_task_hash" in r
           or _listed(r.get("spans"), ("start", "end")) or _listed(r.get("tokens"), ("start", "end", "id"))
           for r in records):
        return Sniffed("prodigy", "Prodigy annotations (JSONL)")
    if any(isinstance(r.get("relations"), list) and isinstance(r.get("entities"), list) for r in records):
        return Sniffed("doccano", "doccano JSONL (relation extraction)")
    if any(isinstance(r.get("entities"), list) and isinstance(r.get("cats"), list) for r in records):
        return Sniffed("doccano", "doccano JSONL (intent detection and slot filling)")
    labels = [r.get("label") for r in records if isinstance(r.get("label"), list) and r["label"]]
    if labels and all(all(isinstance(item, str) for item in label) for label in labels):
        # Category names: doccano's, if the records are doccano's (an article may have tags of its own).
        if all("Comments" in r or set(r) <= _DOCCANO_FIELDS for r in records):
            return Sniffed("doccano", "doccano JSONL (text classification)")
        return None
    if labels or any(isinstance(r.get("entities"), list) for r in records):
        return Sniffed("doccano", "doccano JSONL (sequence labeling)")
    if any(isinstance(r.get("cats"), list) and "text" in r for r in records):
        return Sniffed("doccano", "doccano JSONL (text classification)")
    if any(isinstance(r.get("label"), list) and "text" in r for r in records) and \
            all(isinstance(r.get("label"), list) for r in records if "text" in r):
        return Sniffed("doccano", "doccano JSONL")
    return None


def _whole_value(line: str) -> bool:
    """Whether ``line`` holds a JSON value of its own (a JSON Lines file's), not the start of one."""
    try:
        loads(line)
    except BadJSON:
        return False
    return True


def _listed(value: Any, keys: tuple[str, ...]) -> bool:
    return isinstance(value, list) and bool(value) and isinstance(value[0], dict) and all(k in value[0] for k in keys)


def _table(text: str) -> Sniffed | None:
    """Label Studio's CSV export, or doccano's CSV (an import file or its export)."""
    header = text.split("\n", 1)[0].strip("\r\ufeff")
    for delimiter in (",", "\t", ";"):
        columns = [column.strip().strip('"') for column in header.split(delimiter)]
        if len(columns) < 2:
            continue
        names = set(columns)
        if {"annotation_id", "annotator"} <= names and "id" in names:
            return Sniffed("labelstudio-csv", "a Label Studio CSV export" if delimiter != "\t"
                           else "a Label Studio TSV export")
        if "text" in names and "label" in names and (names <= {"id", "text", "label", "Comments"}
                                                     or "Comments" in names):
            return Sniffed("doccano-csv", "doccano CSV (text classification)")
    return None


def _conll(text: str, whole: bool) -> Sniffed | None:
    """A CoNLL file: a token and its tag (last) a line, sentences apart by blank lines,
    perhaps ``-DOCSTART-`` lines; checked over the first few hundred lines."""
    lines = text.split("\n")
    if not whole:
        lines = lines[:-1]  # (the last may be cut)
    tokens = tagged = other = 0
    for line in lines[:2000]:
        if other and tokens + other >= 10 and other * 50 > tokens:
            return None  # (an article's lines: stop early)
        line = line.strip(" \t\r" + INVISIBLE)
        if not line:
            continue
        if line.startswith("-DOCSTART-"):
            return Sniffed("conll", "CoNLL (-DOCSTART- documents)")
        parts = _SEPARATOR.split(line)
        if len(parts) >= 2 and _TAG.fullmatch(parts[-1]) and len(line) < 400:
            tokens += 1
            tagged += parts[-1] != "O"
        else:
            other += 1
        if tokens + other >= 500:
            break
    if tokens >= 2 and other <= tokens // 50 and (tagged or tokens >= 20):
        return Sniffed("conll", "CoNLL (a token and its tag a line)")
    return None
