from datetime import date, datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from pydantic import ValidationError

from curator.domain.models import Annotation, Document, DocumentStatus, Project
from curator.domain.schema import Label, LabelKind, LabelSchema
from curator.domain.text import search_key
from curator.errors import CuratorError, DuplicateError
from curator.store import (
    SCHEMA_VERSION,
    Store,
    annotations_table,
    database_url,
    meta_table,
)
from curator.store.events import (
    AnnotationAdded,
    AnnotationChanged,
    AnnotationRemoved,
    DocumentChanged,
    DocumentsAdded,
)


def add_doc(store, uid="a", text="Alpha beta gamma.", **meta):
    return store.add_documents([Document(uid=uid, text=text, **meta)])[0]


def test_new_project_is_sqlite_in_wal_mode(store, tmp_path):
    if store.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    assert (tmp_path / "project" / "curator.db").is_file()
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_bulk_inserts_store_exactly_what_sqlalchemy_would(store, tmp_path):
    """add_documents/add_annotations hand SQLite's driver values converted by the column
    types themselves; the stored rows must equal those of SQLAlchemy's own insert."""
    if store.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: other databases go through SQLAlchemy's insert")
    from curator.store import annotations_table, documents_table

    docs = [Document(uid="a", text="Grüße, 28 March 2023.", published=date(2023, 3, 28), source="TDI",
                     extra={"tags": ["x", 1.5, None], "nested": {"ü": True}}),
            Document(uid="b", text="Plain.")]
    ids = store.add_documents(docs)
    spans = [Annotation(doc_id=ids[0], start=0, end=5, label="MONEY", annotator="ann",
                        value={"amount": 1.5e9, "currency": "USD"}),
             Annotation(doc_id=ids[1], start=0, end=5, label="ORG", annotator="bob", entity_id="e1")]
    store.add_annotations(spans)
    with store.engine.connect() as conn:
        stored_docs = conn.exec_driver_sql("SELECT * FROM documents ORDER BY id").all()
        stored_spans = conn.exec_driver_sql("SELECT * FROM annotations ORDER BY id").all()
        created = conn.execute(sa.select(documents_table.c.created).order_by(documents_table.c.id)).scalars().all()
    other = Store.create(tmp_path / "other")
    with other.engine.begin() as conn:
        conn.execute(documents_table.insert(), [
            {"id": i, "uid": d.uid, "title": d.title, "source": d.source, "url": d.url, "published": d.published,
             "text": d.text, "origin": d.origin, "extra": d.extra, "created": when,
             "search": search_key(d.uid, d.title, d.source)}
            for i, d, when in zip(ids, docs, created)])
        conn.execute(annotations_table.insert(), [span.model_dump() for span in spans])
    with other.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT * FROM documents ORDER BY id").all() == stored_docs
        assert conn.exec_driver_sql("SELECT * FROM annotations ORDER BY id").all() == stored_spans
    other.close()


def test_database_url_accepts_folders_and_urls(tmp_path):
    assert database_url(tmp_path / "p").drivername == "sqlite"
    assert database_url(tmp_path / "p").database.endswith("/p/curator.db")
    assert database_url("postgresql://u@localhost/db") == "postgresql://u@localhost/db"
    url_store = Store.create(f"sqlite:///{tmp_path / 'by-url.db'}")
    assert add_doc(url_store) == 1
    url_store.close()
    assert Store.open(f"sqlite:///{tmp_path / 'by-url.db'}").document_count() == 1


def test_everything_survives_reopening(tmp_path):
    location = tmp_path / "p"
    store = Store.create(location, Project(name="Trade"))
    doc_id = add_doc(store, published=date(2023, 1, 2), source="TDI")
    span = store.add_annotation(Annotation(doc_id=doc_id, start=0, end=5, label="PERSON", annotator="ann",
                                           value={"x": 1}))
    store.set_status(doc_id, "ann", DocumentStatus.DONE)
    store.set_state("last_document.ann", doc_id)
    store.close()

    again = Store.open(location)
    assert again.project.name == "Trade"
    document = again.get_document(doc_id)
    assert (document.text, document.published, document.source) == ("Alpha beta gamma.", date(2023, 1, 2), "TDI")
    [restored] = again.annotations_for(doc_id)
    assert restored.model_dump() == span.model_dump()
    assert again.status(doc_id, "ann") is DocumentStatus.DONE
    assert again.status(doc_id, "someone else") is DocumentStatus.TODO
    assert again.get_state("last_document.ann") == doc_id
    again.close()


