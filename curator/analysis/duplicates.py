"""Duplicates across sources: decisions on document pairs, and entity variants to merge.

Entity candidates compare every name and alias of every entity of the same type
with rapidfuzz (``fuzz.ratio`` over all names at once), and add two rules that
string similarity misses: an acronym of a longer name (``XUAR`` for ``Xinjiang
Uygur Autonomous Region``) and a name whose words are all in the other
(``Xingrui`` in ``Ma Xingrui``). Merging relinks every mention; a wrong merge is
split back by naming which names leave.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from curator.domain.models import Decision, Entity, new_id
from curator.errors import CuratorError
from curator.store import Store

STOPWORDS = {"of", "the", "and", "for", "in", "on", "a", "an", "de", "la", "to"}
# Words many different names share; two names sharing only these are not alike.
GENERIC = {"republic", "people's", "people’s", "party", "committee", "ministry", "state", "council", "region",
           "national", "international", "united", "bank", "company", "group", "university", "president", "city"}
_WORD = re.compile(r"[\w']+")


def pair_key(kind: str, a: str, b: str) -> str:
    first, second = sorted((a, b))
    return f"{kind}:{first}|{second}"


@dataclass
class SetDecision:
    """Record a duplicate/distinct decision (or clear it with ``decision=None``)."""

    key: str
    kind: str
    decision: str | None
    keep: str | None = None
    note: str | None = None
    doc_id: int = 0

    @property
    def text(self) -> str:
        return f"Mark {self.decision}" if self.decision else "Reopen candidate"

    def apply(self, store: Store) -> "SetDecision":
        new = Decision(key=self.key, kind=self.kind, decision=self.decision, keep=self.keep,
                       note=self.note) if self.decision else None
        before = store.set_decision(new, self.key)
        if before is None:
            return SetDecision(self.key, self.kind, None, doc_id=self.doc_id)
        return SetDecision(before.key, before.kind, before.decision, before.keep, before.note, self.doc_id)


# -- entities ----------------------------------------------------------------------------


def acronym(name: str) -> str:
    words = [w for w in _WORD.findall(name) if w.lower() not in STOPWORDS]
    return "".join(w[0] for w in words).upper() if len(words) >= 2 else ""


def _words(name: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(name) if w.lower() not in STOPWORDS}


@dataclass
class EntityCandidate:
    """Two entities that may be one, with the best-matching pair of their names."""

    a: Entity
    b: Entity
    score: float
    reason: str
    names: tuple[str, str] = ("", "")
    key: str = field(init=False)

    def __post_init__(self) -> None:
        self.key = pair_key("entities", self.a.id, self.b.id)


def name_score(x: str, y: str) -> tuple[float, str]:
    """How likely two names name one thing (0-100), and why."""
    from rapidfuzz import fuzz

    if x.casefold() == y.casefold():
        return 100.0, "same name"
    if acronym(x) and acronym(x) == y.replace(".", "").upper() or acronym(y) and acronym(y) == x.replace(".", "").upper():
        return 95.0, "abbreviation"
    wx, wy = _words(x), _words(y)
    if wx and wy and (wx <= wy or wy <= wx):
        return 90.0, "contained name"
    ratio = fuzz.ratio(x.casefold(), y.casefold())
    common = (wx & wy) - GENERIC
    shared = len(common) / max(1, min(len(wx), len(wy)))
    if len(common) >= 2 and shared >= 0.6 and ratio < 85:
        return max(ratio, 70.0 + 20 * shared), "shared words"
    return ratio, "spelling variant"


def entity_candidates(store: Store, min_score: float = 80.0, include_distinct: bool = False) -> list[EntityCandidate]:
    """Pairs of same-type entities whose names look like one entity, best first.

    Pairs already marked distinct are left out unless ``include_distinct``.
    """
    from rapidfuzz import fuzz, process

    entities = store.entities()
    distinct = {key for key, d in store.decisions("entities").items() if d.decision == "distinct"}
    names = [(entity, name) for entity in entities for name in entity.names]
    texts = [name.casefold() for _entity, name in names]
    ratios = process.cdist(texts, texts, scorer=fuzz.ratio, workers=1) if texts else []
    best: dict[tuple[str, str], EntityCandidate] = {}
    for i, (entity_a, name_a) in enumerate(names):
        for j in range(i + 1, len(names)):
            entity_b, name_b = names[j]
            if entity_a.id == entity_b.id or entity_a.type != entity_b.type:
                continue
            quick = ratios[i][j]
            if quick < 50 and not (_words(name_a) & _words(name_b)) and len(name_a) > 6 and len(name_b) > 6:
                continue  # nothing in common: skip the slower rules
            score, reason = name_score(name_a, name_b)
            if score < min_score:
                continue
            pair = tuple(sorted((entity_a.id, entity_b.id)))
            candidate = EntityCandidate(entity_a, entity_b, score, reason, (name_a, name_b))
            if candidate.key in distinct and not include_distinct:
                continue
            if pair not in best or best[pair].score < score:
                best[pair] = candidate
    return sorted(best.values(), key=lambda c: (-c.score, c.a.name, c.b.name))


@dataclass
class MergeEntities:
    """Merge entities into ``keep``: their names become aliases, their mentions follow."""

    keep: str
    others: list[str]
    doc_id: int = 0

    @property
    def text(self) -> str:
        return "Merge entities"

    def apply(self, store: Store) -> "UndoMerge":
        with store.transaction():  # one command, one transaction
            kept = store.get_entity(self.keep)
            removed = [store.get_entity(other) for other in self.others]
            aliases = list(kept.aliases)
            for entity in removed:
                for name in entity.names:
                    if name != kept.name and name not in aliases:
                        aliases.append(name)
            links = store.relink_mentions(self.others, self.keep)
            before = store.update_entity(self.keep, aliases=aliases)
            for entity in removed:
                store.delete_entity(entity.id)
            return UndoMerge(before, removed, links, self.doc_id)


@dataclass
class UndoMerge:
    kept: Entity
    removed: list[Entity]
    links: dict[str, str | None]
    doc_id: int = 0

    @property
    def text(self) -> str:
        return "Merge entities"

    def apply(self, store: Store) -> MergeEntities:
        with store.transaction():  # one command, one transaction
            for entity in self.removed:
                store.add_entity(entity)
            store.update_entity(self.kept.id, aliases=self.kept.aliases, name=self.kept.name)
            store.set_entity_links(self.links)
            return MergeEntities(self.kept.id, [e.id for e in self.removed], self.doc_id)


@dataclass
class SplitEntity:
    """Move some names of an entity (and the mentions written so) to a new entity."""

    entity_id: str
    names: list[str]
    new_id: str = field(default_factory=new_id)
    doc_id: int = 0

    @property
    def text(self) -> str:
        return f"Split {', '.join(self.names)} off"

    def apply(self, store: Store) -> "UndoSplit":
        with store.transaction():  # one command, one transaction
            entity = store.get_entity(self.entity_id)
            leaving = [n for n in self.names if n in entity.names]
            if not leaving or set(leaving) >= set(entity.names):
                raise CuratorError("choose some, but not all, of the entity's names to split off")
            remaining = [n for n in entity.names if n not in leaving]
            new = Entity(id=self.new_id, name=leaving[0], type=entity.type, aliases=leaving[1:])
            store.add_entity(new)
            store.update_entity(entity.id, name=remaining[0], aliases=remaining[1:])
            moved: dict[str, str | None] = {}
            for document, spans in store.iter_documents_with_annotations():
                for span in spans:
                    if span.entity_id == entity.id and document.text[span.start : span.end] in leaving:
                        moved[span.id] = entity.id
            store.set_entity_links({annotation_id: new.id for annotation_id in moved})
            return UndoSplit(entity, new.id, moved, self.doc_id)


@dataclass
class UndoSplit:
    original: Entity
    new_id: str
    links: dict[str, str | None]
    doc_id: int = 0

    @property
    def text(self) -> str:
        return "Split entity"

    def apply(self, store: Store) -> SplitEntity:
        with store.transaction():  # one command, one transaction
            store.set_entity_links(self.links)
            split = store.delete_entity(self.new_id)
            store.update_entity(self.original.id, name=self.original.name, aliases=self.original.aliases)
            return SplitEntity(self.original.id, split.names, self.new_id, self.doc_id)


def duplicate_report(store: Store, threshold: float = 0.5) -> dict:
    """Everything the Duplicates view lists, as plain data (for the command line and JSON)."""
    from curator.analysis.facts import propose_facts
    from curator.analysis.near_duplicates import search_near_duplicates

    decisions = store.decisions()
    uid = store.uids()
    documents = []
    for pair in search_near_duplicates(store, threshold):
        key = pair_key("documents", uid[pair.a], uid[pair.b])
        decision = decisions.get(key)
        documents.append({"a": uid[pair.a], "b": uid[pair.b], "similarity": round(pair.similarity, 3), "key": key,
                          "decision": decision.decision if decision else None,
                          "keep": decision.keep if decision else None})
    entities = [{"a": c.a.name, "b": c.b.name, "a_id": c.a.id, "b_id": c.b.id, "type": c.a.type,
                 "score": round(c.score, 1), "reason": c.reason, "names": list(c.names)}
                for c in entity_candidates(store)]
    proposed = [{"measure": p.measure, "unit": p.unit,
                 "period": f"{p.period_start}/{p.period_end}", "spread": p.spread, "conflict": p.conflict(),
                 "mentions": [{"document": m.document.uid, "source": m.document.source, "text": m.text,
                               "amount": str(m.amount)} for m in p.mentions]}
                for p in propose_facts(store)]
    recorded = [fact.model_dump(mode="json") for fact in store.facts().values()]
    return {"documents": documents, "entities": entities, "facts": {"proposed": proposed, "recorded": recorded}}
