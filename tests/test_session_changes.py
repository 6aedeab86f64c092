"""One change description per operation: what a do, undo, redo, a step done in parts, an
import and a change made by another process changed, and who started it."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curator.domain.jobs import WriteBehind
from curator.domain.models import Annotation, Document
from curator.errors import DuplicateError
from curator.session import Session
from curator.session.commands import AddSpan, Batch, SetMeasures
from curator.session.label_edits import rename_label
from curator.session.project import create_sample_project
from curator.store import Store


@pytest.fixture
def project(tmp_path):
    store, _report = create_sample_project(tmp_path / "p", annotations=False)
    yield store
    store.close()


def span(doc_id: int, start: int = 0, end: int = 5, label: str = "PERSON", annotator: str = "ann") -> Annotation:
    return Annotation(doc_id=doc_id, start=start, end=end, label=label, annotator=annotator)


def test_each_do_undo_and_redo_is_one_changes_naming_what_moved_and_who(project):
    session = Session(project, "ann")
    seen = []
    session.changes.subscribe(seen.append)
    doc_id = project.document_ids()[0]
    session.do(Batch([AddSpan(span(doc_id)), AddSpan(span(doc_id, 6, 9))], "Add two", doc_id))
    session.undo()
    session.redo()
    assert [(c.origin, c.history.moved, c.spans, len(c.spans_added(doc_id, "ann")), len(c.spans_removed()))
            for c in seen] == [("edit", "Done", {doc_id}, 2, 0), ("undo", "Undone", {doc_id}, 0, 2),
                               ("redo", "Redone", {doc_id}, 2, 0)]
    assert all(c.complete and not c.schema and not c.measures for c in seen)
    assert seen[0].span_documents("someone else") == set() and seen[0].spans_of(doc_id, "ann")


def test_a_refused_edit_announces_nothing_and_a_step_in_parts_is_one_changes(project):
    session = Session(project, "ann")
    seen = []
    session.changes.subscribe(seen.append)
    first, second = project.document_ids()[:2]
    session.do(AddSpan(span(first)))
    seen.clear()
    with pytest.raises(DuplicateError):
        session.do(AddSpan(span(first)))
    assert seen == []
    with session.one_step("Accept everywhere") as step:
        step.do(AddSpan(span(first, 6, 9)))
        step.do(AddSpan(span(second)))
    [changes] = seen
    assert changes.spans == {first, second} and changes.history.label == "Accept everywhere"


def test_an_import_committed_behind_on_another_thread_is_one_changes(project):
    session = Session(project, "ann")
    seen = []
    session.changes.subscribe(lambda changes: seen.append((changes, threading.current_thread().name)))
    with session.operation("import"), WriteBehind() as writer:
        for uid in ("a", "b", "c"):
            with project.transaction_committed_behind(writer):
                project.add_documents([Document(uid=uid, text=f"Article {uid}.")])
        assert seen == []  # nothing is announced before the import ends
    [(changes, _thread)] = seen
    assert changes.origin == "import" and len(changes.documents_added) == 3


def test_a_write_outside_any_operation_is_announced_at_once_and_nobody_listening_costs_nothing(project):
    session = Session(project, "ann")
    assert not project.events.listening()  # the command line: no events are built
    seen = []
    stop = session.changes.subscribe(seen.append)
    assert Session(project, "other").changes is session.changes  # one stream per store
    project.add_documents([Document(uid="z", text="Zed.")])
    assert [c.documents_added for c in seen] == [(project.document_by_uid("z").id,)]
    stop()
    assert not project.events.listening()


def test_poll_publishes_what_another_process_changed_once_and_not_this_ones_own(project):
    session = Session(project, "ann")
    seen = []
    session.changes.subscribe(seen.append)
    doc_id = project.document_ids()[0]
    assert session.poll([doc_id]) is None  # the first look: what the project is now
    session.do(AddSpan(span(doc_id)))
    assert session.poll([doc_id]) is None  # our own edit was announced by its own Changes
    with Store.open(project.location) as other:  # another process, or a teammate
        elsewhere = Session(other, "ann")
        elsewhere.do(AddSpan(span(doc_id, 6, 9)))
        elsewhere.do(rename_label(other, "PERSON", "PEOPLE"))
        elsewhere.do(SetMeasures({"trade": ["turnover"]}))
        [added] = other.add_documents([Document(uid="new", text="New.")])
        other.add_annotation(span(doc_id, 10, 14, "ORG", "someone"))  # no history: seen by the open document
    changes = session.poll([doc_id])
    assert changes is seen[-1] and changes.origin == "elsewhere" and not changes.complete
    assert changes.documents_added == (added,) and doc_id in changes.spans and changes.schema
    assert changes.relabelled == ("PERSON",) and changes.measures
    assert changes.history.annotator == "ann" and changes.history.moved == "Done"
    assert session.poll([doc_id]) is None
    with Store.open(project.location) as other:
        Session(other, "ann").undo()
    changes = session.poll([doc_id])
    assert changes.history.moved == "Undone" and changes.measures and not changes.schema


def test_poll_waits_while_an_operation_of_this_process_is_under_way(project):
    session = Session(project, "ann")
    session.changes.subscribe(lambda changes: None)
    session.poll()
    with session.operation("job"):
        project.add_documents([Document(uid="mine", text="Mine.")])
        assert session.poll() is None  # our own job's, announced when it ends
    assert session.poll() is None


def test_a_very_large_operation_keeps_its_flags_but_not_every_event(project, monkeypatch):
    from curator.session import changes as changes_module

    monkeypatch.setattr(changes_module, "EVENTS_KEPT", 2)
    session = Session(project, "ann")
    seen = []
    session.changes.subscribe(seen.append)
    first, second = project.document_ids()[:2]
    with session.operation("import"):
        project.add_annotations([span(first), span(first, 6, 9), span(second)])
    [changes] = seen
    assert not changes.complete and changes.events == () and changes.spans == {first, second}
    assert changes.span_documents("ann") == {first, second} and changes.span_layers() is None


def test_an_import_is_one_changes_and_its_undo_elsewhere_says_which_documents_went(project, tmp_path):
    from curator.session.importing import import_paths

    session = Session(project, "ann")
    seen = []
    session.changes.subscribe(seen.append)
    session.poll()
    for name in ("one", "two"):
        (tmp_path / f"{name}.txt").write_text(f"The {name} article.", encoding="utf-8")
    with Store.open(project.location) as other:
        import_paths(Session(other, "ann"), [tmp_path / "one.txt", tmp_path / "two.txt"])
    added = session.poll().documents_added
    assert len(added) == 2
    with Store.open(project.location) as other:
        Session(other, "ann").undo()
    changes = session.poll()
    assert changes.documents_removed == added and changes.history.moved == "Undone"
    with Store.open(project.location) as other:
        Session(other, "ann").redo()  # back, with the ids they had: below the newest no more
    assert session.poll().documents_added == added
    import_paths(session, [tmp_path / "one.txt"])  # already there: nothing added, nothing recorded
    session.undo()  # this process's own: one Changes of the undo, and nothing left for the poll
    assert seen[-1].origin == "undo" and seen[-1].documents_removed == added
    assert session.poll() is None


def test_an_edit_here_between_two_polls_does_not_hide_what_another_process_changed(project):
    """This process's own edit took the whole project, as it was then, as seen: a
    teammate's change just before it (labels, measures, their history) was never
    published."""
    session = Session(project, "ann")
    session.changes.subscribe(lambda changes: None)
    doc_id = project.document_ids()[0]
    session.poll([doc_id])
    with Store.open(project.location) as other:
        Session(other, "bob").do(rename_label(other, "PERSON", "PEOPLE"))
        Session(other, "bob").do(SetMeasures({"trade": ["turnover"]}))
    session.do(AddSpan(span(doc_id, label="ORG")))  # our own edit, before the next poll
    changes = session.poll([doc_id])
    assert changes is not None and changes.schema and changes.relabelled == ("PERSON",) and changes.measures
    assert changes.history.annotator == "bob"


def test_a_project_that_cannot_be_read_makes_the_poll_say_so_in_the_users_words(project, monkeypatch):
    """A poll on a project that cannot be read now (its folder gone, its server down) is a
    CuratorError naming what happened, never the database driver's own exception."""
    import sqlite3

    from curator.errors import CuratorError
    from curator.session.elsewhere import ElsewhereWatch

    session = Session(project, "ana")
    session.poll()

    def unreadable(*_args, **_kwargs):
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(ElsewhereWatch, "poll", unreadable)
    with pytest.raises(CuratorError, match="Could not look for changes made elsewhere: .*unable to open"):
        session.poll()


