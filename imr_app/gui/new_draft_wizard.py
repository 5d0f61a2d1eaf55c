"""Starting a new IMR: a few short pages, then where to save it and how to protect it.

The wizard only gathers answers and builds the draft in memory; the caller creates the file
(``ImrDocument.create``), so nothing is written until the author has seen every page and tests
can inspect the request without touching the disk.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QModelIndex
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from imr_app.context import AppContext
from imr_app.core.dates import DateError, parse_uk_date
from imr_app.core.drafts import new_draft
from imr_app.core.errors import QuestionSetError, WeakPassphraseError
from imr_app.core.model import ImrDraft, QuestionSet, ReviewType, Subject, SubjectRole
from imr_app.core.passphrase import check_new_passphrase
from imr_app.core.question_sets import default_question_set, load_question_set
from imr_app.gui.widgets.date_edit import UkDateEdit
from imr_app.paths import DRAFT_SUFFIX

# Pages say when Next/Finish may be pressed through mandatory fields (registerField("name*")),
# never by overriding QWizardPage.isComplete: in PySide6 6.12 on Python 3.11 every call to an
# overridden isComplete drops a reference to True, and the interpreter aborts once it reaches 0.

ERROR_STYLE = "color: #b3261e;"
GOOD_STYLE = "color: #1b6e2d;"

REVIEW_TYPES = {
    ReviewType.DHR: "DHR: Domestic Homicide Review",
    ReviewType.DARDR: "DARDR: Domestic Abuse Related Death Review",
    ReviewType.MAR: "MAR: Multi-Agency Review",
    ReviewType.SAR: "SAR: Safeguarding Adults Review",
    ReviewType.CSPR: "CSPR: Child Safeguarding Practice Review",
    ReviewType.OTHER: "Other",
}
ROLES = {
    SubjectRole.VICTIM: "Victim",
    SubjectRole.PERPETRATOR: "Perpetrator",  # as on the Subjects page
    SubjectRole.CHILD: "Child",
    SubjectRole.FAMILY: "Family member",
    SubjectRole.OTHER: "Other",
}
ROLE_BY_LABEL = {label: role for role, label in ROLES.items()}

INDEPENDENCE_TEMPLATE = (
    "I have had no direct involvement with the subjects of this review or in the services "
    "my agency provided to them during the review period, and I am not the line manager of "
    "any member of staff whose actions are reviewed in this report."
)


@dataclass
class NewDraftRequest:
    """What the caller needs to create the file: where, the passphrase, and the draft itself."""

    path: Path
    passphrase: str
    remember: bool
    draft: ImrDraft


def safe_file_name(review_name: str) -> str:
    """A file name from the review name that every file system accepts ('DHR Amina')."""
    cleaned = re.sub(r"[^\w \-]", "", review_name)
    return " ".join(cleaned.split()) or "IMR draft"


def _error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.setAccessibleName("Problem")
    label.hide()
    return label


def _show_error(label: QLabel, message: str) -> None:
    label.setText(message)
    label.setVisible(bool(message))


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def _form(page: QWizardPage) -> QFormLayout:
    """A form at the top of the page; spare height goes below it, not between its rows."""
    outer = QVBoxLayout(page)
    form = QFormLayout()
    outer.addLayout(form)
    outer.addStretch(1)
    return form


def _line(label: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setAccessibleName(label)
    edit.setPlaceholderText(placeholder)
    return edit


def _date(label: str) -> UkDateEdit:
    edit = UkDateEdit()
    edit.setAccessibleName(label)
    return edit


def _date_value(edit: UkDateEdit, label: str) -> date | None:
    """Read the typed text now: the field may still have focus, so its own parse has not run."""
    text = edit.text().strip()
    try:
        return parse_uk_date(text) if text else None
    except DateError as exc:
        raise DateError(f"{label}: {exc}") from None


# ---- pages ---------------------------------------------------------------------------------


class ReviewPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("The review")
        self.setSubTitle(
            "Which review is this IMR for? Use the name the panel gave it, which uses a "
            "pseudonym: never a real name."
        )
        self.name_edit = _line("Review name", "for example, DHR Amina")
        self.type_combo = QComboBox()
        self.type_combo.setAccessibleName("Type of review")
        for review_type, label in REVIEW_TYPES.items():
            self.type_combo.addItem(label, review_type)
        self.partnership_edit = _line(
            "Commissioning partnership", "for example, Northshire Community Safety Partnership"
        )
        form = _form(self)
        form.addRow("Review na&me (required):", self.name_edit)
        form.addRow("&Type of review:", self.type_combo)
        form.addRow("&Commissioning partnership:", self.partnership_edit)
        self.error = _error_label()
        form.addRow(self.error)
        self.registerField("review_name*", self.name_edit)

    def validatePage(self) -> bool:
        blank = not self.name_edit.text().strip()
        _show_error(self.error, "Give the review its name, such as DHR Amina." if blank else "")
        return not blank

    def review_type(self) -> ReviewType:
        return ReviewType(self.type_combo.currentData())


class PeriodPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Review period")
        self.setSubTitle(
            "The dates set in the terms of reference. Leave a date blank if you do not have it "
            "yet; you can add it later."
        )
        self.start_edit = _date("Review period start")
        self.end_edit = _date("Review period end")
        self.death_edit = _date("Date of death")
        self.error = _error_label()
        form = _form(self)
        form.addRow("Period &starts:", self.start_edit)
        form.addRow("Period &ends:", self.end_edit)
        form.addRow("Date of &death:", self.death_edit)
        form.addRow(self.error)

    def dates(self) -> tuple[date | None, date | None, date | None]:
        """Start, end and date of death; raises ``DateError`` naming the field at fault."""
        start = _date_value(self.start_edit, "Period starts")
        end = _date_value(self.end_edit, "Period ends")
        death = _date_value(self.death_edit, "Date of death")
        if start and end and end < start:
            raise DateError("The review period ends before it starts. Check the two dates.")
        return start, end, death

    def validatePage(self) -> bool:
        try:
            self.dates()
        except DateError as exc:
            _show_error(self.error, str(exc))
            return False
        _show_error(self.error, "")
        return True


class AgencyPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Agency and author")
        self.setSubTitle(
            "The IMR author must have had no direct involvement in the case and must not "
            "manage anyone whose actions are reviewed."
        )
        self.agency_edit = _line("Agency", "for example, Northshire Police")
        self.author_edit = _line("Author name")
        self.role_edit = _line("Author role", "for example, Detective Inspector, Review Unit")
        self.declaration_edit = QPlainTextEdit(INDEPENDENCE_TEMPLATE)
        self.declaration_edit.setAccessibleName("Independence declaration")
        self.declaration_edit.setTabChangesFocus(True)
        self.declaration_edit.setFixedHeight(92)
        self.secured_edit = _date("Date records were secured")
        self.error = _error_label()
        form = _form(self)
        form.addRow("&Agency (required):", self.agency_edit)
        form.addRow("Your na&me:", self.author_edit)
        form.addRow("Your &role:", self.role_edit)
        form.addRow("&Independence:", self.declaration_edit)
        form.addRow("", _note("Edit the declaration so that it is true for you."))
        form.addRow("Date records were &secured:", self.secured_edit)
        form.addRow(self.error)
        self.registerField("agency*", self.agency_edit)

    def secured_on(self) -> date | None:
        return _date_value(self.secured_edit, "Date records were secured")

    def validatePage(self) -> bool:
        if not self.agency_edit.text().strip():
            _show_error(self.error, "Name the agency this IMR is written for.")
            return False
        try:
            self.secured_on()
        except DateError as exc:
            _show_error(self.error, str(exc))
            return False
        _show_error(self.error, "")
        return True


class _RoleDelegate(QStyledItemDelegate):
    """Edits the role column with a list of roles, so only known roles can be chosen."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex
    ) -> QWidget:
        combo = QComboBox(parent)
        combo.setAccessibleName("Role")
        combo.addItems(list(ROLES.values()))
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentText(str(index.data()))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentText())


