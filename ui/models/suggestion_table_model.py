"""The open document's visible suggestions, as a table model."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from curator.domain.models import LEARNED, Suggestion
from curator.domain.schema import LabelSchema
from curator.domain.values import describe
from ui.models.row_sync import sync_rows
from ui.models.rows_table_model import RowsTableModel

Index = QModelIndex | QPersistentModelIndex


class SuggestionTableModel(RowsTableModel):
    """Open suggestions not covered by the annotator's own spans, in the order given (text
    order, or the surest first). A learned recommender's show their confidence.

    ``set_suggestions`` re-syncs row by row, so accepting one suggestion removes
    just that row; a new order resets the rows. UI thread only.
    """

    COLUMNS = ("Text", "Label", "Value")

    def __init__(self, schema: LabelSchema, parent: Any = None) -> None:
        super().__init__(parent)
        self._schema = schema
        self._text = ""
        self._doc_id: int | None = None

    def set_suggestions(self, doc_id: int | None, text: str, suggestions: list[Suggestion]) -> None:
        before, after = {s.id for s in self._rows}, {s.id for s in suggestions}
        if doc_id != self._doc_id or [s.id for s in self._rows if s.id in after] != \
                [s.id for s in suggestions if s.id in before]:  # another document, or another order
            self.beginResetModel()
            self._doc_id, self._text, self._rows = doc_id, text, list(suggestions)
            self.endResetModel()
            return
        sync_rows(self, self._rows, suggestions, key=lambda s: s.id)

    def set_schema(self, schema: LabelSchema) -> None:
        """The labels changed (a recolour, say): every row's label cell is redrawn."""
        self._schema = schema
        if self._rows:
            self.dataChanged.emit(self.index(0, 1), self.index(len(self._rows) - 1, 1))

    @property
    def suggestions(self) -> list[Suggestion]:
        return list(self._rows)

    def suggestion(self, row: int) -> Suggestion | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, suggestion_id: str) -> int | None:
        return next((row for row, s in enumerate(self._rows) if s.id == suggestion_id), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        suggestion = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (self._text[suggestion.start : suggestion.end].replace("\n", " "), suggestion.label,
                    self._value(suggestion))[index.column()]
        if role == Qt.ItemDataRole.BackgroundRole and index.column() == 1:
            label = self._schema.get(suggestion.label)
            return QBrush(QColor(label.color)) if label else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Suggested by {self._source(suggestion)}\n{describe(suggestion.value)}".rstrip()
        if role == Qt.ItemDataRole.UserRole:
            return suggestion.confidence
        return None

    @staticmethod
    def _value(suggestion: Suggestion) -> str:
        """The value, or the entity link; and a confidence, if the suggestion has one."""
        value = describe(suggestion.value) or ("entity" if suggestion.entity_id else "")
        if suggestion.confidence is None:
            return value
        return " · ".join(part for part in (f"{suggestion.confidence:.0%} sure", value) if part)

    @staticmethod
    def _source(suggestion: Suggestion) -> str:
        if suggestion.source == LEARNED:
            who = "the learned recommender (trained on this project's annotations)"
        elif ":" in suggestion.source:  # an outside model or file: spacy:NAME, jsonl:FILE
            who = suggestion.source
        else:
            who = f"the {suggestion.source} rules"
        return who if suggestion.confidence is None else f"{who}, {suggestion.confidence:.0%} sure"
