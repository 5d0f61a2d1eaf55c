"""The chronology as Qt models: the entries in storage order, sorted, and filtered.

Three layers, each with one job, so that 10,000 entries never freeze the window:

- ``ChronologyModel`` is a table over the draft's own list (``draft.chronology``) in storage
  order. Edits write into the dataclasses, so ids never change, and it reports every change
  with fine-grained signals (rows inserted, rows removed, one row's ``dataChanged``): it is
  never reset by an edit, and each edit is saved as one entry (``entry:<id>``).
- ``EntryOrder`` holds the rows in the order the author sorted them. Sorting is done here in
  Python with ``sorted()`` over precomputed keys, because Qt's own proxy sorting calls a
  Python ``lessThan`` or ``data()`` for every one of ~130,000 comparisons (0.5–1.3 s for
  10,000 rows, measured); this takes tens of milliseconds.
- ``ChronologyProxy`` (a ``QSortFilterProxyModel``) filters by subject, flag, source, text
  and date range, with one cheap lowercase text per entry kept between filter changes. It
  forwards ``sort()`` to ``EntryOrder``, so views and header clicks work as usual.

No row jumps away or vanishes under the author's cursor: an edited entry stays visible until
the filter changes, and new, pasted or restored entries are shown even when the filter would
hide them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from html import escape
from operator import itemgetter
from typing import Any

from PySide6.QtCore import (
    QAbstractProxyModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette

from imr_app.core.chronology_dates import (
    format_recorded,
    last_possible_day,
    parse_recorded_date,
    sort_key,
)
from imr_app.core.dates import format_uk
from imr_app.core.errors import ImrError
from imr_app.core.model import (
    ChronologyEntry,
    ContactOutcome,
    DateCertainty,
    ImrDraft,
    Relevance,
    new_id,
)
from imr_app.core.text import clean_text
from imr_app.gui.pages.row_editing import Column, Editor
from imr_app.services.chronology_checks import FAILED_CONTACTS

AnyIndex = QModelIndex | QPersistentModelIndex
Changed = Callable[[str], None]

_DISPLAY = Qt.ItemDataRole.DisplayRole
_EDIT = Qt.ItemDataRole.EditRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_FONT = Qt.ItemDataRole.FontRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_ROOT = QModelIndex()

DATE, TIME, SOURCE, SUBJECTS, STAFF, EVENT, ACTION, OUTCOME, CONTACT, FLAGS, RELEVANCE = range(11)

CONTACT_CHOICES: tuple[tuple[str, ContactOutcome], ...] = (
    ("Not a contact attempt", ContactOutcome.NOT_A_CONTACT_ATTEMPT),
    ("Attended", ContactOutcome.ATTENDED),
    ("Did not attend", ContactOutcome.DID_NOT_ATTEND),
    ("No reply", ContactOutcome.NO_REPLY),
    ("Declined", ContactOutcome.DECLINED),
    ("Cancelled", ContactOutcome.CANCELLED),
)
RELEVANCE_CHOICES: tuple[tuple[str, Relevance], ...] = (
    ("Full", Relevance.FULL),
    ("Précis", Relevance.PRECIS),
)
CONTACT_LABELS = {value: label for label, value in CONTACT_CHOICES}
RELEVANCE_LABELS = {value: label for label, value in RELEVANCE_CHOICES}
DATE_FORMS = "3/4/16, 3 Apr 2016, 03.04.2016; when less is known ?22/05/2016, 05/2016, summer 2017"

# The delegate (``row_editing.CellDelegate``) reads each column's editor, choices and
# placeholder from these; widths suit the chronology page at 1366 px.
COLUMNS: tuple[Column, ...] = (
    Column("Date", "date_start", placeholder="dd/mm/yyyy", width=96),
    Column("Time", "time", placeholder="hh:mm", width=88),
    Column("Source", "source", placeholder="Required", width=180),
    Column("Subjects", "subjects", placeholder="Pseudonyms", width=120),
    Column("Staff", "staff", placeholder="Roles", width=120),
    Column("Event", "event", Editor.PROSE, width=360),
    Column("Action", "action", Editor.PROSE, width=200),
    Column("Outcome", "outcome", Editor.PROSE, width=200),
    Column("Contact", "contact_outcome", Editor.CHOICE, choices=CONTACT_CHOICES, width=110),
    Column("Flags", "flags", placeholder="DA, significant", width=110),
    Column("Relevance", "relevance", Editor.CHOICE, choices=RELEVANCE_CHOICES, width=80),
)
HEADER_TIPS = {
    DATE: f"Day before month, always. Type {DATE_FORMS}.",
    TIME: "hh:mm, or a span such as 09:00-10:30",
    SOURCE: "The record or system the entry comes from (required)",
    SUBJECTS: "Who was involved, by pseudonym, separated by commas",
    STAFF: "Professionals by role, separated by semicolons",
    CONTACT: "For a contact attempt: whether it succeeded",
    FLAGS: "DA (domestic abuse related) and/or significant",
    RELEVANCE: "Full, or précis for matters not relevant to the death (ToR 5.5.6)",
}
CERTAINTY_TIPS = {
    DateCertainty.EXACT: "Exact date",
    DateCertainty.APPROXIMATE: "Approximate date",
    DateCertainty.MONTH: "Month only",
    DateCertainty.YEAR: "Year only",
    DateCertainty.SPAN: "A span of time",
}
_TIME = re.compile(r"^(\d{1,2})(?:[:.]?(\d{2}))$")
_TIME_SPAN = re.compile(r"\s*(?:-|–|—|\bto\b)\s*", re.IGNORECASE)
_FLAG_SEPARATORS = re.compile(r"[,;/+&]|\band\b", re.IGNORECASE)
_DA_WORDS = frozenset({"da", "domestic abuse", "domestic abuse related", "d/a"})
_SIGNIFICANT_WORDS = frozenset({"significant", "sig", "significant event", "key event"})
_DIGITS = re.compile(r"(\d+)")
_FAILED_COLOUR = "#9a4a00"  # dark amber: readable on white and on the alternate row colour


class ChronologyModel(QAbstractTableModel):
    """Every chronology entry of a draft, one row each, in storage order."""

    refused = Signal(str)  # a typed value was not stored, and why

    def __init__(
        self, draft: ImrDraft, changed: Changed | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.draft = draft
        self.entries: list[ChronologyEntry] = draft.chronology
        self._changed = changed or (lambda _part: None)
        self._italic = QFont()
        self._italic.setItalic(True)

    # ---- Qt's model interface ------------------------------------------------------
    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation is Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == _DISPLAY:
                return COLUMNS[section].header
            if role == _TOOLTIP:
                return HEADER_TIPS.get(section)
            return None
        return super().headerData(section, orientation, role)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsEditable

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        return self.data_at(index.row(), index.column(), role)

    def data_at(self, row: int, column: int, role: int) -> Any:
        """``data()`` without building an index: the sorted layer asks by row number."""
        entry = self.entries[row]
        if role == _DISPLAY:
            text = self.display_text(entry, column)
            return text or (COLUMNS[column].placeholder if column == SOURCE else "")
        if role == _EDIT:
            return self.edit_value(entry, column)
        if role == _TOOLTIP:
            return self._tooltip(entry, column)
        if role == _FONT:
            uncertain = column == DATE and entry.certainty is not DateCertainty.EXACT
            return self._italic if uncertain or (column == SOURCE and not entry.source) else None
        if role == _FOREGROUND:
            if column == SOURCE and not entry.source.strip():
                return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
            if column == CONTACT and entry.contact_outcome in FAILED_CONTACTS:
                return QColor(_FAILED_COLOUR)
            return None
        if role == _ALIGN:
            return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = _EDIT) -> bool:
        """Store a typed value after checking it; False (and ``refused``) when it is wrong."""
        if not index.isValid() or role != _EDIT:
            return False
        entry = self.entries[index.row()]
        column = index.column()
        try:
            values = self._parse(entry, column, value)
        except (ImrError, ValueError) as exc:
            header = COLUMNS[column].header
            self.refused.emit(f"{header}: {exc} The previous value is kept.")
            return False
        self.update_entry(index.row(), **values)
        return True

    # ---- what the page reads --------------------------------------------------------
    def entry(self, row: int) -> ChronologyEntry:
        return self.entries[row]

    def row_of(self, entry_id: str) -> int | None:
        return next((n for n, e in enumerate(self.entries) if e.id == entry_id), None)

    def subject_names(self) -> dict[str, str]:
        """Subject id -> pseudonym, read afresh: the Subjects page may have renamed one."""
        return {s.id: s.pseudonym for s in self.draft.subjects}

    def display_text(self, entry: ChronologyEntry, column: int) -> str:
        """The text a cell shows; long text on one line, since rows are one line high."""
        if column == DATE:
            shown = format_recorded(entry)
            if entry.date_end is not None and entry.certainty in _DAY_CERTAINTIES:
                shown += f" – {format_uk(entry.date_end)}"
            return shown
        if column == TIME:
            return f"{entry.time}–{entry.end_time}" if entry.end_time else entry.time
        if column == SOURCE:
            return entry.source
        if column == SUBJECTS:
            names = self.subject_names()
            return ", ".join(names.get(s, "(removed subject)") for s in entry.subjects)
        if column == STAFF:
            return "; ".join(entry.staff)
        if column in (EVENT, ACTION, OUTCOME):
            return " ".join(getattr(entry, COLUMNS[column].attr).split())
        if column == CONTACT:
            outcome = entry.contact_outcome
            return (
                "" if outcome is ContactOutcome.NOT_A_CONTACT_ATTEMPT else CONTACT_LABELS[outcome]
            )
        if column == FLAGS:
            return flags_text(entry)
        if column == RELEVANCE:
            return RELEVANCE_LABELS.get(entry.relevance, "")
        return ""

    def edit_value(self, entry: ChronologyEntry, column: int) -> Any:
        """What an editor starts from: text, or the value itself for a choice."""
        if column == CONTACT:
            return entry.contact_outcome
        if column == RELEVANCE:
            return entry.relevance
        if column in (EVENT, ACTION, OUTCOME):
            return getattr(entry, COLUMNS[column].attr)
        return self.display_text(entry, column)

    def _tooltip(self, entry: ChronologyEntry, column: int) -> str | None:
        if column == DATE:
            return date_tooltip(entry)
        if column in (EVENT, ACTION, OUTCOME, SOURCE, SUBJECTS, STAFF):
            long_text = column in (EVENT, ACTION, OUTCOME)
            text = (
                getattr(entry, COLUMNS[column].attr)
                if long_text
                else self.display_text(entry, column)
            )
            # Rich text, so Qt wraps a long note instead of one line across the screen.
            return f"<p style='white-space:pre-wrap'>{escape(text)}</p>" if text else None
        if column == FLAGS:
            return flags_tooltip(entry)
        if column == CONTACT and entry.contact_outcome in FAILED_CONTACTS:
            return "A failed contact attempt"
        return None

    # ---- checking typed values ------------------------------------------------------
    def _parse(self, entry: ChronologyEntry, column: int, value: Any) -> dict[str, Any]:
        """The fields a typed value sets; raises with a message the author can act on."""
        if column == CONTACT:
            return {"contact_outcome": _choice(value, CONTACT_CHOICES)}
        if column == RELEVANCE:
            return {"relevance": _choice(value, RELEVANCE_CHOICES)}
        text = clean_text(str(value if value is not None else ""))
        if column in (EVENT, ACTION, OUTCOME):
            return {COLUMNS[column].attr: text.strip()}
        text = " ".join(text.split())
        if text == self.edit_value(entry, column):
            return {}  # Enter on an unchanged cell: keep the value exactly as it was stored
        if column == DATE:
            return parse_entry_date(text, entry)
        if column == TIME:
            start, end = parse_time_span(text)
            return {"time": start, "end_time": end}
        if column == SOURCE:
            if not text:
                raise ValueError(
                    "a source is required: the record or system the entry comes from "
                    "(for example “Custody record”)."
                )
            return {"source": text}
        if column == SUBJECTS:
            return {"subjects": parse_subjects(text, self.draft)}
        if column == STAFF:
            return {"staff": split_roles(text)}
        if column == FLAGS:
            domestic_abuse, significant = parse_flags(text)
            return {"domestic_abuse": domestic_abuse, "significant": significant}
        return {}

    # ---- changing entries ------------------------------------------------------------
    def update_entry(self, row: int, **values: Any) -> bool:
        """Set fields of one entry, repaint its row, and save it; False when nothing changed."""
        entry = self.entries[row]
        changes = {k: v for k, v in values.items() if getattr(entry, k) != v}
        if not changes:
            return False
        for name, value in changes.items():
            setattr(entry, name, value)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        self._changed(f"entry:{entry.id}")
        return True

    def add_entry(self, entry: ChronologyEntry) -> int:
        """Append one entry (storage order is the order of entry); its row."""
        return self.add_entries([entry])[0]

    def add_entries(self, entries: Sequence[ChronologyEntry]) -> list[int]:
        """Append entries in one insertion (a paste or an import); their rows."""
        if not entries:
            return []
        first = len(self.entries)
        self.beginInsertRows(_ROOT, first, first + len(entries) - 1)
        self.entries.extend(entries)
        self.endInsertRows()
        for entry in entries:
            self._changed(f"entry:{entry.id}")
        return list(range(first, first + len(entries)))

    def duplicate(self, rows: Iterable[int]) -> list[ChronologyEntry]:
        """Copies of the entries at ``rows``, with new ids, appended in one insertion.

        Appended rather than placed beside each original: a copy has the same date, so the
        date order shows it next to the original anyway, and no other entry moves in storage.
        """
        copies = [
            replace(
                self.entries[r],
                id=new_id(),
                subjects=[*self.entries[r].subjects],
                staff=[*self.entries[r].staff],
            )
            for r in sorted(set(rows))
        ]
        self.add_entries(copies)
        return copies

    def remove(self, rows: Iterable[int]) -> list[tuple[ChronologyEntry, int]]:
        """Delete entries; (entry, where it was) in storage order, for ``restore``."""
        ordered = sorted(set(rows))
        removed = [(self.entries[r], r) for r in ordered]
        for first, last in reversed(_runs(ordered)):
            self.beginRemoveRows(_ROOT, first, last)
            del self.entries[first : last + 1]
            self.endRemoveRows()
        for entry, _ in removed:
            self._changed(f"entry-removed:{entry.id}")
        return removed

    def restore(self, removed: Sequence[tuple[ChronologyEntry, int]]) -> list[int]:
        """Put deleted entries back where they were (undo); their rows."""
        ordered = sorted(removed, key=itemgetter(1))
        rows: list[int] = []
        position = 0
        while position < len(ordered):
            # Entries that sat next to each other go back in one insertion.
            end = position + 1
            while end < len(ordered) and ordered[end][1] == ordered[end - 1][1] + 1:
                end += 1
            block = ordered[position:end]
            first = min(block[0][1], len(self.entries))
            self.beginInsertRows(_ROOT, first, first + len(block) - 1)
            self.entries[first:first] = [entry for entry, _ in block]
            self.endInsertRows()
            rows.extend(range(first, first + len(block)))
            position = end
        for entry, _ in ordered:
            self._changed(f"entry:{entry.id}")
        return rows

    def subjects_changed(self) -> None:
        """Repaint the subjects column after a pseudonym was changed elsewhere."""
        if self.entries:
            last = len(self.entries) - 1
            self.dataChanged.emit(self.index(0, SUBJECTS), self.index(last, SUBJECTS))

    def reload(self, draft: ImrDraft) -> None:
        """Show another draft's chronology (the draft was replaced): a reset, not an edit."""
        self.beginResetModel()
        self.draft = draft
        self.entries = draft.chronology
        self.endResetModel()


