"""Recommendations cite terms-of-reference questions and findings: typed, shown and exported
by the same names, stored by number and id."""

from __future__ import annotations

import pytest

from imr_app.core.citations import cite_labels, parse_cites, show_cites
from imr_app.core.model import SectionId
from imr_app.gui.pages.recommendations import RecommendationsPage
from imr_app.services.checks import Location
from tests.test_export_docx import export_and_read, small_draft, texts


def test_questions_and_findings_are_typed_in_short_or_long_form():
    draft = small_draft()  # Good practice 1 = p1, Poor practice 1 = p2, Lesson 1 = l1
    assert parse_cites(draft, "II; lesson 1, PP1, gp 1, Question iii, ii") == [
        "ii",
        "l1",
        "p2",
        "p1",
        "iii",
    ]
    assert show_cites(draft, ["iii", "p2", "l1"]) == "iii, Poor practice 1, Lesson 1"
    assert parse_cites(draft, show_cites(draft, ["iii", "p2", "l1"])) == ["iii", "p2", "l1"]
    assert parse_cites(draft, "  ") == []


def test_a_citation_of_nothing_says_what_can_be_cited():
    with pytest.raises(ValueError, match="Nothing in this IMR is called Lesson 7, xx") as caught:
        parse_cites(small_draft(), "ii, Lesson 7, xx")
    assert "Good practice 1" in str(caught.value)


def test_the_export_names_the_questions_and_findings_drawn_on(tmp_path):
    draft = small_draft()
    draft.recommendations[0].cites = ["iii", "p2", "l1"]
    doc, _ = export_and_read(draft, tmp_path)
    drawn = [t for t in texts(doc) if t.startswith("Draws on")]
    assert drawn == ["Draws on: Question iii; Poor practice 1; Lesson 1"]
    assert cite_labels(draft)["iii"] == "Question iii"


def test_the_table_shows_names_not_ids(example_window):
    window = example_window("Helen Marsh", "IMR author")
    window.editor.go_to(Location(SectionId.RECOMMENDATIONS))
    page = window.editor.current_page()
    assert isinstance(page, RecommendationsPage)
    column = next(i for i, c in enumerate(page.recs.model.columns) if c.attr == "cites")
    shown = page.recs.model.index(0, column).data()
    draft = window.session.draft
    assert shown == show_cites(draft, draft.recommendations[0].cites)
    kinds = {part.split()[0] for part in shown.split(", ")}
    assert shown and kinds <= {"Good", "Poor", "Lesson"}
