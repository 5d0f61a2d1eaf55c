"""Lists of long one-line items (chronology entries, places found) in narrow spaces."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QListWidget


def one_line_per_item(view: QListWidget) -> QListWidget:
    """Cut each item to the list's width with "…", the whole text in its tooltip, instead of
    a sideways scroll bar that hides the end of every line."""
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setWordWrap(False)

    def whole_text_as_tip(
        _parent: QModelIndex | QPersistentModelIndex, first: int, last: int
    ) -> None:
        for row in range(first, last + 1):
            item = view.item(row)
            if item is not None and not item.toolTip():
                item.setToolTip(item.text())

    view.model().rowsInserted.connect(whole_text_as_tip)
    return view
