"""Formats other annotation tools use, read into a project and written from it: Label
Studio, doccano, CoNLL, spaCy, Prodigy, WebAnno TSV (INCEpTION), and Curator's own
exports and layer files read back.

A file's format is told by its content (``sniffing``), and the import's summary says what
each file was taken for. Each reader returns the documents with their spans and what it
found beside them (``annotated.ReadFile``), or raises ``FileRefused`` naming every
malformed record (file, record, field, reason) before anything is written; what a peer
writes by default is never refused: what Curator cannot represent is counted and
reported. ``annotated_import`` then adds the documents to a project (documents already
there with the same id and text get only the spans they lack; spans that do not fit the
project are reported and skipped). Each writer exports one layer (or all) of a project
after the export's validation, refusing as the JSON export does.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from curator.domain.jobs import Job, collector_paused
from curator.errors import CuratorError
from curator.formats import IMPORT_FORMATS
from curator.formats.annotated import (
    AnnotatedDocument,
    ReadFile,
    read_text,
    refuse_invalid,
    relabel,
    take_as,
)
from curator.formats.annotated_import import add_documents, report_read
from curator.formats.article_files import SUPPORTED_SUFFIXES
from curator.formats.articles import folder_files, import_files, not_imported
from curator.formats.boundary import FileRefused
from curator.formats.conll import export_conll, read_conll
from curator.formats.doccano import export_doccano, read_doccano, read_doccano_zip
from curator.formats.doccano_csv import read_doccano_csv
from curator.formats.labelstudio import export_labelstudio, read_labelstudio
from curator.formats.labelstudio_config import remember_config_file, remembered
from curator.formats.labelstudio_min import read_labelstudio_csv, read_labelstudio_min
from curator.formats.prodigy import export_prodigy, read_prodigy
from curator.formats.reports import ImportProblem, ImportReport
from curator.formats.sniffing import Sniffed, sniff
from curator.formats.spacy_docbin import SPAN_KEY, export_docbin, read_docbin
from curator.formats.webanno_tsv import export_webanno, read_webanno, read_webanno_zip
from curator.store import Store

FORMATS = IMPORT_FORMATS  # what import_annotated reads (--format)
# A file's suffix, when its content did not tell: a damaged file still reaches its reader,
# which says what is wrong with it.
_BY_SUFFIX = {".conll": "conll", ".bio": "conll", ".iob": "conll", ".spacy": "spacy"}
# The extensions of every file an import reads: articles, and the other tools' files (told
# by content whatever their name; these are the names they usually have): the import
# dialog's filter lists them.
ANNOTATED_SUFFIXES = frozenset({*_BY_SUFFIX, ".testa", ".testb", ".tsv", ".zip", ".xml"})
IMPORT_SUFFIXES = tuple(sorted(SUPPORTED_SUFFIXES | ANNOTATED_SUFFIXES))


def _sets(store: Store) -> dict:
    return {category.name: category for category in store.label_schema.categories}


Reader = Callable[[Path, Any, Store], ReadFile]
READERS: dict[str, Reader] = {
    "labelstudio": lambda path, parsed, store: read_labelstudio(path, parsed, remembered(store)),
    "labelstudio-min": lambda path, parsed, store: read_labelstudio_min(path, parsed, remembered(store),
                                                                        _sets(store)),
    "labelstudio-csv": lambda path, _parsed, store: read_labelstudio_csv(path, remembered(store), _sets(store)),
    "doccano": lambda path, parsed, _store: read_doccano(path, parsed),
    "doccano-csv": lambda path, _parsed, _store: read_doccano_csv(path),
    "doccano-zip": lambda path, _parsed, _store: read_doccano_zip(path),
    "conll": lambda path, _parsed, _store: read_conll(path),
    "spacy": lambda path, _parsed, _store: read_docbin(path),
    "prodigy": lambda path, _parsed, _store: read_prodigy(path),
    "webanno": lambda path, _parsed, _store: read_webanno(path),
    "webanno-zip": lambda path, _parsed, _store: read_webanno_zip(path),
}


def detect(path: Path) -> str | None:
    """Which format a file is in (a ``READERS`` key, or curator, layer, labelstudio-config),
    or None for a file of articles."""
    found = _sniff(path)
    return found.fmt if found else None


def _sniff(path: Path) -> Sniffed | None:
    found = sniff(path)
    if found is None and path.suffix.lower() in _BY_SUFFIX and path.is_file():
        fmt = _BY_SUFFIX[path.suffix.lower()]
        return Sniffed(fmt, {"conll": "CoNLL (by its name)", "spacy": "a spaCy DocBin (by its name)"}[fmt])
    return found


def _family(fmt: str) -> str:
    return fmt.split("-")[0]


# -- readers -------------------------------------------------------------------------------


def import_curator_export(store: Store, path: Path, into_gold: bool = False,
                          annotator: str | dict[str, str] | None = None,
                          labels: dict[str, str | None] | None = None) -> ImportReport:
    """Read a Curator JSON export (documents, annotations, entities, facts) into a project
    (every span ``annotator``'s, if given: ``take_as``; ``labels``: ``relabel``)."""
    from curator.formats.dataset_reader import (
        read_curator_export,  # (the export's models: only for this)
    )

    entities, documents, facts = read_curator_export(store, path)
    report = ImportReport()
    _taken(documents, report, str(path), annotator, labels)
    known = {e.id for e in store.entities()}
    add_documents(store, documents, report, str(path), [e for e in entities if e.id not in known], facts,
                  into_gold=into_gold)
    return report


def _taken(documents: list[AnnotatedDocument], report: ImportReport, where: str,
           annotator: str | dict[str, str] | None, labels: dict[str, str | None] | None) -> None:
    """A file's documents made the named annotators' (``take_as``) and given the project's
    labels (``relabel``), as the import was asked; the report says how."""
    if annotator is not None:
        unmatched = take_as(documents, annotator, where)
        if unmatched:  # ("3=ana" where the file's users are 1 and 2: a slip the curator should see)
            report.warnings.append(ImportProblem(where, "--annotator names " + ", ".join(map(repr, unmatched))
                                                 + ", whom the file does not name"))
    if labels:
        report.taken_as = {name: (labels[name], count) for name, count in relabel(documents, labels).items()}


def import_annotated(store: Store, path: str | Path, fmt: str | None = None, parsed: Any = None,
                     suggestion_layer: str | None = None, sniffed: Sniffed | None = None,
                     job: Job | None = None, into_gold: bool = False, annotator: str | dict[str, str] | None = None,
                     labels: dict[str, str | None] | None = None) -> ImportReport:
    """Import documents with their spans from another tool's file (format detected if not given).

    The whole file is read and checked before anything is written: a malformed file
    raises ``FileRefused`` and changes nothing. Spans and documents that are well formed
    but do not fit this project are reported in the result and skipped. ``fmt``: a tool
    (``--format``), whose kind of file the content still tells; ``parsed``: the file's JSON
    as sniffing read it, not to parse it twice; ``suggestion_layer``: whose suggestions a
    model's pre-annotations become (the user's when not given); ``job``: told how many
    of the file's documents are checked, then written, once it is read; ``into_gold``:
    the reviewed layer's spans and statuses are taken (else skipped, each said);
    ``annotator``: whose work the whole file is (``take_as``), a tool's made-up name else;
    ``labels``: the project's label for each of the file's it names (``relabel``)."""
    path = Path(path)
    # A file's records, read whole, are millions of objects that make no reference cycles:
    # the collector's full passes over them, again and again, were up to a fifth of the import.
    with collector_paused():
        found = sniffed or _sniff(path)
        if fmt is not None and (found is None or _family(found.fmt) != fmt):
            found = Sniffed(fmt, f"{fmt} (as --format says)")
        if found is None:
            raise CuratorError(f"{path}: not a file of annotations Curator knows (Label Studio, doccano, CoNLL, "
                               "spaCy, Prodigy, WebAnno TSV or a Curator export)")
        if parsed is not None and found.parsed is None:
            found.parsed = parsed
        report = ImportReport()
        if found.fmt == "curator":
            report = import_curator_export(store, path, into_gold, annotator, labels)
        elif found.fmt == "layer":
            from curator.formats.layer_files import import_layer

            if annotator is not None:
                raise CuratorError(f"{path}: a layer file is its annotator's; --annotator is for other tools' files")
            report = import_layer(store, path, into_gold=into_gold)
        elif found.fmt == "labelstudio-config":
            said = remember_config_file(store, path, read_text(path))
            report.warnings.append(ImportProblem(str(path), said))
        elif found.fmt in READERS:
            read = READERS[found.fmt](path, found.parsed, store)
            found.parsed = parsed = None  # (the file's JSON, read: not held while its documents are written)
            report_read(read, report, str(path), read.documents)  # (before the documents of one id are merged)
            _taken(read.documents, report, str(path), annotator, labels)
            add_documents(store, read.documents, report, str(path), suggestion_layer=suggestion_layer, job=job,
                          into_gold=into_gold)
            return report
        else:
            raise CuratorError(f"{path}: not a {found.fmt} file Curator reads")
        report.read_as.append((str(path), found.kind))
    return report


# -- writers --------------------------------------------------------------------------------


WRITERS: dict[str, Callable[..., None]] = {
    "labelstudio": export_labelstudio,
    "doccano": export_doccano,
    "conll": export_conll,
    "spacy": export_docbin,
    "prodigy": export_prodigy,
    "webanno": export_webanno,
}


def export_interop(store: Store, target: str | Path, fmt: str, annotator: str | None = None) -> None:
    """Write one layer (or all) in another tool's format; each writer validates first.
    Which layers a format may hold is the export's rule (``curator.session.exporting``),
    checked before this is called."""
    if fmt not in WRITERS:
        raise CuratorError(f"unknown format {fmt!r}")
    WRITERS[fmt](store, Path(target), annotator)


def _files(paths: list[Path], report: ImportReport) -> list[tuple[Path, bool]]:
    """Every file named, and every file in the folders named (``folder_files``: what is
    not a file to read is reported), each with whether it was named itself."""
    files = []
    for path in paths:
        if path.is_dir():
            files.extend((found, False) for found in folder_files(path, report))
        else:
            files.append((path, True))
    return files


LOOKING = "Looking at the files"  # what an import of several files says while it tells each one's format


def import_paths(store: Store, paths: list[Path], job: Job | None = None,
                 suggestion_layer: str | None = None, report: ImportReport | None = None,
                 into_gold: bool = False, annotator: str | dict[str, str] | None = None,
                 labels: dict[str, str | None] | None = None) -> ImportReport:
    """Import articles and annotated files alike: annotated ones (detected by content, in
    folders too) go through the readers above, the rest through the article importer. A
    Label Studio labeling config among them is read first. One report for all (``report``,
    if given: it holds what was added even when the import is cancelled or fails);
    ``annotator``, ``labels``: whose work each annotated file is, the project's labels for
    its (``import_annotated``)."""
    report = report if report is not None else ImportReport()
    articles: list[Path] = []
    named_here: dict[Path, bool] = {}  # each file once: whether it was named itself
    for path, named in _files([Path(p) for p in paths], report):
        named_here.setdefault(path, named)
    files = list(named_here.items())
    # Labeling configs first: the files after them are read with their fields. Every other
    # file is told and imported in turn, so that one file's parsed JSON is held at a time
    # (told all first, a folder of Label Studio exports held them all at once).
    configs = [item for item in files if item[0].is_file() and sniff(item[0], configs_only=True)]
    files = configs + [item for item in files if item not in configs]
    with collector_paused():  # (as in import_annotated; the detection parses a Label Studio file)
        for index, (path, named) in enumerate(files):
            if job is not None:  # (after an annotated file, not its last "Writing" while the next are told)
                job.set_status(LOOKING)
                job.set_progress(index, len(files))
            found = _sniff(path) if path.is_file() else None
            if found is None:
                if named or path.suffix.lower() in SUPPORTED_SUFFIXES:
                    articles.append(path)
                else:
                    not_imported(path, report)
                continue
            if job is not None:
                job.set_status(f"Reading {path.name}")
                job.set_progress(index, len(files))
            try:
                report.merge(import_annotated(store, path, suggestion_layer=suggestion_layer, sniffed=found, job=job,
                                              into_gold=into_gold, annotator=annotator, labels=labels))
            except FileRefused as exc:
                report.problems += exc.problems
            except CuratorError as exc:
                report.problems.append(ImportProblem(str(path), str(exc)))
            found.parsed = None
    read = ImportReport()
    try:
        import_files(store, articles, job, report=read)
    finally:  # (a cancelled import keeps the batches it added)
        report.merge(read)
    return report


__all__ = ["FORMATS", "IMPORT_SUFFIXES", "READERS", "SPAN_KEY", "WRITERS", "AnnotatedDocument", "ImportReport",
           "detect", "export_docbin", "export_interop", "import_annotated", "import_paths", "read_docbin", "refuse_invalid"]
