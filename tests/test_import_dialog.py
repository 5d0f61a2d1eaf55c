"""The chronology import dialog, driven through its real widgets on real CSV files.

The service underneath (reading, mapping, checking) has its own tests; these check that the
author sees what it found before anything is imported, that the widgets change it, and that
the dialog hands back rows without writing them itself.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox

from imr_app.core.chronology_dates import parse_recorded_date
from imr_app.core.dates import DateError
from imr_app.core.model import DateCertainty, Subject, SubjectRole
from imr_app.gui.import_dialog import FIELD_LABELS, ImportDialog
from imr_app.services import chronology_import as ci
from imr_app.services.session import DraftSession
from imr_app.storage.document import ImrDocument
from imr_app.storage.keystore import KeyStore

VICTIM = Subject("Adult A", SubjectRole.VICTIM)
PERPETRATOR = Subject("Adult B", SubjectRole.PERPETRATOR)

GOOD_ROWS = (
    "Date,Time,Source,Subjects,Event,Officer\n"
    "22/05/2016,09:05,Custody record,Adult B,Booked into custody,PS 118\n"
    "?23/05/2016,,Control room log,Adult A; Adult B,Neighbour called about shouting,PC 2201\n"
    "06/2016,,Crime report,Adult A,Harassment reported,PC 2202\n"
)
# Lines 3, 5 and 6 cannot be imported; line 4 is blank and skipped but still counted.
BAD_ROWS = (
    "Date,Source,Event\n"
    "01/05/2016,GP consultation notes,Attended with bruising\n"
    ",Custody record,No date here\n"
    "\n"
    "31/02/2016,Control room log,Impossible date\n"
    "02/05/2016,,Nobody wrote down where this came from\n"
    "03/05/2016,Crime report,Fine\n"
)


def date_error(text: str) -> str:
    """The date parser's own words for ``text``, as a rejection gives them."""
    with pytest.raises(DateError) as caught:
        parse_recorded_date(text)
    return str(caught.value).rstrip(".")


def write(folder: Path, text: str, name: str = "rows.csv", encoding: str = "utf-8") -> Path:
    """Write ``text`` byte for byte (no newline translation), as an export would be."""
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def session(created: Path, keystore: KeyStore) -> Iterator[DraftSession]:
    """A real open draft with two subjects (in memory: the dialog only reads them)."""
    result = ImrDocument.open(created, keystore)
    assert result.document is not None, result.message
    session = DraftSession(result.document)
    session.draft.subjects = [VICTIM, PERPETRATOR]
    yield session
    session.close(save=False)


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    return tmp_path / "config"


@pytest.fixture
def dialog(qtbot, session: DraftSession, config_dir: Path) -> ImportDialog:
    widget = ImportDialog(session, config_dir)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def combo_for(dialog: ImportDialog, header: str) -> QComboBox:
    assert dialog.table is not None
    return dialog.combos[dialog.table.headers.index(header)]


def choose(qtbot, dialog: ImportDialog, header: str, field: str) -> None:
    """Pick a field in a column's combo as the author would, and wait for the new preview."""
    combo = combo_for(dialog, header)
    with qtbot.waitSignal(dialog.previewed, timeout=3000):
        combo.setCurrentIndex(combo.findData(field))
        assert dialog.preview_pending and not dialog.import_button.isEnabled()


def mapping_shown(dialog: ImportDialog) -> dict[str, str]:
    """Each column's heading and the field its combo shows, as the author reads them."""
    table = dialog.mapping_table
    return {
        table.item(row, 0).text(): dialog.combos[row].currentText()
        for row in range(table.rowCount())
    }


def rejection_rows(dialog: ImportDialog) -> list[list[str]]:
    model = dialog.rejection_model
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


# ---- previewing --------------------------------------------------------------------------


def test_every_field_has_a_label_in_the_combo():
    assert set(FIELD_LABELS) == {*ci.FIELDS, ci.IGNORE}


def test_auto_mapped_headers_preview_every_row(dialog: ImportDialog, tmp_path: Path):
    assert dialog.load(write(tmp_path, GOOD_ROWS))
    assert mapping_shown(dialog) == {
        "Date": "Date",
        "Time": "Time",
        "Source": "Source",
        "Subjects": "Subjects",
        "Event": "Event",
        "Officer": "(ignore)",
    }
    assert dialog.mapping_table.item(0, 1).text() == "22/05/2016 · ?23/05/2016 · 06/2016"
    assert dialog.summary.text() == "All 3 rows will be imported."
    assert dialog.import_button.text() == "&Import 3 rows"
    assert dialog.import_button.isEnabled()
    assert not dialog.report_button.isEnabled()
    assert not dialog.rejections_box.isVisible() and not dialog.missing.isVisible()
    assert "3 rows under 6 column headings · UTF-8 · comma-separated" in (
        dialog.file_details.text()
    )


