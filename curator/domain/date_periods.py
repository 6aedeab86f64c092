"""Date rules for periods and relative dates beyond single days and years.

Year ranges and fiscal years (``2024-2025``, ``2024/25``, ``FY2023``), parts of a
year or month (``mid-2024``, ``late April``, ``the end of the year``), year-less
quarters and halves (``Q3``, ``the second half``), month and day ranges
(``January-September 2024``, ``November 11-22``), weeks, decades, weekdays
(inferred), named months relative to the article (``last May``), numeric dates
(``05.03.2024``; ``03/04/2024`` is ambiguous) and ``two years ago``. Each rule
takes its match and the ``DateContext`` and returns a ``DateValue``; the rule
table in ``dates`` says which pattern goes with which rule.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from curator.domain.date_calendar import (
    ORDINALS,
    WEEKDAYS,
    DateContext,
    day,
    month,
    month_end,
    month_number,
    nearest_month_year,
    no_anchor,
    number,
    shift_months,
    shift_years,
    unresolved,
    year,
    year_less_day,
)
from curator.domain.values import DateValue, Granularity, Unresolved

# Parts of a year and of a month, as (first month, last month) and (first day, last day; 0 = month end).
_YEAR_PARTS = {"early": (1, 4), "mid": (5, 8), "middle": (5, 8), "late": (9, 12), "beginning": (1, 1),
               "start": (1, 1), "end": (12, 12)}
_MONTH_PARTS = {"early": (1, 10), "mid": (11, 20), "middle": (11, 20), "late": (21, 0), "beginning": (1, 10),
                "start": (1, 10), "end": (21, 0)}


def _period(start: date, end: date, granularity: Granularity = Granularity.PERIOD) -> DateValue:
    return DateValue(start=start, end=end, granularity=granularity)


def year_range(match: re.Match[str], ctx: DateContext) -> DateValue:
    first, last = int(match.group("y1")), match.group("y2")
    last = int(last) if len(last) == 4 else first // 100 * 100 + int(last)
    if match.group("sep_word") == "and" and not match.group(0).lower().startswith("between"):
        return unresolved(f"not a span of years: {match.group(0)!r}", Unresolved.INVALID)
    split = match.group("sep") == "/" or bool(match.group("fy"))
    if not first < last <= first + 50:
        return unresolved(f"not a span of years: {match.group(0)!r}", Unresolved.INVALID)
    return _period(date(first, 1, 1), date(last, 12, 31), Granularity.FISCAL_YEAR if split else Granularity.YEAR)


def fiscal_year(match: re.Match[str], ctx: DateContext) -> DateValue:
    raw = match.group("fy") or match.group("fy_long") or match.group("fy_after")
    y = int(raw) if len(raw) == 4 else 2000 + int(raw)
    return _period(date(y, 1, 1), date(y, 12, 31), Granularity.FISCAL_YEAR)


def _part_name(raw: str) -> str:
    return raw.lower().replace("the", "").replace("of", "").strip(" -")


def part_of_year(match: re.Match[str], ctx: DateContext) -> DateValue:
    if match.group("the_year"):
        y = ctx.last_year_mentioned(match.start()) or (ctx.anchor.year if ctx.anchor else None)
    else:
        y = ctx.year_of(match.group("yref"), match.start())
    if y is None:
        return no_anchor("part of a relative year")
    first, last = _YEAR_PARTS[_part_name(match.group("part"))]
    return _period(date(y, first, 1), month_end(y, last), Granularity.PART)


def stated_year(match: re.Match[str], ctx: DateContext) -> int | None:
    """The year written after a month or a span of months (``2024``), or told from the
    article's (``last year``); None when none is, or the article has no date to tell it from."""
    if match.group("y"):
        return int(match.group("y"))
    told = match.groupdict().get("yref")
    return ctx.year_of(told, match.start()) if told else None


def part_of_month(match: re.Match[str], ctx: DateContext) -> DateValue:
    m = month_number(match.group("m"))
    if match.group("y") or match.group("yref"):
        y = stated_year(match, ctx)
        if y is None:
            return no_anchor("relative year")
    elif ctx.anchor is not None:
        y = nearest_month_year(ctx.anchor, m)
    else:
        return no_anchor("a month without its year")
    first, last = _MONTH_PARTS[_part_name(match.group("part"))]
    return _period(date(y, m, first), month_end(y, m) if last == 0 else date(y, m, last), Granularity.PART)


def _latest_begun_year(ctx: DateContext, position: int, first_month: int) -> int | None:
    """The year of a year-less period: one stated earlier in the sentence, or else the
    latest such period begun by the article date."""
    stated = ctx.last_year_mentioned(position)
    if stated is not None:
        return stated
    if ctx.anchor is None:
        return None
    return ctx.anchor.year if first_month <= ctx.anchor.month else ctx.anchor.year - 1


