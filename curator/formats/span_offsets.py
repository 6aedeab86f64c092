"""Offsets as other tools count them, and a span's written text checked against the text
at its offsets.

Curator counts offsets in Unicode code points (Python's string indices). Tools written in
JavaScript or Java count UTF-16 code units: a character beyond U+FFFF (an emoji, a
mathematical letter) counts two. Label Studio's editor has written such offsets
(its issues #1347 and #4988), and WebAnno TSV is defined in them. Every span after such
a character is then shifted; ``SpanPlacer`` finds where a span's written text really is.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter

AS_WRITTEN = "as written"
UTF16 = "utf-16"
UTF16_NOTE = ("span(s) with offsets counted in UTF-16 code units (as JavaScript counts them), not in characters: "
              "converted")


def utf16_length(text: str) -> int:
    """How many UTF-16 code units ``text`` takes."""
    return len(text) + sum(1 for character in text if ord(character) > 0xFFFF)


class Utf16Index:
    """Converts between code point indices of one text and UTF-16 offsets into it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.astral = [index for index, character in enumerate(text) if ord(character) > 0xFFFF]

    def to_units(self, index: int) -> int:
        """The UTF-16 offset of code point ``index``."""
        return index + bisect_left(self.astral, index)

    def to_index(self, units: int) -> int | None:
        """The code point index at UTF-16 offset ``units``; None if that falls inside a
        surrogate pair or outside the text."""
        if not self.astral:
            return units if 0 <= units <= len(self.text) else None
        low, high = max(0, units - len(self.astral)), min(units, len(self.text))
        while low <= high:
            middle = (low + high) // 2
            at = self.to_units(middle)
            if at == units:
                return middle
            if at < units:
                low = middle + 1
            else:
                high = middle - 1
        return None


class SpanPlacer:
    """Places the spans of one document that a file gives with their text: offsets that
    hold the written text are kept; offsets that hold it only when counted in UTF-16 are
    converted; any other disagreement is not placed (the caller reports and skips it).
    Spans written without their text follow the document's other spans: converted if
    they were. ``counts`` says how many spans were placed which way."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._index: Utf16Index | None = None
        self.counts: Counter = Counter()

    @property
    def index(self) -> Utf16Index:
        if self._index is None:
            self._index = Utf16Index(self.text)
        return self._index

    def place(self, start: int, end: int, written: str | None) -> tuple[int, int] | None:
        """Where the span ``[start:end]`` whose text the file gives as ``written`` lies in
        the text, in code points; None if its text is not there."""
        if written is None:
            return start, end  # decided with the others in ``unchecked``
        if self.text[start:end] == written and 0 <= start <= end <= len(self.text):
            self.counts[AS_WRITTEN] += 1
            return start, end
        converted = self._from_units(start, end)
        if converted is not None and self.text[converted[0]:converted[1]] == written:
            self.counts[UTF16] += 1
            return converted
        return None

    def unchecked(self, start: int, end: int) -> tuple[int, int]:
        """A span written without its text: converted from UTF-16 if the document's spans
        with text were, else as written."""
        if self.counts[UTF16] and not self.counts[AS_WRITTEN]:
            converted = self._from_units(start, end)
            if converted is not None:
                self.counts[UTF16] += 1
                return converted
        return start, end

    def _from_units(self, start: int, end: int) -> tuple[int, int] | None:
        if not self.index.astral:
            return None
        first, last = self.index.to_index(start), self.index.to_index(end)
        return None if first is None or last is None else (first, last)


def disagreement(text: str, start: int, end: int, written: str) -> str:
    """Why a span was not placed, in words: the file's text beside the document's."""
    found = text[start:end] if 0 <= start <= end <= len(text) else None
    shown = f"the text there reads {found[:60]!r}" if found is not None else f"[{start}:{end}] is outside the text"
    return f"the file says the span reads {written[:60]!r}, but {shown}; span skipped"
