"""Facts, for the windows: the facts a project's figures propose (a measure, a period,
its mentions from several sources), the table of recorded facts and the figures left
over, how an accepted value and a period are read from what is typed, and the
project's measures."""

from __future__ import annotations

from curator.analysis.fact_report import FactRow, amount_text, facts_and_figures_left
from curator.analysis.facts import (
    FactProposal,
    fact_from,
    measures_with,
    parse_accepted,
    parse_period,
    project_measures,
)

__all__ = ["FactProposal", "FactRow", "amount_text", "fact_from", "facts_and_figures_left", "measures_with",
           "parse_accepted", "parse_period", "project_measures"]
