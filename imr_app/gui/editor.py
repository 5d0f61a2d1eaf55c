"""The authoring editor: the section navigator, the pages, and autosave.

Autosave: every edit marks its part dirty; the draft is saved once typing pauses for a
second and at most two seconds after the first unsaved edit. Leaving a page, the
window losing focus and closing save at once. A failed save keeps the
text in the editor and in memory, says why, and retries.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QIcon,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPen,
    QPixmap,
    QPolygonF,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QStackedWidget,
    QTabBar,
    QTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from imr_app.core.comments import unresolved
from imr_app.core.dates import format_uk
from imr_app.core.model import SectionId, SectionStatus, WorkflowState
from imr_app.core.sections import STATUS_LABELS, TITLES, progress, question_done, section_status
from imr_app.core.workflow import can_edit, last_step
from imr_app.gui.pages.base import KEEP_ENABLED, SectionPage
from imr_app.gui.spelling import SpellingService, install_spelling
from imr_app.services.checks import Location, Problem, check_draft
from imr_app.services.comment_locations import location_for

if TYPE_CHECKING:
    from imr_app.services.session import DraftSession

# Save 1 s after typing pauses, and never later than 2 s after the first unsaved edit,
# so steady typing is saved too and a crash loses at most the last 2 seconds.
IDLE_SAVE_MS = 1000
MAX_UNSAVED_MS = 2000
RETRY_MS = 5000
PageKey = tuple[SectionId, str]  # (section, question number or "")
_KEY_ROLE = Qt.ItemDataRole.UserRole
# Dynamic properties a frozen widget keeps, to be put back as they were when it thaws.
_WAS_ENABLED = "imr_was_enabled"
_WAS_READ_ONLY = "imr_was_read_only"
_WAS_TRIGGERS = "imr_was_edit_triggers"
# Key presses a read-only rich text field would otherwise still act on (it formats in code).
_FORMATTING_KEYS = (QKeySequence.StandardKey.Bold, QKeySequence.StandardKey.Italic)
COMMENTS_COLUMN = 2  # the navigator's count of unresolved comments


def balloon_icon(colour: QColor) -> QIcon:
    """A speech balloon drawn in code: an emoji font is missing on some systems."""
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(colour, 1.4))
    painter.drawRoundedRect(QRectF(1.5, 2.5, 13, 9), 3, 3)
    painter.drawPolyline(QPolygonF([QPointF(4.5, 11.5), QPointF(4, 14.5), QPointF(8, 11.5)]))
    painter.end()
    return QIcon(pixmap)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


class _ReadOnlyGuard(QObject):
    """Keeps frozen inputs frozen: a page re-enabling a button (on a selection, say) is undone,
    and formatting shortcuts never reach a read-only text field."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(watched, QWidget):
            return False
        if event.type() == QEvent.Type.EnabledChange:
            if watched.property(_WAS_ENABLED) is not None and watched.isEnabled():
                watched.setProperty(_WAS_ENABLED, True)  # what the page wants once it thaws
                watched.setEnabled(False)
            return False
        if (
            isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and watched.property(_WAS_READ_ONLY) is not None
        ):
            return any(event.matches(keys) for keys in _FORMATTING_KEYS)
        return False


def set_inputs_read_only(root: QWidget, guard: _ReadOnlyGuard, read_only: bool) -> None:
    """Freeze (or thaw) every input under ``root`` while leaving it readable and scrollable.

    Text fields become read-only; buttons, combos and spin boxes are disabled; tables stop
    editing; keyboard shortcuts that change the content are switched off (Copy stays on).
    """
    for widget in root.findChildren(QWidget):
        if widget.property(KEEP_ENABLED):
            continue  # a review control: commenting goes on while the text is frozen
        if isinstance(widget, (QTextEdit, QPlainTextEdit)) or (
            isinstance(widget, QLineEdit)
            and not isinstance(widget.parentWidget(), (QComboBox, QAbstractSpinBox))
        ):
            _freeze_text(widget, guard, read_only)
        elif isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView):
            _freeze_view(widget, read_only)
        elif isinstance(widget, (QComboBox, QAbstractSpinBox)) or (
            isinstance(widget, QAbstractButton) and not isinstance(widget.parentWidget(), QTabBar)
        ):
            _freeze_input(widget, guard, read_only)
    copy = QKeySequence(QKeySequence.StandardKey.Copy)
    for shortcut in root.findChildren(QShortcut):
        if shortcut.key() != copy:
            shortcut.setEnabled(not read_only)


def _freeze_text(
    widget: QTextEdit | QPlainTextEdit | QLineEdit, guard: _ReadOnlyGuard, read_only: bool
) -> None:
    was = widget.property(_WAS_READ_ONLY)
    if read_only and was is None:
        widget.setProperty(_WAS_READ_ONLY, widget.isReadOnly())
        widget.setReadOnly(True)
        widget.installEventFilter(guard)
    elif not read_only and was is not None:
        widget.removeEventFilter(guard)
        widget.setReadOnly(bool(was))
        widget.setProperty(_WAS_READ_ONLY, None)


