"""Exports, layer files and review decisions at their edges: what a second reviewer of
the night's format changes tried, each case once a defect or a sequence worth holding."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curator.domain.models import Document, DocumentStatus
from curator.formats.articles import import_files
from curator.formats.export import export_json, export_jsonl
from curator.store import Store

RTEXT = "Ma Xingrui met Tokayev in Astana on 28 March 2023 and trade reached $24 bn."


def test_export_of_an_imported_article_with_a_wide_integer_in_extra(tmp_path):
    """The article import keeps integers wider than 64 bits in extra (test_importer), and
    the export writes them whole (orjson cannot: the standard writer does)."""
    store = Store.create(tmp_path / "p")
    (tmp_path / "wide.jsonl").write_text('{"id": "w", "text": "Wide.", "views": 36893488147419103232}\n')
    import_files(store, [tmp_path / "wide.jsonl"])
    assert store.document_by_uid("w").extra == {"views": 36893488147419103232}
    export_json(store, tmp_path / "out.json")
    data = json.loads((tmp_path / "out.json").read_text())
    assert data["documents"][0]["extra"] == {"views": 36893488147419103232}
    store.close()


def _two_copies(tmp_path):
    from curator.domain.schema import CategorySet, Choice, LabelSchema
    schema = LabelSchema(categories=[CategorySet(name="topic",
                                                 choices=[Choice(name="economy"), Choice(name="politics")])])
    copies = []
    for name in ("a", "b"):
        store = Store.create(tmp_path / name)
        store.save_schema(schema)
        store.add_documents([Document(uid="d1", text="Astana hosted the talks.")])
        copies.append(store)
    return copies


def test_a_status_brought_by_an_older_file_keeps_its_time_so_a_later_change_still_wins(tmp_path):
    """Monday: A marks d1 done and writes a layer file. Tuesday: A marks it to-do again.
    Wednesday: B imports Monday's file. Thursday: A sends a new file. B ends to-do, A's
    own latest change: B keeps Monday's status as of Monday, not as of Wednesday."""
    import time

    from curator.formats.layer_files import export_layer, import_layer
    a, b = _two_copies(tmp_path)
    d = a.document_by_uid("d1").id
    a.set_status(d, "ann", DocumentStatus.DONE)
    export_layer(a, "ann", tmp_path / "monday.json")
    time.sleep(0.01)
    a.set_status(d, "ann", DocumentStatus.TODO)           # Tuesday
    time.sleep(0.01)
    import_layer(b, tmp_path / "monday.json")              # Wednesday
    assert b.status(d, "ann") is DocumentStatus.DONE
    export_layer(a, "ann", tmp_path / "thursday.json")
    import_layer(b, tmp_path / "thursday.json")
    assert b.status(d, "ann") is DocumentStatus.TODO


def test_a_choice_brought_by_an_older_file_keeps_its_time_so_a_later_choice_still_wins(tmp_path):
    import time

    from curator.formats.layer_files import export_layer, import_layer
    a, b = _two_copies(tmp_path)
    d = a.document_by_uid("d1").id
    a.set_categories(d, "ann", "topic", ["economy"])
    export_layer(a, "ann", tmp_path / "monday.json")
    time.sleep(0.01)
    a.set_categories(d, "ann", "topic", ["politics"])     # Tuesday
    time.sleep(0.01)
    import_layer(b, tmp_path / "monday.json")              # Wednesday
    export_layer(a, "ann", tmp_path / "thursday.json")
    import_layer(b, tmp_path / "thursday.json")
    assert b.categories_for(d, "ann")["ann"]["topic"] == ["politics"]


def _summary(store):
    spans = sorted((store.get_document(a.doc_id).uid, a.start, a.end, a.label, a.annotator, a.entity_id,
                    json.dumps(a.value, sort_keys=True))
                   for d in store.iter_documents() for a in store.annotations_for(d.id))
    done = sorted((store.get_document(d).uid, who) for d, names in store.done_by().items() for who in names)
    extra = sorted((d.uid, json.dumps(d.extra, sort_keys=True)) for d in store.iter_documents())
    return spans, done, extra


