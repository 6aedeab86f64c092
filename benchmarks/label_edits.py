"""Label edits at scale: deleting, renaming and merging a label that has many suggestions
(learned and imported pre-annotations, open, accepted and rejected) and many spans, and
undoing and redoing them, each as the user does it (one recorded command of the history).

    python benchmarks/label_edits.py                               # 100,000 suggestions and spans
    python benchmarks/label_edits.py --suggestions 10000 --spans 10000

The project is made with the store's bulk methods: documents of 100 spans (50 places,
two annotators), every span of label ORG, and a tenth of them also marked INITIATIVE at
the same bounds (the twins a merge of ORG into INITIATIVE joins); the suggestions lie on
the same places, a third open, a third accepted (each on its span), a third rejected,
half learned with a confidence and half imported from a model's file, with INITIATIVE
twins likewise. Each step runs in a process of its own on the project (the history is
kept with it, as ``curator undo`` finds it), so that its memory is its own: seconds from
the step's start to its commit, and the process's peak PSS (``memory.py``) beside what
it held before the step (the store open, the modules loaded). The size of the history
entry each step wrote is read back, with the time a window takes to read its Undo and
Redo menu items after it, and after every undo the label's spans and suggestions are
compared, row by row, with those before the edit.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from memory import PeakSampler, tree_pss  # noqa: E402
from tables import megabytes, seconds, size_in_bytes, table  # noqa: E402

LABEL, TWIN, NEW_NAME = "ORG", "INITIATIVE", "COMPANY"
PLACES, ANNOTATORS = 50, ("anna", "ben")
WORD = "Ministry, "  # ten characters: one place of a document's text
GOAL_SECONDS, GOAL_MB = 2.0, 300.0  # per step, at 100,000 suggestions and spans
STEPS = (  # (what the step does, the command it runs)
    ("delete the label", "delete"), ("undo the delete", "undo"), ("redo the delete", "redo"),
    ("undo it again", "undo"), ("rename the label", "rename"), ("undo the rename", "undo"),
    ("merge it into another", "merge"), ("undo the merge", "undo"),
)


def _place(index: int) -> tuple[int, str, int]:
    """The document number (from 0), annotator and place of the ``index``th span or suggestion."""
    per_document = PLACES * len(ANNOTATORS)
    within = index % per_document
    return index // per_document, ANNOTATORS[within % len(ANNOTATORS)], within // len(ANNOTATORS)


def make_project(target: Path, suggestions: int, spans: int) -> None:
    """The project described above, written in batches of 10,000 (memory stays flat)."""
    from curator.domain.models import Suggestion, SuggestionStatus, new_id, utc_now
    from curator.store import Store

    documents = -(-max(suggestions, spans, 1) // (PLACES * len(ANNOTATORS)))
    store = Store.create(target)
    try:
        text = WORD * PLACES
        ids = store.add_document_rows([{"uid": f"doc-{number:07d}", "title": f"Article {number}", "source": "bench",
                                        "url": None, "published": None, "text": text, "origin": None, "extra": {}}
                                       for number in range(documents)])
        span_ids: dict[int, str] = {}
        now = utc_now()
        for first in range(0, spans, 10_000):
            rows = []
            for index in range(first, min(spans, first + 10_000)):
                number, annotator, place = _place(index)
                labels = (LABEL, TWIN) if index % 10 == 0 else (LABEL,)
                for label in labels:
                    span_id = new_id()
                    if label == LABEL:
                        span_ids[index] = span_id
                    rows.append({"id": span_id, "doc_id": ids[number], "start": place * len(WORD),
                                 "end": place * len(WORD) + 8, "label": label, "annotator": annotator,
                                 "created": now, "updated": now, "value": None, "entity_id": None})
            store.add_annotation_rows(rows)
        statuses = (SuggestionStatus.OPEN, SuggestionStatus.ACCEPTED, SuggestionStatus.REJECTED)
        for first in range(0, suggestions, 10_000):
            batch = []
            for index in range(first, min(suggestions, first + 10_000)):
                number, annotator, place = _place(index)
                status = statuses[index % 3]
                learned = index % 2 == 0
                for label in (LABEL, TWIN) if index % 10 == 0 else (LABEL,):
                    batch.append(Suggestion(
                        doc_id=ids[number], start=place * len(WORD), end=place * len(WORD) + 8, label=label,
                        annotator=annotator, source="learned" if learned else "jsonl:newsmodel", status=status,
                        annotation_id=span_ids.get(index) if status is SuggestionStatus.ACCEPTED else None,
                        confidence=round(0.5 + (index % 50) / 100, 2) if learned else None))
            store.add_suggestions(batch)
    finally:
        store.close()


def fingerprint(target: Path, label: str) -> tuple[int, int, str]:
    """The label's spans and suggestions, every column (but a span's time of change: a span
    relabelled and relabelled back was changed twice), as a count each and one digest."""
    import sqlalchemy as sa

    from curator.store import Store
    from curator.store.tables import annotations_table, suggestions_table

    digest = hashlib.sha256()
    counts = []
    with Store.open(target) as store, store._connect() as conn:
        for table_, order in ((annotations_table, annotations_table.c.id), (suggestions_table, suggestions_table.c.id)):
            columns = [column for column in table_.c if column.name != "updated"]
            rows = conn.execute(sa.select(*columns).where(table_.c.label == label).order_by(order)).all()
            counts.append(len(rows))
            for row in rows:
                digest.update(repr(tuple(row)).encode())
    return counts[0], counts[1], digest.hexdigest()


def step(target: Path, what: str) -> dict:
    """Run one step in this process: its seconds, the peak PSS and what was held before it."""
    import sqlalchemy as sa

    from curator.session import Session
    from curator.session import label_edits as edit
    from curator.store import Store
    from curator.store.tables import history_table

    with Store.open(target) as store:
        session = Session(store, "bench")
        session.undo_text  # noqa: B018 (the history's tables read once, as a window has)
        before = tree_pss(os.getpid())
        with PeakSampler(os.getpid(), interval=0.02) as sampler:
            start = time.perf_counter()
            if what == "delete":
                session.do(edit.remove_label(store, LABEL))
            elif what == "rename":
                session.do(edit.rename_label(store, LABEL, NEW_NAME))
            elif what == "merge":
                session.do(edit.merge_labels(store, LABEL, TWIN))
            elif what == "undo":
                if session.undo() is None:
                    raise RuntimeError("nothing to undo")
            elif what == "redo":
                if session.redo() is None:
                    raise RuntimeError("nothing to redo")
            took = time.perf_counter() - start
            sampler.sample()
        start = time.perf_counter()
        session.undo_text, session.redo_text, session.next_kind()  # noqa: B018 (what a window's menu reads after it)
        menu = time.perf_counter() - start
        h = history_table.c
        with store._connect() as conn:
            entry = conn.execute(sa.select(sa.func.length(sa.cast(h.undo, sa.Text)), sa.func.length(
                sa.cast(h.redo, sa.Text))).where(h.annotator == "bench").order_by(h.seq.desc()).limit(1)).one()
    return {"seconds": took, "peak_mb": sampler.peak, "before_mb": before, "entry_bytes": max(entry), "menu": menu}


def run_step(target: Path, what: str) -> dict:
    """``step`` in a process of its own."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, __file__, "--step", what, "--project", str(target)], env=env,
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(folder: Path, suggestions: int, spans: int) -> list[dict]:
    target = folder / f"project-{suggestions}-{spans}"
    start = time.perf_counter()
    make_project(target, suggestions, spans)
    print(f"{suggestions:,} suggestions and {spans:,} spans on {LABEL} (and a tenth of each on {TWIN}): made in "
          f"{seconds(time.perf_counter() - start)}", flush=True)
    original = fingerprint(target, LABEL)
    rows = []
    for name, what in STEPS:
        result = run_step(target, what)
        if what == "undo":
            now = fingerprint(target, LABEL)
            result["restored"] = now == original
            if now != original:
                print(f"  {name}: NOT restored: {now[:2]} against {original[:2]}", flush=True)
        rows.append({"step": name, "suggestions": suggestions, "spans": spans, **result})
        print(f"  {name:<24} {seconds(result['seconds']):>9}  peak {megabytes(result['peak_mb'])} "
              f"(held {megabytes(result['before_mb'])} before)  entry {size_in_bytes(result['entry_bytes'])}",
              flush=True)
    return rows


