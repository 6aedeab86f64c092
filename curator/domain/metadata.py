"""Detect an article's headline, publication date, outlet and address from its own text.

News text often states them: a leading ``date 2023-11-07`` header (found by
``curator.domain.header``), a dateline such as ``Astana, 28 March 2023 (TDI):``, stamp
and outlet lines (``Reuters, 3 October 2024``, ``19.11.2022 | 08:13 |``), a page address,
or a sign-off such as ``///nCa, 6 November 2023`` (``curator.domain.datelines``); the
headline is the first line that reads as one (``curator.domain.headline``). A dateline
without its year (``ASTANA, Nov 14 (Reuters) -``) takes it from the dates the article
itself states with their year, and the date is marked inferred
(``extra["published_inferred"]``). Detection only fills fields that are empty; the
curator can always edit them.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from curator.domain.datelines import HeadLine, find_head_lines, stated_metadata
from curator.domain.header import find_header
from curator.domain.headline import find_headline
from curator.domain.models import DocumentMeta

INFERRED = "published_inferred"  # the extra field that marks a date whose year was inferred

_MONTHS = {
    name: index
    for index, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_DAY_MONTH_YEAR = re.compile(r"(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]{3,9})\.?,?\s+(?P<year>(?:19|20)\d{2})")
_DOTTED = re.compile(r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>(?:19|20)\d{2})")
_MONTH_DAY_YEAR = re.compile(r"(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2}),\s+(?P<year>(?:19|20)\d{2})")
_WRITTEN_DATE = r"(?P<date>\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+(?:19|20)\d{2}|[A-Za-z]{3,9}\.?\s+\d{1,2},\s+(?:19|20)\d{2})"

# "Astana, 28 March 2023 (TDI):" - place, date, optional outlet in brackets.
_DATELINE = re.compile(
    rf"\A\s*(?P<place>[A-Z][\w .'\-]{{1,40}}?),\s+{_WRITTEN_DATE}"
    r"(?:\s*\((?P<outlet>[^()\n]{1,40})\))?\s*[:\-\u2013\u2014]"
)
# "///nCa, 6 November 2023" or "-- Reuters, 6 November 2023" at the very end.
_SIGN_OFF = re.compile(
    rf"(?:///|//|--|\u2014)\s*(?P<outlet>[^,\n/]{{1,40}}),\s+{_WRITTEN_DATE}\s*\Z"
)
_MARKDOWN_TITLE = re.compile(r"\A\s*#\s+(?P<title>[^\n]{1,300})")


def parse_written_date(written: str) -> date | None:
    """``6 November 2023``, ``November 6, 2023``, ``6 Nov. 2023`` or ``14.03.2024`` (day
    first, as dots are written in Europe) as a date."""
    dotted = _DOTTED.fullmatch(written.strip())
    if dotted is not None:
        try:
            return date(int(dotted.group("year")), int(dotted.group("month")), int(dotted.group("day")))
        except ValueError:
            return None
    match = _DAY_MONTH_YEAR.fullmatch(written.strip()) or _MONTH_DAY_YEAR.fullmatch(written.strip())
    if match is None:
        return None
    month = _MONTHS.get(match.group("month").lower())
    if month is None:
        return None
    try:
        return date(int(match.group("year")), month, int(match.group("day")))
    except ValueError:
        return None


def detect_metadata(text: str, *, markdown: bool = False) -> DocumentMeta:
    """Headline, publication date, outlet and address as far as the text states them."""
    found = DocumentMeta()
    header = find_header(text)
    if header and "date" in header.fields:
        try:
            found.published = date.fromisoformat(header.fields["date"])
        except ValueError:
            pass
    dateline = _DATELINE.match(text)
    if dateline:
        found.published = found.published or parse_written_date(dateline.group("date"))
        if dateline.group("outlet"):
            found.source = dateline.group("outlet").strip()
    sign_off = _SIGN_OFF.search(text[-300:])
    if sign_off:
        found.source = found.source or sign_off.group("outlet").strip()
        found.published = found.published or parse_written_date(sign_off.group("date"))
    lines = find_head_lines(text)
    if found.published is None or found.source is None:
        published, source = stated_metadata(lines)
        found.published = found.published or published
        found.source = found.source or source
    if found.published is None:
        found.published = _year_from_article(text, lines)
        if found.published is not None:
            found.extra[INFERRED] = True
    found.source = found.source or _reporting_outlet(text)
    found.url = next((line.url for line in lines if line.url), None)
    title = _MARKDOWN_TITLE.match(text) if markdown else None
    if title:
        found.title = title.group("title").strip().rstrip("#").strip()
    else:
        taken = [(line.start, line.end) for line in lines]
        if header is not None:
            taken.append((header.start, header.end))
        found.title = find_headline(text, taken)
    return found


def fill_stated(fields: dict[str, Any], text: str, markdown: bool = False) -> bool:
    """Fill what ``fields`` lacks of the title, outlet, address and date with what ``text``
    states (``detect_metadata``); whether it filled any. A date takes what the detection
    says of it (a year inferred from the article) into ``fields["extra"]``."""
    found = detect_metadata(text, markdown=markdown)
    filled = False
    for name, value in found.model_dump(exclude={"extra"}).items():
        if value is not None and name not in fields:
            fields[name], filled = value, True
            if name == "published":
                fields.setdefault("extra", {}).update(found.extra)
    return filled


# ", Trend reports": the outlet naming itself in its first sentence (one word only: a
# longer name is usually the agency it cites, "Kazinform News Agency reports").
_REPORTS = re.compile(r",[ \t]+(?P<outlet>[A-Z][A-Za-z.-]+)[ \t]+(?:reports|reported)\b")


def _reporting_outlet(text: str) -> str | None:
    first = _REPORTS.search(text, 0, min(len(text), 1500))
    return first.group("outlet") if first else None


def _year_from_article(text: str, lines: list[HeadLine]) -> date | None:
    """The date of a dateline without its year (``BAKU, Azerbaijan, December 6.``), in
    the year that puts it after the most of the article's own dates written with their
    year (days, months and periods), within a year of each, and nearest them on a tie;
    None without such dates."""
    dateline = next((line for line in lines if line.kind == "dateline" and line.month_day), None)
    if dateline is None:
        return None
    from curator.domain.dates import (
        find_dates,  # the date rules: only for such articles
    )
    from curator.domain.values import Granularity

    taken = [(line.start, line.end) for line in lines]
    stated = []
    for found in find_dates(text):
        if (not found.value.resolved or found.value.granularity is Granularity.YEAR
                or not re.search(r"(?:19|20)\d\d", text[found.start:found.end])
                or any(s < found.end and found.start < e for s, e in taken)):
            continue
        stated.append(found.value.end)
    month, day = dateline.month_day
    best, best_score = None, (0, 0)
    for year in sorted({d.year + shift for d in stated for shift in (0, 1)}):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        behind = [(candidate - d).days for d in stated if 0 <= (candidate - d).days <= 366]
        score = (len(behind), -sum(behind))
        if score > best_score:
            best, best_score = candidate, score
    return best
