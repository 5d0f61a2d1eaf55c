"""The audit trail as people read it: labels, kinds to filter by, and what may leave the file.

The trail (``ImrDraft.audit``) is written by the workflow, the comments, the export and the
storage layer, each with its own short action name and a one-line detail. This module turns
those into words for the window and the command line, and decides which part of each detail
may go into a copy outside the encrypted draft (``public_detail``): ids, digests, hashes and
file names do; free text a person typed (a return comment, a reopen or override reason, why a
leak-scan hit was accepted) stays in the draft, because it can quote the case. No Qt, no SQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from imr_app.core.comments import COMMENT_ADDED, COMMENT_RESOLVED
from imr_app.core.model import AuditEvent
from imr_app.core.workflow import WORKFLOW_ACTIONS, Step

# Action names written outside the core (services and storage), named once here.
DRAFT_CREATED = "draft created"
EXPORTED = "exported"
LEAK_ACCEPTED = "leak accepted"  # services.leak_acceptance.ACCEPTED
CHRONOLOGY_IMPORTED = "chronology imported"
PASSPHRASE_CHANGED = "passphrase changed"
SCHEMA_MIGRATED = "schema migrated"
AUDIT_EXPORTED = "audit log exported"

ACTION_LABELS: dict[str, str] = {
    DRAFT_CREATED: "Draft created",
    Step.SUBMIT.value: "Submitted for review",
    Step.RESUBMIT.value: "Resubmitted for review",
    Step.RETURN.value: "Returned with comments",
    Step.SIGN_OFF.value: "Signed off",
    Step.REOPEN.value: "Reopened",
    COMMENT_ADDED: "Comment added",
    COMMENT_RESOLVED: "Comment resolved",
    EXPORTED: "Exported to Word",
    LEAK_ACCEPTED: "Leak-scan hit accepted",
    CHRONOLOGY_IMPORTED: "Chronology imported",
    PASSPHRASE_CHANGED: "Passphrase changed",
    SCHEMA_MIGRATED: "File format updated",
    AUDIT_EXPORTED: "Audit log exported",
}

# How ``workflow.sign_off`` and ``workflow.reopen`` word their details.
_OVERRIDE = "Signed off by the author, overriding the rule: "
_CONTENT_HASH = "Content hash "
_HASH_NOTE = re.compile(r"Content hash [0-9a-f]{64}\.")
_WITHDREW = " (withdrew the sign-off by "
_WITHDRAWN = re.compile(
    r"w(ithdrew the sign-off by [^()]*, on \d{4}-\d{2}-\d{2}, content hash [0-9a-f]{64})\)"
)
KEPT_IN_DRAFT = "kept in the draft"
_EXPORT_DETAIL = re.compile(
    r"(.+?\.docx), (.+), ((?:not )?password-protected)", re.IGNORECASE | re.DOTALL
)


class AuditKind(StrEnum):
    """What the log can be narrowed to; the value is the CLI's ``--kind``."""

    ALL = "all"
    WORKFLOW = "workflow"
    COMMENTS = "comments"
    EXPORTS = "exports"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    AuditKind.ALL: "All",
    AuditKind.WORKFLOW: "Review steps",
    AuditKind.COMMENTS: "Comments",
    AuditKind.EXPORTS: "Exports",
}
_KIND_ACTIONS: dict[AuditKind, frozenset[str]] = {
    AuditKind.WORKFLOW: WORKFLOW_ACTIONS,
    AuditKind.COMMENTS: frozenset({COMMENT_ADDED, COMMENT_RESOLVED}),
    AuditKind.EXPORTS: frozenset({EXPORTED, LEAK_ACCEPTED, AUDIT_EXPORTED}),
}


@dataclass(frozen=True)
class ExportRecord:
    """An export as the trail records it: ``"<file name>, <kind>, <protection>"``."""

    file_name: str
    kind: str  # "final", "draft copy" …
    password_protected: bool

    def describe(self) -> str:
        protected = "yes" if self.password_protected else "no"
        return f"{self.file_name}; {self.kind}; password-protected: {protected}"


def export_record(event: AuditEvent) -> ExportRecord | None:
    """The file, kind and protection of an export; None for other events or an odd detail.

    Read as the CLI and the export window write it: the name runs to the first ".docx"
    (a name may hold a comma), the protection is last, and the kind ("final", "draft copy",
    or with a review copy's note) is whatever lies between.
    """
    found = _EXPORT_DETAIL.fullmatch(event.detail) if event.action == EXPORTED else None
    if found is None:
        return None
    name, kind, protected = found.groups()
    return ExportRecord(name, kind, protected == "password-protected")


