"""Progress of long work on the command line: shown on standard error with the time
left once work has taken two seconds, on a terminal or when --progress asks; never on
standard output, and never when nobody asked and standard error is not a terminal."""

import io
import json

import pytest

from curator.cli import main, progress
from curator.cli.progress import TerminalProgress, duration
from curator.cli.terminal import TerminalText


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_nothing_is_shown_in_the_first_two_seconds_then_the_share_and_the_time_left():
    clock, out = Clock(), io.StringIO()
    job = TerminalProgress(out, clock=clock)
    job.set_status("Hashing documents")
    job.set_progress(0, 1000)
    clock.now += 1.0
    job.set_progress(100, 1000)
    assert out.getvalue() == ""
    clock.now += 1.5  # 2.5 s of work, 250 of 1,000 done in 2.5 s: 7.5 s left
    job.set_progress(250, 1000)
    assert out.getvalue() == "Hashing documents: 25%, about 8 s left\n"
    clock.now += 1.0  # within the interval between two lines of a log: nothing more
    job.set_progress(300, 1000)
    assert out.getvalue().count("\n") == 1
    clock.now += progress.LOG_INTERVAL
    job.set_progress(900, 1000)
    assert out.getvalue().splitlines()[-1] == "Hashing documents: 90%, about 1 s left"


def test_on_a_terminal_one_line_is_rewritten_and_cleared_at_the_end():
    clock, out = Clock(), Terminal()
    job = TerminalProgress(TerminalText(out), clock=clock)
    job.set_status("Reading articles.jsonl")
    job.set_progress(0, 10)
    clock.now += 3
    job.set_progress(5, 10)
    clock.now += 1
    job.set_progress(6, 10)
    job.finish()
    written = out.getvalue()
    assert "\n" not in written and written.count("\r") >= 4
    assert "\rReading articles.jsonl: 50%, about 3 s left" in written
    assert "\rReading articles.jsonl: 60%, about 3 s left" in written
    assert written.endswith("\r" + " " * len("Reading articles.jsonl: 60%, about 3 s left") + "\r")


def test_a_status_from_a_file_cannot_move_the_cursor():
    clock, out = Clock(), Terminal()
    job = TerminalProgress(TerminalText(out), clock=clock)
    clock.now += 3
    job.set_status("Reading evil\x1b[2Jname.txt")
    assert "\x1b" not in out.getvalue() and "Reading evil" in out.getvalue()


def test_work_without_a_total_shows_the_time_it_has_taken():
    clock, out = Clock(), io.StringIO()
    job = TerminalProgress(out, clock=clock)
    clock.now += 65
    job.set_status("Training")
    assert out.getvalue() == "Training: 1 min 05 s so far\n"
    assert duration(4000) == "1 h 06 min" and duration(0.4) == "0 s"


def _articles(tmp_path, count=30):
    path = tmp_path / "articles.jsonl"
    path.write_text("".join(json.dumps({"id": f"a{i}", "text": f"Astana, item {i}: trade grew."}) + "\n"
                            for i in range(count)), encoding="utf-8")
    return path


@pytest.fixture
def no_delay(monkeypatch):
    """Progress from the first report on (the commands here end well within two seconds)."""
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(TerminalProgress.__init__, "__defaults__", (0.0, progress.time.monotonic))
    monkeypatch.setattr(progress, "LOG_INTERVAL", 0.0)
    monkeypatch.setattr(TerminalProgress, "interval", 0.0, raising=False)


def test_commands_show_no_progress_when_standard_error_is_not_a_terminal(tmp_path, capsys, no_delay):
    project = tmp_path / "p"
    main(["init", str(project)])
    assert main(["import", str(project), str(_articles(tmp_path))]) == 0
    assert main(["duplicates", str(project), "--json"]) == 0
    err = capsys.readouterr().err
    assert "%" not in err and "left" not in err


def test_progress_forced_goes_to_standard_error_and_leaves_json_output_whole(tmp_path, capsys, no_delay):
    project = tmp_path / "p"
    main(["init", str(project)])
    capsys.readouterr()
    assert main(["--progress", "import", str(project), str(_articles(tmp_path))]) == 0
    out, err = capsys.readouterr()
    assert "30 document(s) imported" in out and "%" not in out
    assert "Reading articles.jsonl: 100%" in err
    assert main(["duplicates", str(project), "--json", "--progress"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["documents"] == [] and "Hashing documents" in err
    assert main(["export", str(project), "-o", str(tmp_path / "out.json"), "--progress"]) == 0
    out, err = capsys.readouterr()
    assert "%" in err and "%" not in out


def test_a_new_stage_shows_its_own_time_not_the_share_of_the_stage_before():
    clock, out = Clock(), io.StringIO()
    job = TerminalProgress(out, clock=clock)
    job.set_status("Hashing documents")
    job.set_progress(0, 10)
    clock.now += 3
    job.set_progress(10, 10)
    clock.now += 0.1
    job.set_status("Comparing candidates")
    clock.now += 4
    job.set_progress(0, 0)
    clock.now += progress.LOG_INTERVAL
    job.set_progress(0, 0)
    assert out.getvalue().splitlines() == ["Hashing documents: 100%, almost done", "Comparing candidates: 0 s so far",
                                           "Comparing candidates: 9 s so far"]


def test_another_tools_file_is_named_in_the_progress_of_its_import(tmp_path, capsys, no_delay):
    project = tmp_path / "p"
    main(["init", str(project)])
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps([{"data": {"text": "Astana and Beijing signed a deal."}, "annotations": [{"result": [
        {"from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 0, "end": 6, "labels": ["LOCATION"]}}]}]}]), encoding="utf-8")
    capsys.readouterr()
    assert main(["import", str(project), str(tasks), "--progress"]) == 0
    out, err = capsys.readouterr()
    assert "Reading tasks.json: 0%" in err and "1 document(s) imported" in out


def test_a_large_file_of_another_tool_shows_how_many_of_its_documents_are_checked_then_written(
        tmp_path, monkeypatch):
    """A Label Studio file is read whole; then its documents are counted as they are
    checked and written, so the line says a share and a time left, not only the time taken."""
    from curator.formats import annotated_import
    from curator.formats.interop import import_paths
    from curator.store import Store

    monkeypatch.setattr(annotated_import, "PROGRESS_EVERY", 10)
    monkeypatch.setattr(annotated_import, "WRITE_BATCH", 10)
    store = Store.create(tmp_path / "p")
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps([{"data": {"text": f"Astana and Beijing signed deal {i}."}, "annotations": [
        {"result": [{"from_name": "label", "to_name": "text", "type": "labels",
                     "value": {"start": 0, "end": 6, "labels": ["LOCATION"]}}]}]} for i in range(35)]),
                     encoding="utf-8")
    seen = []

    class Watched(TerminalProgress):
        def set_progress(self, done: int, total: int) -> None:
            seen.append((self.status, done, total))
            super().set_progress(done, total)

    report = import_paths(store, [tasks], Watched(io.StringIO()))
    store.close()
    assert len(report.added) == 35
    checking = [(done, total) for status, done, total in seen if status.startswith("Checking 35 documents of tasks")]
    writing = [(done, total) for status, done, total in seen if status.startswith("Writing 35 documents of tasks")]
    assert checking == [(0, 35), (10, 35), (20, 35), (30, 35)]
    assert writing[:4] == [(0, 35), (10, 35), (20, 35), (30, 35)]
