"""The open project as one session: what every window and the command line work through.

A ``Session`` owns the store, each user's history of edits (do, undo and redo with
labels, stored with the project so that ``curator undo`` and a restarted window see
it too), one transaction per command (batches included: the command, its history
entry and its events are committed together or not at all), the conflict policy
(database errors become Curator's own errors; an edit that lost a race raises
``ConflictError`` for the caller to decide), the running jobs, and one stream of
``Changes`` (``session.changes``: one value per operation, changes made by other
processes included, see ``poll``) that every view follows.

After glue's ``CommandStack`` over a session, and Anki's collection-level undo.
"""

from __future__ import annotations

import contextlib
import functools
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from pydantic import TypeAdapter, ValidationError

from curator.domain.jobs import Job
from curator.domain.models import utc_now
from curator.errors import CuratorError, StepOutdated
from curator.session.changes import (
    EDIT,
    REDO,
    UNDO,
    Changes,
    ChangeStream,
    HistoryChanged,
    ShowRequested,
    stream_of,
)
from curator.session.commands import Batch, Command
from curator.store import Store, database_problem
from curator.store.tables import history_table

HISTORY_LIMIT = 1000  # entries kept per user; the oldest go first
# A step done in parts (``Session.one_step``) is one row of its user's history, marked
# ``PARTS``, and one row per part owned by ``_owner(seq)``: a name no user can have (a
# name holds no control character), so the parts are never anyone's steps themselves.
PARTS = {"type": "Parts"}
_OWNER = "\x1f"


def _owner(seq: int) -> str:
    return f"{_OWNER}{seq:012d}"


@dataclass(frozen=True)
class Step:
    """An edit that was done, undone or redone: what to tell the user, where it was."""

    label: str
    doc_id: int


def _command_classes() -> dict[str, type]:
    """Every command class, by name: the history keeps nothing else."""
    import dataclasses
    import inspect

    from curator.session import (
        commands,
        import_commands,
        relation_commands,
        schema_commands,
    )

    return {name: cls for module in (commands, schema_commands, import_commands, relation_commands)
            for name, cls in inspect.getmembers(module, inspect.isclass)
            if dataclasses.is_dataclass(cls) and cls.__module__ == module.__name__ and hasattr(cls, "apply")
            and cls is not commands.Batch}


@functools.cache
def _registry() -> dict[str, type]:
    return _command_classes()


@functools.cache
def _adapter(cls: type) -> TypeAdapter:
    return TypeAdapter(cls)


def encode(command: Command) -> dict[str, Any]:
    """A command as JSON-ready data (a registered class and its fields; never code)."""
    if isinstance(command, Batch):
        return {"type": "Batch", "label": command.label, "doc_id": command.doc_id,
                "commands": [encode(part) for part in command.commands]}
    name = type(command).__name__
    if _registry().get(name) is not type(command):
        raise CuratorError(f"{name} is not a command the history can keep")
    return {"type": name, "fields": _adapter(type(command)).dump_python(command, mode="json")}


def _entry(**values: Any) -> dict[str, Any]:
    """A history row's values, given to ``execute`` as its parameters, never built into
    the statement (``.values(...)``): SQLAlchemy's cache of compiled statements keeps the
    first statement of each shape with the values built into it, so the first entry that
    kept a label's 100,000 rows stayed in memory as long as the project was open."""
    return values


def decode(data: Any) -> Command:
    """The command ``encode`` described; CuratorError for anything else."""
    try:
        if data["type"] == "Batch":
            return Batch([decode(part) for part in data["commands"]], str(data["label"]), int(data["doc_id"]))
        return _adapter(_registry()[data["type"]]).validate_python(data["fields"])
    except (KeyError, TypeError, ValueError, ValidationError) as exc:
        raise CuratorError(f"a history entry cannot be read ({type(exc).__name__}: {exc})") from exc


class DatabaseRefused(CuratorError):
    """The database would not take the write (busy, full, read-only, damaged); nothing
    was changed, and trying again later may work."""


