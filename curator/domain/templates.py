"""What a new project starts from, as plain data: the kinds a label can be, the labels of
news curation and the templates that name a new project's labels.

``curator.domain.schema`` makes its models of these. ``curator init`` writes a new
project's settings from them without pydantic (``new_project_json``): importing pydantic
and building the models is a tenth of a second, most of what creating a project costs.
A test holds the JSON written here to the models' own.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from enum import StrEnum


class LabelKind(StrEnum):
    """What a label's spans are: a named thing (linked to the entity register), a figure
    (a normalized amount), a date (a normalized interval), or plain (no value)."""

    ENTITY = "entity"
    FIGURE = "figure"
    DATE = "date"
    PLAIN = "plain"


# The fields of each label, in the model's order (``schema.Label``). Colours chosen to stay
# readable behind black text and to differ from each other for the common forms of colour
# blindness (Okabe-Ito inspired, lightened).
NEWS_LABELS: tuple[dict[str, str], ...] = (
    {"name": "PERSON", "kind": LabelKind.ENTITY, "color": "#9ecae1", "description": "A named person"},
    {"name": "ORG", "kind": LabelKind.ENTITY, "color": "#fdae6b",
     "description": "An organisation, party, company or agency"},
    {"name": "LOCATION", "kind": LabelKind.ENTITY, "color": "#a1d99b", "description": "A country, region, city or place"},
    {"name": "INITIATIVE", "kind": LabelKind.ENTITY, "color": "#dadaeb",
     "description": "A named programme, treaty or initiative"},
    {"name": "MONEY", "kind": LabelKind.FIGURE, "color": "#fdd0a2", "description": "An amount of money"},
    {"name": "PERCENT", "kind": LabelKind.FIGURE, "color": "#f4a6c6",
     "description": "A percentage or percentage change"},
    {"name": "COUNT", "kind": LabelKind.FIGURE, "color": "#c7e9c0", "description": "A count of things"},
    {"name": "QUANTITY", "kind": LabelKind.FIGURE, "color": "#e6d28a", "description": "A measured quantity with a unit"},
    {"name": "DATE", "kind": LabelKind.DATE, "color": "#bcbddc", "description": "A date, period or relative date"},
)

TEMPLATES = {
    "news": "the nine labels of news curation: people, organisations, places, initiatives, money, percentages, "
            "counts, quantities and dates",
    "empty": "no labels: the project defines its own",
}
TEMPLATE_LABELS: dict[str, tuple[dict[str, str], ...]] = {"news": NEWS_LABELS, "empty": ()}

# The relation labels of each template, fields in the model's order (``schema.RelationLabel``).
NEWS_RELATIONS: tuple[dict, ...] = (
    {"name": "attributed_to", "directed": True, "color": "#636363", "key": "T",
     "description": "A figure to the person or organisation that stated it (according to ..., ... said)",
     "source": [LabelKind.FIGURE.value], "target": ["PERSON", "ORG"]},
    {"name": "about", "directed": True, "color": "#31a354", "key": "S",
     "description": "A figure to what it measures: the country, organisation or programme it is about "
                    "(its subjects in facts)",
     "source": [LabelKind.FIGURE.value], "target": [LabelKind.ENTITY.value]},
    {"name": "deal_between", "directed": False, "color": "#3182bd", "key": "B",
     "description": "Two parties to an agreement, deal or talks (between A and B)",
     "source": ["PERSON", "ORG", "LOCATION"], "target": ["PERSON", "ORG", "LOCATION"]},
)
TEMPLATE_RELATIONS: dict[str, tuple[dict, ...]] = {"news": NEWS_RELATIONS, "empty": ()}


def check_template(name: str) -> None:
    if name not in TEMPLATES:
        raise ValueError(f"no template {name!r}: choose one of {', '.join(TEMPLATES)}")


def new_project_json(name: str, template: str, created: datetime | None = None) -> str:
    """A new project's settings as the store keeps them: the JSON that
    ``Project(name=name, label_schema=schema.template(template), created=created).model_dump_json()``
    writes (``created``: a time in UTC, now if not given), written without pydantic."""
    check_template(template)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (a file name's undecodable byte): the model says what is wrong
        from curator.domain.models import Project
        from curator.domain.schema import template as schema_template

        project = Project(name=name, label_schema=schema_template(template))
        return (project.model_copy(update={"created": created}) if created else project).model_dump_json()
    created = created or datetime.now(timezone.utc)
    settings = {"name": name, "label_schema": {"labels": list(TEMPLATE_LABELS[template]), "categories": [],
                                                    "relations": list(TEMPLATE_RELATIONS[template])},
                # as pydantic writes a time in UTC: with "Z", and microseconds only when there are some
                "created": created.isoformat().removesuffix("+00:00") + "Z"}
    return json.dumps(settings, ensure_ascii=False, separators=(",", ":"))
