"""A bar chart of agreement per label, painted directly (no chart module needed)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

SERIES = (("f1_exact", "F1 exact", "#4c72b0"), ("f1_overlap", "F1 overlap", "#55a868"), ("alpha", "alpha", "#c44e52"))


class LabelBarChart(QWidget):
    """Grouped bars (F1 exact, F1 overlap, alpha) for each label, on a 0-1 scale. UI thread only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[dict] = []
        self.setMinimumHeight(220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_rows(self, rows: list[dict]) -> None:
        self._rows = [row for row in rows if row.get("spans")]
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        left, top, right, bottom = 44, 28, 12, 40
        plot = QRectF(left, top, max(10, self.width() - left - right), max(10, self.height() - top - bottom))
        painter.setPen(QPen(QColor("#dddddd")))
        for step in range(0, 11, 2):
            y = plot.bottom() - plot.height() * step / 10
            painter.drawLine(int(plot.left()), int(y), int(plot.right()), int(y))
            painter.setPen(QColor("#555555"))
            painter.drawText(QRectF(0, y - 8, left - 6, 16), Qt.AlignmentFlag.AlignRight, f"{step / 10:.1f}")
            painter.setPen(QPen(QColor("#dddddd")))
        if not self._rows:
            painter.setPen(QColor("#666666"))
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "No labels used by two annotators yet")
            return
        group = plot.width() / len(self._rows)
        bar = group * 0.8 / len(SERIES)
        for index, row in enumerate(self._rows):
            x0 = plot.left() + index * group + group * 0.1
            for number, (key, _title, color) in enumerate(SERIES):
                value = row.get(key)
                if value is None:
                    continue
                height = plot.height() * max(0.0, min(1.0, value))
                painter.fillRect(QRectF(x0 + number * bar, plot.bottom() - height, bar - 1, height), QColor(color))
            painter.setPen(QColor("#333333"))
            painter.drawText(QRectF(x0 - 6, plot.bottom() + 4, group, 18), Qt.AlignmentFlag.AlignHCenter,
                             row["label"])
        x = plot.left()
        for _key, title, color in SERIES:
            painter.fillRect(QRectF(x, 8, 12, 12), QColor(color))
            painter.setPen(QColor("#333333"))
            painter.drawText(QRectF(x + 16, 5, 90, 18), Qt.AlignmentFlag.AlignLeft, title)
            x += 110
