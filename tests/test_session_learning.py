"""The learned recommender as the window uses it, without a window
(``curator.session.learning``): when a burst of edits calls for a retraining, which
learned suggestions show and in which order, the least sure document, a retraining
that has nothing new to learn, and the model loaded once per training."""

from __future__ import annotations

import pytest
from synthetic_news import build

from curator.cli import main
from curator.domain.jobs import Job
from curator.domain.models import Annotation, DocumentStatus, Suggestion
from curator.session import Session
from curator.session.commands import AddSpan, SetStatus
from curator.session.learning import RECOMMENDER, Learning
from curator.store import Store


@pytest.fixture
def project(tmp_path):
    store, done, todo, _truth = build(tmp_path / "p")
    yield store, done, todo
    store.close()


def _span(doc_id: int, start: int, label: str = "ORG", annotator: str = "tester") -> Annotation:
    return Annotation(doc_id=doc_id, start=start, end=start + 1, label=label, annotator=annotator)


def test_a_burst_of_edits_calls_for_a_retraining_by_the_settings(project):
    store, _done, todo = project
    session = Session(store, "tester")
    learning = Learning(store, "tester")
    told = []
    session.changes.subscribe(lambda changes: told.append(learning.note(changes)))
    settings = learning.settings
    settings.retrain_after_spans, settings.retrain_after_documents = 3, 2
    learning.save_settings(settings)
    for start in range(2):
        session.do(AddSpan(_span(todo[0], start)))
    session.do(AddSpan(_span(todo[0], 5, annotator="someone else")))  # another's span teaches this one nothing
    session.do(AddSpan(_span(todo[0], 7, label="MONEY")))  # nor a figure: the rules find those
    assert not any(told)
    session.do(AddSpan(_span(todo[0], 9)))
    assert any(told)  # the third span of the curator's

    learning = Learning(store, "tester")  # counts start again (as after a training)
    told.clear()
    session.changes.subscribe(lambda changes: told.append(learning.note(changes)))
    session.do(SetStatus(todo[0], "tester", DocumentStatus.DONE))
    session.do(SetStatus(todo[0], "tester", DocumentStatus.TODO))
    session.do(SetStatus(todo[0], "tester", DocumentStatus.DONE))  # one document, however often
    assert not any(told)
    session.do(SetStatus(todo[1], "tester", DocumentStatus.DONE))
    assert any(told)

    settings.retrain_after_spans = settings.retrain_after_documents = 0  # never by itself
    learning.save_settings(settings)
    told.clear()
    for start in range(20, 30):
        session.do(AddSpan(_span(todo[2], start)))
    session.do(SetStatus(todo[3], "tester", DocumentStatus.DONE))
    assert not any(told)


def test_learned_suggestions_show_at_their_label_threshold_in_either_order(project):
    store, _done, todo = project
    learning = Learning(store, "tester")

    def suggestion(start: int, label: str, confidence: float | None, source: str = RECOMMENDER) -> Suggestion:
        return Suggestion(doc_id=todo[0], start=start, end=start + 2, label=label, annotator="tester",
                          source=source, confidence=confidence)

    rule = suggestion(0, "MONEY", None, "figures")
    person, org, sure = suggestion(10, "PERSON", 0.75, ), suggestion(20, "ORG", 0.72), suggestion(30, "ORG", 0.95)
    assert learning.shown([sure, org, person, rule]) == [sure, org, person, rule]
    assert learning.shown([person, org, sure, rule], by_confidence=True) == [rule, sure, person, org]
    settings = learning.settings
    settings.thresholds["ORG"] = 0.9
    learning.save_settings(settings)
    assert learning.shown([rule, person, org, sure]) == [rule, person, sure]
    settings.enabled = False
    learning.save_settings(settings)
    assert learning.shown([rule, person, org, sure]) == [rule]


def test_train_suggests_in_the_documents_to_do_and_measures_them(project):
    store, done, todo = project
    learning = Learning(store, "tester")
    assert learning.model() is None and learning.next_least_sure(None) is None
    trained = learning.train(Job())
    assert trained.report.documents == len(done) and trained.suggested > 0
    assert "Trained on 10 document(s)" in str(trained)
    assert set(trained.uncertainty) == set(store.document_ids())  # the tester has finished none
    assert any(s.source == RECOMMENDER for s in store.suggestions_for(todo[0], "tester"))
    model = learning.model()
    assert model is not None and learning.model() is model  # loaded once per training

    again = learning.train(Job(), only_if_stale=True)  # nothing new annotated since
    assert again.report is None and "up to date" in str(again)

    least = learning.next_least_sure(None, todo)
    assert least == max(todo, key=lambda doc_id: (trained.uncertainty[doc_id], -doc_id))
    store.set_status(least, "tester", DocumentStatus.DONE)
    assert learning.next_least_sure(None, todo) != least  # a finished document is not "next"
    measured = Learning(store, "tester").measure(Job())
    assert set(measured) == set(store.document_ids()) - {least}


def test_the_retraining_settings_are_kept_in_the_project_and_shown(project, capsys):
    store, *_ = project
    location = store.location
    assert main(["learn", location, "--retrain-after-spans", "0", "--retrain-after-documents", "5"]) == 0
    assert "retrains by itself after 5 document(s) marked done since the last training" in capsys.readouterr().out
    with Store.open(location) as reopened:
        settings = Learning(reopened, "tester").settings
        assert (settings.retrain_after_spans, settings.retrain_after_documents) == (0, 5)
    assert main(["learn", location, "--retrain-after-documents", "0", "--show"]) == 0
    assert "retrains by itself after nothing: only when asked" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["learn", location, "--retrain-after-spans", "-1"])


def test_the_windows_way_to_the_learner_does_not_import_it_before_it_is_used():
    import subprocess
    import sys

    code = ("import sys, curator.session.learning as learning; "
            "print(sorted(m for m in ('pycrfsuite', 'curator.analysis.learning.training') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
