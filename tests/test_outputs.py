"""Outputs never overwrite what they must not: a project's own files, folders, devices,
FIFOs, sockets; a missing folder or an operating system error is a clear refusal."""

from __future__ import annotations

import errno
import hashlib
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from curator.cli import main
from curator.errors import CuratorError
from curator.formats import outputs
from curator.formats.copying import copy_project
from curator.formats.export import atomic_path, export_json
from curator.store import Store

ROOT = Path(__file__).resolve().parent.parent


def snapshot(location: Path) -> str:
    """The project's database content and the names in its folder."""
    with sqlite3.connect(location / "curator.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = [repr(row) for table in ("documents", "annotations", "entities", "meta")
                for row in db.execute(f"SELECT * FROM {table} ORDER BY 1")]
    names = sorted(p.name for p in location.iterdir() if p.name not in ("curator.db-wal", "curator.db-shm"))
    return hashlib.sha256("\n".join(rows + names).encode()).hexdigest()


def check_refused(argv: list[str], capsys, *words: str) -> str:
    status = main(argv)
    message = capsys.readouterr().err
    assert status in (1, 2), message
    assert "Traceback" not in message and all(word in message for word in words), message
    return message


@pytest.fixture
def project(annotated_sample) -> Path:
    location = Path(annotated_sample.location)
    (location / "curator.db-wal").touch()  # as while the window has it open
    (location / "curator.db-shm").touch()
    return location


def own_files(project: Path, tmp_path: Path) -> list[str]:
    """A project's own files, reached directly, relatively, through '..' and through a symlink."""
    link = tmp_path / "innocent.json"
    link.symlink_to(project / "curator.db")
    os.chdir(project.parent)
    return [str(project / "curator.db"), f"{project.name}/curator.db-wal",
            f"{project.name}/../{project.name}/curator.db-shm", str(link)]


@pytest.mark.parametrize("fmt", ["json", "jsonl", "xlsx", "doccano", "labelstudio"])
def test_export_refuses_the_projects_own_files(project, tmp_path, capsys, monkeypatch, fmt):
    monkeypatch.chdir(tmp_path)
    before = snapshot(project)
    for target in own_files(project, tmp_path):
        check_refused(["export", str(project), "--format", fmt, "-o", target], capsys, target, "project's own database")
    assert snapshot(project) == before
    assert (tmp_path / "innocent.json").is_symlink()


