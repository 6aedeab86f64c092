"""An import is one step of its user's history: undo takes out what it added (its documents
with everything on them, its spans on documents already there), redo puts it back."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from curator.cli import main
from curator.domain.models import Annotation, DocumentStatus
from curator.errors import CuratorError
from curator.session.history import Session
from curator.session.import_commands import PutBackImport
from curator.session.importing import import_paths
from curator.store import Store
from curator.store.events import DocumentsAdded, DocumentsRemoved


def _articles(path, count, prefix="a"):
    path.write_text("".join(json.dumps({"id": f"{prefix}{n}", "title": f"Title {n}",
                                        "text": f"Article {n} says that prices rose 3% in May."}) + "\n"
                            for n in range(count)), encoding="utf-8")
    return path


def _layer(path, uid, annotator="bob"):
    """A Label Studio task for an article already in the project: spans on an old document."""
    text = "Article 0 says that prices rose 3% in May."
    start = text.index("3%")
    path.write_text(json.dumps([{"data": {"text": text, "meta": {"uid": uid}}, "annotations": [
        {"completed_by": annotator, "result": [{"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
                                               "value": {"start": start, "end": start + 2, "text": "3%",
                                                         "labels": ["PERCENT"]}}]}]}]), encoding="utf-8")
    return path


@pytest.fixture
def session(store):
    session = Session(store, "alice")
    yield session


def test_an_import_is_one_undo_and_its_redo_puts_back_every_row(session, tmp_path):
    store = session.store
    import_paths(session, [_articles(tmp_path / "first.jsonl", 2, "old")])
    tasks = [json.loads(_layer(tmp_path / f"t{n}.json", f"new{n}").read_text())[0] for n in range(3)]
    (tmp_path / "tasks.json").write_text(json.dumps(tasks), encoding="utf-8")
    report = import_paths(session, [tmp_path / "tasks.json"])
    new = report.added
    assert len(new) == 3 and report.spans_added == 3 and not report.spans_on_known
    assert session.undo_text == "Import 3 documents"
    before = {doc_id: (store.get_document(doc_id), store.annotations_for(doc_id)) for doc_id in new}

    seen = []
    store.events.subscribe(seen.append)
    assert session.undo().label == "Import 3 documents"
    assert store.document_count() == 2 and all(store.document_by_uid(f"new{n}") is None for n in range(3))
    assert store.annotation_count() == 0
    assert any(isinstance(e, DocumentsRemoved) and set(e.ids) == set(new) for e in seen)
    assert session.redo_text == "Import 3 documents"

    assert session.redo().label == "Import 3 documents"
    assert store.document_count() == 5
    for doc_id, (document, spans) in before.items():
        again = store.get_document(doc_id)
        assert (again.uid, again.title, again.text, again.published, again.extra) == (
            document.uid, document.title, document.text, document.published, document.extra)
        assert store.annotations_for(doc_id) == spans
    assert any(isinstance(e, DocumentsAdded) and set(e.ids) == set(new) for e in seen)
    assert session.undo_text == "Import 3 documents"


def test_undo_takes_back_the_spans_an_import_added_to_documents_already_there(session, tmp_path):
    store = session.store
    import_paths(session, [_articles(tmp_path / "a.jsonl", 1)])
    doc_id = store.document_by_uid("a0").id
    report = import_paths(session, [_layer(tmp_path / "bob.json", "a0")])
    assert report.spans_added == 1 and not report.added, report.summary()
    assert session.undo_text == "Import 1 span and 1 status"  # (Bob submitted it in Label Studio: done)
    assert [a.label for a in store.annotations_for(doc_id, "bob")] == ["PERCENT"]
    assert store.status(doc_id, "bob") is DocumentStatus.DONE
    session.undo()
    assert store.annotations_for(doc_id, "bob") == [] and store.document_count() == 1
    assert store.status(doc_id, "bob") is DocumentStatus.TODO
    session.redo()
    assert [a.label for a in store.annotations_for(doc_id, "bob")] == ["PERCENT"]


def test_undo_puts_back_the_statuses_and_categories_an_import_set_on_documents_already_there(session, tmp_path):
    """A Curator export of the same articles says Bob finished them and chose their topic:
    undone, its import leaves their statuses and categories as they were; a status set
    after it is later work, kept."""
    from curator.domain.models import DocumentStatus
    from curator.domain.schema import CategorySet, Choice
    from curator.formats.export import export_json

    store = session.store
    topic = CategorySet(name="topic", choices=[Choice(name="economy"), Choice(name="politics")])
    store.save_schema(store.label_schema.with_category(topic))
    import_paths(session, [_articles(tmp_path / "a.jsonl", 2)])
    first, second = (store.document_by_uid(uid).id for uid in ("a0", "a1"))
    store.set_status(second, "bob", DocumentStatus.TODO)  # Bob had looked at it: a status of to-do, and when
    todo_since = store.statuses_with_times("bob")[second]
    with Store.create(tmp_path / "elsewhere") as other:  # Bob's copy: the same articles, each done
        other_session = Session(other, "bob")
        import_paths(other_session, [tmp_path / "a.jsonl"])
        other.save_schema(other.label_schema.with_category(topic))
        for doc_id in (1, 2):
            other.add_annotation(Annotation(doc_id=doc_id, start=0, end=7, label="PERSON", annotator="bob"))
            other.set_status(doc_id, "bob", DocumentStatus.DONE)
        other.set_categories(1, "bob", "topic", ["economy"])
        export_json(other, tmp_path / "bob.json", annotator="bob")
    store.set_categories(first, "bob", "topic", ["politics"])  # what Bob chose here before
    chosen_here = store.categories_with_times("bob")

    import_paths(session, [tmp_path / "bob.json"])
    assert session.undo_text == "Import 2 spans and 2 statuses and 1 set of categories"
    assert store.statuses("bob") == {first: DocumentStatus.DONE, second: DocumentStatus.DONE}
    assert store.categories_for(first, "bob") == {"bob": {"topic": ["economy"]}}
    session.undo()
    assert store.statuses_with_times("bob") == {second: todo_since}  # none on the first, as before
    assert store.categories_with_times("bob") == chosen_here
    session.redo()
    assert store.statuses("bob") == {first: DocumentStatus.DONE, second: DocumentStatus.DONE}
    assert store.categories_for(first, "bob") == {"bob": {"topic": ["economy"]}}
    store.set_status(first, "bob", DocumentStatus.TODO)  # Bob opens it again, after the import
    session.undo()
    assert store.status(first, "bob") is DocumentStatus.TODO and first in store.statuses_with_times("bob")
    assert store.statuses_with_times("bob")[second] == todo_since


def _bob_done(tmp_path, name="bob.json"):
    """Bob's copy of the articles a0 and a1, both done by him, as a Curator export."""
    from curator.domain.models import DocumentStatus
    from curator.formats.export import export_json

    with Store.create(tmp_path / f"elsewhere-{name}") as other:
        import_paths(Session(other, "bob"), [tmp_path / "a.jsonl"])
        for doc_id in (1, 2):
            other.add_annotation(Annotation(doc_id=doc_id, start=0, end=7, label="PERSON", annotator="bob"))
            other.set_status(doc_id, "bob", DocumentStatus.DONE)
        export_json(other, tmp_path / name, annotator="bob")
    return tmp_path / name


