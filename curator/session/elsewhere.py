"""Changes another process made to the project (the command line, another window on the
same project, a teammate on the same server), which no operation of this process announced.

``Session.poll`` asks an ``ElsewhereWatch`` now and then; it compares cheap fingerprints
of the project (the newest document, the labels, the latest history entries, measures,
facts, attributions, duplicate decisions, entities, and the spans of the documents
shown) with those last seen, and publishes what moved as one ``Changes`` of origin
"elsewhere" on the session's stream, so that every view that follows the session
follows these too. This process's own changes are taken as seen when they are published.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa

from curator.domain.id_runs import Runs, clipped, expanded, minus, runs_of, union
from curator.session.changes import (
    ELSEWHERE,
    Changes,
    ChangesBuilder,
    ChangeStream,
    HistoryChanged,
)
from curator.store.tables import (
    decisions_table,
    documents_table,
    entities_table,
    facts_table,
    history_table,
    meta_table,
)

HISTORY_WATCHED = 300  # the newest history entries compared (any user's, parts included)
# From this many documents seen, the runs of ids read to find which went elsewhere are read
# on a thread of their own (a second of the database's at a million documents), and the
# removal is told at a later poll.
READ_APART_FROM = 50_000
_PARTS_OWNER = "\x1f"  # the history's owner of a step's parts (``history._OWNER``)


@dataclass(frozen=True)
class _Look:
    """What the project looked like at one poll."""

    newest_document: int = 0
    documents: int = 0
    project: str = ""
    labels: tuple[str, ...] = ()
    decisions: dict[str, str] = field(default_factory=dict)
    facts: str = ""
    measures: str = ""
    attributions: str = ""
    entities: int = 0
    history: dict[int, tuple[bool, int, str, str]] = field(default_factory=dict)  # seq: done, doc, who, label
    spans: dict[int, tuple] = field(default_factory=dict)  # a shown document's: count, latest edit
    history_floor: int = 0  # entries at or below it were out of view (the window was full)


def _digest(value: Any) -> str:
    return hashlib.sha1(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


class KnownIds:
    """The ids of the documents as last seen, as runs of consecutive ids. A project's ids
    run with few gaps (an id is never given twice; a gap is an import undone), so a million
    of them are a few numbers: the window opens without reading them (that took 1.6 s at a
    million), and a change or a comparison works on runs, never on a set of every id (each
    step on such a set held the interpreter's lock, and so the window, 50 ms or more)."""

    def __init__(self, runs: Runs = (), unknown: bool = False) -> None:
        self.runs = list(runs)
        self._count = sum(high - low + 1 for low, high in self.runs)
        self.unknown = unknown  # not read yet: the first read tells nothing

    @classmethod
    def of(cls, store: Any, count: int, high: int) -> KnownIds:
        """Of a project of ``count`` documents, the newest ``high``. A large project with gaps
        is read apart, as a removal is, at the first poll (the runs took a second of the
        window's start at a million)."""
        with store._connect() as conn:
            low = conn.execute(sa.select(sa.func.min(documents_table.c.id))).scalar() or 0
        if count and high - low + 1 == count:
            return cls([(low, high)])
        if count >= READ_APART_FROM:
            return cls(unknown=True)
        return cls(store.document_id_runs() if count else [])

    def copy(self) -> KnownIds:
        return KnownIds(self.runs, self.unknown)

    def __len__(self) -> int:
        return self._count

    def __contains__(self, doc_id: int) -> bool:
        at = bisect.bisect_right(self.runs, (doc_id, math.inf)) - 1
        return at >= 0 and self.runs[at][0] <= doc_id <= self.runs[at][1]

    def whole(self) -> set[int]:
        return set(expanded(self.runs))

    # A change redoes only the runs it reaches: every edit and poll changes them (most by
    # nothing), and redoing all of them held the window 30 ms at 100,000 runs, 0.35 s at a million.
    def update(self, ids: Iterable[int]) -> None:
        added = runs_of(ids)
        if added:
            first = max(bisect.bisect_left(self.runs, (added[0][0],)) - 1, 0)
            self._redo(first, bisect.bisect_right(self.runs, (added[-1][1] + 1, math.inf)),
                       lambda runs: union(runs, added))

    def difference_update(self, ids: Iterable[int]) -> None:
        cut = runs_of(ids)
        if cut:
            first = max(bisect.bisect_left(self.runs, (cut[0][0],)) - 1, 0)
            self._redo(first, bisect.bisect_right(self.runs, (cut[-1][1], math.inf)), lambda runs: minus(runs, cut))

    def _redo(self, first: int, last: int, change: Any) -> None:
        runs = self.runs[first:last]
        self.runs[first:last] = changed = change(runs)
        self._count += sum(high - low + 1 for low, high in changed) - sum(high - low + 1 for low, high in runs)


@dataclass
class _Gone:
    """What the runs of ids read found against the ids known when the read began: the
    documents gone (every id known then: each was there before the read), those back (an
    import undone, then redone) at or below ``newest``, the highest id seen then, and the
    ids known from now on. An id above ``newest`` came after the read began (ids are never
    given twice): the polls since tell it as added, and the read may have seen one since
    gone, so it is neither told nor kept from the read."""

    removed: list[int]
    back: list[int]
    known: KnownIds

    @classmethod
    def of(cls, current: Runs, known: KnownIds, newest: int) -> _Gone:
        told = clipped(current, current[0][0], newest) if current else []
        if known.unknown:
            return cls([], [], KnownIds(told))
        if not known.runs:
            return cls([], expanded(told), KnownIds(told))
        removed = minus(known.runs, current)
        later = minus(clipped(known.runs, newest + 1, known.runs[-1][1]), removed)  # (known, and still there)
        return cls(expanded(removed), expanded(minus(told, known.runs)), KnownIds(union(told, later)))


class _IdRead:
    """The runs of every document id, read and compared with those known on a thread of
    its own, for a poll to come; ``later``: ids added meanwhile (above the newest it knew)."""

    def __init__(self, read: Any, known: KnownIds, newest: int, generation: int) -> None:
        self.generation = generation
        self.later: list[int] = []
        self.gone: _Gone | None = None
        self.error: BaseException | None = None
        self.done = threading.Event()
        threading.Thread(target=self._run, args=(read, known, newest), name="curator-elsewhere-ids",
                         daemon=True).start()

    def _run(self, read: Any, known: KnownIds, newest: int) -> None:
        try:
            self.gone = _Gone.of(read(), known, newest)
        except BaseException as exc:  # (given to the poll that takes the result: raised there)
            self.error = exc
        finally:
            self.done.set()


class ElsewhereWatch:
    """Fingerprints of what other processes change, and the ``Changes`` their changes
    make. Polled from one thread (the UI's); this process's changes may be published on
    any thread."""

    def __init__(self, store: Any, stream: ChangeStream) -> None:
        self.store, self.stream = store, stream
        self._lock = threading.Lock()
        self._reading: _IdRead | None = None  # the ids of a large project being read apart
        self._generation = 0  # of this process's own changes to the ids: a read begun before one is stale
        # (read before each look: a commit between the two makes the next poll look again)
        self._counter = store.change_counter()
        try:
            self._version = self._counter() if self._counter else None
            self._seen = self._look(())
            # Read whole again only when documents went elsewhere.
            self._ids = KnownIds.of(store, self._seen.documents, self._seen.newest_document)
        except BaseException:  # (the project cannot be read now: the next poll makes a watch again)
            if self._counter:
                self._counter.close()
            raise
        self._unsubscribe = stream.subscribe(self._on_changes)

    def stop(self) -> None:
        """Stop following this process's changes, and close the count of commits."""
        self._unsubscribe()
        if self._counter:
            self._counter.close()

    def _on_changes(self, changes: Changes) -> None:
        if changes.origin != ELSEWHERE:  # this process's own: announced already, so seen
            with self._lock:
                if changes.documents_added or changes.documents_removed:
                    self._generation += 1
                self._ids.update(changes.documents_added)
                self._ids.difference_update(changes.documents_removed)
                # (the documents' count and newest id are taken only if documents came or went:
                # ``_absorbed`` keeps the rest as seen, and the count read a million rows' index)
                documents = bool(changes.documents_added or changes.documents_removed)
                self._seen = _absorbed(self._seen, self._look(tuple(self._seen.spans), documents), changes)

    def _gone(self, newest: int) -> _Gone | None:
        """Which documents went (and came back) since the ids were last known, ``newest``
        the highest id seen; in a large project (``READ_APART_FROM``) read and compared
        on a thread of its own and given to a later poll: None until then (this poll
        tells no removal)."""
        if len(self._ids) < READ_APART_FROM and not self._ids.unknown:
            return _Gone.of(self._document_ids(), self._ids, newest)
        reading = self._reading
        if reading is None or reading.generation != self._generation:  # none yet, or begun before this
            known = self._ids.copy()  # (the reading thread's own: this one's changes as it reads)
            self._reading = _IdRead(self._document_ids, known, newest, self._generation)  # process's change
            return None
        if not reading.done.is_set():
            return None
        self._reading = None
        if reading.error is not None:
            raise reading.error
        reading.gone.known.update(reading.later)
        return reading.gone

    def _document_ids(self) -> Runs:
        return self.store.document_id_runs()

    def poll(self, showing: Iterable[int] = ()) -> Changes | None:
        """Publish what moved since the last poll as one ``Changes``; None if nothing did.
        While an operation of this process is under way (a job), its writes are not
        announced yet, so the poll waits for the next one."""
        if self.stream.busy():
            return None
        showing = tuple(showing)
        version = self._counter() if self._counter else None
        if self._unchanged(version, showing):
            return None
        with self._lock:
            now = self._look(showing)
            # (seen once told: a read that failed, raised here, leaves what moved for the next poll)
            changes = self._difference(self._seen, now)
            self._seen, self._version = now, version
        if not changes:
            return None
        self.stream.publish(changes)
        return changes

    def _unchanged(self, version: int | None, showing: tuple[int, ...]) -> bool:
        """Whether a poll would find nothing without looking (at a million documents, its
        queries were 8 ms of the window's thread every poll): nobody else committed since
        the last look, the same documents are shown (a newly shown one's spans are taken as
        they are now, for the next poll to compare), and no read of the ids is pending or
        due: the ids known agree with the count last seen (a read's finding, or the need
        of another read, is given to a poll)."""
        return (version is not None and version == self._version and showing == tuple(self._seen.spans)
                and self._reading is None and self._seen.documents == len(self._ids))

    def _look(self, showing: tuple[int, ...], documents: bool = True) -> _Look:
        """The project now; without ``documents``, its documents' count and newest id are
        those last seen."""
        d, h, m = decisions_table.c, history_table.c, meta_table.c
        with self.store._connect() as conn:
            # Each its own query: together, SQLite read every row, texts and all, for them (a
            # million articles: seconds every poll); alone, the count reads the smallest index.
            if documents:
                newest = conn.execute(sa.select(sa.func.max(documents_table.c.id))).scalar()
                count = conn.execute(sa.select(sa.func.count()).select_from(documents_table)).scalar_one()
            else:
                newest, count = self._seen.newest_document, self._seen.documents
            project = conn.execute(sa.select(m.value).where(m.key == "project")).scalar() or ""
            decisions = conn.execute(sa.select(d.kind, sa.func.count(), sa.func.max(d.created))
                                     .group_by(d.kind)).all()
            facts = conn.execute(sa.select(facts_table).order_by(facts_table.c.id)).all()
            entities = conn.execute(sa.select(sa.func.count()).select_from(entities_table)).scalar() or 0
            history = conn.execute(sa.select(h.seq, h.done, h.doc_id, h.annotator, h.label)
                                   .order_by(h.seq.desc()).limit(HISTORY_WATCHED)).all()
        labels = tuple(self.store.label_schema.names) if project else ()
        return _Look(
            newest_document=newest or 0, documents=count, project=_digest(project), labels=labels,
            decisions={row[0]: f"{row[1]}|{row[2]}" for row in decisions},
            facts=_digest([list(row) for row in facts]), measures=_digest(self.store.measures()),
            attributions=_digest(self.store.attributions()), entities=entities,
            history={row.seq: (bool(row.done), row.doc_id or 0, row.annotator, row.label) for row in history},
            history_floor=min(row.seq for row in history) if len(history) >= HISTORY_WATCHED else 0,
            spans={doc_id: self.store.revision(doc_id)[1:] for doc_id in showing})

    def _difference(self, before: _Look, now: _Look) -> Changes:
        changes = ChangesBuilder(ELSEWHERE)
        changes.complete = False  # flags only: what they name is read again
        if now.newest_document > before.newest_document:
            with self.store._connect() as conn:
                c = documents_table.c
                changes.documents_added = list(conn.execute(
                    sa.select(c.id).where(c.id > before.newest_document).order_by(c.id)).scalars())
        self._ids.update(changes.documents_added)
        if self._reading is not None:  # (added while the ids are read: above the newest it knew)
            self._reading.later.extend(changes.documents_added)
        if now.documents != len(self._ids):  # documents went, or came back below the newest (an import undone, redone)
            gone = self._gone(max(before.newest_document, now.newest_document))
            if gone is not None:
                changes.documents_removed = gone.removed
                changes.documents_added = sorted(set(changes.documents_added) | set(gone.back))
                self._ids = gone.known
        elif self._reading is not None:  # (the count agrees again: what a read would find is known)
            self._reading = None
        if now.project != before.project and now.labels:
            changes.schema = True
            changes.relabelled = [name for name in before.labels if name not in now.labels]
        changes.decisions = {kind for kind in {*before.decisions, *now.decisions}
                             if before.decisions.get(kind) != now.decisions.get(kind)}
        changes.facts = now.facts != before.facts or now.attributions != before.attributions
        changes.measures = now.measures != before.measures
        changes.entities = now.entities != before.entities
        changes.spans = {doc_id for doc_id, look in now.spans.items()
                         if doc_id in before.spans and before.spans[doc_id] != look}
        self._history_moved(before, now, changes)
        return changes.build()

    @staticmethod
    def _history_moved(before: _Look, now: _Look, changes: ChangesBuilder) -> None:
        """Entries done, undone or redone elsewhere: the documents they were in changed
        (spans, details, categories, reviews), or, for a project-wide step, the entities;
        the newest is the history's move the Undo and Redo labels follow."""
        moved = [(seq, entry) for seq, entry in sorted(now.history.items())
                 if (seq > before.history_floor and seq not in before.history)
                 or (seq in before.history and before.history[seq][0] != entry[0])]
        for seq, (done, doc_id, who, label) in moved:
            if doc_id:
                changes.spans.add(doc_id)
                changes.documents.add(doc_id)
                changes.reviews.add(doc_id)
                if not who.startswith(_PARTS_OWNER):
                    changes.categories.add((doc_id, who))
            elif not who.startswith(_PARTS_OWNER):
                changes.entities = True
            if not who.startswith(_PARTS_OWNER):
                step = ("Done" if seq not in before.history else "Redone") if done else "Undone"
                changes.history = HistoryChanged(who, step, label, doc_id)


def _absorbed(seen: _Look, now: _Look, changes: Changes) -> _Look:
    """``seen`` with the parts this process's own ``changes`` touched taken from ``now``
    (announced already); the rest stays as last polled, so that the next poll still finds
    what another process changed there meanwhile."""
    fields: dict[str, Any] = {}
    if changes.documents_added or changes.documents_removed:
        fields.update(newest_document=now.newest_document, documents=now.documents)
    if changes.schema or now.labels == seen.labels:
        fields.update(project=now.project, labels=now.labels)
    fields["decisions"] = {kind: (now if kind in changes.decisions else seen).decisions.get(kind)
                           for kind in {*seen.decisions, *now.decisions}
                           if (now if kind in changes.decisions else seen).decisions.get(kind) is not None}
    if changes.facts:
        fields.update(facts=now.facts, attributions=now.attributions)
    if changes.measures:
        fields["measures"] = now.measures
    if changes.entities:
        fields["entities"] = now.entities
    fields["spans"] = {doc_id: now.spans.get(doc_id, look) if doc_id in changes.spans else look
                       for doc_id, look in seen.spans.items()}
    own = changes.history.annotator if changes.history else None

    def mine(who: str) -> bool:
        if who.startswith(_PARTS_OWNER):  # a part: its step's owner's
            step = now.history.get(int(who[1:])) if who[1:].isdigit() else None
            return step is None or step[2] == own
        return who == own

    history = {}
    for seq, entry in now.history.items():
        if entry == seen.history.get(seq) or mine(entry[2]):
            history[seq] = entry
        elif seq in seen.history:  # another's entry undone or redone: still to be found
            history[seq] = seen.history[seq]
    fields["history"] = history
    return replace(seen, **fields)
