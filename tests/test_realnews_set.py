"""The real-news evaluation set (whole saved pages) is well-formed."""

import itertools
import json
from datetime import date
from pathlib import Path

import pytest

from curator.domain.values import DateValue, Unresolved, parse_value

SET = Path(__file__).parent / "data" / "realnews"
LABELS = {"MONEY", "PERCENT", "COUNT", "QUANTITY", "DATE"}
HALVES = [half for half in ("test", "tune") if (SET / f"{half}.jsonl").exists()]


def items(half: str) -> list[dict]:
    return [json.loads(line) for line in (SET / f"{half}.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]


@pytest.mark.parametrize("half", HALVES)
def test_every_article_and_its_gold_are_well_formed(half):
    for item in items(half):
        text = (SET / half / item["file"]).read_text(encoding="utf-8")
        meta = item["metadata"]
        assert meta["title"] and meta["title"] in text, item["file"]
        assert meta["published"] is None or date.fromisoformat(meta["published"])
        assert (meta["published"] is None) == (meta["published_stated"] is None), item["file"]
        assert meta["published_stated"] in (None, "full", "yearless")
        assert meta["source"] is None or all(name.strip() == name != "" for name in meta["source"])
        spans = []
        for gold in item["gold"]:
            assert text[gold["start"] : gold["end"]] == gold["text"], (item["file"], gold["text"])
            assert gold["label"] in LABELS
            value = parse_value(gold["value"])
            assert isinstance(value, DateValue) == (gold["label"] == "DATE"), (item["file"], gold["text"])
            if isinstance(value, DateValue) and not value.resolved:
                assert Unresolved(value.unresolved)
            spans.append((gold["start"], gold["end"]))
        spans.sort()
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), f"{item['file']}: spans overlap"


@pytest.mark.parametrize("half", HALVES)
def test_each_half_has_many_outlets_and_figures(half):
    articles = items(half)
    outlets = {item["layout"].split(" (")[0] for item in articles}
    assert len(outlets) >= 8, outlets
    assert sum(len(item["gold"]) for item in articles) >= 200
    assert any(item["metadata"]["published_stated"] == "yearless" for item in articles)
    assert any(item["metadata"]["published"] is None for item in articles)


def test_the_halves_share_no_article():
    if len(HALVES) < 2:
        pytest.skip("one half only")
    texts = [{(SET / half / item["file"]).read_text(encoding="utf-8") for item in items(half)} for half in HALVES]
    assert not texts[0] & texts[1]


def test_the_benchmark_scores_pages_imported_with_no_metadata_and_the_test_half_meets_its_targets():
    """The issue's bar on the test half: value accuracy, recall and precision at least
    0.95; the date found for at least 90% of the pages that state one, none wrong; the
    title for at least 90%. A drop below fails here by name."""
    import runpy

    module = runpy.run_path(str(Path(__file__).parents[1] / "benchmarks" / "suggestion_quality.py"))
    tallies, meta, _misses = module["evaluate_pages"]("test")
    whole = module["total"](tallies).figures()
    assert whole["gold"] == sum(len(item["gold"]) for item in items("test"))
    assert min(whole["value_accuracy"], whole["recall"], whole["precision"]) >= 0.95, whole
    assert meta["date_right"] >= 0.9 * meta["date_stated"] and meta["date_wrong"] == 0, meta
    assert meta["title_right"] >= 0.9 * meta["pages"], meta
    rows = module["side_by_side"](module["evaluate"]("test")[0], tallies)
    assert any(row.startswith("figure.per_unit") for row in rows) and rows[-1].startswith("all")
