"""Document ids and history entries' numbers are never given twice (migration 0012): a
SQLite project made before it is rebuilt with every row, index and foreign key it had, and
a migration killed half-way leaves the project as it was, to be migrated at the next open."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from curator.domain.models import Annotation, DocumentStatus, Relation
from curator.session.history import Session
from curator.session.importing import import_paths
from curator.store import Store

ROOT = Path(__file__).resolve().parent.parent


def _articles(path: Path, count: int, prefix: str) -> Path:
    path.write_text("".join(json.dumps({"id": f"{prefix}{n}", "title": f"Title {n}", "published": "2025-03-0"
                                        f"{n % 9 + 1}", "text": f"Article {n} says that Astana grew 3% in May."})
                            + "\n" for n in range(count)), encoding="utf-8")
    return path


def _project_at_0011(folder: Path | str, tmp_path: Path) -> dict[str, int]:
    """A project with work on every table that belongs to a document, and an undone import
    (the newest ids, kept in the history to put back), taken back to revision 0011."""
    from curator.store.migrate import downgrade

    with Store.create(folder) as store:
        session = Session(store, "alice")
        kept = import_paths(session, [_articles(tmp_path / "kept.jsonl", 30, "k")]).added
        first, second = kept[0], kept[1]
        a = store.add_annotation(Annotation(doc_id=first, start=30, end=36, label="LOCATION", annotator="alice"))
        b = store.add_annotation(Annotation(doc_id=first, start=42, end=44, label="PERCENT", annotator="alice"))
        store.add_relations([Relation(doc_id=first, source_id=b.id, target_id=a.id, label="LOCATED_IN",
                                      annotator="alice")])
        store.set_status(second, "alice", DocumentStatus.DONE)
        undone = import_paths(session, [_articles(tmp_path / "undone.jsonl", 5, "u")]).added
        session.undo()
        downgrade(store.engine, "0011")
    return {"largest_undone": max(undone), "largest_kept": max(kept)}


def _everything(folder: Path) -> dict:
    """Every row of every table, and each table's columns, indexes and foreign keys."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(folder / "curator.db")) as db:
        names = sorted(row[0] for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('alembic_version', 'sqlite_sequence')"))
        rows = {name: sorted(db.execute(f'SELECT * FROM "{name}"'), key=repr) for name in names}
        shape = {name: (db.execute(f'PRAGMA table_info("{name}")').fetchall(),
                        sorted((index[1], index[2], db.execute(f'PRAGMA index_info("{index[1]}")').fetchall())
                               for index in db.execute(f'PRAGMA index_list("{name}")')),
                        sorted(db.execute(f'PRAGMA foreign_key_list("{name}")'))) for name in names}
        autoincrement = sorted(name for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%'"))
    return {"rows": rows, "shape": shape, "autoincrement": autoincrement}


def test_a_project_at_0011_is_rebuilt_with_every_row_index_and_foreign_key(tmp_path):
    ids = _project_at_0011(tmp_path / "p", tmp_path)
    before = _everything(tmp_path / "p")
    assert before["autoincrement"] == [] and len(before["rows"]["documents"]) == 30
    assert before["rows"]["annotations"] and before["rows"]["relations"] and before["rows"]["progress"]
    with Store.open(tmp_path / "p") as store:
        assert store.migrations_applied == ["0012"]
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # on again, on every connection
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        after = _everything(tmp_path / "p")
        assert after["rows"] == before["rows"]
        assert after["autoincrement"] == ["documents", "history"]
        Store.create(tmp_path / "new").close()
        assert after["shape"] == _everything(tmp_path / "new")["shape"]  # the project a new one is
        # The undone import's ids were above every document left: they are not given again.
        session = Session(store, "bob")
        added = import_paths(session, [_articles(tmp_path / "later.jsonl", 3, "l")]).added
        assert min(added) > ids["largest_undone"] > ids["largest_kept"]
        assert Session(store, "alice").redo().label == "Import 5 documents"
        assert store.document_count() == 38
        # A document deleted takes its rows along still (the foreign keys survived the rebuild).
        first = store.document_by_uid("k0").id
        store.take_out_documents([(first, first)], keep=False)
        assert store.annotation_count() == 0 and store.relations_for(first, "alice") == []


def _rows(target: Path | str) -> dict[str, list]:
    """Every row of every table, read without opening (and so migrating) the project."""
    from curator.store.engine import make_engine
    from curator.store.tables import metadata

    engine = make_engine(target)
    try:
        with engine.connect() as conn:
            return {table.name: sorted(map(repr, conn.execute(sa.select(table)).all()))
                    for table in metadata.sorted_tables}
    finally:
        engine.dispose()


def test_on_each_backend_an_older_project_keeps_its_rows_and_gives_no_id_twice(project_target, tmp_path):
    """On PostgreSQL the migration has nothing to do (a sequence never gives a value twice);
    on SQLite it rebuilds. On both, every row stays and the undone import can be redone."""
    ids = _project_at_0011(project_target, tmp_path)
    before = _rows(project_target)
    with Store.open(project_target) as store:
        assert store.migrations_applied == ["0012"]
        assert _rows(project_target) == before
        added = import_paths(Session(store, "bob"), [_articles(tmp_path / "later.jsonl", 3, "l")]).added
        assert min(added) > ids["largest_undone"]
        assert Session(store, "alice").redo().label == "Import 5 documents"
    after = _rows(project_target)
    # Nothing lost (the history's entries change as they are redone).
    assert all(set(rows) <= set(after[name]) for name, rows in before.items() if name != "history")
    assert len(after["documents"]) == len(before["documents"]) + 8


_KILLED_OPENER = textwrap.dedent("""
    import sys, time
    import sqlalchemy as sa
    from curator.store import Store

    @sa.event.listens_for(sa.engine.Engine, "before_cursor_execute")
    def slow(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().startswith(sys.argv[2]):  # the migration got this far: killed here
            print("HERE", flush=True)
            time.sleep(60)

    Store.open(sys.argv[1])
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="sends SIGKILL")
@pytest.mark.parametrize("point", [
    'INSERT INTO "_new_documents"',  # the new table made, the rows being copied
    'INSERT INTO "_new_history"',  # the documents' rows copied, the history's being copied
    'ALTER TABLE "_new_documents" RENAME',  # the old documents table dropped
    'DROP TABLE "history"',  # both copied, the old documents table replaced by its copy, the history not yet
    "INSERT INTO sqlite_sequence",  # both rebuilt, the counters being set
    "UPDATE alembic_version",  # all done but the revision, and the commit
])
def test_a_migration_killed_at_any_point_leaves_the_project_whole(tmp_path, point):
    _project_at_0011(tmp_path / "p", tmp_path)
    before = _everything(tmp_path / "p")
    process = subprocess.Popen([sys.executable, "-c", _KILLED_OPENER, str(tmp_path / "p"), point], cwd=ROOT,
                               text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert process.stdout.readline().strip() == "HERE", process.stderr.read()
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    assert _everything(tmp_path / "p") == before  # nothing of the migration was committed
    with Store.open(tmp_path / "p") as store:
        assert store.migrations_applied == ["0012"] and store.document_count() == 30
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert _everything(tmp_path / "p")["rows"] == before["rows"]


def test_the_migration_refuses_to_run_with_foreign_keys_on(tmp_path):
    """Run by hand with foreign keys on, the rebuild would delete every document's rows:
    it refuses, and nothing changes."""
    from alembic import command

    from curator.store.migrate import _config

    _project_at_0011(tmp_path / "p", tmp_path)
    before = _everything(tmp_path / "p")
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'p' / 'curator.db'}")
    sa.event.listen(engine, "connect", lambda connection, _: connection.execute("PRAGMA foreign_keys=ON"))
    with pytest.raises(RuntimeError, match="foreign keys off"):
        with engine.begin() as conn:
            command.upgrade(_config(conn), "head")
    engine.dispose()
    assert _everything(tmp_path / "p") == before


def _opened_with(monkeypatch, pragma: str) -> None:
    """Every SQLite connection made from here on runs ``pragma`` once configured."""
    from curator.store import engine as engine_module

    configure = engine_module._configure_sqlite

    def configured(connection, record):
        configure(connection, record)
        connection.execute(pragma)

    monkeypatch.setattr(engine_module, "_configure_sqlite", configured)


@pytest.mark.parametrize(("pragma", "reason"), [
    ("PRAGMA max_page_count={pages}", "the disk is full"),  # the new tables cannot be written
    ("PRAGMA query_only=ON", "cannot be written (read-only file or folder)"),
])
def test_a_full_disk_or_a_read_only_file_during_the_migration_is_a_plain_message(tmp_path, monkeypatch, pragma,
                                                                                  reason):
    """The user reads which project, why, and that nothing was lost; not the SQL statement."""
    import sqlite3
    from contextlib import closing

    from curator.errors import CuratorError

    _project_at_0011(tmp_path / "p", tmp_path)
    with closing(sqlite3.connect(tmp_path / "p" / "curator.db")) as db:
        db.execute("VACUUM")  # no free page left: the database cannot grow by one
        pages = db.execute("PRAGMA page_count").fetchone()[0]
    before = _everything(tmp_path / "p")
    _opened_with(monkeypatch, pragma.format(pages=pages))
    with pytest.raises(CuratorError) as refused:
        Store.open(tmp_path / "p")
    message = str(refused.value)
    assert str(tmp_path / "p") in message and reason in message and "Nothing was changed" in message
    assert "INSERT" not in message and "CREATE" not in message and "sqlalche.me" not in message
    monkeypatch.undo()
    assert _everything(tmp_path / "p") == before
    with Store.open(tmp_path / "p") as store:  # room again: it migrates, every row kept
        assert store.migrations_applied == ["0012"]
    assert _everything(tmp_path / "p")["rows"] == before["rows"]


def test_a_project_locked_by_another_program_all_through_the_wait_is_a_plain_message(tmp_path, monkeypatch):
    """Another program holding the project's write lock for longer than the migration waits:
    the message says it waited that long (not the 10 s of an ordinary write), and nothing changed."""
    import sqlite3
    from contextlib import closing

    from curator.errors import CuratorError
    from curator.store import migrate

    _project_at_0011(tmp_path / "p", tmp_path)
    before = _everything(tmp_path / "p")
    monkeypatch.setattr(migrate, "_MIGRATION_WAIT_MS", 300)
    with closing(sqlite3.connect(tmp_path / "p" / "curator.db", isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")  # another program writing, and writing on
        with pytest.raises(CuratorError) as refused:
            Store.open(tmp_path / "p")
        other.execute("ROLLBACK")
    message = str(refused.value)
    assert str(tmp_path / "p") in message and "another program" in message and "0.3 s" in message, message
    assert "Nothing was changed" in message and "10 s" not in message
    assert _everything(tmp_path / "p") == before


def test_a_column_added_by_hand_to_the_documents_table_is_never_dropped_by_the_rebuild(tmp_path):
    """The rebuild copies the columns Curator knows: one added by hand (or by another
    program) was dropped with its values. It is refused, naming the table and column."""
    import sqlite3
    from contextlib import closing

    from curator.errors import CuratorError

    _project_at_0011(tmp_path / "p", tmp_path)
    with closing(sqlite3.connect(tmp_path / "p" / "curator.db")) as db, db:
        db.execute("ALTER TABLE documents ADD COLUMN notes TEXT")
        db.execute("UPDATE documents SET notes = 'checked by the desk'")
    before = _everything(tmp_path / "p")
    with pytest.raises(CuratorError, match="the documents table, which has column\\(s\\) Curator does not know: "
                                           "notes.*nothing was changed"):
        Store.open(tmp_path / "p")
    assert _everything(tmp_path / "p") == before


def test_an_older_copy_on_postgresql_gets_its_counters_mended_by_the_migration(project_target, tmp_path):
    """A project copied to PostgreSQL by an older Curator had its history's sequence at 1
    (the next edit failed on a number in use) and its documents' at the largest id copied
    (an undone import's ids went to the next import): migration 0012 sets them above every
    id in use or kept. On SQLite the rebuild does it."""
    from curator.store.migrate import downgrade

    with Store.create(project_target) as store:
        alice = Session(store, "alice")
        import_paths(alice, [_articles(tmp_path / "kept.jsonl", 3, "k")])
        undone = import_paths(alice, [_articles(tmp_path / "undone.jsonl", 2, "u")]).added
        alice.undo()
        downgrade(store.engine, "0011")
        if store.engine.dialect.name == "postgresql":  # as the older copy left them
            with store.engine.begin() as conn:
                conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('history', 'seq'), 1, false)")
                conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('documents', 'id'), "
                                     "(SELECT max(id) FROM documents) + 1, false)")
    with Store.open(project_target) as store:
        assert store.migrations_applied == ["0012"]
        bob = Session(store, "bob")
        added = import_paths(bob, [_articles(tmp_path / "later.jsonl", 2, "l")]).added  # a history entry too
        assert min(added) > max(undone)
        assert Session(store, "alice").redo().label == "Import 2 documents"
        assert store.document_count() == 7
