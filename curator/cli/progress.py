"""Progress of long work on the command line: a ``Job`` that shows how far it is and
about how long is left, on standard error.

Nothing is shown for work that ends within ``DELAY`` seconds. On a terminal the one
line is rewritten in place (at most a few times a second) and cleared at the end; on
anything else (a log file, a pipe, when ``--progress`` asks for it) a whole line is
written now and then. Standard output is never touched, so ``--json`` stays JSON. A
project brought up to date on opening shows its progress the same way.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import TextIO

from curator.domain.jobs import Job
from curator.store.migration_progress import migrations_shown

DELAY = 2.0  # seconds of work before progress is shown
TERMINAL_INTERVAL = 0.2  # seconds between two rewrites of a terminal's line
LOG_INTERVAL = 5.0  # seconds between two lines elsewhere


def duration(seconds: float) -> str:
    """``seconds`` as a person reads a time left: 8 s, 2 min 05 s, 1 h 20 min."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class TerminalProgress(Job):
    """A ``Job`` whose progress is shown on ``stream`` (standard error) once the work has
    taken ``delay`` seconds: its status, the share done and an estimate of the time left
    (from the pace since the first progress reported). May be used from any thread."""

    def __init__(self, stream: TextIO, delay: float = DELAY, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.stream = stream
        self.delay = delay
        self.clock = clock
        self.live = bool(getattr(stream, "isatty", lambda: False)())
        self.interval = TERMINAL_INTERVAL if self.live else LOG_INTERVAL
        self._started = self._stage_started = clock()  # the work's, and its stage's (its status)
        self._first: tuple[float, int, int] | None = None  # (when, done, total) of the first progress
        self._shown_at: float | None = None
        self._width = 0  # of the line on the terminal now
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def set_progress(self, done: int, total: int) -> None:
        super().set_progress(done, total)
        if self._first is None or self._first[2] != total:
            self._first = (self.clock(), done, total)  # a new total starts a new pace
        self._show()

    def set_status(self, status: str) -> None:
        """A new stage of the work: until it reports its own progress, its time so far is
        shown, not the share of the stage before."""
        before = self.status
        super().set_status(status)
        if status != before:
            if before:
                self._stage_started = self.clock()
            self.done = self.total = 0
            self._first = None
        self._show(force=status != before)

    def line(self, now: float) -> str:
        """What is shown now: the status, the share done and the time left, or the time spent."""
        status = self.status or "Working"
        done, total = self.done, self.total
        so_far = f"{duration(now - self._stage_started)} so far"
        if total <= 0 or not 0 <= done <= total:
            return f"{status}: {so_far}"
        share = f"{100 * done / total:.0f}%"
        first = self._first
        if first is None or done <= first[1] or now <= first[0]:
            return f"{status}: {share}, {so_far}"
        left = (now - first[0]) * (total - done) / (done - first[1])
        return f"{status}: {share}, " + (f"about {duration(left)} left" if left >= 0.5 else "almost done")

    def _show(self, force: bool = False) -> None:
        now = self.clock()
        if now - self._started < self.delay:
            return
        with self._lock:
            if self._shown_at is not None and now - self._shown_at < self.interval and not force:
                return
            if self._shown_at is not None and force and now - self._shown_at < min(self.interval, 0.05):
                return
            self._shown_at = now
            self._write(self.line(now))

    def _write(self, text: str) -> None:
        if self.live:
            self._overwrite(text.ljust(self._width))  # padded: nothing of a longer line before is left
            self._width = len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def _overwrite(self, text: str) -> None:
        """Back to the line's start, then ``text``: a ``TerminalText`` escapes the text but
        not the carriage return (``overwrite_line``); any other stream is written as is."""
        overwrite = getattr(self.stream, "overwrite_line", None)
        if overwrite is not None:
            overwrite(text)
        else:
            self.stream.write("\r" + text)

    def start_ticking(self) -> None:
        """Show the progress now and then even when the work reports none for a while (a
        stage without steps: one large file read whole), with the time it has taken."""
        self._ticker = threading.Thread(target=self._tick, name="curator-progress", daemon=True)
        self._ticker.start()

    def _tick(self) -> None:
        while not self._stop.wait(min(max(self.interval, 0.1), 0.5)):  # (shown at most every interval)
            self._show()

    def finish(self) -> None:
        """Stop ticking and clear the terminal's line, if progress was shown on it, so that
        the command's own messages start on a clean line."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        with self._lock:
            if self.live and self._width:
                self._overwrite(" " * self._width)
                self._overwrite("")
                self.stream.flush()
                self._width = 0


def progress_job(stream: TextIO, asked: bool, quiet: Callable[[], Job] = Job) -> Job:
    """The job a command's long work reports to: shown on ``stream`` when it is a
    terminal or when ``asked`` (``--progress``), else ``quiet()`` (silent)."""
    if asked or getattr(stream, "isatty", lambda: False)():
        return TerminalProgress(stream)
    return quiet()


@contextlib.contextmanager
def shown_progress(asked: bool, quiet: Callable[[], Job] = Job) -> Iterator[Job]:
    """``progress_job`` on standard error for the block, its line cleared at the end."""
    job = progress_job(sys.stderr, asked, quiet)
    if isinstance(job, TerminalProgress):
        job.start_ticking()
    try:
        yield job
    finally:
        if isinstance(job, TerminalProgress):
            job.finish()


@contextlib.contextmanager
def migrations_shown_on_stderr(asked: bool) -> Iterator[None]:
    """Within the block, a project a command opens that must first be brought up to date
    (a migration: minutes at a million articles) shows how far that is as ``shown_progress``
    shows long work, by the same rules; nothing is shown, nor made, for a project up to date."""
    with migrations_shown(lambda: shown_progress(asked)):
        yield


PROGRESS_HELP = ("show the progress of long work, with the time left, on standard error even when it is not a "
                 "terminal (on a terminal it is shown anyway)")


def add_progress_option(command: argparse.ArgumentParser) -> None:
    """``--progress`` after a command's name too (``curator import P F --progress``)."""
    command.add_argument("--progress", action="store_true", default=argparse.SUPPRESS, help=PROGRESS_HELP)
