"""Locks the app after a stretch without keyboard or mouse input."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


# Input is watched from a second after a draft opens: filtering every event of the app in
# Python costs 20 ms of start-up (each new kind of object meets the filter), and nobody
# reaches a 15-minute idle lock in that second.
WATCH_AFTER_MS = 1000


class IdleWatcher(QObject):
    """Emits ``idle`` once after ``minutes`` with no input anywhere in the app."""

    idle = Signal()

    def __init__(
        self, minutes: float, parent: QObject | None = None, watch_after_ms: int = WATCH_AFTER_MS
    ) -> None:
        super().__init__(parent)
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.idle)
        self.set_minutes(minutes)
        self._watch_after_ms = watch_after_ms
        self._watching = False

    def set_minutes(self, minutes: float) -> None:
        self._timer.setInterval(max(1, int(minutes * 60_000)))

    def start(self) -> None:
        self._timer.start()
        if not self._watching:
            QTimer.singleShot(self._watch_after_ms, self._watch)

    def _watch(self) -> None:
        app = QApplication.instance()
        if app is not None and not self._watching:
            app.installEventFilter(self)
            self._watching = True

    def stop(self) -> None:
        self._timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and self._timer.isActive():
            self._timer.start()
        return False
