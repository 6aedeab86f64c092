"""Normalized values of figure and date spans.

A figure is an exact decimal with its unit, the scale word as written, a
qualifier and whether it states a level or a change (a fall is a negative change).
A range also has ``amount_to``, its upper bound; a per-unit figure (``$80 per
barrel``) names the unit in ``per``. Percentage points have unit ``pp``, basis points
``bp`` and multiples (``twofold``) unit ``x``.

A date is an ISO interval (a single day has ``start == end``) with its
granularity; a date the text does not name outright (a weekday) is ``inferred``.
Text that cannot be resolved carries ``unresolved``, the reason in words, and
``reason``, its class, instead of a guess.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    TypeAdapter,
    field_validator,
    model_serializer,
    model_validator,
)

from curator.domain.model_base import DEFERRED, Model


class Qualifier(StrEnum):
    EXACT = "exact"
    APPROXIMATE = "approximate"
    LOWER_BOUND = "lower_bound"
    UPPER_BOUND = "upper_bound"


class Change(StrEnum):
    LEVEL = "level"
    CHANGE = "change"


class Granularity(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    PART = "part"  # early / mid / late part of a month or year, its beginning or end
    YEAR = "year"
    FISCAL_YEAR = "fiscal_year"  # over the calendar years named; the months depend on who reports
    DECADE = "decade"
    PERIOD = "period"


def fitting_granularity(start: date, end: date, chosen: str) -> str:
    """The granularity of a date typed by hand from ``start`` to ``end``: the one chosen
    where it can be; a day, a whole month or a whole year is told from the dates where it
    cannot (a day over several, a month that is not one), else a period."""
    whole_month = start.day == 1 and (start.year, start.month) == (end.year, end.month) \
        and end.day == calendar.monthrange(end.year, end.month)[1]
    whole_year = start.year == end.year and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
    fits = {Granularity.DAY: start == end, Granularity.MONTH: whole_month, Granularity.YEAR: whole_year}
    if fits.get(chosen, start != end):  # (a week, a quarter... as chosen, unless it is one day)
        return chosen
    if start == end:
        return Granularity.DAY.value
    return (Granularity.MONTH if whole_month else Granularity.YEAR if whole_year else Granularity.PERIOD).value


class Unresolved(StrEnum):
    """Why a date was left unresolved."""

    NO_ANCHOR = "no_anchor"  # relative, and the article's date is unknown
    NO_REFERENCE = "no_reference"  # counted from a date the text does not state
    AMBIGUOUS = "ambiguous"  # more than one reading (03/04/2024)
    INVALID = "invalid"  # not a calendar date (February 30)


def decimal_text(value: Decimal) -> str:
    """A decimal as plain digits: no exponent, no trailing zeros after the point."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


class FigureValue(Model):
    """A money amount, percentage, count or quantity, e.g. 750000000 USD, approximate."""

    type: Literal["figure"] = "figure"
    amount: str
    unit: str | None = None
    scale: str | None = None
    qualifier: Qualifier = Qualifier.EXACT
    change: Change = Change.LEVEL
    amount_to: str | None = None
    per: str | None = None

    @field_validator("amount")
    @classmethod
    def _decimal(cls, amount: str) -> str:
        return finite_decimal(amount)

    @field_validator("amount_to")
    @classmethod
    def _upper(cls, amount_to: str | None) -> str | None:
        return None if amount_to is None else finite_decimal(amount_to)

    @model_validator(mode="after")
    def _range(self) -> "FigureValue":
        if self.amount_to is not None and Decimal(self.amount_to) < Decimal(self.amount):
            raise ValueError(f"range ends ({self.amount_to}) below where it starts ({self.amount})")
        return self

    @model_serializer(mode="wrap")
    def _dump(self, handler: Any) -> dict[str, Any]:
        # Range and per-unit fields are written only when set, so a plain figure keeps
        # the shape every stored value and export already has.
        data = handler(self)
        for name in ("amount_to", "per"):
            if data.get(name) is None:
                data.pop(name, None)
        return data


MAX_AMOUNT_DIGITS = 40


_DECIMAL_COMMA = re.compile(r"[-+]?\d{1,3},\d{1,2}")


def plain_number(written: str) -> str:
    """A number written with commas as ``Decimal`` reads it: commas group thousands
    (``1,250`` is 1250), but one with one or two digits after it and at most three before
    is a decimal comma (``1,5`` is 1.5, not 15)."""
    written = written.strip()
    return written.replace(",", ".") if _DECIMAL_COMMA.fullmatch(written) else written.replace(",", "")


def finite_decimal(amount: Any) -> str:
    """An amount as exact decimal text (``24200000000``); ValueError unless it is a
    finite number (never ``Infinity``, ``NaN``, a formula or a currency sign). Its commas
    are read as a figure in the text is (``plain_number``)."""
    try:
        value = Decimal(plain_number(str(amount)))
    except InvalidOperation as exc:
        raise ValueError(f"amount {amount!r} is not a number") from exc
    if not value.is_finite():
        raise ValueError(f"amount {amount!r} is not a finite number")
    text = decimal_text(value)
    if len(text) > MAX_AMOUNT_DIGITS:  # no reported figure is that long; a store column is not either
        raise ValueError(f"amount {str(amount)[:40]!r} has more than {MAX_AMOUNT_DIGITS} digits")
    return text


class DateValue(Model):
    """An ISO date or interval, or an explicit note that the text could not be resolved."""

    type: Literal["date"] = "date"
    start: date | None = None
    end: date | None = None
    granularity: Granularity | None = None
    unresolved: str | None = None
    reason: Unresolved | None = None
    inferred: bool | None = None

    @model_validator(mode="after")
    def _consistent(self) -> "DateValue":
        if self.unresolved is None:
            if self.start is None or self.end is None:
                raise ValueError("a resolved date needs start and end")
            if self.end < self.start:
                raise ValueError(f"date interval ends ({self.end}) before it starts ({self.start})")
        return self

    @property
    def resolved(self) -> bool:
        return self.unresolved is None


Value = Annotated[FigureValue | DateValue, Field(discriminator="type")]
_VALUE = TypeAdapter(Value, config=DEFERRED)


def parse_value(raw: dict[str, Any]) -> FigureValue | DateValue:
    """Validate a stored value dict; raises pydantic's ValidationError if malformed."""
    return _VALUE.validate_python(raw)


def describe(raw: dict[str, Any] | None) -> str:
    """A short human summary of a value, for lists and tooltips."""
    if not raw:
        return ""
    try:
        value = parse_value(raw)
    except ValueError:
        return "invalid value"
    if isinstance(value, FigureValue):
        number = _grouped(value.amount)
        if value.amount_to is not None:
            number = f"{number}–{_grouped(value.amount_to)}"
        unit = f" {value.unit}" if value.unit else ""
        per = f" per {value.per}" if value.per else ""
        marks = {"approximate": "≈ ", "lower_bound": "> ", "upper_bound": "< "}.get(value.qualifier, "")
        change = " (change)" if value.change is Change.CHANGE else ""
        return f"{marks}{number}{unit}{per}{change}"
    if not value.resolved:
        return f"unresolved: {value.unresolved}"
    inferred = " (inferred)" if value.inferred else ""
    if value.start == value.end:
        return value.start.isoformat() + inferred
    return f"{value.start.isoformat()}/{value.end.isoformat()}{inferred}"


def _grouped(amount: str) -> str:
    number = Decimal(amount)
    return f"{number:,f}".rstrip("0").rstrip(".") if "." in amount else f"{number:,}"
