"""The document list's queries, for the window's table model: the ids of a sort and a
search (the database sorts and searches, which keeps 100,000 articles fast), the rows
of a page of them, and each row's notes (the annotator's categories, and what the
duplicate decisions made of the article)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from curator.domain.models import DocumentStatus

if TYPE_CHECKING:
    from curator.store import DocumentRow, Store


class DocumentList:
    """What the document list asks of a project. Holds the duplicate decisions once read
    (``forget_notes`` when they change). Any thread that may read the store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._duplicates: dict[int, tuple[str, str]] | None = None

    def ids(self, annotator: str, sort: str = "id", descending: bool = False, search: str = "") -> list[int]:
        return self.store.document_ids(annotator=annotator, sort=sort, descending=descending, search=search)

    def rows(self, ids: list[int], annotator: str) -> dict[int, DocumentRow]:
        return self.store.document_rows(ids, annotator)

    def done(self, annotator: str) -> int:
        """How many documents ``annotator`` marked done."""
        return sum(1 for status in self.store.statuses(annotator).values() if status is DocumentStatus.DONE)

    def forget_notes(self) -> None:
        """A duplicate decision changed: the notes are read again when next asked for."""
        self._duplicates = None

    def notes(self, ids: list[int], annotator: str) -> dict[int, tuple[str, str]]:
        """Each document's note, short (the list's column) and long (its tooltip): the
        annotator's category choices, and what the duplicate decisions made of it."""
        if self._duplicates is None:
            from curator.analysis.duplicates import (
                duplicate_roles,  # only decisions: no search
            )

            self._duplicates = duplicate_roles(self.store)
        chosen: dict[int, list[str]] = {}
        for doc_id, _who, _set_name, choices in self.store.category_rows([annotator], ids):
            chosen.setdefault(doc_id, []).extend(choices)
        found = {}
        for doc_id in ids:
            role = self._duplicates.get(doc_id)
            short = long = ""
            if role:
                short = {"duplicate": "duplicate, not kept", "kept": "kept over a duplicate"}[role[0]]
                long = {"duplicate": f"a duplicate of {role[1]}, which is kept",
                        "kept": f"kept over its duplicate {role[1]}"}[role[0]]
            categories = ", ".join(chosen.get(doc_id, []))
            found[doc_id] = (" · ".join(part for part in (categories, short) if part),
                             " · ".join(part for part in (categories, long) if part))
        return found
