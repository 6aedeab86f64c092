import random

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from curator.analysis.agreement import (
    compute_agreement,
    nominal_alpha,
    span_counts,
)
from curator.domain.models import Annotation, Document, DocumentStatus
from curator.domain.text import TOKEN

TEXT = "Ma Xingrui met Tokayev in Astana on 28 March 2023 ."


def span(doc_id, word, label, annotator, occurrence=0):
    start = TEXT.index(word)
    return Annotation(doc_id=doc_id, start=start, end=start + len(word), label=label, annotator=annotator)


def reference_labels(text, spans):
    """Each token's label, computed the plain way, independent of the code under test."""
    labels = []
    for token in TOKEN.finditer(text):
        covering = [s for s in spans if s.start < token.end() and token.start() < s.end]
        labels.append(min(covering, key=lambda s: (s.end - s.start, s.start, s.label)).label if covering else "O")
    return labels


def test_hand_checked_two_annotators(store):
    doc_id = store.add_documents([Document(uid="d", text=TEXT)])[0]
    store.add_annotations([
        span(doc_id, "Ma Xingrui", "PERSON", "a"), span(doc_id, "Tokayev", "PERSON", "a"),
        span(doc_id, "Astana", "LOCATION", "a"), span(doc_id, "28 March 2023", "DATE", "a"),
        span(doc_id, "Xingrui", "PERSON", "b"), span(doc_id, "Tokayev", "PERSON", "b"),
        span(doc_id, "Astana", "ORG", "b"),
    ])
    report = compute_agreement(store)
    [pair] = report.pairs
    # exact: Tokayev only -> P = 1/3, R = 1/4; overlap: Xingrui and Tokayev -> P = 2/3, R = 2/4
    assert pair["precision_exact"] == pytest.approx(1 / 3) and pair["recall_exact"] == pytest.approx(1 / 4)
    assert pair["f1_exact"] == pytest.approx(2 / 7)
    assert pair["precision_overlap"] == pytest.approx(2 / 3) and pair["recall_overlap"] == pytest.approx(1 / 2)
    # tokens: Ma Xingrui met Tokayev in Astana on 28 March 2023 . -> 11 tokens
    a = ["PERSON", "PERSON", "O", "PERSON", "O", "LOCATION", "O", "DATE", "DATE", "DATE", "O"]
    b = ["O", "PERSON", "O", "PERSON", "O", "ORG", "O", "O", "O", "O", "O"]
    assert pair["kappa"] == pytest.approx(cohen_kappa_score(a, b), abs=1e-9)
    assert report.overall["alpha"] == pytest.approx(
        krippendorff.alpha(reliability_data=[[hash(x) for x in a], [hash(x) for x in b]],
                           level_of_measurement="nominal"), abs=1e-9)
    person = next(row for row in report.labels if row["label"] == "PERSON")
    binary = lambda seq: [x == "PERSON" for x in seq]  # noqa: E731
    assert person["kappa"] == pytest.approx(cohen_kappa_score(binary(a), binary(b)), abs=1e-9)
    assert report.documents == 1 and report.tokens == 11


def test_a_document_only_one_annotator_touched_does_not_count(store):
    ids = store.add_documents([Document(uid="x", text=TEXT), Document(uid="y", text=TEXT)])
    store.add_annotations([span(ids[0], "Tokayev", "PERSON", "a"), span(ids[0], "Tokayev", "PERSON", "b"),
                           span(ids[1], "Astana", "LOCATION", "a")])
    report = compute_agreement(store)
    assert report.documents == 1 and report.pairs[0]["f1_exact"] == 1.0
    store.set_status(ids[1], "b", DocumentStatus.DONE)  # b looked at y and found nothing
    report = compute_agreement(store)
    assert report.documents == 2 and report.pairs[0]["recall_exact"] == 0.5


