"""A curator's whole day, keyboard first, as a new user plays it: tag, link and suggest;
review and settle; merge an entity and record a fact; export Excel and JSON; close and
reopen. After each step it checks what every open window shows, and at the end the files."""

from __future__ import annotations

import json

import openpyxl
from gui_actions import select_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def spans_of(window):
    return {window.document.text[s.start:s.end]: s for s in window.session.store.annotations_for(window.document.id, "tester")}


def test_a_curators_day(open_window, annotated_project, qtbot, tmp_path, monkeypatch):
    main = open_window(annotated_project)
    editor = main.panel.value_editor

    # 1. Tag, link, suggest, undo and redo, mark done.
    select_text(main, qtbot, "Alikhan Smailov")
    qtbot.keyClick(main.article, Qt.Key.Key_1)
    qtbot.keyClick(main.article, Qt.Key.Key_L)
    qtbot.keyClicks(editor.entity_box.lineEdit(), "Alikhan Smailov")
    qtbot.keyClick(editor.entity_box.lineEdit(), Qt.Key.Key_Return)
    smailov = spans_of(main)["Alikhan Smailov"]
    entity = main.session.store.get_entity(smailov.entity_id)
    assert "Smailov" in entity.name and main.article.hasFocus()
    assert main.spans.index(0, 2).data() == entity.name  # the spans list names the linked entity

    qtbot.keyClick(main.article, Qt.Key.Key_G, CTRL)
    assert main.suggestions.rowCount() > 5 and main.panel.tabs.currentIndex() == 1
    while main.suggestions.suggestion(max(0, main.panel.suggestion_table.currentIndex().row())).label != "MONEY":
        qtbot.keyClick(main.article, Qt.Key.Key_N)
    money = main.suggestions.suggestion(main.panel.suggestion_table.currentIndex().row())
    assert editor.amount.text() == money.value["amount"]  # the Value panel shows the suggestion's value
    qtbot.keyClick(main.article, Qt.Key.Key_A)
    accepted = main.document.text[money.start:money.end]
    assert spans_of(main)[accepted].value["amount"] == money.value["amount"]
    qtbot.keyClick(main.article, Qt.Key.Key_Z, CTRL)
    assert accepted not in spans_of(main) and "Undone" in main.saved_label.text()
    assert "Accept" in main.saved_label.text()  # the step undone, not the one before it
    qtbot.keyClick(main.article, Qt.Key.Key_Z, CTRL | SHIFT)
    assert accepted in spans_of(main) and "Redone" in main.saved_label.text()
    qtbot.keyClick(main.article, Qt.Key.Key_D, CTRL)
    assert main.documents.index(0, 3).data() == "✓"

    # 2. Review and settle: working as reviewer opens the review window.
    main.reviewer_action.trigger()
    review = main.companions.review_window
    qtbot.addWidget(review)
    assert review is not None and review.isVisible()
    qtbot.waitUntil(lambda: bool(review._items), timeout=20_000)
    review.activateWindow()
    review.item_table.setFocus()
    open_before = sum(1 for item in review._items if not item.agreed)
    first = review.current_item()
    qtbot.keyClick(review.item_table, Qt.Key.Key_1)  # accept the first version
    assert first.key in main.session.store.reviews()
    assert review.current_item() is not None and review.current_item().key != first.key  # moved on
    gold = main.session.store.annotations_for(first.doc_id, "gold")
    assert gold and all(first.start <= g.start and g.end <= first.end for g in gold)
    qtbot.waitUntil(lambda: sum(1 for i in review._items if not i.agreed and i.key not in main.session.store.reviews())
                    == open_before - 1, timeout=5_000)

    # 3. Duplicates across sources (Ctrl+U, from the review window): merge an entity, record a fact.
    qtbot.keyClick(review.item_table, Qt.Key.Key_U, CTRL)
    duplicates = main.companions.duplicates_window
    qtbot.addWidget(duplicates)
    assert duplicates is not None and duplicates.isVisible()
    qtbot.waitUntil(lambda: not duplicates._searching, timeout=20_000)
    entity_items = sum(1 for item in review._items if "entity" in item.kinds())
    duplicates.tabs.setCurrentIndex(1)
    model = duplicates.candidate_model
    row = next(r for r in range(model.rowCount()) if "Ma Xingruy" in (model.row(r)["a"], model.row(r)["b"]))
    duplicates.candidate_table.selectRow(row)
    entities_before = len(main.session.store.entities())
    duplicates.activateWindow()
    qtbot.keyClick(duplicates.candidate_table, Qt.Key.Key_M)
    assert len(main.session.store.entities()) == entities_before - 1
    qtbot.waitUntil(lambda: sum(1 for i in review._items if "entity" in i.kinds()) < entity_items, timeout=20_000)
    qtbot.waitUntil(lambda: not duplicates._refresh_soon.isActive(), timeout=5_000)  # the merge's refresh is over
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow, timeout=5_000)
    qtbot.keyClick(main.document_table, Qt.Key.Key_F, CTRL | SHIFT)  # Review → Facts across sources
    facts_window = main.companions.facts_window
    qtbot.addWidget(facts_window)
    facts_window.proposal_table.selectRow(0)
    proposal = facts_window.proposals[0]
    facts_window.activateWindow()  # the curator is in this window (its keys are its own)
    qtbot.waitUntil(facts_window.isActiveWindow, timeout=5_000)
    facts_window.fact_value.setFocus()
    assert facts_window.fact_value.text() == facts_window.proposal_model.row(0)["proposed"]  # offered, to accept
    qtbot.keyClick(facts_window.fact_value, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(facts_window.fact_value, "US$24.2 billion")  # overridden, typed as an article writes it
    qtbot.keyClick(facts_window.fact_value, Qt.Key.Key_Return, CTRL)
    assert facts_window.fact_error.text() == ""
    [fact] = main.session.store.facts().values()
    assert fact.accepted_amount is not None and float(fact.accepted_amount) == 24.2e9
    assert facts_window.proposal_model.row(0)["status"].startswith("recorded")
    assert proposal.measure == facts_window.proposal_model.row(0)["measure"]

    # 4. Export Excel and JSON, through the dialogs (the gold layer the review wrote).
    answers = [(str(tmp_path / "day.xlsx"), "Excel workbook (*.xlsx)"), (str(tmp_path / "day.json"), "JSON (*.json)")]
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: answers.pop(0))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *args: ("gold", True))
    for target in ("day.xlsx", "day.json"):
        main.export_dialog()
        qtbot.waitUntil(lambda target=target: (tmp_path / target).exists(), timeout=30_000)
        qtbot.waitUntil(lambda target=target: "Exported" in main.saved_label.text()
                        and target in main.saved_label.text(), timeout=30_000)
    data = json.loads((tmp_path / "day.json").read_text(encoding="utf-8"))
    exported = {(d["id"], a["start"], a["end"]) for d in data["documents"] for a in d["annotations"]}
    assert {(main.session.store.get_document(g.doc_id).uid, g.start, g.end) for g in gold} <= exported
    assert {a["annotator"] for d in data["documents"] for a in d["annotations"]} == {"gold"}
    book = openpyxl.load_workbook(tmp_path / "day.xlsx", read_only=True)
    assert {"documents", "annotations"} <= set(book.sheetnames)
    facts = list(book["facts"].iter_rows(values_only=True))
    header = facts[0]
    assert facts[1][header.index("accepted_amount")] == 24.2e9  # a number, not text
    book.close()

    # 5. Close everything and start again: the work is there, and so is the undo history.
    for window in (facts_window, duplicates, review, main):
        window.close()
    again = open_window(annotated_project)
    assert again.document.uid == main.document.uid and again.documents.index(0, 3).data() == "✓"
    restored = spans_of(again)
    assert restored["Alikhan Smailov"].entity_id == entity.id and accepted in restored
    assert again.undo_action.text().startswith("&Undo ") and again.undo_action.isEnabled()


