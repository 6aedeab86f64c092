"""Suggestions (pre-annotations): figures, dates and mentions of known entities.

Suggestions are kept per annotator and never touch annotations: the curator
accepts (making a normal annotation) or rejects each. A suggestion is not made
again once it exists in any status, never where the annotator already has a
span overlapping it, and never in the text's header (``date 2023-11-07`` before
the body), which is metadata, not article text.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Iterable

from curator.domain.datelines import find_head_lines
from curator.domain.dates import find_dates
from curator.domain.figures import find_figures
from curator.domain.furniture import noise_spans
from curator.domain.header import find_header
from curator.domain.jobs import Job
from curator.domain.models import (
    Annotation,
    Document,
    Entity,
    Suggestion,
    SuggestionStatus,
)
from curator.domain.schema import LabelKind, LabelSchema
from curator.domain.text import composed_with_offsets, nfc
from curator.store import Store


class EntityMatcher:
    """Finds whole-word mentions of known entities' names and aliases in a text.

    One regular expression over every name, longest first, so a text is scanned
    once however many entities the project knows. Names and texts are compared in NFC:
    a name typed with ``é`` is found in a text written with ``e`` and a combining accent
    (the offsets found are the text's own, which stays as it is).
    """

    def __init__(self, entities: Iterable[Entity]) -> None:
        self._by_name: dict[str, Entity] = {}
        for entity in entities:
            for name in entity.names:
                if name.strip():
                    self._by_name.setdefault(nfc(name), entity)
        names = sorted(self._by_name, key=len, reverse=True)
        self._pattern = (
            re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, names)) + r")(?!\w)") if names else None
        )

    def find(self, text: str) -> list[tuple[int, int, Entity]]:
        if self._pattern is None:
            return []
        if nfc(text) is text:  # (nearly always: nothing to compose)
            return [(m.start(), m.end(), self._by_name[m.group(0)]) for m in self._pattern.finditer(text)]
        composed, starts, ends = composed_with_offsets(text)
        return [(starts[m.start()], ends[m.end() - 1], self._by_name[m.group(0)])
                for m in self._pattern.finditer(composed)]


# Capitalised words that may follow or precede a place without making a longer name of
# it: titles and roles ("Kazakhstan President ..."), months, weekdays, a sentence's first word.
_NOT_NAME_WORDS = {
    "president", "prime", "minister", "deputy", "foreign", "ambassador", "head", "leader", "government", "senate",
    "parliament", "the", "a", "an", "and", "or", "but", "in", "on", "at", "for", "from", "to", "with", "by", "as",
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "this", "that", "it",
    "its", "he", "she", "they", "we", "after", "before", "while", "since", "during", "over", "under", "also", "i",
}
# Heads of a name that holds a place after "of": "Bank of China", "University of Tashkent".
_OF_HEADS = re.compile(r"\b(?:Bank|Embassy|University|Academy|Chamber|Association|Union|Ministry|Institute|Council"
                       r"|Fund|Agency|Corporation|Company|Exchange|Group)\s+of\s+$")
_NEXT_WORD = re.compile(r"[ \t]+([A-Z][\w'’&-]*)")
_PREVIOUS_WORD = re.compile(r"([A-Z][\w'’&-]*)[ \t]+$")


def _title_case_line(text: str, start: int) -> bool:
    """Whether the line holding ``start`` is a headline in title case (most words capitalised)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start : len(text) if line_end < 0 else line_end].strip()
    words = re.findall(r"[A-Za-z][\w'’-]*", line)
    return len(words) >= 4 and not line.endswith(".") and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def inside_longer_name(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` (a place's name) is part of a longer capitalised name the
    text gives: a name word right after it ("China Railway Group", "Kazakhstan Temir Zholy")
    or before it ("Air Astana"), or a head such as "Bank of" before it."""
    if _OF_HEADS.search(text, max(0, start - 30), start):
        return True
    if _title_case_line(text, start):
        return False  # in a title-case headline every word is capitalised
    after = _NEXT_WORD.match(text, end)
    if after and after.group(1).lower() not in _NOT_NAME_WORDS:
        return True
    before = _PREVIOUS_WORD.search(text, max(0, start - 40), start)
    if before and before.group(1).lower() not in _NOT_NAME_WORDS:
        sentence_start = before.start() == 0 or re.search(r"(?:^|[.!?:]\s+|\n\s*)$", text[: before.start()])
        return not sentence_start
    return False


def propose(document: Document, schema: LabelSchema, matcher: EntityMatcher | None = None,
            annotator: str = "") -> list[Suggestion]:
    """Everything the rules find in one document's body (not yet filtered against the store)."""
    text, anchor = document.text, document.published
    proposals: list[Suggestion] = []
    date_labels = [label.name for label in schema.labels if label.kind is LabelKind.DATE]
    # Datelines and stamps are metadata; furniture, addresses and identifiers are not figures.
    taken: list[tuple[int, int]] = [(line.start, line.end) for line in find_head_lines(text)] + noise_spans(text)
    if date_labels:
        for found in find_dates(text, anchor):
            if not all(found.end <= s or found.start >= e for s, e in taken):
                continue
            proposals.append(Suggestion(doc_id=document.id, start=found.start, end=found.end, label=date_labels[0],
                                        annotator=annotator, source="dates",
                                        value=found.value.model_dump(mode="json", exclude_none=True)))
            taken.append((found.start, found.end))
    figure_labels = {label.name for label in schema.labels if label.kind is LabelKind.FIGURE}
    for found in find_figures(text):
        if found.label in figure_labels and all(found.end <= s or found.start >= e for s, e in taken):
            proposals.append(Suggestion(doc_id=document.id, start=found.start, end=found.end, label=found.label,
                                        annotator=annotator, source="figures",
                                        value=found.value.model_dump(mode="json")))
    if matcher is not None:
        for start, end, entity in matcher.find(text):
            if entity.type == "LOCATION" and inside_longer_name(text, start, end):
                continue  # "China" in "China Railway Group", "Astana" in "Air Astana": another entity's name
            if entity.type in schema:
                proposals.append(Suggestion(doc_id=document.id, start=start, end=end, label=entity.type,
                                            annotator=annotator, source="entities", entity_id=entity.id))
    header = find_header(text)
    if header is not None:
        proposals = [s for s in proposals if not header.overlaps(s.start, s.end)]
    return sorted(proposals, key=lambda s: (s.start, s.end))


def visible(suggestions: Iterable[Suggestion], annotations: Iterable[Annotation],
            label: str | None = None) -> list[Suggestion]:
    """Open suggestions (of ``label``, if given) that do not overlap any of the annotator's own spans."""
    spans = sorted((a.start, a.end) for a in annotations)
    starts = [start for start, _end in spans]
    # Longest span end among spans starting at or before each index, for a bisect test.
    reach, longest = [], -1
    for _start, end in spans:
        longest = max(longest, end)
        reach.append(longest)

    def clear(s: Suggestion) -> bool:
        index = bisect.bisect_left(starts, s.end) - 1  # spans starting before the suggestion ends
        return index < 0 or reach[index] <= s.start

    return [s for s in suggestions
            if s.status is SuggestionStatus.OPEN and (label is None or s.label == label) and clear(s)]


def suggest_document(store: Store, doc_id: int, annotator: str, matcher: EntityMatcher | None = None,
                     schema: LabelSchema | None = None) -> list[Suggestion]:
    """Store new suggestions for one document; returns those added."""
    document = store.get_document(doc_id)
    schema = schema or store.label_schema
    matcher = matcher if matcher is not None else EntityMatcher(store.entities())
    known = {(s.start, s.end, s.label) for s in store.suggestions_for(doc_id, annotator)}
    own = store.annotations_for(doc_id, annotator)
    new = [s for s in propose(document, schema, matcher, annotator)
           if (s.start, s.end, s.label) not in known and all(not s.overlaps(a.start, a.end) for a in own)]
    store.add_suggestions(new)
    return new


def suggest_project(store: Store, annotator: str, job: Job | None = None, ids: list[int] | None = None,
                    accept: Callable[[int], object] | None = None, labels: Counter[str] | None = None) -> int:
    """Suggest for every document (or those of ``ids``); returns how many suggestions were
    added (counted by label in ``labels``, if given). ``accept(doc_id)``, if given, then
    accepts a document's suggestions. A document the rules fail on is reported in
    ``job.failures``, by its id, and the others are done."""
    job = job or Job()
    schema = store.label_schema
    matcher = EntityMatcher(store.entities())
    ids = store.document_ids() if ids is None else ids
    uids = store.uids() if len(ids) > 1 else {}
    added = 0
    for index, doc_id in enumerate(ids):
        if index % 20 == 0:
            job.check()
            job.set_progress(index, len(ids))
        with job.per_document(uids.get(doc_id) or str(doc_id), "suggest"):
            new = suggest_document(store, doc_id, annotator, matcher, schema)
            added += len(new)
            if labels is not None:
                labels.update(suggestion.label for suggestion in new)
            if accept is not None:
                accept(doc_id)
    job.set_progress(len(ids), len(ids))
    return added
