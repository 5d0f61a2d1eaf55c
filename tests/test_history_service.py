"""services/history.py: revisions of an open draft, comparisons with the draft, restoring."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from imr_app.core import interchange
from imr_app.core.model import AnswerStatus, ChronologyEntry, ImrDraft, WorkflowState, new_id
from imr_app.core.revision_diff import SegmentKind, diff, prose_text, word_diff
from imr_app.core.revisions import content_snapshot
from imr_app.core.workflow import Actor, return_for_changes
from imr_app.paths import resource_path
from imr_app.services.history import (
    DraftHistory,
    RestoreRefused,
    can_restore,
    restore_text,
    revision_label,
    who,
)
from imr_app.services.review import submit_for_review, take_step
from imr_app.services.session import DraftSession
from imr_app.storage.document import ImrDocument
from imr_app.storage.keystore import KeyStore
from tests.conftest import PASSPHRASE

AUTHOR = Actor("Helen Marsh", "IMR author")
LEAD = Actor("Priya Shah", "Safeguarding Lead")
OLD, NEW = "they let Lee answer for Amina", "they allowed Lee to answer for Amina"
ANALYSIS_NOW = "The force's response was adequate throughout."
STATEMENT_NOW = "The characteristics were looked at."


def _example() -> ImrDraft:
    return interchange.loads(resource_path("examples", "example-imr.json").read_text("utf-8"))


def _session(path: Path, draft: ImrDraft, keystore: KeyStore) -> DraftSession:
    document, _ = ImrDocument.create(path, PASSPHRASE, draft, keystore)
    return DraftSession(document)


def _reopen(session: DraftSession, keystore: KeyStore) -> DraftSession:
    path = session.path
    session.close()
    result = ImrDocument.open(path, keystore)
    assert result.document is not None, result.message
    return DraftSession(result.document)


def _submit(session: DraftSession) -> None:
    take_step(session.document, session.draft, lambda d: submit_for_review(d, AUTHOR))


def _return(session: DraftSession) -> None:
    take_step(session.document, session.draft, lambda d: return_for_changes(d, LEAD, "Revisit i."))


@pytest.fixture
def session(tmp_path: Path, keystore: KeyStore) -> Iterator[DraftSession]:
    """Submitted, returned, question i reworded, resubmitted: two revisions."""
    session = _session(tmp_path / "example.imr", _example(), keystore)
    _submit(session)
    _return(session)
    answer = session.draft.answer_for("i")
    answer.text = answer.text.replace(OLD, NEW)
    session.touch_answer("i")
    session.save()
    _submit(session)
    yield session
    session.close()


def test_revisions_and_what_the_resubmission_changed(session: DraftSession):
    history = DraftHistory(session)
    first, second = history.revisions()
    assert (first.number, second.number) == (1, 2)
    assert who(first) == "Helen Marsh (IMR author)"
    assert revision_label(second) == "Revision 2" and revision_label(None) == "Current draft"

    result = history.compare(first, second)
    (text,) = result.texts
    assert (text.label, text.key) == ("Question i", "answer:i")
    assert [s.text for s in text.segments if s.kind is SegmentKind.DELETED] == ["let"]
    assert [s.text for s in text.segments if s.kind is SegmentKind.INSERTED] == ["allowed", " to"]
    assert not (result.added or result.removed or result.changed)
    assert OLD in history.text(first, "answer:i") and NEW in history.text(second, "answer:i")
    # Resubmitted and untouched since: the latest revision is the draft.
    assert history.matches_current(second) and not history.matches_current(first)
    assert history.compare(second, None).is_empty
    assert history.default_pair() == (first, second)


def test_the_current_draft_compares_once_it_has_moved_on(session: DraftSession):
    _return(session)
    history = DraftHistory(session)
    second = history.revisions()[-1]
    entry = session.draft.chronology[0]
    entry.outcome = "Referred to MARAC."
    session.touch_entry(entry.id)
    history.refresh()
    assert history.default_pair() == (second, None)
    result = history.compare(second, None)
    assert [(e.id, e.fields) for e in result.changed] == [(entry.id, ("outcome",))]
    (change,) = result.changed[0].changes
    assert change.new == "Referred to MARAC."
    assert result.changed[0].summary.startswith(entry.event[:40])

    # The current draft's snapshot is kept until refresh(): one per comparison asked for.
    session.draft.analysis = "A new analysis."
    assert history.compare(second, None).texts == []
    history.refresh()
    assert [t.key for t in history.compare(second, None).texts] == ["analysis"]
    assert history.text(None, "analysis") == "A new analysis."


def test_no_revisions_no_default(tmp_path: Path, keystore: KeyStore):
    session = _session(tmp_path / "fresh.imr", _example(), keystore)
    history = DraftHistory(session)
    assert history.revisions() == [] and history.default_pair() is None
    session.close()


def test_prose_text_reads_answers_analysis_and_the_equality_statement():
    draft = _example()
    draft.analysis = "The analysis."
    draft.equality.statement = "All nine characteristics were considered."
    snapshot = content_snapshot(draft)
    assert prose_text(snapshot, "answer:ii") == draft.answer_for("ii").text
    assert prose_text(snapshot, "answer:no-such-question") == ""
    assert prose_text(snapshot, "analysis") == "The analysis."
    assert prose_text(snapshot, "equality.statement").startswith("All nine")
    with pytest.raises(KeyError):
        prose_text(snapshot, "review.name")


def test_the_editors_line_wrapping_is_not_a_change():
    """The editor keeps Markdown wrapped at 80 columns: an edit reflows the paragraph."""
    old = "The officers let Lee answer for Amina and completed the assessment with him."
    new = "The officers allowed Lee to answer for\nAmina and completed the assessment\nwith him."
    changed = word_diff("Question i", old, new)
    assert changed.render() == (
        "The officers [-let-] [+allowed+] Lee[+ to+] answer for\nAmina and completed the "
        "assessment\nwith him."
    )
    split = word_diff("Question i", "One. Two.", "One.\n\nTwo.")  # a new paragraph counts
    assert [s.kind for s in split.segments] == [
        SegmentKind.EQUAL,
        SegmentKind.DELETED,
        SegmentKind.INSERTED,
        SegmentKind.EQUAL,
    ]


def test_the_line_break_the_editor_ends_text_with_is_not_a_change():
    """Text from an imported file has none; once saved through the editor it has one."""
    old = json.dumps({"analysis": "The DASH was graded **standard**."})
    new = json.dumps({"analysis": "The DASH was graded **standard**.\n"})
    changed = json.dumps({"analysis": "The DASH was graded medium.\n"})
    assert diff(old, new).texts == []
    assert [t.key for t in diff(old, changed).texts] == ["analysis"]


def test_restore_is_refused_while_submitted(session: DraftSession):
    first = DraftHistory(session).revisions()[0]
    assert session.draft.workflow.state is WorkflowState.SUBMITTED
    assert not can_restore(session, "answer:i")
    with pytest.raises(RestoreRefused, match="submitted for review"):
        restore_text(session, "answer:i", DraftHistory(session).text(first, "answer:i"))
    assert NEW in session.draft.answer_for("i").text and not session.is_dirty


@pytest.mark.parametrize("key", ["analysis", "equality.statement"])
def test_restoring_the_analysis_or_statement_is_refused_while_submitted(
    session: DraftSession, key: str
):
    draft = session.draft
    before = (draft.analysis, draft.equality.statement)
    assert not can_restore(session, key)
    with pytest.raises(RestoreRefused, match="submitted for review, so it cannot be changed"):
        restore_text(session, key, "Text from an earlier revision.")
    assert (draft.analysis, draft.equality.statement) == before and not session.is_dirty


def test_restore_puts_the_old_answer_back_and_it_is_saved(
    session: DraftSession, keystore: KeyStore
):
    _return(session)
    history = DraftHistory(session)
    first = history.revisions()[0]
    assert can_restore(session, "answer:i") and not can_restore(session, "review.name")
    previous = restore_text(session, "answer:i", history.text(first, "answer:i"))
    assert NEW in previous  # handed back, so nothing is lost without a trace
    assert session.is_dirty
    session.save()
    reopened = _reopen(session, keystore)
    try:
        assert OLD in reopened.draft.answer_for("i").text
        with pytest.raises(RestoreRefused, match="no question xx"):
            restore_text(reopened, "answer:xx", "text")
    finally:
        reopened.close()


def test_restore_puts_the_old_analysis_and_statement_back_and_they_are_saved(
    session: DraftSession, keystore: KeyStore
):
    _return(session)
    draft = session.draft
    draft.analysis, draft.equality.statement = ANALYSIS_NOW, STATEMENT_NOW
    session.touch("analysis")
    session.touch("equality")
    session.save()
    history = DraftHistory(session)
    first = history.revisions()[0]
    old_analysis = history.text(first, "analysis")
    old_statement = history.text(first, "equality.statement")
    assert old_analysis.startswith("Northshire Police responded")
    assert old_statement.startswith("All nine protected characteristics")
    assert can_restore(session, "analysis") and can_restore(session, "equality.statement")

    # Each hands back the text it replaced, so nothing is lost without a trace.
    assert restore_text(session, "analysis", old_analysis) == ANALYSIS_NOW
    assert restore_text(session, "equality.statement", old_statement) == STATEMENT_NOW
    assert session.is_dirty
    session.save()
    reopened = _reopen(session, keystore)
    try:
        assert reopened.draft.analysis == old_analysis
        assert reopened.draft.equality.statement == old_statement
        # The equality part is saved whole: the subjects' items are still there.
        assert reopened.draft.equality.subjects == draft.equality.subjects
        with pytest.raises(RestoreRefused, match="Only answers, the analysis"):
            restore_text(reopened, "review.name", "text")
    finally:
        reopened.close()


def test_restoring_into_an_unstarted_answer_marks_it_in_progress(
    tmp_path: Path, keystore: KeyStore
):
    draft = _example()
    answer = draft.answer_for("iii")
    answer.text, answer.status = "", AnswerStatus.NOT_STARTED
    session = _session(tmp_path / "blank.imr", draft, keystore)
    restore_text(session, "answer:iii", "The force complied with the protocol.")
    assert session.draft.answer_for("iii").status is AnswerStatus.IN_PROGRESS
    session.close()


def test_a_large_chronology_compares_quickly(tmp_path: Path, keystore: KeyStore):
    draft = _example()
    template = draft.chronology[0]
    draft.chronology = [
        replace(template, id=new_id(), date_start=date(2016, 1, 1 + n % 28), event=f"Call {n}.")
        for n in range(10_000)
    ]
    session = _session(tmp_path / "large.imr", draft, keystore)
    _submit(session)
    _return(session)
    for entry in session.draft.chronology[100:103]:
        entry.outcome = "Revised."
        session.touch_entry(entry.id)
    added = ChronologyEntry(date(2017, 1, 1), "GP surgery record", event="Added.")
    session.draft.chronology.append(added)
    session.touch_entry(added.id)
    session.save()
    history = DraftHistory(session)
    (first,) = history.revisions()
    started = time.perf_counter()
    result = history.compare(first, None)
    elapsed = time.perf_counter() - started
    assert len(result.changed) == 3 and [e.id for e in result.added] == [added.id]
    assert elapsed < 5  # about half a second here: the snapshot and the diff
    session.close()


def test_an_entry_is_named_by_its_date_as_recorded_uncertainty_and_all():
    entry = {"id": "e1", "date_start": "2020-05-22", "source": "MASH referral record"}
    old = json.dumps({"chronology": [{**entry, "date_as_recorded": "?22/05/2020"}]})
    new = json.dumps(
        {"chronology": [{**entry, "date_as_recorded": "?22/05/2020", "outcome": "NFA"}]}
    )
    [changed] = diff(old, new).changed
    assert changed.label == "?22/05/2020: MASH referral record"
    exact = json.dumps({"chronology": [entry]})
    [added] = diff(json.dumps({"chronology": []}), exact).added
    assert added.label == "22/05/2020: MASH referral record"
