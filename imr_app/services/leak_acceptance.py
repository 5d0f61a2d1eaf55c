"""Leak-scan hits the author accepted, kept in the draft's audit trail with the reason.

The trail is the record the agency keeps of who let what leave, and why; the export
reads the accepted keys back from it, so an accepted hit stays accepted next time.
"""

from __future__ import annotations

from imr_app.core.drafts import now
from imr_app.core.model import AuditEvent, ImrDraft

ACCEPTED = "leak accepted"


def acceptance(key: str, reason: str, actor: str = "", role: str = "") -> AuditEvent:
    """The audit event recording that the hit ``key`` may stay, and why."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValueError("a reason is needed to accept a possible leak")
    return AuditEvent(now(), ACCEPTED, actor=actor, role=role, detail=f"{key} | {reason}")


def accepted_keys(draft: ImrDraft) -> frozenset[str]:
    return frozenset(
        event.detail.split(" | ", 1)[0] for event in draft.audit if event.action == ACCEPTED
    )