@pytest.mark.parametrize("suffix", ["json", "jsonl"])
def test_export_then_import_into_a_fresh_project_keeps_everything(annotated_sample, tmp_path, suffix):
    from curator.formats.interop import import_annotated
    store = annotated_sample
    first = store.document_ids()[0]
    store.set_status(first, "nobody-with-spans", DocumentStatus.DONE)
    store.add_documents([Document(uid="with-extra", text="Astana, 3 May.", extra={"desk": "x", "n": [1, 2.5]})])
    target = tmp_path / f"out.{suffix}"
    (export_json if suffix == "json" else export_jsonl)(store, target)
    fresh = Store.create(tmp_path / "fresh")
    fresh.save_schema(store.label_schema)
    report = import_annotated(fresh, target)
    assert not report.problems, report.problems[:3]
    a, b = _summary(store), _summary(fresh)
    assert a[0] == b[0]
    assert a[1] == b[1]
    assert a[2] == b[2]


def _span(store, word, label, who, value=None, start=None, end=None):
    from curator.domain.models import Annotation
    s = RTEXT.index(word) if start is None else start
    e = s + len(word) if end is None else end
    return store.add_annotation(Annotation(doc_id=1, start=s, end=e, label=label, annotator=who, value=value))


def _item(store, words):
    from curator.analysis.review import iter_items

    return next(i for i in iter_items(store) if RTEXT[i.start : i.end] == words)


def _state(store):
    gold = sorted((g.start, g.end, g.label, json.dumps(g.value, sort_keys=True), g.id)
                  for g in store.annotations_for(1, "gold"))
    return gold, sorted((k, r.decision, tuple(r.gold_ids)) for k, r in store.reviews().items())


def test_two_stale_decisions_replaced_by_one_settle_undo_redo_through_a_fresh_session(tmp_path):
    from curator.analysis.review import iter_items
    from curator.session import Session
    from curator.session.review_decisions import accept_version, merge_versions
    store = Store.create(tmp_path / "p")
    store.add_documents([Document(uid="d", text=RTEXT)])
    money = {"type": "figure", "amount": "24000000000", "unit": "USD"}
    _span(store, "Astana", "LOCATION", "a")
    _span(store, "Astana", "ORG", "b")
    _span(store, "$24 bn", "MONEY", "a", money)
    _span(store, "$24 bn", "MONEY", "b", {**money, "qualifier": "approximate"})
    s1 = Session(store, "rev")
    items = {RTEXT[i.start:i.end]: i for i in iter_items(store)}
    s1.do(merge_versions(items["Astana"], "rev"))
    s1.do(accept_version(items["$24 bn"], "b", "rev"))
    two_decisions = _state(store)
    _span(store, "Astana on 28 March 2023 and trade reached $24 bn", "EVENT" if "EVENT" in store.label_schema.names
          else "ORG", "a")                                            # one region now covers both
    big = [i for i in iter_items(store) if i.start <= RTEXT.index("Astana") and i.end >= RTEXT.index("bn")]
    assert len(big) == 1
    s1.do(accept_version(big[0], "b", "rev"))
    replaced = _state(store)
    assert len(replaced[1]) == 1
    s2 = Session(store, "rev")                                        # decoded from the history table
    s2.undo()
    assert _state(store) == two_decisions
    s2.redo()
    assert _state(store)[1] == replaced[1] and len(_state(store)[0]) == len(replaced[0])
    s2.undo()
    assert _state(store) == two_decisions
    s2.undo()
    s2.undo()
    assert _state(store) == ([], [])
    s2.redo()
    s2.redo()
    s2.redo()
    assert _state(store)[1] == replaced[1]
    s2.undo()
    assert _state(store) == two_decisions


def test_accept_agreements_replacing_a_stale_decision_undo_redo(tmp_path):
    from curator.analysis.review import iter_items
    from curator.session import Session
    from curator.session.review_decisions import accept_agreements, reject_item
    store = Store.create(tmp_path / "p")
    store.add_documents([Document(uid="d", text=RTEXT)])
    _span(store, "Astana", "LOCATION", "a")
    b = _span(store, "Astana", "ORG", "b")
    _span(store, "Tokayev", "PERSON", "a")
    _span(store, "Tokayev", "PERSON", "b")
    session = Session(store, "rev")
    astana = next(i for i in iter_items(store) if RTEXT[i.start:i.end] == "Astana")
    session.do(reject_item(astana, "rev"))
    before = _state(store)
    store.update_annotation(b.id, label="LOCATION")                  # now agreed, under a new key
    session.do(accept_agreements(store, "rev"))
    after = _state(store)
    assert astana.key not in dict((k, 0) for k, *_ in after[1]) and len(after[1]) == 2
    Session(store, "rev").undo()
    assert _state(store) == before
    Session(store, "rev").redo()
    assert _state(store)[1] == after[1]
    Session(store, "rev").undo()
    assert _state(store) == before


