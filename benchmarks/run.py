"""Runs every benchmark row and prints the figures beside the targets.

    python benchmarks/run.py                                  # 100,000 articles, ten spans each
    python benchmarks/run.py --docs 5000                      # a quick run
    python benchmarks/run.py --sizes 10000 100000 1000000     # one table per size, and how each row grows

With ``--sizes``, every row is measured at each size in turn (each size in a folder of
its own, removed before the next starts), a table is printed per size, then each row's
growth exponent between the two largest sizes (flagged where a row grows faster than
n log n), and the result is written as JSON (``--json``, default ``docs/scaling.json``)
with a log-log plot of time and peak memory against size (``--plot``, default
``docs/scaling.png``; it needs matplotlib: ``pip install -e '.[bench]'``). The JSON is
written after every size, so a stopped run keeps what it measured. A million articles
is about 4 GB of JSONL; the free disk space is checked before each size
(``--workdir`` chooses where the corpora go).

The corpus is made by a process of its own and streamed to disk. Imports, exports, the
near-duplicate search and agreement each run in a process of their own, as the app
runs them: their seconds are taken inside it, around the work, and their peak memory is
the proportional set size (PSS) of that process and any workers it starts, summed and
sampled (``benchmarks/memory.py``). The window's start is timed from process start; the
other GUI rows run on the offscreen platform in the benchmark's own process. Agreement
is measured over a tenth of the articles (100,000 documents at a million), three
annotators each.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import read_planted, read_spans  # noqa: E402
from memory import METHOD, PeakSampler  # noqa: E402
from scaling import (  # noqa: E402
    Row,
    check_disk,
    growth,
    growth_table,
    plot,
    size_table,
    write_result,
)
from tables import megabytes, seconds  # noqa: E402

from curator.domain.models import Annotation, Project  # noqa: E402
from curator.store import Store  # noqa: E402

SAMPLE_INTERVAL = 0.1
ALL_PAIRS_SAMPLE = 300  # articles the all-pairs comparison is timed on, then scaled quadratically
XLSXWRITER_UP_TO = 100_000  # the XlsxWriter comparison takes about two minutes a million spans


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def median_of(values) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def say(row: Row) -> Row:
    print(f"{row.title:<70} {row.figure:>24}   {row.comparison}", flush=True)
    return row


# Work timed in a process of its own, as the app would run it, with that process's own
# peak memory, apart from the benchmark's state. The seconds are taken around the work
# (its modules are loaded before); prints one JSON line.
TIMED_SCRIPT = """
import json, re, sys, time
from pathlib import Path
from curator.store import Store
if __name__ == "__main__":
    operation, project, path = sys.argv[1:4]
    extra = {}
    if operation == "import":
        from curator.formats.articles import import_files
        store = Store.create(project)
    else:
        store = Store.open(project)
    if operation == "duplicates":
        from curator.analysis.near_duplicates import find_near_duplicates
    elif operation == "agreement":
        from curator.analysis.agreement import compute_agreement
    elif operation == "export" and path.endswith(".xlsx"):
        from curator.formats.excel import export_xlsx
    elif operation == "export":
        from curator.formats.export import export_json
    start = time.perf_counter()
    if operation == "import":
        count = len(import_files(store, [path]).added)
    elif operation == "duplicates":
        pairs = find_near_duplicates(store, 0.5)
        count = len(pairs)
    elif operation == "agreement":
        report = compute_agreement(store)
        count, extra["alpha"] = store.annotation_count(), report.overall["alpha"]
    elif path.endswith(".xlsx"):
        export_xlsx(store, path)
    else:
        export_json(store, path)
    elapsed = time.perf_counter() - start
    if operation == "export":
        count = store.document_count()
    if operation == "duplicates":  # the pairs by uid, for the recall of the planted ones
        uid = store.uids()
        Path(path).write_text(json.dumps([sorted((uid[p.a], uid[p.b])) for p in pairs]))
    status = Path("/proc/self/status")
    # Linux: this process's own high-water mark of resident memory, exact where PSS is sampled.
    hwm = int(re.search(r"VmHWM:\\s+(\\d+)", status.read_text())[1]) / 1024 if status.exists() else None
    print(json.dumps({"count": count, "seconds": elapsed, "vmhwm_mb": hwm, **extra}))
