"""A damaged draft file is refused with a clear message, never opened into a traceback.

Opening checks every table; the window leaves the large ones (chronology, revisions) to the
thread that loads them, so a damaged chronology is reported once it has been read.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from imr_app.core.errors import DamagedDraftError
from imr_app.core.model import ChronologyEntry, ImrDraft
from imr_app.gui.main_window import MainWindow
from imr_app.services.session import DraftSession
from imr_app.storage.document import ImrDocument, OpenStatus
from imr_app.storage.keystore import KeyStore
from tests.conftest import PASSPHRASE


@pytest.fixture
def damaged(draft_path: Path, draft: ImrDraft, keystore: KeyStore) -> bytes:
    """A draft whose chronology pages (most of the file) have random bytes in the middle."""
    draft.chronology = [
        ChronologyEntry(date(2020, 1, 1), "Custody record", event=f"entry {i} " * 40)
        for i in range(400)
    ]
    ImrDocument.create(draft_path, PASSPHRASE, draft, keystore)[0].close()
    data = bytearray(draft_path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = os.urandom(64)
    draft_path.write_bytes(bytes(data))
    return bytes(data)


def test_opening_a_damaged_file_says_so_and_changes_nothing(draft_path: Path, damaged: bytes):
    result = ImrDocument.open(draft_path, passphrase=PASSPHRASE)
    assert result.status is OpenStatus.CORRUPT
    assert "damaged" in result.message
    assert draft_path.read_bytes() == damaged


def test_the_loading_thread_finds_damage_that_opening_left_to_it(
    draft_path: Path, damaged: bytes, keystore: KeyStore
):
    result = ImrDocument.open(draft_path, keystore, check_large_tables=False)
    assert result.document is not None, result.message
    session = DraftSession(result.document, background_chronology=True)
    session.start_loading_chronology()
    with pytest.raises(DamagedDraftError, match="damaged"):
        session.wait_for_chronology()
    assert isinstance(session.load_error, DamagedDraftError)
    session.close()
    assert draft_path.read_bytes() == damaged


def test_the_window_closes_a_damaged_draft_and_says_why(
    qtbot, context, draft_path: Path, damaged: bytes, monkeypatch: pytest.MonkeyPatch
):
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda _parent, _title, text, *a: shown.append(text))
    )
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.open_path(draft_path)  # the key is remembered: no passphrase asked
    qtbot.waitUntil(lambda: window.editor is None, timeout=5000)
    assert len(shown) == 1 and shown[0].startswith("This draft is damaged")
    assert window.stack.currentWidget() is window.start
    assert draft_path.read_bytes() == damaged
    assert window.store.load().copies == []  # the backup it points to will open quietly
