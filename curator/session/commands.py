"""Every edit as a small command object: each applies itself and returns its inverse.
Spans, statuses, suggestions and entities; review decisions (settling into gold);
duplicate decisions, merging and splitting entities; facts. One room for all of them,
but the commands that change the project's labels (``schema_commands``).

Every user action that changes a project goes through one of these, so that the
GUI's undo stack, the command line and the tests all share one implementation.
Commands address things by id and never hold Qt objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Protocol

from curator.domain.models import (
    GOLD,
    Annotation,
    Decision,
    DocumentStatus,
    Entity,
    Fact,
    Relation,
    RelationSuggestion,
    Review,
    SuggestionStatus,
    new_id,
    utc_now,
)
from curator.errors import CuratorError
from curator.session.schema_commands import ChangeSchema, MoveLabel, RestoreLabel  # noqa: F401 - commands too
from curator.store import Store


class Command(Protocol):
    """An edit. ``apply`` performs it and returns the command that undoes it."""

    doc_id: int

    @property
    def text(self) -> str: ...

    def apply(self, store: Store) -> "Command": ...


@dataclass
class AddSpan:
    """Add a span (and, when it undoes a deletion, the relations that went with it)."""

    annotation: Annotation
    relations: list[Relation] = field(default_factory=list)
    proposals: list[RelationSuggestion] = field(default_factory=list)  # relations proposed on it, as they were

    @property
    def doc_id(self) -> int:
        return self.annotation.doc_id

    @property
    def text(self) -> str:
        return f"Add {self.annotation.label}"

    def apply(self, store: Store) -> "DeleteSpan":
        with store.transaction():
            store.add_annotation(self.annotation)
            store.restore_relations(self.relations)  # (one whose other end went since stays out)
            store.restore_relation_suggestions(self.proposals)
        return DeleteSpan(self.annotation.id, self.annotation.doc_id, self.annotation.label)


@dataclass
class DeleteSpan:
    """Delete a span and the relations it is an end of; the undo restores both."""

    annotation_id: str
    doc_id: int
    label: str = ""

    @property
    def text(self) -> str:
        return f"Delete {self.label}".strip()

    def apply(self, store: Store) -> AddSpan:
        with store.transaction():
            proposals = store.relation_suggestions_touching([self.annotation_id])  # (the cascade deletes them)
            return AddSpan(*store.delete_span_and_relations(self.annotation_id), proposals)


@dataclass
class EditSpan:
    """Change a span's label, bounds, normalized value or entity link."""

    annotation_id: str
    doc_id: int
    changes: dict[str, Any] = field(default_factory=dict)
    expected: datetime | None = None  # the span's ``updated`` as the user saw it; None: no check
    left_as: dict[str, Any] | None = None  # an undo's or redo's: the fields as its edit left them

    @property
    def text(self) -> str:
        if "label" in self.changes:  # its value and link may follow the label: still a relabel
            return f"Relabel as {self.changes['label']}"
        return "Edit span"

    def apply(self, store: Store) -> "EditSpan":
        with store.transaction():  # the check and the write as one
            if self.left_as is not None:
                _unchanged_since(store.get_annotation(self.annotation_id), self.left_as, "span")
            before, after = store.edit_annotation(self.annotation_id, self.expected, **self.changes)
        # Undone (or redone) only if nobody changed these fields since: else it would silently
        # put back a value over theirs.
        return EditSpan(self.annotation_id, self.doc_id, {name: getattr(before, name) for name in self.changes},
                        left_as={name: getattr(after, name) for name in self.changes})


@dataclass
class SetStatus:
    doc_id: int
    annotator: str
    status: DocumentStatus

    @property
    def text(self) -> str:
        if self.annotator == GOLD:  # the reviewer's mark
            return "Mark reviewed" if self.status is DocumentStatus.DONE else "Mark not reviewed"
        return "Mark done" if self.status is DocumentStatus.DONE else "Mark to do"

    def apply(self, store: Store) -> "SetStatus":
        before = store.set_status(self.doc_id, self.annotator, self.status)
        return SetStatus(self.doc_id, self.annotator, before)


@dataclass
class EditDocument:
    """Change a document's editable metadata (title, outlet, URL, date)."""

    doc_id: int
    changes: dict[str, Any]
    left_as: dict[str, Any] | None = None  # as ``EditSpan``'s

    @property
    def text(self) -> str:
        return "Edit " + ", ".join(sorted(self.changes))

    def apply(self, store: Store) -> "EditDocument":
        with store.transaction():  # the check and the write as one
            if self.left_as is not None:
                _unchanged_since(store.get_document(self.doc_id), self.left_as, "document")
            before = store.update_document(self.doc_id, **self.changes)
            after = store.get_document(self.doc_id)
        return EditDocument(self.doc_id, before, left_as={name: getattr(after, name) for name in self.changes})


