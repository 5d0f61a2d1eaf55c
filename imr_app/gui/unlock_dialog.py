"""Getting into a draft that did not open with the key remembered on this computer.

``ImrDocument.open`` answers with a status, never a traceback; this dialog turns each status
into what the author can do next: type the passphrase (and try again as often as needed),
take over a draft left open elsewhere, or read why the file cannot be opened at all.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from imr_app.context import AppContext
from imr_app.settings import SettingsStore
from imr_app.storage.document import ImrDocument, OpenResult, OpenStatus
from imr_app.storage.locking import LockInfo
from imr_app.storage.sqlcipher_compat import DatabaseError

ERROR_STYLE = "color: #b3261e;"
_ASKS_PASSPHRASE = (OpenStatus.NEEDS_PASSPHRASE, OpenStatus.WRONG_PASSPHRASE)

LOCK_ADVICE = (
    "If someone is still working in it there, ask them to close it first. If that computer "
    "crashed or the draft was not closed properly, you can take it over."
)


# Statuses whose detail is the database's own words, which mean something to IT support only.
_TECHNICAL = (OpenStatus.CORRUPT, OpenStatus.MIGRATION_FAILED)


def _plain_message(result: OpenResult) -> str:
    """The status message without its detail, which the dialog shows apart as a note."""
    return OpenResult(result.status, holder=result.holder).message


def ask_take_over(parent: QWidget, holder: LockInfo) -> bool:
    """Make sure the author understands what taking over a draft open elsewhere can cost."""
    answer = QMessageBox.question(
        parent,
        "Take over the draft?",
        f"The draft is open for {holder.describe()}.\n\n"
        "If it is really still open there, anything typed there after you take over could be "
        "lost, and the two copies could overwrite each other's changes.\n\n"
        "Take over only if that computer crashed or you know the draft is closed there.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


class UnlockDialog(QDialog):
    """Shows why a draft did not open and offers the one way forward, if there is one."""

    def __init__(
        self, path: Path, context: AppContext, first: OpenResult, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.context = context
        self.opened: OpenResult | None = None
        # Replaced in tests; in use it asks with a message box.
        self.confirm_take_over: Callable[[LockInfo], bool] = lambda h: ask_take_over(self, h)
        self._holder: LockInfo | None = None
        self._take_over = False
        self._passphrase: str | None = None  # kept only to retry a take-over in this dialog
        self.setWindowTitle(f"Open {self.path.name}")
        self.setMinimumWidth(480)

        name = QLabel(self.path.name)
        font = name.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        name.setFont(font)
        name.setAccessibleName("Draft")
        name.setTextFormat(Qt.TextFormat.PlainText)
        folder = QLabel(f"in {self.path.parent}")
        folder.setTextFormat(Qt.TextFormat.PlainText)
        folder.setWordWrap(True)
        folder.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        folder.setAccessibleName("Folder")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAccessibleName("Message")
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.setAccessibleName("Passphrase")
        self.remember_check = QCheckBox("&Remember on this computer")
        self.remember_check.setAccessibleName("Remember on this computer")
        self.remember_check.setChecked(True)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setAccessibleName("Problem")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.note.setAccessibleName("Note")
        self.buttons = QDialogButtonBox()
        self.buttons.rejected.connect(self.reject)
        self.primary_button: QPushButton | None = None

        self.passphrase_form = QWidget()
        form = QFormLayout(self.passphrase_form)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("&Passphrase:", self.passphrase_edit)
        form.addRow("", self.remember_check)
        layout = QVBoxLayout(self)
        layout.addWidget(name)
        layout.addWidget(folder)
        layout.addSpacing(8)
        layout.addWidget(self.message)
        layout.addWidget(self.passphrase_form)
        layout.addWidget(self.error)
        layout.addWidget(self.note)
        layout.addStretch(1)
        layout.addSpacing(12)
        layout.addWidget(self.buttons)
        self._show(first)

    @staticmethod
    def ask(
        parent: QWidget | None, path: Path, context: AppContext, first: OpenResult
    ) -> OpenResult | None:
        """The opened result (with ``.document``), or None when the author gave up."""
        if first.ok:
            return first
        dialog = UnlockDialog(path, context, first, parent)
        dialog.exec()
        return dialog.opened

    # ---- showing a result ------------------------------------------------------------------
    def _show(self, result: OpenResult) -> None:
        """Lay the dialog out for this status: passphrase, take-over, or only the reason."""
        status = result.status
        asks_passphrase = status in _ASKS_PASSPHRASE
        self._holder = result.holder
        if status is OpenStatus.WRONG_PASSPHRASE:
            self.message.setText(_plain_message(OpenResult(OpenStatus.NEEDS_PASSPHRASE)))
            self._set_error(_plain_message(result))
        else:
            text = _plain_message(result)
            self.message.setText(
                f"{text}\n\n{LOCK_ADVICE}" if status is OpenStatus.LOCKED else text
            )
            self._set_error("")
        said = "Technical detail, for IT support" if status in _TECHNICAL else "Note"
        self.note.setText(f"{said}: {result.detail}" if result.detail else "")
        self.note.setVisible(bool(result.detail))
        self.passphrase_form.setVisible(asks_passphrase)

        self.buttons.clear()
        self.primary_button = None
        if asks_passphrase:
            self.primary_button = self._add_primary("&Open", "Open the draft", self._open)
        elif status is OpenStatus.LOCKED:
            self.primary_button = self._add_primary(
                "&Take over", "Take over the draft", self._take_over_clicked
            )
        dismiss = QDialogButtonBox.StandardButton.Cancel
        if self.primary_button is None:
            dismiss = QDialogButtonBox.StandardButton.Close
        close = self.buttons.addButton(dismiss)
        close.setDefault(self.primary_button is None)
        (self.passphrase_edit if asks_passphrase else (self.primary_button or close)).setFocus()
        self._fit()

    def _fit(self) -> None:
        """Tall enough for every wrapped line at this width: a message shown after the dialog
        opened would otherwise be clipped and squash the passphrase field."""
        layout = self.layout()
        layout.activate()
        needed = layout.totalHeightForWidth(max(self.width(), self.minimumWidth()))
        self.setMinimumHeight(needed)
        if self.height() < needed:
            self.resize(self.width(), needed)

    def _add_primary(self, text: str, name: str, slot: Callable[[], None]) -> QPushButton:
        button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        button.setAccessibleName(name)
        button.setDefault(True)
        button.clicked.connect(slot)
        return button

    def _set_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    # ---- what the author does --------------------------------------------------------------
    def _open(self) -> None:
        passphrase = self.passphrase_edit.text()
        if not passphrase:
            self._set_error("Type the passphrase first.")
            self.passphrase_edit.setFocus()
            return
        self._try(passphrase)

    def _take_over_clicked(self) -> None:
        holder = self._holder
        if holder is not None and not holder.is_stale() and not self.confirm_take_over(holder):
            return
        self._take_over = True
        self._try(self._passphrase)

    def _try(self, passphrase: str | None) -> None:
        QGuiApplication.setOverrideCursor(
            Qt.CursorShape.WaitCursor
        )  # deriving a key takes a moment
        try:
            result = ImrDocument.open(
                self.path,
                self.context.keystore,
                passphrase=passphrase,
                take_over=self._take_over,
                remember=self.remember_check.isChecked(),
                check_large_tables=False,  # the session checks them as it loads them
            )
        finally:
            QGuiApplication.restoreOverrideCursor()
        if result.ok:
            self.opened = result
            self.accept()
            return
        self._passphrase = passphrase if result.status is OpenStatus.LOCKED else None
        self.passphrase_edit.clear()
        self._show(result)


def open_draft(
    parent: QWidget | None, path: Path, context: AppContext
) -> tuple[ImrDocument, list[str]] | None:
    """Open with the key remembered here if it works, else ask; the document and its warnings.

    Before the editor shows, the copy is checked against the one last opened here: an older
    copy, or one changed apart from it, is explained and the author chooses which to open.
    """
    from imr_app.gui.copy_check import CopyChoice, check_copy

    result = ImrDocument.open(path, context.keystore, check_large_tables=False)
    if not result.ok:
        opened = UnlockDialog.ask(parent, path, context, result)
        if opened is None:
            return None
        result = opened
    document = result.document
    assert document is not None  # an OPENED result always carries its document
    store = SettingsStore(context.paths.config_dir)
    document.set_user(store.load().user_name)  # the name its writing session records
    try:
        outcome = check_copy(parent, document, store)  # reads the revisions' list
    except DatabaseError as exc:  # revisions are checked on loading: damage may show here
        document.close()
        UnlockDialog.ask(parent, path, context, OpenResult(OpenStatus.CORRUPT, detail=str(exc)))
        return None
    if outcome.choice is CopyChoice.OPEN_THIS:
        return document, [*result.warnings, *outcome.notes]
    document.close()  # nothing was written to it
    if outcome.choice is CopyChoice.OPEN_OTHER and outcome.other_path is not None:
        return open_draft(parent, outcome.other_path, context)
    return None
