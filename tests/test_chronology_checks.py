"""Chronology checks: what the author sees in "check for errors" and from `imr-app check`."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest

from imr_app.core.chronology_dates import parse_recorded_date
from imr_app.core.model import (
    ChronologyEntry,
    ContactOutcome,
    ImrDraft,
    Question,
    QuestionSet,
    Relevance,
    SectionId,
    Subject,
    SubjectRole,
)
from imr_app.services.checks import Problem, Severity, check_draft
from imr_app.services.chronology_checks import (
    LISTED_PER_KIND,
    after_death,
    check_chronology,
    disengagement,
    duplicates,
    gap_warnings,
    gaps,
    missing_outcomes,
    missing_sources,
    outside_period,
    real_names,
)

DNA, NO_REPLY = ContactOutcome.DID_NOT_ATTEND, ContactOutcome.NO_REPLY
DECLINED, ATTENDED = ContactOutcome.DECLINED, ContactOutcome.ATTENDED


def entry(
    when: str,
    source: str = "Custody record",
    event: str = "Officers attended the address.",
    outcome: str = "Advice given.",
    **fields: object,
) -> ChronologyEntry:
    """An entry as the date field would store it after the author typed ``when``."""
    recorded = parse_recorded_date(when)
    return ChronologyEntry(
        date_start=recorded.start,
        date_end=recorded.end,
        certainty=recorded.certainty,
        date_as_recorded=recorded.as_recorded,
        source=source,
        event=event,
        outcome=outcome,
        **fields,  # type: ignore[arg-type]
    )


@pytest.fixture
def seed_like(draft: ImrDraft) -> ImrDraft:
    """The seed's review period and date of death, with a victim and a perpetrator."""
    draft.review.period_start = date(2015, 1, 1)
    draft.review.period_end = date(2018, 8, 30)
    draft.review.date_of_death = date(2018, 8, 30)
    draft.subjects = [
        Subject("Connie Smith", SubjectRole.VICTIM, real_name="Halima Osman"),
        Subject("Ryan Davis", SubjectRole.PERPETRATOR, real_name="Daniel Jo Carver"),
        Subject("Child B", SubjectRole.CHILD, real_name="Al Smith"),
    ]
    return draft


def messages(problems: list[Problem]) -> list[str]:
    return [p.message for p in problems]


# Outside the review period and after the death


def test_entry_before_the_period_is_a_warning_unless_flagged_domestic_abuse(seed_like: ImrDraft):
    shoplifting = entry("14/03/2013", event="Cautioned for shoplifting.")
    earlier_abuse = entry(
        "05/2012", event="Arrested for assaulting a partner.", domestic_abuse=True
    )
    seed_like.chronology = [shoplifting, earlier_abuse]
    problems = outside_period(seed_like)
    assert messages(problems) == [
        "The entry for 14/03/2013 (Custody record) is before the review period, which starts "
        "01/01/2015. If it is earlier domestic-abuse history, flag it as domestic-abuse "
        "related; otherwise check that it belongs."
    ]
    assert problems[0].severity is Severity.WARNING
    assert problems[0].location.section is SectionId.CHRONOLOGY
    assert problems[0].location.ref == shoplifting.id
    assert problems[0].location.field == "date_start"


def test_an_uncertain_date_reaching_into_the_period_is_inside_it(seed_like: ImrDraft):
    seed_like.chronology = [entry("winter 2014"), entry("2014 - 2015"), entry("31/12/2014")]
    assert [p.location.ref for p in outside_period(seed_like)] == [seed_like.chronology[2].id]


def test_entry_after_the_period_but_before_the_death_is_a_warning(seed_like: ImrDraft):
    seed_like.review.date_of_death = date(2018, 12, 1)
    seed_like.chronology = [entry("01/10/2018")]
    assert messages(outside_period(seed_like)) == [
        "The entry for 01/10/2018 (Custody record) is after the review period, which ends "
        "30/08/2018: check that it belongs."
    ]
    assert after_death(seed_like) == []


