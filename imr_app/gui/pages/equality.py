"""The Equality and diversity page: nine characteristics per subject, and why they mattered.

The Home Office panel criticises sections that list characteristics without saying how
they affected risk, access to services and the agency's response, so an impact field
opens beside each characteristic marked relevant. When nothing is relevant, ToR 5.5.7
still wants a statement that the characteristics were considered: the page drafts it.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from imr_app.core.comments import AnchorKind
from imr_app.core.equality import (
    CHARACTERISTIC_LABELS,
    CONSIDERATION_LABELS,
    OTHER_FACTOR_LABELS,
    considered_statement,
    equality_for,
    item_for,
    nothing_relevant,
)
from imr_app.core.model import (
    Characteristic,
    CommentAnchor,
    Consideration,
    EqualityItem,
    SectionId,
    Subject,
    SubjectEquality,
    SubjectRole,
)
from imr_app.core.sections import TITLES
from imr_app.gui.pages.base import Changed, SectionPage, SectionStatusControl, keep_enabled
from imr_app.gui.widgets.grow import grow_with_text
from imr_app.gui.widgets.rich_text import RichTextEdit
from imr_app.services.checks import Location

if TYPE_CHECKING:
    from imr_app.services.session import DraftSession

PART = "equality"
STATEMENT = "statement"

INTRO = (
    "For each subject, say whether each protected characteristic was relevant. Where one was, "
    "analyse its impact on risk, on access to services and on the agency's response: a list "
    "without analysis is not enough. Consider how characteristics and other factors combined "
    "(intersectionality) and whether unconscious bias played a part."
)
NO_SUBJECTS = (
    "No subjects are registered yet. Add the victim and the other subjects, with their "
    "pseudonyms, in the Subjects and pseudonyms section; each one then appears here."
)
HINT_REQUIRED = (
    "No protected characteristic is relevant for any subject, so the terms of reference "
    "(5.5.7) require a statement that they were all considered. One has been drafted below: "
    "check it and edit it as you see fit."
)
HINT_OPTIONAL = (
    "Required only when no protected characteristic is relevant for any subject (terms of "
    "reference 5.5.7). Once every characteristic is marked \u201cNot relevant\u201d, a statement "
    "is drafted here for you."
)

# Combo index -> consideration; PySide turns StrEnum item data into plain str, so map by index.
_CONSIDERATIONS = list(CONSIDERATION_LABELS)
ItemKey = tuple[str, Characteristic]  # (subject id, characteristic): one equality item
# How the item a comment's "Go to" points at stands out (its choice may be disabled).
_SHOWN_STYLE = "background: palette(highlight); color: palette(highlighted-text);"

_ROLE_NAMES: dict[SubjectRole, str] = {
    SubjectRole.VICTIM: "victim",
    SubjectRole.PERPETRATOR: "perpetrator",
    SubjectRole.CHILD: "child",
    SubjectRole.FAMILY: "family member",
    SubjectRole.OTHER: "other subject",
}


class _ChoiceBox(QComboBox):
    """A combo box the page can scroll past: the wheel changes it only once it has focus."""

    def __init__(self) -> None:
        super().__init__()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


def _item_anchor(key: ItemKey) -> CommentAnchor:
    subject_id, characteristic = key
    return CommentAnchor(AnchorKind.EQUALITY.value, f"{subject_id}:{characteristic.value}")


def _squash(text: str) -> str:
    """Text compared as a reader sees it: Markdown re-wraps lines on the way to the file."""
    return " ".join(text.split())


def _label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def _form() -> QFormLayout:
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setHorizontalSpacing(12)
    return form


class EqualityPage(SectionPage):
    section = SectionId.EQUALITY

    def __init__(self, session: DraftSession, changed: Changed, parent: QWidget | None = None):
        super().__init__(session, changed, parent)
        # (subject id, characteristic value) -> its choice; a StrEnum hashes as its value.
        self._choices: dict[tuple[str, str], QComboBox] = {}
        self._captions: dict[ItemKey, QLabel] = {}
        self._item_of: dict[QWidget, ItemKey] = {}  # caption, choice and impact -> their item
        self.shown_item: ItemKey | None = None  # the item the last jump pointed at
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout.addWidget(self._scroll)
        self._build()

    def refresh(self) -> None:
        """Rebuild from the draft: subjects may have been added, renamed or removed meanwhile."""
        self._fields.clear()
        self._flushers.clear()
        self._pending.clear()
        self.prose_fields.clear()
        self._choices.clear()
        self._captions.clear()
        self._item_of.clear()
        self.shown_item = None
        self._build()

    def focus_location(self, location: Location) -> None:
        """Focus the subject's choice for the characteristic a problem names, scrolled into view
        and marked (read only, the choice is disabled and cannot show focus itself)."""
        widget = self._choices.get((location.ref, location.field)) or self._choices.get(
            (location.ref, Characteristic.AGE)
        )
        if widget is None:
            super().focus_location(location)
            return
        self._show_item(self._item_of.get(widget))
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        self._scroll.ensureWidgetVisible(widget)

    def _show_item(self, key: ItemKey | None) -> None:
        if self.shown_item in self._captions:
            self._captions[self.shown_item].setStyleSheet("")
        self.shown_item = key
        if key in self._captions:
            self._captions[key].setStyleSheet(_SHOWN_STYLE)

    # ---- review comments -------------------------------------------------------------
    def comment_anchor(self) -> CommentAnchor:
        """The item whose choice or impact has the keyboard focus, else the section."""
        key = self._item_of.get(QApplication.focusWidget())  # type: ignore[arg-type]
        return _item_anchor(key) if key else self.section_anchor()

    def _comment_button(self, subject_id: str, name: str) -> QPushButton:
        """One button per subject, its menu listing the nine items: reachable by keyboard,
        and usable while the page is read only."""
        button = QPushButton("Comment on…")
        button.setAccessibleName(f"Comment on an equality item for {name}")
        button.setToolTip(f"Open the Comments panel to comment on one of {name}'s items")
        menu = QMenu(button)
        for characteristic in Characteristic:
            action = menu.addAction(CHARACTERISTIC_LABELS[characteristic])
            action.triggered.connect(
                lambda _=False, c=characteristic: self.comment_requested.emit(
                    _item_anchor((subject_id, c))
                )
            )
        button.setMenu(menu)
        keep_enabled(button)
        return button

    def _context_menu(self, panel: QWidget, pos: QPoint) -> None:
        """Right-click on a characteristic (caption, choice or impact) to comment on it."""
        widget = panel.childAt(pos)
        while widget is not None and widget is not panel and widget not in self._item_of:
            widget = widget.parentWidget()
        key = self._item_of.get(widget) if widget is not None else None
        item = None
        if key is not None:
            label = CHARACTERISTIC_LABELS[key[1]].lower()
            item = (f"Comment on {label} for this subject…", _item_anchor(key))
        self.show_comment_menu(panel, pos, item)

    # ---- building ------------------------------------------------------------------
    def _build(self) -> None:
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(24, 16, 24, 16)
        column.setSpacing(12)
        heading = QLabel(f"<h2>{TITLES[self.section]}</h2>")
        heading.setAccessibleName(TITLES[self.section])
        column.addWidget(heading)
        # Victims first: the review looks through the victim's eyes.
        subjects = sorted(self.draft.subjects, key=lambda s: s.role is not SubjectRole.VICTIM)
        intro = _label(INTRO if subjects else NO_SUBJECTS)
        intro.setAccessibleName("About this section")
        column.addWidget(intro)
        for subject in subjects:
            column.addWidget(self._subject_panel(subject))
        if subjects:
            column.addWidget(self._statement_panel())
        column.addWidget(SectionStatusControl(self))
        column.addStretch(1)
        self._scroll.setWidget(body)
        if subjects:
            self._update_statement()

    def _subject_panel(self, subject: Subject) -> QWidget:
        entry = equality_for(self.draft, subject.id)
        name = subject.pseudonym.strip() or "Unnamed subject"
        panel = QFrame()
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(panel)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setHorizontalSpacing(24)
        heading = QLabel(f"<h3>{html.escape(name)} ({_ROLE_NAMES[subject.role]})</h3>")
        heading.setAccessibleName(f"{name}, {_ROLE_NAMES[subject.role]}")
        mark_all = QPushButton("Mark all not relevant")
        mark_all.setAccessibleName(f"Mark all not relevant for {name}")
        mark_all.setToolTip(
            "Marks every characteristic still \u201cNot yet considered\u201d as not relevant; "
            "choices already made are kept."
        )
        mark_all.clicked.connect(lambda: self._mark_all_not_relevant(subject.id, entry))
        title = QHBoxLayout()
        title.addWidget(heading)
        title.addSpacing(16)
        title.addWidget(mark_all)
        title.addStretch(1)
        title.addWidget(self._comment_button(subject.id, name))
        panel.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        panel.customContextMenuRequested.connect(lambda pos: self._context_menu(panel, pos))
        grid.addLayout(title, 0, 0, 1, 2)

        characteristics = _form()
        for characteristic in Characteristic:
            self._add_characteristic(characteristics, subject.id, name, entry, characteristic)
        grid.addLayout(characteristics, 1, 0, Qt.AlignmentFlag.AlignTop)
        grid.addLayout(self._context_fields(subject.id, name, entry), 1, 1)
        return panel

    def _add_characteristic(
        self,
        form: QFormLayout,
        subject_id: str,
        name: str,
        entry: SubjectEquality,
        characteristic: Characteristic,
    ) -> None:
        item = item_for(entry, characteristic)
        label = CHARACTERISTIC_LABELS[characteristic]
        combo = _ChoiceBox()
        combo.addItems(list(CONSIDERATION_LABELS.values()))
        combo.setCurrentIndex(_CONSIDERATIONS.index(item.consideration))
        combo.setAccessibleName(f"{label} for {name}")
        self._choices[(subject_id, characteristic)] = combo
        self.register_field(f"{subject_id}:{characteristic.value}", combo)
        impact = self._prose(
            f"{subject_id}:{characteristic.value}:analysis",
            item,
            "analysis",
            f"Impact of {label.lower()} for {name} on risk, access to services and the "
            "agency's response",
            f"How {label.lower()} affected risk, access to services and the agency's response",
            96,
        )
        caption = QLabel(label)
        caption.setBuddy(combo)
        form.addRow(caption, combo)
        key = (subject_id, characteristic)
        self._captions[key] = caption
        for widget in (caption, combo, impact):
            self._item_of[widget] = key
        impact_caption = QLabel("Impact")
        impact_caption.setBuddy(impact)
        form.addRow(impact_caption, impact)
        form.setRowVisible(impact, item.consideration is Consideration.RELEVANT)

        def on_choice(index: int) -> None:
            self._set_consideration(item, _CONSIDERATIONS[index], form, impact)

        combo.activated.connect(on_choice)

    def _context_fields(self, subject_id: str, name: str, entry: SubjectEquality) -> QVBoxLayout:
        """Intersectionality and the other factors that shape risk and access."""
        layout = QVBoxLayout()
        intersectionality = self._prose(
            f"{subject_id}:intersectionality",
            entry,
            "intersectionality",
            f"Intersectionality and unconscious bias for {name}",
            "How characteristics and other factors combined, and whether unconscious bias "
            "played a part",
            120,
        )
        caption = QLabel("Intersectionality and unconscious bias")
        caption.setBuddy(intersectionality)
        layout.addWidget(caption)
        layout.addWidget(intersectionality)
        layout.addWidget(QLabel("<b>Other factors</b>"))
        factors = _form()
        for attr, label in OTHER_FACTOR_LABELS.items():
            edit = self._factor(entry, attr, f"{label} for {name}")
            self.register_field(f"{subject_id}:{attr}", edit)
            factor_caption = QLabel(label)
            factor_caption.setBuddy(edit)
            factors.addRow(factor_caption, edit)
        layout.addLayout(factors)
        layout.addStretch(1)
        return layout

    def _statement_panel(self) -> QWidget:
        panel = QFrame()
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(panel)
        layout.addWidget(
            QLabel("<h3>Statement that the protected characteristics were considered</h3>")
        )
        self._hint = _label(HINT_OPTIONAL)
        self._hint.setAccessibleName("When the statement is required")
        layout.addWidget(self._hint)
        self._statement = self._prose(
            STATEMENT,
            self.draft.equality,
            "statement",
            "Statement that the protected characteristics were considered",
            "No statement yet",
            110,
        )
        layout.addWidget(self._statement)
        self._regenerate = QPushButton("Regenerate statement")
        self._regenerate.setAccessibleName("Regenerate statement")
        self._regenerate.setToolTip(
            "Replace the statement with the drafted wording; Ctrl+Z in the statement undoes it."
        )
        self._regenerate.clicked.connect(self._on_regenerate)
        layout.addWidget(self._regenerate, 0, Qt.AlignmentFlag.AlignLeft)
        return panel

    # ---- binding -------------------------------------------------------------------
    def _prose(
        self, key: str, target: object, attr: str, name: str, placeholder: str, height: int
    ) -> RichTextEdit:
        """``bind_prose`` keyed per field: many fields here share the part and attribute."""
        edit = self.bind_prose(key, lambda: target, attr, PART, name)
        edit.setPlaceholderText(placeholder)
        grow_with_text(edit, height)
        return edit

    def _factor(self, entry: SubjectEquality, attr: str, name: str) -> QTextEdit:
        """A short plain note, written at once: cheap, unlike the prose fields."""
        edit = QTextEdit()
        edit.setAcceptRichText(False)
        edit.setPlainText(getattr(entry.other_factors, attr))
        edit.setAccessibleName(name)
        edit.setPlaceholderText("Its bearing on risk, access or the response, if any")
        edit.setTabChangesFocus(True)
        grow_with_text(edit, 52)

        def on_edit() -> None:
            setattr(entry.other_factors, attr, edit.toPlainText())
            self.changed(PART)

        edit.textChanged.connect(on_edit)
        return edit

    # ---- behaviour -----------------------------------------------------------------
    def _set_consideration(
        self, item: EqualityItem, value: Consideration, form: QFormLayout, impact: QWidget
    ) -> None:
        if value is item.consideration:
            return
        item.consideration = value
        # Hiding keeps any analysis already written; it returns if the choice comes back.
        form.setRowVisible(impact, value is Consideration.RELEVANT)
        self.changed(PART)
        self._update_statement()

    def _mark_all_not_relevant(self, subject_id: str, entry: SubjectEquality) -> None:
        """Only undecided characteristics change, so the convenience never overwrites a choice."""
        marked = False
        for item in entry.items:
            if item.consideration is Consideration.NOT_CONSIDERED:
                item.consideration = Consideration.NOT_RELEVANT
                combo = self._choices[(subject_id, item.characteristic)]
                combo.setCurrentIndex(_CONSIDERATIONS.index(Consideration.NOT_RELEVANT))
                marked = True
        if marked:
            self.changed(PART)
            self._update_statement()

    def _drafted_statement(self) -> str:
        return considered_statement(self.draft, self.draft.agency.name)

    def _update_statement(self) -> None:
        """Draft the statement when it becomes required; withdraw it, if untouched, when not."""
        required = nothing_relevant(self.draft)
        self._hint.setText(HINT_REQUIRED if required else HINT_OPTIONAL)
        self._regenerate.setEnabled(required)
        text = _squash(self._statement.toPlainText())
        if required and not text:
            self._write_statement(self._drafted_statement())
        elif not required and text and text == _squash(self._drafted_statement()):
            # It would now say "none was relevant" when one is; the author never edited it.
            self._write_statement("")

    def _on_regenerate(self) -> None:
        self._write_statement(self._drafted_statement())
        self._statement.setFocus(Qt.FocusReason.OtherFocusReason)

    def _write_statement(self, text: str) -> None:
        """Replace the statement as one edit, so Ctrl+Z in the field brings the old one back."""
        self._statement.replace_all(text)
        self.draft.equality.statement = self._statement.markdown()
