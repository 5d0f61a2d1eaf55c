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
    assert window.stack.currentWidget().text() == "Opening amina.imr…"  # while it opens
    shown: list[type] = []
    window.stack.currentChanged.connect(lambda _: shown.append(type(window.stack.currentWidget())))
    qtbot.waitUntil(lambda: window.editor is not None)
    assert window.stack.currentWidget() is window.editor
    assert window.windowTitle() == "DHR Amina — IMR Author"
    assert StartScreen not in shown
    _close(window)


def _close_the_message_when_shown(seen: list[str]) -> None:
    """Answer the unlock dialog's message, whenever it comes, by closing it."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def close() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, close)
            return
        seen.append(dialog.message.text())
        dialog.reject()

    QTimer.singleShot(0, close)


def test_a_draft_given_at_start_that_will_not_open_leaves_the_start_screen(
    qtbot, context: AppContext, tmp_path: Path
):
    seen: list[str] = []
    _close_the_message_when_shown(seen)
    window = build_window(context, tmp_path / "gone.imr")
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.editor is None and bool(seen), timeout=5000)
    assert seen == ["There is no file at this location."]
    assert window.stack.currentWidget() is window.start
    assert window.editor is None
    window.close()


def test_a_failed_open_while_locked_leaves_the_app_locked(
    qtbot, context: AppContext, created: Path, tmp_path: Path
):
    window = build_window(context, created)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.editor is not None)
    window.lock_action.trigger()  # Ctrl+L: locked, and not said to be for lack of use
    assert window.stack.currentWidget() is window.locked
    assert window.locked.message.text().endswith(
        "amina.imr was saved and closed. Unlock to carry on where you left off."
    )
    seen: list[str] = []
    _close_the_message_when_shown(seen)
    window.open_path(tmp_path / "gone.imr")  # File ▸ Open is still there while locked
    assert seen == ["There is no file at this location."]
    assert window.stack.currentWidget() is window.locked
    window.close()
