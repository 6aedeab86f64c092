"""Near-duplicate articles: MinHash signatures of word 3-shingles, banded by LSH.

Signatures are computed with numpy (one multiply-shift hash per permutation over
all shingles of a document at once), in two worker processes for large
projects; candidate pairs come from datasketch's MinHashLSH, so documents are
never compared all against all. Pairs are kept when their estimated Jaccard
similarity reaches the threshold.
"""

from __future__ import annotations

import difflib
import multiprocessing
import re
import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from curator.jobs import Job
from curator.store import Store

NUM_PERM = 64
WORD = re.compile(r"\w+")
_RNG = np.random.default_rng(20261123)
_A = _RNG.integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)
_B = _RNG.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)
_EMPTY = np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)


@dataclass(frozen=True)
class DuplicatePair:
    """Two documents whose texts are near duplicates, with their estimated similarity."""

    a: int
    b: int
    similarity: float


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def signature(text: str) -> np.ndarray:
    """The MinHash signature of a text's word 3-shingles (whole text if shorter)."""
    words = _words(text)
    if not words:
        return _EMPTY.copy()
    word_hashes = np.fromiter((zlib.crc32(w.encode()) for w in words), dtype=np.uint64, count=len(words))
    if len(words) >= 3:
        shingles = (word_hashes[:-2] * np.uint64(0x9E3779B97F4A7C15) + word_hashes[1:-1] * np.uint64(0xC2B2AE3D27D4EB4F)
                    + word_hashes[2:])
    else:
        shingles = word_hashes
    shingles = np.unique(shingles)
    return ((_A[:, None] * shingles[None, :] + _B[:, None]) >> np.uint64(32)).min(axis=1)


def _signatures(batch: list[tuple[int, str]]) -> list[tuple[int, np.ndarray]]:
    return [(doc_id, signature(text)) for doc_id, text in batch]


def _batches(store: Store, size: int) -> Iterator[list[tuple[int, str]]]:
    batch: list[tuple[int, str]] = []
    for document in store.iter_documents():
        batch.append((document.id, document.text))
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def all_signatures(store: Store, job: Job | None = None, workers: int = 2) -> Iterator[tuple[int, np.ndarray]]:
    job = job or Job()
    total = store.document_count()
    done = 0
    if total < 2000 or workers < 2:
        batches: Iterable = map(_signatures, _batches(store, 500))
        for result in batches:
            job.check()
            done += len(result)
            job.set_progress(done, total)
            yield from result
        return
    # Spawned, not forked: the window runs this from a thread, and forking a threaded process is unsafe.
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for result in pool.map(_signatures, _batches(store, 500), chunksize=1):
            job.check()
            done += len(result)
            job.set_progress(done, total)
            yield from result


THRESHOLD = 0.5  # the estimated Jaccard similarity of word shingles from which two articles are a pair


def find_near_duplicates(store: Store, threshold: float = THRESHOLD, job: Job | None = None,
                         workers: int = 2) -> list[DuplicatePair]:
    """Pairs of documents whose estimated Jaccard similarity is at least ``threshold``."""
    from datasketch import MinHash, MinHashLSH

    job = job or Job()
    job.set_status("Hashing documents")
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    template = MinHash(num_perm=NUM_PERM)
    signatures: dict[int, np.ndarray] = {}
    pairs: list[DuplicatePair] = []
    with lsh.insertion_session() as session:
        for doc_id, sig in all_signatures(store, job, workers):
            if np.array_equal(sig, _EMPTY):
                continue
            signatures[doc_id] = sig
            session.insert(doc_id, MinHash(num_perm=NUM_PERM, hashvalues=sig, permutations=template.permutations,
                                           scheme="affine32"))
    job.set_status("Comparing candidates")
    for doc_id, sig in signatures.items():
        query = MinHash(num_perm=NUM_PERM, hashvalues=sig, permutations=template.permutations, scheme="affine32")
        for other in lsh.query(query):
            if other > doc_id:
                similarity = float(np.mean(sig == signatures[other]))
                if similarity >= threshold:
                    pairs.append(DuplicatePair(doc_id, other, similarity))
    return sorted(pairs, key=lambda p: (-p.similarity, p.a, p.b))


def shared_passages(text_a: str, text_b: str, min_words: int = 6) -> list[tuple[int, int, int, int]]:
    """Character ranges ``(a_start, a_end, b_start, b_end)`` of passages both texts share."""
    words_a = list(WORD.finditer(text_a))
    words_b = list(WORD.finditer(text_b))
    matcher = difflib.SequenceMatcher(None, [m.group().lower() for m in words_a],
                                      [m.group().lower() for m in words_b], autojunk=False)
    passages = []
    for block in matcher.get_matching_blocks():
        if block.size >= min_words:
            first_a, last_a = words_a[block.a], words_a[block.a + block.size - 1]
            first_b, last_b = words_b[block.b], words_b[block.b + block.size - 1]
            passages.append((first_a.start(), last_a.end(), first_b.start(), last_b.end()))
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
