"""The curator's day, point by point: what a new user tripped over, each held here."""

from __future__ import annotations

from pathlib import Path

from gui_actions import stored
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor


def caret_at(window, offset: int) -> None:
    cursor = window.article.textCursor()
    cursor.setPosition(offset)
    window.article.setTextCursor(cursor)
    window.article.setFocus()


def point_at(window, offset: int) -> QPoint:
    cursor = QTextCursor(window.article.document())
    cursor.setPosition(offset)
    return window.article.cursorRect(cursor).center() + QPoint(2, 0)


def selected(window) -> str:
    start, end = window.article.selection_range()
    return window.document.text[start:end]


# -- selecting by tokens -------------------------------------------------------------------------

def test_a_figure_is_selected_with_one_ctrl_shift_right_per_token(window, qtbot):
    caret_at(window, window.document.text.index("US$24 billion"))
    for _ in range(2):
        qtbot.keyClick(window.article, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.ShiftModifier)
    assert selected(window) == "US$24 billion"
    qtbot.keyClick(window.article, Qt.Key.Key_5)
    assert stored(window) == [("US$24 billion", "MONEY")]
    qtbot.keyClick(window.article, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert window.article.selection_range()[0] == window.article.selection_range()[1]


def test_double_click_takes_the_token_and_shift_click_extends_by_tokens(window, qtbot):
    text = window.document.text
    start = text.index("US$24 billion")
    viewport = window.article.viewport()
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=point_at(window, start + 2))  # on the "$"
    assert selected(window) == "US$24"
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     point_at(window, start + len("US$24 bil")))
    assert selected(window) == "US$24 billion"


# -- suggestions: the label filter filters, the Value panel follows -------------------------------

