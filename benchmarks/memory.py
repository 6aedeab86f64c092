"""Memory of a process tree as the benchmarks report it: proportional set size (PSS).

A page shared by several processes (a forked worker's inherited heap, a library mapped
by every process) counts in each process's resident set size (RSS) in full, so summing
the RSS peaks of a server's forked workers counts it once per worker. PSS divides each
shared page among the processes that map it, so the PSS of every process in a tree,
summed, is the memory the tree holds. Linux keeps it in ``/proc/PID/smaps_rollup``
(since 4.14); the kernel keeps no PSS peak, so ``PeakSampler`` reads the tree's sum at a
fixed interval and keeps the largest: a peak shorter than the interval can be missed.

    python benchmarks/memory.py PID      # the tree's PSS now, in MB
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import Self

METHOD = "peak PSS (proportional set size) summed over the process tree, sampled every {interval:g} s"


def children(pid: int) -> list[int]:
    """The process's children now: each of its threads' ``children`` file (Linux 4.2 and
    later, without walking all of ``/proc``); [] once it has ended."""
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            found.extend(int(child) for child in (task / "children").read_text().split())
        except OSError:
            continue  # the thread ended while it was read
    return found


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants that are alive now."""
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        if current not in found:
            found.append(current)
            stack.extend(children(current))
    return found


def pss_kb(pid: int) -> int | None:
    """The process's proportional set size in kB, or None if it has ended (or cannot be read)."""
    parts = pss_parts_kb(pid)
    return None if parts is None else parts[0]


def pss_parts_kb(pid: int) -> tuple[int, int] | None:
    """The process's PSS in kB and, of it, the files mapped into memory (``Pss_File``: a
    SQLite database read through ``mmap_size`` counts there, page by page as it is read,
    though those pages are the system's file cache, not memory the process allocated);
    None if it has ended (or cannot be read)."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    total = mapped = None
    for line in rollup.splitlines():
        if line.startswith("Pss:"):
            total = int(line.split()[1])
        elif line.startswith("Pss_File:"):
            mapped = int(line.split()[1])
    return None if total is None else (total, mapped or 0)


def tree_pss(pid: int) -> float:
    """The summed PSS of ``pid`` and its descendants now, in MB (0 when all have ended)."""
    return sum(pss_kb(member) or 0 for member in tree(pid)) / 1024


def available() -> bool:
    """Whether this system reports PSS (Linux 4.14 or later)."""
    return pss_kb(os.getpid()) is not None


class PeakSampler:
    """Samples the summed PSS of some process trees on a thread of its own until stopped,
    and keeps the largest sum seen. Roots may be added while it runs (a server's second
    process). Use as a context manager, or ``start`` then ``stop``; ``peak`` is in MB."""

    def __init__(self, *pids: int, interval: float = 0.1) -> None:
        self.pids = list(pids)
        self.interval = interval
        self.peak = 0.0
        self.peak_file = 0.0  # of the peak, files mapped into memory (MB; see ``pss_parts_kb``)
        self.samples = 0
        self.largest_tree = 0  # the most processes one reading summed
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="pss-sampler")

    @property
    def method(self) -> str:
        return METHOD.format(interval=self.interval)

    def add(self, pid: int) -> None:
        self.pids.append(pid)

    def sample(self) -> float:
        """Read the trees' sum now (also called by the thread), updating the peak."""
        members = {member for root in self.pids for member in tree(root)}
        readings = [parts for parts in map(pss_parts_kb, members) if parts is not None]  # None: it has ended
        now = sum(total for total, _mapped in readings) / 1024
        if now > self.peak:
            self.peak, self.peak_file = now, sum(mapped for _total, mapped in readings) / 1024
        self.largest_tree = max(self.largest_tree, len(readings))
        self.samples += 1
        return now

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def start(self) -> PeakSampler:
        self._thread.start()
        return self

    def stop(self) -> float:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        return self.peak

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


if __name__ == "__main__":
    target = int(sys.argv[1])
    start = time.perf_counter()
    print(f"{tree_pss(target):.1f} MB PSS over {len(tree(target))} process(es), read in "
          f"{(time.perf_counter() - start) * 1000:.1f} ms")