class Session:
    """One user's work on one project. Use from one thread at a time (the UI thread);
    jobs may run on others and write through the store."""

    def __init__(self, store: Store, annotator: str, history_limit: int = HISTORY_LIMIT) -> None:
        self.store = store
        self.annotator = annotator
        self.history_limit = history_limit
        self._jobs: set[Job] = set()
        self._lock = threading.Lock()
        self.changes: ChangeStream = stream_of(store)
        self._elsewhere: Any = None  # the watch on other processes' changes, made at the first poll

    @property
    def schema(self):
        """The project's label schema as stored now (labels, category sets, relations)."""
        return self.store.label_schema

    @property
    def project_name(self) -> str:
        return self.store.project.name

    def entities(self) -> list:
        """The project's entities, as stored now."""
        return self.store.entities()

    def operation(self, origin: str = EDIT):
        """The store's writes in the block are one ``Changes`` of ``origin``, published at
        its end (``with session.operation("import"): ...``); see ``ChangeStream.operation``."""
        return self.changes.operation(origin)

    def poll(self, showing: tuple[int, ...] | list[int] = ()) -> Changes | None:
        """Publish what other processes (the command line, another window on this
        project, a teammate on the same server) changed since the last poll, as one
        ``Changes`` of origin "elsewhere"; returns it, or None if nothing changed.
        ``showing``: documents whose spans are compared too (the open one). Cheap: a
        window's timer calls it every few seconds."""
        try:
            if self._elsewhere is None:
                from curator.session.elsewhere import ElsewhereWatch

                self._elsewhere = ElsewhereWatch(self.store, self.changes)
            return self._elsewhere.poll(showing)
        except (sa.exc.DBAPIError, sqlite3.Error) as exc:  # the project cannot be read now (gone, locked, down)
            raise DatabaseRefused(f"Could not look for changes made elsewhere: {database_problem(exc)}") from exc

    # -- do, undo, redo ---------------------------------------------------------------

    def do(self, command: Command) -> Step:
        """Apply an edit and record it: one transaction. Raises ``ConflictError`` when
        someone else changed the item first (nothing is applied), or ``CuratorError``."""
        with self.operation(EDIT):
            with self._database_errors(), self.store.transaction() as conn:
                inverse = command.apply(self.store)
                self._record(conn, command.text, command.doc_id, encode(inverse), encode(command))
            self._announce("Done", command.text, command.doc_id)
        return Step(command.text, command.doc_id)

    def one_step(self, label: str, doc_id: int = 0) -> "StepInParts":
        """A step of the history done in parts, each part in its own transaction (so that
        a run killed half-way keeps the parts it did, and a rerun can go on), undone and
        redone whole: ``with session.one_step("Accept suggestions") as step: step.do(part)``.
        A project-wide command is one undo, whatever its size."""
        return StepInParts(self, label, doc_id)

    def record(self, undo: Command) -> Step:
        """Record, as done, an edit already written in parts of its own (an import, committed
        batch by batch): ``undo`` takes it back, and what that returns redoes it."""
        with self._database_errors(), self.store.transaction() as conn:
            self._record(conn, undo.text, undo.doc_id, encode(undo), {"type": "Written"})
        self._announce("Done", undo.text, undo.doc_id)
        return Step(undo.text, undo.doc_id)

    def _record(self, conn: sa.Connection, label: str, doc_id: int, undo: Any, redo: Any) -> int:
        """A new entry of this user's history (what was undone and not redone goes); its seq."""
        h = history_table.c
        self._delete_entries(conn, h.annotator == self.annotator, h.done.is_(False))
        seq = conn.execute(history_table.insert(), _entry(
            annotator=self.annotator, label=label[:300], doc_id=doc_id, undo=undo, redo=redo, done=True,
            created=utc_now())).inserted_primary_key[0]
        self._trim(conn)
        return seq

    @staticmethod
    def _delete_entries(conn: sa.Connection, *where: Any) -> None:
        """Delete history entries, and the parts of those done in parts."""
        h = history_table.c
        owners = [_owner(seq) for seq in conn.execute(sa.select(h.seq).where(*where)).scalars()]
        for start in range(0, len(owners), 500):
            conn.execute(history_table.delete().where(h.annotator.in_(owners[start : start + 500])))
        if owners:
            conn.execute(history_table.delete().where(*where))

    def _apply_parts(self, conn: sa.Connection, seq: int, undo: bool) -> None:
        """Undo (newest part first) or redo (oldest first) every part of a step done in parts."""
        h = history_table.c
        parts = conn.execute(sa.select(h.seq, (h.undo if undo else h.redo).label("data"))
                             .where(h.annotator == _owner(seq)).order_by(h.seq.desc() if undo else h.seq.asc())).all()
        for part in parts:
            inverse = decode(part.data).apply(self.store)
            conn.execute(history_table.update().where(h.seq == part.seq), _entry(
                done=not undo, **{"redo" if undo else "undo": encode(inverse)}))

    def undo(self) -> Step | None:
        """Undo this user's last edit; None when there is nothing to undo."""
        return self._step(done=True)

    def redo(self) -> Step | None:
        """Redo this user's last undone edit; None when there is nothing to redo."""
        return self._step(done=False)

    @property
    def undo_text(self) -> str | None:
        row = self._next(done=True, read="label")
        return row.label if row is not None else None

    @property
    def redo_text(self) -> str | None:
        row = self._next(done=False, read="label")
        return row.label if row is not None else None

    def next_kind(self, undo: bool = True) -> str | None:
        """The kind of command the next undo (or redo) applies, by its class name
        ("ChangeSchema", "Batch", "Parts" for a step done in parts...), or None: a window
        that undoes only its own kind of edits asks this first."""
        row = self._next(done=undo, read="kind")
        return str(row.kind) if row is not None and row.kind is not None else None

    def history(self, limit: int = 20) -> list[tuple[str, bool]]:
        """This user's latest entries, newest first: (label, still done)."""
        h = history_table.c
        with self.store._connect() as conn:
            rows = conn.execute(sa.select(h.label, h.done).where(h.annotator == self.annotator)
                                .order_by(h.seq.desc()).limit(limit)).all()
        return [(row.label, bool(row.done)) for row in rows]

    def clear_history(self) -> None:
        with self.store._begin() as conn:
            self._delete_entries(conn, history_table.c.annotator == self.annotator)
        self._announce()

    def set_annotator(self, annotator: str) -> None:
        """Work as someone else from now on: their history, their layer."""
        self.annotator = annotator
        self._announce()

    def _next(self, done: bool, conn: sa.Connection | None = None, read: str = "command") -> Any:
        """The entry the next undo (``done``) or redo takes, or None: its seq, label and
        doc_id, with ``read`` "command" the data that undoes (or redoes) it as ``data``,
        "kind" only that data's type as ``kind``, "label" nothing more. The data of a
        label of 100,000 spans is megabytes: the label shown on a menu reads none of it."""
        h = history_table.c
        column = h.undo if done else h.redo
        extra = {"command": [column.label("data")], "kind": [column["type"].as_string().label("kind")],
                 "label": []}[read]
        # Undo takes the newest done entry; redo the oldest undone one (all newer were undone after it).
        query = (sa.select(h.seq, h.label, h.doc_id, *extra).where(h.annotator == self.annotator, h.done.is_(done))
                 .order_by(h.seq.desc() if done else h.seq.asc()).limit(1))
        if conn is not None:
            return conn.execute(query).first()
        with self.store._connect() as read:
            return read.execute(query).first()

    def _step(self, done: bool) -> Step | None:
        with self.operation(UNDO if done else REDO):
            return self._move(done)

    def _move(self, done: bool) -> Step | None:
        what = "undo" if done else "redo"
        row = None
        try:
            with self._database_errors(), self.store.transaction() as conn:
                row = self._next(done, conn)
                if row is None:
                    return None
                if row.data == PARTS:
                    self._apply_parts(conn, row.seq, undo=done)
                    values = {"done": not done}
                else:
                    command = decode(row.data)
                    inverse = command.apply(self.store)
                    values = {"done": not done, "redo" if done else "undo": encode(inverse)}
                conn.execute(history_table.update().where(history_table.c.seq == row.seq), _entry(**values))
        except DatabaseRefused:  # busy, full, read-only: the entry stays, to try again
            raise
        except StepOutdated as exc:  # it keeps rows the tables no longer fit: it stays, as it was
            label = repr(row.label) if row is not None else "the last edit"
            raise StepOutdated(f"could not {what} {label}: {exc}. The project's tables changed since the step "
                               f"was {'done' if done else 'undone'} (a newer Curator upgraded it); nothing was "
                               "changed, and the step stays on the history") from exc
        except CuratorError as exc:  # ConflictError too: someone else changed what it touched
            # The edit can no longer be undone as recorded (what it touched was changed or
            # removed since): it leaves the history, so the entries before it stay reachable.
            if row is not None:
                with self._database_errors(), self.store._begin() as conn:
                    self._delete_entries(conn, history_table.c.seq == row.seq)
                self._announce()
            label = repr(row.label) if row is not None else "the last edit"
            raise CuratorError(f"could not {what} {label}: {exc}; it was taken off the history") from exc
        self._announce("Undone" if done else "Redone", row.label, row.doc_id)
        return Step(row.label, row.doc_id)

    def _trim(self, conn: sa.Connection) -> None:
        h = history_table.c
        oldest_kept = conn.execute(sa.select(h.seq).where(h.annotator == self.annotator).order_by(h.seq.desc())
                                   .offset(self.history_limit - 1).limit(1)).scalar()
        if oldest_kept is not None:
            self._delete_entries(conn, h.annotator == self.annotator, h.seq < oldest_kept)

    def _announce(self, moved: str | None = None, label: str = "", doc_id: int = 0) -> None:
        """The history moved: part of the operation open, or a ``Changes`` of its own."""
        with self.operation(EDIT) as changes:
            changes.moved(HistoryChanged(self.annotator, moved, label, doc_id))

    @contextlib.contextmanager
    def _database_errors(self) -> Iterator[None]:
        """The conflict policy: a database that refuses (busy, full, read-only, damaged)
        becomes a CuratorError in the user's words; nothing was changed."""
        try:
            yield
        except (sa.exc.DBAPIError, sqlite3.Error) as exc:
            raise DatabaseRefused(f"Not saved: {database_problem(exc)}") from exc

    # -- jobs and navigation ------------------------------------------------------------

    def adopt(self, job: Job) -> Callable[[], None]:
        """Cancel ``job`` if the session closes first; returns the call that lets it go."""
        with self._lock:
            self._jobs.add(job)

        def release() -> None:
            with self._lock:
                self._jobs.discard(job)

        return release

    def cancel_jobs(self) -> None:
        with self._lock:
            for job in self._jobs:
                job.cancel()

    def show(self, doc_id: int, annotation_id: str | None = None, start: int | None = None,
             end: int | None = None, annotator: str | None = None) -> None:
        """Ask the views to show a document (and a span, or a stretch of text, in it, of
        ``annotator``'s layer if given): a problem double-clicked in a list, an item chosen
        in review. Whoever shows documents follows this; no window reaches into another."""
        self.changes.show(ShowRequested(doc_id, annotation_id, start, end, annotator))

    def stop_polling(self) -> None:
        """Stop watching what other processes change (a window that polled is closing)."""
        if self._elsewhere is not None:
            self._elsewhere.stop()
            self._elsewhere = None

    def close(self) -> None:
        self.cancel_jobs()
        self.stop_polling()
        self.store.close()


