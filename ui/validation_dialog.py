"""The validation report: each problem with its document, offsets and reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from curator.validate import Problem, Severity
from ui.record_table_model import RecordTableModel
from ui.table_views import make_table

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class ValidationDialog(QDialog):
    """Lists problems; double-clicking one opens its document with the span selected.

    Errors block an export, warnings do not. UI thread only.
    """

    def __init__(self, main: "MainWindow", problems: list[Problem], title: str) -> None:
        super().__init__(main)
        self.main = main
        self.problems = problems
        self.setWindowTitle(title)
        self.resize(900, 480)
        layout = QVBoxLayout(self)
        errors = sum(1 for p in problems if p.severity is Severity.ERROR)
        summary = QLabel(f"{errors} error(s), {len(problems) - errors} warning(s). "
                         + ("Errors block the export; nothing was written. " if errors else "")
                         + "Double-click a problem to open it.", self)
        summary.setWordWrap(True)
        layout.addWidget(summary)
        self.model = RecordTableModel([("severity", "Severity", ""), ("document", "Document", ""),
                                       ("offsets", "Offsets", ""), ("message", "Problem", "")], self)
        self.model.set_rows([{"severity": p.severity.value, "document": p.doc_uid,
                              "offsets": f"{p.start}-{p.end}" if p.start is not None else "",
                              "message": p.message} for p in problems])
        self.table = make_table(self.model, self)
        self.table.doubleClicked.connect(lambda index: self.open_problem(index.row()))
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def open_problem(self, row: int) -> None:
        problem = self.problems[row]
        if problem.doc_id is None:
            return
        self.main.select_document(problem.doc_id)
        if self.main.document is not None and problem.start is not None:
            length = len(self.main.document.text)
            start, end = min(problem.start, length), min(problem.end or problem.start, length)
            self.main.article.set_selection(start, end)
            self.main.article.ensureCursorVisible()
