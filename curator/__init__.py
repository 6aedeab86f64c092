"""Curator's core: documents, annotations, storage, import, validation and export.

Nothing in this package imports Qt; the GUI in ``ui`` is a thin layer over it.

The names below are imported on first use (PEP 562): ``import curator`` alone, which
every ``curator`` command and the window pay for at start, loads none of the storage,
formats or pydantic models until one is asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from curator.lazy import lazy_names

_HOME = {
    "Annotation": "curator.domain.models",
    "Document": "curator.domain.models",
    "DocumentMeta": "curator.domain.models",
    "DocumentStatus": "curator.domain.models",
    "Project": "curator.domain.models",
    "Label": "curator.domain.schema",
    "LabelKind": "curator.domain.schema",
    "LabelSchema": "curator.domain.schema",
    "CuratorError": "curator.errors",
    "export": "curator.session.exporting",
    "import_files": "curator.formats.articles",
    "export_xlsx": "curator.formats.excel",
    "ExportRefused": "curator.formats.export",
    "export_json": "curator.formats.export",
    "ImportReport": "curator.formats.reports",
    "create_sample_project": "curator.session.project",
    "open_project": "curator.session.project",
    "Store": "curator.store",
    "DatasetTables": "curator.analysis.dataset_tables",
    "open_dataset": "curator.analysis.dataset_tables",
    "Problem": "curator.formats.validate",
    "Severity": "curator.formats.validate",
    "validate_project": "curator.formats.validate",
}
_ALIASES = {"open": "open_dataset"}  # ``curator.open(PROJECT)`` is the notebook entry point

__all__ = sorted([*_HOME, *_ALIASES])


__getattr__, __dir__ = lazy_names(globals(), _HOME, _ALIASES)


if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from curator.analysis.dataset_tables import DatasetTables, open_dataset  # noqa: F401
    from curator.analysis.dataset_tables import open_dataset as open  # noqa: F401, A001
    from curator.domain.models import (  # noqa: F401
        Annotation,
        Document,
        DocumentMeta,
        DocumentStatus,
        Project,
    )
    from curator.domain.schema import Label, LabelKind, LabelSchema  # noqa: F401
    from curator.errors import CuratorError  # noqa: F401
    from curator.formats.articles import import_files  # noqa: F401
    from curator.formats.excel import export_xlsx  # noqa: F401
    from curator.formats.export import ExportRefused, export_json  # noqa: F401
    from curator.formats.reports import ImportReport  # noqa: F401
    from curator.formats.validate import Problem, Severity, validate_project  # noqa: F401
    from curator.session.exporting import export  # noqa: F401
    from curator.session.project import create_sample_project, open_project  # noqa: F401
    from curator.store import Store  # noqa: F401
