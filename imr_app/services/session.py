"""An open draft being edited: the content in memory, and what is not yet saved.

The GUI edits ``session.draft`` directly and calls ``touch(part)``; autosave calls
``save()``, which writes every touched part in one transaction. A failed save
keeps the parts touched, so nothing typed is dropped and the next save retries.
No Qt here, so the CLI and tests can drive the same object.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from imr_app.core.model import ImrDraft
from imr_app.storage.document import ImrDocument
from imr_app.storage.repository import COLLECTIONS, PARTS, DraftRepository

ANSWER_PREFIX = "answer:"


def _saver(part: str, draft: ImrDraft) -> Callable[[DraftRepository], None]:
    """How one touched part reaches the file."""
    if part.startswith(ANSWER_PREFIX):
        answer = draft.answer_for(part.removeprefix(ANSWER_PREFIX))
        return lambda repo: repo.save_answer(answer)
    if part in PARTS:
        return lambda repo: repo.save_part(part, getattr(draft, part))
    if part == "analysis":
        return lambda repo: repo.save_part(part, draft.analysis)
    if part == "equality":
        return lambda repo: repo.save_equality(draft.equality)
    if part in COLLECTIONS:
        table = COLLECTIONS[part][0]
        return lambda repo: repo.replace_rows(table, getattr(draft, part))
    raise KeyError(f"unknown part {part!r}")


class DraftSession:
    def __init__(self, document: ImrDocument) -> None:
        self.document = document
        self.draft = document.load()
        self._dirty: set[str] = set()

    @property
    def path(self) -> Path:
        return self.document.path

    @property
    def is_dirty(self) -> bool:
        return bool(self._dirty)

    def touch(self, part: str) -> None:
        """Mark a part as changed: ``review``, ``answer:iv``, ``subjects``, ``equality`` …"""
        _saver(part, self.draft)  # fail now, at the edit, on a misspelt part
        self._dirty.add(part)

    def touch_answer(self, number: str) -> None:
        self.touch(f"{ANSWER_PREFIX}{number}")

    def save(self) -> None:
        """Write every touched part as one transaction; raises, keeping them, on failure."""
        if not self._dirty:
            return
        parts = sorted(self._dirty)
        self._dirty.clear()
        try:
            repo = self.document.repo
            with repo.db.atomic():
                for part in parts:
                    _saver(part, self.draft)(repo)
        except BaseException:
            self._dirty.update(parts)
            raise

    def close(self) -> None:
        """Save what is left and close the file; the draft stays open if the save fails."""
        self.save()
        self.document.close()
