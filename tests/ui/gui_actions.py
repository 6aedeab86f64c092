"""What a curator does in the window, for the GUI tests."""

from PySide6.QtCore import Qt


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
