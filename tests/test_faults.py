"""Long operations killed with SIGKILL at several points leave the project whole, the
target absent or whole, no process of theirs running, and a rerun that completes.

Each test runs the real command line in a subprocess on a generated project, kills it
while it works (when its temporary output appears, then after a few delays), checks
what is left, and finally reruns it and compares with an uninterrupted run."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from curator.domain.models import Annotation, Document
from curator.formats.articles import _BATCH as IMPORT_BATCH
from curator.formats.validate import Severity, validate_project
from curator.store import Store

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and sends SIGKILL")

ROOT = Path(__file__).resolve().parent.parent
SENTENCE = "Kazakhstan traded US$24.2 billion with China on 7 November 2023, the ministry said in Astana. "
# The command line with the export's worker processes used from the first document
# (the command uses them from 50,000 documents on).
WITH_WORKERS = ("import importlib, sys; e = importlib.import_module('curator.formats.export'); f = e.export_json; "
                "e.export_json = lambda *a, **k: f(*a, **{**k, 'workers': 2, 'parallel_from': 1}); "
                "from curator.cli import main; sys.exit(main(sys.argv[1:]))")


# -- a generated project -----------------------------------------------------------------

@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> Callable[[int], Path]:
    """Generated projects by number of documents, made once for the module."""
    made: dict[int, Path] = {}
    base = tmp_path_factory.mktemp("templates")

    def template(documents: int) -> Path:
        if documents not in made:
            location = base / f"p{documents}"
            store = Store.create(location)
            texts = [Document(uid=f"d{i:06d}", title=f"Trade {i}", source="TDI", text=f"Report {i}. " + SENTENCE * 8)
                     for i in range(documents)]
            spans = []
            for doc_id, document in zip(store.add_documents(texts), texts):
                for word in ("Kazakhstan", "China"):
                    start = document.text.index(word)
                    spans.append(Annotation(doc_id=doc_id, start=start, end=start + len(word), label="LOCATION",
                                            annotator="ann"))
            store.add_annotations(spans)
            store.close()
            made[documents] = location
        return made[documents]

    return template


@pytest.fixture
def project(templates, tmp_path) -> Callable[[int], Path]:
    def copy(documents: int) -> Path:
        location = tmp_path / "project"
        shutil.copytree(templates(documents), location)
        return location

    return copy


# -- running and killing ------------------------------------------------------------------

def curator(*args: str, code: str | None = None) -> list[str]:
    return [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "curator", *args]


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def _children() -> dict[int, int]:
    """Each running process's parent, from /proc."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat.rpartition(")")[2].split()
            parents[int(entry)] = int(fields[1])
    return parents


def descendants(pid: int) -> set[int]:
    parents = _children()
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has ended; only no one has reaped it


def kill_during(command: list[str], cwd: Path, started: Callable[[subprocess.Popen], bool], delays: tuple[float, ...],
                check: Callable[[], bool]) -> int:
    """Run ``command`` once per delay and SIGKILL it that long after ``started(process)`` holds;
    then assert its processes are gone and call ``check()``. Returns how many kills
    landed while the command was still working and left no result (``check`` returns True then)."""
    landed = 0
    for delay in delays:
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while not started(process) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(delay)
        family = descendants(process.pid)
        working = process.poll() is None
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stderr.close()
        deadline = time.monotonic() + 5
        while any(running(pid) for pid in family) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not [pid for pid in family if running(pid)], "processes of the killed command still run"
        landed += bool(check()) and working
    return landed


def hidden(folder: Path, name: str) -> list[Path]:
    return sorted(folder.glob(f".{name}.*"))


# -- what is left -------------------------------------------------------------------------

