"""Several programs at once on one project: a project migrated by one while the others
wait, and a schema change racing the writes of an import or an accepting suggester.
Real processes (or threads), on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from curator.cli import main
from curator.domain.models import Document
from curator.store import Store

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("CURATOR_TEST_POSTGRES")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


# -- databases that are not this project's ----------------------------------------------------

def _foreign(path: Path) -> None:
    """Another application's SQLite database, with a table called ``documents``."""
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE documents (id INTEGER PRIMARY KEY, body TEXT)")
        connection.execute("INSERT INTO documents (body) VALUES ('theirs')")
    connection.close()


def _journal_mode(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
    connection.close()
    return mode


def test_init_on_another_programs_database_is_refused_and_changes_nothing(tmp_path, capsys):
    foreign = tmp_path / "f2.db"
    _foreign(foreign)
    before = foreign.read_bytes()
    code, out, err = run(capsys, "init", f"sqlite:///{foreign}")
    assert code == 2 and "Created project" not in out
    assert "another program's tables" in err and "documents" in err
    assert foreign.read_bytes() == before and _journal_mode(foreign) == "delete"
    folder = tmp_path / "folder"
    folder.mkdir()
    _foreign(folder / "curator.db")
    code, out, err = run(capsys, "init", folder)
    assert code == 2 and "not a Curator project" in err and "Created project" not in out


@pytest.mark.parametrize("argv", [["validate"], ["export", "-o", "OUT"], ["suggest"], ["import", "FILE"],
                                  ["labels", "{P}", "list"]])
def test_a_foreign_database_is_refused_and_not_switched_to_wal(tmp_path, capsys, argv):
    folder = tmp_path / "p"
    folder.mkdir()
    _foreign(folder / "curator.db")
    (tmp_path / "a.txt").write_text("An article.", encoding="utf-8")
    words = [str(tmp_path / "out.json") if a == "OUT" else str(tmp_path / "a.txt") if a == "FILE" else a
             for a in argv]
    argv = [words[0], str(folder), *words[1:]] if "{P}" not in words else [words[0], str(folder), *words[2:]]
    code, _out, err = run(capsys, *argv)
    assert code == 2 and "not a Curator project" in err
    assert _journal_mode(folder / "curator.db") == "delete"  # left as its program keeps it
    assert not (folder / "curator.db-wal").exists() and not (tmp_path / "out.json").exists()
    with sqlite3.connect(folder / "curator.db") as connection:
        assert connection.execute("SELECT body FROM documents").fetchall() == [("theirs",)]
    connection.close()


@pytest.mark.skipif(not POSTGRES, reason="no PostgreSQL server (set CURATOR_TEST_POSTGRES, as scripts/test does)")
def test_init_on_a_postgresql_database_with_another_programs_tables_is_refused(capsys):
    engine = sa.create_engine(POSTGRES)
    _drop_everything(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE documents (id SERIAL PRIMARY KEY, body TEXT)"))
    try:
        code, out, err = run(capsys, "init", POSTGRES)
        assert code == 2 and "another program's tables" in err and "Created project" not in out
        assert not sa.inspect(engine).has_table("meta")
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS documents"))
        engine.dispose()


# -- one migrates, the others wait, then open -------------------------------------------------

def _drop_everything(engine: sa.Engine) -> None:
    from curator.store.tables import metadata

    metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


def _older_project(target: str | Path) -> None:
    """A project as Curator made it before migration 0002 (and before Alembic at all)."""
    with Store.create(target) as store:
        store.add_documents([Document(uid=f"u{n}", text=f"Kazakhstan über alles {n}", title="ÜBER")
                             for n in range(300)])
        with store.engine.begin() as conn:
            for statement in ("DROP INDEX ix_annotations_doc_updated", "DROP INDEX ix_documents_search",
                              "DROP INDEX ux_annotations_span", "DROP INDEX ux_suggestions_span",
                              "ALTER TABLE documents DROP COLUMN search", "DROP TABLE alembic_version",
                              "DROP TABLE history", "DROP TABLE review_items", "DROP TABLE categories",
                              "ALTER TABLE facts DROP COLUMN subjects", "ALTER TABLE facts DROP COLUMN attribution",
                              "DROP TABLE recommenders", "ALTER TABLE suggestions DROP COLUMN confidence",
                              "DROP TABLE measures", "DROP TABLE attributions",
                              "DROP TABLE relations", "DROP TABLE relation_suggestions"):
                conn.execute(sa.text(statement))


_OPENER = textwrap.dedent("""
    import os, sys, time
    from curator.store import Store
    go = sys.argv[2]
    while not os.path.exists(go):
        time.sleep(0.005)
    try:
        store = Store.open(sys.argv[1])
    except Exception as exc:
        print("FAILED", type(exc).__name__, exc)
        sys.exit(3)
    print("applied", ",".join(store.migrations_applied), store.document_count())
    store.close()
""")


def _open_at_once(target: str, tmp_path: Path, count: int = 4) -> list[subprocess.CompletedProcess]:
    go = tmp_path / "go"
    processes = [subprocess.Popen([sys.executable, "-c", _OPENER, target, str(go)], cwd=ROOT, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(count)]
    time.sleep(1.5)  # every process is started and waiting
    go.touch()
    results = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


def _one_migrated_the_others_waited(results: list[subprocess.CompletedProcess]) -> None:
    for result in results:
        assert result.returncode == 0 and "Traceback" not in result.stderr, (result.stdout, result.stderr)
    applied = sorted(result.stdout.split()[1] if len(result.stdout.split()) == 3 else "" for result in results)
    assert applied[-1] == "0002,0003,0004,0005,0006,0007,0008,0009,0010,0011,0012" and applied[:-1] == [""] * (len(results) - 1)
    assert all(result.stdout.split()[-1] == "300" for result in results)


def test_several_programs_opening_an_older_sqlite_project_at_once(tmp_path):
    _older_project(tmp_path / "p")
    _one_migrated_the_others_waited(_open_at_once(str(tmp_path / "p"), tmp_path))
    with Store.open(tmp_path / "p") as store:
        assert store.migrations_applied == [] and store.document_ids(search="über")


@pytest.mark.skipif(not POSTGRES, reason="no PostgreSQL server (set CURATOR_TEST_POSTGRES, as scripts/test does)")
def test_several_programs_opening_an_older_postgresql_project_at_once(tmp_path):
    engine = sa.create_engine(POSTGRES)
    _drop_everything(engine)
    engine.dispose()
    try:
        _older_project(POSTGRES)
        _one_migrated_the_others_waited(_open_at_once(POSTGRES, tmp_path))
        with Store.open(POSTGRES) as store:
            assert store.migrations_applied == []  # migrated once, by one of them: nothing left to do
    finally:
        engine = sa.create_engine(POSTGRES)
        _drop_everything(engine)
        engine.dispose()


# -- a schema change racing a write ------------------------------------------------------------

def _org_layer(store: Store, path: Path, spans_per_document: int = 3) -> None:
    """A layer file of ORG spans over the project's documents (as another copy would write it)."""
    import json

    from curator.formats.layer_files import FORMAT, FORMAT_VERSION, text_hash

    documents = []
    for document in store.iter_documents():
        words = [(m.start(), m.end()) for m in __import__("re").finditer(r"\w+", document.text)][:spans_per_document]
        documents.append({"id": document.uid, "text_sha256": text_hash(document.text), "status": "todo",
                          "annotations": [{"id": f"{document.id}-{start}", "start": start, "end": end,
                                           "text": document.text[start:end], "label": "ORG", "value": None,
                                           "entity_id": None, "created": "2026-01-01T00:00:00+00:00",
                                           "updated": "2026-01-01T00:00:00+00:00"} for start, end in words]})
    path.write_text(json.dumps({"format": FORMAT, "format_version": FORMAT_VERSION, "annotator": "copy",
                                "project": "p", "entities": [], "documents": documents}), encoding="utf-8")


def _remove_org(store: Store) -> None:
    from curator.session import Session
    from curator.session.label_edits import remove_label

    Session(store, "admin").do(remove_label(store, "ORG"))


def _no_span_without_its_label(store: Store) -> None:
    from curator.formats.validate import Severity, validate_project

    assert "ORG" not in store.label_schema.names
    assert store.label_counts().get("ORG", 0) == 0
    assert [p for p in validate_project(store) if p.severity is Severity.ERROR] == []


def test_a_label_removed_while_a_layer_file_is_imported_gets_no_spans(store, tmp_path, monkeypatch):
    """The file is read and checked while ORG exists; ORG is removed (on another thread)
    before its spans are written: they are skipped, by name, and nothing else is lost."""
    import threading

    from curator.formats import layer_files as layers

    store.add_documents([Document(uid=f"d{n}", text=f"Trade talks in Astana number {n} ended.") for n in range(40)])
    _org_layer(store, tmp_path / "copy.json")
    write = layers._apply

    def removed_first(*args, **kwargs):
        remover = threading.Thread(target=_remove_org, args=(store,))
        remover.start()
        remover.join()
        return write(*args, **kwargs)

    monkeypatch.setattr(layers, "_apply", removed_first)
    report = layers.import_layer(store, tmp_path / "copy.json")
    assert report.spans_added == 0 and len(report.problems) == 120
    assert "label 'ORG' was removed from the project while the file was imported" in report.problems[0]
    _no_span_without_its_label(store)


def test_a_label_removed_while_the_import_writes_waits_and_takes_the_new_spans_with_it(store, tmp_path,
                                                                                        monkeypatch):
    """The other order: the removal comes while the import's transaction writes; it waits
    for the write and then deletes the label with every span, those just written too."""
    import threading

    from curator.formats import layer_files as layers

    store.add_documents([Document(uid=f"d{n}", text=f"Trade talks in Astana number {n} ended.") for n in range(40)])
    _org_layer(store, tmp_path / "copy.json")
    write, removers = layers._write, []

    def removed_meanwhile(*args, **kwargs):
        removers.append(threading.Thread(target=_remove_org, args=(store,)))
        removers[0].start()
        time.sleep(0.5)  # the removal is under way, and waits for this transaction
        return write(*args, **kwargs)

    monkeypatch.setattr(layers, "_write", removed_meanwhile)
    report = layers.import_layer(store, tmp_path / "copy.json")
    removers[0].join(timeout=60)
    assert report.spans_added == 120 and not report.problems
    _no_span_without_its_label(store)


def test_a_span_of_a_removed_label_is_never_written_whatever_writes_it(store):
    from curator.domain.models import Annotation, Suggestion
    from curator.errors import CuratorError

    doc = store.add_documents([Document(uid="d", text="Trade talks in Astana ended.")])[0]
    _remove_org(store)
    for write in (lambda: store.add_annotation(Annotation(doc_id=doc, start=0, end=5, label="ORG", annotator="a")),
                  lambda: store.add_annotations([Annotation(doc_id=doc, start=0, end=5, label="ORG", annotator="a")]),
                  lambda: store.add_suggestions([Suggestion(doc_id=doc, start=0, end=5, label="ORG", annotator="a",
                                                            source="entities")])):
        with pytest.raises(CuratorError, match="ORG"):
            write()
    span = store.add_annotation(Annotation(doc_id=doc, start=0, end=5, label="PERSON", annotator="a"))
    with pytest.raises(CuratorError, match="ORG"):
        store.update_annotation(span.id, label="ORG")
    assert store.label_counts() == {"PERSON": 1} and store.suggestions_for(doc, "a") == []


def test_an_import_and_a_label_removal_in_two_processes_leave_no_span_without_its_label(tmp_path):
    """Real processes, started together: whichever wins, no ORG span outlives ORG."""
    project = tmp_path / "p"
    with Store.create(project) as store:
        store.add_documents([Document(uid=f"d{n}", text=" ".join(f"word{n}x{k}" for k in range(40)))
                             for n in range(1000)])
        _org_layer(store, tmp_path / "copy.json", spans_per_document=30)  # 30,000 spans
    go = tmp_path / "go"
    waiting = ("import os, sys, time\nfrom curator.cli import main\nwhile not os.path.exists(sys.argv[1]): "
               "time.sleep(0.005)\ntime.sleep(float(sys.argv[2]))\nsys.exit(main(sys.argv[3:]))")
    # The removal comes while the import reads and checks its 30,000 spans.
    commands = [["0", "layer", "import", str(project), str(tmp_path / "copy.json")],
                [os.environ.get("CURATOR_RACE_DELAY", "0.8"), "labels", str(project), "--annotator", "admin",
                 "remove", "ORG", "--delete-spans"]]
    processes = [subprocess.Popen([sys.executable, "-c", waiting, str(go), *argv], cwd=ROOT, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for argv in commands]
    time.sleep(1.5)
    go.touch()
    results = [process.communicate(timeout=300) for process in processes]
    for process, (out, err) in zip(processes, results):
        assert process.returncode in (0, 1) and "Traceback" not in err and "internal error" not in err, (out, err)
    with Store.open(project) as store:
        _no_span_without_its_label(store)


def test_a_project_a_newer_curator_upgraded_is_refused_unchanged(tmp_path, capsys):
    with Store.create(tmp_path / "p") as store, store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0042'"))
    code, _out, err = run(capsys, "validate", tmp_path / "p")
    assert code == 2 and "revision '0042'" in err and "newer Curator" in err
    with sqlite3.connect(tmp_path / "p" / "curator.db") as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [("0042",)]
    connection.close()
