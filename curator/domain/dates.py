"""Find date expressions in an article and resolve them against the article's date.

Explicit dates (``4 November 2023``, ``March 26``), periods and relative
expressions (``the first half of 2023``, ``last year``, ``the past 18 years``,
``a year earlier``) are read by the rules here and in ``date_periods``; a date
without its year is the one nearest the article date. dateparser is kept for
what a curator selects by hand that no rule reads. Anything that cannot be
resolved is returned with ``unresolved`` and its ``reason``, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from curator.domain import date_counts as counts
from curator.domain import date_periods as periods
from curator.domain.date_calendar import (
    DAY,
    MONTH,
    MONTH_ABBR,
    MONTH_NAME,
    WEEKDAY,
    YEAR,
    YEAR_REF,
    DateContext,
    N,
    day,
    month,
    month_end,
    month_number,
    no_anchor,
    number,
    rx,
    shift_months,
    shift_years,
    unresolved,
    year,
    year_less_day,
)
from curator.domain.values import DateValue, Granularity, Unresolved


@dataclass(frozen=True)
class FoundDate:
    """A date expression in a text: its span and its resolved (or flagged) value."""

    start: int
    end: int
    value: DateValue


@lru_cache(maxsize=4096)
def _dateparser(text: str, base: date | None) -> date | None:
    import dateparser  # imported on first use: it is slow to import

    settings = {"PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["day", "month"], "STRICT_PARSING": False}
    if base is not None:
        settings["RELATIVE_BASE"] = datetime(base.year, base.month, base.day)
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    return parsed.date() if parsed else None


# -- the rules, most specific first; each returns a value for its match ---------------


def _explicit(match: re.Match[str], ctx: DateContext) -> DateValue:
    """``4 November 2023``, ``Sept. 15, 2024``, ``March 26`` (the nearest March 26)."""
    written = match.group(0)
    m = month_number(re.search(MONTH, written, re.IGNORECASE).group(0))
    numbers = [int(n) for n in re.findall(r"\d+", written)]
    d = numbers[0]
    if len(numbers) > 1:
        try:
            return day(date(numbers[1], m, d))
        except ValueError:
            return unresolved(f"not a calendar date: {written!r}", Unresolved.INVALID)
    if ctx.anchor is None:
        return no_anchor("no year")
    found = year_less_day(ctx, match.start(), m, d)
    return day(found) if found else unresolved(f"not a calendar date: {written!r}", Unresolved.INVALID)


def _iso(match: re.Match[str], ctx: DateContext) -> DateValue:
    try:
        return day(date.fromisoformat(match.group(0)))
    except ValueError:
        return unresolved(f"not a calendar date: {match.group(0)!r}", Unresolved.INVALID)


def _month_year(match: re.Match[str], ctx: DateContext) -> DateValue:
    return month(int(match.group("y")), month_number(match.group("m")))


def _part_of_year(match: re.Match[str], ctx: DateContext) -> DateValue:
    y = ctx.year_of(match.group("yref"), match.start())
    if y is None:
        return no_anchor("relative year")
    part, which = match.group("part").lower(), match.group("which").lower()
    count = 4 if part == "quarter" else 2
    index = count if which == "last" else {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
                                           "fourth": 4, "4th": 4}.get(which, 0)
    if not 1 <= index <= count:
        return unresolved(f"there is no {which} {part}", Unresolved.INVALID)
    months = 12 // count
    first_month = (index - 1) * months + 1
    granularity = Granularity.QUARTER if part == "quarter" else Granularity.HALF
    return DateValue(start=date(y, first_month, 1), end=month_end(y, first_month + months - 1), granularity=granularity)


def _short_part(match: re.Match[str], ctx: DateContext) -> DateValue:
    code, y = match.group("code").upper(), int(match.group("y"))
    count = 4 if code[0] == "Q" else 2
    months = 12 // count
    first_month = (int(code[1]) - 1) * months + 1
    granularity = Granularity.QUARTER if code[0] == "Q" else Granularity.HALF
    return DateValue(start=date(y, first_month, 1), end=month_end(y, first_month + months - 1), granularity=granularity)


def _past_n(match: re.Match[str], ctx: DateContext) -> DateValue:
    if ctx.anchor is None:
        return no_anchor("a period counted back from the article date")
    n = number(match.group("n")) if match.group("n") else 1
    unit = match.group("unit").lower().rstrip("s")
    anchor = ctx.anchor
    if unit == "year":
        start = shift_years(anchor, -n)
    elif unit == "decade":
        start = shift_years(anchor, -10 * n)
    elif unit == "month":
        start = shift_months(anchor, -n)
    elif unit == "week":
        start = anchor - timedelta(weeks=n)
    else:
        start = anchor - timedelta(days=n)
    return DateValue(start=start, end=anchor, granularity=Granularity.PERIOD)


def _relative_year(match: re.Match[str], ctx: DateContext) -> DateValue:
    y = ctx.year_of(match.group(0), match.start())
    return year(y) if y is not None else no_anchor("relative year")


def _earlier_or_later(match: re.Match[str], ctx: DateContext) -> DateValue:
    """"earlier this year" (or month): from its start to the article's date; "later this
    year": from the article's date to its end."""
    if ctx.anchor is None:
        return no_anchor("'earlier' or 'later' this year or month")
    anchor = ctx.anchor
    if match.group("unit").lower() == "year":
        first, last = anchor.replace(month=1, day=1), anchor.replace(month=12, day=31)
    else:
        first = anchor.replace(day=1)
        last = shift_months(first, 1) - timedelta(days=1)
    if match.group("side").lower() == "earlier":
        return DateValue(start=first, end=anchor, granularity=Granularity.PERIOD)
    return DateValue(start=anchor, end=last, granularity=Granularity.PERIOD)


