"""Which task field holds the text, as a Label Studio labeling config says it.

A config binds each object tag to a field of the task's data (``<Text name="text"
value="$ner"/>``), and each result names the object tag it marks (``to_name``). A
project remembers the binding of the last config it read (``curator schema import``, or
a config imported beside the tasks), so that its tasks are read from the right field.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curator.errors import DataError
from curator.store import Store

STATE_KEY = "labelstudio.text_fields"  # where a project keeps the binding (Store.set_state)
_TEXT_TAGS = ("Text", "HyperText", "Paragraphs")
_SPAN_CONTROLS = ("Labels", "ParagraphLabels", "HyperTextLabels")


@dataclass
class TextFields:
    """A labeling config's object tags (name → (tag, data field)) and the object its span
    labels mark (``labeled``), if one."""

    objects: dict[str, tuple[str, str]] = field(default_factory=dict)
    labeled: str | None = None
    control: str | None = None  # the name of the span labels' control (a result's ``from_name``)

    def field_of(self, to_name: str | None) -> str | None:
        """The data field of the text object ``to_name`` (None if it is not a text object)."""
        tag, name = self.objects.get(to_name or "", ("", ""))
        return name if tag == "Text" else None

    @property
    def text_field(self) -> str | None:
        """The field the config's span labels are drawn on, else its only text object's."""
        if self.labeled is not None and self.field_of(self.labeled):
            return self.field_of(self.labeled)
        texts = [name for tag, name in self.objects.values() if tag == "Text"]
        return texts[0] if len(texts) == 1 else None

    def as_json(self) -> dict[str, Any]:
        return {"objects": {name: list(pair) for name, pair in self.objects.items()}, "labeled": self.labeled,
                "control": self.control}

    @classmethod
    def from_json(cls, raw: Any) -> "TextFields | None":
        if not isinstance(raw, dict) or not isinstance(raw.get("objects"), dict):
            return None
        objects = {name: (pair[0], pair[1]) for name, pair in raw["objects"].items()
                   if isinstance(name, str) and isinstance(pair, list) and len(pair) == 2
                   and all(isinstance(part, str) for part in pair)}
        labeled = raw.get("labeled") if isinstance(raw.get("labeled"), str) else None
        control = raw.get("control") if isinstance(raw.get("control"), str) else None
        return cls(objects, labeled, control)


def is_config(text: str) -> bool:
    """Whether ``text`` looks like a Label Studio labeling config (an XML ``<View>``)."""
    return re.match(r"\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<View[\s>]", text, re.DOTALL) is not None


def text_fields(path: Path, text: str) -> TextFields:
    """The object tags of a labeling config and the fields of the data they show."""
    if re.search(r"<!(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        raise DataError(f"{path}: a labeling config with a DOCTYPE or ENTITY declaration is refused")
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        raise DataError(f"{path}: not well-formed XML ({exc})") from exc
    found = TextFields()
    for element in root.iter():
        value = element.get("value") or ""
        if element.tag in _TEXT_TAGS and element.get("name") and value.startswith("$"):
            found.objects[element.get("name")] = (element.tag, value[1:])
        elif element.tag in _SPAN_CONTROLS and found.labeled is None:
            found.labeled, found.control = element.get("toName"), element.get("name")
    return found


def remember(store: Store, fields: TextFields) -> None:
    """Keep a config's binding with the project, for the tasks imported later."""
    store.set_state(STATE_KEY, fields.as_json())


def remembered(store: Store) -> TextFields | None:
    """The binding of the last labeling config the project read, if any."""
    return TextFields.from_json(store.get_state(STATE_KEY))


def remember_config_file(store: Store, path: Path, text: str) -> str:
    """Read a labeling config's binding and keep it; returns what it says, for the report."""
    fields = text_fields(path, text)
    remember(store, fields)
    chosen = fields.text_field
    return (f"the text of its tasks is data.{chosen}" if chosen else
            "it names no single text field") + " (kept with the project for the tasks imported from now on)"
