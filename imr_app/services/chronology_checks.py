"""Checks on the chronology: what a chair or the Home Office panel would query.

Every check is a prompt for the author, never a conclusion: an entry outside the period
may be relevant history, a gap may be a time with no contact, and contacts that fail more
often may or may not be disengagement. So all of them are warnings, except a missing
source, which the chronology cannot do without. Each function returns every problem it
finds, for a view that marks every row; ``check_chronology`` lists a few of each kind and
counts the rest, so "check for errors" stays readable with thousands of entries.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from datetime import date

from imr_app.core.chronology_dates import format_recorded, last_possible_day, sort_key
from imr_app.core.dates import format_uk
from imr_app.core.model import (
    ChronologyEntry,
    ContactOutcome,
    ImrDraft,
    Relevance,
    SectionId,
    Subject,
)
from imr_app.services.checks import Location, Problem, Severity

DEFAULT_GAP_DAYS = 90
DUPLICATE_RATIO = 0.9
DUPLICATE_LOOKBACK = 20
LISTED_PER_KIND = 25
# Disengagement looks at the last six months of the period, then at its last third.
DISENGAGEMENT_MONTHS = 6
DISENGAGEMENT_MIN_FAILED = 3
MIN_NAME_LETTERS = 3

FAILED_CONTACTS: dict[ContactOutcome, str] = {
    ContactOutcome.DID_NOT_ATTEND: "did not attend",
    ContactOutcome.NO_REPLY: "no reply",
    ContactOutcome.DECLINED: "declined",
    ContactOutcome.CANCELLED: "cancelled",
}
_FIELD_LABELS = {"event": "what happened", "action": "action taken", "outcome": "outcome"}
# The default question set's numbers for the victim's wishes and for risk (ToR 5.6.1).
_DISENGAGEMENT_QUESTIONS = {
    "vi": "the victim's wishes and feelings",
    "ii": "risk assessment and risk management",
    "iv": "assessment and decision making",
}
_NOT_WORD = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")


def check_chronology(draft: ImrDraft, gap_days: int = DEFAULT_GAP_DAYS) -> list[Problem]:
    """Every chronology problem, the most telling first, a few of each per-entry kind."""
    return [
        *disengagement(draft),
        *gap_warnings(draft, gap_days),
        *_listed(missing_sources(draft), "have no source"),
        *_listed(outside_period(draft), "are outside the review period"),
        *_listed(after_death(draft), "are after the date of death"),
        *_listed(duplicates(draft), "look like duplicates"),
        *_listed(missing_outcomes(draft), "have no outcome recorded"),
        *_listed(real_names(draft), "contain a subject's real name"),
    ]


def missing_sources(draft: ImrDraft) -> list[Problem]:
    """A source is mandatory: a chair must be able to trace every entry to its record."""
    return [
        Problem(
            Severity.ERROR,
            f"{_entry_label(entry)} has no source: name the record or system it comes from.",
            _at(entry, "source"),
        )
        for entry in _in_date_order(draft)
        if not entry.source.strip()
    ]


def outside_period(draft: ImrDraft) -> list[Problem]:
    """Entries wholly before or after the review period, unless domestic-abuse related.

    The terms of reference ask for earlier domestic-abuse history, so a flagged entry is
    expected there. An entry after the date of death is left to ``after_death``, which
    says more. An uncertain date counts as inside when any day of its range is.
    """
    review = draft.review
    start, end, death = review.period_start, review.period_end, review.date_of_death
    problems: list[Problem] = []
    for entry in _in_date_order(draft):
        if entry.domestic_abuse:
            continue
        if start is not None and last_possible_day(entry) < start:
            message = (
                f"{_entry_label(entry)} is before the review period, which starts "
                f"{format_uk(start)}. If it is earlier domestic-abuse history, flag it as "
                "domestic-abuse related; otherwise check that it belongs."
            )
        elif (
            end is not None
            and entry.date_start > end
            and not (death is not None and entry.date_start > death)
        ):
            message = (
                f"{_entry_label(entry)} is after the review period, which ends "
                f"{format_uk(end)}: check that it belongs."
            )
        else:
            continue
        problems.append(_warning(message, entry, "date_start"))
    return problems


def after_death(draft: ImrDraft) -> list[Problem]:
    """Entries that start after the death: usually the investigation, not the agency's contact."""
    death = draft.review.date_of_death
    if death is None:
        return []
    return [
        _warning(
            f"{_entry_label(entry)} is after the date of death ({format_uk(death)}): keep it "
            "only if the terms of reference ask for events after the death.",
            entry,
            "date_start",
        )
        for entry in _in_date_order(draft)
        if entry.date_start > death
    ]


