"""The document list: a lazy table model over the store's documents."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from curator.domain.models import DocumentStatus
from ui.workers import BackgroundTask

if TYPE_CHECKING:
    from curator.session.changes import Changes
    from curator.session.document_list import DocumentList, ListOrder
    from curator.store import DocumentRow

Index = QModelIndex | QPersistentModelIndex
UNDATED = "undated"  # the date column of a document with no date


class DocumentTableModel(QAbstractTableModel):
    """Document ids in display order, with rows fetched a page at a time.

    The ids of the current sort and filter are read as rows are shown, a page at a
    time where an index gives the order (``DocumentList.order``); titles, outlets,
    dates and statuses are read from the store for the rows a view asks for, and
    cached. Sorting and searching are done by the database, which is what keeps a
    million-document list fast. UI thread only.

    A search (and a sort, or documents added, while a search is on), a sort by status (or
    by id once ids have gaps), and with a document open a sort by title, outlet or date,
    in a project of ``BACKGROUND_FROM`` documents or more is read on a worker thread: a
    million search keys take the database some 0.15 s, a frame too many, and a million
    statuses 0.9 s. A sort an index gives a page at a time (by title, outlet or date) is
    quick to begin, but the open document's place in it (``current``) is counted through
    the index, and its page read from there: 0.07-0.25 s at a million for a document
    halfway down. The worker finds that place and reads the rows around it too (those of
    documents changed meanwhile are read again when shown), so that the window selects
    it in such an order with no read.
    Until its ids come the list shows the rows it had (``filtering`` is True); a newer
    search, sort or reload supersedes it (a late result is dropped). Documents removed
    while a search is on leave the rows at once, with no read: the others still match.
    ``filtered`` is emitted whenever the rows shown are read anew (at once in a small
    project), so whoever shows their count or selects one of them follows every read,
    whichever ended it.
    """

    filtered = Signal(bool)  # the rows of the current sort and search are shown, read anew; asked by the
    # curator (a search, a sort: True), or after documents changed (False: the view stays where it is)
    filter_failed = Signal(str)  # a search read on a worker thread failed: why
    reading = Signal()  # a search or sort is being read on a worker thread (``filtering``)

    COLUMNS = (("title", "Title"), ("source", "Outlet"), ("published", "Date"), ("status", "✓"),
               ("spans", "Spans"), ("notes", "Notes"))
    TIPS = {"status": "Done: marked done by you", "spans": "Your spans in it",
            "notes": "Your categories, and what the duplicate decisions made of it"}
    PAGE = 200
    BACKGROUND_FROM = 20_000  # documents: a search of fewer takes a few milliseconds, done at once
    IdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, documents: DocumentList, annotator: str, parent: Any = None,
                 current: Callable[[], int | None] = lambda: None) -> None:
        super().__init__(parent)
        self._documents = documents
        self._current = current  # the id of the document the window keeps selected, if any
        self._annotator = annotator
        self._sort = "id"
        self._descending = False
        self._search = ""
        self._ids: ListOrder  # read by _reload, below
        self._cache: dict[int, DocumentRow] = {}
        self._notes: dict[int, tuple[str, str]] = {}  # categories and duplicate decision, short and long, per row
        self.rows_fetched = 0  # how many rows were read from the store (tests check laziness)
        self._generation = 0  # of the latest reload asked for: an older one's ids are dropped
        self._task: BackgroundTask | None = None  # a search read on a worker thread, until its ids are shown
        self._task_asked = False  # whether the curator asked for it (a search, a sort), not a change
        self._touched: set[int] = set()  # documents changed while it is read: the rows it read of them are old
        self._stopped = False
        self._reload()

    # -- queries ----------------------------------------------------------------

    @property
    def filtering(self) -> bool:
        """Whether a search is being read on a worker thread (the rows shown are the previous ones)."""
        return self._task is not None

    def _reload(self, background: bool = False, asked: bool = True) -> None:
        """Read the ids of the current sort and search and show them (``filtered`` says
        so); with ``background``, a search in a large project is read on a worker thread.
        ``asked``: by the curator, not after documents changed."""
        self._generation += 1
        if self._task is not None:  # superseded: if it has not started it never will
            asked = asked or self._task_asked  # (a search read again after a change is still the curator's)
            self._task.job.cancel()
            self._task = None
        if self._stopped:
            return
        if background and self._documents.id_range()[0] >= self.BACKGROUND_FROM and (
                not self._documents.paged(self._sort, self._search)  # every id at once: a search, the status
                or self._sort != "id" and self._current() is not None):  # the open document's place counted
            self._read_in_background(asked)
            return
        self._show(self._generation, self._documents.order(self._annotator, self._sort, self._descending,
                                                           self._search), asked=asked)

    def _read_in_background(self, asked: bool) -> None:
        generation, documents, current = self._generation, self._documents, self._current()
        annotator = self._annotator
        self._touched.clear()
        wanted = (annotator, self._sort, self._descending, self._search)

        def work(job: Any) -> tuple[ListOrder, dict[int, DocumentRow]]:
            job.check()  # superseded or stopped before it started: the store is not read
            ids = documents.order(*wanted)
            row = ids.index(current) if current is not None else None
            if row is None:
                return ids, {}
            job.check()
            # The open document's page, as ``_row`` reads it, and the one before or after
            # it, whichever it is nearer: what the view shows around it.
            start = row - row % self.PAGE
            first = start - self.PAGE if start and row - start < self.PAGE // 2 else start
            return ids, documents.rows(ids.page(first, first + 2 * self.PAGE), annotator)

        self._task = BackgroundTask(self, "Filtering", work, lambda read: self._show(generation, *read, asked=asked),
                                    lambda exc: self._failed(generation, exc), dialog=False).start()
        self._task_asked = asked
        self.reading.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation and not self._stopped:
            self._task = None
            self.filter_failed.emit(str(exc))

    def stop(self) -> None:
        """The window closes: a search still being read is dropped, and no other starts."""
        self._stopped = True
        self._generation += 1
        if self._task is not None:
            self._task.job.cancel()
            self._task = None

    def _show(self, generation: int, ids: ListOrder, rows: dict[int, DocumentRow] | None = None, *,
              asked: bool) -> None:
        if generation != self._generation or self._stopped:
            return  # an older search, finished after a newer one was asked for
        self._task = None
        self._replace(ids, asked, {doc_id: row for doc_id, row in (rows or {}).items() if doc_id not in self._touched})
        self._documents.forget_notes()

    def _replace(self, ids: ListOrder, asked: bool, rows: dict[int, DocumentRow] | None = None) -> None:
        self.beginResetModel()
        self._ids = ids
        self._cache.clear()
        if rows:  # (read with the ids, on the worker thread)
            self._cache.update(rows)
            self.rows_fetched += len(rows)
        self._notes.clear()
        self.endResetModel()
        # Every read ends here, whether a search, a sort or a change asked for it, and
        # whichever supersedes which: what shows the count is told each time. (It was told
        # of searches alone, and a sort that superseded one left it saying "Filtering".)
        self.filtered.emit(asked)

    def reload_notes(self) -> None:
        """A duplicate decision changed: the notes are read again, as rows are shown."""
        self._documents.forget_notes()
        self._notes.clear()
        if len(self._ids):
            column = len(self.COLUMNS) - 1
            self.dataChanged.emit(self.index(0, column), self.index(len(self._ids) - 1, column))

    def reload(self) -> None:
        """Read the ids again (documents were added elsewhere)."""
        self._documents.forget_counts()
        self._reload(asked=False)

    def set_search(self, text: str) -> None:
        """Filter by ``text`` (title, outlet or id); ``filtered`` is emitted once its rows
        are shown: now, or in a large project when the worker thread has read them."""
        if text != self._search:
            self._search = text
            self._reload(background=True)

    def set_annotator(self, annotator: str) -> None:
        self._annotator = annotator
        self._reload()

    def _row(self, row: int) -> DocumentRow | None:
        start = row - row % self.PAGE
        ids = self._ids.page(start, start + self.PAGE)
        doc_id = ids[row - start]
        cached = self._cache.get(doc_id)
        if cached is None:
            page = [i for i in ids if i not in self._cache]
            fetched = self._documents.rows(page, self._annotator)
            self.rows_fetched += len(fetched)
            self._cache.update(fetched)
            cached = self._cache.get(doc_id)
        if doc_id not in self._notes:
            self._notes.update(self._documents.notes([i for i in ids if i not in self._notes], self._annotator))
        return cached

    # -- lookups the window uses ---------------------------------------------------

    def doc_id(self, row: int) -> int | None:
        return self._ids.page(row, row + 1)[0] if 0 <= row < len(self._ids) else None

    def row_of(self, doc_id: int) -> int | None:
        return self._ids.index(doc_id)

    def summary(self) -> tuple[int, int]:
        """(documents shown, of them done by the annotator)."""
        return len(self._ids), self._documents.done(self._annotator)

    def total(self) -> int:
        """How many documents the project has (counted once, until documents change)."""
        return self._documents.id_range()[0]

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
            return self.doc_id(index.row())
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
            return self._notes.get(row.id, ("", ""))[0]
        return getattr(row, column) or ""

    def _tooltip(self, row: DocumentRow, column: str) -> str:
        done = "done" if row.status is DocumentStatus.DONE else "to do"
        undated = "\nundated: Ctrl+Shift+D sets its date" if row.published is None else ""
        notes = self._notes.get(row.id, ("", ""))[1]
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
        self._reload(background=True)  # filtered: in a large project, on a worker thread

    # -- following the session -----------------------------------------------------------

    def on_changes(self, changes: Changes) -> None:
        """New documents become rows, and documents that went (an import undone) leave;
        rows whose details, status, spans or categories (this annotator's) changed are
        read again."""
        if changes.documents_added or changes.documents_removed or changes.documents:
            self._documents.forget_counts()  # (a title, outlet or date set or cleared moves a row between parts)
        if changes.documents_removed:
            self._on_documents_removed(changes.documents_removed)
        elif changes.documents_added:
            self._on_documents_added(changes.documents_added)
        touched = set(changes.documents) | changes.span_documents(self._annotator)
        touched |= {doc_id for doc_id, annotator in changes.categories if annotator == self._annotator}
        for doc_id in touched:
            self._refresh(doc_id)

    def _on_documents_removed(self, ids: tuple[int, ...]) -> None:
        # Their rows leave; filtered, with no read: the documents left still match (a read
        # of a million search keys held the window). Unfiltered, by pages: a count, arithmetic.
        self._documents.forget_notes()
        self._replace(self._ids.without(ids), False)
        if self._task is not None:  # a read begun before they went may list them: read again
            self._reload(background=True, asked=False)

    def _on_documents_added(self, ids: tuple[int, ...]) -> None:
        if self._search:  # whether they match is the database's to say: it is asked again,
            self._reload(background=True, asked=False)  # in a large project on a worker thread, the rows staying
            return
        ids = tuple(doc_id for doc_id in ids if self._ids.known_index(doc_id) is None)  # announced twice: once
        if not ids:
            return
        if self._ids.goes_at_end(ids):  # in id order (an undone import put back goes anywhere)
            first = len(self._ids)
            self.beginInsertRows(QModelIndex(), first, first + len(ids) - 1)
            self._ids.append(ids)
            self.endInsertRows()
        else:  # (in a large project, an order of every id is read on a worker thread)
            self._reload(background=True, asked=False)

    def _refresh(self, doc_id: int) -> None:
        if self._task is not None:
            self._touched.add(doc_id)
        self._cache.pop(doc_id, None)
        self._notes.pop(doc_id, None)
        row = self._ids.known_index(doc_id)  # a row never read is read afresh when shown
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))
