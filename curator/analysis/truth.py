"""Truth discovery: which of the figures several sources report for one fact to propose.

Every fact of a project is decided together, because a source's reliability is learnt
from how often it agrees with the consensus on the other facts. The model:

- **Votes weighted by reliability** (ACCU, Dong, Berti-Équille and Srivastava, VLDB
  2009; the same fixed point as TruthFinder, Yin et al., KDD 2007): a source's accuracy
  is the smoothed share of its claims consistent with the proposed values, and its vote
  is ``ln(n * A / (1 - A))`` for ``n`` plausible wrong values per fact.
- **Rounding.** A claim is written to some precision: "$24 billion" is consistent with
  any truth within half a billion of 24e9. A candidate value is supported by every claim
  it is consistent with, so "$24 billion" supports "$24.2 billion", and the most precise
  of equally supported values is proposed. Proposals are always claimed values.
- **Copying.** Claims of one fact that share a dependency group (near-duplicate
  articles, an article citing another outlet) are one vote: the first, most trusted,
  counts fully and the others with the same value count nothing. Unmarked copying is
  estimated per pair of sources from the wrong values they share (DEPEN, Dong et al.
  2009): two independent sources rarely make the same mistake, a copier does. Its
  votes are discounted by ``1 - c * P(copy)``.
- **Attribution.** Figures attributed to different authorities that disagree beyond
  rounding are different facts (two statistics offices count trade differently), not
  a conflict: ``split_by_attribution`` separates them before the vote.

Qt-free and store-free: the caller turns mentions into ``Claim`` records.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Iterable

__all__ = ["Claim", "FactTruth", "SourceReliability", "SourceVote", "TruthResult", "consistent", "discover_truth",
           "half_unit", "split_by_attribution"]

FALSE_VALUES = 10  # n in ACCU and DEPEN: how many different wrong values a fact plausibly attracts
COPY_RATE = 0.8  # c in DEPEN: the share of its original's claims a copier copies
COPY_PRIOR = 0.2  # alpha in DEPEN: prior probability that two sources are dependent
PRIOR_ACCURACY = 0.8  # accuracy a source starts with, and the smoothing prior
PRIOR_WEIGHT = 2.0  # how many facts' worth of evidence the prior is worth
MAX_ITERATIONS = 20
_MIN_ACCURACY, _MAX_ACCURACY = 0.01, 0.99
_MIN_TRUST = 0.05  # every source keeps a little say, so that a fact with only poor sources still has a proposal

_NUMBER = re.compile(r"\d(?:[\d,\u00a0\u202f' ]*\d)?(?:\.\d+)?")


@dataclass(frozen=True)
class Claim:
    """One figure one source reports for one fact, with how precisely it was written.

    ``half_unit`` is half the unit of the last digit written, fully scaled ("$24 billion":
    0.5e9), so the claim is consistent with any truth within it; 0 means exact. ``group``
    names what the claim derives from: claims of one fact with the same group are one
    vote (a cluster of near-duplicate articles, or the outlet an article cites); a claim
    without one is its own source's. ``copies`` and ``marker`` say, for the reason shown
    to the curator, which source it copies and how that is known ("near-duplicate text",
    "citing")."""

    fact: str
    source: str
    value: Decimal
    half_unit: Decimal = Decimal(0)
    group: str | None = None
    copies: str | None = None
    marker: str | None = None
    attribution: str | None = None
    mention: str | None = None  # what the claim was read from (a span's id), carried to its vote

    @property
    def dependency(self) -> str:
        return self.group if self.group is not None else self.source


@dataclass(frozen=True)
class SourceVote:
    """One claim's say in its fact: its weight (reliability vote after the discount for
    copying) and why, in words a curator reads."""

    source: str
    value: Decimal
    half_unit: Decimal
    weight: float
    consistent: bool
    reason: str
    attribution: str | None = None
    mention: str | None = None  # the claim's (``Claim.mention``): one source's two figures are two votes


@dataclass(frozen=True)
class FactTruth:
    """The value proposed for one fact, how sure the vote is, and every source's vote.

    ``conflict`` is true when some claim is inconsistent with the proposal even allowing
    for rounding; ``confidence`` is the proposal's share of the total weight. A fact split
    by attribution has the authority in ``attribution`` and its original key in
    ``split_from``."""

    fact: str
    value: Decimal
    half_unit: Decimal
    conflict: bool
    confidence: float
    votes: tuple[SourceVote, ...]
    attribution: str | None = None
    split_from: str | None = None


@dataclass(frozen=True)
class SourceReliability:
    """How often a source agrees with the consensus, and the vote that earns it."""

    source: str
    agreed: int
    facts: int
    accuracy: float
    trust: float

    @property
    def reason(self) -> str:
        return f"agrees with the consensus on {self.agreed} of {self.facts} fact{'s' if self.facts != 1 else ''}"


@dataclass(frozen=True)
class TruthResult:
    """Every fact's proposal, every source's reliability, and the source pairs judged
    likely to copy one another (probability at least one half), each pair in sorted order."""

    facts: dict[str, FactTruth]
    sources: dict[str, SourceReliability]
    copying: dict[tuple[str, str], float]
    iterations: int


def half_unit(written: str, amount: Decimal) -> Decimal:
    """Half the unit of the last digit of the figure as written, in the scaled amount's
    terms: ("$24 billion", 24e9) gives 0.5e9, ("US$24.2 billion", 24.2e9) gives 0.05e9,
    ("1,250 tonnes", 1250) gives 0.5. The scale is what the amount is to the number
    written, so any scale word works. A number is read from its first digit; a comma
    followed by exactly three digits separates thousands, any other is a decimal comma.
    Integers are taken as exact to the unit: "24,000,000,000" is not read as rounded.
    Zero, or text without a number, gives 0 (exact). ``written`` is the figure's own
    text (its span), not its sentence: the first number in it is taken."""
    match = _NUMBER.search(written)
    if match is None:
        return Decimal(0)
    raw = re.sub(r"[\u00a0\u202f' ]", "", match.group())
    if "." not in raw and re.search(r",\d{1,2}$|,\d{4,}$", raw):
        raw = raw.replace(",", ".")  # "24,2 billion"
    raw = raw.replace(",", "")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        return Decimal(0)
    if number == 0 or amount == 0:
        return Decimal(0)
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    scale = abs(amount) / number
    return scale * Decimal(10) ** -decimals / 2


def consistent(truth: Decimal, claim: Claim) -> bool:
    """Whether a claim, written to its precision, could be a report of ``truth``."""
    return abs(truth - claim.value) <= claim.half_unit


def _agree(a: Decimal, a_half: Decimal, b: Decimal, b_half: Decimal) -> bool:
    """Whether two written figures could both be true at once."""
    return abs(a - b) <= a_half + b_half


def _normal_attribution(attribution: str | None) -> str | None:
    folded = " ".join((attribution or "").lower().split())
    return folded or None


def _plain_choice(claims: list[Claim]) -> Claim:
    """The claimed value most claims are consistent with (the most precise on a tie): an
    authority's own figure, before any reliability is known."""
    return min(claims, key=lambda c: (-sum(consistent(c.value, o) for o in claims), c.half_unit, c.value))


