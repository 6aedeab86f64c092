"""Import articles from files: text/Markdown, JSON, JSONL, CSV and Excel.

Each file is read on its own: a file (or record) that cannot be read is
reported with its name and the reason, and everything else is imported. Only
new documents are added; nothing already in the project changes.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import ValidationError

from curator.domain.jobs import Job, WriteBehind, collector_paused
from curator.domain.model_base import error_text
from curator.domain.models import Document, plain_document
from curator.domain.text import nfc
from curator.formats.article_files import (
    FIELD_ALIASES,
    SIDECAR_NAME,
    SUPPORTED_SUFFIXES,
    Skipped,
    _Candidate,
    parse_date,
    read_file,
)
from curator.formats.boundary import (
    BadJSON,
    describe,
    file_kind,
    loads,
    read_input,
)
from curator.formats.reports import ImportProblem, ImportReport
from curator.store import Store

# Documents per transaction. Each commit waits for the disk, but the batch is written on a
# thread of its own while the next is read (``WriteBehind``): smaller batches overlap more.
_BATCH = 2_500


def load_sidecar(path: Path) -> dict[str, dict[str, Any]]:
    """Read a ``metadata.json`` sidecar: ``{"files": {"name.txt": {"title": ...}}}``, a
    file named by its path from the sidecar's folder (``sub/name.txt``; ``sub\\name.txt``
    and ``./name.txt`` read the same)."""
    try:
        payload = loads(read_input(path).decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, BadJSON) as exc:
        raise Skipped(f"cannot read metadata sidecar: {exc}") from exc
    files = payload.get("files") if isinstance(payload, dict) else None
    if not isinstance(files, dict) or not all(isinstance(v, dict) for v in files.values()):
        raise Skipped("a metadata sidecar must be an object with 'files': {file name: {field: value}}")
    return {PurePosixPath(name.replace("\\", "/")).as_posix(): entry for name, entry in files.items()}


def _sidecars_naming(sidecars: dict[Path, dict[str, dict[str, Any]]], path: Path, top: int) -> list[tuple[Path, str]]:
    """The sidecars (their folders) above ``path`` that name it, nearest first, with the
    name each gives; ``top``: the fewest parts a sidecar's folder has (none is above it)."""
    named = []
    for folder in path.parents:
        if len(folder.parts) < top:
            break
        entries = sidecars.get(folder)
        if entries is not None and (name := path.relative_to(folder).as_posix()) in entries:
            named.append((folder, name))
    return named


def _expand(paths: Iterable[Path], report: ImportReport) -> list[Path]:
    """The files to read: those named, and the files of the folders named (searched
    recursively). Nothing in a folder is skipped without a word: a link to a folder (not
    followed: it may loop), a link to nothing, a FIFO, device or socket (refused, as when
    named) and a file of a type Curator does not import are reported."""
    expanded: list[Path] = []
    for path in paths:
        if path.is_dir():
            expanded.extend(_folder_files(path, report))
        else:
            expanded.append(path)
    return expanded


def _folder_files(folder: Path, report: ImportReport) -> list[Path]:
    found = []
    for path in folder_files(folder, report):
        if path.suffix.lower() in SUPPORTED_SUFFIXES:
            found.append(path)
        else:
            not_imported(path, report)
    return found


def not_imported(path: Path, report: ImportReport) -> None:
    """Report a file of a folder that is of no type Curator imports."""
    report.warnings.append(ImportProblem(str(path), f"skipped: '{path.suffix or path.name}' is not a type of "
                                         "file Curator imports"))
    report.files_skipped += 1


def _page_parts(folder: Path, name: str) -> bool:
    """Whether ``folder/name`` holds the parts of a page a browser saved whole beside it."""
    stem = name.removesuffix("_files")
    return stem != name and any((folder / f"{stem}{suffix}").is_file() for suffix in (".html", ".htm"))


