"""The document list's count in the status bar, in a large project (whose searches are
read on a worker thread): whatever the curator types, sorts and clears, and in whatever
order the reads end, the label ends saying how many documents are shown; and documents
added or removed while a filter is on are counted again off the UI thread, the rows
shown staying meanwhile. (The sample project is small: these tests make every project
count as large.)"""

from __future__ import annotations

import random
import threading

import pytest
from PySide6.QtCore import Qt, QThread, QThreadPool
from PySide6.QtWidgets import QApplication

from curator.domain.models import Document
from curator.store import Store
from ui.models.document_table_model import DocumentTableModel

COLUMNS = {0: "title", 1: "source", 2: "published"}


@pytest.fixture
def large(monkeypatch):
    monkeypatch.setattr(DocumentTableModel, "BACKGROUND_FROM", 0)
    yield
    assert QThreadPool.globalInstance().waitForDone(10_000)


class Reads:
    """``store.document_ids``, recorded with the thread that asked; while ``held``, a read
    on a worker thread waits until ``release``. (One asked on the UI thread never waits:
    it is recorded, and the test says so.)"""

    def __init__(self, monkeypatch, store) -> None:
        self.original = store.document_ids
        self.asked: list[tuple[str, bool]] = []  # (search, on the UI thread)
        self._gate = threading.Event()
        self._gate.set()
        monkeypatch.setattr(store, "document_ids", self)

    def __call__(self, **kwargs):
        on_ui = QThread.currentThread() is QApplication.instance().thread()
        self.asked.append((kwargs.get("search", ""), on_ui))
        gate = self._gate
        if not on_ui:
            assert gate.wait(10), "the test never let the read go on"
        return self.original(**kwargs)

    def hold(self) -> None:
        if self._gate.is_set():
            self._gate = threading.Event()

    def release(self) -> None:
        self._gate.set()

    def on_ui_thread(self) -> list[str]:
        return [search for search, on_ui in self.asked if on_ui]


def settle(window, qtbot) -> None:
    qtbot.waitUntil(lambda: not window.documents.filtering, timeout=10_000)
    assert QThreadPool.globalInstance().waitForDone(10_000)
    QApplication.processEvents()  # a superseded read's late ids arrive now, and are dropped


def expected_label(window) -> str:
    store = window.session.store
    search = window.search.text().strip()
    done = window.documents.summary()[1]
    if not search:
        return f"{len(store.document_ids.original())} documents · {done} done"
    shown = len(store.document_ids.original(search=search))
    return f"{shown} of {len(store.document_ids.original())} documents match “{search}” · {done} done"


def shown_ids(window) -> list[int]:
    return [window.documents.doc_id(row) for row in range(window.documents.rowCount())]


def sort(window, column: int, descending: bool = False) -> None:
    order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
    window.document_table.sortByColumn(column, order)


def test_a_sort_made_while_a_search_is_read_ends_with_the_searchs_count(window, qtbot, large, monkeypatch):
    reads = Reads(monkeypatch, window.session.store)
    reads.hold()
    window.search.setText("TDI")
    assert window.counts_label.text() == "Filtering for “TDI”…"
    sort(window, 0)  # by title, before the search's ids came: it is read again, sorted
    reads.release()
    settle(window, qtbot)
    assert window.documents.rowCount() == 1
    assert window.counts_label.text() == expected_label(window) == "1 of 5 documents match “TDI” · 0 done"
    assert "Filtering" not in window.document_table.empty_text()


def test_a_sort_read_in_the_background_ends_with_the_count_whatever_was_said_meanwhile(
        window, qtbot, large, monkeypatch):
    window.search.setText("Tokayev")
    settle(window, qtbot)
    window.select_row(1)
    opened = window.document.id
    reads = Reads(monkeypatch, window.session.store)
    reads.hold()
    sort(window, 2, descending=True)  # by date: read on a worker thread, the rows stay
    assert window.documents.filtering
    window.toggle_done()  # the open document marked done while the sort is read
    assert window.counts_label.text() == "Filtering for “Tokayev”…"
    reads.release()
    settle(window, qtbot)
    assert window.counts_label.text() == expected_label(window) == "2 of 5 documents match “Tokayev” · 1 done"
    assert window.documents.doc_id(window.document_table.currentIndex().row()) == opened  # still selected


