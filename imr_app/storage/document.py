"""One IMR draft = one SQLCipher file. Creating, opening (as a result, never a traceback),
backing up, re-keying and closing it.

The GUI thread owns a document's connection; work on other threads opens its own
connection with ``ImrDocument.reopen_connection`` (SQLite connections are not
shared between threads).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from imr_app.core.drafts import now
from imr_app.core.lineage import Lineage
from imr_app.core.model import AuditEvent, ImrDraft
from imr_app.storage import schema
from imr_app.storage.keys import SALT_BYTES, DraftKey, read_salt
from imr_app.storage.keystore import KeyringUnavailable, KeyStore
from imr_app.storage.locking import DraftLock, LockInfo, read_lock
from imr_app.storage.repository import LARGE_TABLES, DraftRepository, PendingSession
from imr_app.storage.sqlcipher_compat import DatabaseError, dbapi2

if TYPE_CHECKING:
    import sqlite_utils


class OpenStatus(Enum):
    OPENED = "opened"
    NEEDS_PASSPHRASE = "needs_passphrase"
    WRONG_PASSPHRASE = "wrong_passphrase"
    NOT_FOUND = "not_found"
    NOT_AN_IMR = "not_an_imr"
    NEWER_VERSION = "newer_version"
    LOCKED = "locked"
    READ_ONLY = "read_only"
    CORRUPT = "corrupt"
    MIGRATION_FAILED = "migration_failed"


_MESSAGES = {
    OpenStatus.OPENED: "Opened.",
    OpenStatus.NEEDS_PASSPHRASE: "Enter the draft's passphrase to open it.",
    OpenStatus.WRONG_PASSPHRASE: (
        "That passphrase does not open this draft. Check Caps Lock and try again; if you are "
        "sure it is right, the file may not be an IMR draft or may be damaged."
    ),
    OpenStatus.NOT_FOUND: "There is no file at this location.",
    OpenStatus.NOT_AN_IMR: "This file is not an IMR Author draft.",
    OpenStatus.NEWER_VERSION: (
        "This draft was saved by a newer version of IMR Author. Update the app to open it; "
        "nothing in the file has been changed."
    ),
    OpenStatus.LOCKED: "This draft is open elsewhere: {holder}.",
    OpenStatus.READ_ONLY: (
        "This draft is in a location you cannot write to, so changes could not be saved. "
        "Copy it to your own folder and open the copy."
    ),
    OpenStatus.CORRUPT: (
        "This draft is damaged and cannot be opened safely. Open your most recent backup "
        "copy instead; this file has not been changed."
    ),
    OpenStatus.MIGRATION_FAILED: (
        "This draft could not be brought up to date; it has not been changed and a backup "
        "copy is beside it."
    ),
}

# Signatures of files that are plainly something else (an SQLCipher file starts with salt).
_FOREIGN_SIGNATURES = (b"SQLite format 3\x00", b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0")


@dataclass
class OpenResult:
    status: OpenStatus
    document: ImrDocument | None = None
    holder: LockInfo | None = None
    detail: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status is OpenStatus.OPENED

    @property
    def message(self) -> str:
        text = _MESSAGES[self.status].format(holder=self.holder.describe() if self.holder else "")
        return f"{text} ({self.detail})" if self.detail else text


def _connect(path: Path, key: DraftKey | bytes) -> dbapi2.Connection:
    conn = dbapi2.connect(str(path), check_same_thread=True)
    conn.execute("PRAGMA cipher_log_level = NONE")
    literal = key.pragma_value() if isinstance(key, DraftKey) else f"x'{key.hex()}'"
    conn.execute(f'PRAGMA key = "{literal}"')
    return conn


def _configure(conn: dbapi2.Connection) -> None:
    conn.execute("PRAGMA journal_mode = WAL")
    # FULL: a committed edit survives a power cut, not only a crash of the app.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")


def _writing_session(lock: DraftLock, user: str, conn: dbapi2.Connection) -> PendingSession | None:
    """The session this opening records with its first write: the user named in the app's
    settings (else the login name) on this computer. None before the lineage table exists
    (a file kept at an older schema version)."""
    if conn.execute("PRAGMA user_version").fetchone()[0] < schema.LINEAGE_VERSION:
        return None
    return PendingSession(user.strip() or lock.info.user, lock.info.host)


class ImrDocument:
    """An open, unlocked, locked-for-us draft file."""

    def __init__(
        self,
        path: Path,
        conn: dbapi2.Connection,
        key: DraftKey,
        lock: DraftLock,
        pending_session: PendingSession | None = None,
    ) -> None:
        self.path = path
        self.conn = conn
        self.key = key
        self._lock = lock
        self.repo = DraftRepository(conn, pending_session)

    @property
    def db(self) -> sqlite_utils.Database:
        return self.repo.db

    # ---- creating -------------------------------------------------------------
    @classmethod
    def create(
        cls,
        path: Path,
        passphrase: str,
        draft: ImrDraft,
        keystore: KeyStore | None = None,
        remember: bool = True,
        migrations: Sequence[schema.Migration] = schema.MIGRATIONS,
        user: str = "",
    ) -> tuple[ImrDocument, list[str]]:
        """Create a new encrypted draft file; never overwrites an existing file.

        Returns the document and warnings (the key could not be remembered, say). The
        creation is the first writing session of the draft's lineage, as ``user`` (the
        name in the app's settings; the login name when empty).
        """
        path = Path(path)
        if path.exists():
            raise FileExistsError(f"{path} already exists; choose another name.")
        path.parent.mkdir(parents=True, exist_ok=True)
        key = DraftKey.new(passphrase)
        lock = DraftLock(path)
        lock.acquire()
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.creating")
        try:
            conn = _connect(tmp, key)
            conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
            _configure(conn)
            repo = DraftRepository(conn)
            schema.apply_migrations(repo.db, migrations)
            repo.pending_session = _writing_session(lock, user, conn)  # now its table exists
            repo.write_all(draft)
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()
            _remove_sidecars(tmp)
            os.chmod(tmp, 0o600)
            # The file appears under its name only once it is complete.
            os.replace(tmp, path)
        except BaseException:
            _remove_sidecars(tmp)
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            lock.release()
            raise
        conn = _connect(path, key.key)
        _configure(conn)
        document = cls(path, conn, key, lock)  # its writes belong to the creating session
        warnings = document.remember_key(keystore) if (remember and keystore) else []
        return document, warnings

    # ---- opening --------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: Path,
        keystore: KeyStore | None = None,
        passphrase: str | None = None,
        take_over: bool = False,
        remember: bool = True,
        migrations: Sequence[schema.Migration] = schema.MIGRATIONS,
        check_large_tables: bool = True,
    ) -> OpenResult:
        """Open a draft: the remembered key first, else ``passphrase``; a result, never a raise.

        Every table passes SQLite's ``quick_check`` first. With ``check_large_tables`` off, the
        chronology and revisions are left to the caller, which reads them on a thread anyway
        (``DraftRepository.integrity_problem(LARGE_TABLES)``): that check is most of the time
        it takes to open a large draft.
        """
        path = Path(path)
        problem = _precheck(path)
        if problem is not None:
            return problem
        holder = read_lock(path)
        if holder is not None and not take_over and not holder.is_stale():
            return OpenResult(OpenStatus.LOCKED, holder=holder)

        salt = read_salt(path)
        warnings: list[str] = []
        if passphrase is None:
            if keystore is None:
                return OpenResult(OpenStatus.NEEDS_PASSPHRASE)
            try:
                raw = keystore.get(salt)
            except KeyringUnavailable as exc:
                return OpenResult(OpenStatus.NEEDS_PASSPHRASE, detail=str(exc))
            if raw is None:
                return OpenResult(OpenStatus.NEEDS_PASSPHRASE)
            key = DraftKey(raw, salt)
        else:
            key = DraftKey.from_passphrase(passphrase, salt)

        conn = _connect(path, key.key)
        try:
            result = _check_unlocked(
                conn, passphrase is not None, migrations, path, key, check_large_tables
            )
        except DatabaseError as exc:
            conn.close()
            return OpenResult(OpenStatus.CORRUPT, detail=str(exc))
        if result is not None:
            conn.close()
            return result

        lock = DraftLock(path)
        other = lock.acquire(take_over=take_over)
        if other is not None:  # someone took it between our check and now
            conn.close()
            return OpenResult(OpenStatus.LOCKED, holder=other)
        document = cls(path, conn, key, lock, _writing_session(lock, "", conn))
        if passphrase is not None and remember and keystore is not None:
            warnings += document.remember_key(keystore)
        return OpenResult(OpenStatus.OPENED, document=document, warnings=warnings)

    # ---- keys ---------------------------------------------------------------
    def remember_key(self, keystore: KeyStore) -> list[str]:
        """Cache the key in the OS keyring; a failure is a warning, the passphrase still works."""
        try:
            keystore.remember(self.key.salt, self.key.key)
        except KeyringUnavailable as exc:
            return [f"{exc} You will be asked for the passphrase next time."]
        return []

    def change_passphrase(self, new_passphrase: str, keystore: KeyStore | None = None) -> None:
        """Re-key into a new file, verify it, then swap it in; the old file stays until then."""
        new_key = DraftKey.new(new_passphrase)
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        tmp = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}.rekey")
        try:
            _export_copy(self.conn, tmp, new_key)
            _verify_copy(tmp, new_key, self.repo.counts())
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            raise
        old_salt = self.key.salt
        self.conn.close()
        os.replace(tmp, self.path)
        _remove_sidecars(self.path)
        self.conn = _connect(self.path, new_key.key)
        _configure(self.conn)
        self.repo = DraftRepository(self.conn, self.repo.pending_session)
        self.key = new_key
        self.repo.add_audit(AuditEvent(now(), "passphrase changed"))
        if keystore is not None:
            with contextlib.suppress(KeyringUnavailable):
                keystore.forget(old_salt)
            self.remember_key(keystore)

    def verify_passphrase(self, passphrase: str) -> bool:
        """True when ``passphrase`` is this draft's (to unlock a locked window)."""
        candidate = DraftKey.from_passphrase(passphrase, self.key.salt)
        return secrets.compare_digest(candidate.key, self.key.key)

    def forget_key(self, keystore: KeyStore) -> bool:
        """ "Forget this draft on this computer": drop the remembered key."""
        return keystore.forget(self.key.salt)

    # ---- content --------------------------------------------------------------
    def load(self, with_chronology: bool = True) -> ImrDraft:
        return self.repo.load(with_chronology)

    def set_user(self, name: str) -> None:
        """Name who is writing (the app's settings) before the first write records it;
        an empty name keeps the login name."""
        pending = self.repo.pending_session
        if pending is not None and name.strip():
            self.repo.pending_session = dataclasses.replace(pending, user=name.strip())

    def lineage(self) -> Lineage:
        """Which copy of the draft this is: see ``core/lineage.py``."""
        return self.repo.lineage()

    def reader(self) -> DraftRepository:
        """A repository on a second connection, for reading on another thread.

        SQLite connections are not shared between threads; WAL lets this one read
        while the GUI thread's connection writes. Close ``reader().conn`` after use.
        """
        return DraftRepository(_connect(self.path, self.key.key))

    def backup(self, destination: Path) -> Path:
        """An encrypted copy with the same key (the SQLite backup API refuses encrypted files)."""
        _export_copy(self.conn, destination, self.key)
        return destination

    def close(self) -> None:
        with contextlib.suppress(DatabaseError):
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.close()
        self._lock.release()

    def __enter__(self) -> ImrDocument:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _precheck(path: Path) -> OpenResult | None:
    """Answers that need no key: missing, plainly foreign, or not writable."""
    if not path.is_file():
        return OpenResult(OpenStatus.NOT_FOUND)
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError as exc:
        return OpenResult(OpenStatus.NOT_FOUND, detail=exc.strerror or str(exc))
    if size < 1024 or size % 512 or len(head) < SALT_BYTES or head.startswith(_FOREIGN_SIGNATURES):
        return OpenResult(OpenStatus.NOT_AN_IMR)
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        return OpenResult(OpenStatus.READ_ONLY)
    return None


