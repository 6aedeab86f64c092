"""A ZIP package (the container of an ``.xlsx`` workbook) whose big parts are deflated
while they are written, each in a thread of its own, so that compressing overlaps the
work of making them (zlib lets go of Python's lock while it compresses).

``zipfile`` compresses a member only while it is the one member being written; the
workbook's sheets are written side by side, row by row. So each part is deflated into
a file of its own in ``folder``, and ``write_package`` then copies the deflated bytes
into the package after their local header, with the central directory at the end and
ZIP64 records wherever a size, an offset or the number of parts needs them.
"""

from __future__ import annotations

import queue
import shutil
import struct
import threading
import zlib
from pathlib import Path

_LIMIT = _MARK = 0xFFFFFFFF  # a size or offset from _LIMIT up is in a ZIP64 record, _MARK in the plain one
_MAX_PARTS = _MARK_PARTS = 0xFFFF
_DEFLATED = 8
_UTF8_NAMES = 1 << 11
_DOS_TIME, _DOS_DATE = 0, 1 << 5 | 1  # 1980-01-01 00:00, the first date ZIP can hold: no part is dated


class DeflatedPart:
    """One part of a package, deflated in a thread as text is ``write``-n to it."""

    def __init__(self, name: str, path: Path, level: int) -> None:
        self.name, self.path = name, path
        self.crc = self.size = 0
        self._file = path.open("wb")
        self._deflate = zlib.compressobj(level, zlib.DEFLATED, -15)
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=4)  # bounds the memory held
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=f"deflate {name}", daemon=True)
        self._thread.start()

    def write(self, text: str) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(text.encode("utf-8"))

    def _run(self) -> None:
        try:
            while (data := self._queue.get()) is not None:
                if self._error is None:  # after an error, only drain the queue
                    self.crc = zlib.crc32(data, self.crc)
                    self.size += len(data)
                    self._file.write(self._deflate.compress(data))
            if self._error is None:
                self._file.write(self._deflate.flush())
        except BaseException as error:  # a full disk, say: raised to the writer
            self._error = error
            while self._queue.get() is not None:
                pass
        finally:
            self._file.close()

    def close(self) -> None:
        """Wait until every byte is deflated and in the file; raises what went wrong there."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self._error is not None:
            raise self._error

    @property
    def closed(self) -> bool:
        return not self._thread.is_alive()

    @property
    def compressed_size(self) -> int:
        return self.path.stat().st_size


def deflated(name: str, text: str, path: Path, level: int) -> DeflatedPart:
    """A small part, whole at once, deflated into ``path``."""
    part = DeflatedPart(name, path, level)
    part.write(text)
    part.close()
    return part


def write_package(target: Path, parts: list[DeflatedPart]) -> None:
    """Write ``parts`` (closed) as a ZIP package to ``target``, in their order."""
    if len(set(part.name for part in parts)) != len(parts):
        raise ValueError("two parts of one package have the same name")
    entries = []
    with target.open("wb") as out:
        for part in parts:
            offset, compressed = out.tell(), part.compressed_size
            name = part.name.encode("utf-8")
            big = part.size >= _LIMIT or compressed >= _LIMIT
            extra = struct.pack("<HHQQ", 1, 16, part.size, compressed) if big else b""
            sizes = (_MARK, _MARK) if big else (compressed, part.size)
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45 if big else 20, _UTF8_NAMES, _DEFLATED,
                                  _DOS_TIME, _DOS_DATE, part.crc, *sizes, len(name), len(extra)))
            out.write(name + extra)
            with part.path.open("rb") as source:
                shutil.copyfileobj(source, out, 1 << 20)
            entries.append((part, name, offset, compressed))
        directory = out.tell()
        for part, name, offset, compressed in entries:
            # ZIP64 extra: only the fields that do not fit, in this order
            wide = [value for value in (part.size, compressed, offset) if value >= _LIMIT]
            extra = struct.pack(f"<HH{len(wide)}Q", 1, 8 * len(wide), *wide) if wide else b""
            out.write(struct.pack(
                "<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45 if wide else 20, _UTF8_NAMES, _DEFLATED, _DOS_TIME,
                _DOS_DATE, part.crc, _plain(compressed), _plain(part.size), len(name), len(extra), 0, 0, 0, 0,
                _plain(offset)))
            out.write(name + extra)
        end = out.tell()
        size, count = end - directory, len(entries)
        if count >= _MAX_PARTS or size >= _LIMIT or directory >= _LIMIT:
            out.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, size, directory))
            out.write(struct.pack("<IIQI", 0x07064B50, 0, end, 1))
        parts = _MARK_PARTS if count >= _MAX_PARTS else count
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, parts, parts, _plain(size), _plain(directory), 0))


def _plain(value: int) -> int:
    """``value`` in a plain ZIP record: itself, or the mark that the ZIP64 record has it."""
    return _MARK if value >= _LIMIT else value
