"""Text helpers: snapping a selection to whole words."""

from __future__ import annotations

import re

# A word is a run of letters/digits; a number keeps its inner separators
# ("4,700", "24.2") so that selecting part of it takes the whole figure.
_WORD = re.compile(r"\d+(?:[.,]\d+)+|\w+")
# Characters that never start or end a span: whitespace and surrounding punctuation.
# Currency and percent signs are kept, as they belong to the figure.
_EDGE = " \t\r\n\u00a0\u2028\u2029.,;:!?\"'()[]{}<>\u201c\u201d\u2018\u2019\u00ab\u00bb\u2013\u2014-/*_|"

# A token as agreement counts it and CoNLL writes it: a run of word characters or one
# punctuation mark.
TOKEN = re.compile(r"\w+|[^\w\s]")


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Widen ``[start, end)`` to whole words and trim surrounding space and punctuation.

    Returns ``None`` when nothing but space or punctuation is selected. A collapsed
    selection (``start == end``) snaps to the word it touches, if any.
    """
    start, end = sorted((min(max(0, start), len(text)), min(max(0, end), len(text))))
    if start == end:
        word = word_at(text, start)
        return word
    for match in _words_around(text, start):
        if match.start() < start < match.end():
            start = match.start()
    for match in _words_around(text, end):
        if match.start() < end < match.end():
            end = match.end()
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return (start, end) if start < end else None


def _tokens_around(text: str, position: int, reach: int = 400) -> list[tuple[int, int]]:
    """Selection tokens near ``position``: runs of non-space characters with surrounding
    punctuation trimmed, so that "US$24.2" or "Kazakh-Chinese" is one token and the
    comma after "billion," is not part of it."""
    lo, hi = max(0, position - reach), min(len(text), position + reach)
    while lo > 0 and not text[lo - 1].isspace() and position - lo < 10 * reach:
        lo -= 1
    while hi < len(text) and not text[hi].isspace() and hi - position < 10 * reach:
        hi += 1
    found = []
    for match in re.finditer(r"\S+", text[lo:hi]):
        start, end = lo + match.start(), lo + match.end()
        while start < end and text[start] in _EDGE:
            start += 1
        while end > start and text[end - 1] in _EDGE:
            end -= 1
        if start < end:
            found.append((start, end))
    return found


def token_at(text: str, position: int) -> tuple[int, int] | None:
    """The selection token at ``position`` (what a double-click selects), else the word there."""
    for start, end in _tokens_around(text, position):
        if start <= position < end:
            return start, end
    return word_at(text, position)


def next_token_end(text: str, position: int) -> int:
    """Where a word-wise move to the right from ``position`` lands: the next token's end."""
    while position < len(text):
        ends = [end for _start, end in _tokens_around(text, position) if end > position]
        if ends:
            return min(ends)
        position = min(len(text), position + 400)
    return len(text)


def previous_token_start(text: str, position: int) -> int:
    """Where a word-wise move to the left from ``position`` lands: the previous token's start."""
    while position > 0:
        starts = [start for start, _end in _tokens_around(text, position) if start < position]
        if starts:
            return max(starts)
        position = max(0, position - 400)
    return 0


def word_at(text: str, position: int) -> tuple[int, int] | None:
    """The word containing or touching ``position``, preferring the one after it."""
    candidates = [m for m in _words_around(text, position) if m.start() <= position <= m.end()]
    if not candidates:
        return None
    best = max(candidates, key=lambda m: m.start())
    return best.start(), best.end()


def _words_around(text: str, position: int, reach: int = 200) -> list[re.Match[str]]:
    """Word matches in a window around ``position`` (avoids scanning a huge text)."""
    lo = max(0, position - reach)
    hi = min(len(text), position + reach)
    # Move the window start back to a non-word character so we do not cut a word.
    while lo > 0 and not text[lo - 1].isspace():
        lo -= 1
        if position - lo > 10 * reach:
            break
    while hi < len(text) and not text[hi].isspace():
        hi += 1
        if hi - position > 10 * reach:
            break
    return list(_WORD.finditer(text, lo, hi))


def fold(text: str) -> str:
    """Text as a search compares it: compatibility forms unified and case folded in
    every script (``ÜBER`` and ``über``, ``Қазақстан`` and ``қазақстан`` fold alike)."""
    import unicodedata

    return unicodedata.normalize("NFKC", text).casefold()


def search_key(uid: str, title: str | None, source: str | None) -> str:
    """What the document list's filter matches for one document, folded once on write."""
    return fold("\n".join(part for part in (uid, title, source) if part))


def like_pattern(search: str) -> str:
    """A LIKE pattern matching ``search`` as a folded substring: ``%``, ``_`` and the
    escape character itself stand for themselves (use with ``escape="\\\\"``)."""
    escaped = fold(search).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def sentence_bounds(text: str, position: int) -> tuple[int, int]:
    """Where the sentence (or line) of ``text`` that holds ``position`` starts and ends."""
    start = 0
    for match in _SENTENCE_END.finditer(text, 0, position):
        start = match.end()
    following = _SENTENCE_END.search(text, position)
    return start, following.start() if following else len(text)


def sentence_around(text: str, position: int) -> str:
    """The sentence (or line) of ``text`` that holds ``position``."""
    start, end = sentence_bounds(text, position)
    return text[start:end]


def paragraph_bounds(text: str, position: int) -> tuple[int, int]:
    """Where the paragraph (line) of ``text`` that holds ``position`` starts and ends."""
    end = text.find("\n", position)
    return text.rfind("\n", 0, position) + 1, end if end >= 0 else len(text)
