"""Review and sign-off driven through the real window: the Review menu, read-only pages, audit."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QPushButton

from imr_app.core.model import SectionId, WorkflowState
from imr_app.core.workflow import WORKFLOW_ACTIONS, Step
from imr_app.gui import review_actions
from imr_app.gui.main_window import MainWindow
from imr_app.gui.pages.forms import SignOffPage
from imr_app.gui.pages.question import QuestionPage
from imr_app.gui.review_actions import ReviewStepAnswer, ReviewStepDialog
from imr_app.services.checks import Location

Fill = Callable[[ReviewStepDialog], None]


@pytest.fixture
def window(example_window):
    return example_window("Helen Marsh", "IMR author")


@pytest.fixture
def answer_with(qtbot, monkeypatch: pytest.MonkeyPatch) -> list[Fill]:
    """Each step's dialog is built for real, filled by the next function queued, and accepted."""
    queue: list[Fill] = []

    def ask(parent, step: Step, draft, name: str, role: str) -> ReviewStepAnswer | None:
        dialog = ReviewStepDialog(step, draft, name, role, parent)
        qtbot.addWidget(dialog)
        dialog.show()
        queue.pop(0)(dialog)
        if not dialog.ok_button.isEnabled():
            return None
        return dialog.answer()

    monkeypatch.setattr(review_actions.ReviewStepDialog, "ask", staticmethod(ask))
    return queue


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(
        review_actions.QMessageBox, "warning", staticmethod(lambda _p, _t, text: shown.append(text))
    )
    return shown


def question_page(win: MainWindow, number: str) -> QuestionPage:
    assert win.editor is not None
    win.editor.go_to(Location(SectionId.TERMS_OF_REFERENCE, number, "answer"))
    page = win.editor.current_page()
    assert isinstance(page, QuestionPage)
    return page


def accept(dialog: ReviewStepDialog) -> None:
    """Take the dialog as it comes, prefilled from the settings."""


def as_lead(text: str = "") -> Fill:
    def fill(dialog: ReviewStepDialog) -> None:
        dialog.name_edit.setText("Priya Shah")
        dialog.role_edit.setText("Safeguarding Lead")
        dialog.text_edit.setPlainText(text)

    return fill


