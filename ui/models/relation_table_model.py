"""The open document's relations (the annotator's), as a table model."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from curator.domain.models import Annotation, Relation
from curator.domain.schema import LabelSchema
from ui.models.row_sync import sync_rows
from ui.models.rows_table_model import RowsTableModel

Index = QModelIndex | QPersistentModelIndex


class RelationTableModel(RowsTableModel):
    """Each relation of the open document as its two ends' texts and its label, in the
    text order of the span it starts from; re-synced row by row, so adding or deleting
    one relation moves one row. UI thread only."""

    COLUMNS = ("From", "Relation", "To")

    def __init__(self, schema: LabelSchema, parent: Any = None) -> None:
        super().__init__(parent)
        self._schema = schema
        self._text = ""
        self._spans: dict[str, Annotation] = {}
        self._doc_id: int | None = None

    def set_relations(self, doc_id: int | None, text: str, spans: list[Annotation], relations: list[Relation]) -> None:
        self._spans = {span.id: span for span in spans}
        ordered = sorted((r for r in relations if r.source_id in self._spans and r.target_id in self._spans),
                         key=lambda r: (self._spans[r.source_id].start, self._spans[r.target_id].start, r.id))
        if doc_id != self._doc_id:
            self.beginResetModel()
            self._doc_id, self._text, self._rows = doc_id, text, ordered
            self.endResetModel()
            return
        self._text = text
        sync_rows(self, self._rows, ordered, key=lambda r: r.id)
        if self._rows:  # a relabel keeps the row: its cells are drawn again
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 2))

    def set_schema(self, schema: LabelSchema) -> None:
        self._schema = schema

    @property
    def relations(self) -> list[Relation]:
        return list(self._rows)

    def relation(self, row: int) -> Relation | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, relation_id: str) -> int | None:
        return next((row for row, r in enumerate(self._rows) if r.id == relation_id), None)

    def _end_text(self, span_id: str) -> str:
        span = self._spans.get(span_id)
        return self._text[span.start : span.end].replace("\n", " ") if span else ""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        relation = self._rows[index.row()]
        kind = self._schema.relation(relation.label)
        if role == Qt.ItemDataRole.DisplayRole:
            arrow = "→" if kind is None or kind.directed else "↔"
            return (self._end_text(relation.source_id), f"{relation.label} {arrow}",
                    self._end_text(relation.target_id))[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 1 and kind is not None:
            return QBrush(QColor(kind.color))
        if role == Qt.ItemDataRole.ToolTipRole and kind is not None:
            return kind.description or kind.name
        return None
