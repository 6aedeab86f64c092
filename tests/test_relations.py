"""Relations between spans: relation labels in the schema, relations as undoable
annotations of each annotator, and the rules that keep them valid."""

import pytest
from pydantic import ValidationError

from curator.cli import main
from curator.domain.models import Annotation, Document, Relation
from curator.domain.relation_rules import relation_problems
from curator.domain.schema import LabelSchema, RelationLabel, template
from curator.errors import CuratorError
from curator.formats.schema_files import read_schema, write_schema
from curator.session import Session
from curator.session.commands import Batch, DeleteSpan
from curator.session.history import decode, encode
from curator.session.relation_commands import (
    AddRelation,
    DeleteRelation,
    RelabelRelation,
)
from curator.store import Store

TEXT = "Trade reached $24.2 billion in 2022, according to the Bureau of National Statistics, Tokayev said."


@pytest.fixture
def project(store):
    """A news project with one article, on SQLite and on PostgreSQL."""
    store.save_schema(template("news"))
    doc_id = store.add_documents([Document(uid="d1", text=TEXT)])[0]
    return store, doc_id


def tag(store, doc_id, words, label, annotator="ann"):
    start = TEXT.index(words)
    span = Annotation(doc_id=doc_id, start=start, end=start + len(words), label=label, annotator=annotator)
    return store.add_annotation(span)


def spans(store, doc_id, annotator="ann"):
    figure = tag(store, doc_id, "$24.2 billion", "MONEY", annotator)
    bureau = tag(store, doc_id, "Bureau of National Statistics", "ORG", annotator)
    person = tag(store, doc_id, "Tokayev", "PERSON", annotator)
    return figure, bureau, person


def link(store, doc_id, source, target, label="attributed_to", annotator="ann"):
    return Relation(doc_id=doc_id, source_id=source.id, target_id=target.id, label=label, annotator=annotator)


# -- 1. the schema -------------------------------------------------------------------------


def test_relation_labels_belong_to_the_schema_and_say_what_each_end_may_be():
    schema = template("news")
    attributed = schema.relation("attributed_to")
    assert attributed.directed and attributed.source == ["figure"] and attributed.target == ["PERSON", "ORG"]
    assert attributed.allows("source", schema.get("MONEY")) and not attributed.allows("source", schema.get("ORG"))
    assert attributed.allows("target", schema.get("ORG")) and not attributed.allows("target", schema.get("DATE"))
    assert not schema.relation("deal_between").directed
    with pytest.raises(ValidationError, match="defined twice"):
        LabelSchema(relations=[RelationLabel(name="x"), RelationLabel(name="x")])
    with pytest.raises(ValidationError, match="share a key"):
        LabelSchema(relations=[RelationLabel(name="x", key="q"), RelationLabel(name="y", key="Q")])
    renamed = schema.renamed("ORG", "ORGANISATION")
    assert renamed.relation("attributed_to").target == ["PERSON", "ORGANISATION"]  # its ends follow a rename


def test_relation_labels_are_edited_with_curator_labels_undone_and_kept_in_schema_files(tmp_path, capsys):
    project = tmp_path / "p"
    assert main(["init", str(project), "--template", "empty"]) == 0
    main(["labels", str(project), "add", "FIGURE", "--kind", "figure"])
    main(["labels", str(project), "add", "SOURCE", "--kind", "entity"])
    assert main(["labels", str(project), "relation", "stated_by", "--from", "figure", "--to", "SOURCE",
                 "--key", "s", "--description", "Who gave the figure"]) == 0
    capsys.readouterr()
    main(["labels", str(project), "list"])
    out = capsys.readouterr().out
    assert "stated_by" in out and "figure -> SOURCE" in out and "1 relation label(s)" in out
    with Store.open(project) as store:
        assert store.label_schema.relation("stated_by").key == "S"
    target = tmp_path / "schema.json"
    main(["schema", "export", str(project), str(target)])
    back, what = read_schema(target)
    assert what == "Curator schema file" and back.relation("stated_by").description == "Who gave the figure"
    other = tmp_path / "other"
    main(["init", str(other), "--template", "empty"])
    main(["schema", "import", str(other), str(target)])
    with Store.open(other) as store:
        assert store.label_schema.relations == back.relations
    assert main(["undo", str(project)]) == 0  # the relation label was one undoable step
    with Store.open(project) as store:
        assert store.label_schema.relation("stated_by") is None
    write_schema(LabelSchema(labels=[]), target)
    assert read_schema(target)[0].relations == []


