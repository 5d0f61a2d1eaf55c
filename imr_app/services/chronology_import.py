"""Importing a chronology from a CSV file exported by an agency's case management system.

Agencies' systems export CSV in whatever shape they like: UTF-8 with or without a byte order
mark, or Windows-1252 from older Windows tools; commas, semicolons (European Excel) or tabs;
cells spanning several lines. This module reads all of those, maps columns to chronology fields
(automatically when a header says what it holds, otherwise as the user maps it), and checks every
row *before* anything is written, so the author sees each rejected row and why, keeps a report of
them, and imports the good rows in one transaction: nothing is ever half-imported.

No Qt here: the GUI's preview dialog and ``imr-app chronology import`` share this code.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import operator
import os
import re
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import Any

from imr_app.core import codec
from imr_app.core.chronology_dates import RecordedDate, parse_recorded_date
from imr_app.core.dates import DateError, format_uk
from imr_app.core.drafts import now
from imr_app.core.errors import ImrError
from imr_app.core.model import (
    AuditEvent,
    ChronologyEntry,
    ContactOutcome,
    Relevance,
    Subject,
)
from imr_app.core.text import clean_text
from imr_app.files import write_atomically
from imr_app.storage.repository import DraftRepository

CHRONOLOGY_TABLE = "chronology"
MAPPINGS_FILE = "import_mappings.json"
IGNORE = "ignore"  # the mapping target that leaves a column out

# Field -> the header spellings that map to it without being asked (compared normalised).
FIELDS: dict[str, tuple[str, ...]] = {
    "date": ("date", "start date", "event date", "date of contact", "date of event"),
    "time": ("time", "start time", "event time", "time of contact"),
    "end date": ("end date", "date end", "to date", "until"),
    "end time": ("end time", "time end"),
    "source": ("source", "source of information", "record", "system"),
    "subjects": ("subjects", "subject", "who was involved", "people involved", "persons"),
    "staff": ("staff", "staff involved", "practitioner", "practitioners", "professional"),
    "event": ("event", "what happened", "details", "description", "summary"),
    "action": ("action", "action taken", "actions"),
    "outcome": ("outcome", "result"),
    "domestic abuse": ("domestic abuse", "domestic abuse related", "da", "da related"),
    "significant": ("significant", "significant event", "key event"),
    "contact outcome": ("contact outcome", "contact", "contact attempt"),
    "relevance": ("relevance", "relevant"),
}
REQUIRED = ("date", "source")
DELIMITERS = (",", ";", "\t")

_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0", ""})
_CONTACT_OUTCOMES: dict[str, ContactOutcome] = {
    "": ContactOutcome.NOT_A_CONTACT_ATTEMPT,
    "n/a": ContactOutcome.NOT_A_CONTACT_ATTEMPT,
    "none": ContactOutcome.NOT_A_CONTACT_ATTEMPT,
    "not a contact attempt": ContactOutcome.NOT_A_CONTACT_ATTEMPT,
    "attended": ContactOutcome.ATTENDED,
    "did not attend": ContactOutcome.DID_NOT_ATTEND,
    "dna": ContactOutcome.DID_NOT_ATTEND,
    "no reply": ContactOutcome.NO_REPLY,
    "no answer": ContactOutcome.NO_REPLY,
    "declined": ContactOutcome.DECLINED,
    "cancelled": ContactOutcome.CANCELLED,
    "canceled": ContactOutcome.CANCELLED,
}
_RELEVANCE = {"": Relevance.FULL, "full": Relevance.FULL, "precis": Relevance.PRECIS}
_TIME = re.compile(r"^(\d{1,2})(?:[:.]?(\d{2}))(?::(\d{2}))?$")
_NO_CONTACT = ContactOutcome.NOT_A_CONTACT_ATTEMPT
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")  # what clean_text changes
_SUBJECT_SEPARATORS = re.compile(r"[;,\n]")
_SEMICOLON = re.compile(r"[;\n]")
_COMMA = re.compile(r"[,\n]")


class ChronologyImportError(ImrError):
    """A file that cannot be read as CSV at all (as opposed to a row that is rejected)."""


class MappingError(ImrError):
    """A column mapping that cannot be used: an unknown field, a column the file lacks."""


@dataclass(frozen=True)
class Rejection:
    """A row that will not be imported: where it starts in the file, why, and what it held."""

    line: int
    reason: str
    raw: dict[str, str]


@dataclass(frozen=True)
class CsvTable:
    """A CSV file read and split into cells, before any mapping: what the preview shows first."""

    headers: list[str]
    records: list[tuple[int, list[str]]]  # (physical line where the record starts, cells)
    encoding: str
    delimiter: str

    @property
    def signature(self) -> str:
        return header_signature(self.headers)


@dataclass
class ImportPreview:
    """What an import would do, shown before anything is written.

    ``missing`` names required fields no column is mapped to; while it is not empty no row is
    checked (every row would be rejected for the same reason), and ``ready`` is False.
    """

    headers: list[str]
    mapping: dict[str, str]  # header -> field, only the columns that are imported
    signature: str
    encoding: str
    delimiter: str
    accepted: list[ChronologyEntry] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.missing and bool(self.accepted)

    @property
    def rows(self) -> int:
        return len(self.accepted) + len(self.rejections)


# ---- reading the file ---------------------------------------------------------------------


def normalise_header(text: str) -> str:
    """'  Date_Of-Contact ' and 'date of contact' are the same column name."""
    return " ".join(re.sub(r"[_\-]+", " ", text).split()).casefold()


def header_signature(headers: Sequence[str]) -> str:
    """The same for every export from one system, so its mapping can be remembered."""
    joined = "\x1f".join(normalise_header(h) for h in headers)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with.

    Strict UTF-8 first, because Windows-1252 decodes almost any bytes into *something* and
    would turn UTF-8's "é" into "Ã©" without complaint. Excel's "Unicode text" is UTF-16 with a
    byte order mark.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise ChronologyImportError("the file is not valid UTF-16 text") from None
    if b"\x00" in data:
        raise ChronologyImportError("this is not a text file (is it a spreadsheet? save it as CSV)")
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise ChronologyImportError(
            "the file is neither UTF-8 nor Windows-1252 text; save it again as CSV UTF-8"
        ) from None


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever the header line holds most of, outside quotes.

    The header is the one line every export has and no exporter quotes around a delimiter in
    it by accident; ``csv.Sniffer`` looks at data lines too and is thrown by multi-line cells.
    """
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif not quoted:
            if ch in "\r\n":
                break
            if ch in counts:
                counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties go to the comma, listed first
    return best if counts[best] else ","


