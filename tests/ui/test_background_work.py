import json

from PySide6.QtWidgets import QMessageBox


def test_import_runs_in_the_background_and_adds_rows(window, qtbot, tmp_path):
    (tmp_path / "new.jsonl").write_text(
        '{"id": "n1", "text": "A new article.", "outlet": "Trend"}\n{broken\n', encoding="utf-8")
    task = window.import_paths([tmp_path / "new.jsonl"])
    with qtbot.waitSignal(task.finished, timeout=10_000):
        pass
    assert window.documents.rowCount() == 6
    assert window.documents.index(5, 1).data() == "Trend"
    assert "6 documents" in window.counts_label.text()
    box = next(w for w in window.findChildren(QMessageBox) if w.isVisible())
    assert "1 problem(s)" in box.text() and "line 2" in box.detailedText()
    box.close()


def test_export_runs_in_the_background(window, qtbot, tmp_path):
    target = tmp_path / "dataset.json"
    task = window.export_to(target)
    with qtbot.waitSignal(task.finished, timeout=10_000):
        pass
    assert len(json.loads(target.read_text(encoding="utf-8"))["documents"]) == 5
    assert "Exported" in window.saved_label.text()


def test_refused_export_shows_the_problems_and_writes_nothing(window, qtbot, tmp_path):
    from curator.domain.models import Annotation
    from curator.store import annotations_table

    window.session.store.add_annotation(Annotation(doc_id=window.document.id, start=1, end=5, label="DATE", annotator="x"))
    with window.session.store.engine.begin() as conn:
        conn.execute(annotations_table.update().values(end=10**6))
    target = tmp_path / "refused.xlsx"
    task = window.export_to(target)
    with qtbot.waitSignal(task.finished, timeout=10_000):
        pass
    assert not target.exists()
    dialog = window.companions.validation_dialog
    assert dialog.windowTitle() == "Export refused" and dialog.isVisible()
    row = dialog.model.row(0)
    title = window.session.store.document_by_uid("000_14e10f92779dfa8b").title
    assert (row["document"], row["annotator"], row["offsets"], row["severity"]) == (title, "x", "1-1000000", "error")
    assert "000_14e10f92779dfa8b [1:1000000] in x's layer" in dialog.whole.text()  # the whole problem, under the list
    assert dialog.whole.text().count("x's layer") == 1  # said once
    window.select_row(2)
    dialog.open_problem(0)  # double-click: back to the document, at the span, offering x's layer
    assert window.document.uid == "000_14e10f92779dfa8b"
    assert window.article.selection_range()[0] == 1
    from PySide6.QtWidgets import QInputDialog

    switch = window.findChild(QInputDialog, "switch_layer")
    assert switch is not None and switch.isVisible() and "in x's layer" in switch.labelText()
    switch.setTextValue("Work as x")
    switch.accept()
    assert window.annotator == "x" and window.document.uid == "000_14e10f92779dfa8b"
    assert window.spans.rowCount() == 1 and window.panel.selected_span_id() == window.spans.spans[0].id
    dialog.close()


def test_import_and_export_other_tools_formats_from_the_window(window, qtbot, tmp_path):
    from curator.formats.interop import detect

    tasks = [{"data": {"text": "Wang Yi arrived in Astana.", "meta": {"uid": "ls-1"}},
              "annotations": [{"completed_by": "ann@example.org", "result": [
                  {"value": {"start": 0, "end": 7, "text": "Wang Yi", "labels": ["PERSON"]}}]}]}]
    (tmp_path / "tasks.json").write_text(json.dumps(tasks), encoding="utf-8")
    task = window.import_paths([tmp_path / "tasks.json"])
    with qtbot.waitSignal(task.finished, timeout=10_000):
        pass
    document = window.session.store.document_by_uid("ls-1")
    [span] = window.session.store.annotations_for(document.id)
    assert (span.label, span.annotator) == ("PERSON", "ann@example.org")
    assert "1 span(s) added" in window.saved_label.text()
    task = window.export_to(tmp_path / "out.jsonl", None, "doccano")
    with qtbot.waitSignal(task.finished, timeout=10_000):
        pass
    assert detect(tmp_path / "out.jsonl") == "doccano"


def test_an_edit_the_database_refuses_is_reported_not_dropped(window, monkeypatch):
    import sqlalchemy as sa

    from curator.domain.models import Annotation
    from curator.session.commands import AddSpan

    def locked(_annotation):
        raise sa.exc.OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(window.session.store, "add_annotation", locked)
    monkeypatch.setattr("ui.edits.QMessageBox.warning", lambda *args: None)
    span = Annotation(doc_id=window.document.id, start=1, end=5, label="DATE", annotator="tester")
    assert window.apply(AddSpan(span)) is False
    assert window.session.undo_text is None and window.spans.rowCount() == 0
    assert "Not saved" in window.statusBar().currentMessage()


