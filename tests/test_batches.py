"""One bad record never stops a batch: every per-document step of a batch (suggest, accept,
validate, export, near-duplicates, entity comparison, fact proposals) reports a document it
fails on by name and goes on with the others. Each test poisons one document of 1,000 by
making the step's own rule raise for it, as a rule's bug would."""

from __future__ import annotations

import json

import pytest

from curator.cli import main
from curator.domain.jobs import Job
from curator.domain.models import Annotation, Document, Entity
from curator.store import Store

COUNT, POISONED = 1000, "doc-0500"
BOOM = "max() arg is an empty sequence"


def _text(n: int) -> str:
    # Pairs of articles (2k, 2k + 1) share their long body: near-duplicates of each other.
    body = " ".join(f"w{n // 2}x{k}" for k in range(60))
    return (f"Trade between the partners reached US$2.{n % 10} billion in 2023, officials of desk {n} said. "
            f"Exports grew by {n % 40 + 1}% last year. {body}")


@pytest.fixture(scope="module")
def thousand(tmp_path_factory):
    """A project of 1,000 short articles (with a date, figures and a known entity)."""
    location = tmp_path_factory.mktemp("batch") / "p"
    with Store.create(location) as store:
        store.add_documents([Document(uid=f"doc-{n:04d}", text=_text(n), source=f"outlet{n % 7}",
                                      published="2024-03-01") for n in range(COUNT)])
        store.add_entity(Entity(name="Trade", type="ORG"))
    return location


@pytest.fixture
def project(thousand, tmp_path):
    """A fresh copy of the 1,000 articles for a test that writes."""
    import shutil

    shutil.copytree(thousand, tmp_path / "p")
    return tmp_path / "p"


def _poison(monkeypatch, module, name, when):
    """Make ``module.name`` raise (as a rule's bug would) when ``when(*args)`` holds."""
    original = getattr(module, name)

    def poisoned(*args, **kwargs):
        if when(*args, **kwargs):
            raise ValueError(BOOM)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, poisoned)


def test_suggest_and_accept_go_on_past_a_document_the_rules_fail_on(project, monkeypatch, capsys):
    from curator.analysis import suggest

    _poison(monkeypatch, suggest, "propose", lambda document, *_a, **_k: document.uid == POISONED)
    code = main(["suggest", str(project), "--accept", "--annotator", "bot"])
    out, err = capsys.readouterr()
    assert code == 1 and f"{POISONED}: suggest failed (ValueError: {BOOM})" in err
    assert "1 document(s) could not be done" in err and "Traceback" not in err
    assert f"in {COUNT - 1} document(s)" in out
    with Store.open(project) as store:
        uids = store.uids()
        annotated = {uids[doc_id] for doc_id, _who in store.annotated(["bot"])}
        suggested = {uids[doc_id] for doc_id in store.document_ids() if store.suggestions_for(doc_id, "bot")}
    assert annotated == suggested == set(uids.values()) - {POISONED}  # the other 999 done


def test_suggesting_in_the_background_reports_the_document_and_does_the_rest(project, monkeypatch):
    from curator.analysis import suggest

    _poison(monkeypatch, suggest, "propose", lambda document, *_a, **_k: document.uid == POISONED)
    job = Job()
    with Store.open(project) as store:
        added = suggest.suggest_project(store, "bot", job)
        suggested = sum(1 for doc_id in store.document_ids() if store.suggestions_for(doc_id, "bot"))
    assert suggested == COUNT - 1 and added >= 3 * (COUNT - 1)
    assert [(f.item, f.step, f.reason) for f in job.failures] == [(POISONED, "suggest", f"ValueError: {BOOM}")]


def test_a_cancel_or_a_database_error_still_stops_the_batch(project, monkeypatch):
    import sqlite3

    from curator.analysis import suggest
    from curator.domain.jobs import Cancelled

    for error in (Cancelled(), sqlite3.OperationalError("disk I/O error"), OSError(28, "No space left")):
        def failing(*_args, error=error, **_kwargs):
            raise error

        monkeypatch.setattr(suggest, "propose", failing)
        with Store.open(project) as store, pytest.raises(type(error)):
            suggest.suggest_project(store, "bot", Job())


def _one_tampered_span(project):
    """Doc 0999 gets a span of a label outside the schema: a problem validation must still find."""
    with Store.open(project) as store:
        doc = store.document_by_uid("doc-0999")
        store.add_annotation(Annotation(doc_id=doc.id, start=0, end=5, label="ORG", annotator="a"))
        with store.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE annotations SET label = 'WEAPON' WHERE doc_id = ?", (doc.id,))


def test_validate_reports_a_document_it_cannot_check_and_checks_the_others(project, monkeypatch, capsys):
    from curator.formats import validate

    _one_tampered_span(project)
    _poison(monkeypatch, validate, "exported_quickly", lambda document, *_a, **_k: document.uid == POISONED)
    code = main(["validate", str(project)])
    out, err = capsys.readouterr()
    assert code == 1 and "2 error(s)" in out
    assert f"{POISONED}: could not be checked (ValueError: {BOOM})" in err
    assert "doc-0999" in err and "WEAPON" in err  # checked, after the one that failed


