"""Schemas of many labels: importing a schema file, a Label Studio labeling config or a
doccano label export of N labels into a new project, and adding the Nth label to a
project that has N-1, each in seconds per thousand labels (goal: under 1 s).

    python benchmarks/schema_labels.py                        # 1,000, 5,000 and 10,000 labels
    python benchmarks/schema_labels.py --labels 200 500       # a quick run

Each is timed two ways: the ``curator`` command's wall time from process start
(``curator schema import``, ``curator labels add``) and the same work in process (the
file read, the command applied and recorded in the history, as the command line does
it). The growth exponent between the two largest sizes says whether the cost grows
faster than linearly with the labels.
"""

from __future__ import annotations

import argparse
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

from tables import growth_exponent, n_log_n_exponent, seconds, table  # noqa: E402
from timed_scripts import CURATOR  # noqa: E402

GOAL = 1.0  # seconds per thousand labels
GOAL_SIZE = 10_000  # the schema size the goal is set at
FORMATS = ("Curator schema file", "Label Studio labeling config", "doccano label export")
KINDS = ("entity", "figure", "date", "plain")
COLORS = ("#9ecae1", "#fdae6b", "#a1d99b", "#dadaeb", "#fdd0a2")


def label_name(index: int) -> str:
    return f"TOPIC_{index:05d}"


def write_schema_file(path: Path, kind: str, labels: int) -> Path:
    """A file of ``labels`` labels in one of ``FORMATS``, written as each tool writes it."""
    names = [label_name(index) for index in range(1, labels + 1)]
    if kind == "Curator schema file":
        data = {"format": "curator-schema", "labels": [
            {"name": name, "kind": KINDS[index % len(KINDS)], "color": COLORS[index % len(COLORS)],
             "description": f"Guideline {index}: tag the words that name this topic."}
            for index, name in enumerate(names)], "categories": []}
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    elif kind == "Label Studio labeling config":
        labels_xml = "\n".join(f'    <Label value="{name}" background="{COLORS[index % len(COLORS)]}"/>'
                               for index, name in enumerate(names))
        path.write_text(f'<View>\n  <Labels name="label" toName="text">\n{labels_xml}\n  </Labels>\n'
                        '  <Text name="text" value="$text"/>\n</View>\n', encoding="utf-8")
    elif kind == "doccano label export":
        path.write_text(json.dumps([{"id": index + 1, "text": name, "prefix_key": None, "suffix_key": None,
                                     "background_color": COLORS[index % len(COLORS)], "text_color": "#ffffff"}
                                    for index, name in enumerate(names)]), encoding="utf-8")
    else:
        raise ValueError(f"no schema format {kind!r}")
    return path


