"""The authoring editor: the section navigator, the pages, and autosave.

Autosave: every edit marks its part dirty; the draft is saved once typing pauses for a
second and at most two seconds after the first unsaved edit. Leaving a page, the
window losing focus and closing save at once. A failed save keeps the
text in the editor and in memory, says why, and retries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHeaderView,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from imr_app.core.model import SectionId, SectionStatus
from imr_app.core.sections import STATUS_LABELS, TITLES, progress, question_done, section_status
from imr_app.gui.pages.base import Changed, SectionPage
from imr_app.gui.pages.forms import (
    AgencyContextPage,
    AnalysisPage,
    AuthorPage,
    ReviewPage,
    SignOffPage,
    SourcesPage,
)
from imr_app.gui.pages.question import QuestionPage
from imr_app.gui.spelling import SpellingService, install_spelling
from imr_app.gui.widgets.rich_text import RichTextEdit
from imr_app.services.checks import Location, Problem, check_draft

if TYPE_CHECKING:
    from imr_app.services.session import DraftSession

# Save 1 s after typing pauses, and never later than 2 s after the first unsaved edit,
# so steady typing is saved too and a crash loses at most the last 2 seconds.
IDLE_SAVE_MS = 1000
MAX_UNSAVED_MS = 2000
RETRY_MS = 5000
PageKey = tuple[SectionId, str]  # (section, question number or "")
_KEY_ROLE = Qt.ItemDataRole.UserRole


def _page_factories() -> dict[SectionId, Callable[[DraftSession, Changed], SectionPage]]:
    from imr_app.gui.pages.chronology import ChronologyPage
    from imr_app.gui.pages.equality import EqualityPage
    from imr_app.gui.pages.findings import LessonsPage, PracticePage
    from imr_app.gui.pages.recommendations import RecommendationsPage
    from imr_app.gui.pages.subjects import SubjectsPage

    return {
        SectionId.REVIEW: ReviewPage,
        SectionId.AUTHOR: AuthorPage,
        SectionId.AGENCY_CONTEXT: AgencyContextPage,
        SectionId.SOURCES: SourcesPage,
        SectionId.SUBJECTS: SubjectsPage,
        SectionId.CHRONOLOGY: ChronologyPage,
        SectionId.ANALYSIS: AnalysisPage,
        SectionId.EQUALITY: EqualityPage,
        SectionId.PRACTICE: PracticePage,
        SectionId.LESSONS: LessonsPage,
        SectionId.RECOMMENDATIONS: RecommendationsPage,
        SectionId.SIGN_OFF: SignOffPage,
    }


class DraftEditor(QWidget):
    """Edits one open draft. Emits how saving is going and how far the draft has come."""

    save_state_changed = Signal(str)  # "Saved", "Saving…", "Not saved — reason"
    progress_changed = Signal(str)
    problems_changed = Signal(list)  # list[Problem]

    def __init__(
        self,
        session: DraftSession,
        spelling: SpellingService | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._spelling = spelling
        self._factories = _page_factories()
        self._pages: dict[PageKey, SectionPage] = {}
        self._problems: list[Problem] = []
        self._stale: set[SectionPage] = set()
        self.last_save_error = ""

        self.navigator = QTreeWidget()
        self.navigator.setColumnCount(2)
        self.navigator.setHeaderLabels(["Section", "Status"])
        self.navigator.setAccessibleName("Sections of the IMR")
        self.navigator.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.navigator.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.navigator.setMinimumWidth(340)
        self._build_navigator()
        self.pages = QStackedWidget()

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.navigator)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([360, 1000])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self._autosave = QTimer(self, singleShot=True)
        self._autosave.timeout.connect(self.save_now)
        self._unsaved_since = QElapsedTimer()
        self.navigator.currentItemChanged.connect(self._on_navigate)
        self.navigator.setCurrentItem(self.navigator.topLevelItem(0))
        self.refresh_statuses()

    # ---- navigator -----------------------------------------------------------------
    def _build_navigator(self) -> None:
        for section in SectionId:
            item = QTreeWidgetItem([TITLES[section], ""])
            item.setData(0, _KEY_ROLE, (section, ""))
            self.navigator.addTopLevelItem(item)
            if section is SectionId.TERMS_OF_REFERENCE:
                for question in self.session.draft.question_set.questions:
                    child = QTreeWidgetItem([f"Question {question.number}", ""])
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
        draft = self.session.draft
        markers: dict[PageKey, int] = {}
        for problem in self._problems:
            loc = problem.location
            ref = loc.ref if loc.section is SectionId.TERMS_OF_REFERENCE else ""
            markers[(loc.section, ref)] = markers.get((loc.section, ref), 0) + 1
            markers[(loc.section, "")] = markers.get((loc.section, ""), 0) + (1 if ref else 0)
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
            count = markers.get((section, number), 0)
            if count:
                text += f"  ⚠ {count}"
            item.setText(1, text)
            item.setData(1, Qt.ItemDataRole.AccessibleTextRole, text)
        self.progress_changed.emit(progress(draft).describe())

    # ---- pages ---------------------------------------------------------------------
    def page(self, key: PageKey) -> SectionPage:
        """The page for a navigator entry, built the first time it is shown."""
        if key not in self._pages:
            section, number = key
            if number:
                page: SectionPage = QuestionPage(self.session, self._on_changed, number)
            else:
                page = self._factories[section](self.session, self._on_changed)
            self._pages[key] = page
            self.pages.addWidget(page)
            if self._spelling is not None:
                for edit in page.findChildren(RichTextEdit):
                    install_spelling(edit, self._spelling)
        return self._pages[key]

    def current_page(self) -> SectionPage:
        return self.pages.currentWidget()  # type: ignore[return-value]

    def _on_navigate(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        if current is None:
            return
        self.save_now()
        key = current.data(0, _KEY_ROLE)
        if key == (SectionId.TERMS_OF_REFERENCE, "") and current.childCount():
            key = current.child(0).data(0, _KEY_ROLE)
        page = self.page(key)
        if page in self._stale:
            self._stale.discard(page)
            page.refresh()
        self.pages.setCurrentWidget(page)
        self.refresh_statuses()

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
        self.save_state_changed.emit("Saved")
        self.refresh_statuses()
        return True

    # ---- checks --------------------------------------------------------------------
    def check_for_errors(self) -> list[Problem]:
        self.save_now()
        self.session.wait_for_chronology()
        self._problems = check_draft(self.session.draft)
        self.refresh_statuses()
        self.problems_changed.emit(self._problems)
        return self._problems