def test_the_ids_seen_are_kept_as_a_run_and_what_it_misses(tmp_path):
    """The watch of other processes keeps a project's ids as the ends of their runs (a
    million of them were read at every window's start)."""
    from curator.session.elsewhere import KnownIds

    store = Store.create(tmp_path / "p")
    ids = store.add_documents([Document(uid=f"d{i}", text="x") for i in range(6)])
    known = KnownIds.of(store, 6, ids[-1])
    assert known.runs == [(ids[0], ids[-1])] and len(known) == 6
    known.update([ids[-1] + 2, ids[-1] + 1])  # the next ones, in any order: still a run
    assert known.runs == [(ids[0], ids[-1] + 2)] and len(known) == 8
    known.difference_update([ids[2]])
    assert known.runs == [(ids[0], ids[1]), (ids[3], ids[-1] + 2)]
    assert known.whole() == set(ids) - {ids[2]} | {ids[-1] + 1, ids[-1] + 2} and len(known) == 7
    store.take_out_documents([(ids[1], ids[1])])
    gapped = KnownIds.of(store, 5, ids[-1])
    assert gapped.whole() == set(ids) - {ids[1]} and len(gapped) == 5
    store.close()


IDS = st.sets(st.integers(1, 60), max_size=40)


@settings(max_examples=150, deadline=None)
@given(start=IDS, steps=st.lists(st.tuples(st.booleans(), IDS), max_size=6), current=IDS, newest=st.integers(0, 70))
def test_fuzz_the_ids_known_and_what_a_read_finds_agree_with_plain_sets(start, steps, current, newest):
    """``KnownIds`` and the comparison with the runs a read found say what the same work
    on plain sets says."""
    from curator.domain.id_runs import runs_of
    from curator.session.elsewhere import KnownIds, _Gone

    known, reference = KnownIds(runs_of(start)), set(start)
    for adding, ids in steps:
        if adding:
            known.update(ids)
            reference |= ids
        else:
            known.difference_update(ids)
            reference -= ids
        assert known.whole() == reference and len(known) == len(reference)
        assert all((doc_id in known) == (doc_id in reference) for doc_id in range(0, 70))
        assert known.runs == runs_of(reference)  # (kept as few runs as there can be)
    gone = _Gone.of(runs_of(current), known, newest)
    # Every id known was there before the read: the read says which went. One above the
    # newest came after the read began (the polls tell it), so it is no id back.
    assert gone.removed == sorted(reference - current)
    assert gone.back == sorted(doc_id for doc_id in current - reference if doc_id <= newest)
    assert gone.known.whole() == {doc_id for doc_id in current if doc_id <= newest or doc_id in reference}
    assert gone.known.runs == runs_of(gone.known.whole())


