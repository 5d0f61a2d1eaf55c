"""The answer editor reports the author's edits, and only those, to autosave."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor

from imr_app.gui.spelling import install_spelling
from imr_app.gui.widgets.rich_text import RichTextEdit
from imr_app.services.spelling import SpellChecker


def test_spelling_underlines_are_not_edits_but_typing_bold_and_undo_are(qtbot):
    edit = RichTextEdit()
    qtbot.addWidget(edit)
    edits: list[int] = []
    edit.edited.connect(lambda: edits.append(1))
    edit.set_markdown("The victim recieved **support** from the IDVA.\n")
    install_spelling(edit, SpellChecker.load(None, None))
    edit.show()
    qtbot.wait(50)  # Qt underlines on the next turn of the event loop
    assert edits == []

    edit.moveCursor(QTextCursor.MoveOperation.End)
    edit.textCursor().insertText(" Later")
    assert len(edits) == 1
    cursor = edit.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.StartOfWord, QTextCursor.MoveMode.KeepAnchor)
    edit.setTextCursor(cursor)
    edit.toggle_bold()
    assert len(edits) == 2
    assert "**Later**" in edit.markdown()
    edit.undo()
    assert len(edits) == 3
    assert "**Later**" not in edit.markdown()


def test_pasted_control_characters_are_cleaned(qtbot):
    from PySide6.QtCore import QMimeData

    edit = RichTextEdit()
    qtbot.addWidget(edit)
    data = QMimeData()
    data.setText("line one\x0bline two\x07 end")
    edit.insertFromMimeData(data)
    assert edit.toPlainText() == "line one\nline two end"
