"""What editing the project's labels and category sets means, as commands: the window,
the command line and schema files ask these rules; none restates them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from curator.analysis.review import annotators_and_finished, items_for, worked_on
from curator.domain.schema import CategorySet, Label, LabelSchema, RelationLabel, reason
from curator.errors import CuratorError
from curator.session.schema_commands import ChangeSchema, MoveLabel, RemoveRelationLabel
from curator.store import Store

if TYPE_CHECKING:
    from curator.session.history import Session, Step


def _checked(change, *args) -> LabelSchema:
    try:
        return change(*args)
    except ValueError as exc:
        raise CuratorError(reason(exc)) from exc


def add_label(store: Store, label: Label, position: int | None = None) -> ChangeSchema:
    if label.name in store.label_schema:
        raise CuratorError(f"there is already a label {label.name!r}")
    return ChangeSchema(_checked(store.label_schema.with_label, label, position), f"Add label {label.name}")


def edit_label(store: Store, name: str, **changes) -> ChangeSchema:
    """Recolour, describe or change the kind of ``name`` (``color``, ``description``, ``kind``)."""
    schema = store.label_schema
    label = schema.get(name)
    if label is None:
        raise CuratorError(f"no label {name!r}")
    unknown = set(changes) - {"color", "description", "kind"}
    if unknown:
        raise CuratorError(f"a label has no {', '.join(sorted(unknown))} to change (rename or move it instead)")
    try:
        changed = Label.model_validate({**label.model_dump(), **changes})
    except ValueError as exc:
        raise CuratorError(f"label {name}: {reason(exc)}") from exc
    return ChangeSchema(schema.with_label(changed), f"Edit label {name}")


def move_label_to(store: Store, name: str, position: int) -> ChangeSchema:
    """Put ``name`` at ``position`` (0 first): the number keys follow the order."""
    return ChangeSchema(_checked(store.label_schema.moved, name, position), f"Move label {name}")


def rename_label(store: Store, old: str, new: str) -> MoveLabel:
    if old == new:
        raise CuratorError(f"the label is already called {old!r}: nothing to rename")
    schema = _checked(store.label_schema.renamed, old, new)
    return MoveLabel(old, new, schema, f"Rename label {old} to {new}", relabel_keys(store, old, new))


def merge_labels(store: Store, source: str, target: str) -> MoveLabel:
    """Every ``source`` span becomes a ``target`` span, and ``source`` goes."""
    schema = store.label_schema
    a, b = schema.get(source), schema.get(target)
    if a is None or b is None:
        raise CuratorError(f"no label {source if a is None else target!r}")
    if source == target:
        raise CuratorError("a label cannot be merged into itself")
    if a.kind != b.kind:
        raise CuratorError(f"{source} ({a.kind}) and {target} ({b.kind}) are of different kinds: "
                           "change the kind of one first")
    return MoveLabel(source, target, _checked(schema.without, source, target), f"Merge label {source} into {target}",
                     relabel_keys(store, source, target))


def remove_label(store: Store, name: str, move_to: str | None = None) -> MoveLabel:
    """Delete ``name``; its spans move to ``move_to`` or go with it."""
    if move_to is not None:
        command = merge_labels(store, name, move_to)
        command.label = f"Delete label {name}, its spans to {move_to}"
        return command
    schema = _checked(store.label_schema.without, name)
    return MoveLabel(name, None, schema, f"Delete label {name} and its spans", relabel_keys(store, name, None))


def set_category(store: Store, category: CategorySet) -> ChangeSchema:
    """Add a category set, or change one (its choices, keys, single or multiple choice)."""
    new = store.label_schema.category(category.name) is None
    return ChangeSchema(_checked(store.label_schema.with_category, category),
                        f"{'Add' if new else 'Edit'} category set {category.name}")


def remove_category(store: Store, name: str) -> ChangeSchema:
    return ChangeSchema(_checked(store.label_schema.without_category, name), f"Delete category set {name}")


def set_relation_label(store: Store, relation: RelationLabel) -> ChangeSchema:
    """Add a relation label, or change one (its direction, ends, colour, key, guideline)."""
    new = store.label_schema.relation(relation.name) is None
    return ChangeSchema(_checked(store.label_schema.with_relation, relation),
                        f"{'Add' if new else 'Edit'} relation label {relation.name}")


def remove_relation_label(store: Store, name: str) -> RemoveRelationLabel:
    """Delete a relation label with the relations proposed of it (undo brings them back);
    refused while relations have it (``save_schema``)."""
    in_use = store.relation_counts().get(name, 0)
    if in_use:
        raise CuratorError(f"relation label {name} has {in_use:,} relation(s): delete them first")
    return RemoveRelationLabel(name, _checked(store.label_schema.without_relation, name),
                               f"Delete relation label {name}")


def replace_schema(store: Store, schema: LabelSchema) -> ChangeSchema:
    """Take a whole schema (from a schema file or another tool's config). Labels in use
    must stay: a schema that drops one is refused, naming it."""
    missing = sorted(name for name, count in store.label_counts().items() if count and name not in schema)
    missing += sorted(name for name, count in store.relation_counts().items()
                      if count and schema.relation(name) is None)
    if missing:
        raise CuratorError(f"the schema lacks labels the project's spans use: {', '.join(missing)} "
                           "(rename, merge or delete them first)")
    return ChangeSchema(schema, "Replace labels and categories")


def adopt_schema(store: Store, schema: LabelSchema) -> ChangeSchema | None:
    """Add the labels and category sets of ``schema`` the project lacks (the project's
    own stay as they are); None when it lacks none."""
    current = store.label_schema
    have_labels, have_sets = set(current.names), {category.name for category in current.categories}
    labels = [label for label in schema.labels if label.name not in have_labels]
    categories = [category for category in schema.categories if category.name not in have_sets]
    relations = [relation for relation in schema.relations if current.relation(relation.name) is None]
    if not labels and not categories and not relations:
        return None
    # One schema, checked once (each label and set added last, as ``with_label`` and
    # ``with_category`` add a new one): a config of thousands of labels takes linear time.
    merged = _checked(LabelSchema.model_validate, {
        "labels": [label.model_dump() for label in (*current.labels, *labels)],
        "categories": [category.model_dump() for category in (*current.categories, *categories)],
        "relations": [relation.model_dump() for relation in (*current.relations, *relations)]})
    names = ([label.name for label in labels] + [category.name for category in categories]
             + [relation.name for relation in relations])
    return ChangeSchema(merged, f"Add {', '.join(names)}"[:300])


def add_found_labels(store: Store, names: list[str]) -> ChangeSchema | None:
    """Labels named in an imported file that the project lacks, added (kinds guessed from
    the conventional names, colours from the palette); None if it lacks none. Names that
    cannot be labels (``unusable_labels``) are left out: their spans stay skipped."""
    from curator.formats.schema_files import label_named

    offset = len(store.label_schema.labels)
    unusable = unusable_labels(names)
    usable = sorted(set(names) - set(unusable))
    wanted = [label_named(name, offset + index) for index, name in enumerate(usable)]
    if not wanted:
        return None
    command = adopt_schema(store, LabelSchema(labels=wanted))
    if command is not None:
        command.label = f"Add labels {', '.join(f'{label.name} ({label.kind.value})' for label in wanted)}"[:300]
    return command


def add_found_relation_labels(store: Store, names: list[str]) -> ChangeSchema | None:
    """Relation labels named in an imported file that the project lacks, added (with a
    direction, any span at either end, a colour of the palette); None if it lacks none.
    Names that cannot be relation labels are left out: their relations stay skipped."""
    wanted = []
    for name in sorted(set(names)):
        try:
            wanted.append(RelationLabel(name=name))
        except ValidationError:
            continue
    command = adopt_schema(store, store.label_schema.model_copy(update={"relations": wanted}))
    if command is not None:
        command.label = f"Add relation labels {', '.join(r.name for r in wanted)}"[:300]
    return command


def unusable_labels(names: list[str]) -> dict[str, str]:
    """The names among ``names`` that cannot be a label's, each with the reason."""
    from curator.formats.schema_files import label_named

    found = {}
    for name in sorted(set(names)):
        try:
            label_named(name, 0)
        except ValidationError as exc:
            found[name] = reason(exc)
    return found


def key_changes(before: LabelSchema, after: LabelSchema) -> str | None:
    """The number keys a change of labels moved, in words ("keys moved: 6 PERCENT → 5, …"),
    or None: a label deleted or moved shifts the keys of those after it, which a curator
    typing by heart must be told."""
    moved = []
    for label in after.labels:
        old, new = before.key_of(label.name), after.key_of(label.name)
        if label.name in before and old != new:
            moved.append(f"{label.name} {old or 'no key'} → {new or 'no key'}")
    return f"keys moved: {', '.join(moved)}" if moved else None


def relabel_keys(store: Store, source: str, target: str | None) -> dict[str, str]:
    """The new keys of settled items once every ``source`` span becomes a ``target`` span
    (or goes, with ``target`` None), so that a rename or merge of labels keeps the
    review decisions on the items they were made on. Items are matched by region."""
    settled = store.reviews()
    if not settled:
        return {}
    names, done = annotators_and_finished(store)
    affected = {review.doc_id for review in settled.values()}
    keys: dict[str, str] = {}
    for document, spans in store.documents_with_annotations(affected):
        if not any(span.label == source for span in spans):
            continue
        worked = worked_on(document.id, spans, names, done)
        before = {(i.start, i.end): i.key for i in items_for(document.id, document.uid, spans, worked)}
        taken = {(s.annotator, s.start, s.end) for s in spans if s.label == target}
        after_spans = [s.model_copy(update={"label": target}) if s.label == source else s for s in spans
                       if not (s.label == source and (target is None or (s.annotator, s.start, s.end) in taken))]
        for item in items_for(document.id, document.uid, after_spans, worked_on(document.id, after_spans, names, done)):
            old = before.get((item.start, item.end))
            if old in settled and old != item.key:
                keys[old] = item.key
    return keys


class LabelEdits:
    """What the label editor asks of ``session``'s project: how many spans carry each
    label, and a label edit (one of the rules above) done through the session, with the
    number keys it moved."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def counts(self) -> dict[str, int]:
        """How many spans carry each label."""
        return self.session.store.label_counts()

    def do(self, make: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Step, str | None]:
        """Build the command with ``make(store, *args, **kwargs)`` (a rule of this module)
        and do it; the step and the number keys it moved (``key_changes``). A refusal
        raises ``CuratorError``."""
        before = self.session.schema
        step = self.session.do(make(self.session.store, *args, **kwargs))
        return step, key_changes(before, self.session.schema)
