from datetime import date

from gui_actions import select_text, stored
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from curator.domain.models import DocumentStatus


def highlighted(window):
    return [(text, fmt.background().color().name()) for text, fmt in window.article.highlights()
            if fmt.background().style() != Qt.BrushStyle.NoBrush]


def test_window_shows_documents_article_and_labels(window):
    assert window.documents.rowCount() == 5
    assert window.document.uid == "000_14e10f92779dfa8b"
    assert window.article.toPlainText().startswith(" date 2023-11-07 China")
    assert window.documents.index(0, 1).data() == "nCa (News Central Asia)"
    assert window.documents.index(0, 2).data() == "2023-11-07"
    assert window.documents.index(0, 3).data() == ""  # not done
    buttons = window.panel.label_buttons
    assert buttons["PERSON"].text() == "1  PERSON" and buttons["DATE"].text() == "9  DATE"
    assert "tester" in window.annotator_label.text()


def test_keyboard_selection_and_number_key_tags_whole_words(window, qtbot):
    select_text(window, qtbot, "Alikhan Smailov", shrink=2)  # "ikhan Smail"
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    assert stored(window) == [("Alikhan Smailov", "PERSON")]
    assert window.spans.rowCount() == 1
    assert window.spans.index(0, 0).data() == "Alikhan Smailov"
    assert window.spans.index(0, 1).data() == "PERSON"
    assert highlighted(window) == [("Alikhan Smailov", "#9ecae1")]
    assert "Saved" in window.saved_label.text()
    assert window.documents.index(0, 4).data() == 1  # the list's span count follows


def test_clicking_a_label_button_tags_the_selection(window, qtbot):
    select_text(window, qtbot, "US$24 billion")
    qtbot.mouseClick(window.panel.label_buttons["MONEY"], Qt.MouseButton.LeftButton)
    assert stored(window) == [("US$24 billion", "MONEY")]


def test_caret_in_a_word_tags_that_word_and_on_a_span_relabels_it(window, qtbot):
    text = window.document.text
    cursor = window.article.textCursor()
    cursor.setPosition(text.index("Shanghai") + 3)
    window.article.setTextCursor(cursor)
    window.article.setFocus()
    qtbot.keyClick(window.article, Qt.Key.Key_2)
    assert stored(window) == [("Shanghai", "ORG")]
    qtbot.keyClick(window.article, Qt.Key.Key_3)
    assert stored(window) == [("Shanghai", "LOCATION")]


def test_undo_and_redo_with_the_keyboard(window, qtbot):
    select_text(window, qtbot, "Li Qiang")
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    select_text(window, qtbot, "Shanghai")
    qtbot.keyClick(window.article, Qt.Key.Key_3)
    assert len(stored(window)) == 2
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(window) == [("Li Qiang", "PERSON")]
    assert len(highlighted(window)) == 1
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(window) == []
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert stored(window) == [("Li Qiang", "PERSON")]
    assert window.spans.rowCount() == 1


def test_delete_key_removes_the_selected_span_and_undo_restores_it(window, qtbot):
    select_text(window, qtbot, "Li Qiang")
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    span_id = window.panel.selected_span_id()
    assert span_id is not None
    qtbot.keyClick(window.article, Qt.Key.Key_Delete)
    assert stored(window) == [] and window.spans.rowCount() == 0
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [a.id for a in window.session.store.annotations_for(window.document.id)] == [span_id]


