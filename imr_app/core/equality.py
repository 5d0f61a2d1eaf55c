"""Equality and diversity: the words for it and the rules behind the considered statement.

ToR 5.5.7 asks every IMR to consider the nine protected characteristics for each
subject and, when none is relevant, still to say that they were considered. The
rules live here, without Qt, so the export and the CLI say the same as the page.
"""

from __future__ import annotations

from imr_app.core.model import (
    Characteristic,
    Consideration,
    EqualityItem,
    ImrDraft,
    SubjectEquality,
)

CHARACTERISTIC_LABELS: dict[Characteristic, str] = {
    Characteristic.AGE: "Age",
    Characteristic.DISABILITY: "Disability",
    Characteristic.GENDER_REASSIGNMENT: "Gender reassignment",
    Characteristic.MARRIAGE_CIVIL_PARTNERSHIP: "Marriage and civil partnership",
    Characteristic.PREGNANCY_MATERNITY: "Pregnancy and maternity",
    Characteristic.RACE: "Race",
    Characteristic.RELIGION_BELIEF: "Religion or belief",
    Characteristic.SEX: "Sex",
    Characteristic.SEXUAL_ORIENTATION: "Sexual orientation",
}

CONSIDERATION_LABELS: dict[Consideration, str] = {
    Consideration.NOT_CONSIDERED: "Not yet considered",
    Consideration.RELEVANT: "Relevant",
    Consideration.NOT_RELEVANT: "Not relevant",
    Consideration.NOT_KNOWN: "Not known",
}

# Keyed by the field names of ``OtherFactors``, in the order the page shows them.
OTHER_FACTOR_LABELS: dict[str, str] = {
    "immigration_status": "Immigration status",
    "language": "Language",
    "substance_use": "Substance use",
    "mental_health": "Mental health",
    "socio_economic": "Socio-economic position",
}


def equality_for(draft: ImrDraft, subject_id: str) -> SubjectEquality:
    """The subject's entry, created with all nine characteristics not yet considered if missing.

    Entries are kept in the order of ``draft.subjects`` so the report lists them as the
    subjects are listed; entries of subjects no longer registered keep their place at the end.
    """
    entries = draft.equality.subjects
    entry = next((e for e in entries if e.subject_id == subject_id), None)
    if entry is None:
        entry = SubjectEquality(subject_id)
        entries.append(entry)
        order = {s.id: n for n, s in enumerate(draft.subjects)}
        entries.sort(key=lambda e: order.get(e.subject_id, len(order)))
    return entry


def item_for(entry: SubjectEquality, characteristic: Characteristic) -> EqualityItem:
    """The entry's item for one characteristic, added if an older or imported entry lacks it."""
    item = next((i for i in entry.items if i.characteristic is characteristic), None)
    if item is None:
        item = EqualityItem(characteristic)
        entry.items.append(item)
    return item


def _considered_entries(draft: ImrDraft) -> list[tuple[str, SubjectEquality]]:
    """(pseudonym, entry) for each registered subject that has an entry, in subject order."""
    by_subject = {e.subject_id: e for e in draft.equality.subjects}
    return [(s.pseudonym, by_subject[s.id]) for s in draft.subjects if s.id in by_subject]


def nothing_relevant(draft: ImrDraft) -> bool:
    """True when every characteristic was found not relevant for every subject considered.

    This is the ToR 5.5.7 case, where the IMR must state that they were considered.
    Entries left behind by subjects since removed from the register do not count.
    """
    considered = _considered_entries(draft)
    return bool(considered) and all(
        item.consideration is Consideration.NOT_RELEVANT
        for _, entry in considered
        for item in entry.items
    )


def _join_names(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C': a list as a sentence reads it (no serial comma)."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def considered_statement(draft: ImrDraft, agency_name: str) -> str:
    """The statement that the characteristics were considered, naming subjects by pseudonym.

    Real names never appear: the statement goes into a report that must carry pseudonyms only.
    """
    names = [name.strip() for name, _ in _considered_entries(draft) if name.strip()]
    who = _join_names(names) or "the subjects of this review"
    characteristics = _join_names([label.lower() for label in CHARACTERISTIC_LABELS.values()])
    agency = agency_name.strip() or "The agency"
    return (
        f"{agency} has considered the nine protected characteristics under the Equality Act 2010 "
        f"({characteristics}) in relation to {who}. None was found to be relevant to the "
        "agency's contact with them or to the circumstances of this review."
    )