def split_by_attribution(claims: Iterable[Claim]) -> dict[str, list[Claim]]:
    """Claims by fact, where a fact whose attributed authorities disagree beyond rounding
    becomes one fact per group of agreeing authorities, keyed ``"<fact> @ <authority>"``
    (authorities joined by " + "). An unattributed claim joins the one group its figure
    agrees with, and stays under the original key when it agrees with none or several.
    Facts whose authorities agree, or that have at most one, are left whole."""
    by_fact: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_fact[claim.fact].append(claim)
    out: dict[str, list[Claim]] = {}
    for fact in sorted(by_fact):
        fact_claims = by_fact[fact]
        by_authority: dict[str, list[Claim]] = defaultdict(list)
        loose: list[Claim] = []
        for claim in fact_claims:
            authority = _normal_attribution(claim.attribution)
            (by_authority[authority] if authority else loose).append(claim)
        # Agreeing authorities form one cluster, each represented by its first authority's figure.
        clusters: list[tuple[Claim, list[str]]] = []
        for authority in sorted(by_authority):
            own = _plain_choice(by_authority[authority])
            home = next((c for c in clusters if _agree(own.value, own.half_unit, c[0].value, c[0].half_unit)), None)
            if home is None:
                clusters.append((own, [authority]))
            else:
                home[1].append(authority)
        if len(clusters) < 2:
            out[fact] = list(fact_claims)
            continue
        keys = [f"{fact} @ {' + '.join(names)}" for _, names in clusters]
        for key, (_, names) in zip(keys, clusters):
            out[key] = [replace(c, fact=key) for name in names for c in by_authority[name]]
        for claim in loose:
            homes = [key for key, (own, _) in zip(keys, clusters)
                     if _agree(claim.value, claim.half_unit, own.value, own.half_unit)]
            if len(homes) == 1:
                out[homes[0]].append(replace(claim, fact=homes[0]))
            else:
                out.setdefault(fact, []).append(claim)
    return out


