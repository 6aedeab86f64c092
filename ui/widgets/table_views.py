"""Table views configured the one way Curator's lists look and select."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QEvent, QItemSelectionModel, QObject
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget


def make_table(model: QAbstractItemModel, parent: QWidget) -> QTableView:
    """A row-selecting, single-selection table with stretched columns and compact rows."""
    table = QTableView(parent)
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
