"""A JSON file of articles read a record at a time, however large it is.

``boundary.loads`` reads a file whole: its bytes, its text and every record parsed stay in
memory at once. Here the file is read twice with a streaming parser (ijson, over the C
library yajl), a chunk at a time: the first pass checks the whole file as strictly as
``loads`` would (no NaN or Infinity, no number beyond a float, no NUL character or lone
surrogate, at most ``MAX_DEPTH`` levels of nesting) and finds where its records are (a
list; the list under ``documents``; one object with a text), so that a file refused is
refused before any record of it is imported; the second pass builds one record at a time.
Memory stays bounded by the largest record, not by the file.

yajl differs from the strict reader in four ways, each closed here: it takes a form feed or
a vertical tab for a space, reads a lone surrogate escape as "?" (or joins it to the next
escape), fails badly on an integer of more digits than Python reads (4,300), and reads
numbers too large for a float as they are. ``_Source`` refuses the first three from the
bytes, before yajl sees them (a long run of digits in a string is no number: the file is
read again up to it to tell, which only a file with such a run pays); the first pass
refuses the fourth.
"""

from __future__ import annotations

import codecs
import math
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, BinaryIO

import ijson

from curator.formats import boundary
from curator.formats.boundary import MAX_DEPTH, BadJSON, bad_value, describe

WHOLE_JSON_BYTES = 16_000_000  # a JSON file up to this size is read whole (``loads``); a larger one streams
try:  # ijson's C backend: its pure Python one is ten times slower, and laxer ("+1" is a number to it)
    _PARSER: Any = ijson.get_backend("yajl2_c")
except ImportError:  # (no wheel for this platform: JSON files are read whole, up to the limit of such files)
    _PARSER = None
CHUNK = 1 << 16
TEXT_KEYS = ("text", "content", "body", "article")  # the fields a record's text may be in (``TEXT_COLUMNS``)
_STARTS = {"start_map": dict, "start_array": list}
_ENDS = {"end_map", "end_array"}
_SAMPLES = {"start_map": {}, "start_array": [], "string": "", "boolean": True, "null": None}


class _Source:
    """The file as the parser reads it: counts the bytes handed over (for progress and for
    the size of a record), and refuses what yajl would misread before it sees it: a form
    feed or vertical tab, a lone surrogate escape (the last bytes read are held back until
    the next are read: an escape and its pair take twelve), an integer of more digits than
    Python reads, a value longer than ``cap`` bytes (yajl would hold it whole)."""

    def __init__(self, file: BinaryIO, size: int, progress: Callable[[float], None], cap: int,
                 again: Callable[[], Any] | None = None) -> None:
        self.file, self.size, self.progress, self.cap = file, size, progress, cap
        self.offset = 0  # bytes handed to the parser
        self.held = b""  # bytes read, not yet handed over
        self.event_offset = 0  # ``offset`` when the parser last handed over an event
        self.record = 0  # the record being read, for a problem's wording
        self.surrogates, self.numbers = _Surrogates(), _LongNumbers(_Reread(file, again).inside if again else None)
        self.shown = -1
        self.checked = False  # the second pass: the first found nothing to refuse
        self.pending = ""  # a problem found in the bytes ahead of the parser

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""
        while True:
            if self.pending:  # the parser has read up to it: ``record`` is the record it is in
                raise _refusal(self.record, self.pending)
            if not self.checked and self.offset - self.event_offset > self.cap:
                raise _refusal(self.record, f"a single value longer than {self.cap:,} bytes, more than a record "
                                            "can take; not read")
            chunk = self.file.read(CHUNK)
            data, self.held = self.held + chunk, b""
            end = len(data) if self.checked or not chunk else max(len(data) - 12, 0)
            if not self.checked:
                end = max(min(end, self._check(chunk, self.offset + len(data) - len(chunk)) - self.offset), 0)
            handed, self.held = data[:end], data[end:]
            if handed or not chunk and not self.pending:  # b"" tells the parser the file ends
                break
        self.offset += len(handed)
        shown = self.offset * 100 // self.size if self.size else 100
        if shown != self.shown:
            self.shown = shown
            self.progress(min(self.offset / self.size, 1.0) if self.size else 1.0)
        return handed

    def _check(self, chunk: bytes, at: int) -> int | float:
        """Where (a byte offset) the first byte yajl would misread is in ``chunk`` (read at
        byte ``at``), with its reason in ``pending``; infinity if none is."""
        found = [(at + where, f"malformed JSON at byte {at + where:,}: the control character 0x{byte[0]:02x} "
                              "is allowed neither between values nor in a string")
                 for byte in (b"\x0b", b"\x0c") if (where := chunk.find(byte)) >= 0]
        long = self.numbers.feed(chunk, at)
        if long is not None:
            found.append((long, f"a number of more than {_MAX_DIGITS:,} digits (at byte {long:,}), more than "
                                "Python reads"))
        lone = self.surrogates.feed(chunk, at, final=not chunk)
        if lone is not None:
            found.append((lone, f"a string holds a lone surrogate (the escape at byte {lone:,}), not a Unicode "
                                "character"))
        if not found:
            return math.inf
        where, self.pending = min(found)
        return where


