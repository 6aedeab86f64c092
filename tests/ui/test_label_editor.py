"""Labels → Edit labels and categories: the project's own labels and document categories,
edited in a window beside the work, and the main window following them at once."""

from __future__ import annotations

from gui_actions import select_text, stored
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QPushButton

from curator.domain.schema import LabelKind
from curator.session import Session
from curator.session.label_edits import rename_label, set_category
from curator.store import Store

CTRL = Qt.KeyboardModifier.ControlModifier


def _tag(window, qtbot, fragment: str, key: Qt.Key) -> None:
    select_text(window, qtbot, fragment)
    qtbot.keyClick(window.article, key)


def _back_to(window, qtbot) -> None:
    """The main window active again (its keys are window shortcuts)."""
    window.windowHandle().requestActivate()
    qtbot.waitUntil(window.isActiveWindow)


def _editor(window, qtbot):
    """The label editor, open and active (its keys are its window's shortcuts)."""
    editor = window.open_label_editor()
    qtbot.waitExposed(editor)
    editor.windowHandle().requestActivate()  # offscreen, a second window is not activated on show
    qtbot.waitUntil(editor.isActiveWindow)
    return editor


def _button(parent, text: str) -> QPushButton:
    return next(b for b in parent.findChildren(QPushButton) if b.text() == text)


def _label_action(window, name: str):
    return next(a for a in window.label_menu.actions() if a.text() == name)


def test_a_rename_in_the_editor_shows_on_the_buttons_and_spans_and_ctrl_z_undoes_it(window, qtbot):
    _tag(window, qtbot, "Alikhan Smailov", Qt.Key.Key_1)
    editor = _editor(window, qtbot)
    editor.select_label("PERSON")
    editor.name.setText("PEOPLE")
    qtbot.keyClick(editor.name, Qt.Key.Key_Return)

    assert "✓ Rename label PERSON to PEOPLE" in editor.message.text()
    assert "PERSON" not in window.panel.label_buttons
    assert window.panel.label_buttons["PEOPLE"].text() == "1  PEOPLE"
    assert _label_action(window, "PEOPLE").shortcut() == QKeySequence("1")
    assert [span.label for span in window.spans.spans] == ["PEOPLE"]
    assert stored(window) == [("Alikhan Smailov", "PEOPLE")]
    assert window.session.undo_text == "Rename label PERSON to PEOPLE"  # recorded in the history

    qtbot.keyClick(editor.table, Qt.Key.Key_Z, CTRL)  # in the editor, as in any window
    assert stored(window) == [("Alikhan Smailov", "PERSON")]
    assert window.panel.label_buttons["PERSON"].text() == "1  PERSON"
    assert editor.labels.label(0).name == "PERSON"
    qtbot.keyClick(editor.table, Qt.Key.Key_Y, CTRL)
    _back_to(window, qtbot)
    qtbot.keyClick(window.article, Qt.Key.Key_Z, CTRL)  # and in the main window
    assert [span.label for span in window.spans.spans] == ["PERSON"]


def test_deleting_a_label_in_use_asks_inline_and_moves_its_spans(window, qtbot):
    _tag(window, qtbot, "Alikhan Smailov", Qt.Key.Key_1)
    _tag(window, qtbot, "Li Qiang", Qt.Key.Key_1)
    editor = _editor(window, qtbot)
    editor.select_label("PERSON")
    qtbot.mouseClick(editor.delete_button, Qt.MouseButton.LeftButton)

    assert editor.delete_prompt.isVisible()  # asked in the window, not in a modal box
    assert "PERSON labels 2 spans" in editor.delete_question.text()
    assert "PERSON" in window.schema  # nothing done before the answer
    targets = [editor.move_target.itemText(i) for i in range(editor.move_target.count())]
    assert targets == ["ORG", "LOCATION", "INITIATIVE"]  # labels of its kind only
    editor.move_target.setCurrentIndex(0)
    qtbot.mouseClick(editor.move_button, Qt.MouseButton.LeftButton)

    assert not editor.delete_prompt.isVisible()
    assert "PERSON" not in window.schema and "PERSON" not in window.panel.label_buttons
    assert stored(window) == [("Alikhan Smailov", "ORG"), ("Li Qiang", "ORG")]
    assert window.panel.label_buttons["ORG"].text() == "1  ORG"  # the keys follow the order
    assert editor.labels.count("ORG") == 2

    window.history.undo()
    assert stored(window) == [("Alikhan Smailov", "PERSON"), ("Li Qiang", "PERSON")]


def test_deleting_spans_with_the_label_and_an_unused_label_at_once(window, qtbot):
    _tag(window, qtbot, "Alikhan Smailov", Qt.Key.Key_1)
    editor = _editor(window, qtbot)
    assert editor.request_delete("QUANTITY")  # no spans: nothing to ask
    assert "QUANTITY" not in window.panel.label_buttons and not editor.delete_prompt.isVisible()
    assert not editor.request_delete("PERSON")
    assert editor.answer_delete(None)
    assert stored(window) == [] and window.spans.rowCount() == 0
    window.history.undo()
    assert stored(window) == [("Alikhan Smailov", "PERSON")]


