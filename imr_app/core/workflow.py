"""Review and sign-off: the workflow's states, the steps between them and who may take each.

The transition table below is the single statement of what may happen next; the GUI and the
CLI both go through these functions, so the same rules hold however a draft is driven. Every
step appends an ``AuditEvent`` to ``draft.audit`` (the caller saves it with the workflow, in
one transaction), so the history keeps a withdrawn sign-off even after ``reopen`` clears it.
No Qt and no SQL here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from imr_app.core.drafts import now
from imr_app.core.errors import ImrError, InvalidTransitionError
from imr_app.core.interchange import to_document
from imr_app.core.model import AuditEvent, ImrDraft, SignOff, WorkflowState


class Step(StrEnum):
    """A step a person takes; the value is the audit trail's action name."""

    SUBMIT = "submitted"
    RESUBMIT = "resubmitted"
    RETURN = "returned"
    SIGN_OFF = "signed_off"
    REOPEN = "reopened"


# The transition table: (from state, step) -> new state. Anything absent is refused.
TRANSITIONS: dict[tuple[WorkflowState, Step], WorkflowState] = {
    (WorkflowState.DRAFT, Step.SUBMIT): WorkflowState.SUBMITTED,
    (WorkflowState.SUBMITTED, Step.RETURN): WorkflowState.RETURNED,
    # A returned IMR stays RETURNED while the author edits it, then goes back for review.
    (WorkflowState.RETURNED, Step.RESUBMIT): WorkflowState.SUBMITTED,
    (WorkflowState.SUBMITTED, Step.SIGN_OFF): WorkflowState.SIGNED_OFF,
    (WorkflowState.SIGNED_OFF, Step.REOPEN): WorkflowState.REOPENED,
    (WorkflowState.REOPENED, Step.RESUBMIT): WorkflowState.SUBMITTED,
}

STATE_LABELS: dict[WorkflowState, str] = {
    WorkflowState.DRAFT: "Draft",
    WorkflowState.SUBMITTED: "Submitted for review",
    WorkflowState.RETURNED: "Returned with comments",
    WorkflowState.SIGNED_OFF: "Signed off",
    WorkflowState.REOPENED: "Reopened",
}

# Why a step is refused, in words the user can act on; the fallback covers the rest.
_REFUSALS: dict[tuple[WorkflowState, Step], str] = {
    (WorkflowState.SIGNED_OFF, Step.SUBMIT): (
        "A signed-off IMR must be reopened, with a reason, before it can be submitted again."
    ),
    (WorkflowState.SUBMITTED, Step.SUBMIT): "This IMR has already been submitted for review.",
    (WorkflowState.SIGNED_OFF, Step.SIGN_OFF): "This IMR has already been signed off.",
    (WorkflowState.SIGNED_OFF, Step.RETURN): (
        "A signed-off IMR cannot be returned; reopen it, with a reason, to change it."
    ),
}
_STEP_NEEDS: dict[Step, str] = {
    Step.SUBMIT: "Only a draft, returned or reopened IMR can be submitted for review.",
    Step.RETURN: "Only an IMR submitted for review can be returned for changes.",
    Step.SIGN_OFF: "An IMR must be submitted for review before it can be signed off.",
    Step.REOPEN: "Only a signed-off IMR can be reopened.",
}
_STEP_NEEDS[Step.RESUBMIT] = _STEP_NEEDS[Step.SUBMIT]

# While these hold, the author's text is read-only: edits need Return or Reopen first.
_FROZEN = frozenset({WorkflowState.SUBMITTED, WorkflowState.SIGNED_OFF})
_SUBMISSIONS = frozenset({Step.SUBMIT.value, Step.RESUBMIT.value})
WORKFLOW_ACTIONS = frozenset(step.value for step in Step)


@dataclass(frozen=True)
class Actor:
    """Who takes a step: the name and role the user gave in the app's settings."""

    name: str
    role: str = ""


class SubmissionBlocked(ImrError):
    """Check for errors found hard errors; they are carried so they can be listed."""

    def __init__(self, problems: list[Any]) -> None:  # services.checks.Problem
        count = len(problems)
        noun = "error" if count == 1 else "errors"
        super().__init__(f"{count} {noun} must be fixed before the IMR can be submitted.")
        self.problems = problems


class SelfSignOffError(InvalidTransitionError):
    """The signer wrote or submitted the IMR and gave no reason to override the rule."""


def _refusal(state: WorkflowState, step: Step) -> str:
    specific = _REFUSALS.get((state, step))
    if specific:
        return specific
    return f"{_STEP_NEEDS[step]} This one is: {STATE_LABELS[state].lower()}."


def allowed_steps(draft: ImrDraft) -> list[Step]:
    """The steps open from the draft's state, for enabling buttons before anyone clicks."""
    state = draft.workflow.state
    return [step for (source, step) in TRANSITIONS if source is state]


def can_edit(draft: ImrDraft) -> bool:
    """False while submitted or signed off: the content must not move under the reviewer."""
    return draft.workflow.state not in _FROZEN


def content_hash(draft: ImrDraft) -> str:
    """SHA-256 of the IMR's content as canonical interchange JSON.

    The workflow and audit trail are left out because taking a step changes them, and the
    comments because they are the review conversation, not the report: a reply after sign-off
    must not look like a change to what was signed.
    """
    document = to_document(draft)
    for key in ("workflow", "audit", "comments"):
        document.pop(key, None)
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def verify_sign_off(draft: ImrDraft) -> bool:
    """True while the content is still exactly what was signed off (False with no sign-off)."""
    sign_off = draft.workflow.sign_off
    return sign_off is not None and sign_off.content_hash == content_hash(draft)