class _Utf8:
    """A UTF-16 or UTF-32 file (already checked to decode) read as UTF-8, which yajl reads."""

    def __init__(self, file: BinaryIO, encoding: str) -> None:
        self.file, self.decoder = file, codecs.getincrementaldecoder(encoding)()

    def tell(self) -> int:
        """Where the file stands (its bytes, not the text's): a reader of the same file may
        move it and put it back (``_Reread``)."""
        return self.file.tell()

    def seek(self, position: int) -> int:
        return self.file.seek(position)

    def read(self, size: int = -1) -> bytes:
        while True:  # (a read that ends inside a character, or holds only the byte order mark, decodes to "")
            chunk = self.file.read(size)
            text = self.decoder.decode(chunk, final=not chunk)
            if text or not chunk:
                return text.encode("utf-8")


_DIGITS = b"0123456789"
_MAX_DIGITS = sys.get_int_max_str_digits() or 1 << 62  # the most digits Python turns into an integer
_AS_ZEROS = bytes.maketrans(_DIGITS, b"0" * 10)
_LONG_RUN = b"0" * (_MAX_DIGITS + 1) if _MAX_DIGITS < 1 << 62 else b"\xff"  # (0xff: never in UTF-8)
_BEFORE_A_VALUE = b" \t\r\n[,:"


class _Strings:
    """Whether the JSON bytes fed so far, a chunk at a time, end inside a string: the parity
    of the quotes no backslash escapes, counted by the bytes' own searches (a backslash pair
    is an escaped backslash; a backslash left before a quote escapes it). Exact for every
    valid prefix of a file, which is all yajl reads: it stops at the first byte it cannot."""

    def __init__(self) -> None:
        self.open = False  # whether the bytes fed so far end inside a string
        self.escaped = False  # whether they end with a backslash that escapes the next byte

    def feed(self, data: bytes) -> None:
        if self.escaped and data:
            data, self.escaped = data[1:], False
        if b"\\" in data:
            data = data.replace(b"\\\\", b"")  # escaped backslashes, paired from the left as yajl reads them
            quotes = data.count(b'"') - data.count(b'\\"')
            self.escaped = data.endswith(b"\\")
        else:
            quotes = data.count(b'"')
        self.open ^= quotes % 2 == 1


class _Reread:
    """Whether a place in the stream the parser reads is inside a string, told by reading the
    stream again from its start (``again`` rewinds ``file`` and gives the reader of it) up to
    that place, and on from there for a later place. Asked only for a run of digits too long
    to be a number, which is rare: a file without one is read once, as before."""

    def __init__(self, file: BinaryIO, again: Callable[[], Any]) -> None:
        self.file, self.again = file, again
        self.reader: Any = None
        self.position = 0  # where ``file`` stood after this reader's last read
        self.fed = 0  # the bytes of the stream fed to ``strings``
        self.held = b""  # bytes read after those
        self.strings = _Strings()

    def inside(self, place: int) -> bool:
        if place < self.fed:  # (an earlier place: read again from the start)
            self.reader, self.fed, self.held, self.strings = None, 0, b"", _Strings()
        parser_at = self.file.tell()
        try:  # the parser's reader and this one share the file: each finds it where it left it
            if self.reader is None:
                self.reader = self.again()
            else:
                self.file.seek(self.position)
            while self.fed + len(self.held) < place:  # (fed as read: a place far in held no more than a chunk)
                self.strings.feed(self.held)
                self.fed, self.held = self.fed + len(self.held), self.reader.read(CHUNK)
                if not self.held:
                    break
            self.position = self.file.tell()
        finally:
            self.file.seek(parser_at)
        take = place - self.fed
        self.strings.feed(self.held[:take])
        self.fed, self.held = place, self.held[take:]
        return self.strings.open


