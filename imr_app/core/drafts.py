"""Starting a new draft: the parts every IMR begins with."""

from __future__ import annotations

from datetime import datetime

from imr_app.core.model import Agency, AuditEvent, ImrDraft, QuestionSet, Review, ReviewType


def now() -> datetime:
    """Local time to the second, with its offset: what the audit trail records."""
    return datetime.now().astimezone().replace(microsecond=0)


def new_draft(
    question_set: QuestionSet,
    review_name: str = "",
    review_type: ReviewType = ReviewType.DHR,
    agency: str = "",
) -> ImrDraft:
    """An empty draft holding its own copy of the question set it was started with."""
    draft = ImrDraft(
        question_set=question_set,
        review=Review(name=review_name, review_type=review_type),
        agency=Agency(name=agency),
        audit=[AuditEvent(now(), "draft created", detail=f"question set {question_set.id}")],
    )
    draft.answers = []
    for question in question_set.questions:
        draft.answer_for(question.number)
    return draft
