"""Training runs beside the curator's work: in a process of its own, cancellable, one at a
time, never in the way of an edit, and a training killed at any point leaves the project
as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from synthetic_news import build

from curator.analysis.learning import training
from curator.analysis.learning.training import (
    RECOMMENDER,
    load_recommender,
    train_project,
)
from curator.domain.jobs import Cancelled, Job
from curator.domain.models import Annotation
from curator.session import Session
from curator.session.commands import AddSpan
from curator.store import Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def big(tmp_path):
    """Enough made-up articles that a training takes a few seconds."""
    store, done, todo, truth = build(tmp_path / "big", learned_from=160, suggested_for=20)
    yield store, done, todo, truth
    store.close()


def _children(pid: int) -> list[int]:
    """The training processes ``pid`` started (not multiprocessing's resource tracker)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    found = []
    for child in path.read_text().split() if path.exists() else []:
        try:
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.append(int(child))
        except FileNotFoundError:
            pass
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def test_a_training_in_its_process_reports_progress_and_keeps_the_model(tmp_path):
    store, _done, todo, _truth = build(tmp_path / "p")
    statuses = []

    class Watched(Job):
        def set_status(self, status):
            statuses.append(status)
            super().set_status(status)

    report = train_project(store, Watched())
    assert report.documents == 10 and report.evaluation is not None
    assert "Starting the training process" in statuses and any("Training" in s for s in statuses)
    assert load_recommender(store).predict(store.get_document(todo[0]).text).spans
    store.close()


@pytest.mark.parametrize("in_process", [False, True])
def test_a_training_is_cancelled_at_once_and_the_model_before_it_stays(big, in_process):
    store, *_ = big
    store.save_recommender(RECOMMENDER, b"the model before", {"documents": 1})
    job = Job()
    seen: list[str] = []
    original = job.set_status

    def set_status(status: str) -> None:
        seen.append(status)
        original(status)
        if "Training" in status:
            job.cancel()  # as the user presses Cancel while it trains

    job.set_status = set_status
    started = time.monotonic()
    with pytest.raises(Cancelled):
        train_project(store, job, in_process=in_process)
    assert time.monotonic() - started < 30
    assert store.recommender(RECOMMENDER).model == b"the model before"
    assert not [p for p in _children(os.getpid()) if _alive(p)]  # no training process left behind


def test_the_window_can_edit_while_a_training_runs_on_another_thread(big):
    store, _done, todo, _truth = big
    session = Session(store, "editor")
    job = Job()
    outcome: dict = {}

    def train() -> None:
        try:
            outcome["report"] = train_project(store, job)
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread
            outcome["error"] = exc

    worker = threading.Thread(target=train)
    worker.start()
    deadline = time.monotonic() + 60
    while "Training" not in job.status and worker.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert worker.is_alive(), outcome
    slowest, edits = 0.0, 0
    text_length = len(store.get_document(todo[0]).text)
    while worker.is_alive() and edits < 200:
        started = time.monotonic()
        session.do(AddSpan(Annotation(doc_id=todo[0], start=edits % text_length, end=edits % text_length + 1,
                                      label="ORG", annotator="editor")))
        slowest = max(slowest, time.monotonic() - started)
        edits += 1
        time.sleep(0.005)
    assert edits >= 20, "the training ended before the edits could be measured"
    assert slowest < 1.0, f"an edit waited {slowest:.2f} s for the training"
    worker.join(120)
    assert "error" not in outcome, outcome.get("error")
    assert len(store.annotations_for(todo[0], "editor")) == edits
    assert store.recommender(RECOMMENDER) is not None


def test_one_training_at_a_time(tmp_path, monkeypatch):
    store, *_ = build(tmp_path / "p")
    running = threading.Event()
    release = threading.Event()
    concurrent = []
    real = training._fit

    def slow_fit(*args, **kwargs):
        concurrent.append(1)
        assert len(concurrent) == 1, "two trainings ran at once"
        running.set()
        release.wait(10)
        try:
            return real(*args, **kwargs)
        finally:
            concurrent.pop()

    monkeypatch.setattr(training, "_fit", slow_fit)
    first = threading.Thread(target=lambda: train_project(store, in_process=True))
    first.start()
    assert running.wait(10)
    second_job = Job()
    second = threading.Thread(target=lambda: train_project(store, second_job, in_process=True))
    second.start()
    time.sleep(0.5)
    assert second_job.status == "Waiting for the training before it to end"
    release.set()
    first.join(60)
    second.join(60)
    assert not first.is_alive() and not second.is_alive()
    store.close()


DRIVER = """
import sys
from curator.analysis.learning.training import train_project
from curator.domain.jobs import Job
from curator.store import Store

class Told(Job):
    def set_status(self, status):
        print(status, flush=True)
        super().set_status(status)

store = Store.open(sys.argv[1])
train_project(store, Told())
print("kept", flush=True)
"""


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads child processes from /proc (Linux)")
def test_a_training_killed_at_any_point_leaves_the_project_intact(tmp_path):
    store, _done, _todo, _truth = build(tmp_path / "p", learned_from=60, suggested_for=5)
    store.save_recommender(RECOMMENDER, b"the model before", {"documents": 1})
    spans_before = store.annotation_count()
    location = store.location
    store.close()
    moments = ["Reading the annotations", "Starting the training process", "Looking at the words",
               "Training (3 of 3)"]
    for moment in moments:
        driver = subprocess.Popen([sys.executable, "-c", DRIVER, location], stdout=subprocess.PIPE, text=True,
                                  cwd=ROOT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = driver.stdout.readline()
            if not line or moment in line:
                break
        children = _children(driver.pid)
        os.kill(driver.pid, signal.SIGKILL)
        driver.wait()
        assert line and moment in line, f"the training never reached {moment!r}"
        for child in children:  # the training process ends with its parent
            for _ in range(200):
                if not _alive(child):
                    break
                time.sleep(0.05)
            else:
                os.kill(child, signal.SIGKILL)
                pytest.fail(f"the training process outlived its parent (killed at {moment!r})")
        reopened = Store.open(location)
        with reopened.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert reopened.annotation_count() == spans_before
        assert reopened.recommender(RECOMMENDER).model == b"the model before"
        reopened.close()
    finished = subprocess.run([sys.executable, "-c", DRIVER, location], capture_output=True, text=True, cwd=ROOT,
                              check=False,
                              timeout=300)
    assert finished.returncode == 0 and "kept" in finished.stdout, finished.stderr
    reopened = Store.open(location)
    assert reopened.recommender(RECOMMENDER).model != b"the model before"
    reopened.close()


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads child processes from /proc (Linux)")
def test_ctrl_c_during_curator_learn_ends_the_training_quietly(tmp_path):
    store, *_ = build(tmp_path / "p", learned_from=120, suggested_for=2)
    location = store.location
    store.close()
    learn = subprocess.Popen([sys.executable, "-m", "curator", "learn", location], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 60
    while not _children(learn.pid) and learn.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    children = _children(learn.pid)
    assert children, "the training process never started"
    time.sleep(1.0)  # well into the training
    os.killpg(learn.pid, signal.SIGINT)  # as a terminal's Ctrl+C: the whole foreground group
    _out, err = learn.communicate(timeout=60)
    assert learn.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    for _ in range(100):
        if not any(_alive(child) for child in children):
            break
        time.sleep(0.05)
    assert not any(_alive(child) for child in children)
    reopened = Store.open(location)
    assert reopened.recommender(RECOMMENDER) is None
    reopened.close()
