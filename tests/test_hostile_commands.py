"""Hostile names, folders and environments on the command line: a clear message and an
exit status, never a traceback, never a file outside its place, nothing saved lost."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curator.cli import command_line as cli
from curator.cli import main
from curator.domain.names import (
    _invisible,
    _unprintable,
    check_annotator,
    file_stem,
    printable,
)
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
    from curator.domain.models import DocumentStatus

    project = tmp_path / "p"
    run(capsys, "sample", project)
    with Store.open(project) as store:  # the layer of someone of that name
        store.set_status(store.document_ids()[0], check_annotator(name), DocumentStatus.DONE)
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
            return
        try:
            kept = check_annotator(text)
        except CuratorError as exc:  # a name of characters that show nothing, or holding one
            assert "invisible" in str(exc) or "shows nothing" in str(exc)
            assert any(_invisible(c) or unicodedata.category(c).startswith("M") for c in name)
        else:  # kept in one spelling: NFC, one space between words
            assert kept == " ".join(unicodedata.normalize("NFC", name).split())
            assert check_annotator(unicodedata.normalize("NFD", kept)) == kept


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
    from curator.store.user_settings import Settings

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


# -- what reaches the terminal: escaped, encodable, without secrets ------------------------

ESCAPES = ["\x1b[2J\x1b[31mred", "\x1b]0;owned\x07", "\x9b31m", "bell\x07", "\u202eevil"]


def _hostile_project(path: Path) -> None:
    from curator.domain.models import Document, Entity

    body = "Trade between the two countries reached a record this year, officials said on Monday in the capital. "
    with Store.create(path) as store:
        store.add_documents([Document(uid=f"doc{escape}{n}", text=body * 5 + str(n), source=escape)
                             for n, escape in enumerate(ESCAPES)])
        for escape in ESCAPES:
            store.add_entity(Entity(name=f"Astana{escape}", type="LOCATION"))
            store.add_entity(Entity(name=f"ASTANA{escape}", type="LOCATION"))


def test_ids_and_names_holding_escape_sequences_are_printed_escaped(tmp_path, capsys):
    _hostile_project(tmp_path / "p")
    for argv in (["duplicates", tmp_path / "p"], ["duplicates", tmp_path / "p", "--json"],
                 ["validate", tmp_path / "p"], ["agreement", tmp_path / "p"]):
        code, out, err = run(capsys, *argv)
        assert code == 0, err
        assert not any(c in out + err for c in "\x1b\x07\x9b\u202e"), argv
    code, out, _ = run(capsys, "duplicates", tmp_path / "p")
    assert "\\u001b]0;owned\\u0007" in out and "near-duplicate pair" in out


@pytest.mark.parametrize("argv", [["no\x1b]0;x\x07such"], ["validate"], ["validate", "p", "--bad\x1b[2J"],
                                  ["export", "p", "-o", "x.json", "--format", "x\x1b[31m"]])
def test_argparse_errors_are_escaped(capsys, argv):
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and "error" in err and "\x1b" not in err and "\x07" not in err


def test_an_output_that_cannot_hold_utf8_gets_escapes_not_an_internal_error(tmp_path):
    """A latin-1 or cp1252 console: what it cannot show is written as escapes; the command
    ends as it would on a UTF-8 console."""
    project = tmp_path / "проект"
    env = {**os.environ, "PYTHONIOENCODING": "latin-1"}
    command = [sys.executable, "-m", "curator"]
    subprocess.run([*command, "sample", str(project)], cwd=ROOT, env=env, check=True, capture_output=True)
    with Store.open(project) as store:
        doc = store.document_ids()[0]
        from curator.domain.models import Annotation

        store.add_annotation(Annotation(doc_id=doc, start=0, end=4, label="ORG", annotator="Айгерим"))
    for argv in (["export", str(project), "-o", str(tmp_path / "экспорт.json")], ["agreement", str(project)],
                 ["history", str(project), "--annotator", "Айгерим"], ["duplicates", str(project)],
                 ["layer", "export", str(project), "Айгерим", "-o", str(tmp_path / "слой.json")]):
        result = subprocess.run([*command, *argv], cwd=ROOT, env=env, capture_output=True)
        assert result.returncode == 0, result.stderr
        assert b"internal error" not in result.stderr and b"Traceback" not in result.stderr
        result.stdout.decode("latin-1")  # what a latin-1 console shows
    assert b"\\u0410\\u0439" in subprocess.run([*command, "export", str(project), "-o", str(tmp_path / "e.json")],
                                               cwd=ROOT, env=env, capture_output=True).stdout


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(codec=None), max_size=40), st.sampled_from(["latin-1", "cp1252", "ascii", "utf-8"]))
def test_the_terminal_gate_never_fails_and_never_lets_a_control_through(text, encoding):
    import io

    from curator.cli.terminal import TerminalText

    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
    gate = TerminalText(stream)
    gate.write(text)
    gate.flush()
    shown = raw.getvalue().decode(encoding)
    assert not any(_unprintable(c) and c not in "\n\t" for c in shown)


SECRET = "S3cretPW"


def test_a_database_password_is_never_printed(tmp_path, capsys):
    import io

    from curator.cli.terminal import TerminalText

    url = f"postgresql+psycopg://cur:{SECRET}@127.0.0.1:1/nothing"  # nobody listens on port 1
    for argv in (["undo", url], ["validate", url], ["export", url, "-o", tmp_path / "x.json"], ["init", url],
                 ["copy", tmp_path / "none", url], ["labels", url, "list"]):
        code, out, err = run(capsys, *argv)
        assert code == 2 and SECRET not in out + err, (argv, err)
        assert "cur:***@" in out + err or "not a Curator project" in err or "no curator.db" in err, err
    buffer = io.StringIO()
    TerminalText(buffer).write(f"curator undo {url}; again: mysql://u:p@ss@host/db")
    assert SECRET not in buffer.getvalue() and "p@ss" not in buffer.getvalue()


@pytest.mark.skipif(not os.environ.get("CURATOR_TEST_POSTGRES"), reason="no PostgreSQL server")
def test_the_undo_hint_of_a_label_edit_hides_the_password(capsys):
    import sqlalchemy as sa

    from curator.store.tables import metadata

    url = os.environ["CURATOR_TEST_POSTGRES"]
    password = url.split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]

    def drop_everything() -> None:
        engine = sa.create_engine(url)
        metadata.drop_all(engine)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        engine.dispose()

    drop_everything()
    try:
        assert run(capsys, "init", url)[0] == 0
        code, out, err = run(capsys, "labels", url, "add", "WEAPON", "--kind", "entity")
        assert code == 0 and "curator undo" in out and f":{password}@" not in out + err and ":***@" in out
    finally:
        drop_everything()


# -- names: one spelling, nothing invisible, no silent typos --------------------------------

@pytest.mark.parametrize("name", ["\u200b", "\u200b\u200b", " \u2060 ", "\u3164", "\u00ad", "a\u200bb", "\ufeffbob",
                                  "\u0301"])
def test_a_name_that_shows_nothing_or_hides_a_character_is_refused(capsys, name):
    code, _, err = run(capsys, "iam", name)
    assert code == 2 and ("invisible" in err or "shows nothing" in err or "empty" in err)
    assert name not in err


def test_one_name_in_two_unicode_forms_is_one_annotator(tmp_path, capsys):
    nfc, nfd = "José", unicodedata.normalize("NFD", "José")
    assert run(capsys, "iam", nfd)[0] == 0
    assert run(capsys, "whoami")[1].strip() == nfc
    project = tmp_path / "p"
    run(capsys, "sample", project)
    assert run(capsys, "suggest", project, "--accept", "--doc", "000_14e10f92779dfa8b")[0] == 0
    assert run(capsys, "suggest", project, "--accept", "--annotator", nfd, "--doc", "000_14e10f92779dfa8b")[0] == 0
    with Store.open(project) as store:
        assert nfc in store.annotators() and nfd not in store.annotators()
    code, out, _ = run(capsys, "layer", "export", project, nfd, "-o", tmp_path / "jose.json")
    assert code == 0
    layer = tmp_path / "jose.json"
    data = layer.read_text(encoding="utf-8").replace(f'"annotator": "{nfc}"', f'"annotator": "{nfd}"')
    layer.write_text(data, encoding="utf-8")
    code, out, _ = run(capsys, "layer", "import", project, layer)
    assert code == 0 and out.startswith(f"{nfc}:") and "0 span(s) added" in out  # the same layer, already there


def test_an_unknown_annotator_is_refused_not_read_as_an_empty_layer(tmp_path, capsys):
    project = tmp_path / "p"
    run(capsys, "sample", project)
    for argv in (["validate", project, "--annotator", "no-such-annotator"],
                 ["layer", "export", project, "aigerimm", "-o", tmp_path / "x.json"],
                 ["export", project, "-o", tmp_path / "y.json", "--layer", "aigerimm"]):
        code, _, err = run(capsys, *argv)
        assert code == 2 and "no layer named" in err and "aigerim" in err, (argv, err)
    assert not (tmp_path / "x.json").exists() and not (tmp_path / "y.json").exists()


def test_a_layer_file_claiming_the_gold_layer_does_not_write_into_gold_unasked(tmp_path, capsys):
    from curator.session.project import create_sample_project

    project, other = tmp_path / "p", tmp_path / "q"
    run(capsys, "sample", project)
    create_sample_project(other, annotations=False)[0].close()  # the same documents, no layers yet
    layer = tmp_path / "aigerim.json"
    assert run(capsys, "layer", "export", project, "aigerim", "-o", layer)[0] == 0
    for claimed in ("gold", "Gold", " GOLD "):
        data = json.loads(layer.read_text(encoding="utf-8"))
        data["annotator"] = claimed
        layer.write_text(json.dumps(data), encoding="utf-8")
        code, _, err = run(capsys, "layer", "import", other, layer)
        assert code == 2 and "gold layer" in err and "--gold" in err
        with Store.open(other) as store:
            assert "gold" not in store.annotators() and "Gold" not in store.annotators()
    code, out, _ = run(capsys, "layer", "import", other, layer, "--gold")  # asked for: into gold
    assert code == 0 and out.startswith("gold:")
    with Store.open(other) as store:
        assert store.spans_per_layer()["gold"] > 0 and "GOLD" not in store.annotators()
    code, _, err = run(capsys, "iam", "Gold")
    assert code == 2 and "reviewed layer" in err



def test_two_programs_saving_settings_at_once_neither_fails_nor_leaves_a_torn_file(tmp_path):
    """A window and a command saving the user's settings at the same moment each write a
    temporary file of their own: neither moves the other's away (which failed with "no
    such file"), and the file is whole JSON after every save."""
    from curator.store.user_settings import Settings

    path = tmp_path / "settings.json"
    script = (
        "import sys; from pathlib import Path; from curator.store.user_settings import Settings\n"
        "settings = Settings(Path(sys.argv[1]))\n"
        "for number in range(200): settings.remember(sys.argv[2] + '.' + str(number), str(number))\n"
    )
    programs = [subprocess.Popen([sys.executable, "-c", script, str(path), who], stderr=subprocess.PIPE, text=True)
                for who in ("window", "command")]
    errors = [program.communicate(timeout=120)[1] for program in programs]
    assert [program.returncode for program in programs] == [0, 0], errors
    remembered = json.loads(path.read_text(encoding="utf-8"))["remembered"]
    assert remembered and all(key.split(".")[0] in ("window", "command") for key in remembered)
    assert not list(tmp_path.glob("*.tmp"))  # no temporary file left behind
    key = next(iter(remembered))
    assert Settings(path).recall(key) == remembered[key]
