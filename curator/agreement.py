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
Tokens outside every span are all ``O``; they are counted, not materialized, so
agreement over many documents stays fast.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

import numpy as np

from curator.jobs import Job
from curator.models import Annotation, DocumentStatus
from curator.store import Store

TOKEN = re.compile(r"\w+|[^\w\s]")
OUTSIDE = "O"
GOLD = "gold"


@dataclass
class SpanCounts:
    """Counts behind span precision/recall/F1 of annotator B against annotator A."""

    a: int = 0
    b: int = 0
    exact: int = 0
    overlap_b: int = 0  # B spans that overlap an A span of the same label
    overlap_a: int = 0  # A spans overlapped by a B span of the same label

    def add(self, other: "SpanCounts") -> None:
        self.a += other.a
        self.b += other.b
        self.exact += other.exact
        self.overlap_b += other.overlap_b
        self.overlap_a += other.overlap_a

    def scores(self) -> dict[str, float | None]:
        def f1(p: float | None, r: float | None) -> float | None:
            if p is None or r is None:
                return None
            return 0.0 if p + r == 0 else 2 * p * r / (p + r)

        p_exact = self.exact / self.b if self.b else None
        r_exact = self.exact / self.a if self.a else None
        p_overlap = self.overlap_b / self.b if self.b else None
        r_overlap = self.overlap_a / self.a if self.a else None
        return {
            "precision_exact": p_exact, "recall_exact": r_exact, "f1_exact": f1(p_exact, r_exact),
            "precision_overlap": p_overlap, "recall_overlap": r_overlap, "f1_overlap": f1(p_overlap, r_overlap),
        }


def span_counts(a: list[Annotation], b: list[Annotation]) -> SpanCounts:
    exact_a = Counter((s.start, s.end, s.label) for s in a)
    exact_b = Counter((s.start, s.end, s.label) for s in b)
    exact = sum((exact_a & exact_b).values())
    return SpanCounts(a=len(a), b=len(b), exact=exact, overlap_b=_overlapped(b, a), overlap_a=_overlapped(a, b))


def _overlapped(spans: list[Annotation], others: list[Annotation]) -> int:
    """How many of ``spans`` overlap a span of ``others`` with the same label."""
    index: dict[str, tuple[list[int], list[int]]] = {}
    for label in {o.label for o in others}:
        ordered = sorted((o.start, o.end) for o in others if o.label == label)
        reach, longest = [], -1
        for _start, end in ordered:
            longest = max(longest, end)
            reach.append(longest)
        index[label] = ([start for start, _end in ordered], reach)
    count = 0
    for span in spans:
        if span.label in index:
            starts, reach = index[span.label]
            last = bisect.bisect_left(starts, span.end) - 1  # others starting before the span ends
            count += last >= 0 and reach[last] > span.start
    return count


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
    totals = coincidence.sum(axis=1)
    n = totals.sum()
    if n <= 1:
        return None
    disagreement_observed = coincidence.sum() - np.trace(coincidence)
    disagreement_expected = (totals.sum() ** 2 - (totals**2).sum()) / (n - 1)
    if disagreement_expected == 0:
        return None
    return float(1 - disagreement_observed / disagreement_expected)


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

    def to_dict(self) -> dict:
        return asdict(self)


def _innermost(span: Annotation) -> tuple[int, int, str]:
    """Order for picking one of several spans covering a token: shortest, then first, then by label."""
    return span.end - span.start, span.start, span.label


def _units(text: str, coded: dict[str, list[Annotation]], codes: dict[str, int]) -> tuple[np.ndarray, int]:
    """Category codes (units x annotators) of the tokens inside any span, and the document's token count.

    Each annotator's spans are painted onto the tokens from the outermost to the
    innermost, so the innermost span's label is what a token keeps.
    """
    regions = sorted((s.start, s.end) for spans in coded.values() for s in spans)
    merged: list[list[int]] = []
    for start, end in regions:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    starts: list[int] = []
    ends: list[int] = []
    for start, end in merged:
        # Widen to whole tokens so a span boundary inside a word still counts that word.
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
            start -= 1
        for token in TOKEN.finditer(text, start, end):
            starts.append(token.start())
            ends.append(token.end())
    units = np.zeros((len(starts), len(coded)), dtype=np.int16)
    for column, spans in enumerate(coded.values()):
        for span in sorted(spans, key=_innermost, reverse=True):
            lo = bisect.bisect_right(ends, span.start)  # first token ending after the span starts
            hi = bisect.bisect_left(starts, span.end)  # first token starting at or after its end
            units[lo:hi, column] = codes[span.label]
    return units, len(TOKEN.findall(text))


