"""The encrypted draft file: ciphertext on disk, and every way opening can go wrong."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from imr_app.core.model import Answer, AnswerStatus, ImrDraft, Lesson
from imr_app.storage.document import ImrDocument, OpenStatus
from imr_app.storage.keystore import KeyStore
from imr_app.storage.locking import lock_path
from imr_app.storage.sqlcipher_compat import IntegrityError, dbapi2
from tests.conftest import PASSPHRASE

SECRET = "Zephyrine-Quillfeather-7731 disclosed"


def _open(path: Path, keystore: KeyStore | None = None, **kw: object) -> ImrDocument:
    result = ImrDocument.open(path, keystore, **kw)  # type: ignore[arg-type]
    assert result.ok, result.message
    assert result.document is not None
    return result.document


def test_file_on_disk_is_ciphertext_including_wal_and_shm(draft_path: Path, draft: ImrDraft):
    document, _ = ImrDocument.create(draft_path, PASSPHRASE, draft)
    answer = Answer("i", text=SECRET * 20, status=AnswerStatus.IN_PROGRESS)
    document.repo.save_answer(answer)
    # Read the bytes while the draft is open, so the edit is still in the WAL.
    files = [draft_path, Path(f"{draft_path}-wal"), Path(f"{draft_path}-shm")]
    assert all(f.exists() for f in files[:2])
    blobs = {f.name: f.read_bytes() for f in files if f.exists()}
    document.close()
    blobs["after close"] = draft_path.read_bytes()
    for name, blob in blobs.items():
        assert not blob.startswith(b"SQLite format 3"), name
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            assert SECRET.encode(encoding) not in blob, (name, encoding)
            assert "DHR Amina".encode(encoding) not in blob, (name, encoding)
    reopened = _open(draft_path, passphrase=PASSPHRASE)
    assert reopened.load().answer_for("i").text == SECRET * 20
    reopened.close()


def test_wrong_passphrase_is_a_result_not_an_error(created: Path):
    result = ImrDocument.open(created, passphrase="not the right one at all")
    assert result.status is OpenStatus.WRONG_PASSPHRASE
    assert "passphrase does not open this draft" in result.message
    assert not lock_path(created).exists()


def test_remembered_key_opens_without_passphrase(created: Path, keystore: KeyStore):
    document = _open(created, keystore)
    assert document.load().review.name == "DHR Amina"
    document.close()


def test_lost_keyring_entry_asks_for_passphrase_then_remembers_again(
    created: Path, keystore: KeyStore
):
    salt = created.read_bytes()[:16]
    assert keystore.forget(salt)
    assert ImrDocument.open(created, keystore).status is OpenStatus.NEEDS_PASSPHRASE
    _open(created, keystore, passphrase=PASSPHRASE).close()
    assert keystore.get(salt) is not None
    _open(created, keystore).close()


def test_stale_keyring_entry_asks_for_passphrase(created: Path, keystore: KeyStore):
    keystore.remember(created.read_bytes()[:16], b"\x01" * 32)
    result = ImrDocument.open(created, keystore)
    assert result.status is OpenStatus.NEEDS_PASSPHRASE
    assert "no longer opens" in result.message


def test_forget_on_this_computer_removes_the_key(created: Path, keystore: KeyStore):
    document = _open(created, keystore)
    assert document.forget_key(keystore)
    document.close()
    assert ImrDocument.open(created, keystore).status is OpenStatus.NEEDS_PASSPHRASE


def test_creating_never_overwrites_an_existing_file(created: Path, draft: ImrDraft):
    before = created.read_bytes()
    with pytest.raises(FileExistsError):
        ImrDocument.create(created, "another long passphrase", draft)
    assert created.read_bytes() == before


def test_missing_file(tmp_path: Path):
    result = ImrDocument.open(tmp_path / "nowhere.imr", passphrase=PASSPHRASE)
    assert result.status is OpenStatus.NOT_FOUND


@pytest.mark.parametrize("kind", ["text", "plain sqlite", "zip", "empty"])
def test_file_that_is_not_an_imr_draft(tmp_path: Path, kind: str):
    path = tmp_path / "x.imr"
    if kind == "text":
        path.write_text("Dear Chair,\n" * 200, encoding="utf-8")
    elif kind == "plain sqlite":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE t(x)")
        conn.commit()
        conn.close()
    elif kind == "zip":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("word/document.xml", "<w:document/>" * 200)
    else:
        path.write_bytes(b"")
    result = ImrDocument.open(path, passphrase=PASSPHRASE)
    assert result.status is OpenStatus.NOT_AN_IMR
    assert "not an IMR Author draft" in result.message


def test_encrypted_database_of_another_app_is_not_an_imr(tmp_path: Path):
    from imr_app.storage.keys import DraftKey

    path = tmp_path / "other.imr"
    key = DraftKey.new(PASSPHRASE)
    conn = dbapi2.connect(str(path))
    conn.execute(f'PRAGMA key = "{key.pragma_value()}"')
    conn.execute("CREATE TABLE t(x)")
    conn.commit()
    conn.close()
    assert ImrDocument.open(path, passphrase=PASSPHRASE).status is OpenStatus.NOT_AN_IMR


def test_newer_version_is_refused_and_left_untouched(created: Path):
    document = _open(created, passphrase=PASSPHRASE)
    document.conn.execute("PRAGMA user_version = 99")
    document.conn.commit()
    document.close()
    before = created.read_bytes()
    result = ImrDocument.open(created, passphrase=PASSPHRASE)
    assert result.status is OpenStatus.NEWER_VERSION
    assert "newer version of IMR Author" in result.message
    assert created.read_bytes() == before


def test_open_elsewhere_names_who_and_since_and_can_be_taken_over(created: Path):
    first = _open(created, passphrase=PASSPHRASE)
    second = ImrDocument.open(created, passphrase=PASSPHRASE)
    assert second.status is OpenStatus.LOCKED
    assert second.holder is not None
    assert second.holder.user in second.message
    assert second.holder.host in second.message
    assert "since" in second.message
    taken = _open(created, passphrase=PASSPHRASE, take_over=True)
    first.close()  # must not remove the lock that is no longer its own
    assert lock_path(created).exists()
    taken.close()
    assert not lock_path(created).exists()


def test_stale_lock_after_a_crash_is_taken_over(created: Path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock_path(created).write_text(
        json.dumps(
            {
                "user": "someone",
                "host": os.uname().nodename,
                "pid": dead.pid,
                "since": "2026-11-01T09:00:00+00:00",
                "token": "abc",
            }
        ),
        encoding="utf-8",
    )
    _open(created, passphrase=PASSPHRASE).close()


def test_lock_from_another_computer_is_not_stale(created: Path):
    lock_path(created).write_text(
        json.dumps(
            {
                "user": "lead",
                "host": "other-pc",
                "pid": 1,
                "since": "2026-11-01T09:00:00+00:00",
                "token": "abc",
            }
        ),
        encoding="utf-8",
    )
    result = ImrDocument.open(created, passphrase=PASSPHRASE)
    assert result.status is OpenStatus.LOCKED
    assert "lead on other-pc since 01/11/2026 09:00" in result.message


def test_read_only_location(created: Path, tmp_path: Path):
    folder = created.parent
    if os.geteuid() == 0:
        bind = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
        if bind.returncode != 0:
            pytest.skip("cannot make a read-only location as root here")
        subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], check=True)
    else:
        folder.chmod(0o555)
    try:
        result = ImrDocument.open(created, passphrase=PASSPHRASE)
        assert result.status is OpenStatus.READ_ONLY
        assert "cannot write to" in result.message
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", str(folder)], check=True)
        else:
            folder.chmod(0o755)


def test_a_failed_write_changes_nothing(created: Path):
    document = _open(created, passphrase=PASSPHRASE)
    before = document.load()
    broken = document.load()
    twin = Lesson("Same id twice", id="same")
    broken.lessons = [twin, twin]
    broken.analysis = "This must not be saved"
    with pytest.raises(IntegrityError):
        document.repo.write_all(broken)
    after = document.load()
    assert after.analysis == before.analysis
    assert after.lessons == before.lessons
    document.close()
