"""The learned recommender: a sequence model with what it knows about the project's
words, trained from annotated texts and kept as one blob in the project.

``fit`` learns from texts with their spans (``TrainingText``) and the project's text at
large (word classes and usual case, ``features.TextKnowledge``); ``Recommender.predict``
finds spans in a new text, each with its confidence (calibrated: ``calibration``).
Training sees each text's gazetteer (names seen annotated) built from the other texts
only (four folds), so the model learns how far a name seen before can be trusted, as
it will be on a new article.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from curator.analysis.learning import sequence_tagger
from curator.analysis.learning.calibration import Calibration
from curator.analysis.learning.evaluation import CrossCheck
from curator.analysis.learning.features import (
    Featurizer,
    Gazetteer,
    TextKnowledge,
    document_context,
)
from curator.analysis.learning.tokens import Sentence, sentences, token_span
from curator.analysis.learning.word_clusters import learn_clusters
from curator.errors import CuratorError

FOLDS = 4
FORMAT = 1  # of the blob; a model of another format is trained again, not read
Progress = Callable[[str, int, int], None]  # what is being done, done so far, of how many


@dataclass(frozen=True)
class TrainingText:
    """A text and the spans (start, end, label) a curator gave it, within ``start``..``end``
    of the text (the body: a header is left out)."""

    text: str
    spans: tuple[tuple[int, int, str], ...]
    start: int = 0
    end: int | None = None


@dataclass(frozen=True)
class PredictedSpan:
    start: int
    end: int
    label: str
    confidence: float


@dataclass(frozen=True)
class Prediction:
    """What the recommender finds in one text, and how unsure it is of the text (0 sure .. 1)."""

    spans: list[PredictedSpan]
    uncertainty: float


def _quiet(_what: str, _done: int, _total: int) -> None:
    pass


def _tokens_and_tags(item: TrainingText) -> tuple[list[Sentence], list[list[str]]]:
    found = sentences(item.text, item.start, item.end)
    tags = []
    for sentence in found:
        inside = [span for span in item.spans if span[0] < sentence.end and span[1] > sentence.start]
        tokens = [(*covered, label) for start, end, label in inside
                  if (covered := token_span(sentence, start, end)) is not None]
        tags.append(sequence_tagger.encode(len(sentence.words), tokens))
    return found, tags


def _names(parsed: Sequence[tuple[list[Sentence], list[list[str]]]]) -> Iterable[tuple[tuple[str, ...], str]]:
    for found, tags in parsed:
        for sentence, sentence_tags in zip(found, tags):
            for first, last, label in sequence_tagger.decode(sentence_tags):
                yield sentence.words[first:last], label


def fit(texts: Sequence[TrainingText], project_text: Iterable[str] = (), progress: Progress = _quiet,
        info: dict[str, Any] | None = None, word_classes: bool = True, names: bool = True,
        check: bool = True) -> Recommender:
    """A recommender trained on ``texts``; ``project_text`` (any of the project's texts,
    annotated or not) teaches it word classes and each word's usual case. With
    ``check`` (and two texts or more), two models trained on half the texts each first
    suggest for the other half: what they get right calibrates the confidence
    (``calibration``) and is kept as the recommender's ``check`` (``evaluation``).
    ``progress`` may raise to stop. Without ``word_classes`` or ``names`` (the
    gazetteer) it is the bare sequence model, as the benchmark measures it alone."""
    progress("Reading the project's text", 0, 1)
    parsed = [_tokens_and_tags(item) for item in texts]
    labels = sorted({label for item in texts for _s, _e, label in item.spans})
    if not labels:
        raise CuratorError("nothing to learn from: no annotated spans of a label the recommender learns")
    unlabelled = [sentences(text) for text in project_text]
    every = [found for found, _tags in parsed] + unlabelled
    clusters = learn_clusters(sentence.words for found in every for sentence in found) if word_classes else {}
    knowledge = TextKnowledge.learn(every, clusters)
    featurizer = Featurizer(knowledge, None)  # one, for its cache of words; the gazetteer changes
    checked = CrossCheck()
    steps = 3 if check and len(texts) >= 2 else 1
    if steps == 3:
        for half in (0, 1):
            def told(what: str, done: int, total: int, step: int = half + 1) -> None:
                progress(f"{what} (checking itself, {step} of 3)", done, total)

            learned = [p for i, p in enumerate(parsed) if i % 2 != half]
            model = _train(learned, featurizer, names, told, sequence_tagger.CHECK_ITERATIONS)
            trial = Recommender(labels, knowledge, Gazetteer.of(_names(learned) if names else ()), model)
            for item in texts[half::2]:
                _check(trial, item, checked)
    calibration = Calibration.learn((confidence, right) for _label, confidence, right in checked.found)
    checked.found = [(label, round(calibration(confidence), 4), right)
                     for label, confidence, right in checked.found]

    def last(what: str, done: int, total: int) -> None:
        progress(what if steps == 1 else f"{what} (3 of 3)", done, total)

    model = _train(parsed, featurizer, names, last, sequence_tagger.ITERATIONS)
    return Recommender(labels, knowledge, Gazetteer.of(_names(parsed) if names else ()), model, dict(info or {}),
                       calibration, checked if steps == 3 else None)


def _train(parsed: Sequence[tuple[list[Sentence], list[list[str]]]], featurizer: Featurizer, names: bool,
           progress: Progress, iterations: int) -> bytes:
    """The sequence model of ``parsed``; each text's gazetteer is built from the texts of
    the other folds."""
    folds = [Gazetteer.of(_names([p for j, p in enumerate(parsed) if j % FOLDS != fold])) if names else None
             for fold in range(FOLDS)]
    sequences = []
    for index, (found, tags) in enumerate(parsed):
        featurizer.gazetteer = folds[index % FOLDS]
        document = document_context(found)
        sequences += [(featurizer.sentence(sentence, document), sentence_tags)
                      for sentence, sentence_tags in zip(found, tags)]
        progress("Looking at the words", index + 1, len(parsed))
    return sequence_tagger.train(sequences, lambda step: progress("Training", step, iterations), iterations)


def _check(trial: Recommender, item: TrainingText, checked: CrossCheck) -> None:
    wanted = set(item.spans)
    checked.documents += 1
    checked.gold.update(label for _s, _e, label in wanted)
    checked.found += [(span.label, span.confidence, (span.start, span.end, span.label) in wanted)
                      for span in trial.predict(item.text, item.start, item.end).spans]


@dataclass
class Recommender:
    """A trained recommender: its labels, what it knows about the project's words, the
    names it saw annotated, the sequence model, ``info`` (when and from what it was
    trained), how its confidence is calibrated, and what its check on the project's own
    annotations found (``evaluation``). Not thread-safe."""

    labels: list[str]
    knowledge: TextKnowledge
    gazetteer: Gazetteer
    model: bytes
    info: dict[str, Any] = field(default_factory=dict)
    calibration: Calibration = field(default_factory=Calibration)
    check: CrossCheck | None = None
    # The features the model weighs (``SequenceTagger.attributes``), worked out once, when
    # it is trained, and kept with it: reading them from the model again took most of a second.
    attributes: frozenset[str] | None = field(default=None, repr=False, compare=False)
    _tagger: sequence_tagger.SequenceTagger | None = field(default=None, repr=False, compare=False)
    _featurizer: Featurizer | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.attributes is None:  # a model just trained (a blob read hands them in)
            self._tagger = sequence_tagger.SequenceTagger(self.model)
            self.attributes = self._tagger.attributes

    def predict(self, text: str, start: int = 0, end: int | None = None) -> Prediction:
        """The spans found in ``text[start:end]``, in text order, and the text's uncertainty."""
        if self._tagger is None:
            self._tagger = sequence_tagger.SequenceTagger(self.model, self.attributes)
        if self._featurizer is None:
            self._featurizer = Featurizer(self.knowledge, self.gazetteer, self._tagger.attributes)
        found = sentences(text, start, end)
        document = document_context(found)
        spans: list[PredictedSpan] = []
        unsure = 0.0
        words = 0
        for sentence in found:
            tagged, uncertainty = self._tagger.tag(self._featurizer.sentence(sentence, document))
            unsure += uncertainty * len(sentence.words)
            words += len(sentence.words)
            spans += [PredictedSpan(sentence.bounds[t.first][0], sentence.bounds[t.last - 1][1], t.label,
                                    self.calibration(t.confidence)) for t in tagged]
        return Prediction(spans, unsure / words if words else 0.0)

    # -- the blob kept in the project ----------------------------------------------------

    def to_bytes(self) -> bytes:
        meta = {"format": FORMAT, "labels": self.labels, "info": self.info, "case": self.knowledge.case,
                "calibration": list(self.calibration.points),
                "check": self.check.as_dict() if self.check is not None else None,
                "clusters": self.knowledge.clusters,
                "names": [[*words, label] for words, label in self.gazetteer.names.items()],
                "attributes": sorted(self.attributes or ())}
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("recommender.json", orjson.dumps(meta))
            archive.writestr("model.crfsuite", self.model)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes) -> Recommender:
        """The recommender a blob holds; CuratorError if it is damaged or of another format."""
        try:
            with zipfile.ZipFile(io.BytesIO(blob)) as archive:
                meta = orjson.loads(archive.read("recommender.json"))
                model = archive.read("model.crfsuite")
            if meta.get("format") != FORMAT:
                raise CuratorError(f"the stored model is of format {meta.get('format')!r}, not {FORMAT}: "
                                   "train it again ('curator learn')")
            knowledge = TextKnowledge({str(k): str(v) for k, v in meta["case"].items()},
                                      {str(k): tuple(int(c) for c in v) for k, v in meta["clusters"].items()})
            gazetteer = Gazetteer({tuple(str(w) for w in entry[:-1]): str(entry[-1]) for entry in meta["names"]})
            check = CrossCheck.from_dict(meta["check"]) if meta.get("check") else None
            # A blob written before the attributes were kept beside the model: read from it.
            kept = frozenset(str(a) for a in meta["attributes"]) if isinstance(meta.get("attributes"), list) else None
            tagger = sequence_tagger.SequenceTagger(model, kept)  # a damaged model fails here, not later
            recommender = cls([str(label) for label in meta["labels"]], knowledge, gazetteer, model,
                              dict(meta.get("info") or {}), Calibration(tuple(float(p) for p in meta["calibration"])),
                              check, tagger.attributes)
            recommender._tagger = tagger
            return recommender
        except CuratorError:
            raise
        except Exception as exc:  # a damaged blob: zip, JSON or model
            raise CuratorError(f"the stored model cannot be read ({type(exc).__name__}: {exc}); "
                               "train it again ('curator learn')") from exc
