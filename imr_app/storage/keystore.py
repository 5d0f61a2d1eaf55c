"""The OS keyring as a cache of draft keys, never the only copy.

Any keyring failure (no backend, locked, refused) becomes ``KeyringUnavailable``
so the caller asks for the passphrase instead; nothing ever falls back to
storing a key in a file.
"""

from __future__ import annotations

import contextlib
import importlib
from pathlib import Path
from typing import Any

from imr_app.core.errors import ImrError
from imr_app.files import write_atomically
from imr_app.storage.deferred_imports import defer
from imr_app.storage.keys import KEY_BYTES, keyring_account

# Before anything imports keyring: what it imports but never runs here loads only if used.
defer("urllib.request", "importlib_metadata")

SERVICE = "IMR Author"
# Which OS keyring backend this computer has, found once (see ``_load_backend``).
BACKEND_FILE = "keyring-backend.txt"


class KeyringUnavailable(ImrError):
    """The OS keyring cannot be used just now; the passphrase still works."""


class KeyStore:
    """Remembers draft keys in a keyring backend (the OS one unless a test passes its own)."""

    def __init__(self, backend: Any | None = None, remembered: Path | None = None) -> None:
        self._backend = backend
        self.remembered = remembered  # where the OS backend's name is kept between starts

    def import_backend(self) -> None:
        """Import the keyring package and the remembered OS backend's module, without
        opening the keyring (that can wait on the desktop's keyring service)."""
        import keyring  # noqa: F401

        if self._backend is None and self.remembered is not None:
            with contextlib.suppress(Exception):  # found again, and explained, on first use
                module = _remembered_name(self.remembered).rpartition(".")[0]
                if module:
                    importlib.import_module(module)

    def _keyring(self) -> Any:
        if self._backend is None:
            self._backend = _load_backend(self.remembered)
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


def _load_backend(remembered: Path | None) -> Any:
    """The OS keyring backend, imported on first use.

    Finding it scans every installed package and asks each backend whether it works, about
    70 ms on each start. The one found is remembered in ``remembered`` and loaded directly
    next time, unless it no longer works. The user's own keyring settings (the
    ``PYTHON_KEYRING_BACKEND`` variable, ``keyringrc.cfg``) still come first.
    """
    import keyring
    from keyring import core

    chosen = core.load_env() or core.load_config()
    if chosen is None and remembered is not None:
        chosen = _remembered_backend(remembered)
    if chosen is None:
        core.init_backend()  # the search, whatever was set before in this process
        chosen = keyring.get_keyring()
        if remembered is not None:
            _remember_backend(remembered, chosen)
    return chosen


# Where keyring's own backends and third-party ones (keyrings.alt, ...) live: a remembered
# name outside them is not imported, since loading a backend runs its module's code.
BACKEND_PACKAGES = ("keyring.backends.", "keyrings.")


def _remembered_name(remembered: Path) -> str:
    """The remembered backend's dotted name; '' unless it lies in the keyring packages."""
    name = remembered.read_text(encoding="utf-8").strip()
    return name if name.startswith(BACKEND_PACKAGES) else ""


def _remembered_backend(remembered: Path) -> Any | None:
    from keyring import core

    try:
        name = _remembered_name(remembered)
        return core.load_keyring(name) if name else None
    except Exception:  # gone, unreadable, uninstalled or no longer viable: find it again
        return None


def _remember_backend(remembered: Path, backend: Any) -> None:
    """Keep a working backend's name; "no keyring" is never kept, so one installed later is
    found on the next start."""
    from keyring.backends import fail, null

    if isinstance(backend, (fail.Keyring, null.Keyring)):
        with contextlib.suppress(OSError):
            remembered.unlink(missing_ok=True)
        return
    name = f"{type(backend).__module__}.{type(backend).__qualname__}"
    with contextlib.suppress(OSError):  # a convenience: the keyring works all the same
        write_atomically(remembered, f"{name}\n".encode(), make_folder=True)


def _explain(exc: Exception) -> str:
    from keyring.errors import InitError, KeyringLocked, NoKeyringError

    if isinstance(exc, NoKeyringError):
        return "This computer has no system keyring available."
    if isinstance(exc, KeyringLocked):
        return "The system keyring is locked."
    if isinstance(exc, InitError):
        return "The system keyring could not be started."
    return f"The system keyring refused the request ({exc})."