# ---- typed values ------------------------------------------------------------------------

_DAY_CERTAINTIES = (DateCertainty.EXACT, DateCertainty.APPROXIMATE)


def parse_entry_date(text: str, entry: ChronologyEntry) -> dict[str, Any]:
    """The date fields for typed text; ``DateError`` says in words what is wrong.

    A month, year or span brings its own last day as the end. An end date the record gave
    for a day (a hospital stay imported with an end-date column) is kept when the new date is
    a day too and the end still follows it.
    """
    recorded = parse_recorded_date(text)
    end = recorded.end
    kept = entry.date_end
    if (
        end is None
        and kept is not None
        and entry.certainty in _DAY_CERTAINTIES
        and recorded.certainty in _DAY_CERTAINTIES
        and kept >= recorded.start
    ):
        end = kept
    return {
        "date_start": recorded.start,
        "date_end": end,
        "certainty": recorded.certainty,
        "date_as_recorded": recorded.as_recorded,
    }


def parse_time(text: str) -> str:
    """'9:05', '09.05' and '0905' are 09:05; anything else is refused."""
    m = _TIME.match(text.strip())
    if not m or int(m[1]) > 23 or int(m[2]) > 59:
        raise ValueError(f"'{text.strip()}' is not a time of day: type it as hh:mm, e.g. 14:30.")
    return f"{int(m[1]):02d}:{m[2]}"


