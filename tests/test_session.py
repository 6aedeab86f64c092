"""The session: one transaction per command, a history kept with the project (do, undo,
redo from any process), the conflict policy and the event stream."""

from __future__ import annotations

import inspect
from datetime import date

import pytest

from curator.analysis import duplicates, facts, review
from curator.cli import main
from curator.domain.models import Annotation, Document, DocumentStatus, Entity, Fact
from curator.errors import CuratorError, DuplicateError
from curator.session import ShowRequested, commands
from curator.session.commands import (
    AddSpan,
    Batch,
    CreateEntity,
    EditDocument,
    EditSpan,
    SetStatus,
)
from curator.session.history import Session, _command_classes, decode, encode
from curator.store import Store

TEXT = "Ma Xingrui met Tokayev in Astana on 4 November 2023; trade reached US$24.2 billion."


@pytest.fixture
def session(store):
    doc_id = store.add_documents([Document(uid="d", text=TEXT, published=date(2023, 11, 5))])[0]
    session = Session(store, "ann")
    session.doc_id = doc_id
    return session


def span(doc_id, start=0, end=10, label="PERSON", annotator="ann", **extra):
    return Annotation(doc_id=doc_id, start=start, end=end, label=label, annotator=annotator, **extra)


def spans(store, doc_id):
    return [(a.start, a.end, a.label, a.entity_id) for a in store.annotations_for(doc_id)]


def test_do_undo_redo_with_labels(session):
    store, doc_id = session.store, session.doc_id
    assert session.undo_text is None and session.undo() is None and session.redo() is None
    session.do(AddSpan(span(doc_id)))
    session.do(SetStatus(doc_id, "ann", DocumentStatus.DONE))
    assert session.undo_text == "Mark done" and session.redo_text is None
    assert session.undo().label == "Mark done"
    assert store.status(doc_id, "ann") is DocumentStatus.TODO
    assert (session.undo_text, session.redo_text) == ("Add PERSON", "Mark done")
    assert session.undo().label == "Add PERSON" and spans(store, doc_id) == []
    assert session.redo().label == "Add PERSON" and spans(store, doc_id) == [(0, 10, "PERSON", None)]
    assert session.redo().label == "Mark done" and store.status(doc_id, "ann") is DocumentStatus.DONE
    assert session.redo() is None
    session.undo()
    session.do(EditDocument(doc_id, {"title": "New"}))  # a new edit drops what could be redone
    assert session.redo_text is None
    assert [label for label, _done in session.history()] == ["Edit title", "Add PERSON"]


def test_a_batch_is_one_transaction_one_step_and_its_changes_come_after_commit(session):
    store, doc_id = session.store, session.doc_id
    events = []
    session.changes.subscribe(events.append)
    entity = Entity(name="Ma Xingrui", type="PERSON")
    first = span(doc_id)
    session.do(AddSpan(first))
    events.clear()
    failing = Batch([CreateEntity(entity, doc_id), EditSpan(first.id, doc_id, {"entity_id": entity.id}),
                     AddSpan(span(doc_id))], "Link and add twice", doc_id)  # the last step is a copy: refused
    with pytest.raises(DuplicateError):
        session.do(failing)
    assert store.entities() == [] and spans(store, doc_id) == [(0, 10, "PERSON", None)]
    assert events == [] and session.undo_text == "Add PERSON"  # nothing of it happened, nothing announced
    session.do(Batch([CreateEntity(entity, doc_id), EditSpan(first.id, doc_id, {"entity_id": entity.id})],
                     "Link to new entity", doc_id))
    assert spans(store, doc_id) == [(0, 10, "PERSON", entity.id)]
    session.undo()  # one step undoes the whole batch: one Changes says all it did
    assert spans(store, doc_id) == [(0, 10, "PERSON", None)] and store.entities() == []
    assert [(c.origin, c.history.moved, c.spans, c.entities) for c in events] == [
        ("edit", "Done", {doc_id}, True), ("undo", "Undone", {doc_id}, True)]


def test_undo_survives_a_restart_and_is_per_user(session):
    store, doc_id = session.store, session.doc_id
    session.do(AddSpan(span(doc_id)))
    other = Session(store, "bob")
    other.do(AddSpan(span(doc_id, 15, 22, annotator="bob")))
    reopened = Session(Store.open(store.location), "ann")
    assert reopened.undo_text == "Add PERSON"
    reopened.undo()
    assert spans(store, doc_id) == [(15, 22, "PERSON", None)]  # bob's edit is bob's to undo
    reopened.store.close()


def test_an_edit_that_can_no_longer_be_undone_leaves_the_history_with_a_message(session):
    store, doc_id = session.store, session.doc_id
    session.do(SetStatus(doc_id, "ann", DocumentStatus.DONE))
    added = span(doc_id)
    session.do(AddSpan(added))
    store.delete_annotation(added.id)  # someone else removed it meanwhile
    with pytest.raises(CuratorError, match="could not undo 'Add PERSON'.*taken off the history"):
        session.undo()
    assert session.undo_text == "Mark done"  # what came before is still reachable
    session.undo()
    assert store.status(doc_id, "ann") is DocumentStatus.TODO