def _one_line_export(tmp_path, **fields):
    store = Store.create(tmp_path / "src")
    store.add_documents([Document(uid="d1", text="Astana hosted the talks.")])
    export_jsonl(store, tmp_path / "out.jsonl")
    store.close()
    line = json.loads((tmp_path / "out.jsonl").read_text())
    line.update(fields)
    (tmp_path / "out.jsonl").write_text(json.dumps(line) + "\n")
    return tmp_path / "out.jsonl"


@pytest.mark.parametrize("extra", [[], 0, "", False])
def test_an_extra_that_is_not_an_object_is_refused_even_when_empty(tmp_path, extra):
    from curator.formats.boundary import FileRefused
    from curator.formats.interop import import_annotated
    path = _one_line_export(tmp_path, extra=extra)
    target = Store.create(tmp_path / "dst")
    with pytest.raises(FileRefused, match="extra"):
        import_annotated(target, path)


def test_a_bad_entity_on_a_jsonl_line_is_refused_naming_its_line(tmp_path):
    from curator.formats.boundary import FileRefused
    from curator.formats.interop import import_annotated
    path = _one_line_export(tmp_path)
    good = path.read_text()
    bad = json.loads(good)
    bad["id"] = "d2"
    bad["entities"] = [{"id": "e1", "type": 7}]
    path.write_text(good + json.dumps(bad) + "\n")
    target = Store.create(tmp_path / "dst")
    with pytest.raises(FileRefused) as refused:
        import_annotated(target, path)
    assert "line 2" in str(refused.value) or "document 2" in str(refused.value), str(refused.value)


def test_done_by_names_that_cannot_be_annotators_are_reported(tmp_path):
    from curator.formats.interop import import_annotated
    path = _one_line_export(tmp_path, status="done", done_by=["ok", "", "bad\x1b[2J", "x" * 500])
    target = Store.create(tmp_path / "dst")
    report = import_annotated(target, path)
    assert target.done_by() == {1: ["ok"]}
    assert len(report.problems) >= 3, report.problems


def test_a_region_settled_changed_settled_reverted_settled_again_undo_redo(tmp_path):
    from curator.session import Session
    from curator.session.review_decisions import accept_version, reject_item
    store = Store.create(tmp_path / "p")
    store.add_documents([Document(uid="d", text=RTEXT)])
    _span(store, "Astana", "LOCATION", "a")
    b = _span(store, "Astana", "ORG", "b")
    s = Session(store, "rev")
    x = _item(store, "Astana")
    s.do(accept_version(x, "a", "rev"))
    st1 = _state(store)
    store.update_annotation(b.id, label="PERSON")
    y = _item(store, "Astana")
    s.do(reject_item(y, "rev"))
    st2 = _state(store)
    store.update_annotation(b.id, label="ORG")
    x2 = _item(store, "Astana")
    assert x2.key == x.key and x.key not in store.reviews()
    s.do(accept_version(x2, "b", "rev"))
    st3 = _state(store)
    assert len(st3[1]) == 1
    Session(store, "rev").undo()
    assert _state(store) == st2
    Session(store, "rev").undo()
    assert _state(store) == st1
    Session(store, "rev").undo()
    assert _state(store) == ([], [])
    for expected in (st1, st2, st3):
        Session(store, "rev").redo()
        assert _state(store)[1] == expected[1] and len(_state(store)[0]) == len(expected[0])


def _layer_file(path, status, status_updated, categories=None):
    entry = {"id": "d1", "status": status, "status_updated": status_updated, "annotations": []}
    if categories is not None:
        entry["categories"] = categories
    path.write_text(json.dumps({"format": "curator-annotations", "format_version": 1, "annotator": "ann",
                                "documents": [entry]}), encoding="utf-8")
    return path