def folder_files(folder: Path, report: ImportReport) -> list[Path]:
    """Every regular file in ``folder`` and its folders, sorted; what is not one is
    reported, never skipped without a word: a link to a folder (not followed: it may
    loop), a link to nothing, a FIFO, device or socket (refused, as when named), a
    folder that cannot be read, hidden files and folders (names starting with a dot), and
    the folder of a page saved whole (``Page_files`` beside ``Page.html``: its images,
    scripts and the advertisements it framed)."""
    found: list[Path] = []

    def unreadable(error: OSError) -> None:
        report.problems.append(ImportProblem(str(error.filename or folder),
                                             f"folder skipped: {error.strerror or error}"))

    for root, folders, files in os.walk(folder, onerror=unreadable):
        here = Path(root)
        for name in folders:
            if (here / name).is_symlink():
                report.warnings.append(ImportProblem(str(here / name), "skipped: a link to a folder, not followed "
                                                     "(a link may loop back); name the folder itself to import it"))
            elif name.startswith("."):
                report.warnings.append(ImportProblem(str(here / name), "skipped: a hidden folder"))
            elif _page_parts(here, name):
                report.warnings.append(ImportProblem(str(here / name), "skipped: the parts of a saved page"))
        folders[:] = sorted(name for name in folders if not (here / name).is_symlink() and not name.startswith(".")
                            and not _page_parts(here, name))
        for name in sorted(files):
            path = here / name
            try:
                mode = os.stat(path).st_mode
            except OSError as exc:
                report.problems.append(ImportProblem(str(path), "skipped: a link to nothing (broken link)"
                                                     if path.is_symlink() else f"skipped: {exc.strerror or exc}"))
                continue
            if not stat.S_ISREG(mode):
                report.problems.append(ImportProblem(str(path), f"refused: {file_kind(mode)}, not a file to read"))
            elif name.startswith("."):
                report.warnings.append(ImportProblem(str(path), "skipped: a hidden file"))
            else:
                found.append(path)
    return sorted(found)


# -- the import itself -------------------------------------------------------


def _apply_sidecar(candidate: _Candidate, entry: dict[str, Any], file: str, warnings: list[ImportProblem]) -> None:
    for key, value in entry.items():
        if isinstance(value, (list, dict)) and FIELD_ALIASES.get(key.lower()):
            warnings.append(ImportProblem(file, f"metadata sidecar: '{key}' is {describe(value)}, not text; ignored"))
            continue
        target = FIELD_ALIASES.get(key.lower())
        if target == "uid":
            candidate.uid = nfc(str(value))
        elif target == "published":
            try:
                candidate.fields["published"] = parse_date(value)
            except ValueError as exc:
                warnings.append(ImportProblem(file, f"metadata sidecar: {exc}"))
        elif target:
            candidate.fields[target] = value
        else:
            candidate.fields.setdefault("extra", {})[key] = value


class _UidAllocator:
    """Gives each new document a uid that is unique in the project and the batch.

    It remembers each uid it has given with its text's hash, not the text: an import
    of a million articles holds the texts of one batch, not of all. When a later record
    has a uid and a hash seen before, the text stored in the project decides (``settle``
    first waits for the batch being written)."""

    def __init__(self, store: Store, settle: Callable[[], None]) -> None:
        self.store = store
        self.settle = settle
        self.taken: dict[str, int] = {}  # uid -> hash of its text

    def resolve(self, batch: list[_Candidate]) -> tuple[list[_Candidate], list[_Candidate]]:
        """Split into (new documents with free uids, documents already present)."""
        texts = self.store.existing_uids(c.uid for c in batch if c.uid not in self.taken)
        self.taken.update((uid, hash(text)) for uid, text in texts.items())
        new, present = [], []
        for candidate in batch:
            if self._present(candidate, texts):
                present.append(candidate)
                continue
            if candidate.uid in self.taken:
                candidate.uid = self._free(candidate.uid)
            self.taken[candidate.uid] = hash(candidate.text)
            texts[candidate.uid] = candidate.text  # for the rest of this batch
            new.append(candidate)
        return new, present

    def _present(self, candidate: _Candidate, texts: dict[str, str]) -> bool:
        """Whether the candidate's uid is already taken by this very text."""
        known = self.taken.get(candidate.uid)
        if known is None or known != hash(candidate.text):
            return False
        if candidate.uid not in texts:  # an earlier batch's: in the project once that batch is written
            self.settle()
            texts.update(self.store.existing_uids([candidate.uid]))
        return texts.get(candidate.uid) == candidate.text

    def _free(self, uid: str) -> str:
        suffix = 2
        while True:
            trial = f"{uid}-{suffix}"
            if trial not in self.taken and not self.store.existing_uids([trial]):
                return trial
            suffix += 1


_ROW_FIELDS = {"uid", "title", "source", "url", "published", "text", "origin", "extra"}


