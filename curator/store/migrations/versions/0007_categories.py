"""Document categories: each annotator's choices in each of the project's category sets.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None
summary = "adding document categories"  # the step as the user reads it while it runs


def upgrade() -> None:
    op.create_table(
        "categories",
        sa.Column("doc_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("annotator", sa.String(100), primary_key=True),
        sa.Column("set_name", sa.String(40), primary_key=True),
        sa.Column("choices", sa.JSON, nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("categories")
