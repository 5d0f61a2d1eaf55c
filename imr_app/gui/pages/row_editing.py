"""Tables of rows the author adds, edits, reorders and deletes: subjects, findings, actions.

Four pages edit lists of the draft's rows, so the editing lives here once: a table model
over the draft's own list (edits write straight into the dataclasses, so ids never change),
a delegate that gives each column the right editor, a table with Add / Delete / Move
buttons and the same by keyboard, and a page-wide "Undo delete" that puts a deleted row
back where it was. Deleting never asks "are you sure?"; undoing is the safety net.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QGuiApplication, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from imr_app.core.dates import format_uk, parse_uk_date
from imr_app.core.errors import ImrError
from imr_app.core.model import Question
from imr_app.core.text import clean_text
from imr_app.gui.pages.base import FormPage
from imr_app.services.checks import Location


class HasId(Protocol):
    id: str


T = TypeVar("T", bound=HasId)  # every row of the draft has a stable id
AnyIndex = QModelIndex | QPersistentModelIndex
_EDIT = Qt.ItemDataRole.EditRole
ROW_PADDING = 8
KEYS_HINT = (
    "Keys: Insert adds a row, Delete deletes it, Alt+Up and Alt+Down move it, "
    "F2 or typing edits a cell, Enter keeps the edit, Shift+Enter starts a new line in "
    "longer text, Ctrl+Z undoes a delete."
)


class Editor(Enum):
    LINE = "line"
    PROSE = "prose"  # several lines: findings, recommendations, actions
    CHOICE = "choice"


@dataclass(frozen=True)
class Column:
    """One column of a row table: which attribute it shows and how it is typed."""

    header: str
    attr: str
    editor: Editor = Editor.LINE
    choices: tuple[tuple[str, Any], ...] = ()
    parse: Callable[[str], Any] | None = None  # typed text -> value; raises with a message
    show: Callable[[Any], str] = str
    placeholder: str = ""
    width: int = 0  # pixels; 0 shares out the free width
    tints: tuple[tuple[Any, str], ...] = ()  # value -> background colour, to tell rows apart

    def text(self, item: object) -> str:
        value = getattr(item, self.attr)
        if self.editor is Editor.CHOICE:
            return next((label for label, v in self.choices if v == value), "")
        return self.show(value)


def _optional_date(text: str) -> date | None:
    return parse_uk_date(text) if text else None


def date_column(header: str, attr: str) -> Column:
    """A UK date (dd/mm/yyyy); left empty means no date yet."""
    return Column(
        header, attr, parse=_optional_date, show=format_uk, placeholder="dd/mm/yyyy", width=120
    )


def parse_question_refs(text: str, questions: Sequence[Question]) -> list[str]:
    """'II, vi' -> ['ii', 'vi'], in the order of the terms of reference; unknown numbers refused."""
    known = {q.number.casefold(): q.number for q in questions}
    typed = [t.strip("().") for t in re.split(r"[,;\s]+", text) if t.strip("().")]
    unknown = [t for t in typed if t.casefold() not in known]
    if unknown:
        numbers = ", ".join(q.number for q in questions) or "none"
        raise ValueError(
            f"There is no question {', '.join(unknown)} in this review's terms of reference "
            f"(its questions are {numbers})."
        )
    chosen = {known[t.casefold()] for t in typed}
    return [q.number for q in questions if q.number in chosen]


def question_refs_column(
    header: str, attr: str, questions: Callable[[], Sequence[Question]]
) -> Column:
    """Terms-of-reference question numbers typed with commas, checked against the draft's set."""
    return Column(
        header,
        attr,
        parse=lambda text: parse_question_refs(text, questions()),
        show=", ".join,
        placeholder="e.g. ii, vi",
        width=150,
    )


