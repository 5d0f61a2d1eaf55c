"""Review → History in the real window: revisions, a readable diff, copying and restoring."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from imr_app.core.model import ImrDraft, SectionId, WorkflowState, new_id
from imr_app.core.revision_diff import SegmentKind
from imr_app.gui import history_dialog
from imr_app.gui.history_dialog import HistoryDialog
from imr_app.gui.main_window import MainWindow
from imr_app.gui.pages.equality import STATEMENT
from imr_app.gui.widgets.rich_text import RichTextEdit
from imr_app.services.checks import Location
from tests.test_review_window import Fill, accept, answer_with, as_lead, question_page  # noqa: F401

OLD_WORDS = "they let Lee answer for Amina"
NEW_WORDS = "they allowed Lee to answer for Amina and did not speak to her alone"
ADDED_SENTENCE = " The officer also checked the MARAC list that evening."
OLD_ANALYSIS = "Between emergencies the force did not see the pattern."
NEW_ANALYSIS = "Between emergencies the force saw the pattern but did not act on it."


@pytest.fixture
def window(example_window) -> MainWindow:
    return example_window("Helen Marsh", "IMR author")


@pytest.fixture
def confirmations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every restore confirmation is answered Yes; the questions asked are kept."""
    asked: list[str] = []

    def question(_parent, _title, text, *_args) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(history_dialog.QMessageBox, "question", staticmethod(question))
    return asked


def type_into_answer(win: MainWindow, number: str, old: str, new: str) -> None:
    """Edit the answer on its page as a user would, then let autosave write it."""
    page = question_page(win, number)
    text = page.editor.toMarkdown().replace(old, new, 1)
    page.editor.selectAll()
    page.editor.insertPlainText("")
    page.editor.textCursor().insertMarkdown(text)
    assert win.editor is not None and win.editor.save_now()


def analysis_field(win: MainWindow) -> RichTextEdit:
    """The Analysis page's text, shown as a user would find it."""
    assert win.editor is not None
    win.editor.go_to(Location(SectionId.ANALYSIS, "", "analysis"))
    field = win.editor.current_page().field_widget("analysis")
    assert isinstance(field, RichTextEdit)
    return field


