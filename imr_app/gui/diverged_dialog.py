"""The question asked when the copy opened is older than, or changed apart from, the copy
last seen here (``copy_check`` decides when): which copy is newer, who changed each and when
since they parted, and which one to open. Neither file is changed.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from imr_app.core.lineage import Changes
from imr_app.gui.copy_check import CopyChoice, CopyReport

LINES_SHOWN = 8  # per copy; the rest are counted


class DivergedCopyDialog(QDialog):
    """Says which copy is newer, who changed each and when, and lets the author choose."""

    def __init__(self, report: CopyReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = report
        self.choice = CopyChoice.CANCEL
        self.setWindowTitle(
            "An older copy of this draft" if report.older else "Two copies with different changes"
        )
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)

        self.headline = self._label(_TEXTS[report.older, report.same_file].headline, "Summary")
        font = self.headline.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.headline.setFont(font)
        layout.addWidget(self.headline)
        self.explanation = self._label(_explanation(report), "Explanation")
        layout.addWidget(self.explanation)

        # An older copy has nothing of its own: only what the newer one adds is listed.
        text = _TEXTS[report.older, report.same_file]
        sections = [("other", report.comparison.b_only, text.other_heading)]
        if text.this_heading:
            sections.append(("this", report.comparison.a_only, text.this_heading))
        self.changes: dict[str, QLabel] = {}
        for key, changes, heading in sections:
            title, body = self._changes(changes, heading)
            layout.addWidget(title)
            layout.addWidget(body)
            self.changes[key] = body
        self.advice = self._label(_TEXTS[report.older, report.same_file].advice, "What to do")
        layout.addSpacing(6)
        layout.addWidget(self.advice)

        self.buttons = QDialogButtonBox()
        self.open_other_button: QPushButton | None = None
        if report.other_can_open:
            text = "Open the &newer copy" if report.older else "Open the &other copy"
            self.open_other_button = self._button(text, CopyChoice.OPEN_OTHER)
        self.open_this_button = self._button("Open &this copy anyway", CopyChoice.OPEN_THIS)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel: open neither copy")
        self.buttons.rejected.connect(self.reject)
        default = self.open_other_button if report.older and self.open_other_button else cancel
        default.setDefault(True)
        default.setFocus()
        layout.addSpacing(8)
        layout.addWidget(self.buttons)

    @staticmethod
    def ask(parent: QWidget | None, report: CopyReport) -> CopyChoice:
        """The author's choice; Cancel when the dialog is closed."""
        dialog = DivergedCopyDialog(report, parent)
        dialog.exec()
        return dialog.choice

    def _label(self, text: str, name: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setAccessibleName(name)
        return label

    def _changes(self, changes: Changes, heading: str) -> tuple[QLabel, QLabel]:
        title = self._label(f"{heading}:", heading)
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        # A list with hanging indents; names are escaped, as they are typed by people.
        items = "".join(f"<li>{html.escape(line)}</li>" for line in changes.lines(LINES_SHOWN))
        body = self._label("", f"{heading}: changes")
        body.setTextFormat(Qt.TextFormat.RichText)
        body.setText(f"<ul style='margin-left: -16px'>{items}</ul>")
        return title, body

    def _button(self, text: str, choice: CopyChoice) -> QPushButton:
        button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
        button.setAccessibleName(text.replace("&", ""))
        button.clicked.connect(lambda: self._choose(choice))
        return button

    def _choose(self, choice: CopyChoice) -> None:
        self.choice = choice
        self.accept()


def _seen(report: CopyReport) -> str:
    at = report.seen_at
    return f" on {at:%d/%m/%Y} at {at:%H:%M}" if at is not None else ""


@dataclass(frozen=True)
class _Texts:
    headline: str
    other_heading: str
    this_heading: str  # empty for an older copy, which has nothing of its own
    advice: str


# By (this copy is the older, the copy seen was this very file).
_TEXTS = {
    (True, False): _Texts(
        "This is an older copy of the draft: a newer copy has changes this one does not have.",
        "Only in the newer copy",
        "",
        "If you edit this copy, the two copies will hold different changes. Open the newer "
        "copy to carry on where you left off. Nothing has been overwritten.",
    ),
    (True, True): _Texts(
        "This file is older than when you last opened it.",
        "Missing from this file",
        "",
        "If the newer file is kept elsewhere (your own folder, a shared drive, an email), open "
        "that instead of editing this one.",
    ),
    (False, False): _Texts(
        "This copy and the copy you last opened have each been changed since they parted.",
        "Only in the other copy",
        "Only in this copy",
        "Neither copy holds all the changes, and nothing has been overwritten. Agree with "
        "whoever edited the other copy which one to carry on with, and copy the missing "
        "changes into it.",
    ),
    (False, True): _Texts(
        "This file has been replaced by a copy with different changes since you last opened it.",
        "Missing from this file",
        "New in this file",
        "Neither version holds all the changes. If the version you last had is kept elsewhere, "
        "agree with whoever replaced this file which one to carry on with, and copy the "
        "missing changes into it.",
    ),
}


def _explanation(report: CopyReport) -> str:
    this = f"This copy: {report.this_path}"
    if report.same_file:
        replaced = (
            "an older copy, perhaps restored from a backup"
            if report.older
            else "another copy, changed apart from yours"
        )
        other = f"You last opened this file{_seen(report)}. Since then it has been replaced by "
        other += f"{replaced}."
    else:
        kind = "Newer copy" if report.older else "Other copy"
        missing = "" if report.other_path.is_file() else " (it is no longer there)"
        other = f"{kind}: {report.other_path}{missing}, which you last opened{_seen(report)}."
    return f"{this}\n{other}\n\n{report.comparison.parted()}"