class RowModel(QAbstractTableModel, Generic[T]):
    """A table over one of the draft's lists, optionally showing only some of its rows.

    The list is the draft's own, so an edit here is an edit of the draft. A filter hides
    rows without taking them out of the list; rows keep their place in it.
    """

    edited = Signal()
    refused = Signal(str)  # a typed value was not stored, and why

    def __init__(self, columns: Sequence[Column], rows: list[T]) -> None:
        super().__init__()
        self.columns = list(columns)
        self.rows = rows
        self._include: Callable[[T], bool] | None = None
        self._shown = list(range(len(rows)))

    def item(self, row: int) -> T:
        return self.rows[self._shown[row]]

    def row_of(self, item_id: str) -> int | None:
        return next(
            (n for n, pos in enumerate(self._shown) if self.rows[pos].id == item_id),
            None,
        )

    def column_of(self, attr: str) -> int:
        return next((n for n, c in enumerate(self.columns) if c.attr == attr), 0)

    def set_rows(self, rows: list[T]) -> None:
        self.rows = rows
        self._reset()

    def set_filter(self, include: Callable[[T], bool] | None) -> None:
        self._include = include
        self._reset()

    def _reset(self) -> None:
        self.beginResetModel()
        include = self._include
        self._shown = [n for n, r in enumerate(self.rows) if include is None or include(r)]
        self.endResetModel()

    # ---- Qt's model interface ------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        return super().headerData(section, orientation, role)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        item = self.item(index.row())
        text = column.text(item)
        empty = not text and bool(column.placeholder)
        if role == Qt.ItemDataRole.DisplayRole:
            return column.placeholder if empty else text
        if role == _EDIT:
            return getattr(item, column.attr) if column.editor is Editor.CHOICE else text
        if role == Qt.ItemDataRole.ForegroundRole and empty:
            return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.FontRole and empty:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and column.tints:
            value = getattr(item, column.attr)
            return next((QColor(c) for v, c in column.tints if v == value), None)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = _EDIT) -> bool:
        if not index.isValid() or role != _EDIT:
            return False
        column = self.columns[index.column()]
        item = self.item(index.row())
        if column.editor is not Editor.CHOICE:
            value = clean_text(str(value)).strip()
            if column.parse is not None:
                try:
                    value = column.parse(value)
                except (ImrError, ValueError) as exc:
                    self.refused.emit(
                        f"{column.header}, row {index.row() + 1}: {exc} The previous value is kept."
                    )
                    return False
        if value != getattr(item, column.attr):
            setattr(item, column.attr, value)
            self.dataChanged.emit(index, index)
            self.edited.emit()
        return True

    # ---- adding, removing, moving --------------------------------------------------
    def insert_at(self, position: int, item: T) -> int:
        """Put ``item`` at ``position`` in the list (where a deleted row was); its table row."""
        position = min(position, len(self.rows))
        row = sum(1 for pos in self._shown if pos < position)
        self.beginInsertRows(QModelIndex(), row, row)
        self.rows.insert(position, item)
        self._shown = [pos + 1 if pos >= position else pos for pos in self._shown]
        self._shown.insert(row, position)
        self.endInsertRows()
        self.edited.emit()
        return row

    def remove(self, row: int) -> int:
        """Take a row out of the list; where it was, so an undo can put it back there."""
        position = self._shown[row]
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.rows[position]
        del self._shown[row]
        self._shown = [pos - 1 if pos > position else pos for pos in self._shown]
        self.endRemoveRows()
        self.edited.emit()
        return position

    def move(self, row: int, step: int) -> bool:
        """Swap a row with its shown neighbour; a filter's hidden rows stay where they are."""
        other = row + step
        if not (0 <= row < len(self._shown) and 0 <= other < len(self._shown)):
            return False
        destination = other + 1 if step > 0 else other
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), destination)
        a, b = self._shown[row], self._shown[other]
        self.rows[a], self.rows[b] = self.rows[b], self.rows[a]
        self.endMoveRows()
        self.edited.emit()
        return True


