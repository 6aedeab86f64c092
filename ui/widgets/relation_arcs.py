"""Relations drawn over the article: an arc from span to span, above the line, its label
said where it hides no word (the tooltip of the arc under the mouse; the arcs of the
span or relation selected drawn bolder, the window saying their labels)."""

from __future__ import annotations

import bisect
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRect, Qt
from PySide6.QtGui import (
    QColor,
    QHelpEvent,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QAbstractScrollArea, QToolTip, QWidget

from curator.domain.models import Annotation, Relation
from curator.domain.schema import LabelSchema

ARC_STEP = 7  # pixels each further arc over one stretch of text rises above the last
MAX_LEVELS = 6


class RelationArcs(QWidget):
    """A transparent layer over a text view's viewport that draws each relation as an arc
    from its first span to its second (an arrowhead at the end of a directed one), in
    its label's colour. Arcs that overlap along the text rise to different heights, so
    several crossing one paragraph stay apart; only relations with an end in view are
    drawn (found by their ends' offsets, not by looking at every relation), so a document
    of thousands of relations scrolls as fast as one of none. An arc carries no caption,
    which would hide the words above it: hovering it shows its label and ends as a
    tooltip, and the arcs of the span or relation ``emphasised`` are drawn bolder. A
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
        self._text = ""
        self._by_end: list[tuple[int, int]] = []  # (a span end's start offset, its relation's index), sorted
        self._emphasis: set[str] = set()  # the ids of a span or relation whose arcs are drawn bolder
        self._painted: list[tuple[QPainterPath, Relation]] = []  # the arcs drawn last, for the tooltip
        self._pending: tuple[Annotation, Annotation] | None = None
        view.viewport().installEventFilter(self)
        view.verticalScrollBar().valueChanged.connect(self.update)
        self.setGeometry(view.viewport().rect())

    def moveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # The text view scrolls its viewport's children with its text: the layer stays put
        # over the viewport (each arc is placed from the text's own positions when drawn).
        if self.pos() != QPoint(0, 0):
            self.move(0, 0)
        super().moveEvent(event)

    def set_schema(self, schema: LabelSchema) -> None:
        self._schema = schema
        self.update()

    def set_relations(self, spans: list[Annotation], relations: list[Relation], text: str = "") -> None:
        """Draw these relations between these spans (of ``text``, which the tooltips quote)."""
        if not relations and not self._relations:
            self._spans, self._text = {span.id: span for span in spans}, text
            return  # none before, none now: nothing to draw again
        self._spans = {span.id: span for span in spans}
        self._text = text
        self._relations = [r for r in relations if r.source_id in self._spans and r.target_id in self._spans]
        self._by_end = sorted((self._spans[end].start, index) for index, r in enumerate(self._relations)
                              for end in (r.source_id, r.target_id))
        self._levels = self._stack()
        self.update()

    def set_emphasis(self, ids: set[str]) -> None:
        """Draw bolder the arcs of these spans and relations (those selected), the rest as before."""
        if ids != self._emphasis:
            self._emphasis = set(ids)
            self.update()

    def emphasised(self) -> list[str]:
        """The ids of the relations whose arcs are drawn bolder (where in view)."""
        return [r.id for r in self._relations if self._emphasis & {r.id, r.source_id, r.target_id}]

    def path_of(self, relation_id: str) -> QPainterPath | None:
        """The arc last drawn for a relation (None if it is not in view)."""
        return next((path for path, relation in self._painted if relation.id == relation_id), None)

    def relations_of(self, span_id: str) -> list[Relation]:
        return [r for r in self._relations if span_id in (r.source_id, r.target_id)]

    def describe(self, relation: Relation, seen_from: str | None = None) -> str:
        """A relation's label and the words at its two ends, as its tooltip says it; seen
        from one of its spans (by id), its label and the words at the other end."""
        kind = self._schema.relation(relation.label)
        directed = kind is None or kind.directed
        source, target = self._words(relation.source_id), self._words(relation.target_id)
        if seen_from == relation.source_id:
            return f"{relation.label} {'→' if directed else '↔'} {target}"
        if seen_from == relation.target_id:
            return f"{relation.label} {'←' if directed else '↔'} {source}"
        return f"{relation.label}: {source} {'→' if directed else '↔'} {target}"

    def _words(self, span_id: str) -> str:
        span = self._spans.get(span_id)
        return self._text[span.start : span.end].replace("\n", " ") if span is not None else "?"

    def relation_at(self, point: QPointF) -> Relation | None:
        """The relation whose arc (as drawn last) passes within a few pixels of ``point``."""
        stroker = QPainterPathStroker()
        stroker.setWidth(8)
        for path, relation in reversed(self._painted):  # the last drawn is on top
            if stroker.createStroke(path).contains(QPointF(point)):
                return relation
        return None

    def set_pending(self, pair: tuple[Annotation, Annotation] | None) -> None:
        self._pending = pair
        self.update()

    def drawn(self) -> list[str]:
        """The ids of the relations an arc is drawn for now (those with an end in view)."""
        return [r.id for r in self._in_view(*self._visible())]

    def _in_view(self, first: int, last: int) -> list[Relation]:
        """The relations with an end that starts between offsets ``first`` and ``last``, in their order."""
        low = bisect.bisect_left(self._by_end, (first, -1))
        high = bisect.bisect_right(self._by_end, (last, len(self._relations)))
        return [self._relations[index] for index in sorted({index for _start, index in self._by_end[low:high]})]

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
        elif event.type() == QEvent.Type.ToolTip:
            help_event: QHelpEvent = event  # type: ignore[assignment]
            relation = self.relation_at(QPointF(help_event.pos()))
            if relation is not None:  # over an arc: its label; elsewhere the article says what is there
                QToolTip.showText(help_event.globalPos(), self.describe(relation), self._view.viewport())
                return True
        return False

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        self._painted = []
        if not self._relations and self._pending is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        shown = self._in_view(*self._visible())
        emphasised = [r for r in shown if self._emphasis & {r.id, r.source_id, r.target_id}]
        for relation in [r for r in shown if r not in emphasised] + emphasised:  # the bolder on top
            kind = self._schema.relation(relation.label)
            path = self._arc(painter, self._spans[relation.source_id], self._spans[relation.target_id],
                             QColor(kind.color if kind else "#636363"), kind is None or kind.directed,
                             self._levels.get(relation.id, 0), dashed=False, bold=relation in emphasised)
            self._painted.append((path, relation))
        if self._pending is not None:
            self._arc(painter, *self._pending, QColor("#d62728"), True, MAX_LEVELS, dashed=True)
        painter.end()

    def _arc(self, painter: QPainter, source: Annotation, target: Annotation, color: QColor, directed: bool,
             level: int, dashed: bool, bold: bool = False) -> QPainterPath:
        a, b = self._anchor(source), self._anchor(target)
        rise = 10 + ARC_STEP * level + min(40.0, abs(a.x() - b.x()) / 12)
        top = min(a.y(), b.y()) - rise
        path = QPainterPath(a)
        path.cubicTo(QPointF(a.x(), top), QPointF(b.x(), top), b)
        pen = QPen(color, 3.2 if bold else 1.6, Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        if directed:
            painter.setBrush(color)
            painter.drawPolygon(QPolygonF([b, QPointF(b.x() - 4, b.y() - 7), QPointF(b.x() + 4, b.y() - 7)]))
        return path

    def _anchor(self, span: Annotation) -> QPointF:
        """The middle of the top of a span's first character's line (start and end on one line; the start's else)."""
        start, end = self._rect_of(span.start), self._rect_of(max(span.start, span.end - 1))
        x = (start.left() + end.right()) / 2 if start.top() == end.top() else start.left() + 4
        return QPointF(x, start.top())
