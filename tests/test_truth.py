"""Truth discovery: the estimator against hand-worked examples, rounding, copies,
attribution, degenerate inputs and properties over generated claims."""

import math
import random
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curator.analysis.truth import (
    COPY_RATE,
    Claim,
    consistent,
    discover_truth,
    half_unit,
    split_by_attribution,
)

BILLION = D(10) ** 9


def vote(result, fact, source):
    [found] = [v for v in result.facts[fact].votes if v.source == source]
    return found


def test_hand_worked_example():
    # f1: A and B write 10, C writes 12.  f2: all three write 5.
    # Round 1, every source at the prior accuracy 0.8, so equal votes ln(10 * 0.8 / 0.2) = ln 40:
    #   f1 -> 10 (2 votes to 1), f2 -> 5.
    # Accuracy, smoothed with the prior worth two facts: (agreed + 2 * 0.8) / (seen + 2)
    #   A, B: (2 + 1.6) / 4 = 0.9  -> vote ln(10 * 0.9 / 0.1) = ln 90  ~ 4.4998
    #   C:    (1 + 1.6) / 4 = 0.65 -> vote ln(10 * 0.65 / 0.35) = ln(130 / 7) ~ 2.9216
    # No two sources share a wrong figure, so no copying. Round 2 proposes the same: done.
    # f1's confidence: 2 ln 90 / (2 ln 90 + ln(130/7)) ~ 0.7550.
    claims = [Claim("f1", "A", D(10)), Claim("f1", "B", D(10)), Claim("f1", "C", D(12)),
              Claim("f2", "A", D(5)), Claim("f2", "B", D(5)), Claim("f2", "C", D(5))]
    result = discover_truth(claims)
    assert result.iterations == 2
    assert result.sources["A"].accuracy == pytest.approx(0.9)
    assert result.sources["C"].accuracy == pytest.approx(0.65)
    assert result.sources["C"].trust == pytest.approx(math.log(130 / 7))
    f1 = result.facts["f1"]
    assert f1.value == D(10) and f1.conflict
    assert vote(result, "f1", "A").weight == pytest.approx(math.log(90))
    assert vote(result, "f1", "C").weight == pytest.approx(math.log(130 / 7))
    assert f1.confidence == pytest.approx(2 * math.log(90) / (2 * math.log(90) + math.log(130 / 7)))
    assert f1.confidence == pytest.approx(0.7550, abs=1e-4)
    assert vote(result, "f1", "A").reason == "agrees with the consensus on 2 of 2 facts"
    assert vote(result, "f1", "C").reason == "agrees with the consensus on 1 of 2 facts; disagrees with the proposal"
    assert [v.source for v in f1.votes] == ["A", "B", "C"]  # heaviest first
    f2 = result.facts["f2"]
    assert f2.value == D(5) and not f2.conflict and f2.confidence == 1.0
    assert result.copying == {}


@pytest.mark.parametrize("written, amount, half", [
    ("$24 billion", D(24) * BILLION, D("0.5") * BILLION),
    ("US$24.2 billion", D("24.2") * BILLION, D("0.05") * BILLION),
    ("$41 bn", D(41) * BILLION, D("0.5") * BILLION),
    ("24,2 billion", D("24.2") * BILLION, D("0.05") * BILLION),
    ("1,250 tonnes", D(1250), D("0.5")),
    ("24,200,000,000", D(24200) * 10**6, D("0.5")),
    ("1.25 trillion tenge", D("1.25") * 10**12, D("0.005") * 10**12),
    ("12.5%", D("12.5"), D("0.05")),
    ("0", D(0), D(0)),
    ("no figure", D(7), D(0)),
])
def test_half_unit_from_the_written_figure(written, amount, half):
    assert half_unit(written, amount) == half


def test_rounded_figure_is_consistent_and_the_precise_one_is_proposed():
    rounded = Claim("trade 2022", "Kazinform", D(24) * BILLION, half_unit("$24 billion", D(24) * BILLION))
    precise = Claim("trade 2022", "Xinhua", D("24.2") * BILLION, half_unit("$24.2 billion", D("24.2") * BILLION))
    assert consistent(precise.value, rounded) and not consistent(rounded.value, precise)
    fact = discover_truth([rounded, precise]).facts["trade 2022"]
    assert fact.value == D("24.2") * BILLION and not fact.conflict and fact.confidence == 1.0
    assert fact.half_unit == D("0.05") * BILLION
    reasons = {v.source: v.reason for v in fact.votes}
    assert reasons["Kazinform"].endswith("rounded figure, consistent")
    assert "rounded" not in reasons["Xinhua"]
    # 25.0 billion written to the billion is not consistent with 24.2: that is a conflict.
    off = Claim("trade 2022", "Trend", D(25) * BILLION, D("0.5") * BILLION)
    assert discover_truth([rounded, precise, off]).facts["trade 2022"].conflict


