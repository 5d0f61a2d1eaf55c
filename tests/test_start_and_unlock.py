"""The way into the app: the start screen, the new-draft wizard and unlocking a draft."""

from __future__ import annotations

import json
import socket
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QLineEdit, QWizard

from imr_app.context import AppContext
from imr_app.core.model import Equality, Question, QuestionSet, ReviewType, SubjectRole
from imr_app.core.question_sets import question_set_to_json
from imr_app.gui.new_draft_wizard import NewDraftRequest, NewDraftWizard
from imr_app.gui.start_screen import StartScreen
from imr_app.gui.unlock_dialog import UnlockDialog, open_draft
from imr_app.settings import RecentDraft
from imr_app.storage.document import ImrDocument, OpenResult, OpenStatus
from imr_app.storage.keys import read_salt
from imr_app.storage.keystore import KeyStore
from imr_app.storage.locking import LockInfo, lock_path, read_lock
from tests.conftest import PASSPHRASE

# ---- start screen ----------------------------------------------------------------------------


@pytest.fixture
def screen(qtbot) -> StartScreen:
    widget = StartScreen()
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def recents(tmp_path: Path) -> tuple[Path, Path]:
    """An existing draft file and one that has gone."""
    present = tmp_path / "amina.imr"
    present.write_bytes(b"\0" * 2048)
    return present, tmp_path / "moved" / "connie.imr"


def _recent(path: Path, name: str, when: str = "2026-03-04T09:05:00") -> RecentDraft:
    return RecentDraft(str(path), name, "Northshire Police", "signed_off", when)


def test_start_screen_lists_recent_drafts(screen: StartScreen, recents: tuple[Path, Path]):
    present, missing = recents
    screen.set_recent([_recent(present, "DHR Amina"), _recent(missing, "DARDR Connie")])
    tree = screen.recent_list
    assert tree.isVisible() and not screen.empty_hint.isVisible()
    row = tree.topLevelItem(0)
    assert [row.text(i) for i in range(5)] == [
        "DHR Amina",
        "Northshire Police",
        "Signed off",
        "04/03/2026 09:05",
        present.name,  # two copies of one review are told apart
    ]
    assert row.toolTip(4) == str(present)
    assert tree.topLevelItem(1).text(0) == "DARDR Connie (file not found)"


def test_missing_draft_is_greyed_and_cannot_be_opened(
    qtbot, screen: StartScreen, recents: tuple[Path, Path]
):
    present, missing = recents
    screen.set_recent([_recent(present, "DHR Amina"), _recent(missing, "DARDR Connie")])
    tree = screen.recent_list
    gone = tree.topLevelItem(1)
    grey = screen.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
    assert gone.foreground(0).color() == grey
    assert tree.topLevelItem(0).foreground(0).color() != grey

    tree.setCurrentItem(gone)
    assert not screen.open_action.isEnabled()
    with qtbot.assertNotEmitted(screen.open_requested):
        qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert screen.notice.isVisible()
    assert "connie.imr" in screen.notice.text()


def test_enter_and_double_click_open_the_draft(
    qtbot, screen: StartScreen, recents: tuple[Path, Path]
):
    present, _ = recents
    screen.set_recent([_recent(present, "DHR Amina")])
    tree = screen.recent_list
    tree.setFocus()
    with qtbot.waitSignal(screen.open_requested) as blocker:
        qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert blocker.args == [present]

    centre = tree.visualItemRect(tree.topLevelItem(0)).center()
    with qtbot.waitSignal(screen.open_requested) as blocker:
        # A real double-click starts with a press: the view only activates what was pressed.
        qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=centre)
        qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert blocker.args == [present]


def test_delete_removes_from_the_list_but_not_the_file(
    qtbot, screen: StartScreen, recents: tuple[Path, Path]
):
    present, _ = recents
    screen.set_recent([_recent(present, "DHR Amina")])
    tree = screen.recent_list
    tree.setFocus()
    with qtbot.waitSignal(screen.remove_requested) as blocker:
        qtbot.keyClick(tree, Qt.Key.Key_Delete)
    assert blocker.args == [present]
    assert tree.topLevelItemCount() == 0
    assert present.exists()
    assert screen.empty_hint.isVisible()


