"""Importing chronology rows from an agency's CSV export, with every problem shown first.

A case management export rarely names its columns the way the chronology does, and a few of
its rows are always wrong (no date, 31/02/2016, no source). So the author sees, before anything
is added: what each column holds and which field it becomes (chosen automatically, or as they
chose last time for a file with the same headings), how many rows will be imported, and every
row that will not be and why. They can keep a report of those rows to put right at source.

The dialog writes nothing to the draft. It returns the accepted entries and the caller appends
them all and saves them in one transaction, so an import is never half done. Reading and
checking run on the GUI thread: 10,000 rows take about a tenth of a second, and changes to the
mapping are debounced so that a few quick changes cost one check.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from imr_app.core.errors import ImrError
from imr_app.core.model import ChronologyEntry
from imr_app.gui.widgets.screen_fit import resize_within_screen
from imr_app.services import chronology_import as ci
from imr_app.services.session import DraftSession

ERROR_STYLE = "color: #b3261e;"
FILE_FILTER = "Spreadsheet exports (*.csv *.txt *.tsv);;All files (*)"
PREVIEW_DELAY_MS = 250  # long enough to swallow a few quick changes, short enough to feel live
MIN_REJECTIONS_HEIGHT = 200  # the rejected rows keep room for their note and about five rows
SAMPLE_VALUES = 3  # how many of a column's values show what it holds

# The names the author sees for each field; a field added to the service later still shows,
# under its own name, until it is given one here.
FIELD_LABELS: dict[str, str] = {
    "date": "Date",
    "time": "Time",
    "end date": "End date",
    "end time": "End time",
    "source": "Source",
    "subjects": "Subjects",
    "staff": "Staff",
    "event": "Event",
    "action": "Action taken",
    "outcome": "Outcome",
    "domestic abuse": "Domestic abuse",
    "significant": "Significant",
    "contact outcome": "Contact outcome",
    "relevance": "Relevance",
    ci.IGNORE: "(ignore)",
}
DELIMITER_NAMES = {",": "comma-separated", ";": "semicolon-separated", "\t": "tab-separated"}

AnyIndex = QModelIndex | QPersistentModelIndex


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name.capitalize())


def rows_text(count: int) -> str:
    """'1 row', '1,812 rows': thousands separated, because exports run to thousands."""
    return f"{count:,} row" + ("" if count == 1 else "s")


def _one_line(text: str) -> str:
    """A cell as one line of a table; the full text stays in its tooltip."""
    return " ".join(text.split())


def sample_values(table: ci.CsvTable, column: int) -> str:
    """The first few different values a column holds, so the author can tell what it is."""
    seen: list[str] = []
    for _line, cells in table.records:
        value = _one_line(cells[column]) if column < len(cells) else ""
        if value and value not in seen:
            seen.append(value)
            if len(seen) == SAMPLE_VALUES:
                break
    return " · ".join(seen)


class RejectionModel(QAbstractTableModel):
    """The rows that will not be imported: line, reason, then the row as it was in the file.

    A model rather than a table of items, because a wrongly mapped date column rejects every
    row of a large export and ten thousand rows of item widgets would stall the dialog.
    """

    FIXED = ("Line", "Reason")

    def __init__(self) -> None:
        super().__init__()
        self.rejections: list[ci.Rejection] = []
        self.cells: list[str] = []  # the file's headers, then any surplus cells' names

    def set_rejections(self, rejections: Sequence[ci.Rejection], headers: Sequence[str]) -> None:
        self.beginResetModel()
        self.rejections = list(rejections)
        columns = dict.fromkeys(headers)
        for rejection in self.rejections:
            columns.update(dict.fromkeys(rejection.raw))
        self.cells = list(columns)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rejections)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.FIXED) + len(self.cells)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            fixed = len(self.FIXED)
            return self.FIXED[section] if section < fixed else self.cells[section - fixed]
        return None

    def text(self, row: int, column: int) -> str:
        rejection = self.rejections[row]
        if column == 0:
            return str(rejection.line)
        if column == 1:
            return rejection.reason
        return rejection.raw.get(self.cells[column - len(self.FIXED)], "")

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _one_line(self.text(index.row(), index.column()))
        if role == Qt.ItemDataRole.ToolTipRole:
            text = self.text(index.row(), index.column())
            return text if text and index.column() else None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None


class ImportDialog(QDialog):
    """Previews an import and returns the rows to add; ``entries`` is set once Import is pressed.

    Built without a file and then given one by ``load``, so tests drive it without ``exec``.
    """

    previewed = Signal()  # the preview shown now matches the mapping shown

    def __init__(
        self,
        session: DraftSession,
        config_dir: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.config_dir = config_dir
        self.path: Path | None = None
        self.table: ci.CsvTable | None = None
        self.preview: ci.ImportPreview | None = None
        self.entries: list[ChronologyEntry] | None = None
        # Replaced in tests; in use they ask with file dialogs.
        self.choose_file: Callable[[], Path | None] = self._ask_for_file
        self.choose_report_path: Callable[[Path], Path | None] = self._ask_for_report_path
        self.combos: list[QComboBox] = []
        self._balanced = False  # whether the splitter has been set for this file
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh_preview)
        self.setWindowTitle("Import chronology rows")
        self.setMinimumSize(760, 560)
        resize_within_screen(self, 980, 720)

        self.file_label = QLabel("No file chosen")
        font = self.file_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.file_label.setFont(font)
        self.file_label.setTextFormat(Qt.TextFormat.PlainText)
        self.file_label.setAccessibleName("File")
        self.file_details = QLabel()
        self.file_details.setTextFormat(Qt.TextFormat.PlainText)
        self.file_details.setWordWrap(True)
        self.file_details.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.file_details.setAccessibleName("File details")
        self.choose_button = QPushButton("Choose another &file…")
        self.choose_button.setAccessibleName("Choose another file")
        self.choose_button.clicked.connect(self.browse)
        file_row = QHBoxLayout()
        file_text = QVBoxLayout()
        file_text.setSpacing(2)
        file_text.addWidget(self.file_label)
        file_text.addWidget(self.file_details)
        file_row.addLayout(file_text, 1)
        file_row.addWidget(self.choose_button, 0, Qt.AlignmentFlag.AlignTop)

        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setAccessibleName("Problem")
        self.error.hide()

        self.mapping_table = QTableWidget(0, 3)
        self.mapping_table.setHorizontalHeaderLabels(
            ["Column in the file", "First values", "Imports as"]
        )
        self.mapping_table.setAccessibleName("Columns and the fields they import as")
        self.mapping_table.verticalHeader().hide()
        self.mapping_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mapping_table.setWordWrap(False)
        header = self.mapping_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        self.mapping_note = QLabel(
            "Each column of the file becomes one field of the chronology. Columns whose heading "
            "says what they hold are matched for you; change any that are wrong."
        )
        self.mapping_note.setWordWrap(True)
        self.missing = QLabel()
        self.missing.setWordWrap(True)
        self.missing.setTextFormat(Qt.TextFormat.PlainText)
        self.missing.setStyleSheet(ERROR_STYLE)
        self.missing.setAccessibleName("Missing fields")
        self.missing.hide()
        self.mapping_box = QGroupBox("Columns")
        mapping_layout = QVBoxLayout(self.mapping_box)
        mapping_layout.addWidget(self.mapping_note)
        mapping_layout.addWidget(self.mapping_table, 1)
        mapping_layout.addWidget(self.missing)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setAccessibleName("Summary")
        summary_font = self.summary.font()
        summary_font.setBold(True)
        self.summary.setFont(summary_font)

        self.rejection_model = RejectionModel()
        self.rejection_view = QTableView()
        self.rejection_view.setModel(self.rejection_model)
        self.rejection_view.setAccessibleName("Rows that cannot be imported")
        self.rejection_view.verticalHeader().hide()
        self.rejection_view.setWordWrap(False)
        # One line per row, as in a spreadsheet: the full cell is in its tooltip.
        self.rejection_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.rejection_view.setAlternatingRowColors(True)
        self.rejection_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rejection_view.horizontalHeader().setStretchLastSection(True)
        self.rejections_box = QGroupBox("Rows that cannot be imported")
        rejections_layout = QVBoxLayout(self.rejections_box)
        rejections_note = QLabel(
            "These rows are left out. Save a report of them to put them right in the file, "
            "or at source, and import them later."
        )
        rejections_note.setWordWrap(True)
        rejections_layout.addWidget(rejections_note)
        rejections_layout.addWidget(self.rejection_view, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.mapping_box)
        self.splitter.addWidget(self.rejections_box)

        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(
            "&Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.accept)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)
        # Apart from Import and Cancel: it keeps the dialog open and can be used either way.
        self.report_button = QPushButton("&Save report of rejected rows…")
        self.report_button.setAccessibleName("Save report of rejected rows")
        self.report_button.setAutoDefault(False)
        self.report_button.clicked.connect(self.save_report)
        button_row = QHBoxLayout()
        button_row.addWidget(self.report_button)
        button_row.addStretch(1)
        button_row.addWidget(self.buttons)
        self.report_status = QLabel()
        self.report_status.setWordWrap(True)
        self.report_status.setTextFormat(Qt.TextFormat.PlainText)
        self.report_status.setAccessibleName("Report")
        self.report_status.hide()

        layout = QVBoxLayout(self)
        layout.addLayout(file_row)
        # Shown only instead of the preview, so it takes the preview's height, text at the top.
        self.error.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.error, 1)
        layout.addSpacing(4)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.report_status)
        layout.addLayout(button_row)
        self._show_file_problem("")
        self._update_buttons()

    @staticmethod
    def ask(
        parent: QWidget | None,
        session: DraftSession,
        config_dir: Path | None = None,
        path: Path | None = None,
    ) -> list[ChronologyEntry] | None:
        """The entries to append to the chronology (new ids), or None when nothing is imported.

        Without ``path`` the author chooses the file first; cancelling that cancels the import.
        """
        dialog = ImportDialog(session, config_dir, parent)
        if path is None:
            path = dialog.choose_file()
            if path is None:
                return None
        dialog.load(path)
        dialog.exec()
        return dialog.entries

    # ---- the file --------------------------------------------------------------------------
    def _ask_for_file(self) -> Path | None:
        start = str(self.path.parent) if self.path is not None else ""
        name, _ = QFileDialog.getOpenFileName(
            self, "Import chronology rows from", start, FILE_FILTER
        )
        return Path(name) if name else None

    def browse(self) -> None:
        path = self.choose_file()
        if path is not None:
            self.load(path)

    def load(self, path: Path) -> bool:
        """Read the file and show its preview; False, with the reason shown, when it cannot be.

        The whole file is read before anything is shown, so a problem halfway down is found
        now rather than after the author has mapped the columns.
        """
        self._timer.stop()
        self.path = Path(path)
        self.file_label.setText(self.path.name)
        self.setWindowTitle(f"Import chronology rows from {self.path.name}")
        self.report_status.hide()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            table = ci.load_table(self.path)
        except ImrError as exc:
            self.table = self.preview = None
            self.file_details.setText(f"in {self.path.parent}")
            self._show_file_problem(
                f"{self.path.name} cannot be imported: {str(exc).rstrip('.')}.\n"
                "Export the rows again as CSV (comma-separated, UTF-8), or choose another file."
            )
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.table = table
        self._show_file_problem("")
        delimiter = DELIMITER_NAMES.get(table.delimiter, f"separated by {table.delimiter!r}")
        self.file_details.setText(
            f"{rows_text(len(table.records))} under {len(table.headers)} column headings · "
            f"{table.encoding} · {delimiter} · in {self.path.parent}"
        )
        remembered = self._remembered(table)
        self._fill_mapping(table, remembered or ci.auto_mapping(table.headers))
        if remembered:
            self.mapping_note.setText(
                "These columns are matched as you matched them last time for a file with the "
                "same headings. Change any that are wrong."
            )
        self.refresh_preview()
        return True

    def _remembered(self, table: ci.CsvTable) -> dict[str, str] | None:
        """The mapping last used for these headings, if there is one that still fits."""
        if self.config_dir is None:
            return None
        remembered = ci.remembered_mapping(self.config_dir, table.signature)
        if not remembered:
            return None
        try:
            return ci.resolve_mapping(table.headers, remembered)
        except ImrError:  # a damaged or hand-edited entry: fall back to the automatic one
            return None

    def _show_file_problem(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
        readable = not message and self.table is not None
        self.splitter.setVisible(readable)
        self.summary.setVisible(readable)
        self._update_buttons()

    # ---- the mapping -----------------------------------------------------------------------
    def _fill_mapping(self, table: ci.CsvTable, mapping: dict[str, str]) -> None:
        self.mapping_table.setRowCount(0)
        self.combos = []
        self.mapping_table.setRowCount(len(table.headers))
        for row, header in enumerate(table.headers):
            name = QTableWidgetItem(header)
            name.setToolTip(header)
            values = sample_values(table, row)
            sample = QTableWidgetItem(values or "(empty)")
            sample.setToolTip(values)
            combo = QComboBox()
            combo.setAccessibleName(f"{header} imports as")
            for field in [*ci.FIELDS, ci.IGNORE]:
                combo.addItem(field_label(field), field)
            combo.setCurrentIndex(combo.findData(mapping.get(header, ci.IGNORE)))
            combo.currentIndexChanged.connect(lambda _i, r=row: self._on_field_chosen(r))
            self.mapping_table.setItem(row, 0, name)
            self.mapping_table.setItem(row, 1, sample)
            self.mapping_table.setCellWidget(row, 2, combo)
            self.combos.append(combo)
        self.mapping_table.resizeColumnToContents(0)
        self.mapping_table.setColumnWidth(0, min(self.mapping_table.columnWidth(0) + 16, 260))
        widest = max((c.sizeHint().width() for c in self.combos), default=160)
        self.mapping_table.setColumnWidth(2, widest + 8)
        self.mapping_table.resizeRowsToContents()
        self._shade_ignored()
        self._balanced = False

    def chosen_mapping(self) -> dict[str, str]:
        """Every column and the field it imports as (``ignore`` included, so that a column the
        author left out stays out next time even though its heading would match a field)."""
        if self.table is None:
            return {}
        return {
            h: str(c.currentData()) for h, c in zip(self.table.headers, self.combos, strict=True)
        }

    def _on_field_chosen(self, row: int) -> None:
        """One column per field: the column that had the field gives it up."""
        field = self.combos[row].currentData()
        if field != ci.IGNORE:
            for other, combo in enumerate(self.combos):
                if other != row and combo.currentData() == field:
                    combo.blockSignals(True)
                    combo.setCurrentIndex(combo.findData(ci.IGNORE))
                    combo.blockSignals(False)
        self._shade_ignored()
        self._timer.start()
        self._update_buttons()

    def _shade_ignored(self) -> None:
        """Grey the columns that are left out, so the ones imported stand out."""
        palette = self.mapping_table.palette()
        for row, combo in enumerate(self.combos):
            ignored = combo.currentData() == ci.IGNORE
            role = QPalette.ColorRole.PlaceholderText if ignored else QPalette.ColorRole.Text
            for column in (0, 1):
                item = self.mapping_table.item(row, column)
                if item is not None:
                    item.setForeground(palette.color(role))

    # ---- the preview -----------------------------------------------------------------------
    @property
    def preview_pending(self) -> bool:
        """The mapping has changed and the rows shown are not yet checked against it."""
        return self._timer.isActive()

    def refresh_preview(self) -> None:
        """Check every row against the mapping shown, and show what an import would do."""
        self._timer.stop()
        if self.table is None:
            return
        try:
            result = ci.preview(self.table, self.chosen_mapping(), self.session.draft.subjects)
        except ImrError as exc:  # the combos keep one column per field, so this is a bug
            self._show_file_problem(str(exc))
            return
        self.preview = result
        self.rejection_model.set_rejections(result.rejections, result.headers)
        self._size_rejection_columns()
        labels = [field_label(name) for name in result.missing]
        if labels:
            self.missing.setText(
                f"No column is imported as {' or '.join(labels)}, which every row needs. "
                "Choose the column that holds it."
            )
        self.missing.setVisible(bool(labels))
        self.rejections_box.setVisible(not labels and bool(result.rejections))
        if self.rejections_box.isVisibleTo(self) and not self._balanced:
            self._balanced = True
            # After the event loop has laid the dialog out: before it is shown, heights are guesses.
            QTimer.singleShot(0, self._balance_splitter)
        self.summary.setText(self._summary(result))
        self._update_buttons()
        self.previewed.emit()

    @staticmethod
    def _summary(result: ci.ImportPreview) -> str:
        if result.missing:
            return "Nothing can be imported until every required field has a column."
        accepted, rejected = len(result.accepted), len(result.rejections)
        if not accepted and not rejected:
            return "The file has no rows under its headings."
        if not rejected:
            return f"All {rows_text(accepted)} will be imported."
        if not accepted:
            return f"None of the {rows_text(rejected)} can be imported."
        return f"{rows_text(accepted)} will be imported; {rejected:,} cannot be imported."

    def _balance_splitter(self) -> None:
        """Give the columns the height they need and the rejected rows the rest (at least
        enough for a handful of rows).

        Done once per file, when the rejected rows first show, so that a height the author
        dragged the divider to is kept while they change the mapping.
        """
        table = self.mapping_table
        top, bottom = self.splitter.sizes()
        total = max(top + bottom, 400)
        # What the columns' box lacks, or has to spare, to show every column without scrolling.
        need = table.verticalHeader().length() - table.viewport().height()
        top = max(min(top + need, total - MIN_REJECTIONS_HEIGHT), total // 3)
        self.splitter.setSizes([top, total - top])

    def _size_rejection_columns(self) -> None:
        """Reasons matter most, so they get the most room; cells are capped narrower."""
        view = self.rejection_view
        view.resizeColumnToContents(0)
        for column in range(1, self.rejection_model.columnCount()):
            view.resizeColumnToContents(column)
            widest = 440 if column == 1 else 220
            view.setColumnWidth(column, min(view.columnWidth(column), widest))

    def _update_buttons(self) -> None:
        result = self.preview if self.table is not None else None
        ready = result is not None and result.ready and not self.preview_pending
        count = len(result.accepted) if result is not None and not result.missing else 0
        self.import_button.setText(f"&Import {rows_text(count)}" if count else "&Import")
        self.import_button.setAccessibleName(f"Import {rows_text(count)}")
        self.import_button.setEnabled(ready)
        self.report_button.setEnabled(
            result is not None and bool(result.rejections) and not self.preview_pending
        )

    # ---- what the author does --------------------------------------------------------------
    def accept(self) -> None:
        """Hand back the accepted rows and remember the mapping for these headings."""
        if self.preview_pending:
            self.refresh_preview()  # never import rows checked against an older mapping
        result = self.preview
        if self.table is None or result is None or not result.ready:
            return
        if self.config_dir is not None:
            # Losing a remembered mapping costs a few clicks next time, never the import.
            with contextlib.suppress(OSError):
                ci.remember_mapping(self.config_dir, self.table.signature, self.chosen_mapping())
        self.entries = list(result.accepted)
        super().accept()

    def _ask_for_report_path(self, suggested: Path) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Save the report of rejected rows as", str(suggested), "CSV files (*.csv)"
        )
        return Path(name) if name else None

    def save_report(self) -> None:
        """Write the rejected rows, with their line and reason, to a CSV the author chooses."""
        if self.preview_pending:
            self.refresh_preview()
        result = self.preview
        if result is None or not result.rejections or self.path is None:
            return
        suggested = self.path.with_name(f"{self.path.stem} - rejected rows.csv")
        target = self.choose_report_path(suggested)
        if target is None:
            return
        if target.suffix.lower() != ".csv":
            target = target.with_name(target.name + ".csv")
        if target.resolve() == self.path.resolve():
            self._show_report_status(
                "The report would replace the file being imported. Choose another name.", True
            )
            return
        try:
            ci.write_rejection_report(result.rejections, target)
        except OSError as exc:
            self._show_report_status(f"The report could not be saved: {exc.strerror or exc}.", True)
            return
        self._show_report_status(
            f"Saved a report of {rows_text(len(result.rejections))} to {target}.", False
        )

    def _show_report_status(self, message: str, problem: bool) -> None:
        self.report_status.setText(message)
        self.report_status.setStyleSheet(ERROR_STYLE if problem else "")
        self.report_status.show()