def test_a_copied_wrong_figure_does_not_outvote_two_independent_right_ones():
    # A and B report 2; C reports 1 and D, E copy C (one marked citing, one near-duplicate).
    # Round 1, equal votes ln 40: support(2) = 2 ln 40; support(1) = ln 40 + 0 + 0, since D
    # and E share C's dependency group and repeat its figure. So 2 wins.
    claims = [Claim("g", "A", D(2)), Claim("g", "B", D(2)), Claim("g", "C", D(1)),
              Claim("g", "D", D(1), group="C", copies="C", marker="citing"),
              Claim("g", "E", D(1), group="C", copies="C", marker="near-duplicate text")]
    result = discover_truth(claims)
    fact = result.facts["g"]
    assert fact.value == D(2) and fact.conflict
    assert vote(result, "g", "D").weight == 0 and vote(result, "g", "E").weight == 0
    assert vote(result, "g", "C").weight > 0
    assert vote(result, "g", "D").reason == "copies C (citing); disagrees with the proposal"
    assert vote(result, "g", "E").reason.startswith("copies C (near-duplicate text)")
    # The same figures with no marker: three apparently independent votes beat two, and
    # one fact is no evidence of copying (they share no figure known to be wrong).
    unmarked = [Claim("g", c.source, c.value) for c in claims]
    assert discover_truth(unmarked).facts["g"].value == D(1)


def test_a_group_shares_one_vote_even_when_the_copy_comes_first_alphabetically():
    # "A-copy" sorts before its original "Z"; the original still casts the group's vote.
    claims = [Claim("g", "Z", D(3)), Claim("g", "A-copy", D(3), group="Z", copies="Z", marker="citing")]
    result = discover_truth(claims)
    assert vote(result, "g", "Z").weight > 0 and vote(result, "g", "A-copy").weight == 0


def test_unmarked_copying_is_found_from_shared_wrong_figures():
    # On f1..f3, A, B and E agree; C and D write the same wrong figure every time. Two
    # independent sources rarely make the same mistake, so C and D are judged dependent
    # and D (after C in order) casts a discounted vote on f4, where the pair shares a fourth
    # wrong figure.
    claims = []
    for fact in ("f1", "f2", "f3"):
        claims += [Claim(fact, s, D(1)) for s in ("A", "B", "E")] + [Claim(fact, s, D(9)) for s in ("C", "D")]
    claims += [Claim("f4", "A", D(2)), Claim("f4", "C", D(7)), Claim("f4", "D", D(7))]
    result = discover_truth(claims)
    assert result.copying.keys() == {("C", "D")}
    probability = result.copying[("C", "D")]
    assert probability > 0.9
    c, d = vote(result, "f4", "C"), vote(result, "f4", "D")
    assert d.weight == pytest.approx(c.weight * (1 - COPY_RATE * probability))
    assert d.reason.startswith("likely copies C (shares 4 figures that disagree with the consensus)")
    assert result.facts["f4"].value == D(2)


def test_disagreeing_authorities_are_split_into_two_facts():
    fact = "trade 2023"
    claims = [Claim(fact, "Xinhua", D(41) * BILLION, D("0.5") * BILLION, attribution="Chinese customs"),
              Claim(fact, "Trend", D("41.0") * BILLION, D("0.05") * BILLION, attribution="chinese  Customs"),
              Claim(fact, "Kazinform", D("31.5") * BILLION, D("0.05") * BILLION,
                    attribution="Kazakh statistics bureau"),
              Claim(fact, "Daryo", D("31.5") * BILLION, D("0.05") * BILLION,
                    attribution="Kazakh statistics bureau"),
              Claim(fact, "Tengri", D(41) * BILLION, D("0.5") * BILLION)]  # no attribution: joins customs
    split = split_by_attribution(claims)
    customs, kazakh = f"{fact} @ chinese customs", f"{fact} @ kazakh statistics bureau"
    assert set(split) == {customs, kazakh}
    assert sorted(c.source for c in split[customs]) == ["Tengri", "Trend", "Xinhua"]
    assert sorted(c.source for c in split[kazakh]) == ["Daryo", "Kazinform"]
    result = discover_truth(claims)
    assert set(result.facts) == {customs, kazakh}
    assert result.facts[customs].value == D("41.0") * BILLION and not result.facts[customs].conflict
    assert result.facts[kazakh].value == D("31.5") * BILLION and not result.facts[kazakh].conflict
    assert result.facts[kazakh].split_from == fact
    assert result.facts[kazakh].attribution == "kazakh statistics bureau"
    # Not split: one conflict, as the caller asked.
    whole = discover_truth(claims, split_attributions=False).facts[fact]
    assert whole.conflict and {v.attribution for v in whole.votes} >= {"Chinese customs",
                                                                        "Kazakh statistics bureau"}


