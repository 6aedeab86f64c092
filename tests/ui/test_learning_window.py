"""The learned recommender in the window, played with the keyboard: the curator tags the
entities of two sample articles and marks them done; the window retrains by itself in
the background, and the other articles get learned suggestions, with their confidence,
of entities no rule and no register entry knows. A training never blocks the window:
the curator edits while it runs, and can cancel it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog

pytest.importorskip("pycrfsuite")

from synthetic_news import build  # noqa: E402

from curator.analysis.learning import learned_suggestions, training  # noqa: E402
from curator.analysis.suggest import suggest_document  # noqa: E402
from curator.domain.models import DocumentStatus  # noqa: E402
from curator.session.learning import RECOMMENDER, Learning  # noqa: E402
from curator.session.project import create_sample_project  # noqa: E402
from curator.store import Store  # noqa: E402

ENTITY_KEYS = {"PERSON": Qt.Key.Key_1, "ORG": Qt.Key.Key_2, "LOCATION": Qt.Key.Key_3, "INITIATIVE": Qt.Key.Key_4}
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def entities_of(tmp_path):
    """The entity spans (start, end, label) a bundled annotator gave each sample article,
    by document uid: what the curator of the test tags."""
    store, _report = create_sample_project(tmp_path / "bundled")
    found = {}
    for doc_id, uid in store.uids().items():
        found[uid] = sorted((a.start, a.end, a.label) for a in store.annotations_for(doc_id, "aigerim")
                            if a.label in ENTITY_KEYS)
    store.close()
    return found


def _tag(window, qtbot, start: int, end: int, label: str) -> None:
    """Select ``start``..``end`` with Shift+Right and press the label's number key."""
    article = window.article
    article.setFocus()
    cursor = article.textCursor()
    cursor.setPosition(start)
    article.setTextCursor(cursor)
    for _ in range(end - start):
        qtbot.keyClick(article, Qt.Key.Key_Right, SHIFT)
    qtbot.keyClick(article, ENTITY_KEYS[label])


def _learned(window) -> list:
    return [s for s in window.suggestions.suggestions if s.source == RECOMMENDER]


def test_after_two_articles_the_model_suggests_entities_no_rule_and_no_register_entry_knows(
        open_window, project, qtbot, entities_of):
    window = open_window(project)
    learning = window.suggestion_control.learning
    uids = window.session.store.uids()
    first = window.document.id
    for _article in range(2):
        for start, end, label in entities_of[uids[window.document.id]]:
            _tag(window, qtbot, start, end, label)
        assert {(a.start, a.end, a.label) for a in window.session.store.annotations_for(window.document.id, "tester")} >= \
            set(entities_of[uids[window.document.id]])
        if _article == 1:  # the second article finished: the window retrains by itself, in the background
            with qtbot.waitSignal(learning.trained, timeout=180_000) as trained:
                qtbot.keyClick(window.article, Qt.Key.Key_Return, CTRL)  # done, and the next article
        else:
            qtbot.keyClick(window.article, Qt.Key.Key_Return, CTRL)
    report = trained.args[0].report
    assert report is not None and report.documents == 2
    assert window.session.store.recommender(RECOMMENDER) is not None  # kept in the project
    assert window.document.id not in (first, first + 1)
    assert window.session.store.status(first, "tester") is DocumentStatus.DONE

    register = {name.casefold() for entity in window.session.store.entities() for name in entity.names}
    unknown = []
    for doc_id in window.session.store.document_ids():
        if window.session.store.status(doc_id, "tester") is DocumentStatus.DONE:
            continue
        window.select_document(doc_id)
        window.settle()  # its suggestions, which come just after its text
        rules = {(s.start, s.end) for s in suggest_document(window.session.store, doc_id, "tester")}
        learned = _learned(window)
        assert all(s.confidence is not None and s.confidence >= 0.7 for s in learned)
        text = window.document.text
        unknown += [text[s.start:s.end] for s in learned if s.label in ENTITY_KEYS and (s.start, s.end) not in rules
                    and text[s.start:s.end].casefold() not in register]
        if learned:  # shown in the list with their confidence and who made them
            row = window.suggestions.row_of(learned[0].id)
            assert "sure" in window.suggestions.index(row, 2).data()
            assert "learned recommender" in window.suggestions.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert len(unknown) >= 5 and len(set(unknown)) >= 3, unknown

    # Accepted as a rule's suggestion is: A takes the one walked to, into the curator's layer.
    window.select_document(window.session.store.document_ids()[-1])
    before = len(window.session.store.annotations_for(window.document.id, "tester"))
    qtbot.keyClick(window.article, Qt.Key.Key_N)
    qtbot.keyClick(window.article, Qt.Key.Key_A)
    assert len(window.session.store.annotations_for(window.document.id, "tester")) == before + 1