@pytest.mark.parametrize("seed", range(6))
def test_random_data_equals_the_reference_implementations(store, seed):
    rng = random.Random(seed)
    annotators = ["ann", "bob", "cat"]
    labels = ["PERSON", "ORG", "DATE"]
    words = ["alpha", "beta", "gamma", "delta", ",", "epsilon", "zeta", ".", "eta", "theta"]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(20, 60))) for _ in range(8)]
    ids = store.add_documents([Document(uid=f"d{i}", text=t) for i, t in enumerate(texts)])
    spans = []
    worked = {}
    for doc_id, text in zip(ids, texts):
        tokens = list(TOKEN.finditer(text))
        worked[doc_id] = [a for a in annotators if rng.random() < 0.8]
        for annotator in worked[doc_id]:
            store.set_status(doc_id, annotator, DocumentStatus.DONE)
            for _ in range(rng.randint(0, 6)):
                first = rng.randrange(len(tokens))
                last = min(len(tokens) - 1, first + rng.randint(0, 3))
                start, end = tokens[first].start(), tokens[last].end()
                if seed % 2:  # boundaries inside words and in the spaces between them
                    start = max(0, start + rng.randint(-2, 2))
                    end = max(start + 1, end + rng.randint(-2, 2))
                spans.append(Annotation(doc_id=doc_id, start=start, end=end,
                                        label=rng.choice(labels), annotator=annotator))
    store.add_annotations(spans)
    report = compute_agreement(store)
    assert compute_agreement(store, batch=3).to_dict() == report.to_dict()  # counted in batches: the same

    codes = {"O": 0, **{label: i + 1 for i, label in enumerate(labels)}}
    matrix = {a: [] for a in annotators}
    for doc_id, text in zip(ids, texts):
        n = sum(1 for _ in TOKEN.finditer(text))
        for annotator in annotators:
            if len(worked[doc_id]) >= 2 and annotator in worked[doc_id]:
                mine = [s for s in spans if s.doc_id == doc_id and s.annotator == annotator]
                matrix[annotator].extend(codes[x] for x in reference_labels(text, mine))
            elif len(worked[doc_id]) >= 2:
                matrix[annotator].extend([np.nan] * n)
    data = np.array([matrix[a] for a in annotators], dtype=float)
    expected_alpha = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert report.overall["alpha"] == pytest.approx(expected_alpha, abs=1e-9)
    shared = [(doc_id, text) for doc_id, text in zip(ids, texts) if len(worked[doc_id]) >= 2]
    assert [row["tokens"] for row in report.per_document] == [len(TOKEN.findall(t)) for _, t in shared]
    offset = 0
    for row, (doc_id, text) in zip(report.per_document, shared):  # each document's own alpha
        assert row["annotators"] == worked[doc_id]
        piece = data[[annotators.index(a) for a in worked[doc_id]], offset : offset + row["tokens"]]
        offset += row["tokens"]
        if len(np.unique(piece)) > 1:
            assert row["alpha"] == pytest.approx(
                krippendorff.alpha(reliability_data=piece, level_of_measurement="nominal"), abs=1e-9)
        else:
            assert row["alpha"] is None
    for pair in report.pairs:
        a, b = data[annotators.index(pair["annotator_a"])], data[annotators.index(pair["annotator_b"])]
        both = ~np.isnan(a) & ~np.isnan(b)
        expected = cohen_kappa_score(a[both], b[both])
        assert pair["kappa"] == pytest.approx(expected, abs=1e-9)
    for row in report.labels:
        if row["label"] not in codes:
            assert row["alpha"] is None and row["spans"] == 0  # no one used it: undefined, not 1 or 0
            continue
        code = codes[row["label"]]
        binary = np.where(np.isnan(data), np.nan, (data == code).astype(float))
        assert row["alpha"] == pytest.approx(
            krippendorff.alpha(reliability_data=binary, level_of_measurement="nominal"), abs=1e-9)


def test_span_counts_with_nested_and_duplicate_spans():
    a = [Annotation(doc_id=1, start=0, end=10, label="ORG", annotator="a"),
         Annotation(doc_id=1, start=0, end=4, label="ORG", annotator="a")]
    b = [Annotation(doc_id=1, start=0, end=4, label="ORG", annotator="b")]
    counts = span_counts(a, b)
    assert (counts.exact, counts.overlap_a, counts.overlap_b) == (1, 2, 1)


def test_alpha_is_undefined_without_variation():
    assert nominal_alpha(np.array([[4.0, 0.0], [0.0, 0.0]])) is None


def test_the_column_tokenizer_finds_exactly_the_token_pattern_matches():
    from curator.analysis.agreement import _tokens

    rng = random.Random(4)
    alphabet = "ab_9 \t\n.,-–«»'\u0301\u00e9\u0416\u4e2d\u0661\U0001F600\U00010400\u00a0\u2003$%"
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        starts, ends = _tokens(text)
        assert list(zip(starts.tolist(), ends.tolist())) == [m.span() for m in TOKEN.finditer(text)], text


def test_agreement_can_be_cancelled_between_batches(store):
    from curator.analysis.agreement import compute_agreement
    from curator.domain.jobs import Cancelled, Job

    ids = store.add_documents([Document(uid=f"d{i}", text=TEXT) for i in range(3)])
    store.add_annotations([span(doc_id, "Tokayev", "PERSON", who) for doc_id in ids for who in "ab"])
    job = Job()
    job.cancel()
    with pytest.raises(Cancelled):
        compute_agreement(store, job=job, batch=1)
    assert compute_agreement(store, batch=2).documents == 3  # batches add up to the whole


def test_a_figure_a_hair_below_zero_reads_as_zero_not_minus_zero():
    from curator.analysis.agreement import AgreementReport, figure_text
    from curator.cli import format_agreement

    assert figure_text(-1e-12) == "0.000" and figure_text(-0.0004) == "0.000" and figure_text(-0.0006) == "-0.001"
    assert figure_text(None) == "–" and figure_text(0.8) == "0.800"
    report = AgreementReport(annotators=["a", "b"], documents=1, tokens=10,
                             overall={"f1_exact": 0.5, "f1_overlap": 0.5, "kappa": -1e-17, "alpha": -2e-17},
                             pairs=[], labels=[{"label": "ORG", "spans": 2, "f1_exact": 0.5, "f1_overlap": 0.5,
                                                "kappa": -3e-17, "alpha": -4e-17}], per_document=[])
    text = format_agreement(report)
    assert "-0.000" not in text and "alpha  0.000" in text
