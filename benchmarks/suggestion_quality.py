"""Precision and recall of the suggester on the sample documents, against the gold table.

A suggestion counts as correct only if its span, label and normalized value all
equal the gold item's. Gold items in a text's header (``date 2023-11-07`` before the
body) are left out: the header is metadata, which suggestions leave alone.
Run: python benchmarks/suggestion_quality.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from curator.analysis.suggest import suggest_project  # noqa: E402
from curator.domain.header import find_header  # noqa: E402
from curator.project import create_sample_project  # noqa: E402


def main() -> None:
    gold = json.loads((ROOT / "tests" / "data" / "sample_gold.json").read_text(encoding="utf-8"))["documents"]
    with tempfile.TemporaryDirectory() as folder:
        store, _ = create_sample_project(Path(folder) / "sample")
        suggest_project(store, "bench")
        tp, fp, fn = Counter(), Counter(), Counter()
        for uid, items in gold.items():
            doc = store.document_by_uid(uid)
            header = find_header(doc.text)
            want = {(i["start"], i["end"], i["label"], json.dumps(i["value"], sort_keys=True)) for i in items
                    if header is None or not header.overlaps(i["start"], i["end"])}
            got = {(s.start, s.end, s.label, json.dumps(s.value, sort_keys=True))
                   for s in store.suggestions_for(doc.id, "bench") if s.source != "entities"}
            for item in want & got:
                tp[item[2]] += 1
            for item in got - want:
                fp[item[2]] += 1
            for item in want - got:
                fn[item[2]] += 1
        store.close()
    print(f"{'label':<10}{'gold':>6}{'suggested':>11}{'correct':>9}{'precision':>11}{'recall':>8}")
    for label in sorted(set(tp) | set(fp) | set(fn)) + ["all"]:
        t = sum(tp.values()) if label == "all" else tp[label]
        f_p = sum(fp.values()) if label == "all" else fp[label]
        f_n = sum(fn.values()) if label == "all" else fn[label]
        precision = t / (t + f_p) if t + f_p else 1.0
        recall = t / (t + f_n) if t + f_n else 1.0
        print(f"{label:<10}{t + f_n:>6}{t + f_p:>11}{t:>9}{precision:>11.3f}{recall:>8.3f}")


if __name__ == "__main__":
    main()
