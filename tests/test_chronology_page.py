"""The chronology table driven as an author would, with Qt's model checks watching every change.

``qtmodeltester`` stays connected while rows are inserted, removed, moved and edited, on the
source model and on the proxy the table shows, so a signal emitted out of order (or a reset
where a fine-grained signal belongs) fails the test at the moment it happens.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from imr_app.core.chronology_dates import parse_recorded_date
from imr_app.core.drafts import new_draft
from imr_app.core.model import (
    ChronologyEntry,
    ContactOutcome,
    DateCertainty,
    ImrDraft,
    Relevance,
    SectionId,
    Subject,
    SubjectRole,
)
from imr_app.core.question_sets import default_question_set
from imr_app.gui.chronology_model import (
    CONTACT,
    DATE,
    EVENT,
    FLAGS,
    SOURCE,
    SUBJECTS,
    TIME,
    ChronologyFilter,
    ChronologyModel,
    ChronologyProxy,
    FlagFilter,
)
from imr_app.gui.pages.chronology import ChronologyPage
from imr_app.services.checks import Location
from imr_app.services.session import DraftSession
from imr_app.storage.document import ImrDocument
from imr_app.storage.keystore import KeyStore

SOURCES = ("Custody record", "DASU case file", "Command-and-control incident log", "101 call log")


def _entry(text: str, source: str = "DASU case file", **fields: object) -> ChronologyEntry:
    recorded = parse_recorded_date(text)
    return ChronologyEntry(
        date_start=recorded.start,
        date_end=recorded.end,
        certainty=recorded.certainty,
        date_as_recorded=recorded.as_recorded,
        source=source,
        **fields,  # type: ignore[arg-type]
    )


def _people() -> list[Subject]:
    return [
        Subject("Amina", SubjectRole.VICTIM, real_name="Halima Osman"),
        Subject("Lee", SubjectRole.PERPETRATOR, real_name="Daniel Carver"),
        Subject("Child C", SubjectRole.CHILD),
    ]


def _chronology(subjects: list[Subject]) -> list[ChronologyEntry]:
    """Twelve entries of every date precision, flags and contact outcome, out of date order."""
    amina, lee, child = (s.id for s in subjects)
    return [
        _entry(
            "18/09/2021",
            "Command-and-control incident log",
            time="23:40",
            subjects=[amina, lee],
            event="Amina called 999; Lee grabbed her by the throat.",
            domestic_abuse=True,
            significant=True,
        ),
        _entry(
            "08/2016",
            "Crime record",
            subjects=[lee],
            event="Lee arrested for assault.",
            domestic_abuse=True,
        ),
        _entry(
            "?22/05/2020",
            "MASH referral record",
            subjects=[amina],
            event="Midwife referral after a disclosure.",
            domestic_abuse=True,
        ),
        _entry(
            "2020",
            "Crime record",
            subjects=[lee],
            event="Fixed penalty for no insurance.",
            relevance=Relevance.PRECIS,
        ),
        _entry(
            "summer 2021",
            "PCSO pocket notebook",
            subjects=[amina],
            event="Sister worried about control.",
            domestic_abuse=True,
            significant=True,
        ),
        _entry(
            "04/11/2021",
            "DASU case file",
            time="15:00",
            subjects=[amina],
            event="Home visit; Amina declined support.",
            contact_outcome=ContactOutcome.DECLINED,
            domestic_abuse=True,
        ),
        _entry(
            "10/01/2022",
            "DASU case file",
            time="11:00",
            subjects=[amina],
            event="Welfare visit.",
            contact_outcome=ContactOutcome.NO_REPLY,
            domestic_abuse=True,
        ),
        _entry(
            "03/03/2022",
            "DASU case file",
            time="10:00",
            subjects=[amina],
            event="Safety plan appointment.",
            contact_outcome=ContactOutcome.DID_NOT_ATTEND,
        ),
        _entry(
            "26/05/2020",
            "DASU case file",
            time="14:30",
            subjects=[amina],
            event="Met Amina alone at the antenatal clinic.",
            contact_outcome=ContactOutcome.ATTENDED,
            domestic_abuse=True,
        ),
        _entry("19/06/2020", "Crime record", subjects=[child], event="Birth of Child C noted."),
        _entry("05/2020", "Custody record", subjects=[lee], event="Arrested on a warrant."),
        _entry(
            "14/06/2019",
            "Command-and-control incident log",
            time="23:05",
            subjects=[amina, lee],
            event="Neighbour reported shouting; MARAC not considered.",
            domestic_abuse=True,
            significant=True,
        ),
    ]


def _draft(entries: int | None = None) -> ImrDraft:
    draft = new_draft(default_question_set(), "DHR Amina", agency="Northshire Police")
    draft.subjects = _people()
    draft.chronology = _chronology(draft.subjects) if entries is None else _many(draft, entries)
    draft.review.period_start = date(2019, 3, 1)
    draft.review.period_end = date(2022, 11, 14)
    return draft


def _many(draft: ImrDraft, count: int) -> list[ChronologyEntry]:
    """``count`` entries over three years, a tenth of them uncertain, every third one DA."""
    rng = random.Random(7)
    ids = [s.id for s in draft.subjects]
    start = date(2019, 3, 1)
    certainties = (DateCertainty.EXACT,) * 9 + (DateCertainty.MONTH,)
    return [
        ChronologyEntry(
            date_start=start + timedelta(days=rng.randrange(1200)),
            source=SOURCES[i % len(SOURCES)],
            certainty=rng.choice(certainties),
            time=f"{rng.randrange(24):02d}:{rng.randrange(60):02d}" if i % 2 else "",
            subjects=[ids[i % 3]],
            event=f"Contact number {i}: {'MARAC referral made' if i % 10 == 0 else 'visit'}.",
            domestic_abuse=i % 3 == 0,
            contact_outcome=ContactOutcome.NO_REPLY if i % 7 == 0 else ContactOutcome.ATTENDED,
        )
        for i in range(count)
    ]


class FakeSession:
    """Just what the page reads of a session, recording the parts it reports."""

    def __init__(self, draft: ImrDraft) -> None:
        self.draft = draft
        self.parts: list[str] = []

    def wait_for_chronology(self) -> None:
        """Loaded at once."""


@pytest.fixture
def session() -> FakeSession:
    return FakeSession(_draft())


@pytest.fixture
def page(qtbot: QtBot, session: FakeSession) -> ChronologyPage:
    page = ChronologyPage(session, session.parts.append)  # type: ignore[arg-type]
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)  # keys, shortcuts and focus need the active window
    return page


def _shown(page: ChronologyPage, column: int = DATE) -> list[str]:
    proxy = page.proxy
    return [proxy.index(r, column).data() for r in range(proxy.rowCount())]


def _type_cell(
    qtbot: QtBot, page: ChronologyPage, entry: ChronologyEntry, column: int, text: str
) -> None:
    """Select the entry's cell, press F2, type, press Enter: as a keyboard user does."""
    index = page.proxy.index_of(page.model.entries.index(entry), column)
    page.view.setCurrentIndex(index)
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert editor is not None and editor is not page.view
    editor.selectAll()  # type: ignore[attr-defined]
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.view.state() != QAbstractItemView.State.EditingState)


