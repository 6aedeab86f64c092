"""Inter-annotator agreement: span F1, Cohen's kappa and Krippendorff's alpha.

Units. Span precision/recall/F1 compare spans: *exact* needs the same start,
end and label; *overlap* needs the same label and at least one shared
character. Kappa and alpha compare tokens (``\\w+`` runs and single punctuation
marks, as in token-level NER agreement): each token gets, for each annotator,
the label of the innermost (shortest; ties: first, then alphabetical)
span of theirs that covers it, or ``O``. Kappa is
Cohen's for each pair over the documents both annotated; alpha is
Krippendorff's nominal alpha over all annotators, a token counting only where
two or more annotators worked on its document. Per label, the token categories
are reduced to that label vs. anything else.

An annotator has worked on a document when they marked it done or annotated it.
Tokens outside every span are all ``O``; they are counted, not materialized. Spans
and texts are read a batch of documents at a time and counted column-wise with
numpy (tokens found with a character-class table, spans matched by sorting), so
agreement over tens of thousands of documents takes about a second.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

import numpy as np

from curator.domain.jobs import Job, collector_paused
from curator.domain.models import GOLD, Annotation, DocumentStatus
from curator.domain.scores import figure_text  # noqa: F401 - where callers found it
from curator.domain.text import one_character_clusters, token_spans
from curator.store import Store

WORD = re.compile(r"\w")
SPACE = re.compile(r"\s")
OUTSIDE = "O"


@dataclass
class SpanCounts:
    """Counts behind span precision/recall/F1 of annotator B against annotator A."""

    a: int = 0
    b: int = 0
    exact: int = 0
    overlap_b: int = 0  # B spans that overlap an A span of the same label
    overlap_a: int = 0  # A spans overlapped by a B span of the same label

    def scores(self) -> dict[str, float | None]:
        return _scores(np.array([[self.a, self.b, self.exact, self.overlap_b, self.overlap_a]]))[0]


SCORES = ("precision_exact", "recall_exact", "f1_exact", "precision_overlap", "recall_overlap", "f1_overlap")


def _scores(counts: np.ndarray) -> list[dict[str, float | None]]:
    """Precision, recall and F1 (exact and overlap) for each row of counts in the order of
    ``SpanCounts``' fields; None where undefined (no spans on that side)."""
    a, b, exact, overlap_b, overlap_a = counts.T.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_exact, r_exact = np.where(b > 0, exact / b, np.nan), np.where(a > 0, exact / a, np.nan)
        p_overlap, r_overlap = np.where(b > 0, overlap_b / b, np.nan), np.where(a > 0, overlap_a / a, np.nan)
        f1_exact, f1_overlap = (np.where(p + r == 0, 0.0, 2 * p * r / (p + r))
                                for p, r in ((p_exact, r_exact), (p_overlap, r_overlap)))
    columns = [x.tolist() for x in (p_exact, r_exact, f1_exact, p_overlap, r_overlap, f1_overlap)]
    return [{name: None if value != value else value for name, value in zip(SCORES, row)} for row in zip(*columns)]


def span_counts(a: list[Annotation], b: list[Annotation]) -> SpanCounts:
    """Span counts of B against A (spans of one document)."""
    labels = sorted({s.label for s in a} | {s.label for s in b})
    code = {label: index for index, label in enumerate(labels)}

    def columns(spans: list[Annotation]) -> _Spans:
        return _Spans(np.zeros(len(spans), np.int64), np.array([s.start for s in spans], np.int64),
                      np.array([s.end for s in spans], np.int64), np.array([code[s.label] for s in spans], np.int64))

    by_label, _by_doc = _pair_counts(columns(a), columns(b), max(1, len(labels)), 1)
    return SpanCounts(*(int(x) for x in by_label.sum(axis=0)))


# -- kappa and alpha from count matrices ---------------------------------------------