def test_statuses_an_import_sets_twice_or_on_documents_deleted_since_are_put_back_right(session, tmp_path):
    """Two files of one import mark the same documents done: undone, they are as before
    it, not as its first file left them. A document deleted since is passed over. The
    same file again changes nothing and is no step. A status set between undo and redo stays."""
    from curator.domain.models import DocumentStatus

    store = session.store
    import_paths(session, [_articles(tmp_path / "a.jsonl", 2)])
    first, second = (store.document_by_uid(uid).id for uid in ("a0", "a1"))
    store.set_status(first, "bob", DocumentStatus.TODO)
    before = store.statuses_with_times("bob")
    files = [_bob_done(tmp_path), _bob_done(tmp_path, "copy.json")]
    import_paths(session, files)
    assert session.undo_text == "Import 2 spans and 2 statuses"  # (each span, document and annotator once)
    session.undo()
    assert store.statuses_with_times("bob") == before
    session.redo()
    undo_text = session.undo_text
    import_paths(session, [files[0]])  # again: every span and status is there already
    assert session.undo_text == undo_text
    session.undo()
    store.set_status(second, "bob", DocumentStatus.TODO)  # set after the undo: later work
    session.redo()
    assert store.status(second, "bob") is DocumentStatus.TODO and store.status(first, "bob") is DocumentStatus.DONE
    from curator.store.removals import id_ranges

    store.take_out_documents(id_ranges([first]))  # deleted since (by another program, say)
    session.undo()  # its statuses on what is left are put back; the deleted one is passed over
    assert store.statuses_with_times("bob") == {second: store.statuses_with_times("bob")[second]}