class _Tally:
    """Confusion matrices (per pair) and a coincidence matrix, filled a document at a time."""

    def __init__(self, k: int, pairs: list[tuple[str, str]]) -> None:
        self.k = k
        self.coincidence = np.zeros((k, k))
        self.confusion = {pair: np.zeros((k, k)) for pair in pairs}

    def add(self, units: np.ndarray, names: list[str], outside: int) -> None:
        """Units (rows) coded by ``names`` (columns); ``outside`` more units coded 0 by everyone."""
        m = len(names)
        k = self.k
        column = {name: index for index, name in enumerate(names)}
        for (a, b), matrix in self.confusion.items():
            if a in column and b in column:
                matrix += np.bincount(units[:, column[a]] * k + units[:, column[b]], minlength=k * k).reshape(k, k)
                matrix[0, 0] += outside
        counts = np.zeros((len(units), k))
        for index in range(m):
            counts[np.arange(len(units)), units[:, index]] += 1
        pairs = counts.T @ counts - np.diag(counts.sum(axis=0))
        self.coincidence += pairs / (m - 1)
        self.coincidence[0, 0] += outside * m


def _span_counts_by_label(a: list[Annotation], b: list[Annotation]) -> dict[str, SpanCounts]:
    by_label: dict[str, tuple[list[Annotation], list[Annotation]]] = defaultdict(lambda: ([], []))
    for span in a:
        by_label[span.label][0].append(span)
    for span in b:
        by_label[span.label][1].append(span)
    return {label: span_counts(xs, ys) for label, (xs, ys) in by_label.items()}


def compute_agreement(store: Store, annotators: Iterable[str] | None = None, job: Job | None = None) -> AgreementReport:
    """Agreement between annotators (default: everyone but the gold layer) over the project."""
    job = job or Job()
    names = sorted(set(annotators) if annotators is not None else set(store.annotators()) - {GOLD})
    labels = store.label_schema.names
    codes = {label: index + 1 for index, label in enumerate(labels)}
    k = len(labels) + 1
    done = {name: {doc for doc, status in store.statuses(name).items() if status is DocumentStatus.DONE}
            for name in names}
    all_pairs = list(itertools.combinations(names, 2))
    overall = _Tally(k, all_pairs)
    per_label = {label: _Tally(2, all_pairs) for label in labels}
    pair_counts = {pair: SpanCounts() for pair in all_pairs}
    label_counts = {label: SpanCounts() for label in labels}
    pair_docs: Counter = Counter()
    per_document: list[dict] = []
    documents = tokens = 0
    total = store.document_count()
    for index, (document, spans) in enumerate(store.iter_documents_with_spans()):
        if index % 200 == 0:
            job.check()
            job.set_progress(index, total)
        by_annotator: dict[str, list[Annotation]] = defaultdict(list)
        for span in spans:
            if span.annotator in names and span.label in codes:
                by_annotator[span.annotator].append(span)
        worked = [n for n in names if by_annotator.get(n) or document.id in done[n]]
        if len(worked) < 2:
            continue
        coded = {n: by_annotator.get(n, []) for n in worked}
        documents += 1
        units, n_tokens = _units(document.text, coded, codes)
        tokens += n_tokens
        outside = n_tokens - len(units)
        overall.add(units, worked, outside)
        doc_tally = _Tally(k, list(itertools.combinations(worked, 2)))
        doc_tally.add(units, worked, outside)
        for label in labels:
            per_label[label].add((units == codes[label]).astype(np.int16), worked, outside)
        doc_counts = SpanCounts()
        for a, b in itertools.combinations(worked, 2):
            by_label = _span_counts_by_label(coded[a], coded[b])
            pair_docs[(a, b)] += 1
            for label, counts in by_label.items():
                pair_counts[(a, b)].add(counts)
                doc_counts.add(counts)
                label_counts[label].add(counts)
        per_document.append({"document": document.uid, "annotators": worked, "tokens": n_tokens,
                             **doc_counts.scores(), "alpha": nominal_alpha(doc_tally.coincidence)})
    job.set_progress(total, total)

    def mean(values: list[float | None]) -> float | None:
        present = [v for v in values if v is not None]
        return sum(present) / len(present) if present else None

    pairs = [{"annotator_a": a, "annotator_b": b, "documents": pair_docs[(a, b)], **pair_counts[(a, b)].scores(),
              "kappa": cohen_kappa(overall.confusion[(a, b)])} for a, b in all_pairs]
    label_rows = []
    for label in labels:
        kappas = [cohen_kappa(m) for m in per_label[label].confusion.values()]
        label_rows.append({"label": label, "spans": label_counts[label].a + label_counts[label].b,
                           **label_counts[label].scores(), "kappa": mean(kappas),
                           "alpha": nominal_alpha(per_label[label].coincidence)})
    all_counts = SpanCounts()
    for counts in pair_counts.values():
        all_counts.add(counts)
    overall_row = {**all_counts.scores(), "kappa": mean([p["kappa"] for p in pairs]),
                   "alpha": nominal_alpha(overall.coincidence)}
    return AgreementReport(annotators=names, documents=documents, tokens=tokens, overall=overall_row,
                           pairs=pairs, labels=label_rows, per_document=per_document)


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
    }