def read_table(text: str, encoding: str = "text") -> CsvTable:
    """Split CSV text into a header and records, each with the line it starts on."""
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] | None = None
    records: list[tuple[int, list[str]]] = []
    previous_end = 0
    try:
        for cells in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue  # blank lines, and rows of empty cells that spreadsheets leave behind
            if headers is None:
                headers = _unique_headers(cells)
            else:
                records.append((start, cells))
    except csv.Error as exc:
        raise ChronologyImportError(f"line {previous_end + 1}: {exc}") from None
    if headers is None:
        raise ChronologyImportError("the file is empty")
    return CsvTable(headers, records, encoding, delimiter)


def _unique_headers(cells: list[str]) -> list[str]:
    """Headers as names a mapping can refer to: stripped, none empty, none twice."""
    headers: list[str] = []
    seen: set[str] = set()
    for i, cell in enumerate(cells, start=1):
        name = cell.strip() or f"Column {i}"
        candidate, n = name, 2
        while normalise_header(candidate) in seen:
            candidate, n = f"{name} ({n})", n + 1
        seen.add(normalise_header(candidate))
        headers.append(candidate)
    return headers


def load_table(source: Path | str | bytes | CsvTable) -> CsvTable:
    """A table from a file (``Path``), raw bytes, or CSV text (``str``)."""
    if isinstance(source, CsvTable):
        return source
    if isinstance(source, Path):
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise ChronologyImportError(exc.strerror or str(exc)) from None
        return read_table(*decode(data))
    if isinstance(source, bytes):
        return read_table(*decode(source))
    return read_table(source)


