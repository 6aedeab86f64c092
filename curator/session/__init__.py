"""The open project as one session (``history``: do, undo, redo, one transaction per
command, events, jobs), the edit commands (``commands``) and what a curator's gestures
mean as commands (``editing``). Every window and the command line work through it, and
the windows through the activities' facades beside it (``exporting``, ``importing``,
``validating``, ``suggesting``, ``reviewing``, ``deduplicating``, ``fact_finding``).

The names below are imported on first use (PEP 562): the command line reads the export
formats from ``session.exporting`` for every command, which must not load the store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from curator.lazy import lazy_names

_HOME = {name: "curator.session.history" for name in ("Session", "Step", "decode", "encode", "open_session")}

__all__ = sorted(_HOME)

__getattr__, __dir__ = lazy_names(globals(), _HOME)

if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from curator.session.history import Session, Step, decode, encode, open_session  # noqa: F401
