"""Datelines, bylines and publication stamps: where an article states its date and outlet.

Wires open with a dateline (``ASTANA, March 5 (Reuters) -``, ``MOSCOW, March 5.
/TASS/.``, ``Tashkent, 5 March 2024 —``); web pages carry stamp lines
(``Published: 05.03.2024 14:20``, ``Updated 3:14 PM GMT+6, March 12, 2024``,
``Source: Xinhua | 2024-03-05 18:32:15``) and bylines (``By ... on 5 March 2024``).
``find_head_lines`` finds them in an article's first and last lines; the date and
outlet they state fill the document's metadata, and their text is never suggested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from curator.domain.date_calendar import month_number

_MONTH = r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_YEAR = r"(?:19|20)\d{2}"
_WRITTEN = (rf"\d{{1,2}}\s+{_MONTH}\.?,?\s+{_YEAR}|{_MONTH}\.?\s+\d{{1,2}},?\s+{_YEAR}"
            rf"|\d{{1,2}}\.\d{{1,2}}\.{_YEAR}|{_YEAR}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/{_YEAR}")
_TIME = (r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?(?:\s*(?:GMT|UTC)(?:\s*[+-]\s*\d{1,2}(?::?\d{2})?)?)?"
         r"(?:\s*\((?:UTC|GMT)\s*[+-]\s*\d{1,2}:\d{2}\))?")
_LABEL = r"(?P<label>published|updated|last\s+updated|date\s+of\s+publication|posted)"
# A whole line that states a date: "Published: 05.03.2024 14:20", "14:20, 05 March 2024",
# "Updated 3:14 PM GMT+6, March 12, 2024", "Mehmet Yilmaz |05.06.2024 - Update : 06.06.2024".
_WEEKDAY = r"(?i:(?:mon|tues|wednes|thurs|fri|satur|sun)day)"
_STAMP_LINE = re.compile(
    rf"^[ \t]*(?:[A-Z][\w.'-]+(?:[ \t]+[A-Z][\w.'-]+){{0,3}}[ \t]*\|[ \t]*)?(?:{_LABEL}[ \t]*(?:on\b|:)?[ \t]*)?"
    rf"(?:{_TIME}[ \t]*,?[ \t]*)?(?:{_WEEKDAY},?[ \t]+)?(?P<date>{_WRITTEN})"
    rf"(?:[ \t]*[-,|·•]?[ \t]*(?:at[ \t]+)?{_TIME})?"
    rf"(?:[ \t]*[-|][ \t]*updated?[ \t]*:?[ \t]*(?:{_WRITTEN})(?:[ \t]*{_TIME})?)?"
    rf"(?:[ \t]+by[ \t]+[^\n\d]{{1,60}})?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
# "NOV 20, 14:05": a stamp without its year still is one, though it dates nothing.
_YEARLESS_STAMP = re.compile(
    rf"^[ \t]*(?:{_MONTH}\.?[ \t]+\d{{1,2}}|\d{{1,2}}[ \t]+{_MONTH}\.?),?[ \t]*{_TIME}[ \t]*$", re.MULTILINE)
_SOURCE_LINE = re.compile(
    rf"^[ \t]*Source:[ \t]*(?P<outlet>[A-Za-z][\w .-]{{0,30}}?)[ \t]*\|?[ \t]*(?P<date>{_WRITTEN})(?:[ \t]*{_TIME})?"
    r"[ \t]*(?:\|[^\n]*)?$",
    re.IGNORECASE | re.MULTILINE,
)
_BYLINE = re.compile(rf"^[ \t]*By[ \t]+[^\n]{{1,80}}?[ \t]+on[ \t]+(?P<date>{_WRITTEN})[ \t]*$", re.MULTILINE)

_PLACE = r"[A-Z][A-Za-z'’.\-]+(?:[ \t][A-Z][A-Za-z'’.\-]+){0,2}"
_WHERE = rf"(?P<place>{_PLACE})(?:,[ \t]+{_PLACE})?"
_MONTH_DAY = rf"(?P<md>{_MONTH}\.?[ \t]+\d{{1,2}}(?:,[ \t]+{_YEAR})?|\d{{1,2}}[ \t]+{_MONTH}\.?(?:[ \t]+{_YEAR})?)"
_DASH = r"(?:--|[-–—])"
# Datelines at the start of a line, most specific first; each ends where the story starts.
_DATELINES = [
    # ASTANA, March 5 (Reuters) -   MOSCOW. March 5 (Interfax) -   Ashgabat, 6 November 2023 (nCa) —
    re.compile(rf"^[ \t]*(?:{_WHERE}[,.][ \t]+)?{_MONTH_DAY}\.?[ \t]*\((?P<outlet>[^()\n]{{1,40}})\)[ \t]*(?:{_DASH}|:)",
               re.MULTILINE),
    # MOSCOW, March 5. /TASS/.   Bishkek, 5 March 2024 /Kabar/.
    re.compile(rf"^[ \t]*{_WHERE}[,.][ \t]+{_MONTH_DAY}\.?[ \t]*/(?P<outlet>[^/\n]{{2,30}})/\.?", re.MULTILINE),
    # ALMATY, March 5. Kazinform -   Baku. 5 March. REPORT.AZ/   Baku, March 5, AZERTAC.
    re.compile(rf"^[ \t]*{_WHERE}[,.][ \t]+{_MONTH_DAY}(?:\.[ \t]+(?P<outlet>[A-Z][\w.\-]+)[ \t]*(?:{_DASH}|/)"
               rf"|,[ \t]+(?P<outlet_caps>[A-Z]{{3,}}[\w.]*)\.)", re.MULTILINE),
    # ASTANA, 5 March 2024 – Kazinform –   BISHKEK, March 5 — 24.kg,   Astana, March 5, 2024, 10:20 – Kazinform.
    re.compile(rf"^[ \t]*{_WHERE}[,.][ \t]+{_MONTH_DAY}(?:,?[ \t]*{_TIME})?[ \t]*{_DASH}[ \t]*"
               rf"(?:(?P<outlet>[A-Z][\w\-]*)[ \t]*(?:{_DASH}|\.(?=\s))|(?P<outlet_dot>\w+\.\w+),)", re.MULTILINE),
    # BAKU, Azerbaijan, March 5.   TASHKENT, 5 March 2024 —   ALMATY, 12 February 2024 --
    re.compile(rf"^[ \t]*{_WHERE}[,.][ \t]+{_MONTH_DAY}(?:[ \t]*(?:{_DASH}|:)|\.(?=[ \t]))", re.MULTILINE),
    # WASHINGTON (AP) —   Tashkent, Uzbekistan (Daryo) —   (Bloomberg) --
    re.compile(rf"^[ \t]*(?:{_WHERE}[ \t]*)?\((?P<outlet>[^()\n]{{1,40}})\)[ \t]*{_DASH}", re.MULTILINE),
    # ASTANA. KAZINFORM –
    re.compile(rf"^[ \t]*(?P<place>[A-Z]+)\.[ \t]+(?P<outlet>[A-Z]{{3,}})[ \t]*{_DASH}", re.MULTILINE),
    # AKIpress -
    re.compile(rf"^[ \t]*(?P<outlet>[A-Z]{{2,}}[a-z]+)[ \t]+{_DASH}[ \t]", re.MULTILINE),
    # ASTANA –  (the place alone)
    re.compile(rf"^[ \t]*(?P<place>[A-Z]{{3,}})[ \t]+{_DASH}[ \t]", re.MULTILINE),
]
# "///nCa, 6 November 2023" or "-- Reuters, 6 November 2023" at the very end.
_SIGN_OFF = re.compile(rf"(?:///|//|--|\u2014)[ \t]*(?P<outlet>[^,\n/]{{1,40}}),[ \t]+(?P<date>{_WRITTEN})\s*\Z")
HEAD_CHARS, TAIL_CHARS = 800, 300


@dataclass(frozen=True)
class HeadLine:
    """A dateline, stamp or byline: its span and the date and outlet it states.

    ``kind`` is ``published``, ``updated``, ``dateline`` or ``date`` (a date line
    with no label); the date is None when the text does not give one outright.
    """

    start: int
    end: int
    kind: str
    published: date | None = None
    source: str | None = None


def parse_stamp_date(written: str) -> date | None:
    """A stamp's date: written out, ISO, ``05.03.2024`` (day first) or a slashed date
    that reads only one way."""
    written = written.strip()
    numeric = re.fullmatch(r"(\d{1,2})([./])(\d{1,2})\2(\d{4})", written)
    if numeric:
        a, sep, b, y = int(numeric.group(1)), numeric.group(2), int(numeric.group(3)), int(numeric.group(4))
        if sep == "/" and a <= 12 and b <= 12 and a != b:
            return None
        d, m = (b, a) if sep == "/" and b > 12 else (a, b)
        try:
            return date(y, m, d)
        except ValueError:
            return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", written):
        try:
            return date.fromisoformat(written)
        except ValueError:
            return None
    day_first = re.fullmatch(rf"(\d{{1,2}})\s+({_MONTH})\.?,?\s+({_YEAR})", written)
    month_first = re.fullmatch(rf"({_MONTH})\.?\s+(\d{{1,2}}),?\s+({_YEAR})", written)
    if day_first:
        d, m, y = day_first.group(1), day_first.group(2), day_first.group(3)
    elif month_first:
        m, d, y = month_first.group(1), month_first.group(2), month_first.group(3)
    else:
        return None
    try:
        return date(int(y), month_number(m), int(d))
    except ValueError:
        return None


def _regions(text: str) -> list[tuple[int, int]]:
    head_end = min(len(text), HEAD_CHARS)
    newline = text.find("\n", head_end)
    head_end = len(text) if newline < 0 else newline
    tail_start = max(head_end, len(text) - TAIL_CHARS)
    return [(0, head_end), (tail_start, len(text))] if tail_start < len(text) else [(0, head_end)]


def find_head_lines(text: str) -> list[HeadLine]:
    """Every dateline, stamp and byline in the article's first and last lines."""
    found: list[HeadLine] = []

    def free(start: int, end: int) -> bool:
        return all(end <= line.start or start >= line.end for line in found)

    for lo, hi in _regions(text):
        for match in _STAMP_LINE.finditer(text, lo, hi):
            label = (match.group("label") or "").lower()
            kind = "updated" if "updated" in label else "published" if label else "date"
            if free(*match.span()):
                found.append(HeadLine(match.start(), match.end(), kind, parse_stamp_date(match.group("date"))))
        for match in _YEARLESS_STAMP.finditer(text, lo, hi):
            if free(*match.span()):
                found.append(HeadLine(match.start(), match.end(), "date"))
        for match in _SOURCE_LINE.finditer(text, lo, hi):
            if free(*match.span()):
                found.append(HeadLine(match.start(), match.end(), "date", parse_stamp_date(match.group("date")),
                                      match.group("outlet").strip()))
        for match in _BYLINE.finditer(text, lo, hi):
            if free(*match.span()):
                found.append(HeadLine(match.start(), match.end(), "date", parse_stamp_date(match.group("date"))))
        if lo == 0:
            for pattern in _DATELINES:
                for match in pattern.finditer(text, lo, hi):
                    if free(*match.span()):
                        groups = match.groupdict()
                        outlet = next((groups[name] for name in ("outlet", "outlet_caps", "outlet_dot")
                                       if groups.get(name)), None)
                        written = groups.get("md")
                        found.append(HeadLine(match.start(), match.end(), "dateline",
                                              parse_stamp_date(written) if written else None,
                                              outlet.strip() if outlet else None))
    sign_off = _SIGN_OFF.search(text, max(0, len(text) - TAIL_CHARS))
    if sign_off and free(*sign_off.span()):
        found.append(HeadLine(sign_off.start(), sign_off.end(), "date", parse_stamp_date(sign_off.group("date")),
                              sign_off.group("outlet").strip()))
    return sorted(found, key=lambda line: line.start)


_PRIORITY = {"published": 0, "dateline": 1, "date": 2, "updated": 3}


def stated_metadata(lines: list[HeadLine]) -> tuple[date | None, str | None]:
    """The publication date and outlet the lines state: a ``Published`` stamp before a
    dateline, before a plain date line, before an ``Updated`` stamp; the first of each."""
    dated = sorted((line for line in lines if line.published), key=lambda line: (_PRIORITY[line.kind], line.start))
    named = sorted((line for line in lines if line.source), key=lambda line: (line.kind != "dateline", line.start))
    return (dated[0].published if dated else None), (named[0].source if named else None)
