"""The label schema: which labels a project offers, their kind, colour and key."""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, ValidationError, field_validator, model_validator

from curator.domain.model_base import Model, error_text
from curator.domain.templates import (  # noqa: F401 - LabelKind and TEMPLATES named here as well, where they always were
    TEMPLATE_LABELS,
    TEMPLATE_RELATIONS,
    TEMPLATES,
    LabelKind,
    check_template,
)
from curator.domain.text import nfc

_NAME = r"^[A-Za-z][A-Za-z0-9_\-]{0,39}$"  # a label or category set name


class Label(Model):
    """One label a curator can give a span, e.g. ``MONEY`` (a figure) shown in green."""

    name: str = Field(pattern=_NAME)
    kind: LabelKind
    color: str = Field(pattern=r"^#[0-9a-fA-F]{6}$")
    description: str = ""


DEFAULT_LABELS: tuple[Label, ...] = tuple(Label(**fields) for fields in TEMPLATE_LABELS["news"])


# Keys the window already gives a meaning (accept, reject, next, link, help, the label
# number keys): a category choice cannot take them.
RESERVED_KEYS = frozenset("AXNL?0123456789")


class Choice(Model):
    """One value of a category set, e.g. ``economy``, with an optional key (one letter)."""

    name: str = Field(min_length=1, max_length=60, pattern=r"^[^\x00-\x1f\x7f]+$")
    key: str | None = Field(default=None, pattern=r"^[A-Za-z0-9]$")

    @field_validator("name")
    @classmethod
    def _one_spelling(cls, name: str) -> str:
        return nfc(name)  # two spellings of one choice are one choice

    @field_validator("key")
    @classmethod
    def _not_reserved(cls, key: str | None) -> str | None:
        if key is not None and key.upper() in RESERVED_KEYS:
            raise ValueError(f"key {key!r} is taken by the window (A, X, N, L, ? and the digits are)")
        return key.upper() if key else None


class CategorySet(Model):
    """A way of classifying whole documents, e.g. ``topic`` (one of its choices) or
    ``issues`` (``multiple``: any of them)."""

    name: str = Field(pattern=_NAME)
    multiple: bool = False
    choices: list[Choice] = Field(min_length=1)
    description: str = ""

    @model_validator(mode="after")
    def _unique_choices(self) -> "CategorySet":
        names = [choice.name for choice in self.choices]
        if len(set(names)) != len(names):
            raise ValueError(f"category set {self.name!r} names a choice twice")
        return self

    @property
    def names(self) -> list[str]:
        return [choice.name for choice in self.choices]


class RelationLabel(Model):
    """One kind of link a curator can draw from a span to another, e.g. ``attributed_to``
    (a figure to the PERSON or ORG that stated it). ``directed``: from the first span to
    the second (else the two ends are alike, as ``deal_between``). ``source`` and
    ``target`` name the span labels or label kinds allowed at each end (none: any span).
    ``key`` is the letter that makes it in the window (with Shift); ``description`` its guideline."""

    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-:.]{0,39}$")  # (Label Studio's are "org:founded_by")
    directed: bool = True
    color: str = Field(default="#636363", pattern=r"^#[0-9a-fA-F]{6}$")
    key: str | None = Field(default=None, pattern=r"^[A-Za-z]$")
    description: str = ""
    source: list[str] = Field(default_factory=list)
    target: list[str] = Field(default_factory=list)

    @field_validator("key")
    @classmethod
    def _upper(cls, key: str | None) -> str | None:
        return key.upper() if key else None

    def allows(self, end: str, label: Label | None) -> bool:
        """Whether a span of ``label`` may be at ``end`` ("source" or "target")."""
        allowed = self.source if end == "source" else self.target
        return not allowed or (label is not None and (label.name in allowed or label.kind.value in allowed))


