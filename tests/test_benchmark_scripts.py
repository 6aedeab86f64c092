"""The benchmark scripts' own parts, so that they do not rot between the runs that use
them: how growth with size is computed and flagged, how memory is read (PSS over a
process tree), how tables and verdicts are printed, the streamed corpus, the schema
files of many labels, and one end-to-end run of ``run.py --sizes`` at a tiny size.
No figure here is a goal: speed is measured by the scripts, never by tests."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import corpus  # noqa: E402
import memory  # noqa: E402
import peers  # noqa: E402
import scaling  # noqa: E402
import schema_labels  # noqa: E402
import tables  # noqa: E402

# -- growth ---------------------------------------------------------------------------------


def test_growth_exponent_reads_linear_constant_and_quadratic_costs():
    assert tables.growth_exponent(100_000, 1_000_000, 7.0, 70.0) == pytest.approx(1.0)
    assert tables.growth_exponent(100_000, 1_000_000, 1.2, 1.2) == pytest.approx(0.0)
    assert tables.growth_exponent(1_000, 10_000, 0.5, 50.0) == pytest.approx(2.0)
    # n log n from 100,000 to 1,000,000 is 10 x 6/5: k = 1 + log10(1.2)
    assert tables.n_log_n_exponent(100_000, 1_000_000) == pytest.approx(1.0792, abs=1e-4)
    for bad in ((1_000, 1_000, 1.0, 2.0), (1_000, 10_000, 0.0, 2.0), (10_000, 1_000, 1.0, 2.0)):
        with pytest.raises(ValueError):
            tables.growth_exponent(*bad)


def _row(key: str, size: int, seconds: float, memory_mb: float | None = None, **extra) -> scaling.Row:
    return scaling.Row(key, f"{key} at {size:,}", seconds, f"{seconds} s", memory_mb, extra=extra)


def test_growth_flags_a_row_faster_than_n_log_n_and_a_window_row_that_grows():
    results = {
        100_000: [_row("import", 100_000, 6.0, 500), _row("duplicates", 100_000, 14.0),
                  _row("window", 100_000, 0.9), _row("export json", 100_000, 5.0, 300)],
        1_000_000: [_row("import", 1_000_000, 62.0, 520), _row("duplicates", 1_000_000, 1400.0),
                    _row("window", 1_000_000, 2.4), _row("export json", 1_000_000, 55.0, 4000)],
    }
    found = {g.key: g for g in scaling.growth(results)}
    assert found["import"].flag == ""
    assert found["import"].time_exponent == pytest.approx(1.014, abs=1e-3)
    assert found["import"].memory_exponent == pytest.approx(0.017, abs=1e-3)
    assert found["duplicates"].flag == "time faster than n log n"  # 100x for 10x: quadratic
    assert found["window"].flag == "time not near constant"  # 0.9 s -> 2.4 s, k 0.43
    assert found["export json"].flag == "memory faster than n log n"
    printed = scaling.growth_table(list(found.values()))
    assert "Growth from 100,000 to 1,000,000 articles" in printed
    assert "| duplicates | 14.0 s -> 1400 s | 2.00 |" in printed


def test_growth_needs_two_sizes_and_uses_the_two_largest():
    assert scaling.growth({1000: [_row("import", 1000, 1.0)]}) == []
    found = scaling.growth({10: [_row("import", 10, 50.0)], 100: [_row("import", 100, 1.0)],
                            1000: [_row("import", 1000, 10.0)]})
    assert (found[0].small, found[0].large, round(found[0].time_exponent, 6)) == (100, 1000, 1.0)


def test_verdicts_judge_a_linear_row_at_a_million_and_memory_and_recall_at_every_size():
    small = _row("import", 10_000, 5.0, 2000)  # slow for its pro-rata share, but only judged at a million
    assert scaling.verdict(small, 10_000) == "memory missed by 30%"
    assert scaling.verdict(_row("import", 1_000_000, 77.0, 900), 1_000_000) == "time missed by 10%; memory met"
    assert scaling.verdict(_row("window", 10_000, 1.2), 10_000) == "time met"
    assert scaling.verdict(_row("duplicates", 10_000, 1.0, recall=0.9), 10_000) == "recall missed (0.900)"
    assert scaling.verdict(_row("store", 1_000_000, 99.0), 1_000_000) == "-"
    assert "pro rata 7.00 s" in scaling.target_text("import", 100_000)
    printed = scaling.size_table(1_000_000, [_row("agreement", 1_000_000, 12.0)])
    assert printed.splitlines()[0] == "| row | measured | target | verdict | comparison |"
    assert "| time met |" in printed


def test_the_result_file_round_trips_and_draws_a_log_log_plot(tmp_path):
    results = {1000: [_row("import", 1000, 0.3, 50), _row("window", 1000, 0.8)],
               10_000: [_row("import", 10_000, 2.9, 55), _row("window", 10_000, 0.9)]}
    scaling.write_result(tmp_path / "r.json", "test machine", results, {"per_doc": 10})
    meta, back = scaling.read_result(tmp_path / "r.json")
    assert back == results
    assert meta["machine"] == "test machine" and meta["per_doc"] == 10
    assert meta["growth"][0]["key"] == "import"
    pytest.importorskip("matplotlib")
    said = scaling.plot(back, tmp_path / "docs" / "scaling.png", "test machine")
    assert said.startswith("plot written")
    assert (tmp_path / "docs" / "scaling.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_run_that_would_fill_the_disk_is_refused_before_it_starts(tmp_path):
    assert scaling.check_disk(tmp_path, 10) is None
    said = scaling.check_disk(tmp_path, 10**12)
    assert said is not None and str(tmp_path) in said and "--workdir" in said


# -- tables ---------------------------------------------------------------------------------


def test_tables_print_markdown_with_spreads_and_run_by_run_ratios():
    printed = tables.table(["a", "b"], [["x | y", None], [1, ""]])
    assert printed.splitlines() == ["| a | b |", "|---|---|", "| x \\| y | - |", "| 1 | - |"]
    assert tables.spread([1.2, 1.1, 1.4]) == "1.2 s (1.1-1.4)"
    assert tables.spread([0.25, 0.2, 0.3]) == "250.0 ms (200.0-300.0)"
    assert tables.spread([0.9, 0.8, 1.1]) == "0.90 s (0.80-1.10)"
    ratios = tables.paired_ratios([2.0, 3.0, 2.6], [1.0, 2.0, 2.0])
    assert ratios == [2.0, 1.5, 1.3]
    assert tables.ratio_spread(ratios) == "1.50x (1.30-2.00)"
    with pytest.raises(ValueError):
        tables.paired_ratios([1.0], [1.0, 2.0])
    assert tables.seconds(0.0042) == "4.2 ms" and tables.seconds(65.4) == "65.4 s"


# -- memory ---------------------------------------------------------------------------------

pytestmark_linux = pytest.mark.skipif(not memory.available(), reason="no /proc/PID/smaps_rollup (Linux 4.14+)")

# Touches 60 MB, then forks a child that shares them untouched; both wait to be read.
_FORKED = textwrap.dedent("""
    import os, sys, time
    held = bytearray(60 * 1024 * 1024)
    held[::4096] = b"x" * len(held[::4096])
    if os.fork() == 0:
        time.sleep(30)
        os._exit(0)
    print("ready", flush=True)
    time.sleep(30)
