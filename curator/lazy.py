"""Names of a package that live in its submodules, imported when first used (PEP 562),
so that importing the package costs nothing until one of them is needed."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_names(namespace: dict[str, Any], home: dict[str, str], aliases: dict[str, str] | None = None
               ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of the package whose globals are ``namespace``:
    each name of ``home`` is imported from its module on first use, then kept as an
    ordinary attribute; ``aliases`` are other names for some of them."""
    aliases = aliases or {}
    package = namespace["__name__"]

    def __getattr__(name: str) -> Any:
        real = aliases.get(name, name)
        if real not in home:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home[real]), real)
        namespace[name] = value  # found once, then an ordinary attribute
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *home, *aliases})

    return __getattr__, __dir__