def test_remapping_a_column_turns_rejections_into_accepted_rows(
    qtbot, dialog: ImportDialog, tmp_path: Path
):
    # The system's "Date" is when the record was typed, often blank; "Seen" is the event's date.
    text = (
        "Date,Seen,Source,Event\n"
        ",22/05/2016,Custody record,Booked in\n"
        ",23/05/2016,Control room log,Call\n"
        "01/06/2016,24/05/2016,Crime report,Report\n"
    )
    dialog.load(write(tmp_path, text))
    assert dialog.summary.text() == "1 row will be imported; 2 cannot be imported."
    assert [row[:2] for row in rejection_rows(dialog)] == [["2", "no date"], ["3", "no date"]]

    choose(qtbot, dialog, "Seen", "date")

    # One column per field: "Date" gave the field up to "Seen".
    assert combo_for(dialog, "Date").currentText() == "(ignore)"
    assert dialog.summary.text() == "All 3 rows will be imported."
    assert dialog.rejection_model.rowCount() == 0 and not dialog.rejections_box.isVisible()
    assert dialog.preview is not None
    assert [e.date_as_recorded for e in dialog.preview.accepted] == [
        "22/05/2016",
        "23/05/2016",
        "24/05/2016",
    ]
    assert dialog.import_button.text() == "&Import 3 rows" and dialog.import_button.isEnabled()


def test_a_missing_required_column_disables_import_and_names_it(
    qtbot, dialog: ImportDialog, tmp_path: Path
):
    dialog.load(write(tmp_path, "Seen,Where,Event\n22/05/2016,Custody record,Booked in\n"))
    assert not dialog.import_button.isEnabled()
    assert dialog.missing.isVisible()
    assert "Date or Source" in dialog.missing.text()

    choose(qtbot, dialog, "Seen", "date")
    assert not dialog.import_button.isEnabled()
    assert "as Source," in dialog.missing.text() and "Date" not in dialog.missing.text()

    choose(qtbot, dialog, "Where", "source")
    assert not dialog.missing.isVisible()
    assert dialog.import_button.isEnabled() and dialog.import_button.text() == "&Import 1 row"


def test_quick_changes_are_checked_once(qtbot, dialog: ImportDialog, tmp_path: Path):
    dialog.load(write(tmp_path, GOOD_ROWS))
    previews: list[None] = []
    dialog.previewed.connect(lambda: previews.append(None))
    with qtbot.waitSignal(dialog.previewed, timeout=3000):
        for field in ("staff", "outcome", "action"):
            combo = combo_for(dialog, "Officer")
            combo.setCurrentIndex(combo.findData(field))
    qtbot.wait(50)
    assert len(previews) == 1
    assert dialog.preview is not None
    assert dialog.preview.mapping["Officer"] == "action"


def test_rejected_rows_are_listed_with_line_reason_and_cells(dialog: ImportDialog, tmp_path: Path):
    dialog.load(write(tmp_path, BAD_ROWS))
    assert dialog.summary.text() == "2 rows will be imported; 3 cannot be imported."
    assert dialog.rejections_box.isVisible()
    model = dialog.rejection_model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Line", "Reason", "Date", "Source", "Event"]
    assert rejection_rows(dialog) == [
        ["3", "no date", "", "Custody record", "No date here"],
        ["5", date_error("31/02/2016"), "31/02/2016", "Control room log", "Impossible date"],
        ["6", "empty source", "02/05/2016", "", "Nobody wrote down where this came from"],
    ]
    assert dialog.import_button.text() == "&Import 2 rows" and dialog.import_button.isEnabled()
    assert dialog.report_button.isEnabled()


def test_a_multi_line_cell_shows_on_one_line_and_whole_in_its_tooltip(
    dialog: ImportDialog, tmp_path: Path
):
    dialog.load(write(tmp_path, 'Date,Source,Event\n,GP,"Seen twice:\nmorning and evening"\n'))
    index = dialog.rejection_model.index(0, 4)
    assert index.data() == "Seen twice: morning and evening"
    assert index.data(Qt.ItemDataRole.ToolTipRole) == "Seen twice:\nmorning and evening"


def test_unknown_subjects_are_rejected_and_known_ones_linked(
    dialog: ImportDialog, session: DraftSession, tmp_path: Path
):
    text = "Date,Source,Subjects\n22/05/2016,GP,Adult A; Adult B\n23/05/2016,GP,Rita\n"
    dialog.load(write(tmp_path, text))
    assert dialog.preview is not None
    assert dialog.preview.accepted[0].subjects == [VICTIM.id, PERPETRATOR.id]
    assert rejection_rows(dialog)[0][:2] == ["3", "unknown subject 'Rita'"]


