"""The curator's day, second pass: what a new user tripped over in the annotation window,
the export and the label editor, each held here."""

from __future__ import annotations

import json

from gui_actions import select_text, stored
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def click_at(window, qtbot, offset: int) -> None:
    cursor = QTextCursor(window.article.document())
    cursor.setPosition(offset)
    point = window.article.cursorRect(cursor).center() + QPoint(2, 0)
    qtbot.mouseClick(window.article.viewport(), Qt.MouseButton.LeftButton, pos=point)


def tag(window, qtbot, fragment: str, key: Qt.Key) -> None:
    select_text(window, qtbot, fragment)
    qtbot.keyClick(window.article, key)


# -- Delete, then a number key ---------------------------------------------------------------

def test_delete_then_a_number_key_tags_the_deleted_words_again(window, qtbot):
    text = window.document.text
    tag(window, qtbot, "30%", Qt.Key.Key_5)  # a slip: MONEY
    tag(window, qtbot, "the first half of 2023", Qt.Key.Key_9)
    start = text.index("30%")
    click_at(window, qtbot, start + 1)
    assert window.panel.selected_span_id() is not None
    qtbot.keyClick(window.article, Qt.Key.Key_Delete)
    assert window.panel.selected_span_id() is None  # nothing selected, not the span after it
    assert window.article.selection_range() == (start, start + 3)  # its words still are
    editor = window.panel.value_editor
    assert editor.pages.currentWidget() is editor.empty
    qtbot.keyClick(window.article, Qt.Key.Key_6)  # re-tag them as PERCENT
    assert sorted(stored(window)) == [("30%", "PERCENT"), ("the first half of 2023", "DATE")]
    assert "Add PERCENT" in window.saved_label.text()
    percent = next(s for s in window.spans.spans if s.label == "PERCENT")
    assert percent.value["amount"] == "30" and percent.value["unit"] == "%"


def test_a_relabel_says_relabel_even_when_the_value_follows(window, qtbot):
    tag(window, qtbot, "30%", Qt.Key.Key_5)
    click_at(window, qtbot, window.document.text.index("30%") + 1)
    window.article.clear_selection()
    qtbot.keyClick(window.article, Qt.Key.Key_9)  # a figure becomes a date: its value is worked out again
    assert "Relabel as DATE" in window.saved_label.text()


def test_the_value_box_shows_no_other_span_after_an_undo_or_a_delete(window, qtbot):
    editor = window.panel.value_editor
    tag(window, qtbot, "US$24 billion", Qt.Key.Key_5)
    tag(window, qtbot, "the past 18 years", Qt.Key.Key_9)
    assert editor.pages.currentWidget() is editor.date_page  # the span just tagged
    qtbot.keyClick(window.article, Qt.Key.Key_Z, CTRL)  # undone: it is gone
    assert window.spans.rowCount() == 1 and window.panel.selected_span_id() is None
    assert editor.pages.currentWidget() is editor.empty  # not the MONEY span beside it
    money = window.spans.spans[0]
    window.panel.select_span(money.id)
    assert editor.pages.currentWidget() is editor.figure_page
    qtbot.keyClick(window.article, Qt.Key.Key_Delete)
    assert window.spans.rowCount() == 0 and editor.pages.currentWidget() is editor.empty


def test_after_accept_all_the_value_box_no_longer_offers_a_suggestion(window, qtbot):
    editor = window.panel.value_editor
    window.article.setFocus()
    qtbot.keyClick(window.article, Qt.Key.Key_G, CTRL)
    qtbot.keyClick(window.article, Qt.Key.Key_N)
    assert editor.title().startswith("Value suggested")
    qtbot.keyClick(window.article, Qt.Key.Key_A, CTRL | SHIFT)
    assert window.suggestions.rowCount() == 0
    assert editor.title() == "Value" and editor.pages.currentWidget() is editor.empty


# -- the export: the name typed, and what it leaves out ------------------------------------------

