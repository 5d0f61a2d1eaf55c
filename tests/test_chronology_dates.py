"""Chronology dates as authors type them: UK order always, uncertainty kept, impossibility named."""

from __future__ import annotations

from datetime import date

import pytest

from imr_app.core.chronology_dates import (
    RecordedDate,
    format_recorded,
    last_possible_day,
    parse_recorded_date,
    sort_key,
)
from imr_app.core.dates import DateError
from imr_app.core.model import ChronologyEntry, DateCertainty

EXACT, APPROXIMATE = DateCertainty.EXACT, DateCertainty.APPROXIMATE
MONTH, YEAR, SPAN = DateCertainty.MONTH, DateCertainty.YEAR, DateCertainty.SPAN


@pytest.mark.parametrize(
    ("typed", "start", "end", "certainty", "shown"),
    [
        # Exact days, every way they get typed, all 3 April 2016.
        ("3/4/16", date(2016, 4, 3), None, EXACT, "03/04/2016"),
        ("03/04/2016", date(2016, 4, 3), None, EXACT, "03/04/2016"),
        ("3 Apr 2016", date(2016, 4, 3), None, EXACT, "03/04/2016"),
        ("3 April 2016", date(2016, 4, 3), None, EXACT, "03/04/2016"),
        ("03.04.2016", date(2016, 4, 3), None, EXACT, "03/04/2016"),
        ("2016-04-03", date(2016, 4, 3), None, EXACT, "03/04/2016"),
        ("  3 /4/ 2016 ", date(2016, 4, 3), None, EXACT, "03/04/2016"),
        # Leap day in a leap year.
        ("29/02/2016", date(2016, 2, 29), None, EXACT, "29/02/2016"),
        # Approximate days.
        ("?22/05/2016", date(2016, 5, 22), None, APPROXIMATE, "?22/05/2016"),
        ("c. 22/05/2016", date(2016, 5, 22), None, APPROXIMATE, "?22/05/2016"),
        ("circa 22 May 2016", date(2016, 5, 22), None, APPROXIMATE, "?22/05/2016"),
        ("approx 22/05/2016", date(2016, 5, 22), None, APPROXIMATE, "?22/05/2016"),
        ("22/05/2016?", date(2016, 5, 22), None, APPROXIMATE, "?22/05/2016"),
        # Months: first to last day; an approximate month keeps its "?".
        ("05/2016", date(2016, 5, 1), date(2016, 5, 31), MONTH, "05/2016"),
        ("May 2016", date(2016, 5, 1), date(2016, 5, 31), MONTH, "05/2016"),
        ("?04/2016", date(2016, 4, 1), date(2016, 4, 30), MONTH, "?04/2016"),
        ("02/2016", date(2016, 2, 1), date(2016, 2, 29), MONTH, "02/2016"),
        # Years.
        ("2016", date(2016, 1, 1), date(2016, 12, 31), YEAR, "2016"),
        ("?2016", date(2016, 1, 1), date(2016, 12, 31), YEAR, "?2016"),
        # Seasons (meteorological) and parts of a year, shown as written.
        ("spring 2017", date(2017, 3, 1), date(2017, 5, 31), SPAN, "spring 2017"),
        ("summer 2017", date(2017, 6, 1), date(2017, 8, 31), SPAN, "summer 2017"),
        ("Autumn 2017", date(2017, 9, 1), date(2017, 11, 30), SPAN, "Autumn 2017"),
        ("winter 2017", date(2017, 12, 1), date(2018, 2, 28), SPAN, "winter 2017"),
        ("winter 2015", date(2015, 12, 1), date(2016, 2, 29), SPAN, "winter 2015"),
        ("winter 2017/18", date(2017, 12, 1), date(2018, 2, 28), SPAN, "winter 2017/18"),
        ("early 2017", date(2017, 1, 1), date(2017, 4, 30), SPAN, "early 2017"),
        ("mid 2017", date(2017, 5, 1), date(2017, 8, 31), SPAN, "mid 2017"),
        ("mid-2017", date(2017, 5, 1), date(2017, 8, 31), SPAN, "mid-2017"),
        ("late 2017", date(2017, 9, 1), date(2017, 12, 31), SPAN, "late 2017"),
        # Explicit ranges.
        ("03/2017 - 05/2017", date(2017, 3, 1), date(2017, 5, 31), SPAN, "03/2017 - 05/2017"),
        (
            "3/4/2016 to 10/4/2016",
            date(2016, 4, 3),
            date(2016, 4, 10),
            SPAN,
            "3/4/2016 to 10/4/2016",
        ),
        ("3/4/2016 – 10/4/2016", date(2016, 4, 3), date(2016, 4, 10), SPAN, "3/4/2016 – 10/4/2016"),
        ("2016 - 2017", date(2016, 1, 1), date(2017, 12, 31), SPAN, "2016 - 2017"),
    ],
)
def test_every_recorded_form_reads_as_a_range_and_shows_as_the_chronology_does(
    typed: str, start: date, end: date | None, certainty: DateCertainty, shown: str
):
    recorded = parse_recorded_date(typed)
    assert (recorded.start, recorded.end, recorded.certainty) == (start, end, certainty)
    assert recorded.as_recorded == " ".join(typed.split())
    assert format_recorded(recorded) == shown


