"""The commands that change the project's labels and category sets: each applies itself
and returns its inverse, as every command in ``commands`` does (and is kept in the
history as they are)."""

from __future__ import annotations

from dataclasses import dataclass, field

from curator.domain.models import Annotation, Relation
from curator.domain.schema import LabelSchema
from curator.errors import CuratorError
from curator.store import Store


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
        with store.transaction():
            before = _schema_as_expected(store, self.expected)
            old = before.get(self.source)
            new = self.schema.get(self.target) if self.target is not None else None
            if old is None:
                raise CuratorError(f"no label {self.source!r}")
            if self.target is not None and (new is None or new.kind != old.kind):
                raise CuratorError(f"the spans of {self.source} can only move to a label of its kind ({old.kind})")
            # The relations on the spans that go go with them (the database's cascade): kept to be undone.
            relations = store.relations_on_label(self.source)
            moved, deleted, entities = store.move_label(self.source, self.target)
            gone = {span.id for span in deleted}
            relations = [r for r in relations if r.source_id in gone or r.target_id in gone]
            store.rekey_reviews(self.rekeyed)
            store.save_schema(self.schema, (self.source, *([self.target] if self.target else [])))
        return RestoreLabel(self.source, self.target, before, self.label, moved, deleted, entities,
                            {new_key: old_key for old_key, new_key in self.rekeyed.items()}, self.doc_id,
                            expected=self.schema, relations=relations)


@dataclass
class RestoreLabel:
    """Undo ``MoveLabel``: the schema as it was, the moved spans back to ``source``, the
    deleted spans back with the relations they took with them."""

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
    relations: list[Relation] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.label

    def apply(self, store: Store) -> MoveLabel:
        with store.transaction():
            after = _schema_as_expected(store, self.expected)
            store.restore_label(self.source, self.moved, self.deleted, self.entities)
            store.add_relations(self.relations)
            store.rekey_reviews(self.rekeyed)
            store.save_schema(self.schema, (self.source, *([self.target] if self.target else [])))
        return MoveLabel(self.source, self.target, after, self.label,
                         {new_key: old_key for old_key, new_key in self.rekeyed.items()}, self.doc_id,
                         expected=self.schema)
