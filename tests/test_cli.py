import json
from pathlib import Path

import pytest

from curator.cli import main
from curator.store import Store


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_import_validate_export_round(tmp_path, capsys, seeds):
    project = str(tmp_path / "p")
    assert run(capsys, "init", project)[0] == 0
    code, out, err = run(capsys, "import", project, *map(str, seeds))
    # Two seeds state no year anywhere ("Baku, Azerbaijan, November 28."): the import names them.
    assert (code, out.strip(), err) == (0, "5 document(s) imported, 2 without a date (003_d3a778e1918d26d9, "
                                           "004_fd3b26c682193b6e): relative dates in them stay unresolved until "
                                           "their date is set", "")
    code, out, _ = run(capsys, "validate", project)
    assert code == 0 and "0 error(s)" in out
    for fmt in ("json", "xlsx"):
        target = tmp_path / f"out.{fmt}"
        code, out, _ = run(capsys, "export", project, "--format", fmt, "-o", str(target))
        assert code == 0 and target.stat().st_size > 0
    data = json.loads((tmp_path / "out.json").read_text())
    assert len(data["documents"]) == 5


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_a_documents_extra_metadata_goes_out_with_it_and_comes_back(tmp_path, capsys, fmt):
    """Fields of an imported record that are not Curator's own are kept as the article's
    extra metadata: the export carries them, and importing the export puts them back."""
    source = tmp_path / "articles.jsonl"
    source.write_text(json.dumps({"id": "a1", "text": "Astana, 3 May.", "desk": "politics",
                                  "tags": ["trade", "china"], "score": 0.75}) + "\n", encoding="utf-8")
    for name in ("p", "q"):
        assert run(capsys, "init", str(tmp_path / name))[0] == 0
    assert run(capsys, "import", str(tmp_path / "p"), str(source))[0] == 0
    target = tmp_path / f"out.{fmt}"
    assert run(capsys, "export", str(tmp_path / "p"), "--format", fmt, "-o", str(target))[0] == 0
    exported = json.loads(target.read_text().splitlines()[0]) if fmt == "jsonl" else \
        json.loads(target.read_text())["documents"][0]
    assert exported["extra"] == {"desk": "politics", "tags": ["trade", "china"], "score": 0.75}
    schema = json.loads((tmp_path / "curator-dataset-v1.schema.json").read_text())
    assert "extra" in json.dumps(schema)
    assert run(capsys, "import", str(tmp_path / "q"), str(target))[0] == 0
    assert Store.open(tmp_path / "q").document_by_uid("a1").extra == exported["extra"]


def test_who_marked_a_document_done_survives_an_export_and_its_import(tmp_path, capsys):
    """The export's ``status`` is "done by anyone"; ``done_by`` names who, so that an
    imported export marks done only the annotators who had, and agreement (which counts
    a done document without spans as an empty version) is the same on both sides."""
    from curator.analysis.agreement import compute_agreement
    from curator.domain.models import Annotation, Document, DocumentStatus

    store = Store.create(tmp_path / "p")
    doc_id = store.add_documents([Document(uid="a1", text="Astana hosted Tokayev.")])[0]
    for annotator in ("alice", "bob", "carol"):
        store.add_annotation(Annotation(doc_id=doc_id, start=0, end=6, label="LOCATION", annotator=annotator))
    store.add_documents([Document(uid="a2", text="Nothing to tag here.")])
    store.set_status(doc_id, "alice", DocumentStatus.DONE)
    store.set_status(doc_id + 1, "alice", DocumentStatus.DONE)
    store.set_status(doc_id + 1, "bob", DocumentStatus.DONE)
    store.set_status(doc_id, "carol", DocumentStatus.DONE)
    store.set_status(doc_id, "carol", DocumentStatus.TODO)  # carol reopened it
    before = compute_agreement(store)
    store.close()
    assert run(capsys, "export", str(tmp_path / "p"), "-o", str(tmp_path / "out.json"))[0] == 0
    documents = json.loads((tmp_path / "out.json").read_text())["documents"]
    assert [(d["status"], d["done_by"]) for d in documents] == [("done", ["alice"]), ("done", ["alice", "bob"])]

    assert run(capsys, "init", str(tmp_path / "q"))[0] == 0
    assert run(capsys, "import", str(tmp_path / "q"), str(tmp_path / "out.json"))[0] == 0
    copy = Store.open(tmp_path / "q")
    ids = {uid: doc for doc, uid in copy.uids().items()}
    assert {name: copy.status(ids["a1"], name) for name in ("alice", "bob", "carol")} == {
        "alice": DocumentStatus.DONE, "bob": DocumentStatus.TODO, "carol": DocumentStatus.TODO}
    assert copy.status(ids["a2"], "bob") is DocumentStatus.DONE
    after = compute_agreement(copy)
    assert (after.documents, after.overall, after.pairs) == (before.documents, before.overall, before.pairs)
    assert before.documents == 2  # a2: finished by two annotators with nothing to tag, an agreement