class SubjectsPage(QWizardPage):
    PSEUDONYM, ROLE, REAL_NAME = range(3)

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Subjects")
        self.setSubTitle(
            "The people the review is about, by the pseudonyms in the terms of reference. "
            "You can add or change them later."
        )
        self.table = QTableWidget(0, 3)
        self.table.setAccessibleName("Subjects")
        self.table.setAccessibleDescription(
            "Arrow keys move between cells; type or press F2 to edit a cell"
        )
        self.table.setHorizontalHeaderLabels(["Pseudonym", "Role", "Real name (optional)"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)  # Tab leaves the table: keyboard users move on
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setItemDelegateForColumn(self.ROLE, _RoleDelegate(self.table))
        self.add_button = QPushButton("&Add subject")
        self.add_button.setAccessibleName("Add subject")
        self.add_button.clicked.connect(lambda: self.add_person(SubjectRole.OTHER, edit=True))
        self.remove_button = QPushButton("&Delete subject")
        self.remove_button.setAccessibleName("Delete the selected subject")
        self.remove_button.clicked.connect(self.remove_person)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        self.error = _error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(
            _note(
                "Start with the victim if you know the pseudonym: the questions use it. "
                "Real names are optional and stay inside this encrypted draft; the checks "
                "before export use them to warn you if a real name slips into the text."
            )
        )
        layout.addWidget(self.error)
        self.add_person(SubjectRole.VICTIM)

    def add_person(self, role: SubjectRole, edit: bool = False) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, text in enumerate(("", ROLES[role], "")):
            self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.setCurrentCell(row, self.PSEUDONYM)
        if edit:
            self.table.setFocus()
            self.table.editItem(self.table.item(row, self.PSEUDONYM))
        return row

    def remove_person(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item else ""

    def subjects(self) -> list[Subject]:
        """The people entered, skipping blank rows; raises ``ValueError`` for a nameless one."""
        subjects: list[Subject] = []
        for row in range(self.table.rowCount()):
            pseudonym = self._text(row, self.PSEUDONYM)
            real_name = self._text(row, self.REAL_NAME)
            if not pseudonym and real_name:
                raise ValueError(
                    f"Row {row + 1} has a real name but no pseudonym. Give every person a "
                    "pseudonym: the report must never use a real name."
                )
            if pseudonym:
                role = ROLE_BY_LABEL.get(self._text(row, self.ROLE), SubjectRole.OTHER)
                subjects.append(Subject(pseudonym=pseudonym, role=role, real_name=real_name))
        return subjects

    def validatePage(self) -> bool:
        try:
            self.subjects()
        except ValueError as exc:
            _show_error(self.error, str(exc))
            return False
        _show_error(self.error, "")
        return True


class QuestionSetPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Terms of reference questions")
        self.setSubTitle("The questions your IMR must answer. Most panels use the default set.")
        self.default_set = default_question_set()
        self.loaded_set: QuestionSet | None = None
        # Replaced in tests; in use it asks with a file dialog.
        self.choose_file: Callable[[], Path | None] = self._ask_for_file
        self.default_radio = QRadioButton(_describe("&Default", self.default_set))
        self.default_radio.setAccessibleName("Default questions")
        self.default_radio.setChecked(True)
        self.file_radio = QRadioButton()
        self.file_radio.setAccessibleName("Questions from the panel's file")
        self.file_radio.hide()
        group = QButtonGroup(self)
        group.addButton(self.default_radio)
        group.addButton(self.file_radio)
        self.load_button = QPushButton("&Load a panel's own terms of reference from a file…")
        self.load_button.setAccessibleName("Load a panel's own terms of reference from a file")
        self.load_button.clicked.connect(self.load_from_file)
        self.error = _error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.default_radio)
        layout.addWidget(self.file_radio)
        row = QHBoxLayout()
        row.addWidget(self.load_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def _ask_for_file(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Load terms of reference", "", "Question sets (*.json);;All files (*)"
        )
        return Path(name) if name else None

    def load_from_file(self) -> None:
        """Use the panel's file; a file that cannot be used leaves the default chosen."""
        path = self.choose_file()
        if path is None:
            return
        try:
            self.loaded_set = load_question_set(path)
        except QuestionSetError as exc:
            self.default_radio.setChecked(True)
            _show_error(
                self.error,
                f"That file cannot be used, so the default questions stay selected.\n{exc}",
            )
            return
        _show_error(self.error, "")
        self.file_radio.setText(_describe(f"From {path.name}", self.loaded_set))
        self.file_radio.show()
        self.file_radio.setChecked(True)

    def question_set(self) -> QuestionSet:
        if self.file_radio.isChecked() and self.loaded_set is not None:
            return self.loaded_set
        return self.default_set


def _describe(prefix: str, question_set: QuestionSet) -> str:
    return f"{prefix}: {question_set.title} ({len(question_set.questions)} questions)"


class SavePage(QWizardPage):
    def __init__(self, drafts_dir: Path, review_name: Callable[[], str]) -> None:
        super().__init__()
        self.setTitle("Save and protect")
        self.setSubTitle(
            "The draft is encrypted with a passphrase. Choose one you will remember: three "
            "unrelated words work well."
        )
        self._drafts_dir = drafts_dir
        self._review_name = review_name
        self._location_edited = False
        # Replaced in tests; in use it asks with a file dialog.
        self.choose_location: Callable[[], Path | None] = self._ask_for_location

        self.location_edit = _line("File location")
        self.location_edit.textEdited.connect(self._on_location_edited)
        self.location_edit.textChanged.connect(self._refresh)
        self.browse_button = QPushButton("&Browse…")
        self.browse_button.setAccessibleName("Choose where to save the draft")
        self.browse_button.clicked.connect(self.browse)
        location_row = QHBoxLayout()
        location_row.addWidget(self.location_edit, 1)
        location_row.addWidget(self.browse_button)
        self.location_error = _error_label()

        self.passphrase_edit = _line("Passphrase")
        self.confirm_edit = _line("Passphrase again")
        for edit in (self.passphrase_edit, self.confirm_edit):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.textChanged.connect(self._refresh)
        self.strength = QLabel()
        self.strength.setWordWrap(True)
        self.strength.setAccessibleName("Passphrase feedback")
        self.remember_check = QCheckBox("Re&member on this computer")
        self.remember_check.setAccessibleName("Remember on this computer")
        self.remember_check.setChecked(True)
        warning = _note(
            "<b>If you lose the passphrase, nobody can open the draft: not you, not IT, not "
            "us.</b> There is no way to recover it. Keep it somewhere safe, away from the file."
        )
        warning.setAccessibleName("Warning")
        # Not shown: holds "ready" when the page may finish; the wizard watches it (see the top).
        self._ready = QLineEdit(self)
        self._ready.hide()
        self.registerField("ready*", self._ready)

        form = _form(self)
        location_label = QLabel("&Save as:")
        location_label.setBuddy(self.location_edit)
        form.addRow(location_label, location_row)
        form.addRow("", self.location_error)
        form.addRow("&Passphrase:", self.passphrase_edit)
        form.addRow("Type it &again:", self.confirm_edit)
        form.addRow("", self.strength)
        form.addRow("", self.remember_check)
        form.addRow(
            "",
            _note(
                "Remembering opens the draft on this computer without typing the passphrase. "
                "It is a convenience: the passphrase is always the way back in."
            ),
        )
        form.addRow(warning)
        self.setTabOrder(self.location_edit, self.browse_button)
        self.setTabOrder(self.browse_button, self.passphrase_edit)

    def initializePage(self) -> None:
        if not self._location_edited:
            name = safe_file_name(self._review_name()) + DRAFT_SUFFIX
            self.location_edit.setText(str(self._drafts_dir / name))
        self._refresh()

    def _on_location_edited(self) -> None:
        self._location_edited = True

    def _ask_for_location(self) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Save the new draft as", self.location_edit.text(), "IMR drafts (*.imr)"
        )
        return Path(name) if name else None

    def browse(self) -> None:
        path = self.choose_location()
        if path is not None:
            self._location_edited = True
            self.location_edit.setText(str(path))

    def path(self) -> Path:
        """The file to create, with the draft suffix added when it was left off."""
        path = Path(self.location_edit.text().strip()).expanduser()
        return (
            path
            if path.suffix.lower() == DRAFT_SUFFIX
            else path.with_name(path.name + DRAFT_SUFFIX)
        )

    def location_problem(self) -> str:
        if not self.location_edit.text().strip():
            return "Choose where to save the draft."
        path = self.path()
        if path.exists():
            return (
                f"{path.name} already exists there. Choose another name: IMR Author never "
                "replaces an existing file."
            )
        if path.parent.exists() and not path.parent.is_dir():
            return f"{path.parent} is a file, not a folder."
        return ""

    def passphrase_problem(self) -> str:
        confirmation = self.confirm_edit.text() or None
        try:
            check_new_passphrase(self.passphrase_edit.text(), confirmation)
        except WeakPassphraseError as exc:
            return str(exc)
        return "" if confirmation is not None else "Type the passphrase again to confirm it."

    def _refresh(self) -> None:
        _show_error(self.location_error, self.location_problem())
        problem = self.passphrase_problem()
        if not self.passphrase_edit.text():
            self.strength.setStyleSheet("")
            self.strength.setText("Use at least 12 characters, for example three unrelated words.")
        elif problem:
            self.strength.setStyleSheet(ERROR_STYLE)
            self.strength.setText(problem)
        else:
            self.strength.setStyleSheet(GOOD_STYLE)
            self.strength.setText("Strong enough, and both match.")
        self.passphrase_edit.setAccessibleDescription(self.strength.text())
        ready = not self.location_problem() and not problem
        self._ready.setText("ready" if ready else "")

    def validatePage(self) -> bool:
        self._refresh()  # the file may have appeared since the page was drawn
        return bool(self._ready.text())


# ---- the wizard ----------------------------------------------------------------------------


class NewDraftWizard(QWizard):
    """Gathers a new draft's details; ``request`` is set once Create draft succeeds."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New IMR draft")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Create draft")
        self.setMinimumSize(680, 560)
        self.request: NewDraftRequest | None = None
        self.review_page = ReviewPage()
        self.period_page = PeriodPage()
        self.agency_page = AgencyPage()
        self.subjects_page = SubjectsPage()
        self.question_page = QuestionSetPage()
        self.save_page = SavePage(context.paths.drafts_dir, self.review_page.name_edit.text)
        for page in (
            self.review_page,
            self.period_page,
            self.agency_page,
            self.subjects_page,
            self.question_page,
            self.save_page,
        ):
            self.addPage(page)

    @staticmethod
    def ask(parent: QWidget | None, context: AppContext) -> NewDraftRequest | None:
        """Show the wizard; the request to create, or None when the author cancelled."""
        wizard = NewDraftWizard(context, parent)
        wizard.exec()
        return wizard.request

    def accept(self) -> None:
        if not self.validateCurrentPage():
            return
        self.request = NewDraftRequest(
            path=self.save_page.path(),
            passphrase=self.save_page.passphrase_edit.text(),
            remember=self.save_page.remember_check.isChecked(),
            draft=self.build_draft(),
        )
        super().accept()

    def build_draft(self) -> ImrDraft:
        """The draft as the pages describe it (each page has already checked its own fields)."""
        draft = new_draft(
            self.question_page.question_set(),
            self.review_page.name_edit.text().strip(),
            self.review_page.review_type(),
            self.agency_page.agency_edit.text().strip(),
        )
        review = draft.review
        review.commissioning_partnership = self.review_page.partnership_edit.text().strip()
        review.period_start, review.period_end, review.date_of_death = self.period_page.dates()
        author = draft.author
        author.name = self.agency_page.author_edit.text().strip()
        author.role = self.agency_page.role_edit.text().strip()
        author.independence_declaration = self.agency_page.declaration_edit.toPlainText().strip()
        author.records_secured_on = self.agency_page.secured_on()
        draft.subjects = self.subjects_page.subjects()
        return draft