@pytest.mark.parametrize("seed", range(12))
def test_whatever_order_searches_sorts_and_clears_come_in_the_label_ends_right(window, qtbot, large, monkeypatch,
                                                                              seed):
    """Random runs of typing, sorting, clearing, and reads held back or let go (each run
    ends with every read let go): the label and the rows end as the store says."""
    reads = Reads(monkeypatch, window.session.store)
    chance = random.Random(seed)
    for _ in range(8):
        step = chance.choice(["type", "type", "sort", "sort", "clear", "hold", "release", "wait"])
        if step == "type":
            window.search.setText(chance.choice(["TDI", "Tokayev", "a", "Kazakh", "no such outlet", "TD"]))
        elif step == "sort":
            sort(window, chance.choice(list(COLUMNS)), chance.random() < 0.5)
        elif step == "clear":
            window.search.clear()
        elif step == "hold":
            reads.hold()
        elif step == "release":
            reads.release()
        else:
            qtbot.wait(5)
    reads.release()
    settle(window, qtbot)
    search = window.search.text().strip()
    header = window.document_table.horizontalHeader()
    column, descending = header.sortIndicatorSection(), header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert shown_ids(window) == reads.original(annotator="tester", sort=COLUMNS.get(column, "id"),
                                               descending=descending, search=search)
    assert window.counts_label.text() == expected_label(window)
    assert reads.on_ui_thread() == []  # every search read on a worker thread


def add_elsewhere(window, *documents: Document) -> None:
    elsewhere = Store.open(window.session.store.location)  # another app on this project
    elsewhere.add_documents(list(documents))
    elsewhere.close()


def test_documents_added_elsewhere_are_counted_again_off_the_ui_thread(window, qtbot, large, monkeypatch):
    window.search.setText("TDI")
    settle(window, qtbot)
    window.select_row(0)
    before, opened = shown_ids(window), window.document.id
    reads = Reads(monkeypatch, window.session.store)
    reads.hold()
    add_elsewhere(window, Document(uid="from-elsewhere", text="Added by a colleague.", source="TDI"),
                  Document(uid="unrelated", text="Not from that outlet.", source="Reuters"))
    window.poll_changes()  # what the window's watcher does every two seconds
    assert reads.on_ui_thread() == []  # the window is not held while a million keys are read
    assert shown_ids(window) == before  # the rows shown stay until the new ones are read
    assert window.counts_label.text() == "Filtering for “TDI”…"
    reads.release()
    settle(window, qtbot)
    assert window.documents.rowCount() == 2
    assert window.counts_label.text() == expected_label(window) == "2 of 7 documents match “TDI” · 0 done"
    assert window.documents.doc_id(window.document_table.currentIndex().row()) == opened  # still selected
    assert reads.on_ui_thread() == []


def take_out_elsewhere(window, uid_prefix: str) -> None:
    """Another app on this project takes out the documents whose uid starts so (an import
    undone there)."""
    elsewhere = Store.open(window.session.store.location)
    ids = [row.id for row in elsewhere.document_rows(elsewhere.document_ids(), "tester").values()
           if row.uid.startswith(uid_prefix)]
    elsewhere.take_out_documents([(doc_id, doc_id) for doc_id in ids])
    elsewhere.close()


def test_an_import_is_counted_off_the_ui_thread(window, qtbot, large, monkeypatch, tmp_path):
    for number in range(3):
        (tmp_path / f"zebra{number}.txt").write_text(f"Zebra crossings, part {number}.", encoding="utf-8")
    window.search.setText("zebra")
    settle(window, qtbot)
    assert window.documents.rowCount() == 0
    reads = Reads(monkeypatch, window.session.store)
    with qtbot.waitSignal(window.import_paths(sorted(tmp_path.glob("zebra*.txt"))).finished, timeout=20_000):
        pass
    settle(window, qtbot)
    assert window.documents.rowCount() == 3
    assert window.counts_label.text() == expected_label(window) == "3 of 8 documents match “zebra” · 0 done"
    assert reads.on_ui_thread() == []


def add_zebras(window, count: int) -> None:
    add_elsewhere(window, *(Document(uid=f"zebra{number}", text=f"Zebra crossings, part {number}.")
                            for number in range(count)))
    window.poll_changes()