def test_empty_list_shows_a_hint_and_the_buttons_ask(qtbot, screen: StartScreen):
    screen.set_recent([])
    assert not screen.recent_list.isVisible()
    assert "New draft" in screen.empty_hint.text()
    with qtbot.waitSignal(screen.new_requested):
        qtbot.mouseClick(screen.new_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(screen.browse_requested):
        qtbot.mouseClick(screen.open_button, Qt.MouseButton.LeftButton)


# ---- new draft wizard ------------------------------------------------------------------------


@pytest.fixture
def wizard(qtbot, context: AppContext) -> NewDraftWizard:
    widget = NewDraftWizard(context)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _type(qtbot, widget, text: str) -> None:
    widget.clear()
    qtbot.keyClicks(widget, text)


def _next(qtbot, wizard: NewDraftWizard) -> None:
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def _add_person(qtbot, wizard: NewDraftWizard, pseudonym: str, role: str) -> None:
    """As a user does: Add, type the pseudonym, Tab to the role list, pick one, Enter."""
    table = wizard.subjects_page.table
    qtbot.mouseClick(wizard.subjects_page.add_button, Qt.MouseButton.LeftButton)
    row = table.rowCount() - 1
    editor = table.findChild(QLineEdit)
    qtbot.keyClicks(editor, pseudonym)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    combo = table.findChild(QComboBox)
    combo.setCurrentText(role)
    qtbot.keyClick(combo, Qt.Key.Key_Return)  # the view commits the choice once idle
    qtbot.waitUntil(lambda: table.item(row, 1).text() == role)
    assert table.item(row, 0).text() == pseudonym


def _fill_to_save_page(qtbot, wizard: NewDraftWizard) -> None:
    review = wizard.review_page
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()  # name required
    _type(qtbot, review.name_edit, "DHR Amina")
    review.type_combo.setCurrentIndex(review.type_combo.findData(ReviewType.DARDR))
    _type(qtbot, review.partnership_edit, "Northshire Community Safety Partnership")
    _next(qtbot, wizard)

    period = wizard.period_page
    assert wizard.currentPage() is period
    _type(qtbot, period.start_edit, "1/1/2015")
    _type(qtbot, period.end_edit, "30 August 2018")
    _type(qtbot, period.death_edit, "30/08/2018")
    _next(qtbot, wizard)

    agency = wizard.agency_page
    assert wizard.currentPage() is agency
    _type(qtbot, agency.agency_edit, "Northshire Police")
    _type(qtbot, agency.author_edit, "Sam Patel")
    _type(qtbot, agency.role_edit, "Detective Inspector, Review Unit")
    assert "not the line manager" in agency.declaration_edit.toPlainText()
    _type(qtbot, agency.secured_edit, "12/10/2018")
    _next(qtbot, wizard)

    subjects = wizard.subjects_page
    assert wizard.currentPage() is subjects
    table = subjects.table
    assert table.item(0, 1).text() == "Victim"  # the victim row is offered first
    table.item(0, 0).setText("Amina")
    table.item(0, 2).setText("Jane Example")
    _add_person(qtbot, wizard, "Daniel", "Perpetrator")
    _next(qtbot, wizard)

    assert wizard.currentPage() is wizard.question_page
    assert "(17 questions)" in wizard.question_page.default_radio.text()
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.save_page


def _finish(qtbot, wizard: NewDraftWizard) -> None:
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert finish.isEnabled()
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)


def test_wizard_builds_the_request_from_every_page(
    qtbot, wizard: NewDraftWizard, context: AppContext
):
    _fill_to_save_page(qtbot, wizard)
    save = wizard.save_page
    expected = context.paths.drafts_dir / "DHR Amina.imr"
    assert save.location_edit.text() == str(expected)
    assert save.remember_check.isChecked()
    _type(qtbot, save.passphrase_edit, PASSPHRASE)
    _type(qtbot, save.confirm_edit, PASSPHRASE)
    _finish(qtbot, wizard)

    request = wizard.request
    assert isinstance(request, NewDraftRequest)
    assert wizard.result() == QDialog.DialogCode.Accepted
    assert (request.path, request.passphrase, request.remember) == (expected, PASSPHRASE, True)
    assert not expected.exists()  # the caller creates the file
    draft = request.draft
    review = draft.review
    assert (review.name, review.review_type) == ("DHR Amina", ReviewType.DARDR)
    assert review.commissioning_partnership == "Northshire Community Safety Partnership"
    assert (review.period_start, review.period_end) == (date(2015, 1, 1), date(2018, 8, 30))
    assert review.date_of_death == date(2018, 8, 30)
    assert draft.agency.name == "Northshire Police"
    author = draft.author
    assert (author.name, author.role) == ("Sam Patel", "Detective Inspector, Review Unit")
    assert author.records_secured_on == date(2018, 10, 12)
    assert "not the line manager" in author.independence_declaration
    people = [(s.pseudonym, s.role, s.real_name) for s in draft.subjects]
    assert people == [
        ("Amina", SubjectRole.VICTIM, "Jane Example"),
        ("Daniel", SubjectRole.PERPETRATOR, ""),
    ]
    assert len(draft.question_set.questions) == 17
    assert len(draft.answers) == 17
    assert draft.equality == Equality()


