"""The commands that change the project's labels and category sets: each applies itself
and returns its inverse, as every command in ``commands`` does (and is kept in the
history as they are)."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from curator.domain.models import Annotation, Relation, RelationSuggestion, Suggestion
from curator.domain.relation_rules import relation_problems
from curator.domain.schema import LabelSchema
from curator.errors import CuratorError
from curator.store import Store
from curator.store.rows import column_rows


def _as_columns(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Rows (dicts of the same keys) as columns."""
    return {name: [row[name] for row in rows] for name in rows[0]} if rows else {}


@dataclass
class ChangeSchema:
    """Add, describe, recolour, reorder or change the kind of labels, or edit category
    sets: the spans stay as they are. ``expected``: the labels this change is made over,
    if it is an undo or redo (the schema its edit left): refused if they changed since,
    as putting the older schema back would silently undo those later changes too."""

    schema: LabelSchema
    label: str = "Edit labels"
    doc_id: int = 0
    expected: LabelSchema | None = None

    @property
    def text(self) -> str:
        return self.label

    def apply(self, store: Store) -> "ChangeSchema":
        with store.transaction():
            before = _schema_as_expected(store, self.expected)
            store.save_schema(self.schema)
        return ChangeSchema(before, self.label, self.doc_id, expected=self.schema)


@dataclass
class RemoveRelationLabel:
    """Delete relation label ``name`` (the labels become ``schema``) with the relations
    proposed of it; refused while relations have it (``save_schema``)."""

    name: str
    schema: LabelSchema
    label: str
    doc_id: int = 0
    expected: LabelSchema | None = None

    @property
    def text(self) -> str:
        return self.label

    def apply(self, store: Store) -> "RestoreRelationLabel":
        with store.transaction():
            before = _schema_as_expected(store, self.expected)
            proposals = store.take_out_relation_suggestions_labelled(self.name)
            store.save_schema(self.schema)
        return RestoreRelationLabel(self.name, before, self.label, self.doc_id, expected=self.schema,
                                    proposals=proposals)


@dataclass
class RestoreRelationLabel:
    """Undo ``RemoveRelationLabel``: the label back, and its proposals as they were (their
    status kept: a rejected one is not proposed again)."""

    name: str
    schema: LabelSchema
    label: str
    doc_id: int = 0
    expected: LabelSchema | None = None
    proposals: list[RelationSuggestion] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.label

    def apply(self, store: Store) -> RemoveRelationLabel:
        with store.transaction():
            current = _schema_as_expected(store, self.expected)
            store.save_schema(self.schema)
            store.restore_relation_suggestions(self.proposals)  # (those whose spans went since stay out)
        return RemoveRelationLabel(self.name, current, self.label, self.doc_id, expected=self.schema)


def _schema_as_expected(store: Store, expected: LabelSchema | None) -> LabelSchema:
    """The project's labels now; CuratorError if they are not ``expected`` (when given)."""
    current = store.label_schema
    if expected is not None and current != expected:
        raise CuratorError("the labels were changed since (in this window or another), and this would put the "
                           "older labels back over those changes")
    return current


@dataclass
class MoveLabel:
    """Every span of ``source`` becomes a ``target`` span (a rename, or a merge into an
    existing label), or goes (``target`` None: the label deleted with its spans), and
    the schema becomes ``schema``; ``rekeyed`` carries review decisions to their items'
    new keys."""

    source: str
    target: str | None
    schema: LabelSchema
    label: str
    rekeyed: dict[str, str] = field(default_factory=dict)
    doc_id: int = 0
    expected: LabelSchema | None = None  # as ``ChangeSchema``'s, when redone

    @property
    def text(self) -> str:
        return self.label

    def apply(self, store: Store) -> "RestoreLabel":
        with store.transaction(), store.roomy_cache():
            before = _schema_as_expected(store, self.expected)
            old = before.get(self.source)
            new = self.schema.get(self.target) if self.target is not None else None
            if old is None:
                raise CuratorError(f"no label {self.source!r}")
            if self.target is not None and (new is None or new.kind != old.kind):
                raise CuratorError(f"the spans of {self.source} can only move to a label of its kind ({old.kind})")
            # The relations on the spans that go go with them (the database's cascade): kept to be undone.
            relations = store.relations_on_label(self.source, self.target)  # (of the spans it deletes)
            proposals = store.relation_suggestions_on_label(self.source, self.target)
            done = store.move_label(self.source, self.target)  # (the rows it deleted, as columns)
            gone = set(done.deleted.get("id", ()))
            relations = [r for r in relations if r.source_id in gone or r.target_id in gone]
            proposals = [p for p in proposals if p.source_id in gone or p.target_id in gone]
            store.rekey_reviews(self.rekeyed)
            store.save_schema(self.schema, (self.source, *([self.target] if self.target else [])))
            carried = _carry_to_twins(store, relations, done.deleted, self.target, self.schema) if self.target else []
        return RestoreLabel(self.source, self.target, before, self.label, done.moved, [], done.entities,
                            {new_key: old_key for old_key, new_key in self.rekeyed.items()}, self.doc_id,
                            expected=self.schema, relations=relations, carried=carried, proposals=proposals,
                            deleted_rows=done.deleted, suggestions_moved=done.suggestions_moved,
                            suggestions_deleted=done.suggestions_deleted)


