"""Bringing an older project up to date says what it does while it runs: each step, and,
where a step copies rows, how many of all it has copied (so a time left can be shown);
an up-to-date project opens as before, reporting nothing and asking nothing more."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from test_ids_never_reused import _project_at_0011

from curator.domain.jobs import Job
from curator.store import Store

UPDATING = "Bringing the project up to date"
REBUILDING = f"{UPDATING}: rebuilding the documents and history tables"


class Recorded(Job):
    """A job that keeps every status and every progress it was told, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.told: list[tuple] = []

    def set_status(self, status: str) -> None:
        super().set_status(status)
        self.told.append(("status", status))

    def set_progress(self, done: int, total: int) -> None:
        super().set_progress(done, total)
        self.told.append(("progress", done, total))

    def statuses(self) -> list[str]:
        return [told[1] for told in self.told if told[0] == "status"]

    def progress_in(self, status: str) -> list[tuple[int, int]]:
        """The progress told while ``status`` was the status, in order."""
        shown, found = None, []
        for told in self.told:
            if told[0] == "status":
                shown = told[1]
            elif shown == status:
                found.append((told[1], told[2]))
        return found


def _row_count(target, tables: tuple[str, ...]) -> int:
    engine = sa.create_engine(target if isinstance(target, str) else f"sqlite:///{target / 'curator.db'}")
    try:
        with engine.connect() as conn:
            return sum(conn.exec_driver_sql(f'SELECT count(*) FROM "{name}"').scalar() for name in tables)
    finally:
        engine.dispose()


def test_the_rebuild_reports_its_step_and_the_rows_copied_of_all_a_batch_at_a_time(tmp_path, monkeypatch):
    from curator.store import migration_progress

    _project_at_0011(tmp_path / "p", tmp_path)
    rows = _row_count(tmp_path / "p", ("documents", "history"))
    monkeypatch.setattr(migration_progress, "ROWS_AT_ONCE", 7)
    job = Recorded()
    with Store.open(tmp_path / "p", job) as store:
        assert store.migrations_applied == ["0012"] and store.document_count() == 30
    assert job.statuses()[1:] == [REBUILDING, f"{UPDATING}: removing the old tables",
                                  f"{UPDATING}: indexing the rebuilt tables",
                                  f"{UPDATING}: checking that every row was kept", f"{UPDATING}: saving the changes"]
    assert job.statuses()[0].startswith(f"{UPDATING}: waiting")  # (for the lock another program may hold)
    copied = [done for done, total in job.progress_in(REBUILDING) if total]
    assert {total for _done, total in job.progress_in(REBUILDING) if total} == {rows}
    assert copied[0] == 0 and copied[-1] == rows and copied == sorted(copied)
    assert len(copied) >= rows // 7 and all(b - a <= 7 for a, b in zip(copied, copied[1:]))
    assert job.progress_in(f"{UPDATING}: indexing the rebuilt tables") == [(n, 5) for n in range(6)]  # 4 + 1
    assert job.progress_in(f"{UPDATING}: saving the changes") == [(0, 0)]  # no share left over from a step before


def test_each_of_several_steps_says_what_it_does_and_which_it_is(project_target, tmp_path):
    from curator.store.migrate import downgrade

    with Store.create(project_target) as store:
        downgrade(store.engine, "0009")
    job = Recorded()
    with Store.open(project_target, job) as store:
        assert store.migrations_applied == ["0010", "0011", "0012"]
    steps = [status for status in job.statuses() if "(step" in status]
    assert steps == [f"{UPDATING}: moving measures and attributions into tables of their own (step 1 of 3)",
                     f"{UPDATING}: adding relations between spans (step 2 of 3)",
                     f"{UPDATING}: rebuilding the documents and history tables (step 3 of 3)"]
    assert job.statuses()[-1] == f"{UPDATING}: saving the changes"


