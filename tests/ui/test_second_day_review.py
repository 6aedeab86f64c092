"""The curator's day, second pass, in the review and duplicates windows: work one annotator
did alone reaches gold, four annotators fit a 1280-pixel screen, a recorded fact stays
as recorded, and changes made elsewhere show."""

from __future__ import annotations

import pytest
from gui_actions import open_loaded_review, press
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QToolButton

from curator.domain.models import Annotation, Document, DocumentStatus
from curator.store import Store

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
LONE = "Astana, 5 March 2024 - Kazakhstan and China traded US$41 billion in 2023, Alikhan Smailov said."


def add_lone_document(location) -> None:
    """An article annotated by aigerim alone, and marked done by her."""
    with Store.open(location) as store:
        [doc_id] = store.add_documents([Document(uid="lone", title="A lone article", text=LONE)])
        for words, label in (("Kazakhstan", "LOCATION"), ("China", "LOCATION"), ("Alikhan Smailov", "PERSON")):
            start = LONE.index(words)
            store.add_annotation(Annotation(doc_id=doc_id, start=start, end=start + len(words), label=label,
                                            annotator="aigerim"))
        store.set_status(doc_id, "aigerim", DocumentStatus.DONE)


def add_annotators(location, names=("bota", "dana")) -> None:
    """More annotators, each with a copy of aigerim's spans of the first two articles."""
    with Store.open(location) as store:
        for doc_id in store.document_ids()[:2]:
            for name in names:
                store.add_annotations([Annotation(doc_id=doc_id, start=a.start, end=a.end, label=a.label,
                                                  annotator=name, value=a.value)
                                       for a in store.annotations_for(doc_id, "aigerim")[:-3]])
                store.set_status(doc_id, name, DocumentStatus.DONE)


def open_review(open_window, location, settings, qtbot):
    main, review = open_loaded_review(open_window, location, settings, qtbot)
    with qtbot.waitActive(review):
        review.activateWindow()
    review.item_table.setFocus()
    return main, review


def buttons_clipped(window) -> list[str]:
    """The visible buttons whose text is wider than the button."""
    clipped = []
    for button in window.findChildren(QPushButton) + window.findChildren(QToolButton):
        if button.isVisible() and button.text():
            needed = button.fontMetrics().horizontalAdvance(button.text().replace("&", ""))
            if needed > button.width():
                clipped.append(f"{button.text()!r}: {needed} > {button.width()}")
    return clipped


def gold_of(store, doc_id):
    return sorted((s.start, s.end, s.label) for s in store.annotations_for(doc_id, "gold"))


def test_work_one_annotator_did_alone_is_listed_and_accepted_with_one_key(open_window, annotated_project,
                                                                          settings, qtbot):
    add_lone_document(annotated_project)
    main, review = open_review(open_window, annotated_project, settings, qtbot)
    lone = main.session.store.document_by_uid("lone")
    review.filter.setCurrentIndex(review.filter.findText("Single annotator, not in gold"))
    listed = [review.item_model.item(r) for r in range(review.item_model.rowCount())]
    assert len(listed) == 3 and all(item.doc_id == lone.id and item.single for item in listed)
    assert review.item_model.index(0, 2).data() == "only aigerim"
    assert [name for name, panel in review.version_panels.items() if panel.isVisible()] == ["aigerim"]
    assert "3 single-annotator items not yet in gold" in review.progress.text()
    press(review.item_table, qtbot, Qt.Key.Key_A, CTRL | SHIFT)  # agreements: not the lone work
    assert gold_of(main.session.store, lone.id) == []
    press(review.item_table, qtbot, Qt.Key.Key_S, CTRL | SHIFT)
    assert gold_of(main.session.store, lone.id) == sorted((a.start, a.end, a.label)
                                                  for a in main.session.store.annotations_for(lone.id, "aigerim"))
    assert "0 single-annotator items not yet in gold" in review.progress.text()
    assert review.item_model.rowCount() == 0 and "single annotator" in review.item_table.empty_text()
    press(review.item_table, qtbot, Qt.Key.Key_Z, CTRL)  # one step, taken back whole
    assert gold_of(main.session.store, lone.id) == []


def test_a_document_first_worked_on_while_the_review_is_open_shows_its_items(open_window, annotated_project,
                                                                            settings, qtbot):
    main, review = open_review(open_window, annotated_project, settings, qtbot)
    [doc_id] = main.session.store.add_documents([Document(uid="later", text=LONE)])
    from curator.session.commands import AddSpan

    main.session.do(AddSpan(Annotation(doc_id=doc_id, start=8, end=20, label="DATE", annotator="aigerim")))
    qtbot.waitUntil(lambda: any(item.doc_id == doc_id for item in review._items), timeout=10_000)


