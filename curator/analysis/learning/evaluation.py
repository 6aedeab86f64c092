"""How well the learned recommender does on the project's own annotations.

Training checks itself (``recommender.fit``): the documents are split in two halves
(alternate documents), a model trained on each half suggests for the other, and every
span it finds is compared with the curators' (exact start, end and label). So every
document is held out once, by a model that never saw it. The figures are those of
models trained on half the documents: the model kept, trained on all, does about as
well or better. ``score`` gives precision, recall and F1 per label and over all
(``"all"``), of every span found and of those shown at the thresholds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Score:
    gold: int
    found: int
    right: int

    @property
    def precision(self) -> float:
        return self.right / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.right / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {**asdict(self), "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4)}


@dataclass
class CrossCheck:
    """What the check found: how many documents it held out, their spans per label, and
    each span the models found there (label, confidence, whether it was right)."""

    documents: int = 0
    gold: Counter[str] = field(default_factory=Counter)
    found: list[tuple[str, float, bool]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"documents": self.documents, "gold": dict(self.gold),
                "found": [[label, round(confidence, 4), right] for label, confidence, right in self.found]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CrossCheck:
        return cls(int(data["documents"]), Counter({str(k): int(v) for k, v in data["gold"].items()}),
                   [(str(label), float(confidence), bool(right)) for label, confidence, right in data["found"]])


@dataclass(frozen=True)
class Evaluation:
    """Scores per label and over all, of every span found and of those shown."""

    documents: int
    every: dict[str, Score]
    shown: dict[str, Score]

    def as_dict(self) -> dict[str, Any]:
        return {"documents": self.documents, "every": {k: v.as_dict() for k, v in self.every.items()},
                "shown": {k: v.as_dict() for k, v in self.shown.items()}}


def score(check: CrossCheck, threshold_for: Callable[[str], float]) -> Evaluation:
    found: Counter[str] = Counter()
    right: Counter[str] = Counter()
    shown_found: Counter[str] = Counter()
    shown_right: Counter[str] = Counter()
    for label, confidence, correct in check.found:
        found[label] += 1
        right[label] += correct
        if confidence >= threshold_for(label):
            shown_found[label] += 1
            shown_right[label] += correct
    labels = sorted(set(check.gold) | set(found))

    def scores(made: Counter[str], correct: Counter[str]) -> dict[str, Score]:
        per = {label: Score(check.gold.get(label, 0), made[label], correct[label]) for label in labels}
        per["all"] = Score(sum(check.gold.values()), sum(made.values()), sum(correct.values()))
        return per

    return Evaluation(check.documents, scores(found, right), scores(shown_found, shown_right))
