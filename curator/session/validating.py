"""Validating a project, for the windows: every problem of the data (or of one layer),
each with its document and offset, errors first, as the export checks it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from curator.formats.validate import Problem, Severity, validate_project

if TYPE_CHECKING:
    from curator.domain.jobs import Job
    from curator.session.history import Session
    from curator.store import Store


def validate(store: Store, layer: str | None = None, job: Job | None = None) -> list[Problem]:
    """Every problem in the project, or in one annotator's layer (``layer``), errors first."""
    return validate_project(store, layer, job=job)


def document_titles(session: Session, ids: list[int]) -> dict[int, str]:
    """The title (else the uid) of each document of ``ids``, to name where a problem is."""
    rows = session.store.document_rows(ids, session.annotator) if ids else {}
    return {doc_id: row.title or row.uid for doc_id, row in rows.items()}


__all__ = ["Problem", "Severity", "document_titles", "validate"]
