"""Exporting a project, every rule of it in one place: the formats Curator writes (each
with its name, file extensions and whether it holds one layer only), the format a typed
file name names, the default layer and the one-layer rule, and the one ``export()`` that
the window and the command line both call. It returns what it wrote and what it left
out. The formats below only write what they are given and what the store holds.

Light at the top: the command line reads ``FORMAT_NAMES`` for every command, so the
store and the writers are imported where an export runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from curator.errors import CuratorError

if TYPE_CHECKING:
    from curator.domain.jobs import Job
    from curator.formats.export import Decided
    from curator.formats.validate import Problem
    from curator.session.history import Session
    from curator.store import Store

ALL_LAYERS = "all"  # the choice of every layer at once (the command line's --layer all)
DEFAULT_LAYER = "gold"  # the layer an export holds when none is chosen, once it exists: what review settled


@dataclass(frozen=True)
class ExportFormat:
    """A format Curator writes. ``extensions``: the first is the one an export is given
    when the name typed has none of them; ``one_layer``: a file of it holds one layer,
    never every layer at once; ``dataset``: Curator's own dataset (validated whole, with
    facts and entities; the only kind a clean export writes); ``named_by_suffix``:
    whether its extension alone names it (``x.json`` is Curator's JSON unless Label
    Studio tasks were chosen beside the name)."""

    name: str
    title: str
    extensions: tuple[str, ...]
    one_layer: bool = False
    dataset: bool = False
    named_by_suffix: bool = True

    @property
    def suffix(self) -> str:
        return self.extensions[0]

    @property
    def label(self) -> str:
        return f"{self.title}, one layer" if self.one_layer else self.title

    @property
    def file_filter(self) -> str:
        """The file dialog's type filter: ``JSON lines (*.jsonl)``."""
        return f"{self.label} ({' '.join('*' + extension for extension in self.extensions)})"


EXPORT_FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("json", "JSON", (".json",), dataset=True),
    ExportFormat("jsonl", "JSON lines", (".jsonl",), dataset=True),
    ExportFormat("xlsx", "Excel workbook", (".xlsx",), dataset=True),
    ExportFormat("labelstudio", "Label Studio tasks", (".json",), named_by_suffix=False),
    ExportFormat("doccano", "doccano JSONL", (".jsonl",), named_by_suffix=False),
    ExportFormat("conll", "CoNLL BIO", (".conll", ".bio"), one_layer=True),
    ExportFormat("spacy", "spaCy DocBin", (".spacy",)),
    ExportFormat("prodigy", "Prodigy JSONL", (".jsonl",), named_by_suffix=False),
    ExportFormat("webanno", "WebAnno TSV", (".zip", ".tsv"), one_layer=True),
)
FORMAT_NAMES = tuple(fmt.name for fmt in EXPORT_FORMATS)
_BY_NAME = {fmt.name: fmt for fmt in EXPORT_FORMATS}
_BY_NAME["excel"] = _BY_NAME["xlsx"]  # (what the workbook is also called)
_BY_SUFFIX = {extension: fmt for fmt in EXPORT_FORMATS if fmt.named_by_suffix for extension in fmt.extensions}
LAYER_HELP = (f"an annotator's name, {DEFAULT_LAYER!r} or {ALL_LAYERS!r} (default: {DEFAULT_LAYER} once it "
              f"exists, else {ALL_LAYERS})")
# The agreement report's own files (the review window's Export agreement).
AGREEMENT_FILE, AGREEMENT_FILTER = "agreement.xlsx", "Excel workbook (*.xlsx);;JSON (*.json)"


def export_format(name: str, target: str | Path = "") -> ExportFormat:
    """The format called ``name`` (``excel`` is the workbook); else a CuratorError listing them."""
    found = _BY_NAME.get(name.lower())
    if found is None:
        where = f"{target}: " if str(target) else ""
        raise CuratorError(f"{where}unknown export format {name!r} (use one of {', '.join(FORMAT_NAMES)})")
    return found


def format_of(target: str | Path, fmt: str | None = None) -> ExportFormat:
    """The format asked for, or the one the target's extension names."""
    if fmt:
        return export_format(fmt, target)
    suffix = Path(target).suffix.lower()
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    raise CuratorError(f"{target}: unknown export format: no format has the extension {suffix or '(none)'!r}; "
                       f"name one with --format ({', '.join(FORMAT_NAMES)})")


def export_target(name: str | Path, chosen: str) -> tuple[Path, ExportFormat]:
    """The file and format of an export named ``name`` when ``chosen`` is the format picked
    beside it (a file dialog's type filter). The name typed wins: an extension that names
    a format is written in that format (``gold.json`` with the workbook filter left on is
    JSON); the chosen format stays where the extension is one of its own (Label Studio
    tasks are ``.json``); a name with no extension of a format gets the chosen format's."""
    path, picked = Path(name), export_format(chosen)
    suffix = path.suffix.lower()
    if suffix in picked.extensions:
        return path, picked
    if suffix in _BY_SUFFIX:
        return path, _BY_SUFFIX[suffix]
    return path.with_name(path.name + picked.suffix), picked


