"""Label schemas as files: Curator's own schema file (JSON, with its own JSON Schema),
and the schemas of other tools read into one: a Label Studio labeling config (XML,
``<Labels>``, ``<Choices>`` and ``<Relations>``) and doccano's label export (JSON, its
relation types too)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from curator.domain.model_base import error_text
from curator.domain.schema import (
    RESERVED_KEYS,
    Label,
    LabelKind,
    LabelSchema,
    RelationLabel,
)
from curator.errors import DataError
from curator.formats.boundary import BadJSON, check_input, loads
from curator.formats.outputs import atomic_path

FORMAT = "curator-schema"
MAX_BYTES = 2_000_000  # a schema is a few kilobytes; anything near this is not one

# Conventional label names of other tools and corpora, and the kind their spans are here.
_KINDS = {
    LabelKind.ENTITY: {"PERSON", "PER", "ORG", "ORGANIZATION", "ORGANISATION", "LOC", "LOCATION", "GPE", "NORP",
                       "FAC", "FACILITY", "EVENT", "PRODUCT", "INITIATIVE", "WORK_OF_ART", "LAW", "LANGUAGE"},
    LabelKind.FIGURE: {"MONEY", "PERCENT", "CARDINAL", "QUANTITY", "COUNT", "ORDINAL", "NUMBER", "AMOUNT"},
    LabelKind.DATE: {"DATE", "TIME", "PERIOD"},
}
# Names other tools and corpora give the labels of the news template, each group one
# label: a file's GPE spans are a project's LOCATION, its CARDINAL a project's COUNT.
# (A label of a name of its own, MONEY say, is a project's in any case: ``equivalent_label``.)
_EQUIVALENTS = (("PERSON", "PER", "PERS"), ("ORG", "ORGANIZATION", "ORGANISATION"),
                ("LOCATION", "LOC", "GPE", "FAC", "FACILITY", "PLACE"), ("COUNT", "CARDINAL", "NUMBER"),
                ("PERCENT", "PERCENTAGE"))
_PALETTE = ("#9ecae1", "#fdae6b", "#a1d99b", "#dadaeb", "#fdd0a2", "#f4a6c6", "#c7e9c0", "#e6d28a", "#bcbddc",
            "#c6dbef", "#fcbba1", "#d9d9d9")


def guessed_kind(name: str) -> LabelKind:
    """The kind a label named ``name`` elsewhere most likely has (plain if no convention says)."""
    upper = name.upper()
    return next((kind for kind, names in _KINDS.items() if upper in names), LabelKind.PLAIN)


def equivalent_label(name: str, labels: Iterable[str]) -> str | None:
    """The label of ``labels`` (a project's) that a file's label ``name`` conventionally is
    (GPE is a LOCATION, PER a PERSON, CARDINAL a COUNT), or None."""
    upper = name.upper()
    group = next((names for names in _EQUIVALENTS if upper in names), (upper,))  # (else: its case only)
    by_upper = {label.upper(): label for label in labels}
    return next((by_upper[other] for other in group if other in by_upper and by_upper[other] != name), None)


def label_named(name: str, index: int, color: str | None = None, description: str = "") -> Label:
    """A label for a name found elsewhere (a file's spans, another tool's config)."""
    shown = color if color and re.fullmatch(r"#[0-9a-fA-F]{6}", color) else _PALETTE[index % len(_PALETTE)]
    return Label(name=name, kind=guessed_kind(name), color=shown, description=description)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of Curator's schema file."""
    schema = LabelSchema.model_json_schema()
    schema["properties"]["format"] = {"const": FORMAT}
    schema["title"] = "Curator labels and categories"
    return schema


def write_schema(schema: LabelSchema, target: str | Path) -> None:
    data = {"format": FORMAT, **schema.model_dump(mode="json")}
    with atomic_path(target) as temp:
        temp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _text(path: Path) -> str:
    try:
        size = check_input(path)
        if size > MAX_BYTES:
            raise DataError(f"{path}: {size:,} bytes is too large for a label schema")
        return path.read_text(encoding="utf-8-sig")  # a byte order mark, as editors on Windows save one
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror or exc})") from exc


def _model(path: Path, data: Any) -> LabelSchema:
    try:
        return LabelSchema.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "schema"
        raise DataError(f"{path}: {where}: {error_text(error)}") from exc


def read_schema(path: str | Path) -> tuple[LabelSchema, str]:
    """A schema from a file and what it was: Curator's schema file, a Label Studio
    labeling config or a doccano label export (told apart by content)."""
    path = Path(path)
    text = _text(path)
    if text.lstrip().startswith("<"):
        return read_label_studio_config(path, text), "Label Studio labeling config"
    try:
        data = loads(text)
    except (BadJSON, ValueError) as exc:
        raise DataError(f"{path}: not JSON or XML ({exc})") from exc
    if isinstance(data, dict) and data.get("format") == FORMAT:
        return _model(path, {k: v for k, v in data.items() if k != "format"}), "Curator schema file"
    if isinstance(data, list):
        return read_doccano_labels(path, data), "doccano label export"
    raise DataError(f"{path}: not a schema file Curator knows (a Curator schema file has \"format\": "
                    f"\"{FORMAT}\"; doccano's label export is a list; a Label Studio config is XML)")


