"""One transaction for several writes: how a command or a batch is all or nothing.

The store's methods each write in a small transaction of their own; inside
``Store.transaction()`` they join the caller's instead, on this thread, and their
events wait until it commits (a rolled-back write announces nothing)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from curator.domain.jobs import WriteBehind
from curator.errors import CuratorError
from curator.store.events import EventHub


class Transactional:
    """Part of ``Store``: connections, transactions and the events they publish.

    A transaction belongs to the thread that opened it; other threads' calls go on in
    their own transactions, as SQL databases serialise them."""

    engine: Engine
    events: EventHub
    _current: threading.local  # this thread's open transaction: ``connection`` and ``held`` events

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sa.Connection]:
        """Every store call in the block is one transaction: all of it is committed, or
        none of it (an error rolls everything back). Events are published after the
        commit. Nested blocks are part of the outermost one. On SQLite the write lock is
        taken at the start (``BEGIN IMMEDIATE``), so that two processes' transactions
        queue up instead of failing half-way when both have read."""
        if self.in_transaction():
            yield self._current.connection
            return
        held: list[Any] = []
        with self.engine.begin() as conn, self._this_threads(conn, held):
            yield conn
        for event in held:
            self.events.emit(event)

    @contextlib.contextmanager
    def _this_threads(self, conn: sa.Connection, held: list[Any]) -> Iterator[None]:
        """``conn``'s transaction, begun, is this thread's for the block: the store's calls
        join it and hold their events in ``held``. On SQLite the write lock is taken first."""
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        state = self._current
        state.connection, state.held = conn, held
        try:
            yield
        finally:
            state.connection = state.held = None

    @contextlib.contextmanager
    def transaction_committed_behind(self, writer: WriteBehind) -> Iterator[sa.Connection]:
        """``transaction()``, but committed on ``writer``'s thread while the caller goes on
        to read the next batch of a bulk write: a commit waits for the disk and releases
        the interpreter's lock. The block waits first for the commit before it (one write
        transaction at a time); the events are published after the commit. An error in the
        block rolls the transaction back here; a failed commit is raised by ``writer``.
        Inside a transaction this thread holds, the block is part of it."""
        if self.in_transaction():
            with self.transaction() as conn:
                yield conn
            return
        writer.wait()
        held: list[Any] = []
        # Entered here and left on the writer's thread: leaving commits (or, if the commit
        # fails, rolls back) and closes, as ``engine.begin()`` does.
        begun = contextlib.ExitStack()
        with contextlib.ExitStack() as on_error:
            on_error.push(begun)  # left here only if the block fails: rolled back
            conn = begun.enter_context(self.engine.connect())
            begun.enter_context(conn.begin())
            with self._this_threads(conn, held):
                yield conn
            on_error.pop_all()

        def commit() -> None:
            begun.close()
            for event in held:
                self.events.emit(event)

        writer.submit(commit)

    def in_transaction(self) -> bool:
        """Whether this thread is inside ``transaction()``: its writes must stay on this thread."""
        return getattr(self._current, "connection", None) is not None

    @contextlib.contextmanager
    def _begin(self) -> Iterator[sa.Connection]:
        """A connection to write with: the open transaction's, or a new one's."""
        conn = getattr(self._current, "connection", None)
        if conn is not None:
            yield conn
            return
        with self.engine.begin() as conn:
            yield conn

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sa.Connection]:
        """A connection to read with; inside a transaction, its own (to see its writes)."""
        conn = getattr(self._current, "connection", None)
        if conn is not None:
            yield conn
            return
        with self.engine.connect() as conn:
            yield conn

    def _row(self, query: sa.Select, missing: str) -> sa.Row:
        """The first row ``query`` finds; a CuratorError saying ``missing`` when it finds none."""
        with self._connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            raise CuratorError(missing)
        return row

    def _emit(self, event: Any) -> None:
        held = getattr(self._current, "held", None)
        if held is not None:
            held.append(event)
        else:
            self.events.emit(event)