def test_in_a_large_project_the_ids_of_documents_gone_elsewhere_are_read_apart(tmp_path, monkeypatch):
    """Finding which documents another process took out reads every id: in a large
    project on a thread of its own (it held a million-document window 0.7 s), the removal
    told at the next poll; an article added meanwhile is not taken for one gone."""


    store, session, other, ids = _one_gone_elsewhere(tmp_path, monkeypatch)
    gate, readers = _reads_held(monkeypatch)
    first = session.poll()  # returns at once: the read waits for the gate on its own thread
    assert first is None or not first.documents_removed
    assert readers == ["curator-elsewhere-ids"]
    session.poll()  # a poll while it reads starts no second read
    assert readers == ["curator-elsewhere-ids"]
    [late] = other.add_documents([Document(uid="late", text="y")])  # after the read began
    gate.set()
    assert session._elsewhere._reading.done.wait(10)
    second = session.poll()
    assert second is not None and list(second.documents_removed) == [ids[1]]
    assert late in second.documents_added
    assert session.poll() is None  # the ids are known again: nothing more to tell
    other.close()
    store.close()


def test_a_read_of_the_ids_begun_before_a_change_of_this_process_is_read_again(tmp_path, monkeypatch):


    store, session, other, ids = _one_gone_elsewhere(tmp_path, monkeypatch)
    other.close()
    gate, readers = _reads_held(monkeypatch)
    session.poll()
    with session.operation("import"):
        [mine] = store.add_documents([Document(uid="mine", text="z")])  # this process's own, while it reads
    gate.set()
    assert session._elsewhere._reading.done.wait(10)
    stale = session.poll()  # the read began before it: read again, nothing told from it
    assert (stale is None or not stale.documents_removed) and len(readers) == 2
    assert session._elsewhere._reading.done.wait(10)
    told = session.poll()
    assert list(told.documents_removed) == [ids[1]] and mine not in told.documents_added
    store.close()


