"""Updating a list model row by row when its items are re-read from the store."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from PySide6.QtCore import QAbstractItemModel, QModelIndex

T = TypeVar("T")


def sync_rows(model: QAbstractItemModel, rows: list[T], new: Sequence[T], key: Callable[[T], Hashable],
              on_changed: Callable[[int], Any] | None = None) -> None:
    """Turn ``rows`` into ``new`` with remove/insert signals for just the rows that differ.

    Both lists must be in the same order (e.g. text order); rows present in both
    keep their place, so selections and scroll positions survive.
    """
    wanted = {key(item) for item in new}
    row = len(rows) - 1
    while row >= 0:
        if key(rows[row]) not in wanted:
            model.beginRemoveRows(QModelIndex(), row, row)
            del rows[row]
            model.endRemoveRows()
        row -= 1
    # What is left of ``rows`` is in ``new``'s order, so row i either already
    # holds new[i] or new[i] is missing there and is inserted.
    for index, item in enumerate(new):
        if index < len(rows) and key(rows[index]) == key(item):
            rows[index] = item
            if on_changed is not None:
                on_changed(index)
            continue
        model.beginInsertRows(QModelIndex(), index, index)
        rows.insert(index, item)
        model.endInsertRows()
