"""Index what the document list's filter searches (title, outlet, uid), so that a
filter scans this small index instead of a table that holds every text.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None
summary = "indexing what the document list's filter searches"  # the step as the user reads it while it runs


def upgrade() -> None:
    op.create_index("ix_documents_search", "documents", ["title", "source", "uid"])


def downgrade() -> None:
    op.drop_index("ix_documents_search", table_name="documents")
