"""Word classes learned from the project's own text, annotated or not: words that occur
between the same neighbours fall in one class (``Astana``, ``Tashkent`` and ``Baku``;
``minister``, ``president`` and ``ambassador``). They let the recommender generalise
from a few annotated articles to names it has never seen annotated.

The method is the usual distributional one, done with numpy alone: counts of each
frequent word's left and right neighbours, weighted by positive pointwise mutual
information, reduced to a few dozen dimensions by a randomized SVD, then grouped by
k-means at two sizes (a coarse and a fine class per word). Deterministic for one text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

VOCABULARY = 8000  # most frequent words that get a class
CONTEXTS = 500  # most frequent words counted as neighbours, on each side
DIMENSIONS = 60
SIZES = (64, 256)  # classes, coarse and fine
MAX_TOKENS = 2_000_000  # of the project's text read; enough for stable classes


def learn_clusters(sentences: Iterable[Sequence[str]], sizes: Sequence[int] = SIZES,
                   seed: int = 0) -> dict[str, tuple[int, ...]]:
    """Each frequent word (lower case) and its class at each size in ``sizes``."""
    counts: Counter[str] = Counter()
    kept: list[list[str]] = []
    total = 0
    for words in sentences:
        lowered = [word.lower() for word in words]
        counts.update(lowered)
        kept.append(lowered)
        total += len(lowered)
        if total >= MAX_TOKENS:
            break
    vocabulary = [word for word, n in counts.most_common(VOCABULARY) if n >= 2]
    if len(vocabulary) < max(sizes) * 2:
        return {}  # too little text to say anything about words
    index = {word: i for i, word in enumerate(vocabulary)}
    contexts = min(CONTEXTS, len(vocabulary))
    matrix = _neighbour_counts(kept, index, contexts)
    embedding = _reduce(_ppmi(matrix), min(DIMENSIONS, contexts - 1), seed)
    classes = [_kmeans(embedding, size, seed) for size in sizes]
    return {word: tuple(int(c[i]) for c in classes) for word, i in index.items()}


def _neighbour_counts(sentences: list[list[str]], index: dict[str, int], contexts: int) -> np.ndarray:
    rows: list[int] = []
    columns: list[int] = []
    for words in sentences:
        ids = [index.get(word, -1) for word in words]
        for position, row in enumerate(ids):
            if row < 0:
                continue
            if position > 0 and 0 <= ids[position - 1] < contexts:
                rows.append(row)
                columns.append(ids[position - 1])
            if position + 1 < len(ids) and 0 <= ids[position + 1] < contexts:
                rows.append(row)
                columns.append(contexts + ids[position + 1])
    width = 2 * contexts
    flat = np.bincount(np.asarray(rows, dtype=np.int64) * width + np.asarray(columns, dtype=np.int64),
                       minlength=len(index) * width)
    return flat.reshape(len(index), width).astype(np.float32)


def _ppmi(counts: np.ndarray) -> np.ndarray:
    total = counts.sum()
    expected = np.outer(counts.sum(axis=1), counts.sum(axis=0)) / max(total, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(counts / expected)
    pmi[~np.isfinite(pmi)] = 0.0
    return np.maximum(pmi, 0.0, out=pmi)


def _orthonormal(columns: np.ndarray) -> np.ndarray:
    """An orthonormal basis of ``columns`` (tall and thin), by Cholesky on their small Gram
    matrix: a few matrix products, where a QR factorisation crawls on a busy machine."""
    gram = (columns.T @ columns).astype(np.float64)
    gram += np.eye(len(gram)) * (1e-8 * np.trace(gram) / len(gram) + 1e-12)
    factor = np.linalg.cholesky(gram)
    return np.linalg.solve(factor, columns.T.astype(np.float64)).T.astype(np.float32)


def _reduce(matrix: np.ndarray, dimensions: int, seed: int) -> np.ndarray:
    """Rows of ``matrix`` in ``dimensions`` dimensions (randomized SVD, two power
    iterations), scaled to unit length."""
    rng = np.random.default_rng(seed)
    probe = rng.standard_normal((matrix.shape[1], dimensions + 10)).astype(np.float32)
    basis = _orthonormal(matrix @ probe)
    for _ in range(2):
        basis = _orthonormal(matrix @ (matrix.T @ basis))
    small = (basis.T @ matrix).astype(np.float64)
    # The small matrix's left singular vectors, from the eigenvectors of its Gram matrix.
    values, vectors = np.linalg.eigh(small @ small.T)
    order = np.argsort(values)[::-1][:dimensions]
    singular = np.sqrt(np.maximum(values[order], 0.0))
    embedding = (basis @ vectors[:, order].astype(np.float32)) * singular.astype(np.float32)
    return embedding / (np.linalg.norm(embedding, axis=1, keepdims=True) + 1e-9)


def _kmeans(points: np.ndarray, size: int, seed: int, rounds: int = 25) -> np.ndarray:
    """Spherical k-means: each point's class among ``size``."""
    rng = np.random.default_rng(seed)
    centres = points[rng.choice(len(points), size, replace=False)].copy()
    assigned = np.zeros(len(points), dtype=np.int64)
    for _ in range(rounds):
        assigned = (points @ centres.T).argmax(axis=1)
        members = (assigned[None, :] == np.arange(size)[:, None]).astype(np.float32)
        sums = members @ points
        filled = members.any(axis=1)
        centres[filled] = sums[filled]
        centres /= np.linalg.norm(centres, axis=1, keepdims=True) + 1e-9
    return assigned
