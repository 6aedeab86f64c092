"""What a curator does in the window, for the GUI tests."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


def select_text(window, qtbot, fragment: str, shrink: int = 0) -> None:
    """Select ``fragment`` (minus ``shrink`` characters at each end) with the keyboard."""
    article = window.article
    start = window.document.text.index(fragment) + shrink
    article.setFocus()
    cursor = article.textCursor()
    cursor.setPosition(start)
    article.setTextCursor(cursor)
    for _ in range(len(fragment) - 2 * shrink):
        qtbot.keyClick(article, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)


def stored(window):
    return [(window.document.text[a.start : a.end], a.label)
            for a in window.session.store.annotations_for(window.document.id, "tester")]


def open_loaded_review(open_window, location, settings, qtbot):
    """The main window on ``location`` as a reviewer, and its review window once loaded."""
    settings.reviewer = True
    main = open_window(location)
    review = main.open_review()
    qtbot.addWidget(review)
    with qtbot.waitSignal(review.task.finished, timeout=20_000):
        pass
    return main, review


def press(widget, qtbot, key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """``key`` to ``widget``, its window made the active one first: a window's shortcuts fire
    only while it is active, and a window shown earlier may take activation back late."""
    window = widget.window()
    if QApplication.activeWindow() is not window:
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    qtbot.keyClick(widget, key, modifiers)
