"""Two copies of one draft: real files copied and edited apart, told apart on opening.

The author hands the file to the lead and both keep a copy. Each copy's lineage (its writing
sessions and revisions) says which is newer or that both were changed since they parted;
the window says so in plain words before the older or diverged copy can be edited, and the
command line prints the same.
"""

from __future__ import annotations

import json
import shutil
import socket
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton

from imr_app.cli import main
from imr_app.context import AppContext
from imr_app.core.lineage import Lineage, Relation, compare
from imr_app.core.workflow import Actor
from imr_app.gui import diverged_dialog
from imr_app.gui.diverged_dialog import CopyReport, DivergedCopyDialog
from imr_app.gui.main_window import MainWindow
from imr_app.services.review import submit_for_review, take_step
from imr_app.services.session import DraftSession
from imr_app.settings import Settings, SettingsStore
from imr_app.storage import schema
from imr_app.storage.document import ImrDocument
from imr_app.storage.keystore import KeyStore
from tests.conftest import PASSPHRASE

AUTHOR, LEAD = "Helen Marsh", "Priya Shah"
OPEN_NEWER, OPEN_OTHER = "Open the newer copy", "Open the other copy"
OPEN_THIS, CANCEL = "Open this copy anyway", "Cancel: open neither copy"


def _open(path: Path, keystore: KeyStore, user: str = "") -> ImrDocument:
    result = ImrDocument.open(path, keystore)
    assert result.document is not None, result.message
    result.document.set_user(user)
    return result.document


def edit(path: Path, keystore: KeyStore, user: str, words: str) -> None:
    """One opening of the copy that types into the first answer and saves, as ``user``."""
    session = DraftSession(_open(path, keystore, user))
    answer = session.draft.answers[0]
    answer.text += f" {words}"
    session.touch_answer(answer.question_number)
    session.save()
    session.close()


def lineage(path: Path, keystore: KeyStore) -> Lineage:
    with _open(path, keystore) as document:
        return document.lineage()


@pytest.fixture
def author_copy(created: Path, keystore: KeyStore) -> Path:
    """The author's draft after one day's work."""
    edit(created, keystore, AUTHOR, "The officer graded the risk as standard.")
    return created


@pytest.fixture
def lead_copy(author_copy: Path, tmp_path: Path) -> Path:
    """The file as handed to the lead (a byte-for-byte copy, same key)."""
    handed = tmp_path / "shared" / author_copy.name
    handed.parent.mkdir()
    shutil.copy(author_copy, handed)
    return handed


# ---- the lineage the storage layer keeps ---------------------------------------------------
def test_creating_and_each_opening_that_writes_add_one_session_each(
    created: Path, keystore: KeyStore
):
    (creation,) = lineage(created, keystore).sessions
    assert creation.computer == socket.gethostname()

    _open(created, keystore).close()  # opened and read, nothing written
    assert len(lineage(created, keystore).sessions) == 1

    session = DraftSession(_open(created, keystore, AUTHOR))
    for words in ("First", "Second", "Third"):  # three saves, one opening
        session.draft.analysis = words
        session.touch("analysis")
        session.save()
    session.close()
    sessions = lineage(created, keystore).sessions
    assert [s.id for s in sessions[:1]] == [creation.id]
    assert len(sessions) == 2
    assert (sessions[1].user, sessions[1].revisions) == (AUTHOR, 0)


def test_a_write_that_fails_leaves_the_session_for_the_next_write(
    created: Path, keystore: KeyStore
):
    document = _open(created, keystore, AUTHOR)
    with pytest.raises(RuntimeError), document.repo.transaction():
        document.repo.save_part("analysis", "lost")
        raise RuntimeError("disk said no")
    assert len(document.lineage().sessions) == 1  # rolled back with the write
    document.repo.save_part("analysis", "kept")
    assert [s.user for s in document.lineage().sessions][1:] == [AUTHOR]
    document.close()


def test_a_review_step_records_its_session_and_revision_together(
    example_path: Path, keystore: KeyStore
):
    document = _open(example_path, keystore, AUTHOR)
    draft = document.load()
    take_step(document, draft, lambda d: submit_for_review(d, Actor(AUTHOR, "IMR author")))
    document.close()
    result = lineage(example_path, keystore)
    assert result.sessions[-1].user == AUTHOR
    assert result.sessions[-1].revisions == 0  # the revision count when it started writing
    assert [(r.number, r.actor) for r in result.revisions] == [(1, AUTHOR)]


