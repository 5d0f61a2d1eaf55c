"""Starting the Qt application. Qt is imported here, never by the core or storage."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from imr_app.context import AppContext

if TYPE_CHECKING:
    from imr_app.gui.main_window import MainWindow

# The Qt-free modules the first window needs (the layers below the GUI import no Qt).
QT_FREE_AT_START = (
    "imr_app.settings",
    "imr_app.storage.document",
    "imr_app.services.session",
    "imr_app.services.checks",
    "imr_app.services.review",
    "imr_app.services.spelling",
    "imr_app.core.lineage",
    "imr_app.core.comments",
    "imr_app.core.dates",
    "imr_app.services.comment_locations",
)


def import_before_qt(context: AppContext) -> None:
    """Import the keyring and the layers below the GUI before PySide6.

    Once imported, PySide6 reads the source of every module imported after it (its
    ``__feature__`` import hook looks for "PySide6" in the text): about 20 ms of each start
    for modules that hold no Qt (D44).
    """
    context.keystore.import_backend()
    for name in QT_FREE_AT_START:
        importlib.import_module(name)


def build_window(context: AppContext, file: Path | None = None) -> MainWindow:
    """Show the window first, then open ``file``: the window answers before the draft loads.

    With a file to open, the start screen is not built: the draft shows in its place.
    """
    import_before_qt(context)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("IMR Author")
    app.setOrganizationName("IMR Author")
    from imr_app.gui.main_window import MainWindow

    window = MainWindow(context, opening=file)
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
