"""A drop-down of labelled values that hands back the values themselves.

Qt returns a StrEnum stored as item data as a plain ``str``, so enum identity
checks fail silently; this combo keeps the values on the Python side.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from PySide6.QtWidgets import QComboBox, QWidget

T = TypeVar("T")


class ChoiceCombo(QComboBox, Generic[T]):
    def __init__(self, choices: Sequence[tuple[str, T]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._values = [value for _, value in choices]
        for label, _ in choices:
            self.addItem(label)

    def value(self) -> T:
        return self._values[max(0, self.currentIndex())]

    def value_at(self, index: int) -> T:
        return self._values[index]

    def set_value(self, value: T) -> None:
        self.setCurrentIndex(self._values.index(value) if value in self._values else 0)
