"""Chronology dates as records give them: exact, approximate, a month, a year or a span.

Case management systems and old paper files rarely agree on a date's precision, and the
IMR must keep what the record says ("?22/05/2016", "May 2016", "summer 2017") while the
chronology still sorts and checks by real dates. So every recorded date keeps the text as
written beside the range of days it stands for. Day before month, always: these are UK
records. Exact dates are read by ``core.dates.parse_uk_date``; this module adds the
uncertain forms, and plainer words when a date cannot exist.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from imr_app.core.dates import (
    MONTHS,
    DateError,
    format_uk,
    full_year,
    parse_uk_date,
    read_day_month_year,
)
from imr_app.core.model import ChronologyEntry, DateCertainty
from imr_app.core.text import capitalised

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100

_I = re.IGNORECASE
# "?", "c.", "circa", "approx." before the date; a trailing "?" means the same.
_APPROXIMATE = re.compile(
    r"^(?:\?\s*|(?:circa|approximately|approx|about|around|ca|c)(?:\.\s*|\s+))(?P<rest>.+)$", _I
)
_TRAILING_QUERY = re.compile(r"^(?P<rest>.+?)\s*\?$")
_YEAR = re.compile(r"^(\d{4})$")
_MONTH_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_MONTH_ISO = re.compile(r"^(\d{4})-(\d{1,2})$")
_MONTH_WORDS = re.compile(r"^([a-z]+)\.?,?\s+(\d{4})$", _I)
_SHORT_MONTH_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.]\s*(\d{2})$")
_SHORT_MONTH_WORDS = re.compile(r"^([a-z]+)\.?,?\s+(\d{2})$", _I)
_PART_OF_YEAR = re.compile(
    r"^(spring|summer|autumn|winter|early|mid|late)(?:\s+|\s*-\s*)(?:of\s+)?(\d{4})$", _I
)
_WINTER_ACROSS = re.compile(r"^winter\s+(\d{4})\s*[/\-]\s*(\d{2}|\d{4})$", _I)
_YEAR_RANGE = re.compile(r"^(\d{4})\s*[-–—]\s*(\d{4})$")
# A hyphen only separates a range when spaced, since "03-04-2016" is one date.
_RANGE_SEPARATOR = re.compile(r"\s+(?:-|to|until|till)\s+|\s*[–—]\s*", _I)
_BETWEEN = re.compile(r"^between\s+(.+?)\s+and\s+(.+)$", _I)
_FROM = re.compile(r"^from\s+", _I)
_TIME = re.compile(r"^(\d{1,2})[:.]?(\d{2})$")

# Meteorological seasons, and the thirds of a year people mean by early, mid and late:
# (first month, last month, how many years after the first the last month falls).
_PARTS: dict[str, tuple[int, int, int]] = {
    "spring": (3, 5, 0),
    "summer": (6, 8, 0),
    "autumn": (9, 11, 0),
    "winter": (12, 2, 1),
    "early": (1, 4, 0),
    "mid": (5, 8, 0),
    "late": (9, 12, 0),
}

# On the same first day the surer date comes first; a span is narrower than a year.
_CERTAINTY_ORDER = {
    DateCertainty.EXACT: 0,
    DateCertainty.APPROXIMATE: 1,
    DateCertainty.MONTH: 2,
    DateCertainty.SPAN: 3,
    DateCertainty.YEAR: 4,
}


@dataclass(frozen=True)
class RecordedDate:
    """A date as the record gives it, and the range of days it stands for.

    ``end`` is None for an exact or approximate day; otherwise the last day of the month,
    year or span, so checks can ask whether an entry could fall inside the review period.
    """

    start: date
    end: date | None
    certainty: DateCertainty
    as_recorded: str

    @property
    def last_day(self) -> date:
        return self.end or self.start


def parse_recorded_date(text: str) -> RecordedDate:
    """Read any of the ways a chronology date gets typed, or say in words what is wrong.

    Raises ``DateError`` with a message the author can act on.
    """
    as_recorded = " ".join(text.split())
    if not as_recorded:
        raise DateError("No date given.")
    try:
        start, end, certainty = _parse_single(as_recorded)
    except DateError as single_error:
        ends = _split_range(as_recorded)
        if ends is None:
            raise DateError(capitalised(str(single_error))) from None
        start, end, certainty = _parse_range(*ends, as_recorded)
    return RecordedDate(start, end, certainty, as_recorded)


def format_recorded(value: RecordedDate | ChronologyEntry) -> str:
    """The date as the chronology shows it.

    dd/mm/yyyy; "?" in front when approximate (also for a month or year typed with "?");
    mm/yyyy for a month; yyyy for a year; a span as it was written, since "summer 2017"
    says more to a reader than the range it stands for.
    """
    recorded = _as_recorded_date(value)
    marker = "?" if _marked_approximate(recorded.as_recorded) else ""
    match recorded.certainty:
        case DateCertainty.EXACT:
            return format_uk(recorded.start)
        case DateCertainty.APPROXIMATE:
            return f"?{format_uk(recorded.start)}"
        case DateCertainty.MONTH:
            return f"{marker}{recorded.start:%m/%Y}"
        case DateCertainty.YEAR:
            return f"{marker}{recorded.start:%Y}"
        case _:
            if recorded.as_recorded.strip():
                return recorded.as_recorded.strip()
            return f"{format_uk(recorded.start)} – {format_uk(recorded.last_day)}"


def sort_key(
    entry: ChronologyEntry, position: int = 0
) -> tuple[date, int, tuple[int, int, str], int]:
    """Date order with uncertain dates placed sensibly.

    By first possible day, then the surer date first (exact, approximate, month, span,
    year), then time of day (untimed first), then ``position`` (the entry's place in the
    list) so entries that tie never jump about when the table is sorted again.
    """
    return (
        entry.date_start,
        _CERTAINTY_ORDER.get(entry.certainty, len(_CERTAINTY_ORDER)),
        _time_key(entry.time),
        position,
    )


def last_possible_day(entry: ChronologyEntry) -> date:
    """The last day an entry may fall on: its end, or the end of its month or year.

    Entries stored before the end date was derived (or typed straight into the date
    field) may hold a month or year with no end, so the end is worked out again here.
    """
    if entry.date_end is not None:
        return entry.date_end
    if entry.certainty is DateCertainty.MONTH:
        return _last_day(entry.date_start.year, entry.date_start.month)
    if entry.certainty is DateCertainty.YEAR:
        return date(entry.date_start.year, 12, 31)
    return entry.date_start


def _as_recorded_date(value: RecordedDate | ChronologyEntry) -> RecordedDate:
    if isinstance(value, RecordedDate):
        return value
    return RecordedDate(value.date_start, value.date_end, value.certainty, value.date_as_recorded)


def _marked_approximate(as_recorded: str) -> bool:
    text = as_recorded.strip()
    return bool(_APPROXIMATE.match(text) or _TRAILING_QUERY.match(text))


def _time_key(text: str) -> tuple[int, int, str]:
    text = text.strip()
    if not text:
        return (0, 0, "")
    if (m := _TIME.match(text)) and int(m[1]) < 24 and int(m[2]) < 60:
        return (1, int(m[1]) * 60 + int(m[2]), "")
    return (1, 24 * 60, text)


def _parse_single(text: str) -> tuple[date, date | None, DateCertainty]:
    """One date, not a range; an approximate marker makes an exact day approximate."""
    approximate = False
    if m := (_APPROXIMATE.match(text) or _TRAILING_QUERY.match(text)):
        approximate, text = True, m["rest"].strip()
    if m := _YEAR.match(text):
        year = _check_year(int(m[1]), text)
        return date(year, 1, 1), date(year, 12, 31), DateCertainty.YEAR
    if month := _month(text):
        year, number = month
        return date(year, number, 1), _last_day(year, number), DateCertainty.MONTH
    if part := _part_of_year(text):
        return part[0], part[1], DateCertainty.SPAN
    _refuse_ambiguous(text)
    day = _exact(text)
    _check_year(day.year, text)
    return day, None, DateCertainty.APPROXIMATE if approximate else DateCertainty.EXACT


def _check_year(year: int, text: str) -> int:
    """Reviews look back decades, not centuries: "0216" or "3016" is a slip of the keyboard."""
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise DateError(f"'{text}': the year {year} looks mistyped.")
    return year


def _month(text: str) -> tuple[int, int] | None:
    """(year, month) for "05/2016", "2016-05" or "May 2016"; None when it is not a month."""
    if m := _MONTH_NUMERIC.match(text):
        number, year = int(m[1]), int(m[2])
    elif m := _MONTH_ISO.match(text):
        year, number = int(m[1]), int(m[2])
    elif (m := _MONTH_WORDS.match(text)) and m[1].lower() in MONTHS:
        number, year = MONTHS[m[1].lower()], int(m[2])
    else:
        return None
    if not 1 <= number <= 12:
        raise DateError(f"'{text}': there is no month {number}.")
    return _check_year(year, text), number


def _part_of_year(text: str) -> tuple[date, date] | None:
    """The range for "summer 2017", "early 2017" or "winter 2017/18"."""
    if m := _WINTER_ACROSS.match(text):
        year, second = int(m[1]), m[2]
        following = int(second) if len(second) == 4 else year // 100 * 100 + int(second)
        if following != year + 1:
            raise DateError(
                f"'{text}': a winter runs across two years in a row, such as winter "
                f"{year}/{(year + 1) % 100:02d}."
            )
        part = "winter"
    elif m := _PART_OF_YEAR.match(text):
        part, year = m[1].lower(), int(m[2])
    else:
        return None
    _check_year(year, text)
    first_month, last_month, years_on = _PARTS[part]
    return date(year, first_month, 1), _last_day(year + years_on, last_month)


def _refuse_ambiguous(text: str) -> None:
    """Ask rather than guess when "5/16" or "May 16" could be a month or a day."""
    if m := _SHORT_MONTH_NUMERIC.match(text):
        raise DateError(
            f"'{text}' is ambiguous: write {int(m[1]):02d}/{full_year(m[2])} for the month, "
            "or dd/mm/yyyy for a day."
        )
    if (m := _SHORT_MONTH_WORDS.match(text)) and m[1].lower() in MONTHS:
        month = MONTHS[m[1].lower()]
        raise DateError(
            f"'{text}' is ambiguous: write {calendar.month_name[month]} {full_year(m[2])} "
            f"for the month, or {int(m[2]):02d}/{month:02d}/yyyy for a day."
        )


def _exact(text: str) -> date:
    """``parse_uk_date``, with the reason a date cannot exist spelt out."""
    try:
        return parse_uk_date(text)
    except DateError as error:
        raise DateError(_explain(text, error)) from None


def _explain(text: str, error: DateError) -> str:
    """Name what is impossible: a 29 February outside a leap year, a US-ordered date."""
    parts = read_day_month_year(" ".join(text.lower().split()))
    if parts is None:
        return (
            f"'{text}' is not a date: type dd/mm/yyyy, or when less is known 05/2016, "
            "2016, ?22/05/2016 or summer 2016."
        )
    day, month, year = parts
    if not 1 <= month <= 12:
        message = f"{text}: there is no month {month} — dates are day/month/year"
        if _exists(year, day, month):
            return f"{message}; did you mean {month:02d}/{day:02d}/{year}?"
        return f"{message}."
    if day == 29 and month == 2 and not calendar.isleap(year):
        return f"29/02/{year} does not exist ({year} is not a leap year)."
    days = calendar.monthrange(year, month)[1]
    if day > days:
        return (
            f"{day:02d}/{month:02d}/{year} does not exist "
            f"({calendar.month_name[month]} {year} has {days} days)."
        )
    return str(error)


def _exists(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _split_range(text: str) -> tuple[str, str] | None:
    """The two ends of "03/2017 - 05/2017", "3/4/2016 to 10/4/2016" or "between … and …"."""
    if m := _BETWEEN.match(text):
        return m[1], m[2]
    if m := _YEAR_RANGE.match(text):
        return m[1], m[2]
    pieces = _RANGE_SEPARATOR.split(_FROM.sub("", text), maxsplit=1)
    if len(pieces) != 2 or not all(p.strip() for p in pieces):
        return None
    return pieces[0].strip(), pieces[1].strip()


def _parse_range(first: str, last: str, as_recorded: str) -> tuple[date, date, DateCertainty]:
    start, _, _ = _parse_single(first)
    end_start, end_end, _ = _parse_single(last)
    end = end_end or end_start
    if end < start:
        raise DateError(f"'{as_recorded}' ends before it starts.")
    return start, end, DateCertainty.SPAN