def _year_before(match: re.Match[str], ctx: DateContext) -> DateValue:
    """The year before the year of the last date named before it in its paragraph."""
    earlier = ctx.last_year_mentioned(match.start(), paragraph=True)
    if earlier is None:
        return unresolved("'a year earlier' with no year stated before it in the paragraph", Unresolved.NO_REFERENCE)
    return year(earlier - 1)


def _relative_month(match: re.Match[str], ctx: DateContext) -> DateValue:
    if ctx.anchor is None:
        return no_anchor("relative month")
    shift = {"last": -1, "previous": -1, "this": 0, "current": 0, "next": 1}[match.group("rel").lower()]
    first = shift_months(ctx.anchor.replace(day=1), shift)
    return month(first.year, first.month)


# Nouns a literal "today's ..." names: an event of that day. Others are figurative
# ("tomorrow's economy", "today's youth"), as is "of tomorrow" ("the economy of tomorrow").
_DAY_EVENTS = ("meeting", "session", "briefing", "talks", "summit", "forum", "conference", "game", "match", "visit",
               "event", "ceremony", "vote", "election", "trading", "announcement", "decision", "statement", "edition",
               "issue", "report", "hearing", "speech", "address", "plenary", "sitting", "auction", "opening", "launch")


def _figurative(match: re.Match[str], text: str) -> bool:
    before, after = text[max(0, match.start() - 30) : match.start()], text[match.end() : match.end() + 40]
    if re.search(r"\bof\s+$", before, re.IGNORECASE):
        return True  # "the economy of tomorrow"
    if match.group(0)[0].isupper() and re.search(r"[A-Z][\w.-]*\s+$", before):
        return True  # "Kazakhstan Today", "USA Today": a name
    possessive = re.match(r"['’]s\s+(?:[a-z-]+\s+){0,2}?(?P<noun>[a-z-]+)", after)
    return bool(possessive) and possessive.group("noun") not in _DAY_EVENTS and not any(
        re.match(rf"['’]s\s+(?:[a-z-]+\s+){{0,2}}{noun}\b", after) for noun in _DAY_EVENTS)


def _relative_day(match: re.Match[str], ctx: DateContext) -> DateValue | None:
    if _figurative(match, ctx.text):
        return None
    if ctx.anchor is None:
        return no_anchor("relative day")
    shift = {"today": 0, "yesterday": -1, "tomorrow": 1}[match.group(0).lower()]
    return day(ctx.anchor + timedelta(days=shift))


def _same_day(match: re.Match[str], ctx: DateContext) -> DateValue:
    earlier = [d for position, d in ctx.days if position < match.start()]
    if earlier:
        return day(earlier[-1])
    return unresolved("'the same day' with no date stated before it", Unresolved.NO_REFERENCE)


def _bare_year(match: re.Match[str], ctx: DateContext) -> DateValue:
    return year(int(match.group(0)))


