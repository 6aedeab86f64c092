"""The normalized value a span gets when it is tagged, whatever its label kind."""

from __future__ import annotations

from datetime import date
from typing import Any

from curator.domain.dates import normalize_date
from curator.domain.figures import normalize_figure
from curator.domain.schema import LabelKind, LabelSchema
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
