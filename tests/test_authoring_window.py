"""The authoring window driven like a user: create, write, check, lock and reopen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from imr_app.context import AppContext
from imr_app.core.model import AnswerStatus, SectionId, SubjectRole
from imr_app.core.sections import word_count
from imr_app.gui.main_window import MainWindow
from imr_app.gui.new_draft_wizard import NewDraftWizard
from imr_app.gui.pages.question import QuestionPage
from imr_app.services.checks import Location
from tests.conftest import PASSPHRASE

UNICODE_ANSWER = "Officers spoke to Amina alone — “she was frightened” — and noted it (Zoë, café)."


def type_text(widget: QWidget, text: str) -> None:
    """Type any text, one key event per character (qtbot.keyClicks is ASCII-only)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            )


def fill_wizard(qtbot, context: AppContext, parent: QWidget, path: Path) -> object:
    """Go through every page of the real wizard as an author would."""
    wizard = NewDraftWizard(context, parent)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.review_page.name_edit.setText("DHR Amina")
    wizard.review_page.partnership_edit.setText("Northshire Community Safety Partnership")
    wizard.next()
    wizard.period_page.start_edit.setText("1/3/2019")
    wizard.period_page.end_edit.setText("14 November 2022")
    wizard.period_page.death_edit.setText("14.11.22")
    wizard.next()
    wizard.agency_page.agency_edit.setText("Northshire Police")
    wizard.agency_page.role_edit.setText("Detective Sergeant, Review Unit")
    wizard.agency_page.secured_edit.setText("02/12/2022")
    wizard.next()
    subjects = wizard.subjects_page
    row = subjects.add_person(SubjectRole.VICTIM)
    subjects.table.item(row, 0).setText("Amina")
    row = subjects.add_person(SubjectRole.PERPETRATOR)
    subjects.table.item(row, 0).setText("Lee")
    wizard.next()
    wizard.next()
    save = wizard.save_page
    save.location_edit.setText(str(path))
    save.passphrase_edit.setText(PASSPHRASE)
    save.confirm_edit.setText(PASSPHRASE)
    wizard.accept()
    return wizard.request


@pytest.fixture
def window(qtbot, context: AppContext, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    path = tmp_path / "drafts" / "dhr-amina.imr"
    monkeypatch.setattr(
        NewDraftWizard,
        "ask",
        staticmethod(lambda parent, ctx: fill_wizard(qtbot, ctx, parent, path)),
    )
    win = MainWindow(context)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close_draft()


def question_page(win: MainWindow, number: str) -> QuestionPage:
    assert win.editor is not None
    win.editor.go_to(Location(SectionId.TERMS_OF_REFERENCE, number, "answer"))
    page = win.editor.current_page()
    assert isinstance(page, QuestionPage) and page.number == number
    return page


def test_an_author_writes_checks_locks_and_reopens(qtbot, window: MainWindow):
    window.new_draft()
    assert window.editor is not None, "the wizard's draft was not opened"
    path = window.session.path
    assert window.windowTitle().startswith("DHR Amina")
    assert window.session.draft.review.period_start.isoformat() == "2019-03-01"

    # Answer question i with Unicode text and mark it complete.
    page = question_page(window, "i")
    page.editor.setFocus()
    type_text(page.editor, UNICODE_ANSWER)
    page.status.setCurrentIndex(2)
    page.status.activated.emit(2)
    qtbot.waitUntil(lambda: page.words.text() == f"{word_count(UNICODE_ANSWER)} words")
    qtbot.waitUntil(lambda: window.save_label.text() == "Saved", timeout=5000)

    # Question ii is not applicable, but no reason is given yet.
    page = question_page(window, "ii")
    page.status.setCurrentIndex(3)
    page.status.activated.emit(3)
    assert page.reason.isVisibleTo(page)

    window.check_action.trigger()
    problems = window.problems.list
    texts = [problems.item(i).text() for i in range(problems.count())]
    target = "Question ii is marked not applicable without a reason."
    row = next(i for i, t in enumerate(texts) if target in t)
    assert not any("Question i is not answered" in t for t in texts)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    question_page(window, "v")  # wander off, then let the list bring us back
    problems.itemActivated.emit(problems.item(row))
    page = window.editor.current_page()
    assert isinstance(page, QuestionPage) and page.number == "ii"
    qtbot.waitUntil(lambda: page.reason.hasFocus())
    type_text(page.reason, "No contact with Lee in the review period.")

    # Equality: every characteristic not relevant for both subjects gives the statement.
    window.editor.go_to(Location(SectionId.EQUALITY))
    equality = window.editor.current_page()
    for button in equality.findChildren(QPushButton):
        if button.text() == "Mark all not relevant":
            button.click()
    equality.flush()
    statement = window.session.draft.equality.statement
    assert "Amina and Lee" in statement and "protected characteristics" in statement

    # The action plan: one recommendation with one action, typed in the table.
    window.editor.go_to(Location(SectionId.RECOMMENDATIONS))
    recs = window.editor.current_page()
    recs.recs.add_button.click()
    type_text(QApplication.focusWidget(), "Share DASH risk grading with health the same day.")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    recs.actions.add_button.click()
    type_text(QApplication.focusWidget(), "Amend the referral procedure")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert window.session.draft.recommendations[0].actions[0].action.startswith("Amend")

    # Idle lock: the content goes, the key goes, and the remembered key brings it back.
    window.idle.set_minutes(0.002)
    window.idle.start()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.locked, timeout=5000)
    assert window.session is None and window.editor is None
    assert "locked" in window.locked.message.text()
    assert "after a period without use" in window.locked.message.text()
    window.locked.button.click()
    assert window.editor is not None

    # Close, reopen from the start screen's list, and find everything.
    assert window.close_draft()
    window.start.open_requested.emit(path)
    draft = window.session.draft
    assert draft.answer_for("i").text.strip() == UNICODE_ANSWER
    assert draft.answer_for("i").status is AnswerStatus.COMPLETE
    assert draft.answer_for("ii").not_applicable_reason.startswith("No contact with Lee")
    assert "protected characteristics" in draft.equality.statement
    assert draft.recommendations[0].text.startswith("Share DASH")
    assert [s.pseudonym for s in draft.subjects] == ["Amina", "Lee"]


def test_a_failed_save_is_never_silent_and_keeps_the_text(
    qtbot, window: MainWindow, created: Path, monkeypatch: pytest.MonkeyPatch
):
    window.open_path(created)
    assert window.editor is not None
    page = question_page(window, "iii")
    type_text(page.editor, "Text that must survive a full disk.")

    def refuse() -> None:
        raise OSError("the disk is full")

    monkeypatch.setattr(window.session, "save", refuse)
    assert not window.editor.save_now()
    assert window.save_label.text() == "Not saved — the disk is full"
    assert "full disk" in page.editor.toPlainText()
    monkeypatch.undo()
    assert window.editor.save_now()
    assert window.save_label.text() == "Saved"
    assert "full disk" in window.session.document.load().answer_for("iii").text
