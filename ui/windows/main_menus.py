"""The main window's menus: every action with its shortcut, so that the help sheet, read
from the menus, lists every key. Built for the main window, given it (never imported
by it)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from ui.windows.learning_dialog import open_learning_settings


def _action(window: Any, text: str, shortcut: QKeySequence | str | list | None, slot, menu) -> QAction:
    action = QAction(text, window)
    if isinstance(shortcut, list):
        action.setShortcuts(shortcut)
    elif shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(slot)
    menu.addAction(action)
    return action


def _toggle(window: Any, text: str, checked: bool, slot, menu) -> QAction:
    action = QAction(text, window)
    action.setCheckable(True)
    action.setChecked(checked)
    action.toggled.connect(slot)
    menu.addAction(action)
    return action


def build_menus(w: Any) -> None:
    """File, Edit, Document, Suggestions, Review, Labels and Help, on ``w``'s menu bar."""
    bar = w.menuBar()
    file_menu = bar.addMenu("&File")
    _action(w, "&Open project…", QKeySequence.StandardKey.Open, w.open_project_dialog, file_menu)
    _action(w, "&Import files…", "Ctrl+I", lambda: w.import_dialog(), file_menu)
    _action(w, "Import annotated files &as…", None, w.imports.options_dialog, file_menu)
    _action(w, "&Export dataset…", "Ctrl+E", w.export_dialog, file_menu)
    _action(w, "Export &clean dataset…", None, lambda: w.export_dialog(clean=True), file_menu)
    _action(w, "&Validate…", "Ctrl+Shift+V", w.validate_project, file_menu)
    file_menu.addSeparator()
    _action(w, "Set &annotator name…", None, w.companions.annotator_dialog, file_menu)
    file_menu.addSeparator()
    _action(w, "&Quit", QKeySequence.StandardKey.Quit, w.close, file_menu)

    edit_menu = bar.addMenu("&Edit")
    w.undo_action, w.redo_action = w.history.undo_action, w.history.redo_action
    edit_menu.addAction(w.undo_action)
    edit_menu.addAction(w.redo_action)
    edit_menu.addSeparator()
    w.delete_action = _action(w, "&Delete span", QKeySequence.StandardKey.Delete, w.delete_selected_span, edit_menu)
    _action(w, "&Find document", QKeySequence.StandardKey.Find, w.focus_search, edit_menu)
    _action(w, "&Link span to an entity", "L", w.editing.focus_entity_box, edit_menu)

    s = w.suggestion_control
    doc_menu = bar.addMenu("&Document")
    _action(w, "&Next document", "Ctrl+PgDown", lambda: w.go_to_relative(1), doc_menu)
    _action(w, "&Previous document", "Ctrl+PgUp", lambda: w.go_to_relative(-1), doc_menu)
    _toggle(w, "Next goes to the document the model is &least sure of", s.learning.least_sure_next,
            s.learning.set_least_sure_next, doc_menu)
    doc_menu.addSeparator()
    _action(w, "Toggle &done", "Ctrl+D", w.toggle_done, doc_menu)
    _action(w, "Done and ne&xt", "Ctrl+Return", w.editing.done_and_next, doc_menu)
    _action(w, "Set the &date…", "Ctrl+Shift+D", lambda: w.panel.edit_date(), doc_menu)

    suggest_menu = bar.addMenu("&Suggestions")
    _action(w, "&Suggest for this document", "Ctrl+G", s.suggest_for_document, suggest_menu)
    _action(w, "Suggest for the whole &project", None, s.suggest_for_project, suggest_menu)
    suggest_menu.addSeparator()
    _action(w, "&Accept suggestion", "A", s.accept_suggestion, suggest_menu)
    _action(w, "&Reject suggestion", "X", s.reject_suggestion, suggest_menu)
    _action(w, "&Next suggestion", "N", lambda: s.go_to_suggestion(1), suggest_menu)
    _action(w, "Pre&vious suggestion", "Shift+N", lambda: s.go_to_suggestion(-1), suggest_menu)
    _action(w, "Accept &all shown", "Ctrl+Shift+A", s.accept_all_suggestions, suggest_menu)
    _action(w, "Reject all shown", None, s.reject_all_suggestions, suggest_menu)
    _toggle(w, "Sort by &confidence (the surest first)", s.by_confidence, s.set_by_confidence, suggest_menu)
    suggest_menu.addSeparator()
    _action(w, "&Train the recommender on the finished documents", "Ctrl+Shift+T", lambda: s.learning.train(),
            suggest_menu)
    _action(w, "Cancel the training", "Ctrl+Shift+Y", lambda: s.learning.cancel(), suggest_menu)
    _action(w, "&Learning settings…", None, lambda: open_learning_settings(w, s.learning.learning), suggest_menu)

    review_menu = bar.addMenu("&Review")
    w.reviewer_action = QAction("Work as &reviewer (see every annotator)", w)
    w.reviewer_action.setCheckable(True)
    w.reviewer_action.setChecked(w.settings.reviewer)
    w.reviewer_action.toggled.connect(w.companions.on_reviewer_toggled)
    review_menu.addAction(w.reviewer_action)
    w.review_action = _action(w, "Open &review…", "Ctrl+R", w.open_review, review_menu)
    w.review_action.setEnabled(w.settings.reviewer)
    _action(w, "&Duplicates across sources…", "Ctrl+U", w.open_duplicates, review_menu)
    _action(w, "&Facts across sources…", "Ctrl+Shift+F", w.open_facts, review_menu)

    w.label_menu = bar.addMenu("&Labels")
    w.schema_actions_end = w.label_menu.addSeparator()
    _action(w, "&Edit labels and categories…", "Ctrl+Shift+L", w.open_label_editor, w.label_menu)
    build_schema_actions(w)

    help_menu = bar.addMenu("&Help")
    help_keys = [QKeySequence(Qt.Key.Key_F1), QKeySequence("?"), QKeySequence("Shift+?")]  # ? is shifted
    _action(w, "&Keyboard and labels", help_keys, w.show_help, help_menu)


def build_schema_actions(w: Any) -> None:
    """The Labels menu's actions for the schema: a label per number key, and a category
    choice per key (the keys live here, so the help sheet lists them)."""
    for action in w.schema_actions:
        w.label_menu.removeAction(action)
        action.deleteLater()
    w.schema_actions = []

    def add(text: str, key: str | None = None, slot=None) -> QAction:
        action = QAction(text, w)
        if key:
            action.setShortcut(QKeySequence(key))
        if slot is None:
            action.setSeparator(True)
        else:
            action.triggered.connect(slot)
        w.label_menu.insertAction(w.schema_actions_end, action)
        w.schema_actions.append(action)
        return action

    for label in w.schema.labels:
        action = add(label.name, w.schema.key_of(label.name), lambda _=False, name=label.name: w.apply_label(name))
        action.setToolTip(label.description or label.name)
    if w.schema.relations:  # Shift and a relation's key: link the selected span (then Tab, Enter)
        add("")
        for kind in w.schema.relations:
            action = add(f"Link: {kind.name}", f"Shift+{kind.key}" if kind.key else None,
                         lambda _=False, name=kind.name: w.relations.key_pressed(name))
            action.setToolTip(kind.description or kind.name)
    for category in w.schema.categories:
        add("")  # a separator before each set
        for choice in category.choices:
            add(f"{category.name}: {choice.name}", choice.key,
                lambda _=False, s=category.name, c=choice.name: w.editing.toggle_category(s, c))
