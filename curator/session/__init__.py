"""The open project as one session (``history``: do, undo, redo, one transaction per
command, events, jobs), the edit commands (``commands``) and what a curator's gestures
mean as commands (``editing``, ``review_decisions``, ``suggestion_decisions``,
``label_edits``); opening a project (``project``) and exporting it (``exporting``).
Every window and the command line work through it.

The names below are imported on first use (PEP 562): ``curator init`` opens no session
and must not pay for SQLAlchemy, which the history needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from curator.lazy import lazy_names

_HOME = {
    "Session": "curator.session.history",
    "Step": "curator.session.history",
    "decode": "curator.session.history",
    "encode": "curator.session.history",
    "open_session": "curator.session.history",
}

__all__ = sorted(_HOME)  # noqa: PLE0605 - as the store package names its own

__getattr__, __dir__ = lazy_names(globals(), _HOME)

if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from curator.session.history import Session, Step, decode, encode, open_session  # noqa: F401