def test_entry_after_the_death_is_reported_once_as_after_the_death(seed_like: ImrDraft):
    seed_like.chronology = [entry("02/09/2018"), entry("30/08/2018", time="23:10")]
    assert outside_period(seed_like) == []
    assert messages(after_death(seed_like)) == [
        "The entry for 02/09/2018 (Custody record) is after the date of death (30/08/2018): "
        "keep it only if the terms of reference ask for events after the death."
    ]


def test_no_period_or_death_set_means_nothing_to_check_against(draft: ImrDraft):
    draft.chronology = [entry("01/01/1990")]
    assert outside_period(draft) == []
    assert after_death(draft) == []
    assert gaps(draft) == []


# Duplicates


def test_same_date_same_source_near_identical_text_is_a_likely_duplicate(seed_like: ImrDraft):
    first = entry("03/04/2016", event="Connie Smith called 999 reporting an assault by Ryan.")
    copy = entry(
        "3/4/16",
        source="CUSTODY RECORD ",
        event="Connie Smith called 999, reporting an assault by Ryan",
    )
    typo = entry("03.04.2016", event="Connie Smith caled 999 reporting an assualt by Ryan.")
    seed_like.chronology = [first, copy, typo]
    problems = duplicates(seed_like)
    assert [p.location.ref for p in problems] == [copy.id, typo.id]
    assert problems[0].message == (
        "The entry for 03/04/2016 (CUSTODY RECORD) looks like a duplicate of another entry "
        'with the same date and source ("Connie Smith called 999 reporting an assault by '
        'Ryan."): delete one, or say what tells them apart.'
    )


@pytest.mark.parametrize(
    "other",
    [
        entry("04/04/2016", event="Connie Smith called 999 reporting an assault by Ryan."),
        entry("03/04/2016", "GP notes", event="Connie Smith called 999 reporting an assault."),
        entry("03/04/2016", event="Ryan Davis was arrested and taken into custody overnight."),
        entry("03/04/2016", event="Connie Smith called 999 reporting a threat by Ryan's friend."),
        entry(
            "03/04/2016",
            event="Connie Smith called 999 reporting an assault by Ryan.",
            time="21:40",
        ),
    ],
    ids=["next day", "other source", "other text", "similar but different", "another time"],
)
def test_near_misses_are_not_called_duplicates(seed_like: ImrDraft, other: ChronologyEntry):
    first = entry(
        "03/04/2016", event="Connie Smith called 999 reporting an assault by Ryan.", time="09:15"
    )
    seed_like.chronology = [first, other]
    assert duplicates(seed_like) == []


def test_log_lines_citing_different_incident_numbers_are_not_duplicates(seed_like: ImrDraft):
    seed_like.chronology = [
        entry("03/04/2016", event="Incident 4471: call to Connie Smith, no reply."),
        entry("03/04/2016", event="Incident 4478: call to Connie Smith, no reply."),
        entry("03/04/2016", event="Incident 4478: call to Connie Smith - no reply"),
    ]
    assert [p.location.ref for p in duplicates(seed_like)] == [seed_like.chronology[2].id]


# Gaps


def test_gaps_longer_than_the_threshold_are_listed_with_the_period_edges(seed_like: ImrDraft):
    seed_like.chronology = [
        entry("01/04/2015"),  # 90 days after the start: not longer than the threshold
        entry("05/2015"),  # covers to 31/05/2015
        entry("15/09/2015"),  # 107 days after 31/05/2015
        entry("summer 2017"),  # covers 01/06/2017 to 31/08/2017
        entry("01/06/2018"),
    ]
    assert gaps(seed_like) == [
        (date(2015, 5, 31), date(2015, 9, 15)),
        (date(2015, 9, 15), date(2017, 6, 1)),
        (date(2017, 8, 31), date(2018, 6, 1)),
    ]
    assert gaps(seed_like, threshold_days=365) == [(date(2015, 9, 15), date(2017, 6, 1))]
    assert gaps(seed_like, threshold_days=60) == [
        (date(2015, 1, 1), date(2015, 4, 1)),
        (date(2015, 5, 31), date(2015, 9, 15)),
        (date(2015, 9, 15), date(2017, 6, 1)),
        (date(2017, 8, 31), date(2018, 6, 1)),
        (date(2018, 6, 1), date(2018, 8, 30)),
    ]


