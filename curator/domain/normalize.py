"""The normalized value a span gets when it is tagged, whatever its label kind, and the
values of many spans of one text (``TextValues``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from curator.domain.dates import find_dates, normalize_date
from curator.domain.figures import normalize_figure
from curator.domain.schema import LabelKind, LabelSchema
from curator.domain.text import stripped_bounds
from curator.domain.values import DateValue, Unresolved


def value_for(schema: LabelSchema, label: str, text: str, start: int, end: int,
              anchor: date | None) -> dict[str, Any] | None:
    """A figure's or date's value as stored on the annotation; None for entities.

    A date that cannot be resolved still gets a value that says why, so that the
    curator sees it flagged; a figure that cannot be read gets none. A rule that fails
    on a text (a bug, not a calendar edge: those are values with a reason) never loses the
    tag: the date is flagged ``invalid``, the figure gets no value, and validation lists it.
    """
    definition = schema.get(label)
    if definition is None or definition.kind is LabelKind.ENTITY:
        return None
    try:
        if definition.kind is LabelKind.DATE:
            return normalize_date(text, start, end, anchor).model_dump(mode="json", exclude_none=True)
        figure = normalize_figure(text, start, end, label)
    except (ArithmeticError, AttributeError, LookupError, TypeError, ValueError, RecursionError):
        if definition.kind is LabelKind.DATE:
            return DateValue(unresolved=text[start:end], reason=Unresolved.INVALID).model_dump(
                mode="json", exclude_none=True)
        return None
    return figure.model_dump(mode="json") if figure else None


class TextValues:
    """The values of many spans of one text, as ``value_for`` gives each, for an import of
    another tool's spans: a date the rules find whole in the text before the last date
    span (``until``) takes the value they give it there; any other span, the one tagging it
    gives. A date is read with the text before it, once for all the dates of the text
    (read again for each, an import of many dates took twice as long)."""

    def __init__(self, schema: LabelSchema, text: str, anchor: date | None, until: int) -> None:
        self.schema, self.text, self.anchor, self.until = schema, text, anchor, until
        self._dates: dict[tuple[int, int], dict[str, Any]] | None = None

    def value(self, label: str, start: int, end: int) -> dict[str, Any] | None:
        definition = self.schema.get(label)
        if definition is not None and definition.kind is LabelKind.DATE and end <= self.until:
            found = self._found_dates().get(stripped_bounds(self.text, start, end))
            if found is not None:
                return found
        return value_for(self.schema, label, self.text, start, end, self.anchor)

    def _found_dates(self) -> dict[tuple[int, int], dict[str, Any]]:
        if self._dates is None:
            try:
                self._dates = {(found.start, found.end): found.value.model_dump(mode="json", exclude_none=True)
                               for found in find_dates(self.text[:self.until], self.anchor)}
            except (ArithmeticError, AttributeError, LookupError, TypeError, ValueError, RecursionError):
                self._dates = {}  # (a rule that fails on the text: each date is read alone, as tagging it is)
        return self._dates
