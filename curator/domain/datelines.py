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
_ORDINAL = r"(?:st|nd|rd|th)?"
# "5 March 2024", "19th December, 2022", "March 5, 2024", "20, September, 2023", "05.03.2024", ISO, "5/3/2024".
_WRITTEN = (rf"\d{{1,2}}{_ORDINAL},?[ \t]+{_MONTH}\.?,?[ \t]+{_YEAR}|{_MONTH}\.?[ \t]+\d{{1,2}}{_ORDINAL},?[ \t]+{_YEAR}"
            rf"|\d{{1,2}}\.\d{{1,2}}\.{_YEAR}|{_YEAR}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/{_YEAR}")
_TIME = (r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?(?:\s*(?:GMT|UTC)(?:\s*[+-]\s*\d{1,2}(?::?\d{2})?)?)?"
         r"(?:\s*\((?:UTC|GMT)\s*[+-]\s*\d{1,2}:\d{2}\))?")
_LABEL_WORDS = r"published|updated|last\s+updated|date\s+of\s+publication|posted"
_LABEL = rf"(?P<label>{_LABEL_WORDS})"
# A whole line that states a date: "Published: 05.03.2024 14:20", "14:20, 05 March 2024",
# "Updated 3:14 PM GMT+6, March 12, 2024", "Mehmet Yilmaz |05.06.2024 - Update : 06.06.2024",
# "Amna Tariq Published December 19, 2022 | 07:53 PM", "19.11.2022 | 08:13 | Economy",
# "ECONOMY | 15:22 / 20.09.2024", "14.03.2025, 18:05 12804" (a view count), "Xinhua) 09:12, June 14, 2025",
# "Uzbekistan Materials 20 December 2023 02:04 (UTC +04:00)", "Wednesday, 20, September, 2023".
_WEEKDAY = r"(?i:(?:mon|tues|wednes|thurs|fri|satur|sun)day)"
_NAME = r"[A-Z][\w.'-]+(?:[ \t]+[A-Z][\w.'-]+){0,3}"
_STAMP_LINE = re.compile(
    rf"^[ \t]*(?:(?P<lead>{_NAME})[ \t]*\|[ \t]*|{_NAME}[ \t]+(?=(?:{_LABEL_WORDS})\b)|(?P<outlet>[A-Z][\w.-]+)\)[ \t]+"
    rf"|(?:[A-Z][\w.'-]+[ \t]+){{1,3}}(?=\d{{1,2}}[ \t]+{_MONTH}[ \t]+{_YEAR}[ \t]+\d{{1,2}}:\d\d))?"
    rf"(?:{_LABEL}[ \t]*(?:on\b|:)?[ \t]*)?"
    rf"(?:{_TIME}[ \t]*[,/]?[ \t]*)?(?:{_WEEKDAY},?[ \t]+)?(?P<date>{_WRITTEN})"
    rf"(?:[ \t]*[-,|·•]?[ \t]*(?:at[ \t]+)?{_TIME}(?:[ \t]+\d{{1,9}})?)?"
    rf"(?:[ \t]*[-|][ \t]*updated?[ \t]*:?[ \t]*(?:{_WRITTEN})(?:[ \t]*{_TIME})?)?"
    rf"(?:[ \t]*\|(?:[ \t]*[A-Z][\w &]{{0,30}})?)?"
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
_BYLINE = re.compile(rf"^[ \t]*By[ \t]+[^\n]{{1,80}}?[ \t]+(?:on[ \t]+)?(?P<date>{_WRITTEN})[ \t]*$", re.MULTILINE)
# "Reuters, 3 October 2024", "Qazaq TV, 29.12.2021": the outlet and the date on a line of their own.
_OUTLET_LINE = re.compile(
    rf"^[ \t]*(?P<outlet>[A-Z][\w.&'-]*(?:[ \t]+[A-Z][\w.&'-]*){{0,3}}),[ \t]+(?P<date>{_WRITTEN})"
    rf"(?:,?[ \t]*{_TIME})?[ \t]*$", re.MULTILINE)
# Capitals that open "Astana, 28 March 2023" datelines: a place, not an outlet (nor is a weekday).
_PLACES = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday","astana", "almaty", "tashkent", "bishkek", "baku", "moscow", "beijing", "ashgabat", "dushanbe",
           "nur-sultan", "urumqi", "ankara", "tbilisi", "yerevan", "kabul", "islamabad"}
# A page address on a line of its own, as a saved page often starts; its path may carry the date.
_ADDRESS_LINE = re.compile(r"^[ \t]*(?P<url>https?://(?:www\.)?(?P<host>[\w.-]+)(?P<path>/\S*)?)[ \t]*$",
                           re.MULTILINE)
