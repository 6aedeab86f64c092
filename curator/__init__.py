"""Curator's core: documents, annotations, storage, import, validation and export.

Nothing in this package imports Qt; the GUI in ``ui`` is a thin layer over it.
"""

from curator.domain.models import (
    Annotation,
    Document,
    DocumentMeta,
    DocumentStatus,
    Project,
)
from curator.domain.schema import Label, LabelKind, LabelSchema
from curator.errors import CuratorError
from curator.exporting import export
from curator.formats.articles import import_files
from curator.formats.excel import export_xlsx
from curator.formats.export import ExportRefused, export_json
from curator.formats.reports import ImportReport
from curator.project import create_sample_project, open_project
from curator.store import Store
from curator.tables_api import DatasetTables, open_dataset

open = open_dataset  # noqa: A001 - ``curator.open(PROJECT)`` is the notebook entry point
from curator.formats.validate import Problem, Severity, validate_project

__all__ = [
    "Annotation",
    "DatasetTables",
    "open",
    "open_dataset",
    "CuratorError",
    "Document",
    "DocumentMeta",
    "DocumentStatus",
    "ExportRefused",
    "ImportReport",
    "Label",
    "LabelKind",
    "LabelSchema",
    "Problem",
    "Project",
    "Severity",
    "Store",
    "create_sample_project",
    "export",
    "export_json",
    "export_xlsx",
    "import_files",
    "open_project",
    "validate_project",
]