# ---- the models under Qt's checks --------------------------------------------------------


def test_source_model_passes_qt_checks_while_rows_change(qtmodeltester) -> None:
    draft = _draft()
    parts: list[str] = []
    model = ChronologyModel(draft, parts.append)
    qtmodeltester.check(model, force_py=True)
    resets: list[bool] = []
    model.modelAboutToBeReset.connect(lambda: resets.append(True))

    added = _entry("01/01/2022", "101 call log")
    assert model.add_entry(added) == 12
    model.add_entries([_entry("02/01/2022"), _entry("03/01/2022")])
    copies = model.duplicate([0, 3])
    assert [c.date_start for c in copies] == [draft.chronology[0].date_start, date(2020, 1, 1)]
    assert copies[0].id != draft.chronology[0].id
    removed = model.remove([1, 2, 5, 14])
    assert [row for _, row in removed] == [1, 2, 5, 14]
    assert model.rowCount() == 13
    model.restore(removed)
    assert [e.id for e, _ in removed] == [draft.chronology[r].id for r in (1, 2, 5, 14)]
    assert model.setData(model.index(0, DATE), "3 Apr 2016")
    assert model.setData(model.index(0, SOURCE), "Custody record")
    assert not model.setData(model.index(0, SOURCE), "   ")
    assert model.setData(model.index(0, CONTACT), ContactOutcome.NO_REPLY)
    model.subjects_changed()

    assert not resets, "an edit must never reset the model"
    assert f"entry:{added.id}" in parts
    assert f"entry-removed:{removed[0][0].id}" in parts
    assert "chronology" not in parts


