"""The Comments dock driven through the real window: comment, reply, resolve, go to, reopen."""

from __future__ import annotations

from pathlib import Path

import pytest

from imr_app.core.comments import COMMENT_ADDED, COMMENT_RESOLVED, unresolved
from imr_app.core.model import SectionId
from imr_app.gui.comments_panel import CommentsPanel
from imr_app.gui.main_window import MainWindow
from imr_app.gui.pages.question import QuestionPage
from imr_app.services.checks import Location
from imr_app.services.comment_locations import location_for


@pytest.fixture
def window(example_window):
    return example_window("Rachel Okafor", "QA reviewer")


def _select_in_answer(win: MainWindow, number: str) -> str:
    """Show question ``number`` and select a phrase of its answer that occurs once."""
    win.editor.go_to(Location(SectionId.TERMS_OF_REFERENCE, number, "answer"))
    page = win.editor.current_page()
    assert isinstance(page, QuestionPage)
    text = page.answer.text
    words = text.split()
    quote = next(
        " ".join(words[i : i + 4])
        for i in range(len(words) - 4)
        if text.count(" ".join(words[i : i + 4])) == 1
        and page.editor.toPlainText().count(" ".join(words[i : i + 4])) == 1
    )
    cursor = page.editor.document().find(quote)
    assert cursor.hasSelection()
    page.editor.setTextCursor(cursor)
    return quote


def _panel(win: MainWindow) -> CommentsPanel:
    win.comments_action.trigger()
    assert win.comments_dock.isVisible()
    return win.comments


def test_dock_is_hidden_until_opened_and_needs_a_draft(window: MainWindow) -> None:
    assert window.comments_action.isEnabled()
    assert not window.comments_dock.isVisible()
    panel = _panel(window)
    assert panel.list.count() == 0  # the example's only thread is resolved
    panel.show_resolved.setChecked(True)
    assert panel.list.count() == 1
    assert "resolved" in panel.list.item(0).text()
    window.close_draft()
    assert not window.comments_action.isEnabled()
    assert not window.comments_dock.isVisible()


def test_comment_reply_resolve_go_to_and_reopen(
    window: MainWindow, example_path: Path, qtbot
) -> None:
    panel = _panel(window)
    quote = _select_in_answer(window, "ii")
    panel.text.setPlainText("Say who made this decision.")
    assert panel.add_on_page(), panel.message.text()
    draft = window.session.draft
    [comment] = unresolved(draft)
    assert comment.anchor.kind == "answer" and comment.anchor.ref == "ii"
    assert comment.author_name == "Rachel Okafor" and comment.author_role == "QA reviewer"
    assert panel.list.count() == 1
    shown = panel.list.item(0).text()
    assert shown.startswith("Question ii, on “")
    assert quote.split()[0] in shown and "Say who made this decision." in shown
    assert f"{comment.created_at:%d/%m/%Y %H:%M}" in shown
    assert draft.audit[-1].action == COMMENT_ADDED

    # Go to jumps back to question ii from another page.
    window.editor.go_to(Location(SectionId.RECOMMENDATIONS))
    panel.list.setCurrentRow(0)
    panel.go_button.click()
    page = window.editor.current_page()
    assert isinstance(page, QuestionPage) and page.number == "ii"

    panel.text.setPlainText("The team manager, on 3 May.")
    panel.reply_button.click()
    assert "    ↳ Rachel Okafor (QA reviewer)" in panel.list.item(0).text()
    assert "The team manager, on 3 May." in panel.list.item(0).text()

    panel.resolve_button.click()
    assert unresolved(draft) == []
    assert panel.list.count() == 0
    assert draft.audit[-1].action == COMMENT_RESOLVED
    panel.show_resolved.setChecked(True)
    assert panel.list.count() == 2  # the example's thread and ours
    assert not panel.resolve_button.isEnabled() or panel.selected_id() == ""

    ids = [c.id for c in draft.comments]
    assert window.close_draft()
    window.open_path(example_path)
    window.session.wait_for_chronology()
    reopened = window.session.draft
    assert [c.id for c in reopened.comments] == ids
    assert all(c.resolved for c in reopened.comments)
    actions = [e.action for e in reopened.audit]
    assert actions.count(COMMENT_ADDED) >= 2 and COMMENT_RESOLVED in actions
    panel = _panel(window)
    panel.show_resolved.setChecked(True)
    assert any("The team manager, on 3 May." in panel.list.item(i).text() for i in range(2))


def test_errors_are_messages_and_sections_get_comments(window: MainWindow) -> None:
    panel = _panel(window)
    _select_in_answer(window, "ii")
    before = len(window.session.draft.audit)
    panel.text.setPlainText("   ")
    assert not panel.add_on_page()
    assert panel.message.text() == "A comment needs some text."
    assert len(window.session.draft.audit) == before

    window.editor.go_to(Location(SectionId.RECOMMENDATIONS))
    panel.text.setPlainText("Who leads this?")
    assert panel.add_on_page(), panel.message.text()
    [comment] = unresolved(window.session.draft)
    assert comment.anchor.kind == "section"
    assert location_for(comment.anchor) == Location(SectionId.RECOMMENDATIONS)
    assert panel.list.item(0).text().startswith("Section: ")


def test_words_that_appear_again_are_commented_where_selected_and_go_to_finds_them(
    window: MainWindow,
) -> None:
    panel = _panel(window)
    window.editor.go_to(Location(SectionId.TERMS_OF_REFERENCE, "ii", "answer"))
    page = window.editor.current_page()
    assert isinstance(page, QuestionPage)
    plain = page.editor.toPlainText()
    assert plain.count(" the ") > 2
    second = plain.index(" the ", plain.index(" the ") + 1) + 1
    cursor = page.editor.textCursor()
    cursor.setPosition(second)
    cursor.setPosition(second + 3, cursor.MoveMode.KeepAnchor)  # the second "the" of many
    page.editor.setTextCursor(cursor)
    panel.text.setPlainText("Which team?")
    assert panel.add_on_page(), panel.message.text()
    [comment] = unresolved(window.session.draft)
    answer = page.answer.text
    assert answer[comment.anchor.span_start : comment.anchor.span_end] == "the"
    assert comment.anchor.span_start > answer.index("the")  # not simply the first

    window.editor.go_to(Location(SectionId.RECOMMENDATIONS))
    panel.list.setCurrentRow(0)
    panel.go_to()
    shown = window.editor.current_page()
    assert shown is page
    selection = page.editor.textCursor()
    assert (selection.selectionStart(), selection.selectedText()) == (second, "the")
