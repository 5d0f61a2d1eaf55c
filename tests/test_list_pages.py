"""The list pages driven as an author would: keys, buttons and typing into table cells."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from imr_app.core.model import (
    ActionPlanRow,
    PracticeKind,
    Recommendation,
    Subject,
    SubjectRole,
)
from imr_app.gui.pages.findings import LessonsPage, PracticePage
from imr_app.gui.pages.recommendations import RecommendationsPage
from imr_app.gui.pages.row_editing import RowsPage, RowTable
from imr_app.gui.pages.subjects import SubjectsPage
from imr_app.services.checks import check_draft
from imr_app.services.session import DraftSession
from imr_app.storage.document import ImrDocument
from imr_app.storage.keystore import KeyStore


def _open(path: Path, keystore: KeyStore) -> DraftSession:
    result = ImrDocument.open(path, keystore)
    assert result.document is not None, result.message
    return DraftSession(result.document)


@pytest.fixture
def session(created: Path, keystore: KeyStore) -> Iterator[DraftSession]:
    session = _open(created, keystore)
    yield session
    session.close()


def _show(qtbot: QtBot, page_class: type[RowsPage], session: DraftSession) -> RowsPage:
    """The page as the editor shows it: every edit touches its part of the session."""
    page = page_class(session, session.touch)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)  # keys, shortcuts and focus need the active window
    return page


def _type(widget: QWidget, text: str) -> None:
    """Type any text, accents included (``keyClicks`` only types ASCII)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            QApplication.sendEvent(widget, event)


def _open_cell(qtbot: QtBot, table: RowTable, row: int, attr: str) -> QWidget:
    """Move to a cell with the keyboard's focus and press F2, as a keyboard user would."""
    table.select(row, table.model.column_of(attr))
    table.view.setFocus()
    qtbot.keyClick(table.view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert editor is not None and editor is not table.view
    return editor


def _finish(qtbot: QtBot, table: RowTable, editor: QWidget) -> None:
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.view.state() != QAbstractItemView.State.EditingState)


def _type_into(qtbot: QtBot, table: RowTable, editor: QWidget, text: str) -> None:
    editor.selectAll()  # type: ignore[attr-defined]  # line and paragraph editors alike
    _type(editor, text)
    _finish(qtbot, table, editor)


def _edit(qtbot: QtBot, table: RowTable, row: int, attr: str, text: str) -> None:
    _type_into(qtbot, table, _open_cell(qtbot, table, row, attr), text)


def _choose(qtbot: QtBot, table: RowTable, row: int, attr: str, first_letters: str) -> None:
    """Pick from a cell's list by typing the start of the choice, then Enter."""
    editor = _open_cell(qtbot, table, row, attr)
    qtbot.keyClicks(editor, first_letters)
    _finish(qtbot, table, editor)


def _cell(table: RowTable, row: int, attr: str) -> str:
    return table.model.index(row, table.model.column_of(attr)).data()


def _insert_row(qtbot: QtBot, table: RowTable, text: str) -> None:
    """Insert adds a row and opens its first cell for typing."""
    table.view.setFocus()
    qtbot.keyClick(table.view, Qt.Key.Key_Insert)
    _type_into(qtbot, table, QApplication.focusWidget(), text)


