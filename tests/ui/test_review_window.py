import openpyxl
import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from curator.domain.models import DocumentStatus
from curator.domain.values import describe
from curator.session.exporting import export_agreement
from ui.models.review_item_table_model import ReviewItemTableModel
from ui.widgets.version_panel import DIFFERS_STYLE


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


def choose_filter(review, qtbot, name):
    """Pick a list with the keyboard: focus the filter, Home, then Down to the list."""
    review.filter.setFocus()
    qtbot.keyClick(review.filter, Qt.Key.Key_Home)
    for _ in range(review.filter.findText(name)):
        qtbot.keyClick(review.filter, Qt.Key.Key_Down)
    assert review.filter.currentText() == name
    review.item_table.setFocus()


def walk_to(review, qtbot, kind):
    """Press J until the current item differs in ``kind``."""
    for _ in range(review.item_model.rowCount()):
        if kind in review.current_item().kinds():
            return review.current_item()
        press(review, qtbot, Qt.Key.Key_J)
    raise AssertionError(f"no {kind} item")


def hover(view, offset):
    """Rest the mouse on a character of an article view; what its tooltip says."""
    cursor = view.textCursor()
    cursor.setPosition(offset)
    point = view.cursorRect(cursor).center()
    QApplication.sendEvent(view.viewport(), QHelpEvent(QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point)))
    return QToolTip.text()


def gold(review):
    return [(s.doc_id, s.start, s.end, s.label) for d in review.session.store.iter_documents()
            for s in review.session.store.annotations_for(d.id, "gold")]


def test_annotators_work_blind_until_they_choose_to_review(window):
    assert window.open_review() is None
    assert "blind" in window.annotator_label.text()


