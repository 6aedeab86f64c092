"""The open project as one session (``history``: do, undo, redo, one transaction per
command, events, jobs), the edit commands (``commands``) and what a curator's gestures
mean as commands (``editing``). Every window and the command line work through it."""

from curator.session.history import Session, Step, decode, encode, open_session

__all__ = ["Session", "Step", "decode", "encode", "open_session"]
