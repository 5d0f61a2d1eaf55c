"""The report's sections in order, and how far along each one is.

A section is not started or in progress judging by its content; only the author
says it is complete, or not applicable (with a reason). Progress counts what
matters: questions answered and sections complete, not screens visited.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from imr_app.core.model import (
    AnswerStatus,
    Consideration,
    ImrDraft,
    SectionId,
    SectionStatus,
)
from imr_app.core.search import prose_fields

TITLES: dict[SectionId, str] = {
    SectionId.REVIEW: "Review and scope",
    SectionId.AUTHOR: "Author and independence",
    SectionId.AGENCY_CONTEXT: "Agency context",
    SectionId.SOURCES: "Sources and methodology",
    SectionId.SUBJECTS: "Subjects and pseudonyms",
    SectionId.TERMS_OF_REFERENCE: "Terms of reference",
    SectionId.CHRONOLOGY: "Chronology",
    SectionId.ANALYSIS: "Analysis",
    SectionId.EQUALITY: "Equality and diversity",
    SectionId.PRACTICE: "Good and poor practice",
    SectionId.LESSONS: "Lessons",
    SectionId.RECOMMENDATIONS: "Recommendations and action plan",
    SectionId.SIGN_OFF: "Sign-off",
}

STATUS_LABELS: dict[SectionStatus, str] = {
    SectionStatus.NOT_STARTED: "Not started",
    SectionStatus.IN_PROGRESS: "In progress",
    SectionStatus.COMPLETE: "Complete",
    SectionStatus.NOT_APPLICABLE: "Not applicable",
}


def _any(*values: object) -> bool:
    return any(bool(v) for v in values)


_HAS_CONTENT: dict[SectionId, Callable[[ImrDraft], bool]] = {
    SectionId.REVIEW: lambda d: _any(
        d.review.name,
        d.review.commissioning_partnership,
        d.review.period_start,
        d.review.period_end,
        d.review.date_of_death,
    ),
    SectionId.AUTHOR: lambda d: _any(
        d.author.name,
        d.author.role,
        d.author.independence_declaration,
        d.author.records_secured_on,
    ),
    SectionId.AGENCY_CONTEXT: lambda d: _any(*vars(d.agency.context).values()),
    SectionId.SOURCES: lambda d: _any(*vars(d.sources).values()),
    SectionId.SUBJECTS: lambda d: bool(d.subjects),
    SectionId.TERMS_OF_REFERENCE: lambda d: any(
        a.text.strip() or a.status is not AnswerStatus.NOT_STARTED for a in d.answers
    ),
    SectionId.CHRONOLOGY: lambda d: bool(d.chronology),
    SectionId.ANALYSIS: lambda d: bool(d.analysis.strip()),
    SectionId.EQUALITY: lambda d: (
        bool(d.equality.statement.strip())
        or any(
            i.consideration is not Consideration.NOT_CONSIDERED
            for s in d.equality.subjects
            for i in s.items
        )
    ),
    SectionId.PRACTICE: lambda d: bool(d.practice),
    SectionId.LESSONS: lambda d: bool(d.lessons),
    SectionId.RECOMMENDATIONS: lambda d: bool(d.recommendations),
    SectionId.SIGN_OFF: lambda d: d.workflow.sign_off is not None,
}


def question_done(draft: ImrDraft, number: str) -> bool:
    answer = draft.answer_for(number)
    if answer.status is AnswerStatus.NOT_APPLICABLE:
        return bool(answer.not_applicable_reason.strip())
    return answer.status is AnswerStatus.COMPLETE and bool(answer.text.strip())


def section_status(draft: ImrDraft, section: SectionId) -> SectionStatus:
    state = draft.section_state(section)
    if section is SectionId.TERMS_OF_REFERENCE:
        if draft.question_set.questions and all(
            question_done(draft, q.number) for q in draft.question_set.questions
        ):
            return SectionStatus.COMPLETE
    elif section is SectionId.SIGN_OFF and draft.workflow.sign_off is not None:
        return SectionStatus.COMPLETE
    elif state is not None and state.status in (
        SectionStatus.COMPLETE,
        SectionStatus.NOT_APPLICABLE,
    ):
        return state.status
    if _HAS_CONTENT[section](draft):
        return SectionStatus.IN_PROGRESS
    return SectionStatus.NOT_STARTED


@dataclass(frozen=True)
class Progress:
    questions_answered: int
    questions_total: int
    sections_complete: int
    sections_total: int
    words: int

    def describe(self) -> str:
        return (
            f"{self.questions_answered} of {self.questions_total} questions answered · "
            f"{self.sections_complete} of {self.sections_total} sections complete · "
            f"{self.words:,} words"
        )


def progress(draft: ImrDraft) -> Progress:
    done = (SectionStatus.COMPLETE, SectionStatus.NOT_APPLICABLE)
    return Progress(
        questions_answered=sum(
            question_done(draft, q.number) for q in draft.question_set.questions
        ),
        questions_total=len(draft.question_set.questions),
        sections_complete=sum(section_status(draft, s) in done for s in SectionId),
        sections_total=len(SectionId),
        words=sum(word_count(text) for *_, text in prose_fields(draft)),
    )


# A run of non-space characters holding a letter or digit, in linear time (possessive, and
# anchored at a run's start); thrice as fast as testing each token in Python.
_WORD = re.compile(r"(?<!\S)(?:_|[^\s\w])*+[^\W_]\S*")


@lru_cache(maxsize=1024)
def word_count(text: str) -> int:
    """Words as a reader counts them; Markdown markers are not words.

    Cached: progress recounts every answer on each refresh, and most have not changed.
    The cache holds answers' text, so closing a draft clears it (``DraftSession.close``).
    """
    return len(_WORD.findall(text))
