"""People's names (annotators, reviewers): checked where they enter, kept in one
spelling (NFC, runs of spaces as one space), and never used as a path without being
made into a safe file name first. ``printable`` is what reaches a terminal."""

from __future__ import annotations

import re
import unicodedata

from curator.errors import CuratorError

MAX_NAME = 100  # the width of the annotator columns in the store

# Bidirectional overrides and isolates reorder what a terminal or a table shows.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_UNSAFE_IN_FILE_NAMES = re.compile(r"[^\w.\-]+")
# What ``_unprintable`` finds (C0 and C1 controls, line and paragraph separators, lone
# surrogates, bidirectional controls), as one pattern: messages can be long.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
# Characters that show nothing: a name needs one character that is none of these.
_BLANK = set("\u115f\u1160\u3164\uffa0\u2800\u180e\u17b4\u17b5\u034f")
_JOINERS = "\u200c\u200d"  # significant inside some scripts' names (Persian, emoji sequences)


def _unprintable(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Zl", "Zp", "Cs") or char in _BIDI_CONTROLS


def _invisible(char: str) -> bool:
    """A character that shows nothing where it stands: a format character (zero-width
    space, soft hyphen, word joiner, byte order mark, tag characters...) or a blank."""
    return unicodedata.category(char) == "Cf" or char in _BLANK


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
    return _one_spelling(name, where)


def file_annotators(text: str, where: str = "name") -> str | dict[str, str] | None:
    """Whose work an import's files are, as typed: one name for every file, or each file
    annotator's name here, ``1=ana, 2=ben`` (Label Studio numbers its users); None if empty."""
    if not text.strip():
        return None
    if "=" not in text:
        if "," in text:  # ("ana, ben": two people, not one layer of that name)
            raise CuratorError(f"{where}: one name for the files, or each file annotator's (1=ana, 2=ben)")
        return check_annotator(text, where)
    pairs: dict[str, str] = {}
    for part in (part for part in text.split(",") if part.strip()):
        theirs, equals, ours = part.rpartition("=")
        if not equals or not theirs.strip():
            raise CuratorError(f"{where}: {part.strip()!r} is not THEIRS=OURS (as in 1=ana, 2=ben)")
        if theirs.strip() in pairs:
            raise CuratorError(f"{where}: {theirs.strip()!r} is named twice")
        pairs[theirs.strip()] = check_annotator(ours, where)
    return pairs


def _one_spelling(name: str, where: str) -> str:
    """A printable name in the one spelling it is kept in: NFC (``José`` typed with a
    combining accent is the ``José`` typed with ``é``), every run of spaces one space. A
    name that shows nothing, or holds characters that show nothing (a zero-width space,
    a soft hyphen; joiners only between two characters), would print like another
    person's: refused."""
    if not name.isascii():
        name = " ".join(unicodedata.normalize("NFC", name).split())
        for index, char in enumerate(name):
            if _invisible(char) and not (char in _JOINERS and 0 < index < len(name) - 1
                                         and not name[index - 1].isspace() and not name[index + 1].isspace()):
                raise CuratorError(f"{where}: the name holds the invisible character U+{ord(char):04X}, so it "
                                   "would print like another name; type it without")
        if all(_invisible(char) or char.isspace() or unicodedata.category(char).startswith("M") for char in name):
            raise CuratorError(f"{where}: the name shows nothing (only invisible characters or marks)")
    elif "  " in name:
        name = " ".join(name.split())
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
    return _UNPRINTABLE.sub(lambda match: match[0] if match[0] in keep else f"\\u{ord(match[0]):04x}", text)
