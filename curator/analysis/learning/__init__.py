"""Suggestions that learn from the curators: a recommender trained on the project's own
annotations (``recommender``, over a CRF in ``sequence_tagger`` with the features of
``features``), kept in the project, trained in a process of its own (``training``),
whose suggestions join the suggestion layer with a calibrated confidence
(``learned_suggestions``, ``calibration``); what it learns from (``training_data``), how
well it does (``evaluation``), which document it is least sure of (``active_learning``),
and suggestions from outside models and files (``preannotations``).

The names below are imported on first use: a module of the package (the settings, say)
does not bring the learner with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from curator.lazy import lazy_names

_HOME = {
    "RECOMMENDER": "curator.analysis.learning.training",
    "TrainingReport": "curator.analysis.learning.training",
    "TrainingRunning": "curator.analysis.learning.training",
    "training_running": "curator.analysis.learning.training",
    "is_stale": "curator.analysis.learning.training",
    "load_recommender": "curator.analysis.learning.training",
    "save_settings": "curator.analysis.learning.training",
    "settings_of": "curator.analysis.learning.training",
    "train_project": "curator.analysis.learning.training",
    "LearningSettings": "curator.analysis.learning.learning_settings",
    "by_confidence": "curator.analysis.learning.learned_suggestions",
    "new_entity_for": "curator.analysis.learning.learned_suggestions",
    "suggest_learned": "curator.analysis.learning.learned_suggestions",
    "least_sure": "curator.analysis.learning.active_learning",
    "next_least_sure": "curator.analysis.learning.active_learning",
    "suggest_from_jsonl": "curator.analysis.learning.preannotations",
    "suggest_from_spacy": "curator.analysis.learning.preannotations",
}

__all__ = sorted(_HOME)  # noqa: PLE0605 - as the store package names its own

__getattr__, __dir__ = lazy_names(globals(), _HOME)

if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from curator.analysis.learning.active_learning import least_sure, next_least_sure  # noqa: F401
    from curator.analysis.learning.learned_suggestions import (  # noqa: F401
        by_confidence,
        new_entity_for,
        suggest_learned,
    )
    from curator.analysis.learning.learning_settings import LearningSettings  # noqa: F401
    from curator.analysis.learning.preannotations import (  # noqa: F401
        suggest_from_jsonl,
        suggest_from_spacy,
    )
    from curator.analysis.learning.training import (  # noqa: F401
        RECOMMENDER,
        TrainingReport,
        TrainingRunning,
        is_stale,
        load_recommender,
        save_settings,
        settings_of,
        train_project,
        training_running,
    )
