"""One terms-of-reference question: the question in full, our guidance, and the answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from imr_app.core.comments import anchor_answer
from imr_app.core.dates import format_uk
from imr_app.core.model import AnswerStatus, ChronologyEntry, CommentAnchor, SectionId
from imr_app.core.question_sets import question_text
from imr_app.core.sections import word_count
from imr_app.gui.pages.base import Changed, SectionPage
from imr_app.gui.widgets.choice import ChoiceCombo
from imr_app.gui.widgets.lists import one_line_per_item

if TYPE_CHECKING:
    from imr_app.services.session import DraftSession

ANSWER_STATUSES = [
    ("Not started", AnswerStatus.NOT_STARTED),
    ("In progress", AnswerStatus.IN_PROGRESS),
    ("Complete", AnswerStatus.COMPLETE),
    ("Not applicable", AnswerStatus.NOT_APPLICABLE),
]


def entry_label(entry: ChronologyEntry) -> str:
    when = entry.date_as_recorded or format_uk(entry.date_start)
    text = entry.event or entry.action or entry.outcome
    return f"{when} · {entry.source} · {text[:80]}"


class QuestionPage(SectionPage):
    section = SectionId.TERMS_OF_REFERENCE

    def __init__(
        self, session: DraftSession, changed: Changed, number: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(session, changed, parent)
        self.number = number
        self.part = f"answer:{number}"
        session.wait_for_chronology()  # linked entries are shown by their dates
        self.question = next(q for q in self.draft.question_set.questions if q.number == number)
        question = self.question
        self.answer = self.draft.answer_for(number)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        main = QWidget()
        column = QVBoxLayout(main)
        column.setContentsMargins(24, 16, 12, 16)
        heading = QLabel(f"<h2>Question {number}</h2>")
        column.addWidget(heading)
        self.question_label = QLabel(question_text(question, self.draft.subjects))
        self.question_label.setWordWrap(True)
        self.question_label.setTextFormat(Qt.TextFormat.PlainText)
        self.question_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.question_label.setStyleSheet("font-size: 11pt; font-weight: 600;")
        self.question_label.setAccessibleName(f"Question {number}")
        column.addWidget(self.question_label)

        column.addLayout(self._formatting_bar())
        self.editor = self.bind_prose(
            "answer", lambda: self.answer, "text", self.part, f"Answer to question {number}"
        )
        self.editor.edited.connect(self._on_typing)
        column.addWidget(self.editor, 1)
        self.words = QLabel()
        self.words.setAccessibleName("Word count")
        column.addWidget(self.words)
        self._word_timer = QTimer(self, singleShot=True, interval=300)
        self._word_timer.timeout.connect(self._count_words)

        form = QFormLayout()
        self.status = ChoiceCombo(ANSWER_STATUSES)
        self.status.setAccessibleName(f"Status of question {number}")
        self.status.activated.connect(self._on_status)
        self.register_field("status", self.status)
        self.reason = QLineEdit(self.answer.not_applicable_reason)
        self.reason.setPlaceholderText("Why this question does not apply to your agency (required)")
        self.reason.setAccessibleName("Reason the question is not applicable")
        self.reason.textEdited.connect(self._on_reason)
        self.register_field("not_applicable_reason", self.reason)
        form.addRow("Status", self.status)
        form.addRow("Reason", self.reason)
        column.addLayout(form)
        self._status_form = form

        column.addWidget(QLabel("Chronology entries this answer relies on"))
        self.links = one_line_per_item(QListWidget())
        self.links.setAccessibleName("Linked chronology entries")
        self.links.setMaximumHeight(100)
        column.addWidget(self.links)
        link_row = QHBoxLayout()
        link_button = QPushButton("Link entries…")
        link_button.setAccessibleName("Link chronology entries to this answer")
        link_button.clicked.connect(self.choose_links)
        link_row.addWidget(link_button)
        link_row.addStretch(1)
        column.addLayout(link_row)
        splitter.addWidget(main)

        guidance = QLabel(
            "<h3>Guidance</h3><p><i>For you, not exported.</i></p>"
            + "".join(f"<p>{p}</p>" for p in (question.guidance or "").split("\n\n") if p)
        )
        guidance.setWordWrap(True)
        guidance.setAlignment(Qt.AlignmentFlag.AlignTop)
        guidance.setAccessibleName("Guidance for this question")
        guidance.setMargin(16)
        guidance.setStyleSheet("background: palette(alternate-base);")
        splitter.addWidget(guidance)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        self.refresh()

    def selection_anchor(self) -> CommentAnchor:
        """What a comment on the selection is on: the selected words, at the place they were
        selected, else the whole answer. ``CommentError`` when they are not in the answer."""
        quote, appearance = self.editor.selected_words()
        return anchor_answer(self.draft, self.number, quote, appearance)

    def _formatting_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        for text, tip, slot_name in (
            ("B", "Bold (Ctrl+B)", "toggle_bold"),
            ("I", "Italic (Ctrl+I)", "toggle_italic"),
            ("• List", "Bulleted list (Ctrl+Shift+L)", "toggle_bullets"),
        ):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.setAccessibleName(tip)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keyboard users have the shortcuts
            button.clicked.connect(lambda _=False, n=slot_name: getattr(self.editor, n)())
            bar.addWidget(button)
        bar.addStretch(1)
        QShortcut(QKeySequence("Ctrl+Shift+L"), self, lambda: self.editor.toggle_bullets())
        return bar

    def refresh(self) -> None:
        self.question_label.setText(question_text(self.question, self.draft.subjects))
        self.status.set_value(self.answer.status)
        self.reason.setText(self.answer.not_applicable_reason)
        self._show_reason()
        self._fill_links()
        self._count_words()

    def _show_reason(self) -> None:
        visible = self.answer.status is AnswerStatus.NOT_APPLICABLE
        self.reason.setVisible(visible)
        label = self._status_form.labelForField(self.reason)
        if label is not None:
            label.setVisible(visible)

    def _on_typing(self) -> None:
        if self.answer.status is AnswerStatus.NOT_STARTED:
            self.answer.status = AnswerStatus.IN_PROGRESS
            self.status.set_value(self.answer.status)
        self._word_timer.start()

    def _on_status(self, index: int) -> None:
        self.answer.status = self.status.value_at(index)
        self._show_reason()
        if self.answer.status is AnswerStatus.NOT_APPLICABLE:
            self.reason.setFocus()
        self.changed(self.part)

    def _on_reason(self, text: str) -> None:
        self.answer.not_applicable_reason = text
        self.changed(self.part)

    def _count_words(self) -> None:
        self.words.setText(f"{word_count(self.editor.toPlainText())} words")

    def _fill_links(self) -> None:
        by_id = {e.id: e for e in self.draft.chronology}
        self.links.clear()
        for ref in self.answer.chronology_refs:
            entry = by_id.get(ref)
            self.links.addItem(entry_label(entry) if entry else "(entry no longer in chronology)")

    def choose_links(self) -> None:
        chosen = LinkEntriesDialog.ask(self, self.draft.chronology, self.answer.chronology_refs)
        if chosen is not None:
            self.answer.chronology_refs = chosen
            self._fill_links()
            self.changed(self.part)


class LinkEntriesDialog(QDialog):
    """Tick the chronology entries an answer relies on; a filter finds them among thousands."""

    def __init__(self, parent: QWidget, entries: list[ChronologyEntry], chosen: list[str]):
        super().__init__(parent)
        self.setWindowTitle("Link chronology entries")
        self.resize(700, 500)
        layout = QVBoxLayout(self)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by date, source or text")
        self.filter.setAccessibleName("Filter chronology entries")
        self.filter.textChanged.connect(self._apply_filter)
        layout.addWidget(self.filter)
        self.list = one_line_per_item(QListWidget())
        self.list.setAccessibleName("Chronology entries")
        chosen_set = set(chosen)
        for entry in entries:
            item = QListWidgetItem(entry_label(entry))
            item.setData(Qt.ItemDataRole.UserRole, entry.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = entry.id in chosen_set
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        layout.addWidget(self.list)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _apply_filter(self, text: str) -> None:
        needle = text.casefold()
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setHidden(needle not in item.text().casefold())

    def chosen(self) -> list[str]:
        return [
            self.list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.list.count())
            if self.list.item(i).checkState() is Qt.CheckState.Checked
        ]

    @staticmethod
    def ask(parent: QWidget, entries: list[ChronologyEntry], chosen: list[str]) -> list[str] | None:
        dialog = LinkEntriesDialog(parent, entries, chosen)
        return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None