def cohen_kappa(confusion: np.ndarray) -> float | None:
    """Cohen's kappa from a confusion matrix; None when it is undefined (one category only)."""
    total = confusion.sum()
    if total == 0:
        return None
    observed = np.trace(confusion) / total
    expected = float((confusion.sum(axis=0) * confusion.sum(axis=1)).sum()) / total**2
    if expected == 1:
        return None
    return float((observed - expected) / (1 - expected))


def nominal_alpha(coincidence: np.ndarray) -> float | None:
    """Krippendorff's nominal alpha from a coincidence matrix; None when undefined."""
    value = _alphas(coincidence[np.newaxis])[0]
    return None if np.isnan(value) else float(value)


def _alphas(coincidence: np.ndarray) -> np.ndarray:
    """Nominal alpha of each of a stack of coincidence matrices (NaN where undefined)."""
    totals = coincidence.sum(axis=2)
    n = totals.sum(axis=1)
    observed = coincidence.sum(axis=(1, 2)) - np.trace(coincidence, axis1=1, axis2=2)
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = (n**2 - (totals**2).sum(axis=1)) / (n - 1)
        alpha = 1 - observed / expected
    alpha[(n <= 1) | (expected == 0)] = np.nan
    return alpha


def _binary(matrix: np.ndarray, code: int) -> np.ndarray:
    """A k x k confusion or coincidence matrix reduced to category ``code`` vs. the rest."""
    hit = matrix[code, code]
    row, column = matrix[code, :].sum() - hit, matrix[:, code].sum() - hit
    return np.array([[matrix.sum() - hit - row - column, column], [row, hit]])


@dataclass
class AgreementReport:
    """Agreement figures per annotator pair, per label and per document."""

    annotators: list[str]
    documents: int
    tokens: int
    overall: dict[str, float | None]
    pairs: list[dict] = field(default_factory=list)
    labels: list[dict] = field(default_factory=list)
    per_document: list[dict] = field(default_factory=list)
    categories: list[dict] = field(default_factory=list)  # one row per category set
    relations: dict = field(default_factory=dict)  # relation agreement (``relation_agreement``), if any relations

    def to_dict(self) -> dict:
        return asdict(self)


# -- the computation, column-wise over many documents at a time ----------------------


@dataclass
class _Spans:
    """Spans as columns: document (index within the batch), start, end, label code."""

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    label: np.ndarray

    def take(self, mask: np.ndarray) -> "_Spans":
        return _Spans(self.doc[mask], self.start[mask], self.end[mask], self.label[mask])


def _groups(*keys: np.ndarray) -> tuple[np.ndarray, int]:
    """Each row's group of rows with equal ``keys`` (numbered in key order), and the
    number of groups."""
    order = np.lexsort(keys[::-1])
    if len(order) == 0:
        return order, 0
    changed = np.zeros(len(order), bool)
    changed[0] = True
    for key in keys:
        ordered = key[order]
        changed[1:] |= ordered[1:] != ordered[:-1]
    group = np.empty(len(order), np.int64)
    group[order] = np.cumsum(changed) - 1
    return group, int(changed.sum())


def _overlapping(spans: _Spans, others: _Spans) -> np.ndarray:
    """Which of ``spans`` share a character with a span of ``others`` of the same label
    in the same document."""
    if len(others.doc) == 0 or len(spans.doc) == 0:
        return np.zeros(len(spans.doc), bool)
    group, _count = _groups(np.concatenate([others.doc, spans.doc]), np.concatenate([others.label, spans.label]))
    mine, theirs = group[len(others.doc):], group[: len(others.doc)]
    width = int(max(others.end.max(), spans.end.max())) + 2
    # Others sorted by (group, start); the furthest end reached so far within the group.
    key = theirs * width + others.start
    order = np.argsort(key, kind="stable")
    key, reach = key[order], np.maximum.accumulate(theirs[order] * width + others.end[order])
    last = np.searchsorted(key, mine * width + spans.end, side="left") - 1  # the last one starting before our end
    found = last >= 0
    last = np.where(found, last, 0)
    return found & (theirs[order][last] == mine) & (reach[last] - mine * width > spans.start)