def test_suggestions_sort_by_confidence_and_hide_below_a_label_threshold(open_window, tmp_path, qtbot):
    store, _done, todo, _truth = build(tmp_path / "p")
    location = store.location
    store.close()
    window = open_window(location)
    learning = window.suggestion_control.learning
    with qtbot.waitSignal(learning.trained, timeout=180_000):
        qtbot.keyClick(window.article, Qt.Key.Key_T, CTRL | SHIFT)
    window.select_document(todo[0])
    qtbot.waitUntil(lambda: bool(_learned(window)))  # its suggestions come just after its text
    learned = _learned(window)
    assert learned and [s.start for s in window.suggestions.suggestions] == \
        sorted(s.start for s in window.suggestions.suggestions)  # text order first
    window.suggestion_control.set_by_confidence(True)
    confidences = [1.0 if s.confidence is None else s.confidence for s in window.suggestions.suggestions]
    assert confidences == sorted(confidences, reverse=True)
    settings = learning.learning.settings
    label = learned[0].label
    settings.thresholds[label] = 1.0  # a label's threshold raised: its learned suggestions hide
    learning.learning.save_settings(settings)
    window.suggestion_control.refresh()
    assert not [s for s in _learned(window) if s.label == label]
    hidden = [s for s in window.session.store.suggestions_for(todo[0], "tester") if s.source == RECOMMENDER
              and s.label == label]
    qtbot.keyClick(window.article, Qt.Key.Key_A, CTRL | SHIFT)  # accept all shown: not the hidden ones
    assert window.session.store.annotations_for(todo[0], "tester")
    still = {s.id: s.status.value for s in window.session.store.suggestions_for(todo[0], "tester")}
    assert hidden and all(still[s.id] == "open" for s in hidden)
    settings.enabled = False  # learning turned off: none show
    learning.learning.save_settings(settings)
    window.suggestion_control.refresh()
    assert not _learned(window)


def test_next_document_can_go_to_the_one_the_model_is_least_sure_of(open_window, tmp_path, qtbot):
    store, _done, todo, _truth = build(tmp_path / "p", suggested_for=6)
    location = store.location
    store.close()
    window = open_window(location)
    learning = window.suggestion_control.learning
    with qtbot.waitSignal(learning.trained, timeout=180_000) as trained:
        qtbot.keyClick(window.article, Qt.Key.Key_T, CTRL | SHIFT)
    unsure = trained.args[0].uncertainty
    assert set(todo) <= set(unsure)  # every document the curator has still to do was measured
    learning.set_least_sure_next(True)
    window.select_document(todo[0])
    qtbot.keyClick(window.article, Qt.Key.Key_PageDown, CTRL)
    least = max((u, -d) for d, u in unsure.items() if d != todo[0])
    assert window.document.id == -least[1]
    learning.set_least_sure_next(False)
    window.select_document(todo[0])
    qtbot.keyClick(window.article, Qt.Key.Key_PageDown, CTRL)
    assert window.document.id == todo[1]  # the next in the list, as before


@pytest.fixture
def big(tmp_path):
    """Enough made-up articles that a training takes a few seconds."""
    store, done, todo, _truth = build(tmp_path / "big", learned_from=160, suggested_for=10)
    location = store.location
    store.close()
    return location, done, todo


def _wait_for_training(window, qtbot) -> None:
    learning = window.suggestion_control.learning
    qtbot.waitUntil(lambda: "Training" in learning.progress.format() or not learning.running, timeout=60_000)
    assert learning.running, "the training ended before the edits could be made"


def _threads_of(monkeypatch, *steps) -> dict[str, threading.Thread]:
    """Record the thread each of ``steps`` ((module, name)) runs on, by its name."""
    threads: dict[str, threading.Thread] = {}
    for module, name in steps:
        def recorded(*args, _original=getattr(module, name), _name=name, **kwargs):
            threads[_name] = threading.current_thread()
            return _original(*args, **kwargs)
        monkeypatch.setattr(module, name, recorded)
    return threads


