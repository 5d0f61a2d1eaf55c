"""Starting the Qt application. Qt is imported here, never by the core or storage."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from imr_app.context import AppContext

if TYPE_CHECKING:
    from imr_app.gui.main_window import MainWindow


def build_window(context: AppContext, file: Path | None = None) -> MainWindow:
    """Show the window first, then open ``file``: the window answers before the draft loads."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("IMR Author")
    app.setOrganizationName("IMR Author")
    from imr_app.gui.main_window import MainWindow

    window = MainWindow(context)
    window.show()
    if file is not None:
        QTimer.singleShot(0, lambda: window.open_path(file))
    return window


def run_gui(context: AppContext, file: Path | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    window = build_window(context, file)
    app = QApplication.instance()
    assert app is not None
    code = int(app.exec())
    del window
    return code
