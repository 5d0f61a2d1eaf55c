"""UK dates as people type them: always day before month, shown as dd/mm/yyyy."""

from __future__ import annotations

import re
from datetime import date

from imr_app.core.errors import ImrError

MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_WORDS = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


class DateError(ImrError):
    """Text that is not a date, with what was wrong in words."""


def format_uk(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def full_year(text: str) -> int:
    """'16' is 2016 and '85' is 1985: the reviews look back decades, not ahead."""
    year = int(text)
    if len(text) == 2:
        year += 2000 if year <= date.today().year % 100 else 1900
    return year


def read_day_month_year(cleaned: str) -> tuple[int, int, int] | None:
    """(day, month, year) as typed, unchecked; None when it is no date format we read.

    ``cleaned`` is lower case with single spaces. A word where the month goes that is no
    month raises ``DateError``.
    """
    if m := _ISO.match(cleaned):
        return int(m[3]), int(m[2]), int(m[1])
    if m := _NUMERIC.match(cleaned):
        return int(m[1]), int(m[2]), full_year(m[3])
    if m := _WORDS.match(cleaned):
        if m[2] not in MONTHS:
            raise DateError(f"'{m[2]}' is not a month.")
        return int(m[1]), MONTHS[m[2]], full_year(m[3])
    return None


def parse_uk_date(text: str) -> date:
    """'3/4/16', '03.04.2016', '3 April 2016', '3 Apr 16' and ISO all mean 3 April 2016."""
    cleaned = " ".join(text.strip().lower().split())
    if not cleaned:
        raise DateError("No date given.")
    read = read_day_month_year(cleaned)
    if read is None:
        raise DateError(f"'{text.strip()}' is not a date; type it as dd/mm/yyyy.")
    d, mo, y = read
    if not 1 <= mo <= 12:
        raise DateError(f"There is no month {mo}; dates are day/month/year.")
    try:
        return date(y, mo, d)
    except ValueError:
        raise DateError(f"{d:02d}/{mo:02d}/{y} does not exist.") from None