def _unchanged_since(current: Any, expected: dict[str, Any], what: str) -> None:
    """Refuse an undo or redo over someone else's later change of the same fields:
    ``expected`` holds them as the edit left them (a date may be in ISO, as the history
    keeps it)."""
    def comparable(value: Any) -> Any:
        return value.isoformat() if isinstance(value, date) else list(value) if isinstance(value, tuple) else value

    for name, value in expected.items():
        if comparable(getattr(current, name)) != comparable(value):
            raise CuratorError(f"the {what}'s {name} was changed by someone else since; it was left as they "
                               "made it")


@dataclass
class Batch:
    """Several commands as one user action (one undo step)."""

    commands: list
    label: str
    doc_id: int

    @property
    def text(self) -> str:
        return self.label

    def apply(self, store: Store) -> "Batch":
        with store.transaction():  # all of it or, if any step fails, none of it
            inverses = [command.apply(store) for command in self.commands]
        return Batch(list(reversed(inverses)), self.label, self.doc_id)


@dataclass
class AcceptSuggestion:
    """Turn a suggestion into an annotation of the suggestion's annotator (linked to
    ``entity_id`` if given, e.g. an entity just created from it, else as suggested)."""

    suggestion_id: str
    doc_id: int
    entity_id: str | None = None

    @property
    def text(self) -> str:
        return "Accept suggestion"

    def apply(self, store: Store) -> "UndoAccept":
        with store.transaction():  # one command, one transaction
            suggestion = store.get_suggestion(self.suggestion_id)
            annotation = Annotation(doc_id=suggestion.doc_id, start=suggestion.start, end=suggestion.end,
                                    label=suggestion.label, annotator=suggestion.annotator, value=suggestion.value,
                                    entity_id=self.entity_id or suggestion.entity_id)
            store.add_annotation(annotation)
            store.set_suggestion_status(self.suggestion_id, SuggestionStatus.ACCEPTED, annotation.id)
            return UndoAccept(self.suggestion_id, self.doc_id, annotation.id, self.entity_id)


@dataclass
class UndoAccept:
    suggestion_id: str
    doc_id: int
    annotation_id: str
    entity_id: str | None = None

    @property
    def text(self) -> str:
        return "Accept suggestion"

    def apply(self, store: Store) -> AcceptSuggestion:
        with store.transaction():  # one command, one transaction
            store.delete_annotation(self.annotation_id)
            store.set_suggestion_status(self.suggestion_id, SuggestionStatus.OPEN)
            return AcceptSuggestion(self.suggestion_id, self.doc_id, self.entity_id)


@dataclass
class SetSuggestionStatus:
    """Reject a suggestion (or reopen a rejected one)."""

    suggestion_id: str
    doc_id: int
    status: SuggestionStatus

    @property
    def text(self) -> str:
        return "Reject suggestion" if self.status is SuggestionStatus.REJECTED else "Reopen suggestion"

    def apply(self, store: Store) -> "SetSuggestionStatus":
        before = store.set_suggestion_status(self.suggestion_id, self.status)
        return SetSuggestionStatus(self.suggestion_id, self.doc_id, before.status)


@dataclass
class SetSuggestionValue:
    """Change a suggestion's value (a date re-resolved against a new article date)."""

    suggestion_id: str
    doc_id: int
    value: dict[str, Any] | None

    @property
    def text(self) -> str:
        return "Re-resolve suggestion"

    def apply(self, store: Store) -> "SetSuggestionValue":
        before = store.set_suggestion_value(self.suggestion_id, self.value)
        return SetSuggestionValue(self.suggestion_id, self.doc_id, before.value)


@dataclass
class CreateEntity:
    entity: Entity
    doc_id: int = 0

    @property
    def text(self) -> str:
        return f"Create entity {self.entity.name}"

    def apply(self, store: Store) -> "DeleteEntity":
        store.add_entity(self.entity)
        return DeleteEntity(self.entity.id, self.doc_id)


@dataclass
class DeleteEntity:
    entity_id: str
    doc_id: int = 0

    @property
    def text(self) -> str:
        return "Delete entity"

    def apply(self, store: Store) -> CreateEntity:
        return CreateEntity(store.delete_entity(self.entity_id), self.doc_id)


@dataclass
class EditEntity:
    """Rename an entity, change its type or its aliases."""

    entity_id: str
    changes: dict[str, Any]
    doc_id: int = 0
    left_as: dict[str, Any] | None = None  # as ``EditSpan``'s

    @property
    def text(self) -> str:
        return "Edit entity"

    def apply(self, store: Store) -> "EditEntity":
        with store.transaction():
            if self.left_as is not None:
                _unchanged_since(store.get_entity(self.entity_id), self.left_as, "entity")
            before = store.update_entity(self.entity_id, **self.changes)
            after = store.get_entity(self.entity_id)
        return EditEntity(self.entity_id, {name: getattr(before, name) for name in self.changes}, self.doc_id,
                          left_as={name: getattr(after, name) for name in self.changes})