def test_a_large_project_with_gaps_has_its_ids_read_apart_at_the_first_poll_telling_nothing(tmp_path, monkeypatch):
    """Its runs of ids took a second of the window's start at a million documents."""
    import threading

    from curator.session import elsewhere

    store = Store.create(tmp_path / "p")
    ids = store.add_documents([Document(uid=f"d{i}", text="x") for i in range(6)])
    store.take_out_documents([(ids[2], ids[2])])
    monkeypatch.setattr(elsewhere, "READ_APART_FROM", 3)
    readers = []
    runs = Store.document_id_runs

    def recorded(self):
        readers.append(threading.current_thread().name)
        return runs(self)

    monkeypatch.setattr(Store, "document_id_runs", recorded)
    session = Session(store, "ana")
    assert session.poll() is None and readers == ["curator-elsewhere-ids"]  # told nothing: nothing is known yet
    with session.operation("edit"):
        [mine] = store.add_documents([Document(uid="mine", text="z")])  # this process's own, while it reads
    assert session._elsewhere._reading.done.wait(10)
    assert session.poll() is None  # (the read began before this process's change: read again)
    assert session._elsewhere._reading.done.wait(10)
    assert session.poll() is None and session._elsewhere._ids.whole() == set(ids) - {ids[2]} | {mine}
    other = Store.open(tmp_path / "p")
    other.take_out_documents([(ids[4], ids[4])], keep=False)
    session.poll()
    assert session._elsewhere._reading.done.wait(10)
    assert list(session.poll().documents_removed) == [ids[4]]
    other.close()
    store.close()


def _one_gone_elsewhere(tmp_path, monkeypatch):
    """A large project (made small) of six documents seen by a session, one of which
    another process has just taken out: (store, session, the other's store, ids)."""
    from curator.session import elsewhere

    monkeypatch.setattr(elsewhere, "READ_APART_FROM", 0)
    store = Store.create(tmp_path / "p")
    ids = store.add_documents([Document(uid=f"d{i}", text="x") for i in range(6)])
    session = Session(store, "ana")
    session.poll()
    other = Store.open(tmp_path / "p")
    other.take_out_documents([(ids[1], ids[1])], keep=False)
    return store, session, other, ids


def _reads_held(monkeypatch):
    """Every read of the ids waits for the gate returned, and names its thread in the list."""
    import threading

    from curator.session import elsewhere

    gate, readers = threading.Event(), []
    read = elsewhere.ElsewhereWatch._document_ids

    def held(watch):
        readers.append(threading.current_thread().name)
        assert gate.wait(10)
        return read(watch)

    monkeypatch.setattr(elsewhere.ElsewhereWatch, "_document_ids", held)
    return gate, readers


def test_the_ids_read_apart_are_compared_with_those_known_on_the_reading_thread(tmp_path, monkeypatch):
    """At a million documents the comparison of the ids read with those known (set
    differences in Python) held the window's thread 0.2 s after the read itself moved."""
    import threading

    from curator.session import elsewhere

    store, session, other, ids = _one_gone_elsewhere(tmp_path, monkeypatch)
    compared = []
    of = elsewhere._Gone.of.__func__

    def recorded(cls, *args):
        compared.append(threading.current_thread().name)
        return of(cls, *args)

    monkeypatch.setattr(elsewhere._Gone, "of", classmethod(recorded))
    session.poll()
    assert session._elsewhere._reading.done.wait(10)
    told = session.poll()
    assert list(told.documents_removed) == [ids[1]] and compared == ["curator-elsewhere-ids"]
    other.close()
    store.close()


def test_an_edit_of_this_process_counts_no_documents_to_be_taken_as_seen(tmp_path):
    """Taking this process's own edit as seen read the documents' count (7 ms of every
    edit at a million documents); only a change of the documents needs it."""
    import sqlalchemy as sa

    store = Store.create(tmp_path / "p")
    [doc_id] = store.add_documents([Document(uid="d", text="Astana and Almaty")])
    session = Session(store, "ana")
    session.poll()
    statements = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    session.do(AddSpan(Annotation(doc_id=doc_id, start=0, end=6, label="LOCATION", annotator="ana")))
    assert statements and not [sql for sql in statements if "count(*)" in sql and "FROM documents" in sql]
    with session.operation("import"):
        store.add_documents([Document(uid="e", text="Shymkent")])
    assert any("count(*)" in sql and "FROM documents" in sql for sql in statements)
    other = Store.open(tmp_path / "p")
    other.take_out_documents([(doc_id, doc_id)], keep=False)
    assert list(session.poll().documents_removed) == [doc_id]  # (what it saw is still right)
    other.close()
    store.close()


