"""The OS keyring as a cache of draft keys, never the only copy.

Any keyring failure (no backend, locked, refused) becomes ``KeyringUnavailable``
so the caller asks for the passphrase instead; nothing ever falls back to
storing a key in a file.
"""

from __future__ import annotations

from typing import Any

from imr_app.core.errors import ImrError
from imr_app.storage.keys import KEY_BYTES, keyring_account

SERVICE = "IMR Author"


class KeyringUnavailable(ImrError):
    """The OS keyring cannot be used just now; the passphrase still works."""


class KeyStore:
    """Remembers draft keys in a keyring backend (the OS one unless a test passes its own)."""

    def __init__(self, backend: Any | None = None) -> None:
        self._backend = backend

    def _keyring(self) -> Any:
        if self._backend is None:
            import keyring  # lazily: its entry-point scan costs ~70 ms

            self._backend = keyring.get_keyring()
        return self._backend

    def get(self, salt: bytes) -> bytes | None:
        """The remembered key for the draft with this salt, or None when none is remembered."""
        value = self._call("get_password", SERVICE, keyring_account(salt))
        if not value:
            return None
        try:
            key = bytes.fromhex(value)
        except ValueError:
            return None
        return key if len(key) == KEY_BYTES else None

    def remember(self, salt: bytes, key: bytes) -> None:
        self._call("set_password", SERVICE, keyring_account(salt), key.hex())

    def forget(self, salt: bytes) -> bool:
        """Remove the entry; True when there was one to remove."""
        if self.get(salt) is None:
            return False
        self._call("delete_password", SERVICE, keyring_account(salt))
        return True

    def _call(self, method: str, *args: str) -> Any:
        from keyring.errors import KeyringError

        try:
            return getattr(self._keyring(), method)(*args)
        except KeyringError as exc:
            raise KeyringUnavailable(_explain(exc)) from exc
        except Exception as exc:  # D-Bus and platform errors surface as many types
            raise KeyringUnavailable(f"The system keyring failed: {exc}") from exc


def _explain(exc: Exception) -> str:
    from keyring.errors import InitError, KeyringLocked, NoKeyringError

    if isinstance(exc, NoKeyringError):
        return "This computer has no system keyring available."
    if isinstance(exc, KeyringLocked):
        return "The system keyring is locked."
    if isinstance(exc, InitError):
        return "The system keyring could not be started."
    return f"The system keyring refused the request ({exc})."
