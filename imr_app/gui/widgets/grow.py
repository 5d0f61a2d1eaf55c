"""Text fields as tall as their text, for pages that scroll already."""

from __future__ import annotations

from PySide6.QtCore import QSizeF, Qt
from PySide6.QtWidgets import QTextEdit


def grow_with_text(edit: QTextEdit, minimum: int) -> None:
    """Keep ``edit`` as tall as its text (at least ``minimum``) instead of scrolling inside a
    page that scrolls: one scroll bar, and the whole of a long analysis in view."""
    edit.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    document = edit.document()

    def fit(size: QSizeF) -> None:  # the document's size includes its own margins
        edit.setFixedHeight(max(minimum, int(size.height()) + 2 * edit.frameWidth()))

    document.documentLayout().documentSizeChanged.connect(fit)
    fit(document.documentLayout().documentSize())