def test_an_export_whose_extra_is_not_an_object_is_refused_by_name(tmp_path, capsys):
    run(capsys, "init", str(tmp_path / "q"))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "curator-dataset", "format_version": 1, "documents": [
        {"id": "a1", "text": "Astana.", "extra": ["not", "an", "object"], "annotations": []}]}), encoding="utf-8")
    code, _, err = run(capsys, "import", str(tmp_path / "q"), str(bad))
    assert code != 0 and "bad.json" in err and "extra" in err and "not an object" in err
    assert Store.open(tmp_path / "q").document_count() == 0


def test_sample_creates_the_sample_project(tmp_path, capsys):
    code, out, _ = run(capsys, "sample", str(tmp_path / "s"))
    assert code == 0 and "5 document(s) imported" in out
    assert Store.open(tmp_path / "s").document_count() == 5


def test_errors_go_to_stderr_with_nonzero_status(tmp_path, capsys):
    code, out, err = run(capsys, "validate", str(tmp_path / "missing"))
    assert code == 2 and out == "" and "not a Curator project" in err
    run(capsys, "init", str(tmp_path / "p"))
    code, _, err = run(capsys, "init", str(tmp_path / "p"))
    assert code == 2 and "already exists" in err
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00\x00garbage\x00")
    code, out, err = run(capsys, "import", str(tmp_path / "p"), str(bad))
    assert code == 1 and "bad.txt" in err and "0 document(s) imported" in out


def test_refused_export_lists_problems(sample_store, tmp_path, capsys):
    from curator.domain.models import Annotation
    from curator.store import annotations_table

    doc = sample_store.document_by_uid("002_dbc77deba9cd34d7")
    sample_store.add_annotation(Annotation(doc_id=doc.id, start=0, end=6, label="LOCATION", annotator="a"))
    with sample_store.engine.begin() as conn:
        conn.execute(annotations_table.update().values(label="NOPE"))
    target = tmp_path / "x.json"
    code, _, err = run(capsys, "export", str(sample_store.location), "-o", str(target))
    assert code == 1 and "export refused" in err and "unknown label 'NOPE'" in err and "002_dbc77deba9cd34d7" in err
    assert not target.exists()


def test_gui_command_without_a_gui_says_so(capsys):
    code, _, err = run(capsys, "gui")
    assert code == 2 and "no GUI" in err


def test_annotator_name_is_remembered(capsys):
    assert run(capsys, "iam", "  aigerim ")[0] == 0
    assert run(capsys, "whoami")[1].strip() == "aigerim"
    code, _, err = run(capsys, "iam", " ")
    assert code == 2 and "the name is empty" in err


