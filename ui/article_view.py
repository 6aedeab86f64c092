"""The article text, with the annotator's spans highlighted in their label colours."""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from curator.models import Annotation, Suggestion
from curator.schema import LabelSchema


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


class ArticleView(QPlainTextEdit):
    """Read-only article text that the curator selects with mouse or keyboard.

    Spans are drawn as extra selections (background in the label colour; the
    selected span also underlined), so the text is never re-laid out when spans
    change. Emits ``span_clicked`` when a click lands on a span. UI thread only.
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
        self._regions: list[tuple[int, int]] = []
        self._painted = (0, 0)
        self._colors: dict[str, QColor] = {}
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)

    # -- content -----------------------------------------------------------------

    def set_text(self, text: str) -> None:
        self._text = text
        self._offsets = TextOffsets(text)
        self._spans = []
        self._suggestions = []
        self._selected_id = None
        self._regions = []
        self.setPlainText(display_text(text))
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def set_schema(self, schema: LabelSchema) -> None:
        self._colors = {label.name: QColor(label.color) for label in schema.labels}

    def set_spans(self, spans: Iterable[Annotation], selected_id: str | None = None, paint: bool = True) -> None:
        self._spans = sorted(spans, key=lambda s: (s.start, -s.end))
        self._selected_id = selected_id
        if paint:
            self._paint()

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

    # With more highlights than this, only those near the visible text are drawn, and
    # scrolling draws the next ones: a document with thousands of spans opens at once.
    WINDOWED_FROM = 300
    WINDOW_MARGIN = 1500  # characters beyond the visible text on each side

    def _window(self) -> tuple[int, int]:
        if len(self._spans) + len(self._suggestions) < self.WINDOWED_FROM:
            return 0, len(self._text)
        viewport = self.viewport().rect()
        top = self._offsets.from_qt(self.cursorForPosition(viewport.topLeft()).position())
        bottom = self._offsets.from_qt(self.cursorForPosition(viewport.bottomRight()).position())
        return top - self.WINDOW_MARGIN, bottom + self.WINDOW_MARGIN

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._on_scrolled()

    def _on_scrolled(self) -> None:
        low, high = self._window()
        painted_low, painted_high = self._painted
        if low < painted_low or high > painted_high:
            self._paint()

    def _paint(self) -> None:
        low, high = self._window()
        self._painted = (low, high)
        selections = []
        for region in self._regions:
            shade = QTextCharFormat()
            shade.setBackground(QColor("#fff3b0"))
            selections.append(self._selection(*region, shade))
        formats: dict[tuple[bool, str, bool], QTextCharFormat] = {}  # one per kind, label and selectedness
        for suggestion in self._suggestions:
            if suggestion.end < low or suggestion.start > high:
                continue
            selected = suggestion.id == self._selected_id
            fmt = formats.get((True, suggestion.label, selected))
            if fmt is None:
                fmt = formats[(True, suggestion.label, selected)] = self._suggestion_format(suggestion.label, selected)
            selections.append(self._selection(suggestion.start, suggestion.end, fmt))
        for span in self._spans:
            if span.end < low or span.start > high:
                continue
            selected = span.id == self._selected_id
            fmt = formats.get((False, span.label, selected))
            if fmt is None:
                fmt = formats[(False, span.label, selected)] = self._span_format(span.label, selected)
            selections.append(self._selection(span.start, span.end, fmt))
        self.setExtraSelections(selections)

    def _suggestion_format(self, label: str, selected: bool) -> QTextCharFormat:
        # Suggestions are a separate layer: a dashed underline in the label's colour,
        # a tint only when selected; accepted spans get full colour.
        fmt = QTextCharFormat()
        color = self._colors.get(label, QColor("#ff6b6b"))
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
        fmt.setUnderlineColor(color.darker(220))
        if selected:
            tint = QColor(color)
            tint.setAlpha(110)
            fmt.setBackground(tint)
        fmt.setToolTip(f"Suggested {label}")
        return fmt

    def _span_format(self, label: str, selected: bool) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fmt.setBackground(self._colors.get(label, QColor("#ff6b6b")))
        if selected:
            fmt.setFontUnderline(True)
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            fmt.setUnderlineColor(QColor("#202020"))
            fmt.setProperty(QTextFormat.Property.OutlinePen, QColor("#202020"))
        fmt.setToolTip(label)
        return fmt

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