# ---- mapping columns to fields ------------------------------------------------------------


def field_name(text: str) -> str:
    """The field a user typed ('End_Date', 'end date'), or ``IGNORE``; MappingError if none."""
    name = normalise_header(text)
    if name in FIELDS or name == IGNORE:
        return name
    if not name:
        return IGNORE
    known = ", ".join(FIELDS)
    raise MappingError(f"unknown field {text.strip()!r}; the fields are {known}, or {IGNORE}")


def auto_mapping(headers: Sequence[str]) -> dict[str, str]:
    """Headers that say which field they hold, each field taken by its first such header."""
    spellings = {alias: name for name, aliases in FIELDS.items() for alias in aliases}
    mapping: dict[str, str] = {}
    for header in headers:
        name = spellings.get(normalise_header(header))
        if name is not None and name not in mapping.values():
            mapping[header] = name
    return mapping


def resolve_mapping(
    headers: Sequence[str], explicit: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The automatic mapping with the user's choices laid over it.

    An explicit choice wins both ways: its column takes the field, and a column the automatic
    mapping had given that field loses it. Headers are matched case-insensitively.
    """
    mapping = auto_mapping(headers)
    if not explicit:
        return mapping
    by_name = {normalise_header(h): h for h in headers}
    chosen: dict[str, str] = {}
    for given, target in explicit.items():
        header = by_name.get(normalise_header(given))
        if header is None:
            raise MappingError(f"there is no column {given.strip()!r} in the file")
        name = field_name(target)
        if name != IGNORE:
            other = next((h for h, f in chosen.items() if f == name and h != header), None)
            if other is not None:
                raise MappingError(f"both {other!r} and {header!r} are mapped to {name}")
        chosen[header] = name
    taken = {f for f in chosen.values() if f != IGNORE}
    mapping = {h: f for h, f in mapping.items() if h not in chosen and f not in taken}
    mapping.update((h, f) for h, f in chosen.items() if f != IGNORE)
    return {h: mapping[h] for h in headers if h in mapping}  # in the file's column order


# ---- checking rows ------------------------------------------------------------------------


def preview(
    source: Path | str | bytes | CsvTable,
    mapping: Mapping[str, str] | None = None,
    subjects: Sequence[Subject] = (),
) -> ImportPreview:
    """Read and check every row, writing nothing.

    ``source`` is a file (``Path``), raw bytes, CSV text (``str``) or a table already read.
    ``mapping`` (header -> field) overrides the automatic one; ``subjects`` are the draft's, so
    that names in the subjects column become references to them.
    """
    table = load_table(source)
    used = resolve_mapping(table.headers, mapping)
    result = ImportPreview(
        headers=list(table.headers),
        mapping=used,
        signature=table.signature,
        encoding=table.encoding,
        delimiter=table.delimiter,
        missing=[name for name in REQUIRED if name not in used.values()],
    )
    if result.missing:
        return result
    rows = _RowReader(table.headers, used, subjects)
    for line, cells in table.records:
        entry, reasons = rows.entry(cells)
        if reasons:
            raw = _raw(table.headers, cells)
            result.rejections.append(Rejection(line, "; ".join(reasons), raw))
        elif entry is not None:
            result.accepted.append(entry)
    return result


def _raw(headers: Sequence[str], cells: Sequence[str]) -> dict[str, str]:
    raw = dict(zip(headers, cells, strict=False))
    for i in range(len(headers), len(cells)):
        raw[f"Column {i + 1}"] = cells[i]
    return raw


@lru_cache(maxsize=8192)
def _recorded(text: str) -> RecordedDate:
    """Exports repeat the same dates thousands of times; parse each spelling once."""
    return parse_recorded_date(text)


class _RowReader:
    """Turns one record's cells into an entry, or into the reasons it cannot be one.

    Exports repeat the same dates, times, names and flags thousands of times, so each distinct
    cell value is read once and remembered for the rest of the file: a 10,000-row import must
    stay within a small multiple of merely reading the CSV.
    """

    def __init__(
        self, headers: Sequence[str], mapping: Mapping[str, str], subjects: Sequence[Subject]
    ) -> None:
        self.width = len(headers)
        index = {h: i for i, h in enumerate(headers)}
        # An unmapped field reads the empty cell padded on after the last column.
        columns = {name: index[h] for h, name in mapping.items()}
        self.columns = {name: columns.get(name, self.width) for name in FIELDS}
        self.names: dict[str, str] = {}
        # Real names too: exports come from agency records, which use them; the entry stores
        # only the subject's id, so no real name reaches the draft's text this way.
        for subject in subjects:
            if subject.real_name.strip():
                self.names.setdefault(subject.real_name.strip().casefold(), subject.id)
        for subject in subjects:
            self.names[subject.pseudonym.strip().casefold()] = subject.id
        self._subjects: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._staff: dict[str, tuple[str, ...]] = {}
        self._times: dict[str, str | None] = {}
        self._ids = _new_ids()

    def entry(self, cells: list[str]) -> tuple[ChronologyEntry | None, list[str]]:
        width = self.width
        if len(cells) > width:
            if any(c.strip() for c in cells[width:]):
                return None, [
                    f"{len(cells)} cells where the header has {width} "
                    "(an unquoted delimiter inside a cell?)"
                ]
            cells = cells[:width]
        row = [*cells, *[""] * (width + 1 - len(cells))]
        col = self.columns

        reasons: list[str] = []
        recorded = self._date(row[col["date"]].strip(), reasons, missing="no date", label="")
        # A month, year or span carries its last day as the end, so period checks can ask
        # whether it could have fallen inside; an end-date column overrides that.
        end = recorded.end if recorded is not None else None
        if end_text := row[col["end date"]].strip():
            end_recorded = self._date(end_text, reasons, missing="", label="end date: ")
            end = end_recorded.last_day if end_recorded is not None else None
        if recorded is not None and end is not None and end < recorded.start:
            reasons.append(
                f"the end date {format_uk(end)} is before the date {format_uk(recorded.start)}"
            )
        source = _clean(row[col["source"]])
        if not source:
            reasons.append("empty source")
        time = self._time(row[col["time"]].strip(), reasons)
        end_time = self._time(row[col["end time"]].strip(), reasons)
        subject_ids, unknown = self._subject_ids(row[col["subjects"]])
        reasons.extend(f"unknown subject '{name}'" for name in unknown)
        domestic_abuse = _flag(row[col["domestic abuse"]].strip(), "domestic abuse", reasons)
        significant = _flag(row[col["significant"]].strip(), "significant", reasons)
        contact_text = row[col["contact outcome"]].strip()
        contact = _CONTACT_OUTCOMES.get(_words(contact_text)) if contact_text else _NO_CONTACT
        if contact is None:
            reasons.append(f"unknown contact outcome '{contact_text}'")
        relevance_text = row[col["relevance"]].strip()
        relevance = _RELEVANCE.get(_words(relevance_text).replace("é", "e"))
        if relevance is None:
            reasons.append(f"relevance '{relevance_text}' is not full or précis")
        if reasons or recorded is None or contact is None or relevance is None:
            return None, reasons
        return (
            ChronologyEntry(
                date_start=recorded.start,
                source=source,
                date_as_recorded=recorded.as_recorded,
                certainty=recorded.certainty,
                date_end=end,
                time=time,
                end_time=end_time,
                subjects=list(subject_ids),
                staff=list(self._staff_roles(row[col["staff"]])),
                event=_clean(row[col["event"]]),
                action=_clean(row[col["action"]]),
                outcome=_clean(row[col["outcome"]]),
                domestic_abuse=domestic_abuse,
                significant=significant,
                contact_outcome=contact,
                relevance=relevance,
                id=next(self._ids),
            ),
            [],
        )

    def _subject_ids(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(ids of the named subjects, names that match none), each name once."""
        known = self._subjects.get(text)
        if known is None:
            ids: list[str] = []
            unknown: list[str] = []
            for name in _split(text, _SUBJECT_SEPARATORS):
                subject_id = self.names.get(name.casefold())
                if subject_id is None:
                    unknown.append(name)
                elif subject_id not in ids:
                    ids.append(subject_id)
            known = self._subjects[text] = (tuple(ids), tuple(unknown))
        return known

    def _staff_roles(self, text: str) -> tuple[str, ...]:
        """Roles by semicolon when there is one, since a role may hold a comma ("Nurse, ED")."""
        roles = self._staff.get(text)
        if roles is None:
            cleaned = _clean(text)
            separators = _SEMICOLON if ";" in cleaned else _COMMA
            roles = self._staff[text] = tuple(_split(cleaned, separators))
        return roles

    @staticmethod
    def _date(text: str, reasons: list[str], missing: str, label: str) -> RecordedDate | None:
        if not text:
            if missing:
                reasons.append(missing)
            return None
        try:
            return _recorded(text)
        except DateError as exc:
            reasons.append(label + str(exc).rstrip("."))
            return None

    def _time(self, text: str, reasons: list[str]) -> str:
        """'9:05', '09.05', '0905' and '09:05:00' are all 09:05; '' is no time."""
        if not text:
            return ""
        if text not in self._times:
            m = _TIME.match(text)
            ok = m and int(m[1]) < 24 and int(m[2]) < 60 and int(m[3] or 0) < 60
            self._times[text] = f"{int(m[1]):02d}:{m[2]}" if m and ok else None
        time = self._times[text]
        if time is None:
            reasons.append(f"'{text}' is not a time; type it as hh:mm")
        return time or ""


def _new_ids() -> Iterator[str]:
    """The same random version-4 UUIDs as ``model.new_id``, drawn from the OS in blocks:
    one ``uuid4()`` per row was a tenth of the time of a large import."""
    while True:
        block = bytearray(os.urandom(16 * 256))
        for i in range(0, len(block), 16):
            block[i + 6] = (block[i + 6] & 0x0F) | 0x40  # version 4
            block[i + 8] = (block[i + 8] & 0x3F) | 0x80  # RFC 4122 variant
            yield block[i : i + 16].hex()


def _clean(text: str) -> str:
    """Stripped, with Windows line ends and Word's control characters (which the export
    would refuse) made safe; most cells have neither, so they skip the work."""
    text = text.strip()
    return clean_text(text) if _CONTROL.search(text) else text


def _words(text: str) -> str:
    return " ".join(text.replace("_", " ").split()).casefold()


def _split(text: str, separators: re.Pattern[str]) -> list[str]:
    return [p.strip() for p in separators.split(text) if p.strip()] if text else []


def _flag(text: str, name: str, reasons: list[str]) -> bool:
    value = text.casefold()
    if value in _YES:
        return True
    if value not in _NO:
        reasons.append(f"{name}: '{text}' is not yes or no")
    return False


# ---- writing ------------------------------------------------------------------------------


def commit(
    repo: DraftRepository,
    existing_count: int,
    entries: Sequence[ChronologyEntry],
    source_name: str = "",
) -> None:
    """Append ``entries`` after the ``existing_count`` entries already stored, in one transaction.

    A plain INSERT, not ``save_rows``'s upsert: an entry whose id is already stored must fail
    the whole import rather than silently replace an entry a chair or reviewer points at.
    The audit line says how many and from which file, never what they hold.
    """
    columns, encode = _row_encoder(ChronologyEntry)
    names = ", ".join(f"[{c}]" for c in (*columns, "position"))
    marks = ", ".join("?" * (len(columns) + 1))
    sql = f"INSERT INTO [{CHRONOLOGY_TABLE}] ({names}) VALUES ({marks})"
    detail = f"{len(entries)} entries" + (f" from {source_name}" if source_name else "")
    with repo.db.atomic():
        repo.db.conn.executemany(
            sql, ((*encode(e), existing_count + i) for i, e in enumerate(entries))
        )
        repo.add_audit(AuditEvent(now(), "chronology imported", detail=detail))


@cache
def _row_encoder(cls: type) -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]:
    """Column names and a function giving an entity's row values, as ``repository.to_row``
    stores them, without its reflective walk: that walk was most of a 10,000-row commit."""
    hints = typing.get_type_hints(cls)
    names = tuple(f.name for f in dataclasses.fields(cls))
    pairs = [(operator.attrgetter(n), _column_encoder(hints[n])) for n in names]

    def encode(entity: Any) -> tuple[Any, ...]:
        return tuple(get(entity) if conv is None else conv(get(entity)) for get, conv in pairs)

    return names, encode


