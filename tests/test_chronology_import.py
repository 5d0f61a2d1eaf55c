"""Importing a chronology from a case management system's CSV export, and its CLI command.

Every file here is a real file written the way such systems write them (BOMs, Windows-1252,
semicolons, tabs, CRLF, cells over several lines), because the reading is the part that breaks.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from imr_app.cli import main
from imr_app.context import AppContext
from imr_app.core.chronology_dates import parse_recorded_date
from imr_app.core.dates import DateError
from imr_app.core.model import (
    ChronologyEntry,
    ContactOutcome,
    DateCertainty,
    ImrDraft,
    Relevance,
    Subject,
    SubjectRole,
)
from imr_app.services import chronology_import as ci
from imr_app.storage.document import ImrDocument
from imr_app.storage.keystore import KeyStore
from imr_app.storage.repository import to_row
from imr_app.storage.sqlcipher_compat import IntegrityError
from tests.conftest import PASSPHRASE

VICTIM = Subject("Adult A", SubjectRole.VICTIM, real_name="Halima Begum")
PERPETRATOR = Subject("Adult B", SubjectRole.PERPETRATOR)
SUBJECTS = [VICTIM, PERPETRATOR]

HEADER = "Date,Time,Source,Subjects,Event\n"


def date_error(text: str) -> str:
    """The date parser's own words for ``text``, as a rejection gives them."""
    with pytest.raises(DateError) as caught:
        parse_recorded_date(text)
    return str(caught.value).rstrip(".")


IMPOSSIBLE = date_error("31/02/2016")
UNPARSEABLE = date_error("next tuesday")


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "rows.csv") -> Path:
    """Write ``text`` byte for byte (no newline translation), as an export would be."""
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def imr(tmp_path: Path, draft: ImrDraft, keystore: KeyStore) -> Path:
    """A closed draft with two subjects and one chronology entry; its key is remembered."""
    draft.subjects = [Subject(s.pseudonym, s.role, s.real_name, id=s.id) for s in SUBJECTS]
    draft.chronology = [ChronologyEntry(date(2016, 1, 4), "Police control room log", id="first")]
    path = tmp_path / "drafts" / "amina.imr"
    document, _ = ImrDocument.create(path, PASSPHRASE, draft, keystore)
    document.close()
    return path


def load(path: Path, keystore: KeyStore) -> ImrDraft:
    result = ImrDocument.open(path, keystore)
    assert result.document is not None, result.message
    with result.document as document:
        return document.load()


# ---- reading files ----------------------------------------------------------------------


def test_utf8_rows_become_entries_with_every_field(tmp_path: Path):
    path = write(
        tmp_path,
        "Date,Time,End Date,End Time,Source,Subjects,Staff,Event,Action,Outcome,"
        "Domestic Abuse,Significant,Contact Outcome,Relevance\n"
        "03/04/2016,9:05,05/04/2016,1730,Custody record,adult a; ADULT B,PC (response); DS,"
        "Arrested at the café,Interviewed,Charged,Yes,y,Did not attend,précis\n"
        '05/2016,,,,GP consultation notes,Halima Begum,"Nurse, ED; GP",Seen,,,no,0,,full\n',
    )
    result = ci.preview(path, subjects=SUBJECTS)
    assert result.encoding == "UTF-8" and result.delimiter == ","
    assert result.rejections == []
    first, second = result.accepted
    assert (first.date_start, first.date_end, first.certainty) == (
        date(2016, 4, 3),
        date(2016, 4, 5),
        DateCertainty.EXACT,
    )
    assert (first.time, first.end_time, first.date_as_recorded) == ("09:05", "17:30", "03/04/2016")
    assert first.subjects == [VICTIM.id, PERPETRATOR.id]
    assert first.staff == ["PC (response)", "DS"]
    assert (first.event, first.action, first.outcome) == (
        "Arrested at the café",
        "Interviewed",
        "Charged",
    )
    assert first.domestic_abuse and first.significant
    assert first.contact_outcome is ContactOutcome.DID_NOT_ATTEND
    assert first.relevance is Relevance.PRECIS
    # A month keeps its last day as the end, and a real name is matched to its pseudonym's id.
    assert (second.certainty, second.date_start, second.date_end) == (
        DateCertainty.MONTH,
        date(2016, 5, 1),
        date(2016, 5, 31),
    )
    assert second.subjects == [VICTIM.id]
    assert second.staff == ["Nurse, ED", "GP"]
    assert not second.domestic_abuse and second.relevance is Relevance.FULL
    assert len({first.id, second.id}) == 2


