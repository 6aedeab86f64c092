"""An article's headline, as a saved page gives it: the first line that reads as one.

A page copied or saved from the web starts with the headline, or with lines before it
that are not the story: a section and time stamp (``ECONOMY | 15:22 / 20.09.2024``), a
view count (``4127``), ``1 min read``, the page address, a byline, a tag line
(``Kazakhstan China Kassym-Jomart Tokayev``). Those are passed over; the first other
line is the headline when it reads as one (a few words, not a sentence of the body,
not a dateline). When it does not, the page has no headline and none is guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

HEAD_CHARS = 1200  # a headline comes before this far into the text
MAX_WORDS = 30

# Lines before a headline that are not one: counts, reading times, image credits, the
# section name alone, furniture.
_NOT_A_HEADLINE = re.compile(
    r"^(?:\d[\d\s,.]*|\d+\s+min(?:ute)?s?\s+read|(?:images?|photo|photos|video|source)\s*[|:].*"
    r"|[A-Z]{3,}(?:\s+[A-Z]{3,})?|last\s+minute|breaking(?:\s+news)?|home\b.*[/>»›].*|advertisement|share"
    r"|by\s+[^\d]{2,60}|author:.*|(?:tags?|keywords?)\s*:.*)$",
    re.IGNORECASE,
)
_BREAKS = re.compile("[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_WORD = re.compile(r"[\w$%€£¥₸'’.-]+")
# Where a line ending in a full stop is still a headline: it ends with an abbreviation.
_ABBREVIATION_END = re.compile(r"(?:\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Inc|Co|Ltd|Corp)\.|\bU\.S\.)$")
_LOWER_WORDS = {"a", "an", "the", "of", "in", "on", "to", "for", "and", "by", "at", "as", "with", "from", "vs"}


def _is_tag_line(words: list[str]) -> bool:
    """``Kazakhstan China Kassym-Jomart Tokayev``: names only, no verb, no figure."""
    return (len(words) >= 2 and all(w[0].isupper() for w in words) and not any(c.isdigit() for w in words for c in w)
            and not any(w.lower() in _LOWER_WORDS for w in words) and len(words) <= 8
            and not any(w.lower().endswith(("s", "ed")) and w.lower() not in ("us",) for w in words[1:]))


def reads_as_headline(line: str) -> bool:
    """Whether a line reads as a headline: a few words, not a sentence of the body."""
    line = line.strip()
    if not re.search(r"[^\W\d_]{2}", line) or _BREAKS.search(line):
        return False  # no word, or a line break inside (a carriage return, a page separator)
    words = _WORD.findall(line)
    if not 3 <= len(words) <= MAX_WORDS or len(line) > 250 or line.startswith(("#", "(", "-", "•", "*", ">")):
        return False
    if not (line[0].isupper() or line[0].isdigit() or line[0] in "\"'“‘$"):
        return False
    if line.endswith((".", ":", ";", ",")) and not _ABBREVIATION_END.search(line):
        return False
    return not re.search(r"[.!?][\"”’]?\s+[A-Z]", line)  # two sentences: body text


def find_headline(text: str, taken: Iterable[tuple[int, int]] = ()) -> str | None:
    """The headline of a saved page, or None. ``taken`` are spans already known not to
    be one (stamps, datelines, bylines, the page address)."""
    spans = sorted(taken)
    tag_line: str | None = None
    position = 0
    limit = min(len(text), HEAD_CHARS)
    while position < limit:
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        line = text[position:end]
        start, stop = position, end
        position = end + 1
        stripped = line.strip()
        if not stripped:
            continue
        covered = [(s, e) for s, e in spans if s < stop and e > start]
        if covered:
            first_start = min(s for s, _e in covered)
            rest = text[max(e for _s, e in covered):stop].strip()
            if first_start <= start + (len(line) - len(line.lstrip())) and not rest:
                continue  # a stamp, byline or address line: look further
            break  # a dateline that opens the body: the page has no headline before it
        if _NOT_A_HEADLINE.match(stripped):
            continue
        if _is_tag_line(_WORD.findall(stripped)) and tag_line is None:
            tag_line = stripped  # names only: a tag line, unless no headline follows it
            continue
        if reads_as_headline(stripped):
            return stripped
        break
    return tag_line if tag_line is not None and reads_as_headline(tag_line) else None