def test_opening_something_that_is_not_a_project_says_so(tmp_path):
    with pytest.raises(CuratorError, match="not a Curator project"):
        Store.open(tmp_path)
    (tmp_path / "curator.db").write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(CuratorError, match="cannot read the project database"):
        Store.open(tmp_path)


def test_creating_over_an_existing_project_is_refused(store, tmp_path):
    with pytest.raises(CuratorError, match="already exists"):
        Store.create(store.location)


def test_a_project_from_a_newer_curator_is_refused(store, tmp_path):
    with store.engine.begin() as conn:
        conn.execute(meta_table.update().where(meta_table.c.key == "schema_version").values(value=str(SCHEMA_VERSION + 1)))
    with pytest.raises(CuratorError, match="newer than this Curator supports"):
        Store.open(store.location)


def test_documents_sort_and_search_in_the_database(store):
    ids = store.add_documents([
        Document(uid="c", text="x", title="Gamma", source="Trend", published=date(2023, 5, 1)),
        Document(uid="a", text="x", title="alpha", source="TDI"),
        Document(uid="b", text="x", title="Beta", source="nCa", published=date(2021, 1, 1)),
    ])
    assert store.document_ids() == ids
    assert store.document_ids(sort="published") == [ids[2], ids[0], ids[1]]  # undated last
    assert store.document_ids(sort="published", descending=True) == [ids[0], ids[2], ids[1]]
    assert store.document_ids(sort="uid") == [ids[1], ids[2], ids[0]]
    assert store.document_ids(search="TREND") == [ids[0]]
    assert store.document_ids(search="et") == [ids[2]]
    store.set_status(ids[2], "ann", DocumentStatus.DONE)
    assert store.document_ids(sort="status", annotator="ann")[0] == ids[2]  # "done" sorts before "todo"
    assert store.document_ids(sort="status", annotator="ann", descending=True)[-1] == ids[2]
    with pytest.raises(CuratorError):
        store.document_ids(sort="text; drop table documents")