def _check_unlocked(
    conn: dbapi2.Connection,
    by_passphrase: bool,
    migrations: Sequence[schema.Migration],
    path: Path,
    key: DraftKey,
    check_large_tables: bool = True,
) -> OpenResult | None:
    """None when the connection is a healthy, current IMR draft; else why not."""
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except DatabaseError:
        if by_passphrase:
            return OpenResult(OpenStatus.WRONG_PASSPHRASE)
        return OpenResult(
            OpenStatus.NEEDS_PASSPHRASE,
            detail="the key remembered on this computer no longer opens this draft",
        )
    if conn.execute("PRAGMA application_id").fetchone()[0] != schema.APPLICATION_ID:
        return OpenResult(OpenStatus.NOT_AN_IMR)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    latest = migrations[-1].version if migrations else 0
    if version > latest:
        return OpenResult(OpenStatus.NEWER_VERSION, detail=f"file version {version}")
    pending = any(m.version > version for m in migrations)
    checked = DraftRepository(conn)
    tables = None  # the whole file, before a migration or when asked
    if not (check_large_tables or pending):
        tables = [t for t in checked.table_names() if t not in LARGE_TABLES]
    problem = checked.integrity_problem(tables)
    if problem is not None:
        return OpenResult(OpenStatus.CORRUPT, detail=problem)
    _configure(conn)
    if pending:
        repo = DraftRepository(conn)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = path.with_name(f"{path.stem}.v{version}-backup-{stamp}{path.suffix}")
        try:
            _export_copy(conn, backup, key)
            schema.apply_migrations(repo.db, migrations)
        except Exception as exc:
            return OpenResult(OpenStatus.MIGRATION_FAILED, detail=f"{exc}; backup: {backup.name}")
        repo.add_audit(
            AuditEvent(now(), "schema migrated", detail=f"from {version}; backup {backup.name}")
        )
    return None


def _export_copy(conn: dbapi2.Connection, destination: Path, key: DraftKey) -> None:
    if destination.exists():
        raise FileExistsError(destination)
    conn.execute(f'ATTACH DATABASE ? AS export KEY "{key.pragma_value()}"', [str(destination)])
    try:
        conn.execute("SELECT sqlcipher_export('export')")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute(f"PRAGMA export.user_version = {int(version)}")
        conn.execute(f"PRAGMA export.application_id = {schema.APPLICATION_ID}")
    finally:
        conn.execute("DETACH DATABASE export")


def _verify_copy(path: Path, key: DraftKey, expected: dict[str, int]) -> None:
    conn = _connect(path, key.key)
    try:
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise DatabaseError("the re-keyed copy failed its integrity check")
        counts = DraftRepository(conn).counts()
        if counts != expected:
            raise DatabaseError("the re-keyed copy does not hold the same content")
    finally:
        conn.close()


def _remove_sidecars(path: Path) -> None:
    for suffix in ("-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + suffix).unlink()
