"""The first screen: start a new draft, open one, or pick up a recent one.

Nothing from a case may show before its draft is unlocked, so the recent list shows only what
``RecentDraft`` holds: the review name (a pseudonym), agency, state and when it was last edited.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from imr_app.settings import RecentDraft

COLUMNS = ("Review", "Agency", "State", "Last edited", "File")
MISSING_SUFFIX = " (file not found)"
_PATH_ROLE = Qt.ItemDataRole.UserRole
_MISSING_ROLE = Qt.ItemDataRole.UserRole + 1
_COLUMN_WIDTH = 880

EMPTY_HINT = (
    "No recent drafts yet. Choose <b>New draft…</b> to start your agency's IMR for a review, "
    "or <b>Open…</b> to find a draft saved on this computer or a shared drive."
)
PRIVACY_NOTE = (
    "Drafts are encrypted. Until you unlock one, this screen shows only its review name, "
    "agency, state and file name."
)


def _uk_datetime(iso: str) -> str:
    """'2026-03-04T09:05:00+00:00' as 04/03/2026 09:05 in local time; '' when unreadable."""
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        return ""
    if when.tzinfo is not None:
        when = when.astimezone()
    return when.strftime("%d/%m/%Y %H:%M")


def _state_label(state: str) -> str:
    return state.replace("_", " ").capitalize()


class StartScreen(QWidget):
    """Emits what the user asked for; the main window does the opening and creating."""

    open_requested = Signal(Path)
    new_requested = Signal()
    browse_requested = Signal()
    remove_requested = Signal(Path)  # the owner forgets it in the settings; the file stays

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        heading = QLabel("IMR Author")
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        heading.setFont(font)
        heading.setAccessibleName("IMR Author")
        intro = QLabel(
            "Write your agency's Individual Management Review for a domestic abuse death review, "
            "in a draft that only you can open."
        )
        intro.setWordWrap(True)

        self.new_button = QPushButton("&New draft…")
        self.new_button.setAccessibleName("New draft")
        self.new_button.setAccessibleDescription("Start an IMR for a review")
        self.new_button.clicked.connect(self.new_requested)
        self.open_button = QPushButton("&Open…")
        self.open_button.setAccessibleName("Open a draft")
        self.open_button.setAccessibleDescription("Find a draft file on this computer")
        self.open_button.clicked.connect(self.browse_requested)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.open_button):
            button.setMinimumSize(220, 52)
            buttons.addWidget(button)
        buttons.addStretch(1)

        recent_label = QLabel("&Recent drafts")
        bold = QFont(recent_label.font())
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.2)
        recent_label.setFont(bold)
        self.recent_list = self._build_list()
        recent_label.setBuddy(self.recent_list)
        self.empty_hint = QLabel(EMPTY_HINT)
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setTextFormat(Qt.TextFormat.RichText)
        self.empty_hint.setAccessibleName("No recent drafts")
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setAccessibleName("Notice")
        self.notice.hide()
        privacy = QLabel(PRIVACY_NOTE)
        privacy.setWordWrap(True)
        privacy.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        column = QWidget()
        column.setMaximumWidth(_COLUMN_WIDTH)
        inner = QVBoxLayout(column)
        inner.addWidget(heading)
        inner.addWidget(intro)
        inner.addSpacing(16)
        inner.addLayout(buttons)
        inner.addSpacing(24)
        inner.addWidget(recent_label)
        inner.addWidget(self.recent_list, 1)
        # Only one of the list and the hint shows at a time; either takes the spare height.
        inner.addWidget(self.empty_hint, 1, Qt.AlignmentFlag.AlignTop)
        inner.addWidget(self.notice)
        inner.addWidget(privacy)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(32, 32, 32, 24)
        outer.addStretch(1)
        outer.addWidget(column, 6)
        outer.addStretch(1)
        self.setTabOrder(self.new_button, self.open_button)
        self.setTabOrder(self.open_button, self.recent_list)
        self.set_recent([])

    def _build_list(self) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setAccessibleName("Recent drafts")
        tree.setAccessibleDescription("Press Enter to open, Delete to remove from the list")
        tree.setColumnCount(len(COLUMNS))
        tree.setHeaderLabels(list(COLUMNS))
        tree.setRootIsDecorated(False)
        tree.setUniformRowHeights(True)
        tree.setAllColumnsShowFocus(True)
        tree.setAlternatingRowColors(True)
        tree.setStyleSheet("QTreeView::item { padding: 4px 2px; }")
        tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for index in range(1, len(COLUMNS)):
            header.setSectionResizeMode(index, QHeaderView.ResizeMode.ResizeToContents)
        # itemActivated covers Enter and double-click (or single click where the style says so).
        tree.itemActivated.connect(self._open_item)
        tree.currentItemChanged.connect(self._update_actions)

        self.open_action = QAction("&Open", tree)
        self.open_action.triggered.connect(lambda: self._open_item(tree.currentItem()))
        self.remove_action = QAction("&Remove from list", tree)
        self.remove_action.setShortcut(QKeySequence(Qt.Key.Key_Delete))
        self.remove_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.remove_action.triggered.connect(self.remove_current)
        tree.addAction(self.open_action)
        tree.addAction(self.remove_action)
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        return tree

    # ---- the list ------------------------------------------------------------------------
    def set_recent(self, recent: list[RecentDraft]) -> None:
        """Show these drafts, most recent first; files no longer there are greyed."""
        self.recent_list.clear()
        self.notice.hide()
        for entry in recent:
            self.recent_list.addTopLevelItem(self._item(entry))
        if self.recent_list.topLevelItemCount():
            self.recent_list.setCurrentItem(self.recent_list.topLevelItem(0))
        self._update_empty()

    def _item(self, entry: RecentDraft) -> QTreeWidgetItem:
        review = entry.review_name or Path(entry.path).stem
        path = Path(entry.path)
        item = QTreeWidgetItem(
            [
                review,
                entry.agency,
                _state_label(entry.state),
                _uk_datetime(entry.last_edited),
                path.name,  # tells copies of one review apart; the folder is in the tooltip
            ]
        )
        item.setData(0, _PATH_ROLE, entry.path)
        for column in (0, len(COLUMNS) - 1):
            item.setToolTip(column, entry.path)
        if not path.is_file():
            self._mark_missing(item)
        return item

    def _mark_missing(self, item: QTreeWidgetItem) -> None:
        if item.data(0, _MISSING_ROLE):
            return
        item.setData(0, _MISSING_ROLE, True)
        item.setText(0, item.text(0) + MISSING_SUFFIX)
        grey = self.palette().brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        for column in range(len(COLUMNS)):
            item.setForeground(column, grey)
        path = item.data(0, _PATH_ROLE)
        item.setToolTip(0, f"Not found at {path}. It may have been moved, renamed or deleted.")

    def _update_empty(self) -> None:
        empty = self.recent_list.topLevelItemCount() == 0
        self.recent_list.setVisible(not empty)
        self.empty_hint.setVisible(empty)
        self._update_actions()

    def _update_actions(self) -> None:
        item = self.recent_list.currentItem()
        self.remove_action.setEnabled(item is not None)
        self.open_action.setEnabled(item is not None and not item.data(0, _MISSING_ROLE))

    # ---- what the user does ----------------------------------------------------------------
    def _open_item(self, item: QTreeWidgetItem | None) -> None:
        """Open the draft, unless its file has gone (checked now: it may have gone since)."""
        if item is None:
            return
        path = Path(item.data(0, _PATH_ROLE))
        if not path.is_file():
            self._mark_missing(item)
            self._update_actions()
            self.notice.setText(
                f"{path.name} is no longer at {path.parent}. If it was moved, use Open… to find "
                "it; press Delete to remove it from this list."
            )
            self.notice.show()
            return
        self.notice.hide()
        self.open_requested.emit(path)

    def remove_current(self) -> None:
        """Take the selected draft off the list; the file itself is left alone."""
        item = self.recent_list.currentItem()
        if item is None:
            return
        path = Path(item.data(0, _PATH_ROLE))
        self.recent_list.takeTopLevelItem(self.recent_list.indexOfTopLevelItem(item))
        self.notice.hide()
        self._update_empty()
        self.remove_requested.emit(path)
