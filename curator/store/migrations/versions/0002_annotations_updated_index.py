"""Index annotations by their last edit, for the poll that shows others' edits.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None
summary = "indexing annotations by their last edit"  # the step as the user reads it while it runs


def upgrade() -> None:
    op.create_index("ix_annotations_doc_updated", "annotations", ["doc_id", "updated"])


def downgrade() -> None:
    op.drop_index("ix_annotations_doc_updated", table_name="annotations")
