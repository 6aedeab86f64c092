"""What editing facts means, as commands: link a fact to its subjects and attribution,
move a mention from one fact to another, split a fact, merge two. Each is one undoable
step built from ``SaveFact`` and ``DeleteFact``."""

from __future__ import annotations

from curator.domain.models import Fact, new_id
from curator.errors import CuratorError
from curator.session.commands import Batch, DeleteFact, SaveFact
from curator.store import Store


def _fact(store: Store, fact_id: str) -> Fact:
    fact = store.facts().get(fact_id)
    if fact is None:
        raise CuratorError(f"no fact with id {fact_id}")
    return fact


def link_fact(store: Store, fact_id: str, subjects: list[str] | None = None,
              attribution: str | None = None) -> SaveFact:
    """Say which entities a fact is about and whom its figures are attributed to."""
    fact = _fact(store, fact_id)
    known = {entity.id for entity in store.entities()}
    unknown = [entity for entity in subjects or [] if entity not in known]
    if unknown:
        raise CuratorError(f"no entity with id {unknown[0]}")
    changes = {}
    if subjects is not None:
        changes["subjects"] = list(dict.fromkeys(subjects))
    if attribution is not None:
        changes["attribution"] = attribution.strip() or None
    return SaveFact(fact.model_copy(update=changes))


def move_mention(store: Store, mention_id: str, source_id: str, target_id: str) -> Batch:
    """Take one supporting figure from a fact to another."""
    source, target = _fact(store, source_id), _fact(store, target_id)
    if mention_id not in source.mentions:
        raise CuratorError("that figure does not support this fact")
    if source_id == target_id:
        raise CuratorError("the figure is already in this fact")
    commands = [SaveFact(source.model_copy(update={"mentions": [m for m in source.mentions if m != mention_id]})),
                SaveFact(target.model_copy(update={"mentions": [*target.mentions, mention_id]}))]
    return Batch(commands, f"Move a mention to {target.subject}: {target.measure}", 0)


def split_fact(store: Store, fact_id: str, mention_ids: list[str], attribution: str | None = None) -> Batch:
    """A new fact (same subject, measure and period) of ``mention_ids``, taken from the fact:
    say, the figures of a second authority."""
    fact = _fact(store, fact_id)
    moving = [m for m in fact.mentions if m in set(mention_ids)]
    if not moving or len(moving) == len(fact.mentions):
        raise CuratorError("a split takes some of the fact's figures, not none or all")
    kept = fact.model_copy(update={"mentions": [m for m in fact.mentions if m not in set(moving)]})
    new = fact.model_copy(update={"id": new_id(), "mentions": moving, "accepted_amount": None, "note": None,
                                  "attribution": attribution})
    return Batch([SaveFact(kept), SaveFact(new)], f"Split {fact.measure}", 0)


def merge_facts(store: Store, keep_id: str, other_id: str) -> Batch:
    """One fact of two: the other's figures and subjects join the kept one, which keeps its value."""
    keep, other = _fact(store, keep_id), _fact(store, other_id)
    if keep_id == other_id:
        raise CuratorError("a fact cannot be merged into itself")
    merged = keep.model_copy(update={"mentions": list(dict.fromkeys([*keep.mentions, *other.mentions])),
                                     "subjects": list(dict.fromkeys([*keep.subjects, *other.subjects]))})
    return Batch([SaveFact(merged), DeleteFact(other_id)], f"Merge facts {keep.measure}", 0)
