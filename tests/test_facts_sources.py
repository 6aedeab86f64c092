"""Facts know their sources: who a figure is attributed to, which outlet an article cites,
and which entities the figure's sentence names."""

from __future__ import annotations

import pytest

from curator.analysis.facts import attribution_of, cited_outlet, propose_facts


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
    assert any(m.subjects for p in proposals.values() for m in p.mentions)  # linked entities in the sentence
