"""The app starts offscreen on its start screen, with draft actions disabled until one is open."""

from __future__ import annotations

from imr_app.context import AppContext
from imr_app.gui.main_window import MainWindow


def test_main_window_starts_on_the_start_screen_and_quits(qtbot, context: AppContext):
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.windowTitle() == "IMR Author"
    assert window.stack.currentWidget() is window.start
    assert not window.check_action.isEnabled()
    assert not window.find_action.isEnabled()
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible())
