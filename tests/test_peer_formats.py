"""What the peers' files need beyond their counts (``test_peer_files``): a Label Studio
labeling config naming the text field, detection by content whatever the name, CoNLL
exported with the tokens and columns it came with, spaCy's entities both ways (``spacy
debug data`` on the export), doccano's category labels, UTF-16 offsets, and relations kept
out of the documents' metadata."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curator.cli import main
from curator.domain.models import Annotation, Document
from curator.domain.schema import CategorySet, Choice, LabelSchema
from curator.formats.annotated import stated_fields
from curator.formats.article_files import FIELD_ALIASES
from curator.formats.interop import (
    detect,
    export_interop,
    import_annotated,
    import_paths,
)
from curator.formats.schema_files import label_named, read_schema
from curator.formats.span_offsets import SpanPlacer, Utf16Index
from curator.store import Store

PEERS = Path(__file__).parent / "data" / "peers"


def project(location: Path, labels=("PER", "ORG", "LOC", "MISC"), categories: dict | None = None) -> Store:
    store = Store.create(location)
    store.save_schema(LabelSchema(labels=[label_named(name, n) for n, name in enumerate(labels)],
                                  categories=[CategorySet(name=name, choices=[Choice(name=c) for c in choices])
                                              for name, choices in (categories or {}).items()]))
    return store


def spans_of(store: Store) -> list[tuple]:
    return sorted((d.uid, d.text[a.start:a.end], a.label, a.annotator)
                  for d, layer in store.iter_documents_with_annotations() for a in layer)


# -- Label Studio ---------------------------------------------------------------------------


def test_the_labeling_config_imported_beside_the_tasks_names_their_text_field(tmp_path):
    store = project(tmp_path / "p")
    report = import_paths(store, [PEERS / "labelstudio/ner_field.json", PEERS / "labelstudio/ner_config.xml"])
    reasons = [w.reason for w in report.warnings]
    assert "2 task(s): text read from data.ner, the field the labeling config names" in reasons
    assert any("the text of its tasks is data.ner" in reason for reason in reasons)  # the config, read first
    assert len(spans_of(store)) == 4


def test_a_labeling_config_naming_data_text_adds_no_warning(tmp_path):
    from curator.formats.labelstudio_config import remember_config_file

    store = project(tmp_path / "p")
    remember_config_file(store, tmp_path / "c.xml", '<View><Labels name="label" toName="text"><Label value="ORG"/>'
                                                    '</Labels><Text name="text" value="$text"/></View>')
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps([{"data": {"text": "Steppe Rail opened a line."}}]))
    report = import_paths(store, [tasks])
    assert report.warnings == [] and store.document_count() == 1
    store.close()


def test_a_folder_of_label_studio_exports_holds_one_files_parsed_json_at_a_time(tmp_path, monkeypatch):
    """Every file was told (parsed whole) before any was imported, and each one's JSON held
    until its turn: a folder of large exports held them all at once. Each file's JSON is
    now let go once its tasks are read, before they are written and before the next file."""
    from curator.formats import interop

    folder = tmp_path / "exports"
    folder.mkdir()
    shutil.copy(PEERS / "labelstudio/ner_config.xml", folder / "zz_config.xml")  # (listed last: read first)
    shutil.copy(PEERS / "webanno/irtysh.tsv", folder / "a_irtysh.tsv")  # (listed first: read in its turn)
    for number in range(3):
        (folder / f"tasks{number}.json").write_text(json.dumps([{"data": {"ner": f"Anna Berg {number} met Olaf."}, "annotations": [{"result": [
            {"value": {"start": 0, "end": 9, "text": "Anna Berg", "labels": ["PER"]}, "from_name": "label",
             "to_name": "text", "type": "labels"}]}]}]), encoding="utf-8")
    told, held, sniff, add = [], [], interop._sniff, interop.add_documents

    def sniffed(path):
        held.append([found.fmt for found in told if found.parsed is not None])
        found = sniff(path)
        told.append(found)
        return found

    def added(*args, **kwargs):
        held.append([found.fmt for found in told if found.parsed is not None])
        return add(*args, **kwargs)

    monkeypatch.setattr(interop, "_sniff", sniffed)
    monkeypatch.setattr(interop, "add_documents", added)
    store = project(tmp_path / "p")
    report = import_paths(store, [folder])
    assert [found.fmt for found in told] == ["labelstudio-config", "webanno"] + ["labelstudio"] * 3
    assert held == [[]] * 9  # nothing parsed held at a telling or a writing
    assert [kind for _path, kind in report.read_as][:2] == ["a Label Studio labeling config",
                                                             "a WebAnno TSV 3 file (INCEpTION)"]
    assert len(report.added) == 4  # the Label Studio tasks each read with the config's field:
    assert sum(label == "PER" and text.startswith("Anna") for _uid, text, label, _who in spans_of(store)) == 3


def test_files_told_after_an_annotated_file_are_not_shown_as_its_writing(tmp_path, monkeypatch):
    """The status of an import of several files stayed on an annotated file's last
    "Writing ... of X" while the files after it were told, which takes a moment each."""
    from curator.domain.jobs import Job
    from curator.formats import interop

    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "a_tasks.json").write_text(json.dumps([{"data": {"text": "Anna Berg met Olaf."}, "annotations": [
        {"result": [{"value": {"start": 0, "end": 9, "text": "Anna Berg", "labels": ["PER"]}, "from_name": "label",
                     "to_name": "text", "type": "labels"}]}]}]), encoding="utf-8")
    for name in ("b_articles.jsonl", "c_articles.jsonl"):
        (folder / name).write_text(json.dumps({"id": name, "text": "Olaf met Anna."}) + "\n", encoding="utf-8")
    job, seen, sniff = Job(), [], interop._sniff

    def told(path):
        seen.append((path.name, job.status, job.done, job.total))
        return sniff(path)

    monkeypatch.setattr(interop, "_sniff", told)
    report = import_paths(project(tmp_path / "p"), [folder], job=job)
    assert len(report.added) == 3
    assert seen == [("a_tasks.json", "Looking at the files", 0, 3), ("b_articles.jsonl", "Looking at the files", 1, 3),
                    ("c_articles.jsonl", "Looking at the files", 2, 3)]


def test_schema_import_of_a_config_is_remembered_for_later_tasks(tmp_path, capsys):
    """Two long text fields and no spans to tell them apart: skipped and said, until the
    project's labeling config names the field."""
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps([{"data": {"headline": "Steppe Rail opens a line to Shymkent",
                                           "story": "The new tram line in Shymkent carried its first riders today."}}]))
    store = project(tmp_path / "p")
    report = import_annotated(store, tasks)
    assert store.document_count() == 0
    assert ["no text field: its data holds several (data.headline, data.story)" in p.reason
            for p in report.problems] == [True]
    store.close()
    config = tmp_path / "config.xml"
    config.write_text('<View><Labels name="label" toName="body"><Label value="LOC"/></Labels>'
                      '<Text name="title" value="$headline"/><Text name="body" value="$story"/></View>')
    assert main(["schema", "import", str(tmp_path / "p"), str(config)]) == 0
    assert "the text of its tasks is data.story" in capsys.readouterr().out
    assert main(["import", str(tmp_path / "p"), str(tasks)]) == 0
    out = capsys.readouterr()
    assert "tasks.json read as a Label Studio JSON export" in out.out
    assert "text read from data.story, the field the labeling config names" in out.err
    with Store.open(tmp_path / "p") as again:
        [document] = again.iter_documents()
        assert document.text.startswith("The new tram line") and document.title.startswith("Steppe")  # its title


