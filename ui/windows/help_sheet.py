"""Help → Keyboard and labels (F1 or ?): every shortcut of the window, read from its
menus so that it is never out of date, and the label guidelines."""

from __future__ import annotations

from collections.abc import Callable
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


Sections = list[tuple[str, list[tuple[str, str]]]]  # (heading, [(keys, what they do)])


def menu_sections(menus: QMenuBar) -> Sections:
    """A window's keys, menu by menu, read from its menus (never out of date), then the
    article's gestures."""
    sections: Sections = []
    for menu_action in menus.actions():
        menu = menu_action.menu()
        rows = [(_shortcuts(a), a.text().replace("&", "")) for a in menu.actions() if a.shortcuts()] if menu else []
        if rows:
            sections.append((menu_action.text().replace("&", ""), rows))
    sections.append(("Article", list(GESTURES)))
    return sections


def action_sections(heading: str, actions: list[QAction]) -> Sections:
    """A window's keys read from the actions it holds (a window without menus)."""
    rows = list(dict.fromkeys((_shortcuts(a), a.text().replace("&", "")) for a in actions
                              if a.shortcuts() and a.text()))
    return [(heading, rows)]


def sheet_html(sections: Sections | QMenuBar, schema: LabelSchema | None) -> str:
    """The keyboard sheet as HTML: section by section, then the labels and their guidelines."""
    if isinstance(sections, QMenuBar):
        sections = menu_sections(sections)
    parts = ["<h3>Keyboard</h3><table cellspacing='0' cellpadding='3'>"]
    for heading, rows in sections:
        parts.append(f"<tr><td colspan='2'><b>{escape(heading)}</b></td></tr>")
        parts.extend(f"<tr><td><code>{escape(keys)}</code></td><td>{escape(text)}</td></tr>" for keys, text in rows)
    parts.append("</table>")
    if schema is not None:
        parts.append("<h3>Labels</h3><table cellspacing='0' cellpadding='3'>")
        for label in schema.labels:
            key = schema.key_of(label.name) or ""
            parts.append(f"<tr><td><code>{escape(key)}</code></td><td style='background:{label.color}'>"
                         f"{escape(label.name)}</td><td>{escape(label.kind.value)}</td>"
                         f"<td>{escape(label.description or '')}</td></tr>")
        parts.append("</table>")
    return "".join(parts)


class HelpSheet(QDialog):
    """A window beside the work (not modal), kept up to date each time it is shown: the
    keys ``sections()`` lists (a window's menus or actions) and the labels. F1 shows it
    in the annotation, review and duplicates windows. UI thread only."""

    def __init__(self, sections: Callable[[], Sections], schema: LabelSchema | None, parent: QWidget | None = None,
                 title: str = "Keyboard and labels — Curator") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.sections, self.schema = sections, schema
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
            self.text.setHtml(sheet_html(self.sections(), self.schema))

    def show_sheet(self) -> None:
        self.text.setHtml(sheet_html(self.sections(), self.schema))
        self.show()
        self.raise_()
        self.activateWindow()
