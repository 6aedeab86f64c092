"""The list filter matches a folded search key (any script's case, LIKE's wildcards
escaped), and the store holds an annotator's span unique: one per document, bounds and
label (two concurrent accepts had made thousands of copies).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from curator.domain.text import search_key

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None
summary = "folding the search keys and removing copies of the same span"  # the step as the user reads it while it runs

_SPAN = ["doc_id", "annotator", "start", "end", "label"]


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column("documents", sa.Column("search", sa.Text))
    documents = sa.table("documents", sa.column("id"), sa.column("uid"), sa.column("title"), sa.column("source"),
                         sa.column("search"))
    rows = bind.execute(sa.select(documents.c.id, documents.c.uid, documents.c.title, documents.c.source)).all()
    if rows:
        bind.execute(documents.update().where(documents.c.id == sa.bindparam("key")).values(search=sa.bindparam("key_text")),
                     [{"key": row.id, "key_text": search_key(row.uid, row.title, row.source)} for row in rows])
    op.drop_index("ix_documents_search", table_name="documents")
    op.create_index("ix_documents_search", "documents", ["search"])
    # Copies of one span by one annotator: the most recently edited stays.
    bind.execute(sa.text(
        'DELETE FROM annotations WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER ('
        'PARTITION BY doc_id, annotator, start, "end", label ORDER BY updated DESC, id) AS copy '
        'FROM annotations) AS ranked WHERE copy > 1)'))
    op.create_index("ux_annotations_span", "annotations", _SPAN, unique=True)
    # The same for suggestions; a decided one (accepted, rejected) stays before an open copy.
    bind.execute(sa.text(
        'DELETE FROM suggestions WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER ('
        'PARTITION BY doc_id, annotator, start, "end", label ORDER BY CASE WHEN status = \'open\' THEN 1 ELSE 0 END, '
        'id) AS copy FROM suggestions) AS ranked WHERE copy > 1)'))
    op.create_index("ux_suggestions_span", "suggestions", _SPAN, unique=True)


def downgrade() -> None:
    op.drop_index("ux_suggestions_span", table_name="suggestions")
    op.drop_index("ux_annotations_span", table_name="annotations")
    op.drop_index("ix_documents_search", table_name="documents")
    op.create_index("ix_documents_search", "documents", ["title", "source", "uid"])
    op.drop_column("documents", "search")
