"""Authoring-window figures: start-up to an unlocked draft, typing latency, peak memory.

The draft is the storage figures' large one: 10,000 chronology entries and all 17
answers filled. Start-up and memory are measured in child processes
(``bench.gui_child``) against a bare PySide6 window started the same way.
"""

from __future__ import annotations

import compileall
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bench import harness
from bench.bench_storage import build_draft
from imr_app.storage.document import ImrDocument
from imr_app.storage.keystore import KeyStore
from tests.file_keyring import FileKeyring

ROOT = Path(__file__).resolve().parent.parent
PASSPHRASE = "correct horse battery staple"
ANSWER_BYTES = 50 * 1024


@dataclass(frozen=True)
class GuiData:
    folder: Path
    draft: Path
    keyring: Path


@cache
def data() -> GuiData:
    # Start-up is measured as users get it: from bytecode (see scripts/setup.sh).
    for code in ("imr_app", "bench", "tests"):
        compileall.compile_dir(ROOT / code, quiet=1)
    folder = Path(harness.resources.enter_context(tempfile.TemporaryDirectory()))
    keyring_file = folder / "keyring.json"
    path = folder / "large.imr"
    draft = build_draft()
    keystore = KeyStore(FileKeyring(keyring_file))
    ImrDocument.create(path, PASSPHRASE, draft, keystore, remember=True)[0].close()
    return GuiData(folder, path, keyring_file)


def _child(mode: str) -> tuple[float, float]:
    """(ms from process start to its window being ready, peak RSS in MB with all loaded)."""
    d = data()
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "IMR_BENCH_DIR": str(d.folder),
        "IMR_TEST_KEYRING_FILE": str(d.keyring),
    }
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "bench.gui_child", mode, str(d.draft)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert child.stdout is not None and child.stdin is not None
    ready = child.stdout.readline()
    elapsed_ms = (time.perf_counter() - start) * 1000
    assert ready.strip() == "ready", ready
    word, peak = child.stdout.readline().split()
    assert word == "peak", word
    child.stdin.close()
    child.wait(timeout=30)
    return elapsed_ms, float(peak)


class _Typing:
    """Keystrokes into a 50 KB answer in the real editor, with autosave firing every tenth."""

    def setup(self) -> None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtWidgets import QApplication, QTextEdit

        from imr_app.core.model import SectionId
        from imr_app.gui.editor import DraftEditor
        from imr_app.services.checks import Location
        from imr_app.services.session import DraftSession

        self.app = QApplication.instance() or QApplication([])
        d = data()
        result = ImrDocument.open(d.draft, KeyStore(FileKeyring(d.keyring)))
        assert result.document is not None, result.message
        self.editor = DraftEditor(DraftSession(result.document))
        self.editor.resize(1366, 768)
        self.editor.show()
        self.editor.go_to(Location(SectionId.TERMS_OF_REFERENCE, "i", "answer"))
        page = self.editor.current_page()
        paragraph = "The officer recorded the disclosure and referred it to MARAC. " * 8
        text = "\n\n".join([paragraph] * (ANSWER_BYTES // len(paragraph) + 1))
        self.answer = page.editor  # type: ignore[attr-defined]
        self.answer.set_markdown(text)
        self.answer.setFocus()
        self.bare = QTextEdit()
        self.bare.setPlainText(text)
        self.bare.show()
        self.count = 0

    def _key(self, widget: object) -> None:
        from PySide6.QtCore import QEvent, Qt
        from PySide6.QtGui import QKeyEvent

        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a")
            self.app.sendEvent(widget, event)

    def measured(self) -> None:
        self.count += 1
        self._key(self.answer)
        if self.count % 10 == 0:
            self.editor._autosave.start(0)  # the autosave falls inside this keystroke
        self.app.processEvents()

    def baseline(self) -> None:
        self._key(self.bare)
        self.app.processEvents()

    def teardown(self) -> None:
        self.editor.session.close()
        self.editor.close()
        self.bare.close()


def figures() -> list[harness.Figure]:
    typing = _Typing()
    return [
        harness.Figure(
            name="start to unlocked window (10,000 entries, 17 answers) vs bare window",
            measured=lambda: _child("app")[0],
            baseline=lambda: _child("bare")[0],
            target=2.5,
            repeats=7,
            quick_repeats=2,
            warmups=1,
            self_measured=True,
        ),
        harness.Figure(
            name="keystroke in a 50 KB answer, autosave running (worst)",
            measured=typing.measured,
            baseline=typing.baseline,
            statistic="max",
            target=25,
            ceiling_ms=50,
            repeats=200,
            quick_repeats=40,
            setup=typing.setup,
            teardown=typing.teardown,
        ),
        harness.Figure(
            name="peak memory with that draft open vs bare window",
            measured=lambda: _child("app")[1],
            baseline=lambda: _child("bare")[1],
            target=4,
            ceiling_ms=300,
            repeats=3,
            quick_repeats=1,
            warmups=0,
            self_measured=True,
            unit="MB",
        ),
    ]