""")


@pytestmark_linux
def test_pss_of_this_process_is_read():
    kb = memory.pss_kb(os.getpid())
    assert kb is not None and kb > 1000  # a Python running pytest holds megabytes
    assert memory.pss_kb(2**22 + 12345) is None  # no such process


@pytestmark_linux
def test_a_forked_trees_memory_counts_shared_pages_once():
    process = subprocess.Popen([sys.executable, "-c", _FORKED], stdout=subprocess.PIPE, start_new_session=True)
    try:
        assert process.stdout.readline() == b"ready\n"
        deadline = time.monotonic() + 10
        while len(memory.tree(process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        members = memory.tree(process.pid)
        assert len(members) == 2
        rss = sum(int(line.split()[1]) for pid in members
                  for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("VmRSS:")) / 1024
        pss = memory.tree_pss(process.pid)
        # Summed resident sizes count the 60 MB twice; PSS shares them between the two.
        assert rss > 120
        assert 60 < pss < 95
        with memory.PeakSampler(process.pid, interval=0.01) as sampler:
            time.sleep(0.05)
        assert sampler.samples >= 2 and sampler.largest_tree == 2
        assert sampler.peak == pytest.approx(pss, rel=0.2)
        assert "PSS" in sampler.method
    finally:
        os.killpg(process.pid, 9)
        process.wait()


_MAPS = """
import mmap, sys
with open(sys.argv[1], "rb") as file:
    mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    sum(mapped[i] for i in range(0, len(mapped), 4096))  # every page read, as SQLite's memory map reads them
    print("ready", flush=True)
    sys.stdin.readline()
