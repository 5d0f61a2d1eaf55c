"""A child process for the GUI figures: ``python -m bench.gui_child bare|app [DRAFT]``.

It prints ``ready`` as soon as its window is on screen (for ``app``: the real main window
with the draft unlocked by its remembered key), then ``peak <MB>``, its peak RSS once the
whole draft is loaded (the chronology loads on a thread after the window shows), and waits
for its standard input to close. The parent times process start to ``ready``, so imports,
unlocking and loading are all counted. ``app`` imports in the order ``imr-app FILE`` does:
the context, then ``build_window``, which imports Qt.
"""

from __future__ import annotations

import os
import resource
import sys
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
GIVE_UP_S = 60


def _peak_mb() -> float:
    """This process's own peak RSS. On Linux ``ru_maxrss`` also counts the parent it was
    forked from (the kernel keeps the old high-water mark across exec), so the bench's own
    memory would be reported; ``VmHWM`` is reset by exec."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _give_up() -> None:
    """The draft did not open (a dialog may be waiting for an answer): never hang the bench."""
    print("failed", flush=True)
    os._exit(1)


def main(mode: str, draft: str | None) -> None:
    watchdog = threading.Timer(GIVE_UP_S, _give_up)
    watchdog.daemon = True
    watchdog.start()
    if mode == "bare":
        from PySide6.QtWidgets import QApplication, QMainWindow

        app = QApplication([])
        window = QMainWindow()
        window.resize(1366, 768)
        window.show()
        app.processEvents()
    else:
        from pathlib import Path

        from imr_app.context import AppContext
        from imr_app.gui.app import build_window
        from imr_app.paths import UserPaths
        from imr_app.storage.keystore import KeyStore
        from tests.file_keyring import FileKeyring

        folder = Path(os.environ["IMR_BENCH_DIR"])
        context = AppContext(UserPaths(folder, folder / "config"), KeyStore(FileKeyring()))
        window = build_window(context, Path(draft or ""))
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        while window.editor is None:  # type: ignore[attr-defined]
            app.processEvents()  # type: ignore[union-attr]
        app.processEvents()  # type: ignore[union-attr]
    print("ready", flush=True)
    if mode != "bare":  # the whole draft in memory: the chronology loads after the window
        window.session.wait_for_chronology()  # type: ignore[attr-defined]
        app.processEvents()  # type: ignore[union-attr]
    watchdog.cancel()
    print(f"peak {_peak_mb():.1f}", flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