def _in_relative_year(match: re.Match[str], ctx: DateContext) -> DateValue:
    """A month, day or quarter in a year told from the article's: ``January last year``,
    ``5 March last year``, ``May this year``, ``Q1 of last year`` (each alone would be
    the nearest January, March 5 or May, and "last year" a second date beside it)."""
    y = ctx.year_of(match.group("yref"), match.start())
    if y is None:
        return no_anchor("relative year")
    if match.group("q"):
        first_month = (int(match.group("q")) - 1) * 3 + 1
        return DateValue(start=date(y, first_month, 1), end=month_end(y, first_month + 2),
                         granularity=Granularity.QUARTER)
    m = month_number(match.group("m1") or match.group("m2") or match.group("m3"))
    written_day = match.group("d1") or match.group("d2")
    if written_day is None:
        return month(y, m)
    try:
        return day(date(y, m, int(re.match(r"\d+", written_day).group())))
    except ValueError:
        return unresolved(f"not a calendar date: {match.group(0)!r}", Unresolved.INVALID)


# A year told from the article's, after a month, a day, a quarter or a span of months.
_REL_YEAR = r"(?P<yref>(?:last|this|next|the\s+previous|the\s+current)\s+year)\b"
_PART = r"(?P<part>early|mid|late|end(?=-)|the\s+(?:beginning|start|middle|end)\s+of)"
_SPLIT = r"\s*(?P<sep>[-–—/])\s*|\s+(?P<sep_word>to|through|and)\s+"

# Words a rule cannot match without, to skip scanning a text that has none of them.
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_PARTS = ("early", "mid", "late", "beginning", "start", "end")