# -- review: settling disagreements into gold ------------------------------------------


@dataclass
class Settle:
    """Record a decision on an item and write its gold spans; undone by ``Unsettle``.

    A region has one decision: an earlier one on text this item overlaps (made before an
    annotator changed the region, which made it a new item) is replaced, its gold spans
    removed, and put back by the undo. ``replaces`` is False only when putting one back."""

    item_key: str
    doc_id: int
    start: int
    end: int
    decision: str
    gold: list[Annotation]
    reviewer: str
    replaces: bool = True
    relations: list[Relation] = field(default_factory=list)  # gold relations of these spans, when put back

    @property
    def text(self) -> str:
        return f"Settle: {self.decision}"

    def apply(self, store: Store) -> "Unsettle":
        with store.transaction():  # one command, one transaction
            earlier = store.reviews_overlapping(self.doc_id, self.start, self.end) if self.replaces else []
            replaced = [Unsettle(key, self.doc_id).apply(store) for key in earlier if key != self.item_key]
            store.add_annotations(self.gold)
            store.restore_relations(self.relations)  # (one whose other end went since stays out)
            store.add_review(Review(key=self.item_key, doc_id=self.doc_id, start=self.start, end=self.end,
                                    decision=self.decision, gold_ids=[g.id for g in self.gold], reviewer=self.reviewer,
                                    created=utc_now()))
            return Unsettle(self.item_key, self.doc_id, replaced)


@dataclass
class Unsettle:
    """Reopen a settled item, removing the gold spans its decision made, and put back
    the earlier decisions its settling replaced (``restores``)."""

    item_key: str
    doc_id: int
    restores: list[Settle] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "Reopen"

    def apply(self, store: Store) -> Settle:
        with store.transaction():  # one command, one transaction
            review = store.delete_review(self.item_key)
            relations = store.relations_touching(review.gold_ids)  # they go with their spans, and come back
            gold = []
            for gold_id in review.gold_ids:
                try:
                    gold.append(store.delete_annotation(gold_id))
                except CuratorError:
                    pass  # the reviewer deleted this gold span already
            for earlier in self.restores:
                replace(earlier, replaces=False).apply(store)
            return Settle(review.key, review.doc_id, review.start, review.end, review.decision, gold, review.reviewer,
                          relations=relations)


# -- duplicates: decisions, merging and splitting entities ------------------------------


@dataclass
class SetDecision:
    """Record a duplicate/distinct decision (or clear it with ``decision=None``)."""

    key: str
    kind: str
    decision: str | None
    keep: str | None = None
    note: str | None = None
    doc_id: int = 0

    @property
    def text(self) -> str:
        return f"Mark {self.decision}" if self.decision else "Reopen candidate"

    def apply(self, store: Store) -> "SetDecision":
        new = Decision(key=self.key, kind=self.kind, decision=self.decision, keep=self.keep,
                       note=self.note) if self.decision else None
        before = store.set_decision(new, self.key)
        if before is None:
            return SetDecision(self.key, self.kind, None, doc_id=self.doc_id)
        return SetDecision(before.key, before.kind, before.decision, before.keep, before.note, self.doc_id)


@dataclass
class MergeEntities:
    """Merge entities into ``keep``: their names become aliases, their mentions follow."""

    keep: str
    others: list[str]
    doc_id: int = 0

    @property
    def text(self) -> str:
        return "Merge entities"

    def apply(self, store: Store) -> "UndoMerge":
        with store.transaction():  # one command, one transaction
            kept = store.get_entity(self.keep)
            removed = [store.get_entity(other) for other in self.others]
            aliases = list(kept.aliases)
            for entity in removed:
                for name in entity.names:
                    if name != kept.name and name not in aliases:
                        aliases.append(name)
            links = store.relink_mentions(self.others, self.keep)
            before = store.update_entity(self.keep, aliases=aliases)
            for entity in removed:
                store.delete_entity(entity.id)
            return UndoMerge(before, removed, links, self.doc_id)


@dataclass
class UndoMerge:
    kept: Entity
    removed: list[Entity]
    links: dict[str, str | None]
    doc_id: int = 0

    @property
    def text(self) -> str:
        return "Merge entities"

    def apply(self, store: Store) -> MergeEntities:
        with store.transaction():  # one command, one transaction
            for entity in self.removed:
                store.add_entity(entity)
            store.update_entity(self.kept.id, aliases=self.kept.aliases, name=self.kept.name)
            store.set_entity_links(self.links)
            return MergeEntities(self.kept.id, [e.id for e in self.removed], self.doc_id)


