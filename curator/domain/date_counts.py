"""Date rules for periods counted in months of a year, as statistics are reported.

``the first 10 months of 2021``, ``10 months of 2021``, ``8 months of this year``,
``the first nine months`` and, after ``in``, ``over``, ``for`` or ``during``, a bare
``eight months`` (``exports reached $17 billion over eight months``) are the first N
months of the year named, else of the year the sentence is about, else of the
article's year. A bare count that speaks of the future (``will be built in six
months``), tells how long a change took (``grew by 5% over five months``) or runs past
a year (``in 18 months``) is a duration, not a date: its rule gives None and nothing
is suggested.
"""

from __future__ import annotations

import re
from datetime import date

from curator.domain.date_calendar import (
    DateContext,
    month_end,
    no_anchor,
    number,
    unresolved,
)
from curator.domain.values import DateValue, Granularity, Unresolved


def _first_months(y: int, n: int) -> DateValue:
    return DateValue(start=date(y, 1, 1), end=month_end(y, n), granularity=Granularity.PERIOD)


def months_of_year(match: re.Match[str], ctx: DateContext) -> DateValue:
    """``(the first) 10 months of 2021``, ``8 months of this year``."""
    n = number(match.group("n"))
    y = ctx.year_of(match.group("yref"), match.start())
    if y is None:
        return no_anchor("relative year")
    if not 1 <= n <= 12:
        return unresolved(f"a year has no {n} months", Unresolved.INVALID)
    return _first_months(y, n)


def first_months(match: re.Match[str], ctx: DateContext) -> DateValue:
    """``the first 10 months`` (of the year the sentence is about, else the article's)."""
    n = number(match.group("n"))
    if not 1 <= n <= 12:
        return unresolved(f"a year has no {n} months", Unresolved.INVALID)
    y = ctx.last_year_mentioned(match.start()) or (ctx.anchor.year if ctx.anchor else None)
    if y is None:
        return no_anchor("months of a year not named")
    return _first_months(y, n)


# "grew by 2.1 trillion tenge over five months": the time a change took, not a period reported.
_CHANGE_OVER = re.compile(r"\b(?:grew|rose|fell|increased|decreased|gained|lost|declined|jumped|climbed|dropped|added)\b"
                          r"[^;\n]*\bover\s+$", re.IGNORECASE)


def months_so_far(match: re.Match[str], ctx: DateContext) -> DateValue | None:
    """``in eight months``, ``over 11 months``: the months of the year reported on; None
    for a duration (the future, the time a change took, more months than a year has)."""
    n = number(match.group("n"))
    if not 1 <= n <= 12 or ctx.future(match.start()):
        return None
    if _CHANGE_OVER.search(ctx.text, ctx.sentence_start(match.start()), match.start("at")):
        return None
    return first_months(match, ctx)
