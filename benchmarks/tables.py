"""How the benchmarks print what they measured: Markdown tables, a median with its
spread, ratios taken run by run, and the growth of a cost with size."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table (pasted into BENCHMARKS.md as printed); ``None`` cells print as ``-``."""
    def cell(value: object) -> str:
        return "-" if value is None or value == "" else str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(map(cell, header)) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(cell(value) for value in row) + " |" for row in rows)
    return "\n".join(lines)


def seconds(value: float) -> str:
    """A duration in a unit a reader takes in at once: ms under a second, else s."""
    if value < 1:
        return f"{value * 1000:.0f} ms" if value >= 0.01 else f"{value * 1000:.1f} ms"
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s" if value < 100 else f"{value:.0f} s"


def spread(values: Sequence[float]) -> str:
    """The median with the fastest and slowest run: ``1.2 s (1.1-1.4)``, in the median's unit."""
    middle = statistics.median(values)
    unit, scale = ("ms", 1000) if max(values) < 1 else ("s", 1)
    digits = 1 if unit == "ms" or middle < 10 else 0
    if unit == "s" and middle < 1:  # the slowest run is over a second: the median still in seconds
        digits = 2
    return f"{middle * scale:.{digits}f} {unit} ({min(values) * scale:.{digits}f}-{max(values) * scale:.{digits}f})"


def paired_ratios(numerators: Sequence[float], denominators: Sequence[float]) -> list[float]:
    """Each run's ratio, run i over run i (runs taken in turn, so both sides share the machine's drift)."""
    if len(numerators) != len(denominators) or not numerators:
        raise ValueError(f"runs do not pair: {len(numerators)} against {len(denominators)}")
    return [top / bottom for top, bottom in zip(numerators, denominators, strict=True)]


def ratio_spread(ratios: Sequence[float]) -> str:
    """``1.42x (1.31-1.55)``: the median ratio and the extreme runs."""
    return f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f})"


def megabytes(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} MB"


def size_in_bytes(value: int) -> str:
    return f"{value / 1e6:,.1f} MB" if value >= 100_000 else f"{value / 1e3:,.1f} kB"


# -- growth with size ----------------------------------------------------------------------


def growth_exponent(small: int, large: int, small_cost: float, large_cost: float) -> float:
    """The exponent k of cost ~ n^k between two sizes (1 is linear, 0 constant)."""
    if small <= 0 or large <= small or small_cost <= 0 or large_cost <= 0:
        raise ValueError(f"growth needs two sizes in order and two positive costs: {small}, {large}, "
                         f"{small_cost}, {large_cost}")
    return math.log(large_cost / small_cost) / math.log(large / small)


def n_log_n_exponent(small: int, large: int) -> float:
    """The exponent n log n shows between two sizes (1.08 from 100,000 to 1,000,000): a row
    growing faster than this grows faster than n log n."""
    if small < 2:
        raise ValueError("n log n needs sizes of 2 or more")
    return growth_exponent(small, large, small * math.log(small), large * math.log(large))
