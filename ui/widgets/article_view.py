"""The article text, with the annotator's spans highlighted in their label colours and
its header (leading metadata such as ``date 2023-11-07``) muted."""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterable

from PySide6.QtCore import QEvent, QRect, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QTextBlock,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextLayout,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip, QWidget

from curator.domain.header import Header, find_header
from curator.domain.models import Annotation, Suggestion
from curator.domain.schema import LabelSchema
from curator.domain.text import next_token_end, previous_token_start, token_at


class TextOffsets:
    """Converts between Python offsets (code points) and Qt positions (UTF-16 units).

    The two differ only after characters outside the Basic Multilingual Plane
    (emoji, some CJK), which take two UTF-16 units; for most texts this is the
    identity and costs nothing.
    """

    def __init__(self, text: str) -> None:
        astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF] if not text.isascii() else []
        self._astral = astral
        self._astral_qt = [position + k for k, position in enumerate(astral)]

    def to_qt(self, offset: int) -> int:
        return offset + bisect.bisect_left(self._astral, offset) if self._astral else offset

    def from_qt(self, position: int) -> int:
        return position - bisect.bisect_left(self._astral_qt, position) if self._astral else position


def display_text(text: str) -> str:
    """The text as Qt should show it, with every character at the same offset.

    Qt turns a CR LF pair into one paragraph break; a CR before LF is shown as a
    space and a lone CR as a break, so that offsets still line up.
    """
    if "\r" not in text:
        return text
    return text.replace("\r\n", " \n").replace("\r", "\n")


REGION_COLOR = "#fff3b0"
HEADER_COLOR = "#8a8a8a"

_Range = tuple[int, int, tuple]  # Qt start, Qt end, the key of its format


def _flatten(ranges: list[tuple[int, int, int, tuple]]) -> list[tuple[int, int, tuple]]:
    """Ranges ``(start, end, order, key)`` that may overlap as non-overlapping pieces, the
    range of the highest ``order`` winning where several cover a character (a span over
    a suggestion, an inner span over an outer one); neighbouring pieces of one key join."""
    if all(a[1] <= b[0] for a, b in zip(ranges, ranges[1:])):  # sorted and apart: the usual case
        return [(start, end, key) for start, end, _order, key in ranges if end > start]
    points = sorted({point for start, end, _order, _key in ranges for point in (start, end)})
    starting: dict[int, list[tuple[int, int, tuple]]] = {}
    for start, end, order, key in ranges:
        starting.setdefault(start, []).append((-order, end, key))
    active: list[tuple[int, int, tuple]] = []  # a heap: the highest order on top
    pieces: list[tuple[int, int, tuple]] = []
    for here, there in zip(points, points[1:]):
        for item in starting.get(here, ()):
            heapq.heappush(active, item)
        while active and active[0][1] <= here:  # ended: dropped once on top
            heapq.heappop(active)
        if active:
            key = active[0][2]
            if pieces and pieces[-1][1] == here and pieces[-1][2] == key:
                pieces[-1] = (pieces[-1][0], there, key)
            else:
                pieces.append((here, there, key))
    return pieces