def test_utf8_with_bom_maps_its_first_column(tmp_path: Path):
    path = write(tmp_path, "\ufeff" + HEADER + "22/05/2016,,Custody record,,Café visit\n")
    result = ci.preview(path)
    assert result.headers[0] == "Date"
    assert result.mapping["Date"] == "date"
    assert result.encoding == "UTF-8"
    assert [e.event for e in result.accepted] == ["Café visit"]


def test_windows_1252_is_read_when_the_file_is_not_utf8(tmp_path: Path):
    path = write(
        tmp_path, HEADER + "22/05/2016,,Housing rent account,,Owes £120 at the café\n", "cp1252"
    )
    assert "£".encode("cp1252") in path.read_bytes()
    result = ci.preview(path)
    assert result.encoding == "Windows-1252"
    assert result.accepted[0].event == "Owes £120 at the café"


def test_utf8_is_never_misread_as_windows_1252(tmp_path: Path):
    # "é" in UTF-8 is two bytes that Windows-1252 would happily read as "Ã©".
    path = write(tmp_path, HEADER + "22/05/2016,,GP,,café £5\n")
    assert ci.preview(path).accepted[0].event == "café £5"


@pytest.mark.parametrize(("delimiter", "name"), [(";", "semicolon"), ("\t", "tab")])
def test_semicolon_and_tab_delimiters(tmp_path: Path, delimiter: str, name: str):
    rows = [
        ["Date", "Source", "Subjects", "Event"],
        ["22/05/2016", "Police, control room", "Adult A, Adult B", "Called 999, no reply"],
    ]
    path = write(tmp_path, "".join(delimiter.join(r) + "\r\n" for r in rows), name=f"{name}.csv")
    result = ci.preview(path, subjects=SUBJECTS)
    assert result.delimiter == delimiter
    assert result.rejections == []
    (entry,) = result.accepted
    assert entry.source == "Police, control room"
    assert entry.event == "Called 999, no reply"
    assert entry.subjects == [VICTIM.id, PERPETRATOR.id]


def test_quoted_multi_line_cells_keep_their_lines(tmp_path: Path):
    path = write(
        tmp_path,
        'Date;Source;Event\r\n22/05/2016;GP;"Seen with bruising.\r\nSaid she fell; no enquiry."\r\n'
        "23/05/2016;GP;Follow-up\r\n",
    )
    result = ci.preview(path)
    assert [e.event for e in result.accepted] == [
        "Seen with bruising.\nSaid she fell; no enquiry.",
        "Follow-up",
    ]


def test_headers_in_mixed_case_map_without_being_asked(tmp_path: Path):
    path = write(
        tmp_path,
        "DATE,end_date,SOURCE,sUbJeCtS,What Happened,Action Taken,OUTCOME,Domestic-Abuse,Notes\n"
        "summer 2017,,Probation case record,adult b,Missed appointment,Warning letter,None,Y,x\n",
    )
    result = ci.preview(path, subjects=SUBJECTS)
    assert result.mapping == {
        "DATE": "date",
        "end_date": "end date",
        "SOURCE": "source",
        "sUbJeCtS": "subjects",
        "What Happened": "event",
        "Action Taken": "action",
        "OUTCOME": "outcome",
        "Domestic-Abuse": "domestic abuse",
    }
    (entry,) = result.accepted
    assert entry.certainty is DateCertainty.SPAN
    assert (entry.date_start, entry.date_end) == (date(2017, 6, 1), date(2017, 8, 31))
    assert entry.date_as_recorded == "summer 2017"
    assert entry.domestic_abuse and entry.subjects == [PERPETRATOR.id]


def test_an_explicit_mapping_overrides_the_automatic_one(tmp_path: Path):
    path = write(
        tmp_path,
        "Date,Date Seen,Source,Recording System,Event\n"
        "01/01/2015,22/05/2016,ignored,Custody record,Arrested\n",
    )
    auto = ci.preview(path)
    assert auto.mapping == {"Date": "date", "Source": "source", "Event": "event"}
    explicit = {"date seen": "Date", "RECORDING SYSTEM": "source", "event": "ignore"}
    result = ci.preview(path, explicit)
    assert result.mapping == {"Date Seen": "date", "Recording System": "source"}
    (entry,) = result.accepted
    assert (entry.date_start, entry.source, entry.event) == (
        date(2016, 5, 22),
        "Custody record",
        "",
    )