def test_agreeing_authorities_stay_one_fact_and_an_ambiguous_unattributed_claim_stays_behind():
    fact = "trade 2022"
    agreeing = [Claim(fact, "X", D(24) * BILLION, D("0.5") * BILLION, attribution="customs"),
                Claim(fact, "Y", D("24.2") * BILLION, D("0.05") * BILLION, attribution="statistics bureau")]
    assert split_by_attribution(agreeing) == {fact: agreeing}
    # Two authorities, 10 and 20 written to the ten: "15", written to the ten, agrees with both.
    two = [Claim("f", "X", D(10), D(5), attribution="a"), Claim("f", "Y", D(30), D(5), attribution="b"),
           Claim("f", "Z", D(20), D(5))]
    split = split_by_attribution(two)
    assert set(split) == {"f @ a", "f @ b", "f"}
    assert [c.source for c in split["f"]] == ["Z"]


def test_deterministic_whatever_the_order_of_the_claims():
    rng = random.Random(7)
    claims = [Claim(f"f{rng.randint(0, 9)}", f"s{rng.randint(0, 5)}", D(rng.choice([10, 11, 12, 20])),
                    D(rng.choice([0, 1])), group=rng.choice([None, None, "s1"]))
              for _ in range(60)]
    first = discover_truth(claims)
    shuffled = list(claims)
    random.Random(8).shuffle(shuffled)
    assert discover_truth(shuffled) == first
    assert discover_truth(claims) == first


def test_degenerate_inputs():
    assert discover_truth([]).facts == {}
    one = discover_truth([Claim("f", "A", D("3.5"))]).facts["f"]
    assert one.value == D("3.5") and not one.conflict and one.confidence == 1.0
    assert one.votes[0].reason == "agrees with the consensus on 1 of 1 fact"
    same = discover_truth([Claim("f", s, D(7)) for s in "ABCD"]).facts["f"]
    assert same.value == D(7) and not same.conflict and len(same.votes) == 4
    zeros = discover_truth([Claim("f", "A", D(0), half_unit("0", D(0))), Claim("f", "B", D(0))]).facts["f"]
    assert zeros.value == 0 and not zeros.conflict
    huge = D("1.2345678901234567890123456789E+40")
    big = discover_truth([Claim("f", "A", huge), Claim("f", "B", huge), Claim("f", "C", huge + 1)]).facts["f"]
    assert big.value == huge and big.conflict  # one more than a 41-digit figure is a different figure
    rounded_huge = half_unit("1.2 trillion trillion", D("1.2E+24"))
    assert rounded_huge == D("0.05") * D(10) ** 24
    # A source that reports one figure twice (two of its articles) votes once.
    twice = discover_truth([Claim("f", "A", D(2)), Claim("f", "A", D(2)), Claim("f", "B", D(1)),
                            Claim("f", "C", D(1))])
    assert twice.facts["f"].value == D(1)
    assert sorted(v.weight > 0 for v in twice.facts["f"].votes if v.source == "A") == [False, True]
    assert any(v.reason == "repeats a figure its source gave already (counted once); disagrees with the proposal"
               for v in twice.facts["f"].votes)


_values = st.integers(min_value=-50, max_value=50).map(lambda n: D(n) * D(10) ** 6)
_claims = st.lists(
    st.builds(Claim,
              fact=st.sampled_from(["f1", "f2", "f3"]),
              source=st.sampled_from(["A", "B", "C", "D"]),
              value=st.one_of(_values, st.sampled_from([D(0), D("1E+30"), D("-2.5")])),
              half_unit=st.sampled_from([D(0), D("0.5") * 10**6, D(5) * 10**6]),
              group=st.sampled_from([None, "A", "wire"]),
              attribution=st.sampled_from([None, "customs", "statistics"])),
    min_size=1, max_size=25)


@settings(max_examples=150, deadline=None)
@given(_claims, st.randoms(use_true_random=False))
def test_the_proposal_is_always_a_claimed_value(claims, rng):
    result = discover_truth(claims)
    claimed: dict[str, set] = {}
    for claim in claims:
        claimed.setdefault(claim.fact, set()).add(claim.value)
    covered = 0
    for key, fact in result.facts.items():
        base = fact.split_from or key.rpartition(" @ ")[0] or key
        assert fact.value in claimed[base]
        assert min(claimed[base]) <= fact.value <= max(claimed[base])
        assert 0.0 <= fact.confidence <= 1.0 + 1e-9
        assert all(v.weight >= 0 for v in fact.votes)
        covered += len(fact.votes)
    assert covered == len(claims)  # every claim votes in exactly one fact
    shuffled = list(claims)
    rng.shuffle(shuffled)
    assert discover_truth(shuffled) == result
