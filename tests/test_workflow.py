"""Review and sign-off: the transition table, the second pair of eyes, the frozen content.

The same path is driven twice, through the core and through ``imr-app``, because the CLI is
the proof that a batch or a test gets exactly the rules the app enforces.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from imr_app.cli import main
from imr_app.context import AppContext
from imr_app.core import interchange
from imr_app.core.errors import InvalidTransitionError
from imr_app.core.model import ImrDraft, WorkflowState
from imr_app.core.workflow import (
    TRANSITIONS,
    Actor,
    SelfSignOffError,
    Step,
    SubmissionBlocked,
    allowed_steps,
    can_edit,
    content_hash,
    last_step,
    reopen,
    return_for_changes,
    sign_off,
    submit,
    verify_sign_off,
)
from imr_app.paths import resource_path
from imr_app.services.review import submit_for_review
from imr_app.settings import Settings, SettingsStore
from imr_app.storage.document import ImrDocument
from tests.conftest import PASSPHRASE

AUTHOR = Actor("Helen Marsh", "IMR author")
LEAD = Actor("Priya Shah", "Safeguarding Lead")


@pytest.fixture
def example() -> ImrDraft:
    return interchange.loads(resource_path("examples", "example-imr.json").read_text("utf-8"))


def _signed_off(draft: ImrDraft) -> ImrDraft:
    submit(draft, AUTHOR)
    sign_off(draft, LEAD, "Signed off on behalf of Northshire Police.")
    return draft


def test_full_path_through_the_core(example: ImrDraft):
    audit_before = len(example.audit)
    assert can_edit(example)

    submit(example, AUTHOR)
    assert example.workflow.state is WorkflowState.SUBMITTED
    assert not can_edit(example)

    return_for_changes(example, LEAD, "Say more about the MARAC referral in question ii.")
    assert example.workflow.state is WorkflowState.RETURNED
    assert can_edit(example)  # the author edits a returned IMR, then resubmits it
    example.answer_for("ii").text += "\n\nThe MARAC referral was made on the same day."

    submit(example, AUTHOR)
    assert example.workflow.state is WorkflowState.SUBMITTED

    sign_off(example, LEAD, "Signed off on behalf of Northshire Police.")
    record = example.workflow.sign_off
    assert example.workflow.state is WorkflowState.SIGNED_OFF
    assert record is not None
    assert (record.name, record.role, record.override_reason) == (LEAD.name, LEAD.role, "")
    assert record.statement == "Signed off on behalf of Northshire Police."
    assert record.content_hash == content_hash(example)
    assert verify_sign_off(example)
    assert not can_edit(example)

    reopen(example, AUTHOR, "The Chair asked for the 2021 referral to be added.")
    assert example.workflow.state is WorkflowState.REOPENED
    assert example.workflow.sign_off is None  # withdrawn …
    assert can_edit(example)

    submit(example, AUTHOR)
    assert example.workflow.state is WorkflowState.SUBMITTED

    steps = example.audit[audit_before:]
    assert [e.action for e in steps] == [
        "submitted",
        "returned",
        "resubmitted",
        "signed_off",
        "reopened",
        "resubmitted",
    ]
    author, lead = AUTHOR.name, LEAD.name
    assert [e.actor for e in steps] == [author, lead, author, lead, author, author]
    assert steps[1].detail == "Say more about the MARAC referral in question ii."
    # … but the history keeps it, with the reason it was withdrawn.
    assert "The Chair asked" in steps[4].detail
    assert f"sign-off by {LEAD.name}" in steps[4].detail
    assert record.content_hash in steps[4].detail
    assert all(e.at.tzinfo is not None for e in steps)
    assert last_step(example) is steps[-1]


@pytest.mark.parametrize("name", ["Helen Marsh", "  helen   MARSH "])
def test_the_author_cannot_sign_off_their_own_imr(example: ImrDraft, name: str):
    submit(example, AUTHOR)
    with pytest.raises(SelfSignOffError, match="cannot also sign it off"):
        sign_off(example, Actor(name, "IMR author"))
    assert example.workflow.state is WorkflowState.SUBMITTED
    assert example.workflow.sign_off is None


def test_whoever_submitted_counts_as_the_author(example: ImrDraft):
    submit(example, Actor("hmarsh", "IMR author"))  # a login name, not the name in the IMR
    with pytest.raises(SelfSignOffError):
        sign_off(example, Actor("HMarsh", "Detective Sergeant"))


def test_an_override_needs_a_reason_and_is_shown_on_the_sign_off(example: ImrDraft):
    submit(example, AUTHOR)
    with pytest.raises(SelfSignOffError):
        sign_off(example, AUTHOR, override_reason="   ")
    reason = "The Safeguarding Lead is on long-term leave; agreed with the Chair."
    sign_off(example, AUTHOR, "Signed off.", override_reason=reason)
    record = example.workflow.sign_off
    assert record is not None
    assert record.override_reason == reason
    assert example.workflow.state is WorkflowState.SIGNED_OFF
    assert reason in example.audit[-1].detail


def test_an_override_reason_is_dropped_when_nothing_was_overridden(example: ImrDraft):
    submit(example, AUTHOR)
    sign_off(example, LEAD, override_reason="not needed")
    assert example.workflow.sign_off is not None
    assert example.workflow.sign_off.override_reason == ""


def test_signing_off_needs_a_name_and_role(example: ImrDraft):
    submit(example, AUTHOR)
    with pytest.raises(InvalidTransitionError, match="name and role"):
        sign_off(example, Actor("Priya Shah", ""))


def test_submission_is_blocked_by_hard_errors(example: ImrDraft):
    example.review.name = ""
    with pytest.raises(SubmissionBlocked) as caught:
        submit_for_review(example, AUTHOR)
    assert caught.value.problems
    assert all(p.is_error for p in caught.value.problems)
    assert "must be fixed before the IMR can be submitted" in str(caught.value)
    assert example.workflow.state is WorkflowState.DRAFT
    assert example.audit[-1].action == "checked"  # the example's own last event: no trace


@pytest.mark.parametrize(
    ("prepare", "attempt", "message"),
    [
        (
            _signed_off,
            lambda d: submit(d, AUTHOR),
            "A signed-off IMR must be reopened, with a reason, before it can be submitted again.",
        ),
        (lambda d: d, lambda d: sign_off(d, LEAD), "must be submitted for review before"),
        (lambda d: d, lambda d: return_for_changes(d, LEAD, "x"), "Only an IMR submitted"),
        (lambda d: d, lambda d: reopen(d, AUTHOR, "why"), "Only a signed-off IMR can be reopened"),
        (_signed_off, lambda d: sign_off(d, LEAD), "already been signed off"),
        (_signed_off, lambda d: reopen(d, AUTHOR, "  "), "a reason is required"),
    ],
)
def test_invalid_transitions_raise_with_their_message(example, prepare, attempt, message):
    prepare(example)
    state, audit = example.workflow.state, len(example.audit)
    with pytest.raises(InvalidTransitionError) as caught:
        attempt(example)
    assert message in str(caught.value)
    assert example.workflow.state is state
    assert len(example.audit) == audit  # a refused step leaves no trace


def test_returning_needs_a_comment(example: ImrDraft):
    submit(example, AUTHOR)
    with pytest.raises(InvalidTransitionError, match="a comment is required"):
        return_for_changes(example, LEAD, "")


def test_the_table_is_the_only_way_between_states(example: ImrDraft):
    assert allowed_steps(example) == [Step.SUBMIT]
    assert (WorkflowState.SIGNED_OFF, Step.SUBMIT) not in TRANSITIONS
    assert set(TRANSITIONS.values()) >= set(WorkflowState) - {WorkflowState.DRAFT}


def test_the_content_hash_follows_the_content_and_verify_notices(example: ImrDraft):
    _signed_off(example)
    signed = content_hash(example)
    assert len(signed) == 64
    # Steps and comments are not content: replying after sign-off does not break it.
    example.audit.clear()
    example.comments.clear()
    assert content_hash(example) == signed
    assert verify_sign_off(example)

    example.answer_for("i").text += " One more sentence."
    assert content_hash(example) != signed
    assert not verify_sign_off(example)


def test_the_hash_survives_a_round_trip_through_interchange(example: ImrDraft):
    again = interchange.loads(interchange.dumps(example))
    assert content_hash(again) == content_hash(example)


# ---- the CLI ---------------------------------------------------------------------
def _create(tmp_path: Path, draft: ImrDraft, context: AppContext) -> Path:
    path = tmp_path / "example.imr"
    document, _ = ImrDocument.create(path, PASSPHRASE, draft, context.keystore)
    document.close()
    return path


def _load(path: Path, context: AppContext) -> ImrDraft:
    result = ImrDocument.open(path, context.keystore)
    assert result.document is not None
    with result.document as document:
        return document.load()


def test_the_cli_drives_the_same_path(
    tmp_path: Path, context: AppContext, example: ImrDraft, capsys: pytest.CaptureFixture
):
    # The author's name and role come from the app's settings, as the GUI's would.
    SettingsStore(context.paths.config_dir).save(Settings(user_name=AUTHOR.name, user_role="DS"))
    path = _create(tmp_path, example, context)
    file = str(path)
    lead = ["--name", LEAD.name, "--role", LEAD.role]

    assert main(["submit", file], context) == 0
    assert main(["return", file, "--comment", "Expand question ii.", *lead], context) == 0
    assert main(["submit", file], context) == 0
    capsys.readouterr()

    # The author's own sign-off is refused, in one line, and changes nothing.
    assert main(["signoff", file, "--name", "helen marsh", "--role", "DS"], context) == 1
    assert "cannot also sign it off" in capsys.readouterr().err
    assert _load(path, context).workflow.state is WorkflowState.SUBMITTED

    assert main(["signoff", file, *lead, "--statement", "On behalf of the agency."], context) == 0
    assert main(["status", file], context) == 0
    out = capsys.readouterr().out
    assert "Signed off" in out
    assert f"{LEAD.name} ({LEAD.role})" in out
    assert "unchanged since sign-off" in out

    assert main(["submit", file], context) == 1
    assert "must be reopened, with a reason" in capsys.readouterr().err

    assert main(["reopen", file, "--reason", "The Chair asked for more."], context) == 0
    assert main(["submit", file, "--name", "H. Marsh", "--role", "Author"], context) == 0

    stored = _load(path, context)
    assert stored.workflow.state is WorkflowState.SUBMITTED
    assert stored.workflow.sign_off is None
    steps = stored.audit[len(example.audit) :]
    assert [(e.action, e.actor, e.role) for e in steps] == [
        ("submitted", AUTHOR.name, "DS"),
        ("returned", LEAD.name, LEAD.role),
        ("resubmitted", AUTHOR.name, "DS"),
        ("signed_off", LEAD.name, LEAD.role),
        ("reopened", AUTHOR.name, "DS"),
        ("resubmitted", "H. Marsh", "Author"),
    ]
    assert steps[1].detail == "Expand question ii."
    assert "The Chair asked for more." in steps[4].detail


def test_cli_status_notices_content_changed_after_sign_off(
    tmp_path: Path, context: AppContext, example: ImrDraft, capsys: pytest.CaptureFixture
):
    _signed_off(example)
    example.answer_for("i").text += " Edited behind the workflow's back."
    path = _create(tmp_path, example, context)
    assert main(["status", str(path)], context) == 1
    assert "CHANGED since sign-off" in capsys.readouterr().out


def test_cli_submit_lists_the_hard_errors_and_exits_1(
    tmp_path: Path, context: AppContext, example: ImrDraft, capsys: pytest.CaptureFixture
):
    example.review.name = ""
    path = _create(tmp_path, example, context)
    assert main(["submit", str(path), "--name", "Helen Marsh"], context) == 1
    err = capsys.readouterr().err
    assert "The review has no name." in err
    assert "must be fixed before the IMR can be submitted" in err
    assert _load(path, context).workflow.state is WorkflowState.DRAFT


def test_cli_falls_back_to_the_login_name(
    tmp_path: Path,
    context: AppContext,
    example: ImrDraft,
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setattr("getpass.getuser", lambda: "hmarsh")
    path = _create(tmp_path, example, context)
    assert main(["submit", str(path)], context) == 0
    event = _load(path, context).audit[-1]
    assert (event.action, event.actor, event.role) == ("submitted", "hmarsh", "")