def test_a_project_up_to_date_reports_nothing_and_opens_with_the_same_queries(project_target):
    from curator.store.migration_progress import migrations_shown

    Store.create(project_target).close()

    def statements_of_opening(job: Job | None) -> list[str]:
        run: list[str] = []

        def seen(_conn, _cursor, statement, *_args) -> None:
            run.append(statement)

        sa.event.listen(sa.engine.Engine, "before_cursor_execute", seen)
        try:
            Store.open(project_target, job).close()
        finally:
            sa.event.remove(sa.engine.Engine, "before_cursor_execute", seen)
        return run

    job, opened = Recorded(), []
    with migrations_shown(lambda: opened.append(1) or pytest.fail("a job was opened for no migration")):
        assert statements_of_opening(job) == statements_of_opening(None)
    assert job.told == [] and opened == []


def test_a_project_opened_without_a_job_reports_to_the_one_the_caller_around_shows(tmp_path):
    """The command line says once how migrations are shown; the project is opened deep
    inside a command. The job is opened for the migration only, and closed after it."""
    import contextlib

    from curator.store.migration_progress import migrations_shown

    _project_at_0011(tmp_path / "p", tmp_path)
    job, closed = Recorded(), []

    @contextlib.contextmanager
    def shown():
        yield job
        closed.append(job.statuses()[-1])

    with migrations_shown(shown), Store.open(tmp_path / "p") as store:
        assert store.migrations_applied == ["0012"]
    assert REBUILDING in job.statuses() and closed == [f"{UPDATING}: saving the changes"]
    with Store.open(tmp_path / "p") as store:  # outside the block: nobody is told (and it is up to date)
        assert store.migrations_applied == []


# -- on the command line ------------------------------------------------------------------

@pytest.fixture
def no_delay(monkeypatch):
    """Progress from the first report on, every report a line (the migrations here are quick)."""
    from curator.cli import progress
    from curator.store import migration_progress

    monkeypatch.setattr(progress.TerminalProgress.__init__, "__defaults__", (0.0, progress.time.monotonic))
    monkeypatch.setattr(progress, "LOG_INTERVAL", 0.0)
    monkeypatch.setattr(migration_progress, "ROWS_AT_ONCE", 7)


def test_any_command_opening_an_older_project_shows_the_migration_on_standard_error(tmp_path, capsys, no_delay):
    import json

    from curator.cli.command_line import main

    _project_at_0011(tmp_path / "p", tmp_path)
    assert main(["--progress", "agreement", str(tmp_path / "p"), "--json"]) == 0
    out, err = capsys.readouterr()
    json.loads(out)  # standard output is the command's alone
    assert f"{REBUILDING}: 0%" in err and f"{REBUILDING}: 100%" in err, err
    assert f"{UPDATING}: saving the changes" in err
    _project_at_0011(tmp_path / "q", tmp_path)  # a project opened deep inside a command's own work
    assert main(["--progress", "copy", str(tmp_path / "q"), str(tmp_path / "copied")]) == 0
    assert f"{REBUILDING}: 100%" in capsys.readouterr().err


def test_the_command_line_shows_a_migration_by_the_rules_of_other_long_work(tmp_path, capsys, no_delay):
    """Not asked for and standard error not a terminal: nothing (a log stays clean). A
    project up to date: nothing, even when asked."""
    from curator.cli.command_line import main

    _project_at_0011(tmp_path / "p", tmp_path)
    assert main(["agreement", str(tmp_path / "p")]) == 0
    assert UPDATING not in capsys.readouterr().err
    with Store.open(tmp_path / "p") as store:
        assert store.migrations_applied == []  # it was brought up to date, silently
    assert main(["--progress", "agreement", str(tmp_path / "p")]) == 0
    assert capsys.readouterr().err == ""


def test_a_step_without_a_summary_is_told_by_its_docstring_first_clause():
    """A migration written without ``summary`` still says something a user can read."""
    from types import SimpleNamespace

    from curator.store.migrate import _what_it_does

    script = SimpleNamespace(module=SimpleNamespace(), revision="0099",
                             doc="Relations between spans: each annotator's links.\n\nRevision ID: 0099")
    assert _what_it_does(script) == "relations between spans"
    assert _what_it_does(SimpleNamespace(module=SimpleNamespace(), revision="0099", doc="")) == "applying revision 0099"
