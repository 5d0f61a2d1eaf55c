"""Types into an answer in the real editor until it is killed (used by test_crash_safety).

Prints ``<monotonic time> <word>`` after each word reaches the editor, so the test
knows which words are older than the 2-second autosave promise when it kills us.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"


def main(path: str, passphrase: str) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from imr_app.core.model import SectionId
    from imr_app.gui.editor import DraftEditor
    from imr_app.services.checks import Location
    from imr_app.services.session import DraftSession
    from imr_app.storage.document import ImrDocument

    app = QApplication([])
    result = ImrDocument.open(Path(path), passphrase=passphrase, remember=False)
    assert result.document is not None, result.message
    editor = DraftEditor(DraftSession(result.document))
    editor.resize(1200, 800)
    editor.show()
    editor.go_to(Location(SectionId.TERMS_OF_REFERENCE, "i", "answer"))
    answer = editor.current_page().editor  # type: ignore[attr-defined]
    count = 0

    def type_word() -> None:
        nonlocal count
        count += 1
        word = f"w{count:05d} "
        answer.textCursor().insertText(word)
        print(f"{time.monotonic():.4f} {word.strip()}", flush=True)

    timer = QTimer(interval=40)
    timer.timeout.connect(type_word)
    timer.start()
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