def test_the_history_keeps_its_newest_entries(store):
    doc_id = store.add_documents([Document(uid="d", text=TEXT)])[0]
    session = Session(store, "ann", history_limit=3)
    for title in "abcde":
        session.do(EditDocument(doc_id, {"title": title}))
    assert [label for label, _ in session.history()] == ["Edit title"] * 3
    for _ in range(3):
        session.undo()
    assert session.undo() is None and store.get_document(doc_id).title == "b"


def test_every_edit_is_a_command_of_the_one_room_and_kept_by_the_history():
    """Commands live in the session's command modules (the labels' in one of their own); a
    command the history could not keep could not be undone from the command line."""
    from curator.session import import_commands, relation_commands, schema_commands

    registered = set(_command_classes().values())
    assert {"AddSpan", "Settle", "SetDecision", "MergeEntities", "SplitEntity", "SaveFact",
            "ChangeSchema", "MoveLabel", "RestoreLabel", "AddRelation", "DeleteRelation"} <= set(_command_classes())
    for module in (duplicates, facts, review):  # the analysis proposes edits; it defines none
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            assert not (hasattr(cls, "apply") and cls.__module__ == module.__name__), cls
    for cls in registered:
        assert cls.__module__ in (commands.__name__, schema_commands.__name__, import_commands.__name__,
                                  relation_commands.__name__)


def test_commands_round_trip_through_the_history_codec(session):
    doc_id = session.doc_id
    entity = Entity(name="Astana", type="LOCATION", aliases=["Nur-Sultan"])
    examples = [
        AddSpan(span(doc_id, value={"type": "figure", "amount": "24200000000", "unit": "USD"})),
        EditDocument(doc_id, {"published": date(2023, 1, 2), "title": "T"}),
        EditSpan("x", doc_id, {"label": "ORG", "value": None}),
        Batch([CreateEntity(entity, doc_id), SetStatus(doc_id, "ann", DocumentStatus.DONE)], "b", doc_id),
        commands.MergeEntities(entity.id, ["other"], doc_id),
        commands.SaveFact(Fact(subject="KZ", measure="trade", accepted_amount="24200000000", mentions=["m"])),
    ]
    for command in examples:
        decoded = decode(encode(command))
        assert type(decoded) is type(command) and decoded.text == command.text
    assert decode(encode(examples[1])).changes["published"] in (date(2023, 1, 2), "2023-01-02")
    with pytest.raises(CuratorError, match="cannot be read"):
        decode({"type": "os.system", "fields": {}})


def test_show_requests_reach_every_listener(session):
    seen = []
    session.changes.subscribe_show(seen.append)
    session.show(session.doc_id, "span-1")
    assert seen == [ShowRequested(session.doc_id, "span-1")]


def test_undo_and_redo_from_the_command_line(tmp_path, capsys, monkeypatch):
    project = tmp_path / "p"
    assert main(["sample", str(project)]) == 0
    assert main(["iam", "bot"]) == 0
    assert main(["suggest", str(project), "--accept"]) == 0
    capsys.readouterr()
    with Store.open(project) as store:
        before = store.annotation_count()
        last = Session(store, "bot").undo_text
    assert main(["undo", str(project)]) == 0
    out = capsys.readouterr().out
    assert f"Undone: {last}" in out
    with Store.open(project) as store:
        assert store.annotation_count() < before
    assert main(["redo", str(project)]) == 0
    assert f"Redone: {last}" in capsys.readouterr().out
    with Store.open(project) as store:
        assert store.annotation_count() == before
    assert main(["history", str(project)]) == 0
    assert last in capsys.readouterr().out
    assert main(["redo", str(project)]) == 0
    assert "Nothing to redo" in capsys.readouterr().out


def test_a_busy_database_keeps_the_history_entry_for_another_try(session, monkeypatch):
    import sqlalchemy as sa

    from curator.store import entities

    session.do(CreateEntity(Entity(name="Astana", type="LOCATION"), session.doc_id))

    def busy(*_args, **_kwargs):
        raise sa.exc.OperationalError("DELETE", {}, Exception("database is locked"))

    monkeypatch.setattr(entities.EntityStore, "delete_entity", busy)
    with pytest.raises(CuratorError, match="the project is busy"):
        session.undo()
    assert session.undo_text == "Create entity Astana"  # still there, to undo when the lock is gone
    monkeypatch.undo()
    session.undo()
    assert session.store.entities() == []


def test_a_tag_naming_a_known_entity_comes_linked_unless_the_name_is_ambiguous():
    from curator.domain.schema import LabelSchema
    from curator.session.editing import tag

    schema = LabelSchema()
    document = Document(id=1, uid="d", text="Tokayev met smailov and the Akorda in Astana.")
    smailov = Entity(name="Alikhan Smailov", type="PERSON", aliases=["Smailov"])
    akorda = [Entity(name="Akorda", type="ORG"), Entity(name="Presidential office", type="ORG", aliases=["akorda"])]
    entities = [smailov, *akorda, Entity(name="Astana", type="LOCATION")]

    def linked(word, label):
        start = document.text.index(word)
        return tag(schema, document, start, start + len(word), label, "ann", [], entities).annotation.entity_id

    assert linked("smailov", "PERSON") == smailov.id  # an alias, in another case
    assert linked("Akorda", "ORG") is None  # two entities answer to it: the curator chooses
    assert linked("Astana", "ORG") is None  # a name of another type is not this label's entity
    assert linked("Tokayev", "PERSON") is None
    assert linked("Astana", "LOCATION") is not None
