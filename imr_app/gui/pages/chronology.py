"""The chronology section: a fast, validated table of entries with a pane for long text.

Authors add entries one by one, paste them from Excel or Word, or import an agency's CSV
export; a chronology can hold thousands of entries, so the table is a model (see
``gui.chronology_model``) that is never reset by an edit, and every edit saves one entry.
Long notes (what happened, the action taken, the outcome) are easier to write in the
detail pane under the table than in a one-line cell. Deleting never asks "are you sure?";
"Undo delete" puts the entries back where they were.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSignalBlocker,
    Qt,
    QTimer,
)
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from imr_app.core.chronology_dates import format_recorded, parse_recorded_date
from imr_app.core.comments import AnchorKind
from imr_app.core.dates import DateError, format_uk
from imr_app.core.errors import ImrError
from imr_app.core.model import ChronologyEntry, CommentAnchor, DateCertainty, SectionId
from imr_app.core.sections import TITLES
from imr_app.core.text import clean_text
from imr_app.gui.chronology_model import (
    ACTION,
    COLUMNS,
    CONTACT,
    CONTACT_CHOICES,
    DATE,
    EVENT,
    FLAG_CHOICES,
    FLAGS,
    OUTCOME,
    RELEVANCE,
    RELEVANCE_CHOICES,
    SOURCE,
    STAFF,
    SUBJECTS,
    TIME,
    ChronologyFilter,
    ChronologyModel,
    ChronologyProxy,
    date_tooltip,
)
from imr_app.gui.pages.base import Changed, SectionPage, SectionStatusControl, keep_enabled
from imr_app.gui.pages.row_editing import CellDelegate, DeleteHistory, snippet
from imr_app.gui.problems import ProblemsPanel
from imr_app.gui.widgets.choice import ChoiceCombo
from imr_app.gui.widgets.date_edit import UkDateEdit
from imr_app.services.checks import Location
from imr_app.services.chronology_checks import DEFAULT_GAP_DAYS, check_chronology

if TYPE_CHECKING:
    from imr_app.services.session import DraftSession

INTRO = (
    "Every contact your agency had with the subjects in the review period, with relevant "
    "domestic abuse history from before it. Dates are day/month/year."
)
# Without a header row, pasted cells are read in this order (the usual chronology columns).
PASTE_COLUMNS = ("Date", "Time", "Source", "Subjects", "Event", "Action", "Outcome")
PASTE_TIP = (
    "Paste rows copied from Excel or a Word table (Ctrl+V in the table). With a header row, "
    "columns are matched by name (Date, Time, Source, Subjects, Staff, Event, Action, "
    "Outcome, Domestic abuse, Significant, Contact outcome …). Without one, the columns are "
    "read in the order " + ", ".join(PASTE_COLUMNS) + ". Rows are checked as an import is."
)
KEYS_HINT = (
    "Keys: Insert adds an entry, Ctrl+D duplicates the selected entries, Delete deletes them, "
    "Ctrl+Z undoes a delete, Ctrl+C copies and Ctrl+V pastes rows, F2 or typing edits a cell, "
    "Enter keeps the edit."
)
FILTER_DELAY_MS = 200  # typing in the search box filters once the typing pauses
REJECTIONS_LISTED = 5
_ERROR_STYLE = "color: #a61b1b; font-weight: bold;"
_FIELD_COLUMNS = {
    "date": DATE,
    "date_start": DATE,
    "date_end": DATE,
    "date_as_recorded": DATE,
    "certainty": DATE,
    "time": TIME,
    "end_time": TIME,
    "source": SOURCE,
    "subjects": SUBJECTS,
    "staff": STAFF,
    "event": EVENT,
    "action": ACTION,
    "outcome": OUTCOME,
    "contact_outcome": CONTACT,
    "domestic_abuse": FLAGS,
    "significant": FLAGS,
    "relevance": RELEVANCE,
}
_FREE_TEXT = (SOURCE, STAFF, EVENT, ACTION, OUTCOME)
# Copied rows carry the import's own column names, so they paste back without loss.
_COPY_HEADERS = (
    "Date",
    "End date",
    "Time",
    "End time",
    "Source",
    "Subjects",
    "Staff",
    "Event",
    "Action",
    "Outcome",
    "Domestic abuse",
    "Significant",
    "Contact outcome",
    "Relevance",
)


class SourceCombo(QComboBox):
    """ "All sources" and every source in the chronology, listed afresh when opened."""

    def __init__(self, sources: Callable[[], Iterable[str]], parent: QWidget | None = None):
        super().__init__(parent)
        self._sources = sources
        self.addItem("All sources", "")
        self.setMinimumContentsLength(11)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)

    def showPopup(self) -> None:
        self.reload()
        super().showPopup()

    def reload(self) -> None:
        """The distinct sources, case-insensitively, keeping the current choice."""
        chosen = self.currentData() or ""
        unique: dict[str, str] = {}
        for source in self._sources():
            unique.setdefault(source.strip().casefold(), source.strip())
        names = sorted((s for s in unique.values() if s), key=str.casefold)
        with QSignalBlocker(self):
            self.clear()
            self.addItem("All sources", "")
            for name in names:
                self.addItem(name, name)
            self.setCurrentIndex(max(0, self.findData(chosen)))


class ChronologyPage(SectionPage):
    """The chronology table, its filters, and a detail pane for the selected entry."""

    section = SectionId.CHRONOLOGY

    def __init__(self, session: DraftSession, changed: Changed, parent: QWidget | None = None):
        super().__init__(session, changed, parent)
        session.wait_for_chronology()
        self.model = ChronologyModel(self.draft, self.changed, self)
        self.proxy = ChronologyProxy(self.model, self)
        # Sorted before the table sees it, so the proxy maps its rows once, in date order.
        self.proxy.sort(DATE, Qt.SortOrder.AscendingOrder)
        self.history = DeleteHistory(self)
        self._current = QPersistentModelIndex()  # the entry in the detail pane (storage row)
        self._loading_detail = False
        self._subject_signature: tuple[tuple[str, str], ...] = ()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 6)
        layout.setSpacing(6)
        heading = QLabel(f"<h2>{TITLES[self.section]}</h2>")
        heading.setAccessibleName(TITLES[self.section])
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(self._build_toolbar())
        layout.addLayout(self._build_filters())
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Chronology message")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        layout.addWidget(self.message)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self._build_table())
        self.splitter.addWidget(self._build_detail())
        self.splitter.addWidget(self._build_checks())
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([400, 150, 90])
        layout.addWidget(self.splitter, 1)
        self.status = SectionStatusControl(self)
        self.status.layout().setContentsMargins(0, 2, 0, 0)
        layout.addWidget(self.status)

        self.model.refused.connect(lambda text: self._say(text, error=True))
        self.model.dataChanged.connect(self._entry_changed)
        self.model.rowsRemoved.connect(self._entry_removed)
        self.model.modelReset.connect(self._entry_removed)
        for signal in (
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.layoutChanged,
            self.proxy.modelReset,
        ):
            signal.connect(self._update_count)
        self.view.selectionModel().currentRowChanged.connect(self._current_row_changed)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self._reload_subjects()
        self._update_count()
        if self.proxy.rowCount():
            self.view.setCurrentIndex(self.proxy.index(0, DATE))
        self._update_buttons()

    # ---- building ----------------------------------------------------------------------
    def _button(self, text: str, slot: Any, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    def _build_toolbar(self) -> QHBoxLayout:
        self.add_button = self._button("Add entry", self.add_entry, "Add an entry (Insert)")
        self.duplicate_button = self._button(
            "Duplicate", self.duplicate, "Duplicate the selected entries (Ctrl+D)"
        )
        self.delete_button = self._button(
            "Delete", self.delete, "Delete the selected entries (Delete); Ctrl+Z puts them back"
        )
        self.paste_button = self._button("Paste rows", lambda: self.paste(), PASTE_TIP)
        self.import_button = self._button(
            "&Import CSV…",
            self.import_csv,
            "Import entries from a CSV file exported by a case "
            "management system: map its columns and see every row that cannot be imported",
        )
        self.count = QLabel()
        self.count.setAccessibleName("Number of entries")
        self.history.layout().setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        for button in (self.add_button, self.duplicate_button, self.delete_button):
            row.addWidget(button)
        row.addWidget(self.history, 1)
        row.addWidget(self.paste_button)
        row.addWidget(self.import_button)
        row.addSpacing(12)
        row.addWidget(self.count)
        for keys, slot in (
            (QKeySequence(Qt.Key.Key_Insert), self.add_entry),
            (QKeySequence("Ctrl+D"), self.duplicate),
        ):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        return row

    def _build_filters(self) -> QHBoxLayout:
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search dates, sources, people and notes")
        self.search.setAccessibleName("Search the chronology")
        self.search.setClearButtonEnabled(True)
        # Minimums well below the natural widths, so the row fits beside the Comments dock.
        self.search.setMinimumWidth(100)
        self.subject_filter = QComboBox()
        self.subject_filter.setAccessibleName("Show entries about")
        self.subject_filter.setToolTip("Show only the entries about one subject")
        self.flag_filter = ChoiceCombo(FLAG_CHOICES)
        self.flag_filter.setAccessibleName("Show entries flagged")
        self.flag_filter.setToolTip(
            "Show only domestic abuse related entries, significant "
            "events or failed contact attempts"
        )
        self.source_filter = SourceCombo(lambda: (e.source for e in self.model.entries))
        self.source_filter.setAccessibleName("Show entries from the source")
        self.source_filter.setToolTip("Show only the entries from one record or system")
        self.date_from = UkDateEdit()
        self.date_from.setAccessibleName("Show entries from")
        self.date_to = UkDateEdit()
        self.date_to.setAccessibleName("Show entries up to")
        for edit in (self.date_from, self.date_to):
            edit.setMinimumWidth(86)  # a whole dd/mm/yyyy, however narrow the row
            edit.setMaximumWidth(100)
        self.clear_button = self._button("Clear filters", self.clear_filters, "Show every entry")
        for combo, narrowest in (
            (self.subject_filter, 80),
            (self.flag_filter, 100),
            (self.source_filter, 90),
        ):
            combo.setMinimumWidth(narrowest)

        for control in (  # finding and filtering stay usable while the IMR is submitted
            self.search,
            self.subject_filter,
            self.flag_filter,
            self.source_filter,
            self.date_from,
            self.date_to,
            self.clear_button,
        ):
            keep_enabled(control)

        self._filter_timer = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self._apply_filter)
        self.search.textChanged.connect(self._filter_timer.start)
        self.subject_filter.currentIndexChanged.connect(self._apply_filter)
        self.flag_filter.currentIndexChanged.connect(self._apply_filter)
        self.source_filter.currentIndexChanged.connect(self._apply_filter)
        self.date_from.date_changed.connect(self._apply_filter)
        self.date_to.date_changed.connect(self._apply_filter)

        row = QHBoxLayout()
        find = QLabel("Fi&nd")  # Alt+F is the File menu
        find.setBuddy(self.search)
        row.addWidget(find)
        row.addWidget(self.search, 1)
        row.addWidget(self.subject_filter)
        row.addWidget(self.flag_filter)
        row.addWidget(self.source_filter)
        start = QLabel("Fro&m")
        start.setBuddy(self.date_from)
        end = QLabel("to")  # no key of its own: Tab from "From" reaches it
        end.setBuddy(self.date_to)
        row.addWidget(start)
        row.addWidget(self.date_from)
        row.addWidget(end)
        row.addWidget(self.date_to)
        row.addWidget(self.clear_button)
        return row

    def _build_checks(self) -> QWidget:
        """The chronology's own checks, each a jump to its entry (also in Check for errors)."""
        self.checks = ProblemsPanel(all_clear="Nothing in the chronology needs your attention.")
        self.checks.summary.setText(
            "Check for entries outside the review period or after the death, likely duplicates, "
            "long gaps, contacts that stop succeeding, and entries with no outcome."
        )
        self.checks.jump_requested.connect(self.focus_location)
        button = self._button(
            "C&heck the chronology", self.run_checks, "List what may need your attention"
        )
        self.gap_days = QSpinBox()
        self.gap_days.setRange(7, 3650)
        self.gap_days.setValue(DEFAULT_GAP_DAYS)
        self.gap_days.setSuffix(" days")
        self.gap_days.setAccessibleName("Report gaps in the chronology longer than")
        keep_enabled(button)  # checking changes nothing: the lead checks a submitted IMR too
        keep_enabled(self.gap_days)
        row = QHBoxLayout()
        row.addWidget(button)
        gap_label = QLabel("Report gaps longer than")
        gap_label.setBuddy(self.gap_days)
        row.addWidget(gap_label)
        row.addWidget(self.gap_days)
        row.addStretch(1)
        self.checks.layout().insertLayout(0, row)
        return self.checks

    def run_checks(self) -> None:
        self.flush()
        self.checks.show_problems(check_chronology(self.draft, self.gap_days.value()))

    def _build_table(self) -> QTableView:
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.delegate = CellDelegate(COLUMNS, self.view)
        self.delegate.typing.connect(self._typing_in_cell)
        self.view.setItemDelegate(self.delegate)
        self.view.setAccessibleName("Chronology entries")
        self.view.setAccessibleDescription(KEYS_HINT)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move between cells
        self.view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        # One fixed row height: Qt never measures 10,000 rows to lay them out.
        rows = self.view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.view.fontMetrics().height() + 10)
        rows.hide()
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        for n, column in enumerate(COLUMNS):
            header.setSectionResizeMode(n, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(n, column.width)
        header.setSortIndicator(DATE, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)  # by date: already done, so this costs nothing
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        for keys, slot in (
            (QKeySequence(Qt.Key.Key_Delete), self.delete),
            (QKeySequence.StandardKey.Paste, lambda: self.paste()),
            (QKeySequence.StandardKey.Copy, self.copy_rows),
        ):
            shortcut = QShortcut(keys, self.view)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        self.register_field("chronology", self.view)
        return self.view

    def _build_detail(self) -> QWidget:
        pane = QWidget()
        grid = QGridLayout(pane)
        grid.setContentsMargins(0, 4, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        self.detail_title = QLabel()
        self.detail_title.setAccessibleName("Selected entry")
        self.detail_title.setStyleSheet("font-weight: 600;")
        grid.addWidget(self.detail_title, 0, 0, 1, 3)
        self.comment_button = self._button(
            "Comment on entry…",
            self._comment_on_current,
            "Open the Comments panel to comment on the selected entry (or right-click it)",
        )
        self.comment_button.setAccessibleName("Comment on the selected entry")
        grid.addWidget(keep_enabled(self.comment_button), 0, 3)
        self.detail_edits: dict[str, QPlainTextEdit] = {}
        for n, (attr, label) in enumerate(
            (("event", "&What happened"), ("action", "A&ction taken"), ("outcome", "O&utcome"))
        ):
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)
            edit.setAccessibleName(label.replace("&", ""))
            edit.textChanged.connect(lambda a=attr: self._detail_text_changed(a))
            caption = QLabel(label)
            caption.setBuddy(edit)
            grid.addWidget(caption, 1, n)
            grid.addWidget(edit, 2, n)
            grid.setColumnStretch(n, 2 if attr == "event" else 1)
            self.detail_edits[attr] = edit
            self.register_field(attr, edit)
        self.detail_da = QCheckBox("Domestic abuse related")
        self.detail_significant = QCheckBox("Significant event")
        self.detail_da.toggled.connect(lambda on: self._detail_set(domestic_abuse=on))
        self.detail_significant.toggled.connect(lambda on: self._detail_set(significant=on))
        self.detail_contact = ChoiceCombo(CONTACT_CHOICES)
        self.detail_contact.setAccessibleName("Contact attempt")
        self.detail_contact.activated.connect(
            lambda i: self._detail_set(contact_outcome=self.detail_contact.value_at(i))
        )
        self.detail_relevance = ChoiceCombo(RELEVANCE_CHOICES)
        self.detail_relevance.setAccessibleName("Relevance")
        self.detail_relevance.setToolTip(
            "Précis for matters not relevant to the death, kept brief (ToR 5.5.6)"
        )
        self.detail_relevance.activated.connect(
            lambda i: self._detail_set(relevance=self.detail_relevance.value_at(i))
        )
        side = QVBoxLayout()
        side.setSpacing(4)
        side.addWidget(self.detail_da)
        side.addWidget(self.detail_significant)
        contact = QLabel("Contact a&ttempt")
        contact.setBuddy(self.detail_contact)
        side.addWidget(contact)
        side.addWidget(self.detail_contact)
        relevance = QLabel("Re&levance")
        relevance.setBuddy(self.detail_relevance)
        side.addWidget(relevance)
        side.addWidget(self.detail_relevance)
        side.addStretch(1)
        grid.addLayout(side, 1, 3, 2, 1)
        self.register_field("contact_outcome", self.detail_contact)
        self.register_field("relevance", self.detail_relevance)
        self._detail_widgets: list[QWidget] = [
            *self.detail_edits.values(),
            self.detail_da,
            self.detail_significant,
            self.detail_contact,
            self.detail_relevance,
        ]
        self._show_detail()
        return pane

    # ---- the page contract ---------------------------------------------------------------
    def flush(self) -> None:
        """Keep what is typed in a cell still open (the detail pane writes as it goes)."""
        self.delegate.commit_open_editor()
        super().flush()

    def refresh(self) -> None:
        """The draft was replaced: show its chronology, in the order the header shows."""
        self.session.wait_for_chronology()
        self.history.clear()  # the undo history points into the list being replaced
        self.model.reload(self.draft)
        header = self.view.horizontalHeader()
        self.view.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self._reload_subjects()
        self._update_count()

    def showEvent(self, event: QShowEvent) -> None:
        self._reload_subjects()  # a pseudonym may have changed on the Subjects page
        super().showEvent(event)

    def focus_location(self, location: Location) -> None:
        """Select the entry a problem is about, showing it even when the filter hid it."""
        row = self.model.row_of(location.ref) if location.ref else None
        if row is None:
            if location.field in self._fields:
                super().focus_location(location)
            else:
                self.view.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        column = _FIELD_COLUMNS.get(location.field, DATE)
        index = self.proxy.index_of(row, column)
        if not index.isValid():
            self.clear_filters()
            index = self.proxy.index_of(row, column)
        self.view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        if location.field in self.detail_edits:
            self.detail_edits[location.field].setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    # ---- review comments -------------------------------------------------------------------
    def comment_anchor(self) -> CommentAnchor:
        """The current entry, else the whole chronology."""
        entry = self.current_entry()
        return _entry_anchor(entry) if entry is not None else self.section_anchor()

    def _comment_on_current(self) -> None:
        self.comment_requested.emit(self.comment_anchor())

    def _context_menu(self, pos: QPoint) -> None:
        """Comment on the entry under the pointer (or the current one, from the keyboard)."""
        index = self.view.indexAt(pos)
        entry = (
            self.model.entries[self.proxy.storage_row(index)]
            if index.isValid()
            else self.current_entry()
        )
        item = ("Comment on this entry…", _entry_anchor(entry)) if entry is not None else None
        self.show_comment_menu(self.view.viewport(), pos, item)

    # ---- what the author does --------------------------------------------------------------
    def add_entry(self) -> None:
        """Add an entry on the selected entry's day and start typing its date."""
        self._say("")
        current = self.current_entry()
        day = current.date_start if current else self.draft.review.period_start or date.today()
        entry = ChronologyEntry(date_start=day, source="", certainty=DateCertainty.EXACT)
        row = self.model.add_entry(entry)
        self.select_rows([row], DATE)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        self.view.edit(self.view.currentIndex())

    def duplicate(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        self._say("")
        copies = self.model.duplicate(rows)
        first = len(self.model.entries) - len(copies)
        self.select_rows(range(first, len(self.model.entries)))
        count = len(copies)
        self._say(f"Added {_entries(count)} as {'a copy' if count == 1 else 'copies'}.")

    def delete(self) -> None:
        """Delete the selected entries; they wait in the page's undo history."""
        rows = self.selected_rows()
        if not rows:
            return
        self._say("")
        position = self.view.currentIndex().row()
        removed = self.model.remove(rows)
        if len(removed) == 1:
            entry = removed[0][0]
            label = snippet(entry.source, 40) or "no source"
            what = f"Deleted the entry of {format_recorded(entry)} ({label})."
        else:
            what = f"Deleted a selection of {len(removed)} entries."
        self.history.push(what, lambda: self._restore(removed))
        if self.proxy.rowCount():
            index = self.proxy.index(min(max(position, 0), self.proxy.rowCount() - 1), DATE)
            self.view.setCurrentIndex(index)

    def _restore(self, removed: Sequence[tuple[ChronologyEntry, int]]) -> None:
        rows = self.model.restore(removed)
        self.select_rows(rows)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def paste(self, text: str | None = None) -> list[ChronologyEntry]:
        """Add entries from rows copied out of Excel or Word; the rows that failed, and why."""
        if text is None:
            text = QGuiApplication.clipboard().text()
        from imr_app.services import chronology_import  # storage imports: not at start-up

        if not text.strip():
            self._say("Nothing to paste: copy rows from Excel or a Word table first.", error=True)
            return []
        try:
            table = chronology_import.load_table(text)
            headed = _is_header(table.headers, chronology_import.auto_mapping(table.headers))
            if not headed:
                first_line = text.lstrip("\r\n").split("\n", 1)[0]
                delimiter = "\t" if "\t" in first_line else table.delimiter
                text = delimiter.join(PASTE_COLUMNS) + "\n" + text
            result = chronology_import.preview(text, subjects=self.draft.subjects)
        except ImrError as exc:
            self._say(f"The pasted text could not be read: {exc}.", error=True)
            return []
        if result.missing:
            self._say(
                f"The pasted header row has no {' or '.join(result.missing)} column, which "
                "every entry needs. Copy the header row with the rows, or copy the rows alone "
                "in the order " + ", ".join(PASTE_COLUMNS) + ".",
                error=True,
            )
            return []
        accepted = result.accepted
        if accepted:
            rows = self.model.add_entries(accepted)
            self.select_rows(rows)
        parts = [f"Added {_entries(len(accepted))} from the pasted rows."]
        rejected = result.rejections
        if rejected:
            shift = 0 if headed else 1  # line numbers of the text as pasted
            parts.append(f"{_rows(len(rejected))} not added:")
            parts.extend(
                f"• line {r.line - shift}: {r.reason}." for r in rejected[:REJECTIONS_LISTED]
            )
            if len(rejected) > REJECTIONS_LISTED:
                parts.append(f"… and {len(rejected) - REJECTIONS_LISTED} more.")
            if not headed:
                parts.append(
                    "Without a header row the columns are read as " + ", ".join(PASTE_COLUMNS) + "."
                )
        self._say("\n".join(parts), error=bool(rejected))
        return accepted

    def copy_rows(self) -> None:
        """Copy the selected entries as tab-separated rows with a header, for Excel or Word."""
        rows = self.selected_rows()
        if not rows:
            return
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
        writer.writerow(_COPY_HEADERS)
        names = self.model.subject_names()
        for row in sorted(rows, key=lambda r: self.proxy.order.position_of(r)):
            writer.writerow(_copy_cells(self.model.entries[row], names))
        QGuiApplication.clipboard().setText(buffer.getvalue())
        self._say(f"Copied {_entries(len(rows))}.")

    def import_csv(self) -> None:
        """Ask the import dialog for checked entries and add them in one insertion."""
        try:
            from imr_app.gui.import_dialog import ImportDialog
        except ModuleNotFoundError as exc:
            if exc.name != "imr_app.gui.import_dialog":
                raise
            self._say(
                "Importing a CSV file is not available in this version yet. You can paste "
                "rows copied from Excel instead (Paste rows).",
                error=True,
            )
            return
        entries = ImportDialog.ask(self, self.session)
        if not entries:
            return
        if self.model.entries is not self.draft.chronology:  # the dialog replaced the list
            self.refresh()
        known = {e.id for e in self.model.entries}
        new = [e for e in entries if e.id not in known]
        if len(new) < len(entries):  # the dialog added some to the list itself: show them
            self.refresh()
        self.model.add_entries(new)
        ids = {e.id for e in entries}
        self.select_rows(r for r, e in enumerate(self.model.entries) if e.id in ids)
        self._say(f"Imported {_entries(len(entries))}.")

    def clear_filters(self) -> None:
        """Show every entry: empty search, every subject, flag and source, no date range."""
        for widget in (self.search, self.subject_filter, self.flag_filter, self.source_filter):
            with QSignalBlocker(widget):
                if isinstance(widget, QLineEdit):
                    widget.clear()
                else:
                    widget.setCurrentIndex(0)
        for edit in (self.date_from, self.date_to):
            with QSignalBlocker(edit):
                edit.set_date(None)
        self._filter_timer.stop()
        self._apply_filter()

    # ---- selection -----------------------------------------------------------------------
    def selected_rows(self) -> list[int]:
        """Storage rows of the selected entries (the current one when none is selected)."""
        indexes = self.view.selectionModel().selectedRows()
        if not indexes and self.view.currentIndex().isValid():
            indexes = [self.view.currentIndex()]
        return sorted({self.proxy.storage_row(i) for i in indexes})

    def current_entry(self) -> ChronologyEntry | None:
        index = self.view.currentIndex()
        return self.model.entries[self.proxy.storage_row(index)] if index.isValid() else None

    def select_rows(self, rows: Iterable[int], column: int = DATE) -> None:
        """Select entries by storage row, the first of them current and scrolled to."""
        selection = QItemSelection()
        first: QModelIndex | None = None
        last_column = len(COLUMNS) - 1
        for row in rows:
            index = self.proxy.index_of(row, column)
            if not index.isValid():
                continue
            selection.select(index.siblingAtColumn(0), index.siblingAtColumn(last_column))
            if first is None or index.row() < first.row():
                first = index
        if first is None:
            return
        model = self.view.selectionModel()
        model.setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)
        model.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.view.scrollTo(first)

    # ---- reacting ------------------------------------------------------------------------
    def _apply_filter(self, *_: object) -> None:
        self.proxy.set_filter(
            ChronologyFilter(
                text=self.search.text(),
                subject_id=self.subject_filter.currentData() or "",
                flag=self.flag_filter.value(),
                source=self.source_filter.currentData() or "",
                date_from=self.date_from.date_value(),
                date_to=self.date_to.date_value(),
            )
        )
        self._update_count()
        if self.view.currentIndex().isValid():
            self.view.scrollTo(self.view.currentIndex())

    def _update_count(self, *_: object) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        self.count.setText(f"{_entries(total)} ({shown:,} shown)")
        self.clear_button.setEnabled(self.proxy.criteria != ChronologyFilter())

    def _update_buttons(self, *_: object) -> None:
        selected = self.view.selectionModel().hasSelection()
        self.duplicate_button.setEnabled(selected)
        self.delete_button.setEnabled(selected)

    def _reload_subjects(self) -> None:
        """The subject filter's pseudonyms, and the subjects column, after a rename."""
        signature = tuple((s.id, s.pseudonym) for s in self.draft.subjects)
        if signature == self._subject_signature:
            return
        first_time = not self._subject_signature
        self._subject_signature = signature
        chosen = self.subject_filter.currentData() or ""
        with QSignalBlocker(self.subject_filter):
            self.subject_filter.clear()
            self.subject_filter.addItem("All subjects", "")
            for subject_id, pseudonym in signature:
                self.subject_filter.addItem(pseudonym or "(no pseudonym)", subject_id)
            self.subject_filter.setCurrentIndex(max(0, self.subject_filter.findData(chosen)))
        if not first_time:
            self.proxy.forget_texts()
            self.model.subjects_changed()

    def _typing_in_cell(self) -> None:
        """Typing notes in a cell starts the autosave clock; the cell is stored on Enter or
        save. Not for dates, times or names: a half-typed date would be refused mid-word."""
        entry = self.current_entry()
        if entry is not None and self.view.currentIndex().column() in _FREE_TEXT:
            self.changed(f"entry:{entry.id}")

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(_ERROR_STYLE if error else "")
        self.message.setVisible(bool(text))

    # ---- the detail pane ----------------------------------------------------------------
    def _current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            row = self.proxy.storage_row(current)
            self._current = QPersistentModelIndex(self.model.index(row, 0))
        else:
            self._current = QPersistentModelIndex()
        self._show_detail()

    def _detail_entry(self) -> ChronologyEntry | None:
        return self.model.entries[self._current.row()] if self._current.isValid() else None

    def _show_detail(self) -> None:
        """Load the current entry into the pane (or empty it) without writing anything back."""
        entry = self._detail_entry()
        self._loading_detail = True
        try:
            for widget in self._detail_widgets:
                widget.setEnabled(entry is not None)
            self.comment_button.setEnabled(entry is not None)
            if entry is None:
                self.detail_title.setText("No entry selected")
                for edit in self.detail_edits.values():
                    edit.clear()
                return
            title = f"{format_recorded(entry)}"
            if entry.time:
                title += f" {self.model.display_text(entry, TIME)}"
            title += f" · {entry.source or 'no source yet'}"
            self.detail_title.setText(title)
            self.detail_title.setToolTip(date_tooltip(entry))
            for attr, edit in self.detail_edits.items():
                value = getattr(entry, attr)
                if clean_text(edit.toPlainText()).strip() != value:
                    edit.setPlainText(value)
            self.detail_da.setChecked(entry.domestic_abuse)
            self.detail_significant.setChecked(entry.significant)
            self.detail_contact.set_value(entry.contact_outcome)
            self.detail_relevance.set_value(entry.relevance)
        finally:
            self._loading_detail = False

    def _detail_text_changed(self, attr: str) -> None:
        if not self._loading_detail:
            text = clean_text(self.detail_edits[attr].toPlainText()).strip()
            self._detail_set(**{attr: text})

    def _detail_set(self, **values: Any) -> None:
        """Write a detail-pane edit into the entry; its row repaints and the entry is saved."""
        if self._loading_detail or not self._current.isValid():
            return
        self._loading_detail = True  # our own dataChanged must not reload the pane
        try:
            self.model.update_entry(self._current.row(), **values)
        finally:
            self._loading_detail = False

    def _entry_changed(self, top_left: QModelIndex, bottom_right: QModelIndex, *_: Any) -> None:
        self._say("")  # an edit went in: the last refusal or report no longer applies
        if self._loading_detail or not self._current.isValid():
            return
        if top_left.row() <= self._current.row() <= bottom_right.row():
            self._show_detail()

    def _entry_removed(self, *_: object) -> None:
        if not self._current.isValid():
            self._show_detail()


def _entry_anchor(entry: ChronologyEntry) -> CommentAnchor:
    return CommentAnchor(AnchorKind.CHRONOLOGY.value, entry.id)


def _is_header(cells: Sequence[str], mapping: dict[str, str]) -> bool:
    """Whether a pasted first row names columns: some cell is a field's name and none is a
    date (a data row always has one; a source such as "Record" could match a name)."""
    if not mapping:
        return False
    for cell in cells:
        try:
            parse_recorded_date(cell)
        except DateError:
            continue
        return False
    return True


def _entries(count: int) -> str:
    return f"{count:,} {'entry' if count == 1 else 'entries'}"


def _rows(count: int) -> str:
    return f"{count:,} {'row was' if count == 1 else 'rows were'}"


def _copy_cells(entry: ChronologyEntry, names: dict[str, str]) -> list[str]:
    day = entry.certainty in (DateCertainty.EXACT, DateCertainty.APPROXIMATE)
    day_end = entry.date_end if day else None  # a month's or span's end is in its date
    return [
        format_recorded(entry),
        format_uk(day_end) if day_end else "",
        entry.time,
        entry.end_time,
        entry.source,
        ", ".join(names.get(s, "") for s in entry.subjects),
        "; ".join(entry.staff),
        entry.event,
        entry.action,
        entry.outcome,
        "yes" if entry.domestic_abuse else "no",
        "yes" if entry.significant else "no",
        entry.contact_outcome.value.replace("_", " "),
        "précis" if entry.relevance.value == "precis" else "full",
    ]