def test_the_list_filter_reads_the_search_index_not_the_texts(store, monkeypatch):
    if store.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    store.add_documents([Document(uid=f"u{i}", text="A long article. " * 300, title=f"Title {i}", source="TDI")
                         for i in range(50)])
    plans = []

    def explain(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("SELECT documents.id") and ("LIKE" in statement or "instr(" in statement):
            plans.extend(row[-1] for row in cursor.connection.execute("EXPLAIN QUERY PLAN " + statement, parameters))

    sa.event.listen(store.engine, "before_cursor_execute", explain)
    for sort in ("id", "title", "published"):
        assert len(store.document_ids(sort=sort, search="title 1")) == 11  # "Title 1", "Title 10".."Title 19"
    assert sum("COVERING INDEX ix_documents_search" in plan for plan in plans) == 3
    assert not any(plan.startswith("SCAN documents") and "INDEX" not in plan for plan in plans)


def test_the_list_in_id_order_reads_a_small_index_not_the_texts(store):
    """The window's first read: ids from an index, the same list as the general query."""
    store.add_documents([Document(uid=f"u{i}", text="A long article. " * 300, title=f"T{i % 3}") for i in range(30)])
    for descending in (False, True):
        expected = sorted(store.document_ids(sort="title", descending=descending, search="t"),
                          reverse=descending)  # every document, through the general query
        assert store.document_ids(descending=descending) == expected
    if store.engine.dialect.name != "sqlite":
        return
    plans = []

    def explain(conn, cursor, statement, parameters, context, executemany):
        plans.extend(row[-1] for row in cursor.connection.execute("EXPLAIN QUERY PLAN " + statement, parameters))

    sa.event.listen(store.engine, "before_cursor_execute", explain)
    store.document_ids()
    sa.event.remove(store.engine, "before_cursor_execute", explain)
    assert any("COVERING INDEX" in plan for plan in plans)
    assert not any(plan.startswith("SCAN documents") and "INDEX" not in plan for plan in plans)
    with store.engine.begin() as conn:  # a project made before the index: the same list, from the table
        conn.exec_driver_sql("DROP INDEX ix_documents_published")
    assert store.document_ids() == expected[::-1]


def test_document_rows_carry_the_annotators_status_and_span_count(store):
    doc_id = add_doc(store)
    store.add_annotation(Annotation(doc_id=doc_id, start=0, end=5, label="ORG", annotator="ann"))
    store.add_annotation(Annotation(doc_id=doc_id, start=6, end=10, label="ORG", annotator="other"))
    store.set_status(doc_id, "ann", DocumentStatus.DONE)
    row = store.document_rows([doc_id], "ann")[doc_id]
    assert (row.status, row.spans) == (DocumentStatus.DONE, 1)
    assert store.document_rows([doc_id], "nobody")[doc_id].spans == 0


def test_writes_publish_events_after_commit(store):
    seen = []
    store.events.subscribe(seen.append)
    doc_id = add_doc(store)
    span = store.add_annotation(Annotation(doc_id=doc_id, start=0, end=5, label="ORG", annotator="ann"))
    store.update_annotation(span.id, label="PERSON")
    store.delete_annotation(span.id)
    store.set_status(doc_id, "ann", DocumentStatus.DONE)
    kinds = [type(event) for event in seen]
    assert kinds == [DocumentsAdded, AnnotationAdded, AnnotationChanged, AnnotationRemoved, DocumentChanged]
    assert seen[2].before.label == "ORG" and seen[2].after.label == "PERSON"


def test_failed_writes_change_nothing(store):
    doc_id = add_doc(store)
    with pytest.raises(DuplicateError, match="same ids"):
        store.add_documents([Document(uid="new", text="x"), Document(uid="a", text="duplicate uid")])
    assert store.document_count() == 1
    with pytest.raises(CuratorError):
        store.update_annotation("missing", label="ORG")
    with pytest.raises(CuratorError):
        store.update_document(doc_id, text="texts are never edited")
    with pytest.raises(ValidationError):
        span = store.add_annotation(Annotation(doc_id=doc_id, start=0, end=5, label="ORG", annotator="a"))
        store.update_annotation(span.id, end=0)
    assert store.get_annotation(span.id).end == 5


def test_label_schema_is_editable_per_project(store):
    project = store.project
    project.label_schema = LabelSchema(labels=[Label(name="PRODUCT", kind=LabelKind.ENTITY, color="#123456")])
    store.save_project(project)
    assert store.label_schema.names == ["PRODUCT"]
    with pytest.raises(ValidationError, match="defined twice"):
        LabelSchema(labels=[Label(name="A", kind="entity", color="#000000")] * 2)
    with pytest.raises(ValidationError):
        Label(name="bad name with spaces", kind="entity", color="#000000")


def test_default_schema_has_the_nine_labels_with_keys():
    schema = LabelSchema()
    assert schema.names == ["PERSON", "ORG", "LOCATION", "INITIATIVE", "MONEY", "PERCENT", "COUNT", "QUANTITY", "DATE"]
    assert [schema.key_of(name) for name in schema.names] == [str(i) for i in range(1, 10)]
    assert {label.kind for label in schema.labels} == {LabelKind.ENTITY, LabelKind.FIGURE, LabelKind.DATE}


def test_annotations_validate_their_bounds():
    with pytest.raises(ValidationError, match="must be after its start"):
        Annotation(doc_id=1, start=5, end=5, label="ORG", annotator="a")
    with pytest.raises(ValidationError):
        Annotation(doc_id=1, start=-1, end=5, label="ORG", annotator="a")


def test_opening_an_older_project_applies_the_migrations(store):
    from curator.store.migrate import HEAD, current, head

    with store.engine.connect() as conn:
        assert current(conn) == head() == HEAD == "0012"  # HEAD spares opening projects Alembic's import
    # Make it look like a project from before migration 0002 (and before Alembic at all):
    # no search key, and one annotator's span stored twice, as concurrent accepts once did.
    doc_id = store.add_documents([Document(uid="u1", text="Kazakhstan über alles", title="ÜBER Қазақстан")])[0]
    with store.engine.begin() as conn:
        conn.execute(sa.text("DROP INDEX ix_annotations_doc_updated"))
        conn.execute(sa.text("DROP INDEX ix_documents_search"))
        conn.execute(sa.text("DROP INDEX ux_annotations_span"))
        conn.execute(sa.text("DROP INDEX ux_suggestions_span"))
        conn.execute(sa.text("ALTER TABLE documents DROP COLUMN search"))
        conn.execute(sa.text("DROP TABLE alembic_version"))
        conn.execute(sa.text("DROP TABLE history"))
        conn.execute(sa.text("DROP TABLE review_items"))
        conn.execute(sa.text("DROP TABLE categories"))
        conn.execute(sa.text("ALTER TABLE facts DROP COLUMN subjects"))
        conn.execute(sa.text("ALTER TABLE facts DROP COLUMN attribution"))
        conn.execute(sa.text("DROP TABLE recommenders"))
        conn.execute(sa.text("DROP TABLE relations"))
        conn.execute(sa.text("DROP TABLE relation_suggestions"))
        conn.execute(sa.text("ALTER TABLE suggestions DROP COLUMN confidence"))
        conn.execute(sa.text("DROP TABLE measures"))
        conn.execute(sa.text("DROP TABLE attributions"))
        conn.execute(meta_table.insert().values(key="state.facts.measures", value='{"gdp": ["gdp"]}'))
    for minute in (1, 2):
        when = datetime(2026, 1, 1, 0, minute, tzinfo=timezone.utc)
        with store.engine.begin() as conn:
            conn.execute(annotations_table.insert().values(
                id=f"copy{minute}", doc_id=doc_id, start=0, end=10, label="LOCATION", annotator="a",
                created=when, updated=when, value=None, entity_id=None))
    again = Store.open(store.location)
    assert again.migrations_applied == ["0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010", "0011", "0012"]
    assert [span.id for span in again.annotations_for(doc_id)] == ["copy2"]  # the newest copy stays
    assert again.measures() == {"gdp": ["gdp"]}
    assert again.document_ids(search="über") == again.document_ids(search="қазақстан") == [doc_id]
    with again.engine.connect() as conn:
        assert current(conn) == "0012"
        assert sa.inspect(conn).has_table("history") and sa.inspect(conn).has_table("review_items")
        assert sa.inspect(conn).has_table("recommenders") and sa.inspect(conn).has_table("attributions")
        assert sa.inspect(conn).has_table("relations") and sa.inspect(conn).has_table("relation_suggestions")
        assert "confidence" in {column["name"] for column in sa.inspect(conn).get_columns("suggestions")}
        indexes = {index["name"] for table in ("annotations", "documents")
                   for index in sa.inspect(conn).get_indexes(table)}
    assert {"ix_annotations_doc_updated", "ix_documents_search", "ux_annotations_span"} <= indexes
    with again.engine.connect() as conn:
        assert "ux_suggestions_span" in {index["name"] for index in sa.inspect(conn).get_indexes("suggestions")}
    third = Store.open(store.location)
    assert third.migrations_applied == []  # nothing more to do
    third.close()
    again.close()


def test_the_filter_takes_wildcards_literally_and_folds_every_script(store):
    ids = {uid: add_doc(store, uid=uid, title=title) for uid, title in [
        ("kz", "Қазақстан және Қытай"), ("de", "ÜBER die Grenze"), ("pct", "Growth of 5% a year"),
        ("under", "snake_case names"), ("plain", "Nothing special"), ("back", "a \\ b")]}
    assert store.document_ids(search="%") == [ids["pct"]]
    assert store.document_ids(search="_") == [ids["under"]]
    assert store.document_ids(search="\\") == [ids["back"]]
    assert store.document_ids(search="қазақстан") == store.document_ids(search="ҚАЗАҚСТАН") == [ids["kz"]]
    assert store.document_ids(search="über") == store.document_ids(search="ÜBER") == [ids["de"]]
    assert store.document_ids(search="Nothing") == [ids["plain"]]
    store.update_document(ids["plain"], title="Renamed ÄRA")
    assert store.document_ids(search="nothing") == [] and store.document_ids(search="ära") == [ids["plain"]]


def test_a_transaction_is_all_or_nothing_and_announces_only_what_committed(store):
    doc_id = add_doc(store)
    seen = []
    store.events.subscribe(seen.append)
    first = Annotation(doc_id=doc_id, start=0, end=5, label="ORG", annotator="a")
    with pytest.raises(DuplicateError):
        with store.transaction():
            store.add_annotation(first)
            assert [span.id for span in store.annotations_for(doc_id)] == [first.id]  # its own writes are seen
            assert seen == []  # nothing announced before the commit
            store.add_annotation(Annotation(doc_id=doc_id, start=0, end=5, label="ORG", annotator="a"))
    assert store.annotations_for(doc_id) == [] and seen == []
    with store.transaction():
        store.add_annotation(first)
        store.set_status(doc_id, "a", DocumentStatus.DONE)
    assert [type(event).__name__ for event in seen] == ["AnnotationAdded", "DocumentChanged"]


def test_a_transaction_committed_behind_commits_on_the_writers_thread_and_announces_after(store):
    """A bulk write's batch: written here, committed on the writer's thread while the
    caller goes on; another connection sees it only then, and its events come after."""
    import threading

    from curator.domain.jobs import WriteBehind

    seen = []
    store.events.subscribe(lambda event: seen.append((type(event).__name__, threading.current_thread().name)))
    with WriteBehind() as writer:
        with store.transaction_committed_behind(writer):
            first = store.add_documents([Document(uid="a", text="First.")])
            assert seen == []
        with store.transaction_committed_behind(writer):  # waits for the first commit
            assert seen == [("DocumentsAdded", "curator-write-behind")]
            second = store.add_documents([Document(uid="b", text="Second.")])
    assert seen == [("DocumentsAdded", "curator-write-behind")] * 2
    assert store.uids() == {first[0]: "a", second[0]: "b"}


def test_a_transaction_committed_behind_is_all_or_nothing(store):
    from curator.domain.jobs import WriteBehind

    seen = []
    store.events.subscribe(seen.append)
    with pytest.raises(DuplicateError), WriteBehind() as writer:
        with store.transaction_committed_behind(writer):
            store.add_documents([Document(uid="a", text="One.")])
            add_doc(store, "a")  # refused: the uid is taken, by the batch's own first write
    assert store.document_count() == 0 and seen == []
    # Inside a transaction this thread holds, the batch is part of it: rolled back with it.
    with pytest.raises(RuntimeError), store.transaction(), WriteBehind() as writer:
        with store.transaction_committed_behind(writer):
            store.add_documents([Document(uid="b", text="Two.")])
        raise RuntimeError("the outer transaction fails")
    assert store.document_count() == 0 and seen == []


def test_a_commit_that_fails_behind_is_raised_to_the_caller_and_writes_nothing(store):
    from curator.domain.jobs import WriteBehind

    def refuse(_connection):
        raise OSError("disk full")

    seen = []
    store.events.subscribe(seen.append)
    sa.event.listen(store.engine, "commit", refuse)
    with pytest.raises(OSError, match="disk full"), WriteBehind() as writer:
        with store.transaction_committed_behind(writer):
            store.add_documents([Document(uid="a", text="One.")])
        with store.transaction_committed_behind(writer):  # raised here, before a second batch begins
            pytest.fail("a batch began after the commit before it failed")
    sa.event.remove(store.engine, "commit", refuse)
    assert store.document_count() == 0 and seen == []


def test_a_new_project_is_stamped_as_alembic_stamps_it(tmp_path):
    """A new project is stamped without importing Alembic; Alembic's own stamp gives the
    same version table and row, and opening it finds nothing to upgrade."""
    from curator.store.migrate import (
        HEAD,
        current,
        stamp_head,
        stamp_head_with_alembic,
        upgrade,
    )

    tables = {}
    for name, stamp in (("ours", stamp_head), ("alembic", stamp_head_with_alembic)):
        engine = sa.create_engine(f"sqlite:///{tmp_path / name}.db")
        with engine.begin() as conn:
            stamp(conn)
        with engine.connect() as conn:
            assert current(conn) == HEAD
            tables[name] = conn.execute(sa.text("SELECT sql FROM sqlite_master WHERE name LIKE 'alembic%'")).all()
        assert upgrade(engine) == []
        engine.dispose()
    assert tables["ours"] == tables["alembic"]


def test_the_sqlite_schema_is_the_one_sqlalchemy_renders():
    """A new SQLite project is created from statements rendered once from the tables;
    after a change to the tables, ``python -m curator.store.create`` renders them again."""
    from curator.store.create import render_sqlite_schema

    written = (Path(__file__).resolve().parent.parent / "curator" / "store" / "sqlite_schema.py").read_text()
    assert written == render_sqlite_schema(), "the tables changed: run python -m curator.store.create"


def test_a_new_sqlite_project_is_the_database_sqlalchemy_creates(tmp_path):
    """A folder's database, made with the driver alone, and the same project created through
    SQLAlchemy (the tables' metadata, as a URL is): the same schema, settings and rows."""
    import sqlite3
    from contextlib import closing

    from curator.store.create import _create_through_sqlalchemy, create_database

    settings = Project(name="Trade").model_dump_json()
    create_database(tmp_path / "driver", settings)
    _create_through_sqlalchemy(f"sqlite:///{tmp_path / 'sqlalchemy.db'}", settings)

    def everything(path: Path) -> dict:
        with closing(sqlite3.connect(path)) as db:
            # (not the pages each is on: SQLAlchemy creates a table's indexes in no fixed order)
            master = sorted(db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
            rows = {name: sorted(db.execute(f"SELECT * FROM {name}")) for kind, name, _, _ in master if kind == "table"}
            pragmas = {pragma: db.execute(f"PRAGMA {pragma}").fetchall() for pragma in (
                "journal_mode", "user_version", "application_id", "page_size", "encoding", "auto_vacuum")}
        return {"master": master, "rows": rows, "pragmas": pragmas}

    made = everything(tmp_path / "driver" / "curator.db")
    assert made == everything(tmp_path / "sqlalchemy.db")
    assert len(made["master"]) > 20 and made["pragmas"]["journal_mode"] == [("wal",)]
    assert made["rows"]["meta"] == sorted([("project", settings), ("schema_version", str(SCHEMA_VERSION))])
    with Store.open(tmp_path / "driver") as store:
        assert store.migrations_applied == [] and store.project.name == "Trade"


def test_a_project_is_created_whole_or_not_at_all(tmp_path, monkeypatch):
    """The driver creates a project in one transaction: a failure leaves no tables behind."""
    import sqlite3
    from contextlib import closing

    from curator.store import create

    monkeypatch.setattr(create, "STATEMENTS", (*create.STATEMENTS, "CREATE TABLE broken (x"))
    with pytest.raises(sqlite3.OperationalError):
        create.create_database(tmp_path / "p", Project().model_dump_json())
    with closing(sqlite3.connect(tmp_path / "p" / "curator.db")) as db:
        assert db.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)


def test_creating_and_opening_a_project_import_neither_alembic_nor_numpy(tmp_path):
    import subprocess
    import sys

    Store.create(tmp_path / "p").close()
    script = ("import sys; from curator.store import Store; Store.create(sys.argv[2]).close(); "
              "Store.open(sys.argv[1]).close(); print(sorted(m for m in sys.modules if m.split('.')[0] in "
              "('alembic', 'numpy')))")
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "p"), str(tmp_path / "q")],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_write_behind_keeps_order_and_hands_a_writes_error_to_the_caller():
    import threading

    from curator.domain.jobs import WriteBehind

    done, release = [], threading.Event()
    with WriteBehind() as writer:
        writer.submit(lambda: (release.wait(0.1), done.append(1)))  # still writing when the next comes
        writer.submit(lambda: done.append(2))  # waits for the first
    release.set()
    assert done == [1, 2]
    writer = WriteBehind()
    writer.submit(lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        writer.submit(lambda: done.append(3))
    assert done == [1, 2]
    writer.wait()  # the error was handed over once
    # The caller's own error wins, noting the write's; the write in flight still ends first.
    with pytest.raises(KeyError) as raised, WriteBehind() as writer:
        writer.submit(lambda: (release.wait(5), done.append(4), 1 / 0))
        raise KeyError("the caller's")
    assert done == [1, 2, 4]
    assert raised.value.__notes__ == ["and the write in flight failed too: ZeroDivisionError('division by zero')"]


def test_the_runs_of_document_ids_are_found_whatever_went(store):
    ids = store.add_documents([Document(uid=f"r{i}", text="x") for i in range(10)])
    assert store.document_id_runs() == [(ids[0], ids[-1])]
    store.take_out_documents([(ids[0], ids[0]), (ids[3], ids[4]), (ids[9], ids[9])])
    assert store.document_id_runs() == [(ids[1], ids[2]), (ids[5], ids[8])]
    store.take_out_documents([(ids[1], ids[8])])
    assert store.document_id_runs() == []


def test_the_runs_of_document_ids_are_found_without_the_index_they_are_read_from(tmp_path):
    store = Store.create(tmp_path / "p")
    ids = store.add_documents([Document(uid=f"r{i}", text="x") for i in range(5)])
    store.take_out_documents([(ids[2], ids[2])])
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DROP INDEX ix_documents_published")
    assert store.document_id_runs() == [(ids[0], ids[1]), (ids[3], ids[4])]
    store.close()
