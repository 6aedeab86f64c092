"""Runs every benchmark row and prints the figures beside the targets.

    python benchmarks/run.py                # full size: 100,000 articles, 1,000,000 annotations
    python benchmarks/run.py --docs 5000    # a quick run

GUI rows are timed on the offscreen platform. Each row also times the obvious
alternative where there is one, and prints the ratio.
"""

from __future__ import annotations

import argparse
import gc
import os
import pickle
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from curator.domain.models import Annotation, Project  # noqa: E402
from curator.store import Store  # noqa: E402

ROWS: list[tuple[str, str, str, str]] = []


def row(operation: str, figure: str, target: str, comparison: str = "") -> None:
    ROWS.append((operation, figure, target, comparison))
    print(f"{operation:<58} {figure:>16}   target {target:<22} {comparison}", flush=True)


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


# Imports and JSON exports are timed in a process of their own, as the app would run them
# and with that process's own peak memory, apart from the benchmark's state.
TIMED_SCRIPT = """
import re, resource, sys, time
from pathlib import Path
from curator.formats.export import export_json
from curator.formats.articles import import_files
from curator.store import Store
if __name__ == "__main__":
    operation, project, path = sys.argv[1:4]
    store = Store.create(project) if operation == "import" else Store.open(project)
    start = time.perf_counter()
    if operation == "import":
        count = len(import_files(store, [path]).added)
    elif path.endswith(".xlsx"):
        from curator.formats.excel import export_xlsx
        export_xlsx(store, path)
    else:
        export_json(store, path)
    elapsed = time.perf_counter() - start
    if operation != "import":
        count = store.document_count()
    status = Path("/proc/self/status")
    # Linux: this process's own high-water mark (ru_maxrss would count the benchmark's, which forked it).
    peak = (int(re.search(r"VmHWM:\\s+(\\d+)", status.read_text())[1]) if status.exists()
            else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    print(count, elapsed, peak / 1024)
"""


def timed_apart(operation: str, project: Path, path: Path) -> tuple[int, float, float]:
    """``import`` ``path`` into a new ``project`` or ``export`` it to ``path`` (JSON or Excel, by its suffix), in a
    new process: (documents imported or in the export, seconds, peak MB of that process)."""
    out = subprocess.run([sys.executable, "-c", TIMED_SCRIPT, operation, str(project), str(path)],
                         capture_output=True, text=True, cwd=ROOT, check=True).stdout.split()
    return int(out[0]), float(out[1]), float(out[2])


def bench_import(folder: Path, jsonl: Path) -> Path:
    project = folder / "project"
    count, seconds, megabytes = timed_apart("import", project, jsonl)
    row(f"import {count:,} articles from JSONL", f"{seconds:.1f} s, {megabytes:.0f} MB", "< 15 s, < 2 GB")
    return project


def add_annotations(store: Store, spans: dict, per_doc: int) -> int:
    ids = store.document_ids()
    uid_of = store.uids()
    batch: list[Annotation] = []
    total = 0
    for doc_id in ids:
        for start, end, label, value in spans[uid_of[doc_id]][:per_doc]:
            batch.append(Annotation(doc_id=doc_id, start=start, end=end, label=label, annotator="bench", value=value))
        if len(batch) >= 50_000:
            store.add_annotations(batch)
            total += len(batch)
            batch = []
    store.add_annotations(batch)
    return total + len(batch)