def test_impossible_and_unparseable_dates_are_rejected_in_the_parsers_words():
    assert IMPOSSIBLE.startswith("31/02/2016 does not exist")
    assert UNPARSEABLE.startswith("'next tuesday' is not a date")
    result = ci.preview(HEADER + "31/02/2016,,GP,,x\nnext tuesday,,GP,,y\n")
    assert [(r.line, r.reason) for r in result.rejections] == [(2, IMPOSSIBLE), (3, UNPARSEABLE)]


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"Date": "when"}, "unknown field 'when'"),
        ({"Seen On": "date"}, "no column 'Seen On'"),
        ({"Date": "source", "Event": "source"}, "both 'Date' and 'Event' are mapped to source"),
    ],
)
def test_a_mapping_that_cannot_be_used_says_why(mapping: dict[str, str], message: str):
    with pytest.raises(ci.MappingError, match=message):
        ci.preview(HEADER + "22/05/2016,,GP,,x\n", mapping)


def test_missing_required_columns_are_named_before_any_row_is_checked():
    result = ci.preview("When,Event\n22/05/2016,x\n")
    assert result.missing == ["date", "source"]
    assert not result.ready and result.accepted == [] and result.rejections == []
    assert ci.preview("Date,Source\n22/05/2016,GP\n").ready


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"PK\x03\x04\x00\x00binary", "not a text file"),
        (b"Date,Source\n\x81\x8d,\xc3\n", "neither UTF-8 nor Windows-1252"),
    ],
)
def test_unreadable_files_raise_a_clear_error(tmp_path: Path, data: bytes, message: str):
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    with pytest.raises(ci.ChronologyImportError, match=message):
        ci.preview(path)


def test_excel_unicode_text_is_utf16_with_tabs(tmp_path: Path):
    path = tmp_path / "unicode.txt"
    path.write_bytes("Date\tSource\tEvent\r\n22/05/2016\tGP\tCafé\r\n".encode("utf-16"))
    result = ci.preview(path)
    assert (result.encoding, result.delimiter) == ("UTF-16", "\t")
    assert result.accepted[0].event == "Café"


def test_a_missing_file_is_an_import_error(tmp_path: Path):
    with pytest.raises(ci.ChronologyImportError):
        ci.preview(tmp_path / "nowhere.csv")


# ---- rejections -------------------------------------------------------------------------

REJECTIONS_CSV = (
    HEADER  # line 1
    + "22/05/2016,,GP,Adult A,Fine\n"  # line 2
    + '23/05/2016,,GP,,"First line\nsecond line"\n'  # lines 3-4
    + ",,GP,,No date here\n"  # line 5
    + "\n"  # line 6: blank, skipped but counted
    + "31/02/2016,,GP,,Impossible\n"  # line 7
    + "next tuesday,,GP,,Unparseable\n"  # line 8
    + '24/05/2016,,,,"Three\nline\ncell"\n'  # lines 9-11: empty source
    + "25/05/2016,,GP,Adult A; Rita,Unknown subject\n"  # line 12
    + "26/05/2016,25:00,GP,,Bad time\n"  # line 13
)


def test_every_rejection_reason_with_the_line_the_row_starts_on():
    result = ci.preview(REJECTIONS_CSV, subjects=SUBJECTS)
    assert [e.event for e in result.accepted] == ["Fine", "First line\nsecond line"]
    assert [(r.line, r.reason) for r in result.rejections] == [
        (5, "no date"),
        (7, IMPOSSIBLE),
        (8, UNPARSEABLE),
        (9, "empty source"),
        (12, "unknown subject 'Rita'"),
        (13, "'25:00' is not a time; type it as hh:mm"),
    ]
    assert result.rejections[2].raw == {
        "Date": "next tuesday",
        "Time": "",
        "Source": "GP",
        "Subjects": "",
        "Event": "Unparseable",
    }
    assert result.rows == 8


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ("22/05/2016,,GP,maybe,,", "domestic abuse: 'maybe' is not yes or no"),
        ("22/05/2016,,GP,,sometimes,", "significant: 'sometimes' is not yes or no"),
        ("22/05/2016,,GP,,,phoned", "unknown contact outcome 'phoned'"),
        ("22/05/2016,01/05/2016,GP,,,", "the end date 01/05/2016 is before the date 22/05/2016"),
        ("22/05/2016,31/06/2016,GP,,,", "end date: 31/06/2016 does not exist"),
        (",,,,,", None),  # a row of empty cells is no row at all
        ("22/05/2016,,GP,,,,surplus", "7 cells where the header has 6"),
    ],
)
def test_other_cells_that_cannot_be_read(cells: str, reason: str | None):
    text = "Date,End Date,Source,Domestic abuse,Significant,Contact outcome\n" + cells + "\n"
    result = ci.preview(text)
    if reason is None:
        assert result.rows == 0
    else:
        assert [r.line for r in result.rejections] == [2]
        assert result.rejections[0].reason.startswith(reason)


