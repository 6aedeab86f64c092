"""Table views configured the one way Curator's lists look and select."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QEvent, QItemSelectionModel, QObject, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget


class ListTable(QTableView):
    """A table that, when it has no rows, says why (``empty``, text or a function giving
    it) in the middle of the space, instead of showing a blank grid."""

    def __init__(self, parent: QWidget | None = None, empty: str | Callable[[], str] = "") -> None:
        super().__init__(parent)
        self.empty = empty

    def empty_text(self) -> str:
        return self.empty() if callable(self.empty) else self.empty

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        model = self.model()
        if model is not None and model.rowCount() == 0 and (text := self.empty_text()):
            painter = QPainter(self.viewport())
            painter.setPen(QColor("#666666"))
            painter.drawText(self.viewport().rect().adjusted(12, 12, -12, -12),
                             int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), text)
            painter.end()


def make_table(model: QAbstractItemModel, parent: QWidget, empty: str | Callable[[], str] = "") -> ListTable:
    """A row-selecting, single-selection table with stretched columns and compact rows,
    saying ``empty`` when it has no rows."""
    table = ListTable(parent, empty)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(24)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return table


def select_row(table: QTableView, row: int) -> None:
    """Make ``row`` (clamped to the table) current and selected, and scroll to it."""
    count = table.model().rowCount()
    if not count:
        return
    index = table.model().index(max(0, min(count - 1, row)), 0)
    table.selectionModel().setCurrentIndex(
        index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    table.scrollTo(index)


class _Shares(QObject):
    def __init__(self, table: QTableView, fixed: dict[int, int], shares: dict[int, float]) -> None:
        super().__init__(table)
        self.table, self.fixed, self.shares = table, fixed, shares

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize:
            self.apply()
        return False

    def apply(self) -> None:
        header = self.table.horizontalHeader()
        free = max(0, self.table.viewport().width() - sum(self.fixed.values()))
        total = sum(self.shares.values())
        for column, width in self.fixed.items():
            header.resizeSection(column, width)
        for column, share in self.shares.items():
            header.resizeSection(column, max(40, int(free * share / total)))


def share_columns(table: QTableView, fixed: dict[int, int], shares: dict[int, float]) -> None:
    """Columns of set widths (``fixed``) and columns sharing the rest in proportion
    (``shares``), kept so as the table is resized: a long cell never widens the table,
    and at any window size every column keeps a useful width. The user may still drag
    a column until the next resize. Reads no rows."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(False)
    shares_filter = _Shares(table, fixed, shares)
    table.viewport().installEventFilter(shares_filter)
    shares_filter.apply()
