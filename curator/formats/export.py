"""Write the validated dataset to JSON or Excel, atomically.

Both writers stream: documents are validated and written one at a time into a
temporary file beside the target, which replaces the target only when every
document passed. A refused or cancelled export leaves nothing behind.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

import orjson
import sqlalchemy as sa

from curator.domain.dataset import FORMAT_VERSION
from curator.domain.jobs import Job, collector_paused
from curator.domain.models import utc_now
from curator.errors import CuratorError, DataError
from curator.formats.fact_table import fact_rows
from curator.formats.outputs import atomic_path, check_file_target, parts_folder
from curator.formats.validate import (
    Problem,
    Severity,
    fact_problems,
    iter_export_documents,
)
from curator.store import Store

SCHEMA_NAME = f"curator-dataset-v{FORMAT_VERSION}.schema.json"


def dataset_schema() -> dict:
    """The JSON Schema of a JSON export, generated from the pydantic models."""
    from curator.domain.dataset import Dataset

    schema = Dataset.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"urn:curator:dataset:v{FORMAT_VERSION}"
    schema["title"] = f"Curator dataset, format version {FORMAT_VERSION}"
    return schema


def schema_beside(target: Path) -> Path:
    """Where the JSON Schema of an export to ``target`` goes (beside it), checked before the
    export is written, so that a schema that cannot be written refuses the export whole;
    an export may not take the schema's own name."""
    schema = target.parent / SCHEMA_NAME
    if check_file_target(schema) == check_file_target(target):
        raise CuratorError(f"{target}: refused: {SCHEMA_NAME} is the name of the dataset's JSON Schema, written "
                           "beside every JSON export; choose another name for the export")
    return schema


def schema_text() -> str:
    """The JSON Schema of a JSON export as it is written beside one."""
    return json.dumps(dataset_schema(), indent=1) + "\n"


# The schema as shipped, made by ``schema_text`` when the models last changed (a test
# holds them equal): pydantic's making of it took a tenth of a small export.
SHIPPED_SCHEMA = Path(__file__).with_name(SCHEMA_NAME)


def write_schema(folder: Path) -> Path:
    target = folder / SCHEMA_NAME
    try:
        text = SHIPPED_SCHEMA.read_bytes()
    except OSError:  # (an installation without it: made again)
        text = schema_text().encode("utf-8")
    with atomic_path(target) as temp:
        temp.write_bytes(text)
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


@dataclass(frozen=True)
class Decided:
    """What an export takes as decided before it starts writing, worked out by whoever
    asks for the export (``curator.session.exporting``): the writers only write. ``skip``:
    documents left out (duplicates not kept, for a clean export); ``problems``: what
    blocks the export (disagreements or duplicates still open); ``agreement``: the
    agreement tables for a workbook."""

    skip: frozenset[int] = frozenset()
    problems: tuple[Problem, ...] = ()
    agreement: dict[str, list[dict]] | None = None


NOTHING_DECIDED = Decided()


def collect(store: Store, annotator: str | None, job: Job | None, problems: list[Problem],
            decided: Decided = NOTHING_DECIDED, entities: dict[str, dict] | None = None) -> Iterator[dict]:
    """Valid documents in order, as JSON-ready dicts, but those ``decided`` leaves out;
    problems of every document go to ``problems``. With ``entities`` (JSON by id), each
    document carries the entities its spans link to (see ``with_linked``)."""
    problems.extend(decided.problems)
    for document, found in iter_export_documents(store, annotator, job, skip=decided.skip):
        problems.extend(found)
        if document is not None:
            yield document if entities is None else with_linked(document, entities)


def with_linked(document: dict, entities: dict[str, dict]) -> dict:
    """The document with ``entities``: those its spans link to, in id order. A JSONL
    export has no place for the project's entities but its lines, so each line carries
    its own, and the file read alone keeps every link."""
    linked = sorted({span["entity_id"] for span in document["annotations"] if span["entity_id"]})
    document["entities"] = [entities[entity_id] for entity_id in linked if entity_id in entities]
    return document


def document_json(document: dict) -> bytes:
    """A document as the export writes it. orjson, but for an integer wider than 64 bits
    (an article's extra metadata may hold one, read as written), which the standard
    writer keeps whole."""
    try:
        return orjson.dumps(document)
    except TypeError:
        return json.dumps(document, ensure_ascii=False, allow_nan=False).encode("utf-8")


def entities_json(store: Store) -> dict[str, dict]:
    return {entity.id: entity.model_dump(mode="json") for entity in store.entities()}


# Projects of at least this many documents are exported by worker processes, each
# validating and serialising its own ranges of documents into a part file.
PARALLEL_FROM = 50_000  # below this, starting the workers costs more than they save
_RANGE = 2_500  # documents per part
_BUFFER = 1 << 20  # bytes written at a time (a document is often larger than the default 8 KiB)


