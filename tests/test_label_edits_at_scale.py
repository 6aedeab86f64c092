"""A label of many suggestions and spans deleted, renamed or merged: the history entry
keeps the rows it deleted as columns of plain values and only the ids of those it
relabelled (a label of 100,000 suggestions was 100,000 models in memory and in one
entry), and undoing it puts back every row as it was, its status, score, annotator and
model kept. An entry written before, that holds models, still undoes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from curator.domain.models import (
    Annotation,
    Suggestion,
    SuggestionStatus,
    new_id,
    utc_now,
)
from curator.errors import StepOutdated
from curator.session import Session
from curator.session.history import decode, encode
from curator.session.label_edits import merge_labels, remove_label, rename_label
from curator.store.tables import annotations_table, history_table, suggestions_table

SPANS, SUGGESTIONS, PLACES = 600, 900, 100
STATUSES = (SuggestionStatus.OPEN, SuggestionStatus.ACCEPTED, SuggestionStatus.REJECTED)


def _project(store) -> None:
    """PERCENT spans and suggestions in every status, learned (with a score) and imported
    (a model's), of two annotators; a tenth of each also a MONEY one at its bounds."""
    ids = store.add_document_rows([{"uid": f"d{n}", "title": None, "source": None, "url": None, "published": None,
                                    "text": "x" * (PLACES * 10), "origin": None, "extra": {}} for n in range(6)])
    now = utc_now()
    spans: dict[int, str] = {}
    rows = []
    for index in range(SPANS):
        doc_id, annotator, start = ids[index // PLACES % 6], ("anna", "ben")[index // (PLACES * 6)], index % PLACES * 10
        for label in ("PERCENT", "MONEY") if index % 10 == 0 else ("PERCENT",):
            row = {"id": new_id(), "doc_id": doc_id, "start": start, "end": start + 4, "label": label,
                   "annotator": annotator, "created": now, "updated": now,
                   "value": {"type": "figure", "amount": str(index), "unit": "%"} if index % 7 == 0 else None,
                   "entity_id": None}
            spans.setdefault(index, row["id"])
            rows.append(row)
    store.add_annotation_rows(rows)
    suggestions = []
    for index in range(SUGGESTIONS):
        doc_id, start = ids[index // PLACES % 6], index % PLACES * 10
        annotator = ("anna", "ben", "cleo")[index // (PLACES * 6)]
        status = STATUSES[index % 3]
        for label in ("PERCENT", "MONEY") if index % 10 == 0 else ("PERCENT",):
            suggestions.append(Suggestion(
                doc_id=doc_id, start=start, end=start + 4, label=label, annotator=annotator,
                source="learned" if index % 2 else "jsonl:newsmodel", status=status,
                confidence=round(index % 100 / 100, 2) if index % 2 else None,
                annotation_id=spans.get(index) if status is SuggestionStatus.ACCEPTED else None,
                value={"type": "figure", "amount": str(index), "unit": "%"} if index % 5 == 0 else None))
    store.add_suggestions(suggestions)


def _rows(store, table, label=None) -> list[tuple]:
    """Every row of ``table`` (of ``label``), every column but a span's time of change
    (a span relabelled and relabelled back was changed twice), sorted."""
    columns = [column for column in table.c if column.name != "updated"]
    query = sa.select(*columns)
    if label is not None:
        query = query.where(table.c.label == label)
    with store._connect() as conn:
        return sorted(tuple(row) for row in conn.execute(query))


def _state(store) -> tuple[list[tuple], list[tuple]]:
    return _rows(store, annotations_table), _rows(store, suggestions_table)


def _edit(store, edit: str):
    return {"delete": lambda: remove_label(store, "PERCENT"), "rename": lambda: rename_label(store, "PERCENT", "SHARE"),
            "merge": lambda: merge_labels(store, "PERCENT", "MONEY")}[edit]()


def _entry(store) -> tuple[int, dict]:
    h = history_table.c
    with store._connect() as conn:
        row = conn.execute(sa.select(h.seq, h.undo).order_by(h.seq.desc()).limit(1)).one()
    return row.seq, row.undo


def _rewrite(store, seq: int, undo: dict) -> None:
    with store._begin() as conn:
        conn.execute(history_table.update().where(history_table.c.seq == seq).values(undo=undo))


def test_a_label_deleted_keeps_its_rows_for_undo_as_columns_not_models(store):
    _project(store)
    spans = {row[0] for row in _rows(store, annotations_table, "PERCENT")}
    suggestions = {(row[0], row[7]) for row in _rows(store, suggestions_table, "PERCENT")}  # id, status
    Session(store, "ann").do(remove_label(store, "PERCENT"))
    fields = _entry(store)[1]["fields"]
    assert fields["deleted"] == [] and fields["suggestions"] == [] and fields["suggestions_moved"] == []
    assert set(fields["deleted_rows"]["id"]) == spans and len(fields["deleted_rows"]["id"]) == SPANS
    kept = fields["suggestions_deleted"]
    assert set(zip(kept["id"], kept["status"])) == suggestions and len(kept["id"]) == SUGGESTIONS
    assert {len(values) for values in kept.values()} == {SUGGESTIONS}  # one list a column, one value a row
    assert all(isinstance(value, (str, int, float, dict, type(None))) for values in kept.values() for value in values)


def test_a_label_renamed_keeps_only_the_ids_of_what_it_relabelled(store):
    _project(store)
    suggestions = {row[0] for row in _rows(store, suggestions_table, "PERCENT")}
    spans = {row[0] for row in _rows(store, annotations_table, "PERCENT")}
    Session(store, "ann").do(rename_label(store, "PERCENT", "SHARE"))
    fields = _entry(store)[1]["fields"]
    assert fields["suggestions"] == [] and set(fields["suggestions_moved"]) == suggestions
    assert set(fields["moved"]) == spans
    assert not fields["deleted_rows"]["id"] and not fields["suggestions_deleted"]["id"]


@pytest.mark.parametrize("edit", ["delete", "rename", "merge"])
def test_undoing_a_large_label_edit_puts_back_every_row_with_its_status(store, edit):
    _project(store)
    session = Session(store, "ann")
    before = _state(store)
    statuses = {row[7] for row in before[1]}
    assert statuses == {"open", "accepted", "rejected"}
    session.do(_edit(store, edit))
    assert _rows(store, suggestions_table, "PERCENT") == [] and _rows(store, annotations_table, "PERCENT") == []
    session.undo()
    assert _state(store) == before
    session.redo()
    session.undo()
    assert _state(store) == before


def test_a_deleted_span_comes_back_with_its_times(store):
    _project(store)
    with store._connect() as conn:
        times = sorted(conn.execute(sa.select(annotations_table.c.id, annotations_table.c.created,
                                              annotations_table.c.updated)).all())
    session = Session(store, "ann")
    session.do(remove_label(store, "PERCENT"))
    session.undo()
    with store._connect() as conn:
        assert sorted(conn.execute(sa.select(annotations_table.c.id, annotations_table.c.created,
                                             annotations_table.c.updated)).all()) == times


@pytest.mark.parametrize("edit", ["delete", "rename", "merge"])
def test_an_entry_written_with_models_still_undoes(store, edit):
    """The entry as the history wrote it before it kept columns: the spans deleted and the
    label's suggestions (relabelled or deleted) as models, and no column field at all."""
    _project(store)
    session = Session(store, "ann")
    before = _state(store)
    spans = {span.id: span for doc_id in {row[1] for row in before[0]} for span in store.annotations_for(doc_id)
             if span.label == "PERCENT"}
    suggestions = store.suggestions_on_label("PERCENT")
    session.do(_edit(store, edit))
    seq, undo = _entry(store)
    fields = undo["fields"]
    old = {key: value for key, value in fields.items()
           if key not in ("deleted_rows", "suggestions_moved", "suggestions_deleted")}
    old["deleted"] = [spans[span_id].model_dump(mode="json") for span_id in fields["deleted_rows"]["id"]]
    old["suggestions"] = [suggestion.model_dump(mode="json") for suggestion in suggestions]
    assert all(isinstance(Annotation.model_validate(span), Annotation) for span in old["deleted"])
    _rewrite(store, seq, {"type": "RestoreLabel", "fields": old})
    assert session.undo()
    assert _state(store) == before
    assert session.redo() and session.undo()
    assert _state(store) == before


def test_an_entry_whose_rows_no_longer_fit_the_table_stays_and_says_why(store):
    _project(store)
    session = Session(store, "ann")
    session.do(remove_label(store, "PERCENT"))
    seq, undo = _entry(store)
    undo["fields"]["suggestions_deleted"]["weight"] = undo["fields"]["suggestions_deleted"]["status"]
    _rewrite(store, seq, undo)
    with pytest.raises(StepOutdated, match="suggestions it keeps have column 'weight'"):
        session.undo()
    assert session.undo_text == "Delete label PERCENT and its spans"


def test_a_label_deleted_leaves_nothing_of_its_rows_in_memory(store):
    """The history's statements took the entry's values into the statement, and the
    database library's cache of statements kept the first one of each shape, values and
    all: a label's 100,000 rows stayed in memory as long as the project was open."""
    import gc
    import json
    import tracemalloc

    _project(store)
    session = Session(store, "ann")
    for edit in (lambda: rename_label(store, "MONEY", "FIGURE"), lambda: remove_label(store, "LOCATION")):
        undo = edit().apply(store)  # the statements and encoders met once (built, cached), outside the history
        decode(encode(undo)).apply(store)
    session.history()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        session.do(remove_label(store, "PERCENT"))
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    entry = len(json.dumps(_entry(store)[1]))
    # (the rows as Python objects are several times their JSON; a statement's first compile, a few kB)
    assert kept < entry, f"{kept:,} bytes kept after an entry of {entry:,}"


def test_a_label_edit_gives_sqlite_a_roomy_cache_and_takes_it_back(store, monkeypatch):
    """A label's rows touch every page of their tables' indexes: SQLite keeps more of them
    in memory while the edit runs (a third faster at 100,000), and as few as before after."""
    if store.engine.dialect.name != "sqlite":
        with store.transaction(), store.roomy_cache():
            return  # (PostgreSQL's own settings are left alone)
    seen = []
    original = type(store).move_label

    def move_label(self, source, target):
        with self._connect() as conn:
            seen.append(conn.exec_driver_sql("PRAGMA cache_size").scalar())
        return original(self, source, target)

    monkeypatch.setattr(type(store), "move_label", move_label)
    _project(store)
    session = Session(store, "ann")
    with store.transaction() as conn:
        before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    session.do(remove_label(store, "PERCENT"))
    assert seen == [-64 * 1024]
    with store.transaction() as conn:
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == before