def test_several_problems_in_one_row_are_all_given():
    result = ci.preview(HEADER + ",,,Nobody,\n", subjects=SUBJECTS)
    assert result.rejections[0].reason == "no date; empty source; unknown subject 'Nobody'"


def test_rejection_report_reads_back(tmp_path: Path):
    result = ci.preview(REJECTIONS_CSV, subjects=SUBJECTS)
    report = tmp_path / "rejected.csv"
    ci.write_rejection_report(result.rejections, report)
    assert report.read_bytes().startswith(b"\xef\xbb\xbf")  # so Excel reads UTF-8
    with open(report, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["line", "reason", "Date", "Time", "Source", "Subjects", "Event"]
    assert [r["line"] for r in rows] == ["5", "7", "8", "9", "12", "13"]
    assert rows[3]["Event"] == "Three\nline\ncell"
    assert rows[1]["reason"] == IMPOSSIBLE


# ---- remembered mappings ------------------------------------------------------------------


def test_header_signature_ignores_case_and_spacing_but_not_columns():
    assert ci.header_signature(["Date Seen", "System"]) == ci.header_signature(
        ["  date_seen", "SYSTEM "]
    )
    assert ci.header_signature(["Date", "System"]) != ci.header_signature(["System", "Date"])


def test_mappings_are_remembered_per_header_signature(tmp_path: Path):
    config = tmp_path / "config"
    table = ci.load_table("Date Seen,System\n22/05/2016,GP\n")
    assert ci.remembered_mapping(config, table.signature) is None
    ci.remember_mapping(config, table.signature, {"Date Seen": "date", "System": "source"})
    ci.remember_mapping(config, "other", {"When": "date"})
    assert ci.remembered_mapping(config, table.signature) == {
        "Date Seen": "date",
        "System": "source",
    }
    assert set(ci.load_import_mappings(config)) == {table.signature, "other"}
    assert not (config / "settings.json").exists()


def test_a_damaged_mappings_file_means_none_remembered(tmp_path: Path):
    (tmp_path / ci.MAPPINGS_FILE).write_text("{not json", encoding="utf-8")
    assert ci.load_import_mappings(tmp_path) == {}
    (tmp_path / ci.MAPPINGS_FILE).write_text('{"import_mappings": {"a": {"b": 1}}}')
    assert ci.load_import_mappings(tmp_path) == {}


# ---- committing ---------------------------------------------------------------------------


def _rows(n: int) -> str:
    return "Date,Source,Event\n" + "".join(
        f"{1 + i % 28:02d}/{1 + i % 12:02d}/2016,GP,Entry {i}\n" for i in range(n)
    )


def test_commit_appends_in_order_after_existing_entries(imr: Path, keystore: KeyStore):
    entries = ci.preview(_rows(3)).accepted
    result = ImrDocument.open(imr, keystore)
    assert result.document is not None
    with result.document as document:
        before = document.load()
        ci.commit(document.repo, len(before.chronology), entries, "rows.csv")
    after = load(imr, keystore)
    assert [e.id for e in after.chronology] == ["first", *(e.id for e in entries)]
    assert after.chronology[1:] == entries
    assert after.audit[-1].action == "chronology imported"
    assert after.audit[-1].detail == "3 entries from rows.csv"


def test_commit_stores_rows_exactly_as_the_repository_does():
    entry = ChronologyEntry(
        date(2016, 5, 22),
        "Custody record £",
        "?22/05/2016",
        DateCertainty.APPROXIMATE,
        date(2016, 5, 23),
        "09:00",
        "10:30",
        ["s1", "s2"],
        ["PC (response)", "Nurse, ED"],
        "Café",
        "Action",
        "Outcome",
        True,
        False,
        ContactOutcome.NO_REPLY,
        Relevance.PRECIS,
    )
    columns, encode = ci._row_encoder(ChronologyEntry)
    for value in (entry, ChronologyEntry(date(2016, 1, 1), "GP")):
        assert dict(zip((*columns, "position"), (*encode(value), 7), strict=True)) == to_row(
            value, 7
        )


def test_a_failure_mid_commit_imports_nothing(imr: Path, keystore: KeyStore):
    entries = ci.preview(_rows(600)).accepted
    entries[550].id = "first"  # already stored: fails after the first batch of 500 went in
    result = ImrDocument.open(imr, keystore)
    assert result.document is not None
    with result.document as document:
        before = document.load()
        with pytest.raises(IntegrityError):
            ci.commit(document.repo, len(before.chronology), entries)
        assert document.load() == before
    assert load(imr, keystore) == before


# ---- the command line ---------------------------------------------------------------------


def run(context: AppContext, *argv: str) -> int:
    return main(list(argv), context)


def test_cli_imports_good_rows_and_reports_the_rest(
    tmp_path: Path, imr: Path, context: AppContext, keystore: KeyStore, capsys
):
    source = write(tmp_path, REJECTIONS_CSV)
    report = tmp_path / "rejected.csv"
    code = run(
        context, "chronology", "import", str(imr), "--from", str(source), "--report", str(report)
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.splitlines() == [
        "line 5: no date",
        f"line 7: {IMPOSSIBLE}",
        f"line 8: {UNPARSEABLE}",
        "line 9: empty source",
        "line 12: unknown subject 'Rita'",
        "line 13: '25:00' is not a time; type it as hh:mm",
        "Imported 2 entries; 6 rows rejected.",
    ]
    with open(report, encoding="utf-8-sig", newline="") as f:
        assert [r["line"] for r in csv.DictReader(f)] == ["5", "7", "8", "9", "12", "13"]
    draft = load(imr, keystore)
    assert [e.event for e in draft.chronology] == ["", "Fine", "First line\nsecond line"]
    assert draft.chronology[1].subjects == [VICTIM.id]


def test_cli_map_and_thousands_in_the_summary(
    tmp_path: Path, imr: Path, context: AppContext, keystore: KeyStore, capsys
):
    rows = "".join(f"{1 + i % 28:02d}/03/2017;Custody record;Entry {i}\n" for i in range(1001))
    source = write(tmp_path, "Date Seen;System;Notes\n" + rows + ";Custody record;x\n", "cp1252")
    argv = ["chronology", "import", str(imr), "--from", str(source)]
    assert run(context, *argv, "--map", "Date Seen=date,System=source", "--map", "Notes=event") == 0
    assert capsys.readouterr().out.splitlines() == [
        "line 1003: no date",
        "Imported 1,001 entries; 1 row rejected.",
    ]
    draft = load(imr, keystore)
    assert len(draft.chronology) == 1002
    assert draft.chronology[-1].event == "Entry 1000"


def test_cli_exits_1_when_every_row_is_rejected(
    tmp_path: Path, imr: Path, context: AppContext, keystore: KeyStore, capsys
):
    source = write(tmp_path, HEADER + "31/02/2016,,GP,,x\n")
    report = tmp_path / "rejected.csv"
    argv = ["chronology", "import", str(imr), "--from", str(source), "--report", str(report)]
    assert run(context, *argv) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"line 2: {IMPOSSIBLE}",
        "Imported 0 entries; 1 row rejected.",
    ]
    assert report.exists()
    assert [e.id for e in load(imr, keystore).chronology] == ["first"]


@pytest.mark.parametrize(
    ("csv_text", "extra", "message"),
    [
        (HEADER + "22/05/2016,,GP,,x\n", ["--map", "Date=when"], "unknown field 'when'"),
        (HEADER + "22/05/2016,,GP,,x\n", ["--map", "Date"], "--map expects HEADER=FIELD"),
        (HEADER + "22/05/2016,,GP,,x\n", ["--map", "Seen=date"], "no column 'Seen'"),
        ("When,Source\n22/05/2016,GP\n", [], "no column is mapped to date"),
        (HEADER, [], "no rows under the header"),
    ],
)
def test_cli_usage_and_input_errors_exit_2_in_one_line(
    tmp_path: Path,
    imr: Path,
    context: AppContext,
    keystore: KeyStore,
    capsys,
    csv_text: str,
    extra: list[str],
    message: str,
):
    source = write(tmp_path, csv_text)
    assert run(context, "chronology", "import", str(imr), "--from", str(source), *extra) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert [e.id for e in load(imr, keystore).chronology] == ["first"]


def test_cli_unreadable_csv_and_missing_subcommand(tmp_path: Path, imr: Path, context, capsys):
    missing = tmp_path / "missing.csv"
    assert run(context, "chronology", "import", str(imr), "--from", str(missing)) == 2
    err = capsys.readouterr().err
    assert "missing.csv" in err and err.count("\n") == 1
    assert run(context, "chronology") == 2