def _write_documents(out: BinaryIO, temp: Path, store: Store, annotator: str | None, job: Job | None,
                     problems: list[Problem], decided: Decided, workers: int | None, parallel_from: int,
                     prefix: bytes, suffix: bytes, entities: dict[str, dict] | None = None) -> None:
    """Write each valid document as JSON between ``prefix`` and ``suffix``, in id order,
    except the first byte of the first (the comma before the first of a JSON array);
    problems go to ``problems``. ``entities``: as for ``collect``."""
    job = job or Job()
    workers = min(4, os.cpu_count() or 1) if workers is None else workers
    skip_first = len(prefix) > 0
    if workers < 2 or store.document_count() < max(parallel_from, 1):
        with _mapped(store) as reader:
            for document in collect(reader, annotator, job, problems, decided, entities):
                out.write(prefix[1:] if skip_first else prefix)
                out.write(document_json(document))
                out.write(suffix)
                skip_first = False
        return
    # Imported here: most exports are smaller and never start a worker.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    problems.extend(decided.problems)
    dropped = set(decided.skip)
    ids = sorted(store.document_ids())
    pieces = [ids[i : i + _RANGE] for i in range(0, len(ids), _RANGE)]
    folder = parts_folder(temp)  # removed with ``temp``, or by the next export if this one is killed
    # Spawned, not forked: the window exports from a thread, and forking a threaded process is unsafe.
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_open_worker_store, initargs=(store.location, os.getpid(), entities))
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
_WORKER_ENTITIES: dict[str, dict] | None = None  # as for ``collect``: given once, not with every range


def _open_worker_store(location: str, parent: int, entities: dict[str, dict] | None = None) -> None:
    global _WORKER_STORE, _WORKER_ENTITIES
    _exit_with_parent(parent)
    _WORKER_STORE = Store.open(location)
    _WORKER_ENTITIES = entities
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
                out.write(document_json(document if _WORKER_ENTITIES is None
                                        else with_linked(document, _WORKER_ENTITIES)))
                out.write(suffix)
    return part, problems


def export_json(store: Store, target: str | Path, annotator: str | None = None, job: Job | None = None,
                decided: Decided = NOTHING_DECIDED, workers: int | None = None,
                parallel_from: int = PARALLEL_FROM) -> list[Problem]:
    """Write the dataset as one JSON object; returns the warnings. Raises ``ExportRefused``.
    Large projects are validated and serialised by ``workers`` processes (default: the
    machine's cores, up to four)."""
    target = Path(target)
    schema_beside(target)
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
            _write_documents(out, temp, store, annotator, job, problems, decided, workers, parallel_from,
                             prefix=b",\n  ", suffix=b"")
            out.write(b"\n ]\n}\n")
        _refuse_on_errors(target, problems)
    write_schema(target.parent)
    return problems


def export_jsonl(store: Store, target: str | Path, annotator: str | None = None, job: Job | None = None,
                 decided: Decided = NOTHING_DECIDED, workers: int | None = None, parallel_from: int = PARALLEL_FROM
                 ) -> list[Problem]:
    """Write one document per line, with its annotations and the entities they link to;
    returns the warnings."""
    target = Path(target)
    schema_beside(target)
    problems: list[Problem] = []
    with atomic_path(target) as temp, collector_paused():
        with temp.open("wb", buffering=_BUFFER) as out:
            _write_documents(out, temp, store, annotator, job, problems, decided, workers, parallel_from,
                             prefix=b"", suffix=b"\n", entities=entities_json(store))
        _refuse_on_errors(target, problems)
    write_schema(target.parent)
    return problems


def _facts_json(store: Store) -> list[dict]:
    """Each recorded fact with its accepted value and every supporting mention (provenance)."""
    facts: dict[str, dict] = {}
    for row in fact_rows(store):
        fact = facts.setdefault(row["fact"], {
            "id": row["fact"], "subject": row["subject"], "measure": row["measure"],
            "period_start": row["period_start"].isoformat() if row["period_start"] else None,
            "period_end": row["period_end"].isoformat() if row["period_end"] else None,
            "unit": row["unit"], "accepted_amount": row["accepted_amount"], "note": row["note"],
            "subjects": row["subject_ids"], "attribution": row["attribution"],  # entity ids, as in "entities"
            "mentions": []})
        if row["mention"]:
            fact["mentions"].append({key: (value.isoformat() if isinstance(value, date) else value)
                                     for key, value in row.items()
                                     if key in ("mention", "document", "source", "published", "text", "amount",
                                                "annotator", "attributed_to")})
    return list(facts.values())


def _refuse_on_errors(target: Path, problems: list[Problem]) -> None:
    if any(p.severity is Severity.ERROR for p in problems):
        raise ExportRefused(target, problems)
