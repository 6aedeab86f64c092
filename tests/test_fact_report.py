"""One analysis of facts for every surface: a recorded fact keeps its sources whatever the
layers say later, and the command line tells the same truth as the window."""

from __future__ import annotations

import json
from decimal import Decimal

from curator.analysis.fact_report import fact_report
from curator.analysis.facts import fact_from, propose_facts
from curator.cli import main
from curator.session import Session
from curator.session.commands import SaveFact, SetDecision
from curator.session.review_decisions import accept_agreements


def _turnover_2022(rows):
    [row] = [row for row in rows if row.proposal.measure == "trade turnover" and row.proposal.period_start.year == 2022]
    return row


def test_a_recorded_fact_keeps_its_sources_after_accept_all(annotated_sample):
    store = annotated_sample
    proposal = next(p for p in propose_facts(store) if p.measure == "trade turnover" and p.period_start.year == 2022)
    assert len(proposal.mentions) == 3
    session = Session(store, "curator")
    session.do(SaveFact(fact_from(proposal, "Kazakhstan-China", "24100000000", "the sources' weights")))
    before = _turnover_2022(fact_report(store))
    assert before.recorded and before.status == "recorded: 24,100,000,000 USD"
    sources = sorted(m.outlet for m in before.proposal.mentions)
    assert "Trend (citing TurkicWorld)" in sources
    session.do(accept_agreements(store, "reviewer"))  # gold copies of some figures, not of others
    after = _turnover_2022(fact_report(store))  # one row: not recorded and proposed again beside it
    assert sorted(m.outlet for m in after.proposal.mentions) == sources
    assert [m.annotation.id for m in after.proposal.mentions] == [m.annotation.id for m in before.proposal.mentions]
    assert after.proposed == before.proposed and after.status == before.status
    assert set(after.votes) == {m.annotation.id for m in after.proposal.mentions}


def test_the_command_line_lists_the_facts_as_the_window_does(annotated_sample, tmp_path, capsys):
    store = annotated_sample
    proposal = next(p for p in propose_facts(store) if p.measure == "trade turnover" and p.period_start.year == 2022)
    Session(store, "curator").do(SaveFact(fact_from(proposal, "Kazakhstan-China", "24100000000")))
    Session(store, "reviewer").do(accept_agreements(store, "reviewer"))
    rows = fact_report(store)
    capsys.readouterr()
    assert main(["duplicates", store.location, "--json"]) == 0
    facts = json.loads(capsys.readouterr().out)["facts"]["proposed"]
    turnover = [f for f in facts if f["measure"] == "trade turnover" and f["period"].startswith("2022")]
    assert len(turnover) == 1 and turnover[0]["status"] == "recorded" and turnover[0]["conflict"] is False
    assert turnover[0]["proposed"][0]["value"] == str(_turnover_2022(rows).truths[0].value)
    assert {m["source"] for m in turnover[0]["mentions"]} >= {"Trend (citing TurkicWorld)"}
    assert all(m["weight"] is not None and m["why"] for m in turnover[0]["mentions"])
    assert {m["attribution"] for m in turnover[0]["mentions"]} == {"Smailov", "TurkicWorld", None}
    assert main(["facts", store.location, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"facts": facts}
    assert main(["facts", store.location]) == 0
    out = capsys.readouterr().out
    assert "recorded: 24,100,000,000 USD" in out and "CONFLICT" not in out.split("2023")[0]
    assert "weight" in out and "according to Smailov" in out


def test_an_article_marked_a_duplicate_not_kept_does_not_vote(annotated_sample):
    store = annotated_sample
    row = _turnover_2022(fact_report(store))
    by_outlet = {m.document.source: m for m in row.proposal.mentions}
    kept, copy = by_outlet["nCa (News Central Asia)"].document, by_outlet["TDI"].document
    assert row.votes[by_outlet["TDI"].annotation.id].weight > 0
    key = f"documents:{'|'.join(sorted((kept.uid, copy.uid)))}"
    Session(store, "curator").do(SetDecision(key, "documents", "duplicate", keep=kept.uid))
    row = _turnover_2022(fact_report(store))
    vote = row.votes[by_outlet["TDI"].annotation.id]
    assert vote.weight == 0 and "duplicate" in vote.why and kept.uid in vote.why
    assert all(v.source != "TDI" for t in row.truths for v in t.votes)
    assert Decimal(str(row.truths[0].value)) > 0


def test_every_figure_no_fact_groups_says_why(annotated_sample):
    from curator.analysis.fact_report import facts_and_figures_left

    rows, left = facts_and_figures_left(annotated_sample)
    grouped = {m.annotation.id for row in rows for m in row.proposal.mentions}
    reasons = {why for _m, why in left}
    assert left and not grouped & {m.annotation.id for m, _why in left}
    assert any(why.startswith("no measure word") for why in reasons)
    assert any(why.startswith("a percentage") or why.startswith("a change") for why in reasons)
    assert all(m.annotation.value["type"] == "figure" for m, _why in left)


def test_an_outlets_figure_said_twice_shows_each_of_its_votes(store):
    """An outlet that gives its figure in the headline and again in the text has two votes,
    the second discounted as its own repeat: the first is shown with its weight, not both
    with the repeat's nothing (they were looked up by outlet and value, the last one kept)."""
    from curator.domain.dates import find_dates
    from curator.domain.figures import find_figures
    from curator.domain.models import Annotation, Document

    sentence = "Trade turnover between the two countries reached $41 billion in 2023, the ministry said."
    ids = store.add_documents([Document(uid=outlet, source=outlet, text=f"{sentence}\n\n{sentence}")
                               for outlet in ("Kazinform", "Trend")])
    for doc_id in ids:
        text = store.get_document(doc_id).text
        found = [f for f in find_figures(text) if f.label == "MONEY"] + find_dates(text)
        store.add_annotations([Annotation(doc_id=doc_id, start=f.start, end=f.end, label=getattr(f, "label", "DATE"),
                                          value=f.value.model_dump(mode="json"), annotator="ana") for f in found])
    [row] = [row for row in fact_report(store) if row.proposal.period_start.year == 2023]
    assert len(row.proposal.mentions) == 4
    for outlet in ("Kazinform", "Trend"):
        votes = [row.votes[m.annotation.id] for m in row.proposal.mentions if m.outlet == outlet]
        assert sorted(vote.weight > 0 for vote in votes) == [False, True], [vote.why for vote in votes]