class _LongNumbers:
    """Finds a number of more digits than Python turns into an integer, in JSON bytes fed a
    chunk at a time: yajl mishandles the failure (it may crash the process). A run of digits
    right after what may come before a value (a space, "[", ",", ":", perhaps and a "-") is
    taken for a number, unless ``inside`` (given a byte offset) says it is in a string."""

    def __init__(self, inside: Callable[[int], bool] | None = None) -> None:
        self.run = 0  # the digits that end the bytes fed so far
        self.number = False  # whether that run stands where a number may
        self.last = b""  # the last two bytes fed
        self.inside = inside or (lambda _place: False)

    def feed(self, chunk: bytes, offset: int) -> int | None:
        """Where the first long number starts (a byte offset, perhaps in an earlier chunk), or None."""
        leading = len(chunk) - len(chunk.lstrip(_DIGITS))
        if self.run and self.number and self.run + leading > _MAX_DIGITS:
            if not self.inside(offset - self.run):
                return offset - self.run
            self.number = False  # digits in a string
        zeros = chunk.translate(_AS_ZEROS)  # every digit a "0": a long run is found by a fast search
        start = zeros.find(_LONG_RUN)
        while start >= 0:
            # (a run from the last chunk: above)
            if (start > 0 or not self.run) and self._at_value(chunk, start) and not self.inside(offset + start):
                return offset + start
            end = len(zeros) - len(zeros[start:].lstrip(b"0"))
            start = zeros.find(_LONG_RUN, end)
        trailing = len(chunk) - len(chunk.rstrip(_DIGITS))
        if trailing == len(chunk):
            self.number = self.number if self.run else self._at_value(chunk, 0)
            self.run += trailing
        elif trailing:
            self.run, self.number = trailing, self._at_value(chunk, len(chunk) - trailing)
        else:
            self.run = 0
        self.last = (self.last + chunk[-2:])[-2:]
        return None

    def _at_value(self, chunk: bytes, start: int) -> bool:
        before = (self.last + chunk[max(start - 2, 0):start])[-2:]
        if before.endswith(b"-"):
            before = before[:-1]
        return not before or before[-1] in _BEFORE_A_VALUE


_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LOW = re.compile(rb"\\u[dD][c-fC-F][0-9a-fA-F]{2}")


class _Surrogates:
    """Finds a lone surrogate escape (``\\ud800`` not followed by its low half, or a low half
    alone) in JSON bytes fed a chunk at a time. An escape is real where an even number of
    backslashes comes before it (``\\\\ud800`` is a backslash, then letters)."""

    def __init__(self) -> None:
        self.tail = b""  # the last bytes of the previous chunk, not yet looked at
        self.run = 0  # the backslashes just before ``tail``
        self.paired = -1  # where the low half of the last pair found starts

    def feed(self, chunk: bytes, offset: int, final: bool) -> int | None:
        """Where the first lone surrogate escape is (a byte offset), or None; ``offset`` is
        where ``chunk`` starts in the file."""
        buffer, base = self.tail + chunk, offset - len(self.tail)
        limit = len(buffer) if final else max(len(buffer) - 12, 0)
        for match in _SURROGATE.finditer(buffer, 0, limit + 6):
            start = match.start()
            if start >= limit:
                break
            if self._backslashes(buffer, start) % 2:
                continue  # the backslash is itself escaped
            if base + start == self.paired:
                continue
            if match[0][3] in b"89abAB" and _LOW.match(buffer, start + 6):
                self.paired = base + start + 6
                continue
            return base + start
        self.run = self._backslashes(buffer, limit)
        self.tail = buffer[limit:]
        return None

    def _backslashes(self, buffer: bytes, end: int) -> int:
        start = end
        while start > 0 and buffer[start - 1] == 0x5C:
            start -= 1
        return end - start + (self.run if start == 0 else 0)


def _refusal(record: int, reason: str) -> BadJSON:
    return BadJSON(f"record {record:,}: {reason}" if record else reason)


@dataclass
class _Shape:
    """What the first pass found: the kind of the top value, and of an object's keys those
    that decide where its records are."""

    top: str = ""
    documents: list[Any] = field(default_factory=list)  # a sample of each 'documents' value, in order
    text_key: bool = False
    oversized: set[int] = field(default_factory=set)  # records longer than the cap, skipped unread


def read_whole(size: int) -> bool:
    """Whether a JSON file of ``size`` bytes is read whole (``loads``) rather than streamed."""
    return size <= min(WHOLE_JSON_BYTES, boundary.MAX_INPUT_BYTES) or _PARSER is None