def parse_time_span(text: str) -> tuple[str, str]:
    """(time, end time) from '', '14:30' or '09:00-10:30'."""
    if not text.strip():
        return "", ""
    parts = [p for p in _TIME_SPAN.split(text.strip(), maxsplit=1) if p.strip()]
    start = parse_time(parts[0])
    return start, parse_time(parts[1]) if len(parts) > 1 else ""


def parse_subjects(text: str, draft: ImrDraft) -> list[str]:
    """Subject ids for typed names; a real name is accepted and stored as the subject's id."""
    by_name: dict[str, str] = {}
    for subject in draft.subjects:
        if subject.real_name.strip():
            by_name.setdefault(subject.real_name.strip().casefold(), subject.id)
    for subject in draft.subjects:
        by_name[subject.pseudonym.strip().casefold()] = subject.id
    ids: list[str] = []
    unknown: list[str] = []
    for name in (n.strip() for n in re.split(r"[,;]", text)):
        if not name:
            continue
        subject_id = by_name.get(name.casefold())
        if subject_id is None:
            unknown.append(name)
        elif subject_id not in ids:
            ids.append(subject_id)
    if unknown:
        known = ", ".join(s.pseudonym for s in draft.subjects) or "none yet"
        raise ValueError(
            f"no subject is called {', '.join(repr(n) for n in unknown)} (the subjects are "
            f"{known}; add people on the Subjects page)."
        )
    return ids


