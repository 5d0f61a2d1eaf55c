"""The app starts offscreen and shows its window (the guided window is a later issue)."""

from __future__ import annotations

from pathlib import Path

from imr_app.context import AppContext
from imr_app.gui.main_window import MainWindow


def test_main_window_shows_and_quits(qtbot, context: AppContext, tmp_path: Path):
    window = MainWindow(context, tmp_path / "case.imr")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.windowTitle() == "IMR Author"
    label = window.centralWidget()
    assert "case.imr" in label.text()
    quit_action = window.menuBar().actions()[0].menu().actions()[0]
    quit_action.trigger()
    qtbot.waitUntil(lambda: not window.isVisible())