def integrity(location: Path) -> None:
    with sqlite3.connect(location / "curator.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    Store.open(location).close()


def fingerprint(location: Path) -> str:
    """Every row of every table of a project."""
    digest = hashlib.sha256()
    db = sqlite3.connect(location / "curator.db")
    try:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                               "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        for table in tables:
            digest.update(table.encode())
            for row in sorted(db.execute(f'SELECT * FROM "{table}"'), key=repr):
                digest.update(repr(row).encode())
    finally:
        db.close()
    return digest.hexdigest()


def json_export(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("exported")
    return data


def workbook(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as book:
        assert book.testzip() is None
        return {name: book.read(name) for name in book.namelist() if name != "docProps/core.xml"}  # has the time


# -- the operations -----------------------------------------------------------------------

def working_time(command: list[str], cwd: Path, started: Callable[[subprocess.Popen], bool]) -> float:
    """Run ``command`` uninterrupted; the seconds from ``started(process)`` to its end,
    to spread the kills over the work on a machine of any speed."""
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    while not started(process) and process.poll() is None:
        time.sleep(0.005)
    begun = time.monotonic()
    _out, errors = process.communicate(timeout=120)
    assert process.returncode == 0, errors
    return time.monotonic() - begun


def spread(seconds: float) -> tuple[float, ...]:
    return (0.0, seconds * 0.3, seconds * 0.6)


def rows(location: Path, sql: str) -> int:
    with sqlite3.connect(location) as db:
        return db.execute(sql).fetchone()[0]


@pytest.mark.parametrize("workers", [False, True], ids=["one-process", "workers"])
def test_killed_json_export(project, tmp_path, workers):
    source = project(3000 if workers else 10000)
    out = tmp_path / "out"
    out.mkdir()
    target, uninterrupted = out / "data.json", out / "uninterrupted.json"

    def command(to: Path) -> list[str]:
        return curator("export", str(source), "-o", str(to), code=WITH_WORKERS if workers else None)

    def writing(to: Path) -> Callable[[subprocess.Popen], bool]:  # with workers: once they run
        return lambda process: bool(hidden(out, to.name)) and (not workers or len(descendants(process.pid)) >= 2)

    def check() -> bool:
        integrity(source)
        if target.exists():
            assert json_export(target)["documents"]  # whole: it parses
            return False
        return True

    took = working_time(command(uninterrupted), tmp_path, writing(uninterrupted))
    assert kill_during(command(target), tmp_path, writing(target), spread(took), check) >= 2
    # One more kill as the work begins, so that parts are surely left for the rerun to
    # clean up (on a loaded machine the last of the spread kills may come after the end).
    kill_during(command(target), tmp_path, writing(target), (0.0,), lambda: True)
    assert hidden(out, target.name), "the test meant to leave a killed export's parts"
    done = run(command(target), tmp_path)
    assert done.returncode == 0, done.stderr
    assert not hidden(out, target.name), "the rerun removed the killed exports' parts"
    assert json_export(target) == json_export(uninterrupted)


def test_killed_excel_export(project, tmp_path):
    source = project(2500)
    target, uninterrupted = tmp_path / "data.xlsx", tmp_path / "uninterrupted.xlsx"

    def check() -> bool:
        integrity(source)
        if target.exists():
            workbook(target)
            return False
        return True

    took = working_time(curator("export", str(source), "-o", str(uninterrupted)), tmp_path,
                        lambda _process: bool(hidden(tmp_path, uninterrupted.name)))
    command = curator("export", str(source), "-o", str(target))
    assert kill_during(command, tmp_path, lambda _process: bool(hidden(tmp_path, target.name)), spread(took),
                       check) >= 2
    done = run(command, tmp_path)
    assert done.returncode == 0, done.stderr
    assert not hidden(tmp_path, target.name)
    assert workbook(target) == workbook(uninterrupted)


@pytest.mark.parametrize("operation", ["copy", "backup"])
def test_killed_copy_and_backup(project, tmp_path, operation):
    source = project(10000)
    target, uninterrupted = tmp_path / "target", tmp_path / "uninterrupted"
    expected = fingerprint(source)

    def check() -> bool:
        integrity(source)
        if target.exists():  # whole, never an empty or partial project under the name
            integrity(target)
            assert fingerprint(target) == expected
            shutil.rmtree(target)
            return False
        return True

    took = working_time(curator(operation, str(source), str(uninterrupted)), tmp_path,
                        lambda _process: bool(hidden(tmp_path, uninterrupted.name)))
    assert fingerprint(uninterrupted) == expected
    command = curator(operation, str(source), str(target))
    assert kill_during(command, tmp_path, lambda _process: bool(hidden(tmp_path, target.name)), spread(took),
                       check) >= 2
    done = run(command, tmp_path)
    assert done.returncode == 0, done.stderr
    assert not hidden(tmp_path, target.name)
    integrity(target)
    assert fingerprint(target) == expected


def test_killed_copy_into_a_database_file(project, tmp_path):
    source = project(10000)
    database = tmp_path / "copy.db"
    expected = fingerprint(source)

    def whole(database: Path) -> str:
        folder = tmp_path / "whole"
        folder.mkdir()
        shutil.move(database, folder / "curator.db")
        try:
            integrity(folder)
            return fingerprint(folder)
        finally:
            shutil.rmtree(folder)

    def check() -> bool:
        integrity(source)
        if database.exists():
            with sqlite3.connect(database) as db:
                assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"  # also rolls a hot journal back
            if rows(database, "SELECT count(*) FROM sqlite_master WHERE name = 'meta'"):  # committed: whole
                assert whole(database) == expected
                return False
        return True

    other = tmp_path / "uninterrupted.db"
    took = working_time(curator("copy", str(source), f"sqlite:///{other}"), tmp_path, lambda _process: other.exists())
    assert whole(other) == expected
    command = curator("copy", str(source), f"sqlite:///{database}")
    assert kill_during(command, tmp_path, lambda _process: database.exists(), spread(took), check) >= 2
    done = run(command, tmp_path)
    assert done.returncode == 0, done.stderr
    assert whole(database) == expected


def test_killed_import(tmp_path):
    records = 20000
    source = tmp_path / "articles.jsonl"
    with source.open("w", encoding="utf-8") as out:
        for i in range(records):
            out.write(json.dumps({"id": f"n{i:06d}", "text": f"Item {i}. " + SENTENCE * 4}) + "\n")
    target = tmp_path / "project"
    Store.create(target).close()
    command = curator("import", str(target), str(source))

    def uids() -> list[str]:
        with sqlite3.connect(target / "curator.db") as db:
            return [row[0] for row in db.execute("SELECT uid FROM documents ORDER BY uid")]

    def check() -> bool:
        integrity(target)
        count = len(uids())
        assert count % IMPORT_BATCH == 0, count  # whole batches only: each commits whole, behind the next's reading
        return 0 < count < records

    def first_batch_in(_process: subprocess.Popen) -> bool:  # the second is then being read
        return rows(target / "curator.db", "SELECT count(*) FROM documents") > 0

    assert kill_during(command, tmp_path, first_batch_in, (0.0, 0.05, 0.1), check) >= 2
    done = run(command, tmp_path)
    assert done.returncode == 0, done.stderr
    assert uids() == [f"n{i:06d}" for i in range(records)]  # all, none twice, none renamed


def test_killed_suggest_accept(project, tmp_path):
    source = project(16)
    uninterrupted = tmp_path / "uninterrupted"
    shutil.copytree(source, uninterrupted)

    def command(location: Path) -> list[str]:
        return curator("suggest", str(location), "--accept", "--annotator", "bot")

    def accepting(steps: tuple[int, ...]) -> Callable[[subprocess.Popen], bool]:
        """True once the n-th run has accepted ``steps[n]`` suggestions (each goes on where
        the killed one stopped, so the kills land at different points of the work)."""
        before: dict[int, tuple[int, int]] = {}

        def started(process: subprocess.Popen) -> bool:
            count = rows(source / "curator.db", "SELECT count(*) FROM annotations WHERE annotator = 'bot'")
            if process.pid not in before:
                before[process.pid] = (count, steps[len(before)])
            start, step = before[process.pid]
            return count >= start + step

        return started

    def accepted(location: Path) -> list[tuple]:
        with Store.open(location) as store:
            return sorted((d.uid, a.start, a.end, a.label, json.dumps(a.value, sort_keys=True))
                          for d, spans in store.iter_documents_with_annotations("bot") for a in spans)

    def check() -> bool:
        integrity(source)
        with Store.open(source) as store:
            assert not [p for p in validate_project(store) if p.severity is Severity.ERROR]
        return True

    assert run(command(uninterrupted), tmp_path).returncode == 0
    assert kill_during(command(source), tmp_path, accepting((1, 20, 40)), (0.0, 0.0, 0.0), check) == 3
    assert 0 < len(accepted(source)) < len(accepted(uninterrupted))
    done = run(command(source), tmp_path)
    assert done.returncode == 0, done.stderr
    assert accepted(source) == accepted(uninterrupted)
    with Store.open(source) as store:
        assert not [p for p in validate_project(store) if p.severity is Severity.ERROR]