def read_doccano_labels(path: Path, data: list) -> LabelSchema:
    """doccano's label export: ``[{"text": "PER", "background_color": "#...", "suffix_key": "p"}, ...]``.
    Labels whose ``task_type`` is ``Category`` (a classification's) are the choices of a
    category set named ``category`` (several may be chosen, as doccano allows by default)."""
    labels, choices, relations = [], [], []
    relation_keys: set[str] = set()
    for index, raw in enumerate(data):
        name = raw.get("text") if isinstance(raw, dict) else None
        if not isinstance(name, str):
            raise DataError(f"{path}: label {index + 1}: no \"text\" naming it")
        if str(raw.get("task_type") or "").lower() in ("relation", "relationtype"):
            relations.append(_relation_named(path, name, len(relations), raw.get("background_color"),
                                             raw.get("suffix_key"), relation_keys))
            continue
        if raw.get("task_type") == "Category":
            key = raw.get("suffix_key")
            key = key.upper() if isinstance(key, str) and len(key) == 1 and key.upper() not in RESERVED_KEYS else None
            choices.append({"name": name, "key": key})
            continue
        try:
            labels.append(label_named(name, index, raw.get("background_color")))
        except ValidationError as exc:
            raise DataError(f"{path}: label {name[:40]!r}: not a usable label name (a letter, then letters, digits, "
                            "_ or -, at most 40)") from exc
    categories = [{"name": "category", "multiple": True, "choices": choices}] if choices else []
    return _model(path, {"labels": [label.model_dump() for label in labels], "categories": categories,
                         "relations": relations})


def read_label_studio_config(path: Path, text: str) -> LabelSchema:
    """A Label Studio labeling config: each ``<Labels>`` block's ``<Label value>`` become
    span labels, each ``<Choices name>`` a category set (``choice="multiple"``: multi-choice)."""
    if re.search(r"<!(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        raise DataError(f"{path}: a labeling config with a DOCTYPE or ENTITY declaration is refused")
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        raise DataError(f"{path}: not well-formed XML ({exc})") from exc
    labels: list[dict] = []
    categories: list[dict] = []
    relations: list[dict] = []
    relation_keys: set[str] = set()
    seen: set[str] = set()
    for element in root.iter():
        if element.tag in ("Labels", "ParagraphLabels", "HyperTextLabels"):
            for child in element.iter("Label"):
                name = child.get("value") or ""
                if name and name not in seen:
                    seen.add(name)
                    try:
                        labels.append(label_named(name, len(labels), child.get("background"),
                                                  child.get("hint") or "").model_dump())
                    except ValidationError as exc:
                        raise DataError(f"{path}: <Label value={name[:40]!r}>: not a usable label name (a letter, "
                                        "then letters, digits, _ or -, at most 40)") from exc
        elif element.tag == "Relations":  # each <Relation value> a relation label, drawn with a direction
            for child in element.iter("Relation"):
                name = child.get("value") or ""
                if name and all(r["name"] != name for r in relations):
                    relations.append(_relation_named(path, name, len(relations), child.get("background"),
                                                     child.get("hotkey"), relation_keys))
        elif element.tag == "Choices":
            choices = [{"name": choice.get("value") or "",
                        "key": key.upper() if (key := choice.get("hotkey") or "") and len(key) == 1
                        and key.upper() not in RESERVED_KEYS else None}
                       for choice in element.iter("Choice")]
            categories.append({"name": element.get("name") or f"choices{len(categories) + 1}",
                               "multiple": element.get("choice") == "multiple", "choices": choices})
    if not labels and not categories:
        raise DataError(f"{path}: the config has no <Labels> or <Choices>")
    return _model(path, {"labels": labels, "categories": categories, "relations": relations})


def label_studio_config(schema: LabelSchema, text_field: str = "text", text_name: str = "text",
                        control: str = "label") -> str:
    """A Label Studio labeling config for ``schema``: its labels (colours and descriptions
    as hints) drawn with ``control`` on the text object ``text_name`` showing the task's
    ``text_field``, its relation labels, and each category set as choices: the names
    Curator's Label Studio export writes, so that Label Studio shows its tasks as they are."""
    view = ElementTree.Element("View")
    labels = ElementTree.SubElement(view, "Labels", name=control, toName=text_name)
    for label in schema.labels:
        shown = {"value": label.name, "background": label.color}
        ElementTree.SubElement(labels, "Label", {**shown, **({"hint": label.description} if label.description else {})})
    ElementTree.SubElement(view, "Text", name=text_name, value=f"${text_field}")
    if schema.relations:
        relations = ElementTree.SubElement(view, "Relations")
        for relation in schema.relations:
            ElementTree.SubElement(relations, "Relation", value=relation.name, background=relation.color)
    for category in schema.categories:
        choices = ElementTree.SubElement(view, "Choices", name=category.name, toName=text_name,
                                         choice="multiple" if category.multiple else "single", showInLine="true")
        for choice in category.choices:
            ElementTree.SubElement(choices, "Choice", value=choice.name)
    ElementTree.indent(view)
    return ElementTree.tostring(view, encoding="unicode") + "\n"


def _relation_named(path: Path, name: str, index: int, color: str | None, key: Any, taken: set[str]) -> dict:
    """A relation label for a name found in another tool's config: directed, any span at
    either end (the tools do not say), its colour and key where usable (one the window
    keeps, or an earlier relation took, is left out)."""
    shown = color if color and re.fullmatch(r"#[0-9a-fA-F]{6}", color) else _PALETTE[(index + 6) % len(_PALETTE)]
    usable_key = (key.upper() if isinstance(key, str) and len(key) == 1 and key.isalpha()
                  and key.upper() not in RESERVED_KEYS and key.upper() not in taken else None)
    if usable_key:
        taken.add(usable_key)
    try:
        return RelationLabel(name=name, color=shown, key=usable_key).model_dump()
    except ValidationError as exc:
        raise DataError(f"{path}: relation {name[:40]!r}: not a usable relation label name (a letter, then letters, "
                        "digits, _, -, : or ., at most 40)") from exc

