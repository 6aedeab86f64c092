"""The learned recommender's settings, kept in the project: learning on or off, the
confidence a learned suggestion needs to be shown (all labels, and per label), and how
soon the window retrains by itself."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QSpinBox,
    QWidget,
)

from curator.session.learning import Learning, LearningSettings


def _confidence(parent: QWidget, value: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox(parent)
    box.setRange(0.0, 1.0)
    box.setSingleStep(0.05)
    box.setDecimals(2)
    box.setValue(value)
    return box


def _count(parent: QWidget, value: int, unit: str) -> QSpinBox:
    box = QSpinBox(parent)
    box.setRange(0, 10_000)
    box.setValue(value)
    box.setSpecialValueText("never by itself")
    box.setSuffix(f" {unit}")
    return box


class LearningSettingsDialog(QDialog):
    """Edits a project's ``LearningSettings``; ``settings()`` is what the form says. A
    label's threshold equal to the one for all labels is not kept apart. UI thread only."""

    def __init__(self, settings: LearningSettings, labels: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Learning settings")
        self.setObjectName("learning_settings")
        self._before = settings
        form = QFormLayout(self)
        self.enabled = QCheckBox("Learn from the finished documents and suggest what was learned", self)
        self.enabled.setChecked(settings.enabled)
        form.addRow(self.enabled)
        self.threshold = _confidence(self, settings.threshold)
        form.addRow("Show learned suggestions from a confidence of", self.threshold)
        self.per_label: dict[str, QDoubleSpinBox] = {}
        for label in labels:
            self.per_label[label] = box = _confidence(self, settings.threshold_for(label))
            box.setObjectName(f"threshold_{label}")
            form.addRow(f"    {label}", box)
        self.after_spans = _count(self, settings.retrain_after_spans, "spans added")
        form.addRow("Retrain by itself after", self.after_spans)
        self.after_documents = _count(self, settings.retrain_after_documents, "documents marked done")
        form.addRow("or after", self.after_documents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def settings(self) -> LearningSettings:
        default = round(self.threshold.value(), 2)
        thresholds = {label: round(box.value(), 2) for label, box in self.per_label.items()
                      if round(box.value(), 2) != default}
        kept = {label: value for label, value in self._before.thresholds.items() if label not in self.per_label}
        return self._before.model_copy(update={
            "enabled": self.enabled.isChecked(), "threshold": default, "thresholds": {**kept, **thresholds},
            "retrain_after_spans": self.after_spans.value(), "retrain_after_documents": self.after_documents.value()})


def open_learning_settings(window: Any, learning: Learning) -> LearningSettingsDialog:
    """Open the dialog (not blocking the window); saved in the project when accepted, and
    the open document's suggestions shown again at the new thresholds."""
    dialog = LearningSettingsDialog(learning.settings, learning.learnable(), window)

    def save() -> None:
        learning.save_settings(dialog.settings())
        window.suggestion_control.refresh()

    dialog.accepted.connect(save)
    dialog.open()
    return dialog
