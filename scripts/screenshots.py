"""Take the README's screenshots offscreen at 1366x768: `.venv/bin/python scripts/screenshots.py`.

It imports the shipped example draft into a temporary folder, opens it in the real
window and saves PNGs under docs/screenshots/. Rerun it after changing a screen.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSPHRASE = "screenshot example passphrase"


def main() -> int:
    from keyring.backends import fail
    from PySide6.QtWidgets import QApplication

    from imr_app.context import AppContext
    from imr_app.core import interchange
    from imr_app.core.model import SectionId
    from imr_app.gui.main_window import MainWindow
    from imr_app.paths import UserPaths, resource_path
    from imr_app.services.checks import Location
    from imr_app.storage.document import ImrDocument
    from imr_app.storage.keystore import KeyStore

    app = QApplication.instance() or QApplication([])
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)

    def shoot(window: MainWindow, name: str) -> None:
        for _ in range(5):
            app.processEvents()
        window.grab().save(str(out / name))

    with tempfile.TemporaryDirectory() as tmp:
        context = AppContext(UserPaths(Path(tmp), Path(tmp) / "config"), KeyStore(fail.Keyring()))
        example = resource_path("examples", "example-imr.json").read_text(encoding="utf-8")
        path = Path(tmp) / "dhr-amina.imr"
        document, _ = ImrDocument.create(path, PASSPHRASE, interchange.loads(example))
        window = MainWindow(context)
        window.store.remember_recent(path, document.load())
        document.close()
        window._refresh_start()
        window.resize(1366, 768)
        window.show()
        shoot(window, "start-screen.png")

        result = ImrDocument.open(path, passphrase=PASSPHRASE, remember=False)
        assert result.document is not None, result.message
        window._start_session(result.document, [])
        editor = window.editor
        assert editor is not None
        window.spelling.wait(30)
        # One slip, so the picture shows the spelling underline.
        vi = editor.session.draft.answer_for("vi")
        vi.text = vi.text.replace("were not explored", "were not explroed")
        editor.go_to(Location(SectionId.TERMS_OF_REFERENCE, "vi", "answer"))
        shoot(window, "question-page.png")
        editor.go_to(Location(SectionId.EQUALITY))
        shoot(window, "equality-page.png")
        editor.go_to(Location(SectionId.CHRONOLOGY))
        chronology = editor.current_page()
        chronology.run_checks()  # type: ignore[attr-defined]
        chronology.splitter.setSizes([330, 130, 200])  # type: ignore[attr-defined]
        shoot(window, "chronology.png")
        editor.session.draft.answer_for("iv").text = ""
        editor.session.draft.recommendations[0].actions[0].lead = ""
        editor.go_to(Location(SectionId.TERMS_OF_REFERENCE, "iv", "answer"))
        window.check_for_errors()
        shoot(window, "check-for-errors.png")
        # The review panel: a comment on a span of question ii, from the safeguarding lead.
        window.problems_dock.hide()
        editor.go_to(Location(SectionId.TERMS_OF_REFERENCE, "ii", "answer"))
        answer = editor.current_page().editor  # type: ignore[attr-defined]
        found = answer.find("graded")
        window.show_comments()
        if found:
            window.comments.text.setPlainText(
                "Please say why standard rather than medium, given the 2016 history."
            )
            window.comments.add_on_page()
        window.comments.show_resolved.setChecked(True)
        shoot(window, "review-comments.png")
        window.close_draft()
        window.close()
    print(f"screenshots written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
