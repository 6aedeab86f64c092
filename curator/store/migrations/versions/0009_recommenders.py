"""Learned recommenders: each trained model kept in the project (so a copy or a backup
carries it), and the confidence of each suggestion.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None
summary = "adding learned recommenders"  # the step as the user reads it while it runs


def upgrade() -> None:
    op.create_table(
        "recommenders",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("info", sa.JSON, nullable=False),
        sa.Column("model", sa.LargeBinary, nullable=False),
    )
    with op.batch_alter_table("suggestions") as batch:
        batch.add_column(sa.Column("confidence", sa.Float, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("suggestions") as batch:
        batch.drop_column("confidence")
    op.drop_table("recommenders")
