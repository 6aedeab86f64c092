"""The project's own labels: every schema change is one undoable command, and spans,
entities, review decisions and agreement follow it."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curator.analysis.agreement import compute_agreement
from curator.analysis.review import iter_items
from curator.domain.models import (
    Annotation,
    Document,
    Entity,
    Project,
    Relation,
    utc_now,
)
from curator.domain.schema import (
    CategorySet,
    Choice,
    Label,
    LabelKind,
    LabelSchema,
    RelationLabel,
    template,
)
from curator.domain.templates import TEMPLATES, new_project_json
from curator.errors import CuratorError
from curator.session import Session, decode, encode
from curator.session import label_edits as edit
from curator.session.review_decisions import accept_version

TEXT = "Tokayev met Ma Xingrui in Astana. The Akorda said trade reached $24 bn."


def tag(store, doc_id, word, label, annotator, **extra):
    start = TEXT.index(word)
    return store.add_annotation(Annotation(doc_id=doc_id, start=start, end=start + len(word), label=label,
                                           annotator=annotator, **extra))


@pytest.fixture
def project(store):
    doc_id = store.add_documents([Document(uid="d", text=TEXT)])[0]
    store.add_entity(Entity(id="akorda", name="Akorda", type="ORG"))
    tag(store, doc_id, "Tokayev", "PERSON", "a")
    tag(store, doc_id, "Tokayev", "PERSON", "b")
    tag(store, doc_id, "Astana", "LOCATION", "a")
    tag(store, doc_id, "Astana", "ORG", "b")
    tag(store, doc_id, "Akorda", "ORG", "a", entity_id="akorda")
    tag(store, doc_id, "Akorda", "INITIATIVE", "b")
    return store


def labels_of(store):
    return sorted((TEXT[s.start:s.end], s.label, s.annotator) for s in store.annotations_for(1))


def test_a_rename_moves_every_span_entity_and_decision_and_is_undone(project):
    session = Session(project, "curator")
    item = next(i for i in iter_items(project) if TEXT[i.start:i.end] == "Akorda")
    session.do(accept_version(item, "a", "curator"))  # a decision on an item with ORG in it
    before = labels_of(project)
    session.do(edit.rename_label(project, "ORG", "ORGANISATION"))
    schema = project.label_schema
    assert "ORG" not in schema and schema.names[1] == "ORGANISATION" and schema.key_of("ORGANISATION") == "2"
    assert ("Astana", "ORGANISATION", "b") in labels_of(project) and ("Akorda", "ORGANISATION", "gold") in \
        labels_of(project)
    assert project.get_entity("akorda").type == "ORGANISATION"
    settled = [i for i in iter_items(project) if i.key in project.reviews()]
    assert [TEXT[i.start:i.end] for i in settled] == ["Akorda"]  # the decision followed its item
    session.undo()
    assert labels_of(project) == before and project.label_schema == LabelSchema()
    assert project.get_entity("akorda").type == "ORG"
    assert [TEXT[i.start:i.end] for i in iter_items(project) if i.key in project.reviews()] == ["Akorda"]
    session.redo()
    assert "ORGANISATION" in project.label_schema


def test_deleting_a_label_in_use_moves_its_spans_or_deletes_them_and_undo_brings_them_back(project):
    session = Session(project, "curator")
    session.do(edit.remove_label(project, "INITIATIVE", move_to="ORG"))
    assert "INITIATIVE" not in project.label_schema
    assert ("Akorda", "ORG", "b") in labels_of(project)
    session.undo()
    assert ("Akorda", "INITIATIVE", "b") in labels_of(project) and "INITIATIVE" in project.label_schema
    before = labels_of(project)
    session.do(edit.remove_label(project, "LOCATION"))  # with its spans
    assert not any(label == "LOCATION" for _t, label, _a in labels_of(project))
    session.undo()
    assert labels_of(project) == before
    with pytest.raises(CuratorError, match="different kinds"):
        edit.remove_label(project, "LOCATION", move_to="MONEY")


def test_undoing_a_label_deleted_with_its_spans_brings_their_relations_back(project):
    session = Session(project, "curator")
    spans = {(TEXT[s.start:s.end], s.annotator): s.id for s in project.annotations_for(1)}
    kept = Relation(doc_id=1, source_id=spans["Tokayev", "a"], target_id=spans["Akorda", "a"], label="about",
                    annotator="a")
    on_location = Relation(doc_id=1, source_id=spans["Tokayev", "a"], target_id=spans["Astana", "a"],
                           label="about", annotator="a")
    project.add_relations([kept, on_location])
    session.do(edit.remove_label(project, "LOCATION"))  # Astana (a) goes, and its relation with it
    assert [r.id for r in project.relations_for(1)] == [kept.id]
    session.undo()
    assert sorted(r.id for r in project.relations_for(1)) == sorted([kept.id, on_location.id])
    assert project.get_relation(on_location.id).target_id == spans["Astana", "a"]
    session.redo()
    assert [r.id for r in project.relations_for(1)] == [kept.id]
    session.undo()  # and the undo kept in the history (encoded) brings it back again
    assert len(project.relations_for(1)) == 2


def test_a_merge_gives_the_relations_of_a_span_it_folds_into_its_twin_and_undo_takes_them_back(project):
    project.save_schema(project.label_schema.model_copy(update={"relations": [RelationLabel(name="linked")]}))
    twin = tag(project, 1, "Akorda", "ORG", "b")  # b marked Akorda both ORG and INITIATIVE
    spans = {(TEXT[s.start:s.end], s.label, s.annotator): s.id for s in project.annotations_for(1)}
    folded = Relation(doc_id=1, source_id=spans["Tokayev", "PERSON", "b"],
                      target_id=spans["Akorda", "INITIATIVE", "b"], label="linked", annotator="b")
    project.add_relations([folded])
    session = Session(project, "curator")
    session.do(edit.merge_labels(project, "INITIATIVE", "ORG"))  # the INITIATIVE span meets its twin: it goes
    assert [(r.source_id, r.target_id) for r in project.relations_for(1)] == [(spans["Tokayev", "PERSON", "b"],
                                                                             twin.id)]
    session.undo()
    assert [(r.id, r.target_id) for r in project.relations_for(1)] == [(folded.id, folded.target_id)]
    session.redo()
    assert [r.target_id for r in project.relations_for(1)] == [twin.id]


def test_a_merge_or_a_delete_carries_the_relation_ends_that_allow_the_label(project):
    """attributed_to links a figure to the PERSON or ORG that stated it. PERSON merged into
    INITIATIVE: its relations stay valid (the end allows INITIATIVE), and undo puts PERSON
    back at the end. PERSON deleted: the end allows ORG alone. A label an end allows alone
    is refused, or the end, empty, would allow any span."""
    from curator.formats.validate import validate_project

    stated = RelationLabel(name="attributed_to", source=["figure"], target=["PERSON", "ORG"])
    project.save_schema(project.label_schema.model_copy(update={"relations": [stated]}))
    money = tag(project, 1, "$24 bn", "MONEY", "a")
    person = next(s for s in project.annotations_for(1) if s.label == "PERSON" and s.annotator == "a")
    project.add_relations([Relation(doc_id=1, source_id=money.id, target_id=person.id, label="attributed_to",
                                    annotator="a")])
    session = Session(project, "curator")

    session.do(edit.merge_labels(project, "PERSON", "INITIATIVE"))
    assert project.label_schema.relation("attributed_to").target == ["INITIATIVE", "ORG"]
    assert [(r.source_id, r.target_id) for r in project.relations_for(1)] == [(money.id, person.id)]
    assert [p for p in validate_project(project) if p.severity == "error"] == []
    session.undo()
    assert project.label_schema.relation("attributed_to").target == ["PERSON", "ORG"]

    session.do(edit.merge_labels(project, "PERSON", "ORG"))  # an end that allows both names the one kept once
    assert project.label_schema.relation("attributed_to").target == ["ORG"]
    assert [p for p in validate_project(project) if p.severity == "error"] == []
    session.undo()
    session.do(edit.remove_label(project, "PERSON"))  # its spans and their relations go with it
    assert project.label_schema.relation("attributed_to").target == ["ORG"] and project.relations_for(1) == []
    with pytest.raises(CuratorError, match="only label the target of relation 'attributed_to'"):
        edit.remove_label(project, "ORG")
    session.undo()
    assert project.label_schema.relation("attributed_to").target == ["PERSON", "ORG"]
    assert len(project.relations_for(1)) == 1
    moved = project.label_schema.moved("PERSON", 0)  # moving a label is not deleting it
    assert moved.relation("attributed_to").target == ["PERSON", "ORG"]


def test_a_merge_keeps_agreement_figures_right(project, tmp_path):
    """After ORG and INITIATIVE are merged, agreement is what it would be had the
    annotators used one label from the start."""
    from curator.store import Store

    session = Session(project, "curator")
    session.do(edit.merge_labels(project, "INITIATIVE", "ORG"))
    merged = compute_agreement(project).to_dict()
    fresh = Store.create(tmp_path / "one-label")
    doc_id = fresh.add_documents([Document(uid="d", text=TEXT)])[0]
    for word, label, annotator in [("Tokayev", "PERSON", "a"), ("Tokayev", "PERSON", "b"),
                                   ("Astana", "LOCATION", "a"), ("Astana", "ORG", "b"),
                                   ("Akorda", "ORG", "a"), ("Akorda", "ORG", "b")]:
        tag(fresh, doc_id, word, label, annotator)
    fresh.save_schema(LabelSchema().without("INITIATIVE"))
    expected = compute_agreement(fresh).to_dict()
    assert merged["overall"] == expected["overall"] and merged["labels"] == expected["labels"]
    assert "INITIATIVE" not in str(merged["labels"])
    fresh.close()


def test_a_merge_where_an_annotator_had_both_labels_keeps_one_span(project):
    tag(project, 1, "Akorda", "ORG", "b")  # b now has both ORG and INITIATIVE on "Akorda"
    session = Session(project, "curator")
    session.do(edit.merge_labels(project, "INITIATIVE", "ORG"))
    assert labels_of(project).count(("Akorda", "ORG", "b")) == 1
    session.undo()
    assert ("Akorda", "INITIATIVE", "b") in labels_of(project) and ("Akorda", "ORG", "b") in labels_of(project)


def test_adding_recolouring_describing_reordering_and_changing_kind_are_undoable(project):
    session = Session(project, "curator")
    session.do(edit.add_label(project, Label(name="EVENT", kind=LabelKind.PLAIN, color="#cccccc",
                                             description="A named event"), position=0))
    schema = project.label_schema
    assert schema.names[0] == "EVENT" and schema.key_of("EVENT") == "1" and schema.key_of("PERSON") == "2"
    session.do(edit.edit_label(project, "EVENT", color="#ff0000", description="A summit, forum or visit"))
    session.do(edit.move_label_to(project, "EVENT", 8))
    assert project.label_schema.key_of("EVENT") == "9" and project.label_schema.get("EVENT").color == "#ff0000"
    session.do(edit.edit_label(project, "INITIATIVE", kind=LabelKind.PLAIN))
    assert project.label_schema.get("INITIATIVE").kind is LabelKind.PLAIN
    for _ in range(4):
        session.undo()
    assert project.label_schema == LabelSchema()
    with pytest.raises(CuratorError, match="already a label"):
        edit.add_label(project, Label(name="ORG", kind=LabelKind.ENTITY, color="#000000"))
    with pytest.raises(CuratorError, match="color"):
        edit.edit_label(project, "ORG", color="red")


def test_category_sets_are_checked_and_undoable(project):
    session = Session(project, "curator")
    topic = CategorySet(name="topic", choices=[Choice(name="economy", key="E"), Choice(name="politics", key="P")])
    session.do(edit.set_category(project, topic))
    assert project.label_schema.category("topic").names == ["economy", "politics"]
    with pytest.raises(CuratorError, match="share a key"):
        edit.set_category(project, CategorySet(name="stance", choices=[Choice(name="pro", key="E")]))
    with pytest.raises(ValueError, match="taken by the window"):
        Choice(name="x", key="a")
    session.do(edit.remove_category(project, "topic"))
    assert project.label_schema.categories == []
    session.undo()
    assert project.label_schema.category("topic") == topic


def test_renaming_a_label_to_its_own_name_is_refused_and_keeps_its_spans(project):
    before = labels_of(project)
    with pytest.raises(CuratorError, match="already called"):
        edit.rename_label(project, "PERSON", "PERSON")
    with pytest.raises(CuratorError, match="onto itself"):  # the store's own guard
        project.move_label("PERSON", "PERSON")
    assert labels_of(project) == before


def test_an_undo_that_would_leave_spans_without_their_label_is_refused_and_leaves_the_history(project):
    session = Session(project, "curator")
    session.do(edit.add_label(project, Label(name="ZED", kind=LabelKind.ENTITY, color="#cccccc")))
    session.do(edit.add_label(project, Label(name="EVENT", kind=LabelKind.PLAIN, color="#dddddd")))
    tag(project, 1, "Astana", "ZED", "c")  # tagged after the label came (an import, another window)
    session.undo()  # EVENT has no spans: undone
    assert "EVENT" not in project.label_schema
    with pytest.raises(CuratorError, match=r"ZED \(1 span\).*taken off the history"):
        session.undo()
    assert "ZED" in project.label_schema and ("Astana", "ZED", "c") in labels_of(project)
    assert session.undo_text is None  # nothing older to undo here: the add was the first edit
    # The same check guards every schema save: a deletion must say what becomes of the spans.
    with pytest.raises(CuratorError, match="ZED"):
        project.save_schema(project.label_schema.without("ZED"))


def test_an_undo_is_refused_when_the_labels_were_changed_since(project):
    """Alice's undo would put her older schema back over Bob's later label; it is refused,
    and both changes stay."""
    alice, bob = Session(project, "alice"), Session(project, "bob")
    alice.do(edit.rename_label(project, "INITIATIVE", "PROGRAMME"))
    bob.do(edit.add_label(project, Label(name="EVENT", kind=LabelKind.PLAIN, color="#dddddd")))
    with pytest.raises(CuratorError, match="changed since"):
        alice.undo()
    assert {"PROGRAMME", "EVENT"} <= set(project.label_schema.names)
    assert ("Akorda", "PROGRAMME", "b") in labels_of(project)
    bob.undo()  # Bob's own undo is still the latest change: done
    assert "EVENT" not in project.label_schema and "PROGRAMME" in project.label_schema


def test_label_commands_round_trip_through_the_history(project):
    command = edit.remove_label(project, "LOCATION")
    inverse = command.apply(project)
    for kept in (command, inverse):
        decoded = decode(encode(kept))
        assert type(decoded) is type(kept) and decoded.text == kept.text
    decode(encode(inverse)).apply(project)
    assert ("Astana", "LOCATION", "a") in labels_of(project)


def test_templates():
    # A bare schema has the news labels but no relation labels: one read from elsewhere gains none.
    assert template("news").labels == LabelSchema().labels and template("empty").labels == []
    assert [r.name for r in template("news").relations] == ["attributed_to", "about", "deal_between"]
    assert LabelSchema().relations == template("empty").relations == []
    with pytest.raises(ValueError, match="no template"):
        template("legal")


@given(name=st.text(st.characters(codec="utf-8")), created=st.datetimes(timezones=st.just(timezone.utc)),
       template_name=st.sampled_from(sorted(TEMPLATES)))
@settings(max_examples=300, deadline=None)
def test_a_new_projects_settings_are_written_as_the_model_writes_them(name, created, template_name):
    """``curator init`` writes a new project's settings without pydantic: the same JSON."""
    written = new_project_json(name, template_name, created)
    assert written == Project(name=name, label_schema=template(template_name), created=created).model_dump_json()


