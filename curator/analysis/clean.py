"""What a clean export demands: every disagreement settled, every duplicate decided.

A clean export refuses (with the problems listed) while annotators' versions of a
region still differ without a review decision, or near-duplicate articles wait
for a decision; articles marked as duplicates that were not kept are left out.
"""

from __future__ import annotations

from curator.analysis.duplicates import not_kept, pair_key
from curator.analysis.near_duplicates import stored_near_duplicates
from curator.analysis.review import category_items, stored_items
from curator.domain.jobs import Job
from curator.formats.validate import Problem, Severity
from curator.store import Store


def clean_check(store: Store, job: Job | None = None) -> tuple[list[Problem], set[int]]:
    """Problems that block a clean export, and the ids of documents to leave out."""
    problems: list[Problem] = []
    settled = store.reviews()
    for item in stored_items(store, job):  # decided data: only documents changed since are worked out
        if not item.agreed and item.key not in settled:
            problems.append(Problem(Severity.ERROR, item.doc_uid,
                                    f"unresolved disagreement ({', '.join(item.kinds)}) between "
                                    f"{', '.join(item.annotators)}", doc_id=item.doc_id,
                                    start=item.start, end=item.end))
    for item in category_items(store):
        if not item.agreed and not item.settled:
            problems.append(Problem(Severity.ERROR, item.doc_uid, f"unresolved disagreement on {item.set_name} "
                                    f"between {', '.join(sorted(item.versions))}", doc_id=item.doc_id))
    decisions = store.decisions("documents")
    uid_of = store.uids()
    dropped = set(not_kept(store))
    pairs = stored_near_duplicates(store)  # decided data: the export searches nothing again
    if pairs is None:
        problems.append(Problem(Severity.ERROR, "project", "the near-duplicate search has not run since articles "
                                "were added: run it first (Review → Duplicates across sources, or "
                                "'curator duplicates PROJECT'), then decide the pairs it finds"))
        pairs = []
    for pair in pairs:
        a, b = uid_of[pair.a], uid_of[pair.b]
        if pair_key("documents", a, b) not in decisions:
            problems.append(Problem(Severity.ERROR, b, f"possible duplicate of {a} (similarity "
                                    f"{pair.similarity:.2f}) not decided", doc_id=pair.b))
    return problems, dropped
