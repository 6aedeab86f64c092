"""Hostile names, folders and environments on the command line: a clear message and an
exit status, never a traceback, never a file outside its place, nothing saved lost."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curator import cli
from curator.cli import main
from curator.domain.names import _unprintable, check_annotator, file_stem, printable
from curator.errors import CuratorError
from curator.store import Store, is_url
from curator.store import engine as store_module

ROOT = Path(__file__).resolve().parent.parent


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


# -- folders are folders -----------------------------------------------------------

@pytest.mark.parametrize("name", ["proj#1", "p?mode=ro", "p%20x", "a:b", "x@y", "sqlite:rel"])
def test_a_folder_with_url_characters_is_a_folder(tmp_path, capsys, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "sample", name)[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no stray file such as "p" or "proj"
    assert (tmp_path / name / "curator.db").is_file()
    code, out, _ = run(capsys, "validate", name)
    assert code == 0 and "0 error(s)" in out
    assert Store.open(tmp_path / name).document_count() == 5


def test_only_scheme_slash_slash_is_a_url(tmp_path):
    assert is_url("postgresql+psycopg://u@h/db") and is_url("sqlite:///x.db")
    assert not is_url("proj#1") and not is_url("dir/a://b") and not is_url(tmp_path / "sqlite:")
    assert not is_url("://nothing")


def test_an_unknown_url_scheme_is_a_clear_error(capsys):
    code, _, err = run(capsys, "validate", "nosuchdb://host/x")
    assert code == 2 and "not a database URL Curator can open" in err


# -- the error boundary ---------------------------------------------------------------

def test_an_unexpected_error_is_a_message_and_debug_shows_the_traceback(tmp_path, capsys, monkeypatch):
    def broken(_args):
        raise ValueError("boom")

    monkeypatch.setattr(cli, "_cmd_validate", broken)
    code, _, err = run(capsys, "validate", tmp_path)
    assert code == 2 and "internal error (ValueError: boom)" in err and "--debug" in err
    assert main(["--debug", "validate", str(tmp_path)]) == 2
    assert "Traceback" in capsys.readouterr().err


def test_output_to_a_closed_pipe_ends_quietly(tmp_path):
    Store.create(tmp_path / "p").close()
    process = subprocess.Popen([sys.executable, "-m", "curator", "schema"], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    process.stdout.close()  # the reader is gone before the command writes, as with '| head'
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == 0 and err == ""


# -- names never become paths or escape codes ---------------------------------------------

@pytest.mark.parametrize("name", ["../../evil", "/tmp/abs", "..", "a/b\\c", ".hidden", "Айгерим Қ."])
def test_a_name_never_decides_where_a_layer_file_goes(tmp_path, capsys, monkeypatch, name):
    project = tmp_path / "p"
    run(capsys, "sample", project)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    before = set(tmp_path.rglob("*"))
    code, out, _ = run(capsys, "layer", "export", project, name)
    assert code == 0
    created = set(tmp_path.rglob("*")) - before
    written = [p for p in created if p.is_file() and not p.name.startswith("curator.db")]
    assert len(written) == 1 and written[0].parent == work / "annotations"
    assert not written[0].name.startswith(".")


def test_names_that_cannot_be_names_are_refused_clearly(capsys):
    code, _, err = run(capsys, "iam", "x" * 5000)
    assert code == 2 and "5,000 characters" in err
    code, _, err = run(capsys, "iam", "\x1b[31mred\x1b[0m")
    assert code == 2 and "U+001B" in err and "\x1b" not in err
    code, _, err = run(capsys, "iam", "evil\u202ename")
    assert code == 2 and "U+202E" in err
    assert run(capsys, "whoami")[0] == 0


def test_a_tampered_settings_file_is_reported_not_used(capsys, tmp_path):
    settings = Path(os.environ["CURATOR_CONFIG"]) / "settings.json"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text('{"annotator": "\\u001b]0;pwned\\u0007"}', encoding="utf-8")
    code, out, err = run(capsys, "whoami")
    assert code == 2 and "settings.json" in err and "\x1b" not in out + err


def test_name_helpers():
    assert check_annotator("  ok ") == "ok"
    assert file_stem("aigerim") == "aigerim"
    assert file_stem("../x") != file_stem("./x") and "/" not in file_stem("../x")
    assert not file_stem("..").startswith(".")
    assert printable("a\x1b[2Jb\nc") == "a\\u001b[2Jb\nc"


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec=None), max_size=30), st.sampled_from(["", "\n\t"]))
def test_names_and_printable_text_escape_exactly_the_unprintable_characters(text, keep):
    """The shortcut for wholly printable text finds what the character test finds."""
    expected = "".join(c if c in keep or not _unprintable(c) else f"\\u{ord(c):04x}" for c in text)
    assert printable(text, keep) == expected
    name = text.strip()
    if name and len(name) <= 100:
        if any(_unprintable(c) for c in name):
            with pytest.raises(CuratorError, match="control character"):
                check_annotator(text)
        else:
            assert check_annotator(text) == name


# -- a damaged environment ------------------------------------------------------------

def _with_pragma(monkeypatch, pragma: str) -> None:
    configure = store_module._configure_sqlite

    def configured(connection, record):
        configure(connection, record)
        connection.execute(pragma)

    monkeypatch.setattr(store_module, "_configure_sqlite", configured)


def _import_file(tmp_path: Path, count: int, size: int) -> Path:
    path = tmp_path / "articles.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            out.write(f'{{"id": "n{n}", "text": "{"word " * size}{n}"}}\n')
    return path


def test_a_full_disk_is_a_message_and_keeps_what_was_saved(tmp_path, capsys, monkeypatch):
    project = tmp_path / "p"
    run(capsys, "sample", project)
    _with_pragma(monkeypatch, "PRAGMA max_page_count=200")  # the database cannot grow: as a full disk
    code, _, err = run(capsys, "import", project, _import_file(tmp_path, 300, 400))
    assert code == 2 and "the disk is full" in err and "Nothing was changed" in err
    monkeypatch.undo()
    with Store.open(project) as store:
        assert store.document_count() == 5


def test_a_read_only_database_is_a_message(tmp_path, capsys, monkeypatch):
    project = tmp_path / "p"
    run(capsys, "sample", project)
    _with_pragma(monkeypatch, "PRAGMA query_only=ON")
    code, _, err = run(capsys, "import", project, _import_file(tmp_path, 3, 5))
    assert code == 2 and "cannot be written" in err


def test_random_bytes_inside_the_database_are_a_message(tmp_path, capsys):
    project = tmp_path / "p"
    run(capsys, "sample", project)
    database = project / "curator.db"
    with sqlite3.connect(database) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        # The schema's pages (the first, and more once the schema outgrows it) are spared: it still reads.
        try:
            schema = {page for (page,) in conn.execute("SELECT pageno FROM dbstat WHERE name = 'sqlite_schema'")}
        except sqlite3.OperationalError:  # an SQLite built without the dbstat table
            schema = {1}
    data = bytearray(database.read_bytes())
    for offset in range(4096, len(data), 4096):  # every other page
        if offset // 4096 + 1 not in schema:
            data[offset + 100:offset + 400] = os.urandom(300)
    database.write_bytes(bytes(data))
    for command in (["validate"], ["export", "-o", tmp_path / "x.json"], ["agreement"]):
        code, _, err = run(capsys, command[0], project, *command[1:])
        assert code == 2 and "the project database is damaged" in err
    assert not (tmp_path / "x.json").exists()


def test_a_lock_held_too_long_is_a_message(tmp_path, capsys, monkeypatch):
    project = tmp_path / "p"
    run(capsys, "sample", project)
    monkeypatch.setattr(store_module, "_BUSY_TIMEOUT_MS", 300)
    holder = sqlite3.connect(project / "curator.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code, _, err = run(capsys, "import", project, _import_file(tmp_path, 3, 5))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 2 and "the project is busy" in err


# -- two commands at once ---------------------------------------------------------------

def _twice_at_once(*argv) -> list[subprocess.CompletedProcess]:
    command = [sys.executable, "-m", "curator", *map(str, argv)]
    processes = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(command, process.returncode, out, err))
    return results


def test_two_accepting_suggesters_at_once_store_each_span_once(tmp_path, capsys):
    project = tmp_path / "p"
    run(capsys, "sample", project)
    for result in _twice_at_once("suggest", project, "--accept", "--annotator", "bot"):
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    code, out, _ = run(capsys, "suggest", project, "--accept", "--annotator", "bot")
    assert code == 0 and "0 suggestion(s) accepted" in out  # the two runs left nothing undone
    with Store.open(project) as store:
        spans = [(a.doc_id, a.start, a.end, a.label) for d in store.iter_documents()
                 for a in store.annotations_for(d.id, "bot")]
        suggestions = [(s.doc_id, s.start, s.end, s.label) for d in store.iter_documents()
                       for s in store.suggestions_for(d.id, "bot")]
    assert len(spans) == len(set(spans)) > 50
    assert len(suggestions) == len(set(suggestions))
    code, out, _ = run(capsys, "validate", project)
    assert code == 0 and "twice" not in out


def test_two_imports_of_one_file_at_once_end_cleanly(tmp_path, capsys):
    project = tmp_path / "p"
    run(capsys, "init", project)
    articles = _import_file(tmp_path, 2000, 30)
    results = _twice_at_once("import", project, articles)
    for result in results:
        assert result.returncode in (0, 2) and "Traceback" not in result.stderr, result.stderr
        if result.returncode:
            assert "same ids at the same time" in result.stderr
    assert run(capsys, "import", project, articles)[0] == 0  # a rerun completes
    with Store.open(project) as store:
        assert store.document_count() == 2000


def test_remembered_choices_survive_a_restart_and_tampering_is_ignored(tmp_path):
    from curator.project import Settings

    settings = Settings(tmp_path / "settings.json")
    assert not settings.has_annotator and settings.recall("folder.export") is None
    settings.remember("folder.export", "/data/out")
    settings.remember("format.export", "Excel workbook (*.xlsx)")
    again = Settings(tmp_path / "settings.json")
    assert again.recall("folder.export") == "/data/out" and again.recall("format.export").startswith("Excel")
    for tampered in ('{"remembered": [1, 2]}', '{"remembered": {"folder.export": {"x": 1}}}', '{"annotator": 5}'):
        (tmp_path / "settings.json").write_text(tampered, encoding="utf-8")
        assert again.recall("folder.export") is None and not again.has_annotator
    again.remember("folder.import", "/in")  # a damaged entry is replaced, not a reason to fail
    assert again.recall("folder.import") == "/in"


def test_numbers_and_names_a_command_cannot_use_are_refused(tmp_path, capsys):
    project = tmp_path / "p"
    run(capsys, "sample", project)
    for threshold in ("nan", "-1", "2", "half"):
        with pytest.raises(SystemExit) as stopped:
            main(["duplicates", str(project), "--threshold", threshold])
        assert stopped.value.code == 2 and "is not a number from 0 to 1" in capsys.readouterr().err
    code, out, _ = run(capsys, "measures", project, "list")
    for name, words in (("", [""]), ("fdi", ["  "]), ("  ", ["fdi"])):
        code, _, err = run(capsys, "measures", project, "add", name, *words)
        assert code == 1 and "a measure needs a name and at least one word" in err
    assert run(capsys, "measures", project, "list")[1] == out  # nothing was added


def test_an_output_path_is_shown_on_one_line_and_a_trailing_separator_names_a_folder(tmp_path, capsys):
    project = tmp_path / "p"
    run(capsys, "sample", project)
    code, out, _ = run(capsys, "export", project, "-o", tmp_path / "two\nlines.json")
    assert code == 0 and "Exported to " + str(tmp_path / "two\\u000alines.json") in out
    (tmp_path / "x.json").write_text("kept")
    with pytest.raises(SystemExit) as stopped:
        main(["export", str(project), "-o", f"{tmp_path / 'x.json'}/"])
    assert stopped.value.code == 2 and "is not a file name" in capsys.readouterr().err
    assert (tmp_path / "x.json").read_text() == "kept"


def test_no_command_acts_as_the_gold_layer(tmp_path, capsys):
    project = tmp_path / "p"
    run(capsys, "sample", project)
    for argv in (("suggest", project, "--accept", "--annotator", "gold"), ("undo", project, "--annotator", "gold"),
                 ("history", project, "--annotator", " gold ")):
        code, _, err = run(capsys, *argv)
        assert code == 2 and "'gold' is the reviewed layer" in err
    with Store.open(project) as store:
        assert store.annotations_for(1, "gold") == []  # no suggestion went into gold
