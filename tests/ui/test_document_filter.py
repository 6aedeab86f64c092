"""The search box of a large project filters on a worker thread: the window goes on
while the database reads, the previous rows stay shown, a newer search wins, and a
closed window's search reads nothing. (The sample project is small: these tests make
every project count as large.)"""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication

from curator.domain.models import DocumentStatus
from ui.models.document_table_model import DocumentTableModel


@pytest.fixture
def large(monkeypatch):
    monkeypatch.setattr(DocumentTableModel, "BACKGROUND_FROM", 0)
    pool = QThreadPool.globalInstance()
    threads = pool.maxThreadCount()
    pool.setMaxThreadCount(max(threads, 3))  # a blocked search and the next, side by side
    yield
    pool.waitForDone(10_000)
    pool.setMaxThreadCount(threads)


def gated(monkeypatch, store, gates: dict[str, threading.Event], asked: list[str]):
    """``store.document_ids`` that, for a search in ``gates``, waits for its event first."""
    original = store.document_ids

    def document_ids(**kwargs):
        search = kwargs.get("search", "")
        asked.append(search)
        if search in gates:
            assert gates[search].wait(10), "the test never let the search go on"
        return original(**kwargs)

    monkeypatch.setattr(store, "document_ids", document_ids)


def uids(window) -> list[str]:
    return [window.documents.index(row, 0).data(window.documents.IdRole) for row in
            range(window.documents.rowCount())]


def test_typing_a_search_shows_its_rows_once_read(window, qtbot, large):
    qtbot.keyClick(window.article, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.search, "TDI")
    qtbot.waitUntil(lambda: not window.documents.filtering and window.documents.rowCount() == 1)
    assert window.documents.index(0, 1).data() == "TDI"
    assert window.counts_label.text().startswith("1 of 5 documents match “TDI”")
    window.search.setText("no such outlet")
    qtbot.waitUntil(lambda: not window.documents.filtering and window.documents.rowCount() == 0)
    assert "“no such outlet”" in window.document_table.empty_text()
    window.search.clear()  # no search: every row, at once
    assert window.documents.rowCount() == 5 and not window.documents.filtering


def test_a_slow_search_leaves_the_window_free_and_the_rows_shown(window, qtbot, large, monkeypatch):
    release = threading.Event()
    gated(monkeypatch, window.session.store, {"TDI": release}, asked := [])
    before = uids(window)
    opened = window.document.id
    ticks = []
    timer = QTimer(window)
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(1))
    try:
        window.search.setText("TDI")
        assert window.documents.filtering
        timer.start()
        qtbot.waitUntil(lambda: len(ticks) >= 5 and asked == ["TDI"])  # the window goes on while it reads
        assert window.documents.filtering
        assert uids(window) == before  # the previous rows, still shown
        assert window.counts_label.text() == "Filtering for “TDI”…"
    finally:
        release.set()
        timer.stop()
    qtbot.waitUntil(lambda: not window.documents.filtering)
    assert window.documents.rowCount() == 1 and window.documents.index(0, 1).data() == "TDI"
    assert window.counts_label.text().startswith("1 of 5 documents match “TDI”")
    assert window.document.id == opened  # filtering opens no other document


def test_the_open_document_stays_selected_when_the_search_keeps_it(window, qtbot, large):
    window.select_row(2)  # the sample's third article: Tokayev's, in TDI
    opened = window.document.id
    window.search.setText("Tokayev")
    qtbot.waitUntil(lambda: not window.documents.filtering)
    assert window.documents.rowCount() == 2
    assert window.documents.doc_id(window.document_table.currentIndex().row()) == opened


def test_the_last_search_typed_wins_even_if_an_earlier_one_ends_last(window, qtbot, large, monkeypatch):
    first = threading.Event()
    gated(monkeypatch, window.session.store, {"Tokayev": first}, asked := [])
    try:
        window.search.setText("Tokayev")
        qtbot.waitUntil(lambda: "Tokayev" in asked)  # being read, held back
        window.search.setText("TDI")
        qtbot.waitUntil(lambda: not window.documents.filtering)
        assert window.documents.rowCount() == 1 and window.documents.index(0, 1).data() == "TDI"
    finally:
        first.set()
    assert QThreadPool.globalInstance().waitForDone(10_000)
    QApplication.processEvents()  # the earlier search's ids arrive now, and are dropped
    assert window.documents.rowCount() == 1 and window.documents.index(0, 1).data() == "TDI"
    assert window.counts_label.text().startswith("1 of 5 documents match “TDI”")


def test_a_closed_windows_search_reads_nothing(window, qtbot, large, monkeypatch):
    store = window.session.store
    gated(monkeypatch, store, {}, asked := [])
    read = []
    original_rows = store.document_rows
    monkeypatch.setattr(store, "document_rows", lambda *a, **k: read.append(a) or original_rows(*a, **k))
    from ui.workers import POOL_THREADS

    pool = QThreadPool.globalInstance()
    pool.setMaxThreadCount(POOL_THREADS)  # every worker kept busy: the search waits its turn
    busy, started = threading.Event(), threading.Semaphore(0)
    for _ in range(POOL_THREADS):
        pool.start(lambda: (started.release(), busy.wait(10)))
    assert all(started.acquire(timeout=10) for _ in range(POOL_THREADS))
    window.search.setText("TDI")
    assert window.documents.filtering
    threading.Timer(0.2, busy.set).start()  # the window waits for the worker as it closes
    window.close()
    store.close()
    read.clear()
    assert pool.waitForDone(10_000)
    QApplication.processEvents()
    assert asked == [] and read == []  # never read: the project is closed
    assert window.documents.rowCount() == 5  # nothing shown either


def test_a_sort_by_status_of_a_large_project_is_read_apart_and_one_by_title_a_page_at_a_time(window, qtbot, large,
                                                                                              monkeypatch):
    """Every status of a million documents took 0.9 s of the window's thread; a sort by
    title reads a page at a time, not every id (on the worker too: the open document's
    place in it is counted there)."""
    release = threading.Event()
    store, asked = window.session.store, []
    original = store.document_ids

    def document_ids(**kwargs):
        asked.append(kwargs.get("sort"))
        if kwargs.get("sort") == "status":
            assert release.wait(10), "the test never let the sort go on"
        return original(**kwargs)

    monkeypatch.setattr(store, "document_ids", document_ids)
    store.set_status(window.document.id, window.annotator, DocumentStatus.DONE)
    status = [name for name, _title in window.documents.COLUMNS].index("status")
    before = uids(window)
    try:
        window.documents.sort(status, Qt.SortOrder.AscendingOrder)  # ("done" before "todo")
        assert window.documents.filtering and uids(window) == before  # the rows it had, while it reads
        assert window.counts_label.text() == "Sorting…"
        qtbot.waitUntil(lambda: asked == ["status"])
    finally:
        release.set()
    qtbot.waitUntil(lambda: not window.documents.filtering)
    assert uids(window)[0] == window.document.id  # the one done first
    assert window.counts_label.text().startswith("5 documents")
    window.documents.sort(0)  # by title: a page at a time
    qtbot.waitUntil(lambda: not window.documents.filtering)
    assert asked == ["status"]  # not every id
    titles = [window.documents.index(row, 0).data() for row in range(window.documents.rowCount())]
    assert titles == sorted(d.title for d in store.iter_documents())