@dataclass
class SplitEntity:
    """Move some names of an entity (and the mentions written so) to a new entity."""

    entity_id: str
    names: list[str]
    new_id: str = field(default_factory=new_id)
    doc_id: int = 0

    @property
    def text(self) -> str:
        return f"Split {', '.join(self.names)} off"

    def apply(self, store: Store) -> "UndoSplit":
        with store.transaction():  # one command, one transaction
            entity = store.get_entity(self.entity_id)
            leaving = [n for n in self.names if n in entity.names]
            if not leaving or set(leaving) >= set(entity.names):
                raise CuratorError("choose some, but not all, of the entity's names to split off")
            remaining = [n for n in entity.names if n not in leaving]
            new = Entity(id=self.new_id, name=leaving[0], type=entity.type, aliases=leaving[1:])
            store.add_entity(new)
            store.update_entity(entity.id, name=remaining[0], aliases=remaining[1:])
            moved: dict[str, str | None] = {}
            for document, spans in store.iter_documents_with_annotations():
                for span in spans:
                    if span.entity_id == entity.id and document.text[span.start : span.end] in leaving:
                        moved[span.id] = entity.id
            store.set_entity_links({annotation_id: new.id for annotation_id in moved})
            return UndoSplit(entity, new.id, moved, self.doc_id)


@dataclass
class UndoSplit:
    original: Entity
    new_id: str
    links: dict[str, str | None]
    doc_id: int = 0

    @property
    def text(self) -> str:
        return "Split entity"

    def apply(self, store: Store) -> SplitEntity:
        with store.transaction():  # one command, one transaction
            store.set_entity_links(self.links)
            split = store.delete_entity(self.new_id)
            store.update_entity(self.original.id, name=self.original.name, aliases=self.original.aliases)
            return SplitEntity(self.original.id, split.names, self.new_id, self.doc_id)


# -- facts ---------------------------------------------------------------------------------


@dataclass
class SaveFact:
    """Create or change a fact; the inverse restores the previous version (or removes it)."""

    fact: Fact
    doc_id: int = 0

    @property
    def text(self) -> str:
        return f"Save fact {self.fact.measure}"

    def apply(self, store: Store) -> "SaveFact | DeleteFact":
        before = store.save_fact(self.fact)
        return SaveFact(before, self.doc_id) if before else DeleteFact(self.fact.id, self.doc_id)


@dataclass
class DeleteFact:
    fact_id: str
    doc_id: int = 0

    @property
    def text(self) -> str:
        return "Delete fact"

    def apply(self, store: Store) -> SaveFact:
        return SaveFact(store.delete_fact(self.fact_id), self.doc_id)


@dataclass
class SetCategories:
    """Make ``choices`` an annotator's choices in one category set of a document (an
    empty list clears it)."""

    doc_id: int
    annotator: str
    set_name: str
    choices: list[str]

    @property
    def text(self) -> str:
        return f"Set {self.set_name}: {', '.join(self.choices) or 'none'}"[:300]

    def apply(self, store: Store) -> "SetCategories":
        category = store.label_schema.category(self.set_name)
        if category is None:
            raise CuratorError(f"no category set {self.set_name!r}")
        unknown = [choice for choice in self.choices if choice not in category.names]
        if unknown:
            raise CuratorError(f"{self.set_name} has no choice {unknown[0]!r}")
        if not category.multiple and len(self.choices) > 1:
            raise CuratorError(f"{self.set_name} takes one choice, not {len(self.choices)}")
        before = store.set_categories(self.doc_id, self.annotator, self.set_name, self.choices)
        return SetCategories(self.doc_id, self.annotator, self.set_name, before)


@dataclass
class SetAttribution:
    """Say whom a figure is attributed to (None: as its sentence says), overriding what
    the rules read from the text; facts and their proposed values follow."""

    annotation_id: str
    attribution: str | None
    doc_id: int = 0

    @property
    def text(self) -> str:
        return f"Attribute a figure to {self.attribution or 'its sentence'}"[:300]

    def apply(self, store: Store) -> "SetAttribution":
        before = store.set_attribution(self.annotation_id, self.attribution)
        return SetAttribution(self.annotation_id, before, self.doc_id)


@dataclass
class SetMeasures:
    """Make ``measures`` (name -> the words that name it) the measures facts are grouped
    by (None: the list a project starts with)."""

    measures: dict[str, list[str]] | None
    doc_id: int = 0

    @property
    def text(self) -> str:
        return "Edit measures"

    def apply(self, store: Store) -> "SetMeasures":
        return SetMeasures(store.set_measures(self.measures), self.doc_id)