def test_the_spans_tell_which_of_two_long_fields_is_the_text(tmp_path):
    body = "Heavy snow closed the road between Taraz and Bishkek for two days."
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps([{"data": {"summary": "Snow closes a road for two whole days", "body": body},
                                  "annotations": [{"result": [{"type": "labels", "value": {
                                      "start": 35, "end": 40, "text": "Taraz", "labels": ["LOC"]}}]}]}]))
    store = project(tmp_path / "p")
    report = import_annotated(store, tasks)
    assert spans_of(store) == [("tasks-1", "Taraz", "LOC", "label-studio")]
    assert [w.reason for w in report.warnings] == [
        "1 task(s): text read from data.body, the field its spans' texts are found in"]


def test_relations_stay_out_of_the_documents_metadata(tmp_path):
    store = project(tmp_path / "p")
    import_paths(store, [PEERS / "labelstudio/relation_extraction.json", PEERS / "doccano/relation_extraction.jsonl"])
    for document in store.iter_documents():
        assert not {"relations", "annotations", "entities"} & set(document.extra), document.extra


def test_the_export_names_annotators_where_label_studio_keeps_them(annotated_sample, tmp_path):
    export_interop(annotated_sample, tmp_path / "tasks.json", "labelstudio")
    tasks = json.loads((tmp_path / "tasks.json").read_text())
    annotations = [a for task in tasks for a in task["annotations"]]
    assert all("completed_by" not in a for a in annotations)  # Label Studio takes only its own user ids there
    assert {r["meta"]["curator_annotator"] for a in annotations for r in a["result"]} == {"aigerim", "daniyar"}


def test_label_studio_tasks_with_other_suffixes_and_folders_are_found_by_content(tmp_path):
    folder = tmp_path / "export" / "nested"
    folder.mkdir(parents=True)
    shutil.copy(PEERS / "labelstudio/completions.json", folder / "result")  # no suffix at all
    shutil.copy(PEERS / "conll/news.testa", folder / "dev.txt")  # CoNLL-2003 as distributed
    (folder / "article.txt").write_text("Astana, 5 March 2024 - Steppe Rail opened a line.", encoding="utf-8")
    store = project(tmp_path / "p", ("PER", "ORG", "LOC", "MISC", "QUANTITY"))
    report = import_paths(store, [tmp_path / "export"])
    assert sorted(kind for _file, kind in report.read_as) == ["CoNLL (-DOCSTART- documents)",
                                                               "a Label Studio JSON export"]
    assert sorted(d.uid for d in store.iter_documents()) == ["1", "article", "dev-1", "dev-2"]
    assert detect(folder / "article.txt") is None


# -- CoNLL ------------------------------------------------------------------------------------


