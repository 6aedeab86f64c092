"""A list of named schema entries beside a form for one (in the label editor): the part the
category sets' and the relation labels' editors share."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QStringListModel, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from curator.domain.schema import reason


class NamedItemsEditor(QWidget):
    """The list of entries (each with a ``name``) and a form for one: a name field, the
    fields a subclass adds with ``_add_fields``, a hint and the save and delete buttons. It
    changes nothing itself: it asks, with ``save_requested(entry)`` and
    ``delete_requested(name)``, and says a form that is no entry with ``refused(reason)``,
    the reason after the form's title. UI thread only."""

    save_requested = Signal(object)
    delete_requested = Signal(str)
    refused = Signal(str)

    def __init__(self, parent: QWidget | None, *, title: str, list_name: str, name_field: str,
                 name_placeholder: str, new_text: str, save_text: str, delete_text: str, hint: str) -> None:
        super().__init__(parent)
        self._title = title
        self._items: list[Any] = []
        row = QHBoxLayout(self)
        left = QVBoxLayout()
        self.names = QStringListModel(self)
        self.list = QListView(self)
        self.list.setObjectName(list_name)
        self.list.setModel(self.names)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.selectionModel().currentRowChanged.connect(self._on_current_changed)
        left.addWidget(self.list)
        left.addWidget(self._button(new_text, self.new_item))
        row.addLayout(left, stretch=1)

        box = QGroupBox(title, self)
        form = QFormLayout(box)
        self.name = QLineEdit(box)
        self.name.setObjectName(name_field)
        self.name.setPlaceholderText(name_placeholder)
        form.addRow("Name", self.name)
        self._add_fields(box, form)
        label = QLabel(hint, box)
        label.setWordWrap(True)
        label.setStyleSheet("color: #666")
        form.addRow(label)
        buttons = QHBoxLayout()
        buttons.addWidget(self._button(save_text, self.save))
        buttons.addWidget(self._button(delete_text, self.delete))
        form.addRow(buttons)
        row.addWidget(box, stretch=2)

    def _add_fields(self, box: QGroupBox, form: QFormLayout) -> None:
        """Add the form's rows between the name and the hint."""
        raise NotImplementedError

    def _entry(self) -> Any:
        """The entry the form describes; ValueError when it is none."""
        raise NotImplementedError

    def _show(self, entry: Any | None) -> None:
        """Fill the form with this entry, or empty it."""
        raise NotImplementedError

    def _button(self, text: str, slot) -> QPushButton:
        button = QPushButton(text, self)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def set_items(self, items: list[Any]) -> None:
        """Show these entries, keeping the one in the form if it is still there."""
        current = self.name.text().strip()
        self._items = list(items)
        self.names.setStringList([item.name for item in items])
        self.select(current if any(item.name == current for item in items) else None)

    def select(self, name: str | None) -> None:
        names = self.names.stringList()
        if name in names:
            self.list.setCurrentIndex(self.names.index(names.index(name)))
            self._show(self._items[names.index(name)])
        else:
            self.list.clearSelection()
            self._show(None)

    def new_item(self) -> None:
        self.select(None)
        self.name.setFocus()

    def save(self) -> None:
        try:
            entry = self._entry()
        except ValueError as exc:
            self.refused.emit(f"{self._title}: {reason(exc)}")
            return
        self.save_requested.emit(entry)

    def delete(self) -> None:
        name = self.name.text().strip()
        if name:
            self.delete_requested.emit(name)

    def _on_current_changed(self, current, _previous) -> None:
        if 0 <= current.row() < len(self._items):
            self._show(self._items[current.row()])
