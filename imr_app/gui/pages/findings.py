"""Good and poor practice, and the lessons the agency draws from them (ToR 5.5.4, xiii, xiv).

Each finding names the terms-of-reference questions it answers, so a reader (and the
Chair merging agencies' reports) can follow a finding back to the question it speaks to.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel

from imr_app.core.model import Lesson, PracticeFinding, PracticeKind, SectionId
from imr_app.gui.pages.base import keep_enabled
from imr_app.gui.pages.row_editing import (
    Column,
    Editor,
    RowsPage,
    RowTable,
    question_refs_column,
)

KINDS = (("Good practice", PracticeKind.GOOD), ("Poor practice", PracticeKind.POOR))
KIND_TINTS = ((PracticeKind.GOOD, "#e3f1e3"), (PracticeKind.POOR, "#fbe9d9"))


class PracticePage(RowsPage):
    section = SectionId.PRACTICE
    intro = (
        "What your agency did well and what it did not, each as a short finding. Say which "
        "terms-of-reference questions each finding answers, by number (for example “ii, vi”)."
    )

    def build_tables(self) -> None:
        self.show_kind = QComboBox()
        self.show_kind.setAccessibleName("Show findings")
        self.show_kind.addItems(["All findings", *(f"{label} only" for label, _ in KINDS)])
        self.show_kind.currentIndexChanged.connect(self._filter)
        keep_enabled(self.show_kind)  # a filter: usable while the IMR is submitted
        label = QLabel("S&how")
        label.setBuddy(self.show_kind)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.show_kind)
        row.addStretch(1)
        self.body.addLayout(row)
        columns = (
            Column("Kind", "kind", Editor.CHOICE, choices=KINDS, width=150, tints=KIND_TINTS),
            Column("Finding", "text", Editor.PROSE),
            question_refs_column(
                "ToR questions", "question_refs", lambda: self.draft.question_set.questions
            ),
        )
        self.table = self.add_table(
            "practice",
            "practice",
            RowTable(
                "finding",
                "Findings",
                columns,
                lambda: self.draft.practice,
                self._new_finding,
                self.history,
            ),
        )

    def _kind_shown(self) -> PracticeKind | None:
        """The kind on show, None for all (by position: Qt hands a StrEnum back as a str)."""
        index = self.show_kind.currentIndex()
        return KINDS[index - 1][1] if index > 0 else None

    def _new_finding(self) -> PracticeFinding:
        """A finding of the kind on show (good practice when all are shown)."""
        return PracticeFinding(self._kind_shown() or PracticeKind.GOOD, "")

    def _filter(self) -> None:
        kind = self._kind_shown()
        self.table.model.set_filter(None if kind is None else lambda f: f.kind is kind)


class LessonsPage(RowsPage):
    section = SectionId.LESSONS
    intro = (
        "The lessons your agency learns from this case, each as one statement a practitioner "
        "can act on (for example “If a victim becomes harder to contact, consider whether she "
        "is subject to coercive control before closing the case.”)."
    )

    def build_tables(self) -> None:
        self.table = self.add_table(
            "lessons",
            "lessons",
            RowTable(
                "lesson",
                "Lessons",
                (Column("Lesson", "text", Editor.PROSE),),
                lambda: self.draft.lessons,
                lambda: Lesson(""),
                self.history,
            ),
        )