def test_undo_refuses_to_take_someone_elses_later_work_with_the_documents(session, tmp_path):
    store = session.store
    report = import_paths(session, [_articles(tmp_path / "a.jsonl", 2)])
    later = Annotation(doc_id=report.added[0], start=0, end=7, label="PERSON", annotator="bob")
    store.add_annotation(later)  # Bob tags an imported article afterwards
    with pytest.raises(CuratorError, match="worked on since \\(1 span\\)"):
        session.undo()
    assert store.document_count() == 2 and store.annotations_for(report.added[0], "bob")


def test_undo_refuses_to_take_spans_it_added_to_older_documents_once_they_were_edited(session, tmp_path):
    """The spans an import added to documents already there went with its undo even after
    someone corrected them; now the undo is refused, as for work on its own documents."""
    store = session.store
    import_paths(session, [_articles(tmp_path / "a.jsonl", 1)])
    doc_id = store.document_by_uid("a0").id
    import_paths(session, [_layer(tmp_path / "bob.json", "a0")])
    imported = store.annotations_for(doc_id, "bob")[0]
    store.update_annotation(imported.id, label="MONEY")  # Bob corrects the imported span
    with pytest.raises(CuratorError, match=r"could not undo 'Import 1 span and 1 status': 1 of the spans it added to documents "
                                           r"already in the project was edited since \(such as bob's MONEY at "):
        session.undo()
    assert [(a.id, a.label) for a in store.annotations_for(doc_id, "bob")] == [(imported.id, "MONEY")]
    assert session.undo_text == "Import 1 document"  # the earlier steps stay reachable


def test_a_redo_is_refused_when_the_same_documents_were_imported_again(session, tmp_path):
    store = session.store
    import_paths(session, [_articles(tmp_path / "a.jsonl", 2)])
    session.undo()
    import_paths(Session(store, "bob"), [tmp_path / "a.jsonl"])  # another user imports the same file
    with pytest.raises(CuratorError, match="imported again since"):
        session.redo()
    assert store.document_count() == 2


def test_a_huge_undone_import_cannot_be_redone_and_says_so(session, tmp_path, monkeypatch):
    from curator.session import import_commands

    monkeypatch.setattr(import_commands, "REDO_LIMIT", 2)
    import_paths(session, [_articles(tmp_path / "a.jsonl", 3)])
    session.undo()
    assert session.store.document_count() == 0
    with pytest.raises(CuratorError, match="cannot be redone once undone: import its files again"):
        session.redo()
    assert session.redo_text is None  # taken off the history


def test_the_redo_limit_counts_the_spans_an_import_added_to_older_documents(session, tmp_path, monkeypatch):
    """Its spans on documents already there go into the history as its documents do: an
    undone import of three such spans and no document is over a limit of two."""
    from curator.session import import_commands

    monkeypatch.setattr(import_commands, "REDO_LIMIT", 2)
    store = session.store
    import_paths(Session(store, "bob"), [_articles(tmp_path / "a.jsonl", 3)])
    tasks = [json.loads(_layer(tmp_path / f"t{n}.json", f"a{n}").read_text().replace("Article 0", f"Article {n}"))[0]
             for n in range(3)]
    (tmp_path / "tasks.json").write_text(json.dumps(tasks), encoding="utf-8")
    assert import_paths(session, [tmp_path / "tasks.json"]).spans_added == 3
    session.undo()
    assert store.annotation_count() == 0 and store.document_count() == 3
    with pytest.raises(CuratorError, match="more than 2 documents and spans on documents already in the project "
                                           "cannot be redone once undone: import its files again"):
        session.redo()
    assert session.redo_text is None

def test_an_import_that_added_nothing_leaves_no_step(session, tmp_path):
    path = _articles(tmp_path / "a.jsonl", 1)
    import_paths(session, [path])
    session.undo()
    session.redo()
    import_paths(session, [path])  # the same file again: everything already there
    assert session.history(5)[0] == ("Import 1 document", True) and len(session.history(5)) == 1


