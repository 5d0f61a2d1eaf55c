"""The answer editor: paragraphs, bold, italic and bullet lists, kept as Markdown.

Only what the export can reproduce is offered. Pasted text arrives as plain text
with Word's control characters cleaned, so a paste can never break an export.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Signal
from PySide6.QtGui import QFont, QKeySequence, QTextCharFormat, QTextCursor, QTextListFormat
from PySide6.QtWidgets import QTextEdit, QWidget

from imr_app.core.comments import word_spans
from imr_app.core.text import clean_text


class RichTextEdit(QTextEdit):
    """A prose field whose content is Markdown; ``edited`` fires on user edits only."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptRichText(False)
        self.setTabChangesFocus(True)  # Tab moves on; keyboard users are not trapped here
        self._loading = False
        self._undo_steps = 0
        self.document().contentsChange.connect(self._on_contents_change)

    def set_markdown(self, text: str) -> None:
        self._loading = True
        try:
            self.setMarkdown(text)
            self.document().setModified(False)
        finally:
            self._loading = False
            self._undo_steps = self.document().availableUndoSteps()

    def replace_all(self, markdown: str) -> None:
        """Replace the whole text as one step of the undo history (``set_markdown`` clears the
        history): Ctrl+Z brings back what was there."""
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.removeSelectedText()
        cursor.insertMarkdown(markdown)
        cursor.endEditBlock()

    def markdown(self) -> str:
        if not self.toPlainText().strip():
            return ""
        return self.toMarkdown().strip() + "\n"

    def selected_words(self) -> tuple[str, int]:
        """The words selected (paragraph marks as newlines), and which appearance of those
        words in the text they are, 0 for the first, counted as the anchors count them."""
        cursor = self.textCursor()
        quote = cursor.selectedText().replace("\u2029", "\n").replace("\u2028", "\n")
        found = word_spans(self.toPlainText(), quote)
        return quote, sum(1 for start, _end in found if start < cursor.selectionStart())

    def select_words(self, quote: str, appearance: int) -> bool:
        """Select that appearance of ``quote``'s words and show it; False when there is none."""
        found = word_spans(self.toPlainText(), quote)
        if not 0 <= appearance < len(found):
            return False
        start, end = found[appearance]
        cursor = self.textCursor()
        cursor.setPosition(start)
        cursor.setPosition(end, cursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        return True

    def toggle_bold(self) -> None:
        fmt = QTextCharFormat()
        bold = self.fontWeight() != QFont.Weight.Bold
        fmt.setFontWeight(QFont.Weight.Bold if bold else QFont.Weight.Normal)
        self.mergeCurrentCharFormat(fmt)

    def toggle_italic(self) -> None:
        fmt = QTextCharFormat()
        fmt.setFontItalic(not self.fontItalic())
        self.mergeCurrentCharFormat(fmt)

    def toggle_bullets(self) -> None:
        cursor = self.textCursor()
        current = cursor.currentList()
        if current is not None:
            block_format = cursor.blockFormat()
            current.remove(cursor.block())
            block_format.setIndent(0)
            cursor.setBlockFormat(block_format)
        else:
            cursor.createList(QTextListFormat.Style.ListDisc)

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Bold):
            self.toggle_bold()
        elif event.matches(QKeySequence.StandardKey.Italic):
            self.toggle_italic()
        else:
            super().keyPressEvent(event)

    def insertFromMimeData(self, source: QMimeData) -> None:
        if source.hasText():
            self.textCursor().insertText(clean_text(source.text()))

    def _on_contents_change(self, _position: int, removed: int, added: int) -> None:
        """Only the author's edits count: a spelling underline also reports a change
        (same length removed and added) but adds no step to the undo history."""
        if self._loading:
            return
        steps = self.document().availableUndoSteps()
        if removed != added or steps != self._undo_steps:
            self._undo_steps = steps
            self.edited.emit()
