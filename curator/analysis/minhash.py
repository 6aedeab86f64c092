"""MinHash signatures of word 3-shingles and their banded candidate pairs, in numpy.

A batch of texts is hashed at once: the lower-cased texts are joined as UTF-8 bytes,
words found with a byte-class table (ASCII letters, digits, ``_`` and every non-ASCII
byte), each word hashed by a polynomial over a prefix sum, three neighbouring words
mixed into a shingle. The signature is one-permutation MinHash (Li, Owen and Zhang
2012): each shingle's hash picks one of ``NUM_PERM`` bins by its top bits and the bin
keeps its smallest value, so a signature costs one hash per shingle instead of one per
shingle and permutation; bins left empty take their right neighbour's value
(rotation densification, Shrivastava and Li 2014). The share of equal bins estimates
the Jaccard similarity, as with classic MinHash.

Candidates are pairs that agree on every row of one band (``BANDS`` bands of ``ROWS``
bins): 93% of pairs at a similarity of 0.55 become candidates, all but one in ten
thousand at 0.75, and about two pairs in a thousand at 0.13, the similarity of
unrelated generated articles that share stock phrases. With 128 bins and 25 bands
the search over 100,000 articles took 9 s but found 0.946 of the planted pairs.

Stock phrases shared by unrelated articles put them into band buckets that grow with
the project (a bucket of 0.3% of all articles in the generated benchmark corpus), and
pairing such a bucket whole made the comparing quadratic: 3.8 million candidates at
100,000 articles, 59 million at 400,000. A bucket of more than ``BUCKET_CAP`` articles
is therefore narrowed by the next bands (``keyed_candidate_pairs``): 1.4 and 10.6
million, with the same pairs but for 2 of 13,298 at 400,000 (one of the 8,080 planted).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from curator.domain.text import fold

NUM_PERM = 256
ROWS, BANDS = 5, 51  # 255 of the 256 bins are banded; all 256 estimate the similarity
EMPTY = np.uint32(0xFFFFFFFF)  # a bin no shingle fell into (a real value is at most EMPTY - 1)
FINGERPRINT_BITS = 8  # of each bin, kept by a search to estimate a candidate pair's similarity

_U64 = np.uint64
_P = 0x100000001B3  # the polynomial's base (odd, so it has an inverse modulo 2**64)
_P_INVERSE = pow(_P, -1, 2**64)
_WORD_BYTE = np.zeros(256, dtype=bool)
for _code in range(256):
    _WORD_BYTE[_code] = _code >= 0x80 or chr(_code).isalnum() or _code == ord("_")
_BAND_WEIGHTS = (np.random.default_rng(20261201).integers(1, 2**63, size=ROWS, dtype=np.uint64) | _U64(1))
_BIN_BITS = NUM_PERM.bit_length() - 1
_BIN_MASK = _U64(NUM_PERM - 1)


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every output bit depends on every input bit."""
    values = values ^ (values >> _U64(30))
    values = values * _U64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> _U64(27))
    values = values * _U64(0x94D049BB133111EB)
    return values ^ (values >> _U64(31))


def _powers(base: int, count: int) -> np.ndarray:
    powers = np.full(count, base, dtype=np.uint64)
    powers[0] = 1
    return np.cumprod(powers, dtype=np.uint64)  # wraps modulo 2**64, as wanted


def compared(text: str) -> str:
    """A text as articles are compared: in one normal form (NFKC) and case folded, so the
    NFC and NFD spellings of one article (or its upper-cased copy) are one text."""
    return text.lower() if text.isascii() else fold(text)


