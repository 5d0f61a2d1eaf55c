"""Starting the Qt application. Qt is imported here, never by the core or storage."""

from __future__ import annotations

import sys
from pathlib import Path

from imr_app.context import AppContext


def run_gui(context: AppContext, file: Path | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    from imr_app.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("IMR Author")
    app.setOrganizationName("IMR Author")
    window = MainWindow(context, file)
    window.show()
    return int(app.exec())
