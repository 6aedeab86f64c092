"""Part of ``Store``: relations between spans (each annotator's, gold's too) and the
relations proposed to annotators. A span deleted takes its relations and proposals
along (the database's cascade), whichever way it is deleted."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.engine import Engine

from curator.domain.attribution import ABOUT, ATTRIBUTED_TO, authority_name
from curator.domain.model_base import DEFERRED
from curator.domain.models import GOLD, Relation, RelationSuggestion, SuggestionStatus
from curator.errors import CuratorError
from curator.store.events import RelationsChanged
from curator.store.rows import (
    _chunks,
    _insert_many,
    _parse_time,
    _unique,
    going_with_label,
    utc_text,
)
from curator.store.tables import (
    annotations_table,
    documents_table,
    relation_suggestions_table,
    relations_table,
)
from curator.store.transactions import Transactional

# The time read as stored (text on SQLite), for pydantic to read: SQLAlchemy's own reading
# of it, and a model built a field at a time, took most of a document's opening.
_RELATION_COLUMNS = (*(column for column in relations_table.c if column.name != "created"),
                     sa.type_coerce(relations_table.c.created, sa.Text).label("created"))
_RELATION_FIELDS = tuple(column.name for column in _RELATION_COLUMNS)
_RELATIONS = TypeAdapter(list[Relation], config=DEFERRED)
_PROPOSAL_COLUMNS = tuple(relation_suggestions_table.c)


def _relations(rows: Iterable[Sequence[Any]]) -> list[Relation]:
    """Relations from rows of ``_RELATION_COLUMNS``, validated all at once; a row damaged
    outside Curator (an end equal to the other, say) is still read, for validation to report."""
    fields = [dict(zip(_RELATION_FIELDS, (*row[:-1], utc_text(row[-1])))) for row in rows]
    try:
        return _RELATIONS.validate_python(fields)
    except ValidationError:
        return [Relation.model_construct(**{**f, "created": _parse_time(f["created"])}) for f in fields]


def _relation(row: Sequence[Any]) -> Relation:
    return _relations([row])[0]


def _proposal(row: sa.Row) -> RelationSuggestion:
    fields = dict(row._mapping)
    return RelationSuggestion.model_construct(**{**fields, "status": SuggestionStatus(fields["status"])})


class RelationStore(Transactional):
    """Part of ``Store``: relations."""

    engine: Engine

    # -- relations ----------------------------------------------------------------------

    def add_relations(self, relations: Sequence[Relation]) -> None:
        """Insert relations in one transaction; refused whole if any is there already
        (the same two spans and label) or an end is not a span of its annotator and
        document (``relation_ends``)."""
        if not relations:
            return
        with self._begin() as conn, _unique("some of these relations are already in the project (the same "
                                            "two spans and label); nothing was added"):
            wrong = self.wrong_ends(relations)
            if wrong:
                raise CuratorError(wrong[0])
            for chunk in _chunks(list(relations), 5000):
                _insert_many(conn, relations_table, [r.model_dump() for r in chunk])
        for doc_id, annotator in sorted({(r.doc_id, r.annotator) for r in relations}):
            self._emit(RelationsChanged(doc_id, annotator))

    def restore_relations(self, relations: Sequence[Relation]) -> list[Relation]:
        """Put back relations that went with their spans (an undo, a redo): one whose other
        end was deleted since stays out, as that deletion would have taken it along had it
        been there. Returns those put back."""
        owners = self.span_owners({i for r in relations for i in (r.source_id, r.target_id)})
        kept = [r for r in relations
                if owners.get(r.source_id) == (r.doc_id, r.annotator) == owners.get(r.target_id)]
        self.add_relations(kept)
        return kept

    def wrong_ends(self, relations: Sequence[Relation]) -> list[str]:
        """What is wrong with the ends of ``relations`` as the project holds its spans now:
        a missing span, or one of another document or annotator."""
        spans = self.span_owners({i for r in relations for i in (r.source_id, r.target_id)})
        problems = []
        for relation in relations:
            for end in (relation.source_id, relation.target_id):
                owner = spans.get(end)
                if owner is None:
                    problems.append(f"relation {relation.label}: span {end} does not exist (deleted, or never made)")
                elif owner != (relation.doc_id, relation.annotator):
                    problems.append(f"relation {relation.label}: span {end} is not in {relation.annotator}'s layer "
                                    f"of document {relation.doc_id}")
        return problems

    def span_owners(self, ids: Iterable[str]) -> dict[str, tuple[int, str]]:
        """Each span id's (document id, annotator), for those that exist."""
        a = annotations_table.c
        found: dict[str, tuple[int, str]] = {}
        with self._connect() as conn:
            for chunk in _chunks(sorted(set(ids)), 500):
                found.update((row.id, (row.doc_id, row.annotator))
                             for row in conn.execute(sa.select(a.id, a.doc_id, a.annotator).where(a.id.in_(chunk))))
        return found

    def delete_span_and_relations(self, annotation_id: str) -> tuple[Any, list[Relation]]:
        """Delete a span and the relations it is an end of; returns both as they were."""
        with self._begin():
            relations = self.relations_touching([annotation_id])
            span = self.delete_annotation(annotation_id)  # type: ignore[attr-defined]
        if relations:
            self._emit(RelationsChanged(span.doc_id, span.annotator))
        return span, relations

    def get_relation(self, relation_id: str) -> Relation:
        row = self._row(sa.select(*_RELATION_COLUMNS).where(relations_table.c.id == relation_id),
                        f"no relation with id {relation_id}")
        return _relation(row)

    def delete_relation(self, relation_id: str) -> Relation:
        """Delete a relation; returns it as it was, so that it can be restored."""
        with self._begin() as conn:
            relation = self.get_relation(relation_id)
            conn.execute(relations_table.delete().where(relations_table.c.id == relation_id))
        self._emit(RelationsChanged(relation.doc_id, relation.annotator))
        return relation

    def relabel_relation(self, relation_id: str, label: str) -> Relation:
        """Give a relation another label; returns it as it was."""
        with self._begin() as conn, _unique("these two spans already have a relation of that label"):
            relation = self.get_relation(relation_id)
            conn.execute(relations_table.update().where(relations_table.c.id == relation_id).values(label=label))
        self._emit(RelationsChanged(relation.doc_id, relation.annotator))
        return relation

    def relations_for(self, doc_id: int, annotator: str | None = None) -> list[Relation]:
        """A document's relations (of one annotator, if given), oldest first."""
        r = relations_table.c
        query = sa.select(*_RELATION_COLUMNS).where(r.doc_id == doc_id)
        if annotator is not None:
            query = query.where(r.annotator == annotator)
        with self._connect() as conn:
            return _relations(conn.execute(query.order_by(r.created, r.id)).all())

    def relations_between(self, first: str, second: str) -> list[Relation]:
        """The relations between two spans, either way round: all a new one between them
        can duplicate (read by the spans' index, not the document's relations)."""
        r = relations_table.c
        query = sa.select(*_RELATION_COLUMNS).where(((r.source_id == first) & (r.target_id == second))
                                                    | ((r.source_id == second) & (r.target_id == first)))
        with self._connect() as conn:
            return _relations(conn.execute(query).all())

    def relations_touching(self, span_ids: Iterable[str]) -> list[Relation]:
        """The relations with an end among ``span_ids``: what deleting them deletes."""
        r = relations_table.c
        found: dict[str, Relation] = {}
        with self._connect() as conn:
            for chunk in _chunks(sorted(set(span_ids)), 500):
                query = sa.select(*_RELATION_COLUMNS).where(r.source_id.in_(chunk) | r.target_id.in_(chunk))
                found.update((relation.id, relation) for relation in _relations(conn.execute(query).all()))
        return sorted(found.values(), key=lambda relation: (relation.created, relation.id))

    def relations_on_label(self, label: str, merged_into: str | None = None) -> list[Relation]:
        """The relations with an end among the spans (every layer) of ``label`` (with
        ``merged_into``, among those that merging it into that label deletes: a rename
        deletes none, and reads no relation)."""
        r = relations_table.c
        spans = sa.select(annotations_table.c.id).where(going_with_label(annotations_table, label, merged_into))
        query = sa.select(*_RELATION_COLUMNS).where(r.source_id.in_(spans) | r.target_id.in_(spans))
        with self._connect() as conn:
            return _relations(conn.execute(query.order_by(r.created, r.id)).all())

    def relation_rows(self, annotators: Iterable[str] | None = None, doc_ids: Iterable[int] | None = None
                      ) -> list[Relation]:
        """Every relation (of these annotators, in these documents), for exports and agreement."""
        r = relations_table.c
        query = sa.select(*_RELATION_COLUMNS)
        if annotators is not None:
            query = query.where(r.annotator.in_(list(annotators)))
        chunks: Iterable[Any] = [None] if doc_ids is None else _chunks(sorted(set(doc_ids)), 500)
        found: list[Relation] = []
        with self._connect() as conn:
            for chunk in chunks:
                scoped = query if chunk is None else query.where(r.doc_id.in_(chunk))
                found.extend(_relations(conn.execute(scoped.order_by(r.doc_id, r.created, r.id)).all()))
        return found

    def relation_counts(self) -> dict[str, int]:
        """How many relations (every layer) each relation label has."""
        r = relations_table.c
        with self._connect() as conn:
            return dict(conn.execute(sa.select(r.label, sa.func.count()).group_by(r.label)).all())

    def attributions_by_relation(self) -> dict[tuple[int, int, int], tuple[str, int, int]]:
        """Whom ``attributed_to`` relations attribute figures to: (document id, start, end)
        of a figure → (the authority's name, its span's start and end). Where several
        layers link a figure at one place, gold's relation wins, then the alphabetically
        first annotator's (as facts take the first annotator's figures)."""
        r = relations_table.c
        source, target = annotations_table.alias("source"), annotations_table.alias("target")
        query = (sa.select(r.doc_id, r.annotator, source.c.start, source.c.end, target.c.start.label("t_start"),
                           target.c.end.label("t_end"))
                 .join(source, source.c.id == r.source_id).join(target, target.c.id == r.target_id)
                 .where(r.label == ATTRIBUTED_TO))
        with self._connect() as conn:
            rows = conn.execute(query).all()
            texts = {}
            for chunk in _chunks(sorted({row.doc_id for row in rows}), 200):
                texts.update(conn.execute(sa.select(documents_table.c.id, documents_table.c.text)
                                          .where(documents_table.c.id.in_(chunk))).all())
        found: dict[tuple[int, int, int], tuple[str, int, int]] = {}
        for row in sorted(rows, key=lambda row: (row.annotator != GOLD, row.annotator), reverse=True):
            name = authority_name(texts[row.doc_id][row.t_start:row.t_end])
            if name:
                found[(row.doc_id, row.start, row.end)] = (name, row.t_start, row.t_end)
        return found

    def subjects_by_relation(self) -> dict[tuple[int, int, int], tuple[str, ...]]:
        """What ``about`` relations say figures are about: (document id, start, end) of a
        figure → the entity ids its ``about`` relations link to (spans linked to no entity
        count for nothing). One layer's relations per place, chosen as for attributions."""
        r = relations_table.c
        source, target = annotations_table.alias("source"), annotations_table.alias("target")
        query = (sa.select(r.doc_id, r.annotator, source.c.start, source.c.end, target.c.entity_id)
                 .join(source, source.c.id == r.source_id).join(target, target.c.id == r.target_id)
                 .where(r.label == ABOUT).order_by(target.c.start))
        with self._connect() as conn:
            rows = conn.execute(query).all()
        chosen: dict[tuple[int, int, int], str] = {}
        for row in sorted(rows, key=lambda row: (row.annotator != GOLD, row.annotator), reverse=True):
            chosen[(row.doc_id, row.start, row.end)] = row.annotator
        found: dict[tuple[int, int, int], tuple[str, ...]] = {}
        for row in rows:
            place = (row.doc_id, row.start, row.end)
            if chosen[place] == row.annotator and row.entity_id:
                found[place] = tuple(dict.fromkeys((*found.get(place, ()), row.entity_id)))
        return found

    # -- proposed relations ----------------------------------------------------------------

    def add_relation_suggestions(self, proposals: Sequence[RelationSuggestion]) -> int:
        """Store proposals; one already proposed (the same two spans and label, whatever
        its status: a rejected one is not proposed again) is skipped. Returns how many were new."""
        s = relation_suggestions_table.c
        with self._begin() as conn:
            ends = {(p.source_id, p.target_id, p.label) for p in proposals}
            known = set()
            for chunk in _chunks(sorted({p.source_id for p in proposals}), 500):
                known.update(conn.execute(sa.select(s.source_id, s.target_id, s.label).where(s.source_id.in_(chunk))))
            new = [p for p in proposals if (p.source_id, p.target_id, p.label) in ends - known]
            _insert_many(conn, relation_suggestions_table, [p.model_dump(mode="json") for p in new])
        for doc_id, annotator in sorted({(p.doc_id, p.annotator) for p in new}):
            self._emit(RelationsChanged(doc_id, annotator))
        return len(new)

    def relation_suggestions_touching(self, span_ids: Iterable[str]) -> list[RelationSuggestion]:
        """The proposals with an end among ``span_ids``: what deleting them deletes."""
        s = relation_suggestions_table.c
        found: dict[str, RelationSuggestion] = {}
        with self._connect() as conn:
            for chunk in _chunks(sorted(set(span_ids)), 500):
                query = sa.select(*_PROPOSAL_COLUMNS).where(s.source_id.in_(chunk) | s.target_id.in_(chunk))
                found.update((row.id, _proposal(row)) for row in conn.execute(query))
        return list(found.values())

    def relation_suggestions_on_label(self, label: str, merged_into: str | None = None) -> list[RelationSuggestion]:
        """The proposals with an end among the spans (every layer) of ``label`` (with
        ``merged_into``: as ``relations_on_label``'s)."""
        s = relation_suggestions_table.c
        spans = sa.select(annotations_table.c.id).where(going_with_label(annotations_table, label, merged_into))
        query = sa.select(*_PROPOSAL_COLUMNS).where(s.source_id.in_(spans) | s.target_id.in_(spans))
        with self._connect() as conn:
            return [_proposal(row) for row in conn.execute(query.order_by(s.doc_id, s.id))]

    def take_out_relation_suggestions_labelled(self, label: str) -> list[RelationSuggestion]:
        """Delete the proposals of relation label ``label`` (the label goes): them, as they
        were, to put back (``restore_relation_suggestions``)."""
        s = relation_suggestions_table.c
        with self._begin() as conn:
            found = [_proposal(row) for row in conn.execute(sa.select(*_PROPOSAL_COLUMNS).where(s.label == label)
                                                            .order_by(s.doc_id, s.id))]
            conn.execute(relation_suggestions_table.delete().where(s.label == label))
        for doc_id, annotator in sorted({(p.doc_id, p.annotator) for p in found}):
            self._emit(RelationsChanged(doc_id, annotator))
        return found

    def restore_relation_suggestions(self, proposals: Sequence[RelationSuggestion]) -> None:
        """Put back proposals that went with a span, their status kept (a rejected one is
        not proposed again); one whose other end went since stays out."""
        owners = self.span_owners({i for p in proposals for i in (p.source_id, p.target_id)})
        self.add_relation_suggestions([p for p in proposals
                                       if owners.get(p.source_id) == (p.doc_id, p.annotator) == owners.get(p.target_id)])

    def relation_suggestions_for(self, doc_id: int | None = None, annotator: str | None = None,
                                 status: SuggestionStatus | None = None) -> list[RelationSuggestion]:
        s = relation_suggestions_table.c
        query = sa.select(*_PROPOSAL_COLUMNS)
        if doc_id is not None:
            query = query.where(s.doc_id == doc_id)
        if annotator is not None:
            query = query.where(s.annotator == annotator)
        if status is not None:
            query = query.where(s.status == status.value)
        with self._connect() as conn:
            return [_proposal(row) for row in conn.execute(query.order_by(s.doc_id, s.id))]

    def get_relation_suggestion(self, suggestion_id: str) -> RelationSuggestion:
        s = relation_suggestions_table.c
        row = self._row(sa.select(*_PROPOSAL_COLUMNS).where(s.id == suggestion_id),
                        f"no relation suggestion with id {suggestion_id}")
        return _proposal(row)

    def set_relation_suggestion_status(self, suggestion_id: str, status: SuggestionStatus,
                                       relation_id: str | None = None) -> RelationSuggestion:
        """Accept, reject or reopen a proposal; returns it as it was."""
        with self._begin() as conn:
            before = self.get_relation_suggestion(suggestion_id)
            conn.execute(relation_suggestions_table.update().where(relation_suggestions_table.c.id == suggestion_id)
                         .values(status=status.value, relation_id=relation_id))
        self._emit(RelationsChanged(before.doc_id, before.annotator))
        return before