def test_a_relation_label_in_use_cannot_be_dropped(project):
    store, doc_id = project
    figure, bureau, _person = spans(store, doc_id)
    AddRelation(link(store, doc_id, figure, bureau)).apply(store)
    from curator.session import label_edits as edit

    with pytest.raises(CuratorError, match="attributed_to has 1 relation"):
        edit.remove_relation_label(store, "attributed_to")
    with pytest.raises(CuratorError, match="relations still have"):
        store.save_schema(store.label_schema.without_relation("attributed_to"))
    with pytest.raises(CuratorError, match="attributed_to"):
        edit.replace_schema(store, template("empty"))


# -- 2. relations as annotations -------------------------------------------------------------


def state(store, doc_id):
    return ([a.id for a in store.annotations_for(doc_id)],
            sorted((r.id, r.source_id, r.target_id, r.label, r.annotator) for r in store.relations_for(doc_id)))


def test_add_delete_and_relabel_are_commands_whose_inverse_restores_the_state(project):
    store, doc_id = project
    figure, bureau, person = spans(store, doc_id)
    before = state(store, doc_id)
    relation = link(store, doc_id, figure, bureau)
    undo_add = AddRelation(relation).apply(store)
    added = state(store, doc_id)
    assert added[1] == [(relation.id, figure.id, bureau.id, "attributed_to", "ann")]
    redo = undo_add.apply(store)
    assert state(store, doc_id) == before
    redo.apply(store)
    assert state(store, doc_id) == added
    undo_delete = DeleteRelation(relation.id, doc_id, "attributed_to").apply(store)
    assert state(store, doc_id) == before
    undo_delete.apply(store)
    assert state(store, doc_id) == added
    store.save_schema(store.label_schema.with_relation(RelationLabel(name="quoted", source=["figure"])))
    undo_relabel = RelabelRelation(relation.id, doc_id, "quoted").apply(store)
    assert store.get_relation(relation.id).label == "quoted"
    undo_relabel.apply(store)
    assert store.get_relation(relation.id).label == "attributed_to"


def test_deleting_a_span_deletes_its_relations_and_undo_restores_both(project):
    store, doc_id = project
    figure, bureau, person = spans(store, doc_id)
    session = Session(store, "ann")
    session.do(AddRelation(link(store, doc_id, figure, bureau)))
    session.do(AddRelation(link(store, doc_id, bureau, person, "deal_between")))
    kept = state(store, doc_id)
    session.do(DeleteSpan(bureau.id, doc_id, "ORG"))
    assert store.relations_for(doc_id) == [] and bureau.id not in state(store, doc_id)[0]
    assert session.undo().label == "Delete ORG"  # one step took the span and both its relations
    assert state(store, doc_id) == kept
    session.redo()
    assert store.relations_for(doc_id) == []
    session.undo()
    # Deleting both ends at once (one step) and undoing it brings back the one relation between them.
    session.do(Batch([DeleteSpan(figure.id, doc_id), DeleteSpan(bureau.id, doc_id)], "Delete two", doc_id))
    assert store.relations_for(doc_id) == []
    session.undo()
    assert state(store, doc_id) == kept


def test_relation_commands_are_kept_by_the_history_and_relations_changes_are_announced(project):
    store, doc_id = project
    figure, bureau, _person = spans(store, doc_id)
    heard = []
    store.events.subscribe(heard.append)
    relation = link(store, doc_id, figure, bureau)
    for command in (AddRelation(relation), DeleteRelation(relation.id, doc_id, "x"),
                    RelabelRelation(relation.id, doc_id, "y")):
        assert decode(encode(command)) == command
    Session(store, "ann").do(AddRelation(relation))
    assert any(type(event).__name__ == "RelationsChanged" and event.doc_id == doc_id for event in heard)
    span_with = decode(encode(DeleteSpan(figure.id, doc_id).apply(store)))
    assert [r.id for r in span_with.relations] == [relation.id]


