"""The document list's queries, for the window's table model: the ids of a sort and a
search (the database sorts and searches, which keeps 100,000 articles fast), the rows
of a page of them, and each row's notes (the annotator's categories, and what the
duplicate decisions made of the article)."""

from __future__ import annotations

import bisect
import itertools
import math
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from curator.domain.id_runs import Runs, minus, runs_of, union
from curator.domain.models import DocumentStatus
from curator.store.documents import PAGED_SORTS

if TYPE_CHECKING:
    from curator.store import DocumentRow, Store


class DocumentList:
    """What the document list asks of a project. Holds the duplicate decisions once read
    (``forget_notes`` when they change), and the counts (``forget_counts``). Any thread
    that may read the store: a count made on a worker thread while the documents changed
    (``forget_counts`` on the window's) is not kept."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._duplicates: dict[int, tuple[str, str]] | None = None
        # The counts, once made: "range" (how many documents, their lowest and highest id),
        # and by a column's name how many documents have no value in it.
        self._counts: dict[str, Any] = {}
        self._counted = 0  # how many times the counts were forgotten
        self._keeping = threading.Lock()  # a count kept, or the counts forgotten: one at a time

    def forget_counts(self) -> None:
        """Documents were added, removed or changed: they are counted again when next asked."""
        with self._keeping:
            self._counted += 1
            self._counts.clear()

    def id_range(self) -> tuple[int, int | None, int | None]:
        """How many documents, their lowest and highest id: counted once (a million
        documents take some 15-40 ms), until ``forget_counts``."""
        return self._count("range", self.store.document_id_range)

    def missing(self, sort: str) -> int:
        """How many documents have no value in the column ``sort`` (counted once, as above)."""
        return self._count(sort, lambda: self.store.documents_missing(sort))

    def _count(self, key: str, count: Callable[[], Any]) -> Any:
        """The count kept under ``key``, or ``count()``, kept unless the counts were
        forgotten while it was made."""
        found = self._counts.get(key)
        if found is None:
            counted = self._counted
            found = count()
            with self._keeping:
                if counted == self._counted:
                    self._counts[key] = found
        return found

    def ids(self, annotator: str, sort: str = "id", descending: bool = False, search: str = "") -> list[int]:
        return self.store.document_ids(annotator=annotator, sort=sort, descending=descending, search=search)

    def order(self, annotator: str, sort: str = "id", descending: bool = False, search: str = "") -> ListOrder:
        """The list's ids in this order, to be read as rows are shown: a page at a time
        when the database can walk an index in that order (no filter; by id, title, outlet
        or date), which keeps the list's every step near constant at a million documents;
        else all of them at once (a filter, which matches every document's key anyway, or
        the annotator's status)."""
        if self.paged(sort, search):
            return PagedIds(self, sort, descending)
        return ListedIds(self.ids(annotator, sort, descending, search))

    def paged(self, sort: str, search: str = "") -> bool:
        """Whether ``order`` reads this order a page at a time (else every id at once)."""
        if search or sort != "id" and sort not in PAGED_SORTS:
            return False
        count, low, high = self.id_range()
        return sort != "id" or not count or high - low + 1 == count  # (by id, with gaps: every id)

    def rows(self, ids: list[int], annotator: str) -> dict[int, DocumentRow]:
        return self.store.document_rows(ids, annotator)

    def done(self, annotator: str) -> int:
        """How many documents ``annotator`` marked done."""
        return sum(1 for status in self.store.statuses(annotator).values() if status is DocumentStatus.DONE)

    def forget_notes(self) -> None:
        """A duplicate decision changed: the notes are read again when next asked for."""
        self._duplicates = None

    def notes(self, ids: list[int], annotator: str) -> dict[int, tuple[str, str]]:
        """Each document's note, short (the list's column) and long (its tooltip): the
        annotator's category choices, and what the duplicate decisions made of it."""
        if self._duplicates is None:
            from curator.analysis.duplicates import (
                duplicate_roles,  # only decisions: no search
            )

            self._duplicates = duplicate_roles(self.store)
        chosen: dict[int, list[str]] = {}
        for doc_id, _who, _set_name, choices in self.store.category_rows([annotator], ids):
            chosen.setdefault(doc_id, []).extend(choices)
        found = {}
        for doc_id in ids:
            role = self._duplicates.get(doc_id)
            short = long = ""
            if role:
                short = {"duplicate": "duplicate, not kept", "kept": "kept over a duplicate"}[role[0]]
                long = {"duplicate": f"a duplicate of {role[1]}, which is kept",
                        "kept": f"kept over its duplicate {role[1]}"}[role[0]]
            categories = ", ".join(chosen.get(doc_id, []))
            found[doc_id] = (" · ".join(part for part in (categories, short) if part),
                             " · ".join(part for part in (categories, long) if part))
        return found


class ListOrder(Protocol):
    """The list's document ids in display order, as the table model reads them."""

    def __len__(self) -> int: ...

    def page(self, start: int, stop: int) -> list[int]:
        """The ids of rows ``start`` to ``stop`` (fewer at the end)."""

    def index(self, doc_id: int) -> int | None:
        """The row of ``doc_id``, or None if it is not in the list."""

    def known_index(self, doc_id: int) -> int | None:
        """The row of ``doc_id`` if it was read (a page shown), without asking the store."""

    def goes_at_end(self, ids: tuple[int, ...]) -> bool:
        """Whether documents just added go at the end in this order (else it is read again)."""

    def append(self, ids: tuple[int, ...]) -> None:
        """Put documents just added at the end (``goes_at_end``)."""

    def without(self, ids: tuple[int, ...]) -> ListOrder:
        """The list with documents that went (removed) left out, in the same order."""


class ListedIds:
    """Every id at once, in a list."""

    SEARCHED = 8  # rows found by the list's own search before a map of every row is made

    def __init__(self, ids: list[int]) -> None:
        self._ids = ids
        self._row_of: dict[int, int] | None = None
        self._searched = 0

    def __len__(self) -> int:
        return len(self._ids)

    def page(self, start: int, stop: int) -> list[int]:
        return self._ids[start:stop]

    def index(self, doc_id: int) -> int | None:
        # The first few by the list's own search (a few ms at a million, outside Python); a map
        # of every row after (a tenth of a second at a million, made again after every change).
        if self._row_of is None and self._searched < self.SEARCHED:
            self._searched += 1
            return self._row(doc_id)
        if self._row_of is None:
            self._row_of = {doc_id: row for row, doc_id in enumerate(self._ids)}
        return self._row_of.get(doc_id)

    known_index = index

    def goes_at_end(self, ids: tuple[int, ...]) -> bool:
        return False

    def append(self, ids: tuple[int, ...]) -> None:
        self._ids.extend(ids)
        self._row_of = None

    def without(self, ids: tuple[int, ...]) -> ListedIds:
        """No read: the ids left keep their order (a search's still match it). A few are
        found and cut by the list's own search; a pass in Python over a million ids took
        a tenth of a second."""
        gone = set(ids)
        if len(gone) > self.SEARCHED:
            return ListedIds([doc_id for doc_id in self._ids if doc_id not in gone])
        rows = sorted(({self._row_of.get(doc_id) for doc_id in gone} - {None}) if self._row_of is not None
                      else (row for row in map(self._row, gone) if row is not None))
        kept = self._ids.copy()
        for row in reversed(rows):
            del kept[row]
        return ListedIds(kept)

    def _row(self, doc_id: int) -> int | None:
        try:
            return self._ids.index(doc_id)
        except ValueError:
            return None


class PagedIds:
    """The ids in an order an index gives (by id, or by a column of ``PAGED_SORTS`` with
    the documents without a value last), no filter: the count is read once, the ids a
    page at a time as rows are asked for. By id, the ids are ``runs`` (one, when read: the
    order is paged only while the ids have no gaps, ``DocumentList.paged``), and a row's
    id is found by arithmetic; documents taken out leave runs with gaps, read from no one."""

    PAGE = 200

    def __init__(self, documents: DocumentList, sort: str, descending: bool, runs: Runs | None = None) -> None:
        self._documents, self._store = documents, documents.store
        self._sort, self._descending = sort, descending
        if runs is None:
            count, low, high = documents.id_range()
            runs = [(low, high)] if count else []
            self._runs(runs)
            self._count = count  # (by a column: with gaps too)
        else:
            self._runs(runs)
        self._pages: dict[int, list[int]] = {}
        self._row_of: dict[int, int] = {}
        self._valued: int | None = None  # of a column: how many have a value (shown before the rest)

    def __len__(self) -> int:
        return self._count

    def page(self, start: int, stop: int) -> list[int]:
        start, stop = max(0, start), min(stop, self._count)
        if stop <= start:
            return []
        if self._sort == "id":  # the ids themselves, from the runs
            rows = range(self._count - 1 - start, self._count - 1 - stop, -1) if self._descending else \
                range(start, stop)
            return [self._id_at(row) for row in rows]
        ids: list[int] = []
        for number in range(start // self.PAGE, (stop - 1) // self.PAGE + 1):
            if number not in self._pages:
                self._read(number)
            first = number * self.PAGE
            ids += self._pages[number][max(0, start - first):stop - first]
        return ids

    def _read(self, number: int) -> None:
        first = number * self.PAGE
        found: list[int] = []
        if self._valued is None or first < self._valued:
            found = self._store.document_id_page(self._sort, first, self.PAGE, descending=self._descending)
            if len(found) < self.PAGE:  # the documents with a value end here
                self._valued = first + len(found) if found or not first else self._count_valued()
        if len(found) < self.PAGE and self._valued is not None:
            found += self._store.document_id_page(self._sort, max(0, first + len(found) - self._valued),
                                                  self.PAGE - len(found), descending=self._descending,
                                                  missing=True)
        self._pages[number] = found
        self._row_of.update((doc_id, first + offset) for offset, doc_id in enumerate(found))

    def _count_valued(self) -> int:
        if self._valued is None:
            self._valued = self._count - self._documents.missing(self._sort)
        return self._valued

    def index(self, doc_id: int) -> int | None:
        known = self.known_index(doc_id)
        if known is not None or self._sort == "id":
            return known
        position = self._store.document_position(doc_id, self._sort, self._descending)
        if position is None:
            return None
        before, missing = position
        return before + (self._count_valued() if missing else 0)

    def known_index(self, doc_id: int) -> int | None:
        if self._sort == "id":
            at = bisect.bisect_right(self._ids, (doc_id, math.inf)) - 1
            if at < 0 or doc_id > self._ids[at][1]:
                return None
            row = self._first_rows[at] + doc_id - self._ids[at][0]
            return self._count - 1 - row if self._descending else row
        return self._row_of.get(doc_id)

    def goes_at_end(self, ids: tuple[int, ...]) -> bool:
        """By id, ascending, the next ids with no gap."""
        return (self._sort == "id" and not self._descending and bool(ids)
                and (not self._ids or ids[0] == self._ids[-1][1] + 1) and runs_of(ids) == [(ids[0], ids[-1])])

    def append(self, ids: tuple[int, ...]) -> None:
        self._runs(union(self._ids, [(ids[0], ids[-1])]))

    def without(self, ids: tuple[int, ...]) -> ListOrder:
        """By id, the runs less ``ids``: no read. Else read again: a count, then pages as
        they are shown. (The annotator's is not asked: no sort of theirs is paged.)"""
        self._documents.forget_counts()
        if self._sort == "id":
            return PagedIds(self._documents, "id", self._descending, minus(self._ids, runs_of(ids)))
        return self._documents.order("", self._sort, self._descending)

    def _runs(self, runs: Runs) -> None:
        self._ids = runs
        self._first_rows = list(itertools.accumulate((high - low + 1 for low, high in runs), initial=0))
        self._count = self._first_rows[-1]

    def _id_at(self, row: int) -> int:
        """The id at ``row`` in id order (ascending)."""
        at = bisect.bisect_right(self._first_rows, row) - 1
        return self._ids[at][0] + row - self._first_rows[at]
