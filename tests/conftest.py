"""Shared fixtures: every path and the keyring point at a temporary folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from imr_app.context import AppContext
from imr_app.core.drafts import new_draft
from imr_app.core.model import ImrDraft
from imr_app.core.question_sets import default_question_set
from imr_app.paths import UserPaths
from imr_app.storage.document import ImrDocument
from imr_app.storage.keystore import KeyStore
from tests.file_keyring import FileKeyring

PASSPHRASE = "kettle orbit meadow"


def pytest_configure(config: pytest.Config) -> None:
    # Qt aborts the process when it has neither a display nor a platform.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    import keyring

    keyring_file = tmp_path / "keyring.json"
    monkeypatch.setenv("IMR_APP_DRAFTS_DIR", str(tmp_path / "drafts"))
    monkeypatch.setenv("IMR_APP_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("IMR_TEST_KEYRING_FILE", str(keyring_file))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.file_keyring.FileKeyring")
    previous = keyring.get_keyring()
    keyring.set_keyring(FileKeyring(keyring_file))
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def keystore(tmp_path: Path) -> KeyStore:
    return KeyStore(FileKeyring(tmp_path / "keyring.json"))


@pytest.fixture
def context(keystore: KeyStore) -> AppContext:
    return AppContext(paths=UserPaths.from_environment(), keystore=keystore)


@pytest.fixture
def draft() -> ImrDraft:
    return new_draft(default_question_set(), "DHR Amina", agency="Northshire Police")


@pytest.fixture
def draft_path(tmp_path: Path) -> Path:
    return tmp_path / "drafts" / "amina.imr"


@pytest.fixture
def created(draft_path: Path, draft: ImrDraft, keystore: KeyStore) -> Path:
    """A closed draft file whose key is remembered in the test keyring."""
    document, _ = ImrDocument.create(draft_path, PASSPHRASE, draft, keystore)
    document.close()
    return draft_path


@pytest.fixture
def example_path(tmp_path: Path, keystore: KeyStore) -> Path:
    """The shipped example IMR (it passes Check for errors), as an encrypted draft."""
    from imr_app.core import interchange
    from imr_app.paths import resource_path

    text = resource_path("examples", "example-imr.json").read_text("utf-8")
    path = tmp_path / "drafts" / "example.imr"
    document, _ = ImrDocument.create(path, PASSPHRASE, interchange.loads(text), keystore)
    document.close()
    return path


@pytest.fixture
def example_window(qtbot, context: AppContext, example_path: Path):
    """Opens the example in the real window as the named user; closes it afterwards."""
    from imr_app.gui.main_window import MainWindow
    from imr_app.settings import Settings, SettingsStore

    windows = []

    def open_as(user_name: str, user_role: str) -> MainWindow:
        SettingsStore(context.paths.config_dir).save(
            Settings(user_name=user_name, user_role=user_role)
        )
        win = MainWindow(context)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        win.open_path(example_path)
        assert win.editor is not None and win.session is not None
        win.session.wait_for_chronology()
        windows.append(win)
        return win

    yield open_as
    for win in windows:
        win.close_draft()
