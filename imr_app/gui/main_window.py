"""The main window. For now a placeholder that says where the guided window will be."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow

from imr_app import __version__
from imr_app.context import AppContext


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext, file: Path | None = None) -> None:
        super().__init__()
        self.context = context
        self.setWindowTitle("IMR Author")
        self.resize(1024, 700)
        text = (
            f"<h2>IMR Author {__version__}</h2>"
            "<p>The guided authoring window is on its way.</p>"
            "<p>Until then, create and fill drafts with the <code>imr-app</code> command "
            "(see the README).</p>"
        )
        if file is not None:
            text += f"<p>Asked to open: {file.name}</p>"
        label = QLabel(text)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setAccessibleName("Welcome")
        self.setCentralWidget(label)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.menuBar().addMenu("&File").addAction(quit_action)
