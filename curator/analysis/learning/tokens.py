"""Words and sentences as the learned recommender sees a text: character offsets into
the document's own text, so that what it learns and what it suggests are spans of it.

A token is a run of word characters or one punctuation mark (as agreement counts
tokens), except that an abbreviation written with dots (``U.S.``, ``U.N.``) is one
token, and so is a number with its separators (``24.2``, ``4,700``): a curator's span
never starts or ends inside one. A sentence ends at a line break, or at ``.``, ``!`` or
``?`` and a space before a word that starts with a capital, a digit or a quote, unless
the word before the dot is a title or an initial (``Mr.``, ``J.``) or the number of a
list item (``1. Michael Schumacher``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|\d+(?:[.,:]\d+)+|['’](?:s|S|d|D|m|M|ll|re|ve|LL|RE|VE)\b|\w+|[^\w\s]")
_ENDS = frozenset(".!?")
_NOT_ENDS = frozenset({"mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "st", "no", "vs", "jr", "sr",
                       "inc", "co", "corp", "ltd", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
                       "oct", "nov", "dec", "gov", "sen", "rep", "rev", "hon", "est", "approx", "cf", "e.g", "i.e"})
MAX_SENTENCE = 250  # tokens: a text with no sentence ends (a table, a list) is cut into pieces this long


@dataclass(frozen=True)
class Sentence:
    """The tokens of one sentence: their texts and their (start, end) offsets in the text."""

    words: tuple[str, ...]
    bounds: tuple[tuple[int, int], ...]

    @property
    def start(self) -> int:
        return self.bounds[0][0]

    @property
    def end(self) -> int:
        return self.bounds[-1][1]


def sentences(text: str, start: int = 0, end: int | None = None) -> list[Sentence]:
    """The sentences of ``text[start:end]`` (offsets stay the text's own)."""
    end = len(text) if end is None else end
    found: list[Sentence] = []
    words: list[str] = []
    bounds: list[tuple[int, int]] = []

    def close() -> None:
        if words:
            found.append(Sentence(tuple(words), tuple(bounds)))
            words.clear()
            bounds.clear()

    previous_end = start
    for match in _TOKEN.finditer(text, start, end):
        word = match.group()
        if words:
            gap = text[previous_end:match.start()]
            if ("\n" in gap or len(words) >= MAX_SENTENCE
                    or (words[-1] in _ENDS and gap and _starts_sentence(word) and not _abbreviation(words))):
                close()
        words.append(word)
        bounds.append(match.span())
        previous_end = match.end()
    close()
    return found


def _starts_sentence(word: str) -> bool:
    first = word[0]
    return first.isupper() or first.isdigit() or first in "\"'“‘«("


def _abbreviation(words: list[str]) -> bool:
    """Whether the dot that ends ``words`` ends an abbreviation or an initial, not the sentence."""
    if words[-1] != "." or len(words) < 2:
        return False
    before = words[-2]
    return ((len(before) == 1 and before.isupper()) or before.lower() in _NOT_ENDS
            or (len(words) == 2 and before.isdigit()))


def token_span(sentence: Sentence, start: int, end: int) -> tuple[int, int] | None:
    """The tokens (first, last + 1) of ``sentence`` that the characters ``start``..``end``
    cover, widened to whole tokens; None if it covers none of them."""
    first = next((i for i, (_s, e) in enumerate(sentence.bounds) if e > start), None)
    if first is None or sentence.bounds[first][0] >= end:
        return None
    last = first
    while last + 1 < len(sentence.bounds) and sentence.bounds[last + 1][0] < end:
        last += 1
    return first, last + 1
