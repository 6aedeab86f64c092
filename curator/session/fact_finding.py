"""Facts, for the windows: the facts a project's figures propose (a measure, a period,
its mentions from several sources), the table of recorded facts and the figures left
over, how an accepted value and a period are read from what is typed, and the
project's measures; ``FactFinding``, what the Facts window asks of a session."""

from __future__ import annotations

from typing import TYPE_CHECKING

from curator.analysis.fact_report import FactRow, amount_text, facts_and_figures_left
from curator.analysis.facts import (
    FactProposal,
    fact_from,
    measures_with,
    parse_accepted,
    parse_period,
    project_measures,
)
from curator.session import fact_edits

if TYPE_CHECKING:
    from curator.domain.jobs import Job
    from curator.domain.models import Entity
    from curator.session.commands import Batch
    from curator.session.history import Session


class FactFinding:
    """What the Facts window asks of ``session``'s project: the fact rows with the
    figures left over (a job's work), an entity by one of its names, the measures, and
    what splitting, moving and merging facts mean as commands."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def rows(self, job: Job | None = None) -> tuple[list[FactRow], list]:
        """Every fact (proposed or recorded) and the figures in no fact, with why."""
        return facts_and_figures_left(self.session.store, job)

    def entity_named(self, name: str) -> Entity | None:
        """The entity one of whose names (or aliases) is ``name``, case aside; None if none is."""
        wanted = name.casefold()
        return next((e for e in self.session.entities() if name and wanted in {n.casefold() for n in e.names}), None)

    def measures(self) -> dict[str, tuple[str, ...]]:
        """The project's measures, each with the words that name it."""
        return project_measures(self.session.store)

    def split(self, fact_id: str, mention_ids: list[str], attribution: str | None = None) -> Batch:
        return fact_edits.split_fact(self.session.store, fact_id, mention_ids, attribution)

    def move_mention(self, mention_id: str, source_id: str, target_id: str) -> Batch:
        return fact_edits.move_mention(self.session.store, mention_id, source_id, target_id)

    def merge(self, keep_id: str, other_id: str) -> Batch:
        return fact_edits.merge_facts(self.session.store, keep_id, other_id)


__all__ = ["FactFinding", "FactProposal", "FactRow", "amount_text", "fact_from", "facts_and_figures_left",
           "measures_with", "parse_accepted", "parse_period", "project_measures"]
