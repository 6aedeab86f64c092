"""The review items of each document, worked out once and kept with the fingerprint of
the spans they came from, so that a clean export and the review counts read them
instead of recomputing every document's items.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None
summary = "adding the review items of each document"  # the step as the user reads it while it runs


def upgrade() -> None:
    op.create_table(
        "review_items",
        sa.Column("doc_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("fingerprint", sa.String(200), nullable=False),
        sa.Column("items", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("review_items")
