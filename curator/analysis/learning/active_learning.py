"""Active learning, as an option: the next document to annotate can be the one the
learned recommender is least sure of, so that each article a curator finishes teaches
it the most.

A document's uncertainty is the mean, over its words, of one minus the marginal
probability of the tag the model gave the word (``Recommender.predict``): a document
full of words the model hesitates over comes first. Only the annotator's documents
still to do are candidates; a project of many documents has at most ``limit`` of them
looked at, the ones after the current document first, so the answer comes in a second.
"""

from __future__ import annotations

from collections.abc import Sequence

from curator.analysis.learning.recommender import Recommender
from curator.analysis.learning.training import load_recommender
from curator.domain.header import find_header
from curator.domain.jobs import Job
from curator.domain.models import DocumentStatus
from curator.store import Store

LIMIT = 300


def least_sure(store: Store, annotator: str, count: int = 1, after: int | None = None, limit: int = LIMIT,
               recommender: Recommender | None = None, job: Job | None = None) -> list[tuple[int, float]]:
    """Up to ``count`` of the annotator's documents still to do, the least sure first, each
    with its uncertainty (0 sure .. 1). Empty when no recommender is trained (or learning
    is off) or nothing is left to do."""
    job = job or Job()
    recommender = recommender or load_recommender(store)
    if recommender is None:
        return []
    done = {doc_id for doc_id, status in store.statuses(annotator).items() if status is DocumentStatus.DONE}
    ids = [doc_id for doc_id in store.document_ids() if doc_id not in done]
    candidates = _from(ids, after)[:limit]
    scored = []
    for index, (doc_id, _uid, text) in enumerate(store.document_texts(candidates)):
        if index % 20 == 0:
            job.check()
            job.set_progress(index, len(candidates))
        header = find_header(text)
        scored.append((doc_id, recommender.predict(text, header.end if header else 0).uncertainty))
    scored.sort(key=lambda pair: (-pair[1], pair[0]))
    return scored[:count]


def next_least_sure(store: Store, annotator: str, after: int | None = None,
                    recommender: Recommender | None = None) -> int | None:
    """The document to annotate next when "next" goes to the least sure one, or None."""
    found = least_sure(store, annotator, 1, after, recommender=recommender)
    return found[0][0] if found else None


def _from(ids: Sequence[int], after: int | None) -> list[int]:
    """``ids`` starting after ``after`` and wrapping round."""
    if after is None or after not in ids:
        return list(ids)
    place = list(ids).index(after)
    return [*ids[place + 1:], *ids[:place]]
