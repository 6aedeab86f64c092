"""The label-edits benchmark's own parts at a tiny size, so that it does not rot between
the runs that use it: the project it makes, and each step run in this process, every
undo giving back the label's rows as they were. No figure here is a goal."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import label_edits  # noqa: E402


def test_the_benchmark_makes_its_project_and_every_undo_gives_the_label_back(tmp_path):
    target = tmp_path / "project"
    label_edits.make_project(target, suggestions=130, spans=110)
    original = label_edits.fingerprint(target, label_edits.LABEL)
    assert original[:2] == (110, 130)
    rows = []
    for name, what in label_edits.STEPS:
        result = label_edits.step(target, what)
        assert result["seconds"] > 0 and result["entry_bytes"] > 0
        if what == "undo":
            assert label_edits.fingerprint(target, label_edits.LABEL) == original, name
            result["restored"] = True
        rows.append({"step": name, "suggestions": 130, "spans": 110, **result})
    assert label_edits.fingerprint(target, label_edits.NEW_NAME)[:2] == (0, 0)
    printed = label_edits.report(rows)
    assert "undo the merge" in printed and "NO" not in printed
