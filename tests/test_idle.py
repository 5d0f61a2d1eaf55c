"""The idle lock's clock: any key or mouse input anywhere restarts it; silence lets it run out."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from imr_app.gui.idle import IdleWatcher


def test_input_keeps_the_app_unlocked_and_silence_locks_it(qtbot):
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()
    watcher = IdleWatcher(minutes=0.4 / 60, watch_after_ms=0)  # 0.4 s without input
    fired: list[float] = []
    watcher.idle.connect(lambda: fired.append(time.monotonic()))
    watcher.start()
    qtbot.wait(50)  # the filter goes on once the event loop runs
    for _ in range(8):  # 1.2 s of typing, well past 0.4 s in all
        qtbot.wait(150)
        qtbot.keyClick(field, Qt.Key.Key_A)
    stopped = time.monotonic()
    assert fired == []
    qtbot.waitUntil(lambda: bool(fired), timeout=3000)
    assert fired[0] - stopped >= 0.35
    watcher.stop()
    QApplication.instance().removeEventFilter(watcher)
