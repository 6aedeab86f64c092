"""The first schema: documents, annotations, progress, entities, suggestions, reviews,
decisions and facts, as Curator 0.1 creates them.

Revision ID: 0001
"""

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None
summary = "creating the first tables"  # the step as the user reads it while it runs


def upgrade() -> None:
    # Projects of this version were created whole by Curator itself; nothing to do.
    pass


def downgrade() -> None:
    pass
