"""The project's labels, in key order, as a table model: key, name, kind, spans."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from curator.domain.schema import Label, LabelSchema

Index = QModelIndex | QPersistentModelIndex


class LabelTableModel(QAbstractTableModel):
    """The labels of a schema with their number keys and span counts, for the label editor.

    A schema change is taken whole (``set_schema``): a reorder moves every key after it,
    and a project has a few dozen labels at most, so the rows are reset rather than
    synchronised. UI thread only.
    """

    COLUMNS = ("Key", "Label", "Kind", "Spans")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._schema = LabelSchema(labels=[])
        self._counts: dict[str, int] = {}

    def set_schema(self, schema: LabelSchema, counts: dict[str, int]) -> None:
        self.beginResetModel()
        self._schema, self._counts = schema, dict(counts)
        self.endResetModel()

    def set_counts(self, counts: dict[str, int]) -> None:
        self._counts = dict(counts)
        if self._schema.labels:
            self.dataChanged.emit(self.index(0, 3), self.index(len(self._schema.labels) - 1, 3))

    def label(self, row: int) -> Label | None:
        labels = self._schema.labels
        return labels[row] if 0 <= row < len(labels) else None

    def row_of(self, name: str | None) -> int | None:
        return next((row for row, label in enumerate(self._schema.labels) if label.name == name), None)

    def count(self, name: str) -> int:
        return self._counts.get(name, 0)

    # -- Qt model interface ---------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._schema.labels)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        label = self.label(index.row()) if index.isValid() else None
        if label is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (self._schema.key_of(label.name) or "", label.name, label.kind.value,
                    self._counts.get(label.name, 0))[column]
        if role == Qt.ItemDataRole.DecorationRole and column == 1:
            return QColor(label.color)
        if role == Qt.ItemDataRole.ToolTipRole:
            return label.description or "No guideline yet"
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (0, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
