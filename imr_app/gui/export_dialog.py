"""Export to Word: choose where and how, watch it build, deal with what the leak scan finds.

The same flow as ``imr-app export``: the pre-flight check first (hard errors leave only a
copy marked DRAFT), then the export itself on a worker thread, which reports progress and
its outcome to the dialog through queued signals, so the window stays responsive and the
author can cancel. Possible personal details found in the document are listed; the author
fixes them in the draft or accepts the ticked ones with a reason, recorded in the audit
trail, and the export runs again. Every export that writes a file is recorded as well.
"""

from __future__ import annotations

import getpass
import re
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from imr_app.core.comments import unresolved
from imr_app.core.drafts import now
from imr_app.core.errors import ImrError
from imr_app.core.model import AuditEvent, ImrDraft, WorkflowState
from imr_app.core.pseudonymise import NameRegister
from imr_app.core.text import capitalised, clean_text
from imr_app.core.workflow import Actor
from imr_app.gui.widgets.screen_fit import resize_within_screen
from imr_app.services.checks import check_draft
from imr_app.services.docx_protection import check_password
from imr_app.services.export_docx import (
    ExportCancelled,
    ExportOptions,
    ExportResult,
    LeaksFound,
    export,
    suggested_email_subject,
)
from imr_app.services.leak_acceptance import acceptance, accepted_keys
from imr_app.services.leak_scan import Leak, accepted_key, place_in_words, places_in_draft
from imr_app.services.review_copy import review_copy_name, without_review_copy_name

if TYPE_CHECKING:
    from imr_app.services.session import DraftSession

ERROR_STYLE = "color: #b3261e;"
GOOD_STYLE = "color: #1e6b2f;"
DEFAULT_VERSION = "1.0"
MISMATCH = "The two passwords are not the same."
PASSWORD_NOTE = "Send the password by another channel (phone or text), never in the same email."
REVIEW_COPY_TIP = (
    "Adds every unresolved comment thread, with its replies, as a Word comment on the text it "
    "is about, and marks every page REVIEW COPY. For the author and the safeguarding lead "
    "only: never send it to the Chair. Resolved threads are left out."
)
NO_COMMENTS_TIP = "There are no unresolved comments in this draft, so there is nothing to review."
_UNSAFE_IN_FILE_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f]')

# The list of possible leaks needs room: a row per detail, with where and around it.
LEAKS_PAGE_SIZE = QSize(1040, 620)
SHOWN_PLACES = 3  # fields named in the Where cell; the rest are in its tooltip
# Columns of the list of possible leaks.
ACCEPT_COLUMN, KIND_COLUMN, TEXT_COLUMN, WHERE_COLUMN, CONTEXT_COLUMN = range(5)


def suggested_file_name(draft: ImrDraft, version: str, review_copy: bool = False) -> str:
    """``"<review name> IMR v<version>.docx"``, with any real name replaced by its pseudonym.

    The file name travels with the email and is scanned like the document, so a review
    name typed with a real name in it never reaches it. A review copy's name says so
    (``…-review-copy.docx``), so it is not attached for the Chair by mistake.
    """
    register = NameRegister(draft.subjects)
    review = " ".join(register.replace(clean_text(draft.review.name)).split())
    version = " ".join(clean_text(version).split())
    if version[:1].isdigit():
        version = f"v{version}"
    name = " ".join(part for part in (review, "IMR", version) if part)
    name = " ".join(_UNSAFE_IN_FILE_NAME.sub(" ", name).split()).strip(" .")
    name = f"{name or 'IMR'}.docx"
    return review_copy_name(name) if review_copy else name


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some service contexts
        return ""


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def describe_leak(leak: Leak) -> str:
    return f"{leak.kind.label} '{leak.text}' in {leak.location}: {leak.context}"


class _ExportRelay(QObject):
    """Carries the worker's reports to the dialog; every connection to it is queued."""

    progress = Signal(int, str)
    finished = Signal(object)  # an ExportResult, or the exception the export raised


