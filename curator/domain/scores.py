"""How an agreement score (F1, kappa, alpha, a share) reads: one rule for the review
window's tables, the workbook and the command line."""

from __future__ import annotations


def figure_text(value: float | None, missing: str = "–") -> str:
    """A score as people read it: three decimals, ``missing`` when undefined, and never
    "-0.000" (a score a hair below zero is chance agreement, 0.000)."""
    if value is None:
        return missing
    text = f"{value:.3f}"
    return "0.000" if text == "-0.000" else text