def test_weak_or_mismatched_passphrase_keeps_finish_disabled(qtbot, wizard: NewDraftWizard):
    _fill_to_save_page(qtbot, wizard)
    save = wizard.save_page
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    _type(qtbot, save.passphrase_edit, "password1")
    _type(qtbot, save.confirm_edit, "password1")
    assert not finish.isEnabled()
    assert "at least 12 characters" in save.strength.text()

    _type(qtbot, save.passphrase_edit, PASSPHRASE)
    _type(qtbot, save.confirm_edit, PASSPHRASE + "s")
    assert not finish.isEnabled()
    assert "do not match" in save.strength.text()
    wizard.accept()  # even a forced Finish is refused
    assert wizard.request is None and wizard.isVisible()

    _type(qtbot, save.confirm_edit, PASSPHRASE)
    assert finish.isEnabled()


def test_existing_file_is_refused(qtbot, wizard: NewDraftWizard, context: AppContext):
    existing = context.paths.drafts_dir / "DHR Amina.imr"
    existing.parent.mkdir(parents=True)
    existing.write_bytes(b"someone's draft")
    _fill_to_save_page(qtbot, wizard)
    save = wizard.save_page
    _type(qtbot, save.passphrase_edit, PASSPHRASE)
    _type(qtbot, save.confirm_edit, PASSPHRASE)
    assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    assert "already exists" in save.location_error.text()

    other = context.paths.drafts_dir / "DHR Amina police"
    save.choose_location = lambda: other
    qtbot.mouseClick(save.browse_button, Qt.MouseButton.LeftButton)
    _finish(qtbot, wizard)
    assert wizard.request.path == other.with_name("DHR Amina police.imr")
    assert existing.read_bytes() == b"someone's draft"


def test_period_ending_before_it_starts_is_refused(qtbot, wizard: NewDraftWizard):
    _type(qtbot, wizard.review_page.name_edit, "DHR Amina")
    _next(qtbot, wizard)
    period = wizard.period_page
    _type(qtbot, period.start_edit, "01/01/2018")
    _type(qtbot, period.end_edit, "31/12/2015")
    _next(qtbot, wizard)
    assert wizard.currentPage() is period
    assert "ends before it starts" in period.error.text()
    assert period.error.isVisible()

    _type(qtbot, period.end_edit, "31/12/2018")
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.agency_page


def test_real_name_without_pseudonym_is_refused(qtbot, wizard: NewDraftWizard):
    _fill_to_save_page(qtbot, wizard)
    wizard.back()
    wizard.back()
    subjects = wizard.subjects_page
    assert wizard.currentPage() is subjects
    subjects.table.item(1, 0).setText("")
    subjects.table.item(1, 2).setText("John Example")
    _next(qtbot, wizard)
    assert wizard.currentPage() is subjects
    assert "real name but no pseudonym" in subjects.error.text()


def _panel_file(tmp_path: Path) -> Path:
    good = tmp_path / "northshire-tor.json"
    panel = QuestionSet("northshire", "Northshire ToR", "2", [Question("1", "What happened?")])
    good.write_text(question_set_to_json(panel), encoding="utf-8")
    return good


def test_panel_terms_of_reference_are_used(qtbot, wizard: NewDraftWizard, tmp_path: Path):
    _fill_to_save_page(qtbot, wizard)
    wizard.back()
    page = wizard.question_page
    page.choose_file = lambda: _panel_file(tmp_path)
    qtbot.mouseClick(page.load_button, Qt.MouseButton.LeftButton)
    assert page.file_radio.isChecked()
    assert "Northshire ToR (1 questions)" in page.file_radio.text()
    _next(qtbot, wizard)
    save = wizard.save_page
    _type(qtbot, save.passphrase_edit, PASSPHRASE)
    _type(qtbot, save.confirm_edit, PASSPHRASE)
    _finish(qtbot, wizard)
    assert wizard.request.draft.question_set.title == "Northshire ToR"
    assert [a.question_number for a in wizard.request.draft.answers] == ["1"]