def test_reordering_labels_changes_their_number_keys(window, qtbot):
    editor = _editor(window, qtbot)
    editor.select_label("DATE")
    qtbot.mouseClick(editor.up_button, Qt.MouseButton.LeftButton)

    assert window.schema.names[-2:] == ["DATE", "QUANTITY"]
    assert window.panel.label_buttons["DATE"].text() == "8  DATE"
    assert window.panel.label_buttons["QUANTITY"].text() == "9  QUANTITY"
    assert _label_action(window, "DATE").shortcut() == QKeySequence("8")
    assert editor.labels.data(editor.labels.index(7, 0)) == "8"
    # and from the keyboard (a button's shortcut animates a click: done a moment later)
    qtbot.keyClick(editor.table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.panel.label_buttons["DATE"].text() == "9  DATE")
    qtbot.keyClick(editor.table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.panel.label_buttons["DATE"].text() == "8  DATE")
    _back_to(window, qtbot)
    _tag(window, qtbot, "4 November 2023", Qt.Key.Key_8)
    assert stored(window) == [("4 November 2023", "DATE")]


def _has_pixel(widget, color: str) -> bool:
    image = widget.grab().toImage()
    return any(image.pixelColor(x, y).name() == color
               for x in range(0, image.width(), 2) for y in range(0, image.height(), 2))


def test_a_recolour_repaints_the_buttons_the_spans_and_the_article(window, qtbot):
    _tag(window, qtbot, "Alikhan Smailov", Qt.Key.Key_1)
    window.article.clear_selection()
    editor = _editor(window, qtbot)
    editor.select_label("PERSON")
    editor.color.setText("#e41a1c")
    qtbot.keyClick(editor.color, Qt.Key.Key_Return)

    assert window.schema.get("PERSON").color == "#e41a1c"
    assert "#e41a1c" in window.panel.label_buttons["PERSON"].styleSheet()
    brush = window.spans.data(window.spans.index(0, 1), Qt.ItemDataRole.BackgroundRole)
    assert brush.color().name() == "#e41a1c"
    QApplication.processEvents()
    assert _has_pixel(window.article.viewport(), "#e41a1c")
    editor.color.setText("not a colour")
    qtbot.keyClick(editor.color, Qt.Key.Key_Return)
    assert "color" in editor.message.text() and window.schema.get("PERSON").color == "#e41a1c"


def test_refusals_are_said_in_the_editor(window, qtbot):
    editor = _editor(window, qtbot)
    assert not editor.add_label("PERSON")
    assert "already a label 'PERSON'" in editor.message.text()
    assert not editor.add_label("two words")
    assert "two words" in editor.message.text()
    editor.select_label("MONEY")
    assert not editor.merge_selected_into("PERSON")
    assert "different kinds" in editor.message.text()
    assert editor.add_label("EVENT")
    assert window.panel.label_buttons["EVENT"].text() == "EVENT"  # the tenth label: no number key


def test_a_category_set_added_in_the_editor_is_set_with_its_keys(window, qtbot):
    editor = _editor(window, qtbot)
    editor.tabs.setCurrentIndex(1)
    sets = editor.categories
    sets.name.setText("topic")
    sets.choices.setPlainText("economy (E)\npolitics (P)\nother")
    qtbot.mouseClick(_button(sets, "Save set"), Qt.MouseButton.LeftButton)
    assert "✓ Add category set topic" in editor.message.text()
    sets.new_set()
    sets.name.setText("issues")
    sets.multiple.setChecked(True)
    sets.choices.setPlainText("trade (T)\nvisas (V)")
    qtbot.mouseClick(_button(sets, "Save set"), Qt.MouseButton.LeftButton)
    assert sets.names.stringList() == ["topic", "issues"] and sets.name.text() == "issues"
    sets.choices.setPlainText("trade (A)")
    qtbot.mouseClick(_button(sets, "Save set"), Qt.MouseButton.LeftButton)
    assert "taken by the window" in editor.message.text()  # A accepts a suggestion
    buttons = window.panel.category_buttons
    assert buttons[("topic", "economy")].text() == "E  economy" and window.panel.categories_box.isVisible()

    _back_to(window, qtbot)
    doc = window.document.id

    def mine():
        return window.session.store.categories_for(doc, "tester").get("tester", {})

    qtbot.keyClick(window.article, Qt.Key.Key_E)
    assert mine() == {"topic": ["economy"]} and buttons[("topic", "economy")].isChecked()
    qtbot.keyClick(window.article, Qt.Key.Key_P)  # one choice: politics instead
    assert mine() == {"topic": ["politics"]}
    assert not buttons[("topic", "economy")].isChecked() and buttons[("topic", "politics")].isChecked()
    qtbot.keyClick(window.article, Qt.Key.Key_T)
    qtbot.keyClick(window.article, Qt.Key.Key_V)  # any number: both
    assert mine()["issues"] == ["trade", "visas"]
    qtbot.keyClick(window.article, Qt.Key.Key_T)
    assert mine()["issues"] == ["visas"]
    qtbot.keyClick(window.article, Qt.Key.Key_Z, CTRL)
    assert mine()["issues"] == ["trade", "visas"] and buttons[("issues", "trade")].isChecked()
    qtbot.mouseClick(buttons[("topic", "other")], Qt.MouseButton.LeftButton)  # a click does it too
    assert mine()["topic"] == ["other"]

    window.go_to_relative(1)  # categories are per document
    assert not any(button.isChecked() for button in buttons.values())
    window.go_to_relative(-1)
    assert buttons[("topic", "other")].isChecked()
    window.show_help()
    assert "topic: economy" in window.companions.help_sheet.text.toPlainText()  # the keys are in the help sheet
    window.companions.help_sheet.close()
    sets.select("issues")
    qtbot.mouseClick(_button(sets, "Delete set"), Qt.MouseButton.LeftButton)
    assert sets.names.stringList() == ["topic"] and ("issues", "trade") not in window.panel.category_buttons


