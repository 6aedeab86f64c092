"""The open project as one session (``history``: do, undo, redo, one transaction per
command, jobs), what each operation changed (``changes``: one ``Changes`` value per
operation, followed by every window), the edit commands (``commands``) and what a
curator's gestures mean as commands (``editing``, ``review_decisions``,
``suggestion_decisions``, ``label_edits``); opening a project (``project``) and
exporting it (``exporting``). Every window and the command line work through it, and
the windows through the activities facades beside it (``exporting``, ``importing``,
``validating``, ``suggesting``, ``reviewing``, ``deduplicating``, ``fact_finding``,
``document_list``, ``annotating``): their query objects (``Annotating``, ``Reviewing``,
``Deduplicating``, ``FactFinding``, ``LabelEdits``, ``Exports``) answer what a window
shows in one call, so no window reaches the store.

The names below are imported on first use (PEP 562): ``curator init`` opens no session
and must not pay for SQLAlchemy, which the history needs; the command line reads the
export formats from ``session.exporting`` for every command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from curator.lazy import lazy_names

_HOME = {
    "Changes": "curator.session.changes",
    "HistoryChanged": "curator.session.changes",
    "ShowRequested": "curator.session.changes",
    "Session": "curator.session.history",
    "Step": "curator.session.history",
    "decode": "curator.session.history",
    "encode": "curator.session.history",
    "open_session": "curator.session.history",
}

__all__ = sorted(_HOME)  # noqa: PLE0605 - as the store package names its own

__getattr__, __dir__ = lazy_names(globals(), _HOME)

if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from curator.session.changes import Changes, HistoryChanged, ShowRequested  # noqa: F401
    from curator.session.history import Session, Step, decode, encode, open_session  # noqa: F401