"""


def test_a_file_read_through_a_memory_map_is_told_apart_in_the_peak(tmp_path):
    """The export's peak PSS was mostly the project's file, mapped: the sampler says how much."""
    data = tmp_path / "data"
    data.write_bytes(b"x" * 40_000_000)
    process = subprocess.Popen([sys.executable, "-c", _MAPS, str(data)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, start_new_session=True)
    try:
        assert process.stdout.readline() == b"ready\n"
        with memory.PeakSampler(process.pid, interval=0.01) as sampler:
            time.sleep(0.05)
        assert 35 < sampler.peak_file < sampler.peak
        assert memory.pss_parts_kb(2**22 + 12345) is None
    finally:
        os.killpg(process.pid, 9)
        process.wait()


# -- the peers' report ----------------------------------------------------------------------


def _figures(name: str, **seconds: list[float]) -> peers.Figures:
    figures = peers.Figures(name, memory=100.0)
    for operation, values in seconds.items():
        for value in values:
            figures.add(operation.replace("_", " "), value)
    return figures


def test_the_peers_table_leads_with_file_imports_and_names_the_faster_peer_of_each_row():
    ours = _figures("Curator", import_labelstudio=[2.0, 2.2, 2.1], import_doccano=[2.1, 2.2, 2.3],
                    export=[1.0, 1.1, 0.9], import_articles=[1.5, 1.6, 1.5])
    ours.did("export", "JSON of 94.0 MB: 20,000 documents, 40,000 spans")
    ours.did("import articles", "20,000 documents with 0 spans stored")
    ours.did("import articles", "19,999 documents with 0 spans stored")
    label_studio = _figures("Label Studio", **{"import": [9.0, 9.5, 9.2], "export": [45.0, 50.0, 48.0]})
    label_studio.did("export", "JSON of 97.7 MB: 20,000 tasks, 40,000 spans")
    doccano = _figures("doccano", **{"import": [15.0, 16.0, 15.5], "export": [11.0, 12.0, 11.5]})
    printed = peers.peers_table(ours, [label_studio, doccano], {}, 20_000, 40_000,
                                {"articles": 80_000_000, "annotated": 2_000})
    lines = [line for line in printed.splitlines() if line.startswith("| ")]
    assert lines[1].startswith("| import the Label Studio tasks file with its spans")
    assert lines[2].startswith("| import the doccano JSONL file with its spans")
    export = next(line for line in lines if line.startswith("| export every document"))
    assert export.endswith("| 11.5x (10.0-13.3), doccano |")  # the faster peer of this row, not of the imports
    articles = next(line for line in lines if line.startswith("| import the articles, WITHOUT spans"))
    assert "not like for like" in articles
    assert "| JSON of 94.0 MB: 20,000 documents, 40,000 spans | JSON of 97.7 MB: 20,000 tasks, 40,000 spans |" \
        in printed
    assert "20,000 documents with 0 spans stored (another run: 19,999 documents" in printed
    assert "PSS" in printed


def test_the_floor_table_pairs_runs_and_says_which_rows_miss_the_goal():
    ours = _figures("Curator", import_articles=[1.8, 1.7, 2.0], export=[0.7, 0.75, 0.72])
    floor = _figures("floor", import_articles=[1.0, 1.1, 1.2], export=[0.6, 0.6, 0.58])
    printed = peers.floor_table(ours, floor)
    articles = next(line for line in printed.splitlines() if line.startswith("| import the articles"))
    assert "| 1.67x (1.55-1.80) | <= 1.3x | missed by 28% |" in articles
    export = next(line for line in printed.splitlines() if line.startswith("| export JSON"))
    assert "| 1.24x (1.17-1.25) | <= 1.3x | met |" in export


def test_the_floor_table_says_where_the_time_goes_without_a_goal_of_its_own():
    phases = {"phase read": [0.5, 0.6, 0.55], "phase check": [0.2, 0.2, 0.2], "phase write": [0.9, 1.0, 0.95]}
    ours = _figures("Curator", import_labelstudio_in_process=[1.6, 1.8, 1.7])
    floor = _figures("floor", import_labelstudio_in_process=[1.2, 1.3, 1.25])
    for side, scale in ((ours, 1.0), (floor, 0.5)):
        for operation, values in phases.items():
            for value in values:
                side.add(operation, value * scale)
        for value in (0.35, 0.3, 0.4):
            side.add("start-up", value * scale)
    lines = peers.floor_table(ours, floor).splitlines()
    start = next(line for line in lines if line.startswith("| start-up"))
    assert start.endswith("| 350.0 ms (300.0-400.0) | 175.0 ms (150.0-200.0) | 2.00x (2.00-2.00) | - | - | - / - |")  # says the cost; no goal, so no verdict
    inside = next(line for line in lines if line.startswith("| the Label Studio import in process"))
    assert "| - | - |" in inside and "missed" not in inside
    read = next(line for line in lines if line.startswith("| detect and parse the file"))
    assert read.endswith("| 2.00x (2.00-2.00) |")  # phase by phase, Curator's over the floor's


def test_the_export_in_process_script_times_both_sides_doing_the_same_work(tmp_path):
    """The script behind the floor table's "export in process" and "load" rows runs, and
    its two exports hold the same documents and spans (no figure is checked)."""
    from timed_scripts import EXPORT_IN_PROCESS_SCRIPT

    from curator.domain.models import Annotation, Document
    from curator.store import Store

    store = Store.create(tmp_path / "p")
    ids = store.add_documents([Document(uid=f"d{n}", text=f"Anna Berg met Olaf {n} times.") for n in range(3)])
    label = store.label_schema.names[0]
    store.add_annotations([Annotation(doc_id=ids[0], start=0, end=9, label=label, annotator="alice")])
    store.close()
    for first in ("ours", "bare"):
        for name in ("ours.json", "bare.json"):
            (tmp_path / name).unlink(missing_ok=True)
        output = subprocess.run([sys.executable, "-c", EXPORT_IN_PROCESS_SCRIPT, str(tmp_path / "p"),
                                 str(tmp_path / "ours.json"), str(tmp_path / "bare.json"), first], capture_output=True,
                                text=True, check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout
        assert all(float(value) >= 0 for value in output.split()) and len(output.split()) == 4
        assert peers.json_export_holds(tmp_path / "ours.json").endswith("3 documents, 1 spans")
        assert peers.json_export_holds(tmp_path / "bare.json").endswith("3 documents, 1 spans")


def test_doccanos_export_zip_is_counted_by_lines_and_spans():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("admin.jsonl", '{"text": "a", "label": [[0, 1, "ORG"]]}\n{"text": "b", "label": []}\n')
    said = peers.zipped_jsonl(archive.getvalue())
    assert "(admin.jsonl): 2 lines, 1 spans" in said


# -- the corpus and the schema files --------------------------------------------------------


def test_the_corpus_streams_its_spans_in_the_articles_order(tmp_path):
    planted = corpus.write_jsonl(tmp_path / "c.jsonl", 60, duplicate_share=0.2, spans_path=tmp_path / "s.jsonl",
                                 per_doc=4)
    articles = [json.loads(line) for line in (tmp_path / "c.jsonl").read_text().splitlines()]
    spans = list(corpus.read_spans(tmp_path / "s.jsonl"))
    assert [uid for uid, _ in spans] == [article["id"] for article in articles]
    assert planted and all(copy in {a["id"] for a in articles} for _, copy in planted)
    copies = {copy for _, copy in planted}
    for article, (uid, layer) in zip(articles, spans, strict=True):
        assert len(layer) == (0 if uid in copies else 4)  # a planted near-copy carries no spans
        for start, end, label, _value in layer:
            if label == "MONEY":
                assert article["text"][start:end].startswith("$")
            if label == "DATE":
                assert article["text"][start:end].isdigit()


@pytest.mark.parametrize("kind", schema_labels.FORMATS)
def test_the_schema_benchmarks_files_are_read_by_curator_with_every_label(tmp_path, kind):
    from curator.formats.schema_files import read_schema

    path = schema_labels.write_schema_file(tmp_path / "schema", kind, 25)
    schema, what = read_schema(path)
    assert what == kind
    assert [label.name for label in schema.labels] == [schema_labels.label_name(i) for i in range(1, 26)]


def test_the_schema_benchmark_adopts_a_file_and_adds_the_last_label(tmp_path):
    from curator.store import Store

    Store.create(tmp_path / "p").close()
    before = len(Store.open(tmp_path / "p").label_schema.labels)
    path = schema_labels.write_schema_file(tmp_path / "schema", "Curator schema file", 30)
    _took, held = schema_labels.import_in_process(tmp_path / "p", path)
    assert held == before + 30
    _took, held = schema_labels.add_in_process(tmp_path / "p", schema_labels.label_name(31))
    assert held == before + 31
    printed = schema_labels.report([
        {"work": "import a Curator schema file", "labels": 1000, "command": 1.5, "in_process": 0.9},
        {"work": "import a Curator schema file", "labels": 10_000, "command": 12.0, "in_process": 11.0}])
    assert "| 1,000 | 1.50 s | 900 ms | 1.500 s | 0.900 s | < 1 s | - |" in printed  # judged from 10,000 only
    assert "| 10,000 | 12.0 s | 11.0 s | 1.200 s | 1.100 s | < 1 s | missed by 20% |" in printed


# -- one run, end to end --------------------------------------------------------------------


def test_run_py_measures_two_sizes_and_writes_the_result_and_plot(tmp_path):
    """The smallest run of the size mode: every row but the window's, the near-duplicates'
    and the workbook's, at 60 and 120 articles (a few seconds)."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "60", "120", "--per-doc", "2",
         "--skip", "gui", "duplicates", "xlsx", "--workdir", str(tmp_path), "--json", str(tmp_path / "r.json"),
         "--plot", str(tmp_path / "r.png")],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, timeout=300,
        check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    meta, results = scaling.read_result(tmp_path / "r.json")
    assert sorted(results) == [60, 120]
    assert [row.key for row in results[120]] == ["import", "store", "edit", "export json", "agreement"]
    assert "import 120 articles from JSONL" in results[120][0].title
    assert results[120][0].memory_mb > 10
    assert {g["key"] for g in meta["growth"]} >= {"import", "export json"}
    assert "Growth from 60 to 120 articles" in result.stdout
    assert list(tmp_path.glob("curator-bench-*")) == []  # each size's folder is removed
    if "plot written" in result.stdout:
        assert (tmp_path / "r.png").stat().st_size > 1000


def test_the_relations_benchmark_runs_at_a_tiny_size_and_loses_nothing(capsys):
    import relations

    relations.main(["--spans", "40", "--relations", "30", "--runs", "2"])
    out = capsys.readouterr().out
    assert "40 spans, 30 relations" in out and "open: text, spans and relations read" in out
