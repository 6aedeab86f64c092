"""Relations through every format both ways: Curator's JSON and JSONL export, the
workbook's relations sheet, annotator layer files, Label Studio relation results and
doccano's relation extraction, and the relation labels of other tools' configs."""

import json
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curator.domain.models import GOLD, Annotation, Document, Project, Relation
from curator.domain.schema import RelationLabel, template
from curator.errors import CuratorError
from curator.formats.interop import export_interop, import_annotated
from curator.formats.layer_files import export_layer, import_layer
from curator.formats.schema_files import read_schema
from curator.session.exporting import export
from curator.session.relation_commands import AddRelation, DeleteRelation
from curator.store import Store

TEXTS = {
    "kz-1": "Exports reached $2.1 billion in 2022, according to the Bureau of National Statistics.",
    "kz-2": "Talks between Astana Rail and Orient Freight ended on Friday, Dana Ermekova said.",
}


def tag(store, doc_id, text, words, label, annotator):
    start = text.index(words)
    return store.add_annotation(Annotation(doc_id=doc_id, start=start, end=start + len(words), label=label,
                                           annotator=annotator))


def link(store, source, target, label):
    AddRelation(Relation(doc_id=source.doc_id, source_id=source.id, target_id=target.id, label=label,
                         annotator=source.annotator)).apply(store)


def relations_of(store):
    """Every relation as (document, source text and label, target text and label, relation label, annotator)."""
    found = []
    for document, spans in store.iter_documents_with_annotations():
        by_id = {s.id: s for s in spans}
        for r in store.relations_for(document.id):
            source, target = by_id[r.source_id], by_id[r.target_id]
            found.append((document.uid, document.text[source.start:source.end], source.label,
                          document.text[target.start:target.end], target.label, r.label, r.annotator))
    return sorted(found)


@pytest.fixture
def related(store):
    """Two documents, two annotators and gold, with attributions and a deal between two
    parties, on SQLite and on PostgreSQL (the projects it is exported into are SQLite's)."""
    store.save_schema(template("news"))
    ids = dict(zip(TEXTS, store.add_documents([Document(uid=uid, text=text) for uid, text in TEXTS.items()])))
    for who in ("ana", "ben", GOLD):
        text = TEXTS["kz-1"]
        figure = tag(store, ids["kz-1"], text, "$2.1 billion", "MONEY", who)
        bureau = tag(store, ids["kz-1"], text, "Bureau of National Statistics", "ORG", who)
        link(store, figure, bureau, "attributed_to")
        text = TEXTS["kz-2"]
        rail = tag(store, ids["kz-2"], text, "Astana Rail", "ORG", who)
        freight = tag(store, ids["kz-2"], text, "Orient Freight", "ORG", who)
        if who != "ben":
            link(store, rail, freight, "deal_between")
        tag(store, ids["kz-2"], text, "Dana Ermekova", "PERSON", who)
    return store


def fresh(tmp_path, name="target"):
    return Store.create(tmp_path / name, Project(label_schema=template("news")))


def test_there_are_relations_to_carry(related):
    assert len(relations_of(related)) == 5


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_the_json_and_jsonl_exports_carry_relations_and_import_back(related, tmp_path, suffix):
    target = tmp_path / f"dataset{suffix}"
    export(related, target, layer="all")
    text = target.read_text(encoding="utf-8")
    documents = (json.loads(text)["documents"] if suffix == ".json"
                 else [json.loads(line) for line in text.splitlines()])
    first = next(d for d in documents if d["id"] == "kz-1")
    spans = {a["id"]: a for a in first["annotations"]}
    relation = first["relations"][0]
    assert set(relation) == {"id", "source_id", "target_id", "label", "annotator"}
    assert spans[relation["source_id"]]["text"] == "$2.1 billion"
    assert spans[relation["target_id"]]["label"] == "ORG" and relation["label"] == "attributed_to"
    back = fresh(tmp_path)
    report = import_annotated(back, target, into_gold=True)  # (every layer, the reviewed one too)
    assert report.relations_added == 5 and relations_of(back) == relations_of(related)
    again = import_annotated(back, target, into_gold=True)  # twice: nothing new
    assert again.relations_added == 0 and again.relations_present == 5
    back.close()


def test_the_export_of_one_layer_carries_only_its_relations(related, tmp_path):
    target = tmp_path / "ben.json"
    export(related, target, layer="ben")
    documents = json.loads(target.read_text(encoding="utf-8"))["documents"]
    assert [r["annotator"] for d in documents for r in d["relations"]] == ["ben"]


