"""Check for errors, section status and progress: the rules live in the core."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from imr_app.cli import main
from imr_app.context import AppContext
from imr_app.core import interchange
from imr_app.core.model import (
    ActionPlanRow,
    AnswerStatus,
    Characteristic,
    Consideration,
    ImrDraft,
    Recommendation,
    SectionId,
    SectionState,
    SectionStatus,
    Subject,
    SubjectEquality,
    SubjectRole,
)
from imr_app.core.sections import progress, section_status, word_count
from imr_app.paths import resource_path
from imr_app.services.checks import Severity, check_draft, has_errors

EXAMPLE = resource_path("examples", "example-imr.json")


@pytest.fixture
def example() -> ImrDraft:
    return interchange.loads(EXAMPLE.read_text(encoding="utf-8"))


def _messages(draft: ImrDraft, severity: Severity) -> list[str]:
    return [p.message for p in check_draft(draft) if p.severity is severity]


def test_the_shipped_example_has_no_hard_errors(example: ImrDraft):
    assert not has_errors(check_draft(example))


def test_empty_draft_lists_every_hard_error(draft: ImrDraft):
    errors = _messages(draft, Severity.ERROR)
    assert "There is no independence declaration." in errors
    assert "The date the agency's records were secured is missing." in errors
    assert "No subject is recorded as the victim." in errors
    assert sum("is not answered" in e for e in errors) == 17


def test_not_applicable_without_reason_is_an_error_with_a_location(example: ImrDraft):
    answer = example.answer_for("iv")
    answer.status = AnswerStatus.NOT_APPLICABLE
    answer.not_applicable_reason = "  "
    problems = [p for p in check_draft(example) if p.is_error]
    assert [p.message for p in problems] == [
        "Question iv is marked not applicable without a reason."
    ]
    assert problems[0].location.section is SectionId.TERMS_OF_REFERENCE
    assert problems[0].location.ref == "iv"
    assert problems[0].location.field == "not_applicable_reason"
    answer.not_applicable_reason = "No contact with the perpetrator."
    assert not has_errors(check_draft(example))


def test_short_answer_is_a_warning_not_an_error(example: ImrDraft):
    example.answer_for("i").text = "Staff were aware."
    assert "Question i has a very short answer (3 words)." in _messages(example, Severity.WARNING)
    assert not has_errors(check_draft(example))


def test_equality_not_considered_for_the_victim_is_an_error(example: ImrDraft):
    victim = example.victim()
    assert victim is not None
    entry = next(s for s in example.equality.subjects if s.subject_id == victim.id)
    entry.items[3].consideration = Consideration.NOT_CONSIDERED
    assert any(
        "1 of 9 protected characteristics are not yet considered for" in e
        for e in _messages(example, Severity.ERROR)
    )


def test_relevant_equality_item_without_analysis_is_a_warning(draft: ImrDraft):
    victim = Subject("Amina", SubjectRole.VICTIM)
    draft.subjects.append(victim)
    entry = SubjectEquality(victim.id)
    for item in entry.items:
        item.consideration = Consideration.NOT_RELEVANT
    entry.items[0] = type(entry.items[0])(Characteristic.AGE, Consideration.RELEVANT)
    draft.equality.subjects.append(entry)
    assert "Age is marked relevant for Amina with no analysis of its impact." in _messages(
        draft, Severity.WARNING
    )
    assert not any("protected characteristics" in e for e in _messages(draft, Severity.ERROR))


def test_recommendation_needs_a_lead_and_a_target_date(example: ImrDraft):
    example.recommendations.append(
        Recommendation("Train call handlers in coercive control.", actions=[ActionPlanRow("x")])
    )
    n = len(example.recommendations)
    errors = _messages(example, Severity.ERROR)
    assert f"Recommendation {n} has an action without a lead." in errors
    assert f"Recommendation {n} has an action without a target date." in errors
    row = example.recommendations[-1].actions[0]
    row.lead, row.target_date = "Head of Training", date(2027, 3, 31)
    assert not has_errors(check_draft(example))


def test_section_not_applicable_needs_a_reason(example: ImrDraft):
    example.set_section_state(SectionState(SectionId.LESSONS, SectionStatus.NOT_APPLICABLE))
    assert "This section is marked not applicable without a reason." in _messages(
        example, Severity.ERROR
    )


def test_section_status_and_progress(draft: ImrDraft):
    assert section_status(draft, SectionId.ANALYSIS) is SectionStatus.NOT_STARTED
    draft.analysis = "The agency missed the pattern."
    assert section_status(draft, SectionId.ANALYSIS) is SectionStatus.IN_PROGRESS
    draft.set_section_state(SectionState(SectionId.ANALYSIS, SectionStatus.COMPLETE))
    assert section_status(draft, SectionId.ANALYSIS) is SectionStatus.COMPLETE
    answer = draft.answer_for("ii")
    answer.text, answer.status = "A full answer.", AnswerStatus.COMPLETE
    described = progress(draft).describe()
    assert described == ("1 of 17 questions answered · 1 of 13 sections complete · 10 words")


def test_word_count_ignores_markdown_markers():
    assert word_count("**Bold** and *italic*\n\n- one\n- two") == 5


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Seen at 10:30 — by PC 1234, (not) the GP’s e-mail", 10),
        ("___ --- *** …", 0),
        ("Zoë\u00a0met\u2003IDVA\tstaff_member", 4),
        ("=" * 20_000 + " end", 1),  # a pasted rule is not a word, and is counted at once
    ],
)
def test_a_word_is_any_run_with_a_letter_or_digit(text: str, words: int):
    assert word_count(text) == words


def test_cli_check_exits_1_while_hard_errors_remain(
    tmp_path: Path, context: AppContext, monkeypatch, capsys
):
    monkeypatch.setenv("IMR_PASS", "kettle orbit meadow")
    empty, example = tmp_path / "empty.imr", tmp_path / "example.imr"
    main(["new", str(empty), "--passphrase-env", "IMR_PASS"], context)
    main(["import", str(example), "--from", str(EXAMPLE), "--passphrase-env", "IMR_PASS"], context)
    capsys.readouterr()
    assert main(["check", str(empty)], context) == 1
    out = capsys.readouterr().out
    assert "error: Author and independence: There is no independence declaration." in out
    assert main(["check", str(example)], context) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("0 errors, ") and last.endswith("warnings")
