"""The Review menu's workflow steps: submit, return with comments, sign off and reopen.

Every step goes through ``core.workflow`` (submitting through ``services.review``, which runs
Check for errors first), so the app keeps exactly the rules the CLI keeps. The new state,
its audit event and any revision are saved in one transaction; a refused step is a message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from imr_app.core.errors import InvalidTransitionError
from imr_app.core.model import ImrDraft
from imr_app.core.workflow import (
    Actor,
    Step,
    SubmissionBlocked,
    allowed_steps,
    last_submitter,
    reopen,
    return_for_changes,
    sign_off,
)
from imr_app.services.review import submit_for_review, take_step

if TYPE_CHECKING:
    from imr_app.gui.main_window import MainWindow

TITLE = "IMR Author"
STATEMENT = (
    "On behalf of {agency}, I confirm that this IMR has been quality assured and that the "
    "agency owns its findings and recommendations."
)
DONE: dict[Step, str] = {
    Step.SUBMIT: "Submitted for review.",
    Step.RESUBMIT: "Resubmitted for review.",
    Step.RETURN: "Returned with comments.",
    Step.SIGN_OFF: "Signed off.",
    Step.REOPEN: "Reopened: the IMR can be changed again.",
}
_HEADINGS: dict[Step, str] = {
    Step.SUBMIT: "Submit for review",
    Step.RETURN: "Return with comments",
    Step.SIGN_OFF: "Sign off",
    Step.REOPEN: "Reopen",
}
_EXPLANATIONS: dict[Step, str] = {
    Step.SUBMIT: (
        "While the IMR is with the reviewer it is read only; it can be changed again once it "
        "is returned."
    ),
    Step.RETURN: "The author can change the IMR again. Say what needs changing.",
    Step.SIGN_OFF: (
        "You sign the IMR off on the agency's behalf. The content is frozen and a fingerprint "
        "of it is recorded; any later change needs it reopened, with a reason."
    ),
    Step.REOPEN: "The sign-off is withdrawn (the history keeps it). Say why it is reopened.",
}


@dataclass(frozen=True)
class ReviewStepAnswer:
    """What the person taking a step entered."""

    name: str
    role: str
    text: str = ""  # the comment (return) or the reason (reopen)
    statement: str = ""
    override_reason: str = ""

    @property
    def actor(self) -> Actor:
        return Actor(self.name, self.role)


def is_author(draft: ImrDraft, name: str) -> bool:
    """Whether this name wrote or last submitted the IMR (as the core's own rule reads it)."""
    key = " ".join(name.split()).casefold()
    authors = (draft.author.name, last_submitter(draft))
    return bool(key) and any(key == " ".join(a.split()).casefold() for a in authors if a.strip())


class ReviewStepDialog(QDialog):
    """Asks who takes a step and, depending on the step, a comment, reason or statement."""

    def __init__(
        self,
        step: Step,
        draft: ImrDraft,
        name: str = "",
        role: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.step = Step.SUBMIT if step is Step.RESUBMIT else step
        self.draft = draft
        self.setWindowTitle(f"{_HEADINGS[self.step]} — {TITLE}")
        layout = QVBoxLayout(self)
        explanation = QLabel(_EXPLANATIONS[self.step])
        explanation.setWordWrap(True)
        layout.addWidget(explanation)
        form = QFormLayout()
        layout.addLayout(form)
        self.name_edit = QLineEdit(name)
        self.name_edit.setAccessibleName("Your name")
        form.addRow("Your &name", self.name_edit)
        self.role_edit = QLineEdit(role)
        self.role_edit.setAccessibleName("Your role")
        form.addRow("Your &role", self.role_edit)

        self.text_edit = QPlainTextEdit()
        self.statement_edit = QPlainTextEdit()
        self.override_edit = QPlainTextEdit()
        self.override_label = QLabel(
            "You wrote or submitted this IMR. Someone else should sign it off; to override "
            "this rule, say why (the reason is shown on the sign-off):"
        )
        self.override_label.setWordWrap(True)
        if self.step is Step.RETURN:
            self.text_edit.setAccessibleName("Comment")
            form.addRow("&Comment", self.text_edit)
        elif self.step is Step.REOPEN:
            self.text_edit.setAccessibleName("Reason for reopening")
            form.addRow("R&eason", self.text_edit)
        elif self.step is Step.SIGN_OFF:
            agency = draft.agency.name.strip() or "the agency"
            self.statement_edit.setPlainText(STATEMENT.format(agency=agency))
            self.statement_edit.setAccessibleName("Sign-off statement")
            form.addRow("&Statement", self.statement_edit)
            self.override_edit.setAccessibleName("Reason for overriding the rule")
            layout.addWidget(self.override_label)
            layout.addWidget(self.override_edit)
            self.name_edit.textChanged.connect(self._show_override)
            self._show_override()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_HEADINGS[self.step])
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for edit in (self.name_edit, self.role_edit):
            edit.textChanged.connect(self._update_ok)
        self.text_edit.textChanged.connect(self._update_ok)
        self.override_edit.textChanged.connect(self._update_ok)
        self._update_ok()
        self.resize(520, self.sizeHint().height())

    def _show_override(self) -> None:
        visible = is_author(self.draft, self.name_edit.text())
        self.override_label.setVisible(visible)
        self.override_edit.setVisible(visible)

    def _update_ok(self) -> None:
        ready = bool(self.name_edit.text().strip())
        if self.step is Step.SIGN_OFF:
            ready = ready and bool(self.role_edit.text().strip())
        if self.step in (Step.RETURN, Step.REOPEN):
            ready = ready and bool(self.text_edit.toPlainText().strip())
        if self.override_edit.isVisibleTo(self):  # the author signs: only with a reason
            ready = ready and bool(self.override_edit.toPlainText().strip())
        self.ok_button.setEnabled(ready)

    def answer(self) -> ReviewStepAnswer:
        override = self.override_edit.toPlainText() if self.override_edit.isVisibleTo(self) else ""
        return ReviewStepAnswer(
            name=self.name_edit.text().strip(),
            role=self.role_edit.text().strip(),
            text=self.text_edit.toPlainText().strip(),
            statement=self.statement_edit.toPlainText().strip(),
            override_reason=override.strip(),
        )

    @staticmethod
    def ask(
        parent: QWidget | None, step: Step, draft: ImrDraft, name: str, role: str
    ) -> ReviewStepAnswer | None:
        """What was entered, or None when the dialog was cancelled."""
        dialog = ReviewStepDialog(step, draft, name, role, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.answer()


class ReviewActions(QObject):
    """The four workflow actions of the Review menu, enabled as the transition table allows."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.submit_action = self._make("&Submit for review…", Step.SUBMIT)
        self.return_action = self._make("Return with c&omments…", Step.RETURN)
        self.sign_off_action = self._make("Sign o&ff…", Step.SIGN_OFF)
        self.reopen_action = self._make("Reo&pen…", Step.REOPEN)
        self.last_error = ""

    def _make(self, text: str, step: Step) -> QAction:
        action = QAction(text, self.window)
        action.triggered.connect(lambda _=False, s=step: self.take(s))
        return action

    def actions(self) -> list[QAction]:
        return [self.submit_action, self.return_action, self.sign_off_action, self.reopen_action]

    def update(self) -> None:
        session = self.window.session
        steps = allowed_steps(session.draft) if session is not None else []
        self.submit_action.setEnabled(Step.SUBMIT in steps or Step.RESUBMIT in steps)
        self.return_action.setEnabled(Step.RETURN in steps)
        self.sign_off_action.setEnabled(Step.SIGN_OFF in steps)
        self.reopen_action.setEnabled(Step.REOPEN in steps)

    def _warn(self, text: str) -> None:
        self.last_error = text
        QMessageBox.warning(self.window, TITLE, text)

    def take(self, step: Step) -> bool:
        """Ask, apply and save one step; True when it was taken."""
        window, session, editor = self.window, self.window.session, self.window.editor
        if session is None or editor is None:
            return False
        if not editor.save_now():
            self._warn(
                f"Your latest changes could not be saved ({editor.last_save_error}), so the "
                "IMR's review state was not changed."
            )
            return False
        session.wait_for_chronology()  # the checks and the sign-off hash read all of it
        draft = session.draft
        if step is Step.SUBMIT and any(p.is_error for p in editor.check_for_errors()):
            self._blocked()
            return False
        you = window.actor()  # asked once, the first time someone takes a step here
        if you is None:
            return False
        answer = ReviewStepDialog.ask(window, step, draft, you.name, you.role)
        if answer is None:
            return False
        apply: dict[Step, Callable[[], object]] = {
            Step.SUBMIT: lambda: submit_for_review(draft, answer.actor),
            Step.RETURN: lambda: return_for_changes(draft, answer.actor, answer.text),
            Step.SIGN_OFF: lambda: sign_off(
                draft, answer.actor, answer.statement, answer.override_reason
            ),
            Step.REOPEN: lambda: reopen(draft, answer.actor, answer.text),
        }
        before = len(draft.audit)
        try:
            take_step(session.document, draft, lambda _draft: apply[step]())
        except SubmissionBlocked:
            self._blocked()
            return False
        except InvalidTransitionError as exc:
            self._warn(str(exc))
            return False
        except Exception as exc:  # take_step put the draft back as the file holds it
            self._warn(f"The review step could not be saved, so nothing changed: {exc}")
            return False
        self.last_error = ""
        taken = draft.audit[-1].action if len(draft.audit) > before else step.value
        editor.apply_workflow()
        self.update()
        window.statusBar().showMessage(DONE[Step(taken)], 10_000)
        return True

    def _blocked(self) -> None:
        self.window.check_for_errors()
        self.window.statusBar().showMessage(
            "Not submitted: fix the errors listed in Check for errors first.", 10_000
        )
