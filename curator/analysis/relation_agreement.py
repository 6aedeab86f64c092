"""Agreement on relations between annotators, per relation label, pair and document.

A relation of annotator A *matches* one of annotator B when both its ends match (the
same offsets and span labels) and its relation label matches (either way round for a
label without direction): links (``relation_links``) are compared.

- **F1** (pairwise): 2 × matched / (A's relations + B's relations), pooled over the
  documents both worked on; symmetric, so no precision and recall.
- **Cohen's kappa** over *span pairs*: the units of a relation label are the pairs of
  spans that both annotators marked (same offsets and labels) and that the label may
  link (its allowed span labels or kinds at each end; unordered for a label without
  direction). Each annotator says yes (they drew that relation) or no for each unit.
  Per label: the mean over annotator pairs; undefined (None) when every unit got one
  answer from both. Relations on spans only one annotator marked are outside kappa
  (they still count, unmatched, in F1).

Only documents in which someone drew a relation are compared: where nobody did, the
annotators may not have been asked to. A relation label neither annotator of a pair
drew anywhere gets no row.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable

import numpy as np

from curator.analysis.agreement import cohen_kappa
from curator.analysis.relation_links import End, Link, document_links
from curator.domain.models import GOLD
from curator.domain.schema import LabelSchema
from curator.store import Store


def f1(matched: int, a: int, b: int) -> float | None:
    return None if a + b == 0 else 2 * matched / (a + b)


def units(schema: LabelSchema, label: str, ends: set[End]) -> list[Link]:
    """The span pairs among ``ends`` that ``label`` may link, as links."""
    kind = schema.relation(label)
    if kind is None:
        return []
    sources = [end for end in ends if kind.allows("source", schema.get(end[2]))]
    targets = [end for end in ends if kind.allows("target", schema.get(end[2]))]
    found = {(s, t, label) if kind.directed else (*sorted((s, t)), label)
             for s in sources for t in targets if s != t}
    return sorted(found)


def relation_agreement(store: Store, annotators: Iterable[str] | None = None) -> dict:
    """Relation agreement between annotators (default: everyone but gold): ``overall``,
    ``labels``, ``pairs`` (per label) and ``documents`` rows."""
    schema = store.label_schema
    names = sorted(set(annotators) if annotators is not None else set(store.annotators()) - {GOLD})
    labels = [kind.name for kind in schema.relations]
    counts: dict[tuple[str, str, str], np.ndarray] = defaultdict(lambda: np.zeros(3, int))  # a, b, matched
    confusion: dict[tuple[str, str, str], np.ndarray] = defaultdict(lambda: np.zeros((2, 2)))
    documents = []
    for document in document_links(store, names):
        worked = document.worked(names)
        if len(worked) < 2:
            continue
        totals = np.zeros(3, int)
        for a, b in itertools.combinations(worked, 2):
            mine, theirs = document.links.get(a, set()), document.links.get(b, set())
            common = document.ends[a] & document.ends[b]
            for label in sorted({*labels, *(link[2] for link in mine | theirs)}):
                ours = {link for link in mine if link[2] == label}
                others = {link for link in theirs if link[2] == label}
                row = np.array([len(ours), len(others), len(ours & others)])
                counts[(a, b, label)] += row
                totals += row
                for unit in units(schema, label, common):
                    confusion[(a, b, label)][int(unit in ours), int(unit in others)] += 1
        documents.append({"document": document.uid, "annotators": ", ".join(worked), "relations": int(totals[:2].sum()),
                          "matched": int(totals[2]), "f1": f1(int(totals[2]), *map(int, totals[:2]))})
    pairs = []
    for (a, b, label), (in_a, in_b, matched) in sorted(counts.items()):
        if in_a + in_b == 0:  # a label neither drew: no figure (its units still counted for the others)
            continue
        kappa = cohen_kappa(confusion[(a, b, label)]) if (a, b, label) in confusion else None
        pairs.append({"annotator_a": a, "annotator_b": b, "label": label, "a": int(in_a), "b": int(in_b),
                      "matched": int(matched), "f1": f1(int(matched), int(in_a), int(in_b)),
                      "units": int(confusion[(a, b, label)].sum()) if (a, b, label) in confusion else 0,
                      "kappa": kappa})
    label_rows = []
    order = {name: index for index, name in enumerate(labels)}
    for label in sorted({row["label"] for row in pairs}, key=lambda name: (order.get(name, len(order)), name)):
        rows = [row for row in pairs if row["label"] == label]
        matched, in_a, in_b = (sum(row[key] for row in rows) for key in ("matched", "a", "b"))
        kappas = [row["kappa"] for row in rows if row["kappa"] is not None]
        label_rows.append({"label": label, "relations": in_a + in_b, "matched": matched, "f1": f1(matched, in_a, in_b),
                           "units": sum(row["units"] for row in rows),
                           "kappa": sum(kappas) / len(kappas) if kappas else None})
    matched, in_a, in_b = (sum(row[key] for row in pairs) for key in ("matched", "a", "b"))
    kappas = [row["kappa"] for row in label_rows if row["kappa"] is not None]
    overall = {"annotators": ", ".join(names), "documents": len(documents), "relations": in_a + in_b,
               "matched": matched, "f1": f1(matched, in_a, in_b), "kappa": sum(kappas) / len(kappas) if kappas else None}
    return {"overall": overall, "labels": label_rows, "pairs": pairs, "documents": documents}