def test_a_task_whose_window_closed_while_it_ran_ends_quietly(qtbot):
    """The work finishes after its window (and the task's signals) are gone: nobody is
    told, and nothing is raised on the worker thread."""
    import threading

    import shiboken6
    from PySide6.QtWidgets import QWidget

    from ui.workers import BackgroundTask

    parent, release, ended = QWidget(), threading.Event(), threading.Event()
    told = []

    def work(_job):
        release.wait(5)
        return 1

    task = BackgroundTask(parent, "Working", work, told.append, told.append)
    task._runnable.setAutoDelete(False)  # kept here, to see its run end
    original = task._runnable.run
    task._runnable.run = lambda: (original(), ended.set())
    task.start()
    shiboken6.delete(parent)  # the window closes, and its children with it
    release.set()
    qtbot.waitUntil(ended.is_set, timeout=5_000)
    qtbot.wait(50)
    assert told == []


def test_the_window_has_the_keyboard_back_when_a_long_task_ends(window, qtbot):
    """A task long enough to show its progress dialog takes the keyboard; when it ends, the
    window it was started from has it again, so its shortcuts work without a click
    (Ctrl+Return: done, and on to the next document)."""
    import threading

    from PySide6.QtCore import Qt

    from ui.workers import BackgroundTask

    release = threading.Event()
    task = BackgroundTask(window, "Working", lambda _job: release.wait(10), lambda _r: None, lambda _e: None).start()
    qtbot.waitUntil(lambda: task.dialog.isVisible() and task.dialog.isActiveWindow(), timeout=5_000)
    assert not window.isActiveWindow()
    with qtbot.waitSignal(task.finished, timeout=5_000):
        release.set()
    qtbot.waitUntil(window.isActiveWindow, timeout=2_000)
    first = window.document.id
    qtbot.keyClick(window.article, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.session.store.status(first, window.annotator).value == "done"
    assert window.document.id != first


def test_a_document_a_background_batch_fails_on_is_named_and_the_others_are_done(window, qtbot, monkeypatch):
    from curator.analysis import suggest

    original = suggest.propose

    def poisoned(document, *args, **kwargs):
        if document.uid == window.session.store.uids()[window.session.store.document_ids()[2]]:
            raise ValueError("max() arg is an empty sequence")
        return original(document, *args, **kwargs)

    monkeypatch.setattr(suggest, "propose", poisoned)
    task = window.suggestion_control.suggest_for_project()
    with qtbot.waitSignal(task.finished, timeout=30_000):
        pass
    box = window.findChild(QMessageBox, "document_failures")
    poisoned_uid = window.session.store.uids()[window.session.store.document_ids()[2]]
    assert box is not None and box.isVisible() and "1 document(s) could not be done" in box.text()
    assert f"{poisoned_uid}: suggest failed (ValueError: max() arg is an empty sequence)" in box.detailedText()
    suggested = [doc_id for doc_id in window.session.store.document_ids() if window.session.store.suggestions_for(doc_id, "tester")]
    assert len(suggested) == 4
    box.close()


def test_an_import_is_undone_and_redone_with_the_keyboard(window, qtbot, tmp_path):
    from PySide6.QtCore import Qt

    (tmp_path / "new.jsonl").write_text("".join(
        json.dumps({"id": f"n{n}", "title": f"New {n}", "text": f"New article {n}."}) + "\n" for n in range(2)),
        encoding="utf-8")
    task = window.import_paths([tmp_path / "new.jsonl"])
    with qtbot.waitSignal(task.finished, timeout=10_000):
        pass
    assert window.documents.rowCount() == 7
    window.select_row(6)  # the last new article is open when its import is undone
    assert window.document.title == "New 1"
    qtbot.wait(50)  # the history's event comes from the import's thread
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.documents.rowCount() == 5
    assert window.document is not None and window.document.title != "New 1"
    assert "Undone: Import 2 documents" in window.saved_label.text()
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.documents.rowCount() == 7
    new = [window.session.store.document_by_uid(f"n{n}").id for n in range(2)]
    assert all(window.documents.row_of(doc_id) is not None for doc_id in new)


def test_long_jobs_do_not_hold_back_a_short_one(qtbot):
    """Two long jobs (a training, a near-duplicate search) running at once leave room for
    a window's short background read: it ends while they still run, on a machine of any
    number of cores (Qt's pool had one thread a core, so on two it waited for them)."""
    import threading

    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QWidget

    from ui.workers import BackgroundTask

    parent = QWidget()
    qtbot.addWidget(parent)
    release = threading.Event()
    QThreadPool.globalInstance().setMaxThreadCount(2)  # as on a two-core machine
    long_ones = [BackgroundTask(parent, "long", lambda job: release.wait(30), lambda _r: None, lambda _e: None,
                                dialog=False).start() for _ in range(2)]
    results = []
    BackgroundTask(parent, "short", lambda job: "read", results.append, lambda _e: None, dialog=False).start()
    try:
        qtbot.waitUntil(lambda: results == ["read"], timeout=10_000)
        assert not release.is_set() and len(long_ones) == 2  # the long ones still run
    finally:
        release.set()
        QThreadPool.globalInstance().waitForDone(10_000)
