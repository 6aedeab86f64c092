"""Errors the core raises for the user to read (never tracebacks)."""


class CuratorError(Exception):
    """A problem the user can act on; the message names the file, record and reason."""


class DataError(CuratorError):
    """The command ran, and the data it read or checked has problems (exit status 1)."""


class DuplicateError(CuratorError):
    """The store already holds what this write would add a second copy of (the same
    span by the same annotator, an article id); nothing was written."""


class ConflictError(CuratorError):
    """Someone else changed the item since it was read; the edit was not applied.

    ``current`` holds the item as it now is, so the user can look and decide."""

    def __init__(self, message: str, current: object = None) -> None:
        super().__init__(message)
        self.current = current


class StepOutdated(CuratorError):
    """A step of the history keeps rows that the project's tables no longer fit (an upgrade
    renamed or dropped a column since): it cannot be applied, nothing was changed, and the
    step stays on the history."""