def test_a_draft_from_before_lineage_migrates_with_an_empty_one(
    draft_path: Path, draft, keystore: KeyStore
):
    old, _ = ImrDocument.create(
        draft_path, PASSPHRASE, draft, keystore, migrations=schema.MIGRATIONS[:2]
    )
    old.close()
    migrated = lineage(draft_path, keystore)  # the migration's own audit event is no session
    assert migrated == Lineage(draft.id, [], [])
    assert schema.CURRENT_VERSION == schema.LINEAGE_VERSION == 3


# ---- comparing two copies ------------------------------------------------------------------
def test_both_copies_edited_apart_have_diverged_with_each_side_described(
    author_copy: Path, lead_copy: Path, keystore: KeyStore
):
    edit(author_copy, keystore, AUTHOR, "The DASH was not repeated.")
    edit(lead_copy, keystore, LEAD, "Why not medium?")
    result = compare(lineage(author_copy, keystore), lineage(lead_copy, keystore))
    assert result.relation is Relation.DIVERGED
    assert result.common is not None and result.common.user == AUTHOR
    assert [s.user for s in result.a_only.sessions] == [AUTHOR]
    assert [s.user for s in result.b_only.sessions] == [LEAD]


def test_a_hand_back_that_carries_on_from_the_author_copy_is_newer(
    author_copy: Path, lead_copy: Path, keystore: KeyStore
):
    edit(lead_copy, keystore, LEAD, "Reviewed.")
    result = compare(lineage(lead_copy, keystore), lineage(author_copy, keystore))
    assert result.relation is Relation.A_NEWER
    assert [s.user for s in result.a_only.sessions] == [LEAD]


def test_a_copy_taken_while_the_author_was_still_writing_is_not_the_whole_story(
    created: Path, keystore: KeyStore, tmp_path: Path
):
    """The author backs up mid-session and writes on; the lead edits the backup. Both copies
    share the author's session, but not its later writes: they have diverged."""
    session = DraftSession(_open(created, keystore, AUTHOR))
    answer = session.draft.answers[0]
    answer.text += " First thoughts."
    session.touch_answer(answer.question_number)
    session.save()
    handed = session.document.backup(tmp_path / "handed.imr")
    answer.text += " Written after the copy was made."
    session.touch_answer(answer.question_number)
    session.save()
    session.close()
    edit(handed, keystore, LEAD, "Reviewed.")

    result = compare(lineage(created, keystore), lineage(handed, keystore))
    assert result.relation is Relation.DIVERGED
    assert [s.user for s in result.a_only.sessions] == [AUTHOR]
    assert [s.user for s in result.b_only.sessions] == [LEAD]


def test_cli_compare_says_which_is_newer_or_how_they_diverged(
    author_copy: Path,
    lead_copy: Path,
    keystore: KeyStore,
    context: AppContext,
    capsys: pytest.CaptureFixture,
    tmp_path: Path,
):
    assert main(["compare", str(author_copy), str(lead_copy)], context) == 0
    assert "hold the same changes" in capsys.readouterr().out

    edit(lead_copy, keystore, LEAD, "Reviewed.")
    assert main(["compare", str(author_copy), str(lead_copy)], context) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{lead_copy.name} is newer: it holds everything in {author_copy.name}")
    assert f"Edited by {LEAD} on {socket.gethostname()}," in out

    edit(author_copy, keystore, AUTHOR, "More.")
    # Copies share the key, so one passphrase (read once from the file) opens both.
    (tmp_path / "pw").write_text(PASSPHRASE)
    args = ["compare", str(author_copy), str(lead_copy), "--passphrase-file", str(tmp_path / "pw")]
    assert main(args, context) == 1
    out = capsys.readouterr().out
    assert "have each been changed since they parted" in out
    assert f"Both copies hold what {AUTHOR} wrote on the computer" in out
    assert f"Only in {author_copy.name}:\n  Edited by {AUTHOR}" in out
    assert f"Only in {lead_copy.name}:\n  Edited by {LEAD}" in out