def test_proxy_passes_qt_checks_while_sorted_filtered_and_edited(qtmodeltester) -> None:
    draft = _draft()
    model = ChronologyModel(draft)
    proxy = ChronologyProxy(model)
    qtmodeltester.check(proxy, force_py=True)
    order_tester = ModelTester(None)  # the sorted layer under the proxy is checked too
    order_tester.check(proxy.order, force_py=True)
    try:
        proxy.sort(DATE, Qt.SortOrder.AscendingOrder)
        proxy.sort(SOURCE, Qt.SortOrder.DescendingOrder)
        proxy.sort(DATE, Qt.SortOrder.DescendingOrder)
        proxy.set_filter(ChronologyFilter(flag=FlagFilter.DOMESTIC_ABUSE))
        model.add_entries([_entry("01/01/2015"), _entry("01/01/2030")])
        model.remove([0, 4, 5, 13])
        model.duplicate([1, 2])
        # A new date moves the row to its place in date order, at once.
        assert model.setData(model.index(1, DATE), "01/01/2010")
        assert proxy.entry_at(proxy.rowCount() - 1).date_start == date(2010, 1, 1)
        proxy.set_filter(ChronologyFilter(text="visit"))
        proxy.set_filter(ChronologyFilter())
        proxy.sort(DATE, Qt.SortOrder.AscendingOrder)
        model.subjects_changed()
        model.reload(_draft())
        proxy.sort(-1)
    finally:
        order_tester._cleanup()


# ---- typing dates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "start", "certainty", "shown"),
    [
        ("3/4/16", date(2016, 4, 3), DateCertainty.EXACT, "03/04/2016"),
        ("3 Apr 2016", date(2016, 4, 3), DateCertainty.EXACT, "03/04/2016"),
        ("03.04.2016", date(2016, 4, 3), DateCertainty.EXACT, "03/04/2016"),
        ("?04/2016", date(2016, 4, 1), DateCertainty.MONTH, "?04/2016"),
        ("?22/05/2016", date(2016, 5, 22), DateCertainty.APPROXIMATE, "?22/05/2016"),
        ("summer 2017", date(2017, 6, 1), DateCertainty.SPAN, "summer 2017"),
        ("2015", date(2015, 1, 1), DateCertainty.YEAR, "2015"),
    ],
)
def test_dates_typed_in_each_form(
    qtbot: QtBot,
    page: ChronologyPage,
    typed: str,
    start: date,
    certainty: DateCertainty,
    shown: str,
) -> None:
    entry = page.model.entries[0]
    _type_cell(qtbot, page, entry, DATE, typed)
    assert (entry.date_start, entry.certainty) == (start, certainty)
    assert entry.date_as_recorded == typed
    assert page.proxy.index_of(page.model.entries.index(entry), DATE).data() == shown
    assert page.message.isHidden()
    assert page.session.parts[-1] == f"entry:{entry.id}"  # type: ignore[attr-defined]


def test_impossible_date_is_refused_with_the_reason(qtbot: QtBot, page: ChronologyPage) -> None:
    entry = page.model.entries[0]
    before = (entry.date_start, entry.certainty, entry.date_as_recorded)
    _type_cell(qtbot, page, entry, DATE, "31/02/2016")
    assert (entry.date_start, entry.certainty, entry.date_as_recorded) == before
    assert page.message.isVisible()
    assert "31/02/2016 does not exist" in page.message.text()
    assert "February 2016 has 29 days" in page.message.text()
    row = page.model.entries.index(entry)
    assert not page.model.setData(page.model.index(row, DATE), "29/02/2017")


