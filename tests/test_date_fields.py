"""A date typed that is no date is not kept, and the window says so where saving is shown."""

from __future__ import annotations

from PySide6.QtCore import Qt

from imr_app.core.model import SectionId
from imr_app.gui.widgets.date_edit import UkDateEdit
from imr_app.services.checks import Location


def test_a_date_that_is_no_date_shows_not_saved_until_it_is_put_right(qtbot, example_window):
    window = example_window("Helen Marsh", "IMR author")
    window.editor.go_to(Location(SectionId.REVIEW, "", "period_start"))
    page = window.editor.current_page()
    field = page.field_widget("period_start")
    assert isinstance(field, UkDateEdit)
    kept = window.session.draft.review.period_start

    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "12/31/2019")  # month first, as in the US
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert window.save_label.text() == (
        "Not saved — Review period starts: There is no month 31; dates are day/month/year."
    )
    assert window.editor.save_now()  # the rest saves; the label still says what is not kept
    assert window.save_label.text().startswith("Not saved — Review period starts")
    assert window.session.draft.review.period_start == kept

    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "31/12/2019")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert window.editor.save_now()
    assert window.save_label.text() == "Saved"
    assert f"{window.session.draft.review.period_start:%d/%m/%Y}" == "31/12/2019"


def test_a_failed_save_is_still_shown_when_a_date_is_put_right(qtbot, example_window, monkeypatch):
    window = example_window("Helen Marsh", "IMR author")
    window.editor.go_to(Location(SectionId.REVIEW, "", "date_of_death"))
    field = window.editor.current_page().field_widget("date_of_death")

    def full(*_args: object) -> None:
        raise OSError("The disk is full")

    monkeypatch.setattr(window.session, "save", full)
    window.session.touch("review")
    assert not window.editor.save_now()
    assert window.save_label.text() == "Not saved — The disk is full"
    for typed in ("31/02/2020", "29/02/2020"):  # no such day, then a real one
        field.setFocus()
        field.selectAll()
        qtbot.keyClicks(field, typed)
        qtbot.keyClick(field, Qt.Key.Key_Return)
        assert window.save_label.text() == "Not saved — The disk is full"
    monkeypatch.undo()
    assert window.editor.save_now()


def test_closing_with_a_date_that_is_no_date_asks_first(qtbot, example_window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    window = example_window("Helen Marsh", "IMR author")
    window.editor.go_to(Location(SectionId.REVIEW, "", "date_of_death"))
    field = window.editor.current_page().field_widget("date_of_death")
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "31/02/2020")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    asked: list[str] = []

    def answer(_parent, _title, text, _buttons, _default):
        asked.append(text)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "warning", answer)
    assert not window.close_draft()  # kept open to put it right
    assert asked[0].startswith("Date of death: 31/02/2020 does not exist")
    assert window.editor is not None
    window.lock()  # the idle lock does not wait for an answer
    assert window.editor is None and len(asked) == 1