def _pair_counts(a: _Spans, b: _Spans, labels: int, documents: int) -> tuple[np.ndarray, np.ndarray]:
    """Span counts of B against A as (labels x 5) and (documents x 5) arrays, the five
    columns being those of ``SpanCounts``: a, b, exact, overlap_b, overlap_a."""
    by_label = np.zeros((labels, 5), np.int64)
    by_doc = np.zeros((documents, 5), np.int64)

    def add(column: int, doc: np.ndarray, label: np.ndarray, weights: np.ndarray | None = None) -> None:
        by_label[:, column] += np.bincount(label, weights, minlength=labels).astype(np.int64)
        by_doc[:, column] += np.bincount(doc, weights, minlength=documents).astype(np.int64)

    add(0, a.doc, a.label)
    add(1, b.doc, b.label)
    if len(a.doc) and len(b.doc):
        group, count = _groups(*(np.concatenate([x, y]) for x, y in zip(
            (a.doc, a.label, a.start, a.end), (b.doc, b.label, b.start, b.end))))
        matched = np.minimum(np.bincount(group[: len(a.doc)], minlength=count),
                             np.bincount(group[len(a.doc):], minlength=count))
        doc, label = np.empty(count, np.int64), np.empty(count, np.int64)
        doc[group], label[group] = np.concatenate([a.doc, b.doc]), np.concatenate([a.label, b.label])
        add(2, doc, label, matched)
    overlap_b, overlap_a = _overlapping(b, a), _overlapping(a, b)
    add(3, b.doc[overlap_b], b.label[overlap_b])
    add(4, a.doc[overlap_a], a.label[overlap_a])
    return by_label, by_doc


@functools.cache
def _character_classes() -> np.ndarray:
    r"""For every character of the Basic Multilingual Plane: 1 word (``\w``), 2 other
    non-space (a token of its own), 0 space; as ``TOKEN`` sees them."""
    return np.array([_character_class(chr(code)) for code in range(0x10000)], np.uint8)


def _character_class(character: str) -> int:
    return 1 if WORD.match(character) else 0 if SPACE.match(character) else 2