def test_a_layer_time_from_the_future_is_kept_as_now_so_every_later_change_still_wins(tmp_path):
    """A file saying 2999 (a clock ahead, a file edited) is the later once, and is kept as
    of now: a change made after that in either copy wins over it."""
    from curator.formats.layer_files import export_layer, import_layer

    a, b = _two_copies(tmp_path)
    future = _layer_file(tmp_path / "future.json", "done", "2999-01-01T00:00:00+00:00",
                         [{"set": "topic", "choices": ["economy"], "updated": "2999-01-01T00:00:00+00:00"}])
    import_layer(a, future)
    import_layer(b, future)
    assert a.status(1, "ann") is DocumentStatus.DONE and a.categories_for(1, "ann")["ann"]["topic"] == ["economy"]
    b.set_status(1, "ann", DocumentStatus.TODO)  # the latest real changes, in b
    b.set_categories(1, "ann", "topic", ["politics"])
    export_layer(b, "ann", tmp_path / "b.json")
    import_layer(a, tmp_path / "b.json")
    assert a.status(1, "ann") is DocumentStatus.TODO
    assert a.categories_for(1, "ann")["ann"]["topic"] == ["politics"]


def test_a_project_holding_a_time_ahead_of_the_clock_still_exchanges_its_layer(tmp_path):
    """Times already kept ahead of the clock (written by a computer whose clock was wrong)
    neither refuse the project's own file nor beat a file's later time."""
    from datetime import timedelta

    from curator.domain.models import utc_now
    from curator.formats.layer_files import export_layer, import_layer

    a, b = _two_copies(tmp_path)
    a.set_status(1, "ann", DocumentStatus.DONE, utc_now() + timedelta(days=2))
    export_layer(a, "ann", tmp_path / "a.json")
    assert import_layer(a, tmp_path / "a.json").problems == []
    import_layer(b, tmp_path / "a.json")
    assert b.status(1, "ann") is DocumentStatus.DONE

    b.set_status(1, "ann", DocumentStatus.DONE, utc_now() + timedelta(hours=1))
    later = _layer_file(tmp_path / "later.json", "todo", (utc_now() + timedelta(hours=2)).isoformat())
    import_layer(b, later)
    assert b.status(1, "ann") is DocumentStatus.TODO


@pytest.mark.parametrize("stamp", ["9999-12-31T23:30:00-05:00", "0001-01-01T00:30:00+05:00"])
def test_a_layer_time_outside_what_a_date_can_hold_is_refused_by_name(tmp_path, stamp):
    from curator.errors import CuratorError
    from curator.formats.layer_files import import_layer

    a, _b = _two_copies(tmp_path)
    for path in (_layer_file(tmp_path / "edge.json", "done", stamp),
                 _layer_file(tmp_path / "edge.json", "done", None, [{"set": "topic", "choices": ["economy"],
                                                                     "updated": stamp}])):
        with pytest.raises(CuratorError) as refused:
            import_layer(a, path)
        assert "edge.json" in str(refused.value) and "ISO 8601 time" in str(refused.value)
        assert a.status(1, "ann") is DocumentStatus.TODO and a.categories_for(1) == {}


def test_a_layer_span_time_with_an_offset_is_kept_as_the_same_instant(tmp_path):
    from datetime import datetime, timezone

    from curator.formats.layer_files import import_layer

    a, _b = _two_copies(tmp_path)
    path = tmp_path / "spans.json"
    path.write_text(json.dumps({"format": "curator-annotations", "format_version": 1, "annotator": "ann",
                                "documents": [{"id": "d1", "annotations": [
                                    {"id": "s1", "start": 0, "end": 6, "label": "LOCATION",
                                     "created": "2025-01-01T05:00:00+05:00",
                                     "updated": "2025-01-01T05:00:00+05:00"}]}]}), encoding="utf-8")
    import_layer(a, path)
    [span] = a.annotations_for(1, "ann")
    assert span.updated == datetime(2025, 1, 1, 0, 0, tzinfo=timezone.utc)


def test_a_jsonl_lines_entity_without_an_id_is_refused(tmp_path):
    from curator.formats.boundary import FileRefused
    from curator.formats.interop import import_annotated

    path = _one_line_export(tmp_path, entities=[{"name": "Astana", "type": "LOCATION"}])
    target = Store.create(tmp_path / "dst")
    with pytest.raises(FileRefused, match="without an id"):
        import_annotated(target, path)
    assert target.entities() == [] and target.document_count() == 0