def bench_store(project: Path, spans: dict, per_doc: int) -> None:
    store = Store.open(project)
    count, seconds = timed(add_annotations, store, spans, per_doc)
    row(f"store {count:,} annotations (setup, one batch per 50k)", f"{seconds:.1f} s", "-")
    doc_id = store.document_ids()[len(store.document_ids()) // 2]
    text = store.get_document(doc_id).text
    times = []
    for start in random.sample(range(len(text) - 20), 500):  # distinct: the store holds a span once
        span = Annotation(doc_id=doc_id, start=start, end=start + 5, label="ORG", annotator="bench-edits")
        t = time.perf_counter()
        store.add_annotation(span)
        times.append(time.perf_counter() - t)
    times.sort()
    row("add a span, stored (500 edits, each its own transaction)",
        f"p99 {times[int(len(times) * 0.99) - 1] * 1000:.1f} ms", "< 10 ms at p99",
        f"median {times[len(times) // 2] * 1000:.1f} ms")
    store.close()


def window_start(project: Path, runs: int = 3) -> tuple[list[float], list[float]]:
    """Seconds from starting a new process until the window's list and first article are
    painted, and until that process has ended (what ``benchmarks/peers.py`` times: its
    ``WINDOW_SCRIPT``, which prints the wall-clock time once it has painted)."""
    from peers import WINDOW_SCRIPT

    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    painted, ended = [], []
    for _ in range(runs):
        wall, start = time.time(), time.perf_counter()
        out = subprocess.run([sys.executable, "-c", WINDOW_SCRIPT, str(project),
                              str(project / "bench-settings.json")],
                             env=env, cwd=ROOT, capture_output=True, text=True, check=True).stdout
        ended.append(time.perf_counter() - start)
        painted.append(float(out.split()[0]) - wall)
    return sorted(painted), sorted(ended)


def bench_gui(project: Path) -> None:
    from PySide6.QtWidgets import QApplication

    painted, ended = window_start(project)
    row("start the window: process start until list and article are painted",
        f"{painted[len(painted) // 2]:.2f} s", "<= 1.0 s",
        f"{len(painted)} runs: {painted[0]:.2f}-{painted[-1]:.2f} s; until the process ended: "
        f"{ended[len(ended) // 2]:.2f} s")

    from curator.project import Settings
    from ui.app import settle_heap
    from ui.windows.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    settings = Settings(project / "bench-settings.json")
    settings.annotator = "bench"
    start = time.perf_counter()
    store = Store.open(project)
    window = MainWindow(store, settings)
    window.show()
    app.processEvents()
    opened = time.perf_counter() - start
    settle_heap()  # as the application does once its window is up
    ids = store.document_ids()
    _, reload_all = timed(store.document_rows, ids, "bench")
    row(f"open a project of {len(ids):,} articles, window usable", f"{opened:.2f} s", "< 2 s",
        f"loading every list row instead: {reload_all:.1f} s")

    # A document with 1,000 annotations.
    doc_id = ids[len(ids) // 3]
    text = store.get_document(doc_id).text
    store.add_annotations([Annotation(doc_id=doc_id, start=s, end=s + 4, label="ORG", annotator="bench")
                           for s in random.Random(3).sample(range(len(text) - 5), 1000)])
    switches = []
    for _ in range(5):  # from an ordinary document to the big one, five times
        window.open_document(ids[0])
        app.processEvents()
        start = time.perf_counter()
        window.open_document(doc_id)
        app.processEvents()
        switches.append(time.perf_counter() - start)
    row("switch to a document with 1,000 annotations, shown",
        f"median {sorted(switches)[2] * 1000:.0f} ms", "< 50 ms", f"first {switches[0] * 1000:.0f} ms, "
        f"slowest {max(switches) * 1000:.0f} ms")

    model = window.documents
    frames = []
    rng = random.Random(5)
    for _ in range(50):  # jump-scrolls: each shows 30 rows somewhere in the list
        top = rng.randrange(0, max(1, model.rowCount() - 30))
        t = time.perf_counter()
        for r in range(top, top + 30):
            for c in range(model.columnCount()):
                model.index(r, c).data()
        frames.append(time.perf_counter() - t)
    _, sort_time = timed(model.sort, 0)
    _, filter_time = timed(model.set_search, "trade")
    _, clear_time = timed(model.set_search, "")
    row("scroll / sort / filter the document list",
        f"{max(frames) * 1000:.0f} / {sort_time * 1000:.0f} / {filter_time * 1000:.0f} ms", "no frame over 100 ms",
        f"rows read: {model.rows_fetched:,} of {model.rowCount():,}")
    window.close()
    store.close()


def bench_duplicates(project: Path, planted: list[tuple[str, str]]) -> None:
    from curator.analysis.near_duplicates import find_near_duplicates

    store = Store.open(project)
    pairs, seconds = timed(find_near_duplicates, store, 0.5)
    uid = store.uids()
    found = {tuple(sorted((uid[p.a], uid[p.b]))) for p in pairs}
    recall = sum(1 for pair in planted if tuple(sorted(pair)) in found) / max(1, len(planted))
    # The obvious alternative: every pair with rapidfuzz, timed on 1,000 articles and scaled quadratically.
    from rapidfuzz import fuzz

    texts = [d.text for _, d in zip(range(1000), store.iter_documents())]
    start = time.perf_counter()
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            fuzz.ratio(texts[i], texts[j], score_cutoff=80)
    sample = time.perf_counter() - start
    n = len(uid)
    all_pairs = sample * (n * (n - 1) / 2) / (len(texts) * (len(texts) - 1) / 2)
    row(f"near-duplicate search over {n:,} articles", f"{seconds:.1f} s, recall {recall:.3f}",
        "< 60 s", f"all pairs (rapidfuzz): ~{all_pairs / 3600:.1f} h, {all_pairs / seconds:,.0f}x")
    store.close()


def bench_export(project: Path, folder: Path) -> None:
    from curator.formats.excel import ANNOTATION_COLUMNS

    store = Store.open(project)
    annotations = store.annotation_count()
    _, json_seconds, _ = timed_apart("export", project, folder / "out.json")
    row(f"export {annotations:,} annotations to JSON", f"{json_seconds:.1f} s", "< 5 s")
    _, xlsx_seconds, xlsx_megabytes = timed_apart("export", project, folder / "out.xlsx")
    # The writer Curator used before, XlsxWriter (a test dependency now), on the
    # documents and the annotations' first columns, the rest left empty.
    try:
        import xlsxwriter
    except ImportError:
        row(f"export {annotations:,} annotations to Excel", f"{xlsx_seconds:.1f} s, {xlsx_megabytes:.0f} MB",
            "<= 25 s", "XlsxWriter not installed")
        store.close()
        return
    start = time.perf_counter()
    book = xlsxwriter.Workbook(str(folder / "bare.xlsx"), {"constant_memory": True})
    docs_sheet = book.add_worksheet("documents")
    spans_sheet = book.add_worksheet("annotations")
    doc_row = span_row = 0
    for document, spans in store.iter_documents_with_annotations():
        doc_row += 1
        docs_sheet.write_row(doc_row, 0, [document.uid, document.title or "", document.source or "", "",
                                          str(document.published or ""), "todo", len(spans), document.text[:32767]])
        for span in spans:
            span_row += 1
            spans_sheet.write_row(span_row, 0, [document.uid, span.id, span.start, span.end,
                                                document.text[span.start:span.end], span.label, span.annotator]
                                  + [""] * (len(ANNOTATION_COLUMNS) - 7))
    book.close()
    bare = time.perf_counter() - start
    row(f"export {annotations:,} annotations to Excel", f"{xlsx_seconds:.1f} s, {xlsx_megabytes:.0f} MB", "<= 25 s",
        f"XlsxWriter, fewer cells: {bare:.1f} s ({bare / xlsx_seconds:.1f}x)")
    store.close()


def bench_agreement(folder: Path, documents: int, per_doc: int) -> None:
    from corpus import article

    from curator.analysis.agreement import compute_agreement
    from curator.domain.models import Document

    store = Store.create(folder / "agreement", Project(name="agreement"))
    rng = random.Random(9)
    docs, layers = [], []
    for i in range(documents):
        text, spans = article(rng, 300)
        docs.append(Document(uid=f"a{i}", text=text))
        layers.append(spans)
    ids = store.add_documents(docs)
    batch = []
    for doc_id, spans in zip(ids, layers):
        for annotator in ("ann", "bob", "cat"):
            for start, end, label, _value in spans[:per_doc]:
                if rng.random() < 0.9:
                    batch.append(Annotation(doc_id=doc_id, start=start, end=end, annotator=annotator,
                                            label=label if rng.random() < 0.95 else "ORG"))
    store.add_annotations(batch)
    report, seconds = timed(compute_agreement, store)
    row(f"agreement, 3 annotators over {documents:,} documents ({len(batch):,} spans)", f"{seconds:.1f} s", "< 2 s",
        f"alpha {report.overall['alpha']:.3f}")
    store.close()


def median_of(values) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def bench_compare(folder: Path, jsonl: Path, spans: dict, per_doc: int, documents: int = 20_000) -> None:
    """Import, serve and export at the size the peers are measured at (``benchmarks/peers.py``
    runs them beside Label Studio and doccano; no peer figure is quoted here)."""
    part = folder / "compare.jsonl"
    with jsonl.open(encoding="utf-8") as source, part.open("w", encoding="utf-8") as out:
        for _, line in zip(range(documents), source):
            out.write(line)
    os.sync()
    # Each timed three times, each time in a new process (into a new project): the median.
    runs = [timed_apart("import", folder / f"compare-{run}", part) for run in range(3)]
    count, seconds = runs[0][0], median_of(run[1] for run in runs)
    row(f"import {count:,} articles (median of 3)", f"{seconds:.2f} s", "see peers.py")
    store = Store.open(folder / "compare-0")
    add_annotations(store, spans, per_doc)
    ids = store.document_ids()
    times = []
    for doc_id in random.Random(11).sample(ids, 200):
        start = time.perf_counter()
        store.get_document(doc_id)
        store.annotations_for(doc_id)
        times.append(time.perf_counter() - start)
    serve = median_of(times)
    row(f"serve one of {count:,} documents with its spans (median of 200)", f"{serve * 1000:.1f} ms", "see peers.py")
    seconds = median_of(timed_apart("export", folder / "compare-0", folder / "compare.json")[1] for _ in range(3))
    row(f"export {count:,} articles and {store.annotation_count():,} spans to JSON (median of 3)",
        f"{seconds:.2f} s", "see peers.py")
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--per-doc", type=int, default=10, help="annotations per article (10 gives 1,000,000)")
    parser.add_argument("--agreement-docs", type=int, default=10_000)
    parser.add_argument("--skip", nargs="*", default=[],
                        help="rows to skip: compare gui duplicates export agreement")
    args = parser.parse_args()
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, {platform.system()} {platform.release()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        jsonl = folder / "corpus.jsonl"
        # Made by a process of its own, which holds gigabytes while it writes; this one
        # keeps only the spans it stores (and every timed row runs on a quieter machine).
        start = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "corpus.py"), str(jsonl), str(args.docs),
                        str(folder / "spans.pickle"), str(args.per_doc)], check=True)
        seconds = time.perf_counter() - start
        with (folder / "spans.pickle").open("rb") as source:
            planted, spans = pickle.load(source)
        print(f"generated {args.docs:,} articles ({jsonl.stat().st_size / 1e6:.0f} MB, {len(planted)} planted "
              f"near-duplicates) in {seconds:.0f} s")
        # The spans live to the end: keep them out of the garbage collector's full passes,
        # which would otherwise slow every timed row.
        gc.collect()
        gc.freeze()
        # The new corpus on disk first: the imports' commits wait for the disk, and would
        # otherwise wait for these 400 MB too (an imported file has long been written).
        os.sync()
        if "compare" not in args.skip and args.docs >= 20_000:  # the size peers.py measures the others at
            bench_compare(folder, jsonl, spans, args.per_doc)
        project = bench_import(folder, jsonl)
        bench_store(project, spans, args.per_doc)
        if "gui" not in args.skip:
            bench_gui(project)
        if "duplicates" not in args.skip:
            bench_duplicates(project, planted)
        if "export" not in args.skip:
            bench_export(project, folder)
        if "agreement" not in args.skip:
            bench_agreement(folder, args.agreement_docs, args.per_doc)
    print(f"peak memory of the benchmark process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
