"""Near-duplicate articles: MinHash signatures of word 3-shingles, banded by LSH.

Signatures are computed with numpy a batch of articles at a time
(``curator.analysis.minhash``), in two worker processes for large projects;
candidate pairs are those that agree on a whole band of the signature, so
documents are never compared all against all. Pairs are kept when their
estimated Jaccard similarity reaches the threshold.
"""

from __future__ import annotations

import difflib
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from curator.domain.jobs import DocumentFailure, Job, reason_of, stops_the_batch
from curator.domain.text import word_spans
from curator.store import Store

BATCH = 500  # articles hashed together
AHEAD = 4  # batches handed to each worker process ahead of the one being read


@dataclass(frozen=True)
class DuplicatePair:
    """Two documents whose texts are near duplicates, with their estimated similarity."""

    a: int
    b: int
    similarity: float


def _signatures(batch: list[tuple[int, str]]) -> tuple[list[int], object, list[tuple[int, str]]]:
    """The signatures of a batch of ``(id, text)``: (ids, rows, failed). If hashing the
    batch fails, each text is hashed alone, and the ones that fail are ``failed``
    (id and reason) instead of stopping the search."""
    import numpy as np

    from curator.analysis.minhash import NUM_PERM, signatures

    try:
        return [doc_id for doc_id, _ in batch], signatures([text for _, text in batch]), []
    except Exception as exc:
        if stops_the_batch(exc):
            raise
    ids, rows, failed = [], [], []
    for doc_id, text in batch:
        try:
            rows.append(signatures([text]))
        except Exception as exc:
            if stops_the_batch(exc):
                raise
            failed.append((doc_id, reason_of(exc)))
        else:
            ids.append(doc_id)
    return ids, np.concatenate(rows) if rows else np.zeros((0, NUM_PERM), np.uint32), failed


def _in_order(pool: ProcessPoolExecutor, work: Callable, items: Iterable, ahead: int) -> Iterator:
    """``work`` of each item, in order, with at most ``ahead`` items handed out at once.
    (``pool.map`` takes every item at once: the texts of a whole project held in memory.)"""
    pending: deque = deque()
    for item in items:
        pending.append(pool.submit(work, item))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def all_signatures(store: Store, job: Job | None = None, workers: int = 2) -> Iterator[tuple[list[int], object]]:
    """Every document's signature, a batch at a time: (ids, a numpy array of one row per id).
    A document that cannot be hashed is left out and reported in ``job.failures``."""
    job = job or Job()
    total = store.document_count()
    done = 0
    if total < 20 * BATCH or workers < 2:
        results: Iterator = map(_signatures, store.iter_texts(BATCH))
        pool = None
    else:
        # Spawned, not forked: the window runs this from a thread, and forking a threaded process is unsafe.
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
        results = _in_order(pool, _signatures, store.iter_texts(BATCH), AHEAD * workers)
    uids: dict[int, str] | None = None
    try:
        for ids, rows, failed in results:
            job.check()
            if failed:
                uids = uids if uids is not None else store.uids()
                for doc_id, why in failed:
                    job.fail(DocumentFailure(uids.get(doc_id, str(doc_id)), "near-duplicate search", why))
            done += len(ids) + len(failed)
            job.set_progress(done, total)
            yield ids, rows
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


THRESHOLD = 0.5  # the estimated Jaccard similarity of word shingles from which two articles are a pair


