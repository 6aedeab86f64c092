"""Two users edit one span at once: the second edit is detected, not silently lost."""

import pytest

from curator.domain.models import Annotation, Document
from curator.errors import ConflictError
from curator.session.commands import EditSpan
from curator.store import Store


def test_a_stale_edit_is_refused_and_forcing_it_is_a_choice(store):
    doc_id = store.add_documents([Document(uid="d", text="Astana and Beijing")])[0]
    span = store.add_annotation(Annotation(doc_id=doc_id, start=0, end=6, label="ORG", annotator="a"))
    other_user = Store.open(store.location)  # a second connection: another annotator's app
    seen_by_both = other_user.get_annotation(span.id)
    EditSpan(span.id, doc_id, {"label": "LOCATION"}, expected=seen_by_both.updated).apply(other_user)
    with pytest.raises(ConflictError, match="changed by someone else") as conflict:
        EditSpan(span.id, doc_id, {"label": "PERSON"}, expected=span.updated).apply(store)
    assert conflict.value.current.label == "LOCATION"
    assert store.get_annotation(span.id).label == "LOCATION"  # the first edit is kept
    fresh = store.get_annotation(span.id)
    EditSpan(span.id, doc_id, {"label": "PERSON"}, expected=fresh.updated).apply(store)  # after looking: fine
    EditSpan(span.id, doc_id, {"label": "DATE"}).apply(other_user)  # last writer wins only when asked
    assert store.get_annotation(span.id).label == "DATE"
    other_user.close()


def test_an_undo_over_another_users_later_change_is_refused_and_theirs_is_kept(store):
    """Rev1 edits a span, a document and an entity; rev2 changes each again; rev1's undo
    would put rev1's old values back over rev2's: it is refused, and rev2's stay."""
    from datetime import date

    from curator.domain.models import Entity
    from curator.errors import CuratorError
    from curator.session import Session
    from curator.session.commands import EditDocument, EditEntity

    doc_id = store.add_documents([Document(uid="d", text="Astana and Beijing", title="Orig")])[0]
    span = store.add_annotation(Annotation(doc_id=doc_id, start=0, end=6, label="ORG", annotator="gold"))
    store.add_entity(Entity(id="astana", name="Astana", type="LOCATION"))
    rev1, rev2 = Session(store, "rev1"), Session(store, "rev2")
    for first, second, read in (
        (EditSpan(span.id, doc_id, {"label": "LOCATION"}), EditSpan(span.id, doc_id, {"label": "PERSON"}),
         lambda: store.get_annotation(span.id).label),
        (EditDocument(doc_id, {"title": "Rev1 title", "published": date(2024, 1, 2)}),
         EditDocument(doc_id, {"published": date(2024, 3, 4)}), lambda: store.get_document(doc_id).published),
        (EditEntity("astana", {"name": "Astana city"}), EditEntity("astana", {"name": "Astana (capital)"}),
         lambda: store.get_entity("astana").name),
    ):
        rev1.do(first)
        rev2.do(second)
        kept = read()
        with pytest.raises(CuratorError, match="changed by someone else"):
            rev1.undo()
        assert read() == kept
    # Undo and redo of one's own latest edit, which nobody changed since, still work.
    rev2.undo()
    assert store.get_entity("astana").name == "Astana city"
    rev2.redo()
    assert store.get_entity("astana").name == "Astana (capital)"
    rev2.undo()
    rev2.undo()
    assert store.get_document(doc_id).published == date(2024, 1, 2)  # rev1's, as rev2 found it
    rev2.undo()
    assert store.get_annotation(span.id).label == "LOCATION"


def test_two_apps_on_one_sqlite_project_wait_for_each_other(tmp_path):
    import sqlite3
    import threading
    import time

    location = tmp_path / "shared"
    first = Store.create(location)
    doc_id = first.add_documents([Document(uid="d", text="Astana and Beijing")])[0]
    second = Store.open(location)
    locked = threading.Event()

    def hold_the_lock():
        raw = sqlite3.connect(location / "curator.db", isolation_level=None)
        raw.execute("BEGIN IMMEDIATE")  # another program writing for a while
        locked.set()
        time.sleep(0.8)
        raw.execute("COMMIT")
        raw.close()

    thread = threading.Thread(target=hold_the_lock)
    thread.start()
    locked.wait()
    started = time.monotonic()
    second.add_annotation(Annotation(doc_id=doc_id, start=0, end=6, label="LOCATION", annotator="b"))
    waited = time.monotonic() - started
    thread.join()
    assert waited > 0.5  # it waited for the lock instead of failing or dropping the edit
    assert [a.annotator for a in first.annotations_for(doc_id)] == ["b"]
    with first.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    first.close()
    second.close()


def test_a_write_that_cannot_get_the_lock_is_reported_and_nothing_changes(tmp_path, monkeypatch):
    import sqlite3

    import sqlalchemy as sa

    location = tmp_path / "shared"
    Store.create(location).close()
    monkeypatch.setattr("curator.store.engine._BUSY_TIMEOUT_MS", 100)
    store = Store.open(location)
    raw = sqlite3.connect(location / "curator.db", isolation_level=None)
    raw.execute("BEGIN IMMEDIATE")
    with pytest.raises(sa.exc.OperationalError, match="locked"):
        store.add_documents([Document(uid="d", text="Never half-written.")])
    raw.execute("ROLLBACK")
    raw.close()
    assert store.document_count() == 0
    store.close()