def duplicates(draft: ImrDraft) -> list[Problem]:
    """Entries on the same date from the same source with near-identical text.

    Copying out of a case system often doubles rows. Entries are grouped by date and
    source first, so only a handful are ever compared with each other. Two entries at
    different recorded times, or whose text cites different numbers (an incident or
    reference number), are separate events, however alike the rest of their text.
    """
    entries = _in_date_order(draft)
    texts = [_normalise(entry.event) for entry in entries]
    groups: dict[tuple[date, str], list[int]] = defaultdict(list)
    for index, entry in enumerate(entries):
        if texts[index]:
            groups[(entry.date_start, entry.source.strip().casefold())].append(index)
    first_seen: dict[int, int] = {}
    for members in groups.values():
        if len(members) > 1:
            first_seen.update(_first_matches(members, texts, entries))
    return [
        _warning(
            f"{_entry_label(entries[later])} looks like a duplicate of another entry with the "
            f'same date and source ("{_excerpt(entries[earlier].event)}"): delete one, or '
            "say what tells them apart.",
            entries[later],
            "event",
        )
        for later, earlier in sorted(first_seen.items())
    ]


def gaps(draft: ImrDraft, threshold_days: int = DEFAULT_GAP_DAYS) -> list[tuple[date, date]]:
    """Stretches of the review period longer than ``threshold_days`` with no entry.

    Each is (last day covered, next day covered), the period's own start and end counting
    as edges. A month, year or span covers all of its range: the event may lie anywhere
    in it, so it cannot be called a gap.
    """
    if threshold_days < 1:
        raise ValueError("The gap threshold must be at least one day.")
    start, end = draft.review.period_start, draft.review.period_end
    if not draft.chronology or start is None or end is None or start > end:
        return []
    covered_ranges = sorted(
        (max(entry.date_start, start), min(last_possible_day(entry), end))
        for entry in draft.chronology
        if entry.date_start <= end and last_possible_day(entry) >= start
    )
    found: list[tuple[date, date]] = []
    covered_to = start
    for first, last in covered_ranges:
        if (first - covered_to).days > threshold_days:
            found.append((covered_to, first))
        covered_to = max(covered_to, last)
    if (end - covered_to).days > threshold_days:
        found.append((covered_to, end))
    return found


def gap_warnings(draft: ImrDraft, threshold_days: int = DEFAULT_GAP_DAYS) -> list[Problem]:
    """One warning per gap, pointing at the entry after it (or before it, at the period end)."""
    starting: dict[date, str] = {}
    ending: dict[date, str] = {}
    for entry in _in_date_order(draft):
        starting.setdefault(entry.date_start, entry.id)
        ending[last_possible_day(entry)] = entry.id
    return [
        Problem(
            Severity.WARNING,
            f"No entry between {format_uk(first)} and {format_uk(last)} "
            f"({(last - first).days} days): confirm there was no contact rather than a "
            "missing record.",
            Location(
                SectionId.CHRONOLOGY,
                ref=starting.get(last) or ending.get(first, ""),
                field="date_start",
            ),
        )
        for first, last in gaps(draft, threshold_days)
    ]


def disengagement(draft: ImrDraft) -> list[Problem]:
    """Say so when contact attempts fail clearly more often late in the period than before.

    The seed's central lesson (7.5, 8.2): a high-risk victim who becomes harder to reach
    may be under coercive control. Two later windows are tried, the last six months of the
    period (the months before a death) and then its last third, because services often
    stop trying months before the end, leaving the final months with no attempts at all.
    "Clearly" means at least three failed attempts in the window and a failure rate at
    least double that of the rest of the period. One warning at most, with the numbers and
    the questions to answer; what the pattern meant is for the author to judge.
    """
    attempts = [
        entry
        for entry in draft.chronology
        if entry.contact_outcome is not ContactOutcome.NOT_A_CONTACT_ATTEMPT
    ]
    if not attempts:
        return []
    review = draft.review
    end = review.period_end or review.date_of_death or max(e.date_start for e in attempts)
    start = review.period_start or min(e.date_start for e in attempts)
    if start >= end:
        return []
    splits = dict.fromkeys(
        [max(start, _months_before(end, DISENGAGEMENT_MONTHS)), start + (end - start) * 2 / 3]
    )
    for split in splits:
        if problem := _disengagement_since(draft, attempts, start, split, end):
            return [problem]
    return []