class _Highlighter:
    """Lays out layers of formatted ranges with the text, later layers over earlier: each
    paragraph's ranges are given to its lay-out directly (as a syntax highlighter would,
    without its copy of a format for every character), before the paragraph is laid out
    when the text is new, so that a long paragraph is laid out once, not again for its spans."""

    def __init__(self, document: QTextDocument) -> None:
        self._document = document
        self.layers: list[list[_Range]] = []
        self.formats: dict[tuple, QTextCharFormat] = {}
        self._index: list[tuple[list[int], list[int]]] = []

    def document(self) -> QTextDocument:
        return self._document

    def set_document(self, document: QTextDocument) -> None:
        self._document = document

    def set_layers(self, layers: list[list[_Range]], formats: dict[tuple, QTextCharFormat]) -> None:
        """Take these layers for the next lay-out, without laying anything out now."""
        self.layers = [sorted(layer, key=lambda r: (r[0], -r[1])) for layer in layers]
        self.formats = formats
        self._index = []
        for layer in self.layers:
            reach, furthest = [], -1
            for _start, end, _key in layer:
                furthest = max(furthest, end)
                reach.append(furthest)
            self._index.append(([start for start, _end, _key in layer], reach))

    def format_all(self) -> None:
        """Give every paragraph its ranges, laying nothing out (new text, not laid out yet)."""
        block = self._document.begin()
        while block.isValid():
            self._format(block)
            block = block.next()

    def update(self, layers: list[list[_Range]], formats: dict[tuple, QTextCharFormat], restyled: bool) -> None:
        """Show these layers, laying out again only the paragraphs whose ranges changed
        (all of them if the formats were ``restyled``)."""
        before = {(i, *r) for i, layer in enumerate(self.layers) for r in layer}
        self.set_layers(layers, formats)
        after = {(i, *r) for i, layer in enumerate(self.layers) for r in layer}
        changed = before ^ after
        if not changed and not restyled:
            return
        document = self._document
        if restyled or len(changed) > 200 or document.blockCount() < 50:
            self.rehighlight()
            return
        blocks = set()
        for _layer, start, end, _key in changed:
            block = document.findBlock(start)
            while block.isValid() and block.position() < max(end, start + 1):
                blocks.add(block.blockNumber())
                block = block.next()
        for number in sorted(blocks):
            self.rehighlightBlock(document.findBlockByNumber(number))

    def rehighlight(self) -> None:
        self.format_all()
        self._document.markContentsDirty(0, self._document.characterCount())

    def rehighlightBlock(self, block: QTextBlock) -> None:  # noqa: N802 - as QSyntaxHighlighter names it
        self._format(block)
        self._document.markContentsDirty(block.position(), block.length())

    def _format(self, block: QTextBlock) -> None:
        self.format_text(block, block.position(), block.position() + block.length())

    def format_text(self, block: QTextBlock, first: int, last: int) -> None:
        """Give ``block``'s lay-out the ranges of the text from ``first`` to ``last``."""
        found = []
        for number, (layer, (starts, reach)) in enumerate(zip(self.layers, self._index)):
            # Ranges that start before the paragraph ends and reach into it.
            for index in range(bisect.bisect_right(reach, first), bisect.bisect_left(starts, last)):
                start, end, key = layer[index]
                if end > first:
                    found.append((max(start, first) - first, min(end, last - 1) - first, number * 1_000_000 + index,
                                  key))
        ranges = []
        for start, end, key in _flatten(found):
            piece = QTextLayout.FormatRange()
            piece.start, piece.length, piece.format = start, end - start, self.formats[key]
            ranges.append(piece)
        block.layout().setFormats(ranges)


