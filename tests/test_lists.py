"""Long one-line items are cut to the list's width, with the whole text in their tooltip."""

from __future__ import annotations

from PySide6.QtWidgets import QListWidget, QListWidgetItem

from imr_app.gui.widgets.lists import one_line_per_item

LONG = "14/06/2019 · Command-and-control incident log · A neighbour called 999 reporting " * 3


def test_a_long_entry_is_cut_not_scrolled_and_its_tooltip_has_it_all(qtbot):
    view = one_line_per_item(QListWidget())
    qtbot.addWidget(view)
    view.resize(300, 120)
    view.show()
    view.addItem(LONG)
    view.addItem(QListWidgetItem("Short"))
    kept = QListWidgetItem("Question ii · answer")
    kept.setToolTip("A tooltip of its own")
    view.addItem(kept)
    qtbot.waitExposed(view)
    assert view.horizontalScrollBar().maximum() == 0  # nothing hidden off to the side
    assert [view.item(i).toolTip() for i in range(3)] == [LONG, "Short", "A tooltip of its own"]