def split_roles(text: str) -> list[str]:
    """Roles by semicolon when there is one, since a role may hold a comma ("Nurse, ED")."""
    separator = ";" if ";" in text else ","
    return [part.strip() for part in text.split(separator) if part.strip()]


def parse_flags(text: str) -> tuple[bool, bool]:
    """(domestic abuse related, significant) from 'DA, significant', 'da' or ''."""
    domestic_abuse = significant = False
    for word in (" ".join(w.split()).casefold() for w in _FLAG_SEPARATORS.split(text)):
        if not word:
            continue
        if word in _DA_WORDS:
            domestic_abuse = True
        elif word in _SIGNIFICANT_WORDS:
            significant = True
        else:
            raise ValueError(
                f"'{word}' is not a flag: type DA (domestic abuse related) and/or significant, "
                "separated by a comma, or leave it empty."
            )
    return domestic_abuse, significant


def flags_text(entry: ChronologyEntry) -> str:
    flags = (["DA"] if entry.domestic_abuse else []) + (
        ["significant"] if entry.significant else []
    )
    return ", ".join(flags)


def flags_tooltip(entry: ChronologyEntry) -> str | None:
    words = (["Domestic abuse related"] if entry.domestic_abuse else []) + (
        ["significant event"] if entry.significant else []
    )
    return "; ".join(words) or None


