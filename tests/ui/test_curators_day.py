"""The curator's day, point by point: what a new user tripped over, each held here."""

from __future__ import annotations

from gui_actions import stored
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor


def caret_at(window, offset: int) -> None:
    cursor = window.article.textCursor()
    cursor.setPosition(offset)
    window.article.setTextCursor(cursor)
    window.article.setFocus()


def point_at(window, offset: int) -> QPoint:
    cursor = QTextCursor(window.article.document())
    cursor.setPosition(offset)
    return window.article.cursorRect(cursor).center() + QPoint(2, 0)


def selected(window) -> str:
    start, end = window.article.selection_range()
    return window.document.text[start:end]


# -- selecting by tokens -------------------------------------------------------------------------

def test_a_figure_is_selected_with_one_ctrl_shift_right_per_token(window, qtbot):
    caret_at(window, window.document.text.index("US$24 billion"))
    for _ in range(2):
        qtbot.keyClick(window.article, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.ShiftModifier)
    assert selected(window) == "US$24 billion"
    qtbot.keyClick(window.article, Qt.Key.Key_5)
    assert stored(window) == [("US$24 billion", "MONEY")]
    qtbot.keyClick(window.article, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert window.article.selection_range()[0] == window.article.selection_range()[1]


def test_double_click_takes_the_token_and_shift_click_extends_by_tokens(window, qtbot):
    text = window.document.text
    start = text.index("US$24 billion")
    viewport = window.article.viewport()
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=point_at(window, start + 2))  # on the "$"
    assert selected(window) == "US$24"
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     point_at(window, start + len("US$24 bil")))
    assert selected(window) == "US$24 billion"