def _freeze_view(view: QAbstractItemView, read_only: bool) -> None:
    was = view.property(_WAS_TRIGGERS)
    if read_only and was is None:
        view.setProperty(_WAS_TRIGGERS, int(view.editTriggers().value))
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    elif not read_only and was is not None:
        view.setEditTriggers(QAbstractItemView.EditTrigger(int(was)))
        view.setProperty(_WAS_TRIGGERS, None)


def _freeze_input(widget: QWidget, guard: _ReadOnlyGuard, read_only: bool) -> None:
    was = widget.property(_WAS_ENABLED)
    if read_only and was is None:
        explicit = not widget.testAttribute(Qt.WidgetAttribute.WA_ForceDisabled)
        widget.setProperty(_WAS_ENABLED, explicit)
        widget.setEnabled(False)
        widget.installEventFilter(guard)
    elif not read_only and was is not None:
        widget.removeEventFilter(guard)
        widget.setProperty(_WAS_ENABLED, None)
        widget.setEnabled(bool(was))


def _count_by_page(locations: Iterable[Location | None]) -> dict[PageKey, int]:
    """How many locations fall on each navigator entry; a question's also count for its parent."""
    counts: dict[PageKey, int] = {}
    for loc in locations:
        if loc is None:
            continue
        ref = loc.ref if loc.section is SectionId.TERMS_OF_REFERENCE else ""
        counts[(loc.section, ref)] = counts.get((loc.section, ref), 0) + 1
        if ref:
            counts[(loc.section, "")] = counts.get((loc.section, ""), 0) + 1
    return counts


# Each section's page class, imported when that page is first shown: start-up loads one.
_PAGE_CLASSES: dict[SectionId, tuple[str, str]] = {
    SectionId.REVIEW: ("forms", "ReviewPage"),
    SectionId.AUTHOR: ("forms", "AuthorPage"),
    SectionId.AGENCY_CONTEXT: ("forms", "AgencyContextPage"),
    SectionId.SOURCES: ("forms", "SourcesPage"),
    SectionId.SUBJECTS: ("subjects", "SubjectsPage"),
    SectionId.TERMS_OF_REFERENCE: ("question", "QuestionPage"),
    SectionId.CHRONOLOGY: ("chronology", "ChronologyPage"),
    SectionId.ANALYSIS: ("forms", "AnalysisPage"),
    SectionId.EQUALITY: ("equality", "EqualityPage"),
    SectionId.PRACTICE: ("findings", "PracticePage"),
    SectionId.LESSONS: ("findings", "LessonsPage"),
    SectionId.RECOMMENDATIONS: ("recommendations", "RecommendationsPage"),
    SectionId.SIGN_OFF: ("forms", "SignOffPage"),
}


def _page_class(section: SectionId) -> Callable[..., SectionPage]:
    module, name = _PAGE_CLASSES[section]
    page_class: Callable[..., SectionPage] = getattr(
        importlib.import_module(f"imr_app.gui.pages.{module}"), name
    )
    return page_class


