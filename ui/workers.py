"""Runs long core jobs (import, export) off the UI thread with a progress dialog."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from curator.domain.jobs import Cancelled, Job


class _Signals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class _Runnable(QRunnable):
    def __init__(self, work: Callable[[Job], Any], job: Job, signals: _Signals) -> None:
        super().__init__()
        self._work, self._job, self._signals = work, job, signals

    def run(self) -> None:
        try:
            result = self._work(self._job)
        except Cancelled:
            self._tell(self._signals.cancelled)
        except Exception as exc:  # reported to the user on the UI thread
            self._tell(self._signals.failed, exc)
        else:
            self._tell(self._signals.succeeded, result)

    @staticmethod
    def _tell(signal: Any, *args: Any) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the window that asked was closed while the work ran: nobody waits for it
            pass


POOL_THREADS = 8  # at least: long jobs must not hold back short ones


class BackgroundTask(QObject):
    """One job on the global thread pool, with a cancellable progress dialog.

    ``work(job)`` runs on a worker thread and must not touch widgets; it reports
    through ``job`` and may raise ``Cancelled``. ``on_success(result)`` and
    ``on_failure(exc)`` run on the UI thread. Create from the UI thread. With ``dialog``
    False no dialog shows: the caller shows ``progressed(done, total, status)`` where
    it does not stand in the way (work that runs beside the curator's, a training).
    """

    finished = Signal()
    progressed = Signal(int, int, str)

    def __init__(self, parent: QWidget, title: str, work: Callable[[Job], Any],
                 on_success: Callable[[Any], None], on_failure: Callable[[BaseException], None],
                 dialog: bool = True) -> None:
        super().__init__(parent)
        self.job = Job()
        self._on_success, self._on_failure = on_success, on_failure
        self._signals = _Signals(self)
        self._signals.succeeded.connect(self._succeeded)
        self._signals.failed.connect(self._failed)
        self._signals.cancelled.connect(self._done)
        self.dialog: QProgressDialog | None = None
        if dialog:
            self.dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
            self.dialog.setWindowTitle(title)
            self.dialog.setMinimumDuration(400)
            self.dialog.canceled.connect(self.job.cancel)
        self._timer = QTimer(self)
        self._timer.setInterval(100)  # progress is polled, so workers never wait on the UI
        self._timer.timeout.connect(self._show_progress)
        self._runnable = _Runnable(work, self.job, self._signals)

    def start(self) -> "BackgroundTask":
        self._timer.start()
        pool = QThreadPool.globalInstance()
        # Qt's pool has a thread per core: on two cores a training and a near-duplicate
        # search held every thread, and the short reads windows do in the background (the
        # review's recount after a merge, a filter) waited behind them for minutes.
        pool.setMaxThreadCount(max(pool.maxThreadCount(), POOL_THREADS))
        pool.start(self._runnable)
        return self

    def _show_progress(self) -> None:
        self.progressed.emit(self.job.done, self.job.total, self.job.status)
        if self.dialog is None:
            return
        self.dialog.setMaximum(max(self.job.total, 0))
        self.dialog.setValue(min(self.job.done, self.job.total) if self.job.total else 0)
        if self.job.status:
            self.dialog.setLabelText(self.job.status)

    def _succeeded(self, result: Any) -> None:
        self._done()
        self._on_success(result)
        show_failures(self.parent(), self.job)

    def _failed(self, exc: BaseException) -> None:
        self._done()
        self._on_failure(exc)

    def _done(self) -> None:
        self._timer.stop()
        if self.dialog is not None:
            # A progress dialog that was shown took the keyboard: give it back to the
            # window the work was started from, or its shortcuts go dead until a click.
            had_keyboard = self.dialog.isActiveWindow()
            self.dialog.reset()
            self.dialog.hide()
            parent = self.parent()
            if had_keyboard and isinstance(parent, QWidget) and parent.isVisible():
                parent.window().activateWindow()
        self.finished.emit()
        self.deleteLater()


def show_failures(parent: QWidget, job: Job) -> QMessageBox | None:
    """The documents a batch could not do (each named, with the reason), if any, in a box
    that does not block: the batch did the others."""
    failures = job.failures
    if not failures:
        return None
    box = QMessageBox(QMessageBox.Icon.Warning, "Curator", f"{job.failed:,} document(s) could not be done; "
                      f"the others were. The first: {failures[0]}", QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("document_failures")
    box.setDetailedText("\n".join(str(failure) for failure in failures[:1000]))
    box.open()
    return box


def run_task(parent: QWidget, session: Any, title: str, work: Callable[[Job], Any],
             on_success: Callable[[Any], None], on_failure: Callable[[BaseException], None] | None = None,
             origin: str = "job") -> BackgroundTask:
    """Run ``work(job)`` in the background for a window; the session cancels it when it
    closes. What it writes is one operation of ``origin`` ("job", "import"): every window
    hears of it once, when it ends. Failures are shown in a message box unless
    ``on_failure`` says otherwise."""
    def failed(exc: BaseException) -> None:
        QMessageBox.warning(parent, "Curator", str(exc))

    def operation(job: Job) -> Any:
        with session.operation(origin):
            return work(job)

    task = BackgroundTask(parent, title, operation, on_success, on_failure or failed)
    release = session.adopt(task.job)
    task.finished.connect(release)
    return task.start()
