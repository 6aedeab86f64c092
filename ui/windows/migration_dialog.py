"""Opening a project off the UI thread, with a dialog while an older one is brought up to
date: the step, the rows copied of all, and why it cannot be cancelled.

A migration is minutes at a million articles (the documents table rebuilt); run on the UI
thread, the window looked hung. The opening runs on the thread pool while the UI thread
waits in an event loop of its own that keeps painting; the dialog appears only once a
migration starts, so an up-to-date project opens as before, without one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QProgressDialog, QWidget

from curator.domain.jobs import Job
from ui.workers import POOL_THREADS

T = TypeVar("T")

CANNOT_CANCEL = ("This cannot be cancelled: it is one transaction, done whole or not at all. If Curator is "
                 "stopped, the project stays as it was and is brought up to date when it is next opened.")
POLL_MS = 100  # how often the dialog reads the job (the migration never waits on the UI)


class MigrationDialog(QProgressDialog):
    """The progress of bringing a project up to date: the step's text, a bar of the rows
    copied of all (busy while a step copies none) and why it has no Cancel. It cannot be
    closed: it goes when the migration ends. UI thread only."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("migration_dialog")
        self.setWindowTitle("Curator: bringing the project up to date")
        self.setCancelButton(None)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumDuration(0)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setRange(0, 0)
        self.setMinimumWidth(480)

    def show_job(self, job: Job) -> None:
        done, total = job.done, job.total
        if total > 0:
            self.setRange(0, total)
            self.setValue(max(0, min(done, total)))
        else:
            self.setRange(0, 0)  # busy: a step that copies no rows
        self.setLabelText(f"{job.status}\n\n{CANNOT_CANCEL}")

    def closeEvent(self, event: QCloseEvent) -> None:
        event.ignore()  # (half a transaction cannot be left: it ends by itself)

    def reject(self) -> None:
        pass  # Escape: likewise


class _Ended(QObject):
    ended = Signal()


def open_bringing_up_to_date(parent: QWidget | None, open_it: Callable[[Job], T]) -> T:
    """``open_it(job)`` (opening a project, which may migrate it) on the thread pool, the
    UI thread waiting for it in an event loop: windows keep painting, the user's input
    waits, and while a migration runs a ``MigrationDialog`` shows what ``job`` is told.
    Returns what ``open_it`` returned, or raises what it raised. Call from the UI thread."""
    job, outcome = Job(), {}
    ended, loop = _Ended(), QEventLoop()
    ended.ended.connect(loop.quit, Qt.ConnectionType.QueuedConnection)  # (posted: also if it ends first)

    def run() -> None:
        try:
            outcome["value"] = open_it(job)
        except BaseException as exc:  # raised again on the UI thread
            outcome["error"] = exc
        finally:
            ended.ended.emit()

    dialog: list[MigrationDialog] = []

    def show_progress() -> None:
        if not job.status:  # (no migration: nothing to show)
            return
        if not dialog:
            dialog.append(MigrationDialog(parent))
            dialog[0].show()
        dialog[0].show_job(job)

    timer = QTimer()
    timer.setInterval(POLL_MS)
    timer.timeout.connect(show_progress)
    pool = QThreadPool.globalInstance()
    pool.setMaxThreadCount(max(pool.maxThreadCount(), POOL_THREADS))  # (long jobs may hold some)
    timer.start()
    pool.start(run)
    try:
        loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    finally:
        timer.stop()
        for shown in dialog:
            shown.hide()
            shown.deleteLater()
    return _outcome(outcome)


def _outcome(outcome: dict[str, Any]) -> Any:
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