class DraftEditor(QWidget):
    """Edits one open draft. Emits how saving is going and how far the draft has come."""

    save_state_changed = Signal(str)  # "Saved", "Saving…", "Not saved — reason"
    progress_changed = Signal(str)
    problems_changed = Signal(list)  # list[Problem]
    comment_requested = Signal(object)  # a CommentAnchor a page offers to comment on

    def __init__(
        self,
        session: DraftSession,
        spelling: SpellingService | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._spelling = spelling
        self._pages: dict[PageKey, SectionPage] = {}
        self._problems: list[Problem] = []
        self._stale: set[SectionPage] = set()
        self.last_save_error = ""

        self.navigator = QTreeWidget()
        self.navigator.setColumnCount(3)
        self.navigator.setHeaderLabels(["Section", "Status", ""])
        self.navigator.setAccessibleName("Sections of the IMR")
        self.navigator.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, COMMENTS_COLUMN):
            self.navigator.header().setSectionResizeMode(
                column, QHeaderView.ResizeMode.ResizeToContents
            )
        self.navigator.header().setStretchLastSection(False)  # the titles get the room
        self.navigator.setMinimumWidth(340)
        self._balloon = balloon_icon(self.navigator.palette().text().color())
        header = self.navigator.headerItem()
        header.setIcon(COMMENTS_COLUMN, self._balloon)
        header.setToolTip(COMMENTS_COLUMN, "Unresolved review comments")
        header.setData(COMMENTS_COLUMN, Qt.ItemDataRole.AccessibleTextRole, "Unresolved comments")
        self._build_navigator()
        self.pages = QStackedWidget()
        self.banner = QLabel()
        self.banner.setAccessibleName("Review state")
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setStyleSheet(
            "QLabel { background: palette(alternate-base); padding: 6px 12px; font-weight: bold; }"
        )
        self.banner.hide()
        self.read_only = False
        self._guard = _ReadOnlyGuard(self)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.navigator)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([360, 1000])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(splitter)

        self._autosave = QTimer(self, singleShot=True)
        self._autosave.timeout.connect(self.save_now)
        self._unsaved_since = QElapsedTimer()
        first = self.navigator.topLevelItem(0)
        assert first is not None  # every section has its entry
        self.navigator.setCurrentItem(first)
        self._show_page_of(first)
        self.navigator.currentItemChanged.connect(self._on_navigate)
        self.apply_workflow()  # which shows the statuses

    # ---- navigator -----------------------------------------------------------------
    def _build_navigator(self) -> None:
        for section in SectionId:
            item = QTreeWidgetItem([TITLES[section], "", ""])
            item.setData(0, _KEY_ROLE, (section, ""))
            self.navigator.addTopLevelItem(item)
            if section is SectionId.TERMS_OF_REFERENCE:
                for question in self.session.draft.question_set.questions:
                    child = QTreeWidgetItem([f"Question {question.number}", "", ""])
                    child.setData(0, _KEY_ROLE, (section, question.number))
                    item.addChild(child)
                item.setExpanded(True)

    def _items(self) -> list[QTreeWidgetItem]:
        """Every navigator item in reading order."""
        out = []
        for i in range(self.navigator.topLevelItemCount()):
            top = self.navigator.topLevelItem(i)
            out.append(top)
            out.extend(top.child(j) for j in range(top.childCount()))
        return out

    def _item_for(self, key: PageKey) -> QTreeWidgetItem | None:
        return next((i for i in self._items() if i.data(0, _KEY_ROLE) == key), None)

    def refresh_statuses(self) -> None:
        """Each section's status, with its ⚠ problems and unresolved comments counted."""
        draft = self.session.draft
        markers = _count_by_page(p.location for p in self._problems)
        threads = _count_by_page(location_for(c.anchor) for c in unresolved(draft))
        for item in self._items():
            section, number = item.data(0, _KEY_ROLE)
            if number:
                answer = draft.answer_for(number)
                text = (
                    "Complete"
                    if question_done(draft, number)
                    else {
                        "not_started": "Not started",
                        "in_progress": "In progress",
                        "complete": "In progress",
                        "not_applicable": "Needs a reason",
                    }[answer.status.value]
                )
            else:
                status = section_status(draft, section)
                text = STATUS_LABELS[status]
                if status is SectionStatus.COMPLETE:
                    text = "✓ Complete"
            spoken = [text]
            count = markers.get((section, number), 0)
            if count:
                text += f"  ⚠ {count}"
                spoken.append(_plural(count, "problem"))
            comments = threads.get((section, number), 0)
            said = _plural(comments, "unresolved comment") if comments else ""
            if said:
                spoken.append(said)
            item.setText(1, text)
            item.setData(1, Qt.ItemDataRole.AccessibleTextRole, "; ".join(spoken))
            item.setToolTip(1, "; ".join(spoken[1:]))
            item.setText(COMMENTS_COLUMN, str(comments) if comments else "")
            item.setIcon(COMMENTS_COLUMN, self._balloon if comments else QIcon())
            item.setData(COMMENTS_COLUMN, Qt.ItemDataRole.AccessibleTextRole, said)
            item.setToolTip(COMMENTS_COLUMN, said)
        self.progress_changed.emit(progress(draft).describe())

    # ---- pages ---------------------------------------------------------------------
    def page(self, key: PageKey) -> SectionPage:
        """The page for a navigator entry, built the first time it is shown."""
        if key not in self._pages:
            section, number = key
            if number:
                page = _page_class(section)(self.session, self._on_changed, number)
            else:
                page = _page_class(section)(self.session, self._on_changed)
            self._pages[key] = page
            self.pages.addWidget(page)
            page.comment_requested.connect(self.comment_requested)
            page.not_kept_changed.connect(lambda: self.save_state_changed.emit(self._save_state()))
            if self._spelling is not None:
                spelling = self._spelling
                page.prepare_prose = lambda edit: install_spelling(edit, spelling)
                for edit in page.prose_fields:
                    install_spelling(edit, spelling)
            if self.read_only:
                set_inputs_read_only(page, self._guard, True)
        return self._pages[key]

    def current_page(self) -> SectionPage:
        return self.pages.currentWidget()  # type: ignore[return-value]

    def _on_navigate(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        if current is None:
            return
        self.save_now()
        self._show_page_of(current)
        self.refresh_statuses()

    def _show_page_of(self, item: QTreeWidgetItem) -> None:
        key = item.data(0, _KEY_ROLE)
        if key == (SectionId.TERMS_OF_REFERENCE, "") and item.childCount():
            key = item.child(0).data(0, _KEY_ROLE)
        page = self.page(key)
        if page in self._stale:
            self._stale.discard(page)
            page.refresh()
        self.pages.setCurrentWidget(page)

    def go_to(self, location: Location) -> None:
        """Show the page a problem points at and put the cursor in its field."""
        ref = location.ref if location.section is SectionId.TERMS_OF_REFERENCE else ""
        item = self._item_for((location.section, ref)) or self._item_for((location.section, ""))
        if item is not None:
            self.navigator.setCurrentItem(item)
        self.current_page().focus_location(location)

    def step(self, delta: int) -> None:
        """Next (+1) or previous (-1) section or question."""
        items = self._items()
        current = self.navigator.currentItem()
        index = items.index(current) if current in items else 0
        self.navigator.setCurrentItem(items[max(0, min(len(items) - 1, index + delta))])

    # ---- review state --------------------------------------------------------------
    def apply_workflow(self) -> None:
        """Show the review state: the banner, read-only pages, the sign-off page."""
        draft = self.session.draft
        self.set_read_only(not can_edit(draft))
        state = draft.workflow.state
        if state is WorkflowState.SUBMITTED:
            event = last_step(draft)
            when = f" on {format_uk(event.at.date())}" if event is not None else ""
            self.banner.setText(f"Submitted for review{when}: read only until it is returned.")
        elif state is WorkflowState.SIGNED_OFF:
            self.banner.setText("Signed off: reopen it, with a reason, to change it.")
        self.banner.setVisible(self.read_only)
        sign_off_page = self._pages.get((SectionId.SIGN_OFF, ""))
        if sign_off_page is not None:
            sign_off_page.refresh()
        self.refresh_statuses()

    def set_read_only(self, read_only: bool) -> None:
        """Every page's inputs, including pages built later, frozen or thawed."""
        if read_only == self.read_only:
            return
        self.read_only = read_only
        for page in self._pages.values():
            set_inputs_read_only(page, self._guard, read_only)

    # ---- saving --------------------------------------------------------------------
    def _on_changed(self, part: str) -> None:
        self.session.touch(part)
        if part == "subjects":  # pseudonyms appear in questions and equality pages
            current = self.pages.currentWidget()
            self._stale = {
                p
                for p in self._pages.values()
                if p is not current
                and p.section in (SectionId.TERMS_OF_REFERENCE, SectionId.EQUALITY)
            }
        if self.last_save_error:  # a retry is already scheduled; keep saying why
            return
        if not self._unsaved_since.isValid():
            self._unsaved_since.start()
            self.save_state_changed.emit("Saving…")
        left = MAX_UNSAVED_MS - self._unsaved_since.elapsed()
        self._autosave.start(max(0, min(IDLE_SAVE_MS, left)))

    def flush(self) -> None:
        for page in self._pages.values():
            page.flush()

    def save_now(self) -> bool:
        """Write everything pending; False (and a visible reason) when the save failed."""
        self._autosave.stop()
        self.flush()
        if not self.session.is_dirty:
            self._unsaved_since.invalidate()
            return True
        try:
            self.session.save()
        except Exception as exc:  # any failure: say so, keep the text, try again
            self.last_save_error = str(exc) or type(exc).__name__
            self.save_state_changed.emit(f"Not saved — {self.last_save_error}")
            self._autosave.start(RETRY_MS)
            return False
        self._unsaved_since.invalidate()
        self.last_save_error = ""
        self.save_state_changed.emit(self._saved())
        self.refresh_statuses()
        return True

    def _save_state(self) -> str:
        """What the save indicator says now: why the last save failed, that one is on its way,
        or that all is saved."""
        if self.last_save_error:
            return f"Not saved — {self.last_save_error}"
        if self._unsaved_since.isValid():
            return "Saving…"
        return self._saved()

    def not_kept(self) -> list[str]:
        """Each field holding typing that cannot be kept, as "<field>: <why>"."""
        pages = self._pages.values()
        return [f"{label}: {why}" for page in pages for label, why in page.not_kept.items()]

    def _saved(self) -> str:
        """ "Saved", unless a field holds typing that cannot be kept: then that, and why."""
        problems = self.not_kept()
        return f"Not saved — {problems[0]}" if problems else "Saved"

    # ---- checks --------------------------------------------------------------------
    def check_for_errors(self) -> list[Problem]:
        self.save_now()
        self.session.wait_for_chronology()
        self._problems = check_draft(self.session.draft)
        self.refresh_statuses()
        self.problems_changed.emit(self._problems)
        return self._problems