def test_cli_compare_does_not_call_copies_without_history_the_same(
    draft_path: Path, draft, keystore: KeyStore, context: AppContext, capsys, tmp_path: Path
):
    old, _ = ImrDocument.create(
        draft_path, PASSPHRASE, draft, keystore, migrations=schema.MIGRATIONS[:2]
    )
    old.close()
    copy = tmp_path / "copy.imr"
    shutil.copy(draft_path, copy)
    assert main(["compare", str(draft_path), str(copy)], context) == 1
    out = capsys.readouterr().out
    assert "cannot be told apart" in out and "hold the same changes" not in out


def test_cli_compare_refuses_two_different_drafts(
    created: Path, example_path: Path, context: AppContext, capsys: pytest.CaptureFixture
):
    assert main(["compare", str(created), str(example_path)], context) == 2
    assert "different drafts, not two copies" in capsys.readouterr().err


# ---- what this computer remembers -----------------------------------------------------------
def test_the_newest_copy_seen_is_remembered_without_case_content(
    author_copy: Path, lead_copy: Path, keystore: KeyStore, context: AppContext
):
    store = SettingsStore(context.paths.config_dir)
    edit(lead_copy, keystore, LEAD, "Reviewed.")
    newer, older = lineage(lead_copy, keystore), lineage(author_copy, keystore)
    assert store.remember_copy(lead_copy, newer)
    assert not store.remember_copy(lead_copy, newer)  # nothing new: the file is not rewritten
    assert not store.remember_copy(author_copy, older)  # the newer copy stays pointed at
    known = store.known_copy(newer.draft_id)
    assert known is not None and known.path == str(lead_copy.resolve())
    assert known.as_lineage() == newer
    text = store.path.read_text("utf-8")
    assert "Reviewed" not in text and "DHR Amina" not in text

    # A damaged entry is ignored, never a crash.
    data = json.loads(text)
    data["copies"][0]["lineage"]["sessions"] = "nonsense"
    store.path.write_text(json.dumps(data), "utf-8")
    assert store.known_copy(newer.draft_id) is None
    assert store.remember_copy(author_copy, older)


# ---- the window ----------------------------------------------------------------------------
@pytest.fixture
def window(qtbot, context: AppContext):
    SettingsStore(context.paths.config_dir).save(Settings(user_name=AUTHOR))
    win = MainWindow(context)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close_draft()


@dataclass
class Shown:
    """The copy dialogs shown, and the button the author presses in the next one."""

    dialogs: list[DivergedCopyDialog] = field(default_factory=list)
    press: str = CANCEL


def buttons(dialog: DivergedCopyDialog) -> set[str]:
    return {b.accessibleName() for b in dialog.buttons.findChildren(QPushButton)}


@pytest.fixture
def shown(qtbot, monkeypatch: pytest.MonkeyPatch) -> Shown:
    """Each copy dialog is built for real and answered by clicking the named button."""
    record = Shown()

    def ask(parent, report: CopyReport):
        dialog = DivergedCopyDialog(report, parent)
        qtbot.addWidget(dialog)
        dialog.show()
        record.dialogs.append(dialog)
        pressed = dialog.buttons.findChildren(QPushButton)
        next(b for b in pressed if b.accessibleName() == record.press).click()
        return dialog.choice

    monkeypatch.setattr(diverged_dialog.DivergedCopyDialog, "ask", staticmethod(ask))
    return record


def _open_and_close(win: MainWindow, path: Path) -> None:
    win.open_path(path)
    assert win.session is not None and win.session.path == path
    assert win.close_draft()


def test_opening_the_older_copy_warns_and_opens_the_newer_one(
    window: MainWindow, author_copy: Path, lead_copy: Path, keystore: KeyStore, shown
):
    edit(lead_copy, keystore, LEAD, "Reviewed.")
    _open_and_close(window, lead_copy)  # the hand-back: what this computer last saw
    before = lineage(author_copy, keystore)

    shown.press = OPEN_NEWER
    window.open_path(author_copy)
    (dialog,) = shown.dialogs
    assert dialog.headline.text().startswith("This is an older copy of the draft")
    assert f"Newer copy: {lead_copy.resolve()}" in dialog.explanation.text()
    assert f"Edited by {LEAD} on {socket.gethostname()}," in dialog.changes["other"].text()
    assert "this" not in dialog.changes  # an older copy has nothing of its own
    assert window.session is not None and window.session.path == lead_copy
    assert lineage(author_copy, keystore) == before  # neither file was written


