"""Who a figure comes from: the authority its sentence names ("according to Smailov",
"Chinese customs data"), and the outlet an article's source line says it cites."""

from __future__ import annotations

import functools
import re

_NAME = r"(?:the\s+)?(?P<who>[A-Z][\w’'.&-]*(?:\s+(?:of|for|on|and|[A-Z][\w’'.&-]*))*(?:\s+[A-Z][\w’'.&-]*)?)"
_AUTHORITY = (r"(?P<who>(?:[A-Z][\w’'-]*\s+){1,4}(?:customs|statistics|statistical office|bureau|ministry|"
              r"committee|agency|service)(?:\s+of\s+[A-Z][\w’'-]*)?)")


@functools.cache
def _attributions() -> tuple[re.Pattern[str], ...]:
    """The patterns, compiled when first used: every export would otherwise compile them
    at its start (a few milliseconds), facts or not."""
    return (
        re.compile(rf"\b(?i:according to) {_NAME}"),
        re.compile(rf"\b(?i:citing|cited by|data from|figures from|statistics from|data of) {_NAME}"),
        re.compile(rf"{_AUTHORITY}\s+(?:data|figures|statistics)\b", re.IGNORECASE),
        re.compile(rf"{_NAME},?\s+(?:said|says|reported|reports|told|announced|stated|noted)\b"),
    )


_CITING = re.compile(r"\(\s*citing\s+(?P<who>[^)]+?)\s*\)", re.IGNORECASE)


def attribution_of(sentence: str) -> str | None:
    """Who the sentence says the figure comes from ("according to Smailov", "Chinese
    customs data", "the ministry said"), or None."""
    for pattern in _attributions():
        match = pattern.search(sentence)
        if match:
            who = match.group("who").strip(" .,")
            return who[:1].upper() + who[1:] if who else None
    return None


ATTRIBUTED_TO = "attributed_to"  # the relation label that says whom a figure comes from
ABOUT = "about"  # the relation label that says what a figure is about (its subjects)


def authority_name(text: str) -> str | None:
    """A quoted authority as attributions name it: a span's text without a leading "the"
    and trailing punctuation, capitalized ("the ministry" → "Ministry")."""
    who = text.strip(" .,;:")
    if who[:4].lower() == "the ":
        who = who[4:].lstrip()
    return who[:1].upper() + who[1:] if who else None


def cited_outlet(source: str | None) -> str | None:
    """The outlet an article's source line says it cites: "Trend (citing TurkicWorld)"."""
    match = _CITING.search(source or "")
    return match.group("who") if match else None
