"""What ``imr-app info`` and the start screen may show before a draft is unlocked: no content."""

from __future__ import annotations

from imr_app.core.model import AnswerStatus, ImrDraft


def _uk(d: object) -> str:
    return d.strftime("%d/%m/%Y") if d is not None else "not set"  # type: ignore[attr-defined]


def summarise(draft: ImrDraft) -> list[tuple[str, str]]:
    """Labelled facts about the draft: review, agency, state and counts."""
    answered = sum(
        a.status in (AnswerStatus.COMPLETE, AnswerStatus.NOT_APPLICABLE) for a in draft.answers
    )
    review = draft.review
    return [
        ("Review", review.name or "(unnamed)"),
        ("Review type", review.review_type.value),
        ("Agency", draft.agency.name or "(not set)"),
        ("Author role", draft.author.role or "(not set)"),
        ("State", draft.workflow.state.value.replace("_", " ")),
        ("Review period", f"{_uk(review.period_start)} to {_uk(review.period_end)}"),
        ("Question set", f"{draft.question_set.title} (version {draft.question_set.version})"),
        ("Questions answered", f"{answered} of {len(draft.question_set.questions)}"),
        ("Subjects", str(len(draft.subjects))),
        ("Chronology entries", str(len(draft.chronology))),
        ("Recommendations", str(len(draft.recommendations))),
        ("Open comments", str(sum(not c.resolved for c in draft.comments))),
        ("Protective marking", review.protective_marking),
    ]