# -- layers -----------------------------------------------------------------------------------


def default_layer(store: Store) -> str | None:
    """The layer an export holds when none is chosen: gold once it exists, else every layer (None)."""
    return DEFAULT_LAYER if DEFAULT_LAYER in store.annotators() else None


def resolve_layer(store: Store, layer: str | None) -> str | None:
    """The annotator whose layer an export holds, None for every layer: ``all``, an
    annotator's name (checked, see ``known_layer``), gold, or the default when None."""
    from curator.session.project import known_layer

    if layer == ALL_LAYERS:
        return None
    if layer:
        return layer if layer == DEFAULT_LAYER else known_layer(store, layer)
    return default_layer(store)


def check_layer(fmt: ExportFormat, layer: str | None) -> None:
    """The one-layer rule: a format that holds one layer is refused every layer at once."""
    if fmt.one_layer and layer is None:
        raise CuratorError(f"{fmt.title} holds one layer: choose one annotator's layer, or {DEFAULT_LAYER}, "
                           "instead of every layer (--layer NAME)")


@dataclass(frozen=True)
class LayerChoice:
    """A layer offered for an export: its name (``all`` for every layer) and its spans."""

    name: str
    spans: int

    @property
    def layer(self) -> str | None:
        return None if self.name == ALL_LAYERS else self.name

    def __str__(self) -> str:
        return f"{self.name} ({self.spans:,} spans)"


def layer_choices(store: Store, fmt: ExportFormat | None = None) -> list[LayerChoice]:
    """The layers an export offers, the default first, each with its span count; a
    format of one layer is not offered every layer at once."""
    counts = store.spans_per_layer()
    layers = sorted(counts) if counts else store.annotators()
    default = default_layer(store) or ALL_LAYERS
    names = [default, *[name for name in [ALL_LAYERS, *layers] if name != default]]
    if fmt is not None and fmt.one_layer:
        names = [name for name in names if name != ALL_LAYERS]
    total = sum(counts.values())
    return [LayerChoice(name, total if name == ALL_LAYERS else counts.get(name, 0)) for name in names]


# -- the export ------------------------------------------------------------------------------


@dataclass
class ExportReport:
    """What an export wrote and what it left out: the file, format and layer (None: every
    layer), whether the layer was the default, the spans each layer holds, the warnings
    of validation, the work a gold export leaves out (in words) and a note when the gold
    layer holds a small part of the work. The window and the command line say the same."""

    target: Path
    format: ExportFormat
    layer: str | None
    chosen_for_you: bool = False
    spans_per_layer: dict[str, int] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    left_out: str | None = None
    thin_gold: str | None = None
    config: Path | None = None  # the labeling config written beside a Label Studio export

    @property
    def layer_text(self) -> str:
        return "every layer" if self.layer is None else f"layer {self.layer}"

    def summary(self) -> str:
        return f"Exported {self.format.title}, {self.layer_text}, to {self.target}" + (
            f", and its labeling config to {self.config.name}" if self.config else "")


def __getattr__(name: str):
    if name == "ExportRefused":  # what a refused export raises, for the window (imported when first asked for)
        from curator.formats.export import ExportRefused

        return ExportRefused
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def export(store: Store, target: str | Path, fmt: str | None = None, layer: str | None = None,
           job: Job | None = None, clean: bool = False) -> ExportReport:
    """Validate and export one layer (``layer``: a name, ``all``, or None for the default
    layer) in ``fmt`` or the format the target's extension names; raises ``ExportRefused``
    on errors in the data and writes nothing then. A clean export (Curator's dataset
    formats) also refuses while disagreements or near-duplicates are undecided, and
    leaves out the duplicates not kept."""
    target = Path(target)
    chosen = format_of(target, fmt)
    annotator = resolve_layer(store, layer)
    check_layer(chosen, annotator)
    if clean and not chosen.dataset:
        raise CuratorError(f"a clean export is written in Curator's own formats "
                           f"({', '.join(f.title for f in EXPORT_FORMATS if f.dataset)}), not {chosen.title}")
    counts = store.spans_per_layer()
    report = ExportReport(target, chosen, annotator, layer is None, counts)
    if annotator == DEFAULT_LAYER:
        report.left_out = gold_left_out(store, job)
        report.thin_gold = _thin_gold(counts)
    if chosen.dataset:
        report.warnings = _write_dataset(store, target, chosen.name, annotator, job,
                                         decide(store, chosen.name, job, clean))
    else:
        from curator.formats.interop import export_interop

        export_interop(store, target, chosen.name, annotator)
        if chosen.name == "labelstudio":
            from curator.formats.labelstudio import config_beside

            report.config = config_beside(target)
    return report


