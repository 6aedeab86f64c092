"""The learned recommender as a session's windows use it: train it in the background,
retrain it after a burst of edits, show its suggestions at their labels' thresholds,
and go to the document it is least sure of. The windows call this, never
``curator.analysis.learning`` itself.

``Learning.train`` and ``Learning.measure`` run on a worker thread (the training itself
runs in a process of its own: ``curator.analysis.learning.training``), each with a model
of its own (a model is not thread-safe); everything else from the session's thread,
whose model is loaded from the project once per training, not once per document. The
learner itself (CRFsuite, numpy) is imported when first used, not as a window opens.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from curator.analysis.learning.learning_settings import (
    RECOMMENDER,
    LearningSettings,
    save_settings,
    settings_of,
)
from curator.domain.jobs import DocumentFailure, Job
from curator.domain.models import DocumentStatus, Suggestion
from curator.session.changes import Changes
from curator.store import Store

if TYPE_CHECKING:
    from curator.analysis.learning.recommender import Recommender
    from curator.analysis.learning.training import TrainingReport
    from curator.session.history import Session

__all__ = ["RECOMMENDER", "Learning", "LearningSettings", "Trained"]


@dataclass
class Trained:
    """What a training from the window did: the training's report (None when it was
    skipped: nothing new to learn), the suggestions it then made in the annotator's
    documents still to do, and how unsure the model is of each of them."""

    report: TrainingReport | None
    suggested: int = 0
    uncertainty: dict[int, float] = field(default_factory=dict)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        if self.report is None:
            return "Nothing new to learn from: the model is up to date"
        evaluation = self.report.evaluation
        f1 = f", F1 {evaluation.every['all'].f1:.2f} on the project's own annotations" \
            if evaluation is not None and "all" in evaluation.every else ""
        return (f"Trained on {self.report.documents} document(s) in {self.report.seconds:.1f} s{f1}; "
                f"{self.suggested} new learned suggestion(s)")


class Learning:
    """One session's learned recommender: its settings (kept in the project), its model
    (loaded once per training), the edits since the last training, and how unsure it is
    of each document still to do. Create and use on the session's thread, but for
    ``train``, which a worker thread runs."""

    def __init__(self, store: Store, annotator: str) -> None:
        self.store = store
        self.annotator = annotator
        self._model: tuple[object, Recommender | None] | None = None  # (when trained, the model)
        self._model_guard = threading.Lock()
        self.uncertainty: dict[int, float] = {}
        self._finished: set[int] = set()
        self._spans = 0

    @classmethod
    def of(cls, session: Session) -> Learning:
        """The learned recommender of ``session``'s project, for its annotator now."""
        return cls(session.store, session.annotator)

    # -- settings ----------------------------------------------------------------------------

    @property
    def settings(self) -> LearningSettings:
        return settings_of(self.store)

    def save_settings(self, settings: LearningSettings) -> None:
        save_settings(self.store, settings)

    def set_annotator(self, annotator: str) -> None:
        self.annotator = annotator
        self.uncertainty = {}
        self._finished, self._spans = set(), 0

    # -- the model -----------------------------------------------------------------------------

    def model(self) -> Recommender | None:
        """The project's trained recommender (None if none, or learning is off), loaded
        again only when a training replaced it."""
        from curator.analysis.learning.training import load_recommender

        if not self.settings.enabled:
            return None
        stored = self.store.recommender(RECOMMENDER, with_model=False)
        if stored is None:
            return None
        with self._model_guard:
            if self._model is None or self._model[0] != stored.created:
                self._model = (stored.created, load_recommender(self.store))
            return self._model[1]

    def running(self) -> str | None:
        """Who runs a training of this project now (any program), or None."""
        from curator.analysis.learning.training import training_running

        return training_running(self.store)

    def train(self, job: Job, only_if_stale: bool = False, wait: bool = True) -> Trained:
        """Train (on a worker thread: the work itself runs in a process of its own), then
        suggest with the new model in the annotator's documents still to do, noting how
        unsure it is of each. ``only_if_stale``: do nothing when nothing new was
        annotated since the last training (a retraining after a burst of edits)."""
        from curator.analysis.learning.learned_suggestions import suggest_learned
        from curator.analysis.learning.training import (
            is_stale,
            load_recommender,
            train_project,
        )

        if only_if_stale and not is_stale(self.store):
            return Trained(None)
        self._finished, self._spans = set(), 0  # edits from now on count towards the next one
        report = train_project(self.store, job, wait=wait)
        recommender = load_recommender(self.store)  # this thread's own: a recommender is not thread-safe
        if recommender is None:
            return Trained(report)
        job.set_status("Suggesting with the new model")
        done = {doc_id for doc_id, status in self.store.statuses(self.annotator).items()
                if status is DocumentStatus.DONE}
        todo = [doc_id for doc_id in self.store.document_ids() if doc_id not in done]
        unsure: dict[int, float] = {}
        suggested = suggest_learned(self.store, self.annotator, todo, job, recommender, unsure=unsure)
        self.uncertainty = unsure
        return Trained(report, sum(suggested.added.values()), unsure, suggested.failed)

    def measure(self, job: Job) -> dict[int, float]:
        """How unsure the model is of each of the annotator's documents still to do (up to
        ``active_learning.LIMIT`` of them), for ``next_least_sure``; on a worker thread."""
        from curator.analysis.learning.active_learning import LIMIT, least_sure
        from curator.analysis.learning.training import load_recommender

        recommender = load_recommender(self.store)  # this thread's own: a recommender is not thread-safe
        if recommender is None:
            return {}
        self.uncertainty = dict(least_sure(self.store, self.annotator, LIMIT, recommender=recommender, job=job))
        return self.uncertainty

    def suggest_everywhere(self, job: Job) -> int:
        """The model's suggestions refreshed in every document, on a worker thread (with a
        model of its own); how many were added, 0 without a model. A document that fails
        is kept in ``job.failures`` and the others are done."""
        from curator.analysis.learning.learned_suggestions import suggest_learned
        from curator.analysis.learning.training import load_recommender

        recommender = load_recommender(self.store)
        if recommender is None:
            return 0
        job.set_status("Suggesting with the trained model")
        unsure: dict[int, float] = {}
        report = suggest_learned(self.store, self.annotator, None, job, recommender, unsure=unsure)
        self.uncertainty.update(unsure)
        for uid, reason in report.failed:
            job.fail(DocumentFailure(uid, "learned suggestions", reason))
        return sum(report.added.values())

    def suggest(self, doc_id: int) -> list[Suggestion]:
        """The model's suggestions, refreshed in one document; none without a model."""
        from curator.analysis.learning.learned_suggestions import (
            EntityIndex,
            suggest_one,
        )

        recommender = self.model()
        if recommender is None:
            return []
        unsure: dict[int, float] = {}
        added = suggest_one(self.store, doc_id, self.annotator, recommender, self.store.label_schema,
                            self.settings, EntityIndex(self.store.entities()), unsure)
        self.uncertainty.update(unsure)
        return added

    # -- what the window shows ----------------------------------------------------------------------

    def shown(self, suggestions: Iterable[Suggestion], by_confidence: bool = False) -> list[Suggestion]:
        """The suggestions to show: the learned ones at or above their label's threshold
        (a threshold raised after they were made hides them), the others all; in text
        order, or the surest first (the rules' count as sure)."""
        settings = self.settings
        kept = [s for s in suggestions if s.source != RECOMMENDER
                or settings.enabled and (s.confidence or 0.0) >= settings.threshold_for(s.label)]
        if by_confidence:
            kept.sort(key=lambda s: (-(1.0 if s.confidence is None else s.confidence), s.start, s.end))
        return kept

    def learnable(self, settings: LearningSettings | None = None) -> list[str]:
        """The labels the recommender learns and suggests (entity and plain ones, not turned off)."""
        from curator.analysis.learning.training_data import learnable_labels

        return learnable_labels(self.store.label_schema, settings or self.settings)

    # -- retraining after a burst of edits ---------------------------------------------------------

    def note(self, changes: Changes) -> bool:
        """Count the edits of one change that may teach the model (spans of a learned label
        added to the user's layer, documents marked done); whether enough came since the
        last training that a retraining is due (``LearningSettings.retrain_after_spans``
        and ``retrain_after_documents``; 0 turns each off, as does turning learning off)."""
        spans = changes.spans_added(annotator=self.annotator)
        if not spans and not changes.documents:
            return False
        settings = self.settings
        if not settings.enabled:
            return False
        learnable = self.learnable(settings)
        self._spans += sum(1 for span in spans if span.label in learnable)
        for doc_id in changes.documents - self._finished:
            if self.store.status(doc_id, self.annotator) is DocumentStatus.DONE:
                self._finished.add(doc_id)
        return (0 < settings.retrain_after_spans <= self._spans
                or 0 < settings.retrain_after_documents <= len(self._finished))

    # -- active learning -------------------------------------------------------------------------------

    def next_least_sure(self, current: int | None, candidates: Sequence[int] | None = None) -> int | None:
        """The document still to do that the model is least sure of (other than
        ``current``), from what the last training or suggestion measured; None if nothing
        was measured (no model yet) or nothing measured is left to do."""
        if not self.uncertainty:
            return None
        statuses = self.store.statuses(self.annotator)
        allowed = set(candidates) if candidates is not None else None
        left = [(unsure, doc_id) for doc_id, unsure in self.uncertainty.items()
                if doc_id != current and statuses.get(doc_id) is not DocumentStatus.DONE
                and (allowed is None or doc_id in allowed)]
        return max(left, key=lambda pair: (pair[0], -pair[1]))[1] if left else None
