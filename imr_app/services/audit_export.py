"""The audit log copied out for the agency's records, as a CSV that Excel opens as it is.

The copy leaves the encrypted draft, so each row's detail is ``core.audit.public_detail``:
who did what and when, with file names, ids and digests, but never a comment, a reason or
any other text a person typed (those stay in the draft, and the app shows them). The rows
are oldest first, as a ledger reads; each export is itself recorded in the trail.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from imr_app.core.audit import (
    AUDIT_EXPORTED,
    AuditKind,
    filter_events,
    label,
    public_detail,
    when,
)
from imr_app.core.drafts import now
from imr_app.core.model import AuditEvent
from imr_app.core.pseudonymise import NameRegister
from imr_app.core.workflow import Actor
from imr_app.files import write_atomically

if TYPE_CHECKING:
    from imr_app.storage.document import ImrDocument

CSV_COLUMNS = ("When", "When (ISO 8601)", "Who", "Role", "Action", "Details")
# A cell starting with one of these is a formula to Excel (and a way to smuggle one in).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class AuditExport:
    """Where the log went and how many events it holds."""

    path: Path
    count: int


def read_trail(document: ImrDocument) -> list[AuditEvent]:
    """The trail as the file holds it, oldest first.

    Read from the file rather than a window's copy of the draft, because the storage layer
    records some events (a passphrase change, a schema update) only there.
    """
    return document.load(with_chronology=False).audit


def csv_text(events: list[AuditEvent], names: NameRegister | None = None) -> str:
    """The CSV for ``events``, header first, with nothing a person typed in the details.

    File names are the app's or the user's own choice and may hold a subject's real name
    ("Halima Osman GP records.csv"): ``names`` puts the pseudonyms in.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for event in events:
        row = (
            when(event),
            event.at.isoformat(),
            event.actor,
            event.role,
            label(event),
            names.replace(public_detail(event)) if names else public_detail(event),
        )
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def write_csv(events: list[AuditEvent], path: Path, names: NameRegister | None = None) -> None:
    """Write through a temporary file beside ``path``: a failure never leaves half a log.

    UTF-8 with a byte order mark, which is what makes Excel read "é" and "£" right.
    """
    write_atomically(path, csv_text(events, names).encode("utf-8-sig"))


def export_audit_log(
    document: ImrDocument, path: Path, actor: Actor, kind: AuditKind = AuditKind.ALL
) -> tuple[AuditExport, AuditEvent]:
    """Write the log (or one kind of it) to ``path``, then record that it left the draft.

    Returns the export and the event recorded, which a window appends to its open draft.
    """
    draft = document.load(with_chronology=False)
    events = filter_events(draft.audit, kind)
    write_csv(events, path, NameRegister(draft.subjects))
    scope = "" if kind is AuditKind.ALL else f", {kind.label.lower()} only"
    noun = "event" if len(events) == 1 else "events"
    event = AuditEvent(
        now(),
        AUDIT_EXPORTED,
        actor=actor.name.strip(),
        role=actor.role.strip(),
        detail=f"{path.name}, {len(events)} {noun}{scope}",
    )
    document.repo.add_audit(event)
    return AuditExport(path, len(events)), event


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value
