"""Take the README's screenshots offscreen, at 1366x768: `python scripts/screenshots.py`.

Rerun it after changing a screen; it writes PNGs under docs/screenshots/.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    from PySide6.QtWidgets import QApplication

    from imr_app.context import AppContext
    from imr_app.gui.main_window import MainWindow
    from imr_app.paths import UserPaths
    from imr_app.storage.keystore import KeyStore

    app = QApplication.instance() or QApplication([])
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        context = AppContext(UserPaths(Path(tmp), Path(tmp)), KeyStore())
        window = MainWindow(context)
        window.resize(1366, 768)
        window.show()
        app.processEvents()
        window.grab().save(str(out / "main-window.png"))
        window.close()
    print(f"screenshots written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
