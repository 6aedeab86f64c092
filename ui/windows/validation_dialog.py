"""The validation report: each problem with its document, layer, offsets and reason."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from curator.session import Session
from curator.session.project import Settings
from curator.session.validating import Problem, Severity, document_titles
from ui.models.record_table_model import RecordTableModel
from ui.widgets.table_views import make_table
from ui.windows.geometry import RememberedLayout


class ValidationDialog(QDialog):
    """Lists problems, each with its document's title and the annotator whose layer holds
    it; the selected problem is shown whole below the list. Double-clicking one opens its
    document with the span selected, in the layer that holds it (the gold layer in the
    review window). Errors block an export, warnings do not. UI thread only.
    """

    def __init__(self, session: Session, problems: list[Problem], title: str, parent: QWidget | None = None,
                 settings: Settings | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.problems = problems
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        errors = sum(1 for p in problems if p.severity is Severity.ERROR)
        summary = QLabel(f"{errors} error(s), {len(problems) - errors} warning(s). "
                         + ("Errors block the export; nothing was written. " if errors else "")
                         + "Double-click a problem to open it, in the layer that holds it.", self)
        summary.setWordWrap(True)
        layout.addWidget(summary)
        self.model = RecordTableModel([("severity", "Severity", ""), ("document", "Document", ""),
                                       ("annotator", "Layer", "The annotator whose layer holds the problem"),
                                       ("offsets", "Offsets", ""), ("message", "Problem", "")], self)
        titles = self._titles()
        self.model.set_rows([{"severity": p.severity.value, "document": titles.get(p.doc_id) or p.doc_uid,
                              "annotator": p.annotator or "",
                              "offsets": f"{p.start}-{p.end}" if p.start is not None else "",
                              "message": p.message} for p in problems])
        self.table = make_table(self.model, self, "No problems: the data is ready to export")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in ((0, 64), (1, 200), (2, 90), (3, 80)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)  # the reason gets the rest
        self.table.doubleClicked.connect(lambda index: self.open_problem(index.row()))
        self.table.selectionModel().currentRowChanged.connect(lambda current, _p: self._show_whole(current.row()))
        layout.addWidget(self.table, 1)
        self.whole = QLabel(self)  # the selected problem, whole, however long its reason
        self.whole.setObjectName("problem_text")
        self.whole.setWordWrap(True)
        self.whole.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.whole.setMinimumHeight(self.whole.fontMetrics().lineSpacing() * 3)
        self.whole.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.whole)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.layout_memory = RememberedLayout(self, settings, "validation", (960, 520))
        if problems:
            self.table.selectRow(0)

    def _titles(self) -> dict[int, str]:
        ids = sorted({p.doc_id for p in self.problems if p.doc_id is not None})
        return document_titles(self.session, ids)

    def _show_whole(self, row: int) -> None:
        if 0 <= row < len(self.problems):
            problem = self.problems[row]  # (which says its layer)
            self.whole.setText(f"{self.model.row(row)['document']}: {problem}")

    def open_problem(self, row: int) -> None:
        problem = self.problems[row]
        if problem.doc_id is None:
            return
        self.session.show(problem.doc_id, problem.annotation_id, problem.start, problem.end, problem.annotator)