class StepInParts:
    """One step of a user's history done in parts (see ``Session.one_step``): each ``do``
    applies its command in its own transaction, together with the part's record; the
    first also writes the step's entry. Use from the session's thread."""

    def __init__(self, session: Session, label: str, doc_id: int = 0) -> None:
        self.session, self.label, self.doc_id = session, label, doc_id
        self.seq: int | None = None
        self.parts = 0
        self._operation = session.operation(EDIT)  # every part, one Changes at the end

    def do(self, command: Command) -> None:
        """Apply ``command`` as the next part; raises as ``Session.do`` does (nothing of
        this part is applied; the parts before it stay done)."""
        session = self.session
        with session._database_errors(), session.store.transaction() as conn:
            inverse = command.apply(session.store)
            if self.seq is None:
                self.seq = session._record(conn, self.label, self.doc_id or command.doc_id, PARTS, PARTS)
            conn.execute(history_table.insert(), _entry(
                annotator=_owner(self.seq), label="", doc_id=command.doc_id, undo=encode(inverse),
                redo=encode(command), done=True, created=utc_now()))
        self.parts += 1

    def relabel(self, label: str) -> None:
        """Name the step by what it did, once that is known."""
        self.label = label
        if self.seq is not None:
            with self.session._database_errors(), self.session.store._begin() as conn:
                conn.execute(history_table.update().where(history_table.c.seq == self.seq).values(label=label[:300]))

    def __enter__(self) -> "StepInParts":
        self._operation.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        try:
            if self.seq is not None:
                self.session._announce("Done", self.label, self.doc_id)
        finally:
            self._operation.__exit__(*exc)


def open_session(location: str, annotator: str) -> Session:
    return Session(Store.open(location), annotator)


__all__ = ["Session", "Step", "StepInParts", "decode", "encode", "open_session"]
