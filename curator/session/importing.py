"""Importing into a project as its user's one step of history: the articles and annotated
files the readers take in (``formats.interop``), then the step that undoes it all."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from curator.domain.jobs import Job
from curator.formats.reports import ImportReport
from curator.session.changes import IMPORT
from curator.session.history import Session
from curator.session.import_commands import TakeOutImport
from curator.store import Store
from curator.store.removals import id_ranges


def import_paths(session: Session, paths: Sequence[str | Path], job: Job | None = None, fmt: str | None = None,
                 suggestion_layer: str | None = None, annotated_only: bool = False,
                 into_gold: bool = False, annotator: str | dict[str, str] | None = None,
                 labels: dict[str, str | None] | None = None) -> ImportReport:
    """Import files and folders (``fmt``: every file in that tool's format; else detected
    by content) and record the import as one step of ``session``'s user's history.
    ``annotated_only``: only the files of annotations among them (an import again, once
    the project has the labels it lacked); ``into_gold``: the files' spans of the reviewed
    layer are taken (else skipped, each said); ``annotator``: whose work each annotated file is;
    ``labels``: the project's label for each of the files' it names (``--map GPE=LOCATION``; None:
    left out); those it took a file's spans as are remembered for the next import (``taken_labels``)."""
    with session.operation(IMPORT):  # one change for every window, when it ends
        report = _import(session, [Path(p) for p in paths], job, fmt, suggestion_layer, annotated_only, into_gold,
                         annotator, taken_labels(session.store, labels))
    remember_labels(session.store, {name: labels[name] for name in report.taken_as if labels and name in labels})
    return report


def _import(session: Session, paths: list[Path], job: Job | None, fmt: str | None, suggestion_layer: str | None,
            annotated_only: bool, into_gold: bool, annotator: str | dict[str, str] | None,
            labels: dict[str, str | None] | None) -> ImportReport:
    from curator.formats.interop import detect, import_annotated
    from curator.formats.interop import import_paths as read_paths

    if annotated_only:  # (the files of the folders named too: what was said of the others, was said)
        from curator.formats.articles import folder_files

        files = [found for path in paths for found in (folder_files(path, ImportReport()) if path.is_dir() else [path])]
        paths = [p for p in files if p.is_file() and detect(p)]
    suggestion_layer = suggestion_layer or session.annotator  # a model's predictions: its user's to decide
    report = ImportReport()
    try:
        if fmt:
            for path in paths:
                if job is not None:
                    job.set_status(f"Reading {path.name}")
                report.merge(import_annotated(session.store, path, fmt, suggestion_layer=suggestion_layer, job=job,
                                              into_gold=into_gold, annotator=annotator, labels=labels))
        else:
            read_paths(session.store, paths, job, suggestion_layer=suggestion_layer, report=report,
                       into_gold=into_gold, annotator=annotator, labels=labels)
    finally:  # cancelled or failed part-way: what its committed batches added is one step too
        record_import(session, report)
    return report


LABEL_CHOICES = "import.labels"  # how the project took the labels of files it lacks (Store.set_state)


def taken_labels(store: Store, given: dict[str, str | None] | None = None) -> dict[str, str | None]:
    """How an import takes a file's labels: as ``given`` now, and the others the project
    lacks as an import before took them (``remember_labels``) while that still fits the
    project (a label the project has since is its own; one taken as a label the project
    lost is asked again)."""
    names = set(store.label_schema.names)
    chosen = {name: ours for name, ours in _remembered(store).items() if name not in names and ours in names}
    return {**chosen, **(given or {})}


def remember_labels(store: Store, taken: dict[str, str | None]) -> None:
    """Remember how an import that ended took a file's labels (``taken``: those its files
    had), for the next: a label left out is not remembered, so the next file asks again."""
    kept = {name: ours for name, ours in taken.items() if ours is not None}
    if kept:
        store.set_state(LABEL_CHOICES, {**_remembered(store), **kept})


def _remembered(store: Store) -> dict[str, str]:
    chosen = store.get_state(LABEL_CHOICES)
    return {name: ours for name, ours in chosen.items() if isinstance(name, str) and isinstance(ours, str)} \
        if isinstance(chosen, dict) else {}


def import_layer_file(session: Session, path: str | Path, into_gold: bool = False) -> ImportReport:
    """One annotator's layer file (``formats.layer_files.import_layer``), recorded as one
    step of ``session``'s user's history, as ``import_paths`` records one."""
    from curator.formats.layer_files import import_layer

    report = ImportReport()
    with session.operation(IMPORT):
        try:
            report = import_layer(session.store, path, into_gold=into_gold)
        finally:
            record_import(session, report)
    return report


def record_import(session: Session, report: ImportReport) -> None:
    """The step that undoes what ``report``'s import added, recorded as done (if it added anything)."""
    counts = {("document", "documents"): len(report.added), ("span", "spans"): len(report.spans_on_known),
              ("correction", "corrections"): len(report.spans_before),
              ("suggestion", "suggestions"): len(report.suggestions_on_known),
              ("relation", "relations"): len(report.relations_on_known),
              ("status", "statuses"): len({row[:2] for row in report.statuses_before}),
              ("set of categories", "sets of categories"): len({row[:3] for row in report.categories_before})}
    parts = [f"{count:,} {nouns[count != 1]}" for nouns, count in counts.items() if count]
    if not parts:
        return
    session.record(TakeOutImport(f"Import {' and '.join(parts)}", id_ranges(report.added),
                                 list(report.spans_on_known), relation_ids=list(report.relations_on_known),
                                 statuses=list(report.statuses_before), categories=list(report.categories_before),
                                 changed=[span.model_dump(mode="json") for span in report.spans_before],
                                 suggestion_ids=list(report.suggestions_on_known)))


def import_suffixes() -> tuple[str, ...]:
    """Every extension an import reads, articles' and the other tools' files' (one list,
    the formats' own): the import dialog's filter lists them."""
    from curator.formats.interop import IMPORT_SUFFIXES

    return IMPORT_SUFFIXES