def test_malformed_terms_of_reference_keep_the_default(
    qtbot, wizard: NewDraftWizard, tmp_path: Path
):
    _fill_to_save_page(qtbot, wizard)
    wizard.back()
    page = wizard.question_page
    page.choose_file = lambda: _panel_file(tmp_path)
    qtbot.mouseClick(page.load_button, Qt.MouseButton.LeftButton)
    assert page.file_radio.isChecked()

    bad = tmp_path / "panel-tor.json"
    bad.write_text(
        '{"format": "imr-question-set", "format_version": 1,\n'
        ' "id": "northshire", "title": "Northshire ToR", "version": "2",\n'
        ' "questions": [{"number": "i"}]}\n',
        encoding="utf-8",
    )
    page.choose_file = lambda: bad
    qtbot.mouseClick(page.load_button, Qt.MouseButton.LeftButton)
    assert page.error.isVisible()
    assert "panel-tor.json: questions[0].text: required field is missing (line 3)" in (
        page.error.text()
    )
    assert page.default_radio.isChecked()
    assert page.question_set() is page.default_set


def test_cancelling_the_wizard_gives_no_request(qtbot, context: AppContext):
    def cancel() -> None:
        QApplication.activeModalWidget().reject()

    QTimer.singleShot(0, cancel)
    assert NewDraftWizard.ask(None, context) is None


# ---- unlocking -------------------------------------------------------------------------------


def _forget(path: Path, keystore: KeyStore) -> None:
    assert keystore.forget(read_salt(path))


@pytest.fixture
def close_later():
    documents: list[ImrDocument] = []
    yield documents.append
    for document in documents:
        document.close()


def test_remembered_key_opens_without_a_dialog(
    created: Path, context: AppContext, monkeypatch: pytest.MonkeyPatch, close_later
):
    def no_dialog(*args: object) -> None:
        raise AssertionError("the dialog should not be shown")

    monkeypatch.setattr(UnlockDialog, "ask", no_dialog)
    opened = open_draft(None, created, context)
    assert opened is not None
    document, warnings = opened
    close_later(document)
    assert document.load().review.name == "DHR Amina"
    assert warnings == []


def test_forgotten_key_shows_the_dialog(
    created: Path, context: AppContext, monkeypatch: pytest.MonkeyPatch
):
    shown: list[OpenResult] = []

    def ask(parent: object, path: Path, ctx: AppContext, first: OpenResult) -> None:
        shown.append(first)

    monkeypatch.setattr(UnlockDialog, "ask", staticmethod(ask))
    _forget(created, context.keystore)
    assert open_draft(None, created, context) is None
    assert [r.status for r in shown] == [OpenStatus.NEEDS_PASSPHRASE]


def _dialog(qtbot, path: Path, context: AppContext) -> UnlockDialog:
    dialog = UnlockDialog(path, context, ImrDocument.open(path, context.keystore))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _buttons(dialog: UnlockDialog) -> list[str]:
    return [b.text().replace("&", "") for b in dialog.buttons.buttons()]


def test_wrong_passphrase_stays_open_and_the_right_one_opens_and_remembers(
    qtbot, created: Path, context: AppContext, close_later
):
    _forget(created, context.keystore)
    dialog = _dialog(qtbot, created, context)
    assert dialog.passphrase_edit.echoMode() == dialog.passphrase_edit.EchoMode.Password
    assert dialog.remember_check.isChecked()
    assert sorted(_buttons(dialog)) == ["Cancel", "Open"]

    qtbot.keyClicks(dialog.passphrase_edit, "wrong horse battery")
    qtbot.mouseClick(dialog.primary_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.opened is None
    assert "does not open this draft" in dialog.error.text()
    assert dialog.error.isVisible() and "color" in dialog.error.styleSheet()
    assert dialog.passphrase_edit.text() == ""
    # The dialog grew for the message: every line shows and the field keeps its height.
    assert dialog.error.height() >= dialog.error.heightForWidth(dialog.error.width())
    assert dialog.passphrase_edit.height() >= dialog.passphrase_edit.sizeHint().height()

    qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
    qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)  # Enter presses Open
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.opened is not None and dialog.opened.ok
    close_later(dialog.opened.document)
    assert context.keystore.get(read_salt(created)) is not None


def test_unticking_remember_leaves_the_key_unremembered(
    qtbot, created: Path, context: AppContext, close_later
):
    _forget(created, context.keystore)
    dialog = _dialog(qtbot, created, context)
    dialog.remember_check.setChecked(False)
    qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
    qtbot.mouseClick(dialog.primary_button, Qt.MouseButton.LeftButton)
    assert dialog.opened is not None
    close_later(dialog.opened.document)
    assert context.keystore.get(read_salt(created)) is None


def _locked_elsewhere(path: Path) -> LockInfo:
    holder = LockInfo("jsmith", "NPOL-LT-0423", 4242, "2026-03-04T09:05:00+00:00", "abcd")
    lock_path(path).write_text(json.dumps(asdict(holder)), encoding="utf-8")
    return holder


