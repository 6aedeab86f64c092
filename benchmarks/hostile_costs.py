"""Costs that must grow with the limits, not with what a hostile input holds.

- **Schema import** of a Label Studio labeling config of 2,000 to 85,000 labels (the
  85,000 fit under the 2 MB a schema file may take), timed through the command line
  (``curator schema import``): linear, well under 10 s for 10,000 labels. Before the
  labels were merged at once it took 9.3 s, 36 s and 192 s for 2,000, 4,000 and 8,000.
- **Peak memory** of ``curator import`` of a single-line JSON Lines file, a single-line
  CSV and a ``.txt`` file of ``--size-mb`` megabytes (1,024 by default), each far beyond
  the 10-million-character limit, in a process of its own (its maximum resident set):
  bounded by the limits (a line is read up to its cap, a text file is refused on its
  size), where reading them whole took 3.96 GB for the JSON Lines and 1.99 GB for the
  text.

- **Peak memory** of importing a JSON list of ``--json-articles`` articles (600 words
  each; that row alone is run when it is given): read whole, as every JSON file was before
  large ones streamed, and streamed a record at a time (each ``import_files`` in a process
  of its own), and through ``curator import``.

Run: ``python benchmarks/hostile_costs.py [--size-mb N] [--labels 2000,4000,8000,10000,85000]``
or ``python benchmarks/hostile_costs.py --json-articles 50000``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def curator(*argv: str) -> tuple[float, float, subprocess.CompletedProcess]:
    """Run ``curator ARGV`` in a process of its own: (seconds, its peak resident MB, the result)."""
    return measured("-m", "curator", *argv)


def measured(*argv: str) -> tuple[float, float, subprocess.CompletedProcess]:
    """Run ``python ARGV`` in a process of its own: (seconds, its peak resident MB, the result)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, *argv], cwd=ROOT, stdout=out, stderr=err, text=True)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = subprocess.CompletedProcess(process.args, process.returncode, out.read(), err.read())
    return seconds, usage.ru_maxrss / 1024, result  # (KB on Linux)


def schema_import(folder: Path, counts: list[int]) -> list[tuple[int, float, int]]:
    rows = []
    for count in counts:
        config = folder / f"labels-{count}.xml"
        labels = "".join(f'<Label value="L{n}"/>' for n in range(count))
        config.write_text(f'<View><Labels name="label" toName="text">{labels}</Labels>'
                          '<Text name="text" value="$text"/></View>', encoding="utf-8")
        project = folder / f"schema-{count}"
        subprocess.run([sys.executable, "-m", "curator", "init", str(project)], cwd=ROOT, check=True,
                       capture_output=True)
        seconds, _peak, result = curator("schema", "import", str(project), str(config))
        if result.returncode:
            raise SystemExit(f"schema import of {count} labels failed: {result.stderr}")
        rows.append((count, seconds, config.stat().st_size))
    return rows


def _write_repeated(path: Path, head: bytes, unit: bytes, size: int, tail: bytes) -> None:
    with path.open("wb") as out:
        out.write(head)
        block = unit * ((1 << 20) // max(1, len(unit)))
        written = len(head)
        while written < size:
            out.write(block)
            written += len(block)
        out.write(tail)


def huge_inputs(folder: Path, size: int) -> list[tuple[str, float, float, str]]:
    files = {
        "single-line JSON Lines": (folder / "one-line.jsonl", b'{"id": "huge", "text": "', b"x", b'"}\n'),
        "single-line CSV": (folder / "one-line.csv", b"id,text\nhuge,", b"x", b"\n"),
        "text file": (folder / "huge.txt", b"", b"word ", b"\n"),
    }
    rows = []
    for what, (path, head, unit, tail) in files.items():
        _write_repeated(path, head, unit, size, tail)
        project = folder / f"import-{path.name}"
        subprocess.run([sys.executable, "-m", "curator", "init", str(project)], cwd=ROOT, check=True,
                       capture_output=True)
        seconds, peak, result = curator("import", str(project), str(path))
        reason = (result.stderr.strip().splitlines() or [""])[0].split(": ", 2)[-1][:90]
        rows.append((what, seconds, peak, reason))
        path.unlink()
    return rows


IMPORT_JSON = """
import sys
from curator.formats import json_stream
from curator.formats.articles import import_files
from curator.store import Store
# every JSON file read whole, as before large ones streamed, or every one streamed
json_stream.WHOLE_JSON_BYTES = 1 << 62 if sys.argv[3] == "whole" else -1
store = Store.create(sys.argv[1])
report = import_files(store, [sys.argv[2]])
print(len(report.added), len(report.problems))
store.close()
"""


def json_articles(folder: Path, count: int) -> tuple[int, list[tuple[str, float, float, str]]]:
    """Import a JSON list of ``count`` articles read whole, streamed, and by ``curator import``:
    the file's size, and (how, seconds, peak MB, documents added) for each."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from corpus import article

    path, rng = folder / "articles.json", random.Random(1)
    with path.open("w", encoding="utf-8") as out:  # written as it is made: a record at a time
        out.write("[")
        for index in range(count):
            record = {"id": f"doc-{index:06d}", "text": article(rng)[0], "source": "TDI", "date": "2023-03-28"}
            out.write(("," if index else "") + "\n" + json.dumps(record))
        out.write("]\n")
    rows = []
    for how in ("whole", "streamed"):
        seconds, peak, result = measured("-c", IMPORT_JSON, str(folder / f"project-{how}"), str(path), how)
        if result.returncode:
            raise SystemExit(f"import read {how} failed: {result.stderr[-2000:]}")
        rows.append((f"import_files, read {how}", seconds, peak, result.stdout.split()[0]))
    project = folder / "project-cli"
    subprocess.run([sys.executable, "-m", "curator", "init", str(project)], cwd=ROOT, check=True, capture_output=True)
    seconds, peak, result = curator("import", str(project), str(path))
    rows.append(("curator import", seconds, peak, result.stdout.strip().splitlines()[-1][:60]
                 if result.stdout.strip() else result.stderr[-200:]))
    return path.stat().st_size, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="size of each huge input file")
    parser.add_argument("--labels", default="2000,4000,8000,10000,85000", help="label counts to import")
    parser.add_argument("--json-articles", type=int, help="only the peak memory of importing a JSON list of this "
                                                          "many articles, read whole and streamed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="curator-hostile-") as temp:
        folder = Path(temp)
        if args.json_articles:
            size, rows = json_articles(folder, args.json_articles)
            print(f"| JSON list of {args.json_articles:,} articles ({size / 1e6:,.0f} MB) | seconds | peak memory "
                  "(process) | added |")
            print("|---|---|---|---|")
            for how, seconds, peak, added in rows:
                print(f"| {how} | {seconds:.1f} s | {peak:,.0f} MB | {added} |")
            return
        print("| labels | config bytes | curator schema import |")
        print("|---|---|---|")
        for count, seconds, size in schema_import(folder, [int(n) for n in args.labels.split(",")]):
            print(f"| {count:,} | {size:,} | {seconds:.2f} s |")
        print()
        print(f"| {args.size_mb:,} MB input | curator import | peak memory (process) | refused as |")
        print("|---|---|---|---|")
        for what, seconds, peak, reason in huge_inputs(folder, args.size_mb << 20):
            print(f"| {what} | {seconds:.1f} s | {peak:,.0f} MB | {json.dumps(reason)[1:-1]} |")


if __name__ == "__main__":
    main()