def test_the_workbook_has_a_relations_sheet_naming_both_spans(related, tmp_path):
    target = tmp_path / "dataset.xlsx"
    export(related, target, layer="all")
    book = openpyxl.load_workbook(target, read_only=True)
    rows = list(book["relations"].iter_rows(values_only=True))
    header = rows[0]
    assert header == ("document", "id", "label", "annotator", "source_id", "source_text", "source_label",
                      "target_id", "target_text", "target_label")
    written = sorted((r[0], r[5], r[6], r[8], r[9], r[2], r[3]) for r in rows[1:])
    assert written == relations_of(related)  # every relation, each end by id, text and label
    spans = {r[1]: r for r in book["annotations"].iter_rows(values_only=True)}
    assert all(spans[r[4]][4] == r[5] and spans[r[7]][4] == r[8] for r in rows[1:])
    labels = [r for r in book["labels"].iter_rows(values_only=True) if r[2] == "relation"]
    assert [r[1] for r in labels] == ["attributed_to", "about", "deal_between"]
    assert labels[0][4].startswith("figure -> PERSON/ORG")


def test_a_layer_file_carries_its_relations_and_imports_them_losslessly(related, tmp_path):
    target = tmp_path / "ana.json"
    export_layer(related, "ana", target)
    entries = json.loads(target.read_text(encoding="utf-8"))["documents"]
    assert sorted(r["label"] for e in entries for r in e.get("relations", [])) == ["attributed_to", "deal_between"]
    before = relations_of(related)
    for relation in related.relation_rows(["ana"]):
        DeleteRelation(relation.id, relation.doc_id).apply(related)
    assert len(relations_of(related)) == 3
    report = import_layer(related, target)
    assert report.relations_added == 2 and relations_of(related) == before
    assert import_layer(related, target).relations_added == 0  # twice: nothing new
    gold = tmp_path / "gold.json"
    export_layer(related, GOLD, gold)
    assert sum(len(e.get("relations", [])) for e in json.loads(gold.read_text("utf-8"))["documents"]) == 2


def test_a_layer_file_made_in_another_copy_finds_the_ends_by_place(related, tmp_path):
    """Another copy made the same spans under other ids: its relations join this copy's spans."""
    target = tmp_path / "ana.json"
    export_layer(related, "ana", target)
    payload = json.loads(target.read_text(encoding="utf-8"))
    for entry in payload["documents"]:
        renamed = {a["id"]: "other-" + a["id"] for a in entry["annotations"]}
        for a in entry["annotations"]:
            a["id"] = renamed[a["id"]]
        for r in entry.get("relations", []):
            r["source_id"], r["target_id"] = renamed[r["source_id"]], renamed[r["target_id"]]
    target.write_text(json.dumps(payload), encoding="utf-8")
    report = import_layer(related, target)
    assert report.spans_added == 0 and report.relations_added == 0 and report.relations_present == 2


def test_a_malformed_relation_in_a_layer_file_refuses_the_file(related, tmp_path):
    target = tmp_path / "ana.json"
    export_layer(related, "ana", target)
    payload = json.loads(target.read_text(encoding="utf-8"))
    payload["documents"][0]["relations"] = [{"source_id": 3, "label": "attributed_to"}]
    target.write_text(json.dumps(payload), encoding="utf-8")
    with pytest.raises(CuratorError, match="relations.0.*source_id"):
        import_layer(related, target)


@pytest.mark.parametrize("fmt", ["labelstudio", "doccano"])
def test_label_studio_and_doccano_exports_carry_relations_and_import_back(related, tmp_path, fmt):
    target = tmp_path / f"{fmt}.json{'l' if fmt == 'doccano' else ''}"
    export_interop(related, target, fmt)
    text = target.read_text(encoding="utf-8")
    if fmt == "labelstudio":
        results = [r for task in json.loads(text) for a in task["annotations"] for r in a["result"]]
        relation = next(r for r in results if r["type"] == "relation" and r["labels"] == ["deal_between"])
        assert relation["direction"] == "bi" and {relation["from_id"], relation["to_id"]} <= {r.get("id") for r in results}
    else:
        record = next(json.loads(line) for line in text.splitlines() if json.loads(line)["relations"])
        numbers = {e["id"] for e in record["entities"]}
        assert all({r["from_id"], r["to_id"]} <= numbers and r["type"] for r in record["relations"])
    back = fresh(tmp_path)
    report = import_annotated(back, target, fmt, into_gold=True)  # (every layer, the reviewed one too)
    assert report.relations_added == 5 and relations_of(back) == relations_of(related)
    back.close()