"""


def timed_apart(operation: str, project: Path, path: Path) -> dict:
    """``import`` ``path`` into a new ``project``, ``export`` it to ``path`` (JSON or Excel,
    by its suffix), find its ``duplicates`` (pairs written to ``path``) or its
    ``agreement``, in a new process: its JSON line, with ``pss_mb``, the sampled peak PSS
    of that process and its workers."""
    process = subprocess.Popen([sys.executable, "-c", TIMED_SCRIPT, operation, str(project), str(path)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                               start_new_session=True)
    try:
        with PeakSampler(process.pid, interval=SAMPLE_INTERVAL) as sampler:
            out, err = process.communicate()
    except BaseException:  # stopped (Ctrl+C, SIGTERM): the work and its workers stop too, before their folder goes
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise
    if process.returncode:
        raise RuntimeError(f"{operation} of {project} failed: {err[-2000:]}")
    return {**json.loads(out.strip().splitlines()[-1]), "pss_mb": sampler.peak, "pss_file_mb": sampler.peak_file}


def memory_figure(measured: dict) -> str:
    hwm, mapped = measured.get("vmhwm_mb"), measured.get("pss_file_mb") or 0
    # The export's workers read the project through SQLite's memory map: its pages, the
    # system's file cache, count in their PSS as they are read (at 100,000 articles, 750 of
    # 900 MB), though nothing was allocated for them.
    return (f"{megabytes(measured['pss_mb'])}" + (f", of it {megabytes(mapped)} the project's file mapped"
                                                   if mapped >= 50 else "")
            + (f" (main process VmHWM {megabytes(hwm)})" if hwm else ""))


# -- the rows -------------------------------------------------------------------------------


def bench_import(folder: Path, jsonl: Path) -> tuple[Path, Row]:
    project = folder / "project"
    measured = timed_apart("import", project, jsonl)
    row = Row("import", f"import {measured['count']:,} articles from JSONL", measured["seconds"],
              f"{seconds(measured['seconds'])}, {megabytes(measured['pss_mb'])}", measured["pss_mb"],
              comparison=f"peak: {memory_figure(measured)}")
    return project, say(row)


def add_annotations(store: Store, spans_path: Path, per_doc: int) -> int:
    """Store each article's first ``per_doc`` spans (from the corpus's spans file, read a
    line at a time), 50,000 to a transaction."""
    id_of = {uid: doc_id for doc_id, uid in store.uids().items()}
    batch: list[Annotation] = []
    total = 0
    for uid, spans in read_spans(spans_path):
        doc_id = id_of.get(uid)
        if doc_id is None:
            continue
        for start, end, label, value in spans[:per_doc]:
            batch.append(Annotation(doc_id=doc_id, start=start, end=end, label=label, annotator="bench", value=value))
        if len(batch) >= 50_000:
            store.add_annotations(batch)
            total += len(batch)
            batch = []
    store.add_annotations(batch)
    return total + len(batch)


def bench_store(project: Path, spans_path: Path, per_doc: int) -> list[Row]:
    store = Store.open(project)
    count, took = timed(add_annotations, store, spans_path, per_doc)
    rows = [say(Row("store", f"store {count:,} annotations (setup, 50,000 a transaction)", took, seconds(took)))]
    doc_id = store.document_ids()[len(store.document_ids()) // 2]
    text = store.get_document(doc_id).text
    times = []
    for start in random.sample(range(len(text) - 20), 500):  # distinct: the store holds a span once
        span = Annotation(doc_id=doc_id, start=start, end=start + 5, label="ORG", annotator="bench-edits")
        t = time.perf_counter()
        store.add_annotation(span)
        times.append(time.perf_counter() - t)
    times.sort()
    p99 = times[int(len(times) * 0.99) - 1]
    rows.append(say(Row("edit", "add a span, stored (500 edits, each its own transaction)", p99,
                        f"p99 {seconds(p99)}", comparison=f"median {seconds(times[len(times) // 2])}")))
    store.close()
    return rows


def window_start(project: Path, runs: int = 3) -> tuple[list[float], list[float]]:
    """Seconds from starting a new process until the window's list and first article are
    painted, and until that process has ended (what ``benchmarks/peers.py`` times: its
    ``WINDOW_SCRIPT``, which prints the wall-clock time once it has painted)."""
    from timed_scripts import WINDOW_SCRIPT

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


def filtered(app, window, text: str) -> tuple[float, float]:
    """Type ``text`` into the window's search box as one edit: the worst gap between the
    ticks of a 10 ms timer on the GUI thread until the filtered rows are shown (what the
    user feels as a stuck window; a large project's search is read on a worker thread),
    and the seconds until they are shown."""
    return until_listed(app, window, lambda: window.search.setText(text))


def changed_elsewhere(app, window, project: Path) -> tuple[float, float]:
    """With a filter on, another app adds an article that matches it and takes it out
    again: the worst frame of the window (as ``filtered``) while it hears of each and
    counts the list again. The project is left as it was (the article had the last id)."""
    from curator.domain.models import Document

    elsewhere = Store.open(project)
    [doc_id] = elsewhere.add_documents([Document(uid="bench-elsewhere", text="Trade news from elsewhere.",
                                                 title="Trade news from elsewhere")])
    added = until_listed(app, window, window.poll_changes)
    elsewhere.take_out_documents([(doc_id, doc_id)], keep=False)

    def until_gone() -> None:  # (a large project finds which went on a thread: told at a later poll)
        from PySide6.QtCore import QEventLoop

        window.poll_changes()
        deadline = time.perf_counter() + 60
        while window.documents.row_of(doc_id) is not None and time.perf_counter() < deadline:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            window.poll_changes()

    removed = until_listed(app, window, until_gone)
    elsewhere.close()
    return max(added[0], removed[0]), max(added[1], removed[1])


def until_listed(app, window, act) -> tuple[float, float]:
    """``act()``, then the worst gap between the ticks of a 10 ms timer on the GUI thread
    until the list's rows are shown, and the seconds until then."""
    from PySide6.QtCore import QEventLoop, QTimer

    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    app.processEvents()
    start = time.perf_counter()
    ticks.append(start)
    act()
    while window.documents.filtering:
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    app.processEvents()  # the rows painted
    shown = time.perf_counter() - start
    ticks.append(time.perf_counter())
    timer.stop()
    return max(later - earlier for earlier, later in zip(ticks, ticks[1:])), shown


def bench_gui(project: Path) -> list[Row]:
    from PySide6.QtWidgets import QApplication

    painted, ended = window_start(project)
    rows = [say(Row("window", "start the window: process start until list and article are painted",
                    median_of(painted), seconds(median_of(painted)),
                    comparison=f"{len(painted)} runs: {seconds(painted[0])}-{seconds(painted[-1])}; until the "
                               f"process ended: {seconds(median_of(ended))}"))]

    from curator.store.user_settings import Settings
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
    rows.append(say(Row("open", f"open a project of {len(ids):,} articles, window usable (in process)", opened,
                        seconds(opened), comparison=f"loading every list row instead: {seconds(reload_all)}")))

    # A document with 1,000 annotations.
    doc_id = ids[len(ids) // 3]
    text = store.get_document(doc_id).text
    # Away from the spans it has: a generated ORG of four letters may start where one of these would.
    taken = {span.start for span in store.annotations_for(doc_id, "bench")}
    starts = [s for s in range(len(text) - 5) if s not in taken]
    store.add_annotations([Annotation(doc_id=doc_id, start=s, end=s + 4, label="ORG", annotator="bench")
                           for s in random.Random(3).sample(starts, 1000)])
    switches = []
    for _ in range(5):  # from an ordinary document to the big one, five times
        window.open_document(ids[0])
        app.processEvents()
        start = time.perf_counter()
        window.open_document(doc_id)
        app.processEvents()
        switches.append(time.perf_counter() - start)
    rows.append(say(Row("switch", "switch to a document with 1,000 annotations, shown", median_of(switches),
                        f"median {seconds(median_of(switches))}",
                        comparison=f"first {seconds(switches[0])}, slowest {seconds(max(switches))}")))

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
    status = [name for name, _title in model.COLUMNS].index("status")  # every id at once: on a worker
    status_frame, status_shown = until_listed(app, window, lambda: model.sort(status))
    # By title, the open document (a third of the way down by id) kept selected: its place is
    # counted through the title's index, on a worker thread.
    sort_frame, sort_shown = until_listed(app, window, lambda: model.sort(0))
    assert model.doc_id(window.document_table.currentIndex().row()) == doc_id, "the open document unselected"
    filter_frame, filter_shown = filtered(app, window, "trade")
    change_frame, change_shown = changed_elsewhere(app, window, project)
    clear_frame, clear_shown = until_listed(app, window, lambda: window.search.setText(""))  # (still by title)
    worst = max(max(frames), sort_frame, status_frame, filter_frame, change_frame, clear_frame)
    rows.append(say(Row("list", "filter / sort / scroll the document list: the worst frame", worst, seconds(worst),
                        comparison=f"scroll {seconds(max(frames))} / sort by title: worst frame {seconds(sort_frame)}, rows "
                                   f"shown after {seconds(sort_shown)} / sort by status: "
                                   f"worst frame {seconds(status_frame)}, rows shown after {seconds(status_shown)} "
                                   f"/ filter: worst "
                                   f"frame {seconds(filter_frame)} / rows shown after {seconds(filter_shown)} / "
                                   f"an article added and taken out elsewhere, filtered: worst frame "
                                   f"{seconds(change_frame)}, rows shown after {seconds(change_shown)} / "
                                   f"clear: worst frame {seconds(clear_frame)}, rows shown after "
                                   f"{seconds(clear_shown)}; rows read: "
                                   f"{model.rows_fetched:,} of {model.rowCount():,}")))
    window.close()
    store.close()
    return rows


def bench_duplicates(project: Path, planted: list[tuple[str, str]], folder: Path) -> Row:
    measured = timed_apart("duplicates", project, folder / "pairs.json")
    found = {tuple(pair) for pair in json.loads((folder / "pairs.json").read_text())}
    recall = sum(1 for pair in planted if tuple(sorted(pair)) in found) / max(1, len(planted))
    # The obvious alternative: every pair with rapidfuzz, timed on a sample and scaled quadratically.
    from rapidfuzz import fuzz

    store = Store.open(project)
    n = store.document_count()
    texts = [d.text for _, d in zip(range(ALL_PAIRS_SAMPLE), store.iter_documents())]
    store.close()
    start = time.perf_counter()
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            fuzz.ratio(texts[i], texts[j], score_cutoff=80)
    sample = time.perf_counter() - start
    all_pairs = sample * (n * (n - 1) / 2) / (len(texts) * (len(texts) - 1) / 2)
    return say(Row("duplicates", f"near-duplicate search over {n:,} articles ({len(planted):,} planted pairs)",
                   measured["seconds"], f"{seconds(measured['seconds'])}, recall {recall:.3f}", measured["pss_mb"],
                   comparison=f"{measured['count']:,} pairs; peak {memory_figure(measured)}; all pairs "
                              f"(rapidfuzz, timed on {len(texts)}): ~{all_pairs / 3600:,.1f} h",
                   extra={"recall": recall, "pairs": measured["count"]}))


def bench_export(project: Path, folder: Path, xlsx: bool = True) -> list[Row]:
    store = Store.open(project)
    annotations = store.annotation_count()
    documents = store.document_count()
    store.close()
    target = folder / "out.json"
    measured = timed_apart("export", project, target)
    rows = [say(Row("export json", f"export {documents:,} articles and {annotations:,} annotations to JSON",
                    measured["seconds"], seconds(measured["seconds"]), measured["pss_mb"],
                    comparison=f"{target.stat().st_size / 1e6:,.0f} MB written; peak {memory_figure(measured)}"))]
    target.unlink()
    if not xlsx:
        return rows
    target = folder / "out.xlsx"
    measured = timed_apart("export", project, target)
    comparison = f"{target.stat().st_size / 1e6:,.0f} MB written; peak {memory_figure(measured)}"
    target.unlink()
    if documents <= XLSXWRITER_UP_TO:
        bare = xlsxwriter_export(project, folder / "bare.xlsx")
        comparison += (f"; XlsxWriter, fewer cells: {seconds(bare)} ({bare / measured['seconds']:.1f}x)" if bare
                       else "; XlsxWriter not installed")
    else:
        comparison += f"; XlsxWriter not timed above {XLSXWRITER_UP_TO:,} articles (two minutes a million spans)"
    rows.append(say(Row("export xlsx", f"export {annotations:,} annotations to Excel", measured["seconds"],
                        seconds(measured["seconds"]), measured["pss_mb"], comparison=comparison)))
    return rows


def xlsxwriter_export(project: Path, target: Path) -> float | None:
    """The writer Curator used before, XlsxWriter (a test dependency now), on the documents
    and the annotations' first columns, the rest left empty: its seconds."""
    try:
        import xlsxwriter
    except ImportError:
        return None
    from curator.formats.excel import ANNOTATION_COLUMNS

    store = Store.open(project)
    start = time.perf_counter()
    book = xlsxwriter.Workbook(str(target), {"constant_memory": True})
    docs_sheet = book.add_worksheet("documents")
    spans_sheet = book.add_worksheet("annotations")
    span_row = 0
    for doc_row, (document, spans) in enumerate(store.iter_documents_with_annotations(), start=1):
        docs_sheet.write_row(doc_row, 0, [document.uid, document.title or "", document.source or "", "",
                                          str(document.published or ""), "todo", len(spans), document.text[:32767]])
        for span in spans:
            span_row += 1
            spans_sheet.write_row(span_row, 0, [document.uid, span.id, span.start, span.end,
                                                document.text[span.start:span.end], span.label, span.annotator]
                                  + [""] * (len(ANNOTATION_COLUMNS) - 7))
    book.close()
    took = time.perf_counter() - start
    store.close()
    target.unlink()
    return took


def agreement_project(folder: Path, documents: int, per_doc: int) -> tuple[Path, int]:
    """A project of ``documents`` 300-word articles annotated by three annotators (each
    keeps 90% of the generator's spans, 5% of them relabelled), built 5,000 documents at a
    time: its folder and its spans."""
    from corpus import article

    from curator.domain.models import Document

    project = folder / "agreement"
    store = Store.create(project, Project(name="agreement"))
    rng = random.Random(9)
    total = 0
    for first in range(0, documents, 5000):
        docs, layers = [], []
        for i in range(first, min(documents, first + 5000)):
            text, spans = article(rng, 300)
            docs.append(Document(uid=f"a{i}", text=text))
            layers.append(spans)
        batch = []
        for doc_id, spans in zip(store.add_documents(docs), layers, strict=True):
            for annotator in ("ann", "bob", "cat"):
                for start, end, label, _value in spans[:per_doc]:
                    if rng.random() < 0.9:
                        batch.append(Annotation(doc_id=doc_id, start=start, end=end, annotator=annotator,
                                                label=label if rng.random() < 0.95 else "ORG"))
        store.add_annotations(batch)
        total += len(batch)
    store.close()
    return project, total


def bench_agreement(folder: Path, documents: int, per_doc: int) -> Row:
    project, spans = agreement_project(folder, documents, per_doc)
    measured = timed_apart("agreement", project, folder / "unused")
    return say(Row("agreement", f"agreement, 3 annotators over {documents:,} documents ({spans:,} spans)",
                   measured["seconds"], seconds(measured["seconds"]), measured["pss_mb"],
                   comparison=f"alpha {measured['alpha']:.3f}; peak {memory_figure(measured)}"))


def bench_compare(folder: Path, jsonl: Path, spans_path: Path, per_doc: int, documents: int = 20_000) -> list[Row]:
    """Import, serve and export at the size the peers are measured at (``benchmarks/peers.py``
    runs them beside Label Studio and doccano; no peer figure is quoted here)."""
    part = folder / "compare.jsonl"
    with jsonl.open(encoding="utf-8") as source, part.open("w", encoding="utf-8") as out:
        for _, line in zip(range(documents), source):
            out.write(line)
    os.sync()
    # Each timed three times, each time in a new process (into a new project): the median.
    runs = [timed_apart("import", folder / f"compare-{run}", part) for run in range(3)]
    count, took = runs[0]["count"], median_of(run["seconds"] for run in runs)
    rows = [say(Row("compare import", f"import {count:,} articles (median of 3)", took, seconds(took),
                    comparison="see peers.py"))]
    store = Store.open(folder / "compare-0")
    add_annotations(store, spans_path, per_doc)
    ids = store.document_ids()
    times = []
    for doc_id in random.Random(11).sample(ids, 200):
        start = time.perf_counter()
        store.get_document(doc_id)
        store.annotations_for(doc_id)
        times.append(time.perf_counter() - start)
    serve = median_of(times)
    rows.append(say(Row("compare serve", f"serve one of {count:,} documents with its spans (median of 200)", serve,
                        seconds(serve), comparison="see peers.py")))
    took = median_of(timed_apart("export", folder / "compare-0", folder / "compare.json")["seconds"] for _ in range(3))
    rows.append(say(Row("compare export", f"export {count:,} articles and {store.annotation_count():,} spans to JSON "
                        "(median of 3)", took, seconds(took), comparison="see peers.py")))
    store.close()
    return rows


# -- one size -------------------------------------------------------------------------------


def run_size(documents: int, workdir: Path, per_doc: int, agreement_docs: int, skip: set[str]) -> list[Row]:
    """Every row at one size, in a folder of its own under ``workdir``, removed at the end."""
    problem = check_disk(workdir, documents)
    if problem:
        raise SystemExit(problem)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix=f"curator-bench-{documents}-", dir=workdir) as tmp:
        folder = Path(tmp)
        jsonl, spans_path = folder / "corpus.jsonl", folder / "spans.jsonl"
        # Made by a process of its own and streamed to disk, so that this one stays small
        # (and every timed row runs on a quieter machine).
        start = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "corpus.py"), str(jsonl), str(documents),
                        str(spans_path), str(per_doc)], check=True)
        planted = read_planted(spans_path)
        print(f"generated {documents:,} articles ({jsonl.stat().st_size / 1e6:,.0f} MB, {len(planted):,} planted "
              f"near-duplicates) in {time.perf_counter() - start:.0f} s", flush=True)
        # The new corpus on disk first: the imports' commits wait for the disk, and would
        # otherwise wait for these hundreds of MB too (an imported file has long been written).
        os.sync()
        if "compare" not in skip and documents >= 20_000:  # the size peers.py measures the others at
            rows += bench_compare(folder, jsonl, spans_path, per_doc)
        project, imported = bench_import(folder, jsonl)
        rows.append(imported)
        jsonl.unlink()  # the largest file: gone before the exports write theirs
        rows += bench_store(project, spans_path, per_doc)
        if "gui" not in skip:
            rows += bench_gui(project)
        if "duplicates" not in skip:
            rows.append(bench_duplicates(project, planted, folder))
        if "export" not in skip:
            rows += bench_export(project, folder, xlsx="xlsx" not in skip)
        if "agreement" not in skip:
            rows.append(bench_agreement(folder, agreement_docs or max(1, documents // 10), per_doc))
    return rows


def machine() -> str:
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, {platform.system()} {platform.release()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000, help="one size (default 100,000)")
    parser.add_argument("--sizes", type=int, nargs="+", help="several sizes in one run, e.g. 10000 100000 1000000")
    parser.add_argument("--per-doc", type=int, default=10, help="annotations per article (10 gives 1,000,000 at "
                                                                "100,000 articles)")
    parser.add_argument("--agreement-docs", type=int, default=0, help="documents of the agreement row (default: a "
                                                                      "tenth of the articles)")
    parser.add_argument("--skip", nargs="*", default=[],
                        help="rows to skip: compare gui duplicates export xlsx agreement (--sizes skips compare)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()),
                        help="where the corpora and projects go (each size's folder is removed when it is done)")
    parser.add_argument("--json", type=Path, help="write the result here (with --sizes, default docs/scaling.json)")
    parser.add_argument("--plot", type=Path, help="the log-log plot (with --sizes, default docs/scaling.png)")
    args = parser.parse_args()
    # A stopped run still removes its folders: SIGTERM ends it as Ctrl+C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sizes = sorted(set(args.sizes)) if args.sizes else [args.docs]
    skip = set(args.skip) | ({"compare"} if args.sizes else set())
    json_path = args.json or (ROOT / "docs" / "scaling.json" if args.sizes else None)
    plot_path = args.plot or (ROOT / "docs" / "scaling.png" if args.sizes else None)
    about = f"{machine()}; {time.strftime('%Y-%m-%d %H:%M')}"
    print(f"Machine: {about}; memory: {METHOD.format(interval=SAMPLE_INTERVAL)}", flush=True)
    for size in sizes:  # nothing is generated if the largest size cannot fit
        problem = check_disk(args.workdir, size)
        if problem:
            raise SystemExit(problem)
    results: dict[int, list[Row]] = {}
    for size in sizes:
        print(f"\n-- {size:,} articles", flush=True)
        results[size] = run_size(size, args.workdir, args.per_doc, args.agreement_docs, skip)
        if json_path:
            write_result(json_path, about, results, {"per_doc": args.per_doc, "skipped": sorted(skip)})
    for size, rows in results.items():
        print(f"\n{size:,} articles ({about})\n\n{size_table(size, rows)}")
    if len(results) > 1:
        print("\n" + growth_table(growth(results)))
    if json_path:
        print(f"\nresult written to {json_path}")
    if plot_path and len(results) > 1:
        print(plot(results, plot_path, about))
    print(f"peak memory of the benchmark process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
