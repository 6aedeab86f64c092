"""Find and normalize figures: money, percentages, counts and quantities.

A small grammar of qualifier + currency + number + scale + unit, because general
quantity parsers get news figures wrong (``$41 bn`` is not dollars times barns).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from curator.domain.values import Change, FigureValue, Qualifier, decimal_text

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
}
CURRENCY_AFTER = {
    "us dollars": "USD", "u.s. dollars": "USD", "dollars": "USD", "usd": "USD", "euros": "EUR", "euro": "EUR",
    "eur": "EUR", "pounds sterling": "GBP", "yuan": "CNY", "renminbi": "CNY", "rmb": "CNY", "cny": "CNY",
    "tenge": "KZT", "kzt": "KZT", "rubles": "RUB", "roubles": "RUB", "rub": "RUB", "som": "UZS", "soums": "UZS",
}
QUANTITY_UNITS = {
    "tonnes": "t", "tonne": "t", "tons": "t", "ton": "t", "t": "t", "kilograms": "kg", "kg": "kg",
    "kilometres": "km", "kilometers": "km", "km": "km", "metres": "m", "meters": "m",
    "hectares": "ha", "ha": "ha", "barrels": "bbl", "bbl": "bbl", "cubic metres": "m3", "cubic meters": "m3",
    "m3": "m3", "megawatts": "MW", "mw": "MW", "gigawatts": "GW", "gw": "GW", "kwh": "kWh", "teu": "TEU",
    "litres": "l", "liters": "l",
}
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


def _alternation(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


_QUAL = rf"(?:(?P<qual>{_alternation(QUALIFIERS)})\s+)?"
_NUM = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALE = rf"(?:\s?(?P<scale>{_alternation(SCALES)})\b)?"
_CUR_BEFORE = rf"(?P<cur_before>{_alternation(CURRENCY_BEFORE)})\s?"
_CUR_AFTER = rf"\s+(?P<cur_after>{_alternation(CURRENCY_AFTER)})\b"
_PERCENT = r"\s?(?P<pct>%|percent\b|per\s+cent\b|pct\b|percentage\s+points?\b)"
_UNIT = rf"\s?(?P<unit>{_alternation(QUANTITY_UNITS)})\b"

_START = r"(?<![\w$€£¥₸₽.,])"  # not inside a word or a longer number
_MONEY_BEFORE = re.compile(rf"{_START}{_QUAL}{_CUR_BEFORE}{_NUM}{_SCALE}", re.IGNORECASE)
_MONEY_AFTER = re.compile(rf"{_START}{_QUAL}{_NUM}{_SCALE}{_CUR_AFTER}", re.IGNORECASE)
_PERCENT_RE = re.compile(rf"{_START}{_QUAL}{_NUM}{_PERCENT}", re.IGNORECASE)
_QUANTITY_RE = re.compile(rf"{_START}{_QUAL}{_NUM}{_SCALE}{_UNIT}", re.IGNORECASE)
# Counts: word-scale allowed ("2 million people"), one-letter scales are not. A
# number followed by a unit of time is a duration, and "(3)" alone is page clutter
# (comment counts, list markers), so neither is a count.
_COUNT_RE = re.compile(
    rf"(?<![\w.,$€£¥₸₽(-]){_QUAL}{_NUM}(?:\s(?P<scale>thousand|million|billion|trillion)\b)?"
    r"(?![\w%$]|[.,]\d|-\w|\s+(?:years?|months?|weeks?|days?|hours?|minutes?|decades?|centuries)\b)",
    re.IGNORECASE,
)

_CHANGE_BEFORE = re.compile(
    r"(?:\bby(?:\s+(?:another|a\s+further|an\s+additional))?|\b(?:up|down|rose|fell|grew|jumped|climbed|dropped|declined|gained|lost)|\bgrowth\s+of|\bincrease\s+of"
    r"|\bdecrease\s+of|\brise\s+of|\bfall\s+of|\bdrop\s+of|\bdecline\s+of)\s+$",
    re.IGNORECASE,
)
_CHANGE_AFTER = re.compile(
    r"^\s+(?:(?:more|less|higher|lower|up|down)\s+than|increase|rise|growth|jump|drop|decline|fall|decrease|year-on-year"
    r"|y/y|annual\s+(?:increase|growth))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FoundFigure:
    """A figure found in a text: its span, label and normalized value."""

    start: int
    end: int
    label: str
    value: FigureValue


def _amount(match: re.Match[str]) -> tuple[Decimal, str | None]:
    number = Decimal(match.group("num").replace(",", ""))
    scale = match.groupdict().get("scale")
    if scale:
        number *= SCALES[scale.lower()]
    return number, scale.lower() if scale else None


def _change(text: str, start: int, end: int) -> Change:
    sentence_start = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start), start - 60)
    before = text[max(0, sentence_start) : start]
    after = text[end : end + 40]
    if _CHANGE_BEFORE.search(before) or _CHANGE_AFTER.match(after):
        return Change.CHANGE
    return Change.LEVEL


def _qualifier(match: re.Match[str]) -> Qualifier:
    qual = match.group("qual")
    return QUALIFIERS[" ".join(qual.lower().split())] if qual else Qualifier.EXACT


def _is_year(match: re.Match[str]) -> bool:
    raw = match.group("num")
    return bool(re.fullmatch(r"(1[89]|20|21)\d{2}", raw)) and not match.group("qual")


def find_figures(text: str) -> list[FoundFigure]:
    """Every money amount, percentage, quantity and count in ``text``, without overlaps.

    Money and percentages win over quantities, which win over plain counts; a
    four-digit year is not a count (dates are found separately).
    """
    found: list[FoundFigure] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def add(match: re.Match[str], label: str, unit: str | None) -> None:
        start, end = match.span()
        if not free(start, end):
            return
        amount, scale = _amount(match)
        value = FigureValue(amount=decimal_text(amount), unit=unit, scale=scale, qualifier=_qualifier(match),
                            change=_change(text, start, end))
        found.append(FoundFigure(start, end, label, value))
        taken.append((start, end))

    for match in _MONEY_BEFORE.finditer(text):
        add(match, "MONEY", CURRENCY_BEFORE[match.group("cur_before").lower().replace(" ", "")])
    for match in _MONEY_AFTER.finditer(text):
        add(match, "MONEY", CURRENCY_AFTER[" ".join(match.group("cur_after").lower().split())])
    for match in _PERCENT_RE.finditer(text):
        add(match, "PERCENT", "%")
    for match in _QUANTITY_RE.finditer(text):
        add(match, "QUANTITY", QUANTITY_UNITS[" ".join(match.group("unit").lower().split())])
    for match in _COUNT_RE.finditer(text):
        if not _is_year(match):
            add(match, "COUNT", None)
    return sorted(found, key=lambda f: f.start)


def normalize_figure(text: str, start: int, end: int, label: str | None = None) -> FigureValue | None:
    """The value of the figure a curator selected at ``text[start:end]``, or None.

    The selection is matched as a whole; context outside it decides only whether
    the figure is a change (``grew by 35%``).
    """
    fragment = text[start:end]
    candidates = [f for f in find_figures(fragment) if (f.start, f.end) == (0, len(fragment))]
    if not candidates:
        candidates = sorted(find_figures(fragment), key=lambda f: f.start - f.end)[:1]
    if not candidates:
        return None
    preferred = next((f for f in candidates if f.label == label), candidates[0])
    return preferred.value.model_copy(update={"change": _change(text, start, end)})