def test_a_project_name_the_model_cannot_write_fails_as_it_did():
    with pytest.raises(Exception) as ours:
        new_project_json("\udcff", "news")  # an undecodable byte of a folder's name
    with pytest.raises(Exception) as models:
        Project(name="\udcff", label_schema=template("news")).model_dump_json()
    assert (type(ours.value), str(ours.value)) == (type(models.value), str(models.value))
    assert abs(Project.model_validate_json(new_project_json("p", "news")).created - utc_now()) < timedelta(minutes=1)


def test_document_categories_are_per_annotator_checked_and_undoable(project):
    from curator.session.commands import SetCategories

    session = Session(project, "a")
    session.do(edit.set_category(project, CategorySet(name="topic", choices=[Choice(name="economy"),
                                                                             Choice(name="politics")])))
    session.do(edit.set_category(project, CategorySet(name="issues", multiple=True,
                                                      choices=[Choice(name="trade"), Choice(name="energy")])))
    session.do(SetCategories(1, "a", "topic", ["economy"]))
    session.do(SetCategories(1, "a", "issues", ["trade", "energy"]))
    Session(project, "b").do(SetCategories(1, "b", "topic", ["politics"]))
    assert project.categories_for(1) == {"a": {"issues": ["trade", "energy"], "topic": ["economy"]},
                                         "b": {"topic": ["politics"]}}
    for bad, reason in ((SetCategories(1, "a", "topic", ["economy", "politics"]), "takes one choice"),
                        (SetCategories(1, "a", "topic", ["sport"]), "no choice 'sport'"),
                        (SetCategories(1, "a", "mood", ["x"]), "no category set")):
        with pytest.raises(CuratorError, match=reason):
            session.do(bad)
    session.undo()
    assert project.categories_for(1, "a") == {"a": {"topic": ["economy"]}}
    session.undo()
    assert project.categories_for(1, "a") == {}
    assert decode(encode(SetCategories(1, "a", "topic", ["economy"]))).choices == ["economy"]


