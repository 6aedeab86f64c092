"""Facts with structure: the entities a fact is about, and the authority its figures are
attributed to.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None
summary = "adding the entities and authorities of facts"  # the step as the user reads it while it runs


def upgrade() -> None:
    with op.batch_alter_table("facts") as batch:
        batch.add_column(sa.Column("subjects", sa.JSON, nullable=True))
        batch.add_column(sa.Column("attribution", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("facts") as batch:
        batch.drop_column("attribution")
        batch.drop_column("subjects")