def test_layer_export_backup_and_copy_refuse_the_projects_own_files(project, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = snapshot(project)
    for target in own_files(project, tmp_path):
        check_refused(["layer", "export", str(project), "aigerim", "-o", target], capsys, "project's own database")
        check_refused(["backup", str(project), target], capsys, target)
        check_refused(["copy", str(project), target], capsys, target)
    check_refused(["backup", str(project), str(project)], capsys, "already holds a project")
    check_refused(["copy", str(project), str(project / ".." / project.name)], capsys, "already exists")
    assert snapshot(project) == before


def test_the_open_projects_database_is_refused_whatever_its_name(annotated_sample, tmp_path):
    database = tmp_path / "team.sqlite"
    copy_project(annotated_sample.location, f"sqlite:///{database}")
    store = Store.open(f"sqlite:///{database}")
    size = database.stat().st_size
    try:
        for target in (database, tmp_path / "team.sqlite-wal"):
            with pytest.raises(CuratorError, match="project's own database"):
                export_json(store, target)
    finally:
        store.close()
    assert database.stat().st_size == size


def test_refuses_to_replace_what_is_not_a_regular_file(project, tmp_path, capsys):
    before = snapshot(project)
    folder = tmp_path / "a-folder"
    folder.mkdir()
    fifo = tmp_path / "a-fifo"
    os.mkfifo(fifo)
    sock_path = tmp_path / "a-socket"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    link = tmp_path / "link-to-fifo"
    link.symlink_to(fifo)
    try:
        for target, kind in ((folder, "a folder"), (fifo, "FIFO"), (sock_path, "socket"), (link, "FIFO")):
            check_refused(["export", str(project), "--format", "json", "-o", str(target)], capsys, str(target), kind)
            check_refused(["export", str(project), "--format", "conll", "--layer", "aigerim", "-o", str(target)], capsys,
                    kind)
        for target in (fifo, sock_path):
            check_refused(["backup", str(project), str(target)], capsys, "a project goes in a folder")
            check_refused(["copy", str(project), str(target)], capsys, "a project goes in a folder")
    finally:
        sock.close()
    assert folder.is_dir() and not any(folder.iterdir())
    assert fifo.is_fifo() and link.is_symlink() and sock_path.is_socket()
    assert snapshot(project) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_refuses_a_missing_folder_and_creates_none(project, tmp_path, capsys):
    missing = tmp_path / "missing" / "dir"
    for argv in (["export", str(project), "-o", str(missing / "x.json")],
                 ["layer", "export", str(project), "aigerim", "-o", str(missing / "x.json")],
                 ["backup", str(project), str(missing / "backup")],
                 ["copy", str(project), str(missing / "copy")]):
        check_refused(argv, capsys, "does not exist")
    assert not (tmp_path / "missing").exists()
    assert main(["export", str(project), "-o", str(tmp_path / "new" / "x.json")]) == 2  # not even one level
    assert not (tmp_path / "new").exists()


def test_a_symlink_to_a_file_writes_that_file(project, tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert main(["export", str(project), "-o", str(link)]) == 0
    assert link.is_symlink() and real.read_text().startswith("{")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder_is_refused(project, tmp_path, capsys):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        check_refused(["export", str(project), "-o", str(folder / "x.json")], capsys, "permission denied")
        check_refused(["backup", str(project), str(folder / "b")], capsys, "permission denied")
    finally:
        folder.chmod(0o755)
    assert not any(folder.iterdir())


@pytest.mark.parametrize(("code", "reason"), [(errno.EACCES, "permission denied"),
                                              (errno.EROFS, "read-only"),
                                              (errno.ENOSPC, "no space left"),
                                              (errno.ENAMETOOLONG, "name is too long")])
def test_operating_system_errors_become_messages(project, tmp_path, capsys, monkeypatch, code, reason):
    def fail(*_args, **_kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(outputs.os, "replace", fail)
    monkeypatch.setattr(outputs.os, "rename", fail)
    check_refused(["export", str(project), "-o", str(tmp_path / "x.json")], capsys, str(tmp_path / "x.json"), reason)
    check_refused(["export", str(project), "-o", str(tmp_path / "x.xlsx")], capsys, reason)
    check_refused(["backup", str(project), str(tmp_path / "b")], capsys, reason)
    check_refused(["copy", str(project), str(tmp_path / "c")], capsys, reason)
    assert not [p.name for p in tmp_path.iterdir() if p.name not in ("annotated", "home")]


def test_a_full_disk_while_writing_is_a_message(project, tmp_path):
    with pytest.raises(CuratorError, match="no space left"):
        with atomic_path(tmp_path / "x.json") as temp:
            raise OSError(errno.ENOSPC, "No space left on device", str(temp))
    assert not list(tmp_path.glob(".x.json*"))


def test_a_name_too_long_is_refused_before_any_work(project, tmp_path, capsys):
    check_refused(["export", str(project), "-o", str(tmp_path / ("x" * 300 + ".json"))], capsys, "name is too long")


def test_leftovers_of_killed_writers_are_removed_and_nothing_else(project, tmp_path):
    tag = outputs._tag().partition("-")[0]
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    leftovers = [tmp_path / f".x.json.{tag}-{dead}-0123abcd.part", tmp_path / f".x.json.{tag}-{dead}-0123abce.parts"]
    kept = [tmp_path / f".x.json.{tag}-{os.getpid()}-0123abcd.part",  # a running writer's
            tmp_path / f".x.json.ffffff-{dead}-0123abcd.part",  # another machine's
            tmp_path / ".x.json.notes.part", tmp_path / ".x.json.swp"]  # not ours at all
    leftovers[0].write_text("half")
    leftovers[1].mkdir()
    (leftovers[1] / "000000").write_text("half")
    for path in kept:
        path.write_text("keep")
    assert main(["export", str(project), "-o", str(tmp_path / "x.json")]) == 0
    assert not any(path.exists() for path in leftovers)
    assert all(path.read_text() == "keep" for path in kept)


def test_backup_of_a_folder_named_with_uri_characters(annotated_sample, tmp_path):
    odd = tmp_path / "a#b?c%20d"
    assert main(["copy", str(annotated_sample.location), str(odd)]) == 0
    assert main(["backup", str(odd), str(tmp_path / "e#f?g%")]) == 0
    with sqlite3.connect(tmp_path / "e#f?g%" / "curator.db") as db:
        assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 5


def test_refusals_from_the_command_line_are_messages_not_tracebacks(project, tmp_path):
    for argv in (["export", str(project), "--format", "json", "-o", str(project / "curator.db")],
                 ["export", str(project), "--format", "json", "-o", str(tmp_path)]):
        result = subprocess.run([sys.executable, "-m", "curator", *argv], capture_output=True, text=True, cwd=ROOT)
        assert result.returncode == 2 and "Traceback" not in result.stderr and "refused" in result.stderr
