import json

import pytest
from gui_actions import select_text, stored
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat

from curator.domain.models import SuggestionStatus


def press(window, qtbot, key, modifiers=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(window.article, key, modifiers)


def test_tagging_a_figure_or_date_fills_its_value(window, qtbot):
    select_text(window, qtbot, "nearly US$750 million")
    press(window, qtbot, Qt.Key.Key_5)
    select_text(window, qtbot, "the first half of 2023")
    press(window, qtbot, Qt.Key.Key_9)
    values = {window.document.text[a.start : a.end]: a.value for a in window.session.store.annotations_for(window.document.id)}
    assert values["nearly US$750 million"] == {"type": "figure", "amount": "750000000", "unit": "USD",
                                               "scale": "million", "qualifier": "approximate", "change": "level"}
    assert values["the first half of 2023"] == {"type": "date", "start": "2023-01-01", "end": "2023-06-30",
                                                "granularity": "half"}
    editor = window.panel.value_editor
    assert editor.pages.currentWidget() is editor.date_page
    assert (editor.date_start.text(), editor.date_end.text()) == ("2023-01-01", "2023-06-30")
    assert window.spans.index(0, 2).data() == "2023-01-01/2023-06-30"  # text order
    assert window.spans.index(1, 2).data() == "≈ 750,000,000 USD"


def test_keyboard_suggestion_review(window, qtbot):
    press(window, qtbot, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    total = window.suggestions.rowCount()
    assert total == 16 and window.panel.tabs.currentIndex() == 1  # not the header's date nor the sign-off
    first = window.suggestions.suggestion(0)
    assert window.document.text[first.start : first.end] == "US$24 billion"  # not the header's date
    assert ("US$24 billion", QTextCharFormat.UnderlineStyle.DashUnderline) in [
        (text, fmt.underlineStyle()) for text, fmt in window.article.highlights()]
    press(window, qtbot, Qt.Key.Key_A)  # accept "US$24 billion"
    press(window, qtbot, Qt.Key.Key_X)  # reject "the past 18 years"
    press(window, qtbot, Qt.Key.Key_N)  # skip "4 November 2023"
    press(window, qtbot, Qt.Key.Key_A)  # accept "30%"
    assert stored(window) == [("US$24 billion", "MONEY"), ("30%", "PERCENT")]
    assert window.suggestions.rowCount() == total - 3
    rejected = [s for s in window.session.store.suggestions_for(window.document.id, "tester")
                if s.status is SuggestionStatus.REJECTED]
    assert [window.document.text[s.start : s.end] for s in rejected] == ["the past 18 years"]
    press(window, qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(window) == [("US$24 billion", "MONEY")]
    assert window.suggestions.rowCount() == total - 2
    press(window, qtbot, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)  # suggesting again adds nothing back
    assert window.suggestions.rowCount() == total - 2


def test_bulk_accept_per_label(window, qtbot):
    window.suggest_for_document()
    window.panel.bulk_label.setCurrentIndex(window.panel.bulk_label.findData("PERCENT"))
    press(window, qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert [label for _text, label in stored(window)] == ["PERCENT"] * 3
    assert all(s.label != "PERCENT" for s in window.suggestions.suggestions)
    window.history.undo()  # one step undoes the whole batch
    assert stored(window) == []


def test_editing_a_normalized_value(window, qtbot):
    select_text(window, qtbot, "US$24.2 billion")
    press(window, qtbot, Qt.Key.Key_5)
    editor = window.panel.value_editor
    assert editor.amount.text() == "24200000000"
    editor.amount.setFocus()
    editor.amount.selectAll()
    qtbot.keyClicks(editor.amount, "24,100,000,000")
    qtbot.keyClick(editor.amount, Qt.Key.Key_Return)
    editor.qualifier.setCurrentText("approximate")
    editor.qualifier.activated.emit(editor.qualifier.currentIndex())
    [span] = window.session.store.annotations_for(window.document.id)
    assert (span.value["amount"], span.value["qualifier"]) == ("24100000000", "approximate")
    editor.amount.setText("lots")
    editor.amount.editingFinished.emit()
    assert "ffd6d6" in editor.amount.styleSheet()
    assert window.session.store.annotations_for(window.document.id)[0].value["amount"] == "24100000000"
    window.history.undo()
    window.history.undo()
    assert window.session.store.annotations_for(window.document.id)[0].value["amount"] == "24200000000"
    assert editor.amount.text() == "24200000000"


def test_linking_mentions_to_an_entity_shows_in_the_export(window, qtbot, tmp_path):
    select_text(window, qtbot, "Alikhan Smailov")
    press(window, qtbot, Qt.Key.Key_1)
    editor = window.panel.value_editor
    assert editor.pages.currentWidget() is editor.entity_page
    qtbot.mouseClick(editor.new_entity, Qt.MouseButton.LeftButton)
    [entity] = window.session.store.entities()
    assert (entity.name, entity.type) == ("Alikhan Smailov", "PERSON")
    editor.aliases.setText("Smailov; A. Smailov")
    editor.aliases.editingFinished.emit()
    assert window.session.store.get_entity(entity.id).aliases == ["Smailov", "A. Smailov"]
    second = window.document.text.index("Smailov said")
    window.article.set_selection(second, second + 7)
    press(window, qtbot, Qt.Key.Key_1)  # "Smailov" is a known alias now: linked as it is tagged
    assert editor.entity_box.count() == 1 and editor.entity_box.currentIndex() == 0
    spans = window.session.store.annotations_for(window.document.id)
    assert [s.entity_id for s in spans] == [entity.id, entity.id]
    assert window.spans.index(1, 2).data() == "Alikhan Smailov"

    task = window.export_to(tmp_path / "linked.json")
    with qtbot.waitSignal(task.finished, timeout=10_000):
        pass
    data = json.loads((tmp_path / "linked.json").read_text(encoding="utf-8"))
    assert (data["entities"][0]["name"], data["entities"][0]["aliases"]) == ("Alikhan Smailov", ["Smailov", "A. Smailov"])
    linked = [a for d in data["documents"] for a in d["annotations"] if a["entity_id"] == entity.id]
    assert [a["text"] for a in linked] == ["Alikhan Smailov", "Smailov"]


def test_an_edit_that_meets_someone_elses_change_asks_first(window, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from curator.store import Store

    select_text(window, qtbot, "US$24.2 billion")
    press(window, qtbot, Qt.Key.Key_5)
    [span] = window.session.store.annotations_for(window.document.id)
    other = Store.open(window.session.store.location)  # another annotator's app on the same project
    other.update_annotation(span.id, value={**span.value, "qualifier": "approximate"})
    other.close()
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: answers.pop(0))
    editor = window.panel.value_editor
    editor.amount.setText("24100000000")
    editor.amount.editingFinished.emit()  # "No": theirs stays and is shown
    assert window.session.store.get_annotation(span.id).value["qualifier"] == "approximate"
    assert window.session.store.get_annotation(span.id).value["amount"] == "24200000000"
    window.panel.select_span(span.id)
    editor.amount.setText("24100000000")
    editor.qualifier.setCurrentText("exact")
    editor.amount.editingFinished.emit()  # no conflict now: they were shown the new version
    assert window.session.store.get_annotation(span.id).value["amount"] == "24100000000"
    assert answers == [QMessageBox.StandardButton.Yes]
    other = Store.open(window.session.store.location)
    other.update_annotation(span.id, value={**span.value, "amount": "1"})
    other.close()
    editor.amount.setText("24300000000")
    editor.amount.editingFinished.emit()  # "Yes": the user chose to overwrite theirs
    assert window.session.store.get_annotation(span.id).value["amount"] == "24300000000" and answers == []


def test_a_span_relinked_by_a_merge_is_edited_as_it_is_now_without_a_conflict(window, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from curator.domain.models import Entity
    from curator.session.commands import MergeEntities

    select_text(window, qtbot, "Alikhan Smailov")
    press(window, qtbot, Qt.Key.Key_1)
    qtbot.mouseClick(window.panel.value_editor.new_entity, Qt.MouseButton.LeftButton)
    [linked] = window.session.store.entities()
    kept = window.session.store.add_entity(Entity(name="Smailov", type="PERSON"))
    window.session.do(MergeEntities(kept.id, [linked.id]))  # as the duplicates window does
    [span] = window.session.store.annotations_for(window.document.id)
    assert span.entity_id == kept.id and window.spans.annotation(0).entity_id == kept.id
    assert window.spans.annotation(0).updated == span.updated  # the window holds the span as stored
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: pytest.fail("asked about a conflict"))
    window.panel.value_editor.entity_box.setCurrentIndex(-1)
    window._on_entity_chosen("")  # unlink it again
    assert window.session.store.get_annotation(span.id).entity_id is None


def test_a_date_typed_over_several_days_is_not_a_day(window, qtbot):
    """A date tagged as one day and corrected by hand to a range: its granularity follows
    (a whole month, or a period), as validation and the export read it."""
    select_text(window, qtbot, "4 November 2023")
    press(window, qtbot, Qt.Key.Key_9)
    editor = window.panel.value_editor
    assert editor.granularity.currentText() == "day"
    for start, end, granularity in (("2023-11-01", "2023-11-30", "month"), ("2023-11-01", "2023-11-12", "period"),
                                    ("2023-11-04", "2023-11-04", "day"), ("2023-01-01", "2023-12-31", "year")):
        editor.date_start.setText(start)  # (each after the last, as the curator corrects it again)
        editor.date_end.setText(end)
        editor.date_end.editingFinished.emit()  # (Enter in the field)
        [span] = [a for a in window.session.store.annotations_for(window.document.id)]
        assert (span.value["start"], span.value["end"], span.value["granularity"]) == (start, end, granularity)
        assert editor.granularity.currentText() == granularity


def test_accepting_or_rejecting_with_no_suggestion_says_so(window, qtbot):
    for key, modifiers in ((Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_X, Qt.KeyboardModifier.NoModifier),
                           (Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)):
        window.statusBar().clearMessage()
        press(window, qtbot, key, modifiers)
        assert window.statusBar().currentMessage() == "No open suggestion in this document: Ctrl+G suggests"
