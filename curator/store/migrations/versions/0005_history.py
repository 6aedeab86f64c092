"""Each user's edit history, stored with the project, so that undo and redo work from
the command line and after a restart as in the window.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None
summary = "adding each user's edit history"  # the step as the user reads it while it runs


def upgrade() -> None:
    op.create_table(
        "history",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("annotator", sa.String(100), nullable=False),
        sa.Column("label", sa.String(300), nullable=False),
        sa.Column("doc_id", sa.Integer, nullable=False),
        sa.Column("undo", sa.JSON, nullable=False),
        sa.Column("redo", sa.JSON, nullable=False),
        sa.Column("done", sa.Boolean, nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_history_annotator_seq", "history", ["annotator", "done", "seq"])


def downgrade() -> None:
    op.drop_index("ix_history_annotator_seq", table_name="history")
    op.drop_table("history")
