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
