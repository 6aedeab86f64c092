"""One change description: every open window (main, review, duplicates, facts, the label
editor, the measures) and every Undo label follow whatever changed the project,
whoever changed it: an undo in one window, a label edit in another, and a measure added
by another process on the command line, seen at the session's next look."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtCore import Qt

WHY_BEFORE, WHY_AFTER = "no measure word", "the only article with invested capital"


def open_every_window(open_window, location, settings, qtbot):
    settings.reviewer = True
    main = open_window(location)
    review = main.open_review()
    qtbot.addWidget(review)
    with qtbot.waitSignal(review.task.finished, timeout=20_000):
        pass
    duplicates = main.open_duplicates()
    qtbot.addWidget(duplicates)
    with qtbot.waitSignal(duplicates.task.finished, timeout=20_000):
        pass
    facts = main.open_facts()
    qtbot.addWidget(facts)
    labels = main.open_label_editor()
    measures = facts.open_measures()
    return main, review, duplicates, facts, labels, measures


def test_every_open_window_and_the_undo_label_follow_an_undo_a_label_edit_and_a_measure_made_elsewhere(
        open_window, annotated_project, settings, tmp_path, qtbot):
    main, review, duplicates, facts, labels, measures = open_every_window(open_window, annotated_project, settings,
                                                                           qtbot)
    windows = {"main": main, "review": review, "duplicates": duplicates, "facts": facts, "labels": labels}

    def undo_labels() -> dict[str, str]:
        return {name: window.history.undo_action.text() for name, window in windows.items()}

    def everywhere(text: str) -> dict[str, str]:
        return dict.fromkeys(windows, text)

    def facts_reread() -> None:
        qtbot.waitUntil(lambda: "changes made elsewhere" in facts.statusBar().currentMessage(), timeout=10_000)
        facts.statusBar().clearMessage()

    def why(text: str) -> str:
        return next(reason for mention, reason in facts.facts.left if mention.text == text)

    # 1. A disagreement settled in review, then undone from the main window.
    assert undo_labels() == everywhere("&Undo")
    open_items = review.item_model.rowCount()
    item = review.current_item()
    review.accept(0)
    settled = main.session.undo_text
    assert settled and undo_labels() == everywhere(f"&Undo {settled}")
    assert review.item_model.rowCount() == open_items - 1
    facts_reread()  # gold spans moved: the facts are read again
    main.history.undo()
    assert undo_labels() == everywhere("&Undo")
    assert main.history.redo_action.text() == review.history.redo_action.text() == f"&Redo {settled}"
    assert review.item_model.rowCount() == open_items  # the item is open again
    assert main.document.id == item.doc_id and f"Undone: {settled}" in main.saved_label.text()
    assert labels.message.text() == f"Undone elsewhere: {settled}"
    facts_reread()

    # 2. A label renamed in the label editor: its spans move, every window shows the new name.
    labels.select_label("PERSON")
    labels.name.setText("PEOPLE")
    qtbot.keyClick(labels.name, Qt.Key.Key_Return)
    renamed = "&Undo Rename label PERSON to PEOPLE"
    assert undo_labels() == everywhere(renamed)
    assert "PEOPLE" in main.panel.label_buttons and "PERSON" not in main.panel.label_buttons
    assert "PEOPLE" in [review.gold_label.itemText(i) for i in range(review.gold_label.count())]
    assert labels.labels.label(0).name == "PEOPLE"
    assert "PEOPLE" in duplicates.left_view._colors and "PERSON" not in duplicates.left_view._colors
    facts_reread()

    # 3. A measure added by another process, on the command line, as the same curator.
    assert why("$23 billion").startswith(WHY_BEFORE)
    done = subprocess.run([sys.executable, "-m", "curator", "measures", str(annotated_project), "add",
                           "invested capital", "invested"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "CURATOR_CONFIG": str(settings.path.parent)})
    assert done.returncode == 0, done.stderr
    assert undo_labels() == everywhere(renamed)  # nothing is seen before the session looks
    changes = main.session.poll()
    assert changes is not None and changes.origin == "elsewhere" and changes.measures
    assert undo_labels() == everywhere("&Undo Edit measures")
    assert "invested capital" in [measures.model.row(r)["name"] for r in range(measures.model.rowCount())]
    assert why("$23 billion").startswith(WHY_AFTER)
    assert main.session.poll() is None  # seen once


def test_an_import_reaches_the_windows_as_one_change_when_it_ends(window, qtbot, tmp_path):
    """Imported in batches on a worker thread (each committed on a writer thread of its
    own), the articles reach the document list as one change, on the UI thread."""
    from PySide6.QtCore import QThread

    for number in range(3):
        (tmp_path / f"article{number}.txt").write_text(f"Article {number} says something new.", encoding="utf-8")
    heard = []
    window.changes.changed.connect(lambda changes: heard.append((changes, QThread.currentThread())))
    task = window.import_paths(sorted(tmp_path.glob("article*.txt")))
    with qtbot.waitSignal(task.finished, timeout=20_000):
        pass
    [(changes, thread)] = heard
    assert changes.origin == "import" and len(changes.documents_added) == 3 and thread is window.thread()
    assert window.documents.rowCount() == 8 and "8 documents" in window.counts_label.text()


def test_an_import_and_its_undo_reach_every_open_window(open_window, annotated_project, settings, tmp_path, qtbot):
    main, review, duplicates, facts, labels, _measures = open_every_window(open_window, annotated_project, settings,
                                                                            qtbot)
    windows = (main, review, duplicates, facts, labels)
    for number in range(2):
        (tmp_path / f"new{number}.txt").write_text(f"Article {number}, new today.", encoding="utf-8")

    def every_window_followed(text: str) -> None:
        assert {window.history.undo_action.text() for window in windows} == {text}
        qtbot.waitUntil(lambda: "changed elsewhere" in review.statusBar().currentMessage(), timeout=10_000)
        for window in (duplicates, facts):
            qtbot.waitUntil(lambda: "changes made elsewhere" in window.statusBar().currentMessage(), timeout=10_000)
        for window in (review, duplicates, facts):
            window.statusBar().clearMessage()

    with qtbot.waitSignal(main.import_paths(sorted(tmp_path.glob("new*.txt"))).finished, timeout=20_000):
        pass
    assert main.documents.rowCount() == 7
    every_window_followed("&Undo Import 2 documents")
    main.history.undo()
    assert main.documents.rowCount() == 5 and "5 documents" in main.counts_label.text()
    assert labels.message.text() == "Undone elsewhere: Import 2 documents"
    every_window_followed("&Undo")