_RULES: list[tuple[re.Pattern[str], object, tuple[str, ...]]] = [
    (rx(r"\b\d{4}-\d{2}-\d{2}\b"), _iso, ("-",)),
    (rx(rf"\b(?P<a>\d{{1,2}})(?P<sep>[./])(?P<b>\d{{1,2}})(?P=sep)(?P<y>{YEAR}|\d{{2}})\b(?![./]\d)"),
     periods.numeric_date, (".", "/")),
    (rx(r"(?<![\w/.])(?P<a>\d{2})(?P<sep>/)(?P<b>\d{2})(?P<y>)(?![\d/])"), periods.numeric_date, ("/",)),
    (rx(rf"\b(?:from\s+)?(?P<m>{MONTH})\.?\s+(?P<d1>{DAY})\s*(?:[-–]|(?<=\d)\s+(?:to|through)(?=\s))\s*(?:(?P<m2>{MONTH})\.?\s+)?"
        rf"(?P<d2>{DAY})\b(?:,?\s+(?P<y>{YEAR})\b)?"), periods.day_range, _MONTHS),
    (rx(rf"\b{DAY}\s+{MONTH}\.?,?\s+{YEAR}\b"), _explicit, _MONTHS),
    (rx(rf"\b(?:the\s+)?{DAY}\s+of\s+{MONTH}\b(?:,?\s+{YEAR}\b)?"), _explicit, ("of",)),
    (rx(rf"\b{MONTH}\.?\s+{DAY},?\s+{YEAR}\b"), _explicit, _MONTHS),
    (rx(rf"\b(?:(?:from|between)\s+)?(?P<fy>(?-i:FY)\s?)?(?P<y1>{YEAR})(?:{_SPLIT})(?P<y2>{YEAR}|\d{{2}})\b(?![-/.]\d)"),
     periods.year_range, ()),
    (rx(rf"\b(?:(?-i:FY)\s?(?P<fy>{YEAR}|\d{{2}})|(?:fiscal|financial)\s+(?:year\s+)?(?P<fy_long>{YEAR})"
        rf"|(?P<fy_after>{YEAR})\s?(?-i:FY))\b"),
     periods.fiscal_year, ("fy", "fiscal", "financial")),
    (rx(rf"\b(?:the\s+)?(?P<which>first|second|third|fourth|last|1st|2nd|3rd|4th)\s+(?P<part>quarter|half)\s+of\s+{YEAR_REF}\b"),
     _part_of_year, ("quarter", "half")),
    (rx(rf"\b{_PART}[-\s]+(?:{YEAR_REF}|(?P<the_year>the\s+year))\b"), periods.part_of_year, _PARTS),
    (rx(rf"\b{_PART}[-\s]+(?P<m>{MONTH_NAME})\b(?:\s+(?P<y>{YEAR})\b|\s+(?:of\s+)?{_REL_YEAR})?"),
     periods.part_of_month, _PARTS),
    (rx(rf"\b(?P<code>Q[1-4]|H[12])\s+(?P<y>{YEAR})\b"), _short_part, ("q1", "q2", "q3", "q4", "h1", "h2")),
    (rx(rf"\b(?:(?P<nq>[1-4])Q|(?P<nh>[12])H|(?P<nm>\d{{1,2}})M)\s?(?P<y>{YEAR}|\d{{2}})\b"
        rf"|\b(?-i:Q)(?P<qq>[1-4])\s?'(?P<yy>\d{{2}})\b"), periods.coded_part, ()),
    (rx(rf"\b(?<!last\s)(?<!past\s)(?<!next\s)(?:(?:the\s+)?first\s+)?(?P<n>{N})\s+months\s+of\s+{YEAR_REF}\b"),
     counts.months_of_year, ("months",)),
    (rx(rf"\b(?:the\s+)?first\s+(?P<n>{N})\s+months\b(?!\s+of\b)"), counts.first_months, ("months",)),
    (rx(rf"\b(?:in|over|for|during)\s+(?P<at>(?P<n>{N})\s+months)\b(?!\s+(?:of|ago|later|earlier|before|after"
        rf"|from|to\s+come)\b)"), counts.months_so_far, ("months",)),
    (rx(rf"\b(?:(?P<lead>between|from)\s+)?(?P<m1>{MONTH_NAME})\s*(?:[-–]|\s+(?P<word>and|to|through)\s+)"
        rf"(?P<m2>{MONTH_NAME})\b(?:,?\s+(?P<y>{YEAR})\b|\s+(?:of\s+)?{_REL_YEAR})?"), periods.month_range, _MONTHS),
    # "Jan.-Nov.", "Jan-Nov 2023": abbreviated months joined by a dash.
    (rx(rf"\b(?P<lead>)(?P<word>)(?P<m1>{MONTH_ABBR})\.?\s*[-–]\s*(?P<m2>{MONTH_ABBR})(?:\.|\b)(?:,?\s+(?P<y>{YEAR})\b|\s+(?:of\s+)?{_REL_YEAR})?"),
     periods.month_range, _MONTHS),
    (rx(rf"\b(?:the\s+)?(?:past|last|previous)\s+(?P<n>{N})\s+(?P<unit>years|months|weeks|days|decades)\b"), _past_n,
     ("past", "last", "previous")),
    (rx(r"\bthe\s+(?:past|last)\s+(?P<n>)(?P<unit>year|month|week|decade)\b"), _past_n, ("past", "last")),
    (rx(rf"\b(?P<n>{N})\s+(?P<unit>years?|months?|weeks?|days?)\s+ago\b"), periods.ago, ("ago",)),
    (rx(rf"\b(?:the\s+)?(?:next|coming)\s+(?P<n>{N})\s+(?P<unit>years|months|weeks|days|decades)\b"),
     periods.next_n, ("next", "coming")),
    (rx(r"\b(?P<rel>last|this|next|the\s+previous|the\s+current|previous|current)\s+quarter\b"),
     periods.relative_quarter, ("quarter",)),
    # (Below the ranges and parts of a month, which take their months first: "from March to May".)
    (rx(rf"\b(?:(?P<d1>{DAY})\s+(?P<m1>{MONTH})\.?|(?P<m2>{MONTH})\.?\s+(?P<d2>{DAY})|(?P<m3>{MONTH_NAME})"
        rf"|(?-i:Q)(?P<q>[1-4]))\s+(?:of\s+)?{_REL_YEAR}"),
     _in_relative_year, ("year",)),
    (rx(r"\b(?P<side>earlier|later)\s+(?:this|in\s+the)\s+(?P<unit>year|month)\b"), _earlier_or_later,
     ("earlier", "later")),
    (rx(r"\b(?:a\s+year\s+(?:earlier|before)|the\s+year\s+before)\b"), _year_before, ("year",)),
    (rx(r"\b(?:last|this|next|the\s+previous|the\s+current)\s+year\b"), _relative_year, ("year",)),
    (rx(r"\b(?P<rel>last|this|next|previous|current)\s+month\b"), _relative_month, ("month",)),
    (rx(rf"\b(?P<rel>last|next|this)\s+(?P<m>{MONTH_NAME})\b(?!\s*\d)"), periods.relative_named_month,
     ("last", "next", "this")),
    (rx(r"\b(?P<rel>this|last|next|the\s+previous)\s+week\b"), periods.week, ("week",)),
    (rx(r"\bthe\s+(?P<d>(?:1[89]|20)\d0)s\b"), periods.decade, ("0s",)),
    (rx(rf"\b(?P<m>{MONTH})\.?\s+(?P<y>{YEAR})\b"), _month_year, _MONTHS),
    (rx(r"\b(?:the\s+)?(?P<which>first|second|third|fourth|1st|2nd|3rd|4th)\s+(?P<part>quarter|half)\b(?!\s+of\b)"
        r"|\b(?-i:Q)(?P<q>[1-4])\b(?!\s*\d)"), periods.bare_part, ("quarter", "half", "q1", "q2", "q3", "q4")),
    (rx(rf"\b{DAY}\s+{MONTH}\b(?!\.?\s*,?\s*\d)"), _explicit, _MONTHS),
    (rx(rf"\b{MONTH}\.?\s+{DAY}\b(?!\s*,?\s*\d)"), _explicit, _MONTHS),
    (rx(rf"(?:\b(?P<rel>last|next)\s+)?\b(?P<wd>{WEEKDAY})\b"), periods.weekday, ("day",)),
    # A month named alone after a preposition; the span ("at") is the month.
    (rx(rf"\b(?:in|by|of|since|from|until|during|to|the|than|for|before|after|through|till)\s+(?P<at>(?P<m>{MONTH_NAME}))"
        rf"\b(?!\s*\d)"), periods.bare_month,
     _MONTHS),
    (rx(r"\b(?:today|yesterday|tomorrow)\b"), _relative_day, ("today", "yesterday", "tomorrow")),
    (rx(r"\bthe\s+same\s+day\b"), _same_day, ("same day",)),
    # A bare year, unless it counts something ("2000 tonnes") or is part of a number.
    (rx(rf"(?<![\w,.$/-]){YEAR}\b(?![\d%,.]\d|\s+(?!(?:was|has|is|as|does|marks|saw|sees)\b)[a-z]+s\b|-\d|/\d)"),
     _bare_year, ()),
]


