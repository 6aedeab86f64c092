"""An import as one step of its user's history: undoing it takes out what it added (its new
documents, with everything on them, and the spans and relations it added to documents
already there) and puts back the statuses and category choices it set on those, and the
spans it corrected, as they were; redoing it does it all again.

The import itself is not a command: it writes in batches, each committed, so that a run
killed half-way keeps what it did. Once it ends (or is cancelled) its step is recorded,
already done, and undo and redo work on what it wrote."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from curator.domain.models import RelationSuggestion, Suggestion, utc_now
from curator.errors import CuratorError
from curator.store import Store

# An undone import bigger than this (its documents, and its spans on documents already
# there) cannot be redone: its rows would go into the history.
# It is undone all the same (its documents go); to have them again, import the file again.
REDO_LIMIT = 20_000


@dataclass
class TakeOutImport:
    """Undoes an import: its documents (by id runs) and its spans on older documents go."""

    label: str
    ranges: list[tuple[int, int]]
    span_ids: list[str] = field(default_factory=list)
    since: datetime = field(default_factory=utc_now)  # when the import ended: later work is not its
    doc_id: int = 0
    relation_ids: list[str] = field(default_factory=list)  # its relations on older documents
    # The statuses it set on older documents, as they were before it (``Store.set_statuses``).
    statuses: list[tuple[int, str, str | None, datetime | None]] = field(default_factory=list)
    categories: list[tuple[int, str, str, list[str], datetime | None]] = field(default_factory=list)  # the same
    changed: list[dict[str, Any]] = field(default_factory=list)  # the spans it corrected, as they were
    suggestion_ids: list[str] = field(default_factory=list)  # its suggestions on older documents

    @property
    def text(self) -> str:
        return self.label

    def apply(self, store: Store) -> "PutBackImport | ImportNotRedoable":
        with store.transaction():
            later = store.work_since(self.ranges, self.since)
            if later:  # someone's work on these documents would go with them
                raise CuratorError(f"its documents were worked on since ({later}); delete them one by one "
                                   "if they are to go")
            edited = [span for span in store.annotations_by_id(self.span_ids).values() if span.updated > self.since]
            if edited:  # its spans on documents already there, corrected since: that work would go
                first = edited[0]
                uid = store.get_document(first.doc_id).uid
                raise CuratorError(f"{len(edited):,} of the spans it added to documents already in the project "
                                   f"{'were' if len(edited) != 1 else 'was'} edited since (such as {first.annotator}'s "
                                   f"{first.label} at {first.start}-{first.end} in {uid!r}); delete them one by one "
                                   "if they are to go")
            # Its relations, and any drawn since from or to its spans on older documents
            # (taken out before the spans' cascade would delete them for good).
            touching = [relation.id for relation in store.relations_touching(self.span_ids)]
            relations = store.take_out_relations(list(dict.fromkeys([*self.relation_ids, *touching])))
            proposals = [p.model_dump(mode="json") for p in store.relation_suggestions_touching(self.span_ids)]
            spans = store.take_out_annotations(self.span_ids)
            changed = set_spans(store, self.changed, self.since)
            suggestions = [s.model_dump(mode="json") for s in store.take_out_suggestions(self.suggestion_ids)]
            # Its statuses and categories on older documents as they were before it; one set since stays.
            statuses = store.set_statuses(self.statuses, kept_after=self.since)
            categories = store.set_category_rows(self.categories, kept_after=self.since)
            # Its spans on older documents go into the history with its documents' rows.
            keep = store.documents_in(self.ranges) + len(spans) <= REDO_LIMIT
            rows = store.take_out_documents(self.ranges, keep=keep)
        if not keep:
            return ImportNotRedoable(self.label, self.doc_id)
        return PutBackImport(self.label, rows, spans, self.doc_id, relations, proposals, statuses, categories,
                             changed=changed, suggestions=suggestions)


@dataclass
class PutBackImport:
    """Redoes an import: puts back the rows its undo took out."""

    label: str
    rows: dict[str, list[dict[str, Any]]]
    spans: list[dict[str, Any]] = field(default_factory=list)
    doc_id: int = 0
    relations: list[dict[str, Any]] = field(default_factory=list)
    proposals: list[dict[str, Any]] = field(default_factory=list)  # relations proposed on its spans on older documents
    statuses: list[tuple[int, str, str | None, datetime | None]] = field(default_factory=list)  # as it set them
    categories: list[tuple[int, str, str, list[str], datetime | None]] = field(default_factory=list)  # the same
    since: datetime = field(default_factory=utc_now)  # when it was undone: a status or choice set later stays
    changed: list[dict[str, Any]] = field(default_factory=list)  # the spans it corrected, as it left them
    suggestions: list[dict[str, Any]] = field(default_factory=list)  # its suggestions on older documents

    @property
    def text(self) -> str:
        return self.label

    def apply(self, store: Store) -> TakeOutImport:
        from curator.store.removals import id_ranges, outdated

        uids = [row["uid"] for row in self.rows.get("documents", [])]
        with store.transaction():
            again = store.existing_uids(uids)
            if again:
                raise CuratorError(f"{len(again):,} of its documents were imported again since (such as "
                                   f"{next(iter(again))!r})")
            gone = self._labels_gone(store)
            if gone:  # they would come back with a label the project no longer has
                raise CuratorError(f"its spans have the label(s) {', '.join(gone)}, deleted since; add them back "
                                   "and import its files again")
            taken = store.documents_in(id_ranges([row["id"] for row in self.rows.get("documents", [])]))
            if taken:  # (a project copied by an older Curator, or ids set by hand: no backend gives one twice)
                raise CuratorError(f"{taken:,} of its documents' ids went to documents added since; import its "
                                   "files again")
            ids = store.put_back_documents(self.rows)
            span_ids = store.put_back_annotations(self.spans)  # (those on a document deleted since stay out)
            store.put_back_relations(self.relations)
            try:
                proposals = [RelationSuggestion.model_validate(p) for p in self.proposals]
            except ValidationError as exc:
                raise outdated("a relation proposed", exc) from exc
            store.restore_relation_suggestions(proposals)
            statuses = store.set_statuses(self.statuses, kept_after=self.since)
            categories = store.set_category_rows(self.categories, kept_after=self.since)
            changed = set_spans(store, self.changed, self.since)
            try:
                suggestions = [Suggestion.model_validate(s) for s in self.suggestions]
            except ValidationError as exc:
                raise outdated("a suggestion", exc) from exc
            suggestion_ids = store.put_back_suggestions(suggestions)
        return TakeOutImport(self.label, id_ranges(ids), span_ids, doc_id=self.doc_id,
                             relation_ids=[relation["id"] for relation in self.relations], statuses=statuses,
                             categories=categories, changed=changed,
                             suggestion_ids=suggestion_ids)


    def _labels_gone(self, store: Store) -> list[str]:
        """The labels of the spans it keeps that the project has no more (relations may
        have labels the schema does not list: those of a file imported, say)."""
        schema = store.label_schema
        labels = {row.get("label") for row in [*self.rows.get("annotations", []), *self.spans, *self.changed,
                                               *self.suggestions]}
        return sorted(label for label in labels if isinstance(label, str) and label not in schema)


_EDITABLE = ("start", "end", "label", "value", "entity_id")


def set_spans(store: Store, states: list[dict[str, Any]], since: datetime) -> list[dict[str, Any]]:
    """Give spans an import corrected the fields of ``states`` (as they were before it, or
    as it left them), unless one was edited ``since``: that work would be lost. Returns the
    states they had, for the step back; a span deleted since stays deleted."""
    spans = store.annotations_by_id({state["id"] for state in states})
    edited = [span for span in spans.values() if span.updated > since]
    if edited:
        first = edited[0]
        raise CuratorError(f"{len(edited):,} of the spans it corrected {'were' if len(edited) != 1 else 'was'} edited "
                           f"since (such as {first.annotator}'s {first.label} at {first.start}-{first.end}); undo "
                           "or change them by hand")
    before = [spans[state["id"]].model_dump(mode="json") for state in states if state["id"] in spans]
    for state in states:
        if state["id"] in spans:
            store.update_annotation(state["id"], **{name: state[name] for name in _EDITABLE})
    return before


@dataclass
class ImportNotRedoable:
    label: str
    doc_id: int = 0

    @property
    def text(self) -> str:
        return self.label

    def apply(self, store: Store) -> TakeOutImport:
        raise CuratorError(f"an import of more than {REDO_LIMIT:,} documents and spans on documents already in the "
                           "project cannot be redone once undone: import its files again")