def find_near_duplicates(store: Store, threshold: float = THRESHOLD, job: Job | None = None,
                         workers: int = 2) -> list[DuplicatePair]:
    """Pairs of documents whose estimated Jaccard similarity is at least ``threshold``.

    Streamed: the texts and signatures of one batch at a time are in memory. Of each
    article the search keeps its band keys, which find the candidate pairs, and its
    fingerprint (``minhash.fingerprints``: 256 bytes), which screens them: about 660
    bytes an article, a third of the signatures it kept before (and a sixth at their
    peak, when they were joined into one array)."""
    import numpy as np

    from curator.analysis.minhash import (
        BANDS,
        EMPTY,
        NUM_PERM,
        band_keys,
        fingerprint_similarity,
        fingerprints,
        keyed_candidate_pairs,
    )

    job = job or Job()
    job.set_status("Hashing documents")
    room = store.document_count()
    ids = np.empty(room, np.int64)
    keys = np.empty((room, BANDS), np.uint64)
    prints = np.empty((room, NUM_PERM), np.uint8)
    usable = np.empty(room, bool)
    filled = 0
    for batch_ids, rows in all_signatures(store, job, workers):
        end = filled + len(batch_ids)
        if end > room:  # articles added while the search ran: room for them too
            room = max(end, room + room // 2)
            ids, keys, prints, usable = (np.resize(part, (room, *part.shape[1:]))
                                         for part in (ids, keys, prints, usable))
        ids[filled:end] = batch_ids
        keys[filled:end] = band_keys(rows)
        prints[filled:end] = fingerprints(rows)
        usable[filled:end] = (rows != EMPTY).any(axis=1)
        filled = end
    if not filled:
        return []
    ids, keys, prints, usable = ids[:filled], keys[:filled], prints[:filled], usable[:filled]
    job.set_status("Comparing candidates")
    found: dict[tuple[int, int], float] = {}
    narrowed: list[int] = []  # the sizes of crowded band buckets (stock phrases), narrowed by further bands
    for a, b in keyed_candidate_pairs(keys, usable, narrowed=narrowed):
        job.check()
        estimate = fingerprint_similarity(prints, a, b)
        keep = estimate >= threshold
        found.update(zip(zip(a[keep].tolist(), b[keep].tolist()), estimate[keep].tolist()))
    if narrowed:
        job.set_status(f"Compared candidates: {len(narrowed):,} crowded band buckets (up to {max(narrowed):,} "
                       "articles sharing stock phrases) were narrowed by further bands")
    ids = ids.tolist()
    pairs = [DuplicatePair(ids[i], ids[j], value) if ids[i] < ids[j] else DuplicatePair(ids[j], ids[i], value)
             for (i, j), value in found.items()]
    return sorted(pairs, key=lambda p: (-p.similarity, p.a, p.b))


def shared_passages(text_a: str, text_b: str, min_words: int = 6) -> list[tuple[int, int, int, int]]:
    """Character ranges ``(a_start, a_end, b_start, b_end)`` of passages both texts share
    (words compared as ``compared`` compares texts: the NFC and NFD spellings are one)."""
    from curator.analysis.minhash import compared

    words_a, words_b = word_spans(text_a), word_spans(text_b)
    matcher = difflib.SequenceMatcher(None, [compared(text_a[s:e]) for s, e in words_a],
                                      [compared(text_b[s:e]) for s, e in words_b], autojunk=False)
    passages = []
    for block in matcher.get_matching_blocks():
        if block.size >= min_words:
            first_a, last_a = words_a[block.a], words_a[block.a + block.size - 1]
            first_b, last_b = words_b[block.b], words_b[block.b + block.size - 1]
            passages.append((first_a[0], last_a[1], first_b[0], last_b[1]))
    return passages


SEARCH_STATE = "near_duplicates"  # the last search's pairs, kept with the project


def _searched(store: Store) -> list[int]:
    """What a search covers: how many documents there were and the newest one's id
    (texts never change and documents are only added, so this tells whether it is current)."""
    ids = store.document_ids()
    return [len(ids), max(ids, default=0)]


def search_near_duplicates(store: Store, threshold: float = THRESHOLD, job: Job | None = None,
                           workers: int = 2) -> list[DuplicatePair]:
    """``find_near_duplicates``, with its result kept in the project: a clean export then
    reads the decided pairs instead of hashing every article again."""
    searched = _searched(store)
    pairs = find_near_duplicates(store, threshold, job, workers)
    store.set_state(SEARCH_STATE, {"threshold": threshold, "searched": searched,
                                   "pairs": [[p.a, p.b, p.similarity] for p in pairs]})
    return pairs


def stored_near_duplicates(store: Store) -> list[DuplicatePair] | None:
    """The pairs the last search found, or None if no search ran since articles were added."""
    state = store.get_state(SEARCH_STATE)
    if not isinstance(state, dict) or state.get("searched") != _searched(store):
        return None
    return [DuplicatePair(int(a), int(b), float(similarity)) for a, b, similarity in state.get("pairs", [])]
