"""Every window follows the session: an edit made in one shows in the others, without
F5 and without reopening anything."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from curator.analysis.facts import facts_overview
from curator.analysis.review import GOLD
from curator.domain.models import Annotation
from curator.session.commands import AddSpan, EditEntity


@pytest.fixture
def windows(open_window, annotated_project, settings, qtbot):
    settings.reviewer = True
    main = open_window(annotated_project)
    review = main.open_review()
    with qtbot.waitSignal(review.task.finished, timeout=20_000):
        pass
    duplicates = main.open_duplicates()
    with qtbot.waitSignal(duplicates.task.finished, timeout=20_000):
        pass
    qtbot.addWidget(review)
    qtbot.addWidget(duplicates)
    return main, review, duplicates


def fact_rows(facts):
    model = facts.proposal_model
    return [(model.row(r)["measure"], model.row(r)["values"], model.row(r)["status"]) for r in range(model.rowCount())]


def entity_items(review):
    return sum(1 for item in review._items if "entity" in item.kinds())


def test_a_review_decision_appears_in_the_facts_window_and_recorded_facts_stay(windows, qtbot):
    main, review, _duplicates = windows
    facts = main.open_facts()
    qtbot.addWidget(facts)
    facts.proposal_table.selectRow(0)
    proposal = facts.proposals[0]
    assert len(proposal.mentions) == 3
    facts.fact_value.setText(str(proposal.mentions[0].amount))
    facts.record_fact()
    assert fact_rows(facts)[0][2].startswith("recorded")
    before = fact_rows(facts)
    # The reviewer settles a gold span in one of the fact's articles, from the review window:
    # that article's proposals now come from gold, where this figure is not (yet); the
    # recorded fact keeps its sources all the same.
    document = proposal.mentions[-1].document
    facts.statusBar().clearMessage()
    assert review._apply(AddSpan(Annotation(doc_id=document.id, start=0, end=4, label="LOCATION", annotator=GOLD)))
    qtbot.waitUntil(lambda: "changes made elsewhere" in facts.statusBar().currentMessage(), timeout=5_000)
    assert fact_rows(facts) == before  # still recorded, with every figure it was recorded with
    assert [(p.measure, len(p.mentions)) for p, _ in facts_overview(main.session.store)][0] == (before[0][0], 3)
    main.history.undo()  # and back, the same way
    qtbot.waitUntil(lambda: fact_rows(facts) == before, timeout=5_000)


def test_a_merge_of_entities_appears_in_review(windows, qtbot):
    main, review, duplicates = windows
    before = entity_items(review)
    assert before > 0  # daniyar linked his own entities for some names
    duplicates.tabs.setCurrentIndex(1)
    row = next(r for r in range(duplicates.candidate_model.rowCount())
               if "Ma Xingruy" in (duplicates.candidate_model.row(r)["a"], duplicates.candidate_model.row(r)["b"]))
    duplicates.candidate_table.selectRow(row)
    qtbot.keyClick(duplicates.candidate_table, Qt.Key.Key_M)
    qtbot.waitUntil(lambda: entity_items(review) < before, timeout=20_000)
    assert "changed elsewhere" in review.statusBar().currentMessage()


def test_undo_in_one_window_is_undo_in_all(windows, qtbot):
    main, review, duplicates = windows
    duplicates.tabs.setCurrentIndex(1)
    duplicates.candidate_table.selectRow(0)
    duplicates.mark_entities_distinct()
    assert main.undo_action.text() == review.history.undo_action.text() == "&Undo Mark distinct"
    review.history.undo()
    assert duplicates.session.store.decisions("entities") == {}
    assert main.redo_action.text() == "&Redo Mark distinct" and "Undone: Mark distinct" in main.saved_label.text()


def test_agreement_follows_the_annotators_edits(windows, qtbot):
    main, review, _duplicates = windows
    before = review.report.overall["f1_exact"]
    item = next(i for i in review._items if not i.agreed and "missed" in i.kinds())
    version = next(spans for spans in item.versions.values() if spans)
    missing = next(name for name, spans in item.versions.items() if not spans)
    copy = version[0].model_copy(update={"id": "copied", "annotator": missing})
    main.session.do(AddSpan(copy))  # the annotator who missed it tags it, anywhere
    qtbot.waitUntil(lambda: review.report.overall["f1_exact"] > before, timeout=10_000)
    assert review.overall.text() and str(round(review.report.overall["f1_exact"], 3))[:4] in review.overall.text()


def test_a_renamed_entity_shows_in_the_versions_under_review(windows, qtbot):
    main, review, _duplicates = windows
    item = next(i for i in review._items if "entity" in i.kinds())
    review._select_row(review.item_model.row_of(item.key))
    name, span = next((name, spans[0]) for name, spans in item.versions.items() if spans[0].entity_id)
    panel = review.version_panels[name]
    main.session.do(EditEntity(span.entity_id, {"name": "Renamed elsewhere"}))
    qtbot.waitUntil(lambda: "Renamed elsewhere" in panel.details.text(), timeout=10_000)
    assert review.current_item().key == item.key


def test_a_label_renamed_anywhere_shows_in_review_and_duplicates(windows, qtbot):
    from curator.session import label_edits as edit

    main, review, duplicates = windows
    main.session.do(edit.rename_label(main.session.store, "LOCATION", "PLACE"))
    assert [review.gold_label.itemText(i) for i in range(review.gold_label.count())][2] == "PLACE"
    qtbot.waitUntil(lambda: any(s.label == "PLACE" for item in review._items for spans in item.versions.values()
                                for s in spans), timeout=20_000)
    assert "PLACE" in duplicates.left_view._colors
    main.history.undo()
    assert review.gold_label.itemText(2) == "LOCATION" and "LOCATION" in duplicates.left_view._colors
