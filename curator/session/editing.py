"""What a curator's gestures mean, as commands: tag a selection, relabel a span, link a
span to a new entity. The window and scripts ask these rules; neither restates them."""

from __future__ import annotations

from collections.abc import Iterable

from curator.domain.models import Annotation, Document, Entity, known_entity
from curator.domain.normalize import value_for
from curator.domain.schema import LabelKind, LabelSchema
from curator.domain.text import snap_to_words
from curator.session.commands import AddSpan, Batch, Command, CreateEntity, EditSpan


def relabel(schema: LabelSchema, document: Document, span: Annotation, label: str,
            entities: Iterable[Entity] = ()) -> Command | None:
    """Give ``span`` another label; its value is worked out again (and its entity link
    dropped) when the new label is of another kind. An entity span keeps its link only
    to an entity of the new label's type: else it is linked to the one entity of that
    type its text names (of ``entities``), or to none. None when nothing would change."""
    if span.label == label:
        return None
    old, new = schema.get(span.label), schema.get(label)
    changes: dict = {"label": label}
    if old is None or new is None or old.kind != new.kind:
        changes["value"] = value_for(schema, label, document.text, span.start, span.end, document.published)
        changes["entity_id"] = None
    elif span.entity_id is not None:
        entities = list(entities)
        linked = next((e for e in entities if e.id == span.entity_id), None)
        if linked is None or linked.type != label:
            known = known_entity(entities, document.text[span.start : span.end], label)
            changes["entity_id"] = known.id if known else None
    return EditSpan(span.id, span.doc_id, changes, expected=span.updated)


def tag(schema: LabelSchema, document: Document, start: int, end: int, label: str, annotator: str,
        spans: list[Annotation], entities: Iterable[Entity] = ()) -> Command | None:
    """Tag ``document.text[start:end]`` (snapped to whole words) as ``label``: a new span
    with its value, or a relabel when the annotator already has a span just there.
    A new entity span whose text is exactly a known entity's name or alias comes linked
    to it. None when the selection holds no word."""
    snapped = snap_to_words(document.text, start, end)
    if snapped is None:
        return None
    start, end = snapped
    same = next((s for s in spans if (s.start, s.end) == (start, end) and s.annotator == annotator), None)
    if same is not None:
        return relabel(schema, document, same, label, entities)
    value = value_for(schema, label, document.text, start, end, document.published)
    kind = schema.get(label)
    known = known_entity(entities, document.text[start:end], label) if kind and kind.kind is LabelKind.ENTITY else None
    return AddSpan(Annotation(doc_id=document.id, start=start, end=end, label=label, annotator=annotator,
                              value=value, entity_id=known.id if known else None))


def link_to_new_entity(span: Annotation, name: str) -> Batch:
    """Create an entity named ``name`` of the span's type and link the span to it: one step."""
    entity = Entity(name=name.strip(), type=span.label)
    return Batch([CreateEntity(entity, span.doc_id), EditSpan(span.id, span.doc_id, {"entity_id": entity.id})],
                 f"Link to new entity {entity.name}", span.doc_id)