@pytest.mark.parametrize(
    ("typed", "year"),
    [("3/4/16", 2016), ("03/04/99", 1999), ("3 Apr 85", 1985), ("1.1.00", 2000)],
)
def test_two_digit_years_follow_the_core_rule_of_looking_back(typed: str, year: int):
    assert parse_recorded_date(typed).start.year == year


def test_day_and_month_are_never_swapped_when_both_could_be_either():
    assert parse_recorded_date("04/03/2016").start == date(2016, 3, 4)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "No date given."),
        ("   ", "No date given."),
        ("31/02/2016", "31/02/2016 does not exist (February 2016 has 29 days)."),
        ("31/04/2016", "31/04/2016 does not exist (April 2016 has 30 days)."),
        ("29/02/2017", "29/02/2017 does not exist (2017 is not a leap year)."),
        ("?29/02/2017", "29/02/2017 does not exist (2017 is not a leap year)."),
        (
            "12/31/2016",
            "12/31/2016: there is no month 31 — dates are day/month/year; did you mean 31/12/2016?",
        ),
        ("13/13/2016", "13/13/2016: there is no month 13 — dates are day/month/year."),
        ("13/2016", "'13/2016': there is no month 13."),
        ("5/16", "'5/16' is ambiguous: write 05/2016 for the month, or dd/mm/yyyy for a day."),
        (
            "May 16",
            "'May 16' is ambiguous: write May 2016 for the month, or 16/05/yyyy for a day.",
        ),
        ("3 Mya 2016", "'mya' is not a month."),
        ("0216", "'0216': the year 216 looks mistyped."),
        ("05/2017 - 03/2017", "'05/2017 - 03/2017' ends before it starts."),
        (
            "winter 2017/19",
            "'winter 2017/19': a winter runs across two years in a row, such as winter 2017/18.",
        ),
        (
            "last Tuesday",
            "'last Tuesday' is not a date: type dd/mm/yyyy, or when less is known 05/2016, "
            "2016, ?22/05/2016 or summer 2016.",
        ),
    ],
)
def test_impossible_or_unreadable_dates_say_what_is_wrong(typed: str, message: str):
    with pytest.raises(DateError) as raised:
        parse_recorded_date(typed)
    assert str(raised.value) == message


def test_us_ordered_range_end_is_refused_with_the_same_words():
    with pytest.raises(DateError, match="there is no month 31 — dates are day/month/year"):
        parse_recorded_date("01/12/2016 - 12/31/2016")


def _entry(typed: str, time: str = "", event: str = "") -> ChronologyEntry:
    recorded = parse_recorded_date(typed)
    return ChronologyEntry(
        date_start=recorded.start,
        date_end=recorded.end,
        certainty=recorded.certainty,
        date_as_recorded=recorded.as_recorded,
        source="Case notes",
        time=time,
        event=event or typed,
    )


def test_entries_show_their_recorded_form():
    assert format_recorded(_entry("?22/05/2016")) == "?22/05/2016"
    assert format_recorded(_entry("summer 2017")) == "summer 2017"
    bare_span = ChronologyEntry(
        date(2016, 4, 3), "Ward record", certainty=SPAN, date_end=date(2016, 4, 10)
    )
    assert format_recorded(bare_span) == "03/04/2016 – 10/04/2016"


def test_uncertain_dates_sort_after_surer_ones_from_the_same_day():
    entries = [
        _entry("2016", event="year"),
        _entry("summer 2016", event="summer"),
        _entry("06/2016", event="month"),
        _entry("?01/06/2016", event="approximate"),
        _entry("01/06/2016", "14:30", event="afternoon"),
        _entry("1/6/2016", "9:05", event="morning"),
        _entry("01/06/2016", event="untimed"),
        _entry("31/12/2015", event="the year before"),
        _entry("?2016", event="year again"),
    ]
    ordered = sorted(enumerate(entries), key=lambda pair: sort_key(pair[1], pair[0]))
    assert [entry.event for _, entry in ordered] == [
        "the year before",
        "year",
        "year again",
        "untimed",
        "morning",
        "afternoon",
        "approximate",
        "month",
        "summer",
    ]


def test_equal_entries_keep_their_place_when_sorted_again():
    entries = [_entry("03/04/2016", event=str(n)) for n in range(5)]
    keys = [sort_key(entry, position) for position, entry in enumerate(entries)]
    assert sorted(keys) == keys


def test_last_possible_day_is_worked_out_when_a_stored_month_or_year_has_no_end():
    month = ChronologyEntry(date(2016, 2, 1), "Crime record", certainty=MONTH)
    year = ChronologyEntry(date(2016, 1, 1), "Crime record", certainty=YEAR)
    exact = ChronologyEntry(date(2016, 2, 1), "Crime record")
    assert last_possible_day(month) == date(2016, 2, 29)
    assert last_possible_day(year) == date(2016, 12, 31)
    assert last_possible_day(exact) == date(2016, 2, 1)


def test_a_recorded_date_is_immutable():
    recorded = parse_recorded_date("2016")
    assert isinstance(recorded, RecordedDate)
    with pytest.raises(AttributeError):
        recorded.start = date(2017, 1, 1)  # type: ignore[misc]
