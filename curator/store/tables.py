"""The database tables of a project (SQLAlchemy Core), shared by every backend."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

meta_table = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

documents_table = sa.Table(
    "documents",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("uid", sa.String(200), nullable=False, unique=True),
    sa.Column("title", sa.Text),
    sa.Column("source", sa.String(300)),
    sa.Column("url", sa.Text),
    sa.Column("published", sa.Date),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("origin", sa.Text),
    sa.Column("extra", sa.JSON, nullable=False),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    # uid, title and outlet folded (text.search_key): what the list's filter matches (migration 0004).
    sa.Column("search", sa.Text),
    # Indexes for the document list's sort orders.
    sa.Index("ix_documents_title", "title"),
    sa.Index("ix_documents_source", "source"),
    sa.Index("ix_documents_published", "published"),
    # What the list's filter searches, small enough to scan instead of the texts (migration 0004).
    sa.Index("ix_documents_search", "search"),
    # An id is never given twice, even once its document is gone: an undone import's
    # documents come back with theirs (migration 0012; PostgreSQL's sequences never reuse).
    sqlite_autoincrement=True,
)

annotations_table = sa.Table(
    "annotations",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("doc_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("label", sa.String(40), nullable=False),
    sa.Column("annotator", sa.String(100), nullable=False),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
    sa.Column("value", sa.JSON),
    sa.Column("entity_id", sa.String(64)),
    sa.Index("ix_annotations_doc_annotator", "doc_id", "annotator"),
    sa.Index("ix_annotations_doc_updated", "doc_id", "updated"),  # migration 0002
    # One annotator's span is one row, however many processes accept or import it (0004).
    sa.Index("ux_annotations_span", "doc_id", "annotator", "start", "end", "label", unique=True),
)

progress_table = sa.Table(
    "progress",
    metadata,
    sa.Column("doc_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("annotator", sa.String(100), primary_key=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
)

entities_table = sa.Table(
    "entities",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("type", sa.String(40), nullable=False),
    sa.Column("aliases", sa.JSON, nullable=False),
    sa.Index("ix_entities_name", "name"),
)

suggestions_table = sa.Table(
    "suggestions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("doc_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("label", sa.String(40), nullable=False),
    sa.Column("annotator", sa.String(100), nullable=False),
    sa.Column("source", sa.String(40), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("value", sa.JSON),
    sa.Column("entity_id", sa.String(64)),
    sa.Column("annotation_id", sa.String(64)),
    sa.Column("confidence", sa.Float),  # a learned recommender's, 0 to 1; none for the rules (migration 0009)
    sa.Index("ix_suggestions_doc_annotator", "doc_id", "annotator"),
    sa.Index("ux_suggestions_span", "doc_id", "annotator", "start", "end", "label", unique=True),  # 0004
)

reviews_table = sa.Table(
    "reviews",
    metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("doc_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("decision", sa.String(60), nullable=False),
    sa.Column("gold_ids", sa.JSON, nullable=False),
    sa.Column("reviewer", sa.String(100), nullable=False),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_reviews_doc", "doc_id"),
)

SORT_COLUMNS = {
    "id": documents_table.c.id,
    "uid": documents_table.c.uid,
    "title": documents_table.c.title,
    "source": documents_table.c.source,
    "published": documents_table.c.published,
}


decisions_table = sa.Table(
    "decisions",
    metadata,
    sa.Column("key", sa.String(300), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("decision", sa.String(40), nullable=False),
    sa.Column("keep", sa.String(200)),
    sa.Column("note", sa.Text),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
)

facts_table = sa.Table(
    "facts",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("measure", sa.String(200), nullable=False),
    sa.Column("period_start", sa.Date),
    sa.Column("period_end", sa.Date),
    sa.Column("unit", sa.String(20)),
    sa.Column("accepted_amount", sa.String(60)),
    sa.Column("note", sa.Text),
    sa.Column("mentions", sa.JSON, nullable=False),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Column("subjects", sa.JSON),  # entity ids (migration 0008)
    sa.Column("attribution", sa.Text),
)


history_table = sa.Table(
    "history",
    metadata,
    # Each user's edits, in order, with what undoes and what redoes each (migration 0005):
    # undo and redo from the window, the command line and after a restart alike.
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("annotator", sa.String(100), nullable=False),
    sa.Column("label", sa.String(300), nullable=False),
    sa.Column("doc_id", sa.Integer, nullable=False),
    sa.Column("undo", sa.JSON, nullable=False),
    sa.Column("redo", sa.JSON, nullable=False),
    sa.Column("done", sa.Boolean, nullable=False),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_history_annotator_seq", "annotator", "done", "seq"),
    sqlite_autoincrement=True,  # an entry's number is never another's (migration 0012)
)


review_items_table = sa.Table(
    "review_items",
    metadata,
    # Each document's review items as analysis worked them out (opaque to the store), and the
    # fingerprint of the spans and statuses they came from: stale when it differs (migration 0006).
    sa.Column("doc_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("fingerprint", sa.String(200), nullable=False),
    sa.Column("items", sa.JSON, nullable=False),
)


categories_table = sa.Table(
    "categories",
    metadata,
    # Each annotator's choices (a JSON list of names) in each category set, per document (0007).
    sa.Column("doc_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("annotator", sa.String(100), primary_key=True),
    sa.Column("set_name", sa.String(40), primary_key=True),
    sa.Column("choices", sa.JSON, nullable=False),
    sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
)


recommenders_table = sa.Table(
    "recommenders",
    metadata,
    # Each trained recommender, by name: its model as one blob, and what it was trained on (0009).
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Column("info", sa.JSON, nullable=False),
    sa.Column("model", sa.LargeBinary, nullable=False),
)


measures_table = sa.Table(
    "measures",
    metadata,
    # The measures facts are grouped by, each with the words that name it, in the curators'
    # order (migration 0010; they were a JSON value in meta). No row: the project keeps no
    # list of its own and the analysis starts from its own; a list of its own left empty
    # keeps one row with no name (``fact_rows.EMPTY_LIST``).
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("words", sa.JSON, nullable=False),
)


attributions_table = sa.Table(
    "attributions",
    metadata,
    # Whom a curator attributed a figure to, by its annotation's id, overriding what its
    # sentence says (migration 0010; they were a JSON value in meta). No foreign key: a span
    # undone and redone comes back with its id, and its attribution with it.
    sa.Column("annotation_id", sa.String(64), primary_key=True),
    sa.Column("attribution", sa.Text, nullable=False),
)


relations_table = sa.Table(
    "relations",
    metadata,
    # Each annotator's links between two of their spans (0011); a span deleted takes its relations along.
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("doc_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    sa.Column("source_id", sa.String(64), sa.ForeignKey("annotations.id", ondelete="CASCADE"), nullable=False),
    sa.Column("target_id", sa.String(64), sa.ForeignKey("annotations.id", ondelete="CASCADE"), nullable=False),
    sa.Column("label", sa.String(40), nullable=False),
    sa.Column("annotator", sa.String(100), nullable=False),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_relations_doc_annotator", "doc_id", "annotator"),
    sa.Index("ix_relations_target", "target_id"),
    # One relation of a label between two spans, however many processes make it.
    sa.Index("ux_relations_link", "source_id", "target_id", "label", unique=True),
)


relation_suggestions_table = sa.Table(
    "relation_suggestions",
    metadata,
    # Relations the text makes plain, proposed to an annotator between two of their spans (0011).
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("doc_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    sa.Column("source_id", sa.String(64), sa.ForeignKey("annotations.id", ondelete="CASCADE"), nullable=False),
    sa.Column("target_id", sa.String(64), sa.ForeignKey("annotations.id", ondelete="CASCADE"), nullable=False),
    sa.Column("label", sa.String(40), nullable=False),
    sa.Column("annotator", sa.String(100), nullable=False),
    sa.Column("source", sa.String(40), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("relation_id", sa.String(64)),
    sa.Index("ix_relation_suggestions_doc_annotator", "doc_id", "annotator"),
    sa.Index("ix_relation_suggestions_target", "target_id"),
    sa.Index("ux_relation_suggestions_link", "source_id", "target_id", "label", unique=True),
)