def test_other_cells_are_checked_too(qtbot: QtBot, page: ChronologyPage) -> None:
    entry = page.model.entries[0]
    _type_cell(qtbot, page, entry, TIME, "9.05-10:30")
    assert (entry.time, entry.end_time) == ("09:05", "10:30")
    _type_cell(qtbot, page, entry, SUBJECTS, "amina, Daniel Carver")  # a real name: stored as id
    assert entry.subjects == [page.draft.subjects[0].id, page.draft.subjects[1].id]
    _type_cell(qtbot, page, entry, FLAGS, "significant")
    assert (entry.domestic_abuse, entry.significant) == (False, True)
    _type_cell(qtbot, page, entry, SOURCE, "")
    assert entry.source == "Command-and-control incident log"
    assert "a source is required" in page.message.text()
    _type_cell(qtbot, page, entry, SUBJECTS, "Amina, Bob")
    assert "no subject is called 'Bob'" in page.message.text()
    _type_cell(qtbot, page, entry, TIME, "25:00")
    assert entry.time == "09:05"


# ---- sorting -----------------------------------------------------------------------------


def test_sorted_by_date_with_uncertain_dates_placed_and_marked(page: ChronologyPage) -> None:
    assert _shown(page)[:6] == [
        "08/2016",
        "14/06/2019",
        "2020",  # the year first: it may be the earliest of them
        "05/2020",
        "?22/05/2020",
        "26/05/2020",
    ]
    assert "summer 2021" in _shown(page)
    proxy = page.proxy
    month = proxy.index(3, DATE)
    assert month.data(Qt.ItemDataRole.ToolTipRole).startswith("Month only: 01/05/2020 to 31/05")
    assert month.data(Qt.ItemDataRole.FontRole).italic()
    assert proxy.index(4, DATE).data(Qt.ItemDataRole.ToolTipRole).startswith("Approximate")
    assert proxy.index(1, DATE).data(Qt.ItemDataRole.FontRole) is None  # exact: not marked

    page.view.sortByColumn(DATE, Qt.SortOrder.DescendingOrder)
    assert _shown(page)[0] == "03/03/2022"
    assert _shown(page)[-1] == "08/2016"
    page.view.sortByColumn(SOURCE, Qt.SortOrder.AscendingOrder)
    sources = _shown(page, SOURCE)
    assert sources == sorted(sources, key=str.casefold)
    crime = [proxy.index(r, DATE).data() for r, s in enumerate(sources) if s == "Crime record"]
    assert crime == ["08/2016", "2020", "19/06/2020"]  # ties stay in date order


# ---- filters -----------------------------------------------------------------------------


def test_each_filter(qtbot: QtBot, page: ChronologyPage) -> None:
    assert page.count.text() == "12 entries (12 shown)"
    page.flag_filter.set_value(FlagFilter.DOMESTIC_ABUSE)
    page.flag_filter.currentIndexChanged.emit(page.flag_filter.currentIndex())
    assert page.proxy.rowCount() == 8
    assert page.count.text() == "12 entries (8 shown)"
    page.flag_filter.setCurrentIndex(2)  # significant events
    assert page.proxy.rowCount() == 3
    page.flag_filter.setCurrentIndex(3)  # failed contact attempts
    assert sorted(_shown(page, CONTACT)) == ["Declined", "Did not attend", "No reply"]
    page.clear_filters()
    assert page.proxy.rowCount() == 12

    page.subject_filter.setCurrentIndex(page.subject_filter.findText("Lee"))
    assert page.proxy.rowCount() == 5
    page.source_filter.reload()
    page.source_filter.setCurrentIndex(page.source_filter.findText("Crime record"))
    assert _shown(page) == ["08/2016", "2020"]
    page.clear_filters()

    page.date_from.setText("1/1/2021")
    page.date_from.editingFinished.emit()
    page.date_to.setText("31 Dec 2021")
    page.date_to.editingFinished.emit()
    assert _shown(page) == ["summer 2021", "18/09/2021", "04/11/2021"]
    page.date_from.set_date(date(2020, 5, 20))
    page.date_to.set_date(date(2020, 5, 24))
    page.date_to.date_changed.emit(date(2020, 5, 24))
    # The month and the year could fall in those days, so they are shown.
    assert _shown(page) == ["2020", "05/2020", "?22/05/2020"]
    page.clear_filters()

    qtbot.keyClicks(page.search, "marac")
    assert page.proxy.rowCount() == 12  # typing is not filtered until it pauses
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 1)
    page.search.setText("AMINA lee")
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 2)  # every word, in any field
    page.clear_filters()
    assert page.count.text() == "12 entries (12 shown)"
    assert not page.clear_button.isEnabled()