def test_ids_with_many_gaps_are_compared_in_a_moment():
    """A project with many gaps (every other document taken out) is many runs: comparing
    them took each run of one through the rest of the other, minutes of the window."""
    import time

    from curator.domain.id_runs import runs_of
    from curator.session.elsewhere import KnownIds, _Gone

    known = KnownIds(runs_of(range(1, 240_000, 2)))  # 120,000 runs of one id
    started = time.perf_counter()
    known.difference_update(range(1, 240_000, 4))
    gone = _Gone.of(runs_of(range(3, 240_000, 8)), known, 240_000)
    assert time.perf_counter() - started < 2  # (0.1 s here; it took 8 s)
    assert len(known) == 60_000 and len(gone.removed) == 30_000 and gone.back == []


def test_a_document_added_elsewhere_while_the_ids_are_read_is_told_added_once(tmp_path, monkeypatch):
    """A poll while the ids are read tells it; the read, which found it too, tells it again
    no more (a list would show its row twice)."""
    store, session, other, ids = _one_gone_elsewhere(tmp_path, monkeypatch)
    gate, _readers = _reads_held(monkeypatch)
    session.poll()
    [late] = other.add_documents([Document(uid="late", text="y")])
    assert list(session.poll().documents_added) == [late]
    gate.set()
    assert session._elsewhere._reading.done.wait(10)
    told = session.poll()
    assert list(told.documents_removed) == [ids[1]] and list(told.documents_added) == []
    other.close()
    store.close()


def test_a_document_added_and_taken_out_elsewhere_while_the_ids_are_read_is_told_gone(tmp_path, monkeypatch):
    """The newest document went again before the read: it was taken for one added after the
    read began, kept as there for good (the count never agreed again: a read at every
    poll), and its removal never told."""
    store, session, other, ids = _one_gone_elsewhere(tmp_path, monkeypatch)
    gate, _readers = _reads_held(monkeypatch)
    session.poll()
    [late] = other.add_documents([Document(uid="late", text="y")])
    assert list(session.poll().documents_added) == [late]
    other.take_out_documents([(late, late)], keep=False)
    gate.set()
    removed = []
    for _ in range(6):
        if session._elsewhere._reading is not None:
            assert session._elsewhere._reading.done.wait(10)
        told = session.poll()
        removed += told.documents_removed if told else []
    assert sorted(removed) == [ids[1], late] and session._elsewhere._reading is None
    other.close()
    store.close()


def test_a_read_of_the_ids_that_failed_keeps_what_its_poll_found_for_the_next(tmp_path, monkeypatch):
    """The poll that takes a failed read says so; what it found besides (a document added
    elsewhere) is told by the next poll, not lost."""
    import sqlite3

    from curator.errors import CuratorError
    from curator.session import elsewhere

    store, session, other, ids = _one_gone_elsewhere(tmp_path, monkeypatch)
    read, failures = elsewhere.ElsewhereWatch._document_ids, [sqlite3.OperationalError("database is locked")]

    def failing_once(watch):
        if failures:
            raise failures.pop()
        return read(watch)

    monkeypatch.setattr(elsewhere.ElsewhereWatch, "_document_ids", failing_once)
    session.poll()
    assert session._elsewhere._reading.done.wait(10)
    [late] = other.add_documents([Document(uid="late", text="y")])
    with pytest.raises(CuratorError, match="the project is busy"):
        session.poll()
    added, removed = [], []
    for _ in range(4):
        if session._elsewhere._reading is not None:
            assert session._elsewhere._reading.done.wait(10)
        told = session.poll()
        added += told.documents_added if told else []
        removed += told.documents_removed if told else []
    assert added == [late] and removed == [ids[1]]
    other.close()
    store.close()