def test_the_history_keeps_the_import_steps_across_processes(tmp_path, capsys, monkeypatch):
    project = tmp_path / "p"
    assert main(["sample", str(project)]) == 0
    with Store.open(project) as store:
        before = store.document_count()
    assert main(["import", str(project), str(_articles(tmp_path / "a.jsonl", 4))]) == 0
    assert main(["undo", str(project)]) == 0
    assert "Undone: Import 4 documents" in capsys.readouterr().out
    with Store.open(project) as store:
        assert store.document_count() == before
    assert main(["redo", str(project)]) == 0
    with Store.open(project) as store:
        assert store.document_count() == before + 4


def test_put_back_rows_round_trip_through_the_history_codec(session, tmp_path):
    from curator.session.history import decode, encode

    report = import_paths(session, [_articles(tmp_path / "a.jsonl", 2)])
    rows = session.store.take_out_documents([(min(report.added), max(report.added))])
    command = decode(encode(PutBackImport("Import 2 documents", rows)))
    command.apply(session.store)
    assert {session.store.get_document(i).uid for i in report.added} == {"a0", "a1"}


def test_undoing_an_import_keeps_a_relation_made_later_on_one_of_its_spans(session, tmp_path):
    """A relation Bob drew afterwards from an imported span went with the span (the
    database's cascade) and no redo brought it back."""
    from curator.domain.models import Relation

    store = session.store
    import_paths(session, [_articles(tmp_path / "a.jsonl", 1)])
    doc_id = store.document_by_uid("a0").id
    import_paths(session, [_layer(tmp_path / "bob.json", "a0")])
    imported = store.annotations_for(doc_id, "bob")[0]
    own = Annotation(doc_id=doc_id, start=0, end=7, label="ORG", annotator="bob")
    store.add_annotation(own)
    later = Relation(doc_id=doc_id, source_id=imported.id, target_id=own.id, label="attributed_to",
                     annotator="bob")
    store.add_relations([later])
    session.undo()
    session.redo()
    assert [r.id for r in store.relations_for(doc_id, "bob")] == [later.id]


def test_a_redo_still_works_when_the_other_end_of_a_later_relation_went_meanwhile(session, tmp_path):
    from curator.domain.models import Relation

    store = session.store
    import_paths(session, [_articles(tmp_path / "a.jsonl", 1)])
    doc_id = store.document_by_uid("a0").id
    import_paths(session, [_layer(tmp_path / "bob.json", "a0")])
    imported = store.annotations_for(doc_id, "bob")[0]
    own = Annotation(doc_id=doc_id, start=0, end=7, label="ORG", annotator="bob")
    store.add_annotation(own)
    store.add_relations([Relation(doc_id=doc_id, source_id=imported.id, target_id=own.id, label="attributed_to",
                                  annotator="bob")])
    session.undo()
    store.delete_annotation(own.id)  # Bob's own span goes while the import is undone
    session.redo()
    assert [a.id for a in store.annotations_for(doc_id, "bob")] == [imported.id]
    assert store.relations_for(doc_id, "bob") == []



def test_a_redo_still_works_when_an_older_document_it_had_spans_on_went_meanwhile(session, tmp_path):
    """Its spans on a document deleted since stay out, as the deletion would have taken them
    along; the rest comes back (it was refused as "FOREIGN KEY constraint failed", kept to
    fail again at every redo)."""
    store = session.store
    import_paths(session, [_articles(tmp_path / "a.jsonl", 2)])
    gone, kept = store.document_by_uid("a0").id, store.document_by_uid("a1").id
    tasks = [json.loads(_layer(tmp_path / f"t{n}.json", f"a{n}").read_text().replace("Article 0", f"Article {n}"))[0]
             for n in range(2)]
    (tmp_path / "tasks.json").write_text(json.dumps(tasks), encoding="utf-8")
    assert import_paths(session, [tmp_path / "tasks.json"]).spans_added == 2
    session.undo()
    store.take_out_documents([(gone, gone)], keep=False)  # someone deletes one of the older documents
    assert session.redo().label == "Import 2 spans and 2 statuses"
    assert [a.label for a in store.annotations_for(kept, "bob")] == ["PERCENT"]
    assert store.document_count() == 1 and store.annotation_count() == 1
    assert session.undo().label == "Import 2 spans and 2 statuses"  # and it can be undone again
    assert store.annotation_count() == 0