def _quarter_or_half(kind: str, index: int, y: int) -> DateValue:
    count = 4 if kind == "quarter" else 2
    months = 12 // count
    first = (index - 1) * months + 1
    granularity = Granularity.QUARTER if kind == "quarter" else Granularity.HALF
    return _period(date(y, first, 1), month_end(y, first + months - 1), granularity)


def bare_part(match: re.Match[str], ctx: DateContext) -> DateValue:
    if match.group("q"):
        kind, index = "quarter", int(match.group("q"))
    else:
        kind, index = match.group("part").lower(), ORDINALS[match.group("which").lower()]
    if kind == "half" and index > 2:
        return unresolved(f"there is no {match.group('which')} half", Unresolved.INVALID)
    first_month = (index - 1) * (3 if kind == "quarter" else 6) + 1
    y = _latest_begun_year(ctx, match.start(), first_month)
    if y is None:
        return no_anchor(f"a {kind} without its year")
    return _quarter_or_half(kind, index, y)


def coded_part(match: re.Match[str], ctx: DateContext) -> DateValue:
    """``1Q 2024``, ``9M24``, ``Q3'24``."""
    raw = match.group("y") or match.group("yy")
    y = int(raw) if len(raw) == 4 else 2000 + int(raw)
    if match.group("qq"):
        return _quarter_or_half("quarter", int(match.group("qq")), y)
    if match.group("nq"):
        return _quarter_or_half("quarter", int(match.group("nq")), y)
    if match.group("nh"):
        return _quarter_or_half("half", int(match.group("nh")), y)
    n = int(match.group("nm"))
    if not 1 <= n <= 12:
        return unresolved(f"a year has no {n} months", Unresolved.INVALID)
    return _period(date(y, 1, 1), month_end(y, n))


def month_range(match: re.Match[str], ctx: DateContext) -> DateValue:
    """``January-September 2024``, ``between January and October``, ``from May to July``."""
    if (match.group("word") or "").lower() == "and" and (match.group("lead") or "").lower() != "between":
        return unresolved(f"not a span of months: {match.group(0)!r}", Unresolved.INVALID)
    m1, m2 = month_number(match.group("m1")), month_number(match.group("m2"))
    if m2 <= m1:
        return unresolved(f"not a span of months: {match.group(0)!r}", Unresolved.INVALID)
    y = stated_year(match, ctx) if match.group("y") or match.group("yref") else _latest_begun_year(ctx, match.start(), m1)
    if y is None:
        return no_anchor("months without their year")
    return _period(date(y, m1, 1), month_end(y, m2))


def day_range(match: re.Match[str], ctx: DateContext) -> DateValue:
    m1 = month_number(match.group("m"))
    m2 = month_number(match.group("m2")) if match.group("m2") else m1
    d1, d2 = (int(re.match(r"\d+", match.group(g)).group(0)) for g in ("d1", "d2"))
    if match.group("y"):
        y = int(match.group("y"))
    elif ctx.anchor is not None:
        first = year_less_day(ctx, match.start(), m1, d1)
        if first is None:
            return unresolved(f"not a calendar date: {match.group(0)!r}", Unresolved.INVALID)
        y = first.year
    else:
        return no_anchor("days without their year")
    try:
        start, end = date(y, m1, d1), date(y, m2, d2)
    except ValueError:
        return unresolved(f"not a calendar date: {match.group(0)!r}", Unresolved.INVALID)
    if end <= start:
        return unresolved(f"not a span of days: {match.group(0)!r}", Unresolved.INVALID)
    return _period(start, end)


def numeric_date(match: re.Match[str], ctx: DateContext) -> DateValue:
    """``05.03.2024`` (day first, as dotted dates are written); ``25/02/2024`` when one
    part cannot be a month; ``03/04/2024`` has two readings and stays unresolved."""
    written = match.group(0)
    a, b = int(match.group("a")), int(match.group("b"))
    raw_year = match.group("y")
    if match.group("sep") == ".":
        d, m = a, b
    elif a > 12 >= b:
        d, m = a, b
    elif b > 12 >= a:
        d, m = b, a
    elif a == b:
        d = m = a
    else:
        return unresolved(f"{written!r} reads as day/month and as month/day", Unresolved.AMBIGUOUS)
    if not raw_year:
        if ctx.anchor is None:
            return no_anchor("a date without its year")
        found = year_less_day(ctx, match.start(), m, d) if 1 <= m <= 12 else None
        if found is None:
            return unresolved(f"not a calendar date: {written!r}", Unresolved.INVALID)
        return day(found)
    y = int(raw_year) if len(raw_year) == 4 else 2000 + int(raw_year)
    try:
        return day(date(y, m, d))
    except ValueError:
        return unresolved(f"not a calendar date: {written!r}", Unresolved.INVALID)


