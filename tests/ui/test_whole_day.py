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
    return {window.document.text[s.start:s.end]: s for s in window.store.annotations_for(window.document.id, "tester")}


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
    entity = main.store.get_entity(smailov.entity_id)
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
    assert first.key in main.store.reviews()
    assert review.current_item() is not None and review.current_item().key != first.key  # moved on
    gold = main.store.annotations_for(first.doc_id, "gold")
    assert gold and all(first.start <= g.start and g.end <= first.end for g in gold)
    qtbot.waitUntil(lambda: sum(1 for i in review._items if not i.agreed and i.key not in main.store.reviews())
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
    entities_before = len(main.store.entities())
    duplicates.activateWindow()
    qtbot.keyClick(duplicates.candidate_table, Qt.Key.Key_M)
    assert len(main.store.entities()) == entities_before - 1
    qtbot.waitUntil(lambda: sum(1 for i in review._items if "entity" in i.kinds()) < entity_items, timeout=20_000)
    qtbot.waitUntil(lambda: not duplicates._refresh_soon.isActive(), timeout=5_000)  # the merge's refresh is over
    duplicates.tabs.setCurrentIndex(2)
    duplicates.proposal_table.selectRow(0)
    proposal = duplicates.proposals[0]
    duplicates.activateWindow()  # the curator is in this window (its keys are its own)
    qtbot.waitUntil(duplicates.isActiveWindow, timeout=5_000)
    duplicates.fact_value.setFocus()
    assert duplicates.fact_value.text() == duplicates.proposal_model.row(0)["proposed"]  # offered, to accept
    qtbot.keyClick(duplicates.fact_value, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(duplicates.fact_value, "US$24.2 billion")  # overridden, typed as an article writes it
    qtbot.keyClick(duplicates.fact_value, Qt.Key.Key_Return, CTRL)
    assert duplicates.fact_error.text() == ""
    [fact] = main.store.facts().values()
    assert fact.accepted_amount is not None and float(fact.accepted_amount) == 24.2e9
    assert duplicates.proposal_model.row(0)["status"].startswith("recorded")
    assert proposal.measure == duplicates.proposal_model.row(0)["measure"]

    # 4. Export Excel and JSON, through the dialogs (the gold layer the review wrote).
    answers = [(str(tmp_path / "day.xlsx"), "Excel workbook (*.xlsx)"), (str(tmp_path / "day.json"), "JSON (*.json)")]
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: answers.pop(0))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *args: ("gold", True))
    for target in ("day.xlsx", "day.json"):
        main.export_dialog()
        qtbot.waitUntil(lambda target=target: (tmp_path / target).exists(), timeout=30_000)
        qtbot.waitUntil(lambda target=target: "Exported" in main.saved_label.text() and target in main.saved_label.text(),
                        timeout=30_000)
    data = json.loads((tmp_path / "day.json").read_text(encoding="utf-8"))
    exported = {(d["id"], a["start"], a["end"]) for d in data["documents"] for a in d["annotations"]}
    assert {(main.store.get_document(g.doc_id).uid, g.start, g.end) for g in gold} <= exported
    assert {a["annotator"] for d in data["documents"] for a in d["annotations"]} == {"gold"}
    book = openpyxl.load_workbook(tmp_path / "day.xlsx", read_only=True)
    assert {"documents", "annotations"} <= set(book.sheetnames)
    facts = list(book["facts"].iter_rows(values_only=True))
    header = facts[0]
    assert facts[1][header.index("accepted_amount")] == 24.2e9  # a number, not text
    book.close()

    # 5. Close everything and start again: the work is there, and so is the undo history.
    for window in (duplicates, review, main):
        window.close()
    again = open_window(annotated_project)
    assert again.document.uid == main.document.uid and again.documents.index(0, 3).data() == "✓"
    restored = spans_of(again)
    assert restored["Alikhan Smailov"].entity_id == entity.id and accepted in restored
    assert again.undo_action.text().startswith("&Undo ") and again.undo_action.isEnabled()