def test_submit_return_sign_off_and_reopen(
    qtbot, window: MainWindow, answer_with: list[Fill], warnings: list[str]
):
    actions = window.review_actions
    editor = window.editor
    assert editor is not None
    path = window.session.path
    assert actions.submit_action.isEnabled()
    assert not actions.sign_off_action.isEnabled() and not actions.reopen_action.isEnabled()
    assert not question_page(window, "i").editor.isReadOnly()
    editor.go_to(Location(SectionId.RECOMMENDATIONS))
    recommendations = editor.current_page()
    enabled = [b.isEnabled() for b in recommendations.findChildren(QPushButton)]
    assert True in enabled and False in enabled  # e.g. Delete waits for a selection

    # Submitted: every input is frozen, pages built later too, and a banner says why.
    answer_with.append(accept)
    actions.submit_action.trigger()
    assert window.session.draft.workflow.state is WorkflowState.SUBMITTED
    assert window.statusBar().currentMessage() == "Submitted for review."
    assert editor.banner.isVisible()
    assert editor.banner.text().startswith("Submitted for review on ")
    assert editor.banner.text().endswith(": read only until it is returned.")
    page = question_page(window, "i")
    assert page.editor.isReadOnly() and not page.status.isEnabled()
    editor.go_to(Location(SectionId.RECOMMENDATIONS))
    buttons = editor.current_page().findChildren(QPushButton)
    # Only "Comment on recommendation…" stays: the lead comments while it is submitted.
    kept = [b.text() for b in buttons if b.isEnabled()]
    assert buttons and kept == ["Comment on recommendation…"]
    assert not actions.submit_action.isEnabled() and actions.return_action.isEnabled()

    # Returned with a comment: editable again, and the banner goes.
    answer_with.append(as_lead("Say more about the MARAC referral in question ii."))
    actions.return_action.trigger()
    assert window.statusBar().currentMessage() == "Returned with comments."
    assert not question_page(window, "i").editor.isReadOnly()
    assert question_page(window, "i").status.isEnabled()
    assert not editor.banner.isVisible()
    assert [b.isEnabled() for b in recommendations.findChildren(QPushButton)] == enabled

    # The author cannot sign off their own IMR without a recorded reason.
    answer_with.append(accept)
    actions.submit_action.trigger()
    assert window.statusBar().currentMessage() == "Resubmitted for review."
    seen: list[bool] = []

    def as_author(dialog: ReviewStepDialog) -> None:
        seen.append(dialog.override_edit.isVisibleTo(dialog))
        seen.append(dialog.ok_button.isEnabled())  # Sign off waits for the reason

    answer_with.append(as_author)
    actions.sign_off_action.trigger()
    assert seen == [True, False]
    assert window.session.draft.workflow.state is WorkflowState.SUBMITTED
    seen.clear()

    # A second pair of eyes signs off; the page shows who, and that the content matches.
    def lead_signs(dialog: ReviewStepDialog) -> None:
        as_lead()(dialog)
        seen.append(dialog.override_edit.isVisibleTo(dialog))
        assert "On behalf of Northshire Police, I confirm" in dialog.statement_edit.toPlainText()

    answer_with.append(lead_signs)
    actions.sign_off_action.trigger()
    assert seen == [False]  # no reason asked of someone else
    assert window.session.draft.workflow.state is WorkflowState.SIGNED_OFF
    assert editor.banner.text() == "Signed off: reopen it, with a reason, to change it."
    assert question_page(window, "ii").editor.isReadOnly()
    editor.go_to(Location(SectionId.SIGN_OFF))
    sign_off_page = editor.current_page()
    assert isinstance(sign_off_page, SignOffPage)
    assert sign_off_page.state_label.text() == "State: Signed off"
    shown = sign_off_page.sign_off_label.text()
    assert "Priya Shah" in shown and "Safeguarding Lead" in shown
    assert "still matches what was signed off" in shown
    assert actions.reopen_action.isEnabled() and not actions.return_action.isEnabled()

    # A reopen without a reason cannot be confirmed; with one, the IMR is editable again.
    answer_with.append(as_lead(""))
    assert not actions.take(Step.REOPEN)
    answer_with.append(as_lead("The panel asked for the GP records to be added."))
    actions.reopen_action.trigger()
    assert window.session.draft.workflow.state is WorkflowState.REOPENED
    assert "Not yet signed off" in sign_off_page.sign_off_label.text()
    assert not question_page(window, "i").editor.isReadOnly()
    assert not editor.banner.isVisible()

    # Every step is in the file's audit trail, with who took it.
    assert window.close_draft()
    window.open_path(path)
    steps = [e for e in window.session.draft.audit if e.action in WORKFLOW_ACTIONS]
    audit = [(e.action, e.actor) for e in steps]
    assert audit == [
        ("submitted", "Helen Marsh"),
        ("returned", "Priya Shah"),
        ("resubmitted", "Helen Marsh"),
        ("signed_off", "Priya Shah"),
        ("reopened", "Priya Shah"),
    ]
    assert "withdrew the sign-off by Priya Shah" in window.session.draft.audit[-1].detail
    assert not window.editor.read_only
    # Each submission and the sign-off kept a revision, as the command line's steps do.
    revisions = window.session.document.repo.revisions()
    assert [(r.number, r.actor, r.state) for r in revisions] == [
        (1, "Helen Marsh", WorkflowState.SUBMITTED),
        (2, "Helen Marsh", WorkflowState.SUBMITTED),
        (3, "Priya Shah", WorkflowState.SIGNED_OFF),
    ]


def test_an_author_may_sign_off_only_with_a_recorded_reason(
    window: MainWindow, answer_with: list[Fill], warnings: list[str]
):
    actions = window.review_actions
    answer_with.append(accept)
    actions.submit_action.trigger()

    def override(dialog: ReviewStepDialog) -> None:
        assert dialog.override_edit.isVisible()
        assert not dialog.ok_button.isEnabled()  # no sign-off by the author without a reason
        dialog.override_edit.setPlainText("The safeguarding lead is on long-term leave.")
        assert dialog.ok_button.isEnabled()
        dialog.name_edit.setText("Priya Shah")  # someone else: no reason needed
        assert dialog.override_edit.isHidden() and dialog.ok_button.isEnabled()
        dialog.name_edit.setText("Helen Marsh")

    answer_with.append(override)
    actions.sign_off_action.trigger()
    assert not warnings
    record = window.session.draft.workflow.sign_off
    assert record is not None and record.name == "Helen Marsh"
    window.editor.go_to(Location(SectionId.SIGN_OFF))
    page = window.editor.current_page()
    assert "long-term leave" in page.sign_off_label.text()


def test_hard_errors_block_submission_and_show_the_list(
    window: MainWindow, answer_with: list[Fill], warnings: list[str]
):
    window.session.draft.answer_for("i").text = ""
    window.session.touch_answer("i")
    window.review_actions.submit_action.trigger()
    assert window.session.draft.workflow.state is WorkflowState.DRAFT
    assert window.problems_dock.isVisible() and window.problems.list.count()
    assert window.statusBar().currentMessage().startswith("Not submitted")
    assert not warnings and not answer_with  # no dialog was asked for
