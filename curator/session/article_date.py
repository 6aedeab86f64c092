"""Setting an article's date, and the date values that follow it.

A relative date (``last Tuesday``, ``the first half of this year``) is resolved against
the article's date. When that date is set or corrected, every date value computed from
the old one is computed again, in every layer: every annotator's spans, the reviewed
(gold) layer and the suggestions. A value a person typed by hand is kept: a stored value
counts as computed when it is what the rules give for its span with the old date, read
either as a tagged selection or in the whole text, as suggestions are.

``redate`` builds one command (one undo step) that sets the date and changes those
values; its label says how many values changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from curator.domain.dates import find_dates, normalize_date
from curator.domain.metadata import INFERRED
from curator.domain.schema import LabelKind
from curator.domain.values import parse_value
from curator.session.commands import Batch, EditDocument, EditSpan, SetSuggestionValue
from curator.store import Store


@dataclass(frozen=True)
class Redating:
    """The command that sets an article's date, and how many date values it changes."""

    command: Batch
    changed: int


def _same(stored: dict[str, Any] | None, computed: dict[str, Any]) -> bool:
    if not stored:
        return False
    try:
        return parse_value(stored).model_dump(mode="json", exclude_none=True) == computed
    except ValueError:
        return False


class _Resolver:
    """The date values the rules give for spans of one text with one article date."""

    def __init__(self, text: str, anchor: date | None) -> None:
        self.text, self.anchor = text, anchor
        self.whole = {(f.start, f.end): f.value.model_dump(mode="json", exclude_none=True)
                      for f in find_dates(text, anchor)}

    def selected(self, start: int, end: int) -> dict[str, Any]:
        return normalize_date(self.text, start, end, self.anchor).model_dump(mode="json", exclude_none=True)


def _recomputed(stored: dict[str, Any] | None, start: int, end: int, old: _Resolver,
                new: _Resolver) -> dict[str, Any] | None:
    """The value for the new date if ``stored`` is what the rules gave with the old one;
    None if it was typed by hand or does not change."""
    if (start, end) in old.whole and _same(stored, old.whole[(start, end)]):
        value = new.whole.get((start, end)) or new.selected(start, end)
    elif _same(stored, old.selected(start, end)):
        value = new.selected(start, end)
    else:
        return None  # typed by hand: kept
    return None if _same(stored, value) else value


def redate(store: Store, doc_id: int, published: date | None) -> Redating:
    """One command: set the document's date to ``published`` and re-resolve every date
    value computed from its old date, in every layer; hand-typed values are kept."""
    document = store.get_document(doc_id)
    schema = store.label_schema
    dated = {label.name for label in schema.labels if label.kind is LabelKind.DATE}
    old, new = _Resolver(document.text, document.published), _Resolver(document.text, published)
    changes: dict[str, Any] = {"published": published}
    if INFERRED in document.extra:  # set by hand now: no longer inferred
        changes["extra"] = {key: value for key, value in document.extra.items() if key != INFERRED}
    commands: list = [EditDocument(doc_id, changes)]
    for span in store.annotations_for(doc_id):
        if span.label in dated:
            value = _recomputed(span.value, span.start, span.end, old, new)
            if value is not None:
                commands.append(EditSpan(span.id, doc_id, {"value": value}, expected=span.updated))
    for suggestion in store.document_suggestions(doc_id):
        if suggestion.label in dated:
            value = _recomputed(suggestion.value, suggestion.start, suggestion.end, old, new)
            if value is not None:
                commands.append(SetSuggestionValue(suggestion.id, doc_id, value))
    changed = len(commands) - 1
    suggested = sum(isinstance(command, SetSuggestionValue) for command in commands)
    spans = changed - suggested
    when = published.isoformat() if published else "none"
    # (the suggestions' values are counted apart: an accepted one is out of sight)
    also = f"; {suggested} suggestion{'s' if suggested != 1 else ''} too" if suggested else ""
    label = f"Set the date to {when} ({spans} date value{'s' if spans != 1 else ''} re-resolved{also})"
    return Redating(Batch(commands, label, doc_id), changed)
