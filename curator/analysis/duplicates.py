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
import unicodedata
from dataclasses import dataclass, field

from curator.domain.jobs import Job
from curator.domain.models import Entity
from curator.domain.text import fold
from curator.store import Store

STOPWORDS = {"of", "the", "and", "for", "in", "on", "a", "an", "de", "la", "to"}
# Words many different names share; two names sharing only these are not alike.
GENERIC = {"republic", "people's", "people’s", "party", "committee", "ministry", "state", "council", "region",
           "national", "international", "united", "bank", "company", "group", "university", "president", "city"}
_WORD = re.compile(r"[\w']+")
# A company's legal form at the end of its name, which two reports of one company may write differently.
_LEGAL_FORM = re.compile(r"(?:[,\s]+(?:corp(?:oration)?|inc(?:orporated)?|ltd|limited|llc|plc|[cop]?jsc|llp|ag|gmbh"
                         r"|s\.?a|n\.?v|b\.?v|co|company)\.?)+\s*$")


def pair_key(kind: str, a: str, b: str) -> str:
    first, second = sorted((a, b))
    return f"{kind}:{first}|{second}"


def not_kept(store: Store) -> dict[int, str]:
    """Articles marked duplicates of another article that was kept: document id -> the
    kept article's uid. A clean export leaves them out; their figures do not vote."""
    return {doc_id: kept for doc_id, (role, kept) in duplicate_roles(store).items() if role == "duplicate"}


def duplicate_roles(store: Store) -> dict[int, tuple[str, str]]:
    """What the duplicate decisions made of each article they name: ``("duplicate", kept
    uid)`` for one not kept, ``("kept", other uid)`` for the one kept over it."""
    decided = {key: d for key, d in store.decisions("documents").items() if d.decision == "duplicate" and d.keep}
    if not decided:
        return {}  # (without reading every document's id: the list asks this as it first paints)
    by_uid = {uid: doc_id for doc_id, uid in store.uids().items()}
    roles: dict[int, tuple[str, str]] = {}
    for key, decision in decided.items():
        first, second = key.split(":", 1)[1].split("|")
        loser = second if decision.keep == first else first
        if loser in by_uid:
            roles[by_uid[loser]] = ("duplicate", decision.keep)
        if decision.keep in by_uid and by_uid[decision.keep] not in roles:
            roles[by_uid[decision.keep]] = ("kept", loser)
    return roles


# -- entities ----------------------------------------------------------------------------


def compared(name: str) -> str:
    """A name as names are compared: one normal form (NFKC), case folded. ``Zürich``
    typed with a combining diaeresis and ``ZÜRICH`` are ``zürich``."""
    return fold(name)


def acronym(name: str) -> str:
    words = [w for w in _WORD.findall(unicodedata.normalize("NFKC", name)) if w.casefold() not in STOPWORDS]
    return "".join(w[0] for w in words).upper() if len(words) >= 2 else ""


def _words(name: str) -> set[str]:
    return {w for w in _WORD.findall(compared(name)) if w not in STOPWORDS}


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

    cx, cy = compared(x), compared(y)
    if cx == cy:
        return 100.0, "same name"
    ax, ay = acronym(x), acronym(y)
    if ax and ax == cy.replace(".", "").upper() or ay and ay == cx.replace(".", "").upper():
        return 95.0, "abbreviation"
    wx, wy = _words(x), _words(y)
    if wx and wy and (wx <= wy or wy <= wx):
        return 90.0, "contained name"
    bx, by = _LEGAL_FORM.sub("", cx), _LEGAL_FORM.sub("", cy)
    if bx and bx == by and bx != cx:  # "Veltrix Corp" and "Veltrix Inc."
        return 90.0, "the same name, another legal form"
    ratio = fuzz.ratio(cx, cy)
    common = (wx & wy) - GENERIC
    shared = len(common) / max(1, min(len(wx), len(wy)))
    if len(common) >= 2 and shared >= 0.6 and ratio < 85:
        return max(ratio, 70.0 + 20 * shared), "shared words"
    return ratio, "spelling variant"


def entity_candidates(store: Store, min_score: float = 80.0, include_distinct: bool = False,
                      job: Job | None = None) -> list[EntityCandidate]:
    """Pairs of same-type entities whose names look like one entity, best first; names are
    compared in one normal form (``compared``).

    Pairs already marked distinct are left out unless ``include_distinct``. A pair the
    rules fail on is reported in ``job.failures``, and the others are scored.
    """
    from rapidfuzz import fuzz, process

    job = job or Job()
    entities = store.entities()
    distinct = {key for key, d in store.decisions("entities").items() if d.decision == "distinct"}
    names = [(entity, name) for entity in entities for name in entity.names]
    texts = [compared(name) for _entity, name in names]
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
            score = -1.0
            with job.per_document(f"entities {name_a!r} / {name_b!r}", "entity comparison"):
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


def duplicate_report(store: Store, threshold: float = 0.5, job: Job | None = None) -> dict:
    """Everything the Duplicates view lists, as plain data (for the command line and JSON).
    Documents (and entity pairs) the search failed on are left out and listed under
    ``failures``; the others are searched."""
    from curator.analysis.fact_report import fact_report, report_json
    from curator.analysis.near_duplicates import search_near_duplicates

    job = job or Job()
    decisions = store.decisions()
    uid = store.uids()
    documents = []
    for pair in search_near_duplicates(store, threshold, job):
        key = pair_key("documents", uid[pair.a], uid[pair.b])
        decision = decisions.get(key)
        documents.append({"a": uid[pair.a], "b": uid[pair.b], "similarity": round(pair.similarity, 3), "key": key,
                          "decision": decision.decision if decision else None,
                          "keep": decision.keep if decision else None})
    entities = [{"a": c.a.name, "b": c.b.name, "a_id": c.a.id, "b_id": c.b.id, "type": c.a.type,
                 "score": round(c.score, 1), "reason": c.reason, "names": list(c.names)}
                for c in entity_candidates(store, job=job)]
    proposed = report_json(fact_report(store, job))  # the facts as the window lists them: recorded ones too
    recorded = [fact.model_dump(mode="json") for fact in store.facts().values()]
    return {"documents": documents, "entities": entities, "facts": {"proposed": proposed, "recorded": recorded},
            "failures": [{"item": f.item, "step": f.step, "reason": f.reason} for f in job.failures]}
