"""Two tabs of the review window: the agreement figures, and document categories settled
into gold. Each shows what the window gives it; decisions go back through the window."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from curator.session.exporting import AGREEMENT_FILE, AGREEMENT_FILTER, export_agreement
from curator.session.reviewing import (
    EXPLANATIONS,
    AgreementReport,
    CategoryItem,
    figure_text,
)
from ui.models.record_table_model import RecordTableModel
from ui.widgets.agreement_chart import LabelBarChart
from ui.widgets.table_views import make_table, select_row

METRICS = [("f1_exact", "F1 exact", EXPLANATIONS["f1_exact"]), ("f1_overlap", "F1 overlap", EXPLANATIONS["f1_overlap"]),
           ("kappa", "κ", EXPLANATIONS["kappa"]), ("alpha", "α", EXPLANATIONS["alpha"])]


class AgreementTab(QWidget):
    """The agreement figures: overall, a bar chart per label, and tables per label, per
    annotator pair (annotators numbered as in the other tabs), per document (by title)
    and per category set. Emits ``refresh_requested``. UI thread only."""

    refresh_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report: AgreementReport | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.overall = QLabel(self)
        self.overall.setWordWrap(True)
        top.addWidget(self.overall, 1)
        refresh = QPushButton("Refresh  (F5)", self)
        refresh.clicked.connect(self.refresh_requested)
        export = QPushButton("Export agreement…", self)
        export.clicked.connect(self.export_dialog)
        top.addWidget(refresh)
        top.addWidget(export)
        layout.addLayout(top)
        self.chart = LabelBarChart(self)
        layout.addWidget(self.chart, 2)
        tables = QTabWidget(self)
        self.label_model = RecordTableModel([("label", "Label", ""), ("spans", "Spans", "Spans of all annotators"),
                                             *METRICS], self)
        self.pair_model = RecordTableModel([("annotator_a", "Annotator A", ""), ("annotator_b", "Annotator B", ""),
                                            ("documents", "Documents", "Documents both worked on"),
                                            ("precision_exact", "P exact", EXPLANATIONS["precision_exact"]),
                                            ("recall_exact", "R exact", EXPLANATIONS["recall_exact"]),
                                            *METRICS[:3]], self)
        self.document_model = RecordTableModel([("document", "Document", ""), ("tokens", "Tokens", ""),
                                                ("f1_exact", "F1 exact", EXPLANATIONS["f1_exact"]),
                                                ("f1_overlap", "F1 overlap", EXPLANATIONS["f1_overlap"]),
                                                ("alpha", "α", EXPLANATIONS["alpha"])], self)
        self.category_model = RecordTableModel([
            ("set", "Category set", ""), ("documents", "Documents", "Documents two or more annotators classified"),
            ("kappa", "κ", "Cohen's kappa (mean over annotator pairs); a several-choice set counts each choice as "
                           "yes or no"),
            ("alpha", "α", "Krippendorff's alpha (nominal), all annotators at once")], self)
        for model, title in ((self.label_model, "Per label"), (self.pair_model, "Per annotator pair"),
                             (self.document_model, "Per document"), (self.category_model, "Per category set")):
            tables.addTab(make_table(model, tables), title)
        layout.addWidget(tables, 3)

    def show_report(self, report: AgreementReport, numbered: Callable[[str], str], titles: dict[str, str]) -> None:
        """``numbered``: an annotator's name as every tab shows it; ``titles``: by document uid."""
        self.report = report
        overall, fmt = report.overall, figure_text
        self.overall.setText(
            f"<b>{', '.join(map(numbered, report.annotators)) or 'No annotators'}</b>: {report.documents} documents "
            f"worked on by two or more, {report.tokens} tokens.  F1 exact {fmt(overall['f1_exact'])} · F1 overlap "
            f"{fmt(overall['f1_overlap'])} · κ {fmt(overall['kappa'])} · α {fmt(overall['alpha'])}")
        self.overall.setToolTip("\n".join(f"{k}: {v}" for k, v in EXPLANATIONS.items()))
        self.label_model.set_rows(report.labels)
        self.pair_model.set_rows([{**pair, "annotator_a": numbered(pair["annotator_a"]),
                                   "annotator_b": numbered(pair["annotator_b"])} for pair in report.pairs])
        self.document_model.set_rows([{**row, "document": titles.get(row["document"], row["document"])}
                                      for row in report.per_document])
        self.category_model.set_rows(report.categories)
        self.chart.set_rows(report.labels)

    def export_dialog(self) -> None:
        target, _ = QFileDialog.getSaveFileName(self, "Export agreement", AGREEMENT_FILE, AGREEMENT_FILTER)
        if target and self.report is not None:
            export_agreement(self.report, Path(target))


class CategoriesTab(QWidget):
    """Each (document, category set) annotators classified: every annotator's choices,
    numbered as in the other tabs, the gold choices and the status (open, agreed, single
    annotator, settled). UI thread only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.status = QLabel(self)
        layout.addWidget(self.status)
        self.model = RecordTableModel([("document", "Document", ""), ("set", "Category set", ""),
                                       ("versions", "Each annotator's choices", "1-9 accepts that "
                                        "annotator's choices into gold"),
                                       ("gold", "Gold", ""), ("status", "Status", "")], self)
        self.table = make_table(self.model, self, "No document was classified in a category set yet")
        layout.addWidget(self.table)
        hint = QLabel("1-9: accept that annotator's choices into gold · U: reopen · N / P: next / previous · "
                      "Ctrl+Shift+S: accept every set only one annotator chose in", self)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666")
        layout.addWidget(hint)
        self.items: list[CategoryItem] = []

    def show_items(self, items: list[CategoryItem], titles: dict[int, str], numbered: Callable[[str], str]) -> int:
        """Show ``items``; returns how many are open disagreements."""
        row = self.table.currentIndex().row()
        self.items = items
        self.model.set_rows([{
            "document": titles.get(item.doc_id) or item.doc_uid, "set": item.set_name,
            "versions": " · ".join(f"{numbered(who)}: {', '.join(choices)}"
                                   for who, choices in sorted(item.versions.items())),
            "gold": ", ".join(item.gold) if item.gold else "",
            "status": "settled" if item.settled else "single annotator" if item.single else
                      "agreed" if item.agreed else "open"} for item in items])
        open_count = sum(1 for item in items if not item.settled and not item.agreed)
        single = sum(1 for item in items if item.single and not item.settled)
        self.status.setText(f"{len(items)} classified, {open_count} open disagreement(s), {single} chosen by one "
                            "annotator alone and not yet in gold")
        if items:
            select_row(self.table, max(row, 0))
        return open_count

    def current(self) -> CategoryItem | None:
        row = self.table.currentIndex().row()
        return self.items[row] if 0 <= row < len(self.items) else None