def test_an_edit_in_a_project_with_many_gaps_costs_the_ids_known_no_time():
    """Every edit of this process, and every poll, updates the ids known (most by nothing):
    each redid every run, 30 ms of the window at 100,000 runs."""
    import time

    from curator.domain.id_runs import runs_of
    from curator.session.elsewhere import KnownIds

    known = KnownIds(runs_of(range(1, 400_000, 2)))  # 200,000 runs of one id
    started = time.perf_counter()
    for step in range(50):
        known.update([])
        known.difference_update(())
        known.update([400_001 + 2 * step])  # a document added after the last
        known.difference_update([1_001 + 4 * step])  # one taken out
        known.update([2_002 + 4 * step])  # a gap filled: three runs become one
    assert time.perf_counter() - started < 0.5  # (2 ms here; it took 7.6 s)
    assert len(known) == 200_050 and known.runs == runs_of(known.whole())


def test_a_poll_when_nothing_was_committed_elsewhere_runs_no_query_and_misses_nothing(tmp_path):
    """A poll's queries were 8 ms of the window's thread every poll at a million documents;
    SQLite's count of commits by other connections now says when there is nothing to see."""
    import sqlalchemy as sa

    store = Store.create(tmp_path / "p")
    first, second = store.add_documents([Document(uid="a", text="Astana and Almaty"),
                                         Document(uid="b", text="Shymkent and Taraz")])
    session = Session(store, "ana")
    assert session.poll([first]) is None  # the first look
    statements = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    assert session.poll([first]) is None and statements == []
    other = Store.open(tmp_path / "p")  # another process
    other.add_annotation(span(first, 0, 6, "LOCATION", "someone"))
    assert session.poll([first]).spans == frozenset({first}) and statements
    statements.clear()
    assert session.poll([first]) is None and statements == []
    # A document newly shown has its spans taken as they are, to compare with the next poll's.
    assert session.poll([second]) is None and statements
    other.add_annotation(span(second, 0, 8, "LOCATION", "someone"))
    assert session.poll([second]).spans == frozenset({second})
    # This process's own edit commits on another connection: looked at again, told by its own Changes.
    session.do(AddSpan(span(second, 13, 18, "LOCATION", "ana")))
    statements.clear()
    assert session.poll([second]) is None and statements
    other.take_out_documents([(first, first)], keep=False)
    assert list(session.poll([second]).documents_removed) == [first]
    other.close()
    store.close()


def test_the_count_of_commits_has_a_connection_of_its_own_closed_with_the_store(tmp_path):
    import sqlite3

    store = Store.create(tmp_path / "p")
    counter = store.change_counter()
    before = counter()
    with Store.open(tmp_path / "p") as other:
        other.add_documents([Document(uid="a", text="Astana")])
    assert counter() != before
    store.close()
    with pytest.raises(sqlite3.ProgrammingError):
        counter()
    gone = Store.open(tmp_path / "p")
    (tmp_path / "p" / "curator.db").rename(tmp_path / "elsewhere.db")
    assert gone.change_counter() is None  # the poll's look says the project went
    assert not (tmp_path / "p" / "curator.db").exists()  # no empty database made in its place
    gone.close()


def test_a_project_opened_by_a_sqlite_uri_is_watched_too(tmp_path):
    """The count's connection is opened as the engine opens its own, a ``file:`` URI too."""
    Store.create(tmp_path / "p").close()
    store = Store.open(f"sqlite:///file:{tmp_path / 'p' / 'curator.db'}?uri=true")
    assert store.change_counter() is not None
    session = Session(store, "ana")
    assert session.poll() is None
    with Store.open(tmp_path / "p") as other:
        [added] = other.add_documents([Document(uid="a", text="Astana")])
    assert list(session.poll().documents_added) == [added]
    store.close()


def test_a_watch_stopped_or_that_could_not_start_closes_its_count_of_commits(project, monkeypatch):
    import sqlite3

    from curator.session.elsewhere import ElsewhereWatch
    from curator.session.history import DatabaseRefused

    made = []
    counter_of = project.change_counter
    monkeypatch.setattr(project, "change_counter", lambda: made.append(counter_of()) or made[-1])
    session = Session(project, "ana")
    session.poll()
    session.stop_polling()
    look = ElsewhereWatch._look

    def locked(self, *args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(ElsewhereWatch, "_look", locked)
    for _ in range(3):  # every poll tries again, and leaves no connection open
        with pytest.raises(DatabaseRefused):
            session.poll()
    monkeypatch.setattr(ElsewhereWatch, "_look", look)
    assert session.poll() is None and len(made) == 5
    for counter in made[:4]:
        with pytest.raises(sqlite3.ProgrammingError):
            counter()
    assert made[4]() >= 0  # the watch in use keeps its own
