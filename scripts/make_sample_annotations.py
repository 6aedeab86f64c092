"""Builds annotations/aigerim.json and annotations/daniyar.json for the sample documents.

Both start from the curated tables in tests/data (figures and dates; entity mentions)
and depart from them the way real annotators do: aigerim is careful and misses a
little; daniyar misses more, leaves qualifiers out of spans, drops "the" from
periods, confuses ORG and INITIATIVE, resolves some relative dates and qualifiers
differently and links fewer mentions. Deterministic: run it again, get the same files.

    python scripts/make_sample_annotations.py
"""

from __future__ import annotations

import json
import random
import re
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAMESPACE = uuid.UUID("6f1c2a52-5d0e-4b1e-9a57-1d3c0e7f9b21")
WHEN = "2026-11-02T09:00:00+00:00"


def text_hash(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entity_id(name: str) -> str:
    return uuid.uuid5(NAMESPACE, f"entity:{name}").hex


def span_id(annotator: str, uid: str, item: dict) -> str:
    return uuid.uuid5(NAMESPACE, f"{annotator}:{uid}:{item['start']}:{item['end']}:{item['label']}").hex


def base_items() -> dict[str, list[dict]]:
    figures = json.loads((ROOT / "tests/data/sample_gold.json").read_text(encoding="utf-8"))["documents"]
    entities = json.loads((ROOT / "tests/data/sample_entities.json").read_text(encoding="utf-8"))["documents"]
    items = {}
    for uid in sorted(figures):
        merged = [dict(i) for i in figures[uid]] + [
            {**i, "entity_id": entity_id(i["entity"])} for i in entities.get(uid, [])]
        items[uid] = sorted(merged, key=lambda i: (i["start"], i["end"]))
    return items


# daniyar made his own entity for these spellings instead of linking the canonical one,
# which is what the Duplicates view is for.
SEPARATE_ENTITIES = {"Ma Xingruy", "Xingrui", "XUAR", "Xinjiang Uyghur Autonomous Region", "One Belt, One Road",
                     "Tokayev", "SCO"}


def daniyar_variant(item: dict, text: str, rng: random.Random) -> dict | None:
    """One annotator's habits, applied with some randomness."""
    item = dict(item)
    span = text[item["start"] : item["end"]]
    if span in SEPARATE_ENTITIES and "entity_id" in item:
        item["entity_id"] = entity_id(f"daniyar:{span}")
        item["separate"] = {"name": span, "type": item["label"]}
        return item
    if item["label"] in ("MONEY", "PERCENT", "COUNT"):
        qualifier = re.match(r"(nearly|about|over|more than|exceeding)\s+", span)
        if qualifier and rng.random() < 0.7:  # leaves the qualifier out of the span
            item["start"] += qualifier.end()
            item["value"] = {**item["value"], "qualifier": "exact"}
        elif item["value"].get("change") == "change" and rng.random() < 0.3:
            item["value"] = {**item["value"], "change": "level"}
    if item["label"] == "DATE":
        if span.startswith("the ") and rng.random() < 0.6:  # drops "the"
            item["start"] += 4
        if span in ("last year", "this year") and rng.random() < 0.5:  # resolves against the wrong year
            year = int(item["value"]["start"][:4]) + 1
            item["value"] = {**item["value"], "start": f"{year}-01-01", "end": f"{year}-12-31"}
    if item["label"] == "ORG" and ("Forum" in span or "Committee" in span) and rng.random() < 0.7:
        item["label"] = "INITIATIVE"
        item.pop("entity_id", None)
    if item["label"] == "LOCATION" and span in ("Xinjiang", "XUAR") and rng.random() < 0.4:
        item["label"] = "ORG"
        item.pop("entity_id", None)
    if "entity_id" in item and rng.random() < 0.25:  # links fewer mentions
        item.pop("entity_id")
    return item


def layer(annotator: str, miss_rate: float, variant, done: set[str], seed: int) -> dict:
    rng = random.Random(seed)
    entities_used: set[str] = set()
    separate: dict[str, dict] = {}
    documents = []
    for uid, items in base_items().items():
        text = (ROOT / "sample_docs" / f"{uid}.txt").read_text(encoding="utf-8")
        spans = []
        for item in items:
            if rng.random() < miss_rate:
                continue
            item = variant(item, text, rng) if variant else dict(item)
            if item is None:
                continue
            if item.get("entity_id"):
                entities_used.add(item["entity_id"])
            if item.get("separate"):
                separate[item["entity_id"]] = item["separate"]
            spans.append({"id": span_id(annotator, uid, item), "start": item["start"], "end": item["end"],
                          "text": text[item["start"] : item["end"]], "label": item["label"],
                          "value": item.get("value"), "entity_id": item.get("entity_id"),
                          "created": WHEN, "updated": WHEN})
        documents.append({"id": uid, "text_sha256": text_hash(text), "status": "done" if uid in done else "todo",
                          "annotations": spans})
    catalogue = json.loads((ROOT / "tests/data/sample_entities.json").read_text(encoding="utf-8"))["entities"]
    entities = [{"id": entity_id(e["name"]), "name": e["name"], "type": e["type"],
                 "aliases": [a for a in e["aliases"] if not (variant and a in SEPARATE_ENTITIES)]}
                for e in catalogue if entity_id(e["name"]) in entities_used]
    entities += [{"id": key, "name": info["name"], "type": info["type"], "aliases": []}
                 for key, info in sorted(separate.items())]
    return {"format": "curator-annotations", "format_version": 1, "annotator": annotator,
            "project": "Kazakhstan-China sample", "entities": entities, "documents": documents}


def main() -> None:
    uids = sorted(base_items())
    out = ROOT / "annotations"
    out.mkdir(exist_ok=True)
    layers = {
        "aigerim": layer("aigerim", 0.04, None, set(uids), seed=1),
        "daniyar": layer("daniyar", 0.12, daniyar_variant, set(uids[:4]), seed=2),
    }
    for name, payload in layers.items():
        (out / f"{name}.json").write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(name, sum(len(d["annotations"]) for d in payload["documents"]), "spans")


if __name__ == "__main__":
    main()
