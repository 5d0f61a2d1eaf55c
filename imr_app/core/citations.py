"""What a recommendation draws on: terms-of-reference questions by number, findings by id.

People type and read them as "ii", "Good practice 2", "Poor practice 1" or "Lesson 3" (also
"GP2", "PP1", "L3"), separated by commas or semicolons; the draft keeps question numbers
and finding ids, so a citation survives findings being renumbered.
"""

from __future__ import annotations

import re

from imr_app.core.model import ImrDraft, PracticeKind

_KINDS = {
    "good practice": "Good practice",
    "gp": "Good practice",
    "poor practice": "Poor practice",
    "pp": "Poor practice",
    "lesson": "Lesson",
    "l": "Lesson",
}
_FINDING = re.compile(r"^(good practice|poor practice|lesson|gp|pp|l)\s*(\d+)$")


def finding_labels(draft: ImrDraft) -> dict[str, str]:
    """Each finding's label by id ("Good practice 2", "Lesson 1"), numbered as exported."""
    labels: dict[str, str] = {}
    counts = {PracticeKind.GOOD: 0, PracticeKind.POOR: 0}
    for finding in draft.practice:
        counts[finding.kind] += 1
        kind = "Good practice" if finding.kind is PracticeKind.GOOD else "Poor practice"
        labels[finding.id] = f"{kind} {counts[finding.kind]}"
    for n, lesson in enumerate(draft.lessons, start=1):
        labels[lesson.id] = f"Lesson {n}"
    return labels


def cite_labels(draft: ImrDraft) -> dict[str, str]:
    """Every citable thing's label by what a citation stores: "Question ii", "Lesson 1"."""
    labels = {q.number: f"Question {q.number}" for q in draft.question_set.questions}
    return labels | finding_labels(draft)


def show_cites(draft: ImrDraft, cites: list[str]) -> str:
    """As typed: question numbers alone ("ii"), findings by label; unknown ones left out."""
    findings = finding_labels(draft)
    numbers = {q.number for q in draft.question_set.questions}
    shown = [c if c in numbers else findings[c] for c in cites if c in numbers or c in findings]
    return ", ".join(shown)


def parse_cites(draft: ImrDraft, text: str) -> list[str]:
    """ "ii, Lesson 1; GP2" -> ['ii', <lesson id>, <finding id>]; raises ValueError naming
    what this draft can cite when a part matches nothing."""
    numbers = {q.number.casefold(): q.number for q in draft.question_set.questions}
    findings = {label.casefold(): id_ for id_, label in finding_labels(draft).items()}
    chosen: list[str] = []
    unknown: list[str] = []
    for part in (p.strip() for p in re.split(r"[,;]", text)):
        if not part:
            continue
        key = re.sub(r"^(question|q)\s+", "", part.casefold().strip("(). "))
        match = _FINDING.match(key)
        found = numbers.get(key) or (
            findings.get(f"{_KINDS[match[1]].casefold()} {match[2]}") if match else None
        )
        if found is None:
            unknown.append(part)
        elif found not in chosen:
            chosen.append(found)
    if unknown:
        raise ValueError(
            f"Nothing in this IMR is called {', '.join(unknown)}: cite terms-of-reference "
            f"questions by number ({', '.join(numbers.values()) or 'none'}) and findings as "
            "“Good practice 1”, “Poor practice 1” or “Lesson 1”."
        )
    return chosen
