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


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:  # 16 -> 2016, 85 -> 1985: the reviews look back decades, not ahead
        year += 2000 if year <= date.today().year % 100 else 1900
    return year


def parse_uk_date(text: str) -> date:
    """'3/4/16', '03.04.2016', '3 April 2016', '3 Apr 16' and ISO all mean 3 April 2016."""
    cleaned = " ".join(text.strip().lower().split())
    if not cleaned:
        raise DateError("No date given.")
    if m := _ISO.match(cleaned):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := _NUMERIC.match(cleaned):
        d, mo, y = int(m[1]), int(m[2]), _year(m[3])
    elif m := _WORDS.match(cleaned):
        if m[2] not in MONTHS:
            raise DateError(f"'{m[2]}' is not a month.")
        d, mo, y = int(m[1]), MONTHS[m[2]], _year(m[3])
    else:
        raise DateError(f"'{text.strip()}' is not a date; type it as dd/mm/yyyy.")
    if not 1 <= mo <= 12:
        raise DateError(f"There is no month {mo}; dates are day/month/year.")
    try:
        return date(y, mo, d)
    except ValueError:
        raise DateError(f"{d:02d}/{mo:02d}/{y} does not exist.") from None
