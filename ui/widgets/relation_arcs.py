"""Relations drawn over the article: an arc from span to span, above the line."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from curator.domain.models import Annotation, Relation
from curator.domain.schema import LabelSchema

ARC_STEP = 7  # pixels each further arc over one stretch of text rises above the last
MAX_LEVELS = 6


class RelationArcs(QWidget):
    """A transparent layer over a text view's viewport that draws each relation as an arc
    from its first span to its second (an arrowhead at the end of a directed one), in
    its label's colour. Arcs that overlap along the text rise to different heights, so
    several crossing one paragraph stay apart; only relations with an end in view are
    drawn, so a document of thousands of relations scrolls as fast as one of none. A
    relation being made is drawn dashed. Mouse events pass through. UI thread only."""

    def __init__(self, view: QAbstractScrollArea, rect_of: Callable[[int], QRect],
                 visible: Callable[[], tuple[int, int]]) -> None:
        super().__init__(view.viewport())
        self._view = view
        self._rect_of, self._visible = rect_of, visible
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self._spans: dict[str, Annotation] = {}
        self._relations: list[Relation] = []
        self._levels: dict[str, int] = {}
        self._schema = LabelSchema(labels=[])
        self._pending: tuple[Annotation, Annotation] | None = None
        view.viewport().installEventFilter(self)
        view.verticalScrollBar().valueChanged.connect(self.update)
        self.setGeometry(view.viewport().rect())

    def set_schema(self, schema: LabelSchema) -> None:
        self._schema = schema
        self.update()

    def set_relations(self, spans: list[Annotation], relations: list[Relation]) -> None:
        self._spans = {span.id: span for span in spans}
        self._relations = [r for r in relations if r.source_id in self._spans and r.target_id in self._spans]
        self._levels = self._stack()
        self.update()

    def set_pending(self, pair: tuple[Annotation, Annotation] | None) -> None:
        self._pending = pair
        self.update()

    def drawn(self) -> list[str]:
        """The ids of the relations an arc is drawn for now (those with an end in view)."""
        first, last = self._visible()
        return [r.id for r in self._relations if self._in_view(r, first, last)]

    def _in_view(self, relation: Relation, first: int, last: int) -> bool:
        return any(first <= self._spans[end].start <= last for end in (relation.source_id, relation.target_id))

    def _stack(self) -> dict[str, int]:
        """Each relation's height level: in text order, the lowest level whose last arc
        ends before this one starts (arcs that overlap along the text rise to different
        heights; one pass, however many relations)."""
        def stretch(r: Relation) -> tuple[int, int]:
            a, b = self._spans[r.source_id].start, self._spans[r.target_id].start
            return (a, b) if a <= b else (b, a)

        ends = [-1] * MAX_LEVELS
        levels = {}
        for lo, hi, relation_id in sorted((*stretch(r), r.id) for r in self._relations):
            level = next((n for n, end in enumerate(ends) if end <= lo), MAX_LEVELS - 1)
            ends[level] = max(ends[level], hi)
            levels[relation_id] = level
        return levels

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(self._view.viewport().rect())
        return False

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        if not self._relations and self._pending is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        first, last = self._visible()
        for relation in self._relations:
            if self._in_view(relation, first, last):
                kind = self._schema.relation(relation.label)
                self._arc(painter, self._spans[relation.source_id], self._spans[relation.target_id],
                          QColor(kind.color if kind else "#636363"), kind is None or kind.directed,
                          self._levels.get(relation.id, 0), dashed=False)
        if self._pending is not None:
            self._arc(painter, *self._pending, QColor("#d62728"), True, MAX_LEVELS, dashed=True)
        painter.end()

    def _arc(self, painter: QPainter, source: Annotation, target: Annotation, color: QColor, directed: bool,
             level: int, dashed: bool) -> None:
        a, b = self._anchor(source), self._anchor(target)
        rise = 10 + ARC_STEP * level + min(40.0, abs(a.x() - b.x()) / 12)
        top = min(a.y(), b.y()) - rise
        path = QPainterPath(a)
        path.cubicTo(QPointF(a.x(), top), QPointF(b.x(), top), b)
        pen = QPen(color, 1.6, Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        if directed:
            painter.setBrush(color)
            painter.drawPolygon(QPolygonF([b, QPointF(b.x() - 4, b.y() - 7), QPointF(b.x() + 4, b.y() - 7)]))

    def _anchor(self, span: Annotation) -> QPointF:
        """The middle of the top of a span's first character's line (start and end on one line; the start's else)."""
        start, end = self._rect_of(span.start), self._rect_of(max(span.start, span.end - 1))
        x = (start.left() + end.right()) / 2 if start.top() == end.top() else start.left() + 4
        return QPointF(x, start.top())