def _value(event: str, value: Any) -> Any:
    if type(value) is Decimal:
        return float(value)  # the double nearest the number, as the standard reader makes it
    return value


def _events(source: _Source) -> Iterator[tuple[str, Any]]:
    """The parser's events, its failures worded as ``BadJSON`` naming the record."""
    try:
        yield from _PARSER.basic_parse(source, buf_size=CHUNK)
    except BadJSON:  # refused by ``_Source`` as it read
        raise
    except ijson.JSONError as exc:
        raise _refusal(source.record, _worded(str(exc), source.offset)) from exc


def _worded(message: str, offset: int) -> str:
    lines = message.splitlines() or [message]
    context = lines[1] if len(lines) > 1 else ""  # yajl's caret is at column 40, just after the byte it refused
    for column in (38, 39, 40):
        constant = re.match(r"-?(?:NaN|Infinity)", context[column:])
        if constant:
            return f"{constant[0]} is not a number JSON allows"
    detail = lines[0].split(": ", 1)[-1].rstrip(".")
    if detail == "premature EOF":
        detail = "the file ends before its JSON does (is it cut short?)"
    return f"malformed JSON between bytes {max(offset - CHUNK, 0):,} and {offset:,}: {detail}"


def _check(events: Iterator[tuple[str, Any]], source: _Source) -> _Shape:
    """The first pass: the whole file read, refused (``BadJSON``) where ``loads`` would
    refuse it; its shape, and the records longer than the cap."""
    shape, depth, key, record, started = _Shape(), 0, None, 0, 0
    records_at = 1  # the depth of the elements of the list of records being read
    for event, value in events:
        source.event_offset = source.offset
        if event == "map_key":
            if depth == 1:  # a key of the top object: no record is being read
                key, record, source.record = value, 0, 0
                shape.text_key = shape.text_key or key in TEXT_KEYS
            if "\x00" in value:
                raise _refusal(record, bad_value(value) or "")
            continue
        if depth == 0:
            shape.top = event
        elif depth == 1 and shape.top == "start_map" and event not in _ENDS:
            if key == "documents":
                shape.documents.append(_SAMPLES.get(event, _value(event, value)))
            records_at = 2 if key == "documents" and event == "start_array" else 1
        if depth == records_at and event not in _ENDS and (shape.top == "start_array" or records_at == 2):
            record = source.record = record + 1
            started = source.offset
        if event in _STARTS:
            depth += 1
            if depth > MAX_DEPTH:
                raise _refusal(record, f"nested more than {MAX_DEPTH} levels deep")
        elif event in _ENDS:
            depth -= 1
        elif event == "string":
            if "\x00" in value:
                raise _refusal(record, bad_value(value) or "")
        elif event == "number" and type(value) is Decimal and not math.isfinite(float(value)):
            raise _refusal(record, bad_value(float(value)) or "")
        if depth == records_at and record and event not in _STARTS and source.offset - started > source.cap:
            shape.oversized.add(record)
    return shape


def _build(event: str, value: Any, events: Iterator[tuple[str, Any]], items: int | None = None,
           inner: int | None = None) -> Any:
    """The value that starts with ``event``, built from the events that follow it. A key
    met twice keeps its first place and its last value, as the standard reader does.
    ``items``: a list keeps its first ``items`` elements (a list inside the value its first
    ``inner``, if given) and the rest is read past, not kept; a top-level list is not read
    past them at all. Nesting deeper than ``MAX_DEPTH`` is refused (the streamed records
    were checked for it by the first pass; a preview was not)."""
    if event not in _STARTS:
        return _value(event, value)
    top = _STARTS[event]()
    stack: list[Any] = [top]
    keys: list[Any] = []
    key: Any = None
    for event, value in events:
        if event == "map_key":
            key = value
            continue
        if event in _ENDS:
            stack.pop()
            if not stack:
                return top
            key = keys.pop()
            continue
        if items is not None and type(stack[-1]) is list and \
                len(stack[-1]) >= (items if len(stack) == 1 or inner is None else inner):
            if len(stack) == 1:
                return top  # the rest of a top-level list is not read
            _skip(event, events)
            continue
        item = _STARTS[event]() if event in _STARTS else _value(event, value)
        if type(stack[-1]) is list:
            stack[-1].append(item)
        else:
            stack[-1][key] = item
        if event in _STARTS:
            if len(stack) >= MAX_DEPTH:
                raise BadJSON(f"nested more than {MAX_DEPTH} levels deep")
            stack.append(item)
            keys.append(key)
    raise BadJSON("the file ends before its JSON does")


