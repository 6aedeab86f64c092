"""Exporting a project: what an export takes as decided (the checks of a clean export,
the agreement tables of a workbook) is worked out here, above the formats, which only
write what they are given and what the store holds."""

from __future__ import annotations

from pathlib import Path

from curator.domain.models import GOLD
from curator.formats.export import Decided, dataset_format
from curator.formats.export import export as write_dataset
from curator.formats.validate import Problem
from curator.jobs import Job
from curator.store import Store


def decide(store: Store, fmt: str, job: Job | None = None, clean: bool = False) -> Decided:
    """What the export of ``store`` in ``fmt`` writes besides the documents."""
    problems: tuple[Problem, ...] = ()
    skip: frozenset[int] = frozenset()
    if clean:
        from curator.analysis.clean import clean_check

        blocking, dropped = clean_check(store, job)
        problems, skip = tuple(blocking), frozenset(dropped)
    agreement = None
    if fmt == "xlsx" and len(set(store.annotators()) - {GOLD}) >= 2:  # agreement needs two annotators
        # Imported here: numpy is for the workbook's agreement sheet alone.
        from curator.analysis.agreement import agreement_tables, compute_agreement

        agreement = agreement_tables(compute_agreement(store, job=job))
    return Decided(skip=skip, problems=problems, agreement=agreement)


def export(store: Store, target: str | Path, fmt: str | None = None, annotator: str | None = None,
           job: Job | None = None, clean: bool = False) -> list[Problem]:
    """Validate and export the dataset (JSON, JSON Lines or Excel, from ``fmt`` or the
    target's suffix); returns the warnings, raises ``ExportRefused`` on errors. A clean
    export also refuses while disagreements or near-duplicates are undecided, and leaves
    out the duplicates not kept."""
    fmt = dataset_format(target, fmt)
    return write_dataset(store, target, fmt, annotator, job, decide(store, fmt, job, clean))


def export_agreement(report, target: str | Path) -> None:
    """Write an agreement report as JSON, or as an Excel workbook with one sheet per table."""
    from curator.analysis.agreement import agreement_tables
    from curator.formats.excel import (
        export_agreement as write_agreement,  # only this needs the workbook code
    )

    write_agreement(report.to_dict(), agreement_tables(report), target)