def test_extra_metadata_that_json_cannot_hold_is_refused_where_it_enters_and_where_it_leaves(tmp_path):
    """A script's document with NaN, infinity or a lone surrogate in its extra metadata is
    refused by the store, naming it; one already stored refuses the export, naming it."""
    from curator.errors import CuratorError
    from curator.formats.export import ExportRefused

    store = Store.create(tmp_path / "p")
    for extra in ({"views": 2 ** 70, "ratio": float("nan")}, {"x": float("inf")}, {"name": "\ud800"},
                  {"deep": [[[{"nul": "a\x00b"}]]]}):
        with pytest.raises(CuratorError, match="'odd'.*extra metadata"):
            store.add_documents([Document(uid="odd", text="Hello.", extra=extra)])
    assert store.document_count() == 0
    store.add_documents([Document(uid="odd", text="Hello.", extra={"ratio": 1.5})])
    with store.engine.begin() as conn:  # stored behind the store's back, as an old version might have
        conn.exec_driver_sql("UPDATE documents SET extra = '{\"ratio\": NaN}'")
    for write in (export_json, export_jsonl):
        with pytest.raises(ExportRefused) as refused:
            write(store, tmp_path / "out.json")
        assert any(p.doc_uid == "odd" and "not finite" in p.message for p in refused.value.problems)
    assert not (tmp_path / "out.json").exists()


def test_a_curator_export_span_time_with_an_offset_is_kept_as_the_same_instant(tmp_path):
    from datetime import datetime, timezone

    from curator.formats.interop import import_annotated

    span = {"id": "s1", "start": 0, "end": 6, "text": "Astana", "label": "LOCATION", "annotator": "a",
            "created": "2025-01-01T05:00:00+05:00", "updated": "2025-01-01T05:00:00+05:00", "value": None,
            "entity_id": None}
    path = _one_line_export(tmp_path, annotations=[span])
    target = Store.create(tmp_path / "dst")
    import_annotated(target, path)
    [kept] = target.annotations_for(1, "a")
    assert kept.created == kept.updated == datetime(2025, 1, 1, 0, 0, tzinfo=timezone.utc)


def test_an_entity_id_given_twice_in_an_export_is_taken_once_or_refused_naming_the_entity(tmp_path):
    """Two entities under one id in a Curator JSON export: the same one twice is taken
    once; two that differ are refused naming both, never an internal error on the
    project's unique ids (found by the fuzzer)."""
    from curator.domain.models import Entity
    from curator.formats.boundary import FileRefused
    from curator.formats.interop import import_annotated

    source = Store.create(tmp_path / "src")
    source.add_documents([Document(uid="d1", text="Astana hosted the talks.")])
    source.add_entity(Entity(id="e1", name="Astana", type="LOCATION"))
    export_json(source, tmp_path / "export.json")
    exported = json.loads((tmp_path / "export.json").read_text())
    [astana] = exported["entities"]

    exported["entities"] = [astana, dict(astana)]
    (tmp_path / "export.json").write_text(json.dumps(exported))
    target = Store.create(tmp_path / "same")
    import_annotated(target, tmp_path / "export.json")
    assert [(e.id, e.name) for e in target.entities()] == [("e1", "Astana")]

    exported["entities"] = [astana, {**astana, "name": "Nur-Sultan"}]
    (tmp_path / "export.json").write_text(json.dumps(exported))
    other = Store.create(tmp_path / "differing")
    with pytest.raises(FileRefused) as refused:
        import_annotated(other, tmp_path / "export.json")
    assert "entity 2" in str(refused.value) and "entity 1" in str(refused.value), str(refused.value)
    assert other.entities() == [] and other.document_count() == 0


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2 ** 80), max_value=2 ** 80)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(extra=st.dictionaries(st.text(max_size=8), _JSON_VALUES, max_size=4))
def test_stored_extra_is_read_as_the_standard_reader_reads_it(extra):
    """An export reads each document's stored extra without a parse where it is empty,
    and each empty one is a dict of its own; whatever the store wrote reads back as the
    standard reader reads it, which a faster reader must keep (orjson would not: it
    reads an integer wider than 64 bits as a float)."""
    from curator.store.rows import _stored_extra

    stored = json.dumps(extra)
    assert repr(_stored_extra(stored)) == repr(json.loads(stored))  # (repr: NaN is not equal to itself)
    assert _stored_extra(None) is None and _stored_extra("not json") == "not json"
    assert _stored_extra("{}") == {} and _stored_extra("{}") is not _stored_extra("{}")