def test_conll_comes_back_with_its_tokens_and_columns(tmp_path):
    store = project(tmp_path / "p")
    import_paths(store, [PEERS / "conll/news.testa"])
    export_interop(store, tmp_path / "again.conll", "conll", "conll")
    original = (PEERS / "conll/news.testa").read_text(encoding="utf-8").split("\n")
    again = (tmp_path / "again.conll").read_text(encoding="utf-8").split("\n")
    assert [line for line in again if line] == [line for line in original if line]
    assert "1996-08-30 CD I-NP O" in again  # its own token, not 1996 - 08 - 30


def test_a_stray_byte_order_mark_line_does_not_refuse_the_corpus(tmp_path):
    path = tmp_path / "wnut.dev"
    path.write_text("Kairat\tB-group\nwins\tO\n\n\ufeff\nAstana\tB-location\nrain\tO\n\n", encoding="utf-8")
    store = project(tmp_path / "p", ("group", "location"))
    report = import_paths(store, [path])
    assert spans_of(store) == [("wnut-1", "Kairat", "group", "conll"), ("wnut-2", "Astana", "location", "conll")]
    assert [w.reason for w in report.warnings] == [
        "1 line(s) held only a byte order mark or zero-width characters, or one before -DOCSTART- (lines 4): "
        "read as blank, or as -DOCSTART-"]


def test_bioes_tags_make_the_same_spans(tmp_path):
    path = tmp_path / "tags.conll"
    path.write_text("Bolat S-PER\nand O\nAstyk B-ORG\nHolding E-ORG\nof O\nAral B-LOC\nSea L-LOC\n", encoding="utf-8")
    store = project(tmp_path / "p")
    import_annotated(store, path)
    assert spans_of(store) == [("tags-1", "Aral Sea", "LOC", "conll"), ("tags-1", "Astyk Holding", "ORG", "conll"),
                               ("tags-1", "Bolat", "PER", "conll")]


# -- doccano ----------------------------------------------------------------------------------


def test_doccano_category_labels_become_category_choices(tmp_path):
    schema, what = read_schema(PEERS / "doccano/labels.json")
    assert what == "doccano label export"
    assert [label.name for label in schema.labels] == ["PER"]
    [category] = schema.categories
    assert (category.name, category.multiple, category.names) == ("category", True, ["positive", "negative"])
    assert [choice.key for choice in category.choices] == ["P", None]  # n is the window's (next suggestion)


# -- spaCy ----------------------------------------------------------------------------------


def test_spacy_entities_and_every_span_group_are_read(tmp_path):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin, Span

    nlp = spacy.blank("en")
    doc = nlp.make_doc("Aidana Seitkali met Marat Ospanov at the Turan Logistics depot in Karaganda.")
    doc.ents = [Span(doc, 0, 2, "PER"), Span(doc, 3, 5, "PER"), Span(doc, 11, 12, "LOC")]
    doc.spans["sc"] = [Span(doc, 0, 2, "PER"), Span(doc, 7, 9, "ORG")]  # one of them an entity too
    doc.spans["places"] = [Span(doc, 7, 10, "LOC")]
    doc.cats = {"logistics": 0.9, "sport": 0.1}
    bin_ = DocBin(docs=[doc])
    bin_.to_disk(tmp_path / "corpus.spacy")
    store = project(tmp_path / "p", categories={"topic": ["logistics", "sport"]})
    report = import_paths(store, [tmp_path / "corpus.spacy"])
    assert spans_of(store) == [
        ("corpus-1", "Aidana Seitkali", "PER", "spacy"), ("corpus-1", "Karaganda", "LOC", "spacy"),
        ("corpus-1", "Marat Ospanov", "PER", "spacy"), ("corpus-1", "Turan Logistics", "ORG", "spacy"),
        ("corpus-1", "Turan Logistics depot", "LOC", "spacy")]
    assert report.read_as == [(str(tmp_path / "corpus.spacy"), "a spaCy DocBin: spans from doc.ents (3), "
                                                                "doc.spans['sc'] (1), doc.spans['places'] (1)")]
    assert [(who, name, choices) for _d, who, name, choices in store.category_rows(None)] == [
        ("spacy", "topic", ["logistics"])]


def test_the_docbin_export_has_entities_and_peer_category_names(annotated_sample, tmp_path):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    annotated_sample.save_schema(annotated_sample.label_schema.with_category(
        CategorySet(name="topic", choices=[Choice(name="trade"), Choice(name="energy")])))
    first = next(annotated_sample.iter_documents())
    annotated_sample.set_categories(first.id, "aigerim", "topic", ["trade"])
    export_interop(annotated_sample, tmp_path / "out.spacy", "spacy", "aigerim")
    docs = list(DocBin().from_disk(tmp_path / "out.spacy").get_docs(spacy.blank("xx").vocab))
    spans = sum(len(layer) for _d, layer in annotated_sample.iter_documents_with_annotations("aigerim"))
    assert all(doc.ents for doc in docs) and sum(len(doc.ents) for doc in docs) <= spans
    assert sum(len(doc.spans["sc"]) for doc in docs) == spans
    assert docs[0].cats == {"trade": 1.0, "energy": 0.0}  # the names a classifier is trained on


