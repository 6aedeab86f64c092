"""Errors the core raises for the user to read (never tracebacks)."""


class CuratorError(Exception):
    """A problem the user can act on; the message names the file, record and reason."""