def suggest(window, qtbot):
    qtbot.keyClick(window.article, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    return [window.suggestions.suggestion(r) for r in range(window.suggestions.rowCount())]


def test_the_suggestion_label_filter_filters_the_list_and_what_is_accepted(window, qtbot):
    window.article.setFocus()
    every = suggest(window, qtbot)
    assert {s.label for s in every} >= {"MONEY", "DATE"}
    window.panel.bulk_label.setCurrentIndex(window.panel.bulk_label.findData("MONEY"))
    shown = [window.suggestions.suggestion(r) for r in range(window.suggestions.rowCount())]
    assert shown and {s.label for s in shown} == {"MONEY"}
    assert window.panel.tabs.tabText(1) == f"Suggestions ({len(shown)} MONEY)"
    assert {s.label for s in window.article._suggestions} == {"MONEY"}  # the article shows what the list does
    qtbot.keyClick(window.article, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert {label for _text, label in stored(window)} == {"MONEY"}
    assert window.suggestions.rowCount() == 0
    window.go_to_relative(1)  # the filter stays, and says so
    assert window.panel.tabs.tabText(1).endswith("MONEY)")
    assert all(window.suggestions.suggestion(r).label == "MONEY" for r in range(window.suggestions.rowCount()))
    window.panel.bulk_label.setCurrentIndex(0)
    assert "MONEY" not in window.panel.tabs.tabText(1)


def test_walking_suggestions_shows_each_ones_value_read_only(window, qtbot):
    window.article.setFocus()
    suggest(window, qtbot)
    editor = window.panel.value_editor
    seen = []
    for _ in range(window.suggestions.rowCount()):
        qtbot.keyClick(window.article, Qt.Key.Key_N)
        suggestion = window.suggestions.suggestion(window.panel.suggestion_table.currentIndex().row())
        if suggestion.label == "MONEY":
            assert editor.pages.currentWidget() is editor.figure_page
            assert editor.amount.text() == suggestion.value["amount"]
            seen.append(suggestion.value["amount"])
        assert "suggested" in editor.title() and not editor.figure_page.isEnabled()
    assert len(set(seen)) >= 2  # the panel followed, not stuck on the first
    qtbot.keyClick(window.article, Qt.Key.Key_A)
    span = window.session.store.annotations_for(window.document.id, "tester")[0]
    window.panel.select_span(span.id)
    assert editor.title() == "Value" and editor.pages.currentWidget().isEnabled()  # a span's value: editable


# -- entity linking without leaving the keyboard -----------------------------------------------

def test_entities_are_linked_and_created_from_the_keyboard_and_known_names_come_linked(window, qtbot):
    from gui_actions import select_text

    editor = window.panel.value_editor
    select_text(window, qtbot, "Alikhan Smailov")
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    qtbot.keyClick(window.article, Qt.Key.Key_L)
    assert editor.entity_box.lineEdit().hasFocus()
    qtbot.keyClicks(editor.entity_box.lineEdit(), "Smailov, Alikhan")
    qtbot.keyClick(editor.entity_box.lineEdit(), Qt.Key.Key_Return)  # no such entity: Enter creates it
    [entity] = window.session.store.entities()
    assert entity.name == "Smailov, Alikhan" and entity.type == "PERSON"
    assert window.session.store.annotations_for(window.document.id)[0].entity_id == entity.id
    assert window.article.hasFocus()  # the next digit tags, it does not type into the box
    window.session.store.update_entity(entity.id, aliases=["Smailov"])
    second = window.document.text.index("Smailov said")
    window.article.set_selection(second, second + len("Smailov"))
    qtbot.keyClick(window.article, Qt.Key.Key_1)  # a known alias: linked as it is tagged
    linked = {window.document.text[a.start:a.end]: a.entity_id for a in window.session.store.annotations_for(window.document.id)}
    assert linked == {"Alikhan Smailov": entity.id, "Smailov": entity.id}
    assert editor.entity_box.currentData() == entity.id
    select_text(window, qtbot, "Li Qiang")
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    qtbot.keyClick(window.article, Qt.Key.Key_L)
    qtbot.keyClick(editor.entity_box.lineEdit(), Qt.Key.Key_Return)  # nothing typed: named after the mention
    assert {e.name for e in window.session.store.entities()} == {"Smailov, Alikhan", "Li Qiang"}
    qtbot.keyClick(window.article, Qt.Key.Key_L)
    qtbot.keyClick(editor.entity_box.lineEdit(), Qt.Key.Key_Escape)
    assert window.article.hasFocus()
    window.history.undo()
    assert {e.name for e in window.session.store.entities()} == {"Smailov, Alikhan"}


# -- layout: nothing clipped at 1280×720, lists of useful height, nothing reflows -----------------

def _fits(widget) -> bool:
    return widget.fontMetrics().horizontalAdvance(widget.text()) + 12 <= widget.width()


def test_at_1280_by_720_the_window_fits_and_nothing_is_clipped(window, qtbot):
    from PySide6.QtWidgets import QApplication

    window.resize(1280, 720)
    QApplication.processEvents()
    assert window.height() <= 720 and window.width() <= 1280
    assert all(_fits(button) for button in window.panel.label_buttons.values())
    metrics = window.document_table.fontMetrics()
    assert window.document_table.columnWidth(0) >= metrics.horizontalAdvance("China among top")
    assert window.document_table.columnWidth(2) >= metrics.horizontalAdvance("2023-11-07") + 8
    spans = window.panel.span_table
    assert spans.viewport().height() // spans.verticalHeader().defaultSectionSize() >= 7
    assert spans.columnWidth(2) >= spans.fontMetrics().horizontalAdvance("2005-11-07/2023-11-07") + 8


def test_tagging_a_long_mention_as_an_entity_does_not_widen_the_panel(window, qtbot):
    from gui_actions import select_text
    from PySide6.QtWidgets import QApplication

    window.resize(1280, 720)  # where the panel is at its narrowest
    QApplication.processEvents()
    before = (window.panel.width(), window.article.width())
    select_text(window, qtbot, "the Chinese investment community to participate in even more joint projects")
    qtbot.keyClick(window.article, Qt.Key.Key_2)
    editor = window.panel.value_editor
    assert editor.pages.currentWidget() is editor.entity_page and "Chinese investment" in editor.new_entity.text()
    QApplication.processEvents()
    assert (window.panel.width(), window.article.width()) == before
    qtbot.keyClick(window.article, Qt.Key.Key_L)
    qtbot.keyClick(editor.entity_box.lineEdit(), Qt.Key.Key_Return)  # an entity named after all of it
    QApplication.processEvents()
    assert editor.entity_box.currentText().startswith("the Chinese investment community")
    assert (window.panel.width(), window.article.width()) == before


# -- help -----------------------------------------------------------------------------------------

def test_question_mark_shows_every_shortcut_and_the_label_guidelines(window, qtbot):
    window.article.setFocus()
    qtbot.keyClick(window.article, Qt.Key.Key_Question, Qt.KeyboardModifier.ShiftModifier)
    sheet = window.companions.help_sheet
    assert sheet is not None and sheet.isVisible()
    text = sheet.text.toPlainText()
    for expected in ("Accept all shown", "Ctrl+Shift+A", "Done and next", "Link span to an entity",
                     "PERSON", "A named person", "A date, period or relative date", "Double-click"):
        assert expected in text
    assert window.menuBar().actions()[-1].text() == "&Help"
    sheet.close()
    qtbot.keyClick(window.search, Qt.Key.Key_Question, Qt.KeyboardModifier.ShiftModifier)
    assert window.search.text() == "?" and not sheet.isVisible()  # typing in a field is typing
    qtbot.keyClick(window.article, Qt.Key.Key_F1)
    assert sheet.isVisible()


# -- empty states say why -------------------------------------------------------------------------

def _painted_grey(table) -> bool:
    image = table.viewport().grab().toImage()
    return any(image.pixelColor(x, y).name() == "#666666"
               for x in range(0, image.width(), 1) for y in range(0, image.height(), 2))


def test_empty_lists_say_why(window, qtbot):
    spans = window.panel.span_table
    assert window.spans.rowCount() == 0 and "press a label's number key" in spans.empty_text()
    window.panel.tabs.setCurrentIndex(0)
    assert _painted_grey(spans)  # said in the list itself
    window.panel.bulk_label.setCurrentIndex(window.panel.bulk_label.findData("COUNT"))
    assert window.panel.suggestion_table.empty_text().startswith("No open COUNT suggestions")
    qtbot.keyClick(window.article, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.search, "no such outlet")
    assert window.documents.rowCount() == 0
    assert "“no such outlet”" in window.document_table.empty_text()
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)
    assert window.search.text() == "" and window.documents.rowCount() == 5


def test_the_duplicates_window_says_what_it_searched_when_it_found_nothing(tmp_path, open_window, settings, qtbot):
    from curator.domain.models import Document
    from curator.store import Store

    store = Store.create(tmp_path / "distinct")
    store.add_documents([Document(uid=f"d{n}", text=f"Article {n} is about {topic} and nothing else at all.")
                         for n, topic in enumerate(["wheat exports", "a new railway", "the census"])])
    store.close()
    main = open_window(tmp_path / "distinct")
    duplicates = main.open_duplicates()
    qtbot.addWidget(duplicates)
    qtbot.waitUntil(lambda: not duplicates._searching, timeout=20_000)
    assert duplicates.pair_model.rowCount() == 0
    assert duplicates.pair_table.empty_text() == "No near-duplicate articles among 3 (similarity threshold 0.5)"
    assert "No two of the 0 entities" in duplicates.candidate_table.empty_text()


# -- files and names ------------------------------------------------------------------------------

def test_file_dialogs_offer_the_last_folder_and_format(window, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    asked, answers = [], []

    def dialog(*args):
        asked.append(args)
        return answers.pop(0)

    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", dialog)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *args: ("all", True))
    (tmp_path / "out").mkdir()
    answers.append((str(tmp_path / "out" / "day"), "Excel workbook (*.xlsx)"))  # no suffix typed
    window.export_dialog()
    project_folder = Path(str(window.session.store.location))  # at first: beside the project's folder
    assert Path(asked[-1][2]).parent == project_folder.parent
    qtbot.waitUntil(lambda: (tmp_path / "out" / "day.xlsx").exists(), timeout=20_000)
    answers.append(("", ""))
    window.export_dialog()
    _parent, _title, suggested, _filters, chosen = asked[-1]
    assert (suggested, chosen) == (str(tmp_path / "out" / f"{window.session.store.project.name}.xlsx"),
                                   "Excel workbook (*.xlsx)")

    (tmp_path / "inbox").mkdir()
    article = tmp_path / "inbox" / "one.txt"
    article.write_text("Astana, 5 January 2024 - A new railway opened.", encoding="utf-8")
    answers.append(([str(article)], ""))
    with qtbot.waitSignal(window.import_dialog().finished, timeout=20_000):
        pass
    assert window.documents.rowCount() == 6
    answers.append(([], ""))
    window.import_dialog()
    assert asked[-1][2] == str(tmp_path / "inbox")


def test_a_first_start_asks_the_annotator_name(project, tmp_path, qtbot):
    from PySide6.QtWidgets import QInputDialog

    from curator.store import Store
    from curator.store.user_settings import Settings
    from ui.windows.main_window import MainWindow

    settings = Settings(tmp_path / "new-user.json")
    store = Store.open(project)
    window = MainWindow(store, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.findChild(QInputDialog, "welcome") is not None, timeout=5_000)
    welcome = window.findChild(QInputDialog, "welcome")
    assert welcome.isVisible() and "annotator name" in welcome.labelText()
    welcome.setTextValue("Aigerim")
    welcome.accept()
    assert settings.annotator == window.annotator == "Aigerim" and "Aigerim" in window.annotator_label.text()
    window.close()
    again = MainWindow(store, settings)  # the next start does not ask
    qtbot.addWidget(again)
    again.show()
    qtbot.wait(50)
    assert again.findChild(QInputDialog, "welcome") is None
    again.close()
    store.close()


def test_an_import_with_labels_the_project_lacks_asks_and_adds_them(window, qtbot, tmp_path):
    import json as json_module

    from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel

    tasks = tmp_path / "ls.json"
    tasks.write_text(json_module.dumps([{"data": {"text": "Tokayev met Xi in Astana."}, "annotations": [{"result": [
        {"type": "labels", "value": {"start": 0, "end": 7, "labels": ["PERSON"]}},
        {"type": "labels", "value": {"start": 12, "end": 14, "labels": ["Head of state"]}},
        {"type": "labels", "value": {"start": 18, "end": 24, "labels": ["VENUE"]}}]}]}]), encoding="utf-8")
    with qtbot.waitSignal(window.import_paths([tasks]).finished, timeout=20_000):
        pass
    dialog = window.findChild(QDialog, "missing_labels")
    assert dialog is not None and dialog.isVisible()
    assert "VENUE (1 span)" in [label.text() for label in dialog.findChildren(QLabel)]
    # A name no convention knows is added; one that cannot be a label name cannot be added.
    venue = dialog.findChild(QComboBox, "missing_label_VENUE")
    assert venue.currentText() == "a new label VENUE"
    unusable = dialog.findChild(QComboBox, "missing_label_Head of state")
    assert unusable.currentData() is None and unusable.findData("+") == -1
    next(b for b in dialog.findChildren(QDialogButtonBox)[0].buttons() if b.text() == "Import their spans").click()
    # The name that cannot be a label is left out, and the import says so; the rest comes in.
    qtbot.waitUntil(lambda: "VENUE" in window.session.store.label_schema
                    and window.session.store.annotation_count() == 2, timeout=20_000)
    qtbot.waitUntil(lambda: "Head of state (1) left out" in window.saved_label.text(), timeout=5_000)
    assert "Head of state" not in window.session.store.label_schema
    assert window.session.store.label_schema.get("VENUE").kind.value == "plain"
    # What the curator left out is not a problem of the import's: no warning says it was skipped.
    from PySide6.QtWidgets import QMessageBox

    qtbot.wait(100)
    assert not [box for box in window.findChildren(QMessageBox) if box.isVisible()]


def test_an_import_takes_a_label_the_project_has_under_another_name(window, qtbot, tmp_path):
    """spaCy's and OntoNotes' GPE and CARDINAL are the template's LOCATION and COUNT: the
    question offers them first, and their spans come in under the project's labels, the
    count with its value; a label left out stays out, and nothing is added to the schema."""
    import json as json_module

    from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox

    text = "Officials in Astana counted 3,000 Kazakh voters."
    tasks = tmp_path / "ls.json"
    tasks.write_text(json_module.dumps([{"data": {"text": text}, "annotations": [{"result": [
        {"type": "labels", "value": {"start": 13, "end": 19, "labels": ["GPE"]}},
        {"type": "labels", "value": {"start": 28, "end": 33, "labels": ["CARDINAL"]}},
        {"type": "labels", "value": {"start": 34, "end": 40, "labels": ["NORP"]}}]}]}]), encoding="utf-8")
    labels_before = [label.name for label in window.session.schema.labels]
    with qtbot.waitSignal(window.import_paths([tasks]).finished, timeout=20_000):
        pass
    dialog = window.findChild(QDialog, "missing_labels")
    assert dialog.findChild(QComboBox, "missing_label_GPE").currentData() == "LOCATION"
    assert dialog.findChild(QComboBox, "missing_label_CARDINAL").currentData() == "COUNT"
    norp = dialog.findChild(QComboBox, "missing_label_NORP")
    assert norp.currentData() == "+"
    norp.setCurrentIndex(norp.findData(None))
    next(b for b in dialog.findChildren(QDialogButtonBox)[0].buttons() if b.text() == "Import their spans").click()
    store = window.session.store
    qtbot.waitUntil(lambda: store.annotation_count() == 2, timeout=20_000)
    spans = {(a.label, text[a.start:a.end]): a.value for doc_id in store.document_ids()
             for a in store.annotations_for(doc_id)}
    assert set(spans) == {("LOCATION", "Astana"), ("COUNT", "3,000")}
    assert spans[("COUNT", "3,000")]["amount"] == "3000"
    assert [label.name for label in window.session.schema.labels] == labels_before
    # The next file of these labels is taken as chosen, without asking again; a label left
    # out is asked about again (a choice to drop spans is not kept for files to come).
    dialog.deleteLater()
    qtbot.wait(50)
    again = tmp_path / "again.json"
    again.write_text(tasks.read_text(encoding="utf-8").replace("Officials", "Clerks   "), encoding="utf-8")
    with qtbot.waitSignal(window.import_paths([again]).finished, timeout=20_000):
        pass
    qtbot.waitUntil(lambda: store.annotation_count() == 4, timeout=20_000)
    assert "CARDINAL (1) as COUNT, GPE (1) as LOCATION" in window.saved_label.text()
    asked = [d for d in window.findChildren(QDialog, "missing_labels") if d.isVisible()]
    assert len(asked) == 1 and [c.objectName() for c in asked[0].findChildren(QComboBox)] == ["missing_label_NORP"]
