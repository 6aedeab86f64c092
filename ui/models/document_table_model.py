"""The document list: a lazy table model over the store's documents."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from curator.domain.models import DocumentStatus
from curator.store import DocumentRow, Store
from curator.store.events import (
    AnnotationAdded,
    AnnotationRemoved,
    CategoriesChanged,
    DocumentChanged,
    DocumentsAdded,
    Event,
)

Index = QModelIndex | QPersistentModelIndex
UNDATED = "undated"  # the date column of a document with no date


class DocumentTableModel(QAbstractTableModel):
    """Document ids in display order, with rows fetched a page at a time.

    Only the ids of the current sort and filter are held (a few MB for 100,000
    documents); titles, outlets, dates and statuses are read from the store for
    the rows a view asks for, and cached. Sorting and searching are done by the
    database, which is what keeps a 100k-document list fast. UI thread only.
    """

    COLUMNS = (("title", "Title"), ("source", "Outlet"), ("published", "Date"), ("status", "✓"),
               ("spans", "Spans"), ("notes", "Notes"))
    TIPS = {"status": "Done: marked done by you", "spans": "Your spans in it",
            "notes": "Your categories, and what the duplicate decisions made of it"}
    PAGE = 200
    IdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, store: Store, annotator: str, parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self._annotator = annotator
        self._sort = "id"
        self._descending = False
        self._search = ""
        self._ids: list[int] = []
        self._row_of: dict[int, int] = {}
        self._cache: dict[int, DocumentRow] = {}
        self._notes: dict[int, str] = {}  # the annotator's categories and the duplicate decision, per row read
        self._duplicates: dict[int, tuple[str, str]] | None = None  # read with the first page
        self.rows_fetched = 0  # how many rows were read from the store (tests check laziness)
        self._reload()

    # -- queries ----------------------------------------------------------------

    def _reload(self) -> None:
        self.beginResetModel()
        self._ids = self._store.document_ids(
            annotator=self._annotator, sort=self._sort, descending=self._descending, search=self._search
        )
        self._row_of = {doc_id: row for row, doc_id in enumerate(self._ids)}
        self._cache.clear()
        self._notes.clear()
        self._duplicates = None
        self.endResetModel()

    def reload_notes(self) -> None:
        """A duplicate decision changed: the notes are read again, as rows are shown."""
        self._duplicates = None
        self._notes.clear()
        if self._ids:
            column = len(self.COLUMNS) - 1
            self.dataChanged.emit(self.index(0, column), self.index(len(self._ids) - 1, column))

    def reload(self) -> None:
        """Read the ids again (documents were added elsewhere)."""
        self._reload()

    def set_search(self, text: str) -> None:
        if text != self._search:
            self._search = text
            self._reload()

    def set_annotator(self, annotator: str) -> None:
        self._annotator = annotator
        self._reload()

    def _row(self, row: int) -> DocumentRow | None:
        doc_id = self._ids[row]
        cached = self._cache.get(doc_id)
        if cached is None:
            start = row - row % self.PAGE
            page = [i for i in self._ids[start : start + self.PAGE] if i not in self._cache]
            fetched = self._store.document_rows(page, self._annotator)
            self.rows_fetched += len(fetched)
            self._cache.update(fetched)
            cached = self._cache.get(doc_id)
        if doc_id not in self._notes:
            start = row - row % self.PAGE
            self._read_notes([i for i in self._ids[start : start + self.PAGE] if i not in self._notes])
        return cached

    def _read_notes(self, page: list[int]) -> None:
        """The notes of a page of rows: the annotator's category choices, and what the
        duplicate decisions made of the article."""
        if self._duplicates is None:
            from curator.analysis.duplicates import (
                duplicate_roles,  # only decisions: no search
            )

            self._duplicates = duplicate_roles(self._store)
        chosen: dict[int, list[str]] = {}
        for doc_id, _who, _set_name, choices in self._store.category_rows([self._annotator], page):
            chosen.setdefault(doc_id, []).extend(choices)
        for doc_id in page:
            role = self._duplicates.get(doc_id)
            duplicate = {"duplicate": "duplicate, not kept", "kept": "kept over a duplicate"}[role[0]] if role else ""
            self._notes[doc_id] = " · ".join(part for part in (", ".join(chosen.get(doc_id, [])), duplicate) if part)

    # -- lookups the window uses ---------------------------------------------------

    def doc_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, doc_id: int) -> int | None:
        return self._row_of.get(doc_id)

    def summary(self) -> tuple[int, int]:
        """(documents shown, of them done by the annotator)."""
        done = sum(1 for status in self._store.statuses(self._annotator).values() if status is DocumentStatus.DONE)
        return len(self._ids), done

    # -- Qt model interface ---------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section][1]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return self.TIPS.get(self.COLUMNS[section][0])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == self.IdRole:
            return self._ids[index.row()]
        handler = self._ROLE_HANDLERS.get(role)
        if handler is None:
            return None
        row = self._row(index.row())
        return handler(self, row, self.COLUMNS[index.column()][0]) if row else None

    def _display(self, row: DocumentRow, column: str) -> Any:
        if column == "title":
            return row.title or row.uid
        if column == "published":
            return row.published.isoformat() if row.published else UNDATED
        if column == "status":
            return "✓" if row.status is DocumentStatus.DONE else ""
        if column == "spans":
            return row.spans
        if column == "notes":
            return self._notes.get(row.id, "")
        return getattr(row, column) or ""

    def _tooltip(self, row: DocumentRow, column: str) -> str:
        done = "done" if row.status is DocumentStatus.DONE else "to do"
        undated = "\nundated: Ctrl+Shift+D sets its date" if row.published is None else ""
        notes = self._notes.get(row.id, "")
        role = (self._duplicates or {}).get(row.id)
        if role:
            notes = notes.replace("duplicate, not kept", f"a duplicate of {role[1]}, which is kept").replace(
                "kept over a duplicate", f"kept over its duplicate {role[1]}")
        return f"{row.title or row.uid}\n{row.source or 'outlet unknown'} · {done}\nid: {row.uid}{undated}" + (
            f"\n{notes}" if notes else "")

    def _foreground(self, row: DocumentRow, column: str) -> Any:
        if column == "status" and row.status is DocumentStatus.DONE:
            return QBrush(QColor("#1a7f37"))
        if column == "published" and row.published is None:
            return QBrush(QColor("#9a6700"))  # undated: its relative dates stay unresolved
        return None

    def _alignment(self, row: DocumentRow, column: str) -> Any:
        if column == "spans":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if column == "status":
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    _ROLE_HANDLERS = {
        Qt.ItemDataRole.DisplayRole: _display,
        Qt.ItemDataRole.ToolTipRole: _tooltip,
        Qt.ItemDataRole.ForegroundRole: _foreground,
        Qt.ItemDataRole.TextAlignmentRole: _alignment,
    }

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.COLUMNS[column][0] if column >= 0 else "id"  # -1: no column, the import order
        sort, descending = ("id" if key in ("spans", "notes") else key), order == Qt.SortOrder.DescendingOrder
        if (sort, descending) == (self._sort, self._descending):
            return  # the view asks again as it is set up (indicator, then sorting on): the ids are read
        self._sort, self._descending = sort, descending
        self._reload()

    # -- store events -----------------------------------------------------------------

    def on_store_changed(self, event: Event) -> None:
        if isinstance(event, DocumentsAdded):
            self._on_documents_added(event)
        elif isinstance(event, DocumentChanged):
            self._refresh(event.id)
        elif isinstance(event, (AnnotationAdded, AnnotationRemoved)):
            if event.annotation.annotator == self._annotator:
                self._refresh(event.annotation.doc_id)
        elif isinstance(event, CategoriesChanged) and event.annotator == self._annotator:
            self._refresh(event.doc_id)

    def _on_documents_added(self, event: DocumentsAdded) -> None:
        if not event.ids:
            return
        if (self._sort == "id" and not self._descending and not self._search
                and (not self._ids or min(event.ids) > self._ids[-1])):  # (an undone import put back: anywhere)
            first = len(self._ids)
            self.beginInsertRows(QModelIndex(), first, first + len(event.ids) - 1)
            for offset, doc_id in enumerate(event.ids):
                self._row_of[doc_id] = first + offset
            self._ids.extend(event.ids)
            self.endInsertRows()
        else:
            self._reload()

    def _refresh(self, doc_id: int) -> None:
        self._cache.pop(doc_id, None)
        self._notes.pop(doc_id, None)
        row = self._row_of.get(doc_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))
