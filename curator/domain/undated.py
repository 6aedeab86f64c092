"""Undated records read for what their text states (a page saved as a record: its dateline,
outlet and headline), until a file shows that its texts state nothing."""

from __future__ import annotations

from typing import Any

UNSTATED = 200  # undated records whose text states nothing, in a row, before the rest are not read so


class UndatedRecords:
    """``metadata.fill_stated`` for the undated records of one file in turn, until
    ``UNSTATED`` in a row state nothing: a file of bare texts is not read for what none of
    them states. (The detection's patterns are loaded only when a record is read.)"""

    def __init__(self) -> None:
        self.quiet = 0  # undated records in a row whose text stated nothing

    def fill(self, fields: dict[str, Any], text: str) -> None:
        if "published" not in fields and self.quiet < UNSTATED:
            from curator.domain.metadata import fill_stated

            self.quiet = 0 if fill_stated(fields, text) else self.quiet + 1
