"""Text helpers: snapping a selection to whole words, tokens, folding, and the rule of a
span lying inside its text (``span_problem``).

Words and tokens are made of grapheme clusters (what a reader sees as one character):
``Köln`` written with a combining diaeresis, ``दिल्ली`` with its vowel signs and
viramas, a flag or an emoji joined by ZWJ are never cut. A text whose characters each
make a cluster of their own (nearly every text: no combining marks, joiners, regional
indicators) takes a fast path over characters; the others are read cluster by cluster
with the ``regex`` module's ``\\X``. Both paths apply the same patterns, to characters
or to clusters classed by their first character, so they agree wherever both apply.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

# A word is a run of letters/digits; a number keeps its inner separators
# ("4,700", "24.2") so that selecting part of it takes the whole figure.
_WORD = re.compile(r"\d+(?:[.,]\d+)+|\w+")
# Characters that never start or end a span: whitespace and surrounding punctuation.
# Currency and percent signs are kept, as they belong to the figure.
_EDGE = " \t\r\n\u00a0\u2028\u2029.,;:!?\"'()[]{}<>\u201c\u201d\u2018\u2019\u00ab\u00bb\u2013\u2014-/*_|"

# Characters that show nothing and are no token of their own: zero-width space,
# non-joiner and joiner, word joiner, byte order mark. A line of CoNLL holding only these
# reads as blank, so a token of them could never come back.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"

# A token as agreement counts it and CoNLL writes it: a run of word characters or one
# punctuation mark (of clusters, where a text has clusters of several characters: ``TOKEN``).
_TOKEN = re.compile(rf"\w+|[^\w\s{INVISIBLE}]")

# The same two patterns over a text's clusters, each written as one class letter:
# D a digit, W another word character, S a space, P "." or ",", O anything else.
_CLASS_WORD = re.compile(r"D+(?:PD+)+|[DW]+")
_CLASS_TOKEN = re.compile(r"[DW]+|[OP]")
_PLAIN_WORD, _CLASS_PLAIN_WORD = re.compile(r"\w+"), re.compile(r"[DW]+")
_DIGIT, _WORDCHAR, _SPACE = re.compile(r"\d"), re.compile(r"\w"), re.compile(r"\s")
_WHOLE = re.compile(r".+", re.DOTALL)  # a match object for a span found cluster by cluster


@functools.cache
def _joining():
    """Characters that may join a neighbour into a cluster (combining marks, joiners,
    vowel signs and viramas, variation selectors, regional indicators, prepended marks,
    Hangul jamo), and characters this Python does not know: a superset, as a pattern.
    Astral characters all count (they are rare, and the careful path is only slower)."""
    import unicodedata

    joining = {0x200C, 0x200D, 0xFF9E, 0xFF9F, 0x0E33, 0x0EB3, *range(0x0600, 0x0606), 0x06DD, 0x070F, 0x0890,
               0x0891, 0x08E2, 0x0D4E, *range(0x1100, 0x1200), *range(0xA960, 0xA980), *range(0xD7B0, 0xD800)}
    ranges: list[list[int]] = []
    for code in range(0x0300, 0x10000):
        if code in joining or unicodedata.category(chr(code)) in ("Mn", "Mc", "Me", "Cn"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    members = "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)
    return re.compile(f"[{members}\\U00010000-\\U0010ffff]")


def _simple(text: str, lo: int, hi: int) -> bool:
    """Whether every character of ``text[lo:hi]`` is a cluster of its own (the fast path applies)."""
    return (hi - lo == len(text) and text.isascii()) or _joining().search(text, lo, hi) is None


@functools.cache
def _cluster():
    import regex  # a tenth of a second to load: only for texts that need it

    return regex.compile(r"\X")


def _clear(text: str, position: int) -> bool:
    """Whether ``position`` is surely between two clusters: neither character beside it
    may join another (a mark, a joiner, a virama before a consonant)."""
    joining = _joining()
    return position <= 0 or position >= len(text) or not (joining.match(text, position)
                                                           or joining.match(text, position - 1)
                                                           or text[position - 1 : position + 1] == "\r\n")


def _safe_start(text: str, position: int) -> int:
    """``position`` moved back to where a cluster surely starts."""
    while not _clear(text, position):
        position -= 1
    return position


def _clusters(text: str, lo: int, hi: int) -> tuple[list[int], str]:
    """The clusters of ``text[lo:hi]`` (``lo`` at a cluster's start): their starts
    (and ``hi``), and the class letter of each."""
    starts, classes = [], []
    for match in _cluster().finditer(text, lo, hi):
        start = match.start()
        starts.append(start)
        classes.append("D" if _DIGIT.match(text, start) else "W" if _WORDCHAR.match(text, start)
                       else "S" if _SPACE.match(text, start) or not match.group().strip(INVISIBLE)
                       else "P" if text[start] in ".," else "O")
    starts.append(hi)
    return starts, "".join(classes)


def _spans(text: str, lo: int, hi: int, fast: re.Pattern[str], careful: re.Pattern[str]) -> list[tuple[int, int]]:
    """Where ``fast`` matches in ``text[lo:hi]``, or, if the text has clusters of several
    characters, where ``careful`` matches its clusters' classes."""
    if _simple(text, lo, hi):
        return [match.span() for match in fast.finditer(text, lo, hi)]
    starts, classes = _clusters(text, lo, hi)
    return [(starts[match.start()], starts[match.end()]) for match in careful.finditer(classes)]


def word_spans(text: str) -> list[tuple[int, int]]:
    """Every word of ``text`` (a run of word characters, never part of a cluster), as
    ``(start, end)``."""
    return _spans(text, 0, len(text), _PLAIN_WORD, _CLASS_PLAIN_WORD)


def joins_a_space(token: str) -> bool:
    """Whether ``token`` starts with a character that would join a space before it into one
    cluster (a combining mark, an emoji's skin tone): after a space it would be no token."""
    return bool(token) and _joining().match(token) is not None and _cluster().match(" " + token).end() > 1


def one_character_clusters(text: str) -> bool:
    """Whether every character of ``text`` is a cluster of its own: then tokens are the
    matches of ``\\w+|[^\\w\\s]`` over its characters (the fast path, which a caller
    may run another way, say with numpy)."""
    return _simple(text, 0, len(text))


def token_spans(text: str) -> list[tuple[int, int]]:
    """Every token of ``text`` (a run of word characters, or one other character that is
    not a space), as ``(start, end)``; never part of a cluster."""
    return _spans(text, 0, len(text), _TOKEN, _CLASS_TOKEN)


class _Tokens:
    """``TOKEN``: finds tokens as a compiled pattern would (``finditer``, ``findall``),
    cluster-aware (``token_spans``)."""

    pattern = _TOKEN.pattern

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        for start, end in token_spans(text):
            yield _WHOLE.match(text, start, end)

    def findall(self, text: str) -> list[str]:
        return [text[start:end] for start, end in token_spans(text)]

    def search(self, text: str) -> re.Match[str] | None:
        return next(self.finditer(text), None)


TOKEN = _Tokens()


def span_problem(text: str, start: int, end: int, written: str | None = None) -> str | None:
    """What is wrong with the span of ``text`` from ``start`` to ``end`` (code points, end
    exclusive), as the end of a sentence that names it ("span ...", "suggestion ..."), or
    None if nothing is. A span lies inside its text and starts before it ends; one that
    carries the text it covers (``written``) covers exactly that text. Every reader and
    writer of spans asks this one rule; none writes it out again."""
    if not (0 <= start < end <= len(text)):
        return f"is outside the text (length {len(text)})"
    if written is not None and text[start:end] != written:
        return f"text {written[:80]!r} differs from the document text {text[start:end][:80]!r}"
    return None


def grapheme_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` widened to whole clusters."""
    if _clear(text, start) and _clear(text, end):
        return start, end  # (nearly always: nothing joins across either edge)
    lo, hi = _safe_start(text, start), end
    while hi < len(text) and not _clear(text, hi):
        hi += 1
    starts, _classes = _clusters(text, lo, hi)
    first = max(s for s in starts if s <= start)
    return first, max(first, min(s for s in starts if s >= end))


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Widen ``[start, end)`` to whole words and trim surrounding space and punctuation.

    Returns ``None`` when nothing but space or punctuation is selected. A collapsed
    selection (``start == end``) snaps to the word it touches, if any. Never cuts a
    cluster (a letter and its combining marks)."""
    start, end = sorted((min(max(0, start), len(text)), min(max(0, end), len(text))))
    if start == end:
        word = word_at(text, start)
        return word
    start, end = grapheme_bounds(text, start, end)
    for word_start, word_end in _words_around(text, start):
        if word_start < start < word_end:
            start = word_start
    for word_start, word_end in _words_around(text, end):
        if word_start < end < word_end:
            end = word_end
    return _trimmed(text, start, end)


def stripped_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without the whitespace at its edges: a selection's words."""
    fragment = text[start:end]
    return start + len(fragment) - len(fragment.lstrip()), end - len(fragment) + len(fragment.rstrip())


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``[start, end)`` without the space and punctuation at its edges (a mark joined to
    such a character goes with it), or None if nothing else is left."""
    while start < end and text[start] in _EDGE:
        start = max(start + 1, grapheme_bounds(text, start, start + 1)[1])
    while end > start and text[end - 1] in _EDGE:
        end = grapheme_bounds(text, end - 1, end)[0]
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
    lo = _safe_start(text, lo)
    found = []
    for match in re.finditer(r"\S+", text[lo:hi]):
        span = _trimmed(text, *grapheme_bounds(text, lo + match.start(), lo + match.end()))
        if span is not None:
            found.append(span)
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
    candidates = [span for span in _words_around(text, position) if span[0] <= position <= span[1]]
    if not candidates:
        return None
    return max(candidates)


def _words_around(text: str, position: int, reach: int = 200) -> list[tuple[int, int]]:
    """Words in a window around ``position`` (avoids scanning a huge text)."""
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
    return _spans(text, _safe_start(text, lo), hi, _WORD, _CLASS_WORD)


def nfc(text: str) -> str:
    """``text`` in Unicode's composed normal form (NFC): the one spelling ids and names are
    kept and compared in (``Köln`` typed with a combining diaeresis is ``Köln``)."""
    import unicodedata

    return text if text.isascii() or unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def composed_with_offsets(text: str) -> tuple[str, list[int], list[int]]:
    """``text`` in NFC, with where each of its characters comes from in ``text``: the
    start and end of the cluster it was composed from. A match found in the composed
    text at ``[i, j)`` is ``[starts[i], ends[j - 1])`` of ``text``, which stays as it is."""
    import unicodedata

    parts, starts, ends = [], [], []
    for match in _cluster().finditer(text):
        composed = unicodedata.normalize("NFC", match.group())
        parts.append(composed)
        starts.extend([match.start()] * len(composed))
        ends.extend([match.end()] * len(composed))
    return "".join(parts), starts, ends


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