def test_documents_removed_elsewhere_leave_the_filtered_list_at_once_without_a_read(
        window, qtbot, large, monkeypatch):
    add_zebras(window, 3)
    window.search.setText("zebra")
    settle(window, qtbot)
    assert window.documents.rowCount() == 3
    reads = Reads(monkeypatch, window.session.store)
    reads.hold()  # a read now would wait: the rows of documents taken out go without one
    take_out_elsewhere(window, "zebra1")
    window.poll_changes()
    assert window.documents.rowCount() == 2 and not window.documents.filtering
    assert [window.documents.index(row, 0).data() for row in range(2)] == ["zebra0", "zebra2"]
    assert window.counts_label.text() == "2 of 7 documents match “zebra” · 0 done"
    reads.release()
    settle(window, qtbot)
    assert window.counts_label.text() == expected_label(window)
    assert reads.on_ui_thread() == []


def test_documents_removed_while_a_search_is_read_are_not_shown(window, qtbot, large, monkeypatch):
    add_zebras(window, 2)
    reads = Reads(monkeypatch, window.session.store)
    reads.hold()
    window.search.setText("zebra")  # read before they are taken out, held until after
    qtbot.waitUntil(lambda: reads.asked == [("zebra", False)])
    take_out_elsewhere(window, "zebra")
    window.poll_changes()
    reads.release()
    settle(window, qtbot)
    assert window.documents.rowCount() == 0  # the read made before they went is not shown
    assert window.counts_label.text() == expected_label(window) == "0 of 5 documents match “zebra” · 0 done"
    assert reads.on_ui_thread() == []


def test_an_import_undone_under_a_filter_leaves_the_filter_on(window, qtbot, large, monkeypatch, tmp_path):
    for number in range(2):
        (tmp_path / f"zebra{number}.txt").write_text(f"Zebra crossings, part {number}.", encoding="utf-8")
    window.search.setText("zebra")
    settle(window, qtbot)
    with qtbot.waitSignal(window.import_paths(sorted(tmp_path.glob("zebra*.txt"))).finished, timeout=20_000):
        pass
    settle(window, qtbot)
    reads = Reads(monkeypatch, window.session.store)
    window.history.undo()  # the documents it added go: there is none of them to show
    settle(window, qtbot)
    assert window.search.text() == "zebra" and window.documents.rowCount() == 0
    assert window.counts_label.text() == expected_label(window) == "0 of 5 documents match “zebra” · 0 done"
    assert reads.asked == []  # their rows went without a read


def open_row_in_view(window) -> bool:
    table = window.document_table
    return table.viewport().rect().intersects(table.visualRect(table.currentIndex()))


def test_documents_added_or_removed_elsewhere_leave_the_list_where_the_curator_scrolled_it(window, qtbot, large):
    add_zebras(window, 80)
    window.search.setText("zebra")
    settle(window, qtbot)
    window.select_row(0)
    opened = window.document.id
    bar = window.document_table.verticalScrollBar()
    bar.setValue(bar.maximum())  # looking down the list, the open document out of view
    where = bar.value()
    assert where > 0 and not open_row_in_view(window)
    add_elsewhere(window, Document(uid="zebra-late", text="One more crossing."))
    window.poll_changes()
    settle(window, qtbot)
    assert window.documents.rowCount() == 81
    assert bar.value() == where and not open_row_in_view(window)  # not brought back to the open document
    assert window.documents.doc_id(window.document_table.currentIndex().row()) == opened  # which stays selected
    take_out_elsewhere(window, "zebra-late")  # and out again
    window.poll_changes()
    settle(window, qtbot)
    assert window.documents.rowCount() == 80 and bar.value() == where and not open_row_in_view(window)
    assert window.documents.doc_id(window.document_table.currentIndex().row()) == opened
    window.document_table.sortByColumn(2, Qt.SortOrder.AscendingOrder)  # asked for: the open one is shown
    settle(window, qtbot)
    assert window.documents.doc_id(window.document_table.currentIndex().row()) == opened
    assert open_row_in_view(window)


class StoreReads:
    """The list's reads of the store that walk an index (where a document is in an order, a
    page of ids) and of rows, each recorded with whether the UI thread asked."""

    NAMES = ("document_position", "document_id_page", "document_rows")

    def __init__(self, monkeypatch, store) -> None:
        self.asked: list[tuple[str, bool]] = []
        for name in self.NAMES:
            monkeypatch.setattr(store, name, self._recorded(name, getattr(store, name)))

    def _recorded(self, name, read):
        def recorded(*args, **kwargs):
            self.asked.append((name, QThread.currentThread() is QApplication.instance().thread()))
            return read(*args, **kwargs)
        return recorded

    def on_ui_thread(self) -> list[str]:
        return [name for name, on_ui in self.asked if on_ui]


