"""The whole review, as the author and the lead take it in turns with the same file.

Each turn opens the draft in a fresh window as that person (the lock is released between
turns): submit, comment on an answer's words and on a chronology entry, return, resolve and
resubmit, sign off, the author blocked from editing, reopen with a reason, and the history.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt

from imr_app.core.comments import unresolved
from imr_app.core.model import SectionId, WorkflowState
from imr_app.core.workflow import WORKFLOW_ACTIONS
from imr_app.gui.main_window import MainWindow
from imr_app.gui.pages.chronology import ChronologyPage
from imr_app.gui.review_actions import ReviewStepDialog
from imr_app.services.checks import Location
from tests.test_comments_on_items import _choose_from_menu
from tests.test_comments_panel import _select_in_answer
from tests.test_history_window import history, type_into_answer
from tests.test_review_window import Fill, accept, answer_with, as_lead, question_page  # noqa: F401

AUTHOR = ("Helen Marsh", "IMR author")
LEAD = ("Priya Shah", "Safeguarding Lead")
ADDED = "The grading was agreed with the sergeant on duty"


def _turn(example_window: Callable[..., MainWindow], who: tuple[str, str]) -> MainWindow:
    """Open the draft as ``who``; the previous person's window has closed it."""
    return example_window(*who)


def _comment_on_entry(win: MainWindow, text: str) -> str:
    """Right-click the third chronology entry and comment on it; returns the entry's id."""
    win.editor.go_to(Location(SectionId.CHRONOLOGY))
    page = win.editor.current_page()
    assert isinstance(page, ChronologyPage)
    index = page.proxy.index(2, 0)
    entry = win.session.draft.chronology[page.proxy.storage_row(index)]
    page.view.customContextMenuRequested.emit(page.view.visualRect(index).center())
    _choose_from_menu("Comment on this entry…")
    win.comments.text.setPlainText(text)
    assert win.comments.add(), win.comments.message.text()
    return entry.id


def test_author_and_lead_take_an_imr_through_review_sign_off_and_reopening(
    qtbot,
    example_window,
    answer_with: list[Fill],  # noqa: F811
):
    # The author submits.
    author = _turn(example_window, AUTHOR)
    answer_with.append(accept)
    author.review_actions.submit_action.trigger()
    assert author.session.draft.workflow.state is WorkflowState.SUBMITTED
    assert author.close_draft()

    # The lead comments on words of answer ii and on an entry, then returns it.
    lead = _turn(example_window, LEAD)
    assert lead.editor.read_only
    lead.show_comments()
    quote = _select_in_answer(lead, "ii")
    lead.comments.text.setPlainText("Why was the risk graded standard here?")
    assert lead.comments.add_on_page(), lead.comments.message.text()
    entry_id = _comment_on_entry(lead, "Was the DASH completed at this contact?")
    answer_with.append(as_lead("Two comments for you in the Comments panel."))
    lead.review_actions.return_action.trigger()
    assert lead.session.draft.workflow.state is WorkflowState.RETURNED
    assert lead.close_draft()

    # The author answers both in the text and in the threads, resolves them and resubmits.
    author = _turn(example_window, AUTHOR)
    draft = author.session.draft
    threads = unresolved(draft)
    assert [(c.anchor.kind, c.anchor.ref, c.author_name) for c in threads] == [
        ("answer", "ii", LEAD[0]),
        ("chronology", entry_id, LEAD[0]),
    ]
    span = threads[0].anchor
    assert draft.answer_for("ii").text[span.span_start : span.span_end] == quote
    type_into_answer(author, "ii", quote, f"{quote}. {ADDED}")
    author.show_comments()
    panel = author.comments
    for reply in ("Added to the answer.", "Yes: the DASH is on the custody record."):
        panel.list.setCurrentRow(0)
        panel.text.setPlainText(reply)
        panel.reply_button.click()
        panel.resolve_button.click()
    assert unresolved(draft) == []
    answer_with.append(accept)
    author.review_actions.submit_action.trigger()
    assert draft.workflow.state is WorkflowState.SUBMITTED
    assert author.close_draft()

    # The lead signs off.
    lead = _turn(example_window, LEAD)
    answer_with.append(accept)
    lead.review_actions.sign_off_action.trigger()
    assert lead.session.draft.workflow.state is WorkflowState.SIGNED_OFF
    assert lead.close_draft()

    # Signed off is frozen: the author's typing changes nothing until they reopen it.
    author = _turn(example_window, AUTHOR)
    page = question_page(author, "ii")
    before = page.editor.toPlainText()
    qtbot.keyClicks(page.editor, "more words")
    qtbot.keyClick(page.editor, Qt.Key.Key_Delete)
    assert page.editor.isReadOnly() and page.editor.toPlainText() == before

    def with_reason(dialog: ReviewStepDialog) -> None:
        dialog.text_edit.setPlainText("The panel asked for the GP records to be added.")

    answer_with.append(with_reason)
    author.review_actions.reopen_action.trigger()
    assert author.session.draft.workflow.state is WorkflowState.REOPENED
    assert not question_page(author, "ii").editor.isReadOnly()

    # Every step is in the audit trail, and the history shows what the resubmission changed.
    steps = [
        (e.action, e.actor) for e in author.session.draft.audit if e.action in WORKFLOW_ACTIONS
    ]
    assert steps == [
        ("submitted", AUTHOR[0]),
        ("returned", LEAD[0]),
        ("resubmitted", AUTHOR[0]),
        ("signed_off", LEAD[0]),
        ("reopened", AUTHOR[0]),
    ]
    dialog = history(author)
    rows = [
        [dialog.revision_list.topLevelItem(i).text(c) for c in range(5)]
        for i in range(dialog.revision_list.topLevelItemCount())
    ]
    assert [(r[0], r[2], r[3]) for r in rows] == [
        ("1", f"{AUTHOR[0]} ({AUTHOR[1]})", "Submitted for review"),
        ("2", f"{AUTHOR[0]} ({AUTHOR[1]})", "Submitted for review"),
        ("3", f"{LEAD[0]} ({LEAD[1]})", "Signed off"),
    ]
    dialog.from_combo.setCurrentIndex(dialog.from_combo.findText("Revision 1", Qt.MatchStartsWith))
    dialog.from_combo.activated.emit(dialog.from_combo.currentIndex())
    dialog.to_combo.setCurrentIndex(dialog.to_combo.findText("Revision 2", Qt.MatchStartsWith))
    dialog.to_combo.activated.emit(dialog.to_combo.currentIndex())
    shown = dialog.browser.toPlainText()
    assert "Changes from revision 1 to revision 2" in shown
    assert "Question ii" in shown and ADDED in shown