def test_spacy_debug_data_finds_the_ner_labels_of_the_export(annotated_sample, tmp_path):
    pytest.importorskip("spacy")
    export_interop(annotated_sample, tmp_path / "train.spacy", "spacy", "aigerim")
    config = tmp_path / "config.cfg"
    subprocess.run([sys.executable, "-m", "spacy", "init", "config", str(config), "--lang", "xx", "--pipeline",
                    "ner", "--force"], check=True, capture_output=True)
    run = subprocess.run([sys.executable, "-m", "spacy", "debug", "data", str(config), "--paths.train",
                          str(tmp_path / "train.spacy"), "--paths.dev", str(tmp_path / "train.spacy")],
                         capture_output=True, text=True, env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"})
    labels = {a.label for _d, layer in annotated_sample.iter_documents_with_annotations("aigerim") for a in layer}
    counted = re.search(r"(\d+) label\(s\)", run.stdout)
    assert counted and int(counted.group(1)) == len(labels), run.stdout[-2000:]


# -- Prodigy and WebAnno TSV, written and read back -----------------------------------------


@pytest.mark.parametrize(("fmt", "name", "layer"), [("prodigy", "out.jsonl", None), ("webanno", "out.zip", "aigerim"),
                                                    ("webanno", "emoji.tsv", "aigerim")])
def test_prodigy_and_webanno_exports_read_back_exactly(annotated_sample, tmp_path, fmt, name, layer):
    source = annotated_sample
    if name == "emoji.tsv":  # a single document: a plain TSV file, named after it
        source = Store.create(tmp_path / "one")
        [doc_id] = source.add_documents([Document(uid="emoji", text="\n  Fans 🎉 cheered Nurlan Bekov\tin Astana.\r\n")])
        source.add_annotations([Annotation(doc_id=doc_id, start=17, end=29, label="PERSON", annotator="aigerim"),
                                Annotation(doc_id=doc_id, start=17, end=23, label="PERSON", annotator="aigerim"),
                                Annotation(doc_id=doc_id, start=33, end=39, label="LOCATION", annotator="aigerim")])
    export_interop(source, tmp_path / name, fmt, layer)
    assert detect(tmp_path / name) in (fmt, f"{fmt}-zip")
    other = Store.create(tmp_path / "other")
    report = import_annotated(other, tmp_path / name)
    assert report.problems == []
    expected = sorted((d.uid, d.text, a.start, a.end, a.label) for d, spans in
                      source.iter_documents_with_annotations(layer) for a in spans)
    assert sorted((d.uid, d.text, a.start, a.end, a.label) for d, spans in other.iter_documents_with_annotations()
                  for a in spans) == expected


def test_webanno_needs_one_layer_and_a_zip_for_several_documents(annotated_sample, tmp_path, capsys):
    location = str(annotated_sample.location)
    assert main(["export", location, "--format", "webanno", "-o", str(tmp_path / "x.zip")]) == 2
    assert "WebAnno TSV holds one layer" in capsys.readouterr().err
    assert main(["export", location, "--format", "webanno", "--layer", "aigerim", "-o", str(tmp_path / "x.tsv")]) == 2
    assert "export to a .zip" in capsys.readouterr().err
    assert not (tmp_path / "x.tsv").exists()


# -- offsets ----------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", " ", "\U0001F389", "\u00e9", "\U0001D400", "\n", "Қ"]), max_size=40))
def test_utf16_offsets_convert_both_ways(text):
    index = Utf16Index(text)
    for position in range(len(text) + 1):
        assert index.to_index(index.to_units(position)) == position
        assert index.to_units(position) == len(text[:position].encode("utf-16-le")) // 2
    inside = [index.to_units(i) + 1 for i, c in enumerate(text) if ord(c) > 0xFFFF]
    assert all(index.to_index(units) is None for units in inside)  # the middle of a surrogate pair


def test_a_span_placed_by_its_text():
    text = "Fans 🎉 cheered Nurlan Bekov"
    placer = SpanPlacer(text)
    assert placer.place(16, 28, "Nurlan Bekov") == (15, 27)  # counted in UTF-16
    assert placer.place(15, 27, "Nurlan Bekov") == (15, 27)  # counted in characters
    assert placer.place(0, 4, "Crowds") is None
    assert placer.counts == {"utf-16": 1, "as written": 1}


def test_articles_with_tags_of_their_own_stay_articles(tmp_path):
    """A "label" list in records that are not doccano's (they have fields doccano never
    writes) is the articles' own metadata, not categories."""
    records = [{"id": "a1", "title": "Grain exports", "text": "Kazakh grain exports rose.", "label": ["economy"]}]
    (tmp_path / "articles.json").write_text(json.dumps(records))
    (tmp_path / "articles.jsonl").write_text(json.dumps({**records[0], "id": "a2"}) + "\n")
    assert detect(tmp_path / "articles.json") is None and detect(tmp_path / "articles.jsonl") is None
    store = project(tmp_path / "p")
    report = import_paths(store, [tmp_path / "articles.json", tmp_path / "articles.jsonl"])
    assert len(report.added) == 2 and report.read_as == []
    assert [d.extra for d in store.iter_documents()] == [{"label": ["economy"]}] * 2


def test_an_image_task_has_no_text_and_an_example_without_text_is_skipped(tmp_path):
    """A path is no text (an image task is skipped and said); a doccano example without a
    text is skipped and said, as doccano's own import does, and the others come in."""
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps([{"data": {"image": "/data/upload/3/river.jpg"}, "annotations": [{"result": [
        {"type": "rectanglelabels", "value": {"x": 1, "y": 2, "width": 3, "height": 4, "rectanglelabels": ["LOC"]}}]}]},
        {"data": {"text": "The Tobol rose by two metres."}}]))
    lines = tmp_path / "data.jsonl"
    lines.write_text('{"text": "Semey", "label": [[0, 5, "LOC"]]}\n{"label": [[0, 2, "LOC"]]}\n', encoding="utf-8")
    store = project(tmp_path / "p")
    report = import_paths(store, [tasks, lines])
    assert sorted(d.text for d in store.iter_documents()) == ["Semey", "The Tobol rose by two metres."]
    assert sorted((p.record, p.reason) for p in report.problems) == [
        ("line 2", "no 'text': the example is skipped"), ("task 1", "no text: its data holds no text field; skipped")]


