"""Check for errors: the completeness rules every IMR must meet before it is submitted.

The same checks drive the GUI's "Check for errors" list and ``imr-app check``.
Errors block submission and a final export; warnings are prompts for the author.
Saving is never blocked: a draft may always be incomplete.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from imr_app.core.model import (
    AnswerStatus,
    Consideration,
    ImrDraft,
    SectionId,
    SectionStatus,
    SubjectEquality,
)
from imr_app.core.question_sets import question_text
from imr_app.core.sections import TITLES, word_count

SHORT_ANSWER_WORDS = 40


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Location:
    """Where a problem is: a section, an item in it (a question number, an id), a field."""

    section: SectionId
    ref: str = ""
    field: str = ""


@dataclass(frozen=True)
class Problem:
    severity: Severity
    message: str
    location: Location

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def describe(self) -> str:
        return f"{self.severity.value}: {TITLES[self.location.section]}: {self.message}"


def _error(message: str, section: SectionId, ref: str = "", field: str = "") -> Problem:
    return Problem(Severity.ERROR, message, Location(section, ref, field))


def _warning(message: str, section: SectionId, ref: str = "", field: str = "") -> Problem:
    return Problem(Severity.WARNING, message, Location(section, ref, field))


def check_draft(draft: ImrDraft) -> list[Problem]:
    """Every problem, in the order of the report, errors and warnings together."""
    return [
        *_review(draft),
        *_author(draft),
        *_subjects(draft),
        *_terms_of_reference(draft),
        *_chronology(draft),
        *_equality(draft),
        *_recommendations(draft),
        *_sections(draft),
    ]


def has_errors(problems: list[Problem]) -> bool:
    return any(p.is_error for p in problems)


def _review(draft: ImrDraft) -> Iterator[Problem]:
    review = draft.review
    if not review.name.strip():
        yield _error("The review has no name.", SectionId.REVIEW, field="name")
    if review.period_start is None or review.period_end is None:
        yield _error("The review period is not set.", SectionId.REVIEW, field="period_start")
    elif review.period_start > review.period_end:
        yield _error(
            "The review period ends before it starts.", SectionId.REVIEW, field="period_end"
        )


def _author(draft: ImrDraft) -> Iterator[Problem]:
    author = draft.author
    if not author.role.strip():
        yield _error("The author's role is missing.", SectionId.AUTHOR, field="role")
    if not author.independence_declaration.strip():
        yield _error(
            "There is no independence declaration.",
            SectionId.AUTHOR,
            field="independence_declaration",
        )
    if author.records_secured_on is None:
        yield _error(
            "The date the agency's records were secured is missing.",
            SectionId.AUTHOR,
            field="records_secured_on",
        )


def _subjects(draft: ImrDraft) -> Iterator[Problem]:
    if draft.victim() is None:
        yield _error("No subject is recorded as the victim.", SectionId.SUBJECTS)
    for subject in draft.subjects:
        if not subject.pseudonym.strip():
            yield _error("A subject has no pseudonym.", SectionId.SUBJECTS, ref=subject.id)


def _terms_of_reference(draft: ImrDraft) -> Iterator[Problem]:
    section = SectionId.TERMS_OF_REFERENCE
    for question in draft.question_set.questions:
        answer = draft.answer_for(question.number)
        label = f"Question {question.number}"
        if answer.status is AnswerStatus.NOT_APPLICABLE:
            if not answer.not_applicable_reason.strip():
                yield _error(
                    f"{label} is marked not applicable without a reason.",
                    section,
                    question.number,
                    "not_applicable_reason",
                )
            continue
        words = word_count(answer.text)
        if words == 0:
            summary = question_text(question, draft.subjects)[:60].rstrip()
            yield _error(
                f"{label} is not answered ({summary}…).", section, question.number, "answer"
            )
            continue
        if answer.status is not AnswerStatus.COMPLETE:
            yield _warning(
                f"{label} is not yet marked complete.", section, question.number, "status"
            )
        if words < SHORT_ANSWER_WORDS:
            yield _warning(
                f"{label} has a very short answer ({words} words).",
                section,
                question.number,
                "answer",
            )


def _chronology(draft: ImrDraft) -> Iterator[Problem]:
    if not draft.chronology:
        yield _warning("The chronology has no entries yet.", SectionId.CHRONOLOGY)
        return
    # Imported here: the chronology checks build on this module's Problem and Location.
    from imr_app.services.chronology_checks import check_chronology

    yield from check_chronology(draft)


def _equality(draft: ImrDraft) -> Iterator[Problem]:
    by_subject = {s.subject_id: s for s in draft.equality.subjects}
    victim = draft.victim()
    if victim is not None:
        entry = by_subject.get(victim.id) or SubjectEquality(victim.id)
        missing = [i for i in entry.items if i.consideration is Consideration.NOT_CONSIDERED]
        if missing:
            yield _error(
                f"{len(missing)} of 9 protected characteristics are not yet considered for "
                f"{victim.pseudonym}.",
                SectionId.EQUALITY,
                victim.id,
                missing[0].characteristic.value,
            )
    names = {s.id: s.pseudonym for s in draft.subjects}
    for entry in draft.equality.subjects:
        for item in entry.items:
            if item.consideration is Consideration.RELEVANT and not item.analysis.strip():
                who = names.get(entry.subject_id, "a subject")
                what = item.characteristic.value.replace("_", " ")
                yield _warning(
                    f"{what.capitalize()} is marked relevant for {who} with no analysis of "
                    "its impact.",
                    SectionId.EQUALITY,
                    entry.subject_id,
                    item.characteristic.value,
                )


def _recommendations(draft: ImrDraft) -> Iterator[Problem]:
    section = SectionId.RECOMMENDATIONS
    for n, rec in enumerate(draft.recommendations, start=1):
        label = f"Recommendation {n}"
        if not rec.text.strip():
            yield _error(f"{label} has no text.", section, rec.id, "text")
        if not rec.actions:
            yield _error(f"{label} has no action in the action plan.", section, rec.id, "action")
        for row in rec.actions:
            if not row.lead.strip():
                yield _error(f"{label} has an action without a lead.", section, row.id, "lead")
            if row.target_date is None:
                yield _error(
                    f"{label} has an action without a target date.",
                    section,
                    row.id,
                    "target_date",
                )


def _sections(draft: ImrDraft) -> Iterator[Problem]:
    for state in draft.sections:
        if state.status is SectionStatus.NOT_APPLICABLE and not state.reason.strip():
            yield _error(
                "This section is marked not applicable without a reason.",
                state.section,
                field="not_applicable_reason",
            )
