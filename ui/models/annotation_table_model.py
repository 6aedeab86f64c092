"""The spans of the open document, as a table model that follows the session's changes."""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from curator.domain.models import Annotation
from curator.domain.schema import LabelSchema
from curator.domain.values import describe
from ui.models.rows_table_model import RowsTableModel

if TYPE_CHECKING:  # given the session's changes, it asks them for the span edits, and imports no session
    from curator.session.changes import Changes

Index = QModelIndex | QPersistentModelIndex


def _key(annotation: Annotation) -> tuple[int, int, str]:
    return annotation.start, annotation.end, annotation.id


class AnnotationTableModel(RowsTableModel):
    """One annotator's spans in one document, in text order.

    The session's changes insert, remove or update single rows, so a view's selection and
    scroll position survive edits. UI thread only.
    """

    COLUMNS = ("Text", "Label", "Value")
    IdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, schema: LabelSchema, parent: Any = None) -> None:
        super().__init__(parent)
        self._schema = schema
        self._doc_id: int | None = None
        self._text = ""
        self._annotator = ""
        self._entity_names: dict[str, str] = {}

    def set_schema(self, schema: LabelSchema) -> None:
        """The labels changed (a recolour, say): every row's label cell is redrawn."""
        self._schema = schema
        if self._rows:
            self.dataChanged.emit(self.index(0, 1), self.index(len(self._rows) - 1, 1))

    def set_entity_names(self, names: dict[str, str]) -> None:
        self._entity_names = names
        if self._rows:
            self.dataChanged.emit(self.index(0, 2), self.index(len(self._rows) - 1, 2))

    def set_document(self, doc_id: int | None, text: str, annotator: str, spans: list[Annotation]) -> None:
        self.beginResetModel()
        self._doc_id, self._text, self._annotator = doc_id, text, annotator
        self._rows = sorted(spans, key=_key)
        self.endResetModel()

    def refresh(self, spans: list[Annotation]) -> None:
        """Take the spans as stored now (say, relinked by an entity merge): rows stay in
        place, so the selection survives, unless spans came or went."""
        fresh = sorted(spans, key=_key)
        if [span.id for span in fresh] != [span.id for span in self._rows]:
            self.set_document(self._doc_id, self._text, self._annotator, fresh)
            return
        self._rows = fresh
        if fresh:
            self.dataChanged.emit(self.index(0, 0), self.index(len(fresh) - 1, len(self.COLUMNS) - 1))

    @property
    def spans(self) -> list[Annotation]:
        return list(self._rows)

    def annotation(self, row: int) -> Annotation | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, annotation_id: str) -> int | None:
        return next((row for row, span in enumerate(self._rows) if span.id == annotation_id), None)

    # -- Qt model interface ---------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        span = self._rows[index.row()]
        column = index.column()
        if role == self.IdRole:
            return span.id
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return self._text[span.start : span.end].replace("\n", " ")
            if column == 1:
                return span.label
            return describe(span.value) or (self._entity_names.get(span.entity_id, "") if span.entity_id else "")
        if role == Qt.ItemDataRole.BackgroundRole and column == 1:
            label = self._schema.get(span.label)
            return QBrush(QColor(label.color)) if label else QBrush(QColor("#ff6b6b"))
        if role == Qt.ItemDataRole.ToolTipRole:
            known = span.label in self._schema
            note = "" if known else " (label not in the schema)"
            return (f"{self._text[span.start : span.end]}\n{span.label}{note} by {span.annotator}, "
                    f"offsets {span.start}-{span.end}\n{describe(span.value)}")
        return None

    # -- following the session -----------------------------------------------------------

    def on_changes(self, changes: Changes) -> None:
        """Apply the span edits of the open document's layer, row by row. Changes without
        their events (made elsewhere) are for the window to read again (``set_document``)."""
        if self._doc_id is None or self._doc_id not in changes.spans:
            return
        for kind, before, after in changes.span_edits(self._doc_id, self._annotator):
            if kind == "added":
                self._insert(after)
            elif kind == "removed":
                self._remove(before.id)
            else:
                self._change(before, after)

    def _change(self, before: Annotation, after: Annotation) -> None:
        row = self.row_of(after.id)
        if row is None:
            return
        self._rows[row] = after
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))
        if _key(before) != _key(after):
            self._move(row)

    def _insert(self, annotation: Annotation) -> None:
        row = bisect.bisect_left([_key(span) for span in self._rows], _key(annotation))
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, annotation)
        self.endInsertRows()

    def _move(self, row: int) -> None:
        """Put the row at ``row`` where its bounds now sort: moved, not removed and
        inserted, so that a selected span stays selected when its bounds change."""
        span = self._rows[row]
        rest = [_key(other) for index, other in enumerate(self._rows) if index != row]
        target = bisect.bisect_left(rest, _key(span))
        if target == row:
            return
        # Qt's destination is the row before which it goes, counted before the move.
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), target + 1 if target > row else target)
        del self._rows[row]
        self._rows.insert(target, span)
        self.endMoveRows()

    def _remove(self, annotation_id: str) -> None:
        row = self.row_of(annotation_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self.endRemoveRows()