def _file_progress(job: Job, index: int, files: int, fraction: float) -> None:
    """How far the reader is in file ``index`` of ``files``; a cancel stops it here, within
    a percent of the file: a large JSON file's first pass (its check) yields no record, so
    the cancel between batches would wait for the whole pass. Nothing is being written
    then: the batches already written stay."""
    job.set_progress(index * 1000 + int(fraction * 1000), files * 1000)
    job.check()


def import_files(store: Store, paths: Iterable[str | Path], job: Job | None = None,
                 report: ImportReport | None = None) -> ImportReport:
    """Import every supported file in ``paths`` (folders are searched recursively).

    A ``metadata.json`` sidecar in a folder supplies metadata for the files named
    in it. Bad files and records become problems in the report; the rest is added.
    Documents are added in batches of ``_BATCH``, each in one transaction, written while
    the next batch is read; a cancelled ``job`` stops before the next batch and keeps the
    ones already added (in ``report``, if given: what a cancelled import added).
    """
    job = job or Job()
    report = report if report is not None else ImportReport()
    files = _expand((Path(p).expanduser() for p in paths), report)
    sidecars: dict[Path, dict[str, dict[str, Any]]] = {}
    for path in files:
        if path.name == SIDECAR_NAME:
            try:
                sidecars[path.parent] = load_sidecar(path)
            except Skipped as exc:
                report.problems.append(ImportProblem(str(path), str(exc)))
    writer = WriteBehind()
    allocator = _UidAllocator(store, writer.wait)
    used: dict[Path, set[str]] = {}  # by sidecar (its folder), the names of its entries that named a file
    top = min((len(folder.parts) for folder in sidecars), default=0)
    pending: list[_Candidate] = []

    def flush() -> None:
        job.check()  # between batches: each batch is one transaction, so the project stays whole
        new, present = allocator.resolve(pending)
        report.already_present.extend(c.uid for c in present)
        documents = []
        for candidate in new:
            # The model's checks by plain ones where they vouch for the values; else the model.
            row = plain_document(candidate.uid, candidate.text, candidate.origin, candidate.fields)
            if row is not None:
                documents.append(row)
                continue
            try:
                document = Document(uid=candidate.uid, text=candidate.text, origin=candidate.origin,
                                    **candidate.fields)
            except ValidationError as exc:
                reason = "; ".join(f"{'.'.join(map(str, e['loc']))}: {error_text(e)}" for e in exc.errors())
                file, _, record = candidate.origin.partition("#")
                report.problems.append(ImportProblem(file, reason, record or None))
                continue
            documents.append(document.model_dump(include=_ROW_FIELDS))
        with store.transaction_committed_behind(writer):
            report.added.extend(store.add_document_rows(documents))
        report.undated.extend(document["uid"] for document in documents if document["published"] is None)
        pending.clear()

    documents_files = [p for p in files if p.name != SIDECAR_NAME]
    # Records make no reference cycles: the collector would rescan each batch.
    with collector_paused(), writer:
        for index, path in enumerate(documents_files):
            job.check()
            job.set_progress(index * 1000, len(documents_files) * 1000)
            job.set_status(f"Reading {path.name}")
            if not path.exists():
                report.problems.append(ImportProblem(str(path), "no such file"))
                continue
            named = _sidecars_naming(sidecars, path, top) if sidecars else []
            for folder, name in named:
                used.setdefault(folder, set()).add(name)
            entry = sidecars[named[0][0]][named[0][1]] if named else None  # the file's, not each record's
            for folder, name in named[1:]:
                report.warnings.append(ImportProblem(str(folder / SIDECAR_NAME), f"names {name!r}, which the "
                                                     f"{SIDECAR_NAME} nearer to it names too; that one's metadata "
                                                     "is used"))
            try:
                progress = partial(_file_progress, job, index, len(documents_files))
                for item in read_file(path, report.warnings, progress):
                    if isinstance(item, ImportProblem):
                        report.problems.append(item)
                        continue
                    if entry and item.record is None:
                        _apply_sidecar(item, entry, str(path), report.warnings)
                    pending.append(item)
                    if len(pending) >= _BATCH:
                        flush()
            except Skipped as exc:
                report.problems.append(ImportProblem(str(path), str(exc)))
        flush()
    for folder, entries in sidecars.items():  # an entry for a file that is not there is no silent skip
        for name in sorted(set(entries) - used.get(folder, set())):
            report.warnings.append(ImportProblem(str(folder / SIDECAR_NAME), f"names {name!r}, which is not among "
                                                 "the files imported; its metadata is not used"))
    job.set_progress(len(documents_files) * 1000, len(documents_files) * 1000)
    return report
