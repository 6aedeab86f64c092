"""Text where no figure or date should be suggested: page furniture and identifiers.

Web copies of news carry lines that are not the story (``Comments (0)``, ``Share``,
``Read more: https://...``, ``Views: 1,245``, a view count alone, ``1 min read``,
``Reporting by ...``, reproduction and copyright notices, breadcrumbs, other stories'
teasers ending ``... more`` and the headlines listed under ``Read also`` or ``relevant
news``), and stories
carry numbers that are not figures: URLs, e-mail addresses, phone numbers, document
and registration numbers (``Decree No. 505``, ``BIN 950340000123``,
``ISIN KZ2C00012345``). ``noise_spans`` finds them so the suggester can skip them.
"""

from __future__ import annotations

import re

_FURNITURE_LINE = re.compile(
    r"^[ \t]*(?:"
    r"(?:comments?|share|read\s+more|read\s+also|also\s+read|related(?:\s+articles|\s+news)?|views?|likes?"
    r"|photo(?:\s+credit)?|editor|tags?|print|advertisement|last\s+minute)\b(?=[ \t]*(?:[:(\d]|$))"
    r"|(?:reporting|writing|editing|additional\s+reporting)\s+by\b|follow\s+us\b|subscribe\b|our\s+standards\b"
    r"|(?:updated|published)\s+\d+\s+(?:minutes?|hours?|days?)\s+ago\b"
    r"|home\s*[/>»›]"  # a breadcrumb trail
    r"|\d[\d,.]*[ \t]*$|\d+[ \t]+min(?:ute)?s?[ \t]+read\b"  # a view count alone, a reading time
    r"|this\s+information\s+may\s+not\s+be\s+reproduced\b|copyright\b|©"
    r"|[^\n]*(?:\.\.\.|…)[ \t]*more[ \t]*$"  # another story's teaser: "Kazakhstan shipped ... more"
    r")[^\n]*",
    re.IGNORECASE | re.MULTILINE,
)
# A bare "Read also" / "Related articles" heading: the short lines under it, up to a
# blank line, are other stories' headlines.
_LINKS_HEADING = re.compile(
    r"^[ \t]*(?:read\s+(?:also|more)|also\s+read|related(?:\s+articles|\s+news|\s+stories)?|relevant\s+news"
    r"|more\s+on\s+this|see\s+also)"
    r"[ \t]*:?[ \t]*\n(?P<links>(?:[ \t]*[^\n]{1,150}(?<![.!?\"”])[ \t]*(?:\n|\Z)){1,3})",
    re.IGNORECASE | re.MULTILINE,
)
_URL = re.compile(
    r"\b(?:https?://|www\.)\S+|\bt\.me/\S+"
    r"|\b(?:[\w-]+\.)+(?:com|org|net|kz|uz|ru|az|kg|tj|tm|cn|tr|gov|info|io|me|uk|eu)\b(?:/\S*)?",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<!\w)@\w+")
# A phone number: international (+7 ...) or after a label, to the end of the line.
_PHONE = re.compile(
    r"\+\d[\d \t().-]{6,}\d|\b(?:tel|phone|fax|call\s+cent(?:re|er)|hotline|contact)\b\.?:?[^\n]*",
    re.IGNORECASE,
)
# A document or registration number after its label; codes mixing capitals and digits.
_IDENTIFIER = re.compile(
    r"\b(?:No|Nos|BIN|IIN|ISIN|ID|Art|Article|Clause|Paragraph)\.?[ \t]*(?:No\.?[ \t]*)?[A-Z]{0,4}[-\d][\w/.-]*"
    r"|№[ \t]*[\w/.-]+"
    r"|\b(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{2,}(?:-[A-Z0-9]+)+\b|\b[A-Z]{2,}\d{4,}\w*",
)


# What each pattern cannot match without, so most texts skip most scans.
_URL_HINT = re.compile(r"https?://|www\.|t\.me/|\.(?:com|org|net|kz|uz|ru|az|kg|tj|tm|cn|tr|gov|info|io|me|uk|eu)\b",
                       re.IGNORECASE)
_PHONE_HINT = re.compile(r"\+\d|\b(?:tel|phone|fax|call|hotline|contact)", re.IGNORECASE)


def noise_spans(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that are page furniture, addresses, phone numbers or identifiers."""
    patterns = [_FURNITURE_LINE, _IDENTIFIER]
    if _URL_HINT.search(text):
        patterns.append(_URL)
    if "@" in text:
        patterns.append(_EMAIL)
    if _PHONE_HINT.search(text):
        patterns.append(_PHONE)
    spans = [match.span("links") for match in _LINKS_HEADING.finditer(text)]
    for pattern in patterns:
        spans.extend(match.span() for match in pattern.finditer(text) if match.end() > match.start())
    return sorted(spans)
