"""The Export to Word dialog, driven through its real widgets on the offscreen platform."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from imr_app.core import interchange
from imr_app.core.model import AuditEvent, ImrDraft
from imr_app.gui.export_dialog import ExportDialog, suggested_file_name
from imr_app.paths import resource_path
from imr_app.services.session import DraftSession
from imr_app.storage.document import ImrDocument
from imr_app.storage.keystore import KeyStore
from tests.conftest import PASSPHRASE

EXAMPLE = resource_path("examples", "example-imr.json")
NHS_NUMBER = "943 476 5919"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"


def example_draft() -> ImrDraft:
    return interchange.loads(EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def open_session(tmp_path: Path, keystore: KeyStore) -> Iterator[Callable[..., DraftSession]]:
    sessions: list[DraftSession] = []

    def make(draft: ImrDraft | None = None, path: Path | None = None) -> DraftSession:
        if path is None:
            path = tmp_path / "example.imr"
            ImrDocument.create(path, PASSPHRASE, draft or example_draft(), keystore)[0].close()
        opened = ImrDocument.open(path, keystore)
        assert opened.document is not None
        session = DraftSession(opened.document)
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        session.close(save=False)


@pytest.fixture
def make_dialog(qtbot) -> Iterator[Callable[[DraftSession], ExportDialog]]:
    dialogs: list[ExportDialog] = []

    def make(session: DraftSession) -> ExportDialog:
        dialog = ExportDialog(session)
        qtbot.addWidget(dialog)
        dialog.show()
        dialogs.append(dialog)
        return dialog

    yield make
    for dialog in dialogs:  # teardown joins any worker still running
        dialog.cancel_export()
        dialog.wait_for_export()


def no_password(dialog: ExportDialog) -> None:
    dialog.protect_check.setChecked(False)


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def wait_done(qtbot, dialog: ExportDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.running and dialog._running_path is None, timeout=30_000)


def audit_actions(session: DraftSession) -> list[str]:
    return [event.action for event in saved_audit(session)]


def saved_audit(session: DraftSession) -> list[AuditEvent]:
    return session.document.load(with_chronology=False).audit


def test_the_suggested_file_name_is_in_the_drafts_folder_and_holds_no_real_name(
    open_session, make_dialog
):
    draft = example_draft()
    victim = draft.victim()
    assert victim is not None and victim.real_name
    draft.review.name = f"DHR {victim.real_name}"
    session = open_session(draft)
    dialog = make_dialog(session)
    location = Path(dialog.location_edit.text())
    assert location.parent == session.path.parent
    assert location.name == suggested_file_name(session.draft, "1.0")
    assert location.name.endswith(" IMR v1.0.docx")
    for word in victim.real_name.split():
        assert word not in location.name
    dialog.version_edit.selectAll()
    dialog.version_edit.insert("2.1")  # as typed: the suggested name follows the version
    assert Path(dialog.location_edit.text()).name.endswith(" IMR v2.1.docx")


def test_browse_uses_the_chosen_location(open_session, make_dialog, qtbot, tmp_path: Path):
    dialog = make_dialog(open_session())
    chosen = tmp_path / "For the Chair.docx"
    dialog.choose_location = lambda current: chosen
    click(qtbot, dialog.browse_button)
    assert dialog.location_edit.text() == str(chosen)


def test_the_agency_template_is_chosen_once_and_kept_in_the_draft(
    open_session, make_dialog, qtbot, tmp_path: Path
):
    import shutil

    from imr_app.paths import resource_path

    template = tmp_path / "Northshire letterhead.docx"
    shutil.copy(resource_path("templates", "imr-default.docx"), template)
    session = open_session()
    dialog = make_dialog(session)
    assert dialog.template_label.text() == "The standard IMR Author template"
    dialog.choose_template = lambda: template
    click(qtbot, dialog.template_button)
    assert dialog.template_label.text() == "Northshire letterhead.docx"
    assert session.document.load().agency.template == str(template)
    click(qtbot, dialog.standard_button)
    assert session.document.load().agency.template == ""


def test_a_draft_copy_exports_with_progress_to_100_and_is_recorded(
    open_session, make_dialog, qtbot
):
    session = open_session()
    dialog = make_dialog(session)
    assert dialog.final_radio.isEnabled() and dialog.final_radio.isChecked()
    no_password(dialog)
    dialog.draft_radio.setChecked(True)
    click(qtbot, dialog.export_button)
    assert dialog.pages.currentWidget() is dialog.progress_page
    wait_done(qtbot, dialog)
    assert dialog.progress.value() == 100
    assert dialog._thread is None
    assert dialog.pages.currentWidget() is dialog.done_page, dialog.message.text()
    result = dialog.outcome
    assert result is not None and result.path.exists()
    assert str(result.path) in dialog.done_label.text()
    assert dialog.subject_box.isHidden()
    exported = [e for e in saved_audit(session) if e.action == "exported"]
    assert exported[-1].detail == f"{result.path.name}, draft copy, not password-protected"
    assert session.draft.audit[-1].action == "exported"


def test_final_is_disabled_while_hard_errors_remain(
    created: Path, open_session, make_dialog, qtbot
):
    dialog = make_dialog(open_session(path=created))
    assert dialog.error_count > 0
    assert not dialog.final_radio.isEnabled()
    assert dialog.draft_radio.isChecked()
    assert "Use Check for errors (F8) to see them" in dialog.errors_label.text()
    assert str(dialog.error_count) in dialog.errors_label.text()
    no_password(dialog)
    click(qtbot, dialog.export_button)  # a draft copy is still allowed
    wait_done(qtbot, dialog)
    assert dialog.outcome is not None and dialog.outcome.path.exists()


def test_cancel_leaves_no_file(open_session, make_dialog, qtbot):
    dialog = make_dialog(open_session())
    no_password(dialog)
    out = Path(dialog.location_edit.text())
    click(qtbot, dialog.export_button)
    click(qtbot, dialog.cancel_button)
    wait_done(qtbot, dialog)
    assert dialog.pages.currentWidget() is dialog.options_page
    assert "cancelled" in dialog.message.text()
    assert dialog.outcome is None
    assert not out.exists()
    assert not list(out.parent.glob("*.part"))


def test_closing_during_an_export_cancels_it_and_waits(open_session, make_dialog, qtbot):
    dialog = make_dialog(open_session())
    no_password(dialog)
    out = Path(dialog.location_edit.text())
    click(qtbot, dialog.export_button)
    dialog.close()
    assert not dialog.running
    assert not list(out.parent.glob("*.part"))
    assert out.exists() == (dialog.outcome is not None)


def test_a_leak_is_listed_and_accepted_only_with_a_reason(open_session, make_dialog, qtbot):
    draft = example_draft()
    draft.analysis = f"The GP recorded NHS number {NHS_NUMBER} in the letter."
    session = open_session(draft)
    dialog = make_dialog(session)
    no_password(dialog)
    out = Path(dialog.location_edit.text())
    click(qtbot, dialog.export_button)
    wait_done(qtbot, dialog)
    assert dialog.pages.currentWidget() is dialog.leaks_page
    assert not out.exists()
    texts = [dialog.leaks_table.item(r, 2).text() for r in range(dialog.leaks_table.rowCount())]
    assert NHS_NUMBER in texts
    assert texts.count(NHS_NUMBER) == 1  # one row, though it is in the report and data copy
    row = texts.index(NHS_NUMBER)
    assert dialog.leaks_table.item(row, 1).text() == "NHS number"
    where = dialog.leaks_table.item(row, 3)
    assert where.text() == "Analysis"  # where to fix it in the draft
    field, in_document = where.toolTip().split("\n")
    assert field == "Analysis"
    assert in_document.startswith("In the document: The report, paragraph ")
    assert "The Chair's data copy" in in_document and "customXml" not in in_document
    assert NHS_NUMBER in dialog.leaks_table.item(row, 4).text()  # context
    assert len(dialog.ticked_leaks()) == 0
    dialog.set_ticked(row)
    assert len(dialog.ticked_leaks()) >= 2  # accepting the row accepts it in every place
    dialog.set_ticked(row, False)

    for r in range(dialog.leaks_table.rowCount()):
        dialog.set_ticked(r)
    click(qtbot, dialog.accept_button)
    assert "reason" in dialog.message.text()
    assert dialog.pages.currentWidget() is dialog.leaks_page
    assert "leak accepted" not in audit_actions(session)

    qtbot.keyClicks(dialog.reason_edit, "The panel asked for it to trace the GP records.")
    click(qtbot, dialog.accept_button)
    wait_done(qtbot, dialog)
    assert dialog.pages.currentWidget() is dialog.done_page, dialog.message.text()
    assert out.exists()
    actions = audit_actions(session)
    assert "leak accepted" in actions and "exported" in actions
    assert "leak accepted" in [e.action for e in session.draft.audit]


def test_password_protection_encrypts_and_suggests_a_subject(open_session, make_dialog, qtbot):
    session = open_session()
    dialog = make_dialog(session)
    # The example is not signed off: Final says that the copy will still be marked DRAFT.
    assert dialog.final_radio.text() == "&Final (still marked DRAFT: the IMR is not signed off)"
    assert dialog.protect_check.isChecked()
    qtbot.keyClicks(dialog.password_edit, "heron")
    assert "shorter than 10 characters" in dialog.password_feedback.text()
    qtbot.keyClicks(dialog.password_edit, "-lantern-42")
    assert dialog.password_feedback.text() == "Type it again in the box below."  # not an error
    qtbot.keyClicks(dialog.repeat_edit, "heron-lantern-4")
    assert "not the same" in dialog.password_feedback.text()
    click(qtbot, dialog.export_button)
    assert dialog.pages.currentWidget() is dialog.options_page
    assert "not the same" in dialog.message.text()
    qtbot.keyClicks(dialog.repeat_edit, "2")
    assert dialog.password_feedback.text() == "The passwords match."
    click(qtbot, dialog.export_button)
    wait_done(qtbot, dialog)
    assert dialog.pages.currentWidget() is dialog.done_page, dialog.message.text()
    result = dialog.outcome
    assert result is not None
    assert result.path.read_bytes().startswith(OLE_SIGNATURE)
    assert dialog.subject_edit.isReadOnly()
    assert dialog.subject_edit.text().startswith("OFFICIAL-SENSITIVE")
    assert "another channel" in dialog.reminder_label.text()
    assert not dialog.reminder_label.isHidden()
    click(qtbot, dialog.copy_button)
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == dialog.subject_edit.text()
    exported = [e for e in saved_audit(session) if e.action == "exported"]
    assert exported[-1].detail.endswith("final, password-protected")


def test_a_bad_password_or_missing_folder_is_a_message(
    open_session, make_dialog, qtbot, tmp_path: Path
):
    dialog = make_dialog(open_session())
    qtbot.keyClicks(dialog.password_edit, " spaced ")
    qtbot.keyClicks(dialog.repeat_edit, " spaced ")
    assert "space" in dialog.password_feedback.text()
    click(qtbot, dialog.export_button)
    assert "space" in dialog.message.text()
    no_password(dialog)
    dialog.location_edit.setText(str(tmp_path / "missing" / "IMR.docx"))
    click(qtbot, dialog.export_button)
    assert "does not exist" in dialog.message.text()
    assert dialog.outcome is None


def test_an_unwritable_target_is_a_message_not_a_traceback(
    open_session, make_dialog, qtbot, tmp_path: Path
):
    dialog = make_dialog(open_session())
    no_password(dialog)
    (tmp_path / "taken.docx").mkdir()  # a folder where the file should go
    dialog.location_edit.setText(str(tmp_path / "taken.docx"))
    click(qtbot, dialog.export_button)
    wait_done(qtbot, dialog)
    assert dialog.pages.currentWidget() is dialog.options_page
    assert "could not be" in dialog.message.text()
    assert dialog.outcome is None


def test_ask_returns_the_result(open_session, monkeypatch, qtbot):
    session = open_session()

    def run(dialog: ExportDialog) -> int:
        no_password(dialog)
        dialog.draft_radio.setChecked(True)
        dialog.start_export()
        wait_done(qtbot, dialog)
        dialog.accept()
        return 1

    monkeypatch.setattr(ExportDialog, "exec", run)
    result = ExportDialog.ask(None, session)
    assert result is not None and result.path.exists()


def test_the_file_menu_saves_then_opens_the_dialog(
    qtbot, context, created: Path, monkeypatch: pytest.MonkeyPatch
):
    from imr_app.gui import export_dialog
    from imr_app.gui.main_window import MainWindow

    window = MainWindow(context)
    qtbot.addWidget(window)
    assert not window.export_action.isEnabled()
    assert window.export_action.shortcut().toString() == "Ctrl+E"
    window.open_path(created)
    assert window.editor is not None and window.session is not None
    assert window.export_action.isEnabled()
    calls: list[str] = []
    monkeypatch.setattr(window.editor, "save_now", lambda: calls.append("saved") or True)
    monkeypatch.setattr(
        export_dialog.ExportDialog,
        "ask",
        staticmethod(lambda parent, session, you: calls.append("asked") and None),
    )
    window.export_action.trigger()
    assert calls == ["saved", "asked"]
    window.close_draft()
    assert not window.export_action.isEnabled()


def test_a_detail_in_many_entries_names_a_few_and_counts_the_rest(open_session, make_dialog, qtbot):
    draft = example_draft()
    for entry in draft.chronology[:6]:
        entry.event += f" Her NHS number {NHS_NUMBER} was on the form."
    dialog = make_dialog(open_session(draft))
    no_password(dialog)
    click(qtbot, dialog.export_button)
    wait_done(qtbot, dialog)
    texts = [dialog.leaks_table.item(r, 2).text() for r in range(dialog.leaks_table.rowCount())]
    where = dialog.leaks_table.item(texts.index(NHS_NUMBER), 3)
    assert where.text().startswith("Chronology entry ")
    assert where.text().endswith("; and 3 more")
    assert where.toolTip().count("Chronology entry ") == 6
