"""Relations between spans: each annotator's links from one span to another (gold's
too), and the relations proposed to them. A span deleted takes its relations along.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None
summary = "adding relations between spans"  # the step as the user reads it while it runs


def _ends() -> list[sa.Column]:
    return [
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("doc_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("source_id", sa.String(64), sa.ForeignKey("annotations.id", ondelete="CASCADE"), nullable=False),
        sa.Column("target_id", sa.String(64), sa.ForeignKey("annotations.id", ondelete="CASCADE"), nullable=False),
        sa.Column("label", sa.String(40), nullable=False),
        sa.Column("annotator", sa.String(100), nullable=False),
    ]


def upgrade() -> None:
    op.create_table("relations", *_ends(), sa.Column("created", sa.DateTime(timezone=True), nullable=False))
    op.create_index("ix_relations_doc_annotator", "relations", ["doc_id", "annotator"])
    op.create_index("ix_relations_target", "relations", ["target_id"])
    op.create_index("ux_relations_link", "relations", ["source_id", "target_id", "label"], unique=True)
    op.create_table("relation_suggestions", *_ends(),
                    sa.Column("source", sa.String(40), nullable=False),
                    sa.Column("status", sa.String(20), nullable=False),
                    sa.Column("relation_id", sa.String(64)))
    op.create_index("ix_relation_suggestions_doc_annotator", "relation_suggestions", ["doc_id", "annotator"])
    op.create_index("ix_relation_suggestions_target", "relation_suggestions", ["target_id"])
    op.create_index("ux_relation_suggestions_link", "relation_suggestions", ["source_id", "target_id", "label"],
                    unique=True)


def downgrade() -> None:
    op.drop_table("relation_suggestions")
    op.drop_table("relations")