class LabelSchema(Model):
    """The ordered labels of a project (the first nine get the number keys 1-9), its
    document category sets and its relation labels."""

    labels: list[Label] = Field(default_factory=lambda: [label.model_copy() for label in DEFAULT_LABELS])
    categories: list[CategorySet] = Field(default_factory=list)
    # None unless given: a schema read from elsewhere, or saved before relations existed, has none.
    # (``template("news")``, what ``curator init`` and the sample project start from, has the news ones.)
    relations: list[RelationLabel] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_names(self) -> "LabelSchema":
        seen: set[str] = set()
        for label in self.labels:
            if label.name in seen:
                raise ValueError(f"label {label.name!r} is defined twice")
            seen.add(label.name)
        sets = [category.name for category in self.categories]
        if len(set(sets)) != len(sets):
            raise ValueError("a category set is defined twice")
        keys = [choice.key for category in self.categories for choice in category.choices if choice.key]
        if len(set(keys)) != len(keys):
            raise ValueError("two category choices share a key")
        names = [relation.name for relation in self.relations]
        if len(set(names)) != len(names):
            raise ValueError("a relation label is defined twice")
        relation_keys = [relation.key for relation in self.relations if relation.key]
        if len(set(relation_keys)) != len(relation_keys):
            raise ValueError("two relation labels share a key")
        for key in relation_keys:  # (pressed with Shift, so a category choice may have the same letter)
            if key in RESERVED_KEYS:
                raise ValueError(f"relation key {key!r} is taken by the window (Shift+{key})")
        return self

    def relation(self, name: str) -> RelationLabel | None:
        return next((relation for relation in self.relations if relation.name == name), None)

    def with_relation(self, relation: RelationLabel) -> "LabelSchema":
        """``relation`` added, or replacing the relation label of its name (in place)."""
        return self._with_named("relations", relation)

    def without_relation(self, name: str) -> "LabelSchema":
        return self._without_named("relations", name, f"no relation label {name!r}")

    def category(self, name: str) -> CategorySet | None:
        return next((category for category in self.categories if category.name == name), None)

    # -- changes: each returns a new schema, or raises ValueError saying why not ----------

    def with_label(self, label: Label, position: int | None = None) -> "LabelSchema":
        """``label`` added (at ``position``, else last), or replacing the label of its name."""
        labels = [existing for existing in self.labels if existing.name != label.name]
        index = next((i for i, existing in enumerate(self.labels) if existing.name == label.name), None)
        at = position if position is not None else index if index is not None else len(labels)
        labels.insert(max(0, min(at, len(labels))), label)
        return self.model_validate({**self.model_dump(), "labels": [x.model_dump() for x in labels]})

    def renamed(self, old: str, new: str) -> "LabelSchema":
        self._label(old)
        if new in self and new != old:
            raise ValueError(f"there is already a label {new!r}")
        return self.model_validate({**self.model_dump(), "relations": self._ends_naming(old, new), "labels": [
            {**x.model_dump(), "name": new} if x.name == old else x.model_dump() for x in self.labels]})

    def without(self, name: str, into: str | None = None) -> "LabelSchema":
        """``name`` deleted, or merged ``into`` another label. A relation's end that allows
        it allows ``into`` instead, or no longer names it; refused where it is the only
        label an end allows (that end, left empty, would allow any span)."""
        self._label(name)
        if into is not None:
            self._label(into)
        relations = self._ends_naming(name, into)
        for relation, before in zip(relations, self.relations):
            for end in ("source", "target"):
                if getattr(before, end) and not relation[end]:
                    raise ValueError(f"label {name!r} is the only label the {end} of relation {before.name!r} "
                                     "allows: change that relation label first")
        return self.model_validate({**self.model_dump(), "relations": relations, "labels": [
            x.model_dump() for x in self.labels if x.name != name]})

    def _ends_naming(self, old: str, new: str | None) -> list[dict[str, Any]]:
        """The relation labels, ``old`` named ``new`` at their ends (once), or not at all if None."""
        def named(ends: list[str]) -> list[str]:
            changed = [new if end == old else end for end in ends]
            return [end for index, end in enumerate(changed) if end is not None and end not in changed[:index]]

        return [{**r.model_dump(), "source": named(r.source), "target": named(r.target)} for r in self.relations]

    def moved(self, name: str, position: int) -> "LabelSchema":
        label = self._label(name)
        rest = self.model_validate({**self.model_dump(), "labels": [x.model_dump() for x in self.labels if x.name != name]})
        return rest.with_label(label, position)

    def with_category(self, category: CategorySet) -> "LabelSchema":
        """``category`` added, or replacing the set of its name (in place)."""
        return self._with_named("categories", category)

    def without_category(self, name: str) -> "LabelSchema":
        return self._without_named("categories", name, f"no category set {name!r}")

    def _with_named(self, field: str, entry: CategorySet | RelationLabel) -> "LabelSchema":
        """``entry`` added to the list ``field``, or replacing the entry of its name there (in place)."""
        current = getattr(self, field)
        entries = [e.model_dump() for e in current]
        index = next((i for i, e in enumerate(current) if e.name == entry.name), None)
        if index is None:
            entries.append(entry.model_dump())
        else:
            entries[index] = entry.model_dump()
        return self.model_validate({**self.model_dump(), field: entries})

    def _without_named(self, field: str, name: str, missing: str) -> "LabelSchema":
        """The entry named ``name`` taken out of the list ``field``; ValueError(``missing``) if none is."""
        current = getattr(self, field)
        if not any(e.name == name for e in current):
            raise ValueError(missing)
        return self.model_validate({**self.model_dump(), field: [e.model_dump() for e in current if e.name != name]})

    def _label(self, name: str) -> Label:
        label = self.get(name)
        if label is None:
            raise ValueError(f"no label {name!r}")
        return label

    @property
    def names(self) -> list[str]:
        return [label.name for label in self.labels]

    def get(self, name: str) -> Label | None:
        return next((label for label in self.labels if label.name == name), None)

    def __contains__(self, name: object) -> bool:
        return any(label.name == name for label in self.labels)

    def key_of(self, name: str) -> str | None:
        """The number key (``"1"``..``"9"``) that applies ``name``, if it has one."""
        for index, label in enumerate(self.labels[:9]):
            if label.name == name:
                return str(index + 1)
        return None


def template(name: str) -> LabelSchema:
    """The schema a new project starts from (``TEMPLATES`` names them)."""
    check_template(name)
    return LabelSchema(labels=[Label(**fields) for fields in TEMPLATE_LABELS[name]],
                       relations=[RelationLabel(**fields) for fields in TEMPLATE_RELATIONS[name]])


_CHOICE_TEXT = re.compile(r"^(?P<name>.*?)\s*(?:\((?P<bracketed>[^()\s])\)|:(?P<colon>[^:\s]))?\s*$")


def choice_from_text(text: str) -> dict | None:
    """A category choice as curators write it: ``economy``, with a key either way,
    ``economy (E)`` (the window) or ``economy:E`` (the command line); None for nothing."""
    match = _CHOICE_TEXT.match(text.strip())
    if not match or not match["name"]:
        return None
    return {"name": match["name"], "key": match["bracketed"] or match["colon"]}


def reason(exc: ValueError) -> str:
    """What a refused schema change did wrong, in a line (pydantic's errors, unwrapped)."""
    if isinstance(exc, ValidationError):
        return "; ".join((f"{'.'.join(map(str, error['loc']))}: " if error["loc"] else "")
                         + error_text(error) for error in exc.errors())
    return str(exc)
