"""File → Export: which layer, which file and format, checked first for a clean export,
and afterwards what the export left out or warned of, said in the window as on the
command line. A part of the main window, given it (never imported by it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from curator.session.exporting import FORMAT_SUFFIXES, export_target
from ui.workers import BackgroundTask

# The file dialog's type filters and the format each names.
KINDS = {"JSON (*.json)": "json", "JSON lines (*.jsonl)": "jsonl", "Excel workbook (*.xlsx)": "xlsx",
         "Label Studio tasks (*.json)": "labelstudio", "doccano JSONL (*.jsonl)": "doccano",
         "CoNLL BIO, one layer (*.conll)": "conll", "spaCy DocBin (*.spacy)": "spacy"}
NAMES = {fmt: title.split(" (")[0] for title, fmt in KINDS.items()}


class ExportController(QObject):
    """Exports for ``window`` (the main window: its store, session, settings, status bar
    and ``run_task``). The layer list says what each layer holds; the format is the one
    the typed name's suffix names, else the chosen filter's; a clean export is checked
    before a file name is asked for; the export's notes (work the gold layer leaves
    out, warnings) are shown when it is written. UI thread only."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.notes: QMessageBox | None = None

    def export_dialog(self, clean: bool = False) -> BackgroundTask | None:
        if clean:  # checked first: a refused export asks for no file name
            from curator.analysis.clean import clean_check

            w = self.window
            return w.run_task("Checking the clean export", lambda job: clean_check(w.store, job)[0],
                              lambda problems: self._after_clean_check(problems))
        return self._ask(clean=False)

    def _after_clean_check(self, problems: list) -> None:
        if problems:
            self.window.show_problems(problems, "Clean export refused")
            self.window.statusBar().showMessage(f"A clean export is refused: {len(problems)} problem(s) to decide "
                                                "first (listed)", 8000)
            return
        self._ask(clean=True)

    def _layers(self) -> list[str]:
        """The layers to choose from, the default first, each with its span count."""
        counts = self.window.store.spans_per_layer()
        layers = sorted(counts) if counts else self.window.store.annotators()
        default = "gold" if "gold" in layers else "all"
        names = [default, *[name for name in ["all", *layers] if name != default]]
        total = sum(counts.values())
        return [f"{name} ({total if name == 'all' else counts.get(name, 0):,} spans)" for name in names]

    def _ask(self, clean: bool) -> BackgroundTask | None:
        w = self.window
        choices = self._layers()
        chosen_layer, ok = QInputDialog.getItem(w, "Export clean dataset" if clean else "Export dataset",
                                                "Layer to export (gold: what the review settled):", choices, 0, False)
        if not ok:
            return None
        layer = chosen_layer.split(" (")[0]
        last = w.settings.recall("format.export")
        last = last if last in KINDS else "JSON (*.json)"
        name = f"{w.store.project.name}{FORMAT_SUFFIXES[KINDS[last]]}"
        suggested = Path(w.settings.recall("folder.export") or "") / name
        target, chosen = QFileDialog.getSaveFileName(w, "Export dataset", str(suggested), ";;".join(KINDS), last)
        if not target:
            return None
        w.settings.remember("folder.export", str(Path(target).parent))
        if chosen in KINDS:
            w.settings.remember("format.export", chosen)
        path, fmt = export_target(target, KINDS.get(chosen, "json"))
        if fmt == "conll" and layer == "all":  # CoNLL holds one layer: ask which, here and now
            single = [choice.split(" (")[0] for choice in choices if not choice.startswith("all ")]
            if not single:
                w.statusBar().showMessage("CoNLL holds one layer, and this project has no annotations yet", 6000)
                return None
            layer, ok = QInputDialog.getItem(w, "Export CoNLL", "CoNLL holds one layer. Layer to export:",
                                             single, 0, False)
            if not ok:
                return None
        return self.export_to(path, None if layer == "all" else layer, fmt, clean)

    def export_to(self, target: Path, annotator: str | None = None, fmt: str | None = None,
                  clean: bool = False) -> BackgroundTask:
        """Export in the background; when written, say so with the format, the layer, and
        any notes (work the gold layer leaves out, warnings) in a box beside the window."""
        from curator.formats.export import TOOL_FORMATS, ExportRefused, dataset_format
        from curator.formats.interop import export_interop
        from curator.session.exporting import export, gold_left_out

        w = self.window
        fmt = fmt or dataset_format(target)

        def work(job):
            left_out = gold_left_out(w.store, job) if annotator == "gold" else None
            if fmt in TOOL_FORMATS:
                export_interop(w.store, target, fmt, annotator)
                return left_out, []
            return left_out, export(w.store, target, fmt, annotator, job, clean=clean)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ExportRefused):
                w.show_problems(exc.problems, "Export refused")
            else:
                w._show_error(str(exc))

        def written(result) -> None:
            left_out, warnings = result
            layer = "every layer" if annotator is None else f"layer {annotator}"
            w._mark_saved(f"Exported {NAMES.get(fmt, fmt)}, {layer}, to {target}")
            if (left_out or warnings) and w.isVisible():  # (a window closed meanwhile has nobody to tell)
                self._show_notes(target, left_out, warnings)

        return w.run_task("Exporting", work, written, failed)

    def _show_notes(self, target: Path, left_out: str | None, warnings: list) -> None:
        lines = []
        if left_out:
            lines.append(f"Note: {left_out[0].upper()}{left_out[1:]}. Accept or settle them in the review window, "
                         "or export the layer “all” to keep every annotator's work.")
        if warnings:
            lines.append(f"{len(warnings):,} warning(s): File → Validate lists them, each with its document.")
        box = QMessageBox(QMessageBox.Icon.Information, "Exported", f"Exported to {target}.\n\n" + "\n\n".join(lines),
                          parent=self.window)
        box.setObjectName("export_notes")
        box.setWindowModality(Qt.WindowModality.NonModal)  # a note beside the work: it blocks nothing
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if warnings:
            box.setDetailedText("\n".join(str(w) for w in warnings[:2000]))
        if self.notes is not None:
            self.notes.accept()  # one note at a time: the last export's
        box.finished.connect(lambda _result: setattr(self, "notes", None))
        box.show()
        self.notes = box
