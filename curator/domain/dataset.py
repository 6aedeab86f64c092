"""The exported dataset's shape, as pydantic models that also validate it.

An export is a ``Dataset``: the label schema and every document with its text
and annotations. Validation runs the same models with the project's labels in
the validation context, so offsets, slices and labels are checked in one place.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import (
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from curator.domain.json_values import bad_value
from curator.domain.model_base import Model, error_text
from curator.domain.models import Entity
from curator.domain.schema import LabelSchema
from curator.domain.text import span_problem
from curator.domain.values import parse_value

FORMAT_VERSION = 1


class ExportAnnotation(Model):
    """One span as exported: offsets into the document text and the text itself."""

    id: str
    start: int = Field(ge=0)
    end: int = Field(gt=0)
    text: str
    label: str
    annotator: str
    created: datetime
    updated: datetime
    value: dict[str, Any] | None = None
    entity_id: str | None = None

    @field_validator("value")
    @classmethod
    def _valid_value(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is None:
            return None
        try:
            return parse_value(value).model_dump(mode="json", exclude_none=value.get("type") == "date")
        except ValidationError as exc:
            raise ValueError(f"invalid normalized value: {error_text(exc.errors()[0])}") from exc

    @field_validator("entity_id")
    @classmethod
    def _known_entity(cls, entity_id: str | None, info: ValidationInfo) -> str | None:
        entities = (info.context or {}).get("entities")
        if entity_id is not None and entities is not None and entity_id not in entities:
            raise ValueError(f"linked to entity {entity_id!r}, which does not exist")
        return entity_id

    @field_validator("label")
    @classmethod
    def _label_in_schema(cls, label: str, info: ValidationInfo) -> str:
        labels = (info.context or {}).get("labels")
        if labels is not None and label not in labels:
            raise ValueError(f"unknown label {label!r} (the schema has {', '.join(sorted(labels))})")
        return label


class ExportCategory(Model):
    """An annotator's choices in one of the project's category sets, for a document."""

    annotator: str
    set: str
    choices: list[str] = Field(min_length=1)


class ExportRelation(Model):
    """A relation as exported: the ids of the two spans it links (annotations of the same
    document and annotator), its relation label and who drew it."""

    id: str
    source_id: str
    target_id: str
    label: str
    annotator: str


class ExportDocument(Model):
    """One document as exported, with its annotations in text order."""

    id: str = Field(min_length=1)
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: date | None = None
    extra: dict[str, Any] = Field(default_factory=dict, description="the article's other metadata, as imported")
    status: str = Field("todo", description="done if anyone marked the document done (of the layer, if one)")
    done_by: list[str] = Field(default_factory=list, description="who marked the document done")
    text: str = Field(min_length=1)
    annotations: list[ExportAnnotation] = Field(default_factory=list)
    categories: list[ExportCategory] = Field(default_factory=list)
    relations: list[ExportRelation] = Field(default_factory=list)

    @field_validator("extra")
    @classmethod
    def _storable_extra(cls, extra: dict[str, Any]) -> dict[str, Any]:
        reason = extra and bad_value(extra)
        if reason:
            raise ValueError(f"extra metadata cannot be written as JSON: {reason}")
        return extra

    @model_validator(mode="after")
    def _spans_match_text(self) -> "ExportDocument":
        problems = []
        for index, span in enumerate(self.annotations):
            problem = span_problem(self.text, span.start, span.end, span.text)
            if problem:
                problems.append(f"annotations.{index}: span {span.start}-{span.end} {problem}")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class Dataset(Model):
    """A whole export: what produced it, the label schema, and the documents."""

    format: str = "curator-dataset"
    format_version: int = FORMAT_VERSION
    project: str
    exported: datetime
    layer: str | None = None
    label_schema: LabelSchema
    entities: list[Entity] = Field(default_factory=list)
    documents: list[ExportDocument]
