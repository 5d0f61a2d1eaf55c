"""Typed errors of the core; every one carries a message a user can act on."""

from __future__ import annotations


class ImrError(Exception):
    """Base of every error the app turns into a message instead of a traceback."""


class InterchangeError(ImrError):
    """Interchange JSON that does not fit the format, with the path of the field at fault."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class QuestionSetError(ImrError):
    """A terms-of-reference file that cannot be used, naming the line or field at fault."""


class WeakPassphraseError(ImrError):
    """A new passphrase below the minimum strength."""


class InvalidTransitionError(ImrError):
    """A workflow step that is not allowed from the current state."""


class DamagedDraftError(ImrError):
    """Part of a draft file fails SQLite's integrity check (found while reading it)."""

    def __init__(self, problem: str) -> None:
        super().__init__(
            "This draft is damaged: part of it cannot be read safely. It has been closed; open "
            f"your most recent backup copy instead. (SQLite reports: {problem})"
        )
        self.problem = problem
