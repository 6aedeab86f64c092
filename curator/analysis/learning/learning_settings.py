"""A project's learning settings, kept in the project: whether the recommender learns and
suggests at all, which labels it leaves alone, and the confidence a learned suggestion
needs to be shown, per label."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field, ValidationError

from curator.domain.model_base import Model
from curator.domain.models import LEARNED

if TYPE_CHECKING:
    from curator.store import Store

# Confidence is calibrated (``calibration``): about the share of such suggestions that are
# right. On CoNLL-2003 (``benchmarks/learning_curve.py``), from 50 annotated articles on,
# those at or above this one were right 88-91% of the time.
DEFAULT_THRESHOLD = 0.7
STATE_KEY = "learning.settings"
RECOMMENDER = LEARNED  # the name of the project's learned recommender, and its suggestions' source


class LearningSettings(Model):
    """``enabled`` off: nothing is trained or suggested by the learned recommender (the
    rules and the entity register still suggest). ``thresholds`` override
    ``threshold`` per label; ``labels_off`` are never learned nor suggested; the window
    retrains by itself after ``retrain_after_spans`` spans or ``retrain_after_documents``
    documents finished (0 turns each off)."""

    enabled: bool = True
    threshold: float = Field(default=DEFAULT_THRESHOLD, ge=0.0, le=1.0)
    thresholds: dict[str, float] = Field(default_factory=dict)
    labels_off: list[str] = Field(default_factory=list)
    # The window retrains by itself after this many spans added, or documents marked
    # done, since the last training (0: never after spans, or documents).
    retrain_after_spans: int = Field(default=25, ge=0)
    retrain_after_documents: int = Field(default=2, ge=0)

    def threshold_for(self, label: str) -> float:
        return self.thresholds.get(label, self.threshold)


def read_settings(stored: Any) -> LearningSettings:
    """The settings a project keeps (``Store.get_state(STATE_KEY)``); the defaults if none
    or if they cannot be read."""
    if not isinstance(stored, dict):
        return LearningSettings()
    try:
        return LearningSettings.model_validate(stored)
    except ValidationError:
        return LearningSettings()


def settings_of(store: Store) -> LearningSettings:
    """The settings the project keeps."""
    return read_settings(store.get_state(STATE_KEY))


def save_settings(store: Store, settings: LearningSettings) -> None:
    store.set_state(STATE_KEY, settings.model_dump(mode="json"))