def test_an_edited_entry_stays_shown_until_the_filter_changes(page: ChronologyPage) -> None:
    page.proxy.set_filter(ChronologyFilter(text="welfare"))
    assert page.proxy.rowCount() == 1
    entry = page.proxy.entry_at(0)
    row = page.model.entries.index(entry)
    assert page.model.setData(page.model.index(row, EVENT), "Visit to the flat.")
    page.view.sortByColumn(DATE, Qt.SortOrder.DescendingOrder)  # a re-sort re-reads the filter
    assert page.proxy.rowCount() == 1
    page.proxy.set_filter(ChronologyFilter(text="welfar"))
    assert page.proxy.rowCount() == 0


# ---- adding, duplicating, deleting, undoing ---------------------------------------------


def test_add_duplicate_delete_and_undo_by_keyboard(
    qtbot: QtBot, page: ChronologyPage, qtmodeltester
) -> None:
    qtmodeltester.check(page.proxy, force_py=True)  # the table's own model, while it is driven
    parts: list[str] = page.session.parts  # type: ignore[attr-defined]
    page.view.setFocus()
    page.view.setCurrentIndex(page.proxy.index(2, DATE))  # the "2020" entry
    qtbot.keyClick(page.view, Qt.Key.Key_Insert)
    editor = QApplication.focusWidget()
    assert editor is not page.view  # straight into typing the new entry's date
    editor.selectAll()  # type: ignore[union-attr]
    qtbot.keyClicks(editor, "12/12/2021")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.view.state() != QAbstractItemView.State.EditingState)
    added = page.model.entries[-1]
    assert added.date_start == date(2021, 12, 12)
    assert page.current_entry() is added
    assert f"entry:{added.id}" in parts

    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    copy = page.model.entries[-1]
    assert copy.id != added.id and copy.date_start == added.date_start
    assert page.current_entry() is copy
    assert page.model.rowCount() == 14

    page.view.selectAll()
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Delete)
    assert page.model.rowCount() == 0
    assert page.history.button.isEnabled()
    assert "Deleted a selection of 14 entries." in page.history.label.text()
    assert f"entry-removed:{copy.id}" in parts
    qtbot.keyClick(page.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert page.model.rowCount() == 14
    assert page.model.entries[-1] is copy  # back where it was, same id
    assert parts[-1].startswith("entry:")
    assert len(page.view.selectionModel().selectedRows()) == 14
    assert "chronology" not in parts


def test_buttons_and_detail_pane(qtbot: QtBot, page: ChronologyPage) -> None:
    page.view.setCurrentIndex(page.proxy.index(0, DATE))  # 08/2016, crime record
    entry = page.current_entry()
    assert entry is not None
    assert page.detail_edits["event"].toPlainText() == "Lee arrested for assault."
    page.detail_edits["action"].setFocus()
    qtbot.keyClicks(page.detail_edits["action"], "Interviewed and released.")
    assert entry.action == "Interviewed and released."
    assert page.proxy.index(0, 6).data() == "Interviewed and released."
    qtbot.mouseClick(page.detail_significant, Qt.MouseButton.LeftButton)
    assert entry.significant
    page.detail_contact.set_value(ContactOutcome.CANCELLED)
    page.detail_contact.activated.emit(page.detail_contact.currentIndex())
    assert entry.contact_outcome is ContactOutcome.CANCELLED
    assert page.session.parts[-1] == f"entry:{entry.id}"  # type: ignore[attr-defined]

    # An edit in the table shows in the pane at once.
    _type_cell(qtbot, page, entry, FLAGS, "DA")
    assert page.detail_da.isChecked() and not page.detail_significant.isChecked()

    qtbot.mouseClick(page.duplicate_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 13
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 12
    qtbot.mouseClick(page.history.button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 13
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 14
    assert page.model.entries[-1].source == ""
    assert page.proxy.index_of(13, SOURCE).data() == "Required"


def test_new_and_restored_entries_show_through_a_filter(page: ChronologyPage) -> None:
    page.flag_filter.setCurrentIndex(2)  # significant events
    assert page.proxy.rowCount() == 3
    page.add_entry()
    page.delegate.commit_open_editor()
    assert page.proxy.rowCount() == 4
    assert page.current_entry() is page.model.entries[-1]
    page.view.selectAll()
    page.delete()
    assert page.proxy.rowCount() == 0
    page.history.undo()
    assert page.proxy.rowCount() == 4


# ---- paste -------------------------------------------------------------------------------


def test_paste_rows_with_a_header_reports_the_rejected_row(
    qtbot: QtBot, page: ChronologyPage
) -> None:
    text = (
        "Date\tSource\tSubjects\tEvent\tDomestic abuse\tContact outcome\r\n"
        "3/4/16\tCustody record\tLee\tLee booked into custody.\tyes\t\r\n"
        "31/02/2016\tCustody record\tLee\tImpossible date.\tno\t\r\n"
        '?05/2016\tGP letter\tAmina\t"Letter about\r\na bruise."\tyes\tattended\r\n'
    )
    QGuiApplication.clipboard().setText(text)
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert page.model.rowCount() == 14
    first, second = page.model.entries[-2:]
    assert (first.date_start, first.source, first.domestic_abuse) == (
        date(2016, 4, 3),
        "Custody record",
        True,
    )
    assert first.subjects == [page.draft.subjects[1].id]
    assert second.certainty is DateCertainty.MONTH
    assert second.event == "Letter about\na bruise."
    assert second.contact_outcome is ContactOutcome.ATTENDED
    message = page.message.text()
    assert "Added 2 entries from the pasted rows." in message
    assert "1 row was not added" in message
    assert "line 3: 31/02/2016 does not exist" in message
    assert len(page.view.selectionModel().selectedRows()) == 2


def test_paste_rows_without_a_header_reads_the_usual_columns(page: ChronologyPage) -> None:
    text = (
        "03/04/2016\t09:30\tCustody record\tLee\tBooked in.\tSearched.\tCharged.\n"
        "summer 2017\t\tGP notes\tAmina, Child C\tSeen with her son.\t\t\n"
        "12/13/2016\t\tGP notes\tAmina\tUS-ordered date.\t\t\n"
        "01/01/2017\t\t\tAmina\tNo source.\t\t\n"
    )
    added = page.paste(text)
    assert [(e.date_as_recorded, e.time, e.source) for e in added] == [
        ("03/04/2016", "09:30", "Custody record"),
        ("summer 2017", "", "GP notes"),
    ]
    assert (added[0].event, added[0].action, added[0].outcome) == (
        "Booked in.",
        "Searched.",
        "Charged.",
    )
    assert len(added[1].subjects) == 2
    message = page.message.text()
    assert "2 rows were not added" in message
    assert "line 3: 12/13/2016: there is no month 13" in message
    assert "line 4: empty source" in message
    assert "read as Date, Time, Source, Subjects, Event, Action, Outcome" in message
    assert "Date, Time, Source, Subjects, Event, Action, Outcome" in page.paste_button.toolTip()


def test_copied_rows_paste_back_the_same(qtbot: QtBot, page: ChronologyPage) -> None:
    page.view.selectAll()
    page.copy_rows()
    before = [
        (
            e.date_start,
            e.certainty,
            e.source,
            e.subjects,
            e.event,
            e.domestic_abuse,
            e.significant,
            e.contact_outcome,
            e.relevance,
            e.time,
        )
        for e in page.model.entries
    ]
    added = page.paste()
    assert "not added" not in page.message.text()
    after = [
        (
            e.date_start,
            e.certainty,
            e.source,
            e.subjects,
            e.event,
            e.domestic_abuse,
            e.significant,
            e.contact_outcome,
            e.relevance,
            e.time,
        )
        for e in added
    ]
    assert sorted(after, key=repr) == sorted(before, key=repr)


def test_nothing_to_paste_and_no_import_dialog_yet(
    page: ChronologyPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    page.paste("  \n")
    assert "Nothing to paste" in page.message.text()
    import imr_app.gui.pages.chronology as module

    calls: list[object] = []

    class FakeDialog:
        @staticmethod
        def ask(parent: QWidget, session: object) -> list[ChronologyEntry]:
            calls.append(session)
            return [_entry("01/02/2018", "Imported record")]

    fake = type(module)("imr_app.gui.import_dialog")
    fake.ImportDialog = FakeDialog  # type: ignore[attr-defined]
    monkeypatch.setitem(__import__("sys").modules, "imr_app.gui.import_dialog", fake)
    page.import_csv()
    assert calls == [page.session]
    assert page.model.entries[-1].source == "Imported record"
    assert page.current_entry() is page.model.entries[-1]
    monkeypatch.setitem(__import__("sys").modules, "imr_app.gui.import_dialog", None)
    page.import_csv()
    assert "not available" in page.message.text()


# ---- going to an entry -------------------------------------------------------------------


def test_focus_location_selects_the_entry_even_when_filtered_out(
    qtbot: QtBot, page: ChronologyPage
) -> None:
    page.flag_filter.setCurrentIndex(2)  # significant events: the crime record is hidden
    target = next(e for e in page.model.entries if e.source == "Crime record")
    page.focus_location(Location(SectionId.CHRONOLOGY, ref=target.id, field="source"))
    assert page.proxy.rowCount() == 12  # the filters were cleared to show it
    assert page.current_entry() is target
    assert page.view.currentIndex().column() == SOURCE
    assert page.view.hasFocus()
    page.focus_location(Location(SectionId.CHRONOLOGY, ref=target.id, field="outcome"))
    assert page.detail_edits["outcome"].hasFocus()


# ---- saving ------------------------------------------------------------------------------


def _open(path: Path, keystore: KeyStore) -> DraftSession:
    result = ImrDocument.open(path, keystore)
    assert result.document is not None, result.message
    return DraftSession(result.document)


@pytest.fixture
def stored(created: Path, keystore: KeyStore) -> Iterator[DraftSession]:
    session = _open(created, keystore)
    session.draft.subjects = _people()
    session.draft.chronology.extend(_chronology(session.draft.subjects))
    session.touch("subjects")
    for entry in session.draft.chronology:
        session.touch(f"entry:{entry.id}")
    session.save()
    yield session
    if session.document.repo is not None:
        session.close(save=False)


def test_edits_survive_save_and_reopening(
    qtbot: QtBot, stored: DraftSession, created: Path, keystore: KeyStore
) -> None:
    page = ChronologyPage(stored, stored.touch)
    qtbot.addWidget(page)
    first = page.model.entries[0]
    page.view.setCurrentIndex(page.proxy.index_of(0, DATE))
    assert page.model.setData(page.model.index(0, DATE), "?03/2015")
    page.detail_edits["outcome"].setPlainText("Released under investigation.")
    page.add_entry()
    new = page.model.entries[-1]
    assert page.model.setData(page.model.index(12, SOURCE), "GP letter")
    page.paste("01/04/2016\t\tCustody record\tLee\tPasted entry.\t\t\n")
    gone = page.model.entries[3]
    page.model.remove([3])
    page.flush()
    stored.save()
    assert not stored.is_dirty
    stored.close()

    reopened = _open(created, keystore)
    try:
        entries = {e.id: e for e in reopened.draft.chronology}
        assert len(entries) == 13
        assert gone.id not in entries
        assert entries[first.id].certainty is DateCertainty.MONTH
        assert entries[first.id].date_as_recorded == "?03/2015"
        assert entries[first.id].outcome == "Released under investigation."
        assert entries[new.id].source == "GP letter"
        pasted = next(e for e in entries.values() if e.event == "Pasted entry.")
        assert pasted.subjects == [reopened.draft.subjects[1].id]
    finally:
        reopened.close(save=False)


def test_the_editor_shows_this_page_for_the_chronology(qtbot: QtBot, stored: DraftSession) -> None:
    from imr_app.gui.editor import DraftEditor

    editor = DraftEditor(stored)
    qtbot.addWidget(editor)
    target = stored.draft.chronology[5]
    editor.go_to(Location(SectionId.CHRONOLOGY, ref=target.id, field="date_start"))
    page = editor.current_page()
    assert isinstance(page, ChronologyPage)
    assert page.current_entry() is target
    assert page.model.setData(page.model.index(5, SOURCE), "Renamed record")
    assert editor.save_now()
    assert not stored.is_dirty


# ---- 10,000 entries ----------------------------------------------------------------------


def test_ten_thousand_entries_sort_and_filter(qtbot: QtBot) -> None:
    draft = _draft(10_000)
    model = ChronologyModel(draft)
    proxy = ChronologyProxy(model)
    proxy.sort(DATE, Qt.SortOrder.AscendingOrder)
    days = [proxy.entry_at(r).date_start for r in range(0, 10_000, 97)]
    assert days == sorted(days)
    proxy.sort(SOURCE, Qt.SortOrder.DescendingOrder)
    assert proxy.entry_at(0).source == "DASU case file"
    proxy.set_filter(ChronologyFilter(text="marac"))
    assert proxy.rowCount() == 1000
    proxy.set_filter(ChronologyFilter(text="marac", flag=FlagFilter.FAILED_CONTACT))
    assert proxy.rowCount() == sum(1 for i in range(0, 10_000, 10) if i % 7 == 0)
    proxy.set_filter(ChronologyFilter(subject_id=draft.subjects[0].id))
    assert proxy.rowCount() == 3334
    proxy.set_filter(ChronologyFilter())
    assert proxy.rowCount() == 10_000
    assert model.index(0, 0).isValid() and not QModelIndex().isValid()


def test_the_section_shows_its_checks_and_jumps_to_the_entry(qtbot, created, keystore):
    from datetime import date

    from imr_app.core.model import ChronologyEntry
    from imr_app.gui.pages.chronology import ChronologyPage
    from imr_app.services.session import DraftSession
    from imr_app.storage.document import ImrDocument

    session = DraftSession(ImrDocument.open(created, keystore).document)
    quiet = ChronologyEntry(date(2020, 1, 6), "GP notes", event="Seen for a cough")
    session.draft.chronology.append(quiet)
    page = ChronologyPage(session, session.touch)
    qtbot.addWidget(page)
    page.show()
    page.run_checks()
    items = [page.checks.list.item(i) for i in range(page.checks.list.count())]
    target = next(i for i in items if "no outcome" in i.text())
    page.checks.list.itemActivated.emit(target)
    assert page.current_entry() is quiet
    session.close()


def test_the_gap_threshold_is_the_authors_to_set(qtbot, created, keystore):
    from datetime import date

    from imr_app.core.model import ChronologyEntry
    from imr_app.gui.pages.chronology import ChronologyPage
    from imr_app.services.session import DraftSession
    from imr_app.storage.document import ImrDocument

    session = DraftSession(ImrDocument.open(created, keystore).document)
    review = session.draft.review
    review.period_start, review.period_end = date(2020, 1, 1), date(2020, 12, 31)
    for day in (date(2020, 1, 2), date(2020, 3, 2), date(2020, 12, 30)):
        session.draft.chronology.append(ChronologyEntry(day, "GP notes", outcome="Seen"))
    page = ChronologyPage(session, session.touch)
    qtbot.addWidget(page)

    def gaps() -> list[str]:
        page.run_checks()
        texts = [page.checks.list.item(i).text() for i in range(page.checks.list.count())]
        return [t for t in texts if "No entry between" in t]

    assert len(gaps()) == 1  # March to December, over the default 90 days
    page.gap_days.setValue(45)
    assert len(gaps()) == 2  # January to March as well
    session.close()
