"""Renders the README screenshots: the app on the sample project, with some spans tagged.

Run as ``QT_QPA_PLATFORM=offscreen python -m ui.screenshot docs``: the main window at
1280×720 and 1920×1080 (``screenshot-1280x720.png``, ``screenshot-1920x1080.png``) and
the review window at 1280×720 (``review.png``) and the label editor (``label-editor.png``).
Tags go through the same window actions a curator uses (select, then label).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtWidgets import QApplication

from curator.project import Settings, create_sample_project
from ui.app import create_app
from ui.windows.main_window import MainWindow

TAGS = [("China", "LOCATION"), ("Kazakhstan", "LOCATION"), ("Alikhan Smailov", "PERSON"), ("Li Qiang", "PERSON"),
        ("Shanghai", "LOCATION")]


@contextmanager
def _sample_window(annotator: str, reviewer: bool = False, size: tuple[int, int] = (1280, 720)
                   ) -> Iterator[MainWindow]:
    """A main window on a fresh copy of the sample project, closed afterwards."""
    create_app()
    with tempfile.TemporaryDirectory() as folder:
        store, _ = create_sample_project(Path(folder) / "sample")
        settings = Settings(Path(folder) / "settings.json")
        settings.annotator = annotator
        settings.reviewer = reviewer
        window = MainWindow(store, settings)
        window.resize(*size)
        window.show()
        try:
            yield window
        finally:
            window.close()
            store.close()


def review(target: str) -> None:
    """The review window on the sample project with its two annotators."""
    from PySide6.QtCore import QThreadPool

    with _sample_window("reviewer", reviewer=True) as window:
        review_window = window.open_review()
        QThreadPool.globalInstance().waitForDone()
        QApplication.processEvents()
        review_window.resize(1280, 720)
        review_window.go(2)
        QApplication.processEvents()
        review_window.grab().save(target)


def label_editor(target: str) -> None:
    """Labels → Edit labels and categories on the sample project, deleting a label in use."""
    from curator.domain.schema import CategorySet
    from curator.session.labels import set_category

    with _sample_window("newcomer") as window:
        window.session.do(set_category(window.store, CategorySet(
            name="topic", description="What the article is mainly about",
            choices=[{"name": "economy", "key": "E"}, {"name": "politics", "key": "P"}, {"name": "other"}])))
        editor = window.open_label_editor()
        editor.resize(860, 580)
        editor.select_label("INITIATIVE")
        editor.request_delete()
        QApplication.processEvents()
        editor.grab().save(target)


def main(target: str, size: tuple[int, int] = (1280, 720)) -> None:
    """A new annotator's first minutes: a few entities tagged, figures and dates accepted."""
    with _sample_window("newcomer", size=size) as window:
        text = window.document.text
        for fragment, label in TAGS:
            start = text.index(fragment)
            window.article.set_selection(start, start + len(fragment))
            window.apply_label(label)
        window.suggest_for_document()
        for _ in range(6):
            window.accept_suggestion()  # the first figures and dates, as a curator would
        window.select_row(1)
        window.toggle_done()
        window.select_row(0)
        window.go_to_suggestion(1)
        window.panel.tabs.setCurrentIndex(0)
        money = next(span for span in window.spans.spans if span.label == "MONEY")
        window.panel.select_span(money.id)
        QApplication.processEvents()
        window.grab().save(target)


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "docs")
    for width, height in ((1280, 720), (1920, 1080)):
        main(str(folder / f"screenshot-{width}x{height}.png"), (width, height))
    review(str(folder / "review.png"))
    label_editor(str(folder / "label-editor.png"))
