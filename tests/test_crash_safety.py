"""Never lose a word: kill the app mid-typing and find every word older than 2 seconds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from imr_app.storage.document import ImrDocument
from tests.conftest import PASSPHRASE

ROOT = Path(__file__).resolve().parent.parent
PROMISE_S = 2.0
SLACK_S = 0.3  # scheduling noise on a loaded 2-core machine


def test_kill_during_typing_loses_at_most_two_seconds(created: Path):
    typist = subprocess.Popen(
        [sys.executable, "-m", "tests.crash_typist", str(created), PASSPHRASE],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    typed: list[tuple[float, str]] = []
    assert typist.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = typist.stdout.readline()
        if not line:
            break
        stamp, word = line.split()
        typed.append((float(stamp), word))
        if len(typed) >= 150:  # about six seconds of steady typing
            break
    killed_at = time.monotonic()
    typist.send_signal(signal.SIGKILL)
    typist.wait(timeout=10)
    assert len(typed) >= 150, "the typist did not get going"

    result = ImrDocument.open(created, passphrase=PASSPHRASE)  # the stale lock is taken over
    assert result.ok and result.document is not None, result.message
    with result.document as document:
        assert document.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        saved = document.load().answer_for("i").text
    must_have = [w for t, w in typed if t < killed_at - PROMISE_S - SLACK_S]
    assert must_have, "no word was old enough to check"
    missing = [w for w in must_have if w not in saved]
    assert not missing, f"{len(missing)} words older than 2 s were lost, first {missing[0]}"
