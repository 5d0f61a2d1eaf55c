"""Find across the whole draft: every prose field, each hit with where it is."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from imr_app.core.model import ImrDraft, SectionId


@dataclass(frozen=True)
class Hit:
    section: SectionId
    ref: str
    field: str
    label: str
    snippet: str


def prose_fields(draft: ImrDraft) -> Iterator[tuple[SectionId, str, str, str, str]]:
    """(section, ref, field, label, text) for every piece of prose an author writes."""
    review = draft.review
    yield SectionId.REVIEW, "", "name", "Review name", review.name
    author = draft.author
    yield (
        SectionId.AUTHOR,
        "",
        "independence_declaration",
        "Independence declaration",
        (author.independence_declaration),
    )
    for attr, text in vars(draft.agency.context).items():
        yield SectionId.AGENCY_CONTEXT, "", attr, attr.capitalize(), text
    yield (
        SectionId.SOURCES,
        "",
        "records_reviewed",
        "Records reviewed",
        (draft.sources.records_reviewed),
    )
    yield SectionId.SOURCES, "", "methodology", "Methodology", draft.sources.methodology
    for answer in draft.answers:
        number = answer.question_number
        yield SectionId.TERMS_OF_REFERENCE, number, "answer", f"Question {number}", answer.text
    yield SectionId.ANALYSIS, "", "analysis", "Analysis", draft.analysis
    for entry in draft.equality.subjects:
        for item in entry.items:
            yield (
                SectionId.EQUALITY,
                entry.subject_id,
                item.characteristic.value,
                ("Equality"),
                item.analysis,
            )
        yield (
            SectionId.EQUALITY,
            entry.subject_id,
            "intersectionality",
            "Intersectionality",
            (entry.intersectionality),
        )
    yield SectionId.EQUALITY, "", "statement", "Equality statement", draft.equality.statement
    for finding in draft.practice:
        yield SectionId.PRACTICE, finding.id, "text", "Practice", finding.text
    for lesson in draft.lessons:
        yield SectionId.LESSONS, lesson.id, "text", "Lesson", lesson.text
    for rec in draft.recommendations:
        yield SectionId.RECOMMENDATIONS, rec.id, "text", "Recommendation", rec.text


def find(draft: ImrDraft, needle: str, context: int = 40) -> list[Hit]:
    """Case-insensitive matches, each with a little of the text around it."""
    wanted = needle.casefold().strip()
    if not wanted:
        return []
    hits = []
    for section, ref, field, label, text in prose_fields(draft):
        folded = text.casefold()
        start = folded.find(wanted)
        while start != -1:
            left = max(0, start - context)
            snippet = text[left : start + len(wanted) + context].replace("\n", " ")
            hits.append(Hit(section, ref, field, label, ("…" if left else "") + snippet + "…"))
            start = folded.find(wanted, start + len(wanted))
    return hits
