"""Measures and attribution overrides in tables of their own: the measures facts are
grouped by (one row per measure, in order) and whom curators attributed figures to (one
row per span), moved out of the JSON values they were in the meta table.

Revision ID: 0010
Revises: 0009
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None
summary = "moving measures and attributions into tables of their own"  # the step as the user reads it while it runs

MEASURES_KEY = "state.facts.measures"
ATTRIBUTIONS_KEY = "state.facts.attributions"
EMPTY_LIST = ""  # the name of the one row of a project's own list of measures left empty

_meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))


def _stored(connection: sa.Connection, key: str) -> object:
    raw = connection.execute(sa.select(_meta.c.value).where(_meta.c.key == key)).scalar()
    try:
        return json.loads(raw) if raw is not None else None
    except ValueError:  # a value damaged outside Curator was read as none; it stays none
        return None


def upgrade() -> None:
    measures = op.create_table(
        "measures",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("words", sa.JSON, nullable=False),
    )
    attributions = op.create_table(
        "attributions",
        sa.Column("annotation_id", sa.String(64), primary_key=True),
        sa.Column("attribution", sa.Text, nullable=False),
    )
    connection = op.get_bind()
    # What the store read from meta is what it reads from the tables: the same entries
    # kept, the same ones (not a list, not a mapping) left out.
    stored = _stored(connection, MEASURES_KEY)
    if isinstance(stored, dict):
        kept: dict[str, list[str]] = {}
        for name, words in stored.items():
            if isinstance(words, list) and str(name) != EMPTY_LIST:
                kept.setdefault(str(name)[:200], [str(word) for word in words])
        rows = [{"name": name, "position": position, "words": words}
                for position, (name, words) in enumerate(kept.items())]
        op.bulk_insert(measures, rows or [{"name": EMPTY_LIST, "position": 0, "words": []}])
    stored = _stored(connection, ATTRIBUTIONS_KEY)
    if isinstance(stored, dict) and stored:
        op.bulk_insert(attributions, [{"annotation_id": str(key)[:64], "attribution": str(value)}
                                      for key, value in stored.items()])
    connection.execute(_meta.delete().where(_meta.c.key.in_([MEASURES_KEY, ATTRIBUTIONS_KEY])))


def downgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT name, words FROM measures ORDER BY position")).all()
    if rows:
        measures = {name: json.loads(words) if isinstance(words, str) else words
                    for name, words in rows if name != EMPTY_LIST}
        connection.execute(_meta.insert().values(key=MEASURES_KEY, value=json.dumps(measures)))
    rows = connection.execute(sa.text("SELECT annotation_id, attribution FROM attributions")).all()
    if rows:
        connection.execute(_meta.insert().values(key=ATTRIBUTIONS_KEY, value=json.dumps(dict(rows))))
    op.drop_table("attributions")
    op.drop_table("measures")
