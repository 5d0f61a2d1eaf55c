""" "Your name and role": asked once, kept in the app's settings (never in a draft).

Every review step and comment records who took it. Authors and leads state their name
and role the first time they need one, or from Edit ▸ Your name and role…; the login name is
never silently used instead, because it means nothing to the Chair reading the audit trail.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from imr_app.settings import Settings, SettingsStore

TITLE = "Your name and role"


class IdentityDialog(QDialog):
    def __init__(self, name: str, role: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Your name and role are saved on this computer and recorded in the draft with each "
            "review step, comment and export, for the audit trail and the sign-off."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.name_edit = QLineEdit(name)
        self.name_edit.setAccessibleName("Your name")
        self.name_edit.setPlaceholderText("e.g. Helen Marsh")
        self.role_edit = QLineEdit(role)
        self.role_edit.setAccessibleName("Your role")
        self.role_edit.setPlaceholderText("e.g. IMR author, Safeguarding lead")
        form.addRow("&Name:", self.name_edit)
        form.addRow("&Role:", self.role_edit)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.name_edit.textChanged.connect(self._update)
        self._update()
        self.resize(460, self.sizeHint().height())

    def _update(self) -> None:
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(bool(self.name_edit.text().strip()))

    @staticmethod
    def ask(parent: QWidget | None, name: str, role: str) -> tuple[str, str] | None:
        """The name and role entered, or None when cancelled. Replaced in tests."""
        dialog = IdentityDialog(name, role, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.name_edit.text().strip(), dialog.role_edit.text().strip()


def ask_identity(
    parent: QWidget | None, store: SettingsStore, current: Settings
) -> Settings | None:
    """Ask for (or correct) the user's name and role and save them; None when cancelled."""
    answer = IdentityDialog.ask(parent, current.user_name, current.user_role)
    if answer is None:
        return None
    try:
        return store.set_identity(*answer)
    except OSError as exc:
        QMessageBox.warning(parent, TITLE, f"Your name and role could not be saved: {exc}")
        return None
