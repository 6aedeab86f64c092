"""Training the project's learned recommender, in a process of its own.

CRFsuite holds Python's interpreter lock while it trains (a training thread would
freeze the window for most of a second at a time), so the features and the model are
worked out in a child process, at a lower priority, which reports its progress
through a pipe and is ended at once when the job is cancelled. The parent reads the
project and, at the end, keeps the model in it in one transaction: a training
cancelled, failed or killed at any point leaves the project as it was, with the model
before it. One training runs at a time: in a program, and on a project across programs
(``curator.store.project_lock``, let go by the system when its holder ends, however it
ends); a second one waits for the first, saying so, or is refused at once if asked not
to wait.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from typing import Any

from curator.analysis.learning.evaluation import CrossCheck, Evaluation, score
from curator.analysis.learning.learning_settings import (
    RECOMMENDER,
    save_settings,
    settings_of,
)
from curator.analysis.learning.recommender import Recommender, TrainingText, fit
from curator.analysis.learning.training_data import (
    annotated_documents,
    fingerprint,
    learnable_labels,
    project_text,
)
from curator.domain.jobs import Cancelled, Job
from curator.errors import CuratorError
from curator.store import Store
from curator.store.project_lock import ProjectLock

_ONE_AT_A_TIME = threading.Lock()
LOCK = "training"  # the project lock a training holds
WAITING = "Waiting for the training running"  # how a waiting training's status begins


class TrainingRunning(CuratorError):
    """Another training of this project is running, and this one was asked not to wait."""


@dataclass
class TrainingReport:
    """What a training did: how many documents and spans of which labels it learned
    from, how long it took, and how well it did when checking itself on them (None with
    fewer than two documents)."""

    documents: int
    spans: dict[str, int]
    seconds: float
    evaluation: Evaluation | None = None
    info: dict[str, Any] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # documents left out: (uid, reason)


def train_project(store: Store, job: Job | None = None, in_process: bool = False,
                  wait: bool = True) -> TrainingReport:
    """Train the project's recommender from its annotations (``training_data``), checking
    itself on them as it goes (``evaluation``), and keep it in the project.
    ``in_process`` trains in this process (for tests; the window and the command line
    use a child process). While another training of the project runs (here or in another
    program) it waits, its job's status saying so, or, if not ``wait``, raises
    ``TrainingRunning``. Raises ``Cancelled`` if the job is cancelled, ``CuratorError``
    if there is nothing to learn or learning is turned off."""
    job = job or Job()
    lock = ProjectLock(store.engine, LOCK)
    with _one_at_a_time(lock, job, wait):
        return _train(store, job, in_process)


@contextlib.contextmanager
def _one_at_a_time(lock: ProjectLock, job: Job, wait: bool) -> Iterator[None]:
    """This program's one training at a time, then the project's."""
    while not _ONE_AT_A_TIME.acquire(timeout=0.2):
        if not wait:
            raise TrainingRunning("a training is running in this program already; try again when it ends")
        job.set_status("Waiting for the training before it to end")
        job.check()
    try:
        while not lock.acquire():
            holder = lock.holder()
            if not wait:
                raise TrainingRunning(f"another training of this project is running ({holder or 'another program'});"
                                      " try again when it ends")
            job.set_status(f"{WAITING} in {holder or 'another program'} to end")
            job.check()
            time.sleep(0.25)
        try:
            yield
        finally:
            lock.release()
    finally:
        _ONE_AT_A_TIME.release()


def training_running(store: Store) -> str | None:
    """Whether a training of this project runs now (in any program): who runs it, or None."""
    if _ONE_AT_A_TIME.locked():
        return "this program"
    lock = ProjectLock(store.engine, LOCK)
    if lock.acquire():
        lock.release()
        return None
    return str(lock.holder() or "another program")


def _train(store: Store, job: Job, in_process: bool) -> TrainingReport:
    started = time.perf_counter()
    settings = settings_of(store)
    if not settings.enabled:
        raise CuratorError("learning is turned off for this project ('curator learn PROJECT --on' turns it on)")
    labels = learnable_labels(store.label_schema, settings)
    job.set_status("Reading the annotations")
    skipped: list[tuple[str, str]] = []
    documents = annotated_documents(store, labels, skipped)
    counts: dict[str, int] = {}
    for document in documents:
        for _s, _e, label in document.item.spans:
            counts[label] = counts.get(label, 0) + 1
    if not counts:
        raise CuratorError("nothing to learn from yet: no gold spans and no documents marked done with spans of "
                           f"{', '.join(labels) or 'an entity or plain label'}")
    texts = [document.item for document in documents]
    job.check()
    blob, check = _fit(texts, list(project_text(store)), job, in_process)
    job.check()
    evaluation = score(check, settings.threshold_for) if check is not None else None
    info = {"labels": sorted(counts), "documents": len(documents), "spans": counts,
            "fingerprint": fingerprint(documents, labels),
            "layers": sorted({document.layer for document in documents}),
            "trained": datetime.now(UTC).isoformat(timespec="seconds"),
            "seconds": round(time.perf_counter() - started, 1),
            "evaluation": evaluation.as_dict() if evaluation else None}
    store.save_recommender(RECOMMENDER, blob, info)
    job.set_status("Trained")
    return TrainingReport(len(documents), counts, info["seconds"], evaluation, info, skipped)


def is_stale(store: Store) -> bool:
    """Whether the project's annotations to learn from changed since its recommender was
    trained (or there is none): a retraining would learn something new."""
    settings = settings_of(store)
    if not settings.enabled:
        return False
    stored = store.recommender(RECOMMENDER, with_model=False)
    labels = learnable_labels(store.label_schema, settings)
    documents = annotated_documents(store, labels)
    if not any(document.item.spans for document in documents):
        return False
    return stored is None or stored.info.get("fingerprint") != fingerprint(documents, labels)


# -- the work itself, here or in the child process --------------------------------------------

Progress = Callable[[str, int, int], None]


def _work(texts: Sequence[TrainingText], project: Sequence[str], progress: Progress) -> tuple[bytes, CrossCheck | None]:
    recommender = fit(texts, project, progress)
    return recommender.to_bytes(), recommender.check


def _fit(texts: Sequence[TrainingText], project: Sequence[str], job: Job,
         in_process: bool) -> tuple[bytes, CrossCheck | None]:
    if in_process:
        def progress(what: str, done: int, total: int) -> None:
            job.check()
            job.set_status(what)
            job.set_progress(done, total)

        return _work(texts, project, progress)
    return _fit_in_child(texts, project, job)


def _child_main(connection: Connection) -> None:
    """The child process: read the texts, train, report progress, send the model. If the
    parent is gone (killed), the next report fails and the child ends with it."""
    try:
        os.nice(5)  # the window's process comes first
    except (AttributeError, OSError):
        pass
    try:
        texts, project = connection.recv()
        blob, check = _work(texts, project, lambda what, done, total: connection.send(("progress", what, done, total)))
        connection.send(("done", blob, check.as_dict() if check is not None else None))
    except (BrokenPipeError, EOFError, OSError):
        return
    except Exception as exc:  # noqa: BLE001 - told to the parent, which raises it in the user's words
        connection.send(("failed", f"{type(exc).__name__}: {exc}"))
    finally:
        connection.close()


def _fit_in_child(texts: Sequence[TrainingText], project: Sequence[str], job: Job) -> tuple[bytes, CrossCheck | None]:
    context = multiprocessing.get_context("spawn")  # no copy of the parent's threads and open database
    mine, theirs = context.Pipe()
    child = context.Process(target=_child_main, args=(theirs,), name="curator-training", daemon=True)
    job.set_status("Starting the training process")
    try:
        try:
            with _interrupts_ignored_by_the_child():
                child.start()
        finally:
            theirs.close()
        mine.send((list(texts), list(project)))  # read by the child once it has started
        while True:
            job.check()
            if not mine.poll(0.1):
                if not child.is_alive() and not mine.poll(0):
                    raise CuratorError(f"the training process ended without a model (exit code {child.exitcode})")
                continue
            try:
                message = mine.recv()
            except EOFError:
                child.join(5)
                raise CuratorError(f"the training process ended without a model (exit code {child.exitcode})") \
                    from None
            if message[0] == "progress":
                job.set_status(message[1])
                job.set_progress(message[2], message[3])
            elif message[0] == "failed":
                raise CuratorError(f"training failed: {message[1]}")
            else:
                return message[1], CrossCheck.from_dict(message[2]) if message[2] else None
    except (BrokenPipeError, ConnectionResetError) as exc:
        raise CuratorError(f"the training process ended without a model (exit code {child.exitcode})") from exc
    finally:
        mine.close()
        if child.is_alive():
            child.terminate()  # cancelled, or the parent failed: the child's work is of no use
            child.join(5)
        if child.is_alive():
            child.kill()
        if child.pid is not None:
            child.join(5)


@contextlib.contextmanager
def _interrupts_ignored_by_the_child() -> Iterator[None]:
    """Start the child with Ctrl+C ignored: a terminal's Ctrl+C reaches the whole process
    group, and it is the parent's to handle (it ends the child), not a traceback of the
    child's while it imports. An ignored signal stays ignored in the program a process
    starts; the parent ignores it only while the child is started (the texts go to the
    child after, through the pipe), and only the main thread may change that: from
    another (the window's worker) the child starts as it is."""
    try:
        before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


def load_recommender(store: Store) -> Recommender | None:
    """The project's trained recommender, or None if it has none (or learning is off)."""
    if not settings_of(store).enabled:
        return None
    stored = store.recommender(RECOMMENDER)
    if stored is None or stored.model is None:
        return None
    recommender = Recommender.from_bytes(stored.model)
    recommender.info = {**recommender.info, **stored.info}
    return recommender


__all__ = ["LOCK", "RECOMMENDER", "Cancelled", "TrainingReport", "TrainingRunning", "is_stale", "load_recommender",
           "save_settings", "settings_of", "train_project", "training_running"]