def test_an_export_through_the_dialog_follows_the_name_typed(window, qtbot, tmp_path, monkeypatch):
    tag(window, qtbot, "US$24 billion", Qt.Key.Key_5)
    target = tmp_path / "gold3.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(target), "Excel workbook (*.xlsx)"))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *args: ("all", True))
    window.export_dialog()
    qtbot.waitUntil(lambda: "Exported" in window.saved_label.text(), timeout=20_000)
    data = json.loads(target.read_text(encoding="utf-8"))  # JSON, as its name says: not a workbook
    assert data["format"] == "curator-dataset"
    assert "Exported JSON" in window.saved_label.text() and "gold3.json" in window.saved_label.text()


def test_a_clean_export_is_checked_before_it_asks_for_a_file(open_window, annotated_project, qtbot, monkeypatch):
    window = open_window(annotated_project)
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: asked.append(args) or ("", ""))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *args: ("gold", True))
    with qtbot.waitSignal(window.export_dialog(clean=True).finished, timeout=20_000):
        pass
    dialog = window.companions.validation_dialog
    assert asked == [] and dialog is not None and dialog.windowTitle() == "Clean export refused"
    assert any("unresolved disagreement" in problem.message for problem in dialog.problems)


def test_a_gold_export_from_the_window_says_what_work_it_leaves_out(open_window, annotated_project, qtbot,
                                                                      tmp_path, monkeypatch):
    from curator.session import Session
    from curator.session.review_decisions import accept_agreements
    from curator.store import Store

    with Store.open(annotated_project) as store:
        Session(store, "reviewer").do(accept_agreements(store, "reviewer"))
    window = open_window(annotated_project)
    target = tmp_path / "gold.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(target), "JSON (*.json)"))
    offered = []
    monkeypatch.setattr(QInputDialog, "getItem", lambda _parent, _title, _label, items, *rest: offered.append(items)
                        or (items[0], True))
    window.export_dialog()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "export_notes") is not None, timeout=20_000)
    assert offered[0][0].startswith("gold (") and any(item.startswith("aigerim (227 spans") for item in offered[0])
    notes = window.findChild(QMessageBox, "export_notes")
    assert notes.isVisible() and "leaves out work not settled yet" in notes.text()
    assert "still in disagreement" in notes.text() and target.exists()


# -- the label editor follows the history ---------------------------------------------------------

def test_the_label_editors_hint_and_ctrl_z_follow_the_history(window, qtbot):
    from curator.domain.schema import CategorySet

    editor = window.open_label_editor()
    qtbot.addWidget(editor)
    assert editor.save_category(CategorySet(name="topic", choices=[{"name": "economy", "key": "E"},
                                                                  {"name": "politics"}]))
    assert editor.message.text() == "✓ Add category set topic (Ctrl+Z undoes it)"
    window.activateWindow()
    window.article.setFocus()
    qtbot.keyClick(window.article, Qt.Key.Key_E)  # a choice on the open document, in the main window
    chosen = window.session.store.categories_for(window.document.id, "tester")
    assert chosen == {"tester": {"topic": ["economy"]}}
    assert "Ctrl+Z undoes it" not in editor.message.text()  # no longer true: the last edit is not its
    editor.history.undo()  # Ctrl+Z in the editor: not the document's category, by surprise
    assert window.session.store.categories_for(window.document.id, "tester") == chosen
    assert "not a label edit" in editor.message.text() and "Set topic: economy" in editor.message.text()
    window.history.undo()  # where it was made
    assert window.session.store.categories_for(window.document.id, "tester") == {}
    editor.history.undo()  # now the label edit is the last: the editor takes it back
    assert window.session.store.label_schema.category("topic") is None


def test_deleting_a_label_says_which_keys_moved(window, qtbot):
    editor = window.open_label_editor()
    qtbot.addWidget(editor)
    editor.select_label("INITIATIVE")
    assert editor.request_delete()  # not in use: deleted at once
    assert "keys moved: MONEY 5 → 4" in editor.message.text() and "DATE 9 → 8" in editor.message.text()
    assert "keys moved: MONEY 5 → 4" in window.statusBar().currentMessage()
    assert window.panel.label_buttons["MONEY"].text() == "4  MONEY"


# -- the status bar, the document list -------------------------------------------------------------

