"""Revisions: a snapshot at each submission and sign-off, the history, and a word-level diff."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from imr_app.cli import main
from imr_app.context import AppContext
from imr_app.core import interchange
from imr_app.core.model import ChronologyEntry, ImrDraft, WorkflowState
from imr_app.core.revision_diff import Segment, SegmentKind, diff, word_diff
from imr_app.core.revisions import content_snapshot, make_revision
from imr_app.core.workflow import content_hash
from imr_app.paths import resource_path
from imr_app.storage import schema
from imr_app.storage.document import ImrDocument
from imr_app.storage.keystore import KeyStore
from tests.conftest import PASSPHRASE

LEAD = ["--name", "Priya Shah", "--role", "Safeguarding Lead"]
AUTHOR = ["--name", "Helen Marsh", "--role", "IMR author"]
ADDED_SENTENCE = " The officer graded the risk as standard and closed the log."


@pytest.fixture
def example() -> ImrDraft:
    draft = interchange.loads(resource_path("examples", "example-imr.json").read_text("utf-8"))
    draft.answer_for("i").text += ADDED_SENTENCE
    return draft


def _create(tmp_path: Path, draft: ImrDraft, context: AppContext) -> Path:
    path = tmp_path / "example.imr"
    document, _ = ImrDocument.create(path, PASSPHRASE, draft, context.keystore)
    document.close()
    return path


def _open(path: Path, keystore: KeyStore) -> ImrDocument:
    result = ImrDocument.open(path, keystore)
    assert result.document is not None, result.message
    return result.document


# ---- the core ------------------------------------------------------------------------
def test_the_snapshot_is_the_content_only_and_hashes_to_the_content_hash(example: ImrDraft):
    revision = make_revision(example, 1, " Helen Marsh ", "IMR author", "Submitted for review.")
    document = json.loads(revision.snapshot)
    assert {"workflow", "audit", "comments"}.isdisjoint(document)
    assert document["review"]["name"] == example.review.name
    assert len(document["chronology"]) == len(example.chronology)
    assert revision.content_hash == content_hash(example)
    assert revision.actor == "Helen Marsh"
    assert revision.state is WorkflowState.DRAFT


def test_the_word_diff_marks_words_and_joins_adjacent_changes():
    changed = word_diff("Q", "graded as standard risk today", "graded as medium risk today")
    assert changed.segments == [
        Segment(SegmentKind.EQUAL, "graded as "),
        Segment(SegmentKind.DELETED, "standard"),
        Segment(SegmentKind.INSERTED, "medium"),
        Segment(SegmentKind.EQUAL, " risk today"),
    ]
    assert changed.render() == "graded as [-standard-] [+medium+] risk today"
    two = word_diff("Q", "a standard risk b", "a medium danger b")
    assert two.render() == "a [-standard risk-] [+medium danger+] b"
    assert word_diff("Q", "one", "one two").render() == "one[+ two+]"


def test_the_diff_names_fields_and_entries_by_id(example: ImrDraft):
    before = content_snapshot(example)
    assert diff(before, before).is_empty
    assert diff(before, before).render_text() == "No changes to the content.\n"

    example.review.name = "DHR Amina (revised)"
    removed = example.chronology.pop(0)
    edited = example.chronology[0]
    edited.outcome = "Referred to MARAC."
    edited.significant = not edited.significant
    added = ChronologyEntry(date(2023, 5, 6), "GP surgery record", event="Seen for a review.")
    example.chronology.append(added)
    result = diff(before, content_snapshot(example))

    assert [c.render() for c in result.fields] == [
        f"review.name: {json.loads(before)['review']['name']} → DHR Amina (revised)"
    ]
    assert [e.id for e in result.added] == [added.id]
    assert [e.id for e in result.removed] == [removed.id]
    assert [(e.id, set(e.fields)) for e in result.changed] == [
        (edited.id, {"outcome", "significant"})
    ]
    text = result.render_text()
    assert "Chronology: 1 added, 1 removed, 1 changed" in text
    assert f"+ 06/05/2023: GP surgery record [{added.id}]" in text


# ---- storage: migration 2 ------------------------------------------------------------
def test_migration_2_adds_revisions_to_a_version_1_draft_after_a_backup(
    draft_path: Path, draft: ImrDraft, keystore: KeyStore
):
    old_document, _ = ImrDocument.create(
        draft_path, PASSPHRASE, draft, keystore, migrations=schema.MIGRATIONS[:1]
    )
    assert schema.schema_version(old_document.db) == 1
    assert "revisions" not in old_document.db.table_names()
    old_document.close()

    document = _open(draft_path, keystore)
    assert schema.schema_version(document.db) == schema.CURRENT_VERSION >= 2
    assert document.db["revisions"].strict  # type: ignore[union-attr]
    assert document.load().audit[-1].action == "schema migrated"
    assert document.repo.revisions() == []
    document.repo.add_revision(make_revision(draft, 1, "Helen Marsh", "IMR author", "test"))
    (info,) = document.repo.revisions()
    assert (info.number, info.actor, info.reason) == (1, "Helen Marsh", "test")
    assert json.loads(document.repo.revision_snapshot(info.id))["id"] == draft.id
    document.close()

    backups = [p for p in draft_path.parent.iterdir() if "backup" in p.name]
    assert len(backups) == 1
    assert not backups[0].read_bytes().startswith(b"SQLite format 3")
    # Opened as version 1 would open it, so the backup itself is not migrated here.
    result = ImrDocument.open(backups[0], passphrase=PASSPHRASE, migrations=schema.MIGRATIONS[:1])
    backup = result.document
    assert backup is not None
    assert schema.schema_version(backup.db) == 1
    assert "revisions" not in backup.db.table_names()
    backup.close()


# ---- the CLI -------------------------------------------------------------------------
def test_submit_and_sign_off_keep_revisions_1_and_2_and_history_lists_them(
    tmp_path: Path, context: AppContext, example: ImrDraft, capsys: pytest.CaptureFixture
):
    path = _create(tmp_path, example, context)
    file = str(path)
    assert main(["submit", file, *AUTHOR], context) == 0
    assert main(["return", file, "--comment", "More on question i.", *LEAD], context) == 0
    assert main(["submit", file, *AUTHOR], context) == 0
    assert main(["signoff", file, *LEAD, "--statement", "For Northshire Police."], context) == 0

    document = _open(path, context.keystore)
    revisions = document.repo.revisions()
    stored = document.load()
    snapshot = document.repo.revision_snapshot(revisions[-1].id)
    document.close()
    assert [(r.number, r.actor, r.state) for r in revisions] == [
        (1, "Helen Marsh", WorkflowState.SUBMITTED),
        (2, "Helen Marsh", WorkflowState.SUBMITTED),
        (3, "Priya Shah", WorkflowState.SIGNED_OFF),
    ]
    assert revisions[1].reason == "Resubmitted after changes."
    assert revisions[2].reason == "For Northshire Police."
    # What was signed is exactly the snapshot kept with the sign-off.
    assert stored.workflow.sign_off is not None
    assert revisions[2].content_hash == stored.workflow.sign_off.content_hash
    assert {"workflow", "audit", "comments"}.isdisjoint(json.loads(snapshot))

    capsys.readouterr()
    assert main(["history", file], context) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    when = f"{revisions[0].created_at:%d/%m/%Y %H:%M}"
    assert lines[0] == (
        f"  1  {when}  Helen Marsh (IMR author)  Submitted for review: Submitted for review."
    )
    assert "Priya Shah (Safeguarding Lead)  Signed off: For Northshire Police." in lines[2]


def test_the_first_submission_and_sign_off_are_revisions_1_and_2(
    tmp_path: Path, context: AppContext, example: ImrDraft, capsys: pytest.CaptureFixture
):
    path = _create(tmp_path, example, context)
    assert main(["history", str(path)], context) == 0
    assert "No revisions yet" in capsys.readouterr().out
    assert main(["submit", str(path), *AUTHOR], context) == 0
    assert main(["signoff", str(path), *LEAD], context) == 0
    assert main(["return", str(path), "--comment", "x", *LEAD], context) == 1  # refused
    document = _open(path, context.keystore)
    numbers = [(r.number, r.state) for r in document.repo.revisions()]
    document.close()
    assert numbers == [(1, WorkflowState.SUBMITTED), (2, WorkflowState.SIGNED_OFF)]


def test_diff_shows_an_edited_answer_word_by_word_and_chronology_changes(
    tmp_path: Path, context: AppContext, example: ImrDraft, capsys: pytest.CaptureFixture
):
    path = _create(tmp_path, example, context)
    file = str(path)
    assert main(["submit", file, *AUTHOR], context) == 0
    assert main(["return", file, "--comment", "Check the grading.", *LEAD], context) == 0

    # The author edits the returned draft: one word of an answer, one entry in, one out.
    document = _open(path, context.keystore)
    draft = document.load()
    answer = draft.answer_for("i")
    answer.text = answer.text.replace("as standard and", "as medium and")
    document.repo.save_answer(answer)
    removed = draft.chronology[1]
    added = ChronologyEntry(date(2022, 3, 9), "Housing officer note", event="Visit about rent.")
    chronology = [e for e in draft.chronology if e.id != removed.id] + [added]
    document.repo.replace_rows("chronology", chronology)
    document.close()

    assert main(["submit", file, *AUTHOR], context) == 0
    capsys.readouterr()
    assert main(["diff", file, "--from", "1", "--to", "2"], context) == 0
    out = capsys.readouterr().out
    assert "Changes from revision 1 to revision 2" in out
    assert "Question i" in out
    assert "graded the risk as [-standard-] [+medium+] and closed the log." in out
    assert "Chronology: 1 added, 1 removed, 0 changed" in out
    assert f"+ 09/03/2022: Housing officer note [{added.id}]" in out
    assert f"- {removed.date_start:%d/%m/%Y}: {removed.source}" in out
    assert removed.id in out

    # --to defaults to the latest; an unknown revision is one line on stderr, exit 2.
    assert main(["diff", file, "--from", "1"], context) == 0
    assert "[+medium+]" in capsys.readouterr().out
    assert main(["diff", file, "--from", "1", "--to", "7"], context) == 2
    assert "there is no revision 7" in capsys.readouterr().err


def test_the_diff_shows_words_as_read_without_markdown_marks(draft: ImrDraft):
    answer = draft.answers[0]
    answer.text = "The risk was **graded standard**.\n\n- history not checked"
    old = content_snapshot(draft)
    answer.text = "The risk was **graded medium**.\n\n- history not checked\n- no referral"
    new_text = diff(old, content_snapshot(draft)).render_text()
    assert "**" not in new_text and "- history" not in new_text
    assert "medium" in new_text and "• no referral" in new_text
    marked = content_snapshot(draft)  # bold, and bullets written "- "
    answer.text = "The risk was graded medium.\n\n* history not checked\n* no referral"
    assert diff(marked, content_snapshot(draft)).texts == []  # the same words, restyled