def _column_encoder(hint: Any) -> Callable[[Any], Any] | None:
    """How one field becomes its column value; None when it is stored as it is."""
    optional = typing.get_origin(hint) in (typing.Union, types.UnionType)
    if optional:
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    convert: Callable[[Any], Any]
    if hint is str or hint is int:
        return None
    if typing.get_origin(hint) is list and typing.get_args(hint)[0] is str:
        convert = partial(json.dumps, ensure_ascii=False)
    elif hint is bool:
        convert = int
    elif hint is date:
        convert = date.isoformat
    elif isinstance(hint, type) and issubclass(hint, Enum):
        convert = operator.attrgetter("value")
    else:  # a field of another kind: the general path, slower but stored the same
        return _plain_column
    return partial(_unless_none, convert) if optional else convert


def _plain_column(value: Any) -> Any:
    """One value exactly as ``repository.to_row`` stores it."""
    plain = codec.to_plain(value)
    if isinstance(plain, list | dict):
        return json.dumps(plain, ensure_ascii=False)
    return int(plain) if isinstance(plain, bool) else plain


def _unless_none(convert: Callable[[Any], Any], value: Any) -> Any:
    return None if value is None else convert(value)


def write_rejection_report(rejections: Iterable[Rejection], path: Path) -> None:
    """A CSV of the rejected rows (line, reason, then the row as it was) to fix and re-import.

    UTF-8 with a byte order mark, because that is what makes Excel show "café" and "£" right.
    """
    rejections = list(rejections)
    columns: dict[str, None] = {}
    for rejection in rejections:
        columns.update(dict.fromkeys(rejection.raw))
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["line", "reason", *columns])
        for r in rejections:
            writer.writerow([r.line, r.reason, *(r.raw.get(c, "") for c in columns)])


