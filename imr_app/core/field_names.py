"""A field of the draft named as the author knows it: "Question iv", "Chronology entry 14/06/2019".

Field paths come from ``pseudonymise.text_slots`` (``answers[3].text``, ``chronology[12].event``);
the export's list of possible personal details uses these names to say where to fix each one.
"""

from __future__ import annotations

import re

from imr_app.core.dates import format_uk
from imr_app.core.model import ImrDraft, SectionId
from imr_app.core.sections import TITLES

_HEAD = re.compile(r"^(\w+)(?:\[(\d+)\])?")
# Top-level parts that are one section of the report (or of the app) as a whole.
_SECTIONS = {
    "review": TITLES[SectionId.REVIEW],
    "author": TITLES[SectionId.AUTHOR],
    "agency": TITLES[SectionId.AGENCY_CONTEXT],
    "sources": TITLES[SectionId.SOURCES],
    "subjects": TITLES[SectionId.SUBJECTS],
    "analysis": TITLES[SectionId.ANALYSIS],
    "equality": TITLES[SectionId.EQUALITY],
    "sections": "A section's reason for not applicable",
    "question_set": TITLES[SectionId.TERMS_OF_REFERENCE],
    "comments": "Review comments",
    "workflow": "Review steps",
    "audit": "Audit trail",
}


def describe_field(draft: ImrDraft, path: str) -> str:
    """``path`` (a ``TextSlot.path``) as the author would look for it in the window."""
    match = _HEAD.match(path)
    if match is None:
        return path
    head, index = match[1], int(match[2]) if match[2] is not None else None
    if index is not None:
        if head == "answers" and index < len(draft.answers):
            return f"Question {draft.answers[index].question_number}"
        if head == "chronology" and index < len(draft.chronology):
            entry = draft.chronology[index]
            when = entry.date_as_recorded or format_uk(entry.date_start)
            return " ".join(part for part in ("Chronology entry", when, entry.source) if part)
        if head == "recommendations":
            return f"Recommendation {index + 1}"
        if head == "practice":
            return f"{TITLES[SectionId.PRACTICE]}, finding {index + 1}"
        if head == "lessons":
            return f"Lesson {index + 1}"
    return _SECTIONS.get(head, path)
