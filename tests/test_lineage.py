"""Comparing two copies' lineages: same, one newer, diverged, or not copies of one draft."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from imr_app.core.lineage import (
    Changes,
    Lineage,
    Relation,
    RevisionMark,
    WritingSession,
    compare,
)
from imr_app.core.model import WorkflowState

START = datetime(2024, 6, 1, 9, 0).astimezone()


def _session(sid: str, user: str = "Helen Marsh", computer: str = "AUTHOR-PC", hours: int = 0):
    return WritingSession(sid, START + timedelta(hours=hours), user, computer, 0)


CREATED = _session("s1")
AUTHOR_EDIT = _session("s2", hours=1)
LEAD_EDIT = _session("s3", "Priya Shah", "LEAD-PC", hours=26)
AUTHOR_LATER = _session("s4", hours=27)
SUBMITTED = RevisionMark(
    "r1", 1, START + timedelta(hours=2), "Helen Marsh", WorkflowState.SUBMITTED
)


def _lineage(*sessions: WritingSession, revisions: tuple[RevisionMark, ...] = ()) -> Lineage:
    return Lineage("draft-1", list(sessions), list(revisions))


def test_identical_lineages_are_the_same():
    a = _lineage(CREATED, AUTHOR_EDIT, revisions=(SUBMITTED,))
    result = compare(a, _lineage(CREATED, AUTHOR_EDIT, revisions=(SUBMITTED,)))
    assert result.relation is Relation.SAME
    assert result.common == AUTHOR_EDIT
    assert not result.a_only and not result.b_only


def test_a_copy_that_carries_on_from_the_other_is_newer_either_way_round():
    handed_over = _lineage(CREATED, AUTHOR_EDIT)
    handed_back = _lineage(CREATED, AUTHOR_EDIT, LEAD_EDIT)
    result = compare(handed_back, handed_over)
    assert result.relation is Relation.A_NEWER
    assert result.common == AUTHOR_EDIT
    assert result.a_only.sessions == [LEAD_EDIT] and not result.b_only
    assert compare(handed_over, handed_back).relation is Relation.B_NEWER


def test_both_copies_edited_after_parting_have_diverged_from_their_last_shared_session():
    author = _lineage(CREATED, AUTHOR_EDIT, AUTHOR_LATER, revisions=(SUBMITTED,))
    lead = _lineage(CREATED, AUTHOR_EDIT, LEAD_EDIT)
    result = compare(author, lead)
    assert result.relation is Relation.DIVERGED
    assert result.common == AUTHOR_EDIT
    assert result.a_only == Changes([AUTHOR_LATER], [SUBMITTED])
    assert result.b_only == Changes([LEAD_EDIT], [])
    assert result.parted() == (
        "Both copies hold what Helen Marsh wrote on the computer “AUTHOR-PC” from "
        "01/06/2024 10:00; they differ only in what came after."
    )


def test_a_revision_alone_tells_copies_apart_when_no_session_was_recorded():
    """Copies made before lineage was kept have no sessions; their revisions still count."""
    assert compare(_lineage(revisions=(SUBMITTED,)), _lineage()).relation is Relation.A_NEWER


def test_copies_with_no_shared_session_have_diverged_without_a_common_ancestor():
    result = compare(_lineage(_session("x")), _lineage(_session("y")))
    assert result.relation is Relation.DIVERGED
    assert result.common is None
    assert "share no editing history" in result.parted()


def test_different_drafts_are_unrelated():
    other = Lineage("draft-2", [CREATED])
    assert compare(_lineage(CREATED), other).relation is Relation.UNRELATED


def test_changes_read_as_sentences_with_runs_by_one_person_grouped():
    runs = Changes(
        [
            LEAD_EDIT,
            _session("s5", "Priya Shah", "LEAD-PC", hours=30),
            _session("s6", "Priya Shah", "LEAD-PC", hours=50),
            AUTHOR_LATER,
        ],
        [SUBMITTED],
    )
    assert runs.lines() == [
        "Edited by Priya Shah on LEAD-PC, 3 times from 02/06/2024 11:00 to 03/06/2024 11:00",
        "Edited by Helen Marsh on AUTHOR-PC, 02/06/2024 12:00",
        "Revision 1 (submitted for review), 01/06/2024 11:00, by Helen Marsh",
    ]
    assert runs.lines(limit=2) == [
        "Edited by Priya Shah on LEAD-PC, 3 times from 02/06/2024 11:00 to 03/06/2024 11:00",
        "… and 2 more",
    ]


def test_more_writes_in_a_shared_session_are_changes_the_other_copy_lacks():
    copied_early = replace(AUTHOR_EDIT, writes=3)
    written_on = replace(AUTHOR_EDIT, writes=9)
    result = compare(_lineage(CREATED, written_on), _lineage(CREATED, copied_early, LEAD_EDIT))
    assert result.relation is Relation.DIVERGED
    assert result.a_only.sessions == [written_on] and result.b_only.sessions == [LEAD_EDIT]
    assert result.common == CREATED  # where both still held the same
    behind = compare(_lineage(CREATED, written_on), _lineage(CREATED, copied_early))
    assert behind.relation is Relation.A_NEWER
