"""Candidate pairs from band buckets: every pair of a bucket, and crowded buckets narrowed."""

import itertools
from collections import defaultdict

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from curator.analysis.minhash import (
    BANDS,
    NARROWINGS,
    keyed_candidate_pairs,
    pairs_in_runs,
)


def found(keys, usable=None, cap=64, narrowed=None):
    usable = np.ones(len(keys), bool) if usable is None else usable
    pairs = set()
    for a, b in keyed_candidate_pairs(np.asarray(keys, np.uint64), usable, cap, narrowed):
        assert (a < b).all()
        pairs |= set(zip(a.tolist(), b.tolist()))
    return pairs


def brute_force(keys, usable, cap):
    """The rule, pair by pair: rows of one band bucket are candidates; a bucket of more than
    ``cap`` rows is split by the next band's key (up to NARROWINGS times), then paired whole."""
    pairs = set()

    def bucket(rows, band, depth):
        if len(rows) > cap and depth < NARROWINGS:
            parts = defaultdict(list)
            for row in rows:
                parts[keys[row][(band + depth + 1) % BANDS]].append(row)
            for part in parts.values():
                bucket(part, band, depth + 1)
        else:
            pairs.update(itertools.combinations(sorted(rows), 2))

    for band in range(BANDS):
        groups = defaultdict(list)
        for row in range(len(keys)):
            if usable[row]:
                groups[keys[row][band]].append(row)
        for rows in groups.values():
            bucket(rows, band, 0)
    return pairs


def test_pairs_in_runs_are_every_pair_of_each_run():
    a, b = pairs_in_runs(np.array([0, 5, 9]), np.array([3, 2, 4]))
    assert sorted(zip(a.tolist(), b.tolist())) == [(0, 1), (0, 2), (1, 2), (5, 6), (9, 10), (9, 11), (9, 12),
                                                   (10, 11), (10, 12), (11, 12)]


def test_many_copies_of_one_article_are_all_paired_though_their_bucket_is_crowded():
    keys = np.full((30, BANDS), 7, np.uint64)  # 30 copies: one key in every band
    keys[25:] = np.arange(5 * BANDS).reshape(5, BANDS) + 100  # five strangers
    assert found(keys, cap=4) == set(itertools.combinations(range(25), 2))


def test_a_crowded_bucket_of_strangers_yields_only_the_rows_agreeing_on_more_bands():
    """2,000 articles share band 0's key (a stock phrase) and nothing else, but for two
    near copies: pairing that bucket whole would be 2 million candidates."""
    rng = np.random.default_rng(1)
    keys = rng.integers(0, 2**63, size=(2_000, BANDS), dtype=np.uint64)
    keys[:, 0] = 42
    keys[1_500, 1:20] = keys[700, 1:20]
    narrowed = []
    assert found(keys, narrowed=narrowed) == {(700, 1_500)}
    assert narrowed == [2_000]


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 14).flatmap(lambda n: st.tuples(
    st.lists(st.lists(st.integers(0, 2), min_size=BANDS, max_size=BANDS), min_size=n, max_size=n),
    st.lists(st.booleans(), min_size=n, max_size=n), st.integers(1, 6))))
def test_candidates_follow_the_bucket_rule_pair_by_pair(case):
    keys, usable, cap = case
    assert found(keys, np.array(usable), cap) == brute_force(keys, usable, cap)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.integers(0, 3), min_size=BANDS, max_size=BANDS), min_size=2, max_size=12))
def test_with_no_crowded_bucket_the_candidates_are_every_pair_agreeing_on_a_band(keys):
    expected = {(i, j) for i, j in itertools.combinations(range(len(keys)), 2)
                if any(keys[i][k] == keys[j][k] for k in range(BANDS))}
    assert found(keys, cap=len(keys)) == expected


def test_a_search_pairs_every_copy_of_a_much_copied_article_and_says_buckets_were_crowded(store):
    from curator.analysis.near_duplicates import find_near_duplicates
    from curator.domain.jobs import Job
    from curator.domain.models import Document

    text = " ".join(f"word{i % 97} w{i}" for i in range(200))
    docs = [Document(uid=f"copy{i}", text=text) for i in range(70)]
    docs += [Document(uid=f"other{i}", text=" ".join(f"x{i}y{j}" for j in range(150))) for i in range(5)]
    store.add_documents(docs)
    job = Job()
    pairs = find_near_duplicates(store, threshold=0.5, job=job, workers=1)
    uids = store.uids()
    assert {frozenset((uids[p.a], uids[p.b])) for p in pairs} == {
        frozenset((f"copy{i}", f"copy{j}")) for i, j in itertools.combinations(range(70), 2)}
    assert all(p.similarity == 1.0 for p in pairs)
    assert "crowded band buckets (up to 70 articles" in job.status


class _CountingStore:
    """Enough of a store for ``all_signatures``: batches of texts, counted as they are read."""

    def __init__(self, batches):
        self.batches, self.read = batches, 0

    def document_count(self):
        return self.batches * 500

    def iter_texts(self, batch):
        for number in range(self.batches):
            self.read += 1
            yield [(number * batch + i, f"text {number} {i} of some words") for i in range(batch)]


def test_the_hashing_workers_are_handed_a_few_batches_not_the_whole_project():
    """``pool.map`` read every text of the project before the first signature came back
    (4 GB held at a million articles); the workers now get a few batches ahead."""
    from curator.analysis.near_duplicates import AHEAD, all_signatures

    store = _CountingStore(24)
    batches = all_signatures(store, workers=2)
    ids, rows = next(batches)
    assert ids == list(range(500)) and rows.shape == (500, 256)
    assert store.read <= AHEAD * 2 + 1
    assert sum(len(ids) for ids, _ in batches) == 23 * 500 and store.read == 24