def _disengagement_since(
    draft: ImrDraft, attempts: list[ChronologyEntry], start: date, split: date, end: date
) -> Problem | None:
    earlier = [e for e in attempts if start <= e.date_start < split]
    later = [e for e in attempts if split <= e.date_start <= end]
    earlier_failed = [e for e in earlier if e.contact_outcome in FAILED_CONTACTS]
    later_failed = sorted(
        (e for e in later if e.contact_outcome in FAILED_CONTACTS), key=lambda e: sort_key(e)
    )
    if not earlier or len(later_failed) < DISENGAGEMENT_MIN_FAILED:
        return None
    # Rates compared as cross-products: whole numbers, and no division by an empty window.
    later_share = len(later_failed) * len(earlier)
    earlier_share = len(earlier_failed) * len(later)
    if later_share < 2 * earlier_share or later_share <= earlier_share:
        return None
    message = (
        "Contact attempts failed more often late in the review period: "
        f"{_rate(later_failed, later)} failed between {format_uk(split)} and {format_uk(end)} "
        f"({_breakdown(later_failed)}), against {_rate(earlier_failed, earlier)} earlier in "
        "the period. Missed, unanswered, declined or cancelled contacts can be a sign of "
        "coercive control or rising risk, or may have another explanation: consider what "
        f"lay behind them in your answers on {_questions_to_consider(draft)}."
    )
    return _warning(message, later_failed[0], "contact_outcome")


def missing_outcomes(draft: ImrDraft) -> list[Problem]:
    """Entries that do not say what came of them.

    A failed contact attempt records its own outcome, and a précis of a matter not
    relevant to the death needs none.
    """
    return [
        _warning(
            f"{_entry_label(entry)} has no outcome recorded: say what came of it.",
            entry,
            "outcome",
        )
        for entry in _in_date_order(draft)
        if not entry.outcome.strip()
        and entry.relevance is Relevance.FULL
        and entry.contact_outcome not in FAILED_CONTACTS
    ]


def real_names(draft: ImrDraft) -> list[Problem]:
    """Entries whose text holds a subject's real name, whole or its first or last name alone.

    Authors copy records that use real names. Export pseudonymises, but the draft is
    shared for quality assurance first. The message names the pseudonym, never the real
    name, so the list of problems can itself be shared. A name part that is also part of
    a pseudonym is not looked for alone, since it could not be told apart.
    """
    pseudonym_words = {
        word.casefold() for subject in draft.subjects for word in subject.pseudonym.split()
    }
    patterns = [
        (subject, pattern)
        for subject in draft.subjects
        if (pattern := _name_pattern(subject, pseudonym_words)) is not None
    ]
    problems: list[Problem] = []
    for entry in _in_date_order(draft):
        for subject, pattern in patterns:
            field = next(
                (name for name in _FIELD_LABELS if pattern.search(getattr(entry, name))), None
            )
            if field is not None:
                who = subject.pseudonym.strip() or "a subject"
                problems.append(
                    _warning(
                        f"{_entry_label(entry)} uses {who}'s real name in "
                        f"{_FIELD_LABELS[field]}: use the pseudonym instead.",
                        entry,
                        field,
                    )
                )
    return problems


def _in_date_order(draft: ImrDraft) -> list[ChronologyEntry]:
    indexed = sorted(enumerate(draft.chronology), key=lambda pair: sort_key(pair[1], pair[0]))
    return [entry for _, entry in indexed]


