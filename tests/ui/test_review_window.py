import openpyxl
import pytest
from PySide6.QtCore import Qt

from curator.exporting import export_agreement


@pytest.fixture
def review(open_window, annotated_project, settings, qtbot):
    settings.reviewer = True
    window = open_window(annotated_project)
    review = window.open_review()
    with qtbot.waitSignal(review.task.finished, timeout=20_000):
        pass
    qtbot.addWidget(review)
    with qtbot.waitActive(review):
        review.show()
        review.activateWindow()
    return review


def press(review, qtbot, key, modifiers=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(review.item_table, key, modifiers)


def gold(review):
    return [(s.doc_id, s.start, s.end, s.label) for d in review.store.iter_documents()
            for s in review.store.annotations_for(d.id, "gold")]


def test_annotators_work_blind_until_they_choose_to_review(window):
    assert window.open_review() is None
    assert "blind" in window.annotator_label.text()


def test_agreement_figures_are_shown(review):
    assert review.report.annotators == ["aigerim", "daniyar"]
    assert review.label_model.rowCount() == 9
    assert review.pair_model.index(0, 0).data() == "aigerim"
    assert review.document_model.rowCount() == 5
    assert "κ" in review.overall.text() and "α" in review.overall.text()
    assert review.label_model.headerData(2, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole).startswith("Span F1")


def test_walking_through_disagreements_with_the_keyboard(review, qtbot):
    total_open = review.item_model.rowCount()
    assert total_open > 20 and review.version_views.keys() == {"aigerim", "daniyar"}
    first = review.current_item()
    press(review, qtbot, Qt.Key.Key_1)  # accept aigerim's version
    assert review.item_model.rowCount() == total_open - 1
    assert [(s[1], s[2], s[3]) for s in gold(review)] == [(s.start, s.end, s.label) for s in first.versions["aigerim"]]
    assert review.current_item().key != first.key  # moved on to the next open item
    second = review.current_item()
    press(review, qtbot, Qt.Key.Key_R)  # reject
    assert second.key in review.store.reviews()
    press(review, qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the reject
    assert second.key not in review.store.reviews()
    press(review, qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the accept
    assert gold(review) == [] and review.item_model.rowCount() == total_open
    assert f"{total_open} of {total_open} disagreements open" in review.progress.text()


def test_merge_and_bulk_accept_of_agreements(review, qtbot):
    item = review.current_item()
    press(review, qtbot, Qt.Key.Key_M)
    merged = {(s.start, s.end, s.label) for v in item.versions.values() for s in v}
    assert {(s[1], s[2], s[3]) for s in gold(review)} == merged
    before = len(gold(review))
    press(review, qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert len(gold(review)) > before + 100
    assert "0 agreements not yet in gold" in review.progress.text()


def test_editing_gold_directly_and_settling_as_edited(review, qtbot):
    item = review.current_item()
    text = review.gold_view.text
    review.gold_view.set_selection(item.start, item.end)
    review.gold_label.setCurrentText("ORG")
    press(review, qtbot, Qt.Key.Key_G)
    assert [(s[1], s[2], s[3]) for s in gold(review)] == [(item.start, item.end, "ORG")] or text[item.start] in " ."
    press(review, qtbot, Qt.Key.Key_E)
    assert review.store.reviews()[item.key].decision == "edited"


def test_agreement_export(review, tmp_path):
    export_agreement(review.report, tmp_path / "agreement.xlsx")
    book = openpyxl.load_workbook(tmp_path / "agreement.xlsx")
    assert book.sheetnames == ["overall", "pairs", "labels", "documents"]
    export_agreement(review.report, tmp_path / "agreement.json")
    assert (tmp_path / "agreement.json").read_text().startswith("{")