def test_subjects_are_added_reordered_deleted_and_restored(qtbot: QtBot, session: DraftSession):
    page = _show(qtbot, SubjectsPage, session)
    table = page.table
    assert page.no_victim.isVisible()

    _insert_row(qtbot, table, "Zoë Smith")
    _choose(qtbot, table, 0, "role", "V")
    _edit(qtbot, table, 0, "real_name", "Jane Example")
    assert not page.no_victim.isVisible()
    qtbot.mouseClick(table.add_button, Qt.MouseButton.LeftButton)
    _type_into(qtbot, table, QApplication.focusWidget(), "Ryan Davis")
    _choose(qtbot, table, 1, "role", "P")
    subjects = session.draft.subjects
    assert [(s.pseudonym, s.role, s.real_name) for s in subjects] == [
        ("Zoë Smith", SubjectRole.VICTIM, "Jane Example"),
        ("Ryan Davis", SubjectRole.PERPETRATOR, ""),
    ]
    ids = {s.pseudonym: s.id for s in subjects}
    assert session.is_dirty

    table.select(1)
    qtbot.keyClick(table.view, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert [s.pseudonym for s in session.draft.subjects] == ["Ryan Davis", "Zoë Smith"]
    assert _cell(table, 0, "pseudonym") == "Ryan Davis"

    qtbot.keyClick(table.view, Qt.Key.Key_Delete)
    assert [s.pseudonym for s in session.draft.subjects] == ["Zoë Smith"]
    assert "Ryan Davis" in page.history.label.text()
    assert page.history.button.isEnabled()

    qtbot.keyClick(table.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    restored = session.draft.subjects
    assert [s.pseudonym for s in restored] == ["Ryan Davis", "Zoë Smith"]
    assert {s.pseudonym: s.id for s in restored} == ids
    assert table.current_item() is restored[0]
    assert not page.history.button.isEnabled()


def test_deleting_the_victim_brings_the_warning_back(qtbot: QtBot, session: DraftSession):
    session.draft.subjects = [Subject("Connie Smith", SubjectRole.VICTIM)]
    page = _show(qtbot, SubjectsPage, session)
    assert not page.no_victim.isVisible()
    page.table.select(0)
    qtbot.mouseClick(page.table.delete_button, Qt.MouseButton.LeftButton)
    assert page.no_victim.isVisible()
    qtbot.mouseClick(page.history.button, Qt.MouseButton.LeftButton)
    assert not page.no_victim.isVisible()


def test_the_no_victim_problem_opens_the_first_subjects_role(qtbot: QtBot, session: DraftSession):
    session.draft.subjects = [Subject("Ryan Davis", SubjectRole.PERPETRATOR)]
    page = _show(qtbot, SubjectsPage, session)
    problem = next(p for p in check_draft(session.draft) if "victim" in p.message)
    page.focus_location(problem.location)
    index = page.table.view.currentIndex()
    assert (index.row(), index.column()) == (0, page.table.model.column_of("role"))
    assert page.table.view.state() == QAbstractItemView.State.EditingState


def test_findings_of_both_kinds_with_their_questions(qtbot: QtBot, session: DraftSession):
    page = _show(qtbot, PracticePage, session)
    table = page.table
    _insert_row(qtbot, table, "DASH risk assessments were graded high every time.")
    _edit(qtbot, table, 0, "question_refs", "VI, ii")
    _insert_row(qtbot, table, "Intelligence waited six weeks before it was shared.")
    _choose(qtbot, table, 1, "kind", "P")
    findings = session.draft.practice
    assert [(f.kind, f.question_refs) for f in findings] == [
        (PracticeKind.GOOD, ["ii", "vi"]),  # in the order of the terms of reference
        (PracticeKind.POOR, []),
    ]
    assert findings[1].kind is PracticeKind.POOR  # the enum itself, not its text
    assert _cell(table, 0, "question_refs") == "ii, vi"

    _edit(qtbot, table, 1, "question_refs", "iii, xx")
    assert findings[1].question_refs == []
    assert table.message.isVisible()
    assert "no question xx" in table.message.text()

    page.show_kind.setCurrentIndex(page.show_kind.findText("Poor practice only"))
    assert table.model.rowCount() == 1
    assert _cell(table, 0, "text").startswith("Intelligence")
    qtbot.mouseClick(table.add_button, Qt.MouseButton.LeftButton)
    _type_into(qtbot, table, QApplication.focusWidget(), "No DASH at the 2017 incident.")
    assert [f.kind for f in session.draft.practice] == [
        PracticeKind.GOOD,
        PracticeKind.POOR,
        PracticeKind.POOR,
    ]


def test_subjects_findings_and_lessons_survive_saving_and_reopening(
    qtbot: QtBot, created: Path, keystore: KeyStore
):
    session = _open(created, keystore)
    subjects = _show(qtbot, SubjectsPage, session)
    _insert_row(qtbot, subjects.table, "Connie Smith")
    _choose(qtbot, subjects.table, 0, "role", "V")
    practice = _show(qtbot, PracticePage, session)
    _insert_row(qtbot, practice.table, "Prosecutions were pursued without Connie's support.")
    _edit(qtbot, practice.table, 0, "question_refs", "vii")
    lessons = _show(qtbot, LessonsPage, session)
    _insert_row(qtbot, lessons.table, "Consider coercive control when a victim disengages.")
    ids = [session.draft.subjects[0].id, session.draft.practice[0].id, session.draft.lessons[0].id]
    for page in (subjects, practice, lessons):
        page.flush()
    session.save()
    session.close()

    again = _open(created, keystore)
    draft = again.draft
    assert [(s.pseudonym, s.role) for s in draft.subjects] == [("Connie Smith", SubjectRole.VICTIM)]
    assert draft.subjects[0].role is SubjectRole.VICTIM
    assert [(f.text, f.kind, f.question_refs) for f in draft.practice] == [
        ("Prosecutions were pursued without Connie's support.", PracticeKind.GOOD, ["vii"])
    ]
    assert [lesson.text for lesson in draft.lessons] == [
        "Consider coercive control when a victim disengages."
    ]
    assert [draft.subjects[0].id, draft.practice[0].id, draft.lessons[0].id] == ids
    again.close()


def _add_recommendation_with_two_actions(qtbot: QtBot, page: RecommendationsPage) -> None:
    qtbot.mouseClick(page.recs.add_button, Qt.MouseButton.LeftButton)
    _type_into(qtbot, page.recs, QApplication.focusWidget(), "Share intelligence the same day.")
    _choose(qtbot, page.recs, 0, "scope", "N")
    _edit(qtbot, page.recs, 0, "cites", "iii, ix")
    for action, lead in (("Review triage", "Head of Public Protection"), ("Brief staff", "")):
        qtbot.mouseClick(page.actions.add_button, Qt.MouseButton.LeftButton)
        _type_into(qtbot, page.actions, QApplication.focusWidget(), action)
        row = page.actions.model.rowCount() - 1
        if lead:
            _edit(qtbot, page.actions, row, "lead", lead)


def test_an_action_plan_is_typed_with_uk_dates(qtbot: QtBot, session: DraftSession):
    page = _show(qtbot, RecommendationsPage, session)
    _add_recommendation_with_two_actions(qtbot, page)
    [rec] = session.draft.recommendations
    assert (rec.text, rec.scope.value, rec.cites) == (
        "Share intelligence the same day.",
        "national",
        ["iii", "ix"],
    )
    assert [(a.action, a.lead) for a in rec.actions] == [
        ("Review triage", "Head of Public Protection"),
        ("Brief staff", ""),
    ]
    assert page.actions.title.text().startswith("Action plan for recommendation 1")

    _edit(qtbot, page.actions, 0, "target_date", "3/4/2027")
    assert rec.actions[0].target_date == date(2027, 4, 3)
    assert _cell(page.actions, 0, "target_date") == "03/04/2027"
    assert not page.actions.message.isVisible()

    _edit(qtbot, page.actions, 0, "target_date", "31/02/2027")
    assert rec.actions[0].target_date == date(2027, 4, 3)
    assert _cell(page.actions, 0, "target_date") == "03/04/2027"
    assert page.actions.message.isVisible()
    assert "31/02/2027 does not exist" in page.actions.message.text()

    _edit(qtbot, page.actions, 1, "completed_on", "12 June 2027")
    assert rec.actions[1].completed_on == date(2027, 6, 12)
    assert not page.actions.message.isVisible()


def test_a_deleted_action_comes_back_to_its_own_recommendation(qtbot: QtBot, session: DraftSession):
    first = Recommendation(
        "Flag victims' records", actions=[ActionPlanRow("a"), ActionPlanRow("b")]
    )
    second = Recommendation("Invite GPs to MARAC", actions=[ActionPlanRow("c")])
    session.draft.recommendations = [first, second]
    page = _show(qtbot, RecommendationsPage, session)
    deleted = first.actions[0]
    page.actions.select(0)
    qtbot.mouseClick(page.actions.delete_button, Qt.MouseButton.LeftButton)
    assert [a.action for a in first.actions] == ["b"]

    page.recs.select(1)  # look at another recommendation before undoing
    assert [page.actions.model.item(r).action for r in range(1)] == ["c"]
    qtbot.keyClick(page.recs.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert first.actions[0] is deleted
    assert [a.action for a in second.actions] == ["c"]
    assert page.recs.current_item() is first
    assert page.actions.current_item() is deleted

    page.recs.select(0)
    page.recs.view.setFocus()
    qtbot.keyClick(page.recs.view, Qt.Key.Key_Delete)
    assert session.draft.recommendations == [second]
    qtbot.mouseClick(page.history.button, Qt.MouseButton.LeftButton)
    assert session.draft.recommendations == [first, second]
    assert [a.action for a in first.actions] == ["a", "b"]


def test_the_action_plan_is_saved_and_reopened(qtbot: QtBot, created: Path, keystore: KeyStore):
    session = _open(created, keystore)
    page = _show(qtbot, RecommendationsPage, session)
    _add_recommendation_with_two_actions(qtbot, page)
    _edit(qtbot, page.actions, 1, "target_date", "30/06/2027")
    # A cell still being typed in when autosave comes is saved too.
    editor = _open_cell(qtbot, page.actions, 1, "milestones")
    _type(editor, "All shifts briefed")
    page.flush()
    session.save()
    ids = [a.id for a in session.draft.recommendations[0].actions]
    session.close()

    again = _open(created, keystore)
    [rec] = again.draft.recommendations
    assert (rec.text, rec.cites) == ("Share intelligence the same day.", ["iii", "ix"])
    assert [(a.action, a.target_date, a.milestones) for a in rec.actions] == [
        ("Review triage", None, ""),
        ("Brief staff", date(2027, 6, 30), "All shifts briefed"),
    ]
    assert [a.id for a in rec.actions] == ids
    again.close()


def test_a_missing_lead_opens_the_lead_cell_of_that_action(qtbot: QtBot, session: DraftSession):
    when = date(2027, 1, 1)
    booked = ActionPlanRow("Book trainers", "Training manager", target_date=when)
    leaderless = ActionPlanRow("Brief staff", target_date=when)
    session.draft.recommendations = [
        Recommendation("Share intelligence", actions=[ActionPlanRow("Review", "Head", "", when)]),
        Recommendation("Train staff", actions=[booked, leaderless]),
    ]
    page = _show(qtbot, RecommendationsPage, session)
    problem = next(p for p in check_draft(session.draft) if "without a lead" in p.message)
    assert problem.location.ref == leaderless.id

    page.focus_location(problem.location)
    assert page.recs.current_item() is session.draft.recommendations[1]
    assert page.actions.current_item() is leaderless
    assert page.actions.view.currentIndex().column() == page.actions.model.column_of("lead")
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    assert editor.parent() is page.actions.view.viewport()
    _type(editor, "Safeguarding lead")
    _finish(qtbot, page.actions, editor)
    assert leaderless.lead == "Safeguarding lead"
    assert booked.lead == "Training manager"


def test_refresh_shows_the_reloaded_draft_and_forgets_old_deletes(
    qtbot: QtBot, session: DraftSession
):
    session.draft.recommendations = [Recommendation("Old", actions=[ActionPlanRow("x")])]
    page = _show(qtbot, RecommendationsPage, session)
    page.actions.select(0)
    qtbot.mouseClick(page.actions.delete_button, Qt.MouseButton.LeftButton)
    assert page.history.button.isEnabled()

    session.draft.recommendations = [
        Recommendation("New", actions=[ActionPlanRow("y"), ActionPlanRow("z")])
    ]
    page.refresh()
    assert _cell(page.recs, 0, "text") == "New"
    assert [_cell(page.actions, r, "action") for r in range(2)] == ["y", "z"]
    assert not page.history.button.isEnabled()


def test_a_recommendation_without_actions_leads_to_add_action(qtbot: QtBot, session: DraftSession):
    session.draft.recommendations = [
        Recommendation("Share intelligence", actions=[ActionPlanRow("Review", "Head")]),
        Recommendation("Train staff"),
    ]
    page = _show(qtbot, RecommendationsPage, session)
    problem = next(p for p in check_draft(session.draft) if "no action" in p.message)
    page.focus_location(problem.location)
    assert page.recs.current_item() is session.draft.recommendations[1]
    assert page.actions.title.text().startswith("Action plan for recommendation 2: Train staff")
    assert QApplication.focusWidget() is page.actions.add_button
    qtbot.keyClick(page.actions.add_button, Qt.Key.Key_Space)
    _type_into(qtbot, page.actions, QApplication.focusWidget(), "Book trainers")
    assert [a.action for a in session.draft.recommendations[1].actions] == ["Book trainers"]