@pytest.mark.parametrize("text, choice", [
    ("economy", {"name": "economy", "key": None}), ("economy (E)", {"name": "economy", "key": "E"}),
    ("economy:E", {"name": "economy", "key": "E"}), ("  foreign policy (f) ", {"name": "foreign policy", "key": "f"}),
    ("", None),
])
def test_choices_are_written_with_a_key_either_way(text, choice):
    from curator.domain.schema import choice_from_text

    assert choice_from_text(text) == choice


def test_suggestions_follow_a_merge_and_twins_become_one(project):
    from curator.domain.models import Suggestion

    start = TEXT.index("Akorda")
    project.add_suggestions([Suggestion(doc_id=1, start=start, end=start + 6, label=label, annotator="a",
                                        source="entities") for label in ("ORG", "INITIATIVE")] +
                            [Suggestion(doc_id=1, start=0, end=7, label="INITIATIVE", annotator="a", source="rules")])
    Session(project, "curator").do(edit.merge_labels(project, "INITIATIVE", "ORG"))
    assert sorted((s.start, s.label) for s in project.suggestions_for(1, "a")) == [(0, "ORG"), (start, "ORG")]


def test_a_label_deleted_or_moved_says_which_keys_moved():
    from curator.domain.schema import template
    from curator.session.label_edits import key_changes

    news = template("news")
    names = news.names
    without = news.without(names[4])
    assert key_changes(news, without) == "keys moved: " + ", ".join(
        f"{name} {n + 2} → {n + 1}" for n, name in enumerate(names[5:9], start=4))
    assert key_changes(news, news) is None
    assert key_changes(news, news.moved(names[0], 1)) == f"keys moved: {names[1]} 2 → 1, {names[0]} 1 → 2"
