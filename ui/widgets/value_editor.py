"""Edits the normalized value of the selected span: a figure, a date, or an entity link."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QWidget,
)

from curator.domain.models import Annotation, Entity, Suggestion, known_entity
from curator.domain.schema import LabelKind, LabelSchema
from curator.domain.text import fold
from curator.domain.values import Change, Granularity, Qualifier, fitting_granularity

_INVALID = "background: #ffd6d6"


def _combo(options: list[str], parent: QWidget) -> QComboBox:
    combo = QComboBox(parent)
    combo.addItems(options)
    return combo


class ValueEditor(QGroupBox):
    """Shows and edits the selected span's value; a page per label kind.

    Emits ``value_edited(dict)`` with a complete new value when a field is
    changed to something valid, ``entity_chosen(id or "")`` to link or unlink,
    and ``entity_created(name)`` to create an entity from the mention. Fields
    are written to with signals blocked, so showing a span never edits it.
    UI thread only.
    """

    value_edited = Signal(dict)
    entity_chosen = Signal(str)
    entity_created = Signal(str)
    aliases_edited = Signal(str, list)
    finished = Signal()  # Enter or Escape in the entity box: back to the article

    def __init__(self, schema: LabelSchema, parent: QWidget | None = None) -> None:
        super().__init__("Value", parent)
        self._schema = schema
        self._span: Annotation | None = None
        self._linked: Entity | None = None
        self._entities: list[Entity] = []
        self.pages = QStackedWidget(self)
        layout = QFormLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addRow(self.pages)
        self.empty = QLabel("Select a span to see its value.", self)
        self.empty.setStyleSheet("color: #666")
        self.pages.addWidget(self.empty)
        self._build_figure_page()
        self._build_date_page()
        self._build_entity_page()
        self.show_span(None, "")

    # -- pages -------------------------------------------------------------------

    def _build_figure_page(self) -> None:
        page = QWidget(self)
        form = QGridLayout(page)  # two fields a row: the lists above keep their height
        form.setContentsMargins(0, 0, 0, 0)
        self.amount = QLineEdit(page)
        self.amount.setObjectName("value_amount")
        self.unit = QLineEdit(page)
        self.unit.setObjectName("value_unit")
        self.scale = QLineEdit(page)
        self.qualifier = _combo([q.value for q in Qualifier], page)
        self.qualifier.setObjectName("value_qualifier")
        self.change = _combo([c.value for c in Change], page)
        for index, (title, widget) in enumerate((("Amount", self.amount), ("Unit", self.unit),
                                                 ("Qualifier", self.qualifier), ("Scale", self.scale),
                                                 ("Change", self.change))):
            row, column = (0, 0) if index == 0 else ((index + 1) // 2, 2 * ((index + 1) % 2))
            form.addWidget(QLabel(title, page), row, column)
            form.addWidget(widget, row, column + 1, 1, 3 if index == 0 else 1)
        form.setColumnStretch(1, 1)
        form.setColumnStretch(3, 1)
        for editor in (self.amount, self.unit, self.scale):
            editor.editingFinished.connect(self._on_figure_edited)
        for combo in (self.qualifier, self.change):
            combo.activated.connect(self._on_figure_edited)
        self.figure_page = page
        self.pages.addWidget(page)

    def _build_date_page(self) -> None:
        page = QWidget(self)
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        self.date_start = QLineEdit(page)
        self.date_start.setObjectName("value_date_start")
        self.date_end = QLineEdit(page)
        self.date_end.setObjectName("value_date_end")
        for editor in (self.date_start, self.date_end):
            editor.setPlaceholderText("YYYY-MM-DD")
            editor.editingFinished.connect(self._on_date_edited)
        self.granularity = _combo([g.value for g in Granularity], page)
        self.granularity.activated.connect(self._on_date_edited)
        self.unresolved = QLabel(page)
        self.unresolved.setWordWrap(True)
        self.unresolved.setStyleSheet("color: #b00020")
        form.addRow("From", self.date_start)
        form.addRow("To", self.date_end)
        form.addRow("Granularity", self.granularity)
        form.addRow(self.unresolved)
        self.date_page = page
        self.pages.addWidget(page)

    def _build_entity_page(self) -> None:
        page = QWidget(self)
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        self.entity_box = QComboBox(page)
        self.entity_box.setObjectName("entity_box")
        self.entity_box.setEditable(True)
        self.entity_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.entity_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.entity_box.setMinimumContentsLength(12)
        self.entity_box.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.entity_box.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.entity_box.completer().setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.entity_box.activated.connect(self._on_entity_activated)
        self.entity_box.lineEdit().returnPressed.connect(self._on_entity_entered)
        self.entity_box.lineEdit().setPlaceholderText("type a name; Enter links it or creates it")
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.entity_box)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.finished)
        buttons = QHBoxLayout()
        self.new_entity = QPushButton("New entity", page)
        self.new_entity.setObjectName("new_entity")
        # The button names the mention; a long one is cut, never widening the panel.
        self.new_entity.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.new_entity.setMinimumWidth(120)
        self.new_entity.clicked.connect(self._on_new_entity)
        self.unlink = QPushButton("Unlink", page)
        self.unlink.clicked.connect(lambda: self.entity_chosen.emit(""))
        buttons.addWidget(self.new_entity)
        buttons.addWidget(self.unlink)
        self.entity_status = QLabel(page)
        self.entity_status.setWordWrap(True)
        self.aliases = QLineEdit(page)
        self.aliases.setObjectName("entity_aliases")
        self.aliases.setPlaceholderText("other names, separated by ;")
        self.aliases.editingFinished.connect(self._on_aliases_edited)
        form.addRow("Entity", self.entity_box)
        form.addRow("Aliases", self.aliases)
        form.addRow(buttons)
        form.addRow(self.entity_status)
        self.entity_page = page
        self.pages.addWidget(page)

    # -- showing -------------------------------------------------------------------

    @property
    def entities(self) -> list[Entity]:
        return list(self._entities)

    def set_entities(self, entities: list[Entity]) -> None:
        self._entities = entities
        if self._span is not None:
            self.show_span(self._span, self._text)

    def set_schema(self, schema: LabelSchema) -> None:
        """The labels changed: a span's kind (which page shows) is read from ``schema``."""
        self._schema = schema

    def show_span(self, span: Annotation | Suggestion | None, text: str, suggested: bool = False) -> None:
        """Show a span's value to edit, or (``suggested``) a suggestion's, read-only."""
        self._span, self._text = (None if suggested else span), text
        self.suggestion_id = span.id if suggested and span is not None else None  # the suggestion shown
        self.setTitle("Value suggested: A accepts it, X rejects it" if suggested else "Value")
        for page in (self.figure_page, self.date_page, self.entity_page):
            page.setEnabled(not suggested)
        label = self._schema.get(span.label) if span else None
        if span is None or label is None:
            self.pages.setCurrentWidget(self.empty)
            return
        widgets = [self.amount, self.unit, self.scale, self.qualifier, self.change, self.date_start,
                   self.date_end, self.granularity, self.entity_box, self.aliases]
        for widget in widgets:
            widget.blockSignals(True)
            widget.setStyleSheet("")
        try:
            if label.kind is LabelKind.FIGURE:
                self._show_figure(span.value or {})
            elif label.kind is LabelKind.DATE:
                self._show_date(span.value or {})
            else:
                self._show_entity(span)
        finally:
            for widget in widgets:
                widget.blockSignals(False)

    def _show_figure(self, value: dict[str, Any]) -> None:
        self.pages.setCurrentWidget(self.figure_page)
        self.amount.setText(value.get("amount") or "")
        self.amount.setPlaceholderText("no value: type the number")
        self.unit.setText(value.get("unit") or "")
        self.scale.setText(value.get("scale") or "")
        self.qualifier.setCurrentText(value.get("qualifier") or Qualifier.EXACT.value)
        self.change.setCurrentText(value.get("change") or Change.LEVEL.value)

    def _show_date(self, value: dict[str, Any]) -> None:
        self.pages.setCurrentWidget(self.date_page)
        self.date_start.setText(value.get("start") or "")
        self.date_end.setText(value.get("end") or "")
        self.granularity.setCurrentText(value.get("granularity") or Granularity.DAY.value)
        reason = value.get("unresolved")
        self.unresolved.setText(f"⚠ Not resolved: {reason}" if reason else ("" if value else "⚠ No value yet"))

    def _show_entity(self, span: Annotation) -> None:
        self.pages.setCurrentWidget(self.entity_page)
        self.entity_box.clear()
        same_type = [e for e in self._entities if e.type == span.label] + \
                    [e for e in self._entities if e.type != span.label]
        for entity in same_type:
            self.entity_box.addItem(f"{entity.name} ({entity.type})", entity.id)
        linked = next((e for e in self._entities if e.id == span.entity_id), None)
        self._linked = linked
        self.aliases.setEnabled(linked is not None)
        self.aliases.setText("; ".join(linked.aliases) if linked else "")
        if linked:
            self.entity_box.setCurrentIndex(self.entity_box.findData(linked.id))
            self.entity_status.setText(f"Linked to {linked.name} ({linked.type}).")
        else:
            self.entity_box.setCurrentIndex(-1)
            self.entity_box.setEditText("")
            self.entity_status.setText("Not linked. Type to find an entity, or create one from this mention.")
        self.unlink.setEnabled(linked is not None)
        self.new_entity.setText(f"New entity “{self._text[span.start:span.end][:30]}”")

    # -- editing ------------------------------------------------------------------------

    def _on_figure_edited(self) -> None:
        raw = self.amount.text().replace(",", "").strip()
        try:
            amount = Decimal(raw)
            if not amount.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            self.amount.setStyleSheet(_INVALID)
            return
        self.amount.setStyleSheet("")
        value = {"type": "figure", "amount": raw, "unit": self.unit.text().strip() or None,
                 "scale": self.scale.text().strip() or None, "qualifier": self.qualifier.currentText(),
                 "change": self.change.currentText()}
        # A range's upper bound and a per-unit are not edited here: keep them while they still fit.
        shown = (self._span.value or {}) if self._span is not None else {}
        if shown.get("per"):
            value["per"] = shown["per"]
        try:
            if shown.get("amount_to") is not None and Decimal(str(shown["amount_to"])) >= amount:
                value["amount_to"] = shown["amount_to"]
        except InvalidOperation:
            pass
        if self._span is not None and value != self._span.value:
            self.value_edited.emit(value)

    def _on_date_edited(self) -> None:
        parsed = []
        for editor in (self.date_start, self.date_end):
            try:
                parsed.append(date.fromisoformat(editor.text().strip()))
                editor.setStyleSheet("")
            except ValueError:
                editor.setStyleSheet(_INVALID)
                return
        if parsed[1] < parsed[0]:
            self.date_end.setStyleSheet(_INVALID)
            return
        chosen = fitting_granularity(parsed[0], parsed[1], self.granularity.currentText())
        if chosen != self.granularity.currentText():  # (a day cannot run from one date to another)
            self.granularity.blockSignals(True)
            self.granularity.setCurrentText(chosen)
            self.granularity.blockSignals(False)
        value = {"type": "date", "start": parsed[0].isoformat(), "end": parsed[1].isoformat(), "granularity": chosen}
        if self._span is not None and value != self._span.value:
            self.value_edited.emit(value)

    def _on_entity_activated(self, index: int) -> None:
        entity_id = self.entity_box.itemData(index)
        if entity_id and self._span is not None and entity_id != self._span.entity_id:
            self.entity_chosen.emit(entity_id)

    def _on_entity_entered(self) -> None:
        """Enter in the entity box: link the entity typed (its name or an alias, or the one
        the completion offers); with no match, create one by that name (empty: the
        mention's text). Then back to the article, for the next number key."""
        span = self._span
        if span is None:
            return
        typed = self.entity_box.currentText().strip()
        shown = {self.entity_box.itemText(i): self.entity_box.itemData(i) for i in range(self.entity_box.count())}
        completion = self.entity_box.completer().currentCompletion() if typed else ""
        known = known_entity(self._entities, typed, span.label)  # a name or alias of the span's type
        match = (shown.get(typed) or (known.id if known else None) or
                 next((e.id for e in self._entities if typed and fold(e.name) == fold(typed)), None) or
                 (shown.get(completion) if completion and fold(typed) in fold(completion) else None))
        if match:
            if match != span.entity_id:
                self.entity_chosen.emit(match)
        else:
            self.entity_created.emit(typed or self._text[span.start : span.end])
        self.finished.emit()

    def _on_aliases_edited(self) -> None:
        linked = self._linked
        if linked is None:
            return
        aliases = [a.strip() for a in self.aliases.text().split(";") if a.strip()]
        if aliases != linked.aliases:
            self.aliases_edited.emit(linked.id, aliases)

    def _on_new_entity(self) -> None:
        if self._span is not None:
            typed = self.entity_box.currentText().strip()
            known = {self.entity_box.itemText(i) for i in range(self.entity_box.count())}
            name = typed if typed and typed not in known else self._text[self._span.start : self._span.end]
            self.entity_created.emit(name)
