"""The real Secret Service (gnome-keyring on D-Bus), as an author's Linux desktop has it.

CI runs these inside ``dbus-run-session`` with an unlocked gnome-keyring (see .ci/run);
elsewhere they are skipped, never faked.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from imr_app.core.model import ImrDraft
from imr_app.storage.document import ImrDocument, OpenStatus
from imr_app.storage.keystore import BACKEND_FILE, KeyStore
from tests.conftest import PASSPHRASE

pytestmark = pytest.mark.secret_service


@pytest.fixture
def secret_service() -> KeyStore:
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        pytest.skip("no D-Bus session: run under dbus-run-session (CI does)")
    from keyring.backends import SecretService

    backend = SecretService.Keyring()
    try:
        backend.get_password("IMR Author test", "probe")
    except Exception as exc:
        pytest.skip(f"no usable Secret Service: {exc}")
    return KeyStore(backend)


def test_real_secret_service_remembers_and_forgets(
    secret_service: KeyStore, draft_path: Path, draft: ImrDraft
):
    document, warnings = ImrDocument.create(draft_path, PASSPHRASE, draft, secret_service)
    document.close()
    assert warnings == []
    salt = draft_path.read_bytes()[:16]
    assert secret_service.get(salt) is not None

    result = ImrDocument.open(draft_path, secret_service)
    assert result.ok and result.document is not None
    assert result.document.forget_key(secret_service)
    result.document.close()

    assert secret_service.get(salt) is None
    assert ImrDocument.open(draft_path, secret_service).status is OpenStatus.NEEDS_PASSPHRASE


def test_real_secret_service_follows_a_passphrase_change(
    secret_service: KeyStore, draft_path: Path, draft: ImrDraft
):
    document, _ = ImrDocument.create(draft_path, PASSPHRASE, draft, secret_service)
    old_salt = draft_path.read_bytes()[:16]
    document.change_passphrase("lantern pebble voyage", secret_service)
    document.close()
    assert secret_service.get(old_salt) is None
    result = ImrDocument.open(draft_path, secret_service)
    assert result.ok and result.document is not None
    result.document.forget_key(secret_service)
    result.document.close()


def test_the_secret_service_is_found_once_and_remembered(secret_service: KeyStore, tmp_path: Path):
    """In a fresh process, as the app starts (test backends would join the search here)."""
    remembered = tmp_path / "config" / BACKEND_FILE
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")  # no keyringrc.cfg of the user's
    code = (
        "import sys; from pathlib import Path; from imr_app.storage.keystore import KeyStore; "
        "KeyStore(remembered=Path(sys.argv[1])).get(bytes(16))"
    )
    for _ in range(2):  # the second start loads what the first one found
        subprocess.run([sys.executable, "-c", code, str(remembered)], env=env, check=True)
        assert remembered.read_text(encoding="utf-8").strip() == (
            "keyring.backends.SecretService.Keyring"
        )
