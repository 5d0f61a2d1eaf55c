"""Review steps that need the services: submitting runs Check for errors first."""

from __future__ import annotations

from imr_app.core.model import AuditEvent, ImrDraft
from imr_app.core.workflow import Actor, submit
from imr_app.services.checks import check_draft


def submit_for_review(draft: ImrDraft, actor: Actor) -> AuditEvent:
    """Submit, or raise ``SubmissionBlocked`` listing the hard errors that remain."""
    return submit(draft, actor, [p for p in check_draft(draft) if p.is_error])
