"""Truth discovery on generated sources, as copying grows from 0% to 50% of them.

The simulation follows the synthetic setups of Dong, Berti-Équille and Srivastava
(VLDB 2009) and Yin et al. (KDD 2007): sources of known accuracy report figures for
facts; some copy others. Per repetition:

- ``FACTS`` facts, each with a true figure of four significant digits between 1 and
  1,000 billion (say 24.17e9).
- ``SOURCES`` sources. Independent sources have an accuracy drawn uniformly from
  ``ACCURACY`` and report each fact with probability ``COVERAGE``: the true figure with
  probability equal to their accuracy, else one of ten wrong ones (the truth off by
  ±3, 5, 10, 20 or 50%, so independent mistakes sometimes coincide, as in the papers'
  ``n`` false values).
- **Rounding.** A share ``ROUNDED`` of the sources write two significant digits
  ("$24 billion", half-unit 0.5e9), the others three ("$24.2 billion").
- **Copying.** A share of the sources are copiers. Each copies one of ``WIRES`` outlets
  (independent sources chosen at random, of random accuracy, like the agencies news
  copies from): every claim of its original with probability ``COPY_SHARE``, the text
  as written; besides, it reports other facts itself (coverage ``COPIER_OWN``, its own
  accuracy). A share ``MARKED`` of the copied claims say so (half "citing <outlet>",
  half a near-duplicate text): those carry the original as their dependency group.
  The rest are unmarked and must be found from the data.

**Right** means the proposal equals the truth as a precise source writes it: rounded to
three significant digits, the proposal and the truth are equal (for 24.17e9, 24.2e9 is
right; 24e9, consistent but coarser, is not). Baselines, over the same claims:
**majority**, the most frequent figure as written (ties broken by the seeded random
generator); **majority (rounding-aware)**, the figure consistent with most claims (the
most precise of equals), shown to separate what rounding alone earns; **median**, the
lower median of the figures.

Run: ``python benchmarks/truth_discovery.py [--repetitions N] [--seed S] [--facts N] [--rounded SHARE]
[--marked SHARE]``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from curator.analysis.truth import Claim, consistent, discover_truth  # noqa: E402

FACTS = 300
SOURCES = 20
ACCURACY = (0.4, 0.9)
COVERAGE = 0.4
ROUNDED = 0.3
WIRES = 2
COPY_SHARE = 0.8
COPIER_OWN = 0.1
MARKED = 0.5
ERRORS = (-0.5, -0.2, -0.1, -0.05, -0.03, 0.03, 0.05, 0.1, 0.2, 0.5)
COPYING = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)


def written(value: Decimal, digits: int) -> tuple[Decimal, Decimal]:
    """The figure rounded to ``digits`` significant digits, and its half-unit."""
    exponent = value.adjusted() - digits + 1
    unit = Decimal(1).scaleb(exponent)
    return value.quantize(unit), unit / 2


def simulate(rng: random.Random, copying: float, facts: int = FACTS, rounded: float = ROUNDED,
             marked: float = MARKED) -> tuple[list[Claim], dict[str, Decimal]]:
    truths = {}
    for f in range(facts):
        mantissa = Decimal(rng.randint(1000, 9999)).scaleb(-3)  # 1.000 .. 9.999
        truths[f"fact{f:04d}"] = (mantissa * Decimal(10) ** rng.randint(0, 2)).scaleb(9)
    copiers = round(SOURCES * copying)
    names = [f"s{i:02d}" for i in range(SOURCES)]
    independent, copying_sources = names[: SOURCES - copiers], names[SOURCES - copiers:]
    accuracy = {s: rng.uniform(*ACCURACY) for s in names}
    digits = {s: 2 if rng.random() < rounded else 3 for s in names}
    wires = rng.sample(independent, WIRES)

    def report(source: str, fact: str) -> Claim:
        truth = truths[fact]
        value = truth if rng.random() < accuracy[source] else truth * (1 + Decimal(str(rng.choice(ERRORS))))
        shown, half = written(value, digits[source])
        return Claim(fact, source, shown, half)

    claims: dict[tuple[str, str], Claim] = {}
    for source in independent:
        for fact in truths:
            if rng.random() < COVERAGE:
                claims[(source, fact)] = report(source, fact)
    for source in copying_sources:
        original = rng.choice(wires)
        for fact in truths:
            copied = claims.get((original, fact))
            if copied is not None and rng.random() < COPY_SHARE:
                if rng.random() < marked:
                    marker = "citing" if rng.random() < 0.5 else "near-duplicate text"
                    claims[(source, fact)] = Claim(fact, source, copied.value, copied.half_unit, group=original,
                                                   copies=original, marker=marker)
                else:
                    claims[(source, fact)] = Claim(fact, source, copied.value, copied.half_unit)
            elif rng.random() < COPIER_OWN:
                claims[(source, fact)] = report(source, fact)
    return list(claims.values()), truths


def right(proposal: Decimal, truth: Decimal) -> bool:
    return written(proposal, 3)[0] == written(truth, 3)[0]


def majority(claims: list[Claim], rng: random.Random) -> Decimal:
    counts: dict[Decimal, int] = {}
    for claim in claims:
        counts[claim.value] = counts.get(claim.value, 0) + 1
    top = max(counts.values())
    return rng.choice(sorted(v for v, n in counts.items() if n == top))


def majority_rounding_aware(claims: list[Claim]) -> Decimal:
    return min(claims, key=lambda c: (-sum(consistent(c.value, o) for o in claims), c.half_unit, c.value)).value


def median(claims: list[Claim]) -> Decimal:
    return statistics.median_low(c.value for c in claims)


def run(repetitions: int, seed: int, facts: int = FACTS, rounded: float = ROUNDED, marked: float = MARKED) -> None:
    print(f"{facts} facts, {SOURCES} sources, accuracy {ACCURACY[0]}-{ACCURACY[1]}, coverage {COVERAGE}, "
          f"{rounded:.0%} of sources round to 2 digits, copiers copy one of {WIRES} outlets "
          f"({COPY_SHARE:.0%} of its claims, {marked:.0%} of copies marked); "
          f"{repetitions} repetitions, seed {seed}; accuracy as mean ± standard deviation, in %")
    header = ("copying", "truth discovery", "majority", "majority (rounding-aware)", "median", "lead over best",
              "seconds")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for share in COPYING:
        scores: dict[str, list[float]] = {name: [] for name in header[1:5]}
        leads, seconds = [], []
        for repetition in range(repetitions):
            rng = random.Random(f"{seed}-{share}-{repetition}")
            claims, truths = simulate(rng, share, facts, rounded, marked)
            by_fact: dict[str, list[Claim]] = {}
            for claim in claims:
                by_fact.setdefault(claim.fact, []).append(claim)
            started = time.perf_counter()
            result = discover_truth(claims)
            seconds.append(time.perf_counter() - started)
            tie_rng = random.Random(f"{seed}-ties-{share}-{repetition}")
            found = {name: 0 for name in scores}
            for fact, group in by_fact.items():
                truth = truths[fact]
                found["truth discovery"] += right(result.facts[fact].value, truth)
                found["majority"] += right(majority(group, tie_rng), truth)
                found["majority (rounding-aware)"] += right(majority_rounding_aware(group), truth)
                found["median"] += right(median(group), truth)
            rates = {name: 100 * n / len(by_fact) for name, n in found.items()}
            for name, rate in rates.items():
                scores[name].append(rate)
            leads.append(rates["truth discovery"] - max(rates["majority"], rates["median"]))
        cells = [f"{statistics.mean(v):.1f} ± {statistics.pstdev(v):.1f}" for v in scores.values()]
        print(f"| {share:.0%} | " + " | ".join(cells)
              + f" | {statistics.mean(leads):+.1f} (min {min(leads):+.1f}) | {statistics.mean(seconds):.2f} |")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repetitions", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2009)
    parser.add_argument("--facts", type=int, default=FACTS)
    parser.add_argument("--rounded", type=float, default=ROUNDED,
                        help="share of sources writing two digits; 0 isolates what copying does")
    parser.add_argument("--marked", type=float, default=MARKED,
                        help="share of copied claims marked as copies; 0 leaves copying to be found from the data")
    args = parser.parse_args(argv)
    run(args.repetitions, args.seed, args.facts, args.rounded, args.marked)


if __name__ == "__main__":
    main()
