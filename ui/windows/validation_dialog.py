"""The validation report: each problem with its document, offsets and reason."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from curator.formats.validate import Problem, Severity
from curator.session import Session
from ui.models.record_table_model import RecordTableModel
from ui.widgets.table_views import make_table


class ValidationDialog(QDialog):
    """Lists problems; double-clicking one opens its document with the span selected.

    Errors block an export, warnings do not. UI thread only.
    """

    def __init__(self, session: Session, problems: list[Problem], title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
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
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)  # the reason, whole
        self.table.doubleClicked.connect(lambda index: self.open_problem(index.row()))
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def open_problem(self, row: int) -> None:
        problem = self.problems[row]
        if problem.doc_id is None:
            return
        self.session.show(problem.doc_id, start=problem.start, end=problem.end)