def test_a_label_studio_tasks_own_columns_give_the_articles_title_outlet_address_and_date(tmp_path):
    """Label Studio keeps a task's data as the user imported it: flat columns, named as an
    article file's are. Curator's own export writes them in data.meta, which comes first."""
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps([
        {"id": 1, "data": {"text": "Steppe Rail opened a tram line in Shymkent.", "Headline": "A tram for Shymkent",
                           "outlet": "Steppe Wire", "link": "https://example.org/tram", "date": "2024-05-02",
                           "pub_date": "2024-05-03", "section": "cities"}},
        {"id": 2, "data": {"text": "The line carried its first riders.", "title": "From the data",
                           "date": "the spring", "meta": {"title": "From the meta", "published": "2024-06-01"}}},
        {"id": 3, "data": {"text": "A count of riders is due.", "title": 17, "date": "next week, perhaps"}}]))
    store = project(tmp_path / "p")
    import_annotated(store, tasks)
    documents = {d.uid: d for d in store.iter_documents()}
    first, second, third = documents["1"], documents["2"], documents["3"]
    assert (first.title, first.source, first.url, str(first.published)) == \
        ("A tram for Shymkent", "Steppe Wire", "https://example.org/tram", "2024-05-02")
    assert first.extra == {"pub_date": "2024-05-03", "section": "cities"}  # a second date column stays as written
    assert (second.title, str(second.published)) == ("From the meta", "2024-06-01")
    assert second.extra == {"title": "From the data", "date": "the spring"}
    assert third.title is None and third.published is None  # not text, or not a date: kept as written
    assert third.extra == {"title": 17, "date": "next week, perhaps"}
    store.close()


def test_a_prodigy_examples_meta_names_the_articles_fields_as_an_article_file_may(tmp_path):
    path = tmp_path / "examples.jsonl"
    path.write_text(json.dumps({"text": "Steppe Rail opened a tram line.", "meta": {
        "id": "tram-1", "headline": "A tram for Shymkent", "date": "2024-05-02", "feed": "cities"},
        "spans": [], "answer": "accept"}) + "\n")
    store = project(tmp_path / "p")
    import_annotated(store, path)
    [document] = store.iter_documents()
    assert (document.uid, document.title, str(document.published)) == ("tram-1", "A tram for Shymkent", "2024-05-02")
    assert document.extra == {"feed": "cities"}
    store.close()


field_values = st.one_of(st.none(), st.text(max_size=12), st.integers(), st.booleans(),
                         st.lists(st.integers(), max_size=2), st.sampled_from(["2024-05-02", " 3 May 2024 ", "\x00"]))
field_names = st.sampled_from(["title", "Headline", "date", "published", "pub_date", "url", "link", "source",
                               "outlet", "id", "text", "section", " Date "])


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(field_names, field_values, max_size=8), st.dictionaries(field_names, field_values, max_size=8))
def test_every_key_of_a_records_metadata_is_a_field_or_kept_as_written(exact, columns):
    fields = stated_fields(exact, columns, skip=("text",))
    extra = fields.pop("extra")
    assert set(fields) <= {"title", "source", "url", "published"}
    assert all(isinstance(value, str) and value == value.strip() and value for name, value in fields.items()
               if name != "published")
    taken = {value for name, value in fields.items() if name != "published"}
    for source in (exact, columns):
        for key, value in source.items():
            if key == "text" or value is None and key.strip().lower() in FIELD_ALIASES:
                continue
            # kept in extra, or the very value of a field (a date: one that reads as the date found)
            assert key in extra or value is None or isinstance(value, str) and (
                value.strip() in taken or "published" in fields and FIELD_ALIASES.get(key.strip().lower()) == "published"
                or key == "published"), (key, value, fields, extra)


