"""A command over the whole project is one step of the history, whatever its size: done
in parts (each committed, so a killed run keeps what it did), undone and redone whole."""

from __future__ import annotations

from curator.cli import main
from curator.domain.models import Annotation
from curator.session import Session
from curator.session.commands import AddSpan
from curator.store import Store


def test_suggest_accept_over_the_project_is_one_undo(tmp_path, capsys):
    project = tmp_path / "p"
    assert main(["sample", str(project)]) == 0
    assert main(["suggest", str(project), "--accept", "--annotator", "bot"]) == 0
    with Store.open(project) as store:
        accepted = store.spans_per_layer()["bot"]
        documents = {a.doc_id for d in store.iter_documents() for a in store.annotations_for(d.id, "bot")}
        assert accepted > 200 and len(documents) == 5
        history = Session(store, "bot").history()
    assert history == [(f"Accept {accepted:,} suggestion(s) in 5 document(s)", True)]
    capsys.readouterr()
    assert main(["undo", str(project), "--annotator", "bot"]) == 0
    assert "Undone: Accept" in capsys.readouterr().out
    with Store.open(project) as store:
        assert "bot" not in store.spans_per_layer()  # every document's, not the last one's
    assert main(["redo", str(project), "--annotator", "bot"]) == 0
    with Store.open(project) as store:
        assert store.spans_per_layer()["bot"] == accepted


def test_a_step_in_parts_keeps_what_it_did_and_is_undone_whole_with_the_history_trimmed(sample_store):
    store = sample_store
    session = Session(store, "ann", history_limit=3)
    doc_ids = store.document_ids()
    with session.one_step("Tag every article") as step:
        for doc_id in doc_ids:
            step.do(AddSpan(Annotation(doc_id=doc_id, start=0, end=1, label="PERSON", annotator="ann")))
    assert store.spans_per_layer() == {"ann": len(doc_ids)}
    for n in range(2):  # two more steps: the step in parts is the oldest of three kept
        session.do(AddSpan(Annotation(doc_id=doc_ids[0], start=2, end=3 + n, label="ORG", annotator="ann")))
    assert [label for label, _done in session.history()] == ["Add ORG", "Add ORG", "Tag every article"]
    session.undo()
    session.undo()
    assert session.undo().label == "Tag every article"
    assert store.spans_per_layer() == {}
    assert session.redo().label == "Tag every article" and store.spans_per_layer() == {"ann": len(doc_ids)}
    for n in range(3):  # a new step drops what was undone, and the oldest beyond three: its parts go too
        session.do(AddSpan(Annotation(doc_id=doc_ids[1], start=2, end=3 + n, label="ORG", annotator="ann")))
    from curator.store.tables import history_table

    with store.engine.connect() as conn:
        rows = conn.execute(history_table.select()).all()
    assert len(rows) == 3 and all(row.annotator == "ann" for row in rows)


def test_a_failing_part_keeps_the_parts_before_it_as_one_step(sample_store):
    import pytest

    from curator.errors import CuratorError

    store = sample_store
    session = Session(store, "ann")
    doc_id = store.document_ids()[0]
    span = Annotation(doc_id=doc_id, start=0, end=1, label="PERSON", annotator="ann")
    with session.one_step("Two parts") as step:
        step.do(AddSpan(span))
        with pytest.raises(CuratorError):
            step.do(AddSpan(Annotation(doc_id=doc_id, start=0, end=1, label="PERSON", annotator="ann")))
    assert session.history() == [("Two parts", True)] and store.spans_per_layer() == {"ann": 1}
    session.undo()
    assert store.spans_per_layer() == {}
