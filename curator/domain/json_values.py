"""What a JSON value may hold to be stored and written back: every reader checks a
parsed file's values with these, and the models check a document's extra metadata."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

MAX_DEPTH = 64  # JSON nesting: real records stay under ten; a deeper file is hostile or broken


def bad_value(value: Any) -> str | None:
    """Why a parsed JSON value cannot be stored (a non-finite number, a lone surrogate or
    NUL character, nesting too deep), or None. Walks the value without recursion."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        kind = type(item)
        if kind is str:
            if "\x00" in item:
                return f"the string {item[:40]!r} holds a NUL character (the store cannot keep it)"
            if not bad_text(item):
                continue
            return f"the string {item[:40]!r} holds a lone surrogate (not a Unicode character)"
        if kind is float:
            if not math.isfinite(item):
                return f"the number {item} is not finite"
        elif kind is list or kind is dict:
            if depth >= MAX_DEPTH:
                return f"nested more than {MAX_DEPTH} levels deep"
            items: Iterable[Any] = item if kind is list else [*item.keys(), *item.values()]
            stack.extend((child, depth + 1) for child in items)
    return None


def bad_text(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate (it cannot be written as UTF-8)."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