class CellDelegate(QStyledItemDelegate):
    """The editor each column needs, and a way to keep an open editor's text on save."""

    typing = Signal()

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._open: QWidget | None = None
        self._committing = False

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        column = self.columns[index.column()]
        editor: QWidget
        if column.editor is Editor.CHOICE:
            combo = QComboBox(parent)
            # Labels only: Qt hands a StrEnum back as a plain str, so choices go by position.
            combo.addItems([label for label, _ in column.choices])
            combo.activated.connect(lambda _=0: self.commitData.emit(combo))
            editor = combo
        elif column.editor is Editor.PROSE:
            prose = QPlainTextEdit(parent)
            prose.textChanged.connect(self.typing)
            editor = prose
        else:
            line = QLineEdit(parent)
            line.setPlaceholderText(column.placeholder)
            line.textEdited.connect(self.typing)
            editor = line
        editor.setAccessibleName(column.header)
        self._open = editor
        return editor

    def destroyEditor(self, editor: QWidget, index: AnyIndex) -> None:
        if editor is self._open:
            self._open = None
        super().destroyEditor(editor, index)

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        if self._committing:  # the cell was saved from under the editor: leave the cursor be
            return
        value = index.data(_EDIT)
        if isinstance(editor, QComboBox):
            values = [v for _, v in self.columns[index.column()].choices]
            editor.setCurrentIndex(values.index(value) if value in values else 0)
        elif isinstance(editor, QPlainTextEdit):
            editor.setPlainText(value)
            editor.moveCursor(editor.textCursor().MoveOperation.End)
        elif isinstance(editor, QLineEdit):
            editor.setText(value)

    def setModelData(self, editor: QWidget, model: Any, index: AnyIndex) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, self.columns[index.column()].choices[editor.currentIndex()][1])
        elif isinstance(editor, QPlainTextEdit):
            model.setData(index, editor.toPlainText())
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text())

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() + ROW_PADDING)  # room between wrapped rows

    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> None:
        rect = option.rect  # type: ignore[attr-defined]
        if isinstance(editor, QPlainTextEdit):  # room for a paragraph, inside the table
            rect.setHeight(max(rect.height(), editor.fontMetrics().lineSpacing() * 6 + 12))
            bottom = editor.parentWidget().height() - 1
            if rect.bottom() > bottom:
                rect.moveBottom(bottom)
            rect.moveTop(max(0, rect.top()))
        editor.setGeometry(rect)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        """Enter keeps a paragraph's edit, as in every other cell; Shift+Enter is a new line."""
        if (
            isinstance(editor, QPlainTextEdit)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)  # type: ignore[attr-defined]
            and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier  # type: ignore[attr-defined]
        ):
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            return True
        return super().eventFilter(editor, event)

    def commit_open_editor(self) -> None:
        """Store what is typed in a cell still being edited (before a save)."""
        if self._open is not None:
            self._committing = True
            try:
                self.commitData.emit(self._open)
            finally:
                self._committing = False


class DeleteHistory(QWidget):
    """The page's "Undo delete": deleted rows wait here to go back where they were."""

    def __init__(self, page: QWidget) -> None:
        super().__init__(page)
        self._stack: list[tuple[str, Callable[[], None]]] = []
        self.button = QPushButton("Undo delete")
        self.button.setAccessibleName("Undo delete")
        self.button.setToolTip("Put back the last row deleted on this page (Ctrl+Z)")
        self.button.clicked.connect(self.undo)
        self.label = QLabel()
        self.label.setAccessibleName("Last deleted")
        self.label.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.button)
        layout.addWidget(self.label, 1)
        shortcut = QShortcut(QKeySequence.StandardKey.Undo, page)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.undo)
        self._show()

    def push(self, description: str, restore: Callable[[], None]) -> None:
        self._stack.append((description, restore))
        self._show()

    def undo(self) -> None:
        if self._stack:
            _, restore = self._stack.pop()
            restore()
            self._show()

    def clear(self) -> None:
        self._stack.clear()
        self._show()

    def _show(self) -> None:
        self.button.setEnabled(bool(self._stack))
        self.label.setText(f"{self._stack[-1][0]} Undo delete puts it back." if self._stack else "")