def test_gap_warning_asks_the_author_to_confirm_no_contact(seed_like: ImrDraft):
    later = entry("15/09/2015")
    seed_like.chronology = [entry("01/04/2015"), entry("05/2015"), later, entry("01/07/2018")]
    problems = gap_warnings(seed_like, threshold_days=400)
    assert messages(problems) == [
        "No entry between 15/09/2015 and 01/07/2018 (1020 days): confirm there was no contact "
        "rather than a missing record."
    ]
    assert problems[0].location.ref == seed_like.chronology[3].id


def test_a_gap_threshold_below_one_day_is_refused(seed_like: ImrDraft):
    with pytest.raises(ValueError, match="at least one day"):
        gaps(seed_like, threshold_days=0)


# Disengagement


def _attempts(dates_and_outcomes: list[tuple[str, ContactOutcome]]) -> list[ChronologyEntry]:
    return [
        entry(when, "IDVA case file", event="Planned call to Connie Smith.", contact_outcome=result)
        for when, result in dates_and_outcomes
    ]


ENGAGED_THEN_HARD_TO_REACH = [
    ("10/02/2015", ATTENDED),
    ("12/05/2015", ATTENDED),
    ("20/08/2015", DNA),
    ("03/11/2015", ATTENDED),
    ("15/02/2016", ATTENDED),
    ("06/06/2016", ATTENDED),
    ("19/09/2016", ATTENDED),
    ("12/01/2017", NO_REPLY),
    ("30/04/2017", ATTENDED),
    ("14/08/2017", ATTENDED),
    ("02/12/2017", ATTENDED),
    ("15/03/2018", DNA),
    ("02/04/2018", NO_REPLY),
    ("20/04/2018", NO_REPLY),
    ("11/05/2018", ATTENDED),
    ("05/06/2018", DECLINED),
    ("27/06/2018", NO_REPLY),
]


def test_disengagement_is_named_with_its_numbers_and_the_questions_to_answer(
    seed_like: ImrDraft,
):
    seed_like.chronology = _attempts(ENGAGED_THEN_HARD_TO_REACH)
    problems = disengagement(seed_like)
    assert messages(problems) == [
        "Contact attempts failed more often late in the review period: 5 of 6 (83%) failed "
        "between 28/02/2018 and 30/08/2018 (1 did not attend, 3 no reply, 1 declined), against "
        "2 of 11 (18%) earlier in the period. Missed, unanswered, declined or cancelled "
        "contacts can be a sign of coercive control or rising risk, or may have another "
        "explanation: consider what lay behind them in your answers on questions vi (the "
        "victim's wishes and feelings), ii (risk assessment and risk management) and iv "
        "(assessment and decision making)."
    ]
    assert problems[0].severity is Severity.WARNING
    assert problems[0].location.ref == seed_like.chronology[11].id
    assert problems[0].location.field == "contact_outcome"


def test_disengagement_months_before_the_death_is_found_in_the_last_third(seed_like: ImrDraft):
    # Services stopped trying in late 2017: the last six months hold no attempts at all.
    seed_like.chronology = _attempts(
        [
            *[("10/02/2015", ATTENDED), ("12/05/2016", ATTENDED), ("20/08/2016", ATTENDED)],
            *[("01/07/2017", NO_REPLY), ("01/08/2017", DNA), ("15/10/2017", NO_REPLY)],
        ]
    )
    [problem] = disengagement(seed_like)
    # The last third of 01/01/2015 to 30/08/2018 starts on 10/06/2017.
    assert "3 of 3 (100%) failed between 10/06/2017 and 30/08/2018" in problem.message
    assert "against 0 of 3 (0%) earlier in the period" in problem.message


