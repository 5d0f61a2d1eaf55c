"""Find across the whole draft (Ctrl+F): a list of hits, each one a jump to its field."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from imr_app.core.search import find
from imr_app.core.sections import TITLES
from imr_app.gui.editor import DraftEditor
from imr_app.gui.widgets.lists import one_line_per_item
from imr_app.gui.widgets.screen_fit import resize_within_screen
from imr_app.services.checks import Location

_ROLE = Qt.ItemDataRole.UserRole


class FindDialog(QDialog):
    """Non-modal, so the author can jump from hit to hit and keep typing."""

    def __init__(self, editor: DraftEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.setWindowTitle("Find in the draft")
        resize_within_screen(self, 620, 420)
        layout = QVBoxLayout(self)
        self.query = QLineEdit()
        self.query.setPlaceholderText("Words to find in every section")
        self.query.setAccessibleName("Find")
        self.query.returnPressed.connect(self.search)
        layout.addWidget(self.query)
        self.summary = QLabel()
        layout.addWidget(self.summary)
        self.results = one_line_per_item(QListWidget())
        self.results.setAccessibleName("Places found")
        self.results.itemActivated.connect(self._jump)
        self.results.itemClicked.connect(self._jump)
        layout.addWidget(self.results)

    def search(self) -> None:
        self.editor.flush()
        hits = find(self.editor.session.draft, self.query.text())
        self.results.clear()
        for hit in hits:
            item = QListWidgetItem(f"{TITLES[hit.section]} · {hit.label}: {hit.snippet}")
            item.setData(_ROLE, Location(hit.section, hit.ref, hit.field))
            self.results.addItem(item)
        self.summary.setText(f"{len(hits)} found" if hits else "Not found")

    def _jump(self, item: QListWidgetItem) -> None:
        self.editor.go_to(item.data(_ROLE))
        widget = QApplication.focusWidget()
        if isinstance(widget, QTextEdit):
            widget.moveCursor(widget.textCursor().MoveOperation.Start)
            widget.find(self.query.text().strip())