# ---- remembered mappings ------------------------------------------------------------------


def load_import_mappings(config_dir: Path) -> dict[str, dict[str, str]]:
    """Header signature -> the mapping last used for it; empty when missing or unreadable.

    Apart from ``settings.json`` so that a damaged mappings file costs only the mappings. It
    holds column names and field names, never case content.
    """
    try:
        data = json.loads((Path(config_dir) / MAPPINGS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    mappings = data.get("import_mappings") if isinstance(data, dict) else None
    if not isinstance(mappings, dict):
        return {}
    return {
        signature: dict(mapping)
        for signature, mapping in mappings.items()
        if isinstance(signature, str)
        and isinstance(mapping, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items())
    }


def save_import_mappings(config_dir: Path, mappings: Mapping[str, Mapping[str, str]]) -> None:
    """Write through a temporary file, so a crash never leaves half of it."""
    path = Path(config_dir) / MAPPINGS_FILE
    data = {"import_mappings": {s: dict(m) for s, m in mappings.items()}}
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    write_atomically(path, text.encode("utf-8"), make_folder=True)


def remembered_mapping(config_dir: Path, signature: str) -> dict[str, str] | None:
    return load_import_mappings(config_dir).get(signature)


def remember_mapping(config_dir: Path, signature: str, mapping: Mapping[str, str]) -> None:
    """Keep the mapping for the next export from the same system."""
    mappings = load_import_mappings(config_dir)
    mappings[signature] = dict(mapping)
    save_import_mappings(config_dir, mappings)
