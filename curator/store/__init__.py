"""Project storage: one SQL database per project, through SQLAlchemy Core.

The embedded default is a SQLite file in the project folder (WAL mode, every edit
its own small transaction); the same code accepts any SQLAlchemy URL so that a
team can later point it at PostgreSQL.

The names below are imported on first use (PEP 562): ``curator init`` creates a SQLite
project through ``curator.store.create`` without importing SQLAlchemy, which the
``Store`` and the tables need (a fifth of a second).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from curator.lazy import lazy_names

_HOME = {
    "Store": "curator.store.store",
    "DocumentRow": "curator.store.documents",
    "DB_FILENAME": "curator.store.engine",
    "SCHEMA_VERSION": "curator.store.engine",
    "database_problem": "curator.store.engine",
    "database_url": "curator.store.engine",
    "is_url": "curator.store.engine",
    "SPAN_ROW_FIELDS": "curator.store.rows",
    "ExportedDocumentRow": "curator.store.rows",
    "stored_json": "curator.store.rows",
    "utc_text": "curator.store.rows",
    "annotations_table": "curator.store.tables",
    "documents_table": "curator.store.tables",
    "meta_table": "curator.store.tables",
}

__all__ = sorted(_HOME)


__getattr__, __dir__ = lazy_names(globals(), _HOME)


if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from curator.store.documents import DocumentRow  # noqa: F401
    from curator.store.engine import (  # noqa: F401
        DB_FILENAME,
        SCHEMA_VERSION,
        database_problem,
        database_url,
        is_url,
    )
    from curator.store.rows import (  # noqa: F401
        SPAN_ROW_FIELDS,
        ExportedDocumentRow,
        stored_json,
        utc_text,
    )
    from curator.store.store import Store  # noqa: F401
    from curator.store.tables import annotations_table, documents_table, meta_table  # noqa: F401