def test_each_annotators_conll_file_is_imported_as_their_layer(tmp_path, capsys):
    """CoNLL names nobody: ``--annotator`` says whose file it is, and two annotators' files
    of one article are two layers to compare, not one layer of both."""
    def conll(place: str) -> str:
        return f"-DOCSTART- -X- -X- O\n\nSteppe NNP B-NP B-ORG\nRail NNP I-NP I-ORG\nopened VBD B-VP O\n" \
               f"a DT B-NP O\nline NN I-NP O\nin IN B-PP O\nShymkent NNP B-NP {place}\n. . O O\n"

    (tmp_path / "alice.conll").write_text(conll("B-LOC"), encoding="utf-8")
    (tmp_path / "bob.conll").write_text(conll("B-ORG"), encoding="utf-8")
    project(tmp_path / "p").close()
    assert main(["import", str(tmp_path / "p"), str(tmp_path / "alice.conll"), "--annotator", "alice"]) == 0
    assert main(["import", str(tmp_path / "p"), str(tmp_path / "bob.conll"), "--annotator", "bob"]) == 0
    with Store.open(tmp_path / "p") as store:
        [document] = store.iter_documents()
        layers = {who: sorted((document.text[a.start:a.end], a.label) for a in store.annotations_for(document.id, who))
                  for who in ("alice", "bob", "conll")}
    assert layers == {"alice": [("Shymkent", "LOC"), ("Steppe Rail", "ORG")],
                      "bob": [("Shymkent", "ORG"), ("Steppe Rail", "ORG")], "conll": []}
    capsys.readouterr()
    tasks = tmp_path / "two.json"  # two annotators in one file: not merged into one
    tasks.write_text(json.dumps([{"data": {"text": "Steppe Rail opened a line."}, "annotations": [
        {"completed_by": who, "result": [{"from_name": "label", "to_name": "text", "type": "labels",
                                          "value": {"start": 0, "end": 11, "labels": ["ORG"]}}]}
        for who in (1, 2)]}]))
    assert main(["import", str(tmp_path / "p"), str(tasks), "--annotator", "carol"]) == 1
    assert "the file holds the work of 2 annotators" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:
        main(["import", str(tmp_path / "p"), str(tasks), "--annotator", " "])
    assert stopped.value.code == 2 and "argument --annotator: the name is empty" in capsys.readouterr().err