def test_the_report_of_rejected_rows_is_saved_where_the_author_chooses(
    dialog: ImportDialog, tmp_path: Path
):
    source = write(tmp_path, BAD_ROWS, name="Niche export.csv")
    dialog.load(source)
    suggested: list[Path] = []

    def choose_report(default: Path) -> Path:
        suggested.append(default)
        return tmp_path / "reports" / "left out"  # no suffix: .csv is added

    (tmp_path / "reports").mkdir()
    dialog.choose_report_path = choose_report
    dialog.report_button.click()

    assert suggested == [tmp_path / "Niche export - rejected rows.csv"]
    report = tmp_path / "reports" / "left out.csv"
    with report.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["line", "reason", "Date", "Source", "Event"]
    assert [row[:2] for row in rows[1:]] == [
        ["3", "no date"],
        ["5", date_error("31/02/2016")],
        ["6", "empty source"],
    ]
    assert dialog.report_status.isVisible()
    assert dialog.report_status.text() == f"Saved a report of 3 rows to {report}."
    assert dialog.isVisible()  # saving the report neither imports nor closes


def test_a_report_that_cannot_be_written_says_so(dialog: ImportDialog, tmp_path: Path):
    source = write(tmp_path, BAD_ROWS)
    dialog.load(source)
    dialog.choose_report_path = lambda _default: tmp_path / "no such folder" / "report.csv"
    dialog.report_button.click()
    assert dialog.report_status.text().startswith("The report could not be saved:")

    dialog.choose_report_path = lambda _default: source  # never over the file being imported
    dialog.report_button.click()
    assert "would replace the file being imported" in dialog.report_status.text()
    assert source.read_text(encoding="utf-8") == BAD_ROWS


def test_cancelling_the_report_dialog_writes_nothing(dialog: ImportDialog, tmp_path: Path):
    dialog.load(write(tmp_path, BAD_ROWS))
    dialog.choose_report_path = lambda _default: None
    dialog.report_button.click()
    assert not dialog.report_status.isVisible()
    assert sorted(p.name for p in tmp_path.glob("*.csv")) == ["rows.csv"]


# ---- remembering the mapping -------------------------------------------------------------


def test_the_mapping_is_remembered_for_files_with_the_same_headings(
    qtbot, session: DraftSession, config_dir: Path, tmp_path: Path
):
    first = ImportDialog(session, config_dir)
    qtbot.addWidget(first)
    first.load(write(tmp_path, "Seen,Where,Event,Date\n22/05/2016,GP,Seen,01/06/2016\n"))
    choose(qtbot, first, "Seen", "date")
    choose(qtbot, first, "Where", "source")
    first.import_button.click()
    assert first.result() == ImportDialog.DialogCode.Accepted

    # The next export from the same system: the headings differ only in case and spacing.
    second = ImportDialog(session, config_dir)
    qtbot.addWidget(second)
    second.load(write(tmp_path, "SEEN,where, event ,date\n23/05/2016,GP,Again,\n", name="b.csv"))
    assert mapping_shown(second) == {
        "SEEN": "Date",
        "where": "Source",
        "event": "Event",
        "date": "(ignore)",  # left out last time, so left out again
    }
    assert "last time" in second.mapping_note.text()
    assert second.import_button.isEnabled() and second.import_button.text() == "&Import 1 row"

    # Different headings are a different system: matched automatically, nothing remembered.
    third = ImportDialog(session, config_dir)
    qtbot.addWidget(third)
    third.load(write(tmp_path, "Seen,Where,Event\n22/05/2016,GP,Seen\n", name="c.csv"))
    assert mapping_shown(third)["Seen"] == "(ignore)"
    assert "last time" not in third.mapping_note.text()


def test_a_mapping_is_not_remembered_when_the_import_is_cancelled(
    qtbot, dialog: ImportDialog, config_dir: Path, tmp_path: Path
):
    dialog.load(write(tmp_path, "Seen,Source\n22/05/2016,GP\n"))
    choose(qtbot, dialog, "Seen", "date")
    dialog.cancel_button.click()
    assert ci.load_import_mappings(config_dir) == {}
    assert dialog.entries is None


def test_without_a_config_folder_nothing_is_remembered(
    qtbot, session: DraftSession, tmp_path: Path
):
    dialog = ImportDialog(session, None)
    qtbot.addWidget(dialog)
    dialog.load(write(tmp_path, GOOD_ROWS))
    dialog.import_button.click()
    assert dialog.entries is not None and len(dialog.entries) == 3
    assert not any(tmp_path.rglob(ci.MAPPINGS_FILE))


