"""The "Check for errors" list: every problem, each a link to its field."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from imr_app.core.sections import TITLES
from imr_app.services.checks import Location, Problem

_ROLE = Qt.ItemDataRole.UserRole


class ProblemsPanel(QWidget):
    """Errors first; Enter, a click or a double-click jumps to the field."""

    jump_requested = Signal(object)  # Location

    def __init__(
        self,
        parent: QWidget | None = None,
        all_clear: str = "No problems found. The IMR is ready to submit.",
    ) -> None:
        super().__init__(parent)
        self._all_clear = all_clear
        layout = QVBoxLayout(self)
        self.summary = QLabel("Run Check for errors (F8) to see what is still missing.")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Check summary")
        layout.addWidget(self.summary)
        self.list = QListWidget()
        self.list.setAccessibleName("Problems found")
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._jump)
        self.list.itemClicked.connect(self._jump)
        layout.addWidget(self.list)

    def show_problems(self, problems: list[Problem]) -> None:
        self.list.clear()
        errors = [p for p in problems if p.is_error]
        warnings = [p for p in problems if not p.is_error]
        if not problems:
            self.summary.setText(self._all_clear)
        else:
            self.summary.setText(
                f"{len(errors)} {'error' if len(errors) == 1 else 'errors'} and "
                f"{len(warnings)} {'warning' if len(warnings) == 1 else 'warnings'}. "
                "Errors must be fixed before the IMR is submitted or exported as final; "
                "warnings are for you to judge."
            )
        from PySide6.QtWidgets import QStyle  # its enums cost 5 ms of start-up

        for problem in [*errors, *warnings]:
            kind = "Error" if problem.is_error else "Warning"
            text = f"{kind} · {TITLES[problem.location.section]}: {problem.message}"
            icon = self.style().standardIcon(
                QStyle.StandardPixmap.SP_MessageBoxCritical
                if problem.is_error
                else QStyle.StandardPixmap.SP_MessageBoxWarning
            )
            item = QListWidgetItem(icon, text)
            item.setData(_ROLE, problem.location)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, text)
            item.setToolTip("Go to this field")
            self.list.addItem(item)

    def _jump(self, item: QListWidgetItem) -> None:
        location: Location = item.data(_ROLE)
        self.jump_requested.emit(location)