def test_a_steady_failure_rate_is_not_called_disengagement(seed_like: ImrDraft):
    steady = []
    for month in range(0, 44):
        when = date(2015, 1, 10) + timedelta(days=30 * month)
        steady.append((when.strftime("%d/%m/%Y"), DNA if month % 4 == 0 else ATTENDED))
    seed_like.chronology = _attempts(steady)
    assert disengagement(seed_like) == []


def _spread(first: date, outcomes: list[ContactOutcome]) -> list[tuple[str, ContactOutcome]]:
    """Attempts a fortnight apart from ``first``, in the order given."""
    return [
        ((first + timedelta(days=14 * n)).strftime("%d/%m/%Y"), outcome)
        for n, outcome in enumerate(outcomes)
    ]


def test_a_rise_short_of_double_is_not_called_disengagement(seed_like: ImrDraft):
    # 4 of 10 (40%) failed earlier, 3 of 5 (60%) later: higher, but not clearly.
    earlier = _spread(date(2015, 3, 2), [DNA, ATTENDED, NO_REPLY, ATTENDED, ATTENDED] * 2)
    later = _spread(date(2018, 4, 2), [NO_REPLY, ATTENDED, DNA, ATTENDED, DECLINED])
    seed_like.chronology = _attempts([*earlier, *later])
    assert disengagement(seed_like) == []


def test_a_failure_rate_that_doubles_is_called_disengagement(seed_like: ImrDraft):
    earlier = _spread(date(2015, 3, 2), [DNA, ATTENDED, ATTENDED, ATTENDED] * 2)
    later = _spread(date(2018, 4, 2), [NO_REPLY, ATTENDED, DNA, ATTENDED, DECLINED, ATTENDED])
    seed_like.chronology = _attempts([*earlier, *later])
    [problem] = disengagement(seed_like)
    assert "3 of 6 (50%) failed between 28/02/2018 and 30/08/2018" in problem.message
    assert "against 2 of 8 (25%) earlier in the period" in problem.message


def test_two_late_failures_are_too_few_to_call_a_pattern(seed_like: ImrDraft):
    seed_like.chronology = _attempts(
        [
            *[("10/02/2015", ATTENDED), ("12/05/2016", ATTENDED)],
            *[("15/05/2018", NO_REPLY), ("20/06/2018", NO_REPLY), ("01/07/2018", ATTENDED)],
        ]
    )
    assert disengagement(seed_like) == []


def test_entries_that_are_not_contact_attempts_do_not_count(seed_like: ImrDraft):
    seed_like.chronology = [entry("01/06/2018") for _ in range(10)]
    assert disengagement(seed_like) == []


def test_a_question_set_without_the_default_numbers_gets_the_questions_described(
    seed_like: ImrDraft,
):
    seed_like.question_set = QuestionSet("sar", "SAR", "1", [Question("1", "Wishes?")])
    seed_like.chronology = _attempts(ENGAGED_THEN_HARD_TO_REACH)
    [problem] = disengagement(seed_like)
    assert problem.message.endswith(
        "in your answers on the victim's wishes and feelings, coercive control and risk."
    )


# Outcomes, sources and real names


def test_an_entry_without_an_outcome_is_a_warning(seed_like: ImrDraft):
    silent = entry("?22/05/2016", "MASH referral", outcome=" ")
    seed_like.chronology = [
        silent,
        entry("23/05/2016", outcome="", contact_outcome=NO_REPLY),
        entry("2016", outcome="", relevance=Relevance.PRECIS),
        entry("24/05/2016"),
    ]
    problems = missing_outcomes(seed_like)
    assert messages(problems) == [
        "The entry for ?22/05/2016 (MASH referral) has no outcome recorded: say what came of it."
    ]
    assert (problems[0].location.ref, problems[0].location.field) == (silent.id, "outcome")


