"""Review → Audit log…: what happened to this draft, newest first, and a copy for the records.

Read only, and open in every workflow state: a submitted or signed-off IMR still has a
history worth reading. The trail comes from the file (``services.audit_export.read_trail``),
so events the storage layer records alone, such as a passphrase change, show too. The CSV
copy leaves out comments and typed reasons (see ``core.audit.public_detail``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from imr_app.core import audit
from imr_app.core.audit import AuditKind
from imr_app.core.model import AuditEvent
from imr_app.core.workflow import Actor
from imr_app.gui.widgets.screen_fit import resize_within_screen
from imr_app.services.audit_export import export_audit_log, read_trail
from imr_app.storage.sqlcipher_compat import DatabaseError

if TYPE_CHECKING:
    from imr_app.services.session import DraftSession

TITLE = "IMR Author"
WHEN, WHO, ACTION, DETAILS = range(4)
HEADERS = ("When", "Who", "Action", "Details")
# Fits "Priya Shah (Head of Safeguarding)" and the longest label on a 1366-pixel screen.
WIDTHS = {WHEN: 125, WHO: 230, ACTION: 210}


class AuditLogDialog(QDialog):
    """The audit trail as a table, a filter by kind, and Export… to CSV."""

    def __init__(
        self,
        session: DraftSession,
        actor: Callable[[], Actor | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.actor = actor
        self.events: list[AuditEvent] = []  # as shown, newest first
        self.setWindowTitle(f"Audit log — {TITLE}")
        resize_within_screen(self, 1100, 560)
        layout = QVBoxLayout(self)

        intro = QLabel(
            "Everything recorded in this draft: review steps, comments, exports and accepted "
            "leak-scan hits, newest first. Select a row to read its details in full."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        row = QHBoxLayout()
        self.kind_combo = QComboBox()
        self.kind_combo.setAccessibleName("Show events of this kind")
        for kind in AuditKind:
            self.kind_combo.addItem(kind.label, kind)
        show = QLabel("&Show:")
        show.setBuddy(self.kind_combo)
        row.addWidget(show)
        row.addWidget(self.kind_combo)
        row.addStretch(1)
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Number of events shown")
        row.addWidget(self.count_label)
        layout.addLayout(row)

        self.table = QTableWidget(0, len(HEADERS))
        self.table.setAccessibleName("Audit log")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column, width in WIDTHS.items():
            header.resizeSection(column, width)
        header.setSectionResizeMode(DETAILS, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)

        self.details_label = QLabel()
        self.details_label.setAccessibleName("Details of the selected event")
        self.details_label.setWordWrap(True)
        self.details_label.setTextFormat(Qt.TextFormat.PlainText)
        self.details_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.details_label)

        self.status_label = QLabel()
        self.status_label.setAccessibleName("Export status")
        self.status_label.setWordWrap(True)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.status_label)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = QPushButton("&Export…")
        self.export_button.setAccessibleName("Export the audit log as CSV")
        self.export_button.setToolTip(
            "Save the log as a CSV file for the agency's records (Excel opens it). Comments "
            "and reasons typed by people stay in the draft."
        )
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.kind_combo.currentIndexChanged.connect(self.refresh)
        self.table.currentCellChanged.connect(lambda row, *_: self._show_details(row))
        self.export_button.clicked.connect(self.export_csv)
        self.refresh()
        self.table.setFocus()

    @staticmethod
    def ask(
        parent: QWidget | None,
        session: DraftSession,
        actor: Callable[[], Actor | None],
        close_on: SignalInstance | None = None,
    ) -> None:
        """Show the log until closed; ``close_on`` (the idle lock) closes it with the draft."""
        dialog = AuditLogDialog(session, actor, parent)
        if close_on is not None:
            close_on.connect(dialog.reject)
        try:
            dialog.exec()
        finally:
            if close_on is not None:
                close_on.disconnect(dialog.reject)
            dialog.deleteLater()

    @property
    def kind(self) -> AuditKind:
        return AuditKind(self.kind_combo.currentData())

    def refresh(self) -> None:
        """Read the trail from the file again and show the chosen kind, newest first."""
        self.events = audit.newest_first(
            audit.filter_events(read_trail(self.session.document), self.kind)
        )
        self.table.setRowCount(len(self.events))
        for row, event in enumerate(self.events):
            cells = {
                WHEN: audit.when(event),
                WHO: audit.who(event),
                ACTION: audit.label(event),
                DETAILS: audit.detail_text(event),
            }
            tip = audit.describe(event)
            for column, text in cells.items():
                item = QTableWidgetItem(text)
                item.setToolTip(tip)
                self.table.setItem(row, column, item)
        count = len(self.events)
        self.count_label.setText(f"{count} event" if count == 1 else f"{count} events")
        if count:
            self.table.setCurrentCell(0, WHEN)
        self._show_details(0 if count else -1)

    def export_csv(self) -> None:
        """Ask where, write the CSV through the service, and say what was written."""
        suggested = self.session.path.with_name(f"{self.session.path.stem} audit log.csv")
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Export the audit log", str(suggested), "CSV files (*.csv)"
        )
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != ".csv":
            path = path.with_name(f"{path.name}.csv")
        actor = self.actor()  # who copied the log out is itself recorded
        if actor is None:
            self.status_label.setText("Exporting the log needs your name and role.")
            return
        try:
            done, event = export_audit_log(self.session.document, path, actor, self.kind)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            self.status_label.setText(f"The audit log could not be saved: {reason}")
            return
        except DatabaseError as exc:  # the CSV is written; its audit event is not
            self.status_label.setText(
                f"The audit log was saved to {path}, but the draft could not record the "
                f"export: {exc}"
            )
            return
        self.session.draft.audit.append(event)  # the open draft keeps step with its file
        noun = "event" if done.count == 1 else "events"
        self.status_label.setText(
            f"Saved {done.count} {noun} to {done.path}. Comments and reasons typed by people "
            "are not in the file; they stay in the draft."
        )
        self.refresh()

    def _show_details(self, row: int) -> None:
        if 0 <= row < len(self.events):
            event = self.events[row]
            detail = audit.detail_text(event) or "No further details."
            self.details_label.setText(f"{audit.label(event)}: {detail}")
        else:
            self.details_label.setText("Nothing recorded of this kind yet.")