def test_a_file_numbered_by_its_tool_lands_on_the_articles_already_here(tmp_path):
    """doccano's example ids, Label Studio's task ids and a CoNLL file's places are the
    tool's, not the article's: a document with the very text of an article of the project
    is that article (its spans beside the other annotators'), never a copy of it."""
    store = project(tmp_path / "p")
    store.add_documents([Document(uid="d1", text="Veltora Bank hired 1,200 people."),
                         Document(uid="1", text="Another article entirely.")])
    doccano = tmp_path / "admin.jsonl"
    doccano.write_text(json.dumps({"id": 1, "text": "Veltora Bank hired 1,200 people.", "label": [[0, 12, "ORG"]],
                                   "Comments": []}) + "\n")
    report = import_annotated(store, doccano)
    assert sorted(d.uid for d in store.iter_documents()) == ["1", "d1"]  # no copy, and not skipped for its id
    d1 = store.document_by_uid("d1")
    assert [(a.start, a.end, a.label) for a in store.annotations_for(d1.id)] == [(0, 12, "ORG")]
    assert ["matched by their text to the project's (e.g. '1' is 'd1')" in w.reason for w in report.warnings] == [True]
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps([
        {"id": 40, "data": {"text": "Veltora Bank hired 1,200 people."}, "annotations": [{"completed_by": 2, "result": [
            {"from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 0, "end": 12, "labels": ["LOC"]}}]}]},
        {"id": 41, "data": {"id": "mine", "text": "Veltora Bank hired 1,200 people."}}]))
    import_annotated(store, tasks)
    assert sorted(d.uid for d in store.iter_documents()) == ["1", "d1", "mine"]  # an id of the user's own is kept
    assert sorted(a.label for a in store.annotations_for(d1.id)) == ["LOC", "ORG"]
    store.close()


def test_a_label_studio_annotation_submitted_is_its_annotators_done_and_curators_export_says_who_is(tmp_path):
    """In Label Studio a user submits an annotation when done with the task (a skipped one
    is cancelled): that user's document is done, and the gold export says so. Curator's own
    export writes one annotation per layer, submitted by nobody: its task says who is done."""
    from curator.domain.models import DocumentStatus
    from curator.formats.interop import export_interop

    def region(start: int, end: int, label: str) -> dict:
        return {"id": f"r{start}", "from_name": "label", "to_name": "text", "type": "labels", "origin": "manual",
                "value": {"start": start, "end": end, "labels": [label]}}

    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps([
        {"id": 1, "data": {"id": "t1", "text": "Steppe Rail opened a line."}, "annotations": [
            {"id": 11, "completed_by": 3, "was_cancelled": False, "result": [region(0, 11, "ORG")]},
            {"id": 12, "completed_by": 4, "was_cancelled": False, "result": []},  # found nothing: done too
            {"id": 13, "completed_by": 5, "was_cancelled": True, "result": []}]},
        {"id": 2, "data": {"id": "t2", "text": "Aral Port grew."}, "annotations": [], "drafts": [
            {"id": 14, "user": 3, "result": [region(0, 9, "ORG")]}]}]))
    store = project(tmp_path / "p")
    import_annotated(store, tasks)
    t1, t2 = store.document_by_uid("t1"), store.document_by_uid("t2")
    assert store.done_by() == {t1.id: ["3", "4"]}  # not the cancelled one, nor a draft's author
    export_interop(store, tmp_path / "back.json", "labelstudio")
    again = project(tmp_path / "again")
    import_annotated(again, tmp_path / "back.json")
    assert again.done_by() == {again.document_by_uid("t1").id: ["3", "4"]}
    store.set_status(t1.id, "4", DocumentStatus.TODO)  # to do again, here: the export says only 3 is done
    export_interop(store, tmp_path / "back.json", "labelstudio")
    third = project(tmp_path / "third")
    import_annotated(third, tmp_path / "back.json")
    assert third.done_by() == {third.document_by_uid("t1").id: ["3"]} and t2 is not None
    for opened in (store, again, third):
        opened.close()


def test_a_prodigy_answer_accepted_is_its_annotators_done_and_curators_export_says_whose(tmp_path):
    from curator.domain.models import DocumentStatus
    from curator.formats.interop import export_interop

    path = tmp_path / "db-out.jsonl"
    path.write_text("\n".join(json.dumps(example) for example in [
        {"text": "Steppe Rail opened a line.", "meta": {"id": "p1"}, "answer": "accept", "_annotator_id": "news-ana",
         "spans": [{"start": 0, "end": 11, "label": "ORG"}]},
        {"text": "Aral Port grew.", "meta": {"id": "p2"}, "spans": [{"start": 0, "end": 9, "label": "ORG"}]},
    ]) + "\n")
    store = project(tmp_path / "p")
    import_annotated(store, path)
    p1 = store.document_by_uid("p1")
    assert store.done_by() == {p1.id: ["news-ana"]}  # an example with no answer is not one done
    store.set_status(p1.id, "news-ana", DocumentStatus.TODO)
    store.set_status(store.document_by_uid("p2").id, "prodigy", DocumentStatus.DONE)
    export_interop(store, tmp_path / "back.jsonl", "prodigy")
    again = project(tmp_path / "again")
    import_annotated(again, tmp_path / "back.jsonl")
    assert again.done_by() == {again.document_by_uid("p2").id: ["prodigy"]}  # as the project said, not every line
    store.close()
    again.close()


def test_a_users_file_in_doccanos_zip_is_that_users_work_whatever_its_annotator_field_says(tmp_path):
    """Curator's doccano export names each line's annotator; doccano keeps that as metadata
    and, once another user annotates the example, exports it in that user's file."""
    import zipfile

    line = {"id": 6, "text": "The Red Crescent said floods hit Dhaka.", "uid": "2", "annotator": "admin",
            "label": [[4, 16, "ORG"], [33, 38, "LOC"]], "Comments": []}
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("dina.jsonl", json.dumps(line) + "\n")
        out.writestr("admin.jsonl", json.dumps({**line, "label": [[4, 16, "ORG"]]}) + "\n")
    store = project(tmp_path / "p")
    import_annotated(store, archive)
    [document] = store.iter_documents()
    layers = {who: sorted(a.label for a in store.annotations_for(document.id, who)) for who in ("admin", "dina")}
    assert layers == {"admin": ["ORG"], "dina": ["LOC", "ORG"]}
    store.close()


def test_curators_label_studio_export_uses_the_names_of_the_projects_labeling_config(annotated_sample, tmp_path):
    """Label Studio refuses a task without the field its config shows ('"body" key is
    expected in task data') and shows no span drawn with another control's name."""
    from curator.formats.interop import export_interop
    from curator.formats.labelstudio_config import remember_config_file

    config = ('<View><Header value="$title"/><Labels name="ner" toName="article"><Label value="ORG"/></Labels>'
              '<Text name="article" value="$body"/></View>')
    remember_config_file(annotated_sample, tmp_path / "config.xml", config)
    export_interop(annotated_sample, tmp_path / "tasks.json", "labelstudio")
    tasks = json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))
    assert all("body" in task["data"] and "text" not in task["data"] for task in tasks)
    names = {(r["from_name"], r["to_name"]) for task in tasks for a in task["annotations"] for r in a["result"]
             if r.get("type") == "labels"}
    assert names == {("ner", "article")}
    again = project(tmp_path / "again", labels=annotated_sample.label_schema.names)
    import_annotated(again, tmp_path / "tasks.json")
    assert again.annotation_count() == annotated_sample.annotation_count()
    again.close()
    # The labeling config written beside binds the same names, with every label of the project.
    written = ElementTree.fromstring((tmp_path / "tasks.config.xml").read_text(encoding="utf-8"))
    assert written.find("Text").attrib == {"name": "article", "value": "$body"}
    assert written.find("Labels").get("name") == "ner" and written.find("Labels").get("toName") == "article"


def test_the_labeling_config_beside_a_label_studio_export_reads_back_as_the_projects_schema(annotated_sample,
                                                                                            tmp_path):
    """Label Studio needs a labeling config to show tasks: Curator's export writes one
    beside them with the project's labels (colours, descriptions as hints), relation labels
    and category sets, which ``curator schema import`` reads back as the same schema."""
    from curator.cli.command_line import main
    from curator.formats.schema_files import read_schema

    target = tmp_path / "out" / "tasks.json"
    target.parent.mkdir()
    assert main(["export", str(tmp_path / "annotated"), "--format", "labelstudio", "-o", str(target)]) == 0
    schema, what = read_schema(tmp_path / "out" / "tasks.config.xml")
    ours = annotated_sample.label_schema
    assert what == "Label Studio labeling config"
    assert [(label.name, label.color, label.description) for label in schema.labels] == \
        [(label.name, label.color, label.description) for label in ours.labels]
    assert [relation.name for relation in schema.relations] == [relation.name for relation in ours.relations]
    assert [(c.name, c.multiple, c.names) for c in schema.categories] == \
        [(c.name, c.multiple, c.names) for c in ours.categories]
    assert sorted(p.name for p in target.parent.iterdir()) == ["tasks.config.xml", "tasks.json"]


@pytest.mark.parametrize("fmt", ["labelstudio", "doccano", "prodigy"])
def test_an_articles_metadata_goes_to_another_tool_and_comes_back_whole(tmp_path, fmt):
    """Title, outlet, address, date and the extra metadata imported with an article: the
    task's or record's own columns there (a config's <Header value="$title"/> shows the
    title), and the same article when the file comes back."""
    from datetime import date

    from curator.formats.interop import export_interop

    store = project(tmp_path / "p")
    store.add_documents([Document(uid="a1", text="Steppe Rail opened a line.", title="A tram for Shymkent",
                                  source="Steppe Wire", url="https://example.org/tram", published=date(2024, 5, 2),
                                  extra={"section": "cities", "Summary": "A new line", "date_note": "morning",
                                         "pub_date": "2024-05-03"})])  # (a second date, kept as written)
    [document] = store.iter_documents()
    store.add_annotations([Annotation(doc_id=document.id, start=0, end=11, label="ORG", annotator="dina")])
    target = tmp_path / ("out.json" if fmt == "labelstudio" else "out.jsonl")
    export_interop(store, target, fmt)
    if fmt == "labelstudio":
        data = json.loads(target.read_text(encoding="utf-8"))[0]["data"]
        assert (data["title"], data["section"], data["published"]) == ("A tram for Shymkent", "cities", "2024-05-02")
    again = project(tmp_path / "again")
    import_annotated(again, target)
    [back] = again.iter_documents()
    assert (back.uid, back.title, back.source, back.url, back.published, back.extra) == (
        "a1", document.title, document.source, document.url, document.published, document.extra)
    store.close()
    again.close()


def test_a_region_drawn_in_label_studio_on_curators_export_of_a_layer_is_that_layers(tmp_path):
    """Label Studio gives an imported annotation its importing user (completed_by) and keeps
    each result's meta: a region drawn there has none, and is the layer's the others name."""
    tasks = tmp_path / "edited.json"
    tasks.write_text(json.dumps([{"id": 1, "data": {"text": "Aral Port grew on Tuesday.", "meta": {"uid": "a1"}},
                                  "annotations": [{"id": 5, "completed_by": 1, "result": [
        {"id": "x1", "from_name": "label", "to_name": "text", "type": "labels", "meta": {"curator_annotator": "bob"},
         "value": {"start": 0, "end": 9, "text": "Aral Port", "labels": ["ORG"]}},
        {"id": "x2", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 18, "end": 25, "text": "Tuesday", "labels": ["MISC"]}}]}]}]))
    store = project(tmp_path / "p")
    import_annotated(store, tasks)
    [document] = store.iter_documents()
    assert sorted((a.annotator, a.label) for a in store.annotations_for(document.id)) == [("bob", "MISC"), ("bob", "ORG")]
    assert store.done_by() == {}  # who is done, Curator's export says in the task's meta: nobody here
    store.close()


