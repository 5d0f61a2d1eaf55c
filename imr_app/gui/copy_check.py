"""Is the copy just opened older than, or changed apart from, the copy last seen here?

The author hands the file to the lead and both may keep a copy. On opening, the copy's
lineage is compared with the one this computer last saw for the same draft
(``SettingsStore.known_copy``). A hand-back (this copy carries on from the one seen) opens
without a question; an older copy, or two copies each changed since they parted, is
explained by ``DivergedCopyDialog`` before anything can be typed into it. Neither file is
changed. The dialog is imported only when it has something to say.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from imr_app.core.lineage import Comparison, Lineage, Relation, compare
from imr_app.settings import KnownCopy, SettingsStore
from imr_app.storage.document import ImrDocument

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget


class CopyChoice(Enum):
    OPEN_THIS = "open_this"
    OPEN_OTHER = "open_other"
    CANCEL = "cancel"


@dataclass(frozen=True)
class CopyReport:
    """This copy (``comparison``'s a) against the copy last seen here (its b)."""

    this_path: Path
    other_path: Path
    seen_at: datetime | None
    comparison: Comparison

    @property
    def older(self) -> bool:
        return self.comparison.relation is Relation.B_NEWER

    @property
    def same_file(self) -> bool:
        """The copy seen was at this very path (since replaced, or restored from a backup)."""
        return self.other_path == self.this_path

    @property
    def other_can_open(self) -> bool:
        """The other copy is another file that is still there."""
        return not self.same_file and self.other_path.is_file()


@dataclass(frozen=True)
class CopyOutcome:
    choice: CopyChoice
    other_path: Path | None = None
    notes: list[str] = field(default_factory=list)  # for the status bar


def check_copy(parent: QWidget | None, document: ImrDocument, store: SettingsStore) -> CopyOutcome:
    """Compare the opened copy with the one last seen; ask only when it matters.

    When the author goes on with this copy it becomes the remembered one (unless it is the
    older: the newer copy must still be pointed at next time).
    """
    lineage = document.lineage()
    known = store.known_copy(lineage.draft_id)
    report = _report(document.path, known, lineage) if known is not None else None
    relation = report.comparison.relation if report is not None else Relation.SAME
    notes: list[str] = []
    if report is not None and relation in (Relation.B_NEWER, Relation.DIVERGED):
        from imr_app.gui.diverged_dialog import DivergedCopyDialog  # only when it must ask

        choice = DivergedCopyDialog.ask(parent, report)
        if choice is not CopyChoice.OPEN_THIS:
            return CopyOutcome(choice, report.other_path)
    elif report is not None and relation is Relation.A_NEWER and not report.same_file:
        notes.append(f"This copy is newer than the one you last opened, at {report.other_path}.")
    with contextlib.suppress(OSError):  # a convenience: the draft opens all the same
        store.remember_copy(document.path, lineage)
    return CopyOutcome(CopyChoice.OPEN_THIS, notes=notes)


def _report(path: Path, known: KnownCopy, lineage: Lineage) -> CopyReport | None:
    remembered = known.as_lineage()
    if remembered is None:
        return None
    try:
        seen_at: datetime | None = datetime.fromisoformat(known.seen_at)
    except ValueError:
        seen_at = None
    this = _resolved(path)
    return CopyReport(this, Path(known.path), seen_at, compare(lineage, remembered))


def _resolved(path: Path) -> Path:
    with contextlib.suppress(OSError, RuntimeError):
        return path.resolve()
    return path.absolute()
