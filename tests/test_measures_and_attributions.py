"""The measures facts are grouped by and the curators' attributions of figures, in tables
of their own (migration 0010): an older project keeps both, and every change to them is
an event of its own, published after the commit."""

import json

import pytest
import sqlalchemy as sa

from curator.domain.models import Annotation, Document
from curator.errors import CuratorError
from curator.session import Session
from curator.session.commands import SetMeasures
from curator.store import Store, meta_table
from curator.store.events import AttributionsChanged, DecisionsChanged, MeasuresChanged

MEASURES = {"trade turnover": ["trade turnover", "bilateral trade"], "fdi": ["foreign direct investment"],
            "exports": ["exports"]}


def _as_revision_0009(store: Store, measures: object, attributions: object) -> None:
    """Make ``store`` look as Curator 0009 left it: measures and attributions as JSON
    values in the meta table, no tables of their own (and no relations, from 0011)."""
    with store.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE measures"))
        conn.execute(sa.text("DROP TABLE attributions"))
        conn.execute(sa.text("DROP TABLE relation_suggestions"))
        conn.execute(sa.text("DROP TABLE relations"))
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0009'"))
        for key, value in (("state.facts.measures", measures), ("state.facts.attributions", attributions)):
            if value is not None:
                conn.execute(meta_table.insert().values(key=key, value=json.dumps(value)))


def _meta_keys(store: Store) -> set[str]:
    with store.engine.connect() as conn:
        return set(conn.execute(sa.select(meta_table.c.key)).scalars())


def test_an_older_project_keeps_its_measures_and_attributions(store):
    doc_id = store.add_documents([Document(uid="d", text="Trade reached $24 billion, the ministry said.")])[0]
    span = store.add_annotation(Annotation(doc_id=doc_id, start=14, end=25, label="MONEY", annotator="ann"))
    _as_revision_0009(store, MEASURES, {span.id: "Ministry of Trade", "gone-span": "Tengri"})
    location = store.location
    store.close()
    again = Store.open(location)
    try:
        assert again.migrations_applied == ["0010", "0011", "0012"]
        assert again.measures() == MEASURES and list(again.measures()) == list(MEASURES)  # in the curators' order
        assert again.attributions() == {span.id: "Ministry of Trade", "gone-span": "Tengri"}
        assert not {"state.facts.measures", "state.facts.attributions"} & _meta_keys(again)  # moved, not copied
    finally:
        again.close()


@pytest.mark.parametrize(("measures", "expected"), [(None, None), ({}, {}), ("damaged", None),
                                                    ({"gdp": ["gdp"], "odd": "not a list"}, {"gdp": ["gdp"]})])
def test_the_migration_reads_the_old_values_as_the_store_did(tmp_path, measures, expected):
    """No list stays no list (the analysis's own), an own list left empty stays empty, and
    what the store read as nothing before stays nothing."""
    store = Store.create(tmp_path / "p")
    _as_revision_0009(store, measures, None)
    store.close()
    with Store.open(tmp_path / "p") as again:
        assert again.migrations_applied == ["0010", "0011", "0012"]
        assert again.measures() == expected
        assert again.attributions() == {}


def test_the_migration_can_be_undone(tmp_path):
    from curator.store.migrate import downgrade

    with Store.create(tmp_path / "p") as store:
        store.set_measures(MEASURES)
        store.set_attribution("a1", "Kazinform")
        downgrade(store.engine, "0009")
        with store.engine.connect() as conn:
            state = dict(conn.execute(sa.select(meta_table.c.key, meta_table.c.value)).all())
            assert not sa.inspect(conn).has_table("measures")
        assert json.loads(state["state.facts.measures"]) == MEASURES
        assert json.loads(state["state.facts.attributions"]) == {"a1": "Kazinform"}


def test_measures_and_attributions_are_events_of_their_own_after_the_commit(store):
    seen = []
    store.events.subscribe(seen.append)
    with store.transaction():
        store.set_measures(MEASURES)
        store.set_attribution("a1", "  Kazinform ")
        assert seen == []  # not before the commit
    assert seen == [MeasuresChanged(), AttributionsChanged(("a1",))]
    assert store.attributions() == {"a1": "Kazinform"}
    assert store.set_attribution("a1", None) == "Kazinform"
    assert store.set_measures(None) == MEASURES
    assert seen[2:] == [AttributionsChanged(("a1",)), MeasuresChanged()]
    assert store.attributions() == {} and store.measures() is None
    assert not any(isinstance(event, DecisionsChanged) for event in seen)


def test_an_own_list_left_empty_is_not_the_list_to_start_from(store):
    store.set_measures({"gdp": ["gdp"]})
    store.set_measures({})
    assert store.measures() == {}
    from curator.analysis.facts import project_measures

    assert project_measures(store) == {}  # no measures at all, not the analysis's own list
    with pytest.raises(CuratorError, match="1 to 200 characters"):
        store.set_measures({"x" * 201: ["x"]})
    assert store.measures() == {}


def test_editing_measures_is_undone_as_one_step(store):
    store.add_documents([Document(uid="d", text="Trade grew.")])
    session = Session(store, "ann")
    session.do(SetMeasures(MEASURES))
    session.do(SetMeasures({**MEASURES, "gdp": ["gross domestic product"]}))
    session.undo()
    assert store.measures() == MEASURES
    session.undo()
    assert store.measures() is None
