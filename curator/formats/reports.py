"""What an import did and what it could not do: one report and one problem shape for
every reader (articles, other tools' files, Curator's exports, annotator layer files)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class ImportProblem(str):
    """Why one file, or one record of it, was not imported (or was, with a caveat). Reads
    as ``file: record: reason``, and carries those parts as ``file``, ``record`` and
    ``reason``."""

    file: str
    record: str | None
    reason: str

    def __new__(cls, file: str, reason: str, record: str | None = None) -> "ImportProblem":
        problem = super().__new__(cls, ": ".join(part for part in (file, record, reason) if part))
        problem.file, problem.record, problem.reason = file, record, reason
        return problem

    def __reduce__(self):  # pickled as what it is, with its parts (for worker processes)
        return ImportProblem, (self.file, self.reason, self.record)


class ProblemList(list):
    """A report's problems or warnings: the first ``KEEP`` kept whole, the rest only
    counted in ``dropped``. A file of millions of malformed records would otherwise hold
    a message for each in memory (a few hundred bytes each: gigabytes)."""

    KEEP = 10_000
    dropped = 0  # (a class default: unpickling extends the list before it sets the state)

    def __init__(self, items=()) -> None:
        super().__init__()
        self.extend(items)

    def append(self, item: ImportProblem) -> None:
        if len(self) < self.KEEP:
            super().append(item)
        else:
            self.dropped += 1

    def extend(self, items) -> None:
        for item in items:
            self.append(item)
        self.dropped += getattr(items, "dropped", 0)

    def __iadd__(self, items):
        self.extend(items)
        return self

    @property
    def total(self) -> int:
        """How many there were, kept or not."""
        return len(self) + self.dropped


@dataclass
class ImportReport:
    """What an import did: documents added (their ids) or already there, spans added,
    updated or already there, entities added; ``problems``: what was refused or skipped,
    each naming its file and record; ``warnings``: what was imported with a caveat."""

    added: list[int] = field(default_factory=list)
    already_present: list[str] = field(default_factory=list)
    spans_added: int = 0
    files_skipped: int = 0  # files of a folder of no type Curator imports
    layers: dict[str, int] = field(default_factory=dict)  # spans added to each annotator's layer (another tool's file)
    # A file's labels taken as the project's (--map, or as chosen before): label -> (ours or None: left out, spans)
    taken_as: dict[str, tuple[str | None, int]] = field(default_factory=dict)
    spans_updated: int = 0
    spans_before: list[Any] = field(default_factory=list)  # the spans it changed, as they were: its undo puts them back
    spans_present: int = 0
    entities_added: int = 0
    categories_added: int = 0
    statuses_set: int = 0  # documents marked done (or to do again)
    suggestions_added: int = 0
    suggestions_on_known: list[str] = field(default_factory=list)  # ids of those added to documents already there
    missing_labels: dict[str, int] = field(default_factory=dict)  # labels the project lacks: spans skipped
    relations_added: int = 0
    relations_on_known: list[str] = field(default_factory=list)  # ids of relations added to documents already there
    relations_present: int = 0
    missing_relation_labels: dict[str, int] = field(default_factory=dict)  # relations skipped for want of them
    undated: list[str] = field(default_factory=list)  # uids of documents added with no date found
    read_as: list[tuple[str, str]] = field(default_factory=list)  # (file, what it was taken for)
    annotator: str = ""
    spans_on_known: list[str] = field(default_factory=list)  # ids of spans added to documents already there
    # The statuses it set on documents already there, as they were before (``Store.set_statuses``): its undo puts them back.
    statuses_before: list[tuple[int, str, str | None, datetime | None]] = field(default_factory=list)
    categories_before: list[tuple[int, str, str, list[str], datetime | None]] = field(default_factory=list)  # the same
    problems: ProblemList = field(default_factory=ProblemList)
    warnings: ProblemList = field(default_factory=ProblemList)

    def skip(self, file: str, record: str | None, reason: str) -> None:
        """Report that ``record`` of ``file`` (or the whole file) was skipped, and why."""
        self.problems.append(ImportProblem(file, reason, record))

    def merge(self, other: "ImportReport") -> None:
        """Add what another file's import did to this report."""
        self.added += other.added
        self.already_present += other.already_present
        self.spans_added += other.spans_added
        self.files_skipped += other.files_skipped
        for name, count in other.layers.items():
            self.layers[name] = self.layers.get(name, 0) + count
        for name, (ours, count) in other.taken_as.items():
            self.taken_as[name] = (ours, self.taken_as.get(name, (ours, 0))[1] + count)
        self.spans_updated += other.spans_updated
        self.spans_present += other.spans_present
        self.entities_added += other.entities_added
        self.categories_added += other.categories_added
        self.statuses_set += other.statuses_set
        self.suggestions_added += other.suggestions_added
        self.read_as += other.read_as
        self.statuses_before += other.statuses_before
        self.categories_before += other.categories_before
        for label, count in other.missing_labels.items():
            self.missing_labels[label] = self.missing_labels.get(label, 0) + count
        self.relations_added += other.relations_added
        self.relations_on_known += other.relations_on_known
        self.relations_present += other.relations_present
        for label, count in other.missing_relation_labels.items():
            self.missing_relation_labels[label] = self.missing_relation_labels.get(label, 0) + count
        self.undated += other.undated
        self.spans_on_known += other.spans_on_known
        self.spans_before += other.spans_before
        self.suggestions_on_known += other.suggestions_on_known
        self.problems += other.problems
        self.warnings += other.warnings

    def summary(self) -> str:
        parts = []
        if self.added or not (self.annotator or self.spans_added or self.spans_updated or self.spans_present):
            parts.append(f"{len(self.added)} document(s) imported")
        if self.already_present:
            parts.append(f"{len(self.already_present)} already in the project")
        if self.spans_added or self.annotator:
            parts.append(f"{self.spans_added} span(s) added" + self._where_added())
        if self.spans_updated or self.annotator:
            parts.append(f"{self.spans_updated} {'updated' if parts and 'span(s)' in parts[-1] else 'span(s) updated'}")
        if self.spans_present or self.annotator:
            parts.append(f"{self.spans_present} already present")
        if self.entities_added or self.annotator:
            parts.append(f"{self.entities_added} entit(ies) added")
        if self.statuses_set:
            parts.append(f"{self.statuses_set} status(es) set")
        if self.categories_added:
            parts.append(f"{self.categories_added} document categor(ies) set")
        if self.suggestions_added:
            parts.append(f"{self.suggestions_added} suggestion(s) added")
        if self.relations_added or self.relations_present:
            parts.append(f"{self.relations_added} relation(s) added"
                         + (f", {self.relations_present} already present" if self.relations_present else ""))
        if self.taken_as:
            parts.append("labels taken as the project's: " + ", ".join(
                f"{name} ({count:,}) {'as ' + ours if ours else 'left out'}"
                for name, (ours, count) in sorted(self.taken_as.items())))
        if self.undated:
            names = ", ".join(self.undated[:3]) + (f" and {len(self.undated) - 3:,} more" if len(self.undated) > 3 else "")
            parts.append(f"{len(self.undated):,} without a date ({names}): relative dates in them stay unresolved "
                         "until their date is set")
        if self.files_skipped:
            parts.append(f"{self.files_skipped:,} file(s) of no type Curator imports skipped")
        if self.problems:
            parts.append(f"{self.problems.total:,} problem(s)")
        return self._files_read() + (f"{self.annotator}: " if self.annotator else "") + ", ".join(parts)

    def _where_added(self) -> str:
        """Whose layers an annotated file's spans went to: the window shows its user theirs."""
        if not self.layers:
            return ""
        if len(self.layers) == 1:
            return f" to the layer {next(iter(self.layers))!r}"
        named = sorted(self.layers.items(), key=lambda item: (-item[1], item[0]))
        listed = ", ".join(f"{name!r} ({count:,})" for name, count in named[:5])
        return f" to {len(self.layers)} layers: {listed}{', ...' if len(named) > 5 else ''}"

    def _files_read(self) -> str:
        """What each annotated file was taken for ("tasks.json read as a Label Studio JSON export. ")."""
        by_kind: dict[str, list[str]] = {}
        for file, kind in self.read_as:
            by_kind.setdefault(kind, []).append(file.replace("\\", "/").rsplit("/", 1)[-1])
        said = [f"{', '.join(files)} read as {kind}" if len(files) <= 3 else f"{len(files):,} files read as {kind}"
                for kind, files in by_kind.items()]
        return "; ".join(said) + ". " if said else ""
