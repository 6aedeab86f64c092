"""A relabelled span keeps no link to an entity of its old type: it is linked to the
entity of its new type its text names, or to none; validation reports a link of the
wrong type wherever it came from."""

from __future__ import annotations

from curator.domain.models import Annotation, Document, Entity
from curator.formats.validate import Severity, validate_project
from curator.session import Session, editing

TEXT = "Kazakhstan Temir Zholy will build a railway to the Chinese border."
NAME = "Kazakhstan Temir Zholy"


def _linked_org(store):
    [doc_id] = store.add_documents([Document(uid="ktz", text=TEXT)])
    org = store.add_entity(Entity(name=NAME, type="ORG"))
    span = Annotation(doc_id=doc_id, start=0, end=len(NAME), label="ORG", annotator="ann", entity_id=org.id)
    store.add_annotation(span)
    return store.get_document(doc_id), span, org


def test_a_span_relabelled_to_another_entity_type_drops_the_link_of_the_old_type(store):
    document, span, org = _linked_org(store)
    session = Session(store, "ann")
    command = editing.relabel(store.label_schema, document, span, "INITIATIVE", store.entities())
    assert command.text == "Relabel as INITIATIVE"
    session.do(command)
    [after] = store.annotations_for(document.id, "ann")
    assert after.label == "INITIATIVE" and after.entity_id is None
    assert not [p for p in validate_project(store) if "linked to" in p.message]
    session.undo()
    assert store.annotations_for(document.id, "ann")[0].entity_id == org.id


def test_a_relabelled_span_is_linked_to_the_entity_of_its_new_type_its_text_names(store):
    document, span, _org = _linked_org(store)
    initiative = store.add_entity(Entity(name="KTZ", type="INITIATIVE", aliases=[NAME]))
    command = editing.relabel(store.label_schema, document, span, "INITIATIVE", store.entities())
    Session(store, "ann").do(command)
    assert store.annotations_for(document.id, "ann")[0].entity_id == initiative.id
    tagged = editing.tag(store.label_schema, document, 0, len(NAME), "ORG", "ann",
                         store.annotations_for(document.id, "ann"), store.entities())
    assert tagged.changes == {"label": "ORG", "entity_id": _org.id}  # tagging it again is a relabel, back


def test_validation_reports_a_link_to_an_entity_of_another_type(store):
    document, span, org = _linked_org(store)
    store.edit_annotation(span.id, None, label="INITIATIVE")  # as an older Curator left it
    [problem] = [p for p in validate_project(store) if "linked to" in p.message]
    assert problem.severity is Severity.WARNING and problem.annotator == "ann"
    assert problem.message == f"INITIATIVE span {NAME!r} is linked to the ORG entity {NAME!r}: relink it or unlink it"
    assert (problem.start, problem.end, problem.annotation_id) == (0, len(NAME), span.id)
