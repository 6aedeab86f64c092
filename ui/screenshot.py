"""Renders the README screenshot: the app on the sample project, with some spans tagged.

Run as ``QT_QPA_PLATFORM=offscreen python -m ui.screenshot docs/screenshot.png``.
Tags go through the same window actions a curator uses (select, then label).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from curator.project import Settings, create_sample_project
from ui.app import create_app
from ui.main_window import MainWindow

TAGS = [
    ("China", "LOCATION"), ("Kazakhstan", "LOCATION"), ("US$24 billion", "MONEY"), ("the past 18 years", "DATE"),
    ("Alikhan Smailov", "PERSON"), ("Li Qiang", "PERSON"), ("Shanghai", "LOCATION"), ("4 November 2023", "DATE"),
    ("30%", "PERCENT"), ("the first half of 2023", "DATE"), ("nearly US$750 million", "MONEY"), ("4,700", "COUNT"),
]


def main(target: str) -> None:
    app = create_app()
    with tempfile.TemporaryDirectory() as folder:
        store, _ = create_sample_project(Path(folder) / "sample")
        settings = Settings(Path(folder) / "settings.json")
        settings.annotator = "aigerim"
        window = MainWindow(store, settings)
        window.resize(1440, 880)
        window.show()
        text = window.document.text
        for fragment, label in TAGS:
            start = text.index(fragment)
            window.article.set_selection(start, start + len(fragment))
            window.apply_label(label)
        window.select_row(1)
        window.toggle_done()
        window.select_row(0)
        window.panel.select_span(window.spans.spans[4].id)
        app.processEvents()
        window.grab().save(target)
        window.close()
        store.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot.png")