def test_a_hand_back_opens_without_a_question_and_says_it_is_newer(
    window: MainWindow, author_copy: Path, lead_copy: Path, keystore: KeyStore, shown
):
    _open_and_close(window, author_copy)
    edit(lead_copy, keystore, LEAD, "Reviewed.")
    window.open_path(lead_copy)
    assert shown.dialogs == []
    assert window.session is not None and window.session.path == lead_copy
    note = f"This copy is newer than the one you last opened, at {author_copy.resolve()}."
    assert window.statusBar().currentMessage() == note


def test_a_diverged_copy_lists_both_sides_and_can_be_opened_anyway(
    window: MainWindow, author_copy: Path, lead_copy: Path, keystore: KeyStore, shown
):
    _open_and_close(window, author_copy)
    edit(author_copy, keystore, AUTHOR, "The DASH was not repeated.")
    _open_and_close(window, author_copy)
    edit(lead_copy, keystore, LEAD, "Why not medium?")

    shown.press = OPEN_THIS
    window.open_path(lead_copy)
    (dialog,) = shown.dialogs
    assert dialog.windowTitle() == "Two copies with different changes"
    assert "each been changed since they parted" in dialog.headline.text()
    assert f"Both copies hold what {AUTHOR} wrote on the computer" in dialog.explanation.text()
    assert f"Edited by {LEAD}" in dialog.changes["this"].text()
    assert f"Edited by {AUTHOR}" in dialog.changes["other"].text()
    assert buttons(dialog) == {OPEN_OTHER, OPEN_THIS, CANCEL}
    assert window.session is not None and window.session.path == lead_copy
    window.close_draft()

    # The copy opened anyway is now the one remembered: the author's copy is the other one.
    shown.press = CANCEL
    window.open_path(author_copy)
    assert len(shown.dialogs) == 2
    assert f"Other copy: {lead_copy.resolve()}" in shown.dialogs[1].explanation.text()
    assert window.session is None


def test_a_file_replaced_by_an_older_copy_of_itself_is_noticed(
    window: MainWindow, author_copy: Path, keystore: KeyStore, tmp_path: Path, shown
):
    backup = tmp_path / "backup.imr"
    shutil.copy(author_copy, backup)
    edit(author_copy, keystore, AUTHOR, "Later work.")
    _open_and_close(window, author_copy)
    shutil.copy(backup, author_copy)  # restored over it

    shown.press = OPEN_THIS
    window.open_path(author_copy)
    (dialog,) = shown.dialogs
    assert dialog.headline.text() == "This file is older than when you last opened it."
    assert buttons(dialog) == {OPEN_THIS, CANCEL}  # there is no other file to offer
    assert window.session is not None


def test_opening_and_closing_without_typing_writes_nothing(
    window: MainWindow, author_copy: Path, keystore: KeyStore
):
    before = lineage(author_copy, keystore)
    window.open_path(author_copy)
    assert window.session is not None
    window.session.wait_for_chronology()
    window.close_draft()
    assert lineage(author_copy, keystore) == before


def test_a_file_replaced_by_a_copy_changed_apart_is_noticed(
    window: MainWindow, author_copy: Path, lead_copy: Path, keystore: KeyStore, shown
):
    edit(author_copy, keystore, AUTHOR, "Later work.")
    _open_and_close(window, author_copy)
    edit(lead_copy, keystore, LEAD, "Why not medium?")
    shutil.copy(lead_copy, author_copy)  # the lead's copy saved over the author's

    shown.press = CANCEL
    window.open_path(author_copy)
    (dialog,) = shown.dialogs
    assert dialog.headline.text() == (
        "This file has been replaced by a copy with different changes since you last opened it."
    )
    assert f"Edited by {AUTHOR}" in dialog.changes["other"].text()  # missing from this file
    assert f"Edited by {LEAD}" in dialog.changes["this"].text()
    assert buttons(dialog) == {OPEN_THIS, CANCEL}
    assert window.session is None