def test_export_says_which_layer_went_out_and_warns_when_gold_is_a_small_part(tmp_path, capsys):
    from curator.domain.models import Annotation

    project = tmp_path / "p"
    assert main(["sample", str(project)]) == 0
    with Store.open(project) as store:
        doc = store.document_by_uid("002_dbc77deba9cd34d7")
        store.add_annotation(Annotation(doc_id=doc.id, start=0, end=6, label="LOCATION", annotator="gold"))
    capsys.readouterr()
    code, out, err = run(capsys, "export", str(project), "-o", str(tmp_path / "x.json"))
    assert code == 0 and "Exported layer 'gold' (1 spans) (the default)" in out
    assert "aigerim 227" in out and "daniyar 213" in out and "gold 1" in out
    assert "warning: the gold layer holds 1 spans" in err and "--layer all" in err
    code, out, err = run(capsys, "export", str(project), "--layer", "all", "-o", str(tmp_path / "y.json"))
    assert code == 0 and "Exported every layer;" in out and "gold layer holds" not in err


def test_many_warnings_are_summarised_unless_verbose(tmp_path, capsys):
    from curator.domain.models import Annotation

    project = tmp_path / "p"
    main(["sample", str(project)])
    with Store.open(project) as store:
        doc = store.document_by_uid("002_dbc77deba9cd34d7")
        store.add_annotations([Annotation(doc_id=doc.id, start=i, end=i + 1, label="MONEY", annotator="bot")
                               for i in range(30)])  # figures without values: one warning each
    capsys.readouterr()
    code, _, err = run(capsys, "export", str(project), "--layer", "bot", "-o", str(tmp_path / "x.json"))
    assert code == 0 and len(err.strip().splitlines()) <= 3 and "30 warning(s) in all" in err and "30 x " in err
    code, _, err = run(capsys, "export", str(project), "--layer", "bot", "-o", str(tmp_path / "x.json"),
                       "--verbose")
    assert code == 0 and len(err.strip().splitlines()) == 30


def test_init_imports_neither_sqlalchemy_nor_pydantic(tmp_path):
    """Creating a SQLite project is the driver's work alone: SQLAlchemy and pydantic are
    most of what ``curator init`` would otherwise cost (a third of a second)."""
    import subprocess
    import sys

    script = ("import sys; from ui.launch import main; assert main(['init', sys.argv[1], '--name', 'Trade']) == 0; "
              "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'pydantic', 'alembic'}))")
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "p")], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parent.parent).stdout
    assert out.strip().splitlines()[-1] == "[]"
    with Store.open(tmp_path / "p") as store:
        assert store.project.name == "Trade" and len(store.label_schema.labels) == 9


