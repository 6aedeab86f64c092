"""Tokens for formats that tie spans to tokens (Prodigy, WebAnno TSV): words and single
punctuation marks (``curator.domain.text.TOKEN``), cut wherever a span starts or ends, so
that every span is a run of whole tokens and comes back with its exact offsets."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

from curator.domain.text import TOKEN


def aligned_tokens(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The tokens of ``text`` as (start, end), cut at every span boundary; a stretch of
    spaces becomes a token only where a span starts or ends in it."""
    spans = list(spans)
    starts = {start for start, _end in spans}
    ends = {end for _start, end in spans}
    cuts = {0, len(text)} | starts | ends
    for match in TOKEN.finditer(text):
        cuts.update(match.span())
    ordered = sorted(cut for cut in cuts if 0 <= cut <= len(text))
    tokens = []
    for start, end in pairwise(ordered):
        if text[start:end].strip() or start in starts or end in ends:
            tokens.append((start, end))
    return tokens


def token_range(tokens: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """The first and last token (indices, the last inclusive) of the span [start:end], whose
    boundaries are token boundaries."""
    from bisect import bisect_left

    first = bisect_left(tokens, (start, -1))
    last = bisect_left(tokens, (end, -1)) - 1
    while last > first and tokens[last][1] > end:
        last -= 1
    return first, last