def test_an_undone_imports_ids_are_never_given_to_the_next_import(store, tmp_path):
    """SQLite gave a document id freed by an undo again to the next import, and the first
    import's redo was then refused; now no backend gives an id twice (migration 0012)."""
    alice, bob = Session(store, "alice"), Session(store, "bob")
    first = import_paths(alice, [_articles(tmp_path / "a.jsonl", 2, "a")]).added
    alice.undo()
    second = import_paths(bob, [_articles(tmp_path / "b.jsonl", 2, "b")]).added
    assert not set(first) & set(second) and min(second) > max(first)
    assert alice.redo().label == "Import 2 documents"
    assert sorted(store.document_ids()) == sorted([*first, *second]) and store.document_by_uid("a0").id in first
    alice.undo()
    bob.undo()
    third = import_paths(bob, [_articles(tmp_path / "c.jsonl", 1, "c")]).added
    assert min(third) > max(second)  # the newest freed id too
    assert alice.redo() and bob.redo_text is None and store.document_count() == 3


def test_a_cancelled_import_is_one_undo_for_the_batches_it_kept(session, tmp_path, monkeypatch):
    """A cancelled import keeps the batches it committed; it left no step to undo them."""
    from curator.domain.jobs import Cancelled, Job
    from curator.formats import articles

    monkeypatch.setattr(articles, "_BATCH", 2)
    first, second = _articles(tmp_path / "a.jsonl", 5, "a"), _articles(tmp_path / "b.jsonl", 5, "b")

    class CancelOnSecondFile(Job):
        def set_status(self, text):
            super().set_status(text)
            if "b.jsonl" in text:
                self.cancel()

    with pytest.raises(Cancelled):
        import_paths(session, [first, second], CancelOnSecondFile())
    kept = session.store.document_count()
    assert kept >= 2
    assert session.undo_text == f"Import {kept} documents"
    session.undo()
    assert session.store.document_count() == 0


def test_undoing_and_redoing_an_import_keeps_the_relations_proposed_on_its_spans(session, tmp_path):
    from curator.domain.models import RelationSuggestion, SuggestionStatus

    store = session.store
    import_paths(session, [_articles(tmp_path / "a.jsonl", 1)])
    doc_id = store.document_by_uid("a0").id
    import_paths(session, [_layer(tmp_path / "bob.json", "a0")])
    imported = store.annotations_for(doc_id, "bob")[0]
    own = Annotation(doc_id=doc_id, start=0, end=7, label="ORG", annotator="bob")
    store.add_annotation(own)
    store.add_relation_suggestions([RelationSuggestion(doc_id=doc_id, source_id=imported.id, target_id=own.id,
                                                       label="attributed_to", annotator="bob",
                                                       status=SuggestionStatus.REJECTED)])
    session.undo()
    session.redo()
    assert [p.status for p in store.relation_suggestions_for(doc_id)] == [SuggestionStatus.REJECTED]


def test_an_import_whose_ids_are_a_thousand_runs_can_be_undone_and_redone(store):
    """An import interleaved with another's has its ids in many runs: SQLite refused the
    one expression of a thousand ORs that took them out."""
    from curator.domain.models import Document
    from curator.session.import_commands import TakeOutImport
    from curator.store.removals import id_ranges

    ids = store.add_documents([Document(uid=f"d{n}", text=f"Article {n}.") for n in range(2400)])
    mine = ids[::2]  # every other document: 1,200 runs
    assert len(id_ranges(mine)) == 1200
    redo = TakeOutImport("Import", id_ranges(mine), since=datetime.now(timezone.utc)).apply(store)
    assert store.document_count() == 1200 and len(redo.rows["documents"]) == 1200
    redo.apply(store)
    assert store.document_count() == 2400


def _kept_redo(store):
    import sqlalchemy as sa

    from curator.store.tables import history_table

    with store.engine.connect() as conn:
        row = conn.execute(sa.select(history_table.c.seq, history_table.c.redo)
                           .where(history_table.c.done.is_(False)).order_by(history_table.c.seq).limit(1)).one()
    return row.seq, row.redo


def _keep_redo(store, seq, redo):
    from curator.store.tables import history_table

    with store.engine.begin() as conn:
        conn.execute(history_table.update().where(history_table.c.seq == seq).values(redo=redo))