def _skip(event: str, events: Iterator[tuple[str, Any]]) -> None:
    """Read past the value that starts with ``event``, keeping nothing."""
    depth = 1 if event in _STARTS else 0
    while depth:
        event, _value = next(events)
        depth += 1 if event in _STARTS else -1 if event in _ENDS else 0


def _records(events: Iterator[tuple[str, Any]], shape: _Shape, too_long: Exception) -> Iterator[tuple[int, Any]]:
    """The second pass: the records, numbered from 1 (``too_long`` for one over the cap,
    read past without keeping it)."""
    next(events)  # the list, or the object holding the list under 'documents'
    if shape.top == "start_map":  # to the last 'documents': the one the standard reader keeps
        remaining = len(shape.documents)
        for event, value in events:
            if event == "map_key":
                remaining -= value == "documents"
                if remaining == 0:
                    next(events)
                    break
                _skip(next(events)[0], events)
    number = 0
    for event, value in events:
        if event == "end_array":
            return
        number += 1
        if number in shape.oversized:
            _skip(event, events)
            yield number, too_long
        else:
            yield number, _build(event, value, events)


def stream_json(file: BinaryIO, wide: str | None, size: int, cap: int, progress: Callable[[float], None],
                refused: Callable[[str], Exception]) -> Iterator[tuple[int, Any]]:
    """The records of a JSON file (``file``, its encoding checked: UTF-8, or ``wide``, UTF-16
    or UTF-32), numbered from 1, as ``_read_json`` reads them from the whole text: the
    elements of a list, of the list under 'documents', or one object with a text. A file
    ``loads`` would refuse raises ``refused(reason)``, the reason naming the record, before
    any record comes; a record longer than ``cap`` bytes comes as ``refused(reason)``, not
    read. ``progress`` hears the fraction of the two passes done."""
    too_long = refused(f"the record is longer than {cap:,} bytes, more than any record Curator can import; "
                       "skipped without reading it whole")
    try:
        yield from _stream(file, wide, size, cap, progress, too_long)
    except BadJSON as exc:
        raise refused(str(exc)) from exc


def _stream(file: BinaryIO, wide: str | None, size: int, cap: int, progress: Callable[[float], None],
            too_long: Exception) -> Iterator[tuple[int, Any]]:
    def rewound() -> Any:
        """A reader of ``file``'s text as UTF-8 from its start."""
        file.seek(0)
        if wide:
            return _Utf8(file, wide)
        if file.read(3) != codecs.BOM_UTF8:
            file.seek(0)
        return file

    def opened(done: float) -> _Source:
        return _Source(rewound(), size, lambda fraction: progress(done + fraction / 2), cap, rewound)

    source = opened(0.0)
    shape = _check(_events(source), source)
    documents = shape.documents[-1] if shape.documents else None
    if shape.top == "start_map" and shape.documents and not isinstance(documents, list):
        raise BadJSON(f"'documents' is {describe(documents)}, not a list of records")
    if shape.top not in ("start_map", "start_array") or shape.top == "start_map" and not shape.documents \
            and not shape.text_key:
        raise BadJSON("expected a list of records, an object with 'documents', or one record with 'text'")
    source = opened(0.5)
    source.checked = True
    events = _events(source)
    if shape.top == "start_map" and not shape.documents:  # one record: the whole object
        yield 1, too_long if size > cap else _build(*next(events), events)
        return
    yield from _records(events, shape, too_long)


def preview(file: BinaryIO, items: int = 50, cap: int = 1 << 27, inner: int | None = None) -> Any:
    """The JSON value in ``file`` (UTF-8) with every list cut to its first ``items`` elements,
    read a chunk at a time: enough of a large file to tell what it holds (its format) in
    memory bounded by those elements. A top-level list is read no further than its first
    ``items``; an object is read to its end (a long list in it read through, not kept).
    What is read is refused (``BadJSON``) as the first pass refuses it; what is not read is
    not checked. ``inner``: how many elements of a list inside the value are kept
    (``items`` if not given). ``None`` where ijson's C parser is not built."""
    if _PARSER is None:
        return None
    start = file.tell()

    def rewound() -> BinaryIO:
        file.seek(start)
        if file.read(3) != codecs.BOM_UTF8:
            file.seek(start)
        return file

    source = _Source(rewound(), 0, lambda _fraction: None, cap, rewound)

    def tracked() -> Iterator[tuple[str, Any]]:
        for event in _events(source):
            source.event_offset = source.offset
            yield event

    events = tracked()
    return _build(*next(events), events, items, inner)