ARTICLES = {
    "Rail freight": "Astana, 12 February 2024 - Kazakhstan Temir Zholy carried more rail freight to China in "
                    "January, the company said. Trade turnover with China reached $41 billion in 2023.\n",
    "Grain exports": "Almaty, 20 February 2024 - Kazakh grain exports to China grew in the first half of the "
                     "season, traders said on Tuesday.\n",
}


def test_the_second_day(open_window, annotated_project, settings, qtbot, tmp_path, monkeypatch):
    """Two annotators, one of whom works alone on two new articles; review with one key for
    the lone work; a recorded fact that stays recorded through accept-all; a measure added
    on the command line while the windows are open; a gold export through the dialog with
    the workbook filter left on and a .json name; and one undo for each accept-all."""
    from curator.cli import main as command_line

    main = open_window(annotated_project)

    # 1. aigerim imports two articles and annotates them alone, keyboard first.
    main.set_annotator("aigerim")
    for title, text in ARTICLES.items():
        (tmp_path / f"{title}.txt").write_text(text, encoding="utf-8")
    with qtbot.waitSignal(main.import_paths([tmp_path / f"{title}.txt" for title in ARTICLES]).finished,
                          timeout=20_000):
        pass
    lone = [main.session.store.document_by_uid(title) for title in ARTICLES]
    for document, tags in zip(lone, ([("Kazakhstan Temir Zholy", Qt.Key.Key_2), ("China", Qt.Key.Key_3),
                                      ("$41 billion", Qt.Key.Key_5), ("2023", Qt.Key.Key_9)],
                                     [("China", Qt.Key.Key_3), ("the first half of the season", Qt.Key.Key_9)])):
        main.select_document(document.id)
        for fragment, key in tags:
            select_text(main, qtbot, fragment)
            qtbot.keyClick(main.article, key)
        qtbot.keyClick(main.article, Qt.Key.Key_Return, CTRL)  # done, and on to the next
    assert all(main.session.store.status(d.id, "aigerim").value == "done" for d in lone)

    # 2. The reviewer: the lone work is listed on its own; a fact is recorded first.
    main.set_annotator("reviewer")
    main.reviewer_action.trigger()
    review = main.companions.review_window
    qtbot.addWidget(review)
    qtbot.waitUntil(lambda: any(item.single for item in review._items), timeout=20_000)
    singles = [item for item in review._items if item.single]
    assert {item.doc_id for item in singles} == {d.id for d in lone} and len(singles) == 6
    facts = main.open_facts()
    qtbot.addWidget(facts)
    model = facts.proposal_model
    row = next(r for r in range(model.rowCount()) if model.row(r)["period"].startswith("2022"))
    facts.proposal_table.selectRow(row)
    facts.fact_value.setText("US$24.1 billion")
    facts.record_fact()
    recorded = model.row(row)
    assert recorded["status"] == "recorded: 24,100,000,000 USD" and "$24.1 billion" in recorded["values"]

    # 3. Accept every agreement, then the lone work: one key, one undo each.
    review.activateWindow()
    qtbot.waitUntil(review.isActiveWindow, timeout=5_000)
    review.item_table.setFocus()
    agreed = sum(1 for item in review._items if item.agreed and not item.single)
    qtbot.keyClick(review.item_table, Qt.Key.Key_A, CTRL | SHIFT)

    assert len(main.session.store.reviews()) >= agreed > 0
    assert all(main.session.store.annotations_for(d.id, "gold") == [] for d in lone)  # agreements are not lone work
    qtbot.keyClick(review.item_table, Qt.Key.Key_S, CTRL | SHIFT)
    assert [len(main.session.store.annotations_for(d.id, "gold")) for d in lone] == [4, 2]
    qtbot.keyClick(review.item_table, Qt.Key.Key_Z, CTRL)
    assert all(main.session.store.annotations_for(d.id, "gold") == [] for d in lone)
    qtbot.keyClick(review.item_table, Qt.Key.Key_Z, CTRL | SHIFT)
    assert [len(main.session.store.annotations_for(d.id, "gold")) for d in lone] == [4, 2]
    qtbot.waitUntil(lambda: "changes made elsewhere" in facts.statusBar().currentMessage(), timeout=10_000)
    assert [model.row(r) for r in range(model.rowCount()) if model.row(r)["period"].startswith("2022")] == [recorded]

    # 4. A measure added on the command line reaches the open Facts window.
    def why(text: str) -> str:
        return next((w for m, w in facts.facts.left if m.text == text), "")

    assert why("$23 billion").startswith("no measure word")
    assert command_line(["measures", str(annotated_project), "add", "invested capital", "invested"]) == 0
    # At the window's next look at the project: the figure has its measure now (its date, in
    # that article's gold layer, is still to settle).
    qtbot.waitUntil(lambda: not why("$23 billion").startswith("no measure word"), timeout=10_000)

    # 5. Export gold through the dialog: the workbook filter left on, a name ending .json.
    target = tmp_path / "gold3.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(target), "Excel workbook (*.xlsx)"))
    monkeypatch.setattr(QInputDialog, "getItem", lambda _parent, _title, _label, items, *rest: (items[0], True))
    main.activateWindow()
    main.export_dialog()
    qtbot.waitUntil(lambda: "gold3.json" in main.saved_label.text(), timeout=30_000)
    assert "Exported JSON, layer gold" in main.saved_label.text()
    documents = {d["id"]: d for d in json.loads(target.read_text(encoding="utf-8"))["documents"]}
    for document in lone:
        exported = documents[document.uid]
        assert exported["status"] == "done" and exported["done_by"] == ["aigerim"]
        assert {a["annotator"] for a in exported["annotations"]} == {"gold"} and exported["annotations"]
    assert documents["000_14e10f92779dfa8b"]["done_by"] == ["aigerim", "daniyar"]
    notes = main.exports.notes
    assert notes is not None and "still in disagreement" in notes.text() and "only one annotator" not in notes.text()
    for window in (facts, review, main):
        window.close()
