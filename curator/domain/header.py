"""An article's header: leading ``key value`` metadata before the body.

Some outlets and scrapers put metadata at the very start of the text, such as
``date 2023-11-07``, before the first sentence and often on the same line. It
says when (or where, or by whom) the article was published; it is not article
text, so nothing should be annotated or suggested there. The text itself is
kept as it is: annotation offsets refer to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The keys a header may hold: how a value is written and what it tells. A value must
# end where the pattern says, since a header often runs on into the body on one line.
_KEYS = {
    "date": (r"\d{4}-\d{2}-\d{2}\b", "the article's published date"),
}
# One field: white space, then a key (``:`` optional), white space and its value.
_FIELD = re.compile(
    r"\s*(?:" + "|".join(rf"(?P<{key}>{key}):?\s+(?P<{key}_value>{pattern})"
                          for key, (pattern, _meaning) in _KEYS.items()) + ")",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Header:
    """The header of a text: where it is (``start``, ``end``: offsets into the text, end
    exclusive, from its first key to the end of its last value) and what it says
    (``fields``: each key, lower case, to its value as written)."""

    start: int
    end: int
    fields: dict[str, str]

    def overlaps(self, start: int, end: int) -> bool:
        """Whether the text from ``start`` to ``end`` touches the header."""
        return start < self.end and end > self.start

    def describe(self) -> str:
        """What the header says, for a curator: ``date 2023-11-07 — the article's published date``."""
        return "; ".join(f"{key} {value} \u2014 {_KEYS[key][1]}" for key, value in self.fields.items())


def find_header(text: str) -> Header | None:
    """The header at the start of ``text``, or None if the text begins with its body.

    A header is one or more recognised ``key value`` fields (``date 2023-11-07``, also
    ``Date: 2023-11-07``), each key at most once, before anything else but white space.
    """
    fields: dict[str, str] = {}
    start = end = 0
    while match := _FIELD.match(text, end):
        key = match.lastgroup.removesuffix("_value")
        if key in fields:  # the same key again: that is body text
            break
        if not fields:
            start = match.start(key)
        fields[key] = match.group(match.lastgroup)
        end = match.end()
    return Header(start, end, fields) if fields else None
