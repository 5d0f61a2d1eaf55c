"""Revisions: a snapshot of the IMR's content at each submission and sign-off.

A snapshot is the content's canonical interchange JSON (sorted keys, compact) without the
workflow, the audit trail and the comments, so its SHA-256 is exactly ``content_hash``.
What changed between two snapshots is ``core.revision_diff``. No Qt and no SQL here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields
from datetime import datetime

from imr_app.core.drafts import now
from imr_app.core.interchange import to_document
from imr_app.core.model import ImrDraft, WorkflowState, new_id

# Parts of the interchange document that are not the report's content.
_NOT_CONTENT = ("workflow", "audit", "comments")


@dataclass(frozen=True)
class RevisionInfo:
    """A revision as the history lists it: everything but the snapshot."""

    id: str
    number: int
    created_at: datetime
    actor: str
    role: str
    reason: str
    state: WorkflowState
    content_hash: str


@dataclass(frozen=True)
class Revision(RevisionInfo):
    """A revision with its snapshot: the content as it was, as interchange JSON."""

    snapshot: str

    @property
    def info(self) -> RevisionInfo:
        """Without the snapshot, which holds the whole chronology."""
        return RevisionInfo(**{f.name: getattr(self, f.name) for f in fields(RevisionInfo)})


def content_snapshot(draft: ImrDraft) -> str:
    """The content as canonical JSON: hashing it gives ``workflow.content_hash(draft)``."""
    document = to_document(draft)
    for key in _NOT_CONTENT:
        document.pop(key, None)
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def make_revision(draft: ImrDraft, number: int, actor: str, role: str, reason: str) -> Revision:
    """Revision ``number`` of the draft as it stands, in the state it has just reached."""
    snapshot = content_snapshot(draft)
    return Revision(
        id=new_id(),
        number=number,
        created_at=now(),
        actor=actor.strip(),
        role=role.strip(),
        reason=reason.strip(),
        state=draft.workflow.state,
        content_hash=hashlib.sha256(snapshot.encode("utf-8")).hexdigest(),
        snapshot=snapshot,
    )
