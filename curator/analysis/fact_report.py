"""The facts across sources as every surface shows them: the Facts view of the window,
``curator facts`` and ``curator duplicates --json`` read this one report.

Each row is a fact: proposed (figures grouped by measure and period, not recorded yet)
or recorded (with the figures it was recorded with, whatever the layers say later, and
figures of new articles joining it). Each has the value truth discovery proposes, and
each figure its source's weight in that vote, why, and whom the figure is attributed to.
A figure of an article marked a duplicate of another (kept) article does not vote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from curator.analysis.duplicates import not_kept
from curator.analysis.facts import (
    FactProposal,
    Mention,
    facts_overview,
    group_figures,
    proposed_values,
)
from curator.domain.jobs import Job
from curator.domain.models import Fact
from curator.store import Store


@dataclass(frozen=True)
class Vote:
    """One figure's say in its fact's proposed value."""

    weight: float
    why: str
    consistent: bool = True


@dataclass
class FactRow:
    """A fact as listed: its figures, the recorded fact (if any), the value(s) proposed
    (one per authority when attributed figures disagree) and each figure's vote, by the
    figure's span id."""

    proposal: FactProposal
    fact: Fact | None
    truths: list = field(default_factory=list)
    votes: dict[str, Vote] = field(default_factory=dict)

    @property
    def recorded(self) -> bool:
        return self.fact is not None

    @property
    def conflict(self) -> bool:
        """Whether some figure disagrees with the proposed value beyond its rounding."""
        return len(self.truths) == 1 and self.truths[0].conflict

    @property
    def status(self) -> str:
        if self.fact is not None:
            accepted = amount_text(self.fact.accepted_amount) if self.fact.accepted_amount else "no value"
            return f"recorded: {accepted} {self.fact.unit or ''}".rstrip()
        if len(self.truths) > 1:
            return f"{len(self.truths)} authorities: one fact each"
        return "CONFLICT" if self.conflict else "consistent (allowing rounding)"

    @property
    def proposed(self) -> str:
        return " · ".join((f"{t.attribution}: " if t.attribution else "") + amount_text(t.value) for t in self.truths)


def amount_text(amount) -> str:
    """An exact amount with thousands separators, as people read figures: 24,100,000,000."""
    try:
        value = Decimal(str(amount))
    except ArithmeticError:
        return str(amount)
    return f"{value:,f}" if value.is_finite() else str(amount)


def fact_report(store: Store, job: Job | None = None) -> list[FactRow]:
    """Every fact the Facts view lists, with its proposed value and each figure's vote.
    Documents whose figures cannot be read are in ``job.failures``; the others are grouped."""
    return facts_and_figures_left(store, job)[0]


def facts_and_figures_left(store: Store, job: Job | None = None
                           ) -> tuple[list[FactRow], list[tuple[Mention, str]]]:
    """``fact_report``, and every figure no fact groups, with why (``group_figures``)."""
    proposals, left = group_figures(store, job=job)
    rows = _rows(store, facts_overview(store, proposals))
    held = {m.annotation.id for row in rows for m in row.proposal.mentions}  # a recorded fact's, say
    return rows, [(mention, why) for mention, why in left if mention.annotation.id not in held]


def _rows(store: Store, overview: list) -> list[FactRow]:
    dropped = not_kept(store)
    voting = [FactProposal(p.measure, p.unit, p.period_start, p.period_end,
                           [m for m in p.mentions if m.document.id not in dropped], p.tag)
              for p, _fact in overview]
    truths = proposed_values(store, [p for p in voting if p.mentions])
    rows = []
    for proposal, fact in overview:
        found = truths.get(proposal.key, [])
        votes: dict[str, Vote] = {}
        # By the span each vote was read from: an outlet's figure in its headline and again in
        # its text are two votes, the second discounted as its own repeat (by outlet and value,
        # the last of them stood for both).
        by_mention = {vote.mention: vote for truth in found for vote in truth.votes}
        for mention in proposal.mentions:
            kept = dropped.get(mention.document.id)
            if kept is not None:
                votes[mention.annotation.id] = Vote(0.0, f"not counted: a duplicate of {kept}, which is kept")
                continue
            vote = by_mention.get(mention.annotation.id)
            if vote is not None:
                votes[mention.annotation.id] = Vote(vote.weight, vote.reason, vote.consistent)
        rows.append(FactRow(proposal, fact, found, votes))
    return rows


def report_json(rows: list[FactRow]) -> list[dict]:
    """The report as plain data: what ``curator facts --json`` and ``duplicates --json`` print."""
    out = []
    for row in rows:
        p, fact = row.proposal, row.fact
        out.append({
            "measure": p.measure, "unit": p.unit, "period": f"{p.period_start}/{p.period_end}",
            "status": "recorded" if fact else "conflict" if row.conflict else
                      "split by authority" if len(row.truths) > 1 else "consistent",
            "conflict": row.conflict and fact is None, "spread": p.spread if p.mentions else 0.0,
            "proposed": [{"value": str(t.value), "attribution": t.attribution, "confidence": round(t.confidence, 3)}
                         for t in row.truths],
            "recorded": None if fact is None else {"id": fact.id, "subject": fact.subject,
                                                   "accepted_amount": fact.accepted_amount, "note": fact.note,
                                                   "attribution": fact.attribution},
            "mentions": [_mention_json(m, row.votes.get(m.annotation.id)) for m in p.mentions]})
    return out


def _mention_json(mention: Mention, vote: Vote | None) -> dict:
    document = mention.document
    return {"document": document.uid, "title": document.title, "source": document.source, "text": mention.text,
            "amount": str(mention.amount), "attribution": mention.attribution,
            "annotator": mention.annotation.annotator,
            "weight": round(vote.weight, 3) if vote else None, "why": vote.why if vote else None,
            "consistent": vote.consistent if vote else None}
