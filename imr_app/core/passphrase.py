"""The minimum strength of a new passphrase.

The passphrase is the only way into a draft on another computer, and a stolen
file can be attacked offline, so we ask for length (NCSC: three random words)
rather than symbol rules people defeat with "Password1!".
"""

from __future__ import annotations

from imr_app.core.errors import WeakPassphraseError

MIN_LENGTH = 12
MIN_DISTINCT = 6


def check_new_passphrase(passphrase: str, confirmation: str | None = None) -> None:
    """Raise ``WeakPassphraseError`` with advice when a new passphrase will not do."""
    if confirmation is not None and passphrase != confirmation:
        raise WeakPassphraseError("The two passphrases do not match.")
    stripped = passphrase.strip()
    if len(stripped) < MIN_LENGTH:
        raise WeakPassphraseError(
            f"Use at least {MIN_LENGTH} characters. Three or four words that have nothing to do "
            "with each other, or with you or the case, are strong and easy to remember."
        )
    if len(set(stripped.lower())) < MIN_DISTINCT or stripped.isdigit():
        raise WeakPassphraseError(
            "That passphrase is too repetitive to be safe. Try three unrelated words."
        )