def test_the_status_bar_is_cleared_for_another_annotator_and_a_filter_says_so(window, qtbot):
    tag(window, qtbot, "US$24 billion", Qt.Key.Key_5)
    assert "Add MONEY" in window.saved_label.text()
    window.set_annotator("someone else")
    assert window.saved_label.text() == "" and window.statusBar().currentMessage() == ""
    window.search.setText("Tokayev")
    assert window.counts_label.text().startswith("2 of 5 documents match “Tokayev”")
    window.search.setText("no such words")
    assert window.counts_label.text().startswith("0 of 5 documents match")


def test_the_document_list_shows_categories_and_duplicate_decisions(window, qtbot):
    from curator.analysis.duplicates import pair_key
    from curator.domain.schema import CategorySet
    from curator.session.commands import SetCategories, SetDecision
    from curator.session.label_edits import set_category

    window.apply(set_category(window.session.store, CategorySet(name="topic", choices=[{"name": "economy"}])))
    window.apply(SetCategories(window.document.id, "tester", "topic", ["economy"]))
    notes = window.documents.COLUMNS.index(("notes", "Notes"))
    assert window.documents.index(0, notes).data() == "economy"
    first, second = (window.documents.doc_id(row) for row in (0, 1))
    uids = window.session.store.uids()
    window.apply(SetDecision(pair_key("documents", uids[first], uids[second]), "documents", "duplicate",
                             keep=uids[second]))
    assert window.documents.index(0, notes).data() == "economy · duplicate, not kept"
    assert window.documents.index(1, notes).data() == "kept over a duplicate"
    assert uids[second] in window.documents.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    window.resize(1280, 720)
    QApplication.processEvents()
    metrics = window.document_table.fontMetrics()
    assert window.document_table.columnWidth(0) >= metrics.horizontalAdvance("China among top five")


# -- windows that fit the screen and open as they were left ---------------------------------------

def test_a_window_fits_the_screen_and_opens_again_as_it_was_left(open_window, project, qtbot):
    from PySide6.QtCore import QRect, QSize

    from ui.windows.geometry import fitted

    assert fitted(QSize(1400, 860), QRect(0, 0, 1280, 720)) == QSize(1280, 720)
    assert fitted(QSize(1400, 860), QRect(0, 0, 1920, 1080)) == QSize(1400, 860)
    window = open_window(project)
    assert window.size() == QSize(1400, 860)  # as wide as it likes on a 1920x1080 screen
    # (Well above the window's least height, about 640: a status-bar widget shown for a
    # moment, such as a background read's, can raise it, and a smaller size is not kept.)
    window.resize(1000, 720)
    window.splitter.setSizes([300, 400, 300])
    sizes = window.splitter.sizes()
    assert window.size() == QSize(1000, 720)
    window.close()
    again = open_window(project)
    assert again.size() == QSize(1000, 720) and again.splitter.sizes() == sizes


def test_delete_takes_the_span_the_selection_or_the_caret_is_on_not_the_one_tagged_last(window, qtbot):
    """Tag Li Qiang, then 30%; select Li Qiang again (or put the caret in it) and press
    Delete: Li Qiang goes, as a number key would relabel it, not the 30% the list holds."""
    text = window.document.text
    tag(window, qtbot, "Li Qiang", Qt.Key.Key_1)
    tag(window, qtbot, "30%", Qt.Key.Key_6)
    select_text(window, qtbot, "Li Qiang")
    qtbot.keyClick(window.article, Qt.Key.Key_Delete)
    assert [words for words, _label in stored(window)] == ["30%"]
    qtbot.keyClick(window.article, Qt.Key.Key_Z, CTRL)
    tag(window, qtbot, "Shanghai", Qt.Key.Key_3)
    cursor = window.article.textCursor()  # the caret moved into Li Qiang with the keyboard
    cursor.setPosition(text.index("Li Qiang") + 3)
    window.article.setTextCursor(cursor)
    qtbot.keyClick(window.article, Qt.Key.Key_Delete)
    assert sorted(words for words, _label in stored(window)) == ["30%", "Shanghai"]
    tag(window, qtbot, "Smailov", Qt.Key.Key_1)
    qtbot.keyClick(window.article, Qt.Key.Key_Delete)  # right after tagging: the span just tagged
    assert sorted(words for words, _label in stored(window)) == ["30%", "Shanghai"]