def date_tooltip(entry: ChronologyEntry) -> str:
    """How sure the date is, in words, and the days it stands for."""
    tip = CERTAINTY_TIPS.get(entry.certainty, "")
    last = last_possible_day(entry)
    if entry.certainty is DateCertainty.APPROXIMATE:
        tip += f": around {format_uk(entry.date_start)}"
    elif last != entry.date_start:
        tip += f": {format_uk(entry.date_start)} to {format_uk(last)}"
    recorded = entry.date_as_recorded.strip()
    if recorded and recorded != format_recorded(entry):
        tip += f"\nAs recorded: {recorded}"
    return tip


def _choice(value: Any, choices: Sequence[tuple[str, Any]]) -> Any:
    """A choice's value from the value itself, its text (Qt hands enums back as str) or label."""
    text = "" if value is None else str(value)
    for label, choice in choices:
        if text == choice.value or text.casefold() == label.casefold():
            return choice
    raise ValueError(f"'{text}' is not one of {', '.join(label for label, _ in choices)}.")


def _runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Ascending row numbers as (first, last) runs of neighbours."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


# ---- sorting -----------------------------------------------------------------------------


def _natural(text: str) -> tuple[Any, ...]:
    """'Visit 10' after 'Visit 9': text case-folded, with runs of digits compared as numbers."""
    parts = _DIGITS.split(text.casefold())
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts))


def _date_keyer() -> Callable[[ChronologyEntry], tuple[Any, ...]]:
    """``sort_key`` without its position part (``sorted`` is stable over storage order).

    Only the day differs between most entries: the rest of the key (certainty, then time of
    day, which takes a regular expression to read) is worked out once per certainty and
    time, which halves the cost of sorting 10,000 entries.
    """
    rest: dict[tuple[DateCertainty, str], tuple[Any, ...]] = {}

    def key(entry: ChronologyEntry) -> tuple[Any, ...]:
        known = rest.get((entry.certainty, entry.time))
        if known is None:
            known = rest[(entry.certainty, entry.time)] = sort_key(entry)[1:3]
        return (entry.date_start, known)

    return key


def column_key(model: ChronologyModel, column: int) -> Callable[[ChronologyEntry], Any]:
    """How entries compare in ``column``: dates as ``sort_key`` places them, other columns in
    their natural order, and entries that tie by date order."""
    by_date = _date_keyer()
    if column == DATE:
        return by_date
    if column == TIME:
        return lambda e: (by_date(e)[1][1], by_date(e))
    if column == CONTACT:
        order = {value: n for n, (_, value) in enumerate(CONTACT_CHOICES)}
        return lambda e: (order.get(e.contact_outcome, 0), by_date(e))
    if column == FLAGS:
        return lambda e: (e.domestic_abuse, e.significant, by_date(e))
    if column == RELEVANCE:
        return lambda e: (e.relevance is Relevance.PRECIS, by_date(e))
    if column == SUBJECTS:
        return lambda e: (_natural(model.display_text(e, SUBJECTS)), by_date(e))
    attr = COLUMNS[column].attr
    if column == STAFF:
        return lambda e: (_natural("; ".join(e.staff)), by_date(e))
    if column in (EVENT, ACTION, OUTCOME):  # long notes: numbers inside matter little here
        return lambda e: (getattr(e, attr).casefold(), by_date(e))
    return lambda e: (_natural(getattr(e, attr)), by_date(e))