def shingle_hashes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Every text's word 3-shingles (its words if it has fewer than three) as 64-bit hashes,
    with the index of the text each belongs to."""
    encoded = [compared(text).encode("utf-8", "surrogatepass") for text in texts]
    joined = np.frombuffer(b" ".join(encoded), dtype=np.uint8)
    if not len(joined):
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    word = _WORD_BYTE[joined]
    edges = np.diff(np.concatenate(([False], word, [False])).astype(np.int8))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    # Which text each word is in: the separating spaces are the texts' boundaries.
    lengths = np.fromiter(map(len, encoded), np.int64, len(texts))
    boundaries = np.cumsum(lengths + 1)
    owner = np.searchsorted(boundaries, starts, side="right")
    # A word's hash: sum of byte * P**position over the word, shifted back to its start.
    prefix = np.zeros(len(joined) + 1, dtype=np.uint64)
    np.cumsum(joined.astype(np.uint64) * _powers(_P, len(joined)), dtype=np.uint64, out=prefix[1:])
    words = _mix((prefix[ends] - prefix[starts]) * _powers(_P_INVERSE, len(joined))[starts]
                 + (ends - starts).astype(np.uint64))
    same = (owner[:-2] == owner[2:]) if len(words) >= 3 else np.zeros(0, bool)
    shingles = _mix(words[:-2] * _U64(0x9E3779B97F4A7C15) + words[1:-1] * _U64(0xC2B2AE3D27D4EB4F)
                    + words[2:])[same] if len(words) >= 3 else np.zeros(0, np.uint64)
    shingle_owner = owner[:-2][same] if len(words) >= 3 else np.zeros(0, np.int64)
    counts = np.bincount(owner, minlength=len(texts))
    short = counts[owner] < 3  # a text of one or two words is its words
    return (np.concatenate((shingles, words[short])), np.concatenate((shingle_owner, owner[short])))


def signatures(texts: Sequence[str]) -> np.ndarray:
    """One row of ``NUM_PERM`` 32-bit values per text; a text without words is all ``EMPTY``."""
    hashes, owner = shingle_hashes(texts)
    result = np.full((len(texts), NUM_PERM), EMPTY, dtype=np.uint32)
    if not len(hashes):
        return result
    cells = owner.astype(np.uint64) * _U64(NUM_PERM) + (hashes >> _U64(64 - _BIN_BITS))
    values = np.minimum(hashes & _U64(0xFFFFFFFF), _U64(int(EMPTY) - 1))
    keyed = np.sort((cells << _U64(32)) | values)  # by cell, then value: each cell's first is its least
    cell = keyed >> _U64(32)
    first = np.concatenate(([True], cell[1:] != cell[:-1]))
    result.reshape(-1)[cell[first].astype(np.int64)] = (keyed[first] & _U64(0xFFFFFFFF)).astype(np.uint32)
    _densify(result)
    return result


def signature(text: str) -> np.ndarray:
    """One text's signature (``signatures`` of a batch of one)."""
    return signatures([text])[0]


def _densify(rows: np.ndarray) -> None:
    """Fill each empty bin of a non-empty row from the nearest filled bin to its right,
    mixed with the distance, so two texts fill the same bins alike."""
    filled = rows != EMPTY
    pending = ~filled & filled.any(axis=1, keepdims=True)
    step = 1
    while pending.any():
        source = np.roll(rows, -step, axis=1)
        take = pending & (np.roll(filled, -step, axis=1))
        mixed = (source.astype(np.uint64) * _U64(0x9E3779B1) + _U64(step)) % _U64(int(EMPTY))
        rows[take] = mixed[take].astype(np.uint32)
        pending &= ~take
        step += 1


def similarity(rows: np.ndarray, a: np.ndarray, b: np.ndarray, chunk: int = 200_000) -> np.ndarray:
    """The estimated Jaccard similarity of the pairs ``(a[i], b[i])`` of signature rows."""
    result = np.empty(len(a), dtype=np.float64)
    for start in range(0, len(a), chunk):
        part = slice(start, start + chunk)
        result[part] = (rows[a[part]] == rows[b[part]]).mean(axis=1)
    return result


def band_keys(rows: np.ndarray) -> np.ndarray:
    """Each row's ``BANDS`` band keys (one 64-bit value per band of ``ROWS`` bins): two rows
    agree on a band when their keys for it are equal."""
    bands = rows[:, :BANDS * ROWS].reshape(len(rows), BANDS, ROWS).astype(np.uint64)
    return (bands * _BAND_WEIGHTS).sum(axis=2, dtype=np.uint64)


def fingerprints(rows: np.ndarray) -> np.ndarray:
    """Each row's fingerprint: the lowest ``FINGERPRINT_BITS`` bits of every bin (b-bit
    MinHash, Li and König 2010), a quarter of the signature's size. Two bins of unequal
    values agree on them by chance one time in 2**bits; ``fingerprint_similarity`` takes
    that out."""
    return (rows & np.uint32((1 << FINGERPRINT_BITS) - 1)).astype(np.uint8)


