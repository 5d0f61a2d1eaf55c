"""Text fields as tall as their text, for pages that scroll already."""

from __future__ import annotations

from PySide6.QtCore import QSizeF, Qt, QTimer
from PySide6.QtWidgets import QScrollArea, QTextEdit, QWidget


def grow_with_text(edit: QTextEdit, minimum: int) -> None:
    """Keep ``edit`` as tall as its text (at least ``minimum``) instead of scrolling inside a
    page that scrolls: one scroll bar, and the whole of a long analysis in view."""
    edit.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    document = edit.document()

    def fit(size: QSizeF) -> None:  # the document's size includes its own margins
        edit.setFixedHeight(max(minimum, int(size.height()) + 2 * edit.frameWidth()))

    def follow_cursor() -> None:  # the page scrolls now, so it must keep the cursor in view
        area = _scroll_area(edit)
        if area is None or area.widget() is None or not edit.hasFocus():
            return
        cursor = edit.cursorRect()
        at = edit.viewport().mapTo(area.widget(), cursor.center())
        area.ensureVisible(at.x(), at.y(), 0, cursor.height())

    document.documentLayout().documentSizeChanged.connect(fit)
    # After the field has grown for the key just typed, so the cursor is where it will stay.
    edit.cursorPositionChanged.connect(lambda: QTimer.singleShot(0, follow_cursor))
    fit(document.documentLayout().documentSize())


def _scroll_area(widget: QWidget) -> QScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    return parent
