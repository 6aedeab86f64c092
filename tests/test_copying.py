import threading

import pytest

from curator.cli import main
from curator.domain.models import Annotation, Document
from curator.errors import CuratorError
from curator.formats.copying import backup_project, copy_project
from curator.formats.export import export_json
from curator.store import Store


def dump(store):
    return sorted((d.uid, a.id, a.start, a.end, a.label, a.annotator, str(a.value))
                  for d, spans in store.iter_documents_with_annotations() for a in spans)


def test_copy_to_a_database_url_and_back_is_lossless(annotated_sample, tmp_path):
    url = f"sqlite:///{tmp_path / 'copy.db'}"
    counts = copy_project(annotated_sample.location, url)
    assert counts["documents"] == 5 and counts["annotations"] == annotated_sample.annotation_count()
    back = tmp_path / "back"
    copy_project(url, back)
    again = Store.open(back)
    assert dump(again) == dump(annotated_sample)
    assert again.entities() == annotated_sample.entities()
    export_json(annotated_sample, tmp_path / "a.json")
    export_json(again, tmp_path / "b.json")
    strip = lambda text: text.split('"documents"')[1]  # noqa: E731 - the header has the export time
    assert strip((tmp_path / "a.json").read_text()) == strip((tmp_path / "b.json").read_text())
    [doc_id] = again.add_documents([Document(uid="new", text="A new one.")])  # ids continue after the copy
    assert doc_id == 6


def test_copy_refuses_an_existing_target(annotated_sample, tmp_path):
    with pytest.raises(CuratorError, match="already exists"):
        copy_project(annotated_sample.location, annotated_sample.location)


def test_copy_into_a_database_that_is_not_a_projects_names_the_target(annotated_sample, tmp_path):
    import sqlite3

    not_a_database = tmp_path / "notes.txt"
    not_a_database.write_text("hi\n")
    with pytest.raises(CuratorError, match=r"notes\.txt: not a database a project can be copied into"):
        copy_project(annotated_sample.location, f"sqlite:///{not_a_database}")
    assert not_a_database.read_text() == "hi\n"
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE documents (x)")
    with pytest.raises(CuratorError, match=r"foreign\.db: the database already has tables a project uses "
                                           r"\(documents\)"):
        copy_project(annotated_sample.location, f"sqlite:///{foreign}")


def test_backup_refuses_an_empty_target_and_names_a_file_as_a_file(annotated_sample, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CuratorError, match="needs a new folder"):
        backup_project(annotated_sample.location, "")
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(CuratorError, match="a project goes in a folder, and this is a file$"):
        backup_project(annotated_sample.location, tmp_path / "x.json")
    assert not (tmp_path / "curator.db").exists()  # nothing written into the current folder


def test_backup_while_another_writer_is_busy(annotated_sample, tmp_path):
    doc_id = annotated_sample.document_by_uid("000_14e10f92779dfa8b").id
    stop = threading.Event()

    def write():
        writer = Store.open(annotated_sample.location)
        end = 1
        while not stop.is_set():  # a new span each time: the store holds one annotator's span once
            end += 1
            writer.add_annotation(Annotation(doc_id=doc_id, start=0, end=end, label="DATE", annotator="busy"))
        writer.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        for round_ in range(3):
            folder = backup_project(annotated_sample.location, tmp_path / f"backup-{round_}")
            copy = Store.open(folder)
            assert copy.document_count() == 5 and copy.annotation_count() >= 440
            copy.close()
    finally:
        stop.set()
        thread.join()
    with pytest.raises(CuratorError, match="already holds a project"):
        backup_project(annotated_sample.location, tmp_path / "backup-0")


def test_copy_and_backup_commands(annotated_sample, tmp_path, capsys):
    assert main(["backup", str(annotated_sample.location), str(tmp_path / "b")]) == 0
    assert main(["copy", str(tmp_path / "b"), str(tmp_path / "c")]) == 0
    assert "Copied 5 document(s)" in capsys.readouterr().out
    assert main(["backup", "postgresql://localhost/x", str(tmp_path / "d")]) == 2


def test_copy_to_postgresql_and_back(annotated_sample, tmp_path):
    import os

    import sqlalchemy as sa

    from curator.store.tables import metadata

    url = os.environ.get("CURATOR_TEST_POSTGRES")
    if not url:
        pytest.skip("no PostgreSQL server (set CURATOR_TEST_POSTGRES, as scripts/test does)")
    engine = sa.create_engine(url)
    metadata.drop_all(engine)
    engine.dispose()
    try:
        copy_project(annotated_sample.location, url)
        server = Store.open(url)
        assert dump(server) == dump(annotated_sample)
        [doc_id] = server.add_documents([Document(uid="typed-on-the-server", text="New.")])
        assert doc_id == 6  # the id sequence continues after the copied rows
        server.close()
        copy_project(url, tmp_path / "back")
        back = Store.open(tmp_path / "back")
        assert dump(back) == dump(annotated_sample)
        assert back.document_by_uid("typed-on-the-server").text == "New."
        back.close()
    finally:
        engine = sa.create_engine(url)
        metadata.drop_all(engine)
        engine.dispose()


def test_a_copy_gives_no_id_twice_the_history_keeps_or_uses(project_target, tmp_path):
    """A copy's counters started at the largest id copied: on PostgreSQL the history's
    numbers started at 1 again (the next edit failed), and on both the documents of an
    undone import lost their ids to the next import, whose redo was refused."""
    import json

    from curator.session.history import Session
    from curator.session.importing import import_paths

    def articles(name, prefix):
        path = tmp_path / name
        path.write_text("".join(json.dumps({"id": f"{prefix}{n}", "text": f"Article {n} of {prefix}."}) + "\n"
                                for n in range(2)), encoding="utf-8")
        return path

    with Store.create(tmp_path / "source") as source:
        alice = Session(source, "alice")
        import_paths(alice, [articles("a.jsonl", "a")])
        undone = import_paths(alice, [articles("b.jsonl", "b")]).added
        alice.undo()
    copy_project(tmp_path / "source", project_target)
    with Store.open(project_target) as copy:
        added = import_paths(Session(copy, "bob"), [articles("c.jsonl", "c")]).added  # a history entry too
        assert min(added) > max(undone)
        assert Session(copy, "alice").redo().label == "Import 2 documents"
        assert copy.document_count() == 6
