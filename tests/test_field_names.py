"""Fields of the draft named as the author finds them in the window."""

from __future__ import annotations

from datetime import date

import pytest

from imr_app.core.field_names import describe_field
from imr_app.core.model import ChronologyEntry, ImrDraft, Recommendation
from imr_app.core.pseudonymise import text_slots
from imr_app.services.leak_scan import places_in_draft


@pytest.fixture
def filled(draft: ImrDraft) -> ImrDraft:
    draft.answer_for("iv").text = "Call 07700 900123 about it."
    draft.chronology = [
        ChronologyEntry(date_start=date(2019, 6, 14), source="Command and control log"),
        ChronologyEntry(
            date_start=date(2020, 5, 22),
            date_as_recorded="?22/05/2020",
            source="MASH record",
            event="NE1 4ST",
        ),
    ]
    draft.recommendations = [Recommendation(text="Share the risk.")]
    draft.analysis = "Seen at NE1 4ST."
    return draft


@pytest.mark.parametrize(
    ("path", "named"),
    [
        ("chronology[0].event", "Chronology entry 14/06/2019 Command and control log"),
        ("chronology[1].staff", "Chronology entry ?22/05/2020 MASH record"),
        ("recommendations[0].actions[1].lead", "Recommendation 1"),
        ("practice[2].text", "Good and poor practice, finding 3"),
        ("analysis", "Analysis"),
        ("equality.entries[0].intersectionality", "Equality and diversity"),
        ("agency.restructuring", "Agency context"),
        ("something.new", "something.new"),  # a field added later shows as it is
    ],
)
def test_fields_are_named_as_in_the_window(filled: ImrDraft, path: str, named: str):
    assert describe_field(filled, path) == named


def test_an_answer_is_named_by_its_question(filled: ImrDraft):
    index = next(i for i, a in enumerate(filled.answers) if a.question_number == "iv")
    assert describe_field(filled, f"answers[{index}].text") == "Question iv"


def test_every_text_of_the_draft_has_a_name_better_than_its_path(filled: ImrDraft):
    unnamed = [s.path for s in text_slots(filled) if describe_field(filled, s.path) == s.path]
    assert unnamed == []


def test_a_detail_is_placed_in_every_field_that_holds_it(filled: ImrDraft):
    places = places_in_draft(filled)
    assert ["Chronology entry ?22/05/2020 MASH record", "Analysis"] in places.values()
    assert ["Question iv"] in places.values()
