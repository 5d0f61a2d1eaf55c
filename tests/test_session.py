"""Editing a draft in memory and saving every touched part in one transaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from imr_app.core.model import Lesson, SectionId, SectionState, SectionStatus, Subject
from imr_app.services.session import DraftSession
from imr_app.storage.document import ImrDocument
from imr_app.storage.keystore import KeyStore
from imr_app.storage.sqlcipher_compat import IntegrityError


def _session(path: Path, keystore: KeyStore) -> DraftSession:
    result = ImrDocument.open(path, keystore)
    assert result.document is not None, result.message
    return DraftSession(result.document)


def test_touched_parts_are_saved_and_reopen(created: Path, keystore: KeyStore):
    session = _session(created, keystore)
    draft = session.draft
    draft.author.independence_declaration = "I had no involvement with the case."
    session.touch("author")
    draft.answer_for("iii").text = "The agency shared information with MARAC."
    session.touch_answer("iii")
    draft.subjects.append(Subject("Amina"))
    session.touch("subjects")
    draft.lessons.append(Lesson("See the victim alone."))
    session.touch("lessons")
    draft.analysis = "Analysis text"
    session.touch("analysis")
    draft.set_section_state(SectionState(SectionId.LESSONS, SectionStatus.COMPLETE))
    session.touch("sections")
    assert session.is_dirty
    session.close()

    again = _session(created, keystore)
    loaded = again.draft
    assert loaded.author.independence_declaration.startswith("I had no involvement")
    assert loaded.answer_for("iii").text.endswith("MARAC.")
    assert [s.pseudonym for s in loaded.subjects] == ["Amina"]
    assert [lesson.text for lesson in loaded.lessons] == ["See the victim alone."]
    assert loaded.analysis == "Analysis text"
    assert loaded.section_state(SectionId.LESSONS) is not None
    again.close()


def test_a_failed_save_keeps_everything_pending(created: Path, keystore: KeyStore):
    session = _session(created, keystore)
    session.draft.analysis = "Kept in memory"
    session.touch("analysis")
    twin = Lesson("twice", id="same")
    session.draft.lessons = [twin, twin]
    session.touch("lessons")
    with pytest.raises(IntegrityError):
        session.save()
    assert session.is_dirty
    assert session.document.load().analysis == ""  # all or nothing
    session.draft.lessons = [twin]
    session.save()
    assert not session.is_dirty
    assert session.document.load().analysis == "Kept in memory"
    session.close()


def test_unknown_part_fails_at_the_edit(created: Path, keystore: KeyStore):
    session = _session(created, keystore)
    with pytest.raises(KeyError):
        session.touch("reviw")
    session.close()


def test_chronology_entries_are_saved_one_by_one(created: Path, keystore: KeyStore):
    from datetime import date

    from imr_app.core.model import ChronologyEntry

    session = _session(created, keystore)
    first = ChronologyEntry(date(2020, 5, 26), "Custody record", event="Arrested")
    second = ChronologyEntry(date(2020, 6, 1), "GP notes", event="Seen alone")
    session.draft.chronology += [first, second]
    session.touch_entry(first.id)
    session.touch_entry(second.id)
    session.save()
    first.outcome = "Released on bail"
    session.touch_entry(first.id)
    session.draft.chronology.remove(second)
    session.remove_entry(second.id)
    session.save()
    # Deleted then restored before a save: the entry survives.
    session.draft.chronology.append(second)
    session.remove_entry(second.id)
    session.touch_entry(second.id)
    session.save()
    stored = session.document.load().chronology
    assert [(e.id, e.outcome) for e in stored] == [
        (first.id, "Released on bail"),
        (second.id, ""),
    ]
    session.close()


def test_opening_and_reading_a_draft_leaves_sqlite_utils_for_the_first_write(
    created: Path, keystore: KeyStore
):
    """Start-up depends on it: sqlite-utils costs 50 ms to import; reads use the connection."""
    result = ImrDocument.open(created, keystore, check_large_tables=False)
    assert result.document is not None, result.message
    repo = result.document.repo
    session = DraftSession(result.document, background_chronology=True)
    repo.lineage(), repo.revisions(), repo.counts()
    assert "db" not in vars(repo)  # the cached sqlite-utils wrapper was never built
    session.wait_for_chronology()
    session.draft.analysis = "Written after opening."
    session.touch("analysis")
    session.save()
    assert "db" in vars(repo)
    session.close()
    reopened = ImrDocument.open(created, keystore)
    assert reopened.document is not None and reopened.document.load().analysis.startswith("Written")
    reopened.document.close()


def test_closing_a_draft_leaves_none_of_its_text_in_the_word_count_cache(
    created: Path, keystore: KeyStore
):
    from imr_app.core.sections import progress, word_count

    result = ImrDocument.open(created, keystore)
    assert result.document is not None
    session = DraftSession(result.document)
    session.draft.answers[0].text = "Words that must not outlive the idle lock."
    progress(session.draft)
    assert word_count.cache_info().currsize > 0
    session.close()
    assert word_count.cache_info().currsize == 0
