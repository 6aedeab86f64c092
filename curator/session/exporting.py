"""Exporting a project: what an export takes as decided (the checks of a clean export,
the agreement tables of a workbook) is worked out here, above the formats, which only
write what they are given and what the store holds."""

from __future__ import annotations

from pathlib import Path

from curator.domain.jobs import Job
from curator.domain.models import GOLD
from curator.formats.export import Decided, dataset_format
from curator.formats.export import export as write_dataset
from curator.formats.validate import Problem
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


# The suffix each export format writes, and the format each suffix names by itself (a
# Label Studio file is JSON too, and doccano's JSONL: only a choice of them says so).
FORMAT_SUFFIXES = {"json": ".json", "jsonl": ".jsonl", "xlsx": ".xlsx", "labelstudio": ".json",
                   "doccano": ".jsonl", "conll": ".conll", "spacy": ".spacy"}
SUFFIX_FORMATS = {".json": "json", ".jsonl": "jsonl", ".xlsx": "xlsx", ".conll": "conll", ".bio": "conll",
                  ".spacy": "spacy"}


def export_target(name: str | Path, chosen: str) -> tuple[Path, str]:
    """The file and format of an export named ``name`` when ``chosen`` is the format picked
    beside it (a file dialog's type filter). The name typed wins: a suffix that names a
    format is written in that format (``gold.json`` with the workbook filter left on is
    JSON); the chosen format stays where its suffix is the name's (Label Studio tasks are
    ``.json``); a name with no suffix of a format gets the chosen format's."""
    path = Path(name)
    suffix = path.suffix.lower()
    if suffix == FORMAT_SUFFIXES[chosen] or (chosen == "conll" and suffix == ".bio"):
        return path, chosen
    if suffix in SUFFIX_FORMATS:
        return path, SUFFIX_FORMATS[suffix]
    return path.with_name(path.name + FORMAT_SUFFIXES[chosen]), chosen


def gold_left_out(store: Store, job: Job | None = None) -> str | None:
    """What a gold export leaves out, in words, or None: annotators' work the reviewer has
    not settled into gold yet (regions only one annotator tagged, agreements not yet
    accepted, open disagreements, category choices). The command line and the window
    both say it, so that no export drops work silently."""
    from curator.analysis.review import open_work

    work = open_work(store, job)
    if not work["documents"]:
        return None
    kinds = [(work["single"], "only one annotator tagged or classified (review: Single annotator; "
                              "Ctrl+Shift+S accepts them all)"),
             (work["agreements"], "agreed but not yet accepted (Ctrl+Shift+A accepts them all)"),
             (work["disagreements"], "still in disagreement")]
    parts = [f"{count:,} {what}" for count, what in kinds if count]
    return (f"the gold layer leaves out work not settled yet, in {work['documents']:,} document(s): "
            f"{'; '.join(parts)}")


def export_agreement(report, target: str | Path) -> None:
    """Write an agreement report as JSON, or as an Excel workbook with one sheet per table."""
    from curator.analysis.agreement import agreement_tables
    from curator.formats.excel import (
        export_agreement as write_agreement,  # only this needs the workbook code
    )

    write_agreement(report.to_dict(), agreement_tables(report), target)