def _trust(accuracy: float) -> float:
    accuracy = min(max(accuracy, _MIN_ACCURACY), _MAX_ACCURACY)
    return max(math.log(FALSE_VALUES * accuracy / (1 - accuracy)), _MIN_TRUST)


def _order(claim: Claim) -> tuple:
    """A total order on claims, so that nothing depends on the order they were given in."""
    return (claim.fact, claim.source, claim.value, claim.half_unit, claim.dependency, claim.copies or "",
            claim.marker or "", claim.attribution or "")


class _Facts:
    """The claims of every fact, in a fixed order, with the working estimates."""

    def __init__(self, claims: list[Claim]):
        self.by_fact: dict[str, list[Claim]] = defaultdict(list)
        for claim in sorted(claims, key=_order):
            self.by_fact[claim.fact].append(claim)
        self.sources = sorted({c.source for c in claims})
        self.trust = {s: _trust(PRIOR_ACCURACY) for s in self.sources}
        self.accuracy = {s: PRIOR_ACCURACY for s in self.sources}
        self.copy = {}  # (source, source) in sorted order -> probability of copying
        self.shared_wrong: dict[tuple[str, str], int] = {}

    def _dependence(self, a: Claim, b: Claim) -> float:
        """How much of ``a``'s vote ``b`` (counted before it, same value) already cast."""
        if a.dependency == b.dependency:
            return 1.0
        pair = (a.source, b.source) if a.source < b.source else (b.source, a.source)
        return COPY_RATE * self.copy.get(pair, 0.0)

    def weights(self, claims: list[Claim]) -> list[tuple[Claim, float, Claim | None]]:
        """Each claim's vote, discounted for the claims with the same figure counted before
        it (originals before marked copies, then the more trusted first), with the claim
        it depends on most."""
        order = sorted(claims, key=lambda c: (c.copies is not None, -self.trust[c.source], _order(c)))
        counted: dict[tuple[Decimal, Decimal], list[Claim]] = defaultdict(list)
        out = []
        for claim in order:
            same = counted[(claim.value, claim.half_unit)]
            weight, leader, strongest = self.trust[claim.source], None, 0.0
            for earlier in same:
                dependence = self._dependence(claim, earlier)
                weight *= 1.0 - dependence
                if dependence > strongest:
                    leader, strongest = earlier, dependence
            same.append(claim)
            out.append((claim, weight, leader if strongest >= COPY_RATE / 2 else None))
        return out

    def decide(self, claims: list[Claim]) -> tuple[Claim, float, float, list[tuple[Claim, float, Claim | None]]]:
        """The proposal: the claimed value with most support from the claims consistent
        with it; on a tie the most precise, then the smallest."""
        weighted = self.weights(claims)
        candidates = {(c.value, c.half_unit): c for c in claims}
        best, best_support = None, -1.0
        for key in sorted(candidates, key=lambda k: (k[1], k[0])):
            support = sum(w for c, w, _ in weighted if consistent(key[0], c))
            if support > best_support + 1e-12:
                best, best_support = candidates[key], support
        total = sum(w for _, w, _ in weighted)
        return best, best_support, total, weighted

    def estimate_accuracy(self, truths: dict[str, Decimal]) -> dict[str, tuple[int, int]]:
        tally: dict[str, list[int]] = {s: [0, 0] for s in self.sources}
        for fact, claims in self.by_fact.items():
            for claim in claims:
                tally[claim.source][0] += consistent(truths[fact], claim)
                tally[claim.source][1] += 1
        for source, (agreed, seen) in tally.items():
            self.accuracy[source] = (agreed + PRIOR_WEIGHT * PRIOR_ACCURACY) / (seen + PRIOR_WEIGHT)
            self.trust[source] = _trust(self.accuracy[source])
        return {s: (a, n) for s, (a, n) in tally.items()}

    def estimate_copying(self, truths: dict[str, Decimal]) -> None:
        """DEPEN's posterior that two sources are dependent, from the facts both report:
        the same right figure, the same wrong figure (strong evidence), or different ones."""
        counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
        for fact, claims in self.by_fact.items():
            truth = truths[fact]
            for i, a in enumerate(claims):
                for b in claims[i + 1:]:
                    if a.source == b.source:
                        continue
                    pair = (a.source, b.source) if a.source < b.source else (b.source, a.source)
                    if (a.value, a.half_unit) != (b.value, b.half_unit):
                        counts[pair][2] += 1
                    else:
                        counts[pair][0 if consistent(truth, a) else 1] += 1
        self.copy, self.shared_wrong = {}, {}
        c, n = COPY_RATE, FALSE_VALUES
        for pair, (same_true, same_false, different) in counts.items():
            if same_false == 0:
                continue  # sharing only right figures is what accurate independent sources do
            a1, a2 = self.accuracy[pair[0]], self.accuracy[pair[1]]
            original = (a1 + a2) / 2
            p_true, p_false = a1 * a2, (1 - a1) * (1 - a2) / n
            log_ratio = (same_true * math.log((original * c + p_true * (1 - c)) / p_true)
                         + same_false * math.log(((1 - original) * c + p_false * (1 - c)) / p_false)
                         + different * math.log(1 - c))
            odds = (COPY_PRIOR / (1 - COPY_PRIOR)) * math.exp(min(log_ratio, 700.0))
            probability = odds / (1 + odds)
            if probability > 0.01:
                self.copy[pair] = probability
                self.shared_wrong[pair] = same_false


