"""Importing files into a project, for the windows: the extensions an import reads (one
list, the formats' own), articles and other tools' annotated files read in one go, and
the annotated files among them to read again once the labels they lacked are added.

Light at the top: the readers are imported when an import runs, not when a window opens."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from curator.formats.reports import ImportReport
    from curator.jobs import Job
    from curator.store import Store


def import_suffixes() -> tuple[str, ...]:
    """Every extension an import reads: articles' and the other tools' files'."""
    from curator.formats.interop import IMPORT_SUFFIXES

    return IMPORT_SUFFIXES


def import_paths(store: Store, paths: list[Path], job: Job | None = None) -> ImportReport:
    """Import articles and annotated files (told by content, in folders too); one report."""
    from curator.formats.interop import import_paths as read_paths

    return read_paths(store, paths, job)


def annotated_files(paths: list[Path]) -> list[Path]:
    """The files among ``paths`` that hold another tool's annotations (or Curator's)."""
    from curator.formats.interop import detect

    return [path for path in paths if path.is_file() and detect(path)]
