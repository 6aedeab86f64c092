"""Windows that fit the screen they open on, and open again as the user left them."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QSplitter, QWidget

from curator.session.project import Settings


def fitted(preferred: QSize, available: QRect) -> QSize:
    """``preferred``, shrunk where it is larger than the screen's ``available`` area."""
    return QSize(min(preferred.width(), available.width()), min(preferred.height(), available.height()))


def available_area(window: QWidget) -> QRect:
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


class RememberedLayout(QObject):
    """Opens ``window`` at the size (and with the splitter positions) it had when it was
    last closed, else at ``preferred``, never larger than the screen it opens on; keeps
    them in the user's settings under ``key`` when it is hidden or closed. UI thread only."""

    def __init__(self, window: QWidget, settings: Settings | None, key: str, preferred: tuple[int, int],
                 splitters: dict[str, QSplitter] | None = None) -> None:
        super().__init__(window)
        self.window, self.settings, self.key = window, settings, f"layout.{key}"
        self.splitters = splitters or {}
        self.preferred = QSize(*preferred)
        self.restore()
        window.installEventFilter(self)

    def add_splitter(self, name: str, splitter: QSplitter) -> None:
        """A splitter made after the window (a tab built later) is remembered too."""
        self.splitters[name] = splitter
        state = self._recall(f"splitter.{name}")
        if state:
            splitter.restoreState(QByteArray.fromBase64(state.encode("ascii")))

    def _recall(self, part: str) -> str | None:
        return self.settings.recall(f"{self.key}.{part}") if self.settings is not None else None

    def restore(self) -> None:
        area = available_area(self.window)
        geometry = self._recall("geometry")
        if geometry:
            self.window.restoreGeometry(QByteArray.fromBase64(geometry.encode("ascii")))
        size = self.window.size() if geometry else self.preferred
        self.window.resize(fitted(size, area))
        if geometry and not area.intersects(self.window.frameGeometry()):  # left on a screen now gone
            self.window.move(area.topLeft())
        for name, splitter in self.splitters.items():
            state = self._recall(f"splitter.{name}")
            if state:
                splitter.restoreState(QByteArray.fromBase64(state.encode("ascii")))

    def save(self) -> None:
        if self.settings is None:
            return
        def text(state) -> str:
            return bytes(state.toBase64()).decode("ascii")

        self.settings.remember(f"{self.key}.geometry", text(self.window.saveGeometry()))
        for name, splitter in self.splitters.items():
            self.settings.remember(f"{self.key}.splitter.{name}", text(splitter.saveState()))

    def fit_frame(self) -> None:
        """Shown, the window has a frame: window and frame together fit the screen."""
        area, frame = available_area(self.window), self.window.frameGeometry()
        extra = QSize(frame.width() - self.window.width(), frame.height() - self.window.height())
        if frame.width() > area.width() or frame.height() > area.height():
            self.window.resize(fitted(self.window.size(), area.adjusted(0, 0, -extra.width(), -extra.height())))
        frame = self.window.frameGeometry()
        if not area.contains(frame):
            self.window.move(max(area.left(), min(frame.left(), area.right() - frame.width() + 1)),
                             max(area.top(), min(frame.top(), area.bottom() - frame.height() + 1)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.window and event.type() in (QEvent.Type.Close, QEvent.Type.Hide):
            self.save()
        elif watched is self.window and event.type() == QEvent.Type.Show:
            self.fit_frame()
        return False