def history(win: MainWindow) -> HistoryDialog:
    win.history_action.trigger()
    dialog = win.findChild(HistoryDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def submitted_twice(win: MainWindow, answer_with: list[Fill]) -> str:  # noqa: F811
    """Submit, return, change question i, resubmit: two revisions. Returns i's first text."""
    first = win.session.draft.answer_for("i").text
    assert OLD_WORDS in first
    answer_with.append(accept)
    win.review_actions.submit_action.trigger()
    answer_with.append(as_lead("Please revisit the risk grading in question i."))
    win.review_actions.return_action.trigger()
    type_into_answer(win, "i", OLD_WORDS, NEW_WORDS)
    answer_with.append(accept)
    win.review_actions.submit_action.trigger()
    assert win.session.draft.workflow.state is WorkflowState.SUBMITTED
    return first


def test_history_lists_revisions_and_shows_the_changed_words(
    window: MainWindow,
    answer_with: list[Fill],  # noqa: F811
):
    submitted_twice(window, answer_with)
    dialog = history(window)

    rows = [
        [dialog.revision_list.topLevelItem(i).text(c) for c in range(5)]
        for i in range(dialog.revision_list.topLevelItemCount())
    ]
    assert [r[0] for r in rows] == ["1", "2"]
    assert all(r[2] == "Helen Marsh (IMR author)" for r in rows)
    assert all(r[3] == "Submitted for review" for r in rows)
    assert rows[0][1][2] == "/" and rows[0][1][5] == "/" and ":" in rows[0][1]  # dd/mm/yyyy HH:MM
    event = window.session.draft.audit
    assert rows[1][1] == f"{[e for e in event if e.action == 'resubmitted'][-1].at:%d/%m/%Y %H:%M}"

    # Submitted and unchanged since: the default is what the resubmission changed.
    assert dialog.from_combo.currentText().startswith("Revision 1")
    assert dialog.to_combo.currentText().startswith("Revision 2")
    page = dialog.browser.toPlainText()
    assert "Changes from revision 1 to revision 2" in page
    assert "Question i" in page
    html = dialog.browser.toHtml()
    inserted = _marked(html, "underline")
    deleted = _marked(html, "line-through")
    assert "allowed" in inserted and "did not speak to her alone" in inserted
    assert deleted.strip() == "let"
    assert "Question ii" not in page  # unchanged answers are not listed

    # Comparing revision 2 with the draft as it stands: nothing has changed since.
    dialog.to_combo.setCurrentIndex(dialog.to_combo.findText("Current draft"))
    dialog.to_combo.activated.emit(dialog.to_combo.currentIndex())
    dialog.from_combo.setCurrentIndex(1)
    dialog.from_combo.activated.emit(1)
    assert "No changes to the content" in dialog.browser.toPlainText()

    # While submitted, an old answer can be copied but not restored.
    dialog.compare(dialog._revisions[0], dialog._revisions[1])
    assert dialog.text_combo.currentText() == "Question i"
    assert dialog.copy_button.isEnabled() and not dialog.restore_button.isEnabled()
    dialog.copy_button.click()
    first = window.session.document.repo.revision_snapshot(dialog._revisions[0].id)
    assert OLD_WORDS in QGuiApplication.clipboard().text()
    assert QGuiApplication.clipboard().text() in first.replace("\\n", "\n")
    assert "on the clipboard" in dialog.feedback.text()


def _words(text: str) -> str:
    """The editor keeps answers as Markdown wrapped at 80 columns: compare the words."""
    return " ".join(text.split())


def _changed_words(dialog: HistoryDialog, key: str) -> list[str]:
    """The words the diff shown marks inserted or deleted in one text (a line end the editor
    added to the Markdown is not a word)."""
    assert dialog.page is not None
    segments = [s for t in dialog.page.result.texts if t.key == key for s in t.segments]
    return [s.text for s in segments if s.kind is not SegmentKind.EQUAL and s.text.strip()]


def _marked(html: str, decoration: str) -> str:
    """The text of every span styled with ``decoration`` in the browser's HTML."""
    import re

    spans = re.findall(rf"<span style=\"[^\"]*{decoration}[^\"]*\">(.*?)</span>", html, re.S)
    return " ".join(spans)


def test_restore_an_earlier_answer_into_the_draft_and_the_file(
    qtbot,
    window: MainWindow,
    answer_with: list[Fill],  # noqa: F811
    confirmations: list[str],
):
    first = submitted_twice(window, answer_with)
    answer_with.append(as_lead("Say more about the neighbour's calls."))
    window.review_actions.return_action.trigger()
    # The author adds to another answer after the return: the draft has moved on.
    page_ii = question_page(window, "ii")
    page_ii.editor.moveCursor(page_ii.editor.textCursor().MoveOperation.End)
    page_ii.editor.insertPlainText(ADDED_SENTENCE)
    dialog = history(window)
    assert dialog.from_combo.currentText().startswith("Revision 2")
    assert dialog.to_combo.currentText() == "Current draft"
    assert "MARAC list that evening" in _marked(dialog.browser.toHtml(), "underline")

    # Restore question i as revision 1 had it: asked first, showing what will be replaced.
    dialog.compare(dialog._revisions[0], None)
    index = dialog.text_combo.findText("Question i")
    dialog.text_combo.setCurrentIndex(index)
    assert dialog.restore_button.isEnabled()
    assert dialog.restore_button.text() == "&Restore from revision 1…"
    dialog.restore_button.click()
    (asked,) = confirmations
    assert "question i with its text from revision 1" in asked
    assert "did not speak to her alone" in asked  # what will be replaced
    assert "Ctrl+Z" in asked

    # The page shows it, the draft holds it, and the diff no longer lists question i.
    page = question_page(window, "i")
    assert OLD_WORDS in page.editor.toPlainText()
    assert NEW_WORDS not in page.editor.toPlainText()
    assert _words(window.session.draft.answer_for("i").text) == _words(first)
    assert "Question i\n" not in dialog.browser.toPlainText().replace("Question ii", "")
    assert "restored from revision 1" in dialog.feedback.text()

    # One Ctrl+Z in the answer brings back the text it replaced.
    page.editor.undo()
    assert NEW_WORDS in page.editor.toPlainText()
    page.editor.redo()
    assert window.editor.save_now()

    text = _reopened(qtbot, window).answer_for("i").text  # the restored answer is in the file
    assert OLD_WORDS in text and NEW_WORDS not in text


def _reopened(qtbot, window: MainWindow) -> ImrDraft:
    """The draft as its file holds it: closed (History closes with it) and opened again."""
    path = window.session.path
    assert window.close_draft()
    qtbot.waitUntil(lambda: window.findChild(HistoryDialog) is None)
    window.open_path(path)
    return window.session.draft


def test_restore_an_earlier_analysis_as_one_undo_step_and_save_it(
    qtbot,
    window: MainWindow,
    answer_with: list[Fill],  # noqa: F811
    confirmations: list[str],
):
    submitted_twice(window, answer_with)
    answer_with.append(as_lead("The analysis needs to say why the pattern was missed."))
    window.review_actions.return_action.trigger()
    # The author rewrites a sentence of the analysis on its page; autosave writes it.
    field = analysis_field(window)
    assert OLD_ANALYSIS in field.toPlainText()
    cursor = field.document().find(OLD_ANALYSIS)
    field.setTextCursor(cursor)
    field.insertPlainText(NEW_ANALYSIS)
    assert window.editor.save_now()
    assert NEW_ANALYSIS in _words(window.session.draft.analysis)
    question_page(window, "ii")  # the author has moved on to another page

    dialog = history(window)
    dialog.compare(dialog._revisions[0], None)
    assert "Analysis" in dialog.browser.toPlainText()
    assert "act" in " ".join(_changed_words(dialog, "analysis"))
    dialog.text_combo.setCurrentIndex(dialog.text_combo.findText("Analysis"))
    assert dialog.restore_button.isEnabled()
    assert dialog.restore_button.text() == "&Restore from revision 1…"
    assert dialog.restore_button.accessibleName() == "Restore the text from the earlier revision"
    words_now = len(window.session.draft.analysis.split())
    dialog.restore_button.click()
    (asked,) = confirmations
    assert asked.startswith("Replace the analysis with its text from revision 1 (")
    assert f"It now reads ({words_now:,} words)" in asked  # what will be replaced
    assert "Ctrl+Z in the analysis brings it back" in asked

    # The Analysis page is shown with the earlier text, and the window says what happened.
    page = window.editor.current_page()
    assert page.section is SectionId.ANALYSIS
    assert page.field_widget("analysis") is field
    assert OLD_ANALYSIS in field.toPlainText() and NEW_ANALYSIS not in field.toPlainText()
    assert dialog.feedback.text().startswith("The analysis was restored from revision 1.")
    assert _changed_words(dialog, "analysis") == []  # the diff marks no word of it now
    assert not window.session.is_dirty  # saved at once

    # One Ctrl+Z in the field brings back the text it replaced, whole.
    qtbot.keyClick(field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert NEW_ANALYSIS in field.toPlainText() and OLD_ANALYSIS not in field.toPlainText()
    assert field.toPlainText().startswith("Northshire Police responded")
    field.redo()
    assert OLD_ANALYSIS in field.toPlainText()
    assert window.editor.save_now()

    text = _words(_reopened(qtbot, window).analysis)  # the restored analysis is in the file
    assert OLD_ANALYSIS in text and NEW_ANALYSIS not in text


def test_restore_the_equality_statement_from_the_link_in_the_diff(
    qtbot,
    window: MainWindow,
    answer_with: list[Fill],  # noqa: F811
    confirmations: list[str],
):
    answer_with.append(accept)
    window.review_actions.submit_action.trigger()
    answer_with.append(as_lead("Say how language affected Amina's access to help."))
    window.review_actions.return_action.trigger()
    window.editor.go_to(Location(SectionId.EQUALITY, "", STATEMENT))
    field = window.editor.current_page().field_widget(STATEMENT)
    assert isinstance(field, RichTextEdit)
    first = field.toPlainText()
    field.selectAll()
    field.insertPlainText("The characteristics were looked at.")
    question_page(window, "ii")
    assert window.editor.save_now()

    dialog = history(window)
    assert dialog.to_combo.currentText() == "Current draft"
    assert "Equality statement  Copy from revision 1 · Restore from revision 1…" in (
        dialog.browser.toPlainText()
    )
    assert dialog.restore("equality.statement")
    (asked,) = confirmations
    assert asked.startswith("Replace the equality statement with its text from revision 1 (")
    assert "“The characteristics were looked at.”" in asked

    page = window.editor.current_page()
    assert page.section is SectionId.EQUALITY and page.field_widget(STATEMENT) is field
    assert field.toPlainText() == first
    assert _words(window.session.draft.equality.statement) == _words(first)
    assert dialog.feedback.text().startswith("The equality statement was restored from revision 1.")
    assert not window.session.is_dirty
    qtbot.keyClick(field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert field.toPlainText() == "The characteristics were looked at."


def test_restore_is_refused_while_submitted(
    window: MainWindow,
    answer_with: list[Fill],  # noqa: F811
    confirmations: list[str],
    monkeypatch: pytest.MonkeyPatch,
):
    submitted_twice(window, answer_with)
    warned: list[str] = []
    monkeypatch.setattr(
        history_dialog.QMessageBox,
        "warning",
        staticmethod(lambda _p, _t, text: warned.append(text)),
    )
    dialog = history(window)
    # Through the link in the diff, which the keyboard-less path also offers.
    assert not dialog.restore("answer:i")
    assert "submitted or signed off" in warned[-1]
    assert not confirmations
    assert NEW_WORDS in window.session.draft.answer_for("i").text


def test_a_draft_without_revisions_says_how_history_starts(window: MainWindow):
    dialog = history(window)
    assert dialog.revision_list.topLevelItemCount() == 0
    text = dialog.browser.toPlainText()
    assert "No revisions yet" in text
    assert "submitted for review" in text
    assert not dialog.from_combo.isEnabled() and not dialog.copy_button.isEnabled()
    assert not dialog.restore_button.isEnabled()


def test_history_is_keyboard_reachable_and_closes_with_the_draft(qtbot, window: MainWindow):
    assert window.history_action.shortcut().toString() == "Ctrl+H"
    dialog = history(window)
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.browser)  # no revisions to list
    for widget in (
        dialog.revision_list,
        dialog.from_combo,
        dialog.to_combo,
        dialog.browser,
        dialog.text_combo,
        dialog.copy_button,
        dialog.restore_button,
    ):
        assert widget.accessibleName()
    window.history_action.trigger()  # a second Ctrl+H brings the same window back
    assert window.findChildren(HistoryDialog) == [dialog]
    assert window.close_draft()
    qtbot.waitUntil(lambda: window.findChild(HistoryDialog) is None)
    assert not window.history_action.isEnabled()


def test_a_large_chronology_shows_the_first_rows_and_the_rest_on_request(
    window: MainWindow,
    answer_with: list[Fill],  # noqa: F811
):
    answer_with.append(accept)
    window.review_actions.submit_action.trigger()
    answer_with.append(as_lead("Add the command and control logs."))
    window.review_actions.return_action.trigger()
    session = window.session
    template = session.draft.chronology[0]
    added = [
        replace(template, id=new_id(), event=f"Command and control log {n}.") for n in range(10_000)
    ]
    session.draft.chronology += added
    session.touch_entries(e.id for e in added)
    assert window.editor.save_now()

    started = time.perf_counter()
    dialog = history(window)
    elapsed = time.perf_counter() - started
    assert dialog.to_combo.currentText() == "Current draft"
    text = dialog.browser.toPlainText()
    assert "Chronology: 10,000 added" in text
    assert "Command and control log 49." in text and "Command and control log 50." not in text
    assert "Show the other 9,950 added" in text
    assert elapsed < 5  # about half a second here: the snapshots, the diff and 50 rows

    dialog._on_link(QUrl("more:Chronology:added"))
    text = dialog.browser.toPlainText()
    assert "Command and control log 9999." in text and "Show the other" not in text
