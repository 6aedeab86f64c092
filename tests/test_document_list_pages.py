"""The document list read a page at a time: every order, page by page, is the order a plain
sort of the same rows gives (and the one the general query gives), and a document's row
is found without reading the pages before it."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curator.domain.models import Document
from curator.session.document_list import DocumentList, ListedIds, PagedIds
from curator.store import Store

TITLES = ["Beta", "alpha", None, "Gamma", "beta", None, "Alpha"]
SOURCES = ["TDI", None, "nCa", "TDI", "Trend"]
DATES = [date(2023, 5, 1), None, date(2021, 1, 1), date(2023, 5, 1)]


def add(store: Store, count: int) -> list[int]:
    return store.add_documents([
        Document(uid=f"u{(i * 7) % count:03d}", text="some text", title=TITLES[i % len(TITLES)],
                 source=SOURCES[i % len(SOURCES)], published=DATES[i % len(DATES)])
        for i in range(count)])


def expected(store: Store, sort: str, descending: bool) -> list[int]:
    """The list's order by a plain Python sort: by the column, ties by id, documents
    without a value last (by id, in the same direction)."""
    rows = [(doc.id, getattr(doc, sort)) for doc in store.iter_documents()]
    valued = sorted(((value, doc_id) for doc_id, value in rows if value is not None), reverse=descending)
    missing = sorted((doc_id for doc_id, value in rows if value is None), reverse=descending)
    return [doc_id for _, doc_id in valued] + missing


def read_all(order, page: int = 3) -> list[int]:
    """The whole order as a view would read it, a few rows at a time from the top."""
    ids: list[int] = []
    for start in range(0, len(order), page):
        ids += order.page(start, start + page)
    return ids


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(PagedIds, "PAGE", 4)  # many pages, and the pages across the documents without a value


@pytest.mark.parametrize("sort", ["id", "title", "source", "published", "uid"])
@pytest.mark.parametrize("descending", [False, True])
def test_each_order_read_a_page_at_a_time_is_a_plain_sort(store, small_pages, sort, descending):
    add(store, 29)
    order = DocumentList(store).order("ann", sort, descending)
    assert isinstance(order, PagedIds)
    assert len(order) == 29
    general = store.document_ids(annotator="ann", sort=sort, descending=descending)
    assert read_all(order) == general
    if store.engine.dialect.name == "sqlite":  # PostgreSQL compares text by its collation, not code points
        assert general == expected(store, sort, descending)
    assert order.page(27, 40) == general[27:]  # fewer at the end
    assert order.page(5, 5) == []


@pytest.mark.parametrize("sort", ["id", "title", "source", "published"])
@pytest.mark.parametrize("descending", [False, True])
def test_a_documents_row_is_found_without_reading_the_pages_before_it(store, small_pages, sort, descending):
    add(store, 23)
    general = store.document_ids(sort=sort, descending=descending)
    for row, doc_id in enumerate(general):
        order = DocumentList(store).order("ann", sort, descending)  # nothing read yet
        assert order.index(doc_id) == row
        assert order.page(row, row + 1) == [doc_id]
        assert order.known_index(doc_id) == row
    assert DocumentList(store).order("ann", sort, descending).index(10_000) is None


def test_pages_are_read_as_rows_are_asked_for_not_before(store, small_pages, monkeypatch):
    add(store, 40)
    asked = []
    original = Store.document_id_page
    monkeypatch.setattr(Store, "document_id_page", lambda self, *a, **k: asked.append(a) or original(self, *a, **k))
    order = DocumentList(store).order("ann", "title")
    assert asked == []
    assert len(order.page(20, 22)) == 2
    assert len(asked) == 1  # one page, 20 rows in: not the five before it


def test_a_filter_or_the_status_order_reads_every_id(store):
    add(store, 10)
    assert isinstance(DocumentList(store).order("ann", "title", search="alpha"), ListedIds)
    assert isinstance(DocumentList(store).order("ann", "status"), ListedIds)
    assert read_all(DocumentList(store).order("ann", "title", search="alpha")) == store.document_ids(
        sort="title", search="alpha")


def test_ids_with_a_gap_are_read_whole_and_in_order(store):
    ids = add(store, 12)
    store.take_out_documents([(ids[4], ids[6])])  # an import undone: the ids have a gap
    order = DocumentList(store).order("ann", "id")
    assert isinstance(order, ListedIds)
    assert read_all(order) == ids[:4] + ids[7:]
    assert order.index(ids[5]) is None and order.index(ids[7]) == 4


def test_documents_added_at_the_end_extend_the_order_by_id(store):
    ids = add(store, 5)
    order = DocumentList(store).order("ann", "id")
    more = store.add_documents([Document(uid=f"new{i}", text="x") for i in range(3)])
    assert order.goes_at_end(tuple(more))
    order.append(tuple(more))
    assert read_all(order) == ids + more and order.index(more[-1]) == 7
    assert not order.goes_at_end((more[-1] + 5,))  # a gap: read again
    assert not DocumentList(store).order("ann", "title").goes_at_end((more[-1] + 1,))
    assert not DocumentList(store).order("ann", "id", descending=True).goes_at_end((more[-1] + 1,))


@pytest.mark.parametrize("sort", ["id", "title", "status"])
@pytest.mark.parametrize("search", ["", "alpha"])
def test_documents_taken_out_leave_an_order_as_a_fresh_read_gives_it(store, small_pages, monkeypatch, sort, search):
    """A filtered (or status) order drops them without asking the store, and so does one
    by id (its runs of ids less those); one paged by a column is read again, by a count
    and its pages."""
    ids = add(store, 23)
    order = DocumentList(store).order("ann", sort, search=search)
    read_all(order)
    gone = tuple(ids[3:9]) + (ids[-1],)
    store.take_out_documents([(ids[3], ids[8]), (ids[-1], ids[-1])])
    documents = DocumentList(store)
    if isinstance(order, ListedIds) or sort == "id":  # (by id: the runs less those gone)
        monkeypatch.setattr(Store, "document_ids", lambda *a, **k: pytest.fail("the store was asked"))
        monkeypatch.setattr(Store, "document_id_page", lambda *a, **k: pytest.fail("the store was asked"))
    left = order.without(gone)
    monkeypatch.undo()
    assert read_all(left) == read_all(documents.order("ann", sort, search=search))
    assert left.index(ids[4]) is None and len(left) == len(read_all(left))


def test_an_empty_project_has_an_empty_order(store):
    for sort in ("id", "title"):
        order = DocumentList(store).order("ann", sort)
        assert len(order) == 0 and order.page(0, 10) == [] and order.index(1) is None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(titles=st.lists(st.one_of(st.none(), st.sampled_from(["a", "B", "b", "é", "a b", ""])), max_size=25),
       descending=st.booleans(), page=st.integers(1, 7), start=st.integers(0, 30))
def test_any_titles_in_pages_of_any_size(tmp_path_factory, monkeypatch, titles, descending, page, start):
    store = Store.create(tmp_path_factory.mktemp("pages") / "project")
    try:
        if titles:
            store.add_documents([Document(uid=f"d{i}", text="x", title=title) for i, title in enumerate(titles)])
        monkeypatch.setattr(PagedIds, "PAGE", page)
        order = DocumentList(store).order("ann", "title", descending)
        want = expected(store, "title", descending)
        assert order.page(start, start + page + 2) == want[start:start + page + 2]
        assert read_all(order, page + 1) == want
    finally:
        store.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(count=st.integers(0, 30), gone=st.lists(st.sets(st.integers(0, 29), max_size=12), max_size=3),
       descending=st.booleans(), start=st.integers(0, 32), size=st.integers(1, 9), search=st.sampled_from(["", "d"]))
def test_fuzz_an_order_by_id_less_the_documents_gone_is_the_list_left(tmp_path_factory, count, gone, descending,
                                                                     start, size, search):
    """Taken out a few at a time or many, an order by id (runs of ids) or a search's
    (every id, each found by the list's own search or a map of them) keeps every row,
    page and index of the ids left, without a read."""
    store = Store.create(tmp_path_factory.mktemp("runs") / "project")
    try:
        ids = store.add_documents([Document(uid=f"d{i}", text="x") for i in range(count)]) if count else []
        order = DocumentList(store).order("ann", "id", descending, search)
        assert isinstance(order, ListedIds if search else PagedIds)
        left = list(ids)
        for places in gone:
            out = tuple(ids[place] for place in places if place < len(ids))
            order = order.without(out)
            left = [doc_id for doc_id in left if doc_id not in out]
        want = left[::-1] if descending else left
        assert len(order) == len(want) and order.page(start, start + size) == want[start:start + size]
        assert [order.index(doc_id) for doc_id in ids] == [want.index(d) if d in want else None for d in ids]
    finally:
        store.close()


@pytest.mark.parametrize("count", ["id_range", "missing"])
def test_a_count_made_while_the_counts_were_forgotten_is_not_kept(store, count):
    """A sort is read on a worker thread, which counts the documents as it begins; if they
    change meanwhile (the window forgets the counts), the count it made may be the old
    one, and is not kept for the next read."""
    add(store, 5)
    documents = DocumentList(store)
    asked = {"id_range": ("document_id_range", lambda: documents.id_range()),
             "missing": ("documents_missing", lambda: documents.missing("title"))}
    name, ask = asked[count]
    original = getattr(store, name)

    def counted_while_changed(*args):
        found = original(*args)
        store.add_documents([Document(uid="late", text="added as it was counted", title=None)])
        documents.forget_counts()  # what the window does when it hears of them
        return found

    store.__dict__[name] = counted_while_changed
    stale = ask()
    del store.__dict__[name]
    fresh = ask()
    assert fresh != stale  # counted again: the count made meanwhile was not kept
    assert fresh == (getattr(store, name)() if count == "id_range" else getattr(store, name)("title"))