_PATH_DATE = re.compile(r"/(?P<y>(?:19|20)\d{2})[/-](?P<m>\d{1,2})[/-](?P<d>\d{1,2})(?:/|-|$)")

_PLACE = r"[A-Z][A-Za-z'’.\-]+(?:[ \t][A-Z][A-Za-z'’.\-]+){0,2}"
_WHERE = rf"(?P<place>{_PLACE})(?:,[ \t]+{_PLACE})?"
_MONTH_DAY = rf"(?P<md>{_MONTH}\.?[ \t]+\d{{1,2}}(?:,[ \t]+{_YEAR})?|\d{{1,2}}[ \t]+{_MONTH}\.?(?:[ \t]+{_YEAR})?)"
_DASH = r"(?:--|[-–—])"
# Datelines at the start of a line, most specific first; each ends where the story starts.
_DATELINES = [
    # TASHKENT (UrduPoint News / Sputnik - 19th December, 2022)   Astana, April 2 (UrduPoint - 3rd Apr, 2023 ) :
    re.compile(rf"^[ \t]*{_WHERE}(?:[,.][ \t]+{_MONTH_DAY})?,?[ \t]*\((?P<outlet>[^()\n]{{2,50}}?)[ \t]+-[ \t]+"
               rf"(?P<date>{_WRITTEN})[ \t]*\)[ \t]*:?", re.MULTILINE),
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
    re.compile(rf"^[ \t]*(?P<place>[A-Z]+(?:-[A-Z]+)?)\.[ \t]+(?P<outlet>[A-Z]{{3,}})[ \t]*{_DASH}", re.MULTILINE),
    # AKIpress -
    re.compile(rf"^[ \t]*(?P<outlet>[A-Z]{{2,}}[a-z]+)[ \t]+{_DASH}[ \t]", re.MULTILINE),
    # ASTANA –  (the place alone)
    re.compile(rf"^[ \t]*(?P<place>[A-Z]{{3,}}(?:-[A-Z]+)?)[ \t]+{_DASH}[ \t]", re.MULTILINE),
]
# "///nCa, 6 November 2023" or "-- Reuters, 6 November 2023" at the very end.
_SIGN_OFF = re.compile(rf"(?:///|//|--|\u2014)[ \t]*(?P<outlet>[^,\n/]{{1,40}}),[ \t]+(?P<date>{_WRITTEN})\s*\Z")
HEAD_CHARS, TAIL_CHARS = 800, 300


@dataclass(frozen=True)
class HeadLine:
    """A dateline, stamp or byline: its span and the date and outlet it states.

    ``kind`` is ``published``, ``updated``, ``dateline``, ``date`` (a date line
    with no label) or ``address`` (the page's address); the date is None when the text
    does not give one outright (a dateline without its year keeps its ``month_day``).
    """

    start: int
    end: int
    kind: str
    published: date | None = None
    source: str | None = None
    url: str | None = None
    month_day: tuple[int, int] | None = None  # a dateline's day without its year: (month, day)


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
    day_first = re.fullmatch(rf"(\d{{1,2}}){_ORDINAL},?\s+({_MONTH})\.?,?\s+({_YEAR})", written)
    month_first = re.fullmatch(rf"({_MONTH})\.?\s+(\d{{1,2}}){_ORDINAL},?\s+({_YEAR})", written)
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


def parse_month_day(written: str) -> tuple[int, int] | None:
    """A dateline's ``Nov 14`` or ``5 March`` as (month, day), if it is a day of that month."""
    day_first = re.fullmatch(rf"(\d{{1,2}})\s+({_MONTH})\.?", written.strip())
    month_first = re.fullmatch(rf"({_MONTH})\.?\s+(\d{{1,2}})", written.strip())
    if not (day_first or month_first):
        return None
    m, d = (month_number(day_first[2]), int(day_first[1])) if day_first else (month_number(month_first[1]),
                                                                             int(month_first[2]))
    return (m, d) if 1 <= d <= 31 else None


# Outlets whose page address names them differently from their host.
_HOSTS = {"inform.kz": "Kazinform", "qazinform.com": "Kazinform", "trend.az": "Trend", "kt.kz": "Kazakhstan Today",
          "astanatimes.com": "The Astana Times", "timesca.com": "The Times of Central Asia", "tass.com": "TASS",
          "intellinews.com": "bne IntelliNews", "xinhuanet.com": "Xinhua", "reuters.com": "Reuters",
          "akipress.com": "AKIpress", "qazaqtv.com": "Qazaq TV", "urdupoint.com": "UrduPoint", "kun.uz": "Kun.uz",
          "gazeta.uz": "Gazeta.uz", "daryo.uz": "Daryo", "azernews.az": "AzerNews", "kabar.kg": "Kabar",
          "24.kg": "24.kg", "orient.az": "Orient"}

