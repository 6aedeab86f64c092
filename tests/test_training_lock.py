"""One training of a project at a time across programs: a second one waits, saying so, or
is refused at once when asked not to wait; a trainer killed with SIGKILL holds no one up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from synthetic_news import build

from curator.analysis.learning.training import (
    LOCK,
    RECOMMENDER,
    TrainingRunning,
    train_project,
    training_running,
)
from curator.domain.jobs import Cancelled, Job
from curator.store import Store
from curator.store.project_lock import ProjectLock

ROOT = Path(__file__).resolve().parent.parent

HOLDER = """
import sys, time
from curator.store import Store
from curator.store.project_lock import ProjectLock
store = Store.open(sys.argv[1])
lock = ProjectLock(store.engine, sys.argv[2])
assert lock.acquire()
print("held", flush=True)
time.sleep(600)
"""


@pytest.fixture
def project(tmp_path):
    store, *_ = build(tmp_path / "p")
    location = store.location
    store.close()
    return location


def _hold(location: str, name: str = LOCK) -> subprocess.Popen:
    """Another program holding the project's lock ``name`` until it is killed."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, location, name], stdout=subprocess.PIPE, text=True,
                              cwd=ROOT)
    assert holder.stdout.readline().strip() == "held"
    return holder


def _kill(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(30)


def test_two_locks_exclude_each_other_and_the_file_says_who_holds_it(tmp_path):
    store = Store.create(tmp_path / "p")
    first, second = ProjectLock(store.engine, LOCK), ProjectLock(store.engine, LOCK)
    assert first.acquire()
    assert not second.acquire()
    assert second.holder().pid == os.getpid()
    assert training_running(store) is not None
    assert ProjectLock(store.engine, "another").acquire()  # locks of other names are apart
    first.release()
    assert second.acquire()
    second.release()
    assert training_running(store) is None
    assert first.path.parent == Path(store.location).resolve()  # beside the database, in the project
    store.close()


def test_a_holder_killed_with_sigkill_blocks_no_one(project):
    holder = _hold(project)
    store = Store.open(project)
    try:
        assert f"process {holder.pid}" in training_running(store)
        said = f"another training of this project is running \\(process {holder.pid}"
        with pytest.raises(TrainingRunning, match=said):
            train_project(store, wait=False, in_process=True)
        _kill(holder)
        assert training_running(store) is None  # at once: the system let the lock go with its holder
        report = train_project(store, wait=False, in_process=True)
        assert report.documents and store.recommender(RECOMMENDER) is not None
    finally:
        if holder.poll() is None:
            _kill(holder)
        store.close()


def test_a_waiting_training_says_so_and_can_be_cancelled(project):
    holder = _hold(project)
    store = Store.open(project)
    job = Job()
    statuses: list[str] = []
    original = job.set_status

    def set_status(status: str) -> None:
        statuses.append(status)
        original(status)
        if len(statuses) > 3:
            job.cancel()  # the user stops waiting

    job.set_status = set_status
    try:
        with pytest.raises(Cancelled):
            train_project(store, job, in_process=True)
        assert statuses[0].startswith(f"Waiting for the training running in process {holder.pid}, since ")
        assert store.recommender(RECOMMENDER) is None
    finally:
        _kill(holder)
        store.close()


def test_curator_learn_waits_for_the_training_running_and_then_trains(project):
    holder = _hold(project)
    try:
        refused = subprocess.run([sys.executable, "-m", "curator", "learn", project, "--no-wait"], capture_output=True,
                                 text=True, cwd=ROOT, timeout=120, check=False)
        assert refused.returncode != 0
        assert f"another training of this project is running (process {holder.pid}" in refused.stderr
        assert "Traceback" not in refused.stderr
        learn = subprocess.Popen([sys.executable, "-m", "curator", "learn", project], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, cwd=ROOT)
        said = learn.stderr.readline()
        assert said.startswith(f"Waiting for the training running in process {holder.pid}"), said
        assert "Ctrl+C stops waiting" in said
        assert learn.poll() is None  # still waiting
        _kill(holder)
        out, err = learn.communicate(timeout=300)
        assert learn.returncode == 0, err
        assert "Trained on" in out
    finally:
        if holder.poll() is None:
            _kill(holder)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads the training's state from /proc (Linux)")
def test_curator_learn_killed_while_it_trains_leaves_the_next_one_free(tmp_path):
    store, *_ = build(tmp_path / "big", learned_from=120, suggested_for=2)
    location = store.location
    store.close()
    learn = subprocess.Popen([sys.executable, "-m", "curator", "learn", location], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, cwd=ROOT)
    reopened = Store.open(location)
    try:
        deadline = time.monotonic() + 60
        running = training_running(reopened)
        # (Between taking the lock and writing who holds it, the holder is "another program".)
        while not (running or "").startswith("process") and learn.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
            running = training_running(reopened)
        assert running.startswith(f"process {learn.pid}")
        _kill(learn)
        assert training_running(reopened) is None
        finished = subprocess.run([sys.executable, "-m", "curator", "learn", location, "--no-wait"],
                                  capture_output=True, text=True, cwd=ROOT, timeout=300, check=False)
        assert finished.returncode == 0, finished.stderr
        assert reopened.recommender(RECOMMENDER) is not None
    finally:
        if learn.poll() is None:
            _kill(learn)
        reopened.close()


def test_on_each_backend_a_killed_holder_lets_the_lock_go(store):
    """The lock on SQLite and on a PostgreSQL server (a session advisory lock there): held
    across programs, and let go when its holder is killed."""
    mine = ProjectLock(store.engine, LOCK)
    assert mine.acquire()
    assert not ProjectLock(store.engine, LOCK).acquire()
    mine.release()
    holder = _hold(store.location)
    try:
        assert not mine.acquire()
        _kill(holder)
        deadline = time.monotonic() + 10  # a server notices its client gone within moments
        while not mine.acquire() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert mine.held
    finally:
        mine.release()
        if holder.poll() is None:
            _kill(holder)