def report(rows: list[dict]) -> str:
    printed = []
    for row in rows:
        large = max(row["suggestions"], row["spans"]) >= 100_000
        grew = row["peak_mb"] - row["before_mb"]
        verdict = "-" if not large else "met" if row["seconds"] < GOAL_SECONDS and grew < GOAL_MB else "missed"
        printed.append([row["step"], f"{row['suggestions']:,}", f"{row['spans']:,}", seconds(row["seconds"]),
                        megabytes(row["peak_mb"]), megabytes(grew), size_in_bytes(row["entry_bytes"]),
                        seconds(row["menu"]),
                        {True: "yes", False: "NO"}.get(row.get("restored"), "-"), verdict])
    return table(["step", "suggestions", "spans", "time", "peak PSS", "of it, the step's", "history entry",
                  "undo and redo menu read", "every row back", f"< {GOAL_SECONDS:g} s and < {GOAL_MB:g} MB (at 100,000)"], printed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suggestions", type=int, nargs="+", default=[100_000],
                        help="suggestions on the label, one project per size (paired with --spans)")
    parser.add_argument("--spans", type=int, nargs="+", default=[100_000], help="spans of the label")
    parser.add_argument("--json", type=Path, help="also write every measured figure here")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--project", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step(args.project, args.step)))
        return
    if len(args.suggestions) != len(args.spans):
        parser.error("give as many --spans as --suggestions")
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()}; load average {os.getloadavg()[0]:.1f}; {time.strftime('%Y-%m-%d %H:%M')}",
          flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="curator-label-edits-") as tmp:
        for suggestions, spans in zip(args.suggestions, args.spans, strict=True):
            rows += measure(Path(tmp), suggestions, spans)
    print()
    print(report(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
