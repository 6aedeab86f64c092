"""Detect an article's publication date and outlet from its own text.

News text often states them: a leading ``date 2023-11-07`` header (found by
``curator.domain.header``), a dateline such as ``Astana, 28 March 2023 (TDI):``,
or a sign-off such as ``///nCa, 6 November 2023``. Detection only fills fields that are empty; the
curator can always edit them.
"""

from __future__ import annotations

import re
from datetime import date

from curator.domain.datelines import find_head_lines, stated_metadata
from curator.domain.header import find_header
from curator.domain.models import DocumentMeta

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
    """``6 November 2023``, ``November 6, 2023`` or ``6 Nov. 2023`` as a date."""
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
    """Publication date, outlet and (for Markdown) title as far as the text states them."""
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
    if found.published is None or found.source is None:
        published, source = stated_metadata(find_head_lines(text))
        found.published = found.published or published
        found.source = found.source or source
    if markdown:
        title = _MARKDOWN_TITLE.match(text)
        if title:
            found.title = title.group("title").strip().rstrip("#").strip()
    return found
