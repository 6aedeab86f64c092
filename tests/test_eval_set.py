"""The held-out evaluation set is well-formed, and the benchmark reads it."""

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from curator.domain.values import (
    DateValue,
    FigureValue,
    Granularity,
    Unresolved,
    parse_value,
)

EVAL = Path(__file__).parent / "data" / "eval"
LABELS = {"MONEY", "PERCENT", "COUNT", "QUANTITY", "DATE"}
CLASSES = {"figure.money", "figure.range", "figure.multiple", "figure.per_unit", "figure.percent", "figure.count",
           "date.explicit", "date.range", "date.part", "date.relative", "date.unresolved", "mixed", "precision",
           "metadata"}


def items(half: str) -> list[dict]:
    return [json.loads(line) for line in (EVAL / f"{half}.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]


@pytest.mark.parametrize("half", ["dev", "test"])
def test_every_item_is_well_formed(half):
    for item in items(half):
        assert item["id"].startswith(f"{half}-{item['class']}-"), item["id"]
        assert item["class"] in CLASSES and item["outlet"] and item["text"]
        if item["class"] == "metadata":
            published, source = item["metadata"]["published"], item["metadata"]["source"]
            assert published is None or date.fromisoformat(published)
            assert source is None or source.strip() == source != ""
        else:
            assert item["article_date"] is None or date.fromisoformat(item["article_date"])
        ends = []
        for gold in item["gold"]:
            assert item["text"][gold["start"] : gold["end"]] == gold["text"], item["id"]
            assert gold["label"] in LABELS
            value = parse_value(gold["value"])
            assert isinstance(value, DateValue) == (gold["label"] == "DATE"), item["id"]
            if isinstance(value, DateValue) and not value.resolved:
                assert Unresolved(value.unresolved), item["id"]  # gold names the reason class
            if isinstance(value, DateValue) and value.inferred:
                assert value.granularity is Granularity.DAY
            if isinstance(value, FigureValue) and value.unit == "x":
                assert gold["label"] == "QUANTITY"
            ends.append((gold["start"], gold["end"]))
        assert all(a[1] <= b[0] for a, b in zip(sorted(ends), sorted(ends)[1:])), f"{item['id']} spans overlap"


def test_the_halves_are_disjoint_stratified_and_large_enough():
    dev, test = items("dev"), items("test")
    assert not {i["text"] for i in dev} & {i["text"] for i in test}
    assert len({i["id"] for i in dev + test}) == len(dev + test)
    per_class = Counter(i["class"] for i in dev), Counter(i["class"] for i in test)
    assert set(per_class[0]) == set(per_class[1]) == CLASSES
    assert all(abs(per_class[0][c] - per_class[1][c]) <= 1 for c in CLASSES)
    expressions = sum(len(i["gold"]) for i in dev + test)  # figures and dates, in sentences and article heads
    metadata = sum(i["class"] == "metadata" for i in dev + test)
    assert expressions >= 400 and metadata >= 60


def test_the_benchmark_scores_both_halves_and_the_sample(capsys):
    import runpy

    module = runpy.run_path(str(Path(__file__).parents[1] / "benchmarks" / "suggestion_quality.py"))
    tallies, meta = module["evaluate"]("dev")
    assert set(tallies) == CLASSES and meta["date"]["items"] == sum(i["class"] == "metadata" for i in items("dev"))
    whole = module["total"](tallies)
    assert whole.gold == sum(len(i["gold"]) for i in items("dev")) and whole.found <= whole.gold