def _carry_to_twins(store: Store, relations: list[Relation], deleted: dict[str, list[Any]], target: str,
                    schema: LabelSchema) -> list[str]:
    """In a merge, a span that met a ``target`` span of its annotator at its bounds was
    deleted (the two became one): its relations go over to that span, where they are
    still valid and not there already. Returns their ids (each keeps its own)."""
    if not relations:
        return []
    ends = {end for relation in relations for end in (relation.source_id, relation.target_id)}
    doomed = {row["id"]: SimpleNamespace(**row) for row in column_rows(deleted) if row["id"] in ends}
    carried: list[Relation] = []
    for doc_id in sorted({relation.doc_id for relation in relations}):
        spans = {span.id: span for span in store.annotations_for(doc_id)}
        twins = {(s.annotator, s.start, s.end): s.id for s in spans.values() if s.label == target}
        others = store.relations_for(doc_id)
        for relation in (r for r in relations if r.doc_id == doc_id):
            ends = [twins.get((doomed[end].annotator, doomed[end].start, doomed[end].end)) if end in doomed else end
                    for end in (relation.source_id, relation.target_id)]
            if ends[0] is None or ends[1] is None or ends[0] == ends[1]:
                continue
            moved = relation.model_copy(update={"source_id": ends[0], "target_id": ends[1]})
            if not relation_problems(moved, spans, schema, [*others, *carried]):
                carried.append(moved)
    store.add_relations(carried)
    return [relation.id for relation in carried]


@dataclass
class RestoreLabel:
    """Undo ``MoveLabel``: the schema as it was, the moved spans back to ``source``, the
    deleted spans back with the relations they took with them (or gave to the span they
    were merged into)."""

    source: str
    target: str | None
    schema: LabelSchema
    label: str
    moved: list[str]
    deleted: list[Annotation]
    entities: list[str]
    rekeyed: dict[str, str] = field(default_factory=dict)
    doc_id: int = 0
    expected: LabelSchema | None = None  # the labels the move left: as ``ChangeSchema``'s
    relations: list[Relation] = field(default_factory=list)  # as they were before the move
    carried: list[str] = field(default_factory=list)  # the ids of those the move gave to a twin span
    proposals: list[RelationSuggestion] = field(default_factory=list)  # relations proposed on the deleted spans
    # Entries written before the history kept rows as columns hold models here (``deleted``
    # the spans, this the label's suggestions, relabelled or deleted), and are still undone
    # as they were; a newer entry leaves both empty and holds the rows below instead, as
    # ``Columns`` (``curator.store.rows``): a label of 100,000 spans is a dozen lists.
    suggestions: list[Suggestion] = field(default_factory=list)
    deleted_rows: dict[str, list[Any]] = field(default_factory=dict)  # the spans deleted, as they were
    suggestions_moved: list[str] = field(default_factory=list)  # the ids of the suggestions relabelled
    suggestions_deleted: dict[str, list[Any]] = field(default_factory=dict)  # those deleted, as they were

    @property
    def text(self) -> str:
        return self.label

    def apply(self, store: Store) -> MoveLabel:
        with store.transaction(), store.roomy_cache():
            after = _schema_as_expected(store, self.expected)
            for relation_id in self.carried:  # (put back on the span they were on, below)
                with suppress(CuratorError):  # (deleted since: nothing to take back)
                    store.delete_relation(relation_id)
            deleted = self.deleted_rows or _as_columns([span.model_dump(mode="json") for span in self.deleted])
            store.restore_label(self.source, self.moved, deleted, self.entities)
            store.restore_relations(self.relations)  # (one whose other end went since stays out)
            store.restore_relation_suggestions(self.proposals)
            store.rekey_reviews(self.rekeyed)
            store.save_schema(self.schema, (self.source, *([self.target] if self.target else [])))
            store.restore_suggestions(self.suggestions, self.source)  # (once their label is back; an older entry's)
            store.restore_label_suggestions(self.source, self.suggestions_moved, self.suggestions_deleted)
        return MoveLabel(self.source, self.target, after, self.label,
                         {new_key: old_key for old_key, new_key in self.rekeyed.items()}, self.doc_id,
                         expected=self.schema)