@pytest.mark.parametrize(("change", "reason"), [
    ("renamed", "row 1 of documents it keeps has column 'headline', which the table no longer has"),
    ("new column", "row 1 of documents it keeps has no 'language', which the table now needs"),
    ("table gone", "it keeps rows of document_notes, a table the project no longer has"),
    ("span", "a span it keeps no longer fits"),
])
def test_a_redo_whose_kept_rows_the_tables_no_longer_fit_is_refused_and_stays(session, tmp_path, monkeypatch,
                                                                               change, reason):
    """The rows an undone step keeps are read back by column name: after an upgrade that
    renamed or dropped a column, its redo failed with an internal error. Now it is refused,
    naming the step and the reason; nothing is written and the step stays to redo."""
    import sqlalchemy as sa

    from curator.errors import StepOutdated
    from curator.store import removals

    store = session.store
    import_paths(session, [_articles(tmp_path / "a.jsonl", 1)])
    import_paths(session, [_articles(tmp_path / "b.jsonl", 2, "b")])
    import_paths(session, [_layer(tmp_path / "bob.json", "a0")])
    session.undo()
    session.undo()
    seq, redo = _kept_redo(store)
    if change == "renamed":  # an upgrade renamed title to headline
        for row in redo["fields"]["rows"]["documents"]:
            row["headline"] = row.pop("title")
    elif change == "table gone":
        redo["fields"]["rows"]["document_notes"] = [{"doc_id": 1, "note": "x"}]
    elif change == "new column":  # an upgrade added a column every document must have
        table = removals.documents_table.to_metadata(sa.MetaData())
        table.append_column(sa.Column("language", sa.String(10), nullable=False))
        monkeypatch.setattr(removals, "DOCUMENT_TABLES", (table, *removals.DOCUMENT_TABLES[1:]))
    _keep_redo(store, seq, redo)
    if change == "span":  # the spans on documents already there, with a field the model now lacks
        session.redo()  # the documents; the span is next
        seq, redo = _kept_redo(store)
        redo["fields"]["spans"][0]["start"] = "the beginning"
        _keep_redo(store, seq, redo)
        label = "Import 1 span and 1 status"
    else:
        label = "Import 2 documents"
    documents = store.document_count()
    with pytest.raises(StepOutdated, match=f"could not redo '{label}': {reason}.*stays on the history"):
        session.redo()
    assert store.document_count() == documents and session.redo_text == label
    assert _kept_redo(store) == (seq, redo)  # the history as it was


def test_kept_rows_are_read_for_the_tables_or_refused_naming_table_and_row():
    """Fuzz (bounded): whatever a history entry's kept rows hold, reading them for the
    tables gives rows of the tables' columns, or ``StepOutdated`` naming the table and row."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from curator.errors import StepOutdated
    from curator.store.removals import DOCUMENT_TABLES, _fitting

    names = sorted({column.name for table in DOCUMENT_TABLES for column in table.columns} | {"headline", "x"})
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-10, 10 ** 12), st.text(max_size=30),
                        st.sampled_from(["2024-02-30", "2025-01-01", "2025-01-01T10:00:00+00:00", "T"]))
    row = st.dictionaries(st.sampled_from(names), scalars, max_size=12)
    tables = st.sampled_from([table.name for table in DOCUMENT_TABLES] + ["gone"])

    @settings(max_examples=150, deadline=None)
    @given(st.dictionaries(tables, st.lists(row, max_size=3), max_size=3))
    def read(rows):
        try:
            fitting = _fitting(rows)
        except StepOutdated as exc:
            assert " of " in str(exc) or "no longer has" in str(exc)
            return
        for table, kept in fitting.items():
            assert all(set(one) <= set(table.c.keys()) for one in kept)

    read()


def test_a_redo_is_refused_when_its_spans_label_was_deleted_meanwhile(session, tmp_path):
    """Its spans came back with a label the project no longer had (counted, shown nowhere);
    now the redo is refused, naming the label, and nothing is written."""
    from curator.session.label_edits import remove_label

    store = session.store
    tasks = [json.loads(_layer(tmp_path / "t.json", "new0").read_text())[0]]
    (tmp_path / "tasks.json").write_text(json.dumps(tasks), encoding="utf-8")
    import_paths(session, [tmp_path / "tasks.json"])
    session.undo()
    Session(store, "bob").do(remove_label(store, "PERCENT"))
    with pytest.raises(CuratorError, match="could not redo 'Import 1 document': its spans have the label\\(s\\) "
                                           "PERCENT, deleted since"):
        session.redo()
    assert store.document_count() == 0 and store.label_counts() == {}
