"""An open draft being edited: the content in memory, and what is not yet saved.

The GUI edits ``session.draft`` directly and calls ``touch(part)``; autosave calls
``save()``, which writes every touched part in one transaction. A failed save
keeps the parts touched, so nothing typed is dropped and the next save retries.
No Qt here, so the CLI and tests can drive the same object.

A large chronology can load on a worker thread with its own connection, so the
window is usable at once; anything that needs the chronology calls
``wait_for_chronology()`` first (it returns at once when loading is done).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from imr_app.core.errors import DamagedDraftError
from imr_app.core.model import ChronologyEntry, ImrDraft
from imr_app.core.sections import word_count
from imr_app.storage.document import ImrDocument
from imr_app.storage.repository import COLLECTIONS, LARGE_TABLES, PARTS, DraftRepository
from imr_app.storage.sqlcipher_compat import DatabaseError, load_sqlite_utils

ANSWER_PREFIX = "answer:"
# One chronology entry written or removed: a whole 10,000-row table is never rewritten per edit.
ENTRY_PREFIX = "entry:"
REMOVED_ENTRY_PREFIX = "entry-removed:"


def _saver(part: str, draft: ImrDraft) -> Callable[[DraftRepository], None]:
    """How one touched part reaches the file."""
    if part.startswith(REMOVED_ENTRY_PREFIX):
        entry_id = part.removeprefix(REMOVED_ENTRY_PREFIX)
        return lambda repo: repo.delete_rows("chronology", [entry_id])
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
    def __init__(
        self,
        document: ImrDocument,
        background_chronology: bool = False,
        on_chronology_loaded: Callable[[], None] | None = None,
    ) -> None:
        self.document = document
        self._dirty: set[str] = set()
        self._chronology_ready = threading.Event()
        self._chronology_error: BaseException | None = None
        self._on_loaded = on_chronology_loaded
        self._loader: threading.Thread | None = None
        if not background_chronology:
            self.draft = document.load()
            self._chronology_ready.set()
            load_sqlite_utils()
            return
        self.draft = document.load(with_chronology=False)

    def start_loading_chronology(self) -> None:
        """Begin the background load (once); the window calls this when it is on screen."""
        if self._loader is None and not self._chronology_ready.is_set():
            self._loader = threading.Thread(
                target=self._load_chronology, name="chronology", daemon=True
            )
            self._loader.start()

    def _load_chronology(self) -> None:
        try:
            repo = self.document.reader()
            entries: list[ChronologyEntry] = []
            try:
                entries = repo.load_chronology()
                # Opening left these to this thread: SQLite checks them without the GIL.
                problem = repo.integrity_problem(LARGE_TABLES)
            except DatabaseError as exc:  # a page that cannot be decrypted or parsed
                problem = str(exc)
            finally:
                repo.conn.close()
            if problem is not None:
                raise DamagedDraftError(problem)
            self.draft.chronology = entries
        except BaseException as exc:  # surfaced by wait_for_chronology on the GUI thread
            self._chronology_error = exc
        finally:
            self._chronology_ready.set()
        load_sqlite_utils()  # here, rather than making the first save wait for it
        if self._on_loaded is not None:
            self._on_loaded()

    @property
    def chronology_loaded(self) -> bool:
        return self._chronology_ready.is_set()

    @property
    def load_error(self) -> BaseException | None:
        """Why the chronology could not be loaded (a damaged file, say), once loading ended."""
        return self._chronology_error

    def wait_for_chronology(self) -> None:
        self.start_loading_chronology()
        self._chronology_ready.wait()
        if self._chronology_error is not None:
            raise self._chronology_error

    @property
    def path(self) -> Path:
        return self.document.path

    @property
    def is_dirty(self) -> bool:
        return bool(self._dirty)

    def touch(self, part: str) -> None:
        """Mark a part as changed: ``review``, ``answer:iv``, ``subjects``, ``equality`` …

        ``entry:<id>`` and ``entry-removed:<id>`` are one chronology entry saved or deleted.
        """
        if part.startswith(ENTRY_PREFIX):
            self.touch_entry(part.removeprefix(ENTRY_PREFIX))
            return
        if part.startswith(REMOVED_ENTRY_PREFIX):
            self.remove_entry(part.removeprefix(REMOVED_ENTRY_PREFIX))
            return
        if part == "chronology":
            self.wait_for_chronology()  # never save a half-loaded list over the real one
        _saver(part, self.draft)  # fail now, at the edit, on a misspelt part
        self._dirty.add(part)

    def touch_answer(self, number: str) -> None:
        self.touch(f"{ANSWER_PREFIX}{number}")

    def touch_entry(self, entry_id: str) -> None:
        """A chronology entry was added, edited or restored (it is in ``draft.chronology``)."""
        self.wait_for_chronology()
        self._dirty.discard(f"{REMOVED_ENTRY_PREFIX}{entry_id}")
        self._dirty.add(f"{ENTRY_PREFIX}{entry_id}")

    def touch_entries(self, entry_ids: Iterable[str]) -> None:
        """Many entries at once (an import or a paste): saved in the next transaction."""
        for entry_id in entry_ids:
            self.touch_entry(entry_id)

    def remove_entry(self, entry_id: str) -> None:
        """A chronology entry was deleted from ``draft.chronology``."""
        self.wait_for_chronology()
        self._dirty.discard(f"{ENTRY_PREFIX}{entry_id}")
        self._dirty.add(f"{REMOVED_ENTRY_PREFIX}{entry_id}")

    def save(self) -> None:
        """Write every touched part as one transaction; raises, keeping them, on failure."""
        if not self._dirty:
            return
        parts = sorted(self._dirty)
        self._dirty.clear()
        try:
            repo = self.document.repo
            entry_ids = {p.removeprefix(ENTRY_PREFIX) for p in parts if p.startswith(ENTRY_PREFIX)}
            with repo.transaction():  # also records this opening's writing session, once
                for part in parts:
                    if not part.startswith(ENTRY_PREFIX):
                        _saver(part, self.draft)(repo)
                if entry_ids:  # one pass over the chronology, however many entries changed
                    placed = [
                        (i, e) for i, e in enumerate(self.draft.chronology) if e.id in entry_ids
                    ]
                    repo.save_at("chronology", placed)
        except BaseException:
            self._dirty.update(parts)
            raise

    def close(self, save: bool = True) -> None:
        """Save what is left (unless told not to) and close the file.

        When saving fails the draft stays open and the error is raised.
        """
        if save:
            self.save()
        if self._loader is not None:
            self._chronology_ready.wait()  # the worker's connection must be closed first
        self.document.close()
        word_count.cache_clear()  # it holds answers' text: none may outlive the open draft
