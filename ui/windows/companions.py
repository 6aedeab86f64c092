"""The windows beside the annotation window (review, duplicates, facts, labels, help, the
validation list) and the annotator's name, opened for the main window, given it (never
imported by it). Each window is given the session, not the main window."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog

from curator.domain.models import GOLD
from curator.session import ShowRequested
from ui.windows.help_sheet import HelpSheet, menu_sections
from ui.windows.label_editor import LabelEditor
from ui.windows.validation_dialog import ValidationDialog
from ui.workers import BackgroundTask


class Companions(QObject):
    """Opens (once) and keeps the windows of ``window`` (the main window). UI thread only."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.review_window = self.duplicates_window = self.facts_window = self.help_sheet = self.label_editor = None
        self.validation_dialog: ValidationDialog | None = None

    def on_reviewer_toggled(self, checked: bool) -> None:
        w = self.window
        w.settings.reviewer = checked
        w.review_action.setEnabled(checked)
        w.update_title()
        if checked:
            self.open_review()
        elif self.review_window is not None:
            self.review_window.close()  # annotators work blind

    def open_review(self, doc_id: int | None = None):
        """The review window (reviewers only: annotators work blind), at ``doc_id``'s items if given."""
        w = self.window
        if not w.settings.reviewer:
            w.statusBar().showMessage("Annotators work blind: turn on Review → Work as reviewer first", 5000)
            return None
        if self.review_window is None:
            # Imported when first opened (it brings numpy), not while the window starts.
            from ui.windows.review_window import ReviewWindow

            self.review_window = ReviewWindow(w.session, w, w.settings)
            self.review_window.duplicates_requested.connect(self.open_duplicates)
            from ui.windows.relation_review_tab import RelationReviewTab

            self.review_window.relations_tab = RelationReviewTab(w.session, self.review_window)
            self.review_window.tabs.addTab(self.review_window.relations_tab, "Relations")
        self.review_window.show()
        self.review_window.raise_()
        if doc_id is not None:
            self.review_window.show_document(doc_id)
        return self.review_window

    def open_duplicates(self):
        """The Duplicates area: articles and entities reported by several sources."""
        if self.duplicates_window is None:
            from ui.windows.duplicates_window import (
                DuplicatesWindow,  # when first opened
            )

            self.duplicates_window = DuplicatesWindow(self.window.session, self.window, self.window.settings)
        self.duplicates_window.show()
        self.duplicates_window.raise_()
        self.duplicates_window.activateWindow()
        return self.duplicates_window

    def open_facts(self):
        """Facts across sources: the same measure reported by several articles, the value to
        accept, with its sources (a window of its own)."""
        if self.facts_window is None:
            from ui.windows.facts_window import FactsWindow  # when first opened

            self.facts_window = FactsWindow(self.window.session, self.window, self.window.settings)
        self.facts_window.show()
        self.facts_window.raise_()
        self.facts_window.activateWindow()
        return self.facts_window

    def open_label_editor(self) -> LabelEditor:
        """Labels → Edit labels and categories: a window beside the work."""
        if self.label_editor is None:
            self.label_editor = LabelEditor(self.window.session, self.window)
        self.label_editor.show()
        self.label_editor.raise_()
        self.label_editor.activateWindow()
        return self.label_editor

    def show_help(self) -> HelpSheet:
        w = self.window
        if self.help_sheet is None:
            self.help_sheet = HelpSheet(lambda: menu_sections(w.menuBar()), w.schema, w)
        self.help_sheet.show_sheet()
        return self.help_sheet

    def show_problems(self, problems, title: str) -> ValidationDialog:
        self.validation_dialog = ValidationDialog(self.window.session, problems, title, self.window,
                                                  self.window.settings)
        self.validation_dialog.open()
        return self.validation_dialog

    def validate_project(self) -> BackgroundTask:
        """Check the whole project in the background and list what is wrong."""
        w = self.window
        return w.run_task("Validating", lambda job: w.queries.validate(job),
                          lambda problems: self.show_problems(problems, "Validation"))

    def open_layer_of(self, event: ShowRequested) -> bool:
        """A problem in a layer the window does not show (another annotator's, or gold):
        the gold layer opens in review at its document; another annotator's is offered
        to switch to. True when the main window should go on to show it itself."""
        w = self.window
        if event.annotator is None or event.annotator == w.annotator:
            return True
        if event.annotator == GOLD:
            if not w.settings.reviewer:
                w.reviewer_action.setChecked(True)  # the gold layer is the reviewer's
            self.open_review(event.doc_id)
            return False
        question = QInputDialog(w)
        question.setObjectName("switch_layer")
        question.setWindowTitle("Another annotator's layer")
        question.setLabelText(f"This is in {event.annotator}'s layer; you annotate as {w.annotator}.\n"
                              f"Work as {event.annotator} to change it? (File → Set annotator name switches back.)")
        question.setComboBoxItems([f"Work as {event.annotator}", f"Stay {w.annotator}"])

        def answered(choice: str) -> None:
            if choice.startswith("Work as"):
                w.set_annotator(event.annotator)
                w.statusBar().showMessage(f"Working as {event.annotator}, in whose layer the problem is: File → "
                                          "Set annotator name switches back", 10000)
                w.show_requested(ShowRequested(event.doc_id, event.annotation_id, event.start, event.end))

        question.textValueSelected.connect(answered)
        question.open()
        return True

    def welcome(self) -> QInputDialog:
        """At the first start, ask the curator's name (not modal to the app: a window-modal
        sheet); until they give one, they annotate under their login name."""
        w = self.window
        dialog = QInputDialog(w)
        dialog.setObjectName("welcome")
        dialog.setWindowTitle("Welcome to Curator")
        dialog.setLabelText("Your annotator name. It names your layer of annotations and your edits;\n"
                            "File → Set annotator name changes it later.")
        dialog.setTextValue(w.annotator)
        dialog.textValueSelected.connect(lambda name: name.strip() and w.set_annotator(name.strip()))
        dialog.rejected.connect(lambda: w.statusBar().showMessage(
            f"Annotating as {w.annotator}: File → Set annotator name to choose your name", 8000))
        dialog.open()
        return dialog

    def annotator_dialog(self) -> None:
        w = self.window
        name, ok = QInputDialog.getText(w, "Annotator", "Your annotator name:", text=w.annotator)
        if ok and name.strip():
            w.set_annotator(name.strip())
