"""Dialogs sized for a large monitor still fit the screen they open on."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from imr_app.gui.widgets.screen_fit import resize_within_screen


def test_a_size_larger_than_the_screen_is_cut_to_it_and_a_smaller_one_kept(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    free = widget.screen().availableGeometry()
    resize_within_screen(widget, free.width() + 500, free.height() + 500)
    assert widget.width() < free.width() and widget.height() < free.height()
    resize_within_screen(widget, 300, 200)
    assert (widget.width(), widget.height()) == (300, 200)
