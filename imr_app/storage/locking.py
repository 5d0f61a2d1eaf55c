"""A lock file beside the draft naming who has it open, on which computer, since when.

SQLite's own locks do not work across network shares and say nothing about who
holds them, so a draft opened in another window or on another computer is told
apart by this file. A lock left by a crashed process on this computer is stale
and is taken over; any other lock can be taken over only when the user says so.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import secrets
import socket
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class LockInfo:
    user: str
    host: str
    pid: int
    since: str
    token: str

    @property
    def since_datetime(self) -> datetime | None:
        try:
            return datetime.fromisoformat(self.since)
        except ValueError:
            return None

    def is_stale(self) -> bool:
        """True when the holder was a process on this computer that no longer runs."""
        return self.host == socket.gethostname() and not _process_alive(self.pid)

    def describe(self) -> str:
        when = self.since_datetime
        since = when.strftime("%d/%m/%Y %H:%M") if when else "an unknown time"
        return f"{self.user} on {self.host} since {since}"


def lock_path(draft: Path) -> Path:
    return draft.with_name(f".{draft.name}.lock")


def read_lock(draft: Path) -> LockInfo | None:
    """The current holder, or None. An unreadable lock file counts as a stale lock."""
    path = lock_path(draft)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return LockInfo(**{k: data[k] for k in LockInfo.__dataclass_fields__})
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return LockInfo("unknown", "unknown", -1, "", "")


class DraftLock:
    """Held while a draft is open; released on close."""

    def __init__(self, draft: Path) -> None:
        self.draft = draft
        self.path = lock_path(draft)
        self.info = LockInfo(
            user=_user_name(),
            host=socket.gethostname(),
            pid=os.getpid(),
            since=datetime.now().astimezone().isoformat(timespec="seconds"),
            token=secrets.token_hex(8),
        )

    def acquire(self, take_over: bool = False) -> LockInfo | None:
        """Take the lock; returns the other holder instead when it is held and not taken over."""
        payload = json.dumps(asdict(self.info)).encode("utf-8")
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            holder = read_lock(self.draft)
            if holder is not None and not (take_over or holder.is_stale()):
                return holder
            tmp = self.path.with_name(self.path.name + ".tmp")
            tmp.write_bytes(payload)
            os.replace(tmp, self.path)
            return None
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        return None

    def release(self) -> None:
        """Remove the lock only if it is still ours (it may have been taken over)."""
        holder = read_lock(self.draft)
        if holder is not None and holder.token == self.info.token:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()


def _user_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some service contexts
        return "unknown user"


def _process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # type: ignore[attr-defined]
        if not handle:
            return False
        ctypes.windll.kernel32.CloseHandle(handle)  # type: ignore[attr-defined]
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
