"""What reaches a terminal: the command line writes through ``terminal_streams``.

Every message passes one gate, whatever built it (a report, argparse, a traceback
under ``--debug``): control characters and bidirectional overrides are shown as escapes
(a document id or an entity name from a file can never move the cursor, retitle the
window or recolour the screen), the password of any database URL is shown as ``***``,
and characters the stream's encoding cannot hold (a latin-1 or cp1252 console) are
written as backslash escapes instead of failing after the work was done.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import sys
from collections.abc import Iterator
from typing import TextIO

from curator.domain.names import printable
from curator.store.engine import hide_passwords


class TerminalText(io.TextIOBase):
    """A standard stream as the command line writes to it (see the module). Used from
    the thread that runs the command."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            self._encoding = codecs.lookup(encoding).name
        except LookupError:
            self._encoding = "utf-8"

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        text = hide_passwords(printable(text))
        if self._encoding != "utf-8" and not text.isascii():
            text = text.encode(self._encoding, "backslashreplace").decode(self._encoding)
        self.stream.write(text)
        return len(text)

    def overwrite_line(self, text: str) -> None:
        """Back to the start of the line, then ``text`` (escaped as ``write`` escapes it):
        the one control character the command line writes, for its progress line."""
        self.stream.write("\r")
        self.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def fileno(self) -> int:
        return self.stream.fileno()

    def isatty(self) -> bool:
        return self.stream.isatty()


@contextlib.contextmanager
def terminal_streams() -> Iterator[None]:
    """Standard output and error through ``TerminalText`` for the block."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = TerminalText(out), TerminalText(err)
    try:
        yield
    finally:
        with contextlib.suppress(Exception):  # a closed pipe: reported by the caller
            sys.stdout.flush()
        sys.stdout, sys.stderr = out, err
