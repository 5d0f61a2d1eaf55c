"""The keyring is a cache: when it fails in any way, the passphrase still opens the draft."""

from __future__ import annotations

from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import InitError, KeyringError, KeyringLocked

from imr_app.core.model import ImrDraft
from imr_app.storage.document import ImrDocument, OpenStatus
from imr_app.storage.keystore import KeyStore
from tests.conftest import PASSPHRASE


class _Refusing(KeyringBackend):
    """A backend that fails the way a locked or broken Secret Service does."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, error: KeyringError) -> None:
        super().__init__()
        self.error = error

    def get_password(self, service: str, username: str) -> str | None:
        raise self.error

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.error

    def delete_password(self, service: str, username: str) -> None:
        raise self.error


BROKEN = {
    "no keyring (NoKeyringError)": (fail.Keyring(), "no system keyring"),
    "cannot start (InitError)": (_Refusing(InitError("prompt dismissed")), "could not be started"),
    "locked (KeyringLocked)": (_Refusing(KeyringLocked("locked")), "is locked"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_unavailable_keyring_falls_back_to_the_passphrase(
    case: str, draft_path: Path, draft: ImrDraft
):
    backend, words = BROKEN[case]
    store = KeyStore(backend)
    document, warnings = ImrDocument.create(draft_path, PASSPHRASE, draft, store)
    document.close()
    assert any(words in w for w in warnings), warnings
    assert any("asked for the passphrase next time" in w for w in warnings)

    result = ImrDocument.open(draft_path, store)
    assert result.status is OpenStatus.NEEDS_PASSPHRASE
    assert words in result.message

    result = ImrDocument.open(draft_path, store, passphrase=PASSPHRASE)
    assert result.ok and result.document is not None
    assert any(words in w for w in result.warnings)
    assert result.document.load().review.name == "DHR Amina"
    result.document.close()


def test_no_key_is_ever_written_beside_the_draft(draft_path: Path, draft: ImrDraft):
    ImrDocument.create(draft_path, PASSPHRASE, draft, KeyStore(fail.Keyring()))[0].close()
    assert sorted(p.name for p in draft_path.parent.iterdir()) == [draft_path.name]
