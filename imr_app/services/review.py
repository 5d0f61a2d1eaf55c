"""Review steps and comments, applied to the draft and saved to its file in one go.

The window and the command line both come here, so a submission always keeps its
revision and a comment always keeps its audit event, whichever front end took it.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TypeVar

from imr_app.core.model import AuditEvent, ImrDraft
from imr_app.core.revisions import make_revision
from imr_app.core.workflow import Actor, submit
from imr_app.services.checks import check_draft

if TYPE_CHECKING:
    from imr_app.storage.document import ImrDocument

T = TypeVar("T")

# Steps that keep a revision (a snapshot of the content): every submission and sign-off.
REVISION_STEPS = frozenset({"submitted", "resubmitted", "signed_off"})


def submit_for_review(draft: ImrDraft, actor: Actor) -> AuditEvent:
    """Submit, or raise ``SubmissionBlocked`` listing the hard errors that remain."""
    return submit(draft, actor, [p for p in check_draft(draft) if p.is_error])


def take_step(document: ImrDocument, draft: ImrDraft, step: Callable[[ImrDraft], T]) -> T:
    """Apply a workflow step and save the state, its audit events and any revision together.

    The draft must hold its whole chronology (the snapshot and the sign-off hash read it).
    If the step is refused or the file cannot be written, the draft is put back as it was
    and the error raised, so the window never shows a state the file does not hold.
    """
    with _put_back_on_failure(draft, "workflow") as before:
        result = step(draft)
        repo = document.repo
        with repo.transaction():
            repo.save_part("workflow", draft.workflow)
            for event in draft.audit[before:]:
                repo.add_audit(event)
            for event in draft.audit[before:]:
                if event.action in REVISION_STEPS:
                    number = len(repo.revisions()) + 1
                    reason = _revision_reason(draft, event)
                    repo.add_revision(make_revision(draft, number, event.actor, event.role, reason))
    return result


def change_comments(document: ImrDocument, draft: ImrDraft, change: Callable[[ImrDraft], T]) -> T:
    """Apply a change to the comments and save them with their audit events, or put it back."""
    with _put_back_on_failure(draft, "comments") as before:
        result = change(draft)
        repo = document.repo
        with repo.transaction():
            repo.replace_rows("comments", draft.comments)
            for event in draft.audit[before:]:
                repo.add_audit(event)
    return result


@contextlib.contextmanager
def _put_back_on_failure(draft: ImrDraft, part: str) -> Iterator[int]:
    """Yield the audit trail's length; on any failure restore ``draft.<part>`` and the trail."""
    saved, before = copy.deepcopy(getattr(draft, part)), len(draft.audit)
    try:
        yield before
    except BaseException:
        setattr(draft, part, saved)
        del draft.audit[before:]
        raise


def _revision_reason(draft: ImrDraft, event: AuditEvent) -> str:
    """Why the revision was kept: the submitter's note, or the signer's statement."""
    sign_off = draft.workflow.sign_off
    if event.action != "signed_off" or sign_off is None:
        return event.detail
    reason = sign_off.statement or "Signed off on the agency's behalf."
    if sign_off.override_reason:
        reason += f" Signed off by the author, overriding the rule: {sign_off.override_reason}"
    return reason
