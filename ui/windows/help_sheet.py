"""Help → Keyboard and labels (F1 or ?): every shortcut of the window, read from its
menus so that it is never out of date, and the label guidelines."""

from __future__ import annotations

from html import escape

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMenuBar,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from curator.domain.schema import LabelSchema

# Keys the article and the lists understand that are no menu action.
GESTURES = (
    ("Shift+←/→, Ctrl+Shift+←/→", "Select characters, or whole tokens (“US$24.2” is one)"),
    ("Double-click, Shift+click", "Select a token, extend the selection by tokens"),
    ("Enter in the entity box", "Link the entity typed, or create it; Escape goes back to the article"),
)


def _shortcuts(action: QAction) -> str:
    return ", ".join(key.toString(QKeySequence.SequenceFormat.NativeText) for key in action.shortcuts())


def sheet_html(menus: QMenuBar, schema: LabelSchema) -> str:
    """The keyboard sheet as HTML: menu by menu, then the labels and their guidelines."""
    parts = ["<h3>Keyboard</h3><table cellspacing='0' cellpadding='3'>"]
    for menu_action in menus.actions():
        menu = menu_action.menu()
        rows = [(_shortcuts(a), a.text().replace("&", "")) for a in menu.actions() if a.shortcuts()] if menu else []
        if rows:
            parts.append(f"<tr><td colspan='2'><b>{escape(menu_action.text().replace('&', ''))}</b></td></tr>")
            parts.extend(f"<tr><td><code>{escape(keys)}</code></td><td>{escape(text)}</td></tr>" for keys, text in rows)
    parts.append("<tr><td colspan='2'><b>Article</b></td></tr>")
    parts.extend(f"<tr><td><code>{escape(keys)}</code></td><td>{escape(text)}</td></tr>" for keys, text in GESTURES)
    parts.append("</table><h3>Labels</h3><table cellspacing='0' cellpadding='3'>")
    for label in schema.labels:
        key = schema.key_of(label.name) or ""
        parts.append(f"<tr><td><code>{escape(key)}</code></td><td style='background:{label.color}'>"
                     f"{escape(label.name)}</td><td>{escape(label.kind.value)}</td>"
                     f"<td>{escape(label.description or '')}</td></tr>")
    parts.append("</table>")
    return "".join(parts)


class HelpSheet(QDialog):
    """A window beside the work (not modal), kept up to date each time it is shown."""

    def __init__(self, menus: QMenuBar, schema: LabelSchema, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard and labels — Curator")
        self.menus, self.schema = menus, schema
        layout = QVBoxLayout(self)
        self.text = QTextBrowser(self)
        self.text.setObjectName("help_text")
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.resize(620, 640)

    def set_schema(self, schema: LabelSchema) -> None:
        """The labels changed: the sheet, if shown, says so at once."""
        self.schema = schema
        if self.isVisible():
            self.text.setHtml(sheet_html(self.menus, self.schema))

    def show_sheet(self) -> None:
        self.text.setHtml(sheet_html(self.menus, self.schema))
        self.show()
        self.raise_()
        self.activateWindow()