def command(arguments: list[str]) -> float:
    """Wall seconds of a ``curator`` command, from process start."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    subprocess.run([*CURATOR, *arguments], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)
    return time.perf_counter() - start


def new_project(path: Path) -> Path:
    subprocess.run([*CURATOR, "init", "--template", "empty", str(path)], env={**os.environ, "PYTHONPATH": str(ROOT)},
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return path


def import_in_process(project: Path, path: Path) -> tuple[float, int]:
    """Seconds to read the file and adopt its labels as one recorded command; the labels the project has then."""
    from curator.formats import schema_files
    from curator.session import Session
    from curator.session import label_edits as edit
    from curator.store import Store

    with Store.open(project) as store:
        start = time.perf_counter()
        schema, _what = schema_files.read_schema(path)
        Session(store, "bench").do(edit.adopt_schema(store, schema))
        took = time.perf_counter() - start
        return took, len(store.label_schema.labels)


def add_in_process(project: Path, name: str) -> tuple[float, int]:
    """Seconds to add one label as a recorded command; the labels the project has then."""
    from curator.domain.schema import Label
    from curator.session import Session
    from curator.session import label_edits as edit
    from curator.store import Store

    with Store.open(project) as store:
        start = time.perf_counter()
        Session(store, "bench").do(edit.add_label(store, Label(name=name, kind="plain", color="#d9d9d9")))
        took = time.perf_counter() - start
        return took, len(store.label_schema.labels)


def measure(folder: Path, sizes: list[int]) -> list[dict]:
    """Every row at every size: the work, the labels, command and in-process seconds."""
    rows = []
    for labels in sizes:
        for kind in FORMATS:
            path = write_schema_file(folder / f"{labels}-{FORMATS.index(kind)}.schema", kind, labels)
            wall = command(["schema", "import", str(new_project(folder / f"cmd-{labels}-{kind[:5]}")), str(path),
                            "--annotator", "bench"])
            inside, held = import_in_process(new_project(folder / f"lib-{labels}-{kind[:5]}"), path)
            if held != labels:
                raise RuntimeError(f"{kind} of {labels:,} labels gave a project of {held:,}")
            rows.append({"work": f"import a {kind}", "labels": labels, "command": wall, "in_process": inside,
                         "bytes": path.stat().st_size})
            print(f"{kind:<30} {labels:>7,} labels: command {seconds(wall)}, in process {seconds(inside)}", flush=True)
        before = write_schema_file(folder / f"{labels}-before.schema", "Curator schema file", labels - 1)
        projects = [new_project(folder / f"add-{labels}-{way}") for way in ("cmd", "lib")]
        for project in projects:
            command(["schema", "import", str(project), str(before), "--annotator", "bench"])
        wall = command(["labels", str(projects[0]), "--annotator", "bench", "add", label_name(labels)])
        inside, held = add_in_process(projects[1], label_name(labels))
        if held != labels:
            raise RuntimeError(f"adding the {labels:,}th label gave a project of {held:,}")
        rows.append({"work": "add the last label", "labels": labels, "command": wall, "in_process": inside})
        print(f"{'add the last label':<30} {labels:>7,} labels: command {seconds(wall)}, in process "
              f"{seconds(inside)}", flush=True)
    return rows


def report(rows: list[dict]) -> str:
    """One row per work and size, in seconds per thousand labels beside the goal, then growth.
    The goal is judged from ``GOAL_SIZE`` labels up, on the command's wall time: below it,
    the command's process start (about half a second) outweighs the labels."""
    printed = []
    for row in rows:
        thousands = row["labels"] / 1000
        per_thousand = row["command"] / thousands
        verdict = "-" if row["labels"] < GOAL_SIZE else "met" if per_thousand < GOAL else \
            f"missed by {(per_thousand / GOAL - 1) * 100:.0f}%"
        printed.append([row["work"], f"{row['labels']:,}", seconds(row["command"]), seconds(row["in_process"]),
                        f"{per_thousand:.3f} s", f"{row['in_process'] / thousands:.3f} s", f"< {GOAL:g} s", verdict])
    lines = [table(["work", "labels", "command, from process start", "in process", "command per 1,000 labels",
                    "in process per 1,000", "goal", f"verdict (from {GOAL_SIZE:,})"], printed)]
    sizes = sorted({row["labels"] for row in rows})
    if len(sizes) > 1:
        small, large = sizes[-2], sizes[-1]
        growth = []
        for work in dict.fromkeys(row["work"] for row in rows):
            by_size = {row["labels"]: row for row in rows if row["work"] == work}
            exponents = [growth_exponent(small, large, by_size[small][way], by_size[large][way])
                         for way in ("command", "in_process")]
            growth.append([work, f"{exponents[0]:.2f}", f"{exponents[1]:.2f}",
                           "faster than n log n" if exponents[1] > n_log_n_exponent(small, large) else "ok"])
        heading = (f"Growth from {small:,} to {large:,} labels: cost ~ n^k (k = 1 linear; n log n shows "
                   f"{n_log_n_exponent(small, large):.2f}; the command's k is flattened by its process start).")
        lines += ["", heading, "", table(["work", "k (command)", "k (in process)", "flag"], growth)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--labels", type=int, nargs="+", default=[1000, 5000, 10000],
                        help="schema sizes, in labels")
    parser.add_argument("--json", type=Path, help="also write every measured figure here")
    args = parser.parse_args()
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()}; {time.strftime('%Y-%m-%d %H:%M')}", flush=True)
    with tempfile.TemporaryDirectory(prefix="curator-schema-") as tmp:
        rows = measure(Path(tmp), sorted(set(args.labels)))
    print()
    print(report(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