def test_lock_from_another_computer_can_be_taken_over(
    qtbot, created: Path, context: AppContext, close_later
):
    holder = _locked_elsewhere(created)
    dialog = _dialog(qtbot, created, context)
    assert holder.describe() in dialog.message.text()
    assert "jsmith on NPOL-LT-0423 since 04/03/2026" in dialog.message.text()
    assert dialog.passphrase_form.isHidden()
    assert sorted(_buttons(dialog)) == ["Cancel", "Take over"]

    asked: list[LockInfo] = []
    dialog.confirm_take_over = lambda h: asked.append(h) or False
    qtbot.mouseClick(dialog.primary_button, Qt.MouseButton.LeftButton)
    assert asked == [holder]
    assert dialog.isVisible() and dialog.opened is None
    assert read_lock(created) == holder

    dialog.confirm_take_over = lambda h: True
    qtbot.mouseClick(dialog.primary_button, Qt.MouseButton.LeftButton)
    assert dialog.opened is not None and dialog.opened.ok
    close_later(dialog.opened.document)
    assert read_lock(created).host == socket.gethostname()


def test_take_over_without_a_remembered_key_asks_for_the_passphrase(
    qtbot, created: Path, context: AppContext, close_later
):
    _forget(created, context.keystore)
    _locked_elsewhere(created)
    dialog = _dialog(qtbot, created, context)
    dialog.confirm_take_over = lambda h: True
    qtbot.mouseClick(dialog.primary_button, Qt.MouseButton.LeftButton)
    assert not dialog.passphrase_form.isHidden()
    qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
    qtbot.mouseClick(dialog.primary_button, Qt.MouseButton.LeftButton)
    assert dialog.opened is not None
    close_later(dialog.opened.document)


def test_not_an_imr_shows_the_message_and_only_close(qtbot, tmp_path: Path, context: AppContext):
    notes = tmp_path / "notes.imr"
    notes.write_text("Meeting notes", encoding="utf-8")
    dialog = _dialog(qtbot, notes, context)
    assert dialog.message.text() == "This file is not an IMR Author draft."
    assert _buttons(dialog) == ["Close"]
    assert dialog.passphrase_form.isHidden()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert dialog.opened is None


@pytest.mark.parametrize(
    "status",
    [
        OpenStatus.CORRUPT,
        OpenStatus.NEWER_VERSION,
        OpenStatus.READ_ONLY,
        OpenStatus.NOT_FOUND,
        OpenStatus.MIGRATION_FAILED,
    ],
)
def test_files_that_cannot_be_opened_show_why_and_only_close(
    qtbot, tmp_path: Path, context: AppContext, status: OpenStatus
):
    first = OpenResult(status, detail="database disk image is malformed")
    dialog = UnlockDialog(tmp_path / "amina.imr", context, first)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.message.text() == OpenResult(status).message
    technical = status in (OpenStatus.CORRUPT, OpenStatus.MIGRATION_FAILED)  # SQLite's words
    said = "Technical detail, for IT support" if technical else "Note"
    assert dialog.note.text() == f"{said}: database disk image is malformed"
    assert _buttons(dialog) == ["Close"]


def test_keyring_problem_is_shown_as_a_note(qtbot, created: Path, context: AppContext):
    first = OpenResult(
        OpenStatus.NEEDS_PASSPHRASE, detail="This computer has no system keyring available."
    )
    dialog = UnlockDialog(created, context, first)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.message.text() == "Enter the draft's passphrase to open it."
    assert not dialog.note.isHidden()
    assert "no system keyring" in dialog.note.text()


def test_cancelling_the_unlock_dialog_returns_none(qtbot, created: Path, context: AppContext):
    _forget(created, context.keystore)

    def cancel() -> None:
        QApplication.activeModalWidget().reject()

    QTimer.singleShot(0, cancel)
    first = ImrDocument.open(created, context.keystore)
    assert UnlockDialog.ask(None, created, context, first) is None


def test_typing_in_the_wizard_does_not_leak_references_to_true(qtbot, wizard: NewDraftWizard):
    """Overriding QWizardPage.isComplete in PySide6 6.12 drops a reference to True per call,
    and the interpreter aborts once none are left; the pages must not override it."""
    _fill_to_save_page(qtbot, wizard)
    before = sys.getrefcount(True)
    for _ in range(3):
        _type(qtbot, wizard.save_page.passphrase_edit, "kettle orbit meadow lamp")
    assert sys.getrefcount(True) >= before - 10
