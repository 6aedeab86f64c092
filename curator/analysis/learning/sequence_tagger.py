"""The sequence model under the learned recommender: a linear-chain CRF (CRFsuite,
through python-crfsuite) over the words of a sentence, tagging each word B-, I- of a
label, or O.

Measured against spaCy's NER and string matching on a real news corpus
(``benchmarks/learning_curve.py``), the CRF with the features of ``features`` learns
more from few articles, trains in seconds instead of minutes on two cores, tags an
article in milliseconds and needs no GPU and no download.

A span's confidence is the smallest marginal probability, among its words, of the tag
the best path gave the word: a span is as sure as its least sure word.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import pycrfsuite

OUTSIDE = "O"
ITERATIONS = 120
CHECK_ITERATIONS = 60  # for the models that check it on half the documents: calibration needs no more
PARAMETERS = {"c1": 0.1, "c2": 0.05, "max_iterations": ITERATIONS, "feature.possible_transitions": True}


def encode(length: int, spans: Iterable[tuple[int, int, str]]) -> list[str]:
    """Tags for ``length`` tokens holding ``spans`` (first token, last + 1, label); a span
    overlapping one already placed is left out (nested spans are not learned)."""
    tags = [OUTSIDE] * length
    for first, last, label in sorted(spans):
        if first < last <= length and all(tag == OUTSIDE for tag in tags[first:last]):
            tags[first] = f"B-{label}"
            for inside in range(first + 1, last):
                tags[inside] = f"I-{label}"
    return tags


def decode(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """The spans (first token, last + 1, label) that ``tags`` mark; a stray I- starts one."""
    found: list[tuple[int, int, str]] = []
    first, label = 0, None
    for position, tag in enumerate([*tags, OUTSIDE]):
        inside = tag.startswith("I-") and tag[2:] == label
        if label is not None and not inside:
            found.append((first, position, label))
            label = None
        if tag != OUTSIDE and not inside:
            first, label = position, tag[2:]
    return found


@dataclass(frozen=True)
class TaggedSpan:
    first: int
    last: int
    label: str
    confidence: float


class _Trainer(pycrfsuite.Trainer):
    """CRFsuite's trainer, reporting each iteration to ``on_step`` (which may raise to stop),
    printing nothing."""

    def __init__(self, on_step: Callable[[int], None]) -> None:
        super().__init__(verbose=True)  # CRFsuite reports iterations only when verbose
        self._on_step = on_step

    def message(self, message: str) -> None:
        if self.logparser.feed(message) == "iteration":
            self._on_step(self.logparser.last_iteration["num"])


def train(sequences: Iterable[tuple[list[list[str]], list[str]]],
          on_step: Callable[[int], None] = lambda _iteration: None, iterations: int = ITERATIONS) -> bytes:
    """A model trained on (features, tags) sequences, as CRFsuite writes it."""
    trainer = _Trainer(on_step)
    for features, tags in sequences:
        trainer.append(features, tags)
    trainer.set_params({**PARAMETERS, "max_iterations": iterations})
    handle, path = tempfile.mkstemp(prefix="curator-crf-", suffix=".crfsuite")
    os.close(handle)
    try:
        trainer.train(path)
        with open(path, "rb") as model:
            return model.read()
    finally:
        os.unlink(path)


class SequenceTagger:
    """A trained model, ready to tag sentences. Not thread-safe: one per thread."""

    def __init__(self, model: bytes, attributes: Iterable[str] | None = None) -> None:
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open_inmemory(model)
        self.labels = sorted({tag[2:] for tag in self._tagger.labels() if tag != OUTSIDE})
        # The features the model gives a weight: the others cost time and change nothing.
        # Read from the model they cost most of a second (CRFsuite dumps it as text, parsed
        # in Python): a recommender keeps them beside its model and hands them in.
        self.attributes = frozenset(attributes) if attributes is not None else \
            frozenset(attribute for attribute, _tag in self._tagger.info().state_features)

    def tag(self, features: list[list[str]]) -> tuple[list[TaggedSpan], float]:
        """The spans of one sentence, each with its confidence, and how unsure the model is
        of the sentence (the mean, over its words, of one minus the marginal of its tag)."""
        if not features:
            return [], 0.0
        tagger = self._tagger
        tags = tagger.tag(features)
        sure = [tagger.marginal(tag, position) for position, tag in enumerate(tags)]
        spans = [TaggedSpan(first, last, label, min(sure[first:last])) for first, last, label in decode(tags)]
        return spans, sum(1.0 - p for p in sure) / len(sure)