def test_a_doccano_file_without_relations_keeps_the_sequence_labeling_shape(tmp_path):
    store = fresh(tmp_path, "plain")
    doc_id = store.add_documents([Document(uid="a", text=TEXTS["kz-1"])])[0]
    tag(store, doc_id, TEXTS["kz-1"], "$2.1 billion", "MONEY", "ana")
    export_interop(store, tmp_path / "plain.jsonl", "doccano")
    record = json.loads((tmp_path / "plain.jsonl").read_text(encoding="utf-8"))
    assert record["label"] == [[16, 28, "MONEY"]] and "relations" not in record
    store.close()


def test_label_studio_relations_config_and_doccano_relation_types_become_relation_labels(tmp_path):
    config = tmp_path / "config.xml"
    config.write_text('<View><Labels name="label" toName="text"><Label value="PER"/><Label value="ORG"/></Labels>'
                      '<Relations><Relation value="org:founded_by" background="#112233"/><Relation value="works_for"/>'
                      '</Relations><Text name="text" value="$text"/></View>', encoding="utf-8")
    schema, what = read_schema(config)
    assert what == "Label Studio labeling config"
    assert [(r.name, r.directed, r.color) for r in schema.relations][:1] == [("org:founded_by", True, "#112233")]
    assert [r.name for r in schema.relations] == ["org:founded_by", "works_for"]
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps([{"text": "PER", "task_type": "Span"},
                                  {"text": "located_in", "suffix_key": "k", "background_color": "#abcdef",
                                   "task_type": "Relation"},
                                  {"text": "linked", "suffix_key": "l", "task_type": "Relation"},  # L: the window's
                                  {"text": "kin", "suffix_key": "k", "task_type": "Relation"}]), encoding="utf-8")
    schema, what = read_schema(labels)
    assert schema.names == ["PER"] and [(r.name, r.key) for r in schema.relations] == [
        ("located_in", "K"), ("linked", None), ("kin", None)]
    assert schema.relations[0].color == "#abcdef"


def test_a_relation_whose_label_the_project_lacks_is_reported_not_lost_silently(related, tmp_path):
    target = tmp_path / "dataset.json"
    export(related, target, layer="all")
    back = Store.create(tmp_path / "bare", Project(label_schema=template("news").model_copy(update={"relations": []})))
    report = import_annotated(back, target, into_gold=True)  # (every layer's relations: the reviewed one's too)
    assert report.relations_added == 0 and report.missing_relation_labels == {"attributed_to": 3, "deal_between": 2}
    assert any("unknown relation label" in p.reason for p in report.problems)
    back.close()


def test_an_export_refuses_a_relation_whose_ends_are_no_longer_allowed(related, tmp_path):
    from curator.formats.export import ExportRefused

    schema = related.label_schema
    narrowed = schema.with_relation(schema.relation("attributed_to").model_copy(update={"target": ["PERSON"]}))
    related.save_schema(narrowed)
    with pytest.raises(ExportRefused, match="attributed_to does not link MONEY to ORG"):
        export(related, tmp_path / "refused.json", layer="all")
    assert not (tmp_path / "refused.json").exists()


_ENTRY = st.one_of(st.none(), st.integers(), st.text(max_size=5), st.lists(st.integers(), max_size=2),
                   st.dictionaries(st.sampled_from(["source_id", "target_id", "label", "annotator", "id"]),
                                   st.one_of(st.text(max_size=8), st.integers(), st.none()), max_size=5))


@given(relations=st.one_of(_ENTRY, st.lists(_ENTRY, max_size=4)))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_json_reader_reports_any_relations_field_it_cannot_use_and_never_crashes(related, tmp_path, relations):
    target = tmp_path / "fuzz.json"
    if not target.exists():
        export(related, target, layer="all")
    payload = json.loads(target.read_text(encoding="utf-8"))
    payload["documents"][0]["relations"] = relations
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(payload), encoding="utf-8")
    try:
        import_annotated(related, bad, "curator")
    except CuratorError as exc:  # named: the file, and the field where the file reads as JSON at all
        assert bad.name in str(exc) and ("relations" in str(exc) or "NUL" in str(exc))


