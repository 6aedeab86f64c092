"""The tiny state object long-running work reports to, and checks for cancellation.

Core functions that may take long (import, export, validation) accept a ``Job``;
the command line passes a silent one, the UI one that forwards progress to a
progress bar and sets ``cancelled`` when the user presses Cancel.
"""

from __future__ import annotations

import contextlib
import contextvars
import gc
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass


class Cancelled(Exception):
    """Raised inside a job when the user asked it to stop."""


@dataclass(frozen=True)
class DocumentFailure:
    """One document (or other item: a pair of entities) a batch could not do: the batch
    reported it and went on with the others."""

    item: str  # the document's id, or the item's name, as the user knows it
    step: str  # what was being done: "suggest", "near-duplicate search", ...
    reason: str

    def __str__(self) -> str:
        return f"{self.item}: {self.step} failed ({self.reason}); the others were done"


def stops_the_batch(exc: BaseException) -> bool:
    """Whether an error means the whole batch cannot go on (a cancel, the disk, the
    memory, the database), rather than that one document could not be done."""
    if isinstance(exc, (Cancelled, OSError, MemoryError)) or not isinstance(exc, Exception):
        return True
    return any(kind.__module__.split(".")[0] in ("sqlalchemy", "sqlite3", "psycopg", "psycopg2")
               for kind in type(exc).__mro__)


def reason_of(exc: BaseException) -> str:
    """An error as one line of a report: a Curator error as its message, anything else
    (a rule's bug) with its type, so that it can be reported and fixed."""
    from curator.errors import CuratorError

    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return text if isinstance(exc, CuratorError) and text else f"{type(exc).__name__}: {text}".rstrip(": ")


class Job:
    """Progress and cancellation for one piece of work, and the documents it could not
    do (``failures``: a batch reports a failing document and goes on). Thread-safe."""

    KEPT = 10_000  # failures kept whole (a rule failing on every document of a million: counted)

    def __init__(self) -> None:
        self._cancel = threading.Event()
        self.done = 0
        self.total = 0
        self.status = ""
        self.failures: list[DocumentFailure] = []  # the first KEPT; ``failed`` counts them all
        self.failed = 0

    def set_progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total

    def set_status(self, status: str) -> None:
        self.status = status

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise ``Cancelled`` if the user asked to stop; call between units of work."""
        if self._cancel.is_set():
            raise Cancelled()

    @contextlib.contextmanager
    def per_document(self, item: str, step: str) -> Iterator[None]:
        """One document's (or item's) part of a batch: if it fails, the failure is kept in
        ``failures`` (naming the item, step and reason) and the batch goes on with the next.
        An error that stops the whole batch (``stops_the_batch``) is raised as it is."""
        try:
            yield
        except Exception as exc:
            if stops_the_batch(exc):
                raise
            self.fail(DocumentFailure(item, step, reason_of(exc)))

    def fail(self, failure: DocumentFailure) -> None:
        """Report one document (or item) the work could not do; it goes on with the others."""
        self.failed += 1
        if len(self.failures) < self.KEPT:
            self.failures.append(failure)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for bulk work that allocates many small
    objects (rows read from the database) and creates no reference cycles: otherwise
    the collector rescans every live object again and again, a third of the time of
    reading a million spans."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class WriteBehind:
    """Writes that run one at a time on a thread of their own while the caller goes on
    with the next batch: a write that waits outside the interpreter (a commit waiting for
    the disk) then overlaps the caller's reading and checking on another core.

    ``submit`` waits for the write before it, so writes stay in order and at most one
    batch waits in memory; a write's error is raised by the next ``submit`` or ``wait``,
    or on leaving the block. Leaving the block, even on an error, waits for the write in
    flight: each batch is written whole, or not at all, before the caller goes on."""

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def submit(self, write: Callable[[], object]) -> None:
        self.wait()
        # In the caller's context: what the write announces belongs to the caller's operation.
        context = contextvars.copy_context()
        self._thread = threading.Thread(target=context.run, args=(self._run, write), name="curator-write-behind",
                                        daemon=True)
        self._thread.start()

    def _run(self, write: Callable[[], object]) -> None:
        try:
            write()
        except BaseException as exc:  # handed to the caller's thread
            self._error = exc

    def wait(self) -> None:
        """Wait for the write in flight; raise its error, if it had one."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def __enter__(self) -> WriteBehind:
        return self

    def __exit__(self, kind: type | None, error: BaseException | None, _traceback: object) -> None:
        if error is None:
            self.wait()
            return
        try:  # the caller's error goes on; the write in flight still ends before it does
            self.wait()
        except BaseException as failed:
            error.add_note(f"and the write in flight failed too: {failed!r}")
