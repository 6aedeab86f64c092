"""File → Import: articles and annotated files, in the background, and the question a
file with labels the project lacks asks. A part of the main window, given it (never
imported by it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
)

from curator.domain.names import file_annotators
from curator.errors import CuratorError
from curator.session.label_edits import unusable_labels
from ui.workers import BackgroundTask

ADD = "+"  # a missing label's choice: add it to the project (the other choices: a label's name, or None)


def import_filter() -> str:
    """The import dialog's type filter: every extension the importers read, then all files
    (a file of annotations is told by its content, whatever its name)."""
    from curator.session.importing import (
        import_suffixes,  # (the readers load when first used)
    )

    patterns = " ".join(f"*{suffix}" for suffix in import_suffixes())
    return (f"Articles and annotated files: Curator, Label Studio, doccano, CoNLL, spaCy, Prodigy, WebAnno TSV "
            f"({patterns});;All files (*)")


class ImportController(QObject):
    """Imports for ``window`` (the main window: its queries, settings, status bar, document
    list and ``run_task``). UI thread only."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window

    def import_dialog(self, annotator: str | dict[str, str] | None = None, into_gold: bool = False) -> BackgroundTask | None:
        w = self.window
        files, _ = QFileDialog.getOpenFileNames(
            w, "Import articles or annotated files", w.settings.recall("folder.import") or "", import_filter())
        if files:
            w.settings.remember("folder.import", str(Path(files[0]).parent))
            return self.import_paths([Path(f) for f in files], annotator, into_gold)
        return None

    def options_dialog(self) -> QDialog:
        """File → Import annotated files as…: whose work the files are (CoNLL and a bare
        doccano file name nobody), and whether their gold layer goes into gold; then the
        files, as ``import_dialog`` (``curator import --annotator NAME --gold``)."""
        w = self.window
        dialog = QDialog(w)
        dialog.setObjectName("import_options")
        dialog.setWindowTitle("Import annotated files as…")
        form = QFormLayout(dialog)
        who = QLineEdit(dialog)
        who.setObjectName("import_annotator")
        who.setPlaceholderText("as each file names them; or one name; or 1=ana, 2=ben")
        form.addRow("Whose work each file is:", who)
        gold = QCheckBox("Take the files' gold layer into gold (the reviewed layer)", dialog)
        gold.setObjectName("import_gold")
        form.addRow(gold)
        problem = QLabel(dialog)
        problem.setObjectName("import_options_problem")
        problem.setWordWrap(True)
        form.addRow(problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Choose files…")
        form.addRow(buttons)
        chosen: dict[str, Any] = {}

        def accept() -> None:
            try:  # (a name, or names for the files' annotators: the command line's check)
                chosen["annotator"] = file_annotators(who.text())
            except CuratorError as exc:
                problem.setText(str(exc))
                return
            dialog.accept()

        buttons.accepted.connect(accept)
        buttons.rejected.connect(dialog.reject)
        dialog.accepted.connect(lambda: self.import_dialog(chosen["annotator"], gold.isChecked()))
        dialog.open()
        return dialog

    def import_paths(self, paths: list[Path], annotator: str | dict[str, str] | None = None,
                     into_gold: bool = False) -> BackgroundTask:
        # The readers and writers of files are imported when first used, not while the window starts.
        from curator.session.importing import import_paths

        w = self.window
        return w.run_task("Importing", lambda job: import_paths(w.session, paths, job, annotator=annotator,
                                                                into_gold=into_gold),
                          lambda report: self._on_imported(report, paths, annotator, into_gold), origin="import")

    def ask_to_add_labels(self, missing: dict[str, int], paths: list[Path], annotator: str | dict[str, str] | None = None,
                          into_gold: bool = False) -> QDialog:
        """The files use labels the project lacks: for each, add it, take its spans as one of
        the project's labels (the one it conventionally is, first: GPE as LOCATION), or
        leave them out; then import their spans (``curator import --add-labels --map``)."""
        w = self.window
        dialog = QDialog(w)
        dialog.setObjectName("missing_labels")
        dialog.setWindowTitle("Labels the project lacks")
        dialog.setMinimumWidth(440)
        form = QFormLayout(dialog)
        explained = QLabel("The imported files use labels this project does not have. What should each "
                           "one's spans become? (Labels → Edit labels and categories changes labels later.)")
        explained.setWordWrap(True)
        form.addRow(explained)
        unusable = unusable_labels(list(missing))
        equivalents = w.queries.equivalent_labels(list(missing))
        ours = [label.name for label in w.session.schema.labels]
        choices: dict[str, QComboBox] = {}
        for name, count in sorted(missing.items()):
            choice = QComboBox(dialog)
            choice.setObjectName(f"missing_label_{name}")
            if name not in unusable:
                choice.addItem(f"a new label {name}", ADD)
            for label in ours:
                choice.addItem(f"{label} spans", label)
            choice.addItem("left out", None)
            choice.setCurrentIndex(choice.findData(equivalents.get(name) or (ADD if name not in unusable else None)))
            if name in unusable:
                choice.setToolTip(f"Not usable as a label name: {unusable[name]}")
            choices[name] = choice
            form.addRow(f"{name} ({count:,} span{'s' if count > 1 else ''})", choice)
        buttons = QDialogButtonBox(dialog)
        buttons.addButton("Import their spans", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Leave them out", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)

        def answered(result: int) -> None:
            chosen = {name: choice.currentData() for name, choice in choices.items()}
            added = sorted(name for name, what in chosen.items() if what == ADD)
            taken = {name: what for name, what in chosen.items() if what not in (ADD, None)}
            left = sorted(name for name, what in chosen.items() if what is None)
            # (those left out go quietly: the curator chose so, and a problem would say otherwise)
            mapped = {**taken, **dict.fromkeys(left)}
            if result != QDialog.DialogCode.Accepted or not (added or taken):
                w.statusBar().showMessage(f"Spans with {', '.join(sorted(missing))} were not imported", 8000)
                return
            command = w.queries.add_found_labels(added) if added else None
            if command is not None and not w.apply(command):
                return
            from curator.session.importing import import_paths

            w.run_task("Importing", lambda job: import_paths(w.session, paths, job, annotated_only=True,
                                                              annotator=annotator, into_gold=into_gold, labels=mapped),
                       self._on_imported, origin="import")

        dialog.finished.connect(answered)
        dialog.open()
        return dialog

    def _on_imported(self, report, paths: list[Path] | None = None, annotator: str | dict[str, str] | None = None,
                     into_gold: bool = False) -> None:
        w = self.window
        w._update_counts()
        w._mark_saved(report.summary())
        if report.missing_labels and paths:
            self.ask_to_add_labels(report.missing_labels, paths, annotator, into_gold)
            return
        if report.problems or report.warnings:
            box = QMessageBox(QMessageBox.Icon.Warning, "Import", report.summary(), parent=w)
            box.setDetailedText("\n".join(str(p) for p in [*report.problems, *report.warnings]))
            box.open()
        if w.document is None and w.documents.rowCount():
            w.select_row(0)
