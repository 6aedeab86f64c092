"""The article text, with the annotator's spans highlighted in their label colours."""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip, QWidget

from curator.domain.models import Annotation, Suggestion
from curator.domain.schema import LabelSchema


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

_Range = tuple[int, int, tuple]  # Qt start, Qt end, the key of its format


class _Highlighter(QSyntaxHighlighter):
    """Lays out layers of formatted ranges with the text, later layers over earlier."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.layers: list[list[_Range]] = []
        self.formats: dict[tuple, QTextCharFormat] = {}
        self._index: list[tuple[list[int], list[int]]] = []

    def update(self, layers: list[list[_Range]], formats: dict[tuple, QTextCharFormat], restyled: bool) -> None:
        """Show these layers, laying out again only the paragraphs whose ranges changed
        (all of them if the formats were ``restyled``)."""
        layers = [sorted(layer, key=lambda r: (r[0], -r[1])) for layer in layers]
        before = {(i, *r) for i, layer in enumerate(self.layers) for r in layer}
        after = {(i, *r) for i, layer in enumerate(layers) for r in layer}
        self.layers, self.formats = layers, formats
        self._index = []
        for layer in layers:
            reach, furthest = [], -1
            for _start, end, _key in layer:
                furthest = max(furthest, end)
                reach.append(furthest)
            self._index.append(([start for start, _end, _key in layer], reach))
        changed = before ^ after
        document = self.document()
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

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt's name
        block = self.currentBlock()
        first, last = block.position(), block.position() + block.length()
        for layer, (starts, reach) in zip(self.layers, self._index):
            # Ranges that start before the paragraph ends and reach into it.
            for index in range(bisect.bisect_right(reach, first), bisect.bisect_left(starts, last)):
                start, end, key = layer[index]
                if end > first:
                    begin = max(start, first) - first
                    self.setFormat(begin, min(end, last) - first - begin, self.formats[key])


class ArticleView(QPlainTextEdit):
    """Read-only article text that the curator selects with mouse or keyboard.

    Spans are character formats laid out with the text by a syntax highlighter
    (background in the label colour), so that painting a thousand of them costs
    no more than painting the text; when spans change, only the paragraphs they
    touch are laid out again. The selected span is also outlined, as an extra
    selection. Hovering a span shows its note (``set_span_notes``), or its label.
    Emits ``span_clicked`` when a click lands on a span. UI thread only.
    """

    span_clicked = Signal(str)
    suggestion_clicked = Signal(str)

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
        self.setPlaceholderText("No document open")
        self._text = ""
        self._offsets = TextOffsets("")
        self._spans: list[Annotation] = []
        self._suggestions: list[Suggestion] = []
        self._selected_id: str | None = None
        self._notes: dict[str, str] = {}
        self._regions: list[tuple[int, int]] = []
        self._colors: dict[str, QColor] = {}
        self._highlighter = _Highlighter(self.document())
        self._restyled = False

    # -- content -----------------------------------------------------------------

    def set_text(self, text: str) -> None:
        self._text = text
        self._offsets = TextOffsets(text)
        self._spans = []
        self._suggestions = []
        self._selected_id = None
        self._regions = []
        self._highlighter.layers = []
        self.setPlainText(display_text(text))
        self.moveCursor(QTextCursor.MoveOperation.Start)

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
        self._suggestions = sorted(suggestions, key=lambda s: (s.start, -s.end))
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

    def _paint(self) -> None:
        to_qt = self._offsets.to_qt
        formats: dict[tuple, QTextCharFormat] = {}  # one per kind and label
        if self._regions:
            formats[("region",)] = shade = QTextCharFormat()
            shade.setBackground(QColor(REGION_COLOR))
        for suggested, items in ((True, self._suggestions), (False, self._spans)):
            for label in {item.label for item in items}:
                formats[(suggested, label)] = self._format(label, suggested)
        # Layers in drawing order: shaded regions, suggestions, spans (outer before inner).
        self._highlighter.update([
            [(to_qt(start), to_qt(end), ("region",)) for start, end in self._regions],
            [(to_qt(s.start), to_qt(s.end), (True, s.label)) for s in self._suggestions],
            [(to_qt(s.start), to_qt(s.end), (False, s.label)) for s in self._spans],
        ], formats, self._restyled)
        self._restyled = False
        selections = []
        selected = next((s for s in [*self._spans, *self._suggestions] if s.id == self._selected_id), None)
        if selected is not None:
            selections.append(self._selection(selected.start, selected.end, self._selected_format(selected)))
        self.setExtraSelections(selections)

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
        """The formatted stretches of text (spans, suggestions, shaded regions) with their
        formats, in text order; the selected item's outline is an extra selection."""
        found = []
        block = self.document().begin()
        while block.isValid():
            units = block.text().encode("utf-16-le")  # format ranges count UTF-16 units
            for part in block.layout().formats():
                piece = units[2 * part.start : 2 * (part.start + part.length)].decode("utf-16-le")
                found.append((piece, QTextCharFormat(part.format)))  # a copy: the range is temporary
            block = block.next()
        return found

    # -- what the curator selected -------------------------------------------------

    @property
    def text(self) -> str:
        return self._text

    def selection_range(self) -> tuple[int, int]:
        """The selection (or the caret, as an empty range) in Python offsets."""
        cursor = self.textCursor()
        return self._offsets.from_qt(cursor.selectionStart()), self._offsets.from_qt(cursor.selectionEnd())

    def set_selection(self, start: int, end: int) -> None:
        cursor = self.textCursor()
        cursor.setPosition(self._offsets.to_qt(start))
        cursor.setPosition(self._offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def clear_selection(self) -> None:
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)

    def spans_at(self, offset: int) -> list[Annotation]:
        return [span for span in self._spans if span.start <= offset < span.end]

    def suggestions_at(self, offset: int) -> list[Suggestion]:
        return [s for s in self._suggestions if s.start <= offset < s.end]

    def tooltip_at(self, offset: int) -> str:
        """The notes of the spans at an offset, the innermost first."""
        spans = sorted(self.spans_at(offset), key=lambda s: s.end - s.start)
        return "\n\n".join(self._notes.get(span.id, span.label) for span in spans)

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.ToolTip:
            help_event: QHelpEvent = event  # type: ignore[assignment]
            offset = self._offsets.from_qt(self.cursorForPosition(help_event.pos()).position())
            note = self.tooltip_at(offset)
            if note:
                QToolTip.showText(help_event.globalPos(), note, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

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

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            offset = self._offsets.from_qt(self.cursorForPosition(event.position().toPoint()).position())
            hits = self.spans_at(offset)
            if hits:
                # The innermost span wins when spans nest.
                self.span_clicked.emit(min(hits, key=lambda s: s.end - s.start).id)
            elif suggested := self.suggestions_at(offset):
                self.suggestion_clicked.emit(suggested[0].id)
