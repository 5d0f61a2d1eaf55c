"""Window sizes that fit the screen: what suits a large monitor must still fit 1366×768."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# Room left for the window's title bar and frame, which the free area does not count.
_FRAME_WIDTH = 32
_FRAME_HEIGHT = 48


def resize_within_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize to ``width``×``height``, or less where the screen's free area is smaller."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        free = screen.availableGeometry()
        width = min(width, free.width() - _FRAME_WIDTH)
        height = min(height, free.height() - _FRAME_HEIGHT)
    widget.resize(width, height)