def test_four_annotators_fit_a_1280_pixel_screen_before_and_after_accept_all(open_window, annotated_project,
                                                                             settings, qtbot):
    add_annotators(annotated_project)
    main, review = open_review(open_window, annotated_project, settings, qtbot)
    assert review.annotators == ["aigerim", "bota", "dana", "daniyar"]
    review.resize(1280, 720)
    QApplication.processEvents()

    def check() -> None:
        QApplication.processEvents()
        assert review.minimumSizeHint().width() <= 1280 and review.width() <= 1280
        item = review.current_item()
        shown = [name for name, panel in review.version_panels.items() if panel.isVisible()]
        assert shown == sorted(item.versions)  # no room taken by those who did not work on it
        assert buttons_clipped(review) == []

    review.filter.setCurrentIndex(review.filter.findText("Everything"))
    seen = set()
    for _ in range(review.item_model.rowCount()):
        check()
        seen.add(len(review.current_item().versions))
        press(review.item_table, qtbot, Qt.Key.Key_J)
    assert seen == {2, 4}  # items with four panels and with two were both checked
    panel = review.version_panels["daniyar"]
    assert panel.title() == "4: daniyar" and panel.accept_button.text() == "Accept  (4)"
    press(review.item_table, qtbot, Qt.Key.Key_A, CTRL | SHIFT)
    review.filter.setCurrentIndex(0)
    check()


def test_an_item_near_the_end_of_an_article_is_scrolled_into_view(open_window, annotated_project, settings, qtbot):
    main, review = open_review(open_window, annotated_project, settings, qtbot)
    review.resize(1280, 720)
    review.filter.setCurrentIndex(review.filter.findText("Everything"))
    items = [review.item_model.item(r) for r in range(review.item_model.rowCount())]
    last = max(items, key=lambda item: item.start)
    review.item_table.selectRow(review.item_model.row_of(last.key))
    QApplication.processEvents()
    for view in [review.gold_view, *(p.view for p in review.version_panels.values() if p.isVisible())]:
        assert view.verticalScrollBar().value() > 0  # scrolled down to it
        assert view.viewport().rect().intersects(view.cursorRect()), "the item is not in view"


def test_annotators_are_numbered_alike_in_every_tab_and_the_list_filters_by_document(open_window, annotated_project,
                                                                                    settings, qtbot):
    from curator.domain.schema import CategorySet, Choice

    with Store.open(annotated_project) as store:
        store.save_schema(store.label_schema.with_category(
            CategorySet(name="topic", choices=[Choice(name="economy"), Choice(name="politics")])))
        first = store.document_ids()[0]
        store.set_categories(first, "daniyar", "topic", ["politics"])  # daniyar alone
    main, review = open_review(open_window, annotated_project, settings, qtbot)
    assert review.pair_model.row(0)["annotator_a"] == "1. aigerim"
    assert review.pair_model.row(0)["annotator_b"] == "2. daniyar"
    assert review.version_panels["daniyar"].title() == "2: daniyar"
    titles = {d.uid: d.title for d in main.session.store.iter_documents()}
    assert {review.document_model.row(r)["document"] for r in range(5)} == set(titles.values())  # titles, not ids
    review.tabs.setCurrentIndex(2)
    assert review.category_model.row(0)["versions"] == "2. daniyar: politics"  # number 2 here too
    assert review.category_model.row(0)["status"] == "single annotator"
    press(review.category_table, qtbot, Qt.Key.Key_1)  # aigerim chose nothing here
    assert review.statusBar().currentMessage() == "Annotator 1 did not choose in this set"
    assert main.session.store.categories_for(first, "gold") == {}
    press(review.category_table, qtbot, Qt.Key.Key_2)
    assert main.session.store.categories_for(first, "gold") == {"gold": {"topic": ["politics"]}}
    review.tabs.setCurrentIndex(1)
    review.filter.setCurrentIndex(review.filter.findText("Everything"))
    everything = review.item_model.rowCount()
    review.document_filter.setCurrentIndex(review.document_filter.findData(first))
    shown = [review.item_model.item(r) for r in range(review.item_model.rowCount())]
    assert 0 < len(shown) < everything and {item.doc_id for item in shown} == {first}