def test_agreement_figures_are_shown(review):
    assert review.report.annotators == ["aigerim", "daniyar"]
    assert review.label_model.rowCount() == 9
    assert review.pair_model.index(0, 0).data() == "1. aigerim"  # numbered as in every tab
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
    assert second.key in review.session.store.reviews()
    press(review, qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the reject
    assert second.key not in review.session.store.reviews()
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
    assert review.session.store.reviews()[item.key].decision == "edited"


def test_agreement_export(review, tmp_path):
    export_agreement(review.report, tmp_path / "agreement.xlsx")
    book = openpyxl.load_workbook(tmp_path / "agreement.xlsx")
    assert book.sheetnames == ["overall", "pairs", "labels", "documents"]
    export_agreement(review.report, tmp_path / "agreement.json")
    assert (tmp_path / "agreement.json").read_text().startswith("{")


def test_each_version_shows_its_value_and_entity_and_marks_what_differs(review, qtbot):
    names = {entity.id: entity.name for entity in review.session.store.entities()}
    item = walk_to(review, qtbot, "entity")
    linked = {name: spans[0] for name, spans in item.versions.items()}
    assert len({span.entity_id for span in linked.values()}) == 2
    for name, span in linked.items():
        details = review.version_panels[name].details.text()
        shown = f"→ {names[span.entity_id]}" if span.entity_id else "no entity"
        assert f"<span style='{DIFFERS_STYLE}'>{shown}</span>" in details.replace("&gt;", ">")
        assert span.label in details and f"<span style='{DIFFERS_STYLE}'>{span.label}" not in details
        note = hover(review.version_views[name], span.start + 2)
        other = next(n for n in item.versions if n != name)
        assert f"by {name}" in note and "Differs in: entity" in note and f"{other}: " in note
        assert all(names[s.entity_id] in note for s in linked.values() if s.entity_id)
        assert "no entity" in note or "Entity: none linked" in note  # one version links none, and says so

    item = walk_to(review, qtbot, "value")
    for name, spans in item.versions.items():
        details = review.version_panels[name].details.text()
        assert f"<span style='{DIFFERS_STYLE}'>{describe(spans[0].value) or 'no value'}</span>" in details
        assert describe(spans[0].value) in hover(review.version_views[name], spans[0].start + 1)

    item = walk_to(review, qtbot, "missed")
    missing = next(name for name, spans in item.versions.items() if not spans)
    assert "no span here" in review.version_panels[missing].details.text()


def test_the_list_names_documents_by_title(review):
    model = review.item_model
    titles = {d.id: d.title for d in review.session.store.iter_documents()}
    assert all(titles.values())  # the sample's articles have titles
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == \
        [titles[model.item(r).doc_id] for r in range(model.rowCount())]
    # At the window's default size the titles get the room, not the item's words or status.
    widths = [review.item_table.columnWidth(c) for c in range(4)]
    assert widths[0] == max(widths) and widths[0] > 140
    item = model.item(0)
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == f"{titles[item.doc_id]}\n{item.doc_uid}"
    untitled = ReviewItemTableModel()
    untitled.set_items([item], review._texts, {}, {})
    assert untitled.index(0, 0).data() == item.doc_uid


def test_working_as_reviewer_opens_the_review_window(open_window, annotated_project, qtbot):
    main = open_window(annotated_project)
    assert main.companions.review_window is None
    main.reviewer_action.trigger()
    review = main.companions.review_window
    qtbot.addWidget(review)
    with qtbot.waitSignal(review.task.finished, timeout=20_000):
        pass
    assert review.isVisible() and review.item_model.rowCount() > 0
    main.reviewer_action.trigger()  # back to annotating, blind
    assert not review.isVisible()


def test_ctrl_u_opens_the_duplicates_from_review(review, qtbot):
    main = review.parent()
    assert main.companions.duplicates_window is None
    press(review, qtbot, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    duplicates = main.companions.duplicates_window
    assert duplicates is not None
    qtbot.addWidget(duplicates)
    with qtbot.waitSignal(duplicates.task.finished, timeout=20_000):
        pass
    assert duplicates.isVisible()
    assert review.session.store.reviews() == {}  # Ctrl+U is not U (reopen) nor anything else
    with qtbot.waitActive(review):
        review.activateWindow()
    with qtbot.waitActive(duplicates):  # already open: brought forward
        press(review, qtbot, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    assert main.companions.duplicates_window is duplicates


def test_every_decision_moves_on_to_the_next_item_in_every_list(review, qtbot):
    for _ in range(3):
        press(review, qtbot, Qt.Key.Key_J)
    listed = review.item_model.keys()
    press(review, qtbot, Qt.Key.Key_1)  # accepted: it leaves the open list, its successor takes its row
    assert review.current_item().key == listed[4] and review.item_table.currentIndex().row() == 3
    accepted = listed[3]

    choose_filter(review, qtbot, "All disagreements")
    listed = review.item_model.keys()
    assert review.current_item().key == listed[4] and listed[3] == accepted  # settled ones stay listed here
    press(review, qtbot, Qt.Key.Key_2)
    assert review.current_item().key == listed[5]  # not stuck on the item just settled
    assert review.item_model.index(4, 3).data() == "accepted:daniyar"

    choose_filter(review, qtbot, "Everything")
    listed = review.item_model.keys()
    while review.current_item().key in review.session.store.reviews():
        press(review, qtbot, Qt.Key.Key_J)
    row = review.item_table.currentIndex().row()
    press(review, qtbot, Qt.Key.Key_R)
    assert review.current_item().key == listed[row + 1]
    rejected = listed[row]

    choose_filter(review, qtbot, "Settled")
    settled = review.item_model.keys()
    assert len(settled) == 3 and rejected in settled and accepted in settled
    assert [review.item_model.index(r, 3).data() for r in range(3)] == \
        [review.session.store.reviews()[key].decision for key in settled]
    press(review, qtbot, Qt.Key.Key_U)  # reopened: it leaves the settled list
    assert review.item_model.keys() == settled[1:] and review.current_item().key == settled[1]

    choose_filter(review, qtbot, "Open disagreements")
    press(review, qtbot, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    listed = review.item_model.keys()
    press(review, qtbot, Qt.Key.Key_M)  # the last one: the one before it is next
    assert review.current_item().key == listed[-2]


def test_category_disagreements_are_settled_from_the_keyboard(open_window, annotated_project, settings, qtbot):
    from curator.domain.schema import CategorySet, Choice
    from curator.store import Store

    with Store.open(annotated_project) as store:
        store.save_schema(store.label_schema.with_category(
            CategorySet(name="topic", choices=[Choice(name="economy"), Choice(name="politics")])))
        first, second = store.document_ids()[:2]
        store.set_categories(first, "aigerim", "topic", ["economy"])
        store.set_categories(first, "daniyar", "topic", ["politics"])
        store.set_categories(second, "aigerim", "topic", ["economy"])
        store.set_categories(second, "daniyar", "topic", ["economy"])
    settings.reviewer = True
    main = open_window(annotated_project)
    review = main.open_review()
    qtbot.addWidget(review)
    qtbot.waitUntil(lambda: review.report is not None, timeout=20_000)
    review.tabs.setCurrentIndex(2)
    assert review.tabs.tabText(2) == "Categories (1 open)"
    assert [review.category_model.row(r)["status"] for r in range(2)] == ["open", "agreed"]
    assert review.category_model.row(0)["versions"] == "1. aigerim: economy · 2. daniyar: politics"
    rows = {row["set"]: row for row in review.report.categories}
    assert rows["topic"]["documents"] == 2  # agreement per category set, in the Agreement tab
    review.category_table.setFocus()
    qtbot.keyClick(review.category_table, Qt.Key.Key_2)  # daniyar's choice into gold
    assert main.session.store.categories_for(first, "gold") == {"gold": {"topic": ["politics"]}}
    assert review.category_model.row(0)["status"] == "settled" and review.tabs.tabText(2) == "Categories (0 open)"
    assert review.category_table.currentIndex().row() == 1  # on to the next
    main.history.undo()
    qtbot.waitUntil(lambda: review.category_model.row(0)["status"] == "open", timeout=5_000)


def test_an_empty_review_list_says_why(open_window, project, settings, qtbot):
    settings.reviewer = True
    main = open_window(project)  # the sample without annotator layers
    review = main.open_review()
    qtbot.addWidget(review)
    qtbot.waitUntil(lambda: review.report is not None, timeout=20_000)
    assert review.item_model.rowCount() == 0
    assert review.item_table.empty_text() == "Nothing to review: nobody has annotated yet"


def test_a_versions_parts_are_said_in_the_order_versions_are_compared():
    """The version panel is given spans and says their parts in the review's own order of
    comparison (bounds, label, value, entity) without asking the review for it."""
    from curator.analysis.review import DIFFERENCES
    from curator.domain.models import Annotation
    from ui.widgets.version_panel import span_parts

    span = Annotation(doc_id=1, start=0, end=5, label="MONEY", annotator="a")
    assert tuple(span_parts(span, "Sixty tenge", {}, differs=("value", "entity"))) == DIFFERENCES


def test_the_review_follows_a_status_set_in_the_main_window(review, qtbot):
    """An annotator marking a document done has worked on it, spans or none: the open
    review lists them in its items at once, as a review opened now would."""
    window = review.parent()
    doc_id = review.current_item().doc_id
    assert window.annotator not in {name for item in review._items for name in item.versions}
    window.select_document(doc_id)
    qtbot.mouseClick(window.panel.done_box, Qt.MouseButton.LeftButton)  # done, with no span
    assert window.session.store.status(doc_id, window.annotator) is DocumentStatus.DONE
    # (the reviewer is told what that means, and where a document is marked reviewed)
    assert "To mark it reviewed, press Ctrl+D in the review window" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: any(window.annotator in item.versions for item in review._items if item.doc_id == doc_id),
                    timeout=20_000)
    qtbot.mouseClick(window.panel.done_box, Qt.MouseButton.LeftButton)  # to do again
    qtbot.waitUntil(lambda: not any(window.annotator in item.versions for item in review._items), timeout=20_000)


def test_the_reviewer_marks_a_document_reviewed_and_joins_no_annotators_count(review, qtbot, tmp_path):
    """Ctrl+D in review marks the item's document reviewed: the gold export's status of it.
    The reviewer's own 'done' would have made them an annotator with every span missed."""
    import json

    from curator.domain.models import GOLD
    from curator.session.exporting import export

    doc_id = review.current_item().doc_id
    annotators, agreement = list(review.annotators), review.report.annotators
    assert "0 of" in review.progress.text().split(" · ")[-1]
    store = review.session.store
    for who in store.done_by()[doc_id]:  # the annotators' work, not marked done: gold exported as to do
        store.set_status(doc_id, who, DocumentStatus.TODO)
    uid, target = store.get_document(doc_id).uid, tmp_path / "gold.json"

    def exported_status() -> str:
        export(store, target, "json", GOLD)
        return {d["id"]: d for d in json.loads(target.read_text(encoding="utf-8"))["documents"]}[uid]["status"]

    assert exported_status() == "todo"
    press(review, qtbot, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert store.status(doc_id, GOLD) is DocumentStatus.DONE
    assert review.progress.text().split(" · ")[-1].startswith("1 of ")
    assert not review._refresh_soon.isActive()  # nothing to recompute: nobody's work changed
    assert review.annotators == annotators and review.reviewing.agreement().annotators == agreement
    assert not any(review.session.annotator in item.versions for item in review._items)
    assert exported_status() == "done"
    press(review, qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # one undo takes it back
    assert store.status(doc_id, GOLD) is DocumentStatus.TODO
    qtbot.waitUntil(lambda: review.progress.text().split(" · ")[-1].startswith("0 of "), timeout=5_000)
