"""Opening an older project from the window: while it is brought up to date (minutes at a
million articles) a dialog says which step runs and why it cannot be cancelled, the window
keeps painting, and the project opens migrated. An up-to-date project opens without one."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QPushButton
from test_ids_never_reused import _project_at_0011

from curator.session.project import open_project
from ui.windows.main_window import MainWindow
from ui.windows.migration_dialog import MigrationDialog, open_bringing_up_to_date


@pytest.fixture
def migration_held(tmp_path):
    """A project at revision 0011, whose migration is held while it copies the documents'
    rows until ``go`` is set (or 20 s): (its folder, ``reached``, ``go``)."""
    _project_at_0011(tmp_path / "older", tmp_path)
    reached, go = threading.Event(), threading.Event()

    def hold(_conn, _cursor, statement, *_args) -> None:
        if statement.startswith('INSERT INTO "_new_documents"') and not go.is_set():
            reached.set()
            go.wait(20)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", hold)
    yield tmp_path / "older", reached, go
    go.set()
    sa.event.remove(sa.engine.Engine, "before_cursor_execute", hold)


def _watch_the_dialog(reached: threading.Event, go: threading.Event, seen: dict) -> QTimer:
    """Once the migration is held: what the dialog shows, and whether closing it or Escape
    takes it away; then lets the migration go on."""
    def look() -> None:
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, MigrationDialog) and w.isVisible()]
        if not reached.is_set() or not dialogs:
            return
        dialog = dialogs[0]
        seen["text"] = dialog.labelText()
        seen["buttons"] = [button.text() for button in dialog.findChildren(QPushButton) if button.isVisible()]
        seen["modal"] = dialog.isModal()
        dialog.close()
        dialog.reject()
        seen["still_shown"] = dialog.isVisible()
        timer.stop()
        go.set()

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(look)
    timer.start()
    return timer


def test_opening_an_older_project_from_the_window_shows_its_migration(qtbot, window, monkeypatch, migration_held):
    older, reached, go = migration_held
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_args: str(older))
    seen: dict = {}
    watching = _watch_the_dialog(reached, go, seen)
    window.open_project_dialog()
    watching.stop()
    opened = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w is not window
              and w.isVisible()]
    assert opened, "the project did not open"
    try:
        assert "Bringing the project up to date: rebuilding the documents and history tables" in seen["text"]
        assert "cannot be cancelled: it is one transaction" in seen["text"]
        assert seen["buttons"] == [] and seen["modal"] and seen["still_shown"]  # no Cancel, and it stays
        assert opened[0].session.store.migrations_applied == ["0012"]
        assert not any(isinstance(w, MigrationDialog) and w.isVisible() for w in QApplication.topLevelWidgets())
    finally:
        for other in opened:
            other.close()
            other.session.store.close()


def test_an_up_to_date_project_opens_without_a_dialog(qtbot, project, monkeypatch):
    from ui.windows import migration_dialog

    made = []

    class Counted(MigrationDialog):
        def __init__(self, parent) -> None:
            made.append(self)
            super().__init__(parent)

    monkeypatch.setattr(migration_dialog, "MigrationDialog", Counted)
    monkeypatch.setattr(migration_dialog, "POLL_MS", 0)  # it looks at every turn of the loop
    with open_bringing_up_to_date(None, lambda job: open_project(project, job=job)) as store:
        assert store.migrations_applied == [] and store.document_count() > 0
    assert made == []


def test_a_failed_opening_is_raised_on_the_ui_thread(qtbot, tmp_path):
    from curator.errors import CuratorError

    with pytest.raises(CuratorError, match="not a Curator project"):
        open_bringing_up_to_date(None, lambda job: open_project(tmp_path / "nothing", job=job))


def test_the_dialog_shows_the_rows_copied_of_all_and_is_busy_between(qtbot):
    from curator.domain.jobs import Job

    dialog = MigrationDialog(None)
    qtbot.addWidget(dialog)
    job = Job()
    job.set_status("Bringing the project up to date: rebuilding the documents and history tables")
    job.set_progress(250, 1000)
    dialog.show_job(job)
    assert (dialog.value(), dialog.maximum()) == (250, 1000)
    assert dialog.labelText().startswith(job.status)
    job.set_status("Bringing the project up to date: saving the changes")
    job.set_progress(0, 0)
    dialog.show_job(job)
    assert dialog.maximum() == 0 and "saving the changes" in dialog.labelText()  # busy
    assert dialog.windowModality() == Qt.WindowModality.ApplicationModal


def test_starting_the_window_on_an_older_project_shows_its_migration(qtbot, monkeypatch, migration_held):
    """``curator gui P`` on a project an older Curator made: the dialog before the window."""
    from ui import app

    older, reached, go = migration_held
    opened: list[MainWindow] = []

    def shown_then_closed(*_args) -> int:  # (instead of the application's loop: the window is up)
        opened.extend(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())
        migrated = [w.session.store.migrations_applied for w in opened]
        for window in opened:
            window.close()
        return 0 if migrated == [["0012"]] else 1

    monkeypatch.setattr(app, "settle_heap", lambda: None)  # (it freezes the test process's heap)
    monkeypatch.setattr(QApplication, "exec", shown_then_closed)
    seen: dict = {}
    watching = _watch_the_dialog(reached, go, seen)
    assert app.run(str(older)) == 0
    watching.stop()
    assert "Bringing the project up to date: rebuilding" in seen["text"] and seen["buttons"] == []