def test_a_schema_change_made_elsewhere_shows_after_the_refresh(window, project, qtbot):
    _tag(window, qtbot, "Alikhan Smailov", Qt.Key.Key_1)
    other = Store.open(project)  # as the command line does
    try:
        session = Session(other, "cli")
        session.do(rename_label(other, "PERSON", "PEOPLE"))
        session.do(set_category(other, _topic()))
    finally:
        other.close()
    assert "PERSON" in window.panel.label_buttons  # not yet: no event crosses stores

    window.poll_changes()
    assert "PEOPLE" in window.panel.label_buttons and "PERSON" not in window.panel.label_buttons
    assert [span.label for span in window.spans.spans] == ["PEOPLE"]
    assert ("topic", "economy") in window.panel.category_buttons
    _back_to(window, qtbot)
    qtbot.keyClick(window.article, Qt.Key.Key_E)
    assert window.session.store.categories_for(window.document.id, "tester") == {"tester": {"topic": ["economy"]}}


def _topic():
    from curator.domain.schema import CategorySet

    return CategorySet(name="topic", choices=[{"name": "economy", "key": "E"}, {"name": "politics"}])


def test_the_guideline_of_the_label_used_shows_under_the_buttons(window, qtbot):
    panel = window.panel
    assert "Hover" in panel.guideline.text()
    _tag(window, qtbot, "Alikhan Smailov", Qt.Key.Key_1)
    assert panel.guideline.toolTip() == "PERSON: A named person"
    assert "A named person" in panel.label_buttons["PERSON"].toolTip()


def test_at_1280_by_720_category_sets_leave_the_span_list_its_height(window, qtbot):
    from curator.domain.schema import CategorySet

    window.session.do(set_category(window.session.store, _topic()))
    window.session.do(set_category(window.session.store, CategorySet(
        name="issues", multiple=True, choices=[{"name": n} for n in ("trade", "visas", "energy", "debt")])))
    window.resize(1280, 720)
    QApplication.processEvents()
    assert window.height() <= 720 and window.width() <= 1280
    spans = window.panel.span_table
    assert spans.viewport().height() // spans.verticalHeader().defaultSectionSize() >= 6


def test_a_guideline_written_in_the_editor_is_the_buttons_tooltip(window, qtbot):
    editor = _editor(window, qtbot)
    editor.select_label("COUNT")
    editor.description.setPlainText("A number of things, not money and not a percentage")
    qtbot.mouseClick(editor.findChild(QPushButton, "save_guideline"), Qt.MouseButton.LeftButton)
    assert window.panel.label_buttons["COUNT"].toolTip().startswith("A number of things, not money")
    window.panel.show_guideline("COUNT")
    assert "not money" in window.panel.guideline.toolTip()
    editor.kind.setCurrentIndex(editor.kind.findData(LabelKind.PLAIN))
    editor.kind.activated.emit(editor.kind.currentIndex())
    assert window.schema.get("COUNT").kind is LabelKind.PLAIN


def test_a_relation_label_deleted_in_the_editor_is_undone_there_with_ctrl_z(window, qtbot):
    """Its deletion (which takes its proposals along) is a label edit: Ctrl+Z in the editor
    undoes it, not 'not a label edit'."""
    from curator.domain.schema import RelationLabel
    from curator.session.label_edits import set_relation_label

    window.session.do(set_relation_label(window.session.store, RelationLabel(name="said_by")))
    editor = _editor(window, qtbot)
    editor.relations.delete_requested.emit("said_by")
    assert "✓ Delete relation label said_by" in editor.message.text()
    assert window.session.store.label_schema.relation("said_by") is None
    qtbot.keyClick(editor.table, Qt.Key.Key_Z, CTRL)
    assert window.session.store.label_schema.relation("said_by") is not None
    assert "not a label edit" not in editor.message.text()