def test_the_curator_edits_while_a_training_runs_and_the_window_responds(open_window, big, qtbot, monkeypatch):
    """Whether the window waits is told by where the work runs and by the edits made while
    it runs, not by a clock: a loaded machine may pause any thread now and then."""
    location, _done, todo, = big
    threads = _threads_of(monkeypatch, (training, "train_project"), (learned_suggestions, "suggest_learned"))
    window = open_window(location)
    learning = window.suggestion_control.learning
    window.select_document(todo[0])
    qtbot.keyClick(window.article, Qt.Key.Key_T, CTRL | SHIFT)  # train, in the background
    assert learning.running and learning.progress.isVisible() and learning.cancel_button.isVisible()
    _wait_for_training(window, qtbot)
    words = [(m.start(), m.end()) for m in re.finditer(r"[A-Z][a-z]+", window.document.text)][:12]
    for start, end in words:
        _tag(window, qtbot, start, end, "ORG")
    assert learning.running, "the training ended before the edits were made: the window waited for it"
    assert len(window.session.store.annotations_for(todo[0], "tester")) == len(words)
    qtbot.keyClick(window.article, Qt.Key.Key_Z, CTRL)  # undo works as ever
    assert len(window.session.store.annotations_for(todo[0], "tester")) == len(words) - 1
    beats = []  # the window's event loop, beating while the training ends
    beat = QTimer(window)
    beat.timeout.connect(lambda: beats.append(learning.running))
    beat.start(20)
    qtbot.waitUntil(lambda: not learning.running, timeout=180_000)
    beat.stop()
    assert beats.count(True) > 5, "the window's event loop stood still while the training ended"
    main = threading.main_thread()
    assert set(threads) == {"train_project", "suggest_learned"}
    assert all(thread is not main for thread in threads.values()), threads  # none of the work on the window's
    assert window.session.store.recommender(RECOMMENDER) is not None


def test_a_training_is_cancelled_from_the_keyboard_and_the_model_before_it_stays(open_window, big, qtbot):
    location, *_ = big
    store = Store.open(location)
    store.save_recommender(RECOMMENDER, b"the model before", {"documents": 1})
    store.close()
    window = open_window(location)
    learning = window.suggestion_control.learning
    qtbot.keyClick(window.article, Qt.Key.Key_T, CTRL | SHIFT)
    _wait_for_training(window, qtbot)
    qtbot.keyClick(window.article, Qt.Key.Key_T, CTRL | SHIFT)  # again, while it runs: said, not started twice
    assert "running already" in window.statusBar().currentMessage()
    with qtbot.waitSignal(learning.training_ended, timeout=30_000):
        qtbot.keyClick(window.article, Qt.Key.Key_Y, CTRL | SHIFT)
    assert not learning.running and not learning.progress.isVisible()
    assert window.session.store.recommender(RECOMMENDER).model == b"the model before"


def test_the_learning_settings_are_set_in_a_dialog_and_kept_in_the_project(open_window, project, qtbot):
    window = open_window(project)
    learning = window.suggestion_control.learning.learning
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Suggestions")
    next(a for a in menu.actions() if a.text().startswith("&Learning settings")).trigger()
    dialog = window.findChild(QDialog, "learning_settings")
    assert dialog is not None and dialog.isVisible()
    dialog.per_label["ORG"].setValue(0.9)
    dialog.after_documents.setValue(0)
    dialog.enabled.setChecked(False)
    dialog.accept()
    settings = learning.settings
    assert settings.thresholds == {"ORG": 0.9} and settings.threshold == 0.7
    assert settings.retrain_after_documents == 0 and not settings.enabled
    with Store.open(project) as again:  # in the project, for every window and the command line
        assert Learning(again, "someone").settings == settings


def test_the_window_waits_for_a_training_in_another_program_and_not_for_one_killed_there(
        open_window, tmp_path, qtbot):
    store, *_ = build(tmp_path / "p")
    location = store.location
    store.close()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, location], stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parents[2])
    try:
        assert holder.stdout.readline().strip() == "held"
        window = open_window(location)
        learning = window.suggestion_control.learning
        qtbot.keyClick(window.article, Qt.Key.Key_T, CTRL | SHIFT)
        qtbot.waitUntil(lambda: f"process {holder.pid}" in learning.progress.format(), timeout=30_000)
        assert learning.progress.format().startswith("Waiting for the training running in")
        with qtbot.waitSignal(learning.trained, timeout=180_000):
            os.kill(holder.pid, signal.SIGKILL)  # killed as it trains: the window goes on at once
        assert window.session.store.recommender(RECOMMENDER) is not None
    finally:
        if holder.poll() is None:
            os.kill(holder.pid, signal.SIGKILL)
        holder.wait(30)


HOLDER = """
import sys, time
from curator.store import Store
from curator.store.project_lock import ProjectLock
lock = ProjectLock(Store.open(sys.argv[1]).engine, "training")
assert lock.acquire()
print("held", flush=True)
time.sleep(600)
"""


def test_suggest_for_the_whole_project_also_suggests_with_the_trained_model(open_window, tmp_path, qtbot):
    from curator.analysis.learning.training import train_project

    store, _done, todo, _truth = build(tmp_path / "p")
    train_project(store)  # trained elsewhere (the command line): nothing suggested yet
    location = store.location
    store.close()
    window = open_window(location)
    assert not any(window.session.store.suggestions_for(doc_id, "tester") for doc_id in todo)
    task = window.suggestion_control.suggest_for_project()
    with qtbot.waitSignal(task.finished, timeout=60_000):
        pass
    for doc_id in todo:
        assert [s for s in window.session.store.suggestions_for(doc_id, "tester") if s.source == RECOMMENDER]
