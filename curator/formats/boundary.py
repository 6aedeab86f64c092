"""Checks shared by the readers of outside files (the trust boundary).

A reader trusts nothing in a file: JSON is parsed with a nesting cap and without
NaN/Infinity, every string is checked for lone surrogates (they cannot be stored),
and each field is checked for its type before it is used. Problems are collected
as "file: record: field: reason" lines; a file with any is refused whole
(``FileRefused``) before anything from it is written.
"""

from __future__ import annotations

import codecs
import errno
import json
import os
import stat
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson

from curator.domain.json_values import MAX_DEPTH, bad_text, bad_value  # noqa: F401 - the readers' checks
from curator.errors import DataError
from curator.formats.reports import ImportProblem

MAX_INPUT_BYTES = 2_000_000_000  # the largest file Curator reads


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    for test, kind in ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
                       (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return kind
    return "not a regular file"


def check_input(path: Path, streamed: bool = False) -> int:
    """The size of the file ``path`` names (through links), if Curator may read it: a
    regular file (a device would be read without end, a named pipe would block) of at most
    ``MAX_INPUT_BYTES``, unless it is ``streamed`` (read a line or a head at a time, its
    memory bounded by a record: a million articles of JSON Lines are some 4 GB). Raises
    ``OSError`` with the reason otherwise, before anything is read."""
    found = os.stat(path)
    if not stat.S_ISREG(found.st_mode):
        raise OSError(errno.EINVAL, f"refused: {file_kind(found.st_mode)}, not a file to read")
    if found.st_size > MAX_INPUT_BYTES and not streamed:
        raise OSError(errno.EFBIG, f"file is {found.st_size / 1e9:.1f} GB, larger than the "
                                   f"{MAX_INPUT_BYTES / 1e9:.0f} GB limit")
    return found.st_size


def read_input(path: Path) -> bytes:
    """The bytes of a file Curator may read (``check_input``); ``OSError`` otherwise."""
    check_input(path)
    return path.read_bytes()


MAX_ID_CHARS = 200  # a document id (the store's limit)
# The store's column widths (PostgreSQL enforces them): longer values are refused, never cut.
WIDTHS = {"span id": 64, "entity id": 64, "fact id": 64, "annotator": 100, "source": 300, "entity type": 40,
          "measure": 200, "unit": 20, "accepted_amount": 60}
_SHOWN = 50


class FileRefused(DataError):
    """A file was refused whole and nothing from it was written; ``problems`` lists why,
    one "file: record: field: reason" line each."""

    def __init__(self, where: str, problems: list[ImportProblem]) -> None:
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:_SHOWN])
        more = f"\n  ... and {len(problems) - _SHOWN} more" if len(problems) > _SHOWN else ""
        super().__init__(f"{where}: refused, nothing imported ({len(problems)} problem(s)):\n{shown}{more}"
                         if len(problems) > 1 else problems[0])


class Problems:
    """Collects the problems of one file, each naming its record and field."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.found: list[ImportProblem] = []

    def add(self, record: str | None, field: str | None, reason: str) -> None:
        self.found.append(ImportProblem(self.file, reason, ": ".join(p for p in (record, field) if p) or None))

    def refuse_if_any(self) -> None:
        if self.found:
            raise FileRefused(self.file, self.found)


class BadJSON(ValueError):
    """JSON that cannot be read; the message says why and where."""


def _no_constant(name: str) -> Any:
    raise BadJSON(f"{name} is not a number JSON allows")


def _worded(exc: json.JSONDecodeError) -> str:
    """The standard reader's reason as a whole sentence: its "Unterminated string starting
    at" ends where its own message goes on with the place, which ours says first."""
    if exc.msg != "Invalid control character at" or not 0 <= exc.pos < len(exc.doc):
        return exc.msg[:-3] + " there" if exc.msg.endswith(" at") else exc.msg
    character = exc.doc[exc.pos]
    escaped = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}.get(character, f"\\u{ord(character):04x}")
    return f"Invalid control character U+{ord(character):04X} in a string (JSON writes it {escaped})"


def loads(text: str | bytes) -> Any:
    """Parse JSON strictly: no NaN/Infinity, no number that overflows a float, no lone
    surrogate or NUL character, at most ``MAX_DEPTH`` levels of nesting. Raises ``BadJSON``.

    orjson reads first (several times faster on a file of articles); whatever it refuses or
    cannot be sure of (see ``plain``) goes to the strict standard reader, which words the
    problem, so both paths accept and refuse the same texts."""
    value = _vouched(text, text)
    if value is not _UNSURE:
        return value
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        # (one line, of a JSONL file say, whose number the caller gives: its column only)
        where = f"line {exc.lineno}, column {exc.colno}" if "\n" in exc.doc else f"column {exc.colno}"
        raise BadJSON(f"malformed JSON at {where}: {_worded(exc)}") from exc
    except RecursionError as exc:  # the C parser stops cleanly at the interpreter's recursion limit
        raise BadJSON(f"nested more than {MAX_DEPTH} levels deep") from exc
    except UnicodeDecodeError as exc:
        raise BadJSON(f"not valid UTF-8 (byte {exc.start})") from exc
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise BadJSON(str(exc)) from exc
    reason = bad_value(value)
    if reason:
        raise BadJSON(reason)
    return value


