"""The OS keyring's backend is found once and remembered, so later starts skip the search.

keyring's own search imports every backend and asks each whether it works (about 70 ms
here); the remembered name loads one class. The user's keyring settings still come first.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from keyring import backend as keyring_backend

from imr_app.storage.keystore import BACKEND_FILE, KeyringUnavailable, KeyStore

SALT = bytes(range(16))
KEY = bytes(32)


@pytest.fixture
def remembered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No keyring settings of the user's own (conftest names the test backend by variable)."""
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))  # no keyringrc.cfg
    return tmp_path / "config" / BACKEND_FILE


def _no_search(monkeypatch: pytest.MonkeyPatch) -> None:
    def search(*_args: object) -> None:
        raise AssertionError("the keyring backends were searched")

    monkeypatch.setattr(keyring_backend, "get_all_keyring", search)


def test_a_remembered_backend_is_loaded_without_searching(
    remembered: Path, monkeypatch: pytest.MonkeyPatch
):
    remembered.parent.mkdir(parents=True)
    remembered.write_text("keyring.backends.fail.Keyring\n", encoding="utf-8")
    _no_search(monkeypatch)
    with pytest.raises(KeyringUnavailable, match="no system keyring"):  # that one, as named
        KeyStore(remembered=remembered).get(SALT)


def test_a_remembered_name_outside_the_keyring_packages_is_not_imported(
    remembered: Path, monkeypatch: pytest.MonkeyPatch
):
    remembered.parent.mkdir(parents=True)
    remembered.write_text("tests.file_keyring.FileKeyring\n", encoding="utf-8")
    searched: list[bool] = []
    real_search = keyring_backend.get_all_keyring
    monkeypatch.setattr(
        keyring_backend, "get_all_keyring", lambda: searched.append(True) or real_search()
    )
    with contextlib.suppress(KeyringUnavailable):
        KeyStore(remembered=remembered).get(SALT)
    assert searched  # searched for instead of trusting the file


def test_a_backend_that_is_gone_is_searched_for_again_and_not_kept(remembered: Path):
    remembered.parent.mkdir(parents=True)
    remembered.write_text("keyring.backends.uninstalled.Keyring\n", encoding="utf-8")
    store = KeyStore(remembered=remembered)
    with contextlib.suppress(KeyringUnavailable):  # "no keyring" is a fair answer here
        store.get(SALT)  # a real search: whatever this computer has
    kept = remembered.read_text(encoding="utf-8") if remembered.exists() else ""
    assert "uninstalled" not in kept


def test_the_users_own_keyring_setting_comes_first(
    remembered: Path, monkeypatch: pytest.MonkeyPatch
):
    remembered.parent.mkdir(parents=True)
    remembered.write_text("keyring.backends.fail.Keyring\n", encoding="utf-8")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.file_keyring.FileKeyring")
    _no_search(monkeypatch)
    store = KeyStore(remembered=remembered)
    store.remember(SALT, KEY)
    assert store.get(SALT) == KEY