# ---- the entry point -----------------------------------------------------------------------


def _press_import() -> None:
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ImportDialog)
    dialog.import_button.click()


def _cancel() -> None:
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ImportDialog)
    dialog.cancel_button.click()


def test_import_returns_new_entries_without_writing_them(
    qtbot, session: DraftSession, config_dir: Path, tmp_path: Path
):
    path = write(tmp_path, GOOD_ROWS)
    before = list(session.draft.chronology)
    QTimer.singleShot(0, _press_import)
    entries = ImportDialog.ask(None, session, config_dir, path)

    assert entries is not None
    assert [e.source for e in entries] == ["Custody record", "Control room log", "Crime report"]
    first, second, third = entries
    assert (first.time, first.staff, first.subjects) == ("09:05", [], [PERPETRATOR.id])
    assert second.certainty is DateCertainty.APPROXIMATE
    assert third.certainty is DateCertainty.MONTH
    assert len({e.id for e in entries}) == 3
    assert not {e.id for e in entries} & {e.id for e in before}
    # The caller appends and saves them in one transaction; the dialog touched nothing.
    assert session.draft.chronology == before and not session.is_dirty
    assert ci.load_import_mappings(config_dir)  # the mapping was remembered on Import


def test_cancel_returns_none(session: DraftSession, config_dir: Path, tmp_path: Path):
    QTimer.singleShot(0, _cancel)
    assert ImportDialog.ask(None, session, config_dir, write(tmp_path, GOOD_ROWS)) is None


def test_without_a_path_the_author_chooses_the_file(
    session: DraftSession, config_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = write(tmp_path, GOOD_ROWS)
    monkeypatch.setattr(ImportDialog, "_ask_for_file", lambda self: path)
    QTimer.singleShot(0, _press_import)
    entries = ImportDialog.ask(None, session, config_dir)
    assert entries is not None and len(entries) == 3


def test_cancelling_the_file_choice_cancels_the_import(
    session: DraftSession, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(ImportDialog, "_ask_for_file", lambda self: None)
    assert ImportDialog.ask(None, session) is None  # no dialog shown, so nothing to dismiss


# ---- files that cannot be read -------------------------------------------------------------


def test_a_binary_file_gives_a_message_not_a_traceback(dialog: ImportDialog, tmp_path: Path):
    # What "Save as Excel workbook" gives: a zip archive, not text.
    path = tmp_path / "rows.xlsx"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(256)))
    assert not dialog.load(path)
    assert dialog.error.isVisible()
    assert dialog.error.text().startswith("rows.xlsx cannot be imported: this is not a text file")
    assert "save it as CSV" in dialog.error.text()
    assert not dialog.splitter.isVisible() and not dialog.summary.isVisible()
    assert not dialog.import_button.isEnabled() and not dialog.report_button.isEnabled()

    # Choosing another file from the dialog puts it right.
    dialog.choose_file = lambda: write(tmp_path, GOOD_ROWS)
    dialog.choose_button.click()
    assert not dialog.error.isVisible() and dialog.splitter.isVisible()
    assert dialog.import_button.isEnabled()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"Date,Source\r\n\x81\x8d,GP\r\n", "neither UTF-8 nor Windows-1252"),
        (b"\xff\xfeD\x00\xd8", "not valid UTF-16"),
    ],
)
def test_encoding_problems_give_a_message(
    dialog: ImportDialog, tmp_path: Path, data: bytes, message: str
):
    path = tmp_path / "rows.csv"
    path.write_bytes(data)
    assert not dialog.load(path)
    assert message in dialog.error.text()
    assert not dialog.import_button.isEnabled()


def test_a_file_that_has_gone_gives_a_message(dialog: ImportDialog, tmp_path: Path):
    assert not dialog.load(tmp_path / "moved.csv")
    assert dialog.error.text().startswith("moved.csv cannot be imported: No such file")


def test_windows_1252_semicolons_are_read_and_said(dialog: ImportDialog, tmp_path: Path):
    text = "Date;Source;Event\r\n22/05/2016;Café notes;Paid £5\r\n"
    dialog.load(write(tmp_path, text, encoding="cp1252"))
    assert "Windows-1252 · semicolon-separated" in dialog.file_details.text()
    assert dialog.preview is not None
    assert dialog.preview.accepted[0].event == "Paid £5"


def test_a_file_with_only_headings_has_nothing_to_import(dialog: ImportDialog, tmp_path: Path):
    dialog.load(write(tmp_path, "Date,Source,Event\n"))
    assert dialog.summary.text() == "The file has no rows under its headings."
    assert not dialog.import_button.isEnabled()