def test_curator_import_add_labels_adds_the_relation_labels_a_file_needs(tmp_path, capsys):
    from curator.cli import main

    project = tmp_path / "p"
    main(["init", str(project)])
    peers = Path(__file__).parent / "data" / "peers" / "doccano" / "relation_extraction.jsonl"
    main(["labels", str(project), "add", "PER", "--kind", "entity"])
    main(["labels", str(project), "add", "LOC", "--kind", "entity"])
    capsys.readouterr()
    assert main(["import", str(project), str(peers)]) == 1  # (what was skipped is a problem)
    err = capsys.readouterr().err
    assert "relation labels the project lacks, their relations skipped: based_in (1), founded_by (1)" in err
    assert "or relation NAME" in err
    main(["import", str(project), str(peers), "--add-labels"])
    out = capsys.readouterr().out
    assert "Add relation labels based_in, founded_by" in out and "2 relation(s) added" in out
    with Store.open(project) as store:
        assert sorted(r.label for r in store.relation_rows()) == ["based_in", "founded_by"]


def test_an_imports_undo_takes_its_relations_out_and_its_redo_puts_them_back(related, tmp_path):
    """New documents take their relations along; relations a layer file adds to documents
    already there are listed for the undo, which takes them out before the spans."""
    from curator.session import Session
    from curator.session.importing import import_paths

    target = tmp_path / "dataset.json"
    export(related, target, layer="all")
    back = fresh(tmp_path)
    session = Session(back, "alice")
    report = import_paths(session, [target], into_gold=True)
    assert report.relations_added == 5 and not report.relations_on_known
    expected = relations_of(back)
    session.undo()
    assert back.relation_rows() == [] and back.document_count() == 0
    session.redo()
    assert relations_of(back) == expected
    layer = tmp_path / "ana.json"
    export_layer(related, "ana", layer)
    for relation in back.relation_rows(["ana"]):
        back.delete_relation(relation.id)
    report = import_paths(session, [layer])
    assert report.relations_added == 2 and len(report.relations_on_known) == 2
    assert session.undo_text == "Import 2 relations"
    session.undo()
    assert len(back.relation_rows()) == 3
    session.redo()
    assert relations_of(back) == expected
    back.close()


_WORDS = "Nura Steel signed with Aral Port and Kemer Bank in Taraz on Monday".split()


@given(first_id=st.integers(0, 3), picks=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), max_size=6),
       indent=st.sampled_from([1, 2, 4]))
@settings(max_examples=25, deadline=None)
def test_a_doccano_example_imports_alike_on_one_line_over_several_lines_or_alone_in_json(first_id, picks, indent):
    """doccano's relation extraction example, however it is written out: a JSON line, the
    record spread over lines as its export dialog shows it (in a .jsonl file), or one
    object alone in a .json file; entities numbered from any id, relations without ids."""
    import tempfile

    text = " ".join(_WORDS)
    chosen = ["Nura Steel", "Aral Port", "Kemer Bank", "Taraz", "Monday"]
    entities = [{"id": first_id + n, "start_offset": text.index(w), "end_offset": text.index(w) + len(w),
                 "label": "ORG" if n < 3 else ("LOCATION" if n == 3 else "DATE")} for n, w in enumerate(chosen)]
    pairs = sorted({(a, b) for a, b in picks if a != b})
    record = {"text": text, "entities": entities,
              "relations": [{"from_id": first_id + a, "to_id": first_id + b, "type": "linked"} for a, b in pairs]}
    with tempfile.TemporaryDirectory() as folder:
        schema = template("news")
        store = Store.create(Path(folder) / "p", Project(label_schema=schema.model_copy(update={
            "relations": [*schema.relations, RelationLabel(name="linked")]})))
        writings = {"line.jsonl": json.dumps(record), "spread.jsonl": json.dumps(record, indent=indent),
                    "alone.json": json.dumps(record, indent=indent)}
        for number, (name, content) in enumerate(writings.items()):
            (Path(folder) / name).write_text(content + "\n", encoding="utf-8")
            report = import_annotated(store, Path(folder) / name)
            assert report.read_as[0][1].startswith("doccano JSON") and not report.problems, report.summary()
            # (the same text again, numbered by doccano: the same article, its relations there already)
            assert report.relations_present == (len(pairs) if number else 0), name
        found = {}
        for row in relations_of(store):
            found.setdefault(row[0], []).append(row[1:])
        assert len(found) == (1 if pairs else 0)
        assert len(found.get("line-1", [])) == len(pairs)
        store.close()