def fingerprint_similarity(prints: np.ndarray, a: np.ndarray, b: np.ndarray, chunk: int = 200_000) -> np.ndarray:
    """The estimated Jaccard similarity of the pairs ``(a[i], b[i])`` from fingerprints:
    the share of equal bins less the share that agree by chance; 1.0 for equal prints."""
    chance = 1.0 / (1 << FINGERPRINT_BITS)
    result = np.empty(len(a), dtype=np.float64)
    for start in range(0, len(a), chunk):
        part = slice(start, start + chunk)
        share = (prints[a[part]] == prints[b[part]]).mean(axis=1)
        result[part] = np.clip((share - chance) / (1.0 - chance), 0.0, 1.0)
    return result


BUCKET_CAP = 64  # a band bucket with more members than this is narrowed by the next band
NARROWINGS = 2  # at most this many further bands narrow a crowded bucket; what is left is paired whole


def candidate_pairs(rows: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Row index pairs ``(a, b)`` with ``a < b`` that agree on a whole band, band by band
    (a pair may come from several bands). Rows that are all ``EMPTY`` are never candidates.
    In a crowded bucket (see ``keyed_candidate_pairs``) a pair must agree on more bands."""
    yield from keyed_candidate_pairs(band_keys(rows), (rows != EMPTY).any(axis=1))


def _local(counts: np.ndarray) -> np.ndarray:
    """``0, 1, ..., count - 1`` for each of ``counts``, joined."""
    return np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)


def pairs_in_runs(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every position pair ``(i, j)``, ``start <= i < j < start + length``, of each run."""
    firsts = lengths - 1
    local = _local(firsts)
    first = np.repeat(starts, firsts) + local
    partners = np.repeat(lengths, firsts) - 1 - local
    a = np.repeat(first, partners)
    return a, a + 1 + _local(partners)


def _runs(same: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The starts and lengths of the runs of two or more rows, given whether each row of a
    sorted array equals the one before it (``same``, one shorter than the array)."""
    start = np.flatnonzero(np.concatenate(([True], ~same)))
    length = np.diff(np.concatenate((start, [len(same) + 1])))
    several = length > 1
    return start[several], length[several]


def keyed_candidate_pairs(keys: np.ndarray, usable: np.ndarray, cap: int = BUCKET_CAP,
                          narrowed: list[int] | None = None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """``candidate_pairs`` from the rows' band keys (``band_keys``), of the rows ``usable``
    says have words: what a search keeps of each article instead of its signature.

    A band's rows are sorted by key and every pair within a run of equal keys is a
    candidate. A run of more than ``cap`` rows is crowded: unrelated articles that share
    stock phrases (a template, a sign-off) fall into one bucket, and the bucket grows with
    the project, so pairing it whole makes the search quadratic. Its rows are sorted again
    by the next band's key too, and only rows agreeing on both are paired (up to
    ``NARROWINGS`` bands further; what is still crowded then, such as many copies of one
    article, is paired whole). A near copy agrees on many bands, so it is still found.
    ``narrowed`` (if given) gets the number of rows of each crowded bucket narrowed."""
    usable = np.flatnonzero(usable)
    for band in range(BANDS):
        members, key, group = usable, keys[usable, band], None
        found_a, found_b = [], []
        for depth in range(NARROWINGS + 1):
            # Sorted by key (within the crowded bucket each row came from, once narrowing).
            order = np.argsort(key) if group is None else np.lexsort((key, group))
            ordered = key[order]
            same = ordered[1:] == ordered[:-1]
            if group is not None:
                same &= group[order[1:]] == group[order[:-1]]
            starts, lengths = _runs(same)
            crowded = lengths > cap if depth < NARROWINGS else np.zeros(len(lengths), bool)
            a, b = pairs_in_runs(starts[~crowded], lengths[~crowded])
            found_a.append(members[order[a]])
            found_b.append(members[order[b]])
            if not crowded.any():
                break
            if narrowed is not None:
                narrowed.extend(lengths[crowded].tolist())
            inside = order[np.repeat(starts[crowded], lengths[crowded]) + _local(lengths[crowded])]
            group = np.repeat(np.arange(int(crowded.sum())), lengths[crowded])
            members = members[inside]
            key = keys[members, (band + depth + 1) % BANDS]
        a, b = np.concatenate(found_a), np.concatenate(found_b)
        if len(a):
            yield np.minimum(a, b), np.maximum(a, b)
