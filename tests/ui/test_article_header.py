"""The header of a text (``date 2023-11-07`` before the body) is shown as metadata."""

from gui_actions import select_text, stored
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QHelpEvent, QTextCharFormat
from PySide6.QtWidgets import QApplication, QToolTip

from ui.widgets.article_view import HEADER_COLOR

TOOLTIP = "Header (metadata): date 2023-11-07 \u2014 the article's published date"


def formats(window) -> dict[str, QTextCharFormat]:
    return dict(window.article.highlights())


def test_the_header_is_drawn_muted_with_what_it_says(window):
    assert window.article.toPlainText().startswith(" date 2023-11-07 China")
    header = formats(window)["date 2023-11-07"]
    assert header.fontItalic() and header.foreground().color() == QColor(HEADER_COLOR)
    assert header.toolTip() == TOOLTIP
    assert window.article.tooltip_at(3) == TOOLTIP
    assert window.article.tooltip_at(window.document.text.index("China")) == ""
    assert list(formats(window)) == ["date 2023-11-07"]  # the body is drawn as before
    window.panel.tabs.setCurrentWidget(window.panel.details)  # the Document tab
    details = window.panel.details.header
    assert details.isVisible() and details.text() == "date 2023-11-07 \u2014 the article's published date"


def test_hovering_the_header_shows_its_tooltip(window, qtbot):
    article = window.article
    cursor = article.textCursor()
    cursor.setPosition(4)
    point = article.cursorRect(cursor).center()
    QToolTip.hideText()
    qtbot.waitUntil(lambda: not QToolTip.isVisible())
    QApplication.sendEvent(article.viewport(),
                           QHelpEvent(QEvent.Type.ToolTip, point, article.viewport().mapToGlobal(point)))
    assert QToolTip.isVisible() and QToolTip.text() == TOOLTIP
    QToolTip.hideText()


def test_suggestions_leave_the_header_alone(window):
    window.suggest_for_document()
    suggested = window.suggestions.suggestions
    assert suggested and all(s.start >= 16 for s in suggested)
    header = formats(window)["date 2023-11-07"]
    assert header.fontItalic() and header.underlineStyle() == QTextCharFormat.UnderlineStyle.NoUnderline


def test_the_header_can_still_be_tagged_by_hand(window, qtbot):
    select_text(window, qtbot, "2023-11-07")
    qtbot.keyClick(window.article, Qt.Key.Key_9)
    assert stored(window) == [("2023-11-07", "DATE")]
    drawn = formats(window)
    assert drawn["date "].fontItalic() and drawn["date "].toolTip() == TOOLTIP
    assert drawn["2023-11-07"].toolTip() == "DATE"  # the span is drawn over the header
    assert drawn["2023-11-07"].background().color() == QColor(window.session.store.label_schema.get("DATE").color)


def test_a_text_without_a_header_shows_none(window):
    window.select_row(2)  # "Astana, 28 March 2023 (TDI): ..." starts with a dateline, which is article text
    assert window.document.uid.startswith("002")
    assert window.article.header is None
    assert not any(fmt.fontItalic() for _text, fmt in window.article.highlights())
    window.panel.tabs.setCurrentWidget(window.panel.details)
    assert not window.panel.details.header.isVisible() and window.panel.details.header.text() == ""
