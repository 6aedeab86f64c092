"""The label schema: which labels a project offers, their kind, colour and key."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field, field_validator, model_validator


class LabelKind(StrEnum):
    """What a label's spans are: a named thing, a figure, or a date."""

    ENTITY = "entity"
    FIGURE = "figure"
    DATE = "date"


class Label(BaseModel):
    """One label a curator can give a span, e.g. ``MONEY`` (a figure) shown in green."""

    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]{0,39}$")
    kind: LabelKind
    color: str = Field(pattern=r"^#[0-9a-fA-F]{6}$")
    description: str = ""


# Colours chosen to stay readable behind black text and to differ from each other
# for the common forms of colour blindness (Okabe-Ito inspired, lightened).
DEFAULT_LABELS: tuple[Label, ...] = (
    Label(name="PERSON", kind=LabelKind.ENTITY, color="#9ecae1", description="A named person"),
    Label(name="ORG", kind=LabelKind.ENTITY, color="#fdae6b", description="An organisation, party, company or agency"),
    Label(name="LOCATION", kind=LabelKind.ENTITY, color="#a1d99b", description="A country, region, city or place"),
    Label(name="INITIATIVE", kind=LabelKind.ENTITY, color="#dadaeb", description="A named programme, treaty or initiative"),
    Label(name="MONEY", kind=LabelKind.FIGURE, color="#fdd0a2", description="An amount of money"),
    Label(name="PERCENT", kind=LabelKind.FIGURE, color="#f4a6c6", description="A percentage or percentage change"),
    Label(name="COUNT", kind=LabelKind.FIGURE, color="#c7e9c0", description="A count of things"),
    Label(name="QUANTITY", kind=LabelKind.FIGURE, color="#e6d28a", description="A measured quantity with a unit"),
    Label(name="DATE", kind=LabelKind.DATE, color="#bcbddc", description="A date, period or relative date"),
)


class LabelSchema(BaseModel):
    """The ordered labels of a project. The first nine get the number keys 1-9."""

    labels: list[Label] = Field(default_factory=lambda: [label.model_copy() for label in DEFAULT_LABELS])

    @field_validator("labels")
    @classmethod
    def _at_least_one(cls, labels: list[Label]) -> list[Label]:
        if not labels:
            raise ValueError("a label schema needs at least one label")
        return labels

    @model_validator(mode="after")
    def _unique_names(self) -> "LabelSchema":
        seen: set[str] = set()
        for label in self.labels:
            if label.name in seen:
                raise ValueError(f"label {label.name!r} is defined twice")
            seen.add(label.name)
        return self

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
