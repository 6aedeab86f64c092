"""The tiny state object long-running work reports to, and checks for cancellation.

Core functions that may take long (import, export, validation) accept a ``Job``;
the command line passes a silent one, the UI one that forwards progress to a
progress bar and sets ``cancelled`` when the user presses Cancel.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator


class Cancelled(Exception):
    """Raised inside a job when the user asked it to stop."""


class Job:
    """Progress and cancellation for one piece of work. Thread-safe."""

    def __init__(self) -> None:
        self._cancel = threading.Event()
        self.done = 0
        self.total = 0
        self.status = ""

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
