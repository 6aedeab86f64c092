from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from curator.session.project import create_sample_project  # noqa: E402
from curator.store import Store  # noqa: E402
from curator.store.user_settings import Settings  # noqa: E402


@pytest.fixture
def settings(tmp_path):
    settings = Settings(tmp_path / "settings.json")
    settings.annotator = "tester"
    return settings


@pytest.fixture
def project(tmp_path):
    """The sample documents, no annotations yet."""
    location = tmp_path / "sample"
    store, _report = create_sample_project(location, annotations=False)
    store.close()
    return location


@pytest.fixture
def annotated_project(tmp_path):
    """The sample project as a new user gets it, with two annotators' layers."""
    location = tmp_path / "annotated"
    store, _report = create_sample_project(location)
    store.close()
    return location


@pytest.fixture
def open_window(qtbot, settings):
    """Opens a main window on a project; closes windows and stores at the end."""
    from ui.windows.main_window import MainWindow

    opened = []

    def _open(location):
        store = Store.open(location)
        window = MainWindow(store, settings)
        qtbot.addWidget(window)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        opened.append((window, store))
        return window

    yield _open
    for window, store in opened:
        window.close()
        store.close()


@pytest.fixture
def window(open_window, project):
    return open_window(project)