def _utf8(data: bytes) -> str:
    return data.decode("utf-8-sig")


def loads_bytes(data: bytes, decode: Callable[[bytes], str] = _utf8) -> Any:
    """``loads(decode(data))``, a file's bytes parsed, without decoding them first when
    orjson reads them as UTF-8 (a BOM dropped): a decoded copy, which orjson then encodes
    again, took a third of the parse of a file with accents or curly quotes. Whatever
    orjson refuses or is unsure of goes the way it went before: ``decode`` (which raises
    for bytes it cannot read, words and all) and ``loads``."""
    value = _vouched(memoryview(data)[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data, data)
    return loads(decode(data)) if value is _UNSURE else value


_UNSURE = object()


def _vouched(text: str | bytes | memoryview, written: str | bytes) -> Any:
    """What orjson reads of ``text`` (``written``, or its part without a BOM) if it is
    sure of it (``plain``); else ``_UNSURE``."""
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return _UNSURE
    return value if plain(value, may_hold_nul(written)) else _UNSURE


def may_hold_nul(text: str | bytes) -> bool:
    """Whether a JSON text orjson read may hold a NUL character: only through the escape
    ``\\u0000``, as orjson refuses a raw control character in a string. A search of the
    text is several times faster than a look into every string it holds."""
    return (b"\\u0000" if isinstance(text, bytes) else "\\u0000") in text


_WIDEST = 2.0 ** 63  # orjson reads an integer wider than 64 bits as a float of this size or more


def plain(value: Any, strings: bool = True, depth: int = 0) -> bool:
    """Whether a value orjson read can be used as read. orjson refuses lone surrogates,
    NaN, Infinity and numbers beyond a float; what it lets through, nesting deeper than
    ``MAX_DEPTH``, NUL characters and integers wider than 64 bits (which it may read as
    floats), sends the text to the strict standard reader, which keeps every digit and
    words the problem. ``strings``: whether keys and strings may hold a NUL character
    (``may_hold_nul`` of the text); when not, they are not looked into."""
    kind = type(value)
    if kind is dict:
        if strings and any("\x00" in key for key in value):
            return False
        items: Any = value.values()
    elif kind is list:
        items = value
    else:
        return plain([value], strings)
    if depth >= MAX_DEPTH:
        return False
    if not strings:  # (the same loop without a look at the strings: a third of the time)
        for item in items:
            kind = type(item)
            if kind is dict or kind is list:
                if not plain(item, False, depth + 1):
                    return False
            elif kind is float and not -_WIDEST < item < _WIDEST:
                return False
        return True
    for item in items:  # leaves checked here: a call per string would double the cost
        kind = type(item)
        if kind is str:
            if "\x00" in item:
                return False
        elif kind is float:
            if not -_WIDEST < item < _WIDEST:
                return False
        elif (kind is dict or kind is list) and not plain(item, True, depth + 1):
            return False
    return True


def too_wide(kind: str, value: Any) -> str | None:
    """Why ``value`` does not fit the store's column for ``kind`` (see ``WIDTHS``), or None."""
    if isinstance(value, str) and len(value) > WIDTHS[kind]:
        return f"{kind} has {len(value):,} characters, more than the limit of {WIDTHS[kind]}"
    return None


def describe(value: Any) -> str:
    """A value's JSON type, for a problem ("a string", "null")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return {int: "an integer", float: "a number", str: "a string", list: "a list", dict: "an object"}.get(
        type(value), type(value).__name__)


def integer(value: Any) -> int | None:
    """``value`` if it is a JSON integer (not a boolean, not 0.9, not "5"), else None."""
    return value if type(value) is int else None


TIME_EXPECTED = "is not an ISO 8601 time with a timezone, in the years 1 to 9999 in UTC"


def aware_time(value: Any) -> datetime | None:
    """An ISO 8601 time with a timezone, in UTC, or None (also for a time that UTC would
    put outside the years 1-9999, which no date can hold)."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
        return parsed.astimezone(timezone.utc) if parsed.tzinfo is not None and parsed.utcoffset() is not None \
            else None
    except (ValueError, OverflowError):
        return None
