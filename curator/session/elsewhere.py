"""Changes another process made to the project (the command line, another window on the
same project, a teammate on the same server), which no event of this process announced.

A window polls ``ElsewhereWatch.poll`` now and then; it compares cheap fingerprints of
what others may change (the measures facts are grouped by, recorded facts and
attributions, duplicate decisions) with those last seen, and announces what moved on the
session's event stream as the events an edit made here would have, so that every view
that follows the session follows these too.
"""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa

from curator.store.events import (
    AttributionsChanged,
    DecisionsChanged,
    Event,
    MeasuresChanged,
)
from curator.store.tables import decisions_table, facts_table


class ElsewhereWatch:
    """Fingerprints of what other processes change, and the events their changes mean.
    Use from the session's thread."""

    def __init__(self, session) -> None:
        self.session = session
        self._seen = self._fingerprints()
        self._announcing = False
        self.stop = session.events.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        # This process's own edits were announced by their own events: taken as seen.
        if isinstance(event, (DecisionsChanged, MeasuresChanged, AttributionsChanged)) and not self._announcing:
            self._seen = self._fingerprints()

    def _fingerprints(self) -> dict[str, str]:
        store = self.session.store
        d, f = decisions_table.c, facts_table.c
        with store._connect() as conn:
            decisions = conn.execute(sa.select(sa.func.count(), sa.func.max(sa.type_coerce(d.created, sa.Text)))).one()
            facts = conn.execute(sa.select(facts_table).order_by(f.id)).all()
        digest = hashlib.sha1(json.dumps([list(map(str, row)) for row in facts]).encode()).hexdigest()
        return {"measures": json.dumps(store.measures()), "attributions": json.dumps(store.attributions()),
                "facts": digest, "decisions": f"{decisions[0]}|{decisions[1]}"}

    def poll(self) -> list[Event]:
        """Announce what changed elsewhere since the last poll; returns the events."""
        now = self._fingerprints()
        moved = {name for name, value in now.items() if self._seen.get(name) != value}
        self._seen = now
        events: list[Event] = []
        if "measures" in moved:
            events.append(MeasuresChanged())
        if "attributions" in moved:
            events.append(AttributionsChanged())
        if "facts" in moved:
            events.append(DecisionsChanged("fact:elsewhere"))
        if "decisions" in moved:
            events += [DecisionsChanged("documents:elsewhere"), DecisionsChanged("entities:elsewhere")]
        self._announcing = True
        try:
            for event in events:
                self.session.events.emit(event)
        finally:
            self._announcing = False
        return events