def _listed(problems: list[Problem], what: str) -> list[Problem]:
    """The first few problems of one kind, and a count of the rest at the next one's place."""
    if len(problems) <= LISTED_PER_KIND:
        return problems
    rest = problems[LISTED_PER_KIND:]
    summary = Problem(
        rest[0].severity,
        f"{len(rest):,} more entries {what}.",
        rest[0].location,
    )
    return [*problems[:LISTED_PER_KIND], summary]


def _at(entry: ChronologyEntry, field: str) -> Location:
    return Location(SectionId.CHRONOLOGY, ref=entry.id, field=field)


def _warning(message: str, entry: ChronologyEntry, field: str) -> Problem:
    return Problem(Severity.WARNING, message, _at(entry, field))


def _entry_label(entry: ChronologyEntry) -> str:
    source = entry.source.strip()
    when = format_recorded(entry)
    return f"The entry for {when} ({source})" if source else f"The entry for {when}"


def _normalise(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


def _excerpt(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _first_matches(
    members: list[int], texts: list[str], entries: list[ChronologyEntry]
) -> dict[int, int]:
    """For each entry of a date-and-source group, the first earlier one it repeats, if any.

    Stopping at the first match keeps a day of near-identical log lines linear, not
    quadratic; entries that match nothing are rejected cheaply by length and letters.
    Only the nearest earlier entries are compared, so a file whose every row carries one
    date (an export date mapped by mistake) stays quick; copies are usually neighbours.
    """
    found: dict[int, int] = {}
    for position, later in enumerate(members):
        for earlier in members[max(0, position - DUPLICATE_LOOKBACK) : position]:
            if _different_times(entries[earlier], entries[later]):
                continue
            if texts[earlier] == texts[later] or _close(texts[earlier], texts[later]):
                found[later] = earlier
                break
    return found


def _close(a: str, b: str) -> bool:
    """Near-identical wording that cites the same numbers.

    A different incident or reference number means a different event, however alike the
    rest of a templated log line is.
    """
    if 2 * min(len(a), len(b)) < DUPLICATE_RATIO * (len(a) + len(b)):
        return False  # the ratio can never reach the threshold
    if _DIGITS.findall(a) != _DIGITS.findall(b):
        return False
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return (
        matcher.real_quick_ratio() >= DUPLICATE_RATIO
        and matcher.quick_ratio() >= DUPLICATE_RATIO
        and matcher.ratio() >= DUPLICATE_RATIO
    )


def _different_times(a: ChronologyEntry, b: ChronologyEntry) -> bool:
    return bool(a.time.strip() and b.time.strip() and a.time.strip() != b.time.strip())


def _months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    for candidate in range(day.day, 0, -1):  # 31 August less six months is 28/29 February
        try:
            return date(year, month + 1, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a first day")


def _rate(failed: list[ChronologyEntry], attempts: list[ChronologyEntry]) -> str:
    return f"{len(failed)} of {len(attempts)} ({round(100 * len(failed) / len(attempts))}%)"


def _breakdown(failed: list[ChronologyEntry]) -> str:
    counts: dict[ContactOutcome, int] = defaultdict(int)
    for entry in failed:
        counts[entry.contact_outcome] += 1
    return ", ".join(
        f"{counts[outcome]} {label}"
        for outcome, label in FAILED_CONTACTS.items()
        if outcome in counts
    )


def _questions_to_consider(draft: ImrDraft) -> str:
    """Name the default questions when the draft's question set has them; else describe them."""
    numbers = {question.number for question in draft.question_set.questions}
    named = [
        f"{number} ({topic})"
        for number, topic in _DISENGAGEMENT_QUESTIONS.items()
        if number in numbers
    ]
    if not named:
        return "the victim's wishes and feelings, coercive control and risk"
    if len(named) == 1:
        return f"question {named[0]}"
    return "questions " + ", ".join(named[:-1]) + " and " + named[-1]


def _name_pattern(subject: Subject, pseudonym_words: set[str]) -> re.Pattern[str] | None:
    words = subject.real_name.split()
    if not words:
        return None
    alternatives = [r"\s+".join(re.escape(word) for word in words)]
    for part in dict.fromkeys((words[0], words[-1])):
        letters = sum(character.isalpha() for character in part)
        if letters >= MIN_NAME_LETTERS and part.casefold() not in pseudonym_words:
            alternatives.append(re.escape(part))
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)