def find_dates(text: str, anchor: date | None = None) -> list[FoundDate]:
    """Every date expression in ``text``, longest first where they overlap, in text order."""
    candidates: list[tuple[int, int, int, object, re.Match[str]]] = []
    lowered = text.lower()
    for priority, (pattern, rule, needs) in enumerate(_RULES):
        if needs and not any(word in lowered for word in needs):
            continue  # the rule's key word is nowhere in the text: skip its scan
        for match in pattern.finditer(text):
            start, end = match.span("at") if "at" in pattern.groupindex else match.span()
            candidates.append((start, end, priority, rule, match))
    # Prefer earlier rules (more specific), then longer matches; drop overlaps.
    candidates.sort(key=lambda c: (c[2], c[0] - c[1]))
    chosen: list[tuple[int, int, object, re.Match[str]]] = []
    taken = bytearray(len(text))
    for start, end, _priority, rule, match in candidates:
        if taken.find(1, start, end) < 0:
            chosen.append((start, end, rule, match))
            taken[start:end] = b"\x01" * (end - start)
    chosen.sort(key=lambda c: c[0])
    ctx = DateContext(text, anchor)
    found = []
    for start, end, rule, match in chosen:
        try:
            value = rule(match, ctx)  # type: ignore[operator]
        except (ValueError, OverflowError):  # a day before year 1 or after 9999: the calendar's edge
            value = unresolved(f"{text[start:end]!r} falls outside the calendar", Unresolved.INVALID)
        if value is None:  # not a date here ("the economy of tomorrow", "in 18 months")
            continue
        if value.resolved and value.granularity is Granularity.DAY:
            ctx.days.append((start, value.start))
        if value.resolved and value.start.year == value.end.year:
            ctx.years.append((start, value.start.year))
        found.append(FoundDate(start, end, value))
    return found


def normalize_date(text: str, start: int, end: int, anchor: date | None = None) -> DateValue:
    """The value of the date a curator selected at ``text[start:end]``.

    Earlier text is used for references such as ``a year earlier``.
    """
    fragment = text[start:end]
    leading = len(fragment) - len(fragment.lstrip())
    whole = [f for f in find_dates(text[:end], anchor) if f.start == start + leading and f.end >= end - 1]
    if whole:
        return whole[-1].value
    if re.search(r"\d|" + MONTH, fragment, re.IGNORECASE):
        try:
            parsed = _dateparser(fragment.strip(), anchor)
        except (ValueError, OverflowError):  # an anchor at the calendar's edge
            parsed = None
        if parsed is not None:
            return day(parsed)
    return unresolved(f"cannot read {fragment.strip()!r} as a date", Unresolved.INVALID)
