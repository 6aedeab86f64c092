"""Find date expressions in an article and resolve them against the article's date.

Explicit dates (``4 November 2023``, ``March 26``) are parsed with dateparser;
periods and relative expressions (``the first half of 2023``, ``last year``,
``the past 18 years``, ``a year earlier``), which dateparser does not handle,
are resolved by the rules here. Anything that cannot be resolved is returned
with ``unresolved`` set, never guessed.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from curator.domain.values import DateValue, Granularity

_MONTH_NAMES = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december"]
MONTHS = {name: i for i, name in enumerate(_MONTH_NAMES, start=1)}
MONTHS.update({name[:3]: i for i, name in enumerate(_MONTH_NAMES, start=1)})
MONTHS["sept"] = 9
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "a": 1, "an": 1}
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}

_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_YEAR = r"(?:1[89]\d{2}|20\d{2})"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_N = rf"(?:\d{{1,3}}|{'|'.join(NUMBER_WORDS)})"
_YEAR_REF = rf"(?P<yref>{_YEAR}|(?:last|this|next|the\s+previous|the\s+current|the\s+past)\s+year)"


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


@dataclass(frozen=True)
class FoundDate:
    """A date expression in a text: its span and its resolved (or flagged) value."""

    start: int
    end: int
    value: DateValue


def _day(d: date) -> DateValue:
    return DateValue(start=d, end=d, granularity=Granularity.DAY)


def _year(y: int) -> DateValue:
    return DateValue(start=date(y, 1, 1), end=date(y, 12, 31), granularity=Granularity.YEAR)


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _unresolved(reason: str) -> DateValue:
    return DateValue(unresolved=reason)


def _shift_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _shift_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    y, m = divmod(index, 12)
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


@lru_cache(maxsize=4096)
def _dateparser(text: str, base: date | None) -> date | None:
    import dateparser  # imported on first use: it is slow to import

    settings = {"PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["day", "month"], "STRICT_PARSING": False}
    if base is not None:
        settings["RELATIVE_BASE"] = datetime(base.year, base.month, base.day)
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    return parsed.date() if parsed else None


class _Context:
    """What resolution needs besides the expression: the anchor and earlier mentions."""

    def __init__(self, text: str, anchor: date | None) -> None:
        self.text = text
        self.anchor = anchor
        self.days: list[tuple[int, date]] = []  # explicit days found so far, by position

    def year_of(self, ref: str, position: int) -> int | None:
        ref = " ".join(ref.lower().split())
        if ref.isdigit():
            return int(ref)
        if ref in ("the previous year",):
            earlier = self.last_year_mentioned(position)
            return earlier - 1 if earlier else (self.anchor.year - 1 if self.anchor else None)
        if self.anchor is None:
            return None
        return self.anchor.year + {"last year": -1, "the past year": -1, "next year": 1}.get(ref, 0)

    def last_year_mentioned(self, position: int) -> int | None:
        """The last four-digit year written earlier in the same sentence."""
        sentence_start = max(self.text.rfind(". ", 0, position), self.text.rfind("\n", 0, position), 0)
        years = re.findall(rf"\b({_YEAR})\b", self.text[sentence_start:position])
        return int(years[-1]) if years else None


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


# -- the rules, most specific first; each returns a value for its match ---------------


def _explicit(match: re.Match[str], ctx: _Context) -> DateValue:
    written = match.group(0)
    has_year = re.search(rf"\b{_YEAR}\b", written) is not None
    if not has_year and ctx.anchor is None:
        return _unresolved("no year and no article date to take it from")
    parsed = _dateparser(written, None if has_year else ctx.anchor)
    if parsed is None:
        return _unresolved(f"not a calendar date: {written!r}")
    return _day(parsed)


def _iso(match: re.Match[str], ctx: _Context) -> DateValue:
    try:
        return _day(date.fromisoformat(match.group(0)))
    except ValueError:
        return _unresolved(f"not a calendar date: {match.group(0)!r}")


def _month_year(match: re.Match[str], ctx: _Context) -> DateValue:
    y, m = int(match.group("y")), MONTHS[match.group("m").lower().rstrip(".")[:3] if match.group("m").lower()[:4] != "sept" else "sept"]
    return DateValue(start=date(y, m, 1), end=_month_end(y, m), granularity=Granularity.MONTH)


def _part_of_year(match: re.Match[str], ctx: _Context) -> DateValue:
    y = ctx.year_of(match.group("yref"), match.start())
    if y is None:
        return _unresolved("relative year and no article date")
    part, which = match.group("part").lower(), match.group("which").lower()
    count = 4 if part == "quarter" else 2
    index = count if which == "last" else ORDINALS.get(which, 0)
    if not 1 <= index <= count:
        return _unresolved(f"there is no {which} {part}")
    months = 12 // count
    first_month = (index - 1) * months + 1
    granularity = Granularity.QUARTER if part == "quarter" else Granularity.HALF
    return DateValue(start=date(y, first_month, 1), end=_month_end(y, first_month + months - 1), granularity=granularity)


def _short_part(match: re.Match[str], ctx: _Context) -> DateValue:
    code, y = match.group("code").upper(), int(match.group("y"))
    count = 4 if code[0] == "Q" else 2
    months = 12 // count
    first_month = (int(code[1]) - 1) * months + 1
    granularity = Granularity.QUARTER if code[0] == "Q" else Granularity.HALF
    return DateValue(start=date(y, first_month, 1), end=_month_end(y, first_month + months - 1), granularity=granularity)


def _first_n_months(match: re.Match[str], ctx: _Context) -> DateValue:
    y = ctx.year_of(match.group("yref"), match.start())
    n = _number(match.group("n"))
    if y is None:
        return _unresolved("relative year and no article date")
    if not 1 <= n <= 12:
        return _unresolved(f"a year has no {n} months")
    return DateValue(start=date(y, 1, 1), end=_month_end(y, n), granularity=Granularity.PERIOD)


def _past_n(match: re.Match[str], ctx: _Context) -> DateValue:
    if ctx.anchor is None:
        return _unresolved("a period counted back from the article date, which is unknown")
    n = _number(match.group("n")) if match.group("n") else 1
    unit = match.group("unit").lower().rstrip("s")
    anchor = ctx.anchor
    if unit == "year":
        start = _shift_years(anchor, -n)
    elif unit == "decade":
        start = _shift_years(anchor, -10 * n)
    elif unit == "month":
        start = _shift_months(anchor, -n)
    elif unit == "week":
        start = anchor - timedelta(weeks=n)
    else:
        start = anchor - timedelta(days=n)
    return DateValue(start=start, end=anchor, granularity=Granularity.PERIOD)


def _relative_year(match: re.Match[str], ctx: _Context) -> DateValue:
    y = ctx.year_of(match.group(0), match.start())
    return _year(y) if y is not None else _unresolved("relative year and no article date")


def _year_before(match: re.Match[str], ctx: _Context) -> DateValue:
    earlier = ctx.last_year_mentioned(match.start())
    if earlier is None:
        return _unresolved("'a year earlier' with no year stated before it in the sentence")
    return _year(earlier - 1)


def _relative_month(match: re.Match[str], ctx: _Context) -> DateValue:
    if ctx.anchor is None:
        return _unresolved("relative month and no article date")
    shift = {"last": -1, "previous": -1, "this": 0, "current": 0, "next": 1}[match.group("rel").lower()]
    first = _shift_months(ctx.anchor.replace(day=1), shift)
    return DateValue(start=first, end=_month_end(first.year, first.month), granularity=Granularity.MONTH)


def _relative_day(match: re.Match[str], ctx: _Context) -> DateValue:
    if ctx.anchor is None:
        return _unresolved("relative day and no article date")
    shift = {"today": 0, "yesterday": -1, "tomorrow": 1}[match.group(0).lower()]
    return _day(ctx.anchor + timedelta(days=shift))


def _same_day(match: re.Match[str], ctx: _Context) -> DateValue:
    earlier = [d for position, d in ctx.days if position < match.start()]
    return _day(earlier[-1]) if earlier else _unresolved("'the same day' with no date stated before it")


def _bare_year(match: re.Match[str], ctx: _Context) -> DateValue:
    return _year(int(match.group(0)))


_RULES: list[tuple[re.Pattern[str], object]] = [
    (_rx(r"\b\d{4}-\d{2}-\d{2}\b"), _iso),
    (_rx(rf"\b{_DAY}\s+{_MONTH}\.?,?\s+{_YEAR}\b"), _explicit),
    (_rx(rf"\b{_MONTH}\.?\s+{_DAY},?\s+{_YEAR}\b"), _explicit),
    (_rx(rf"\b(?:the\s+)?(?P<which>first|second|third|fourth|last|1st|2nd|3rd|4th)\s+(?P<part>quarter|half)\s+of\s+{_YEAR_REF}\b"), _part_of_year),
    (_rx(rf"\b(?P<code>Q[1-4]|H[12])\s+(?P<y>{_YEAR})\b"), _short_part),
    (_rx(rf"\b(?:the\s+)?first\s+(?P<n>{_N})\s+months\s+of\s+{_YEAR_REF}\b"), _first_n_months),
    (_rx(rf"\b(?:the\s+)?(?:past|last|previous)\s+(?P<n>{_N})\s+(?P<unit>years|months|weeks|days|decades)\b"), _past_n),
    (_rx(r"\bthe\s+(?:past|last|previous)\s+(?P<n>)(?P<unit>year|month|week|decade)\b"), _past_n),
    (_rx(r"\b(?:a\s+year\s+(?:earlier|before)|the\s+year\s+before)\b"), _year_before),
    (_rx(r"\b(?:last|this|next|the\s+previous|the\s+current)\s+year\b"), _relative_year),
    (_rx(r"\b(?P<rel>last|this|next|previous|current)\s+month\b"), _relative_month),
    (_rx(rf"\b(?P<m>{_MONTH})\.?\s+(?P<y>{_YEAR})\b"), _month_year),
    (_rx(rf"\b{_DAY}\s+{_MONTH}\b(?!\.?\s*,?\s*\d)"), _explicit),
    (_rx(rf"\b{_MONTH}\.?\s+{_DAY}\b(?!\s*,?\s*\d)"), _explicit),
    (_rx(r"\b(?:today|yesterday|tomorrow)\b"), _relative_day),
    (_rx(r"\bthe\s+same\s+day\b"), _same_day),
    # A bare year, unless it counts something ("2000 tonnes") or is part of a number.
    (_rx(rf"(?<![\d,.$-]){_YEAR}\b(?![\d%,.]\d|\s+[a-z]+s\b|-\d)"), _bare_year),
]


def find_dates(text: str, anchor: date | None = None) -> list[FoundDate]:
    """Every date expression in ``text``, longest first where they overlap, in text order."""
    candidates: list[tuple[int, int, int, object, re.Match[str]]] = []
    for priority, (pattern, rule) in enumerate(_RULES):
        for match in pattern.finditer(text):
            candidates.append((match.start(), match.end(), priority, rule, match))
    # Prefer earlier rules (more specific), then longer matches; drop overlaps.
    candidates.sort(key=lambda c: (c[2], c[0] - c[1]))
    chosen: list[tuple[int, int, object, re.Match[str]]] = []
    for start, end, _priority, rule, match in candidates:
        if all(end <= s or start >= e for s, e, _r, _m in chosen):
            chosen.append((start, end, rule, match))
    chosen.sort(key=lambda c: c[0])
    ctx = _Context(text, anchor)
    found = []
    for start, end, rule, match in chosen:
        value = rule(match, ctx)  # type: ignore[operator]
        if value.resolved and value.granularity is Granularity.DAY:
            ctx.days.append((start, value.start))
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
    if re.search(r"\d|" + _MONTH, fragment, re.IGNORECASE):
        parsed = _dateparser(fragment.strip(), anchor)
        if parsed is not None:
            return _day(parsed)
    return _unresolved(f"cannot read {fragment.strip()!r} as a date")