def test_clicking_a_highlight_selects_the_span_in_the_panel(window, qtbot):
    select_text(window, qtbot, "Li Qiang")
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    select_text(window, qtbot, "Shanghai")
    qtbot.keyClick(window.article, Qt.Key.Key_3)
    window.panel.select_span(None)
    cursor = QTextCursor(window.article.document())
    cursor.setPosition(window.document.text.index("Qiang"))
    point = window.article.cursorRect(cursor).center()
    qtbot.mouseClick(window.article.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.spans.annotation(window.panel.span_table.currentIndex().row()).label == "PERSON"


def test_done_and_next_document_shortcuts(window, qtbot):
    first = window.document.id
    qtbot.keyClick(window.article, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert window.session.store.status(first, "tester") is DocumentStatus.DONE
    assert window.panel.done_box.isChecked()
    assert window.documents.index(0, 3).data() == "✓"
    assert "1 done" in window.counts_label.text()
    qtbot.keyClick(window.article, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.document.uid == "001_7f242fc889ef2bf1"
    assert not window.panel.done_box.isChecked()
    qtbot.keyClick(window.article, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.document.uid == "002_dbc77deba9cd34d7"
    assert window.session.store.status(window.documents.doc_id(1), "tester") is DocumentStatus.DONE
    qtbot.keyClick(window.article, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.document.uid == "001_7f242fc889ef2bf1"
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo "done"
    assert window.session.store.status(window.document.id, "tester") is DocumentStatus.TODO
    assert not window.panel.done_box.isChecked()


def test_reopening_shows_exactly_what_was_there(open_window, project, qtbot):
    window = open_window(project)
    qtbot.keyClick(window.article, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.document.uid == "001_7f242fc889ef2bf1", window.document.uid
    select_text(window, qtbot, "Erkin Tuniyaz")
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    qtbot.keyClick(window.article, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    before = (window.document.uid, stored(window), highlighted(window))
    window.close()
    window.session.store.close()

    again = open_window(project)
    assert (again.document.uid, stored(again), highlighted(again)) == before
    assert again.panel.done_box.isChecked()
    assert again.spans.index(0, 0).data() == "Erkin Tuniyaz"


def test_number_keys_type_into_the_search_box_instead_of_labelling(window, qtbot):
    window.search.setFocus()
    qtbot.keyClicks(window.search, "00")
    assert window.search.text() == "00"
    assert window.session.store.annotation_count() == 0
    assert window.documents.rowCount() == 5  # every sample uid starts with 00
    window.search.clear()
    qtbot.keyClicks(window.search, "TDI")
    assert window.documents.rowCount() == 1
    assert window.documents.index(0, 1).data() == "TDI"


def test_editing_document_details_is_stored_and_undoable(window, qtbot):
    editor = window.panel.details.editors["source"]
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, "News Central Asia")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert window.session.store.get_document(window.document.id).source == "News Central Asia"
    assert window.documents.index(0, 1).data() == "News Central Asia"
    date_editor = window.panel.details.editors["published"]
    date_editor.setText("not a date")
    date_editor.editingFinished.emit()
    assert window.session.store.get_document(window.document.id).published == date(2023, 11, 7)  # refused, kept
    assert "ffd6d6" in date_editor.styleSheet()
    window.history.undo()
    assert window.session.store.get_document(window.document.id).source == "nCa (News Central Asia)"
    assert editor.text() == "nCa (News Central Asia)"


def test_sorting_the_document_list(window, qtbot):
    window.document_table.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # by date, newest first
    assert [window.documents.index(r, 2).data() for r in range(5)] == [
        "2024-05-20", "2024-03-27", "2023-11-28", "2023-11-07", "2023-03-28"]
    assert window.document.uid == "000_14e10f92779dfa8b"  # the open document stays open


def test_edits_made_elsewhere_appear_without_a_restart(window, qtbot):
    from curator.domain.models import Annotation, Document
    from curator.store import Store

    select_text(window, qtbot, "Li Qiang")
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    assert window.session.poll([window.document.id]) is None  # our own edit is not news
    elsewhere = Store.open(window.session.store.location)  # the same annotator's other app, or a team server
    text = window.document.text
    start = text.index("Shanghai")
    elsewhere.add_annotation(Annotation(doc_id=window.document.id, start=start, end=start + 8, label="LOCATION",
                                        annotator="tester"))
    elsewhere.add_documents([Document(uid="from-elsewhere", text="Added by a colleague.")])
    elsewhere.close()
    with qtbot.waitSignal(window.refresh_timer.timeout, timeout=5000):
        pass
    assert stored(window) == [("Li Qiang", "PERSON"), ("Shanghai", "LOCATION")]
    assert ("Shanghai", "#a1d99b") in highlighted(window)
    assert window.documents.rowCount() == 6


def test_export_dialog_adds_the_chosen_formats_suffix(window, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    chosen = []
    monkeypatch.setattr(QInputDialog, "getItem", lambda *args: ("all", True))
    monkeypatch.setattr(window.exports, "export_to",
                        lambda target, layer, fmt, clean: chosen.append((target.name, fmt)))
    from curator.session.exporting import export_format

    for name in [export_format(fmt).file_filter for fmt in ("jsonl", "xlsx", "labelstudio", "conll", "spacy")]:
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, name=name: (str(tmp_path / "out"), name))
        window.export_dialog()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(tmp_path / "mine.txt"), ""))
    window.export_dialog()
    assert chosen == [("out.jsonl", "jsonl"), ("out.xlsx", "xlsx"), ("out.json", "labelstudio"),
                      ("out.spacy", "spacy"), ("mine.txt.json", "json")]  # CoNLL of no layer: not offered
    assert "CoNLL BIO holds one layer" in window.statusBar().currentMessage()


def test_a_conll_export_of_every_layer_asks_for_one_layer_instead(open_window, annotated_project, monkeypatch,
                                                                  tmp_path):
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    window = open_window(annotated_project)
    asked, chosen = [], []

    def get_item(_parent, title, label, items, *_rest):
        asked.append((title, list(items)))
        return ("all", True) if len(asked) == 1 else (items[0], True)

    monkeypatch.setattr(QInputDialog, "getItem", get_item)
    from curator.session.exporting import export_format

    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args: (str(tmp_path / "out"), export_format("conll").file_filter))
    monkeypatch.setattr(window.exports, "export_to", lambda target, layer, fmt, clean: chosen.append((layer, fmt)))
    window.export_dialog()
    assert asked[1][0] == "Export CoNLL BIO" and "all" not in asked[1][1]
    assert chosen == [("aigerim", "conll")]


def test_a_poll_that_cannot_read_the_project_is_said_in_the_status_bar(window, monkeypatch):
    """The window's timer asks for changes every few seconds: a project it cannot read at
    that moment is said in the status bar, not raised out of the timer."""
    from curator.session.history import DatabaseRefused

    def refused(*_args, **_kwargs):
        raise DatabaseRefused("Could not look for changes made elsewhere: the database is locked")

    monkeypatch.setattr(window.session, "poll", refused)
    window.poll_changes()
    assert "Could not look for changes made elsewhere" in window.statusBar().currentMessage()


def test_a_closed_window_stops_looking_at_the_project_and_starts_no_training(open_window, project, qtbot,
                                                                            monkeypatch):
    """A closed window is not yet deleted: its timers went on, and read the project after
    its store was closed (and its folder gone)."""
    from PySide6.QtCore import QTimer

    window = open_window(project)
    qtbot.keyClick(window.article, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    select_text(window, qtbot, "Erkin Tuniyaz")
    qtbot.keyClick(window.article, Qt.Key.Key_1)  # an edit: a retraining waits for a pause in them
    assert window.refresh_timer.isActive()
    asked = []
    monkeypatch.setattr(window.session, "poll", lambda *a, **k: asked.append("poll"))
    monkeypatch.setattr(window.suggestion_control.learning, "train", lambda *a, **k: asked.append("train"))
    window.close()
    assert not any(timer.isActive() for timer in window.findChildren(QTimer))
    qtbot.wait(2300)  # past the look's interval (2 s) and the pause before a retraining (1.5 s)
    assert asked == []
