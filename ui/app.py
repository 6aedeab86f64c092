"""Starting the application."""

from __future__ import annotations

import gc
import sys

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from curator.session.project import open_project, open_sample_project
from ui.windows.main_window import MainWindow
from ui.windows.migration_dialog import open_bringing_up_to_date


def create_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Curator")
    app.setOrganizationName("Curator")
    font = QFont("DejaVu Sans")
    font.setPointSizeF(10)
    app.setFont(font)
    return app


def settle_heap() -> None:
    """Everything loaded at start lives as long as the window: keep it out of the garbage
    collector's full passes, which otherwise stall a large project's UI now and then
    for tens of milliseconds (say, while switching documents)."""
    gc.collect()
    gc.freeze()


def run(project: str | None) -> int:
    """Open the GUI on ``project`` (folder or database URL), or on the sample project."""
    app = create_app()
    store = open_bringing_up_to_date(  # (an older project shows its migration's progress)
        None, lambda job: open_sample_project(job) if project is None else open_project(project, job=job))
    window = MainWindow(store)
    window.show()
    settle_heap()
    try:
        return app.exec()
    finally:
        store.close()