def test_f1_shows_the_keys_of_the_review_duplicates_and_facts_windows(open_window, annotated_project, settings, qtbot):
    main, review = open_review(open_window, annotated_project, settings, qtbot)
    press(review.item_table, qtbot, Qt.Key.Key_F1)
    text = review.help_sheet.text.toPlainText()
    assert review.help_sheet.isVisible()
    for expected in ("Ctrl+Shift+S", "Accept all single-annotator work into gold", "Settle as edited", "F5"):
        assert expected in text
    duplicates = main.open_duplicates()
    qtbot.addWidget(duplicates)
    with qtbot.waitSignal(duplicates.task.finished, timeout=20_000):
        pass
    with qtbot.waitActive(duplicates):
        duplicates.activateWindow()
    press(duplicates.tabs, qtbot, Qt.Key.Key_F1)
    text = duplicates.help_sheet.text.toPlainText()
    assert "Articles: duplicate, keep A" in text and "Entities: merge into A" in text
    duplicates.help_sheet.close()
    duplicates.close()
    facts = main.open_facts()
    qtbot.addWidget(facts)
    qtbot.waitUntil(facts.isActiveWindow, timeout=5_000)
    press(facts.proposal_table, qtbot, Qt.Key.Key_F1)
    assert "Record the fact" in facts.help_sheet.text.toPlainText()


@pytest.fixture
def facts_window(open_window, annotated_project, settings, qtbot):
    settings.reviewer = True
    main = open_window(annotated_project)
    facts = main.open_facts()
    qtbot.addWidget(facts)
    return main, facts


def test_a_recorded_fact_stays_as_recorded_after_accept_all_in_review(facts_window, qtbot):
    main, facts = facts_window
    model = facts.proposal_model
    row = next(r for r in range(model.rowCount()) if model.row(r)["period"].startswith("2022"))
    facts.proposal_table.selectRow(row)
    facts.fact_value.setText("24.1 billion")
    facts.record_fact()
    before = model.row(row)
    assert before["status"] == "recorded: 24,100,000,000 USD" and before["values"].count(";") == 2
    review = main.open_review()
    qtbot.addWidget(review)
    with qtbot.waitSignal(review.task.finished, timeout=20_000):
        pass
    review.accept_all_agreements()
    qtbot.waitUntil(lambda: "changes made elsewhere" in facts.statusBar().currentMessage(), timeout=10_000)
    rows = [model.row(r) for r in range(model.rowCount()) if model.row(r)["period"].startswith("2022")]
    assert rows == [before]  # the same figures, Trend's among them, the same proposal, still recorded
    assert "$24.1 billion" in before["values"]


def test_a_measure_added_on_the_command_line_reaches_the_open_facts_window(facts_window, annotated_project, qtbot):
    from curator.cli import main as command_line

    main, facts = facts_window
    editor = facts.open_measures()
    qtbot.addWidget(editor)

    def why(text: str) -> str:
        return next(w for m, w in facts.facts.left if m.text == text)

    assert why("$23 billion").startswith("no measure word")
    assert command_line(["measures", str(annotated_project), "add", "invested capital", "invested"]) == 0
    qtbot.waitUntil(lambda: why("$23 billion").startswith("the only article with invested capital"),
                    timeout=10_000)  # at the window's next look at the project, without a restart
    assert "invested capital" in [editor.model.row(r)["name"] for r in range(editor.model.rowCount())]


def test_measures_are_edited_in_the_window_and_the_facts_follow(facts_window, qtbot):
    main, facts = facts_window
    editor = facts.open_measures()
    qtbot.addWidget(editor)
    editor.name.setText("invested capital")
    editor.words.setText("invested")
    assert editor.add_measure()
    assert next(w for m, w in facts.facts.left if m.text == "$23 billion").startswith("the only article")
    assert facts.facts.lists.tabText(1).startswith("Figures not grouped (")
    facts.history.undo()
    assert next(w for m, w in facts.facts.left if m.text == "$23 billion").startswith("no measure word")


def test_the_fact_form_does_not_jump_when_an_error_line_appears(facts_window, qtbot):
    main, facts = facts_window
    facts.proposal_table.selectRow(0)
    QApplication.processEvents()
    before = [field.geometry() for field in (facts.fact_value, facts.fact_note)]
    facts.fact_value.setText("=1+1")
    facts.record_fact()
    QApplication.processEvents()
    assert facts.fact_error.text() and facts.session.store.facts() == {}
    assert [field.geometry() for field in (facts.fact_value, facts.fact_note)] == before


def test_documents_are_named_by_title_in_the_facts_window(facts_window, qtbot):
    main, facts = facts_window
    titles = {d.title for d in main.session.store.iter_documents()}
    facts.proposal_table.selectRow(0)
    model = facts.mention_model
    assert {model.row(r)["document"] for r in range(model.rowCount())} <= titles
