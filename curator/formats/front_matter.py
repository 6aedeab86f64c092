"""Front matter: the block of fields a Markdown file may start with, between ``---`` lines
(YAML, as Jekyll, Hugo, Obsidian and web clippers write a saved page's title, address and
date) or ``+++`` lines (TOML, as Hugo writes it). The block is the file's metadata, not
its article: the article is the text after it."""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from typing import Any

MAX_CHARS = 64 * 1024  # a block longer than this is not front matter but an article that starts with a rule

_OPENING = re.compile(r"\A(?P<fence>---|\+\+\+)[ \t]*\r?\n")
_CLOSING = {"---": re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.M),
            "+++": re.compile(r"^\+\+\+[ \t]*(?:\r?\n|\Z)", re.M)}

# Names front matter gives the fields a record names otherwise (an outlet, a date), as web
# clippers and site generators write them, and the fields only front matter has.
_NAMES = {"publisher": "source", "site": "source", "site_name": "source", "pubdate": "published",
          "date_published": "published", "canonical_url": "url", "permalink": "url"}
_ITS_OWN = {"author", "authors", "tags", "description"}


class Unreadable(ValueError):
    """A block that opens and closes as front matter but cannot be read; says why."""


@dataclass
class FrontMatter:
    fields: dict[str, Any]  # by name as written: YAML's values as written (text), TOML's typed
    body: str  # the text after the block, its blank lines before the first words left out


def split(text: str, fields: Collection[str]) -> FrontMatter | None:
    """The front matter ``text`` starts with and the text after it, or None where it starts
    with none: no block, or one that is not a set of fields (a thematic break, then a list
    or prose). A set of fields is front matter when it names one of ``fields`` (lower
    case) or of the fields front matter gives an article (author, tags); else, and where
    it cannot be read, ``Unreadable`` says why (the block is then the article's)."""
    opening = _OPENING.match(text)
    if opening is None:
        return None
    fence = opening.group("fence")
    closing = _CLOSING[fence].search(text, opening.end(), min(len(text), opening.end() + MAX_CHARS))
    if closing is None:
        return None
    block = text[opening.end():closing.start()]
    try:
        found = _yaml(block) if fence == "---" else _toml(block)
    except RecursionError as exc:
        raise Unreadable("its front matter is nested too deep") from exc
    if found is None and not block.strip():
        found = {}
    if not isinstance(found, dict):
        return None  # (a thematic break, then the article's first lines: a heading, a list, prose)
    names = {str(name).strip().lower() for name in found}
    if found and not names & {*fields, *_NAMES, *_ITS_OWN}:
        raise Unreadable(f"the block at its start names none of the fields an article has (such as title, date, "
                         f"source or url), only {', '.join(sorted(names))[:200]}")
    body = text[closing.end():]
    return FrontMatter({str(name): _plain(value) for name, value in found.items()},
                       body[len(body) - len(body.lstrip("\r\n")):])


def as_record(front: FrontMatter) -> dict[str, Any]:
    """The fields as a record of articles names them, the body its text: a ``source`` that
    is an address (as web clippers write the page's) is its ``url``, ``site_name`` its
    outlet. A field whose name is taken (``text``, or a second outlet) is kept as
    ``front_matter_NAME``."""
    record: dict[str, Any] = {}
    for name, value in front.fields.items():
        key = name.strip().lower()
        if key == "source" and isinstance(value, str) and value.strip().lower().startswith(("http://", "https://")):
            key = "url"
        key = _NAMES.get(key, key)
        if key == "text" or key in record:
            key = f"front_matter_{name.strip().lower()}"
        record[key] = value
    return {**record, "text": front.body}


def _unreadable(kind: str, exc: Exception) -> Unreadable:
    return Unreadable(f"its front matter is not {kind}: {' '.join(str(exc).split())[:300]}")


def _toml(block: str) -> Any:
    import tomllib

    try:
        return tomllib.loads(block)
    except tomllib.TOMLDecodeError as exc:
        raise _unreadable("TOML", exc) from exc


def _yaml(block: str) -> Any:
    import yaml  # (only for a file that has front matter)

    try:
        return yaml.load(block, Loader=_loader())  # noqa: S506 - it makes strings, lists and maps only
    except yaml.YAMLError as exc:
        raise _unreadable("YAML", exc) from exc


@cache
def _loader() -> type:
    """YAML's values as written: an id ``0123`` stays ``0123`` (YAML 1.1 reads an octal 83),
    ``title: Yes`` a title (not true), a date the text the record's date is read from. No
    aliases: front matter has no need of them, and a few nested ones stand for more values
    than memory holds once each is read as a copy."""
    import yaml

    class Loader(yaml.BaseLoader):
        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                raise yaml.composer.ComposerError(None, None, "it uses an alias (*name)",
                                                  self.peek_event().start_mark)
            return super().compose_node(parent, index)

    return Loader


def _plain(value: Any) -> Any:
    """``value`` (TOML's typed values) as JSON holds it: a date or time as its ISO text
    below the top level, a number JSON has no way to write as its text."""
    if isinstance(value, (date, datetime)):
        return value  # (a field's date is read as the date it is; in extra, written as text)
    if isinstance(value, dict):
        return {str(key): _text_of_date(_plain(item)) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_text_of_date(_plain(item)) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # (JSON has no NaN or infinity)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, time):
        return value.isoformat()
    return str(value)


def _text_of_date(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value