def test_imports_load_neither_the_exports_code_nor_metadata_detection(tmp_path):
    """Importing articles or another tool's file needs neither the export's writers and
    validation (nor their worker processes) nor the patterns that find a text's dateline:
    each is milliseconds of every import's start."""
    import subprocess
    import sys

    text = "Astana and Beijing signed a trade deal."
    files = {
        "articles.jsonl": json.dumps({"id": "a1", "text": text, "published": "2024-03-05", "source": "Tengri"}),
        # (dated: an undated article is read for its dateline, which loads the patterns)
        "tasks.json": json.dumps([{"data": {"text": text, "date": "2024-03-05"}, "annotations": [{"result": [
            {"from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 0, "end": 6, "labels": ["LOCATION"]}}]}]}]),
        "doccano.jsonl": json.dumps({"text": text, "date": "2024-03-05", "label": [[0, 6, "LOCATION"]]}),
    }
    script = ("import sys; from ui.launch import main; assert main(['import', sys.argv[1], sys.argv[2]]) == 0; "
              "print(sorted(m for m in sys.modules if m in ('curator.formats.export', 'curator.formats.validate', "
              "'curator.domain.metadata', 'curator.domain.dataset', 'multiprocessing')))")
    for name, content in files.items():
        (tmp_path / name).write_text(content + "\n", encoding="utf-8")
        main(["init", str(tmp_path / name.split(".")[0])])
        out = subprocess.run([sys.executable, "-c", script, str(tmp_path / name.split(".")[0]), str(tmp_path / name)],
                             capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parent.parent)
        assert out.stdout.strip().splitlines()[-1] == "[]", (name, out.stdout)
        assert "1 document(s) imported" in out.stdout


def test_a_command_ends_with_its_heap_frozen_and_nothing_left_open(tmp_path):
    """The ``curator`` process skips the interpreter's final collection (the heap is frozen
    when the command returns): every command closes what it opened itself, so the project
    is left closed, its write-ahead log folded back and removed, and the export whole."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    project, articles, target = tmp_path / "p", tmp_path / "a.jsonl", tmp_path / "out" / "out.json"
    target.parent.mkdir()
    articles.write_text("".join(json.dumps({"id": f"a{i}", "text": f"Astana, item {i}."}) + "\n" for i in range(50)))
    script = ("import gc, sys; from ui.launch import main; status = main(sys.argv[1:]); "
              "print(status, gc.get_freeze_count() > 0)")
    for argv in (["init", project], ["import", project, articles]):
        done = subprocess.run([sys.executable, "-c", script, *map(str, argv)], capture_output=True, text=True,
                              check=True, cwd=root)
        assert done.stdout.strip().splitlines()[-1] == "0 True", done.stdout
    subprocess.run([sys.executable, "-m", "curator", "export", str(project), "-o", str(target)], check=True, cwd=root,
                   capture_output=True)
    assert sorted(path.name for path in project.iterdir()) == ["curator.db"]
    assert len(json.loads(target.read_text())["documents"]) == 50


def test_a_jsonl_export_read_alone_keeps_every_entity_link(tmp_path, capsys, annotated_sample):
    """Each JSONL line carries the entities its spans link to: imported into an empty
    project, every span comes back with its link, and each entity once."""
    target = tmp_path / "out.jsonl"
    assert run(capsys, "export", str(annotated_sample.location), "-o", str(target))[0] == 0
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    linked = {span["entity_id"] for line in lines for span in line["annotations"] if span["entity_id"]}
    assert linked and {entity["id"] for line in lines for entity in line["entities"]} == linked
    assert run(capsys, "init", str(tmp_path / "q"))[0] == 0
    code, out, err = run(capsys, "import", str(tmp_path / "q"), str(target))
    assert code == 0 and "skipped" not in out + err
    copy = Store.open(tmp_path / "q")
    spans = [span for doc_id in copy.document_ids() for span in copy.annotations_for(doc_id)]
    assert len(spans) == sum(len(line["annotations"]) for line in lines)
    assert {span.entity_id for span in spans if span.entity_id} == linked
    assert sorted(entity.id for entity in copy.entities()) == sorted(linked)


def test_jsonl_lines_whose_entities_disagree_are_refused_by_line(tmp_path, capsys):
    entity = {"id": "e1", "name": "Astana", "type": "LOCATION", "aliases": []}
    span = {"id": "s1", "start": 0, "end": 6, "text": "Astana", "label": "LOCATION", "annotator": "a",
            "created": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z", "value": None, "entity_id": "e1"}
    lines = [{"id": "d1", "text": "Astana hosted.", "annotations": [span], "entities": [entity]},
             {"id": "d2", "text": "Astana again.", "annotations": [{**span, "id": "s2"}],
              "entities": [{**entity, "name": "Nur-Sultan"}]}]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    run(capsys, "init", str(tmp_path / "q"))
    code, _, err = run(capsys, "import", str(tmp_path / "q"), str(bad))
    assert code != 0 and "bad.jsonl" in err and "document 2" in err and "'e1' differs" in err
    assert Store.open(tmp_path / "q").document_count() == 0


def test_a_command_does_not_search_the_installed_distributions_for_pydantic_plugins(tmp_path):
    """Pydantic looks for its plugins in the metadata of every installed distribution the
    first time it builds a model (about 40 ms of a command's start); the ``curator``
    process uses none and skips the search, unless PYDANTIC_DISABLE_PLUGINS says otherwise."""
    import os
    import subprocess
    import sys

    script = ("import importlib.metadata as m, sys\n"
              "searched = []\n"
              "real = m.entry_points\n"
              "m.entry_points = lambda *a, **k: searched.append(k) or real(*a, **k)\n"
              "from ui.launch import main\n"
              "assert main(['history', sys.argv[1]]) == 0\n"
              "print(len(searched))\n")
    main(["init", str(tmp_path / "p")])
    root = Path(__file__).resolve().parent.parent
    env = {key: value for key, value in os.environ.items() if key != "PYDANTIC_DISABLE_PLUGINS"}
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "p")], capture_output=True, text=True,
                         check=True, cwd=root, env=env).stdout
    assert out.strip().splitlines()[-1] == "0"
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "p")], capture_output=True, text=True,
                         check=True, cwd=root, env={**env, "PYDANTIC_DISABLE_PLUGINS": ""}).stdout
    assert int(out.strip().splitlines()[-1]) >= 1  # the user's setting decides


def test_loading_the_store_sets_off_no_full_collection(tmp_path):
    """A command that opens a project loads the store's modules (SQLAlchemy, pydantic, the
    models) with the cyclic collector paused and then freezes them: loading them used to
    set off a hundred collections, one of them over the whole heap (50-70 ms of a start)."""
    import subprocess
    import sys

    script = ("import gc, sys\n"
              "runs = {0: 0, 1: 0, 2: 0}\n"
              "gc.callbacks.append(lambda phase, info: phase == 'start' and runs.__setitem__("
              "info['generation'], runs[info['generation']] + 1))\n"
              "from ui.launch import main\n"
              "assert main(['history', sys.argv[1]]) == 0\n"
              "print(runs[0], runs[1], runs[2])\n")
    main(["init", str(tmp_path / "p")])
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "p")], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parent.parent).stdout
    young, middle, full = map(int, out.strip().splitlines()[-1].split())
    assert full == 0 and middle <= 2 and young < 50, (young, middle, full)


def test_validate_names_the_layer_of_each_problem(tmp_path, capsys):
    """The same span, unnormalized in two layers: two lines, told apart by their layer."""
    from curator.domain.models import GOLD, Annotation, Document

    project = tmp_path / "p"
    store = Store.create(project)
    store.add_documents([Document(uid="art-1", text="Output rose on Tuesday, officials said.")])
    (doc,) = store.iter_documents()
    start = doc.text.index("Tuesday")
    store.add_annotations([Annotation(doc_id=doc.id, start=start, end=start + 7, label="DATE", annotator=who)
                           for who in ("alice", GOLD)])
    store.close()
    code, _out, err = run(capsys, "validate", str(project))
    assert code == 0
    assert "art-1 [15:22] in alice's layer: date 'Tuesday' has no normalized value" in err
    assert "art-1 [15:22] in the gold layer: date 'Tuesday' has no normalized value" in err


def test_validate_warns_of_words_one_layer_gives_two_labels(tmp_path, capsys):
    """A label corrected in another tool and imported again beside the old one."""
    from curator.domain.models import Annotation, Document

    project = tmp_path / "p"
    store = Store.create(project)
    store.add_documents([Document(uid="art-1", text="Floods reached Ohio on Monday.")])
    (doc,) = store.iter_documents()
    store.add_annotations([Annotation(doc_id=doc.id, start=15, end=19, label=label, annotator="dina")
                           for label in ("LOCATION", "ORG")])
    store.close()
    code, _out, err = run(capsys, "validate", str(project))
    assert code == 0
    assert "art-1 [15:19] in dina's layer: 'Ohio' has two labels in one layer, LOCATION and ORG: keep one" in err
