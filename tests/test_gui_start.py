"""The app starts offscreen on its start screen, with draft actions disabled until one is open."""

from __future__ import annotations

from pathlib import Path

from imr_app.context import AppContext
from imr_app.gui.app import build_window
from imr_app.gui.main_window import MainWindow
from imr_app.gui.start_screen import StartScreen


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


def _close(window: MainWindow) -> None:
    window.close()
    if window.session is not None:
        window.session.close()


def test_a_draft_given_at_start_opens_in_place_of_the_start_screen(
    qtbot, context: AppContext, created: Path
):
    window = build_window(context, created)
    qtbot.addWidget(window)
    shown = [window.stack.currentWidget()]
    window.stack.currentChanged.connect(lambda _: shown.append(window.stack.currentWidget()))
    qtbot.waitUntil(lambda: window.editor is not None)
    assert window.stack.currentWidget() is window.editor
    assert window.windowTitle() == "DHR Amina — IMR Author"
    assert shown[0].text() == "Opening amina.imr…"  # what shows while it opens
    assert not any(isinstance(widget, StartScreen) for widget in shown)
    _close(window)


def test_a_draft_given_at_start_that_will_not_open_leaves_the_start_screen(
    qtbot, context: AppContext, tmp_path: Path
):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    seen: list[str] = []

    def close_the_message() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, close_the_message)
            return
        seen.append(dialog.message.text())
        dialog.reject()

    QTimer.singleShot(0, close_the_message)
    window = build_window(context, tmp_path / "gone.imr")
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.editor is None and bool(seen), timeout=5000)
    assert seen == ["There is no file at this location."]
    assert window.stack.currentWidget() is window.start
    assert window.editor is None
    window.close()