# Outlets whose name before a "|" on a date line is the outlet, not the author ("Kazinform | 5 March 2024").
_OUTLETS = {name.casefold() for name in _HOSTS.values()} | {
    "interfax", "sputnik", "ria novosti", "report.az", "apa", "azertac", "tengrinews", "kursiv", "nca", "tca",
    "uza", "dunyo", "anadolu", "ap", "afp", "bloomberg", "eurasianet", "rfe/rl", "the diplomat", "kapital.kz"}


def _address(match: re.Match[str]) -> HeadLine:
    host = match.group("host").lower()
    parts = host.split(".")
    site = ".".join(parts[-2:]) if len(parts) >= 2 else host
    source = _HOSTS.get(site) or _HOSTS.get(host) or site
    published = None
    in_path = _PATH_DATE.search(match.group("path") or "")
    if in_path:
        try:
            published = date(int(in_path["y"]), int(in_path["m"]), int(in_path["d"]))
        except ValueError:
            published = None
    return HeadLine(match.start(), match.end(), "address", published, source, match.group("url"))


def find_head_lines(text: str) -> list[HeadLine]:
    """Every dateline, stamp, byline and page address in the article's first and last lines."""
    text = text.replace("\r", " ")  # Windows line ends: the same offsets, and "$" still ends a line
    found: list[HeadLine] = []

    def free(start: int, end: int) -> bool:
        return all(end <= line.start or start >= line.end for line in found)

    def add(line: HeadLine) -> None:
        if free(line.start, line.end):
            found.append(line)

    for lo, hi in _regions(text):
        for match in _ADDRESS_LINE.finditer(text, lo, hi):
            add(_address(match))
        for match in _OUTLET_LINE.finditer(text, lo, hi):
            outlet = match.group("outlet").strip()
            add(HeadLine(match.start(), match.end(), "date", parse_stamp_date(match.group("date")),
                         None if outlet.lower() in _PLACES else outlet))
        for match in _STAMP_LINE.finditer(text, lo, hi):
            label = (match.group("label") or "").lower()
            kind = "updated" if "updated" in label else "published" if label else "date"
            lead = (match.group("lead") or "").strip()
            add(HeadLine(match.start(), match.end(), kind, parse_stamp_date(match.group("date")),
                         match.group("outlet") or (lead if lead.casefold() in _OUTLETS else None)))
        for match in _YEARLESS_STAMP.finditer(text, lo, hi):
            add(HeadLine(match.start(), match.end(), "date"))
        for match in _SOURCE_LINE.finditer(text, lo, hi):
            add(HeadLine(match.start(), match.end(), "date", parse_stamp_date(match.group("date")),
                         match.group("outlet").strip()))
        for match in _BYLINE.finditer(text, lo, hi):
            add(HeadLine(match.start(), match.end(), "date", parse_stamp_date(match.group("date"))))
        if lo == 0:
            for pattern in _DATELINES:
                for match in pattern.finditer(text, lo, hi):
                    groups = match.groupdict()
                    outlet = next((groups[name] for name in ("outlet", "outlet_caps", "outlet_dot")
                                   if groups.get(name)), None)
                    written = groups.get("date") or groups.get("md")
                    published = parse_stamp_date(written) if written else None
                    yearless = parse_month_day(groups["md"]) if published is None and groups.get("md") else None
                    add(HeadLine(match.start(), match.end(), "dateline", published,
                                 outlet.strip() if outlet else None, month_day=yearless))
    sign_off = _SIGN_OFF.search(text, max(0, len(text) - TAIL_CHARS))
    if sign_off:
        add(HeadLine(sign_off.start(), sign_off.end(), "date", parse_stamp_date(sign_off.group("date")),
                     sign_off.group("outlet").strip()))
    return sorted(found, key=lambda line: line.start)


_PRIORITY = {"published": 0, "dateline": 1, "date": 2, "updated": 3, "address": 4}


def stated_metadata(lines: list[HeadLine]) -> tuple[date | None, str | None]:
    """The publication date and outlet the lines state: a ``Published`` stamp before a
    dateline, before a plain date line, before an ``Updated`` stamp, before the page's
    address; the first of each. The outlet a dateline names comes first, the one an
    address's host names last."""
    dated = sorted((line for line in lines if line.published), key=lambda line: (_PRIORITY[line.kind], line.start))
    named = sorted((line for line in lines if line.source),
                   key=lambda line: (line.kind != "dateline", line.kind == "address", line.start))
    return (dated[0].published if dated else None), (named[0].source if named else None)
