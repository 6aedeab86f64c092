"""Confidence that means what it says: a learned suggestion of confidence 0.8 is right
about eight times in ten.

The sequence model's own number (its least sure word's marginal probability) orders
spans well but is not a rate: with few annotated articles it is low even for spans
that are nearly always right. Training checks itself on the project's own annotations
(``recommender.fit``: two models each trained on half of the documents suggest for the
other half), and the spans they found, with whether each was right, map the model's
number to the share of spans right at that number: counted in ten bins, each pulled
towards the model's own number by a few pseudo-counts (so a bin with little evidence
stays near it) and made non-decreasing, then read between the bins' centres.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

BINS = 10
PRIOR = 4.0  # pseudo-counts of the model's own number in each bin


@dataclass(frozen=True)
class Calibration:
    """The calibrated confidence at each bin's centre (none: the model's number as it is)."""

    points: tuple[float, ...] = ()

    def __call__(self, raw: float) -> float:
        if not self.points:
            return raw
        position = min(max(raw * BINS - 0.5, 0.0), BINS - 1.0)
        low = int(position)
        high = min(low + 1, BINS - 1)
        share = position - low
        return self.points[low] * (1 - share) + self.points[high] * share

    @classmethod
    def learn(cls, checked: Iterable[tuple[float, bool]]) -> Calibration:
        """From (the model's number, whether the span was right) of spans it found."""
        found = [0.0] * BINS
        right = [0.0] * BINS
        for raw, correct in checked:
            index = min(int(raw * BINS), BINS - 1)
            found[index] += 1
            right[index] += bool(correct)
        if not any(found):
            return cls()
        centres = [(index + 0.5) / BINS for index in range(BINS)]
        rates = [(right[i] + PRIOR * centres[i]) / (found[i] + PRIOR) for i in range(BINS)]
        weights = [found[i] + PRIOR for i in range(BINS)]
        return cls(tuple(round(value, 4) for value in _increasing(rates, weights)))


def _increasing(values: list[float], weights: list[float]) -> list[float]:
    """The non-decreasing sequence nearest ``values`` in weighted squares (pool adjacent violators)."""
    blocks: list[list[float]] = []  # [mean, weight, count]
    for value, weight in zip(values, weights):
        blocks.append([value, weight, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean2, weight2, count2 = blocks.pop()
            mean1, weight1, count1 = blocks.pop()
            total = weight1 + weight2
            blocks.append([(mean1 * weight1 + mean2 * weight2) / total, total, count1 + count2])
    return [mean for mean, _weight, count in blocks for _ in range(int(count))]