@pytest.mark.parametrize("fmt", ["json", "jsonl", "xlsx"])
def test_an_export_names_the_document_it_cannot_check_and_writes_nothing(project, monkeypatch, capsys, tmp_path,
                                                                         fmt):
    from curator.formats import validate

    _one_tampered_span(project)
    _poison(monkeypatch, validate, "exported_quickly", lambda document, *_a, **_k: document.uid == POISONED)
    target = tmp_path / f"out.{fmt}"
    code = main(["export", str(project), "-o", str(target)])
    err = capsys.readouterr().err
    assert code == 1 and POISONED in err and BOOM in err and "doc-0999" in err and not target.exists()


def test_near_duplicate_search_leaves_out_the_document_it_cannot_hash(project, monkeypatch, capsys):
    from curator.analysis import minhash

    _poison(monkeypatch, minhash, "signatures", lambda texts: any(t == _text(500) for t in texts))
    code = main(["duplicates", str(project), "--json"])
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert code == 1 and f"{POISONED}: near-duplicate search failed (ValueError: {BOOM})" in err
    pairs = {(pair["a"], pair["b"]) for pair in report["documents"]}
    expected = {(f"doc-{n:04d}", f"doc-{n + 1:04d}") for n in range(0, COUNT, 2)} - {(POISONED, "doc-0501")}
    assert pairs == expected  # the other 499 pairs found
    assert report["failures"] == [{"item": POISONED, "step": "near-duplicate search", "reason": f"ValueError: {BOOM}"}]


def test_fact_proposals_go_on_past_a_document_whose_figures_cannot_be_read(project, monkeypatch):
    from curator.analysis import facts

    with Store.open(project) as store:
        for doc_id in store.document_ids():
            text = store.get_document(doc_id).text
            start = text.index("US$")
            store.add_annotations([
                Annotation(doc_id=doc_id, start=start, end=text.index(" billion") + 8, label="MONEY", annotator="a",
                           value={"type": "figure", "amount": "2000000000", "unit": "USD"}),
                Annotation(doc_id=doc_id, start=text.index("2023"), end=text.index("2023") + 4, label="DATE",
                           annotator="a", value={"type": "date", "start": "2023-01-01", "end": "2023-12-31",
                                                 "granularity": "year"})])
        poisoned_text = store.document_by_uid(POISONED).text
        _poison(monkeypatch, facts, "measure_of", lambda sentence, *_a, **_k: sentence in poisoned_text)
        job = Job()
        proposals = facts.propose_facts(store, job=job)
    (proposal,) = proposals
    assert len(proposal.mentions) == COUNT - 1 and POISONED not in {m.document.uid for m in proposal.mentions}
    assert [(f.item, f.step) for f in job.failures] == [(POISONED, "fact proposal")]


def test_entity_comparison_goes_on_past_a_pair_it_fails_on(project, monkeypatch):
    from curator.analysis import duplicates

    with Store.open(project) as store:
        for name in ("Ma Xingrui", "Ma Xingruy", "Xinjiang Uygur Autonomous Region", "XUAR", "Bern", "BERN"):
            store.add_entity(Entity(name=name, type="PERSON" if name.startswith("Ma") else "LOCATION"))
        _poison(monkeypatch, duplicates, "name_score", lambda x, y: {x, y} == {"Bern", "BERN"})
        job = Job()
        candidates = duplicates.entity_candidates(store, job=job)
    assert {(c.a.name, c.b.name) for c in candidates} >= {("Ma Xingrui", "Ma Xingruy")}
    assert any("XUAR" in (c.a.name, c.b.name) for c in candidates)
    assert [f.item for f in job.failures] in (["entities 'Bern' / 'BERN'"], ["entities 'BERN' / 'Bern'"])


def test_tagging_keeps_the_tag_when_a_value_rule_fails(monkeypatch):
    """The number keys: a rule's bug on one text never loses the curator's tag; the date is
    flagged invalid (validation lists it) and a figure gets no value."""
    from curator.domain import normalize
    from curator.domain.schema import LabelSchema
    from curator.session.editing import tag

    def failing(*_args, **_kwargs):
        raise ValueError(BOOM)

    monkeypatch.setattr(normalize, "normalize_date", failing)
    monkeypatch.setattr(normalize, "normalize_figure", failing)
    document = Document(id=1, uid="d", text="Trade reached $5 billion on February 29, 2023.", published="2023-03-01")
    start = document.text.index("February")
    added = tag(LabelSchema(), document, start, start + len("February 29, 2023"), "DATE", "a", [])
    assert added.annotation.value == {"type": "date", "unresolved": "February 29, 2023", "reason": "invalid"}
    start = document.text.index("$5")
    added = tag(LabelSchema(), document, start, start + len("$5 billion"), "MONEY", "a", [])
    assert added.annotation.label == "MONEY" and added.annotation.value is None