def relative_named_month(match: re.Match[str], ctx: DateContext) -> DateValue:
    """``last May`` is the latest May before the article's month, ``next March`` the
    first March after it, ``this May`` the May of the article's year."""
    if ctx.anchor is None:
        return no_anchor("a month relative to the article")
    m, rel, anchor = month_number(match.group("m")), match.group("rel").lower(), ctx.anchor
    if rel == "last":
        y = anchor.year if m < anchor.month else anchor.year - 1
    elif rel == "next":
        y = anchor.year if m > anchor.month else anchor.year + 1
    else:
        y = anchor.year
    return month(y, m)


def bare_month(match: re.Match[str], ctx: DateContext) -> DateValue:
    """``in May``: the latest May begun by the article date, or the next one when the
    sentence speaks of the future (``will open in September``)."""
    if ctx.anchor is None:
        return no_anchor("a month without its year")
    m, anchor = month_number(match.group("m")), ctx.anchor
    if ctx.future(match.start()):
        return month(anchor.year if m >= anchor.month else anchor.year + 1, m)
    return month(anchor.year if m <= anchor.month else anchor.year - 1, m)


def week(match: re.Match[str], ctx: DateContext) -> DateValue:
    if ctx.anchor is None:
        return no_anchor("a week relative to the article")
    rel = " ".join(match.group("rel").lower().split())
    monday = ctx.anchor - timedelta(days=ctx.anchor.weekday())
    monday += timedelta(weeks={"this": 0, "last": -1, "the previous": -1, "next": 1}[rel])
    return _period(monday, monday + timedelta(days=6), Granularity.WEEK)


def weekday(match: re.Match[str], ctx: DateContext) -> DateValue:
    """The nearest such day on or before the article date (after it when the sentence
    speaks of the future); ``last``/``next`` skip the article's own day. Inferred."""
    if ctx.anchor is None:
        return no_anchor("a weekday")
    target, anchor = WEEKDAYS[match.group("wd").lower()], ctx.anchor
    rel = (match.group("rel") or "").lower()
    back = (anchor.weekday() - target) % 7
    forward = (target - anchor.weekday()) % 7
    if rel == "last":
        found = anchor - timedelta(days=back or 7)
    elif rel == "next":
        found = anchor + timedelta(days=forward or 7)
    elif ctx.future(match.start()):
        found = anchor + timedelta(days=forward)
    else:
        found = anchor - timedelta(days=back)
    return day(found, inferred=True)


def decade(match: re.Match[str], ctx: DateContext) -> DateValue:
    first = int(match.group("d"))
    return _period(date(first, 1, 1), date(first + 9, 12, 31), Granularity.DECADE)


def ago(match: re.Match[str], ctx: DateContext) -> DateValue:
    if ctx.anchor is None:
        return no_anchor("a time counted back from the article")
    n, unit, anchor = number(match.group("n")), match.group("unit").lower().rstrip("s"), ctx.anchor
    if unit == "year":
        return year(anchor.year - n)
    if unit == "month":
        first = shift_months(anchor.replace(day=1), -n)
        return month(first.year, first.month)
    if unit == "week":
        monday = anchor - timedelta(days=anchor.weekday(), weeks=n)
        return _period(monday, monday + timedelta(days=6), Granularity.WEEK)
    return day(anchor - timedelta(days=n))


def next_n(match: re.Match[str], ctx: DateContext) -> DateValue:
    """``the next five years``: from the article date forward."""
    if ctx.anchor is None:
        return no_anchor("a period counted forward from the article date")
    n, unit, anchor = number(match.group("n")), match.group("unit").lower().rstrip("s"), ctx.anchor
    if unit in ("year", "decade"):
        end = shift_years(anchor, n * (10 if unit == "decade" else 1))
    elif unit == "month":
        end = shift_months(anchor, n)
    else:
        end = anchor + timedelta(weeks=n) if unit == "week" else anchor + timedelta(days=n)
    return _period(anchor, end)


def relative_quarter(match: re.Match[str], ctx: DateContext) -> DateValue:
    """``last quarter``: the quarter before the article's; ``this``/``next`` likewise."""
    if ctx.anchor is None:
        return no_anchor("a quarter relative to the article")
    rel = match.group("rel").lower().split()[-1]
    shift = {"last": -1, "previous": -1, "this": 0, "current": 0, "next": 1}[rel]
    index = ctx.anchor.year * 4 + (ctx.anchor.month - 1) // 3 + shift
    return _quarter_or_half("quarter", index % 4 + 1, index // 4)