def _write_dataset(store: Store, target: Path, fmt: str, annotator: str | None, job: Job | None,
                   decided: Decided) -> list[Problem]:
    if fmt == "xlsx":
        from curator.formats.excel import (
            export_xlsx,  # the workbook code, only for a workbook
        )

        return export_xlsx(store, target, annotator, job, decided=decided)
    from curator.formats.export import export_json, export_jsonl

    writer = {"json": export_json, "jsonl": export_jsonl}[fmt]
    return writer(store, target, annotator, job, decided=decided)


def decide(store: Store, fmt: str, job: Job | None = None, clean: bool = False) -> Decided:
    """What the export of ``store`` in ``fmt`` writes besides the documents."""
    from curator.domain.models import GOLD
    from curator.formats.export import Decided

    problems: tuple[Problem, ...] = ()
    skip: frozenset[int] = frozenset()
    if clean:
        from curator.analysis.clean import clean_check

        blocking, dropped = clean_check(store, job)
        problems, skip = tuple(blocking), frozenset(dropped)
    agreement = None
    if fmt == "xlsx" and len(set(store.annotators()) - {GOLD}) >= 2:  # agreement needs two annotators
        # Imported here: numpy is for the workbook's agreement sheet alone.
        from curator.analysis.agreement import agreement_tables, compute_agreement

        agreement = agreement_tables(compute_agreement(store, job=job))
    return Decided(skip=skip, problems=problems, agreement=agreement)


def clean_problems(store: Store, job: Job | None = None) -> list[Problem]:
    """What refuses a clean export (open disagreements, undecided near-duplicates): the
    window checks it before it asks for a file name."""
    from curator.analysis.clean import clean_check

    return list(clean_check(store, job)[0])


def _thin_gold(counts: dict[str, int]) -> str | None:
    """A note when the gold layer holds less than half of the largest annotator's layer."""
    others = {name: count for name, count in counts.items() if name != DEFAULT_LAYER}
    if not others:
        return None
    biggest = max(others, key=others.get)
    gold = counts.get(DEFAULT_LAYER, 0)
    if gold >= others[biggest] / 2:
        return None
    return (f"the gold layer holds {gold:,} spans, against {others[biggest]:,} in {biggest}'s layer: most of "
            f"the work is not in this export (the layer {ALL_LAYERS!r}, or an annotator's, exports it; settle more "
            "in review to fill gold)")


def gold_left_out(store: Store, job: Job | None = None) -> str | None:
    """What a gold export leaves out, in words, or None: annotators' work the reviewer has
    not settled into gold yet (regions only one annotator tagged, agreements not yet
    accepted, open disagreements, category choices). The command line and the window
    both say it, so that no export drops work silently."""
    from curator.analysis.review import open_work

    work = open_work(store, job)
    if not work["documents"]:
        return None
    kinds = [(work["single"], "only one annotator tagged or classified (review: Single annotator; "
                              "Ctrl+Shift+S accepts them all)"),
             (work["agreements"], "agreed but not yet accepted (Ctrl+Shift+A accepts them all)"),
             (work["disagreements"], "still in disagreement")]
    parts = [f"{count:,} {what}" for count, what in kinds if count]
    return (f"the gold layer leaves out work not settled yet, in {work['documents']:,} document(s): "
            f"{'; '.join(parts)}")


def export_agreement(report, target: str | Path) -> None:
    """Write an agreement report as JSON, or as an Excel workbook with one sheet per table."""
    from curator.analysis.agreement import agreement_tables
    from curator.formats.excel import (
        export_agreement as write_agreement,  # only this needs the workbook code
    )

    write_agreement(report.to_dict(), agreement_tables(report), target)


class Exports:
    """What the export dialog asks of ``session``'s project: the check a clean export
    makes first, the layers to offer, the file name to suggest, and the export itself."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def clean_problems(self, job: Job | None = None) -> list[Problem]:
        return clean_problems(self.session.store, job)

    def layer_choices(self, fmt: ExportFormat | None = None) -> list[LayerChoice]:
        return layer_choices(self.session.store, fmt)

    def file_name(self, fmt: ExportFormat) -> str:
        """The file name an export in ``fmt`` is offered: the project's name."""
        return f"{self.session.project_name}{fmt.suffix}"

    def first_folder(self) -> Path:
        """Where a first export is offered: the folder the project's folder is in (a
        project on a server: the home folder)."""
        location = Path(str(self.session.store.location))
        return location.parent if location.is_dir() else Path.home()

    def export(self, target: str | Path, fmt: str | None = None, layer: str | None = None,
               job: Job | None = None, clean: bool = False) -> ExportReport:
        return export(self.session.store, target, fmt, layer, job, clean)
