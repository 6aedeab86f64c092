"""Quality of the relation suggestions on hand-written sentences (``tests/data/eval/relations.jsonl``).

Each item gives a text, the spans an annotator marked and the relations a curator would
draw between them. The suggester sees the spans and proposes relations; a proposal is
right when its two spans and its label are a gold relation's (either way round for a
label without direction). Prints, per relation label, recall (gold relations proposed)
and precision (proposals that are gold), and which gold relations were missed.

Run: python benchmarks/relation_suggestions.py [--json]
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from curator.analysis.relation_suggest import propose_relations  # noqa: E402
from curator.domain.models import Annotation  # noqa: E402
from curator.domain.schema import template  # noqa: E402

ITEMS = ROOT / "tests" / "data" / "eval" / "relations.jsonl"


def load(path: Path = ITEMS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(items: list[dict]) -> dict:
    """Per relation label and overall: gold, proposed, right, recall, precision; and the misses."""
    schema = template("news")
    counts: dict[str, Counter] = {}
    misses = []
    for item in items:
        spans = [Annotation(id=str(n), doc_id=1, start=s["start"], end=s["end"], label=s["label"], annotator="a")
                 for n, s in enumerate(item["spans"])]
        def key(source: str, target: str, label: str) -> tuple:
            directed = schema.relation(label).directed
            return (source, target, label) if directed else (*sorted((source, target)), label)
        gold = {key(str(r["source"]), str(r["target"]), r["label"]) for r in item["relations"]}
        proposed = {key(s.id, t.id, label) for s, t, label in propose_relations(item["text"], spans, schema)}
        for label in {g[2] for g in gold} | {p[2] for p in proposed}:
            tally = counts.setdefault(label, Counter())
            tally["gold"] += sum(1 for g in gold if g[2] == label)
            tally["proposed"] += sum(1 for p in proposed if p[2] == label)
            tally["right"] += sum(1 for p in proposed & gold if p[2] == label)
        misses += [f"{item['id']}: {item['spans'][int(g[0])]['text']} -{g[2]}-> {item['spans'][int(g[1])]['text']}"
                   for g in sorted(gold - proposed)]
    rows = {}
    for label, tally in sorted(counts.items()):
        rows[label] = _row(tally)
    rows["all"] = _row(sum(counts.values(), Counter()))
    return {"items": len(items), "labels": rows, "misses": misses}


def _row(tally: Counter) -> dict:
    return {"gold": tally["gold"], "proposed": tally["proposed"], "right": tally["right"],
            "recall": tally["right"] / tally["gold"] if tally["gold"] else None,
            "precision": tally["right"] / tally["proposed"] if tally["proposed"] else None}


def main() -> None:
    result = evaluate(load())
    if "--json" in sys.argv:
        print(json.dumps(result, indent=1))
        return
    print(f"Relation suggestions on {result['items']} hand-written items")
    print(f"{'label':<16}{'gold':>6}{'proposed':>10}{'right':>7}{'recall':>8}{'precision':>11}")
    for label, row in result["labels"].items():
        print(f"{label:<16}{row['gold']:>6}{row['proposed']:>10}{row['right']:>7}"
              f"{row['recall'] or 0:>8.2f}{row['precision'] or 0:>11.2f}")
    for miss in result["misses"]:
        print(f"  missed {miss}")


if __name__ == "__main__":
    main()