class EntryOrder(QAbstractProxyModel):
    """The entries in the order the author sorted them; storage order until then.

    ``_rows[n]`` is the storage row shown at row ``n``; ``_keys[n]`` its sort key (None when
    unsorted), so a new entry finds its place by binary search rather than a re-sort.
    """

    # Above this many rows in one dataChanged (a renamed subject), re-sort rather than move.
    MOVE_LIMIT = 64

    def __init__(self, model: ChronologyModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.chronology = model
        self.column = -1
        self.descending = False
        self._rows: list[int] = list(range(model.rowCount()))
        self._keys: list[Any] | None = None
        self._where: list[int] | None = None
        self.setSourceModel(model)
        model.rowsInserted.connect(self._inserted)
        model.rowsAboutToBeRemoved.connect(self._about_to_remove)
        model.rowsRemoved.connect(self._removed)
        model.dataChanged.connect(self._data_changed)
        model.modelAboutToBeReset.connect(self.beginResetModel)
        model.modelReset.connect(self._reset)
        model.headerDataChanged.connect(self.headerDataChanged)

    # ---- Qt's proxy interface ---------------------------------------------------------
    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def index(self, row: int, column: int, parent: AnyIndex = _ROOT) -> QModelIndex:
        if parent.isValid() or not (0 <= row < len(self._rows) and 0 <= column < len(COLUMNS)):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, child: AnyIndex | None = None) -> Any:  # type: ignore[override]
        if child is None:  # QObject.parent()
            return super().parent()
        return QModelIndex()

    def sibling(self, row: int, column: int, index: AnyIndex) -> QModelIndex:
        return self.index(row, column)

    def hasChildren(self, parent: AnyIndex = _ROOT) -> bool:
        return not parent.isValid() and bool(self._rows)

    def mapToSource(self, proxy_index: AnyIndex) -> QModelIndex:
        if not proxy_index.isValid():
            return QModelIndex()
        return self.chronology.index(self._rows[proxy_index.row()], proxy_index.column())

    def mapFromSource(self, source_index: AnyIndex) -> QModelIndex:
        if not source_index.isValid():
            return QModelIndex()
        return self.index(self.position_of(source_index.row()), source_index.column())

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        return self.chronology.data_at(self._rows[index.row()], index.column(), role)

    def setData(self, index: AnyIndex, value: Any, role: int = _EDIT) -> bool:
        return self.chronology.setData(self.mapToSource(index), value, role)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return self.chronology.flags(self.mapToSource(index))

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation is Qt.Orientation.Horizontal:
            return self.chronology.headerData(section, orientation, role)
        return section + 1 if role == _DISPLAY else None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_by(column, order)

    # ---- rows ------------------------------------------------------------------------
    def sort_order(self) -> Qt.SortOrder:
        return Qt.SortOrder.DescendingOrder if self.descending else Qt.SortOrder.AscendingOrder

    def storage_row(self, row: int) -> int:
        return self._rows[row]

    def position_of(self, storage_row: int) -> int:
        """Where a storage row is shown (-1 while it is being inserted)."""
        if self._where is None:
            where = [-1] * len(self.chronology.entries)
            for position, row in enumerate(self._rows):
                if row < len(where):
                    where[row] = position
            self._where = where
        return self._where[storage_row] if 0 <= storage_row < len(self._where) else -1

    def sort_by(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort every row once, with ``sorted()`` over one key per entry.

        Sorting again by the same column and order does nothing: inserted and edited rows
        are put in their place as they come, so the order is already right.
        """
        column = column if 0 <= column < len(COLUMNS) else -1
        descending = order == Qt.SortOrder.DescendingOrder and column >= 0
        if (column, descending) == (self.column, self.descending):
            return
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        storage = [self._rows[i.row()] for i in before]
        self.column, self.descending = column, descending
        entries = self.chronology.entries
        if self.column < 0:
            self._rows, self._keys = list(range(len(entries))), None
        else:
            key = column_key(self.chronology, self.column)
            keys = [key(e) for e in entries]
            self._rows = sorted(range(len(entries)), key=keys.__getitem__, reverse=self.descending)
            self._keys = [keys[r] for r in self._rows]
        self._where = None
        after = [
            self.index(self.position_of(s), i.column())
            for s, i in zip(storage, before, strict=True)
        ]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def _place(self, key: Any, keys: list[Any]) -> int:
        """Where ``key`` goes in ``keys``: after every equal key, as a stable sort puts it."""
        low, high = 0, len(keys)
        while low < high:
            middle = (low + high) // 2
            if (keys[middle] < key) if self.descending else (key < keys[middle]):
                high = middle
            else:
                low = middle + 1
        return low

    def _inserted(self, _parent: AnyIndex, first: int, last: int) -> None:
        count = last - first + 1
        old_length = len(self.chronology.entries) - count
        if first < old_length:
            self._rows = [r + count if r >= first else r for r in self._rows]
        self._where = None
        if self._keys is None:
            self.beginInsertRows(_ROOT, first, last)
            self._rows = list(range(len(self.chronology.entries)))
            self._where = None
            self.endInsertRows()
            return
        key = column_key(self.chronology, self.column)
        places: dict[int, list[tuple[Any, int]]] = {}
        for row in range(first, last + 1):
            k = key(self.chronology.entries[row])
            places.setdefault(self._place(k, self._keys), []).append((k, row))
        # New rows that fall between the same two old rows go in as one block.
        offset = 0
        for place in sorted(places):
            block = sorted(places[place], key=itemgetter(0), reverse=self.descending)
            at = place + offset
            self.beginInsertRows(_ROOT, at, at + len(block) - 1)
            self._rows[at:at] = [row for _, row in block]
            self._keys[at:at] = [k for k, _ in block]
            self._where = None
            self.endInsertRows()
            offset += len(block)

    def _about_to_remove(self, _parent: AnyIndex, first: int, last: int) -> None:
        positions = sorted(self.position_of(row) for row in range(first, last + 1))
        for start, end in reversed(_runs(positions)):
            self.beginRemoveRows(_ROOT, start, end)
            del self._rows[start : end + 1]
            if self._keys is not None:
                del self._keys[start : end + 1]
            self._where = None
            self.endRemoveRows()

    def _removed(self, _parent: AnyIndex, first: int, last: int) -> None:
        count = last - first + 1
        self._rows = [r - count if r > last else r for r in self._rows]
        self._where = None

    def _data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex, roles: Any) -> None:
        first, last = top_left.row(), bottom_right.row()
        left, right = top_left.column(), bottom_right.column()
        resort = self._keys is not None and left <= self.column <= right
        if last - first >= self.MOVE_LIMIT:
            if resort:
                column, order = self.column, self.sort_order()
                self.column = -1  # sort afresh: many keys changed at once
                self.sort_by(column, order)
            if self._rows:
                self.dataChanged.emit(self.index(0, left), self.index(len(self._rows) - 1, right))
            return
        for row in range(first, last + 1):
            position = self.position_of(row)
            if position < 0:
                continue
            if resort:
                position = self._move(
                    position, column_key(self.chronology, self.column)(self.chronology.entries[row])
                )
            self.dataChanged.emit(self.index(position, left), self.index(position, right))

    def _move(self, position: int, key: Any) -> int:
        """Move an edited row to where its new key belongs; its new position."""
        assert self._keys is not None
        if key == self._keys[position]:
            return position
        others = self._keys[:position] + self._keys[position + 1 :]
        target = self._place(key, others)
        if target == position:
            self._keys[position] = key
            return position
        destination = target if target < position else target + 1
        self.beginMoveRows(_ROOT, position, position, _ROOT, destination)
        self._rows.insert(target, self._rows.pop(position))
        self._keys.pop(position)
        self._keys.insert(target, key)
        self._where = None
        self.endMoveRows()
        return target

    def _reset(self) -> None:
        self.column, self.descending = -1, False
        self._rows = list(range(len(self.chronology.entries)))
        self._keys = None
        self._where = None
        self.endResetModel()


# ---- filtering ---------------------------------------------------------------------------


class FlagFilter(StrEnum):
    ANY = ""
    DOMESTIC_ABUSE = "domestic_abuse"
    SIGNIFICANT = "significant"
    FAILED_CONTACT = "failed_contact"


FLAG_CHOICES: tuple[tuple[str, FlagFilter], ...] = (
    ("Any entry", FlagFilter.ANY),
    ("Domestic abuse related", FlagFilter.DOMESTIC_ABUSE),
    ("Significant events", FlagFilter.SIGNIFICANT),
    ("Failed contact attempts", FlagFilter.FAILED_CONTACT),
)


@dataclass(frozen=True)
class ChronologyFilter:
    """What the author asked to see. Empty fields do not filter."""

    text: str = ""
    subject_id: str = ""
    flag: FlagFilter = FlagFilter.ANY
    source: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @property
    def active(self) -> bool:
        return self != ChronologyFilter(text=self.text) or bool(self.text.split())


class ChronologyProxy(QSortFilterProxyModel):
    """The chronology as the table shows it: sorted by ``EntryOrder``, filtered here.

    Dynamic filtering is off so that an entry being edited never disappears mid-edit; the
    filter is applied once per change of the criteria (the page debounces typing).
    """

    def __init__(self, model: ChronologyModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.chronology = model
        self.criteria = ChronologyFilter()
        self._words: tuple[str, ...] = ()
        self._source = ""
        self._active = False
        self._pinned: set[str] = set()  # shown whatever the criteria say
        self._shown: set[str] = set()  # ids of the entries that met the criteria when set
        self._texts: dict[str, str] = {}
        # Before EntryOrder connects, so a re-inserted entry is never read from a stale text.
        model.rowsInserted.connect(self._forget_inserted)
        model.dataChanged.connect(self._forget_changed)
        model.modelReset.connect(self._texts.clear)
        self.order = EntryOrder(model, self)
        self.setDynamicSortFilter(False)
        self.setSourceModel(self.order)

    # ---- sorting is EntryOrder's ------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.order.sort_by(column, order)

    # ---- filtering -------------------------------------------------------------------
    def set_filter(self, criteria: ChronologyFilter) -> None:
        """Apply new criteria with one invalidation; entries shown on request are hidden again.

        Every entry is judged here in one pass of list comprehensions, so that the per-row
        ``filterAcceptsRow`` Qt calls 10,000 times is a set look-up.
        """
        if criteria == self.criteria:
            return
        self.criteria = criteria
        self._words = tuple(criteria.text.casefold().split())
        self._source = " ".join(criteria.source.split()).casefold()
        self._active = criteria.active
        self._pinned.clear()
        self._judge_all()
        # One layout change: cheaper for a 10,000-row view than many row removals.
        self.invalidate()

    def _judge_all(self) -> None:
        shown = self._judge(self.chronology.entries) if self._active else []
        self._shown = {e.id for e in shown}

    def pin(self, entry_ids: Iterable[str]) -> None:
        """Show these entries whatever the filter says, until it changes.

        Inserted entries are pinned on their own; a shown entry that is edited stays pinned.
        """
        if self._active:
            self._pinned.update(entry_ids)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        # Every entry inserted since the criteria were set is pinned, so a set look-up is
        # all there is to it; this runs once per row whenever the proxy maps its rows.
        if not self._active:
            return True
        entry_id = self.chronology.entries[self.order._rows[source_row]].id
        return entry_id in self._shown or entry_id in self._pinned

    def matches(self, entry: ChronologyEntry) -> bool:
        """Whether an entry meets the criteria."""
        return bool(self._judge([entry]))

    def _judge(self, entries: Sequence[ChronologyEntry]) -> list[ChronologyEntry]:
        """The entries that meet the criteria, narrowed one criterion at a time."""
        criteria = self.criteria
        shown = list(entries)
        if criteria.flag is FlagFilter.DOMESTIC_ABUSE:
            shown = [e for e in shown if e.domestic_abuse]
        elif criteria.flag is FlagFilter.SIGNIFICANT:
            shown = [e for e in shown if e.significant]
        elif criteria.flag is FlagFilter.FAILED_CONTACT:
            shown = [e for e in shown if e.contact_outcome in FAILED_CONTACTS]
        if subject := criteria.subject_id:
            shown = [e for e in shown if subject in e.subjects]
        if source := self._source:
            shown = [e for e in shown if e.source.casefold() == source]
        # An uncertain date is shown when any day it stands for falls in the range.
        if (last := criteria.date_to) is not None:
            shown = [e for e in shown if e.date_start <= last]
        if (first := criteria.date_from) is not None:
            shown = [e for e in shown if last_possible_day(e) >= first]
        if self._words:
            texts, names = self._texts, self.chronology.subject_names()
            for entry in shown:
                if entry.id not in texts:
                    texts[entry.id] = self.search_text(entry, names)
            for word in self._words:
                shown = [e for e in shown if word in texts[e.id]]
        return shown

    def search_text(self, entry: ChronologyEntry, names: dict[str, str] | None = None) -> str:
        """Everything a search may match in one entry, case-folded once."""
        names = self.chronology.subject_names() if names is None else names
        return "\n".join(
            [
                format_recorded(entry),
                entry.date_as_recorded,
                entry.time,
                entry.source,
                *(names.get(s, "") for s in entry.subjects),
                *entry.staff,
                entry.event,
                entry.action,
                entry.outcome,
                CONTACT_LABELS.get(entry.contact_outcome, "") if entry.contact_outcome else "",
                flags_tooltip(entry) or "",
                flags_text(entry),
            ]
        ).casefold()

    def forget_texts(self) -> None:
        """Drop every remembered search text (a subject was renamed)."""
        self._texts.clear()

    def _forget_changed(self, top_left: QModelIndex, bottom_right: QModelIndex, *_: Any) -> None:
        """An edited entry is searched afresh, and stays shown until the filter changes."""
        first, last = top_left.row(), bottom_right.row()
        if last - first >= EntryOrder.MOVE_LIMIT:  # a subject renamed: many texts changed
            self._texts.clear()
            if self._active:
                shown = self._shown | self._pinned
                self._judge_all()
                self._pinned = shown - self._shown
            return
        entries = self.chronology.entries
        for row in range(first, last + 1):
            entry_id = entries[row].id
            self._texts.pop(entry_id, None)
            if self._active and entry_id in self._shown:
                self._pinned.add(entry_id)

    def _forget_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        """New, pasted, copied and restored entries are shown whatever the filter says: the
        author has just asked for them."""
        entries = self.chronology.entries
        for row in range(first, last + 1):
            self._texts.pop(entries[row].id, None)
        if self._active:
            self._pinned.update(entries[row].id for row in range(first, last + 1))

    # ---- rows ------------------------------------------------------------------------
    def storage_row(self, index: AnyIndex) -> int:
        """The row in ``draft.chronology`` of a row of this proxy."""
        return self.order.storage_row(self.mapToSource(index).row())

    def entry_at(self, row: int) -> ChronologyEntry:
        return self.chronology.entries[self.storage_row(self.index(row, 0))]

    def index_of(self, storage_row: int, column: int = 0) -> QModelIndex:
        """This proxy's index for a storage row; invalid when the filter hides it."""
        position = self.order.position_of(storage_row)
        if position < 0:
            return QModelIndex()
        return self.mapFromSource(self.order.index(position, column))
