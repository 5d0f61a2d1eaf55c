"""The history of an open draft: its revisions, what changed between any two, copying back.

The window's History comes here so it never reaches the repository itself. The current
draft counts as one more point to compare ("what changed since I submitted?"): it is
written as ``None`` wherever a revision is expected. Revisions never change once kept, so
their snapshots are cached (a few, since one holds the whole chronology). The current
draft's snapshot (a third of a second with 10,000 entries) is kept until ``refresh()``,
which the window calls whenever the user asks for a comparison.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import TYPE_CHECKING

from imr_app.core.errors import ImrError
from imr_app.core.model import Answer, AnswerStatus
from imr_app.core.revision_diff import ANSWER_KEY, PROSE_LABELS, RevisionDiff, diff, prose_text
from imr_app.core.revisions import RevisionInfo, content_snapshot
from imr_app.core.workflow import STATE_LABELS, can_edit
from imr_app.services.session import ANSWER_PREFIX

if TYPE_CHECKING:
    from imr_app.core.model import ImrDraft
    from imr_app.services.session import DraftSession

CURRENT_DRAFT_LABEL = "Current draft"
_CACHED_SNAPSHOTS = 4


class RestoreRefused(ImrError):
    """The draft cannot take restored text (it is submitted or signed off, or has no such place)."""


def revision_label(revision: RevisionInfo | None) -> str:
    """ "Revision 2" or "Current draft": how pickers and messages name a point in the history."""
    return CURRENT_DRAFT_LABEL if revision is None else f"Revision {revision.number}"


def who(revision: RevisionInfo) -> str:
    return f"{revision.actor} ({revision.role})" if revision.role else revision.actor


class DraftHistory:
    """Revisions of one open draft, read through its session's document."""

    def __init__(self, session: DraftSession) -> None:
        self.session = session
        self._snapshots: OrderedDict[str, str] = OrderedDict()
        self._current: str | None = None

    def refresh(self) -> None:
        """Forget the current draft's snapshot: it is taken again when next needed."""
        self._current = None

    def revisions(self) -> list[RevisionInfo]:
        """Every revision kept, oldest first."""
        return self.session.document.repo.revisions()

    def snapshot(self, revision: RevisionInfo | None) -> str:
        """The content of a revision, or of the draft as it stands now (``None``)."""
        if revision is None:
            if self._current is None:
                self.session.wait_for_chronology()  # a half-loaded chronology is not the draft
                self._current = content_snapshot(self.session.draft)
            return self._current
        cached = self._snapshots.get(revision.id)
        if cached is None:
            cached = self.session.document.repo.revision_snapshot(revision.id)
            self._snapshots[revision.id] = cached
            while len(self._snapshots) > _CACHED_SNAPSHOTS:
                self._snapshots.popitem(last=False)
        self._snapshots.move_to_end(revision.id)
        return cached

    def compare(self, old: RevisionInfo | None, new: RevisionInfo | None) -> RevisionDiff:
        """What changed from ``old`` to ``new`` (either may be the current draft)."""
        return diff(self.snapshot(old), self.snapshot(new))

    def matches_current(self, revision: RevisionInfo) -> bool:
        """Whether the draft's content is still exactly what the revision kept."""
        digest = hashlib.sha256(self.snapshot(None).encode("utf-8")).hexdigest()
        return digest == revision.content_hash

    def default_pair(self) -> tuple[RevisionInfo | None, RevisionInfo | None] | None:
        """What to compare first: the latest revision against the draft when the draft has
        moved on since, otherwise the previous revision against the latest; None without any."""
        revisions = self.revisions()
        if not revisions:
            return None
        latest = revisions[-1]
        if len(revisions) > 1 and self.matches_current(latest):
            return revisions[-2], latest
        return latest, None

    def text(self, revision: RevisionInfo | None, key: str) -> str:
        """The prose at ``key`` (a ``TextDiff.key`` such as ``answer:ii``) in a revision."""
        return prose_text(self.snapshot(revision), key)


def restorable(key: str) -> bool:
    """Whether text at ``key`` is one the draft can take back: an answer, the analysis or the
    equality statement (the prose the diff lists)."""
    return key.startswith(ANSWER_KEY) or key in PROSE_LABELS


def can_restore(session: DraftSession, key: str) -> bool:
    """Whether text at ``key`` can be put back into the draft now: prose, while editable."""
    return restorable(key) and can_edit(session.draft)


def prose_name(key: str) -> str:
    """How messages name the text at ``key``: "the answer to question ii", "the analysis"."""
    if key.startswith(ANSWER_KEY):
        return f"the answer to question {key.removeprefix(ANSWER_KEY)}"
    return f"the {PROSE_LABELS[key].lower()}"


def _prose_field(draft: ImrDraft, key: str) -> tuple[object, str, str]:
    """Where the text at ``key`` lives: the object holding it, its attribute, and the
    session part that saves it."""
    if key.startswith(ANSWER_KEY):
        number = key.removeprefix(ANSWER_KEY)
        if all(q.number != number for q in draft.question_set.questions):
            raise RestoreRefused(f"This draft has no question {number} to restore the answer to.")
        return draft.answer_for(number), "text", f"{ANSWER_PREFIX}{number}"
    if key == "analysis":
        return draft, "analysis", "analysis"
    if key == "equality.statement":
        return draft.equality, "statement", "equality"
    raise RestoreRefused("Only answers, the analysis and the equality statement can be restored.")


def current_text(session: DraftSession, key: str) -> str:
    """The text at ``key`` in the draft as it stands (flushed from the pages by a save)."""
    holder, attr, _part = _prose_field(session.draft, key)
    text: str = getattr(holder, attr)
    return text


def restore_text(session: DraftSession, key: str, text: str) -> str:
    """Put ``text`` back as the prose at ``key`` (``answer:ii``, ``analysis``,
    ``equality.statement``); returns the text it replaced.

    The part is marked touched, so the next save (autosave or ``save_now``) writes it like
    any edit. Refused while the IMR is submitted or signed off.
    """
    draft = session.draft
    if not can_edit(draft):
        state = STATE_LABELS[draft.workflow.state].lower()
        raise RestoreRefused(
            f"The IMR is {state}, so it cannot be changed; the text was not restored."
        )
    holder, attr, part = _prose_field(draft, key)
    previous: str = getattr(holder, attr)
    setattr(holder, attr, text)
    if isinstance(holder, Answer) and text.strip() and holder.status is AnswerStatus.NOT_STARTED:
        holder.status = AnswerStatus.IN_PROGRESS  # as typing into the answer would
    session.touch(part)
    return previous
