"""Starting the application."""

from __future__ import annotations

import sys

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from curator.project import open_project, open_sample_project
from ui.main_window import MainWindow


def create_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Curator")
    app.setOrganizationName("Curator")
    font = QFont("DejaVu Sans")
    font.setPointSizeF(10)
    app.setFont(font)
    return app


def run(project: str | None) -> int:
    """Open the GUI on ``project`` (folder or database URL), or on the sample project."""
    app = create_app()
    store = open_sample_project() if project is None else open_project(project)
    window = MainWindow(store)
    window.show()
    try:
        return app.exec()
    finally:
        store.close()