def _tokens(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends of the ``TOKEN`` matches of ``text``, found with numpy (or, for a
    text with clusters of several characters, as ``TOKEN`` finds them)."""
    if not one_character_clusters(text):
        spans = np.array(token_spans(text), np.int64).reshape(-1, 2)
        return spans[:, 0], spans[:, 1]
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
    classes = _character_classes()[codes & 0xFFFF]
    for index in np.flatnonzero(codes > 0xFFFF):  # beyond the table: rare, looked up one by one
        classes[index] = _character_class(text[index])
    word, other = classes == 1, classes == 2
    before = np.concatenate([[False], word[:-1]])
    after = np.concatenate([word[1:], [False]])
    return np.flatnonzero((word & ~before) | other), np.flatnonzero((word & ~after) | other) + 1


class _Accumulator:
    """Counts for the report, added a batch of documents at a time."""

    def __init__(self, names: list[str], labels: list[str]) -> None:
        self.names, self.labels = names, labels
        self.k = len(labels) + 1
        self.pairs = list(itertools.combinations(range(len(names)), 2))
        self.confusion = np.zeros((len(self.pairs), self.k, self.k))
        self.coincidence = np.zeros((self.k, self.k))
        self.span_counts = np.zeros((len(self.pairs), len(labels), 5), np.int64)
        self.pair_documents = np.zeros(len(self.pairs), np.int64)
        self.documents = self.tokens = 0
        self.per_document: list[dict] = []
        # Ties between spans covering one token go to the alphabetically first label.
        self.label_rank = np.argsort(np.argsort(np.array(labels, dtype=object)))

    def add(self, texts: list[tuple[int, str, str]], worked: np.ndarray, spans: _Spans, annotator: np.ndarray) -> None:
        """Documents ``(id, uid, text)``; who worked on each (documents x annotators);
        their spans with the annotator of each (label codes from 1, 0 being ``O``)."""
        k = self.k
        lengths = np.array([len(text) for _id, _uid, text in texts], np.int64)
        offsets = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]])
        starts, ends = _tokens("\n".join(text for _id, _uid, text in texts))
        token_doc = np.searchsorted(offsets, starts, side="right") - 1
        n_tokens = np.bincount(token_doc, minlength=len(texts))

        # Each token's label per annotator: that of the innermost span covering it, else O.
        begin = offsets[spans.doc] + np.minimum(spans.start, lengths[spans.doc])
        finish = offsets[spans.doc] + np.minimum(spans.end, lengths[spans.doc])
        first = np.searchsorted(ends, begin, side="right")  # first token ending after the span starts
        count = np.maximum(np.searchsorted(starts, finish, side="left") - first, 0)
        total = int(count.sum())
        token = np.repeat(first, count) + np.arange(total) - np.repeat(np.cumsum(count) - count, count)
        span = np.repeat(np.arange(len(count)), count)
        width = spans.end - spans.start
        order = np.lexsort((self.label_rank[spans.label[span] - 1], spans.start[span], width[span],
                            annotator[span], token))
        token, span = token[order], span[order]
        keep = np.ones(total, bool)
        keep[1:] = (token[1:] != token[:-1]) | (annotator[span][1:] != annotator[span][:-1])
        # Only tokens inside some span are listed; the others are O for everyone, and counted.
        unit_token = np.unique(token)
        unit_doc = token_doc[unit_token]
        outside = n_tokens - np.bincount(unit_doc, minlength=len(texts))
        coders = worked[unit_doc]
        units = np.where(coders, 0, -1).astype(np.int16)
        units[np.searchsorted(unit_token, token[keep]), annotator[span[keep]]] = spans.label[span[keep]]

        # Confusion matrices per pair; coincidence matrices per document.
        m = worked.sum(axis=1)
        per_doc = np.zeros(len(texts) * k * k)
        weight = 1 / np.maximum(m[unit_doc] - 1, 1)
        for i, j in itertools.permutations(range(len(self.names)), 2):
            both = coders[:, i] & coders[:, j]
            cell = units[both, i].astype(np.int64) * k + units[both, j]
            per_doc += np.bincount(unit_doc[both] * k * k + cell, weight[both], minlength=len(per_doc))
            if i < j:
                pair = self.pairs.index((i, j))
                self.confusion[pair] += np.bincount(cell, minlength=k * k).reshape(k, k)
                shared = worked[:, i] & worked[:, j]
                self.confusion[pair, 0, 0] += outside[shared].sum()
                self.pair_documents[pair] += int(shared.sum())
        per_doc = per_doc.reshape(len(texts), k, k)
        per_doc[:, 0, 0] += outside * m
        self.coincidence += per_doc.sum(axis=0)

        # Span precision / recall per pair, counted on the documents both worked on.
        doc_counts = np.zeros((len(texts), 5), np.int64)
        label = spans.label - 1
        columns = _Spans(spans.doc, spans.start, spans.end, label)
        for pair, (i, j) in enumerate(self.pairs):
            both = worked[:, i] & worked[:, j]
            by_label, by_doc = _pair_counts(columns.take((annotator == i) & both[spans.doc]),
                                            columns.take((annotator == j) & both[spans.doc]),
                                            len(self.labels), len(texts))
            self.span_counts[pair] += by_label
            doc_counts += by_doc

        alphas = _alphas(per_doc).tolist()
        for index, ((_id, uid, _text), scores) in enumerate(zip(texts, _scores(doc_counts))):
            self.per_document.append({
                "document": uid, "annotators": [self.names[n] for n in np.flatnonzero(worked[index])],
                "tokens": int(n_tokens[index]), **scores,
                "alpha": None if alphas[index] != alphas[index] else alphas[index]})
        self.documents += len(texts)
        self.tokens += int(n_tokens.sum())

    def report(self) -> AgreementReport:
        def mean(values: list[float | None]) -> float | None:
            present = [v for v in values if v is not None]
            return sum(present) / len(present) if present else None

        def counts(array: np.ndarray) -> SpanCounts:
            return SpanCounts(*(int(x) for x in array))

        pairs = [{"annotator_a": self.names[i], "annotator_b": self.names[j],
                  "documents": int(self.pair_documents[p]), **counts(self.span_counts[p].sum(axis=0)).scores(),
                  "kappa": cohen_kappa(self.confusion[p])} for p, (i, j) in enumerate(self.pairs)]
        label_rows = []
        for index, label in enumerate(self.labels):
            totals = counts(self.span_counts[:, index].sum(axis=0))
            kappas = [cohen_kappa(_binary(matrix, index + 1)) for matrix in self.confusion]
            label_rows.append({"label": label, "spans": totals.a + totals.b, **totals.scores(),
                               "kappa": mean(kappas), "alpha": nominal_alpha(_binary(self.coincidence, index + 1))})
        overall = {**counts(self.span_counts.sum(axis=(0, 1))).scores(), "kappa": mean([p["kappa"] for p in pairs]),
                   "alpha": nominal_alpha(self.coincidence)}
        return AgreementReport(annotators=self.names, documents=self.documents, tokens=self.tokens, overall=overall,
                               pairs=pairs, labels=label_rows, per_document=self.per_document)


def compute_agreement(store: Store, annotators: Iterable[str] | None = None, job: Job | None = None,
                      batch: int = 1000) -> AgreementReport:
    """Agreement between annotators (default: everyone but the gold layer) over the project,
    read and counted ``batch`` documents at a time."""
    with collector_paused():
        return _compute_agreement(store, annotators, job or Job(), batch)


def _compute_agreement(store: Store, annotators: Iterable[str] | None, job: Job, batch: int) -> AgreementReport:
    names = sorted(set(annotators) if annotators is not None else set(store.annotators()) - {GOLD})
    labels = store.label_schema.names
    codes = {label: index + 1 for index, label in enumerate(labels)}
    column = {name: index for index, name in enumerate(names)}
    worked: dict[int, set[int]] = defaultdict(set)
    for doc_id, name in store.annotated(names):
        worked[doc_id].add(column[name])
    for name in names:
        for doc_id, status in store.statuses(name).items():
            if status is DocumentStatus.DONE:
                worked[doc_id].add(column[name])
    shared = sorted(doc_id for doc_id, who in worked.items() if len(who) >= 2)
    accumulator = _Accumulator(names, labels)
    for done in range(0, len(shared), batch):
        job.check()
        job.set_progress(done, len(shared))
        ids = shared[done : done + batch]
        matrix = np.zeros((len(ids), len(names)), bool)
        for row, doc_id in enumerate(ids):
            matrix[row, list(worked[doc_id])] = True
        doc_ids, starts, ends, span_labels, span_annotators = store.span_columns(ids[0], ids[-1], names)
        doc_ids, id_array = np.array(doc_ids, np.int64), np.array(ids, np.int64)
        position = np.minimum(np.searchsorted(id_array, doc_ids), len(ids) - 1)
        label = np.array([codes.get(name, 0) for name in span_labels], np.int64)
        # Spans with labels outside the schema, and those of documents in the id range that
        # fewer than two annotators worked on, are left out.
        inside = (id_array[position] == doc_ids) & (label > 0)
        spans = _Spans(position, np.array(starts, np.int64), np.array(ends, np.int64), label).take(inside)
        who = np.array([column[name] for name in span_annotators], np.int64)[inside]
        accumulator.add(store.document_texts(ids), matrix, spans, who)
    job.set_progress(len(shared), len(shared))
    report = accumulator.report()
    report.categories = category_agreement(store, names)
    if store.relation_counts():
        from curator.analysis.relation_agreement import relation_agreement

        report.relations = relation_agreement(store, names)
    return report


def category_agreement(store: Store, names: list[str]) -> list[dict]:
    """Agreement on each category set of the schema, between ``names``.

    A one-choice set is a nominal variable per document; a several-choice set is one
    yes/no variable per (document, choice), pooled. A document counts for an annotator
    who made a choice in the set. Cohen's kappa is the mean over annotator pairs of
    the documents both coded; Krippendorff's alpha takes all annotators at once."""
    rows = store.category_rows(names)
    column = {name: index for index, name in enumerate(names)}
    found = []
    for category in store.label_schema.categories:
        codes = {choice: index for index, choice in enumerate(category.names)}
        chosen: dict[int, dict[int, list[str]]] = defaultdict(dict)
        for doc_id, who, set_name, choices in rows:
            if set_name == category.name:
                chosen[doc_id][column[who]] = [c for c in choices if c in codes]
        units: list[dict[int, int]] = []  # each unit: annotator column → category code
        for by_annotator in chosen.values():
            if category.multiple:
                units.extend({who: int(choice in picked) for who, picked in by_annotator.items()}
                             for choice in category.names)
            else:
                units.append({who: codes[picked[0]] for who, picked in by_annotator.items() if picked})
        size = max(len(codes), 2)
        coincidence = np.zeros((size, size))
        for unit in units:
            values = list(unit.values())
            if len(values) >= 2:
                for i, a in enumerate(values):
                    for j, b in enumerate(values):
                        if i != j:
                            coincidence[a, b] += 1 / (len(values) - 1)
        kappas = []
        for first in range(len(names)):
            for second in range(first + 1, len(names)):
                confusion = np.zeros((size, size))
                for unit in units:
                    if first in unit and second in unit:
                        confusion[unit[first], unit[second]] += 1
                if confusion.sum():
                    kappas.append(cohen_kappa(confusion))
        defined = [k for k in kappas if k is not None]
        found.append({"set": category.name, "multiple": category.multiple,
                      "documents": sum(1 for by in chosen.values() if len(by) >= 2),
                      "kappa": float(np.mean(defined)) if defined else None, "alpha": nominal_alpha(coincidence)})
    return found


EXPLANATIONS = {
    "f1_exact": "Span F1 where a match needs the same start, end and label.",
    "f1_overlap": "Span F1 where a match needs the same label and at least one shared character.",
    "precision_exact": "Share of B's spans that A has exactly.",
    "recall_exact": "Share of A's spans that B has exactly.",
    "kappa": "Cohen's kappa over tokens (label or O per token), corrected for chance; 1 = perfect, 0 = chance. "
             "Per label and overall: the mean over annotator pairs.",
    "alpha": "Krippendorff's alpha (nominal) over tokens and all annotators at once, corrected for chance; "
             "1 = perfect, 0 = chance.",
}


def agreement_tables(report: AgreementReport) -> dict[str, list[dict]]:
    """The report as flat tables (overall, pairs, labels, documents) for files and sheets."""
    return {
        "overall": [{"annotators": ", ".join(report.annotators), "documents": report.documents,
                     "tokens": report.tokens, **report.overall}],
        "pairs": report.pairs,
        "labels": report.labels,
        "documents": [{**row, "annotators": ", ".join(row["annotators"])} for row in report.per_document],
        **({"categories": report.categories} if report.categories else {}),
        **({"relations": report.relations["labels"], "relation pairs": report.relations["pairs"],
            "relation documents": report.relations["documents"]} if report.relations else {}),
    }