@pytest.mark.parametrize("column", [0, 1, 2])
def test_a_sort_by_a_column_finds_the_open_document_and_its_rows_off_the_ui_thread(window, qtbot, large, monkeypatch,
                                                                                  column):
    """A sort an index gives a page at a time began at once on the UI thread, but the
    window's keeping the open document selected counted its place through the index and
    read its page from there: 0.1-0.25 s at a million documents, for one halfway down.
    Now the worker finds it and reads the rows around it; the window selects it with no
    read of its own."""
    add_zebras(window, 60)
    settle(window, qtbot)
    ids = window.session.store.document_ids()
    window.open_document(ids[len(ids) // 2])
    opened = window.document.id
    window.document_table.viewport().repaint()  # the rows shown before the sort, read
    reads = StoreReads(monkeypatch, window.session.store)
    sort(window, column)
    assert window.documents.filtering  # read on a worker thread, the rows staying meanwhile
    settle(window, qtbot)
    assert shown_ids(window) == window.session.store.document_ids(annotator="tester", sort=COLUMNS[column])
    assert window.documents.doc_id(window.document_table.currentIndex().row()) == opened
    assert open_row_in_view(window)
    window.document_table.viewport().repaint()  # the rows around the open one, painted
    assert ("document_position", False) in reads.asked and reads.on_ui_thread() == []


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("place", [0, 3, 4, 37, 38, 52, 59])
def test_the_rows_read_with_a_sort_are_those_around_the_open_document(store, qtbot, large, monkeypatch, place,
                                                                     descending):
    """Pages of 8 rows: whatever the open document's place, the rows read with the order
    hold at least half a page on either side of it (within the list), two pages at most."""
    from curator.session.document_list import DocumentList

    store.add_documents([Document(uid=f"zebra{number:02d}", text=f"Zebra crossings, part {number}.",
                                  title=f"Crossing {number:02d}" if number % 5 else None) for number in range(60)])
    monkeypatch.setattr(DocumentTableModel, "PAGE", 8)
    order = store.document_ids(annotator="tester", sort="title", descending=descending)
    model = DocumentTableModel(DocumentList(store), "tester", current=lambda: order[place])
    model.sort(0, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)  # by title
    qtbot.waitUntil(lambda: not model.filtering, timeout=10_000)
    assert set(order[max(0, place - 4):place + 5]) <= set(model._cache) and len(model._cache) <= 16
    assert model.row_of(order[place]) == place
    assert QThreadPool.globalInstance().waitForDone(10_000)  # (its task ended before the model, which has no
    QApplication.processEvents()  # window to outlive it, goes)


def test_a_document_changed_while_a_sort_is_read_is_read_again_when_shown(window, qtbot, large, monkeypatch):
    """The rows read with a sort on the worker were put in the list as read: the open
    document marked done meanwhile kept its old status in the list until it changed again."""
    ids = window.session.store.document_ids()
    window.open_document(ids[2])
    rows = window.session.store.document_rows
    read, held = threading.Event(), threading.Event()

    def rows_after_the_change(*args, **kwargs):
        found = rows(*args, **kwargs)
        if QThread.currentThread() is not QApplication.instance().thread():
            read.set()
            assert held.wait(10), "the test never let the read go on"
        return found

    monkeypatch.setattr(window.session.store, "document_rows", rows_after_the_change)
    sort(window, 0)  # by title: the worker reads the rows around the open document, then waits
    assert window.documents.filtering
    assert read.wait(10)
    window.toggle_done()  # marked done after the rows were read
    held.set()
    settle(window, qtbot)
    row = window.document_table.currentIndex().row()
    assert window.documents.doc_id(row) == window.document.id
    status = [name for name, _title in window.documents.COLUMNS].index("status")
    assert window.documents.index(row, status).data() == "✓"


def test_while_a_read_is_on_the_worker_the_label_reads_no_statuses(window, qtbot, large, monkeypatch):
    """The label's counts read every status of the annotator; while the rows are being
    read on the worker it says so instead, and counts nothing."""
    reads = Reads(monkeypatch, window.session.store)
    statuses, asked = window.session.store.statuses, []
    monkeypatch.setattr(window.session.store, "statuses", lambda *args: asked.append(args) or statuses(*args))
    reads.hold()
    window.search.setText("Tokayev")
    assert window.counts_label.text() == "Filtering for “Tokayev”…" and asked == []
    reads.release()
    settle(window, qtbot)
    assert window.counts_label.text() == expected_label(window) and asked
