"""services.review: a step or comment the file cannot take leaves the draft as the file holds it."""

from __future__ import annotations

from pathlib import Path

import pytest

from imr_app.core import comments
from imr_app.core.model import CommentAnchor, WorkflowState
from imr_app.core.workflow import Actor
from imr_app.services.review import change_comments, submit_for_review, take_step
from imr_app.storage.document import ImrDocument
from imr_app.storage.keystore import KeyStore
from imr_app.storage.sqlcipher_compat import dbapi2

AUTHOR = Actor("Helen Marsh", "IMR author")


def _opened(path: Path, keystore: KeyStore) -> ImrDocument:
    document = ImrDocument.open(path, keystore).document
    assert document is not None
    return document


def test_a_submission_keeps_its_revision_and_a_failed_one_changes_nothing(
    example_path: Path, keystore: KeyStore
):
    document = _opened(example_path, keystore)
    draft = document.load()
    trail = len(draft.audit)
    document.conn.execute("PRAGMA query_only = ON")  # the file refuses every write
    with pytest.raises(dbapi2.DatabaseError):
        take_step(document, draft, lambda d: submit_for_review(d, AUTHOR))
    assert draft.workflow.state is WorkflowState.DRAFT and len(draft.audit) == trail

    document.conn.execute("PRAGMA query_only = OFF")
    take_step(document, draft, lambda d: submit_for_review(d, AUTHOR))
    document.close()
    document = _opened(example_path, keystore)
    assert document.load().workflow.state is WorkflowState.SUBMITTED
    assert [r.state for r in document.repo.revisions()] == [WorkflowState.SUBMITTED]
    document.close()


def test_a_comment_the_file_cannot_take_is_not_shown_either(example_path: Path, keystore: KeyStore):
    document = _opened(example_path, keystore)
    draft = document.load()
    before = (len(draft.comments), len(draft.audit))
    document.conn.execute("PRAGMA query_only = ON")
    anchor = CommentAnchor("section", "analysis")
    with pytest.raises(dbapi2.DatabaseError):
        change_comments(document, draft, lambda d: comments.add_comment(d, anchor, "Why?", AUTHOR))
    assert (len(draft.comments), len(draft.audit)) == before
    document.close()
