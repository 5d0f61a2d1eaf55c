"""Alt+letter reaches one control: no two visible controls, nor a control and a menu, share one."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from imr_app.core.model import SectionId
from imr_app.gui.main_window import MainWindow
from imr_app.services.checks import Location

_KEY = re.compile(r"&([^&])")


def _keys(window: MainWindow) -> list[str]:
    """The access keys of the menus and of every control on screen."""
    keys = [_KEY.search(a.text())[1].lower() for a in window.menuBar().actions() if "&" in a.text()]
    for widget in window.findChildren(QWidget):
        if isinstance(widget, (QAbstractButton, QLabel)) and widget.isVisibleTo(window):
            found = _KEY.search(widget.text().replace("&&", ""))
            if found:
                keys.append(found[1].lower())
    return keys


@pytest.mark.parametrize("section", list(SectionId))
def test_no_two_access_keys_clash_on_any_page_with_comments_open(example_window, section):
    window = example_window("Rachel Okafor", "Safeguarding lead")
    window.show_comments()
    window.editor.go_to(Location(section))
    clashes = [key for key, count in Counter(_keys(window)).items() if count > 1]
    assert clashes == []
