"""Whom a migration reports to while it brings a project up to date: which step runs and
how far it is, so that a long one (a table of a million rows rebuilt) is not taken for a
hang.

A caller that opens the project itself passes its ``Job`` (``Store.open(target, job)``).
A caller that opens projects deep inside other work (every command of the command line)
says once, around that work, how progress is shown (``migrations_shown``); the job is
opened only when a migration is about to run, so an up-to-date project opens as fast as
before. Kept apart from ``migrate`` so that asking costs no SQLAlchemy import.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

from curator.domain.jobs import Job

UPDATING = "Bringing the project up to date"  # how every step's status begins
ROWS_AT_ONCE = 20_000  # rows a migration copies by one statement: progress between them, cheap against the copy

_SHOWN: contextvars.ContextVar[Callable[[], AbstractContextManager[Job]] | None] = contextvars.ContextVar(
    "curator_migrations_shown", default=None)


@contextlib.contextmanager
def migrations_shown(shown: Callable[[], AbstractContextManager[Job]]) -> Iterator[None]:
    """Within the block, a project opened without a job of its own that needs a migration
    reports it to the job ``shown()`` opens for the migration's time (and closes after it)."""
    token = _SHOWN.set(shown)
    try:
        yield
    finally:
        _SHOWN.reset(token)


@contextlib.contextmanager
def reported_to(job: Job | None) -> Iterator[Job]:
    """The job a migration about to run reports to: ``job``, else the one the block around
    asks for (``migrations_shown``), else a silent one."""
    shown = _SHOWN.get() if job is None else None
    if shown is None:
        yield job or Job()
        return
    with shown() as opened:
        yield opened


def step_status(what: str, number: int = 1, steps: int = 1) -> str:
    """A step's status as the user reads it: what it does, and which of several it is."""
    return f"{UPDATING}: {what}" + (f" (step {number} of {steps})" if steps > 1 else "")