def snippet(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class RowTable(QWidget, Generic[T]):
    """A titled table of rows with Add, Delete and Move buttons, and the same by keyboard."""

    changed = Signal()  # a row was edited, added, moved or deleted, or a cell is being typed in

    def __init__(
        self,
        noun: str,
        title: str,
        columns: Sequence[Column],
        source: Callable[[], list[T]],
        new_item: Callable[[], T],
        history: DeleteHistory,
    ) -> None:
        super().__init__()
        self.noun = noun
        self.source = source
        self.new_item = new_item
        self.history = history
        self.model: RowModel[T] = RowModel(columns, source())
        self.delegate = CellDelegate(columns, self)
        # An undo message names a row by its first typed cell, not by a choice like its kind.
        self._named_by = next(c for c in columns if c.editor is not Editor.CHOICE)
        # Undo may need another list shown first (an action of another recommendation).
        self.reveal_rows: Callable[[list[T]], None] = self.model.set_rows

        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(self.delegate)
        self.view.setAccessibleDescription(KEYS_HINT)
        self.view.setWordWrap(True)
        self.view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move between cells
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.view.setMinimumHeight(160)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.view.horizontalHeader()
        for n, column in enumerate(columns):
            if column.width:
                header.setSectionResizeMode(n, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(n, column.width)
            else:
                header.setSectionResizeMode(n, QHeaderView.ResizeMode.Stretch)
        # Wrapped text needs new row heights once the columns have their new widths.
        self._fit_later = QTimer(self, singleShot=True, interval=0)
        self._fit_later.timeout.connect(self._fit_rows)
        header.sectionResized.connect(self._fit_later.start)
        self.view.verticalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter
        )
        self.title.setBuddy(self.view)
        self.set_title(title)

        self.add_button = self._button(f"Add {noun}", self.add, f"Add a {noun} (Insert)")
        self.delete_button = self._button(
            f"Delete {noun}", self.delete, f"Delete the selected {noun} (Delete)"
        )
        self.up_button = self._button("Move up", lambda: self.move(-1), "Move up (Alt+Up)")
        self.down_button = self._button("Move down", lambda: self.move(1), "Move down (Alt+Down)")
        self.message = QLabel()
        self.message.setAccessibleName(f"Problem with the last {noun} edit")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #a61b1b; font-weight: bold;")
        self.message.hide()

        self._buttons = buttons = QHBoxLayout()
        for button in (self.add_button, self.delete_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

        for key, slot in (
            (QKeySequence(Qt.Key.Key_Insert), self.add),
            (QKeySequence(Qt.Key.Key_Delete), self.delete),
            (QKeySequence("Alt+Up"), lambda: self.move(-1)),
            (QKeySequence("Alt+Down"), lambda: self.move(1)),
        ):
            shortcut = QShortcut(key, self.view)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)

        self.model.edited.connect(self.changed)
        self.model.edited.connect(self.message.hide)
        self.model.refused.connect(self._refuse)
        self.delegate.typing.connect(self.changed)
        for signal in (
            self.model.rowsInserted,
            self.model.rowsRemoved,
            self.model.rowsMoved,
            self.model.modelReset,
            self.model.dataChanged,
        ):
            signal.connect(self._after_change)
        self.view.selectionModel().currentChanged.connect(self._update_buttons)
        self._after_change()

    def _button(self, text: str, slot: Callable[[], object], tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    # ---- what the user does --------------------------------------------------------
    def add(self) -> None:
        """Add a row at the end and start typing its first text cell."""
        row = self.model.insert_at(len(self.model.rows), self.new_item())
        self.select(row, self.model.columns.index(self._named_by))
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        self.view.edit(self.view.currentIndex())

    def delete(self) -> None:
        """Delete the current row; it waits in the page's undo history."""
        row = self.view.currentIndex().row()
        if row < 0:
            return
        item = self.model.item(row)
        rows = self.model.rows
        what = snippet(self._named_by.text(item))
        position = self.model.remove(row)

        def restore() -> None:
            if self.model.rows is not rows:
                self.reveal_rows(rows)
            self.select(self.model.insert_at(position, item))
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)

        self.history.push(
            f"Deleted {self.noun} “{what}”." if what else f"Deleted a blank {self.noun}.", restore
        )
        if self.model.rowCount():
            self.select(min(row, self.model.rowCount() - 1))

    def move(self, step: int) -> None:
        index = self.view.currentIndex()
        if index.isValid() and self.model.move(index.row(), step):
            self.select(index.row() + step, index.column())

    # ---- for pages -----------------------------------------------------------------
    def add_button_after_stretch(self, button: QPushButton) -> None:
        """A page's own button at the right of the row (e.g. "Comment on recommendation…")."""
        self._buttons.addWidget(button)

    def set_title(self, title: str) -> None:
        self.title.setText(title)
        self.view.setAccessibleName(title)

    def select(self, row: int, column: int = 0) -> None:
        index = self.model.index(row, column)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)

    def select_cell(self, item_id: str, attr: str) -> bool:
        """Make the cell of ``attr`` in the row with ``item_id`` current, if it is shown here."""
        row = self.model.row_of(item_id)
        if row is None:
            return False
        self.select(row, self.model.column_of(attr))
        return True

    def edit_current(self) -> None:
        """Start typing in the current cell, unless the table is read only (then just focus)."""
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.view.editTriggers() != QAbstractItemView.EditTrigger.NoEditTriggers:
            self.view.edit(self.view.currentIndex())  # edit() itself ignores the triggers

    def current_item(self) -> T | None:
        row = self.view.currentIndex().row()
        return self.model.item(row) if row >= 0 else None

    def reload(self) -> None:
        self.model.set_rows(self.source())

    def commit_open_editor(self) -> None:
        self.delegate.commit_open_editor()

    def _refuse(self, message: str) -> None:
        self.message.setText(message)
        self.message.show()

    def _after_change(self, *_: object) -> None:
        self._fit_rows()
        self._update_buttons()

    def _fit_rows(self, *_: object) -> None:
        self.view.resizeRowsToContents()

    def _update_buttons(self, *_: object) -> None:
        row = self.view.currentIndex().row()
        count = self.model.rowCount()
        self.delete_button.setEnabled(row >= 0)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < count - 1)


