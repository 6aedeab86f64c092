"""The list of review items (disagreements and agreements) with their status."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from curator.domain.models import Review
from ui.models.row_sync import sync_rows
from ui.models.rows_table_model import RowsTableModel

if TYPE_CHECKING:
    from curator.analysis.review import ReviewItem  # the rows it is given

Index = QModelIndex | QPersistentModelIndex


class ReviewItemTableModel(RowsTableModel):
    """Review items in document and text order; settled ones show their decision.

    Each row names its document by title (by uid when it has none). ``set_items`` re-syncs row by row (a settled item disappears from the "open"
    filter without resetting the view). UI thread only.
    """

    COLUMNS = ("Document", "Text", "Why", "Status")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._texts: dict[int, str] = {}
        self._titles: dict[int, str] = {}
        self._reviews: dict[str, Review] = {}

    def set_items(self, items: list[ReviewItem], texts: dict[int, str], titles: dict[int, str],
                  reviews: dict[str, Review]) -> None:
        before = self._reviews
        self._texts, self._titles, self._reviews = texts, titles, reviews

        def changed(row: int) -> None:
            key = self._rows[row].key
            if before.get(key) != reviews.get(key):  # only a decision changes a kept row
                self.dataChanged.emit(self.index(row, 3), self.index(row, 3))

        sync_rows(self, self._rows, items, key=lambda item: item.key, on_changed=changed)

    def item(self, row: int) -> ReviewItem | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, key: str) -> int | None:
        return next((row for row, item in enumerate(self._rows) if item.key == key), None)

    def keys(self) -> list[str]:
        return [item.key for item in self._rows]

    def review(self, item: ReviewItem) -> Review | None:
        """The decision on an item, as of the last ``set_items``."""
        return self._reviews.get(item.key)

    def title(self, item: ReviewItem) -> str:
        return self._titles.get(item.doc_id) or item.doc_uid

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._rows[index.row()]
        review = self.review(item)
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == 0:
                return self.title(item)
            if column == 1:
                return self._texts.get(item.doc_id, "")[item.start : item.end].replace("\n", " ")
            if column == 2:
                return f"only {next(iter(item.versions))}" if item.single else ", ".join(item.kinds()) or "agreed"
            return review.decision if review else "open"
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == 0:
                return f"{self.title(item)}\n{item.doc_uid}"
            if index.column() == 3 and review:
                return f"{review.decision} by {review.reviewer}"
            return None
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 3 and review:
            return QBrush(QColor("#1a7f37"))
        return None
