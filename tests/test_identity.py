"""Who is using the app: asked once, kept in the settings, used for comments and review steps."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from imr_app.core.comments import unresolved
from imr_app.gui import identity_dialog
from imr_app.gui.identity_dialog import IdentityDialog
from imr_app.gui.main_window import MainWindow
from imr_app.settings import SettingsStore
from tests.test_comments_panel import _select_in_answer


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str] | None]:
    """What the user types into the name-and-role dialog, one answer per time it is asked."""
    queue: list[tuple[str, str] | None] = []

    def ask(_parent, name: str, role: str) -> tuple[str, str] | None:
        return queue.pop(0)

    monkeypatch.setattr(identity_dialog.IdentityDialog, "ask", staticmethod(ask))
    return queue


def _comment(win: MainWindow, text: str) -> bool:
    win.show_comments()
    _select_in_answer(win, "ii")
    win.comments.text.setPlainText(text)
    return win.comments.add_on_page()


def test_the_first_comment_asks_who_you_are_once_and_remembers(
    example_window, context, answers: list[tuple[str, str] | None]
):
    window = example_window("", "")  # nobody has said who they are on this computer
    answers.append(None)  # cancelled: nothing is recorded under the login name instead
    assert not _comment(window, "Who decided this?")
    assert window.comments.message.text().startswith("Comments need your name and role")
    assert unresolved(window.session.draft) == []

    answers.append(("Priya Shah", "Safeguarding lead"))
    assert _comment(window, "Who decided this?")
    assert _comment(window, "And when?")  # not asked again
    assert answers == []
    assert {(c.author_name, c.author_role) for c in unresolved(window.session.draft)} == {
        ("Priya Shah", "Safeguarding lead")
    }
    saved = SettingsStore(context.paths.config_dir).load()
    assert (saved.user_name, saved.user_role) == ("Priya Shah", "Safeguarding lead")


def test_the_dialog_needs_a_name_and_shows_what_is_kept(qtbot):
    dialog = IdentityDialog("", "IMR author")
    qtbot.addWidget(dialog)
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    assert not save.isEnabled()
    qtbot.keyClicks(dialog.name_edit, "Helen Marsh")
    assert save.isEnabled()
    assert dialog.role_edit.text() == "IMR author"
    assert dialog.name_edit.accessibleName() == "Your name"