def _reason(claim: Claim, leader: Claim | None, truth: Claim, consistent_now: bool,
            source: SourceReliability, shared_wrong: dict[tuple[str, str], int]) -> str:
    parts = []
    if leader is not None and leader.source == claim.source:
        parts.append("repeats a figure its source gave already (counted once)")
    elif leader is not None and leader.dependency == claim.dependency:
        parts.append(f"copies {claim.copies or leader.source} ({claim.marker or 'same dependency group'})")
    elif leader is not None:
        pair = tuple(sorted((claim.source, leader.source)))
        shared = shared_wrong.get(pair, 0)
        parts.append(f"likely copies {leader.source} (shares {shared} figure{'s' if shared != 1 else ''} "
                     "that disagree with the consensus)")
    else:
        parts.append(source.reason)
    if not consistent_now:
        parts.append("disagrees with the proposal")
    elif claim.half_unit > truth.half_unit and claim.value != truth.value:
        parts.append("rounded figure, consistent")
    return "; ".join(parts)


def discover_truth(claims: Iterable[Claim], split_attributions: bool = True,
                   max_iterations: int = MAX_ITERATIONS) -> TruthResult:
    """Propose a value for every fact of the claims, learning source reliability and
    copying across all of them, until the proposals stop changing. Deterministic: the
    result depends on the claims, not on their order. With ``split_attributions`` facts
    whose authorities disagree are split first (``split_by_attribution``)."""
    claims = list(claims)
    split_from: dict[str, tuple[str, str | None]] = {}
    if split_attributions:
        original_keys = {c.fact for c in claims}
        regrouped = split_by_attribution(claims)
        claims = [c for group in regrouped.values() for c in group]
        for key, group in regrouped.items():
            if key not in original_keys:
                base, _, authority = key.rpartition(" @ ")
                split_from[key] = (base, authority)
    state = _Facts(claims)
    truths: dict[str, Decimal] = {}
    iterations = 0
    tallies: dict[str, tuple[int, int]] = {}
    for iterations in range(1, max_iterations + 1):
        new = {fact: state.decide(group)[0].value for fact, group in state.by_fact.items()}
        tallies = state.estimate_accuracy(new)
        if new == truths:
            break
        truths = new
        state.estimate_copying(truths)
    sources = {s: SourceReliability(s, tallies[s][0], tallies[s][1], state.accuracy[s], state.trust[s])
               for s in state.sources}
    facts: dict[str, FactTruth] = {}
    for fact, group in state.by_fact.items():
        best, support, total, weighted = state.decide(group)
        votes = []
        for claim, weight, leader in weighted:
            agrees = consistent(best.value, claim)
            votes.append(SourceVote(claim.source, claim.value, claim.half_unit, weight, agrees,
                                    _reason(claim, leader, best, agrees, sources[claim.source], state.shared_wrong),
                                    claim.attribution, claim.mention))
        votes.sort(key=lambda v: (-v.weight, v.source, v.value))
        base, authority = split_from.get(fact, (None, None))
        facts[fact] = FactTruth(fact, best.value, best.half_unit, not all(v.consistent for v in votes),
                                support / total if total > 0 else 1.0, tuple(votes), authority, base)
    copying = {pair: p for pair, p in sorted(state.copy.items()) if p >= 0.5}
    return TruthResult(facts, sources, copying, iterations)
