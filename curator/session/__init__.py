"""The open project as one session (``history``: do, undo, redo, one transaction per
command, jobs), what each operation changed (``changes``: one ``Changes`` value per
operation, followed by every window), the edit commands (``commands``) and what a
curator's gestures mean as commands (``editing``). Every window and the command line
work through it."""

from curator.session.changes import Changes, HistoryChanged, ShowRequested
from curator.session.history import Session, Step, decode, encode, open_session

__all__ = ["Changes", "HistoryChanged", "Session", "ShowRequested", "Step", "decode", "encode", "open_session"]