class RowsPage(FormPage):
    """A page made of row tables, with one "Undo delete" for the whole page."""

    def build(self) -> None:
        self.history = DeleteHistory(self)
        self.tables: dict[str, RowTable[Any]] = {}
        self.build_tables()
        keys = QLabel(KEYS_HINT)
        keys.setWordWrap(True)
        keys.setStyleSheet("color: #555555;")  # muted, a reminder, yet readable
        self.body.addWidget(keys)
        self.body.addWidget(self.history)

    def build_tables(self) -> None:
        """Add the page's tables with ``add_table``."""

    def add_table(self, name: str, part: str, table: RowTable[Any]) -> RowTable[Any]:
        """Show ``table``, report its edits as ``part``, and let problems point at it."""
        table.changed.connect(lambda: self.changed(part))
        self.tables[name] = table
        self.register_field(name, table.view)
        self.body.addWidget(table, 3)  # tables take most of the height the page leaves
        return table

    def flush(self) -> None:
        for table in self.tables.values():
            table.commit_open_editor()
        super().flush()

    def refresh(self) -> None:
        self.history.clear()  # the undo history points into the lists being replaced
        for table in self.tables.values():
            table.reload()

    def focus_location(self, location: Location) -> None:
        """Select the row a problem is about and open the cell of its field for typing."""
        for name, table in self.tables.items():
            if location.ref and table.select_cell(location.ref, location.field):
                super().focus_location(Location(self.section, field=name))  # scroll into view
                table.edit_current()
                return
        super().focus_location(location)
