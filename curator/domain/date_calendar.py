"""Calendar helpers and the resolution context shared by the date rules.

The rules in ``dates`` and ``date_periods`` find an expression; the helpers here turn
what it names into a ``DateValue`` and say which year a year-less expression means.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from curator.domain.values import DateValue, Granularity, Unresolved

_MONTH_NAMES = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december"]
MONTHS = {name: i for i, name in enumerate(_MONTH_NAMES, start=1)}
MONTHS.update({name[:3]: i for i, name in enumerate(_MONTH_NAMES, start=1)})
MONTHS["sept"] = 9
WEEKDAYS = {name: i for i, name in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "a": 1, "an": 1}
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}

MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
# A month's abbreviation, capitalized (joined by a dash in "Jan.-Nov.").
MONTH_ABBR = r"(?-i:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)"
# A month's full name, capitalized: in running text "may" and "march" are mostly words.
MONTH_NAME = r"(?-i:January|February|March|April|May|June|July|August|September|October|November|December)"
WEEKDAY = r"(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
YEAR = r"(?:1[89]\d{2}|20\d{2})"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
N = rf"(?:\d{{1,3}}|{'|'.join(NUMBER_WORDS)})"
YEAR_REF = rf"(?P<yref>{YEAR}|(?:last|this|next|the\s+previous|the\s+current|the\s+past|the)\s+year)"
# A date told as reported or past whatever the sentence's tense: "the ministry said on
# Sunday", "data showed Friday", "told Reuters in September", "since its listing in February".
_PAST_CUE = re.compile(r"(?:\b(?:said|says|told(?:\s+\w+){0,2}|reported|announced|noted|stated|added|showed|wrote"
                       r"|confirmed|informed|published|released)\s+(?:on\s+|in\s+)?|\bsince\b[^.,;\n]{0,30})$",
                       re.IGNORECASE)
# Words that put a sentence in the future: a year-less date in it is the next one.
_FUTURE = re.compile(r"\b(?:will|shall|(?:is|are)\s+(?:due|set|scheduled|expected|planned|to\s+be)|plans?\s+to"
                     r"|scheduled)\b", re.IGNORECASE)


def rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def month_number(name: str) -> int:
    name = name.lower().rstrip(".")
    return MONTHS["sept"] if name.startswith("sept") else MONTHS[name[:3]]


def number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


def day(d: date, *, inferred: bool = False) -> DateValue:
    return DateValue(start=d, end=d, granularity=Granularity.DAY, inferred=inferred or None)


def year(y: int) -> DateValue:
    return DateValue(start=date(y, 1, 1), end=date(y, 12, 31), granularity=Granularity.YEAR)


def month(y: int, m: int) -> DateValue:
    return DateValue(start=date(y, m, 1), end=month_end(y, m), granularity=Granularity.MONTH)


def month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def unresolved(reason: str, kind: Unresolved) -> DateValue:
    return DateValue(unresolved=reason, reason=kind)


def no_anchor(what: str) -> DateValue:
    return unresolved(f"{what} and no article date", Unresolved.NO_ANCHOR)


def shift_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def shift_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    y, m = divmod(index, 12)
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def _days_around(anchor: date, m: int, d: int) -> list[date]:
    """The day ``d`` of month ``m`` in the years before, of and after the article date's,
    those that have it (29 February), in order."""
    candidates = []
    for y in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            candidates.append(date(y, m, d))
        except ValueError:
            pass
    return candidates


def _nearest(anchor: date, candidates: list[date]) -> date | None:
    return min(candidates, key=lambda c: (abs((c - anchor).days), c > anchor)) if candidates else None


def nearest_day(anchor: date, m: int, d: int) -> date | None:
    """The day ``d`` of month ``m`` nearest the article date (the earlier on a tie), or
    None if no year has it."""
    return _nearest(anchor, _days_around(anchor, m, d))


def year_less_day(ctx: "DateContext", position: int, m: int, d: int) -> date | None:
    """The day ``d`` of month ``m`` a sentence means without its year: the next one when
    it speaks of the future, else the nearest one unless that is months ahead (a past
    event told without its year is the last one)."""
    anchor = ctx.anchor
    candidates = _days_around(anchor, m, d)
    if not candidates:
        return None
    if ctx.future(position):
        return min((c for c in candidates if c >= anchor), default=candidates[-1])
    nearest = _nearest(anchor, candidates)
    if nearest is not None and (nearest - anchor).days > 90:
        # the last one before the article; none (29 February in 2023): not a date it can mean
        return max((c for c in candidates if c <= anchor), default=None)
    return nearest


def nearest_month_year(anchor: date, m: int) -> int:
    """The year of the month ``m`` nearest the article's month (the earlier on a tie)."""
    return min((anchor.year - 1, anchor.year, anchor.year + 1),
               key=lambda y: (abs((y - anchor.year) * 12 + m - anchor.month), y > anchor.year))


class DateContext:
    """What resolution needs besides the expression: the anchor and earlier mentions."""

    def __init__(self, text: str, anchor: date | None) -> None:
        self.text = text
        self.anchor = anchor
        self.days: list[tuple[int, date]] = []  # explicit days found so far, by position
        self.years: list[tuple[int, int]] = []  # (position, year) of single-year dates found so far

    def sentence_start(self, position: int) -> int:
        return max(self.text.rfind(". ", 0, position), self.text.rfind("\n", 0, position), 0)

    def paragraph_start(self, position: int) -> int:
        return self.text.rfind("\n", 0, position) + 1

    def future(self, position: int) -> bool:
        """Whether the sentence around ``position`` speaks of the future, unless the date
        at ``position`` is told as reported or past (``said on Sunday``, ``since ... in
        February``)."""
        end = min((i for i in (self.text.find(". ", position), self.text.find("\n", position)) if i >= 0),
                  default=len(self.text))
        if _PAST_CUE.search(self.text, max(0, position - 45), position):
            return False
        return _FUTURE.search(self.text, self.sentence_start(position), end) is not None

    def year_of(self, ref: str, position: int) -> int | None:
        ref = " ".join(ref.lower().split())
        if ref.isdigit():
            return int(ref)
        if ref in ("the previous year",):
            earlier = self.last_year_mentioned(position)
            return earlier - 1 if earlier else (self.anchor.year - 1 if self.anchor else None)
        if ref == "the year":  # "the first half of the year": the year the sentence is about
            earlier = self.last_year_mentioned(position)
            return earlier or (self.anchor.year if self.anchor else None)
        if self.anchor is None:
            return None
        return self.anchor.year + {"last year": -1, "the past year": -1, "next year": 1}.get(ref, 0)

    def last_year_mentioned(self, position: int, paragraph: bool = False) -> int | None:
        """The year of the last date stated earlier in the same sentence (or paragraph): a
        four-digit year as written, or one a date found before resolved to (``January-August``)."""
        start = self.paragraph_start(position) if paragraph else self.sentence_start(position)
        written = [(start + m.start(), int(m.group(0)))
                   for m in re.finditer(rf"\b{YEAR}\b", self.text[start:position])]
        resolved = [(p, y) for p, y in self.years if start <= p < position]
        mentions = sorted(written + resolved)
        return mentions[-1][1] if mentions else None