class ExportDialog(QDialog):
    """Export the open draft to a Word document, with pre-flight, leak scan and protection."""

    def __init__(
        self, session: DraftSession, parent: QWidget | None = None, you: Actor | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        # Who the audit trail says exported: the name and role given here, else the login.
        self.you = you if you is not None and you.name else Actor(_user())
        self.outcome: ExportResult | None = None
        self.leaks: tuple[Leak, ...] = ()
        self._leak_rows: list[list[Leak]] = []  # the leaks of each row: one detail, all places
        self._leak_places: dict[str, list[str]] = {}  # accepted_key -> fields of the draft
        # Replaced in tests; in use it asks with the file dialog.
        self.choose_location: Callable[[Path], Path | None] = self._ask_location
        self.choose_template: Callable[[], Path | None] = self._ask_for_template
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self._running_options: ExportOptions | None = None
        self._running_path: Path | None = None
        self._finished_outcome: object = None
        self._leak_path: Path | None = None
        self._leak_options: ExportOptions | None = None
        self._relay = _ExportRelay(self)
        queued = Qt.ConnectionType.QueuedConnection
        self._relay.progress.connect(self._on_progress, queued)
        self._relay.finished.connect(self._on_finished, queued)
        self.setWindowTitle("Export to Word")
        self.setMinimumWidth(720)

        self.error_count = self._preflight()
        self.pages = QStackedWidget()
        self.options_page = self._build_options_page()
        self.progress_page = self._build_progress_page()
        self.leaks_page = self._build_leaks_page()
        self.done_page = self._build_done_page()
        for page in (self.options_page, self.progress_page, self.leaks_page, self.done_page):
            self.pages.addWidget(page)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setAccessibleName("Problem")
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.message)
        self._update_password_feedback()

    @staticmethod
    def ask(
        parent: QWidget | None, session: DraftSession, you: Actor | None = None
    ) -> ExportResult | None:
        """The export written, or None when the author closed the dialog without one."""
        dialog = ExportDialog(session, parent, you)
        dialog.exec()
        return dialog.outcome

    # ---- pages ---------------------------------------------------------------------
    def _preflight(self) -> int:
        """How many hard errors the check finds: any one of them blocks a final export."""
        self.session.wait_for_chronology()
        return sum(1 for problem in check_draft(self.session.draft) if problem.is_error)

    def _build_options_page(self) -> QWidget:
        page = QWidget()
        draft = self.session.draft
        self.version_edit = QLineEdit(DEFAULT_VERSION)
        self.version_edit.setAccessibleName("Version")
        self.version_edit.textEdited.connect(self._on_version_edited)
        self._location_is_suggested = True
        self.location_edit = QLineEdit(
            str(self.session.path.parent / suggested_file_name(draft, DEFAULT_VERSION))
        )
        self.location_edit.setAccessibleName("Save as")
        self.location_edit.textEdited.connect(self._on_location_edited)
        self.browse_button = QPushButton("&Browse…")
        self.browse_button.clicked.connect(self._browse)
        location = QHBoxLayout()
        location.addWidget(self.location_edit, 1)
        location.addWidget(self.browse_button)

        self.final_radio = QRadioButton("&Final")
        if self.session.draft.workflow.state is not WorkflowState.SIGNED_OFF:
            # The document and the subject line say DRAFT until the IMR is signed off.
            self.final_radio.setText("&Final (still marked DRAFT: the IMR is not signed off)")
        self.draft_radio = QRadioButton("&Draft copy (marked DRAFT)")
        self.kind_group = QButtonGroup(self)
        self.kind_group.addButton(self.final_radio)
        self.kind_group.addButton(self.draft_radio)
        self.errors_label = QLabel()
        self.errors_label.setWordWrap(True)
        self.errors_label.setAccessibleName("Errors")
        if self.error_count:
            self.final_radio.setEnabled(False)
            self.draft_radio.setChecked(True)
            self.errors_label.setText(
                f"{_plural(self.error_count, 'error')} must be fixed before a final export. "
                "Use Check for errors (F8) to see them."
            )
        else:
            self.final_radio.setChecked(True)
            self.errors_label.hide()
        kind = QVBoxLayout()
        kind.addWidget(self.final_radio)
        kind.addWidget(self.errors_label)
        kind.addWidget(self.draft_radio)

        # Only offered when there is something to review; a final export never has comments.
        self.review_copy_check = QCheckBox("Review copy with co&mments")
        self.review_copy_check.setAccessibleName("Review copy with comments")
        has_comments = bool(unresolved(draft))
        tip = REVIEW_COPY_TIP if has_comments else NO_COMMENTS_TIP
        self.review_copy_check.setEnabled(has_comments)
        self.review_copy_check.setToolTip(tip)
        self.review_copy_check.setAccessibleDescription(tip)
        self.review_copy_check.toggled.connect(self._on_review_copy_toggled)

        self.protect_check = QCheckBox("&Protect with a password (recommended)")
        self.protect_check.setChecked(True)
        self.protect_check.toggled.connect(self._update_password_feedback)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName("Password")
        self.repeat_edit = QLineEdit()
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_edit.setAccessibleName("Repeat the password")
        self.password_edit.textChanged.connect(self._update_password_feedback)
        self.repeat_edit.textChanged.connect(self._update_password_feedback)
        self.password_feedback = QLabel()
        self.password_feedback.setWordWrap(True)
        self.password_feedback.setTextFormat(Qt.TextFormat.PlainText)
        self.password_feedback.setAccessibleName("Password check")
        self.password_note = QLabel(PASSWORD_NOTE)
        self.password_note.setWordWrap(True)
        self.password_note.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.template_label = QLabel()
        self.template_label.setAccessibleName("Word template")
        self.template_button = QPushButton("Choose &template…")
        self.template_button.clicked.connect(self._choose_template)
        self.standard_button = QPushButton("Use the &standard one")
        self.standard_button.clicked.connect(lambda: self._set_template(""))
        template = QHBoxLayout()
        template.addWidget(self.template_label, 1)
        template.addWidget(self.template_button)
        template.addWidget(self.standard_button)
        self._show_template()

        location_label = QLabel("Save &as:")
        location_label.setBuddy(self.location_edit)
        form = QFormLayout()
        form.addRow(location_label, location)
        form.addRow("Template:", template)
        form.addRow("&Version:", self.version_edit)
        form.addRow("Export as:", kind)
        form.addRow("", self.review_copy_check)
        form.addRow("", self.protect_check)
        form.addRow("Pass&word:", self.password_edit)
        form.addRow("&Repeat:", self.repeat_edit)
        form.addRow("", self.password_feedback)
        form.addRow("", self.password_note)

        self.export_button = QPushButton("&Export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start_export)
        self.close_options_button = QPushButton("Close")
        self.close_options_button.clicked.connect(self.reject)
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addLayout(_button_row(self.export_button, self.close_options_button))
        return page

    def _build_progress_page(self) -> QWidget:
        page = QWidget()
        self.progress_label = QLabel("Starting the export")
        self.progress_label.setTextFormat(Qt.TextFormat.PlainText)
        self.progress_label.setAccessibleName("Export step")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setAccessibleName("Export progress")
        self.cancel_button = QPushButton("&Cancel")
        self.cancel_button.clicked.connect(self.cancel_export)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.progress)
        layout.addStretch(1)
        layout.addLayout(_button_row(self.cancel_button))
        return page

    def _build_leaks_page(self) -> QWidget:
        page = QWidget()
        self.leaks_intro = QLabel()
        self.leaks_intro.setWordWrap(True)
        self.leaks_intro.setAccessibleName("Possible personal details")
        self.leaks_table = QTableWidget(0, 5)
        self.leaks_table.setHorizontalHeaderLabels(["", "Kind", "Text", "Where", "Context"])
        self.leaks_table.setAccessibleName("Possible personal details found")
        self.leaks_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.leaks_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.leaks_table.setWordWrap(True)
        self.leaks_table.verticalHeader().hide()
        header = self.leaks_table.horizontalHeader()
        for column in (ACCEPT_COLUMN, KIND_COLUMN, TEXT_COLUMN):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # Where can be long (a part and a paragraph): the context matters more.
        header.setSectionResizeMode(WHERE_COLUMN, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(WHERE_COLUMN, 160)
        header.setSectionResizeMode(CONTEXT_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.reason_edit = QLineEdit()
        self.reason_edit.setAccessibleName("Reason")
        self.reason_edit.setPlaceholderText("Why may these details stay in the IMR?")
        reason = QFormLayout()
        reason.addRow("&Reason:", self.reason_edit)
        self.accept_button = QPushButton("&Accept the ticked ones and export")
        self.accept_button.clicked.connect(self.accept_ticked)
        self.back_button = QPushButton("&Back")
        self.back_button.clicked.connect(self._back_to_options)
        self.close_leaks_button = QPushButton("Close")
        self.close_leaks_button.clicked.connect(self.reject)
        layout = QVBoxLayout(page)
        layout.addWidget(self.leaks_intro)
        layout.addWidget(self.leaks_table, 1)
        layout.addLayout(reason)
        layout.addLayout(_button_row(self.accept_button, self.back_button, self.close_leaks_button))
        return page

    def _build_done_page(self) -> QWidget:
        page = QWidget()
        self.done_label = QLabel()
        self.done_label.setWordWrap(True)
        self.done_label.setTextFormat(Qt.TextFormat.PlainText)
        self.done_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.done_label.setAccessibleName("Exported to")
        self.warnings_label = QLabel()
        self.warnings_label.setWordWrap(True)
        self.warnings_label.setTextFormat(Qt.TextFormat.PlainText)
        self.warnings_label.setAccessibleName("Warnings")
        self.reminder_label = QLabel(
            "The document is protected with a password; Word asks for it on opening. "
            f"{PASSWORD_NOTE}"
        )
        self.reminder_label.setWordWrap(True)
        bold = self.reminder_label.font()
        bold.setBold(True)
        self.reminder_label.setFont(bold)
        self.reminder_label.setAccessibleName("Password reminder")
        self.subject_edit = QLineEdit()
        self.subject_edit.setReadOnly(True)
        self.subject_edit.setAccessibleName("Suggested email subject")
        self.copy_button = QPushButton("C&opy")
        self.copy_button.clicked.connect(self._copy_subject)
        subject_row = QHBoxLayout()
        subject_row.addWidget(self.subject_edit, 1)
        subject_row.addWidget(self.copy_button)
        self.subject_box = QWidget()
        subject_layout = QVBoxLayout(self.subject_box)
        subject_layout.setContentsMargins(0, 0, 0, 0)
        subject_label = QLabel("Suggested email &subject:")
        subject_label.setBuddy(self.subject_edit)
        subject_layout.addWidget(subject_label)
        subject_layout.addLayout(subject_row)
        self.close_button = QPushButton("Close")
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)
        title = QLabel("The IMR has been exported")
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        title.setFont(font)
        layout = QVBoxLayout(page)
        layout.addWidget(title)
        layout.addWidget(self.done_label)
        layout.addWidget(self.warnings_label)
        layout.addWidget(self.reminder_label)
        layout.addWidget(self.subject_box)
        layout.addStretch(1)
        layout.addLayout(_button_row(self.close_button))
        return page

    # ---- options -------------------------------------------------------------------
    def _on_version_edited(self, version: str) -> None:
        if self._location_is_suggested:
            folder = Path(self.location_edit.text()).parent
            review_copy = self.review_copy_check.isChecked()
            name = suggested_file_name(self.session.draft, version, review_copy)
            self.location_edit.setText(str(folder / name))

    def _on_review_copy_toggled(self, review_copy: bool) -> None:
        """The file name follows, even one the author chose: a review copy must say so."""
        if self._location_is_suggested:
            self._on_version_edited(self.version_edit.text())
            return
        path = Path(self.location_edit.text())
        name = review_copy_name(path.name) if review_copy else without_review_copy_name(path.name)
        self.location_edit.setText(str(path.with_name(name)))

    def _on_location_edited(self, _text: str) -> None:
        self._location_is_suggested = False

    def _ask_location(self, current: Path) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export to Word", str(current), "Word documents (*.docx)"
        )
        return Path(path) if path else None

    def _browse(self) -> None:
        chosen = self.choose_location(Path(self.location_edit.text()))
        if chosen is not None:
            self.location_edit.setText(str(chosen))
            self._location_is_suggested = False

    def _update_password_feedback(self) -> None:
        protect = self.protect_check.isChecked()
        for widget in (self.password_edit, self.repeat_edit, self.password_note):
            widget.setEnabled(protect)
        problem = self._password_problem() if protect else None
        if not protect:
            self.password_feedback.clear()
        elif not self.password_edit.text() and not self.repeat_edit.text():
            self.password_feedback.setStyleSheet("")
            self.password_feedback.setText("Choose a password the Chair will type to open it.")
        elif problem == MISMATCH and not self.repeat_edit.text():
            self.password_feedback.setStyleSheet("")
            self.password_feedback.setText("Type it again in the box below.")
        elif problem is not None:
            self.password_feedback.setStyleSheet(ERROR_STYLE)
            self.password_feedback.setText(problem)
        else:
            self.password_feedback.setStyleSheet(GOOD_STYLE)
            self.password_feedback.setText("The passwords match.")

    def _password_problem(self) -> str | None:
        password = self.password_edit.text()
        try:
            check_password(password)
        except ImrError as exc:
            return str(exc)
        if password != self.repeat_edit.text():
            return MISMATCH
        return None

    def _options(self) -> tuple[Path, ExportOptions] | None:
        """What the author chose, or None with the reason shown."""
        text = self.location_edit.text().strip()
        if not text:
            self._show_message("Choose where to save the Word document.")
            return None
        path = Path(text).expanduser()
        if path.suffix.lower() != ".docx":
            path = path.with_name(f"{path.name}.docx")
        if not path.parent.is_dir():
            self._show_message(f"The folder {path.parent} does not exist.")
            return None
        version = " ".join(self.version_edit.text().split())
        if not version:
            self._show_message("Give the version of the IMR, for example 1.0.")
            return None
        draft_copy = not self.final_radio.isChecked()
        if not draft_copy and self.error_count:  # the radio is disabled; never trust it alone
            self._show_message("A final export needs the errors fixed first.")
            return None
        password: str | None = None
        if self.protect_check.isChecked():
            problem = self._password_problem()
            if problem is not None:
                self._show_message(problem)
                return None
            password = self.password_edit.text()
        options = ExportOptions(
            draft_copy=draft_copy,
            version=version,
            password=password,
            accepted_leaks=accepted_keys(self.session.draft),
            review_copy=self.review_copy_check.isEnabled() and self.review_copy_check.isChecked(),
        )
        return path, options

    # ---- the agency's template ------------------------------------------------------------
    def _show_template(self) -> None:
        recorded = self.session.draft.agency.template
        self.template_label.setText(
            Path(recorded).name if recorded else "The standard IMR Author template"
        )
        self.standard_button.setEnabled(bool(recorded))

    def _choose_template(self) -> None:
        chosen = self.choose_template()
        if chosen is not None:
            self._set_template(str(chosen))

    def _ask_for_template(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Your agency's Word template", "", "Word templates (*.docx *.dotx)"
        )
        return Path(name) if name else None

    def _set_template(self, path: str) -> None:
        """The choice is kept in the draft, so every later export uses it too."""
        self.session.draft.agency.template = path
        self.session.touch("agency")
        self.session.save()
        self._show_template()

    # ---- running the export ----------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start_export(self) -> None:
        if self.running:
            return
        chosen = self._options()
        if chosen is None:
            return
        self._run(*chosen)

    def _run(self, path: Path, options: ExportOptions) -> None:
        self._hide_message()
        self._cancel.clear()
        self._running_path, self._running_options = path, options
        self._finished_outcome = None
        self.progress.setValue(0)
        self.progress_label.setText("Starting the export")
        self.cancel_button.setEnabled(True)
        self.pages.setCurrentWidget(self.progress_page)
        draft, relay, cancel = self.session.draft, self._relay, self._cancel

        def work() -> None:
            outcome: object
            try:
                outcome = export(draft, path, options, relay.progress.emit, cancel.is_set)
            except LeaksFound as found:  # where to fix each detail, found here off the GUI
                outcome, self._leak_places = found, places_in_draft(draft)
            except BaseException as exc:  # every outcome goes back to the dialog
                outcome = exc
            self._finished_outcome = outcome
            relay.finished.emit(outcome)

        self._thread = threading.Thread(target=work, name="export", daemon=True)
        self._thread.start()

    def cancel_export(self) -> None:
        if self.running:
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText("Cancelling…")

    def wait_for_export(self) -> None:
        """Block until the worker is done (closing the dialog, and tests)."""
        if self._thread is not None:
            self._thread.join()

    def _on_progress(self, percent: int, step: str) -> None:
        self.progress.setValue(percent)
        self.progress_label.setText(step)

    def _on_finished(self, outcome: object) -> None:
        if self._thread is not None:
            self._thread.join()  # it emitted this as its last act
        self._thread = None
        if self._running_path is None or self._running_options is None:
            return  # already handled when the dialog closed
        path, options = self._running_path, self._running_options
        self._running_path = self._running_options = None
        if isinstance(outcome, ExportResult):
            self._succeeded(outcome, options)
        elif isinstance(outcome, LeaksFound):
            self._show_leaks(outcome.leaks, path, options)
        elif isinstance(outcome, ExportCancelled):
            self._back_to_options()
            self._show_message(str(outcome))
        elif isinstance(outcome, ImrError):
            self._back_to_options()
            self._show_message(f"The IMR could not be exported: {outcome}")
        elif isinstance(outcome, OSError):
            self._back_to_options()
            reason = outcome.strerror or str(outcome)
            self._show_message(f"The Word document could not be written: {reason}")
        else:
            self._back_to_options()
            self._show_message(f"The IMR could not be exported: an unexpected error ({outcome}).")

    def _succeeded(self, result: ExportResult, options: ExportOptions) -> None:
        self.outcome = result
        self.leaks, self._leak_rows = (), []
        self._record_export(result, options)
        saved = f"Saved as {result.path}"
        if options.review_copy:
            comments = _plural(result.review_comments, "comment")
            saved += f"\nA review copy with {comments}: not for the Chair."
        self.done_label.setText(saved)
        lines = [*result.warnings]
        lines += [f"In the DRAFT copy: {describe_leak(leak)}" for leak in result.leaks]
        self.warnings_label.setText("\n".join(f"• {line}" for line in lines))
        self.warnings_label.setVisible(bool(lines))
        protected = options.password is not None
        self.reminder_label.setVisible(protected)
        self.subject_box.setVisible(protected)
        if protected:
            self.subject_edit.setText(
                suggested_email_subject(
                    self.session.draft, options.version, draft_copy=options.draft_copy
                )
            )
            self.subject_edit.setCursorPosition(0)
        self.pages.setCurrentWidget(self.done_page)
        self.close_button.setFocus()

    def _record_export(self, result: ExportResult, options: ExportOptions) -> None:
        kind = "draft copy" if options.draft_copy else "final"
        if options.review_copy:
            kind += f", review copy with {_plural(result.review_comments, 'comment')}"
        protected = "password-protected" if options.password else "not password-protected"
        detail = f"{result.path.name}, {kind}, {protected}"
        self._record(
            AuditEvent(now(), "exported", actor=self.you.name, role=self.you.role, detail=detail)
        )

    def _record(self, event: AuditEvent) -> None:
        """Into the file at once, and into the open draft so the next export sees it."""
        try:
            self.session.document.repo.add_audit(event)
        except Exception as exc:  # the file is written; say the record is missing
            self._show_message(f"The audit trail could not be updated: {exc}")
        self.session.draft.audit.append(event)

    # ---- possible leaks --------------------------------------------------------------
    def _show_leaks(self, leaks: tuple[Leak, ...], path: Path, options: ExportOptions) -> None:
        """One row for each detail, wherever it appears (accepting it accepts it everywhere)."""
        self.leaks = leaks
        self._leak_path, self._leak_options = path, options
        groups: dict[str, list[Leak]] = {}
        for leak in leaks:
            groups.setdefault(accepted_key(leak), []).append(leak)
        self._leak_rows = list(groups.values())
        in_draft = self._leak_places
        self.leaks_intro.setText(
            f"{_plural(len(self._leak_rows), 'possible personal detail')} found in the document; "
            "nothing was written. Fix them in the draft, or tick the ones that may stay, give "
            "the reason and export again. The acceptance is recorded in the audit trail."
        )
        self.leaks_table.setRowCount(len(self._leak_rows))
        for row, found in enumerate(self._leak_rows):
            tick = QTableWidgetItem("Accept")
            tick.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            tick.setCheckState(Qt.CheckState.Unchecked)
            self.leaks_table.setItem(row, ACCEPT_COLUMN, tick)
            first = found[0]
            in_document = "; ".join(dict.fromkeys(place_in_words(f) for f in found))
            fields = in_draft.get(accepted_key(first), [])
            where = "; ".join(fields[:SHOWN_PLACES])
            if len(fields) > SHOWN_PLACES:
                where += f"; and {len(fields) - SHOWN_PLACES} more"
            every_place = "\n".join([*fields, f"In the document: {in_document}"])
            for column, text, tip in (
                (KIND_COLUMN, capitalised(first.kind.label), ""),
                (TEXT_COLUMN, first.text, ""),
                (WHERE_COLUMN, where or in_document, every_place),
                (CONTEXT_COLUMN, first.context, ""),
            ):
                item = QTableWidgetItem(text)
                item.setToolTip(tip or text)
                self.leaks_table.setItem(row, column, item)
        self.leaks_table.resizeRowsToContents()
        self._make_room(LEAKS_PAGE_SIZE)
        self.pages.setCurrentWidget(self.leaks_page)

    def _make_room(self, size: QSize) -> None:
        """Grow to ``size`` where the screen has room, so the list shows more than a few rows."""
        resize_within_screen(
            self, max(self.width(), size.width()), max(self.height(), size.height())
        )

    def ticked_leaks(self) -> list[Leak]:
        return [
            leak
            for row, found in enumerate(self._leak_rows)
            if (item := self.leaks_table.item(row, ACCEPT_COLUMN)) is not None
            and item.checkState() == Qt.CheckState.Checked
            for leak in found
        ]

    def set_ticked(self, row: int, ticked: bool = True) -> None:
        item = self.leaks_table.item(row, ACCEPT_COLUMN)
        if item is not None:
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def accept_ticked(self) -> None:
        ticked = self.ticked_leaks()
        if not ticked:
            self._show_message("Tick the details that may stay in the IMR first.")
            return
        reason = " ".join(self.reason_edit.text().split())
        if not reason:
            self._show_message(
                "Give the reason these details may stay in the IMR; it is kept in the audit trail."
            )
            self.reason_edit.setFocus()
            return
        if self._leak_path is None or self._leak_options is None:
            return
        for key in dict.fromkeys(accepted_key(leak) for leak in ticked):
            self._record(acceptance(key, reason, actor=self.you.name, role=self.you.role))
        options = replace(self._leak_options, accepted_leaks=accepted_keys(self.session.draft))
        self.reason_edit.clear()
        self._run(self._leak_path, options)

    # ---- around ----------------------------------------------------------------------
    def _back_to_options(self) -> None:
        self._hide_message()
        self.pages.setCurrentWidget(self.options_page)

    def _copy_subject(self) -> None:
        QGuiApplication.clipboard().setText(self.subject_edit.text())
        self.copy_button.setText("Copied")

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _hide_message(self) -> None:
        self.message.clear()
        self.message.hide()

    def reject(self) -> None:
        """Closing during an export cancels it and waits for the worker to stop."""
        if self.running:
            self.cancel_export()
            self.wait_for_export()
            # The export may have finished before it saw the flag: then it is written.
            outcome, options = self._finished_outcome, self._running_options
            self._running_path = self._running_options = None
            if isinstance(outcome, ExportResult) and options is not None:
                self.outcome = outcome
                self._record_export(outcome, options)
        super().reject()


def _button_row(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addStretch(1)
    for button in buttons:
        row.addWidget(button)
    return row
