"""Facts know their sources: who a figure is attributed to, which outlet an article cites,
and which entities the figure's sentence names."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curator.analysis.facts import attribution_of, cited_outlet, propose_facts
from curator.domain.models import Annotation


@pytest.mark.parametrize("sentence, who", [
    ("Trade grew by 35% last year to a record US$24.2 billion, according to Smailov.", "Smailov"),
    ("According to the Bureau of National Statistics, trade reached $31.5 billion.", "Bureau of National Statistics"),
    ("Trade reached $41 bn, Chinese customs data showed.", "Chinese customs"),
    ("Exports rose to $5 billion, citing the State Revenue Committee of Kazakhstan.",
     "State Revenue Committee of Kazakhstan"),
    ("Trade grew to $3 billion, Prime Minister Alikhan Smailov said.", "Prime Minister Alikhan Smailov"),
    ("Trade grew to $3 billion in 2022.", None),
])
def test_attribution_of_a_figures_sentence(sentence, who):
    assert attribution_of(sentence) == who


def test_an_outlets_citing_line_names_what_it_cites():
    assert cited_outlet("Daryo (citing MFA of Kazakhstan)") == "MFA of Kazakhstan"
    assert cited_outlet("Trend (Citing TurkicWorld )") == "TurkicWorld"
    assert cited_outlet("TDI") is None and cited_outlet(None) is None


def test_sample_mentions_carry_outlet_attribution_and_subjects(annotated_sample):
    proposals = {(p.measure, p.period_start.year): p for p in propose_facts(annotated_sample)}
    turnover_2022 = proposals[("trade turnover", 2022)]
    by_outlet = {m.outlet: m for m in turnover_2022.mentions}
    assert by_outlet["nCa (News Central Asia)"].attribution == "Smailov"
    assert by_outlet["Trend (citing TurkicWorld)"].cites == "TurkicWorld"
    turnover_2023 = proposals[("trade turnover", 2023)]
    assert {m.attribution for m in turnover_2023.mentions} >= {"MFA of Kazakhstan"}
    names = {entity.id: entity.name for entity in annotated_sample.entities()}
    assert [names[e] for e in by_outlet["nCa (News Central Asia)"].subjects] == ["China"]  # not Smailov, quoted
    assert {names[e] for e in by_outlet["TDI"].subjects} == {"Kazakhstan", "China"}


def test_facts_are_linked_moved_split_and_merged_each_undoable(store):
    from curator.domain.models import Entity, Fact
    from curator.errors import CuratorError
    from curator.session import Session
    from curator.session import fact_edits as edit

    kz = store.add_entity(Entity(name="Kazakhstan", type="LOCATION"))
    cn = store.add_entity(Entity(name="China", type="LOCATION"))
    first = Fact(subject="KZ-CN", measure="trade turnover", unit="USD", mentions=["m1", "m2", "m3"],
                 accepted_amount="24200000000")
    second = Fact(subject="KZ-CN", measure="trade turnover", unit="USD", mentions=["m4"])
    store.save_fact(first)
    store.save_fact(second)
    session = Session(store, "curator")
    original = store.facts()

    session.do(edit.link_fact(store, first.id, [kz.id, cn.id], "Bureau of National Statistics"))
    assert store.facts()[first.id].subjects == [kz.id, cn.id]
    assert store.facts()[first.id].attribution == "Bureau of National Statistics"
    session.do(edit.move_mention(store, "m3", first.id, second.id))
    assert store.facts()[first.id].mentions == ["m1", "m2"] and store.facts()[second.id].mentions == ["m4", "m3"]
    session.do(edit.split_fact(store, first.id, ["m2"], attribution="Chinese customs"))
    split = next(f for f in store.facts().values() if f.mentions == ["m2"])
    assert split.attribution == "Chinese customs" and split.accepted_amount is None
    session.do(edit.merge_facts(store, first.id, split.id))
    assert split.id not in store.facts() and store.facts()[first.id].mentions == ["m1", "m2"]
    for _ in range(4):
        session.undo()
    assert store.facts() == original
    with pytest.raises(CuratorError, match="not none or all"):
        edit.split_fact(store, first.id, ["m1", "m2", "m3"])
    with pytest.raises(CuratorError, match="no entity"):
        edit.link_fact(store, first.id, ["nope"])


def test_the_sample_facts_get_a_proposed_value_that_knows_rounding_and_authorities(annotated_sample):
    from decimal import Decimal

    from curator.analysis.facts import proposed_values

    proposals = propose_facts(annotated_sample)
    truths = proposed_values(annotated_sample, proposals)
    by_year = {p.period_start.year: truths[p.key] for p in proposals if p.measure == "trade turnover"}
    [turnover_2022] = by_year[2022]  # one fact: $24 billion is $24.2 billion rounded
    assert turnover_2022.value in (Decimal("24100000000"), Decimal("24200000000"))  # a figure as reported
    assert [v.consistent for v in turnover_2022.votes if v.value == Decimal("24000000000")] == [True]
    assert all(vote.reason for vote in turnover_2022.votes)
    turnover_2023 = by_year[2023]  # $31.5 billion and $41 bn: two authorities, or a conflict naming them
    if len(turnover_2023) == 2:
        assert {t.value for t in turnover_2023} == {Decimal("31500000000"), Decimal("41000000000")}
        assert all(t.attribution for t in turnover_2023)
    else:
        assert turnover_2023[0].conflict and {v.attribution for v in turnover_2023[0].votes} - {None}


def test_the_exports_list_each_facts_entities_attribution_and_each_mentions_attribution(annotated_sample, tmp_path):
    import json

    import openpyxl

    from curator.analysis.facts import fact_from
    from curator.session.exporting import export

    proposal = next(p for p in propose_facts(annotated_sample) if p.period_start.year == 2022)
    fact = fact_from(proposal, "KZ-CN", "24100000000", "weights", attribution="National statistics")
    annotated_sample.save_fact(fact)
    export(annotated_sample, tmp_path / "out.json")
    [exported] = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["facts"]
    names = {entity.id: entity.name for entity in annotated_sample.entities()}
    assert {names[e] for e in exported["subjects"]} == {"Kazakhstan", "China"}
    assert exported["attribution"] == "National statistics"
    assert {m["attributed_to"] for m in exported["mentions"]} == {"Smailov", "TurkicWorld", None}
    export(annotated_sample, tmp_path / "out.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "out.xlsx", read_only=True)["facts"].iter_rows(values_only=True))
    header = rows[0]
    assert {"subjects", "attribution", "attributed_to"} <= set(header)
    assert {row[header.index("attributed_to")] for row in rows[1:]} == {"Smailov", "TurkicWorld", None}
    assert "Kazakhstan" in rows[1][header.index("subjects")]


def test_subjects_come_from_the_sentence_or_else_its_paragraph(store):
    from curator.domain.models import Annotation, Document, Entity

    text = ("Kazakhstan and China met in Astana. Trade grew to $3 billion in 2022.\n"
            "Another paragraph: trade reached $3.1 billion in 2022, said the Akorda.")
    other = "Trade between Kazakhstan and China reached $3 billion in 2022."
    ids = store.add_documents([Document(uid="a", text=text), Document(uid="b", text=other)])
    kz = store.add_entity(Entity(name="Kazakhstan", type="LOCATION"))
    cn = store.add_entity(Entity(name="China", type="LOCATION"))
    akorda = store.add_entity(Entity(name="Akorda", type="ORG"))

    def tag(doc_id, source, word, label, **extra):
        start = source.index(word)
        store.add_annotation(Annotation(doc_id=doc_id, start=start, end=start + len(word), label=label,
                                        annotator="a", **extra))

    for doc_id, source in zip(ids, (text, other)):
        tag(doc_id, source, "Kazakhstan", "LOCATION", entity_id=kz.id)
        tag(doc_id, source, "China", "LOCATION", entity_id=cn.id)
        tag(doc_id, source, "$3 billion", "MONEY", value={"type": "figure", "amount": "3000000000", "unit": "USD"})
        tag(doc_id, source, "2022", "DATE", value={"type": "date", "start": "2022-01-01", "end": "2022-12-31",
                                                   "granularity": "year"})
    tag(ids[0], text, "Akorda", "ORG", entity_id=akorda.id)
    [proposal] = propose_facts(store)
    by_document = {m.document.uid: m for m in proposal.mentions}
    assert set(by_document["a"].subjects) == {kz.id, cn.id}  # the sentence names none: its paragraph's
    assert set(by_document["b"].subjects) == {kz.id, cn.id}


@pytest.mark.parametrize("text, period", [
    ("2022-01-01 – 2022-12-31", ("2022-01-01", "2022-12-31")), ("2022-01-01 to 2022-09-30", ("2022-01-01", "2022-09-30")),
    ("2023-11-07", ("2023-11-07", "2023-11-07")), ("", (None, None)),
])
def test_a_period_as_curators_type_it(text, period):
    from datetime import date

    from curator.analysis.facts import parse_period

    assert parse_period(text) == tuple(date.fromisoformat(d) if d else None for d in period)


@pytest.mark.parametrize("text", ["2022", "2022-12-31 – 2022-01-01", "last year", "2022-01-01 – 2022-02-01 – 2022-03-01"])
def test_a_period_that_is_not_one_is_refused(text):
    from curator.analysis.facts import parse_period
    from curator.errors import CuratorError

    with pytest.raises(CuratorError, match="period"):
        parse_period(text)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(0, 60), st.integers(1, 12),
                          st.sampled_from(["MONEY", "PERCENT"])), max_size=40))
def test_one_span_per_place_is_what_a_pass_over_every_chosen_span_gives(raw):
    """The look-up that picks one span per place agrees with the plain definition: a span
    is kept unless an earlier annotator's kept span of its label overlaps it."""
    from curator.analysis.facts import _one_per_place

    spans = [Annotation(doc_id=1, start=start, end=start + length, label=label, annotator=annotator)
             for annotator, start, length, label in raw]
    expected: list[Annotation] = []
    for span in sorted(spans, key=lambda s: (s.annotator, s.start)):
        if not any(c.label == span.label and c.start < span.end and span.start < c.end for c in expected):
            expected.append(span)
    assert _one_per_place(spans) == sorted(expected, key=lambda s: (s.start, s.end))


def test_saving_a_fact_reads_that_fact_only_not_every_fact_of_the_project(store, monkeypatch):
    """Each save read every fact to find the one it replaced: an import of many facts took
    time growing with the square of their number."""
    from curator.domain.models import Fact

    first = Fact(subject="KZ-CN", measure="trade turnover", unit="USD", mentions=["m1"])
    store.save_fact(first)
    monkeypatch.setattr(type(store), "facts", lambda self: pytest.fail("every fact read for one save"))
    changed = first.model_copy(update={"mentions": ["m1", "m2"]})
    assert store.save_fact(changed).mentions == ["m1"]
    assert store.delete_fact(first.id).mentions == ["m1", "m2"]
    monkeypatch.undo()
    assert store.facts() == {}