def test_an_annotator_whose_span_the_reader_could_not_place_is_not_done(tmp_path):
    """A region whose written text is not the text at its offsets is skipped: its
    annotator's submitted annotation is then not the whole of their work on the task."""
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps([{"id": 1, "data": {"id": "t1", "text": "Steppe Rail opened a line in Shymkent."},
                                  "annotations": [{"completed_by": 3, "result": [
        {"from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 0, "end": 11, "text": "Steppe Rail", "labels": ["ORG"]}},
        {"from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 29, "end": 37, "text": "Astana", "labels": ["LOC"]}}]}]}]))
    store = project(tmp_path / "p")
    report = import_annotated(store, tasks)
    assert store.annotation_count() == 1 and store.done_by() == {}
    assert any("the status 'done' of '3' not set" in p.reason for p in report.problems)
    store.close()


def test_a_json_min_export_lands_on_the_articles_already_here(tmp_path):
    """JSON_MIN flattens a task: its id is Label Studio's own, not the article's."""
    store = project(tmp_path / "p")
    store.add_documents([Document(uid="d1", text="Veltora Bank hired 1,200 people.")])
    path = tmp_path / "min.json"
    path.write_text(json.dumps([{"id": 7, "text": "Veltora Bank hired 1,200 people.", "annotator": 2,
                                 "label": [{"start": 0, "end": 12, "text": "Veltora Bank", "labels": ["ORG"]}]}]))
    import_annotated(store, path)
    assert [d.uid for d in store.iter_documents()] == ["d1"]
    assert [a.label for a in store.annotations_for(store.document_by_uid("d1").id)] == ["ORG"]
    store.close()


def test_a_config_showing_a_column_named_as_a_field_keeps_the_text_there(annotated_sample, tmp_path):
    """A headline-labelling config shows data.title: the text goes there, not the title."""
    from curator.formats.interop import export_interop
    from curator.formats.labelstudio_config import remember_config_file

    remember_config_file(annotated_sample, tmp_path / "c.xml", '<View><Labels name="label" toName="t"><Label '
                                                               'value="ORG"/></Labels><Text name="t" value="$title"/></View>')
    export_interop(annotated_sample, tmp_path / "tasks.json", "labelstudio")
    texts = {d.text for d in annotated_sample.iter_documents()}
    assert {task["data"]["title"] for task in json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))} == texts