def test_each_annotator_has_their_own_relations_gold_too(project):
    store, doc_id = project
    mine = spans(store, doc_id, "ann")
    gold = spans(store, doc_id, "gold")
    AddRelation(link(store, doc_id, mine[0], mine[1])).apply(store)
    AddRelation(link(store, doc_id, gold[0], gold[2], annotator="gold")).apply(store)
    assert [r.target_id for r in store.relations_for(doc_id, "ann")] == [mine[1].id]
    assert [r.target_id for r in store.relations_for(doc_id, "gold")] == [gold[2].id]
    assert len(store.relation_rows()) == 2 and len(store.relation_rows(["gold"])) == 1


# -- 3. validation -------------------------------------------------------------------------------


def test_both_ends_must_be_spans_of_the_relations_layer_and_document(project):
    store, doc_id = project
    figure, bureau, _person = spans(store, doc_id)
    theirs = tag(store, doc_id, "Tokayev", "PERSON", "other")
    with pytest.raises(CuratorError, match="not in ann's layer"):
        AddRelation(link(store, doc_id, figure, theirs)).apply(store)
    other_doc = store.add_documents([Document(uid="d2", text=TEXT)])[0]
    with pytest.raises(CuratorError, match="not in ann's layer of the same document"):
        AddRelation(link(store, other_doc, figure, bureau)).apply(store)
    gone = Annotation(doc_id=doc_id, start=0, end=5, label="ORG", annotator="ann")
    with pytest.raises(CuratorError, match="does not exist"):
        AddRelation(link(store, doc_id, figure, gone)).apply(store)
    with pytest.raises(ValidationError, match="to itself"):
        link(store, doc_id, figure, figure)
    with pytest.raises(CuratorError, match="does not exist"):  # the store refuses it too, whoever writes
        store.add_relations([link(store, doc_id, figure, gone)])
    assert store.relations_for(doc_id) == []


def test_the_labels_at_each_end_must_be_allowed(project):
    store, doc_id = project
    figure, bureau, person = spans(store, doc_id)
    date = tag(store, doc_id, "2022", "DATE")
    with pytest.raises(CuratorError, match="does not link ORG to MONEY"):
        AddRelation(link(store, doc_id, bureau, figure)).apply(store)  # the wrong way round
    with pytest.raises(CuratorError, match="does not link MONEY to DATE"):
        AddRelation(link(store, doc_id, figure, date)).apply(store)
    with pytest.raises(CuratorError, match="not in the project's relation labels"):
        AddRelation(link(store, doc_id, figure, bureau, "employs")).apply(store)
    AddRelation(link(store, doc_id, person, bureau, "deal_between")).apply(store)  # no direction: either way
    with pytest.raises(CuratorError, match="does not link"):
        RelabelRelation(store.relations_for(doc_id)[0].id, doc_id, "attributed_to").apply(store)


def test_no_duplicate_relations(project):
    store, doc_id = project
    figure, bureau, person = spans(store, doc_id)
    AddRelation(link(store, doc_id, figure, bureau)).apply(store)
    with pytest.raises(CuratorError, match="already have a attributed_to relation"):
        AddRelation(link(store, doc_id, figure, bureau)).apply(store)
    AddRelation(link(store, doc_id, bureau, person, "deal_between")).apply(store)
    with pytest.raises(CuratorError, match="already have a deal_between"):  # the same link the other way round
        AddRelation(link(store, doc_id, person, bureau, "deal_between")).apply(store)
    assert len(store.relations_for(doc_id)) == 2


def test_relation_problems_lists_every_problem_at_once():
    schema = template("news")
    figure = Annotation(id="f", doc_id=1, start=0, end=3, label="MONEY", annotator="a")
    date = Annotation(id="d", doc_id=1, start=4, end=8, label="DATE", annotator="a")
    relation = Relation(id="r", doc_id=1, source_id="f", target_id="d", label="attributed_to", annotator="a")
    twin = relation.model_copy(update={"id": "r2"})
    problems = relation_problems(relation, {"f": figure, "d": date}, schema, [twin])
    assert len(problems) == 2 and "does not link MONEY to DATE" in problems[0] and "already" in problems[1]
    assert relation_problems(relation, {}, schema) == ["its source span f does not exist",
                                                       "its target span d does not exist"]
