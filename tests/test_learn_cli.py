"""``curator learn`` and ``curator suggest --learned`` (and the outside sources), as a
script or a curator types them."""

from __future__ import annotations

import json
import re

import pytest
from synthetic_news import build

from curator.analysis.learning.training import RECOMMENDER, settings_of
from curator.cli import main
from curator.store import Store


@pytest.fixture
def project(tmp_path):
    store, _done, todo, _truth = build(tmp_path / "p")
    uids = [store.get_document(doc_id).uid for doc_id in todo]
    store.close()
    return tmp_path / "p", uids


def test_learn_trains_in_the_project_and_reports_per_label_scores_on_its_own_annotations(project, capsys):
    location, _uids = project
    assert main(["learn", str(location)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"Trained on 10 document\(s\) \(done by aigerim\) and \d+ span\(s\) \(LOCATION \d+, ORG \d+, "
                     r"PERSON \d+\)", out), out
    assert "models trained on half of the 10 documents" in out
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()[3:]}
    assert set(rows) == {"LOCATION", "ORG", "PERSON", "all"}
    for label in ("LOCATION", "ORG", "PERSON"):
        gold, _found, _precision, _recall, f1, threshold, *_shown = rows[label]
        assert int(gold) > 0 and 0.5 <= float(f1) <= 1.0 and threshold == "0.70"
    with Store.open(location) as store:
        assert store.recommender(RECOMMENDER).info["documents"] == 10


def test_suggest_learned_uses_the_trained_model(project, capsys):
    location, uids = project
    assert main(["suggest", str(location), "--learned", "--annotator", "bob"]) == 2  # nothing trained yet
    assert "no trained recommender yet" in capsys.readouterr().err
    assert main(["learn", str(location)]) == 0
    capsys.readouterr()
    assert main(["suggest", str(location), "--learned", "--annotator", "bob", "--doc", uids[0]]) == 0
    out = capsys.readouterr().out
    assert re.search(r"learned: \d+ new suggestion\(s\) \(.*PERSON \d+.*\) in 1 document\(s\)", out), out
    with Store.open(location) as store:
        document = store.document_by_uid(uids[0])
        learned = [s for s in store.suggestions_for(document.id, "bob") if s.source == RECOMMENDER]
        assert learned and all(s.confidence is not None for s in learned)
    assert main(["suggest", str(location), "--learned", "--annotator", "bob", "--doc", uids[0], "--accept"]) == 0
    assert "accepted as annotations of 'bob'" in capsys.readouterr().out
    with Store.open(location) as store:
        assert len(store.annotations_for(store.document_by_uid(uids[0]).id, "bob")) >= len(learned)


def test_learning_can_be_turned_off_and_its_settings_changed(project, capsys):
    location, _uids = project
    assert main(["learn", str(location), "--threshold", "0.6", "--threshold", "ORG=0.9", "--skip", "LOCATION"]) == 0
    out = capsys.readouterr().out
    assert "default threshold 0.60, ORG 0.90" in out and "skipped: LOCATION" in out
    assert "Labels learned: PERSON, ORG, INITIATIVE" in out
    assert main(["learn", str(location), "--off"]) == 0
    assert "Learning is off" in capsys.readouterr().out
    assert main(["learn", str(location)]) == 2
    assert "learning is turned off" in capsys.readouterr().err
    assert main(["suggest", str(location), "--learned", "--annotator", "bob"]) == 2
    assert main(["learn", str(location), "--on"]) == 0
    with Store.open(location) as store:
        settings = settings_of(store)
        assert settings.enabled and settings.thresholds == {"ORG": 0.9} and settings.labels_off == ["LOCATION"]
    assert main(["learn", str(location), "--threshold", "NOPE=0.5"]) == 2
    assert "no label 'NOPE'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["learn", str(location), "--threshold", "1.5"])


def test_least_sure_lists_documents_still_to_do_and_forget_deletes_the_model(project, capsys):
    location, uids = project
    assert main(["learn", str(location)]) == 0
    capsys.readouterr()
    assert main(["learn", str(location), "--least-sure", "2", "--annotator", "aigerim"]) == 0
    listed = [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()]
    assert len(listed) == 2 and set(listed) <= set(uids)
    assert main(["learn", str(location), "--forget"]) == 0
    assert "deleted" in capsys.readouterr().out
    with Store.open(location) as store:
        assert store.recommender(RECOMMENDER) is None


def test_nothing_to_learn_is_an_error_the_user_can_act_on(tmp_path, capsys):
    assert main(["init", str(tmp_path / "empty")]) == 0
    assert main(["learn", str(tmp_path / "empty")]) == 2
    assert "nothing to learn from yet" in capsys.readouterr().err


def test_suggest_takes_a_jsonl_of_spans_and_names_what_it_skipped(project, tmp_path, capsys):
    location, uids = project
    path = tmp_path / "spans.jsonl"
    path.write_text(json.dumps({"id": uids[0], "spans": [{"start": 0, "end": 4, "label": "ORG", "score": 0.7},
                                                         {"start": 0, "end": 4, "label": "FOOD"}]}) + "\n",
                    encoding="utf-8")
    assert main(["suggest", str(location), "--spans", str(path), "--annotator", "bob"]) == 1
    out = capsys.readouterr().out
    assert "jsonl:spans.jsonl: 1 new suggestion(s) (ORG 1)" in out
    assert "skipped:" in out and "'FOOD'" in out
    path.write_text("{broken\n", encoding="utf-8")
    assert main(["suggest", str(location), "--spans", str(path), "--annotator", "bob"]) == 1
    assert "line 1" in capsys.readouterr().err