def last_step(draft: ImrDraft) -> AuditEvent | None:
    """The latest workflow step in the audit trail: who moved the IMR to its state, and when."""
    return next((e for e in reversed(draft.audit) if e.action in WORKFLOW_ACTIONS), None)


def last_submitter(draft: ImrDraft) -> str:
    """Who last submitted the IMR, by the audit trail; the author in all but name."""
    event = next((e for e in reversed(draft.audit) if e.action in _SUBMISSIONS), None)
    return event.actor if event else ""


def submit(draft: ImrDraft, actor: Actor, hard_errors: Sequence[Any] = ()) -> AuditEvent:
    """Send the IMR for review; the hard errors Check for errors found raise ``SubmissionBlocked``.

    The caller runs the checks (``services.review.submit_for_review``): the core does not
    reach up into services.
    """
    state = draft.workflow.state
    step = Step.SUBMIT if state is WorkflowState.DRAFT else Step.RESUBMIT
    if (state, step) not in TRANSITIONS:
        # Refused as a submission whatever the state, so the message reads as one.
        raise InvalidTransitionError(_refusal(state, Step.SUBMIT))
    _require_name(actor)
    if hard_errors:
        raise SubmissionBlocked(list(hard_errors))
    detail = {
        WorkflowState.DRAFT: "Submitted for review.",
        WorkflowState.RETURNED: "Resubmitted after changes.",
        WorkflowState.REOPENED: "Resubmitted after reopening.",
    }[state]
    return _move(draft, step, actor, detail)


def return_for_changes(draft: ImrDraft, actor: Actor, comment: str) -> AuditEvent:
    """Send the IMR back to its author; the comment says what needs changing."""
    _check(draft, Step.RETURN)
    _require_name(actor)
    if not comment.strip():
        raise InvalidTransitionError("Say what needs changing: a comment is required.")
    return _move(draft, Step.RETURN, actor, comment.strip())


def sign_off(
    draft: ImrDraft, actor: Actor, statement: str = "", override_reason: str = ""
) -> AuditEvent:
    """Sign the IMR off on the agency's behalf, recording a hash of exactly what was signed.

    The signer must be a second pair of eyes: not the author named in the IMR nor whoever
    last submitted it. Overriding that needs a reason, which is kept on the sign-off itself.
    """
    _check(draft, Step.SIGN_OFF)
    if not actor.name.strip() or not actor.role.strip():
        raise InvalidTransitionError("Whoever signs off must give their name and role.")
    override = override_reason.strip()
    if _is_author(draft, actor.name):
        if not override:
            raise SelfSignOffError(
                f"{actor.name.strip()} wrote or submitted this IMR and cannot also sign it off; "
                "ask someone else, or record a reason for overriding this rule."
            )
    else:
        override = ""  # nothing was overridden: no reason belongs on the sign-off
    record = SignOff(
        name=actor.name.strip(),
        role=actor.role.strip(),
        signed_on=now().date(),
        statement=statement.strip(),
        override_reason=override,
        content_hash=content_hash(draft),
    )
    draft.workflow.sign_off = record
    detail = f"Content hash {record.content_hash}."
    if override:
        detail = f"Signed off by the author, overriding the rule: {override}. {detail}"
    return _move(draft, Step.SIGN_OFF, actor, detail)


def reopen(draft: ImrDraft, actor: Actor, reason: str) -> AuditEvent:
    """Unfreeze a signed-off IMR; the sign-off is withdrawn but the audit trail keeps it."""
    _check(draft, Step.REOPEN)
    _require_name(actor)
    if not reason.strip():
        raise InvalidTransitionError("Say why the IMR is being reopened: a reason is required.")
    withdrawn = draft.workflow.sign_off
    draft.workflow.sign_off = None
    detail = reason.strip()
    if withdrawn is not None:
        detail += (
            f" (withdrew the sign-off by {withdrawn.name}, {withdrawn.role}, "
            f"on {withdrawn.signed_on.isoformat()}, content hash {withdrawn.content_hash})"
        )
    return _move(draft, Step.REOPEN, actor, detail)


def _check(draft: ImrDraft, step: Step) -> None:
    if (draft.workflow.state, step) not in TRANSITIONS:
        raise InvalidTransitionError(_refusal(draft.workflow.state, step))


def _require_name(actor: Actor) -> None:
    if not actor.name.strip():
        raise InvalidTransitionError("Every step is recorded with a name: give yours.")


def _is_author(draft: ImrDraft, name: str) -> bool:
    """Case and spacing are ignored so "helen marsh " cannot slip past "Helen Marsh"."""
    key = " ".join(name.split()).casefold()
    authors = (draft.author.name, last_submitter(draft))
    return any(key == " ".join(a.split()).casefold() for a in authors if a.strip())


def _move(draft: ImrDraft, step: Step, actor: Actor, detail: str) -> AuditEvent:
    draft.workflow.state = TRANSITIONS[(draft.workflow.state, step)]
    event = AuditEvent(
        now(), step.value, actor=actor.name.strip(), role=actor.role.strip(), detail=detail
    )
    draft.audit.append(event)
    return event
