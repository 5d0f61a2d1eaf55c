"""A date field that takes dates as people type them and shows them as dd/mm/yyyy."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from imr_app.core.dates import DateError, format_uk, parse_uk_date


class UkDateEdit(QLineEdit):
    """Accepts '3/4/2016', '3 April 2016', '03.04.16'; always day before month."""

    date_changed = Signal(object)  # date | None
    error_changed = Signal(str)  # why the text typed is not a date; "" once it is one

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("dd/mm/yyyy")
        self.setMaximumWidth(160)
        self._value: date | None = None
        self.error = ""
        self.editingFinished.connect(self._commit)

    def date_value(self) -> date | None:
        return self._value

    def set_date(self, value: date | None) -> None:
        self._value = value
        self._show_error("")
        self.setText(format_uk(value))

    def _commit(self) -> None:
        text = self.text().strip()
        try:
            value = parse_uk_date(text) if text else None
        except DateError as exc:
            self._show_error(str(exc))
            return
        self._show_error("")
        self.setText(format_uk(value))
        if value != self._value:
            self._value = value
            self.date_changed.emit(value)

    def _show_error(self, message: str) -> None:
        if message != self.error:
            self.error = message
            self.error_changed.emit(message)
        self.setToolTip(message)
        self.setStyleSheet("QLineEdit { border: 2px solid #c0392b; }" if message else "")
        self.setAccessibleDescription(message or "Date, day then month then year")
