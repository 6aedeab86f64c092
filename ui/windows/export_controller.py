"""File → Export: which layer, which file and format, checked first for a clean export,
and afterwards what the export left out or warned of, said in the window as on the
command line. A part of the main window, given it (never imported by it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from curator.session.exporting import (
    ALL_LAYERS,
    EXPORT_FORMATS,
    ExportReport,
    Exports,
    export_target,
)
from ui.workers import BackgroundTask

# The file dialog's type filters, each the format's own (said once, in the core).
FILTERS = {fmt.file_filter: fmt for fmt in EXPORT_FORMATS}


class ExportController(QObject):
    """Exports for ``window`` (the main window: its exports, session, settings, status bar
    and ``run_task``). The layer list says what each layer holds; the format is the one
    the typed name's suffix names, else the chosen filter's; a clean export is checked
    before a file name is asked for; the export's notes (work the gold layer leaves
    out, warnings) are shown when it is written. UI thread only."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.project = Exports(window.session)
        self.notes: QMessageBox | None = None

    def export_dialog(self, clean: bool = False) -> BackgroundTask | None:
        if clean:  # checked first: a refused export asks for no file name
            w = self.window
            return w.run_task("Checking the clean export", lambda job: self.project.clean_problems(job),
                              lambda problems: self._after_clean_check(problems))
        return self._ask(clean=False)

    def _after_clean_check(self, problems: list) -> None:
        if problems:
            self.window.show_problems(problems, "Clean export refused")
            self.window.statusBar().showMessage(f"A clean export is refused: {len(problems)} problem(s) to decide "
                                                "first (listed)", 8000)
            return
        self._ask(clean=True)

    def _ask(self, clean: bool) -> BackgroundTask | None:
        w = self.window
        choices = [str(choice) for choice in self.project.layer_choices()]
        chosen_layer, ok = QInputDialog.getItem(w, "Export clean dataset" if clean else "Export dataset",
                                                "Layer to export (gold: what the review settled):", choices, 0, False)
        if not ok:
            return None
        layer = chosen_layer.split(" (")[0]
        filters = {title: fmt for title, fmt in FILTERS.items() if fmt.dataset or not clean}
        last = w.settings.recall("format.export")
        last = last if last in filters else next(iter(filters))
        suggested = self._export_folder() / self.project.file_name(filters[last])
        target, chosen = QFileDialog.getSaveFileName(w, "Export dataset", str(suggested), ";;".join(filters), last)
        if not target:
            return None
        w.settings.remember("folder.export", str(Path(target).parent))
        if chosen in filters:
            w.settings.remember("format.export", chosen)
        path, fmt = export_target(target, filters.get(chosen, EXPORT_FORMATS[0]).name)
        if fmt.one_layer and layer == ALL_LAYERS:  # a format of one layer: ask which, here and now
            single = [str(choice) for choice in self.project.layer_choices(fmt)]
            if not single:
                w.statusBar().showMessage(f"{fmt.title} holds one layer, and this project has no annotations yet",
                                          6000)
                return None
            layer, ok = QInputDialog.getItem(w, f"Export {fmt.title}", f"{fmt.title} holds one layer. Layer to "
                                             "export:", single, 0, False)
            if not ok:
                return None
            layer = layer.split(" (")[0]
        return self.export_to(path, layer, fmt.name, clean)

    def _export_folder(self) -> Path:
        """Where an export goes unless the curator says: the last export's folder; at first
        the folder the project's folder is in (a project on a server: the home folder)."""
        remembered = self.window.settings.recall("folder.export")
        return Path(remembered) if remembered else self.project.first_folder()

    def export_to(self, target: Path, layer: str | None = None, fmt: str | None = None,
                  clean: bool = False) -> BackgroundTask:
        """Export ``layer`` (a name; None or ``all`` for every layer) in the background,
        through the export the command line calls; when written, say so with the format, the
        layer, and any notes (work the gold layer leaves out, warnings) in a box beside
        the window."""
        from curator.session.exporting import ExportRefused

        w = self.window

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ExportRefused):
                w.show_problems(exc.problems, "Export refused")
            else:
                w._show_error(str(exc))

        def written(report: ExportReport) -> None:
            w._mark_saved(report.summary())
            if (report.left_out or report.thin_gold or report.warnings) and w.isVisible():  # (a window closed meanwhile has nobody to tell)
                self._show_notes(report)

        return w.run_task("Exporting", lambda job: self.project.export(target, fmt, layer or ALL_LAYERS, job, clean=clean),
                          written, failed)

    def _show_notes(self, report: ExportReport) -> None:
        target, left_out, warnings = report.target, report.left_out, report.warnings
        lines = []
        if left_out:
            lines.append(f"Note: {left_out[0].upper()}{left_out[1:]}. Accept or settle them in the review window, "
                         "or export the layer “all” to keep every annotator's work.")
        if report.thin_gold:
            lines.append(f"Note: {report.thin_gold[0].upper()}{report.thin_gold[1:]}.")
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