class ArticleView(QPlainTextEdit):
    """Read-only article text that the curator selects with mouse or keyboard.

    Spans are character formats laid out with the text by a syntax highlighter
    (background in the label colour), so that painting a thousand of them costs
    no more than painting the text; when spans change, only the paragraphs they
    touch are laid out again. The selected span is also outlined, as an extra
    selection. The text's header (``date 2023-11-07`` before the body) is metadata,
    not article text: it is drawn grey and italic, under any span tagged there by
    hand. Hovering a span shows its note (``set_span_notes``) or its label, and
    hovering a suggestion or the header says what it is. Emits ``span_clicked`` when
    a click lands on a span. UI thread only.
    """

    span_clicked = Signal(str)
    suggestion_clicked = Signal(str)
    text_drawn = Signal()  # new text was drawn for the first time

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        font = QFont("DejaVu Serif")
        font.setStyleHint(QFont.StyleHint.Serif)
        font.setPointSizeF(12.5)
        self.setFont(font)
        self.document().setDocumentMargin(18)
        self.document().setUndoRedoEnabled(False)  # read-only: the text is only ever replaced whole
        self.setPlaceholderText("No document open")
        self._text = ""
        self._offsets = TextOffsets("")
        self._spans: list[Annotation] = []
        self._suggestions: list[Suggestion] = []
        self._selected_id: str | None = None
        self._notes: dict[str, str] = {}
        self._regions: list[tuple[int, int]] = []
        self._header: Header | None = None
        self._colors: dict[str, QColor] = {}
        self._highlighter = _Highlighter(self.document())
        self._restyled = False
        self._undrawn = False

    # -- content -----------------------------------------------------------------

    def set_text(self, text: str, spans: Iterable[Annotation] = ()) -> None:
        """Show ``text`` with ``spans`` highlighted, laid out once: a long paragraph's lay-out
        is most of what showing it costs, and spans set afterwards would lay it out again."""
        self._text = text
        self._offsets = TextOffsets(text)
        self._spans = sorted(spans, key=lambda s: (s.start, -s.end))
        self._suggestions = []
        self._selected_id = None
        self._regions = []
        self._header = find_header(text)
        self._highlighter.set_layers(*self._layers())
        self._replace_text(display_text(text))
        self._undrawn = True
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def _replace_text(self, text: str) -> None:
        """Put ``text`` in place of the document's, each paragraph given its ranges before it
        is laid out. New text of one paragraph in place of one is laid out at once: so its
        ranges go to the first paragraph's lay-out before, which the text replaced keeps."""
        document = self.document()
        cursor = QTextCursor(document)
        cursor.select(QTextCursor.SelectionType.Document)
        if "\n" not in text and "\u2029" not in text:
            if document.blockCount() > 1:  # (the paragraphs merged into the first lose its lay-out's ranges)
                cursor.removeSelectedText()
            self._highlighter.format_text(document.firstBlock(), 0, len(text) + 1)  # the paragraph with its end
            cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(text, QTextCharFormat())
        if "\n" in text or "\u2029" in text:
            self._highlighter.format_all()  # several paragraphs wait to be shown to be laid out

    def set_schema(self, schema: LabelSchema) -> None:
        self._colors = {label.name: QColor(label.color) for label in schema.labels}
        self._restyled = True

    def set_spans(self, spans: Iterable[Annotation], selected_id: str | None = None, paint: bool = True) -> None:
        self._spans = sorted(spans, key=lambda s: (s.start, -s.end))
        self._selected_id = selected_id
        if paint:
            self._paint()

    def set_span_notes(self, notes: dict[str, str]) -> None:
        """What hovering a span says, by span id (a span without a note says its label)."""
        self._notes = dict(notes)

    def set_region(self, start: int, end: int) -> None:
        """Shade a region behind the spans (the item under review) and scroll to it."""
        self.set_regions([(start, end)])

    def set_regions(self, regions: list[tuple[int, int]]) -> None:
        """Shade regions behind the spans (e.g. passages shared with another text); scroll to the first."""
        self._regions = list(regions)
        self._paint()
        if not regions:
            return
        start = regions[0][0]
        cursor = self.textCursor()
        cursor.setPosition(self._offsets.to_qt(start))
        self.setTextCursor(cursor)
        self.centerCursor()

    def set_suggestions(self, suggestions: Iterable[Suggestion]) -> None:
        suggestions = sorted(suggestions, key=lambda s: (s.start, -s.end))
        if not suggestions and not self._suggestions and not self._restyled:
            return  # none before, none now: nothing to lay out or outline again
        self._suggestions = suggestions
        self._paint()

    def select_span(self, annotation_id: str | None) -> None:
        """Mark a span or suggestion (by id) as selected and scroll to it."""
        self._selected_id = annotation_id
        self._paint()
        span = next((s for s in [*self._spans, *self._suggestions] if s.id == annotation_id), None)
        if span is not None:
            cursor = self.textCursor()
            cursor.setPosition(self._offsets.to_qt(span.start))
            self.setTextCursor(cursor)
            self.ensureCursorVisible()

    def _selection(self, start: int, end: int, fmt: QTextCharFormat) -> QTextEdit.ExtraSelection:
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._offsets.to_qt(start))
        cursor.setPosition(self._offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        selection.format = fmt
        return selection

    def _layers(self) -> tuple[list[list[_Range]], dict[tuple, QTextCharFormat]]:
        """The ranges to draw, in drawing order (the header, shaded regions, suggestions,
        spans; outer before inner), and their formats, one per kind and label."""
        to_qt = self._offsets.to_qt
        formats: dict[tuple, QTextCharFormat] = {}
        header = []
        if self._header is not None:
            formats[("header",)] = self._header_format(self._header)
            header.append((to_qt(self._header.start), to_qt(self._header.end), ("header",)))
        if self._regions:
            formats[("region",)] = shade = QTextCharFormat()
            shade.setBackground(QColor(REGION_COLOR))
        for suggested, items in ((True, self._suggestions), (False, self._spans)):
            for label in {item.label for item in items}:
                formats[(suggested, label)] = self._format(label, suggested)
        return [
            header,
            [(to_qt(start), to_qt(end), ("region",)) for start, end in self._regions],
            [(to_qt(s.start), to_qt(s.end), (True, s.label)) for s in self._suggestions],
            [(to_qt(s.start), to_qt(s.end), (False, s.label)) for s in self._spans],
        ], formats

    def _paint(self) -> None:
        self._highlighter.update(*self._layers(), self._restyled)
        self._restyled = False
        selections = []
        selected = next((s for s in [*self._spans, *self._suggestions] if s.id == self._selected_id), None)
        if selected is not None:
            selections.append(self._selection(selected.start, selected.end, self._selected_format(selected)))
        self.setExtraSelections(selections)

    @staticmethod
    def _header_format(header: Header) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fmt.setForeground(QColor(HEADER_COLOR))
        fmt.setFontItalic(True)
        fmt.setToolTip(f"Header (metadata): {header.describe()}")
        return fmt

    def _format(self, label: str, suggested: bool) -> QTextCharFormat:
        fmt = QTextCharFormat()
        color = self._colors.get(label, QColor("#ff6b6b"))
        if suggested:
            # Suggestions are a separate layer: a dashed underline in the label's
            # colour, a tint only when selected; accepted spans get full colour.
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
            fmt.setUnderlineColor(color.darker(220))
            fmt.setToolTip(f"Suggested {label}")
        else:
            fmt.setBackground(color)
            fmt.setToolTip(label)
        return fmt

    def _selected_format(self, item: Annotation | Suggestion) -> QTextCharFormat:
        fmt = QTextCharFormat()
        color = QColor(self._colors.get(item.label, QColor("#ff6b6b")))
        if isinstance(item, Suggestion):
            color.setAlpha(110)
        fmt.setBackground(color)
        fmt.setFontUnderline(True)
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
        fmt.setUnderlineColor(QColor("#202020"))
        fmt.setProperty(QTextFormat.Property.OutlinePen, QColor("#202020"))
        return fmt

    def highlights(self) -> list[tuple[str, QTextCharFormat]]:
        """The formatted stretches of text (header, spans, suggestions, shaded regions) with
        their formats, in text order; the selected item's outline is an extra selection."""
        found = []
        block = self.document().begin()
        while block.isValid():
            units = block.text().encode("utf-16-le")  # format ranges count UTF-16 units
            for part in block.layout().formats():
                piece = units[2 * part.start : 2 * (part.start + part.length)].decode("utf-16-le")
                found.append((piece, QTextCharFormat(part.format)))  # a copy: the range is temporary
            block = block.next()
        return found

    def tooltip_at(self, offset: int) -> str:
        """What hovering at ``offset`` shows: the notes of the spans there, the innermost
        first (a span without a note shows its label); else the tooltip of what is drawn
        there (a suggestion, the header); "" over plain text."""
        spans = sorted(self.spans_at(offset), key=lambda s: s.end - s.start)
        if spans:
            return "\n\n".join(self._notes.get(span.id, span.label) for span in spans)
        position = self._offsets.to_qt(offset)
        block = self.document().findBlock(position)
        if not block.isValid():
            return ""
        within = position - block.position()
        return next((part.format.toolTip() for part in block.layout().formats()
                     if part.start <= within < part.start + part.length), "")

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        if self._undrawn:
            self._undrawn = False
            self.text_drawn.emit()

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        # The text control shows only the document's own formats' tooltips, not those of
        # the formats laid out by the highlighter: show those here.
        if event.type() == QEvent.Type.ToolTip:
            help_event: QHelpEvent = event  # type: ignore[assignment]
            position = self.cursorForPosition(help_event.pos()).position()
            tooltip = self.tooltip_at(self._offsets.from_qt(position))
            if tooltip:
                QToolTip.showText(help_event.globalPos(), tooltip, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    # -- what the curator selected -------------------------------------------------

    @property
    def text(self) -> str:
        return self._text

    @property
    def header(self) -> Header | None:
        """The header of the text shown, if it has one."""
        return self._header

    def selection_range(self) -> tuple[int, int]:
        """The selection (or the caret, as an empty range) in Python offsets."""
        cursor = self.textCursor()
        return self._offsets.from_qt(cursor.selectionStart()), self._offsets.from_qt(cursor.selectionEnd())

    def set_selection(self, start: int, end: int) -> None:
        cursor = self.textCursor()
        cursor.setPosition(self._offsets.to_qt(start))
        cursor.setPosition(self._offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def scroll_to(self, offset: int) -> None:
        """Bring the text at ``offset`` into view, in the middle where the text allows
        (a review item near the end of a long article), with the caret there."""
        cursor = self.textCursor()
        cursor.setPosition(self._offsets.to_qt(min(offset, len(self._text))))
        self.setTextCursor(cursor)
        self.centerCursor()

    def clear_selection(self) -> None:
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)

    def offset_rect(self, offset: int) -> QRect:
        """Where the character at ``offset`` is drawn, in the viewport's coordinates."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._offsets.to_qt(min(offset, len(self._text))))
        return self.cursorRect(cursor)

    def visible_offset_at(self, point) -> int:
        """The offset of the text at ``point`` of the viewport."""
        return self._offsets.from_qt(self.cursorForPosition(point).position())

    def visible_range(self) -> tuple[int, int]:
        """The offsets of the first and last characters in view."""
        corner = self.viewport().rect().bottomRight()
        return (self._offsets.from_qt(self.cursorForPosition(self.viewport().rect().topLeft()).position()),
                self._offsets.from_qt(self.cursorForPosition(corner).position()))

    def spans_at(self, offset: int) -> list[Annotation]:
        return [span for span in self._spans if span.start <= offset < span.end]

    def suggestions_at(self, offset: int) -> list[Suggestion]:
        return [s for s in self._suggestions if s.start <= offset < s.end]

    def event(self, event: QEvent) -> bool:
        # A text control claims printable keys and Delete for itself; the article is
        # read-only, so let those keys reach the window's shortcuts (labels, accept...).
        if event.type() == QEvent.Type.ShortcutOverride:
            key_event: QKeyEvent = event  # type: ignore[assignment]
            plain = key_event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier,
                                              Qt.KeyboardModifier.ShiftModifier)
            printable = key_event.text().isprintable() and key_event.text().strip() != ""
            if plain and (printable or key_event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)):
                event.ignore()
                return True
        return super().event(event)

    # -- selecting by tokens ("US$24.2" is one, the comma after "billion," is not part of one) --

    def _offset_at(self, event: QMouseEvent) -> int:
        return self._offsets.from_qt(self.cursorForPosition(event.position().toPoint()).position())

    def _select(self, anchor: int, position: int) -> None:
        cursor = self.textCursor()
        cursor.setPosition(self._offsets.to_qt(anchor))
        cursor.setPosition(self._offsets.to_qt(position), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        control = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if control and event.key() in (Qt.Key.Key_Right, Qt.Key.Key_Left):
            cursor = self.textCursor()
            here = self._offsets.from_qt(cursor.position())
            there = (next_token_end(self._text, here) if event.key() == Qt.Key.Key_Right
                     else previous_token_start(self._text, here))
            extend = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            self._select(self._offsets.from_qt(cursor.anchor()) if extend else there, there)
            return
        super().keyPressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        token = token_at(self._text, self._offset_at(event)) if event.button() == Qt.MouseButton.LeftButton else None
        if token is None:
            super().mouseDoubleClickEvent(event)
            return
        self._select(*token)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        cursor = self.textCursor()
        if (event.button() == Qt.MouseButton.LeftButton and event.modifiers() & Qt.KeyboardModifier.ShiftModifier
                and cursor.hasSelection()):
            # Shift+click extends the selection to whole tokens at both ends.
            start, end = self.selection_range()
            first, last = token_at(self._text, start), token_at(self._text, max(start, end - 1))
            self._select(first[0] if first else start, last[1] if last else end)
            return
        if event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            offset = self._offsets.from_qt(self.cursorForPosition(event.position().toPoint()).position())
            hits = self.spans_at(offset)
            if hits:
                # The innermost span wins when spans nest.
                self.span_clicked.emit(min(hits, key=lambda s: s.end - s.start).id)
            elif suggested := self.suggestions_at(offset):
                self.suggestion_clicked.emit(suggested[0].id)