def test_an_entry_without_a_source_is_an_error(seed_like: ImrDraft):
    seed_like.chronology = [entry("summer 2017", source="  ")]
    problems = missing_sources(seed_like)
    assert messages(problems) == [
        "The entry for summer 2017 has no source: name the record or system it comes from."
    ]
    assert problems[0].is_error


def test_a_real_name_in_the_text_is_found_without_being_repeated(seed_like: ImrDraft):
    full = entry("01/02/2016", event="HALIMA  OSMAN attended the surgery.")
    first = entry("02/02/2016", action="Referred Halima to the IDVA.")
    last = entry("03/02/2016", outcome="Mr Carver was released on bail.")
    seed_like.chronology = [full, first, last]
    problems = real_names(seed_like)
    assert messages(problems) == [
        "The entry for 01/02/2016 (Custody record) uses Connie Smith's real name in what "
        "happened: use the pseudonym instead.",
        "The entry for 02/02/2016 (Custody record) uses Connie Smith's real name in action "
        "taken: use the pseudonym instead.",
        "The entry for 03/02/2016 (Custody record) uses Ryan Davis's real name in outcome: "
        "use the pseudonym instead.",
    ]
    assert [(p.location.ref, p.location.field) for p in problems] == [
        (full.id, "event"),
        (first.id, "action"),
        (last.id, "outcome"),
    ]
    assert not any("Halima" in m or "Carver" in m for m in messages(problems))


def test_real_names_are_matched_as_whole_words_only(seed_like: ImrDraft):
    seed_like.chronology = [
        # Part of a longer word; a middle name; a two-letter first name; a shared surname.
        entry("01/02/2016", event="Osmanthus tea was found. Jo was spoken to."),
        entry("02/02/2016", event="Al was at school. Connie Smith and Child B were seen."),
    ]
    assert real_names(seed_like) == []


# Together, in check for errors


def test_check_draft_includes_the_chronology_checks(seed_like: ImrDraft):
    seed_like.chronology = [entry("14/03/2013"), entry("01/06/2016", outcome="")]
    chronology = [p for p in check_draft(seed_like) if p.location.section is SectionId.CHRONOLOGY]
    assert [p.message for p in chronology] == [
        *messages(gap_warnings(seed_like)),
        *messages(outside_period(seed_like)),
        *messages(missing_outcomes(seed_like)),
    ]
    assert len(chronology) == 4


def test_an_empty_chronology_still_says_only_that_it_is_empty(seed_like: ImrDraft):
    chronology = [p for p in check_draft(seed_like) if p.location.section is SectionId.CHRONOLOGY]
    assert messages(chronology) == ["The chronology has no entries yet."]


def test_many_problems_of_one_kind_are_listed_briefly_and_counted(seed_like: ImrDraft):
    seed_like.chronology = [
        entry((date(2016, 1, 1) + timedelta(days=n)).strftime("%d/%m/%Y"), outcome="")
        for n in range(LISTED_PER_KIND + 30)
    ]
    problems = check_chronology(seed_like)
    no_outcome = [p for p in problems if p.location.field == "outcome"]
    assert len(no_outcome) == LISTED_PER_KIND + 1
    assert no_outcome[-1].message == ("30 more entries have no outcome recorded.")
    assert no_outcome[-1].location.ref == seed_like.chronology[LISTED_PER_KIND].id
    assert len(missing_outcomes(seed_like)) == LISTED_PER_KIND + 30


def test_ten_thousand_entries_are_checked_quickly(seed_like: ImrDraft):
    sources = ["Custody record", "Command-and-control log", "Crime record", "Intelligence"]
    seed_like.chronology = [
        entry(
            (date(2015, 1, 1) + timedelta(days=n % 1300)).strftime("%d/%m/%Y"),
            sources[n % 4],
            event=f"Incident {n * 7}: officers spoke to Connie Smith at the address.",
            contact_outcome=ATTENDED if n % 5 else NO_REPLY,
        )
        for n in range(10_000)
    ]
    started = time.perf_counter()
    check_chronology(seed_like)
    assert time.perf_counter() - started < 2.0
