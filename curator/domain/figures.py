"""Find and normalize figures: money, percentages, counts and quantities.

A small grammar of qualifier + currency + number + scale + unit, because general
quantity parsers get news figures wrong (``$41 bn`` is not dollars times barns).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from curator.domain.text import stripped_bounds
from curator.domain.values import (
    Change,
    FigureValue,
    Qualifier,
    decimal_text,
    plain_number,
)

SCALES = {
    "thousand": Decimal(10) ** 3,
    "k": Decimal(10) ** 3,
    "million": Decimal(10) ** 6,
    "mln": Decimal(10) ** 6,
    "mn": Decimal(10) ** 6,
    "m": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9,
    "bn": Decimal(10) ** 9,
    "bln": Decimal(10) ** 9,
    "b": Decimal(10) ** 9,
    "trillion": Decimal(10) ** 12,
    "tn": Decimal(10) ** 12,
    "trn": Decimal(10) ** 12,
}
# Currency written before the number, longest first so that "US$" wins over "$".
CURRENCY_BEFORE = {
    "us$": "USD", "u.s.$": "USD", "usd": "USD", "$": "USD", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP",
    "¥": "CNY", "rmb": "CNY", "cny": "CNY", "₸": "KZT", "kzt": "KZT", "₽": "RUB", "rub": "RUB",
    "azn": "AZN", "₼": "AZN", "kgs": "KGS", "uzs": "UZS", "try": "TRY", "₺": "TRY",
    # Other currencies as their ISO codes and signs are written before an amount (codes that
    # are also words or names, such as AMD or PHP, are left out).
    **{code: code.upper() for code in ("nok", "sek", "dkk", "chf", "jpy", "inr", "krw", "brl", "mxn", "zar", "aud",
                                       "cad", "nzd", "sgd", "hkd", "pln", "czk", "huf", "uah", "tjs", "tmt", "mnt",
                                       "aed", "sar", "qar", "egp", "ils", "idr", "myr", "thb", "pkr", "ngn", "kes")},
    "₹": "INR", "₩": "KRW", "₴": "UAH", "r$": "BRL", "c$": "CAD", "a$": "AUD", "hk$": "HKD", "s$": "SGD",
    "nz$": "NZD",
}
# Written after the number. "som" is Kyrgyzstan's; Uzbekistan's is written sum, soum or so'm.
CURRENCY_AFTER = {
    "us dollars": "USD", "u.s. dollars": "USD", "in us currency": "USD", "in u.s. currency": "USD",
    "in us dollar terms": "USD", "in us dollars terms": "USD", "in u.s. dollar terms": "USD", "in dollar terms": "USD", "dollars": "USD", "usd": "USD", "euros": "EUR", "euro": "EUR",
    "eur": "EUR", "pounds sterling": "GBP", "yuan": "CNY", "renminbi": "CNY", "rmb": "CNY", "cny": "CNY",
    "tenge": "KZT", "kzt": "KZT", "rubles": "RUB", "roubles": "RUB", "ruble": "RUB", "rouble": "RUB", "rub": "RUB",
    "som": "KGS", "soms": "KGS", "kgs": "KGS", "sum": "UZS", "soums": "UZS", "soum": "UZS", "so'm": "UZS",
    "uzs": "UZS", "manat": "AZN", "azn": "AZN", "lira": "TRY", "liras": "TRY",
    "norwegian kroner": "NOK", "swedish kronor": "SEK", "danish kroner": "DKK", "swiss francs": "CHF", "yen": "JPY",
    "rupees": "INR", "rupee": "INR", "rand": "ZAR", "zloty": "PLN", "hryvnias": "UAH", "hryvnia": "UAH",
    "dirhams": "AED", "riyals": "SAR", "lari": "GEL", "somoni": "TJS",
}
QUANTITY_UNITS = {
    "tonnes": "t", "tonne": "t", "tons": "t", "ton": "t", "t": "t", "metric tons": "t", "metric tonnes": "t",
    "metric ton": "t", "kilograms": "kg", "kg": "kg", "square meters": "m2", "square metres": "m2", "sq m": "m2",
    "bpd": "bbl", "b/d": "bbl",
    "kilometres": "km", "kilometers": "km", "km": "km", "metres": "m", "meters": "m",
    "hectares": "ha", "ha": "ha", "barrels": "bbl", "bbl": "bbl", "cubic metres": "m3", "cubic meters": "m3",
    "m3": "m3", "megawatts": "MW", "mw": "MW", "gigawatts": "GW", "gw": "GW", "kwh": "kWh", "teu": "TEU",
    "teus": "TEU", "litres": "l", "liters": "l", "bcm": "m3", "tu": "tU",
}
# Units that carry their own scale (bcm is billion cubic metres) or rate (bpd, barrels per day).
UNIT_SCALES = {"bcm": Decimal(10) ** 9}
UNIT_PER = {"bpd": "day", "b/d": "day"}
PERCENT_UNITS = {"%": "%", "percent": "%", "per cent": "%", "pct": "%", "percentage point": "pp",
                 "percentage points": "pp", "pp": "pp", "p.p.": "pp", "basis point": "bp", "basis points": "bp",
                 "bp": "bp", "bps": "bp"}
QUALIFIERS = {
    "nearly": Qualifier.APPROXIMATE, "almost": Qualifier.APPROXIMATE, "about": Qualifier.APPROXIMATE,
    "around": Qualifier.APPROXIMATE, "approximately": Qualifier.APPROXIMATE, "roughly": Qualifier.APPROXIMATE,
    "some": Qualifier.APPROXIMATE, "close to": Qualifier.APPROXIMATE, "an estimated": Qualifier.APPROXIMATE,
    "more than": Qualifier.LOWER_BOUND, "over": Qualifier.LOWER_BOUND, "exceeding": Qualifier.LOWER_BOUND,
    "in excess of": Qualifier.LOWER_BOUND, "at least": Qualifier.LOWER_BOUND, "upwards of": Qualifier.LOWER_BOUND,
    "above": Qualifier.LOWER_BOUND, "less than": Qualifier.UPPER_BOUND, "under": Qualifier.UPPER_BOUND,
    "up to": Qualifier.UPPER_BOUND, "at most": Qualifier.UPPER_BOUND, "below": Qualifier.UPPER_BOUND,
    "fewer than": Qualifier.UPPER_BOUND,
}
MULTIPLE_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                  "ten": 10, "doubled": 2, "doubling": 2, "double": 2, "tripled": 3, "tripling": 3, "triple": 3,
                  "quadrupled": 4, "halved": Decimal("0.5"), "by half": Decimal("0.5")}
# "a barrel", "an ounce": only these units; after "per" any unit is taken as written.
PER_WORDS = ("barrel", "tonne", "ton", "ounce", "pound", "litre", "liter", "gallon", "kilogram", "month", "year", "day",
             "week", "share", "head", "person", "night", "hour", "unit", "square metre", "square meter")


def _alternation(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


_QUAL = rf"(?:(?P<qual>{_alternation(QUALIFIERS)})\s+)?"
# Thousands grouped by commas (1,500,000) or a plain or decimal-point number; with a currency,
# a percent sign, a unit or a scale word also a decimal comma (12,5%, $1,5 billion: at most
# three digits before it, one or two after, and no more groups; "In 2023,5% of firms" is a
# year and a share). A count takes one only before its scale word: "items 3,4" lists two numbers.
_DECIMAL = r"\d{1,3},\d{1,2}(?![\d,])"
_NUMBER = rf"\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|{_DECIMAL}|\d+(?:\.\d+)?"
_COUNT_NUMBER = rf"\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|{_DECIMAL}(?=\s(?:thousand|million|billion|trillion)\b)|\d+(?:\.\d+)?"
_NUM = rf"(?P<num>{_NUMBER})"
_SCALE_WORDS = _alternation(SCALES)
_SCALE = rf"(?:\s?(?P<scale>{_SCALE_WORDS})\b)?"
# "$ 2 billion 580 million", "KZT 142 bln 8 mln": a smaller scale's part after the first.
_SUBSCALE = r"(?:[ \t]+(?P<num2>\d{1,3})[ \t]?(?P<scale2>million|mln|mn|thousand)\b)?"
_CURRENCY_BEFORE = _alternation(CURRENCY_BEFORE)
_CUR_BEFORE = rf"(?P<cur_before>{_CURRENCY_BEFORE})\s?"
_CUR_AFTER = rf"\s+(?P<cur_after>{_alternation(CURRENCY_AFTER)})(?![\w'])"
_PCT_WORDS = r"%|percentage\s+points?\b|percent\b|per\s+cent\b|pct\b|p\.p\.|pp\b|basis\s+points?\b|bps?\b"
_PERCENT = rf"\s?(?P<pct>{_PCT_WORDS})"
_UNIT = rf"\s?(?P<unit>{_alternation(QUANTITY_UNITS)})\b"

_START = r"(?<![\w$€£¥₸₽₼₺.,/:])"  # not inside a word, a longer number, a path or a time
_MONEY_BEFORE = re.compile(rf"{_START}{_QUAL}{_CUR_BEFORE}{_NUM}{_SCALE}{_SUBSCALE}", re.IGNORECASE)
_MONEY_AFTER = re.compile(rf"{_START}{_QUAL}{_NUM}{_SCALE}{_SUBSCALE}{_CUR_AFTER}", re.IGNORECASE)
_PERCENT_RE = re.compile(rf"{_START}{_QUAL}{_NUM}{_PERCENT}", re.IGNORECASE)
_QUANTITY_RE = re.compile(rf"{_START}{_QUAL}{_NUM}{_SCALE}{_UNIT}", re.IGNORECASE)
# A range: "$2-3 billion", "between 5 and 10 percent", "from 5 billion to 7 billion yuan".
_RANGE_RE = re.compile(
    rf"{_START}{_QUAL}(?P<lead>(?:from|between)\s+)?(?P<cur_first>{_CURRENCY_BEFORE})?\s?(?P<first>{_NUMBER})"
    rf"(?:\s?(?P<scale_first>{_SCALE_WORDS})\b)?(?P<pct_first>\s?(?:%|percent\b|per\s+cent\b))?"
    rf"(?P<sep>\s*[-–—]\s*|\s+to\s+|\s+and\s+)(?:(?P<cur_before>{_CURRENCY_BEFORE})\s?)?{_NUM}{_SCALE}"
    rf"(?:{_CUR_AFTER}|{_PERCENT}|{_UNIT})?(?![\w%$]|[.,]\d|-\d)",
    re.IGNORECASE,
)
# Multiples: "twofold", "1.5-fold", "2.5 times", "doubled", "to double", "by half", "halved".
_MULTIPLE_RE = re.compile(
    rf"{_START}{_QUAL}(?:(?P<fold>\d+(?:\.\d+)?|two|three|four|five|six|seven|eight|nine|ten)(?:\s*-\s*|\s)?fold\b"
    r"|(?P<times>\d+(?:\.\d+)?|two|three|four|five|six|seven|eight|nine|ten)\s+times\b"
    r"|(?P<word>doubled|doubling|tripled|tripling|quadrupled|halved|by\s+half)\b(?!\s+of\b)"
    r"|(?<=\bto\s)(?P<verb>double|triple)\b|(?P<modal>double|triple)(?=\s+by\s+\d{4}\b))",
    re.IGNORECASE,
)
_TIMES_CONTEXT_BEFORE = re.compile(
    r"\b(?:increased|increase|grew|grow|rose|rise|expanded|decreased|decrease|fell|dropped|declined|reduced|"
    r"jumped|surged|by)\s+$", re.IGNORECASE)
_TIMES_CONTEXT_AFTER = re.compile(r"^\s+(?:more|less|higher|lower|larger|greater|bigger|as|compared|over)\b",
                                  re.IGNORECASE)
_PER = re.compile(rf"/(?P<slash>bbl|barrel|t|tonne|ton|oz|kg|l|kWh|MWh|m3|share)\b|\s+(?:per\s+(?!cent\b)(?P<per>(?:(?:\d{{1,3}}(?:,\d{{3}})+|\d+|thousand)\s+)?(?:cubic\s+|square\s+)?"
                  rf"[A-Za-z]+)|an?\s+(?P<a>{_alternation(PER_WORDS)})\b(?!\s+(?:earlier|before|ago|later)\b))", re.IGNORECASE)
# A quantity's or count's rate per unit of time: "per day", "a year", "per annum" (a
# percentage has none: "14% per annum" is a rate already, written so).
_TIME_RATE = re.compile(r"[ \t]+(?:per[ \t]+(?P<per>day|week|month|year|annum)|an?[ \t]+(?P<a>day|week|month|year))\b"
                        r"(?![ \t]+(?:earlier|before|ago|later|after|on|of|and\s+a\s+half)\b)", re.IGNORECASE)
# Counts: word-scale allowed ("2 million people"), one-letter scales are not. A
# number followed by a unit of time is a duration, and "(3)" alone is page clutter
# (comment counts, list markers), so neither is a count; nor are times (14:20).
_COUNT_RE = re.compile(
    rf"(?<![\w.,$€£¥₸₽₼₺(/:-]){_QUAL}(?P<num>{_COUNT_NUMBER})(?:\s(?P<scale>thousand|million|billion|trillion)\b)?"
    r"(?![\w%$]|[.,/:]\d|-\w|\s+(?:years?|months?|weeks?|days?|hours?|minutes?|decades?|centuries)\b)",
    re.IGNORECASE,
)

_CHANGE_BEFORE = re.compile(
    r"(?:\bby(?:\s+(?:another|a\s+further|an\s+additional))?|\b(?:(?<!make\s)(?<!makes\s)(?<!made\s)(?<!making\s)up"
    r"|down|rose|fell|grew|jumped|climbed|dropped|declined|gained|lost"
    r"|weakened|strengthened|slid|slumped|plunged|surged|soared|advanced|shed|added|dipped|tumbled|increased|decreased"
    r"|fallen|risen|grown|rise|rises|grow|grows|climb|climbs|expand|expands|expanded|add|adds|strengthens|weakens"
    r"|trims|trimmed)|\bgrowth\s+of|\bincrease\s+of"
    r"|\bdecrease\s+of|\brise\s+of|\bfall\s+of|\bdrop\s+of|\bdecline\s+of"
    r"|\b(?:grew|grow|rose|increased|expanded)\s+at\s+an?\s+(?:\w+\s+){0,2}rate\s+of)\s+$",
    re.IGNORECASE,
)
_CHANGE_AFTER = re.compile(
    r"^\s+(?:or\s+\d[\d.,]*\s*(?:%|percent|per\s+cent)\s+(?:more|less|higher|lower)\b"
    r"|(?:more|less|higher|lower|up|down)\s+than|higher|lower|increase|rise|growth|jump|drop|decline|fall|decrease|year-on-year"
    r"|year\s+on\s+year|y/y|yoy|annual\s+(?:increase|growth))\b",
    re.IGNORECASE,
)
# Which way a change goes: the last of these words before the figure in its clause.
_DIRECTION = re.compile(
    r"\b(?P<down>fell|falls?|falling|drop(?:ped|s)?|declin(?:ed|es|ing)|decreas(?:ed|es|ing)|down|lost|los(?:es|ing)"
    r"|weaken(?:ed|s)?|slid|slump(?:ed|s)?|plung(?:ed|es)|shr[ai]nk|shrunk|contract(?:ed|s)|cuts?|lower(?:ed|s)"
    r"|reduc(?:ed|es)|slipped|tumbled|sank|dipped|shed|halved|fallen|trim(?:s|med)?|decline\s+of|drop\s+of|fall\s+of"
    r"|decrease\s+of)\b"
    r"|\b(?P<up>rose|rises?|rising|grew|grows?|increas(?:ed|es)|(?<!make\s)(?<!makes\s)(?<!made\s)(?<!making\s)up|jumped|climbed|gained|raised|added|surged"
    r"|soared|expand(?:ed|s)?|strengthen(?:ed|s)?|advanced|risen|grown|climbs?|adds?|growth\s+of|increase\s+of|rise\s+of)\b",
    re.IGNORECASE,
)
_LOSS_BEFORE = re.compile(r"\b(?:lost|loses|losing|lose)\s+(?:(?:about|around|nearly|almost|over|some|roughly)\s+)?\Z",
                          re.IGNORECASE)
_DOWN_AFTER = re.compile(r"^\s+(?:less\s+than|lower|drop|decline|fall|decrease|down)\b", re.IGNORECASE)


@dataclass(frozen=True)
class FoundFigure:
    """A figure found in a text: its span, label and normalized value."""

    start: int
    end: int
    label: str
    value: FigureValue


def _number(raw: str) -> Decimal:
    return Decimal(plain_number(raw))


def _amount(match: re.Match[str]) -> tuple[Decimal, str | None]:
    number = _number(match.group("num"))
    scale = match.groupdict().get("scale")
    if scale:
        number *= SCALES[scale.lower()]
    smaller = match.groupdict().get("scale2")
    if scale and smaller and SCALES[smaller.lower()] < SCALES[scale.lower()]:
        number += _number(match.group("num2")) * SCALES[smaller.lower()]
    return number, scale.lower() if scale else None


def _clause_before(text: str, start: int) -> str:
    clause_start = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start), text.rfind(", ", 0, start),
                       text.rfind("; ", 0, start), start - 60)
    return text[max(0, clause_start):start]


def _change(text: str, start: int, end: int) -> Change:
    sentence_start = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start), start - 60)
    before = text[max(0, sentence_start) : start]
    after = text[end : end + 40]
    if re.search(r"\bto\s+$", before):  # "slowed to 8.4% year-on-year": the level it reached
        return Change.LEVEL
    if _CHANGE_AFTER.match(after):
        return Change.CHANGE
    cue = _CHANGE_BEFORE.search(before)
    if cue is None:
        return Change.LEVEL
    if cue.group(0).split()[0].lower() == "by" and not text[start:end].rstrip().endswith(("%", "percent", "cent")):
        # "grew by $2 billion" is a change, "attended by 150 delegates" is not: a "by"
        # before anything but a percentage needs a word saying which way it went.
        return Change.CHANGE if _DIRECTION.search(_clause_before(text, start)) else Change.LEVEL
    return Change.CHANGE


def _falls(text: str, start: int, end: int) -> bool:
    """Whether the change at ``text[start:end]`` is a fall: told by the word after it
    (``15% less than``) or else the last direction word before it in its clause."""
    if _DOWN_AFTER.match(text[end : end + 30]):
        return True
    words = list(_DIRECTION.finditer(_clause_before(text, start)[-50:]))
    return bool(words) and words[-1].group("down") is not None


def _sign(text: str, start: int) -> str | None:
    """The sign written just before a figure (``+9.8 percent``, ``(-3.1%)``), or None:
    a plus or minus that no word or number runs into."""
    if start == 0 or text[start - 1] not in "+-\u2212":
        return None
    if start >= 2 and (text[start - 2].isalnum() or text[start - 2] in ".,%$"):
        return None  # "COVID-19", "5-7", "Q1-2": not a sign
    return "+" if text[start - 1] == "+" else "-"


def _qualifier(match: re.Match[str]) -> Qualifier:
    qual = match.group("qual")
    return QUALIFIERS[" ".join(qual.lower().split())] if qual else Qualifier.EXACT


def _is_year(match: re.Match[str]) -> bool:
    raw = match.group("num")
    return bool(re.fullmatch(r"(1[89]|20|21)\d{2}", raw)) and not match.group("qual")


def _range(match: re.Match[str], text: str) -> tuple[str, str | None, Decimal, Decimal, str | None] | None:
    """Label, unit, bounds and scale of a range match, or None if it is not one."""
    sep = match.group("sep").strip().lower()
    lead = (match.group("lead") or "").strip().lower()
    if (sep == "and") != (lead == "between"):
        return None
    if sep == "to" and not (lead == "from" or match.group("cur_first")):
        return None
    before = text[max(0, match.start() - 30) : match.start()]
    if lead == "from" and re.search(r"\b(?:rose|fell|grew|increased|decreased|dropped|declined|jumped|climbed|up|down"
                                    r"|rising|falling|raised|lowered|cut|slowed|accelerated)\s+$", before, re.IGNORECASE):
        return None  # "rose from 5% to 7%": two levels, not a range
    if sep == "to" and not lead and re.search(r"\b(?:grow|grows|grew|rise|rises|rose|increase|increases|increased|climb"
                                             r"|climbs|climbed|jump|jumps|jumped|add|adds|added|fall|falls|fell|drop"
                                             r"|drops|dropped)\s+$", before, re.IGNORECASE):
        return None  # "may grow $2bn to $12bn": a change, then the level it reaches
    if match.group("cur_before") and not match.group("cur_first"):
        return None
    if match.group("cur_first") or match.group("cur_after"):
        label = "MONEY"
        unit = CURRENCY_BEFORE[match.group("cur_first").lower()] if match.group("cur_first") else \
            CURRENCY_AFTER[" ".join(match.group("cur_after").lower().split())]
    elif match.group("pct"):
        label, unit = "PERCENT", PERCENT_UNITS[" ".join(match.group("pct").lower().split())]
    elif match.group("unit"):
        label, unit = "QUANTITY", QUANTITY_UNITS[" ".join(match.group("unit").lower().split())]
    elif match.group("scale") or lead == "between":
        label, unit = "COUNT", None
    else:
        return None
    if match.group("pct_first") and label != "PERCENT":
        return None
    high, scale = _amount(match)
    low = _number(match.group("first"))
    first_scale = match.group("scale_first")
    low *= SCALES[first_scale.lower()] if first_scale else (SCALES[scale] if scale else 1)
    unit_word = (match.group("unit") or "").lower()
    if unit_word in UNIT_SCALES:
        low, high, scale = low * UNIT_SCALES[unit_word], high * UNIT_SCALES[unit_word], unit_word
    if high <= low:
        return None
    return label, unit, low, high, scale


def _multiple(match: re.Match[str], text: str) -> Decimal | None:
    if match.group("times"):
        before, after = text[max(0, match.start() - 30) : match.start()], text[match.end() : match.end() + 20]
        if not (_TIMES_CONTEXT_BEFORE.search(before) or _TIMES_CONTEXT_AFTER.match(after)):
            return None  # "met three times" counts occasions
    raw = next(match.group(name) for name in ("fold", "times", "word", "verb", "modal") if match.group(name))
    raw = " ".join(raw.lower().split())
    return Decimal(MULTIPLE_WORDS[raw]) if raw in MULTIPLE_WORDS else Decimal(raw)


# Ranges are rare and their pattern is slow to try at every position: it is tried only
# around a number, a separator and another number, and multiples only where one of
# their words is.
_RANGE_HINT = re.compile(r"\d(?:\s?(?:%|[a-z]{1,9}(?:\s+cent)?))?\s*(?:[-–—]|(?:to|and)\s)\s*\D{0,5}\d",
                         re.IGNORECASE)
_MULTIPLE_WORDS = ("fold", "times", "doubl", "tripl", "quadrupl", "halved", "half")


def _ranges(text: str, pos: int, endpos: int) -> list[re.Match[str]]:
    matches: dict[tuple[int, int], re.Match[str]] = {}
    for hint in _RANGE_HINT.finditer(text, pos, endpos):
        end = min(len(text), hint.end() + 120)
        for match in _RANGE_RE.finditer(text, max(pos, hint.start() - 60), end):
            if match.end() <= end - 40 or end == len(text):  # not cut short by the window's end
                matches.setdefault(match.span(), match)
    return [matches[span] for span in sorted(matches)]


def find_figures(text: str, within: tuple[int, int] | None = None) -> list[FoundFigure]:
    """Every money amount, percentage, quantity and count in ``text``, without overlaps
    (those from ``within``'s start, if given, to a little after its end: read in the whole
    text, as the figures of a selection are).

    Ranges and multiples come first, then money and percentages, which win over
    quantities, which win over plain counts; a four-digit year is not a count (dates
    are found separately). A change that is a fall has a negative amount.
    """
    # (a little after: what follows a figure, "years" after a count, decides what it is)
    pos, endpos = (0, len(text)) if within is None else (max(0, within[0]), min(len(text), within[1] + 20))
    found: list[FoundFigure] = []
    taken = bytearray(len(text))  # 1 where a figure was found: a C-speed overlap test

    def free(start: int, end: int) -> bool:
        return taken.find(1, start, end) < 0

    def keep(start: int, end: int, label: str, amount: Decimal, unit: str | None, scale: str | None,
             qualifier: Qualifier, amount_to: Decimal | None = None, change: Change | None = None,
             per: str | None = None) -> None:
        if label == "MONEY":
            after = _PER.match(text, end)
            if after:
                per = " ".join((after.group("per") or after.group("a") or after.group("slash")).split())
                end = after.end()
        elif label in ("QUANTITY", "COUNT") and per is None and unit != "x":
            after = _TIME_RATE.match(text, end)
            if after:
                word = (after.group("per") or after.group("a")).lower()
                per, end = ("year" if word == "annum" else word), after.end()
        sign = _sign(text, start) if amount_to is None and qualifier is Qualifier.EXACT else None
        if sign is not None:  # "(+9.8 percent)": a change, its sign written
            start, change = start - 1, Change.CHANGE
            amount = -amount if sign == "-" else amount
        change = change or _change(text, start, end)
        if label == "MONEY" and change is Change.CHANGE and _LOSS_BEFORE.search(text, max(0, start - 30), start):
            change = Change.LEVEL  # "lost $1.5 billion": the loss, as "a loss of $1.5 billion" is
        if sign is None and change is Change.CHANGE and unit != "x" and _falls(text, start, end):  # a factor has no sign
            amount, amount_to = (-amount_to, -amount) if amount_to is not None else (-amount, None)
        try:
            value = FigureValue(amount=decimal_text(amount), unit=unit, scale=scale, qualifier=qualifier,
                                change=change, amount_to=None if amount_to is None else decimal_text(amount_to),
                                per=per)
        except ValueError:  # a number longer than any figure (a digit run, a code): not one
            return
        found.append(FoundFigure(start, end, label, value))
        taken[start:end] = b"\x01" * (end - start)

    def add(match: re.Match[str], label: str, unit: str | None) -> None:
        start, end = match.span()
        if free(start, end):
            amount, scale = _amount(match)
            unit_word = (match.groupdict().get("unit") or "").lower()
            if unit_word in UNIT_SCALES:
                amount, scale = amount * UNIT_SCALES[unit_word], unit_word
            keep(start, end, label, amount, unit, scale, _qualifier(match), per=UNIT_PER.get(unit_word))

    for match in _ranges(text, pos, endpos):
        found_range = _range(match, text)
        if found_range and free(*match.span()):
            label, unit, low, high, scale = found_range
            keep(match.start(), match.end(), label, low, unit, scale, _qualifier(match), amount_to=high)
    lowered = text[pos:endpos].lower()
    if any(word in lowered for word in _MULTIPLE_WORDS):
        for match in _MULTIPLE_RE.finditer(text, pos, endpos):
            factor = _multiple(match, text)
            if factor is not None and free(*match.span()):
                keep(match.start(), match.end(), "QUANTITY", factor, "x", None, _qualifier(match),
                     change=Change.CHANGE)
    for match in _MONEY_BEFORE.finditer(text, pos, endpos):
        add(match, "MONEY", CURRENCY_BEFORE[match.group("cur_before").lower().replace(" ", "")])
    for match in _MONEY_AFTER.finditer(text, pos, endpos):
        add(match, "MONEY", CURRENCY_AFTER[" ".join(match.group("cur_after").lower().split())])
    for match in _PERCENT_RE.finditer(text, pos, endpos):
        add(match, "PERCENT", PERCENT_UNITS[" ".join(match.group("pct").lower().split())])
    for match in _QUANTITY_RE.finditer(text, pos, endpos):
        add(match, "QUANTITY", QUANTITY_UNITS[" ".join(match.group("unit").lower().split())])
    for match in _COUNT_RE.finditer(text, pos, endpos):
        if not _is_year(match):
            add(match, "COUNT", None)
    return sorted(found, key=lambda f: f.start)


def normalize_figure(text: str, start: int, end: int, label: str | None = None) -> FigureValue | None:
    """The value of the figure a curator selected at ``text[start:end]``, or None.

    The selection is matched as a whole; context outside it decides only whether
    the figure is a change (``grew by 35%``).
    """
    first, last = stripped_bounds(text, start, end)
    # Read in the text, as the rules read it: "shares fell 3 percent" is -3, a change, and so
    # is "fell by 3%" selected with its verb.
    inside = [f for f in find_figures(text, within=(first, last)) if first <= f.start and f.end <= last]
    preferred = _selected(inside, first, last, label)
    if preferred is not None:
        return preferred.value
    # Not a figure the rules find there (it runs on past the selection, say): the selection alone.
    fragment = text[start:end]
    preferred = _selected(find_figures(fragment), 0, len(fragment), label)
    return None if preferred is None else preferred.value.model_copy(update={"change": _change(text, start, end)})


def _selected(found: list[FoundFigure], start: int, end: int, label: str | None) -> FoundFigure | None:
    """The figure of ``found`` a selection of ``start``..``end`` is: the one that is the
    whole of it (of ``label``, if two are), else the longest."""
    candidates = [f for f in found if (f.start, f.end) == (start, end)] or \
        sorted(found, key=lambda f: f.start - f.end)[:1]
    return next((f for f in candidates if f.label == label), candidates[0]) if candidates else None