def label(event: AuditEvent) -> str:
    """The action in words; an override and a reply are told apart from the plain step."""
    if event.action == Step.SIGN_OFF.value and event.detail.startswith(_OVERRIDE):
        return "Signed off by the author (rule overridden)"
    if event.action == COMMENT_ADDED and event.detail.startswith("Reply "):
        return "Reply added"
    known = _LABELS_BY_KEY.get(_key(event.action))
    return known or event.action.replace("_", " ").capitalize()


def filter_events(events: Iterable[AuditEvent], kind: AuditKind) -> list[AuditEvent]:
    """The events of ``kind``, in the order given."""
    if kind is AuditKind.ALL:
        return list(events)
    keys = {_key(action) for action in _KIND_ACTIONS[kind]}
    return [e for e in events if _key(e.action) in keys]


def when(event: AuditEvent) -> str:
    """Local time as dd/mm/yyyy HH:MM (the trail stores each time with its UTC offset)."""
    return f"{_local(event.at):%d/%m/%Y %H:%M}"


def who(event: AuditEvent) -> str:
    return f"{event.actor} ({event.role})" if event.role else event.actor


def detail_text(event: AuditEvent) -> str:
    """The whole detail for reading inside the app, with an export's facts spelled out."""
    record = export_record(event)
    if record is not None:
        return record.describe()
    if event.action == LEAK_ACCEPTED:
        key, _, reason = event.detail.partition(" | ")
        return f"{key}; reason: {reason}" if reason else key
    return event.detail


def public_detail(event: AuditEvent) -> str:
    """The detail safe to copy out of the encrypted draft: no text a person typed.

    Only actions whose detail the app writes itself (ids, counts, file names, digests) pass
    through; typed reasons and comments are replaced by a note that they are kept in the draft,
    and any other action (one from an imported trail, or a later version) is withheld whole,
    in case it carries case text. Names are matched exactly here, unlike ``label``.
    """
    action, detail = event.action, event.detail
    if action in _MACHINE_WRITTEN:
        return detail_text(event)
    if action == Step.RETURN.value:
        return f"Comments {KEPT_IN_DRAFT}."
    if action == Step.SIGN_OFF.value:
        tail = detail[detail.rfind(_CONTENT_HASH) :]
        hashed = tail if _HASH_NOTE.fullmatch(tail) else ""
        if detail.startswith(_OVERRIDE):
            return f"Author override; reason {KEPT_IN_DRAFT}. {hashed}".strip()
        return hashed
    if action == Step.REOPEN.value:
        return f"Reason {KEPT_IN_DRAFT}.{_withdrawn_sign_off(detail)}"
    if action == LEAK_ACCEPTED:
        key = detail.partition(" | ")[0]
        return f"{key}; reason {KEPT_IN_DRAFT}"
    return f"Details {KEPT_IN_DRAFT}." if detail else ""


_MACHINE_WRITTEN = frozenset(
    {
        DRAFT_CREATED,
        Step.SUBMIT.value,
        Step.RESUBMIT.value,
        COMMENT_ADDED,
        COMMENT_RESOLVED,
        EXPORTED,
        CHRONOLOGY_IMPORTED,
        PASSPHRASE_CHANGED,
        SCHEMA_MIGRATED,
        AUDIT_EXPORTED,
    }
)


def describe(event: AuditEvent) -> str:
    """One line for a terminal or a tooltip: when, who, what and the detail."""
    parts = [when(event), who(event) or "(no name)", label(event)]
    text = detail_text(event)
    return "  ".join(parts) + (f": {text}" if text else "")


def newest_first(events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """The latest first: the trail is stored in the order things happened."""
    return list(reversed(list(events)))


def _withdrawn_sign_off(detail: str) -> str:
    """The machine-written note of a withdrawn sign-off at the end of a reopen's detail.

    Matched strictly from its last start, so a reason that happens to contain the same words
    never slips out with it.
    """
    tail = _WITHDRAWN.fullmatch(detail[detail.rfind(_WITHDREW) + 2 :])
    return f" W{tail.group(1)}." if tail and _WITHDREW in detail else ""


def _key(action: str) -> str:
    """Imported trails (interchange JSON from elsewhere) may write "comment_added"."""
    return action.replace("_", " ").casefold()


_LABELS_BY_KEY = {_key(action): text for action, text in ACTION_LABELS.items()}


def _local(at: datetime) -> datetime:
    return at.astimezone()
