"""The annotation window's learned recommender: trained in the background (from the
Suggestions menu, and by itself after a burst of edits), its progress in the status bar
with a Cancel button, never in the way of the curator's work; and "next document" going
to the one it is least sure of, as an option. A part of the suggestion controller, given
the main window (never imported by it). It asks ``curator.session.learning``."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QProgressBar, QToolButton

from curator.errors import CuratorError
from curator.session.changes import Changes
from curator.session.learning import Learning, Trained
from ui.change_signals import after_burst
from ui.edits import show_error
from ui.workers import BackgroundTask

QUIET_MS = 1500  # a retraining after a burst of edits waits for this pause in them
LEAST_SURE = "next.least_sure"  # the user's choice that "next document" goes to the least sure one


class LearningController(QObject):
    """Trains the project's recommender beside the curator's work and tells the window
    when it is done (``trained``, with what it did, on the UI thread). One training at a
    time: asked again while one runs, it says so; the window's own retraining waits
    for the running one (here or in another program) to end. UI thread only."""

    trained = Signal(object)  # a ``Trained``
    training_ended = Signal()  # trained, failed or cancelled

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.learning = Learning.of(window.session)
        self.task: BackgroundTask | None = None
        self._due = False
        self._automatic = False
        self.quiet = after_burst(self, QUIET_MS, self._on_quiet)
        window.changes.changed.connect(self._on_changes)
        # Made when a training first starts: the status bar stays as it was until then.
        self.progress: QProgressBar | None = None
        self.cancel_button: QToolButton | None = None
        if self.least_sure_next:
            self.measure()

    # -- training ----------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.task is not None

    def train(self, automatic: bool = False) -> BackgroundTask | None:
        """Train in the background; ``automatic`` (after a burst of edits) trains only if
        something new was annotated, and says little."""
        w = self.window
        if self.task is not None:
            if not automatic:
                w.statusBar().showMessage("A training is running already: its progress is in the status bar", 4000)
            return None
        self._follow_annotator()
        self._automatic = automatic
        task = BackgroundTask(w, "Training", lambda job: self.learning.train(job, only_if_stale=automatic),
                              self._on_trained, self._on_failed, dialog=False)
        task.progressed.connect(self._show_progress)
        task.finished.connect(w.session.adopt(task.job))  # cancelled if the window closes first
        task.finished.connect(self._on_finished)
        self.task = task
        self._make_progress()
        self.progress.setRange(0, 0)
        self.progress.setFormat("Training…")
        self.progress.show()
        self.cancel_button.show()
        return task.start()

    def _make_progress(self) -> None:
        if self.progress is not None:
            return
        w = self.window
        self.progress = QProgressBar(w)
        self.progress.setObjectName("training_progress")
        self.progress.setMaximumWidth(220)
        self.progress.setMaximumHeight(w.statusBar().sizeHint().height())
        self.progress.setTextVisible(True)
        self.cancel_button = QToolButton(w)
        self.cancel_button.setObjectName("cancel_training")
        self.cancel_button.setText("Cancel training")
        self.cancel_button.setAutoRaise(True)
        self.cancel_button.clicked.connect(self.cancel)
        w.statusBar().addPermanentWidget(self.progress)
        w.statusBar().addPermanentWidget(self.cancel_button)

    def _follow_annotator(self) -> None:
        if self.learning.annotator != self.window.annotator:  # another annotator: their documents, their counts
            self.learning.set_annotator(self.window.annotator)

    def for_annotator(self) -> Learning:
        """The session's learning, for the window's annotator now."""
        self._follow_annotator()
        return self.learning

    def cancel(self) -> None:
        if self.task is not None and self.progress is not None:
            self.task.job.cancel()
            self.progress.setFormat("Cancelling…")

    def _show_progress(self, done: int, total: int, status: str) -> None:
        if self.progress is None:
            return
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        else:
            self.progress.setRange(0, 0)
        self.progress.setFormat(f"{status} %p%" if total > 0 and status else status or "Training…")
        self.progress.setToolTip(status)

    def _on_trained(self, result: Trained) -> None:
        w = self.window
        if not (self._automatic and result.report is None):
            w.statusBar().showMessage(str(result), 10000)
        self.trained.emit(result)

    def _on_failed(self, exc: BaseException) -> None:
        w = self.window
        if self._automatic or isinstance(exc, CuratorError):  # nothing to learn yet, another training runs, ...
            w.statusBar().showMessage(f"The recommender was not trained: {exc}", 10000)
        else:
            show_error(w, f"The training failed: {exc}")

    def _on_finished(self) -> None:
        self.task = None
        self._show_idle()
        self.training_ended.emit()
        if self._due:  # edits came while it trained: once they pause, again
            self.quiet.start()

    def _show_idle(self) -> None:
        if self.progress is not None and self.cancel_button is not None:
            self.progress.hide()
            self.cancel_button.hide()

    # -- retraining after a burst of edits ----------------------------------------------------------------

    def _on_changes(self, changes: Changes) -> None:
        if self.learning.note(changes):
            self._due = True
            self.quiet.start()  # (again): the training waits for a pause in the edits

    def _on_quiet(self) -> None:
        if not self._due or self.task is not None:
            return
        self._due = False  # (another program training this project: this one waits for it, saying so)
        self.train(automatic=True)

    # -- the least sure document ---------------------------------------------------------------------------

    @property
    def least_sure_next(self) -> bool:
        return self.window.settings.recall(LEAST_SURE) == "on"

    def set_least_sure_next(self, on: bool) -> None:
        self.window.settings.remember(LEAST_SURE, "on" if on else "off")
        if on:
            self.measure()

    def measure(self) -> BackgroundTask | None:
        """How unsure the model is of each document still to do, measured in the background
        (a training measures them too), for "next document" to go to the least sure."""
        if self.learning.uncertainty or self.learning.model() is None:
            return None
        w = self.window
        self._follow_annotator()
        task = BackgroundTask(w, "Measuring", self.learning.measure, lambda _found: None, lambda _exc: None,
                              dialog=False)
        task.finished.connect(w.session.adopt(task.job))
        return task.start()

    def go_to_least_sure(self) -> bool:
        """Go to the document still to do that the model is least sure of, if the option is
        on and the model measured one; whether it went."""
        w = self.window
        if not self.least_sure_next:
            return False
        self._follow_annotator()
        current = w.document.id if w.document is not None else None
        doc_id = self.learning.next_least_sure(current)
        if doc_id is None:
            if self.learning.model() is not None:
                w.statusBar().showMessage("The model has not measured the documents yet: the next one in the list",
                                          4000)
                self.measure()
            return False
        w.select_document(doc_id)
        w.statusBar().showMessage(f"The document the model is least sure of "
                                  f"(uncertainty {self.learning.uncertainty.get(doc_id, 0.0):.2f})", 5000)
        return True
