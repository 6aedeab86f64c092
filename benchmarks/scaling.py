"""How each benchmark row's cost grows with the corpus: the targets, one table per size,
each row's growth exponent between the two largest sizes, a machine-readable result
(JSON) and a log-log plot (PNG) of time and peak memory against size.

``benchmarks/run.py --sizes 10000 100000 1000000`` measures and calls this; the plot can
be drawn again from a saved result:

    python benchmarks/scaling.py docs/scaling.json docs/scaling.png
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tables import growth_exponent, megabytes, n_log_n_exponent, seconds, table  # noqa: E402

SCALE = 1_000_000  # the size the targets are set at
CONSTANT_GROWTH = 0.3  # a row that should stay constant is flagged above this exponent (2x over 10x the size)


@dataclass(frozen=True)
class Target:
    """A row's goal: its seconds at ``SCALE`` articles (pro rata below for a linear row),
    how its cost should grow, and a memory or recall floor that holds at every size."""

    seconds: float | None
    grows: str  # "linear" or "constant"
    memory_mb: float | None = None
    recall: float | None = None


TARGETS = {
    # The scale issue's targets at a million articles.
    "import": Target(70, "linear", memory_mb=1536),
    "window": Target(1.5, "constant"),
    "list": Target(0.1, "constant"),
    "duplicates": Target(240, "linear", recall=0.95),
    "export json": Target(60, "linear"),
    "agreement": Target(15, "linear"),  # over a tenth of the articles: 100,000 documents at a million
    # The performance issue's targets, which hold at every size.
    "edit": Target(0.01, "constant"),
    "open": Target(2, "constant"),
    "switch": Target(0.05, "constant"),
    "export xlsx": Target(250, "linear"),  # 25 s a million spans, ten spans an article
    "store": Target(None, "linear"),  # setup, not a goal
}


@dataclass
class Row:
    """One measured row at one size: its key (stable across sizes), what it is, the
    seconds and peak memory it took, and the figure as printed."""

    key: str
    title: str
    seconds: float | None
    figure: str
    memory_mb: float | None = None
    comparison: str = ""
    extra: dict = field(default_factory=dict)


def target_text(key: str, size: int) -> str:
    target = TARGETS.get(key)
    if target is None:
        return "-"
    parts = []
    if target.seconds is not None:
        if target.grows == "linear":
            parts.append(f"<= {seconds(target.seconds)} at {SCALE:,}" + (
                "" if size == SCALE else f" (pro rata {seconds(target.seconds * size / SCALE)})"))
        else:
            parts.append(f"<= {seconds(target.seconds)}")
    if target.memory_mb is not None:
        parts.append(f"<= {target.memory_mb / 1024:g} GB")
    if target.recall is not None:
        parts.append(f"recall >= {target.recall}")
    return ", ".join(parts) or "-"


def verdict(row: Row, size: int) -> str:
    """What was judged and how it went (``time met; memory missed by 12%``), or ``-``. A
    linear row's time is judged from ``SCALE`` up: below it the pro-rata share is a guide
    only (process start does not shrink with the corpus)."""
    target = TARGETS.get(row.key)
    if target is None:
        return "-"
    said = []
    if target.seconds is not None and row.seconds is not None and (target.grows == "constant" or size >= SCALE):
        limit = target.seconds * (size / SCALE if target.grows == "linear" else 1)
        said.append("time met" if row.seconds <= limit else f"time missed by {(row.seconds / limit - 1) * 100:.0f}%")
    if target.memory_mb is not None and row.memory_mb is not None:
        said.append("memory met" if row.memory_mb <= target.memory_mb
                    else f"memory missed by {(row.memory_mb / target.memory_mb - 1) * 100:.0f}%")
    if target.recall is not None and "recall" in row.extra:
        said.append("recall met" if row.extra["recall"] >= target.recall else f"recall missed ({row.extra['recall']:.3f})")
    return "; ".join(said) or "-"


def size_table(size: int, rows: list[Row]) -> str:
    return table(["row", "measured", "target", "verdict", "comparison"],
                 [[row.title, row.figure, target_text(row.key, size), verdict(row, size), row.comparison]
                  for row in rows])


# -- growth ---------------------------------------------------------------------------------


@dataclass
class Growth:
    key: str
    title: str
    small: int
    large: int
    seconds: tuple[float, float] | None
    time_exponent: float | None
    memory: tuple[float, float] | None
    memory_exponent: float | None
    expected: str
    flag: str


def growth(results: dict[int, list[Row]]) -> list[Growth]:
    """Each row's growth exponent between the two largest sizes measured, flagged where
    it grows faster than n log n (or, for a row that should stay constant, by more than
    ``CONSTANT_GROWTH``)."""
    sizes = sorted(results)
    if len(sizes) < 2:
        return []
    small, large = sizes[-2], sizes[-1]
    before = {row.key: row for row in results[small]}
    limit = n_log_n_exponent(small, large)
    found = []
    for row in results[large]:
        earlier = before.get(row.key)
        if earlier is None:
            continue
        time_exponent = memory_exponent = None
        if row.seconds and earlier.seconds:
            time_exponent = growth_exponent(small, large, earlier.seconds, row.seconds)
        if row.memory_mb and earlier.memory_mb:
            memory_exponent = growth_exponent(small, large, earlier.memory_mb, row.memory_mb)
        expected = TARGETS[row.key].grows if row.key in TARGETS else "linear"
        flags = []
        for what, exponent in (("time", time_exponent), ("memory", memory_exponent)):
            if exponent is None:
                continue
            if exponent > limit:
                flags.append(f"{what} faster than n log n")
            elif expected == "constant" and what == "time" and exponent > CONSTANT_GROWTH:
                flags.append(f"{what} not near constant")
        found.append(Growth(row.key, row.title, small, large,
                            (earlier.seconds, row.seconds) if time_exponent is not None else None, time_exponent,
                            (earlier.memory_mb, row.memory_mb) if memory_exponent is not None else None,
                            memory_exponent, expected, "; ".join(flags)))
    return found


def growth_table(found: list[Growth]) -> str:
    if not found:
        return "(growth needs two sizes)"
    small, large = found[0].small, found[0].large

    def exponent(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    rows = [[g.key, f"{seconds(g.seconds[0])} -> {seconds(g.seconds[1])}" if g.seconds else None,
             exponent(g.time_exponent),
             f"{megabytes(g.memory[0])} -> {megabytes(g.memory[1])}" if g.memory else None,
             exponent(g.memory_exponent), g.expected, g.flag or "ok"] for g in found]
    heading = (f"Growth from {small:,} to {large:,} articles: cost ~ n^k (k = 1 linear, 0 constant; n log n "
               f"shows k = {n_log_n_exponent(small, large):.2f} over these sizes).")
    return heading + "\n\n" + table(["row", "time", "k (time)", "peak memory", "k (memory)", "expected", "flag"],
                                     rows)


# -- the result as a file, and its plot ----------------------------------------------------


def write_result(path: Path, machine: str, results: dict[int, list[Row]], extra: dict | None = None) -> None:
    """Everything measured, by size, with each row's growth: written after every size, so
    that a run stopped part way keeps what it measured."""
    data = {"machine": machine, **(extra or {}),
            "sizes": {str(size): [asdict(row) for row in rows] for size, rows in sorted(results.items())},
            "growth": [asdict(g) for g in growth(results)]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1))


def read_result(path: Path) -> tuple[dict, dict[int, list[Row]]]:
    data = json.loads(path.read_text())
    return data, {int(size): [Row(**row) for row in rows] for size, rows in data["sizes"].items()}


def plot(results: dict[int, list[Row]], target: Path, title: str = "") -> str:
    """A log-log plot of each row's time and peak memory against size; returns what was
    done (matplotlib is an optional extra: ``pip install -e '.[bench]'``)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import FuncFormatter, NullFormatter
    except ImportError:
        return f"no plot: matplotlib is not installed (pip install -e '.[bench]'); {target} not written"
    sizes = sorted(results)
    keys = list(dict.fromkeys(row.key for size in sizes for row in results[size]))
    figure, (times, memory) = plt.subplots(1, 2, figsize=(13, 5.5))
    for key in keys:
        measured = {size: row for size in sizes for row in results[size] if row.key == key}
        points = [(size, row.seconds) for size, row in measured.items() if row.seconds]
        if points:
            times.plot(*zip(*points, strict=True), marker="o", label=key)
        points = [(size, row.memory_mb) for size, row in measured.items() if row.memory_mb]
        if points:
            memory.plot(*zip(*points, strict=True), marker="o", label=key)
    if len(sizes) > 1:  # a linear guide through the smallest size's median time
        first = sorted(row.seconds for row in results[sizes[0]] if row.seconds)
        if first:
            anchor = first[len(first) // 2]
            times.plot([sizes[0], sizes[-1]], [anchor, anchor * sizes[-1] / sizes[0]], "k:", label="linear (guide)")
    for axes, label in ((times, "seconds"), (memory, "peak memory (MB, PSS)")):
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.set_xticks(sizes, [f"{size:,}" for size in sizes])  # the sizes measured, written out
        axes.xaxis.set_minor_formatter(NullFormatter())
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        axes.yaxis.set_minor_formatter(FuncFormatter(_minor_label(axes)))
        axes.set_xlabel("articles")
        axes.set_ylabel(label)
        axes.grid(True, which="both", alpha=0.3)
        axes.legend(fontsize=8)
    times.set_title("time against size")
    memory.set_title("peak memory against size")
    if title:
        figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    target.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(target, dpi=100)
    plt.close(figure)
    return f"plot written to {target}"


def _minor_label(axes):
    """Minor ticks labelled only where the axis spans less than a decade (else they crowd)."""
    def label(value: float, _position: int) -> str:
        low, high = axes.get_ylim()
        return f"{value:g}" if high < 10 * low else ""
    return label


# -- disk -----------------------------------------------------------------------------------

# Bytes one article takes on disk at the peak of a run, ten spans each, measured at 2,000
# articles: the JSONL 4.1 kB (removed once imported) and its spans 0.5 kB, the project
# 7.8 kB once its spans are stored, the JSON export 6.9 kB (twice while its two workers'
# parts are joined), the workbook 1.8 kB, the agreement project 1.1 kB; with room to spare.
BYTES_PER_ARTICLE = 30_000


def disk_needed(documents: int) -> int:
    return documents * BYTES_PER_ARTICLE + 200_000_000


def check_disk(folder: Path, documents: int) -> str | None:
    """Why a run of ``documents`` articles in ``folder`` would fill its disk, or None if it fits."""
    free = shutil.disk_usage(folder).free
    needed = disk_needed(documents)
    if free < needed:
        return (f"{documents:,} articles need about {needed / 1e9:.1f} GB free in {folder}, which has "
                f"{free / 1e9:.1f} GB: free some space or give another folder with --workdir")
    return None


if __name__ == "__main__":
    # python benchmarks/scaling.py RESULT.json PLOT.png: the tables, the growth and the plot again
    meta, measured = read_result(Path(sys.argv[1]))
    for size, rows in sorted(measured.items()):
        print(f"\n{size:,} articles\n\n{size_table(size, rows)}")
    print("\n" + growth_table(growth(measured)))
    if len(sys.argv) > 2:
        print(plot(measured, Path(sys.argv[2]), meta.get("machine", "")))
