"""People's names (annotators, reviewers): checked where they enter, and never used
as a path without being made into a safe file name first."""

from __future__ import annotations

import re
import unicodedata

from curator.errors import CuratorError

MAX_NAME = 100  # the width of the annotator columns in the store

# Bidirectional overrides and isolates reorder what a terminal or a table shows.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_UNSAFE_IN_FILE_NAMES = re.compile(r"[^\w.\-]+")


def _unprintable(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Zl", "Zp", "Cs") or char in _BIDI_CONTROLS


def check_annotator(name: object, where: str = "annotator name") -> str:
    """The name, stripped; a CuratorError saying why if it cannot be one."""
    if not isinstance(name, str):
        raise CuratorError(f"{where}: a name must be text, not {type(name).__name__}")
    name = name.strip()
    if not name:
        raise CuratorError(f"{where}: the name is empty")
    if len(name) > MAX_NAME:
        raise CuratorError(f"{where}: the name is {len(name):,} characters long; at most {MAX_NAME} are allowed")
    bad = None if name.isprintable() else next((c for c in name if _unprintable(c)), None)
    if bad is not None:
        raise CuratorError(f"{where}: the name holds the control character U+{ord(bad):04X}")
    return name


def file_stem(name: str) -> str:
    """A file name made from a person's name: letters, digits, ``.``, ``-`` and ``_``
    only, no leading dot, at most 80 characters. Where the name had to change, a short
    hash of it keeps two different names from sharing a file."""
    safe = _UNSAFE_IN_FILE_NAMES.sub("_", unicodedata.normalize("NFKC", name)).lstrip(".")[:80] or "annotator"
    if safe != name:
        import hashlib  # here: loading OpenSSL is a few milliseconds of every command's start

        safe = f"{safe}-{hashlib.sha256(name.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"
    return safe


def printable(text: str, keep: str = "\n\t") -> str:
    """``text`` with control characters shown as escapes, for a terminal or a log:
    a name or a file's content can never move the cursor or recolour the screen. Line
    breaks and tabs in ``keep`` stay (a message's own lines); a path keeps none."""
    text = str(text)
    if text.isprintable():  # (everything _unprintable finds is outside what isprintable allows)
        return text
    return "".join(c if c in keep or not _unprintable(c) else f"\\u{ord(c):04x}" for c in str(text))
