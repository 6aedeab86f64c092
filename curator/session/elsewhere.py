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

import hashlib
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

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


def _digest(value: Any) -> str:
    return hashlib.sha1(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


class ElsewhereWatch:
    """Fingerprints of what other processes change, and the ``Changes`` their changes
    make. Polled from one thread (the UI's); this process's changes may be published on
    any thread."""

    def __init__(self, store: Any, stream: ChangeStream) -> None:
        self.store, self.stream = store, stream
        self._lock = threading.Lock()
        self._ids = self._document_ids()  # read whole again only when documents went elsewhere
        self._seen = self._look(())
        self.stop = stream.subscribe(self._on_changes)

    def _on_changes(self, changes: Changes) -> None:
        if changes.origin != ELSEWHERE:  # this process's own: announced already, so seen
            with self._lock:
                self._ids.update(changes.documents_added)
                self._ids.difference_update(changes.documents_removed)
                self._seen = self._look(tuple(self._seen.spans))

    def _document_ids(self) -> set[int]:
        with self.store._connect() as conn:
            return set(conn.execute(sa.select(documents_table.c.id)).scalars())

    def poll(self, showing: Iterable[int] = ()) -> Changes | None:
        """Publish what moved since the last poll as one ``Changes``; None if nothing did.
        While an operation of this process is under way (a job), its writes are not
        announced yet, so the poll waits for the next one."""
        if self.stream.busy():
            return None
        with self._lock:
            now = self._look(tuple(showing))
            before, self._seen = self._seen, now
            changes = self._difference(before, now)
        if not changes:
            return None
        self.stream.publish(changes)
        return changes

    def _look(self, showing: tuple[int, ...]) -> _Look:
        d, h, m = decisions_table.c, history_table.c, meta_table.c
        with self.store._connect() as conn:
            newest, documents = conn.execute(sa.select(sa.func.max(documents_table.c.id), sa.func.count())
                                             .select_from(documents_table)).one()
            project = conn.execute(sa.select(m.value).where(m.key == "project")).scalar() or ""
            decisions = conn.execute(sa.select(d.kind, sa.func.count(), sa.func.max(d.created))
                                     .group_by(d.kind)).all()
            facts = conn.execute(sa.select(facts_table).order_by(facts_table.c.id)).all()
            entities = conn.execute(sa.select(sa.func.count()).select_from(entities_table)).scalar() or 0
            history = conn.execute(sa.select(h.seq, h.done, h.doc_id, h.annotator, h.label)
                                   .order_by(h.seq.desc()).limit(HISTORY_WATCHED)).all()
        labels = tuple(self.store.label_schema.names) if project else ()
        return _Look(
            newest_document=newest or 0, documents=documents, project=_digest(project), labels=labels,
            decisions={row[0]: f"{row[1]}|{row[2]}" for row in decisions},
            facts=_digest([list(row) for row in facts]), measures=_digest(self.store.measures()),
            attributions=_digest(self.store.attributions()), entities=entities,
            history={row.seq: (bool(row.done), row.doc_id or 0, row.annotator, row.label) for row in history},
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
        if now.documents != len(self._ids):  # documents went, or came back below the newest (an import undone, redone)
            current = self._document_ids()
            changes.documents_removed = sorted(self._ids - current)
            changes.documents_added = sorted(set(changes.documents_added) | (current - self._ids))
            self._ids = current
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
        newest_seen = max(before.history, default=0)
        moved = [(seq, entry) for seq, entry in sorted(now.history.items())
                 if (seq > newest_seen and seq not in before.history)
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
